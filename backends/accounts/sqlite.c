/*
 * sqlite.c: accounts in a table of an SQLite database that another
 * program (the NVR's web UI) keeps its users in: `sqlite`, with the table
 * and its columns configured, and `frigate`, the same code with Frigate's
 * user table (schema of its migrations 025 to 032).
 *
 * Invariants:
 * 1. Nothing but this store's own columns of the changed account's own
 *    row is written: one UPDATE of the password column (and the
 *    changed-at column, where configured) WHERE the name matches exactly
 *    one row, checked inside the transaction, which is rolled back when
 *    the count of changed rows is not the one expected.
 * 2. One transaction per change (BEGIN IMMEDIATE ... COMMIT), with a busy
 *    timeout: a database another program holds locked past it is
 *    reported as busy and left as it was.
 * 3. A database whose table or columns are not as configured is refused
 *    before anything is written; names from the config are plain SQL
 *    names, checked and quoted; every value goes through a bound
 *    parameter.
 * 4. The database is opened only in a child process that has entered the
 *    folder held open by the parent (fchdir, chroot when root) and
 *    dropped to the database file's owner (setgroups, setresgid,
 *    setresuid): the -wal, -shm and -journal files SQLite makes belong to
 *    the software's account, never to root, and no name the parent
 *    checked is looked up again with root's rights outside that folder
 *    (sqlite_owner.c).
 * 5. An unknown account and a wrong password get the same answer after
 *    the same work; buffers that held a password or a hash are wiped.
 */
#include "backends/accounts/accounts.h"

#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/accounts/pbkdf2.h"
#include "backends/accounts/policy.h"
#include "backends/accounts/sqlite_lib.h"
#include "backends/accounts/sqlite_owner.h"
#include "common/secret.h"

#define PASSWORD_MAX (SECRET_MAX - 1)
#define FACTORY_ACCOUNTS_MAX 256

static const char *const hash_choices[] = { PBKDF2_SHA256_NAME, NULL };
static const char *const changed_choices[] = { "local", "utc", "unix",
    NULL };

#define KEY_DATABASE(req) \
	{ .name = "database", .type = SCHEMA_PATH, .required = (req), \
	  .help = "the SQLite database file" }
#define KEY_COMMON \
	{ .name = "admin", .type = SCHEMA_STRING, \
	  .help = "the account first-boot setup asks a password for" }, \
	{ .name = "hash", .type = SCHEMA_ENUM, .choices = hash_choices, \
	  .help = "how new passwords are hashed: pbkdf2_sha256" }, \
	{ .name = "hash_iterations", .type = SCHEMA_INT, .min = 1000, \
	  .max = PBKDF2_SHA256_ITERATIONS_MAX, \
	  .help = "PBKDF2 iterations of a new hash (default 600000)" }, \
	{ .name = "changed_format", .type = SCHEMA_ENUM, \
	  .choices = changed_choices, \
	  .help = "how the changed-at time is written: local, utc, unix" }, \
	{ .name = "busy_timeout_ms", .type = SCHEMA_INT, .min = 0, \
	  .max = 600000, \
	  .help = "how long to wait for a database another program holds" \
	  " (default 5000)" }, \
	{ .name = "policy", .type = SCHEMA_MAP, .children = policy_keys, \
	  .help = "password strength rules" }

static const struct schema_key sqlite_keys[] = {
	KEY_DATABASE(true),
	{ .name = "table", .type = SCHEMA_STRING, .required = true,
	  .help = "the table of users" },
	{ .name = "user_column", .type = SCHEMA_STRING, .required = true,
	  .help = "its column of user names" },
	{ .name = "password_column", .type = SCHEMA_STRING, .required = true,
	  .help = "its column of password hashes" },
	{ .name = "changed_column", .type = SCHEMA_STRING,
	  .help = "its column set to the time of a change" },
	{ .name = "enabled_column", .type = SCHEMA_STRING,
	  .help = "its column that is false for a disabled user" },
	KEY_COMMON,
	{ 0 },
};

static const struct schema_key frigate_keys[] = {
	KEY_DATABASE(true),
	KEY_COMMON,
	{ 0 },
};

struct sqlite_store {
	struct sqlite_owner_db db;	/* where and what, for the child */
	char admin[ACCOUNT_NAME_MAX + 1];
	unsigned long iterations;
	enum { CHANGED_LOCAL, CHANGED_UTC, CHANGED_UNIX } changed_format;
	struct pbkdf2_sha256 dummy;	/* spent on unknown accounts */
};

/* The time now, as the changed-at column takes it (made here: the child
 * has no /etc/localtime inside its folder). */
static void
changed_now(const struct sqlite_store *st, struct sqlite_owner_change *c)
{
	struct timespec now;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &now);
	c->unix_time = (int64_t)now.tv_sec;
	c->as_integer = st->changed_format == CHANGED_UNIX;
	if (st->changed_format == CHANGED_UTC)
		gmtime_r(&now.tv_sec, &tm);
	else
		localtime_r(&now.tv_sec, &tm);
	/* Python's str(datetime), which peewee's DateTimeField reads back:
	 * "2025-06-01 14:03:07.123456". */
	snprintf(c->text, sizeof(c->text),
	    "%04d-%02d-%02d %02d:%02d:%02d.%06ld", tm.tm_year + 1900,
	    (tm.tm_mon + 1) % 100, tm.tm_mday % 100, tm.tm_hour % 100,
	    tm.tm_min % 100, tm.tm_sec % 100, (long)(now.tv_nsec / 1000) % 1000000);
}

/* The state of a stored password: SET if this store reads its scheme. */
static enum account_password
password_state(const struct sqlite_owner_row *row)
{
	struct pbkdf2_sha256 hash;

	if (row->hash_other)
		return ACCOUNT_PASSWORD_LOCKED;
	if (row->hash_null || row->hash_len == 0)
		return ACCOUNT_PASSWORD_EMPTY;
	if (pbkdf2_sha256_parse(row->hash, row->hash_len, &hash) != 0)
		return ACCOUNT_PASSWORD_LOCKED;
	sodium_memzero(&hash, sizeof(hash));
	return ACCOUNT_PASSWORD_SET;
}

static void
fill_account(const struct sqlite_store *st, const struct sqlite_owner_row *row,
    struct account *a)
{
	memset(a, 0, sizeof(*a));
	memcpy(a->name, row->name, sizeof(a->name));
	a->uid = row->id < 0 ? (uid_t)-1 : (uid_t)row->id;
	a->admin = strcmp(row->name, st->admin) == 0;
	a->password = password_state(row);
}

static void
free_rows(struct sqlite_owner_row *rows, size_t count)
{
	if (rows != NULL)
		sodium_memzero(rows, count * sizeof(*rows));
	free(rows);
}

/* ACCOUNTS (up to MAX) from the offered rows, the admin first, or WANT's
 * row alone. */
static int
collect(const struct sqlite_store *st, const char *want,
    struct account *accounts, size_t max, size_t *count,
    struct nvr_error *err)
{
	struct sqlite_owner_request req = { .op = SQLITE_OWNER_LIST,
	    .name = want };
	struct sqlite_owner_row *rows = NULL;
	size_t n = 0;
	int rc;

	*count = 0;
	rc = sqlite_owner_run(&st->db, &req, &rows, &n, err);
	if (rc != 0)
		return rc;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n && *count < max; i++) {
			bool admin = strcmp(rows[i].name, st->admin) == 0;

			if (want == NULL && admin != (pass == 0))
				continue;
			if (want != NULL && pass == 1)
				continue;
			fill_account(st, &rows[i], &accounts[(*count)++]);
		}
	free_rows(rows, n);
	return 0;
}

static int
sqlite_list(void *state, struct account *accounts, size_t max,
    size_t *count, struct nvr_error *err)
{
	return collect(state, NULL, accounts, max, count, err);
}

static int
sqlite_verify(void *state, const char *name, const char *password,
    struct nvr_error *err)
{
	struct sqlite_store *st = state;
	struct sqlite_owner_request req = { .op = SQLITE_OWNER_LIST,
	    .name = name, .with_hash = true };
	struct sqlite_owner_row *rows = NULL;
	unsigned char derived[PBKDF2_SHA256_DIGEST];
	size_t n = 0;
	bool match = false;
	int rc;

	if (strlen(password) > PASSWORD_MAX)
		return nvr_error_set(err, -EACCES, "wrong password");
	rc = sqlite_owner_run(&st->db, &req, &rows, &n, err);
	if (rc != 0)
		return rc;
	if (n == 1 && password_state(&rows[0]) == ACCOUNT_PASSWORD_SET) {
		match = pbkdf2_sha256_verify(password, rows[0].hash,
		    rows[0].hash_len);
	} else {
		pbkdf2_sha256_derive(&st->dummy, password, strlen(password),
		    derived);
		sodium_memzero(derived, sizeof(derived));
	}
	free_rows(rows, n);
	return match ? 0 : nvr_error_set(err, -EACCES, "wrong password");
}

static int
sqlite_set_password(void *state, const char *name, const char *password,
    struct nvr_error *err)
{
	struct sqlite_store *st = state;
	struct sqlite_owner_request req = { .op = SQLITE_OWNER_SET,
	    .name = name };
	struct account account;
	size_t count;
	int rc;

	if (strlen(password) > PASSWORD_MAX)
		return nvr_error_set(err, -EINVAL, "the password is longer "
		    "than %d bytes", PASSWORD_MAX);
	rc = collect(st, name, &account, 1, &count, err);
	if (rc != 0)
		return rc;
	if (count == 0)
		return nvr_error_set(err, -ENOENT, "no account %s here", name);
	/* Hash before the transaction: it is the slow part. */
	rc = pbkdf2_sha256_make(password, st->iterations, req.hash,
	    sizeof(req.hash));
	if (rc != 0)
		return nvr_error_set(err, rc, "cannot hash the password");
	changed_now(st, &req.changed);
	rc = sqlite_owner_run(&st->db, &req, NULL, NULL, err);
	sodium_memzero(req.hash, sizeof(req.hash));
	return rc;
}

static int
sqlite_factory_reset(void *state, enum account_reset_scope scope,
    struct nvr_error *err)
{
	struct sqlite_store *st = state;
	struct sqlite_owner_request req = { .op = SQLITE_OWNER_RESET,
	    .max = FACTORY_ACCOUNTS_MAX,
	    .name = scope == ACCOUNT_RESET_ADMIN ? st->admin : NULL };

	changed_now(st, &req.changed);
	return sqlite_owner_run(&st->db, &req, NULL, NULL, err);
}

static void
sqlite_close(void *state)
{
	struct sqlite_store *st = state;

	if (st == NULL)
		return;
	sqlite_owner_db_free(&st->db);
	sodium_memzero(st, sizeof(*st));
	free(st);
}

static void *
open_store(const struct config_section *settings, bool frigate)
{
	struct sqlite_store *st = calloc(1, sizeof(*st));
	const char *admin = config_section_string(settings, "admin");
	const char *format = config_section_string(settings,
	    "changed_format");
	char *database = config_section_path(settings, "database");
	struct account probe;
	struct nvr_error err;
	size_t count;
	bool ok = st != NULL && database != NULL;
	int rc;

	if (ok && sodium_init() < 0) {
		config_section_error(settings, NULL, "cannot start libsodium");
		ok = false;
	}
	if (ok && sqlite_lib_load(&err) != 0) {
		config_section_error(settings, "backend", "%s", err.message);
		ok = false;
	}
	if (ok && admin != NULL && strlen(admin) > ACCOUNT_NAME_MAX) {
		config_section_error(settings, "admin", "longer than %d bytes",
		    ACCOUNT_NAME_MAX);
		ok = false;
	}
	if (ok) {
		snprintf(st->admin, sizeof(st->admin), "%s",
		    admin ? admin : "admin");
		st->iterations = (unsigned long)config_section_int(settings,
		    "hash_iterations", PBKDF2_SHA256_DEFAULT_ITERATIONS);
		st->changed_format = format == NULL ||
		    strcmp(format, "local") == 0 ? CHANGED_LOCAL :
		    strcmp(format, "utc") == 0 ? CHANGED_UTC : CHANGED_UNIX;
		st->db.busy_timeout_ms = (int)config_section_int(settings,
		    "busy_timeout_ms", 5000);
		st->db.label = frigate ? "the Frigate database" :
		    "the database";
	}
	if (ok && frigate) {
		strcpy(st->db.table, "user");
		strcpy(st->db.user_column, "username");
		strcpy(st->db.password_column, "password_hash");
		strcpy(st->db.changed_column, "password_changed_at");
	} else if (ok) {
		ok = sql_name_set(settings, "table", NULL, st->db.table);
		ok = sql_name_set(settings, "user_column", NULL,
		    st->db.user_column) && ok;
		ok = sql_name_set(settings, "password_column", NULL,
		    st->db.password_column) && ok;
		ok = sql_name_set(settings, "changed_column", NULL,
		    st->db.changed_column) && ok;
		ok = sql_name_set(settings, "enabled_column", NULL,
		    st->db.enabled_column) && ok;
	}
	if (ok && sqlite_owner_db_init(&st->db, database, &err) != 0) {
		config_section_error(settings, "database", "%s", err.message);
		ok = false;
	}
	free(database);
	/* The database must be there and look as configured now; one that is
	 * busy at this moment, or whose storage fails now (full: SQLite
	 * cannot make its shared-memory file), may be read later: it is
	 * left out of the lists then, with why, and the config is fine. */
	if (ok) {
		rc = collect(st, NULL, &probe, 1, &count, &err);
		if (rc != 0 && rc != -EBUSY && nvr_error_storage(rc) == NULL) {
			config_section_error(settings, "database", "%s",
			    err.message);
			ok = false;
		}
	}
	if (ok) {
		st->dummy.iterations = st->iterations;
		strcpy(st->dummy.salt, "00000000000000000000000000000000");
		st->dummy.salt_len = strlen(st->dummy.salt);
	}
	if (!ok) {
		sqlite_close(st);
		return NULL;
	}
	return st;
}

static void *
sqlite_open(const struct config_section *settings)
{
	return open_store(settings, false);
}

static void *
frigate_open(const struct config_section *settings)
{
	return open_store(settings, true);
}

static const struct accounts_ops sqlite_ops = {
	.open = sqlite_open,
	.list = sqlite_list,
	.verify = sqlite_verify,
	.set_password = sqlite_set_password,
	.factory_reset = sqlite_factory_reset,
	.close = sqlite_close,
};

static const struct accounts_ops frigate_ops = {
	.open = frigate_open,
	.list = sqlite_list,
	.verify = sqlite_verify,
	.set_password = sqlite_set_password,
	.factory_reset = sqlite_factory_reset,
	.close = sqlite_close,
};

const struct backend_impl accounts_sqlite_impl = {
	.concern = "accounts",
	.name = "sqlite",
	.summary = "a table of users in an SQLite database",
	.keys = sqlite_keys,
	.ops = &sqlite_ops,
};

const struct backend_impl accounts_frigate_impl = {
	.concern = "accounts",
	.name = "frigate",
	.summary = "Frigate's users (its SQLite database, frigate.db)",
	.keys = frigate_keys,
	.ops = &frigate_ops,
};
