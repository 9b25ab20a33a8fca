/*
 * mariadb.c: accounts kept in a table of a MariaDB (or MySQL) database,
 * through Debian's libmariadb: backend mariadb (connection, table and
 * columns from the config) and its preset zoneminder (the connection
 * read from ZoneMinder's zm.conf, its Users table).
 *
 * Invariants:
 * 1. Every statement that carries a value is prepared, the values bound
 *    as parameters; table and column names are plain SQL names checked
 *    at open, quoted with backticks.
 * 2. A change is one transaction: the row is read FOR UPDATE, and the
 *    UPDATE names the user and the hash read, so it writes that user's
 *    password column and nothing else, or nothing.
 * 3. A connection is made for each operation, with a connect timeout, a
 *    read and write timeout, and a lock wait shorter than them; the
 *    database user's password is read from its file at that moment and
 *    wiped once connected: never in argv, the environment or a message.
 * 4. When the server goes away while a change is committed, the row is
 *    read again over a new connection, so the owner is told whether the
 *    password changed; only when that fails too is it told it may have.
 * 5. Hashes are read by ZoneMinder's rules (hash_form.c) and checked or
 *    made by hash_scheme.c; an unknown account and a wrong password get
 *    the same answer after the same work (a bcrypt of the config's cost).
 */
#include "backends/accounts/accounts.h"

#include <errno.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/accounts/hash_form.h"
#include "backends/accounts/hash_scheme.h"
#include "backends/accounts/mariadb_lib.h"
#include "backends/accounts/policy.h"
#include "backends/accounts/sql_name.h"
#include "backends/accounts/zm_conf.h"
#include "common/atomic_file.h"
#include "common/secret.h"

#define ZM_CONF_DEFAULT "/etc/zm/zm.conf"
#define HASH_COLUMN_MAX 255		/* bytes read of a stored hash */
#define DB_PASSWORD_MAX 255
#define DEFAULTS_MAX 8
#define ROWS_MAX 4096			/* users read at most */
#define PASSWORD_MAX (SECRET_MAX - 1)

#define KEY_COMMON \
	{ .name = "admin", .type = SCHEMA_STRING, \
	  .help = "the account first-boot setup asks a password for" }, \
	{ .name = "hash_cost", .type = SCHEMA_INT, .min = 10, .max = 16, \
	  .help = "bcrypt's cost of a new hash (default 12)" }, \
	{ .name = "connect_timeout_s", .type = SCHEMA_INT, .min = 1, \
	  .max = 300, .help = "how long to wait for the server (default 5)" }, \
	{ .name = "query_timeout_s", .type = SCHEMA_INT, .min = 2, \
	  .max = 600, .help = "how long to wait for an answer (default 10)" }, \
	{ .name = "default_passwords", .type = SCHEMA_LIST, \
	  .help = "factory passwords: an admin still using one gets " \
	  "first-boot setup" }, \
	{ .name = "policy", .type = SCHEMA_MAP, .children = policy_keys, \
	  .help = "password strength rules" }

static const struct schema_key mariadb_keys[] = {
	{ .name = "zm_conf", .type = SCHEMA_PATH,
	  .help = "read the connection from this zm.conf (and its conf.d)" },
	{ .name = "host", .type = SCHEMA_STRING,
	  .help = "the server's host (default: the local socket)" },
	{ .name = "port", .type = SCHEMA_INT, .min = 1, .max = 65535,
	  .help = "its TCP port (default 3306)" },
	{ .name = "socket", .type = SCHEMA_PATH,
	  .help = "its Unix socket" },
	{ .name = "database", .type = SCHEMA_STRING,
	  .help = "the database (schema) holding the table" },
	{ .name = "user", .type = SCHEMA_STRING,
	  .help = "the database user to connect as" },
	{ .name = "password_file", .type = SCHEMA_PATH,
	  .help = "a file holding that user's password (root's, mode 0600)" },
	{ .name = "table", .type = SCHEMA_STRING, .required = true,
	  .help = "the table of users" },
	{ .name = "user_column", .type = SCHEMA_STRING, .required = true,
	  .help = "its column of user names" },
	{ .name = "password_column", .type = SCHEMA_STRING, .required = true,
	  .help = "its column of password hashes" },
	{ .name = "enabled_column", .type = SCHEMA_STRING,
	  .help = "its column that is 0 for a disabled user" },
	{ .name = "id_column", .type = SCHEMA_STRING,
	  .help = "its column of numeric user ids" },
	KEY_COMMON,
	{ 0 },
};

static const struct schema_key zoneminder_keys[] = {
	{ .name = "zm_conf", .type = SCHEMA_PATH,
	  .help = "ZoneMinder's zm.conf (default " ZM_CONF_DEFAULT ")" },
	KEY_COMMON,
	{ 0 },
};

struct mariadb_store {
	const char *label;		/* "the ZoneMinder database", ... */
	char *zm_conf;			/* or the connection below */
	char host[ZM_CONF_VALUE_MAX + 1];
	unsigned port;
	char socket[ZM_CONF_VALUE_MAX + 1];
	char database[SQL_NAME_MAX + 1];
	char user[ZM_CONF_VALUE_MAX + 1];
	char *password_file;
	char table[SQL_NAME_MAX + 1], user_column[SQL_NAME_MAX + 1],
	    password_column[SQL_NAME_MAX + 1], enabled_column[SQL_NAME_MAX + 1],
	    id_column[SQL_NAME_MAX + 1];
	char admin[ACCOUNT_NAME_MAX + 1];
	unsigned long cost;
	unsigned connect_timeout, query_timeout;
	char *defaults[DEFAULTS_MAX];
	size_t default_count;
	char dummy[HASH_SCHEME_OUTPUT_MAX];	/* for unknown accounts */
	struct hash_form dummy_form;
};

/* A user's row as read. */
struct row {
	char name[ACCOUNT_NAME_MAX + 1];
	bool name_fits;
	long long id;			/* ACCOUNT_UID_NONE without a column */
	char hash[HASH_COLUMN_MAX + 1];
	size_t hash_len;
	bool hash_null;
};

/* Where to connect, for one operation. */
struct target {
	char host[ZM_CONF_VALUE_MAX + 1];
	unsigned port;
	char socket[ZM_CONF_VALUE_MAX + 1];
	char database[ZM_CONF_VALUE_MAX + 1];
	char user[ZM_CONF_VALUE_MAX + 1];
	char password[DB_PASSWORD_MAX + 1];
	/* Where the user and password were read, for a refusal. */
	char from[2 * (ZM_CONF_VALUE_MAX + 1) + 64];
};

/* Reads the database user's password from the config's password_file:
 * a regular file root or we own, that nobody else can read or write. */
static int
read_password_file(const struct mariadb_store *st, struct target *t,
    struct nvr_error *err)
{
	struct stat info;
	char *text = NULL;
	size_t len = 0;
	int rc = atomic_file_check_trusted(st->password_file, err);

	if (rc == 0)
		rc = atomic_file_read_at(AT_FDCWD, st->password_file,
		    st->password_file, 4096, &text, &len, &info, err);
	if (rc == 0 && (info.st_mode & 077) != 0)
		rc = nvr_error_set(err, -EPERM, "%s: others may read it (mode "
		    "%04o); fix: chmod 600 %s", st->password_file,
		    (unsigned)(info.st_mode & 07777), st->password_file);
	while (rc == 0 && len > 0 && (text[len - 1] == '\n' ||
	    text[len - 1] == '\r'))
		len--;
	if (rc == 0 && len > DB_PASSWORD_MAX)
		rc = nvr_error_set(err, -EINVAL, "%s: longer than %d bytes",
		    st->password_file, DB_PASSWORD_MAX);
	if (rc == 0)
		memcpy(t->password, text, len);
	if (text != NULL)
		sodium_memzero(text, len);
	free(text);
	return rc;
}

/* Where to connect now: zm.conf read anew, or the config's values. */
static int
target_of(const struct mariadb_store *st, struct target *t,
    struct nvr_error *err)
{
	struct zm_conf zc;
	struct zm_db_host host;
	int rc;

	memset(t, 0, sizeof(*t));
	if (st->zm_conf == NULL) {
		snprintf(t->host, sizeof(t->host), "%s", st->host);
		t->port = st->port;
		snprintf(t->socket, sizeof(t->socket), "%s", st->socket);
		snprintf(t->database, sizeof(t->database), "%s", st->database);
		snprintf(t->user, sizeof(t->user), "%s", st->user);
		snprintf(t->from, sizeof(t->from), "the config");
		rc = st->password_file != NULL ?
		    read_password_file(st, t, err) : 0;
		return rc == -EACCES ? -EPERM : rc;
	}
	rc = zm_conf_read(st->zm_conf, &zc, err);
	if (rc == 0 && (zc.host.too_long || zc.name.too_long ||
	    zc.user.too_long || zc.pass.too_long))
		rc = nvr_error_set(err, -EINVAL, "%s: a ZM_DB_ value is longer "
		    "than %d bytes", st->zm_conf, ZM_CONF_VALUE_MAX);
	if (rc == 0 && (!zc.name.set || !zc.user.set))
		rc = nvr_error_set(err, -EINVAL, "%s does not say %s (nor does "
		    "its conf.d)", st->zm_conf, !zc.name.set ? "ZM_DB_NAME" :
		    "ZM_DB_USER");
	if (rc == 0)
		rc = zm_db_host_parse(zc.host.text, &host, err);
	if (rc == 0) {
		memcpy(t->host, host.host, sizeof(t->host));
		t->port = host.port;
		memcpy(t->socket, host.socket, sizeof(t->socket));
		memcpy(t->database, zc.name.text, sizeof(t->database));
		memcpy(t->user, zc.user.text, sizeof(t->user));
		memcpy(t->password, zc.pass.text, sizeof(t->password));
		if (zc.pass.set)
			snprintf(t->from, sizeof(t->from), "ZM_DB_USER (%s) "
			    "and ZM_DB_PASS (%s)", zc.user.from, zc.pass.from);
		else
			snprintf(t->from, sizeof(t->from), "ZM_DB_USER (%s), "
			    "with no ZM_DB_PASS", zc.user.from);
	}
	sodium_memzero(&zc, sizeof(zc));
	/* A file we may not read is not a wrong password (-EACCES to the
	 * screens, counted as a failed try). */
	return rc == -EACCES ? -EPERM : rc;
}

/* One plain sentence for what libmariadb said (CODE, TEXT), nothing
 * changed unless the caller says otherwise. */
static int
db_error(const struct mariadb_store *st, unsigned code, const char *text,
    const struct target *t, struct nvr_error *err)
{
	switch (code) {
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_SERVER_LOST:
	case CR_SERVER_GONE_ERROR:
	case CR_UNKNOWN_HOST:
	case CR_SERVER_HANDSHAKE_ERR:
	case ER_CON_COUNT_ERROR:
	case ER_SERVER_SHUTDOWN:
	case ER_CONNECTION_KILLED:
		return nvr_error_set(err, -EHOSTDOWN, "%s does not answer "
		    "(%s); nothing was changed", st->label, text);
	case ER_ACCESS_DENIED_ERROR:
	case ER_DBACCESS_DENIED_ERROR:
		/* Not -EACCES: to the screens that is a wrong password,
		 * counted as a failed try. */
		return nvr_error_set(err, -EPERM, "%s refused the user and "
		    "password of %s; nothing was changed (%s)", st->label,
		    t != NULL ? t->from : "the config", text);
	case ER_BAD_DB_ERROR:
	case ER_NO_SUCH_TABLE:
	case ER_BAD_FIELD_ERROR:
		return nvr_error_set(err, -ENOENT, "%s does not have what the "
		    "config names (%s); nothing was changed", st->label, text);
	case ER_OPTION_PREVENTS_STATEMENT:
	case ER_READ_ONLY_MODE:
		return nvr_error_set(err, -EROFS, "%s is read-only (%s); "
		    "nothing was changed", st->label, text);
	case ER_LOCK_WAIT_TIMEOUT:
	case ER_LOCK_DEADLOCK:
		return nvr_error_set(err, -EBUSY, "%s is busy: another "
		    "program holds this user's row; nothing was changed; try "
		    "again", st->label);
	default:
		return nvr_error_set(err, -EIO, "%s: %s (error %u); nothing "
		    "was changed", st->label, text, code);
	}
}

static int
conn_error(const struct mariadb_store *st, MYSQL *m, const struct target *t,
    struct nvr_error *err)
{
	return db_error(st, mysql_errno(m), mysql_error(m), t, err);
}

static int
stmt_error(const struct mariadb_store *st, MYSQL_STMT *s,
    struct nvr_error *err)
{
	return db_error(st, mysql_stmt_errno(s), mysql_stmt_error(s), NULL,
	    err);
}

static int
connect_db(const struct mariadb_store *st, MYSQL **out,
    struct nvr_error *err)
{
	struct target t;
	char init[128];
	unsigned timeout;
	unsigned int off = 0;
	MYSQL *m;
	int rc = target_of(st, &t, err);

	*out = NULL;
	if (rc != 0) {
		sodium_memzero(&t, sizeof(t));
		return rc;
	}
	m = mysql_init(NULL);
	if (m == NULL) {
		sodium_memzero(&t, sizeof(t));
		return nvr_error_set(err, -ENOMEM, "out of memory");
	}
	timeout = st->connect_timeout;
	mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	timeout = st->query_timeout;
	mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &timeout);
	mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	mysql_optionsv(m, MYSQL_OPT_LOCAL_INFILE, &off);
	mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* A row another program holds is waited for less long than an
	 * answer, so the server says "busy" before the client gives up. */
	snprintf(init, sizeof(init), "SET SESSION innodb_lock_wait_timeout "
	    "= %u, lock_wait_timeout = %u", st->query_timeout - 1,
	    st->query_timeout - 1);
	mysql_optionsv(m, MYSQL_INIT_COMMAND, init);
	if (mysql_real_connect(m, t.host[0] != '\0' ? t.host : NULL, t.user,
	    t.password, t.database, t.port, t.socket[0] != '\0' ? t.socket :
	    NULL, 0) == NULL) {
		rc = conn_error(st, m, &t, err);
		mysql_close(m);
	} else {
		/* libmariadb keeps a copy of the password (MYSQL.passwd,
		 * public in mysql.h) until it closes, and frees it unwiped. */
		if (m->passwd != NULL)
			sodium_memzero(m->passwd, strlen(m->passwd));
		*out = m;
	}
	sodium_memzero(&t, sizeof(t));
	return rc;
}

/* SELECT of the user, hash (and id) columns, with WHERE appended. */
static void
select_sql(const struct mariadb_store *st, const char *where, char *out,
    size_t size)
{
	char id[SQL_NAME_MAX + 8] = "NULL";

	if (st->id_column[0] != '\0')
		snprintf(id, sizeof(id), "`%s`", st->id_column);
	snprintf(out, size, "SELECT `%s`, `%s`, %s FROM `%s` WHERE %s%s%s%s",
	    st->user_column, st->password_column, id, st->table, where,
	    st->enabled_column[0] != '\0' ? " AND `" : "",
	    st->enabled_column, st->enabled_column[0] != '\0' ? "` <> 0" :
	    "");
}

static void
bind_text(MYSQL_BIND *b, const char *text, unsigned long *len)
{
	memset(b, 0, sizeof(*b));
	*len = (unsigned long)strlen(text);
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = (void *)(uintptr_t)text;
	b->buffer_length = *len;
	b->length = len;
}

/* Runs SQL (a SELECT of select_sql) with the NPARAMS text PARAMS and
 * reads up to MAX rows into ROWS (malloc'd), *COUNT set. */
static int
select_rows(const struct mariadb_store *st, MYSQL *m, const char *sql,
    const char *const *params, size_t nparams, struct row **rows,
    size_t *count, size_t max, struct nvr_error *err)
{
	MYSQL_STMT *s = mysql_stmt_init(m);
	MYSQL_BIND in[3], outb[3];
	unsigned long in_len[3], name_len, hash_len;
	my_bool name_null, hash_null, id_null, name_err, hash_err;
	char name[ACCOUNT_NAME_MAX + 2];
	char hash[HASH_COLUMN_MAX + 2];
	long long id;
	int rc = 0, f;

	*rows = NULL;
	*count = 0;
	if (s == NULL)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < nparams; i++)
		bind_text(&in[i], params[i], &in_len[i]);
	memset(outb, 0, sizeof(outb));
	outb[0].buffer_type = MYSQL_TYPE_STRING;
	outb[0].buffer = name;
	outb[0].buffer_length = sizeof(name) - 1;
	outb[0].length = &name_len;
	outb[0].is_null = &name_null;
	outb[0].error = &name_err;
	outb[1].buffer_type = MYSQL_TYPE_STRING;
	outb[1].buffer = hash;
	outb[1].buffer_length = sizeof(hash) - 1;
	outb[1].length = &hash_len;
	outb[1].is_null = &hash_null;
	outb[1].error = &hash_err;
	outb[2].buffer_type = MYSQL_TYPE_LONGLONG;
	outb[2].buffer = &id;
	outb[2].is_null = &id_null;
	if (mysql_stmt_prepare(s, sql, (unsigned long)strlen(sql)) != 0 ||
	    (nparams > 0 && mysql_stmt_bind_param(s, in) != 0) ||
	    mysql_stmt_execute(s) != 0 || mysql_stmt_bind_result(s, outb) !=
	    0 || mysql_stmt_store_result(s) != 0) {
		rc = stmt_error(st, s, err);
		goto out;
	}
	*rows = calloc(max > 0 ? max : 1, sizeof(**rows));
	if (*rows == NULL) {
		rc = nvr_error_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	while ((f = mysql_stmt_fetch(s)) == 0 || f == MYSQL_DATA_TRUNCATED) {
		struct row *r;

		if (*count == max)
			break;
		r = &(*rows)[(*count)++];
		r->name_fits = !name_null && !name_err && name_len >= 1 &&
		    name_len <= ACCOUNT_NAME_MAX &&
		    strnlen(name, name_len) == name_len;
		if (r->name_fits)
			memcpy(r->name, name, name_len);
		/* Printable ASCII only, as the other stores offer (and the
		 * same on ARM, where char is unsigned). */
		for (size_t i = 0; r->name_fits && i < name_len; i++)
			if ((unsigned char)name[i] <= ' ' ||
			    (unsigned char)name[i] >= 0x7f)
				r->name_fits = false;
		r->hash_null = hash_null;
		/* A hash longer than any this store reads matches nothing. */
		r->hash_len = hash_null ? 0 : hash_err ? HASH_COLUMN_MAX + 1 :
		    hash_len;
		if (!hash_null && !hash_err)
			memcpy(r->hash, hash, hash_len);
		/* An id the wizard's files cannot hold is no id. */
		r->id = st->id_column[0] != '\0' && !id_null && id >= 0 &&
		    id <= 4294967294LL ? id : ACCOUNT_UID_NONE;
	}
	if (f == 1)
		rc = stmt_error(st, s, err);
out:
	sodium_memzero(hash, sizeof(hash));
	mysql_stmt_close(s);
	if (rc != 0) {
		free(*rows);
		*rows = NULL;
		*count = 0;
	}
	return rc;
}

static void
free_rows(struct row *rows, size_t count)
{
	if (rows != NULL)
		sodium_memzero(rows, count * sizeof(*rows));
	free(rows);
}

static void
read_form(const struct row *r, struct hash_form *form)
{
	if (r->hash_len > HASH_COLUMN_MAX)
		form->kind = HASH_LOCKED;
	else
		hash_form_read(r->hash, r->hash_len, HASH_RULES_ZONEMINDER,
		    form);
}

static bool
is_default(const struct mariadb_store *st, const struct row *r,
    const struct hash_form *form)
{
	struct nvr_error ignored;

	for (size_t i = 0; i < st->default_count; i++)
		if (hash_scheme_verify(form, r->hash, r->hash_len,
		    st->defaults[i], &ignored) == 0)
			return true;
	return false;
}

static void
fill_account(const struct mariadb_store *st, const struct row *r,
    struct account *a)
{
	struct hash_form form;

	memset(a, 0, sizeof(*a));
	memcpy(a->name, r->name, sizeof(a->name));
	a->uid = r->id == ACCOUNT_UID_NONE ? (uid_t)-1 : (uid_t)r->id;
	a->admin = strcmp(r->name, st->admin) == 0;
	read_form(r, &form);
	switch (form.kind) {
	case HASH_NONE:
		a->password = ACCOUNT_PASSWORD_EMPTY;
		break;
	case HASH_LOCKED:
		a->password = ACCOUNT_PASSWORD_LOCKED;
		break;
	default:
		a->password = a->admin && is_default(st, r, &form) ?
		    ACCOUNT_PASSWORD_DEFAULT : ACCOUNT_PASSWORD_SET;
	}
}

/* The rows of the offered users (WANT's alone if not NULL) over M. */
static int
read_users(const struct mariadb_store *st, MYSQL *m, const char *want,
    bool lock, struct row **rows, size_t *count, struct nvr_error *err)
{
	char sql[512], where[SQL_NAME_MAX + 16];

	if (want != NULL)
		snprintf(where, sizeof(where), "`%s` = ?", st->user_column);
	else
		snprintf(where, sizeof(where), "1");
	select_sql(st, where, sql, sizeof(sql));
	if (lock)
		strncat(sql, " FOR UPDATE", sizeof(sql) - strlen(sql) - 1);
	return select_rows(st, m, sql, want != NULL ? &want : NULL,
	    want != NULL ? 1 : 0, rows, count, want != NULL ? 2 : ROWS_MAX,
	    err);
}

/* The one row that is WANT's byte for byte (the column's collation may
 * compare otherwise), or NULL. */
static const struct row *
row_of(const struct row *rows, size_t count, const char *want)
{
	const struct row *found = NULL;

	for (size_t i = 0; i < count; i++)
		if (rows[i].name_fits && strcmp(rows[i].name, want) == 0) {
			if (found != NULL)
				return NULL;
			found = &rows[i];
		}
	return found;
}

static int
mariadb_list(void *state, struct account *accounts, size_t max,
    size_t *count, struct nvr_error *err)
{
	struct mariadb_store *st = state;
	struct row *rows = NULL;
	size_t n = 0;
	MYSQL *m;
	int rc = connect_db(st, &m, err);

	*count = 0;
	if (rc != 0)
		return rc;
	rc = read_users(st, m, NULL, false, &rows, &n, err);
	mysql_close(m);
	if (rc != 0)
		return rc;
	/* The admin first, then the others in the table's order. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n && *count < max; i++) {
			bool admin = rows[i].name_fits &&
			    strcmp(rows[i].name, st->admin) == 0;

			if (!rows[i].name_fits || admin != (pass == 0))
				continue;
			fill_account(st, &rows[i], &accounts[(*count)++]);
		}
	free_rows(rows, n);
	return 0;
}

static int
mariadb_verify(void *state, const char *name, const char *password,
    struct nvr_error *err)
{
	struct mariadb_store *st = state;
	struct row *rows = NULL;
	const struct row *r;
	struct hash_form form;
	size_t n = 0;
	MYSQL *m;
	int rc;

	if (strlen(password) > PASSWORD_MAX)
		return nvr_error_set(err, -EACCES, "wrong password");
	rc = connect_db(st, &m, err);
	if (rc != 0)
		return rc;
	rc = read_users(st, m, name, false, &rows, &n, err);
	mysql_close(m);
	if (rc != 0)
		return rc;
	r = row_of(rows, n, name);
	if (r != NULL) {
		read_form(r, &form);
		rc = hash_scheme_verify(&form, r->hash, r->hash_len, password,
		    err);
	} else {
		hash_scheme_verify(&st->dummy_form, st->dummy,
		    strlen(st->dummy), password, err);
		rc = nvr_error_set(err, -EACCES, "wrong password");
	}
	free_rows(rows, n);
	return rc;
}

/* UPDATE the password column to NEW where the user is NAME and the hash
 * is OLD: exactly one row, or nothing. */
static int
update_hash(const struct mariadb_store *st, MYSQL *m, const char *name,
    const struct row *old, const char *new_hash, struct nvr_error *err)
{
	MYSQL_STMT *s = mysql_stmt_init(m);
	MYSQL_BIND in[3];
	unsigned long len[3];
	my_bool is_null = 1;
	char sql[512];
	int rc = 0;

	if (s == NULL)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	snprintf(sql, sizeof(sql), "UPDATE `%s` SET `%s` = ? WHERE `%s` = ? "
	    "AND `%s` %s ?", st->table, st->password_column, st->user_column,
	    st->password_column, old->hash_null ? "<=>" : "=");
	bind_text(&in[0], new_hash, &len[0]);
	bind_text(&in[1], name, &len[1]);
	memset(&in[2], 0, sizeof(in[2]));
	in[2].buffer_type = MYSQL_TYPE_STRING;
	in[2].buffer = (void *)(uintptr_t)old->hash;
	in[2].buffer_length = (unsigned long)old->hash_len;
	len[2] = (unsigned long)old->hash_len;
	in[2].length = &len[2];
	if (old->hash_null)
		in[2].is_null = &is_null;
	if (mysql_stmt_prepare(s, sql, (unsigned long)strlen(sql)) != 0 ||
	    mysql_stmt_bind_param(s, in) != 0 || mysql_stmt_execute(s) != 0)
		rc = stmt_error(st, s, err);
	else if (mysql_stmt_affected_rows(s) != 1)
		rc = nvr_error_set(err, -EAGAIN, "%s changed under us; nothing "
		    "was changed; try again", st->label);
	mysql_stmt_close(s);
	return rc;
}

/* The answer to the commit was lost: read the row again to say whether
 * it holds NEW_HASH. The server may be alive with our session still at
 * the commit (a client timeout on a slow disk), so that session (THREAD)
 * is ended first, and the row read FOR UPDATE waits until its
 * transaction has committed or rolled back; a plain read could see the
 * old row just before the commit lands. */
static int
after_lost_commit(const struct mariadb_store *st, const char *name,
    const char *new_hash, unsigned long thread, struct nvr_error *err)
{
	struct nvr_error again;
	struct row *rows = NULL;
	const struct row *r;
	size_t n = 0;
	char kill[64];
	MYSQL *m;
	int rc = connect_db(st, &m, &again);

	if (rc == 0) {
		/* Gone already (the server restarted) is as good. */
		snprintf(kill, sizeof(kill), "KILL CONNECTION %lu", thread);
		(void)mysql_query(m, kill);
		rc = read_users(st, m, name, true, &rows, &n, &again);
		mysql_close(m);
	}
	if (rc != 0)
		return nvr_error_set(err, -EIO, "%s stopped answering while the "
		    "new password was being saved, and cannot say now whether "
		    "it was: the password may or may not have been changed; "
		    "try the new one when it answers, or change it again",
		    st->label);
	r = row_of(rows, n, name);
	rc = r != NULL && r->hash_len == strlen(new_hash) &&
	    sodium_memcmp(r->hash, new_hash, r->hash_len) == 0 ? 0 :
	    nvr_error_set(err, -EIO, "%s stopped answering while the new "
	    "password was being saved; the password was not changed",
	    st->label);
	free_rows(rows, n);
	return rc;
}

static bool
lost(unsigned code)
{
	return code == CR_SERVER_LOST || code == CR_SERVER_GONE_ERROR;
}

static int
mariadb_set_password(void *state, const char *name, const char *password,
    struct nvr_error *err)
{
	struct mariadb_store *st = state;
	char hash[HASH_SCHEME_OUTPUT_MAX];
	struct row *rows = NULL;
	const struct row *r;
	size_t n = 0;
	MYSQL *m = NULL;
	unsigned long thread = 0;
	int rc;

	if (strlen(password) > PASSWORD_MAX)
		return nvr_error_set(err, -EINVAL, "the password is longer "
		    "than %d bytes", PASSWORD_MAX);
	/* Hash before the transaction: it is the slow part. */
	rc = hash_scheme_make(HASH_BCRYPT, st->cost, password, hash,
	    sizeof(hash), err);
	if (rc == 0)
		rc = connect_db(st, &m, err);
	if (rc == 0 && mysql_autocommit(m, 0) != 0)
		rc = conn_error(st, m, NULL, err);
	if (rc == 0)
		rc = read_users(st, m, name, true, &rows, &n, err);
	r = rc == 0 ? row_of(rows, n, name) : NULL;
	if (rc == 0 && r == NULL)
		rc = nvr_error_set(err, -ENOENT, "no account %s here", name);
	/* bcrypt ranks with the strongest kind ZoneMinder reads: never a
	 * weaker one than what is there. */
	if (rc == 0)
		rc = update_hash(st, m, name, r, hash, err);
	if (rc == 0)
		thread = mysql_thread_id(m);
	if (rc == 0 && mysql_commit(m) != 0) {
		if (lost(mysql_errno(m)))
			rc = after_lost_commit(st, name, hash, thread, err);
		else
			rc = conn_error(st, m, NULL, err);
	}
	if (m != NULL) {
		if (rc != 0 && !lost(mysql_errno(m)))
			mysql_rollback(m);
		mysql_close(m);
	}
	free_rows(rows, n);
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

static int
mariadb_factory_reset(void *state, enum account_reset_scope scope,
    struct nvr_error *err)
{
	struct mariadb_store *st = state;
	const char *locked = HASH_LOCKED_ZONEMINDER;
	bool admin_only = scope == ACCOUNT_RESET_ADMIN;
	unsigned long len, name_len;
	MYSQL_STMT *s = NULL;
	MYSQL_BIND in[3];
	char sql[512];
	MYSQL *m;
	int rc = connect_db(st, &m, err);

	/* Every user, offered or not: they are all the software's (or the
	 * administrator alone, byte for byte: a case-insensitive or
	 * space-padding collation must not match "Admin" or "admin "). */
	if (rc != 0)
		return rc;
	snprintf(sql, sizeof(sql), "UPDATE `%s` SET `%s` = ? WHERE (`%s` IS "
	    "NULL OR `%s` <> ?)%s%s%s", st->table, st->password_column,
	    st->password_column, st->password_column,
	    admin_only ? " AND BINARY `" : "", admin_only ? st->user_column :
	    "", admin_only ? "` = ?" : "");
	bind_text(&in[0], locked, &len);
	bind_text(&in[1], locked, &len);
	bind_text(&in[2], st->admin, &name_len);
	/* One statement, committed as it runs, whatever the server's
	 * default (autocommit=0 would roll it back at the close). */
	if (mysql_autocommit(m, 1) != 0) {
		rc = conn_error(st, m, NULL, err);
		mysql_close(m);
		return rc;
	}
	s = mysql_stmt_init(m);
	if (s == NULL)
		rc = nvr_error_set(err, -ENOMEM, "out of memory");
	else if (mysql_stmt_prepare(s, sql, (unsigned long)strlen(sql)) != 0 ||
	    mysql_stmt_bind_param(s, in) != 0 || mysql_stmt_execute(s) != 0) {
		rc = stmt_error(st, s, err);
		/* The statement may have run: the reset is safe to do
		 * again, and nothing else may be claimed. */
		if (lost(mysql_stmt_errno(s)))
			rc = nvr_error_set(err, -EHOSTDOWN, "%s stopped "
			    "answering during the reset: it may or may not "
			    "have cleared the passwords; run the reset again "
			    "when it answers", st->label);
	}
	if (s != NULL)
		mysql_stmt_close(s);
	mysql_close(m);
	return rc;
}

static void
mariadb_close(void *state)
{
	struct mariadb_store *st = state;

	if (st == NULL)
		return;
	free(st->zm_conf);
	free(st->password_file);
	for (size_t i = 0; i < st->default_count; i++)
		free(st->defaults[i]);
	sodium_memzero(st, sizeof(*st));
	free(st);
}

static bool
set_text(const struct config_section *settings, const char *key,
    char *out, size_t size)
{
	const char *text = config_section_string(settings, key);

	out[0] = '\0';
	if (text == NULL)
		return true;
	if (strlen(text) >= size) {
		config_section_error(settings, key, "longer than %zu bytes",
		    size - 1);
		return false;
	}
	strcpy(out, text);
	return true;
}

/* The connection settings of backend: mariadb. */
static bool
read_connection(struct mariadb_store *st,
    const struct config_section *settings)
{
	char *socket = config_section_path(settings, "socket");
	bool ok = true;

	st->zm_conf = config_section_path(settings, "zm_conf");
	st->password_file = config_section_path(settings, "password_file");
	if (st->zm_conf != NULL) {
		static const char *const direct[] = { "host", "port", "socket",
		    "database", "user", "password_file" };

		for (size_t i = 0; i < sizeof(direct) / sizeof(direct[0]); i++)
			if (config_section_string(settings, direct[i]) !=
			    NULL || (strcmp(direct[i], "port") == 0 &&
			    config_section_int(settings, "port", 0) != 0)) {
				config_section_error(settings, direct[i],
				    "zm_conf gives the connection: leave %s "
				    "out", direct[i]);
				ok = false;
			}
	} else {
		ok = set_text(settings, "host", st->host, sizeof(st->host)) &&
		    ok;
		st->port = (unsigned)config_section_int(settings, "port", 0);
		if (socket != NULL && strlen(socket) >= sizeof(st->socket)) {
			config_section_error(settings, "socket", "longer than "
			    "%zu bytes", sizeof(st->socket) - 1);
			ok = false;
		} else if (socket != NULL) {
			strcpy(st->socket, socket);
		}
		ok = set_text(settings, "database", st->database,
		    sizeof(st->database)) && ok;
		ok = set_text(settings, "user", st->user, sizeof(st->user)) &&
		    ok;
		if (ok && (st->database[0] == '\0' || st->user[0] == '\0')) {
			config_section_error(settings, NULL, "needs zm_conf, or "
			    "database and user (and password_file)");
			ok = false;
		}
	}
	free(socket);
	return ok;
}

static bool
read_defaults(struct mariadb_store *st, const struct config_section *settings,
    bool zoneminder)
{
	const char *defaults[DEFAULTS_MAX + 1];
	size_t n = config_section_list(settings, "default_passwords", defaults,
	    DEFAULTS_MAX + 1);

	if (n > DEFAULTS_MAX - (zoneminder ? 1 : 0)) {
		config_section_error(settings, "default_passwords", "at most %d "
		    "passwords", DEFAULTS_MAX - (zoneminder ? 1 : 0));
		return false;
	}
	/* ZoneMinder ships its admin with the password "admin": always a
	 * factory password there. */
	if (zoneminder) {
		memmove(defaults + 1, defaults, n * sizeof(defaults[0]));
		defaults[0] = "admin";
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		st->defaults[i] = strdup(defaults[i]);
		if (st->defaults[i] == NULL)
			return false;
		st->default_count++;
	}
	return true;
}

static void *
open_store(const struct config_section *settings, bool zoneminder)
{
	struct mariadb_store *st = calloc(1, sizeof(*st));
	struct nvr_error err;
	struct account probe;
	size_t count;
	bool ok = st != NULL;
	int rc;

	if (ok && sodium_init() < 0) {
		config_section_error(settings, NULL, "cannot start libsodium");
		ok = false;
	}
	if (ok && mariadb_lib_load(&err) != 0) {
		config_section_error(settings, "backend", "%s", err.message);
		ok = false;
	}
	if (ok) {
		st->label = zoneminder ? "the ZoneMinder database" :
		    "the database";
		st->cost = (unsigned long)config_section_int(settings,
		    "hash_cost", 12);
		st->connect_timeout = (unsigned)config_section_int(settings,
		    "connect_timeout_s", 5);
		st->query_timeout = (unsigned)config_section_int(settings,
		    "query_timeout_s", 10);
		ok = set_text(settings, "admin", st->admin, sizeof(st->admin));
		if (ok && st->admin[0] == '\0')
			strcpy(st->admin, "admin");
		ok = read_defaults(st, settings, zoneminder) && ok;
	}
	if (ok && zoneminder) {
		st->zm_conf = config_section_path(settings, "zm_conf");
		if (st->zm_conf == NULL)
			st->zm_conf = strdup(ZM_CONF_DEFAULT);
		strcpy(st->table, "Users");
		strcpy(st->user_column, "Username");
		strcpy(st->password_column, "Password");
		strcpy(st->enabled_column, "Enabled");
		strcpy(st->id_column, "Id");
		ok = st->zm_conf != NULL;
	} else if (ok) {
		ok = read_connection(st, settings);
		ok = sql_name_set(settings, "table", NULL, st->table) && ok;
		ok = sql_name_set(settings, "user_column", NULL,
		    st->user_column) && ok;
		ok = sql_name_set(settings, "password_column", NULL,
		    st->password_column) && ok;
		ok = sql_name_set(settings, "enabled_column", NULL,
		    st->enabled_column) && ok;
		ok = sql_name_set(settings, "id_column", NULL,
		    st->id_column) && ok;
	}
	/* A hash no password matches, spent on unknown accounts: made
	 * without hashing, checked at a real one's cost. */
	if (ok && hash_scheme_fake(HASH_BCRYPT, st->cost, st->dummy,
	    sizeof(st->dummy), &err) != 0) {
		config_section_error(settings, "hash_cost", "%s", err.message);
		ok = false;
	}
	if (ok)
		hash_form_read(st->dummy, strlen(st->dummy),
		    HASH_RULES_ZONEMINDER, &st->dummy_form);
	/* The settings must reach the server, and its table look as
	 * configured; a server that does not answer now may later. */
	if (ok) {
		rc = mariadb_list(st, &probe, 1, &count, &err);
		if (rc != 0 && rc != -EHOSTDOWN && rc != -EBUSY) {
			config_section_error(settings, zoneminder ? "zm_conf" :
			    "table", "%s", err.message);
			ok = false;
		}
	}
	if (!ok) {
		mariadb_close(st);
		return NULL;
	}
	return st;
}

static void *
mariadb_open(const struct config_section *settings)
{
	return open_store(settings, false);
}

static void *
zoneminder_open(const struct config_section *settings)
{
	return open_store(settings, true);
}

static const struct accounts_ops mariadb_ops = {
	.open = mariadb_open,
	.list = mariadb_list,
	.verify = mariadb_verify,
	.set_password = mariadb_set_password,
	.factory_reset = mariadb_factory_reset,
	.close = mariadb_close,
};

static const struct accounts_ops zoneminder_ops = {
	.open = zoneminder_open,
	.list = mariadb_list,
	.verify = mariadb_verify,
	.set_password = mariadb_set_password,
	.factory_reset = mariadb_factory_reset,
	.close = mariadb_close,
};

const struct backend_impl accounts_mariadb_impl = {
	.concern = "accounts",
	.name = "mariadb",
	.summary = "a table of users in a MariaDB or MySQL database",
	.keys = mariadb_keys,
	.ops = &mariadb_ops,
};

const struct backend_impl accounts_zoneminder_impl = {
	.concern = "accounts",
	.name = "zoneminder",
	.summary = "ZoneMinder's users (its database, from zm.conf)",
	.keys = zoneminder_keys,
	.ops = &zoneminder_ops,
};
