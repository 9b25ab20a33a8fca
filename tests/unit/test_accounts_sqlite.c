/*
 * test_accounts_sqlite.c: the sqlite and frigate accounts backends
 * (backends/accounts/sqlite.c, sqlite_owner.c) and the pbkdf2_sha256
 * scheme (pbkdf2.c), through backends/accounts/accounts.h, opened from
 * YAML text as the wizard opens them.
 *
 * The database is made with Frigate's own statements (tests/unit/
 * fixtures/frigate/user-table.sql, users.sql) in write-ahead-log mode, as
 * Frigate keeps it, in a folder owned by OWNER_UID (the account Frigate's
 * files belong to on the host), and is read back as that account too:
 * the tests run as root, and a root reader would itself leave root-owned
 * -wal and -shm files behind. The hashes the backend writes are checked
 * by Python's hashlib exactly as Frigate's verify_password checks them,
 * and its password_changed_at parsed as peewee reads it; passwords reach
 * Python on standard input, never in argv.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "backends/accounts/accounts.h"
#include "backends/accounts/pbkdf2.h"
#include "backends/accounts/sqlite_lib.h"
#include "backends/registry.h"
#include "config/config.h"
#include "config/diag.h"
#include "tests/unit/support.h"

#define OWNER_UID 4242
#define OWNER_GID 4242
#define BUSY_MS 300
#define FIXTURES "tests/unit/fixtures/frigate/"
#define PYTHON "/usr/bin/python3"

#define ADMIN_HASH "pbkdf2_sha256$600000$5f3c1d2e4a6b8c0d9e7f1a2b3c4d5e6f$" \
	"vFGp0R8eYZ9YHEsFFV9HIaWuz0nXyEhi12PQ/z4H1t0="
#define ALICE_HASH "pbkdf2_sha256$1000$0123456789abcdef0123456789abcdef$" \
	"EbzoHUnQEh/5iufrI/6Y3cE8AkJrZ7mste7Pv9lM4w0="
#define BOB_HASH "pbkdf2_sha256$1000$fedcba9876543210fedcba9876543210$" \
	"lMHK6S/xAreM/QAOl14EUAT1nwofRGDEwt+3lj8tNaI="

struct sq_fx {
	struct support_fx *fx;
	struct accounts acc;
	char *folder;		/* DIR/config, owned by OWNER_UID */
	char *db;		/* DIR/config/frigate.db */
	pid_t holder;		/* a child holding the database, or 0 */
	int holder_fd;
};

static int fx_teardown(void **state);

static int
fx_setup(void **state)
{
	struct support_fx *inner = NULL;
	struct sq_fx *t = support_fx_wrap(sizeof(*t), "sqlite", &inner);

	if (t == NULL)
		return -1;
	t->fx = inner;
	t->holder_fd = -1;
	if (asprintf(&t->folder, "%s/config", t->fx->dir) < 0 ||
	    asprintf(&t->db, "%s/frigate.db", t->folder) < 0 ||
	    chmod(t->fx->dir, 0755) != 0 || mkdir(t->folder, 0755) != 0 ||
	    chown(t->folder, OWNER_UID, OWNER_GID) != 0) {
		fx_teardown((void **)&t);
		return -1;
	}
	*state = t;
	return 0;
}

/* Lets a lock-holding child go and reaps it. */
static void
release_holder(struct sq_fx *t)
{
	support_release_holder(&t->holder_fd, &t->holder);
}

/* Closes the backend and frees the config, if open. */
static void
close_store(struct sq_fx *t)
{
	support_close_accounts(t->fx, &t->acc);
}

static int
fx_teardown(void **state)
{
	struct sq_fx *t = *state;
	void *inner = t->fx;

	release_holder(t);
	if (t->fx != NULL)
		close_store(t);
	free(t->folder);
	free(t->db);
	free(t);
	return inner != NULL ? support_fx_teardown(&inner) : 0;
}

/* ------------------------------------------------------------------ */
/* The database, as its owner                                          */

/* Drops the calling (child) process to OWNER_UID. */
static void
become_owner(void)
{
	if (setgroups(0, NULL) != 0 || setresgid(OWNER_GID, OWNER_GID,
	    OWNER_GID) != 0 || setresuid(OWNER_UID, OWNER_UID, OWNER_UID) !=
	    0)
		_exit(90);
}

/* Appends the whole of PATH to F. */
static void
cat_file(FILE *f, const char *path)
{
	size_t len;
	char *text = support_slurp(path, &len);

	assert_non_null(text);
	fwrite(text, 1, len, f);
	free(text);
}

/* Runs SQL as OWNER_UID on the database (made if missing); every row of
 * every result is written to the returned text, each value as its type
 * and bytes in hex, so that two dumps are equal only if every byte is.
 * Fails the test on an error. */
static char *
owner_sql(const struct sq_fx *t, const char *sql)
{
	int p[2];
	pid_t pid;
	char *out = NULL, buf[4096];
	size_t len = 0;
	FILE *f;
	ssize_t n;
	int status;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		sqlite3 *db;
		sqlite3_stmt *stmt;
		const char *tail = sql;
		FILE *o;

		close(p[0]);
		become_owner();
		o = fdopen(p[1], "w");
		if (o == NULL || sqlite3_open(t->db, &db) != SQLITE_OK)
			_exit(91);
		while (tail != NULL && *tail != '\0') {
			if (sqlite3_prepare_v2(db, tail, -1, &stmt, &tail) !=
			    SQLITE_OK) {
				fprintf(stderr, "owner_sql: %s\n",
				    sqlite3_errmsg(db));
				_exit(92);
			}
			if (stmt == NULL)
				break;
			int rc;
			while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
				for (int i = 0; i < sqlite3_column_count(stmt);
				    i++) {
					const unsigned char *v =
					    sqlite3_column_blob(stmt, i);
					int b = sqlite3_column_bytes(stmt, i);

					fprintf(o, "%s%d:", i ? "|" : "",
					    sqlite3_column_type(stmt, i));
					for (int k = 0; k < b; k++)
						fprintf(o, "%02x", v[k]);
				}
				fputc('\n', o);
			}
			if (rc != SQLITE_DONE) {
				fprintf(stderr, "owner_sql: %s\n",
				    sqlite3_errmsg(db));
				_exit(93);
			}
			sqlite3_finalize(stmt);
		}
		sqlite3_close(db);
		fclose(o);
		_exit(0);
	}
	close(p[1]);
	f = open_memstream(&out, &len);
	assert_non_null(f);
	while ((n = read(p[0], buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, f);
	close(p[0]);
	fclose(f);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	return out;
}

/* The value of column COL of NAME's row, as text ("" for NULL). */
static char *
owner_value(const struct sq_fx *t, const char *col, const char *name)
{
	char *sql, *dump, *hex, *out;
	size_t n;

	assert_true(asprintf(&sql, "SELECT \"%s\" FROM \"user\" WHERE "
	    "username = '%s'", col, name) > 0);
	dump = owner_sql(t, sql);
	free(sql);
	hex = strchr(dump, ':');
	assert_non_null(hex);
	hex++;
	n = strcspn(hex, "\n") / 2;
	out = calloc(1, n + 1);
	for (size_t i = 0; i < n; i++)
		sscanf(hex + 2 * i, "%2hhx", (unsigned char *)&out[i]);
	free(dump);
	return out;
}

/* The Frigate database with its users, in WAL mode as Frigate keeps it
 * (peewee's SqliteQueueDatabase), owned by OWNER_UID. */
static void
make_frigate_db(const struct sq_fx *t, const char *extra_sql)
{
	char *sql = NULL, *dump;
	size_t len = 0;
	FILE *f = open_memstream(&sql, &len);

	assert_non_null(f);
	fputs("PRAGMA journal_mode = WAL;\n", f);
	cat_file(f, FIXTURES "user-table.sql");
	cat_file(f, FIXTURES "users.sql");
	fputs(extra_sql, f);
	fclose(f);
	dump = owner_sql(t, sql);
	free(dump);
	free(sql);
}

/* Every row and column of the user table, byte for byte. */
static char *
dump_users(const struct sq_fx *t)
{
	return owner_sql(t, "SELECT * FROM \"user\" ORDER BY username");
}

/* Fails if anything in the folder is not OWNER_UID's. */
static void
assert_folder_owned(const struct sq_fx *t)
{
	DIR *d = opendir(t->folder);
	struct dirent *e;
	int seen = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		struct stat sb;
		char *p;

		if (strcmp(e->d_name, "..") == 0)
			continue;
		assert_true(asprintf(&p, "%s/%s", t->folder, e->d_name) > 0);
		assert_int_equal(lstat(p, &sb), 0);
		if (sb.st_uid != OWNER_UID || sb.st_gid != OWNER_GID)
			print_error("%s is owned by %u:%u\n", p,
			    (unsigned)sb.st_uid, (unsigned)sb.st_gid);
		assert_int_equal(sb.st_uid, OWNER_UID);
		assert_int_equal(sb.st_gid, OWNER_GID);
		free(p);
		seen++;
	}
	closedir(d);
	assert_true(seen >= 2);
}

/* ------------------------------------------------------------------ */
/* The store                                                           */

#define assert_rc(want, call, err) do {					\
	int rc_ = (call);						\
	if (rc_ != (want))						\
		print_error("%s returned %d, want %d; message: %s\n",	\
		    #call, rc_, (want), (err).message);			\
	assert_int_equal(rc_, (want));					\
} while (0)

static int
open_text(struct sq_fx *t, const char *accounts)
{
	return support_open_accounts_text(t->fx, &t->acc, accounts);
}

static int
open_frigate(struct sq_fx *t)
{
	char *text;
	int rc;

	assert_true(asprintf(&text,
	    "  backend: frigate\n"
	    "  database: %s\n"
	    "  busy_timeout_ms: %d\n", t->db, BUSY_MS) > 0);
	rc = open_text(t, text);
	free(text);
	return rc;
}

static int
do_list(struct sq_fx *t, struct account *a, size_t max, size_t *count,
    struct nvr_error *err)
{
	return t->acc.ops->list(t->acc.state, a, max, count, err);
}

static int
do_verify(struct sq_fx *t, const char *name, const char *pw,
    struct nvr_error *err)
{
	return t->acc.ops->verify(t->acc.state, name, pw, err);
}

static int
do_set(struct sq_fx *t, const char *name, const char *pw,
    struct nvr_error *err)
{
	return t->acc.ops->set_password(t->acc.state, name, pw, err);
}

/* ------------------------------------------------------------------ */
/* Python, as Frigate                                                  */

/* Frigate's verify_password (frigate/api/auth.py), on standard input:
 * the password, then the hash, a line each. */
static const char verify_py[] =
    "import sys, hashlib, base64, secrets\n"
    "pw, h = sys.stdin.read().split('\\n')[:2]\n"
    "if h.count('$') != 3: sys.exit(2)\n"
    "alg, it, salt, b = h.split('$', 3)\n"
    "if alg != 'pbkdf2_sha256': sys.exit(3)\n"
    "d = hashlib.pbkdf2_hmac('sha256', pw.encode('utf-8'),"
    " salt.encode('utf-8'), int(it))\n"
    "c = '{}${}${}${}'.format(alg, int(it), salt,"
    " base64.b64encode(d).decode('ascii').strip())\n"
    "sys.exit(0 if secrets.compare_digest(h, c) else 1)\n";

/* peewee's DateTimeField formats, then the time against now: exit 0 if
 * the text on standard input is within 60 s of now (local time, as
 * datetime.timestamp() reads a naive value, which Frigate does). */
static const char changed_py[] =
    "import sys, time, datetime\n"
    "s = sys.stdin.read()\n"
    "for f in ('%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H:%M:%S'):\n"
    "    try:\n"
    "        v = datetime.datetime.strptime(s, f); break\n"
    "    except ValueError: v = None\n"
    "if v is None: sys.exit(2)\n"
    "sys.exit(0 if abs(v.timestamp() - time.time()) < 60 else 1)\n";

/* Runs python3 -c SCRIPT with INPUT on its standard input; its exit
 * status. */
static int
python(const char *script, const char *input)
{
	int p[2], status;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[0], 0);
		close(p[0]);
		close(p[1]);
		execl(PYTHON, "python3", "-c", script, (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	assert_int_equal(write(p[1], input, strlen(input)),
	    (ssize_t)strlen(input));
	close(p[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int
frigate_verifies(const char *password, const char *hash)
{
	char *input;
	int rc;

	assert_true(asprintf(&input, "%s\n%s\n", password, hash) > 0);
	rc = python(verify_py, input);
	free(input);
	return rc;
}

/* ------------------------------------------------------------------ */
/* pbkdf2_sha256                                                       */

/* Known answer: a hash Frigate's hash_password made verifies, and the
 * wrong password does not. */
static void
test_pbkdf2_ok_frigate_known_answer(void **state)
{
	(void)state;
	assert_true(pbkdf2_sha256_verify("Frigate-Admin-1", ADMIN_HASH,
	    strlen(ADMIN_HASH)));
	assert_false(pbkdf2_sha256_verify("Frigate-Admin-2", ADMIN_HASH,
	    strlen(ADMIN_HASH)));
	assert_true(pbkdf2_sha256_verify("Alice-Cameras-22", ALICE_HASH,
	    strlen(ALICE_HASH)));
}

static void
test_pbkdf2_ok_round_trip(void **state)
{
	struct pbkdf2_sha256 h;
	char out[PBKDF2_SHA256_TEXT_MAX];

	(void)state;
	assert_int_equal(pbkdf2_sha256_parse(ALICE_HASH, strlen(ALICE_HASH),
	    &h), 0);
	assert_int_equal(h.iterations, 1000);
	assert_string_equal(h.salt, "0123456789abcdef0123456789abcdef");
	assert_int_equal(pbkdf2_sha256_format(&h, out, sizeof(out)),
	    (int)strlen(ALICE_HASH));
	assert_string_equal(out, ALICE_HASH);
	/* What make writes, Frigate reads. */
	assert_int_equal(pbkdf2_sha256_make("New-Pass-1", 1000, out,
	    sizeof(out)), 0);
	assert_int_equal(frigate_verifies("New-Pass-1", out), 0);
	assert_int_equal(frigate_verifies("New-Pass-2", out), 1);
}

/* Must fail: every text that is not the canonical one. */
static void
test_pbkdf2_nok_not_canonical(void **state)
{
	static const char *const bad[] = {
		"",
		"!",
		"pbkdf2_sha256",
		"pbkdf2_sha256$1000$salt",
		"pbkdf2_sha1$1000$0123456789abcdef0123456789abcdef$"
		    "EbzoHUnQEh/5iufrI/6Y3cE8AkJrZ7mste7Pv9lM4w0=",
		"pbkdf2_sha256$01000$0123456789abcdef0123456789abcdef$"
		    "EbzoHUnQEh/5iufrI/6Y3cE8AkJrZ7mste7Pv9lM4w0=",
		"pbkdf2_sha256$+1000$0123456789abcdef0123456789abcdef$"
		    "EbzoHUnQEh/5iufrI/6Y3cE8AkJrZ7mste7Pv9lM4w0=",
		"pbkdf2_sha256$0$0123456789abcdef0123456789abcdef$"
		    "EbzoHUnQEh/5iufrI/6Y3cE8AkJrZ7mste7Pv9lM4w0=",
		"pbkdf2_sha256$10000001$0123456789abcdef0123456789abcdef$"
		    "EbzoHUnQEh/5iufrI/6Y3cE8AkJrZ7mste7Pv9lM4w0=",
		"pbkdf2_sha256$1000$$EbzoHUnQEh/5iufrI/6Y3cE8AkJrZ7mste7Pv9lM4w0=",
		"pbkdf2_sha256$1000$01234 6789abcdef0123456789abcdef$"
		    "EbzoHUnQEh/5iufrI/6Y3cE8AkJrZ7mste7Pv9lM4w0=",
		/* base64 without padding, with stray low bits, too long */
		"pbkdf2_sha256$1000$0123456789abcdef0123456789abcdef$"
		    "EbzoHUnQEh/5iufrI/6Y3cE8AkJrZ7mste7Pv9lM4w0",
		"pbkdf2_sha256$1000$0123456789abcdef0123456789abcdef$"
		    "EbzoHUnQEh/5iufrI/6Y3cE8AkJrZ7mste7Pv9lM4w1=",
		"pbkdf2_sha256$1000$0123456789abcdef0123456789abcdef$"
		    "EbzoHUnQEh/5iufrI/6Y3cE8AkJrZ7mste7Pv9lM4w0=$",
		"pbkdf2_sha256$1000$0123456789abcdef0123456789abcdef$"
		    "EbzoHUnQEh/5iufrI/6Y3cE8AkJrZ7mste7Pv9lM4w0==",
	};
	struct pbkdf2_sha256 h;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pbkdf2_sha256_parse(bad[i], strlen(bad[i]), &h) != -EINVAL)
			print_error("parsed: %s\n", bad[i]);
		assert_int_equal(pbkdf2_sha256_parse(bad[i], strlen(bad[i]),
		    &h), -EINVAL);
		assert_false(pbkdf2_sha256_verify("Alice-Cameras-22", bad[i],
		    strlen(bad[i])));
	}
}

/* ------------------------------------------------------------------ */
/* Frigate                                                             */

/* The admin first, the rest by name; a password state per scheme; no ids
 * (Frigate's table has no INTEGER PRIMARY KEY: its rowids change with
 * VACUUM). */
static void
test_list_ok_frigate(void **state)
{
	struct sq_fx *t = *state;
	struct account a[16];
	struct nvr_error err = { "" };
	size_t count;

	make_frigate_db(t, "INSERT INTO \"user\" VALUES ('aaron', '"
	    BOB_HASH "', '[]', 'viewer', NULL);\n");
	assert_int_equal(open_frigate(t), 0);
	assert_rc(0, do_list(t, a, 16, &count, &err), err);
	assert_int_equal(count, 7);
	assert_string_equal(a[0].name, "admin");
	assert_true(a[0].admin);
	assert_int_equal(a[0].password, ACCOUNT_PASSWORD_SET);
	assert_string_equal(a[1].name, "aaron");
	assert_string_equal(a[2].name, "alice");
	assert_int_equal(a[2].password, ACCOUNT_PASSWORD_SET);
	assert_false(a[2].admin);
	assert_string_equal(a[3].name, "bob");
	assert_string_equal(a[4].name, "carol");
	assert_int_equal(a[4].password, ACCOUNT_PASSWORD_LOCKED);
	assert_string_equal(a[5].name, "dave");
	assert_int_equal(a[5].password, ACCOUNT_PASSWORD_EMPTY);
	assert_string_equal(a[6].name, "erin");
	assert_int_equal(a[6].password, ACCOUNT_PASSWORD_LOCKED);
	for (size_t i = 0; i < count; i++)
		assert_true(a[i].uid == (uid_t)-1);
	assert_false(accounts_admin_needs_password(&t->acc));
	/* Truncated to one: the admin still. */
	assert_rc(0, do_list(t, a, 1, &count, &err), err);
	assert_int_equal(count, 1);
	assert_string_equal(a[0].name, "admin");
	assert_folder_owned(t);
}

static void
test_verify_ok_and_nok(void **state)
{
	struct sq_fx *t = *state;
	struct nvr_error err = { "" };

	make_frigate_db(t, "");
	assert_int_equal(open_frigate(t), 0);
	assert_rc(0, do_verify(t, "admin", "Frigate-Admin-1", &err), err);
	assert_rc(0, do_verify(t, "bob", "Bob-Viewer-333", &err), err);
	assert_rc(-EACCES, do_verify(t, "admin", "Frigate-Admin-2", &err),
	    err);
	assert_rc(-EACCES, do_verify(t, "bob", "Alice-Cameras-22", &err), err);
	assert_rc(-EACCES, do_verify(t, "nobody", "Frigate-Admin-1", &err),
	    err);
	assert_rc(-EACCES, do_verify(t, "carol", "!", &err), err);
	assert_rc(-EACCES, do_verify(t, "dave", "", &err), err);
	/* Exact names only: no case folding, no LIKE. */
	assert_rc(-EACCES, do_verify(t, "ADMIN", "Frigate-Admin-1", &err),
	    err);
	assert_rc(-EACCES, do_verify(t, "admin'--", "Frigate-Admin-1", &err),
	    err);
	assert_folder_owned(t);
}

/* The admin's password changed: its hash is Frigate's (checked by
 * Frigate's own code), its password_changed_at reads as Frigate reads
 * it, and every other byte of the table is as it was. */
static void
test_set_password_ok_frigate(void **state)
{
	struct sq_fx *t = *state;
	struct nvr_error err = { "" };
	struct stat sb;
	char *before, *after, *hash, *changed, *expect;
	struct pbkdf2_sha256 h;

	make_frigate_db(t, "");
	assert_int_equal(open_frigate(t), 0);
	before = dump_users(t);
	assert_rc(0, do_set(t, "alice", "Pan-Tilt-Zoom-77", &err), err);
	after = dump_users(t);
	hash = owner_value(t, "password_hash", "alice");
	changed = owner_value(t, "password_changed_at", "alice");
	assert_int_equal(frigate_verifies("Pan-Tilt-Zoom-77", hash), 0);
	assert_int_equal(frigate_verifies("Alice-Cameras-22", hash), 1);
	assert_int_equal(pbkdf2_sha256_parse(hash, strlen(hash), &h), 0);
	assert_int_equal(h.iterations, 600000);
	assert_int_equal(h.salt_len, 32);
	assert_int_equal(strspn(h.salt, "0123456789abcdef"), 32);
	assert_int_equal(python(changed_py, changed), 0);
	/* Every other row byte for byte, and alice's other columns: the
	 * dump with her two new values put back is the old one. */
	{
		char *sql;

		assert_true(asprintf(&sql, "BEGIN; UPDATE \"user\" SET password_hash"
		    " = '%s', password_changed_at = '2025-03-01 "
		    "09:15:42.123456' WHERE username = 'alice'; SELECT * FROM "
		    "\"user\" ORDER BY username; ROLLBACK", ALICE_HASH) > 0);
		assert_string_not_equal(before, after);
		expect = owner_sql(t, sql);
		assert_string_equal(expect, before);
		free(sql);
	}
	assert_rc(0, do_verify(t, "alice", "Pan-Tilt-Zoom-77", &err), err);
	assert_rc(-EACCES, do_verify(t, "alice", "Alice-Cameras-22", &err),
	    err);
	/* The file's owner kept; nothing root's in the folder. */
	assert_int_equal(stat(t->db, &sb), 0);
	assert_int_equal(sb.st_uid, OWNER_UID);
	assert_folder_owned(t);
	free(before);
	free(after);
	free(hash);
	free(changed);
	free(expect);
}

/* A user that is not there is refused, and nothing is written. */
static void
test_set_password_nok_unknown(void **state)
{
	struct sq_fx *t = *state;
	struct nvr_error err = { "" };
	char *before, *after;

	make_frigate_db(t, "");
	assert_int_equal(open_frigate(t), 0);
	before = dump_users(t);
	assert_rc(-ENOENT, do_set(t, "mallory", "Pan-Tilt-Zoom-77", &err),
	    err);
	assert_rc(-ENOENT, do_set(t, "Alice", "Pan-Tilt-Zoom-77", &err), err);
	after = dump_users(t);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* The change is made with the owner's rights, not root's: a database
 * its owner may not write (mode 0444) is not written, though root could.
 * (SQLite as root gives its side files the database's owner by itself;
 * this is what shows the drop.) */
static void
test_set_password_nok_owner_cannot_write(void **state)
{
	struct sq_fx *t = *state;
	struct nvr_error err = { "" };
	char *before, *after;
	int rc;

	make_frigate_db(t, "");
	assert_int_equal(open_frigate(t), 0);
	before = dump_users(t);
	assert_int_equal(chmod(t->db, 0444), 0);
	rc = do_set(t, "admin", "Pan-Tilt-Zoom-77", &err);
	assert_int_not_equal(rc, 0);
	assert_int_equal(chmod(t->db, 0644), 0);
	after = dump_users(t);
	assert_string_equal(before, after);
	assert_rc(0, do_verify(t, "admin", "Frigate-Admin-1", &err), err);
	assert_folder_owned(t);
	free(before);
	free(after);
}

/* A child holding the database with BEGIN EXCLUSIVE (as Frigate writing)
 * until FD is closed. */
static void
hold_database(struct sq_fx *t)
{
	int go[2], ready[2];
	char c;

	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(ready), 0);
	t->holder = fork();
	assert_true(t->holder >= 0);
	if (t->holder == 0) {
		sqlite3 *db;

		close(go[1]);
		close(ready[0]);
		become_owner();
		if (sqlite3_open(t->db, &db) != SQLITE_OK ||
		    sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL) !=
		    SQLITE_OK)
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		if (read(go[0], &c, 1) < 0)
			_exit(1);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(db);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	t->holder_fd = go[1];
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
}

static void
test_set_password_nok_busy(void **state)
{
	struct sq_fx *t = *state;
	struct nvr_error err = { "" };
	struct timespec start;
	char *before, *after;
	double ms;

	make_frigate_db(t, "");
	assert_int_equal(open_frigate(t), 0);
	before = dump_users(t);
	hold_database(t);
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_rc(-EBUSY, do_set(t, "admin", "Pan-Tilt-Zoom-77", &err), err);
	ms = support_ms_since(&start);
	assert_non_null(strstr(err.message, "the Frigate database is busy"));
	assert_non_null(strstr(err.message, "nothing was changed"));
	assert_true(ms >= BUSY_MS * 0.9);
	assert_rc(-EBUSY, t->acc.ops->factory_reset(t->acc.state,
	    ACCOUNT_RESET_ALL, &err), err);
	assert_non_null(strstr(err.message, "the Frigate database is busy"));
	release_holder(t);
	after = dump_users(t);
	assert_string_equal(before, after);
	assert_rc(0, do_verify(t, "admin", "Frigate-Admin-1", &err), err);
	assert_folder_owned(t);
	free(before);
	free(after);
}

/* The factory state: every offered account "!", no old hash anywhere in
 * the files; a second reset writes nothing. */
static void
test_factory_reset_ok(void **state)
{
	struct sq_fx *t = *state;
	struct nvr_error err = { "" };
	struct account a[16];
	size_t count, len, len2;
	char *raw, *raw2, *dump, *dump2;

	make_frigate_db(t, "");
	assert_int_equal(open_frigate(t), 0);
	assert_rc(0, t->acc.ops->factory_reset(t->acc.state,
	    ACCOUNT_RESET_ALL, &err), err);
	assert_rc(0, do_list(t, a, 16, &count, &err), err);
	assert_int_equal(count, 6);
	for (size_t i = 0; i < count; i++)
		assert_int_equal(a[i].password, ACCOUNT_PASSWORD_LOCKED);
	assert_true(accounts_admin_needs_password(&t->acc));
	assert_rc(-EACCES, do_verify(t, "admin", "Frigate-Admin-1", &err),
	    err);
	raw = support_slurp(t->db, &len);
	assert_non_null(raw);
	assert_null(memmem(raw, len, "5f3c1d2e4a6b8c0d9e7f", 20));
	assert_null(memmem(raw, len, "vFGp0R8eYZ9YHEsFFV9H", 20));
	assert_null(memmem(raw, len, "EbzoHUnQEh", 10));
	assert_null(memmem(raw, len, "lMHK6S", 6));
	assert_null(memmem(raw, len, "abcdefghijklmnopqrstuu", 22));
	/* Roles and tokens stay. */
	dump = owner_value(t, "notification_tokens", "alice");
	assert_non_null(strstr(dump, "push.example"));
	free(dump);
	dump = dump_users(t);
	/* Idempotent: the file is not written again. */
	assert_rc(0, t->acc.ops->factory_reset(t->acc.state,
	    ACCOUNT_RESET_ALL, &err), err);
	raw2 = support_slurp(t->db, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(raw, raw2, len);
	dump2 = dump_users(t);
	assert_string_equal(dump, dump2);
	/* First-boot setup then sets the admin's again. */
	assert_rc(0, do_set(t, "admin", "Pan-Tilt-Zoom-77", &err), err);
	assert_false(accounts_admin_needs_password(&t->acc));
	assert_folder_owned(t);
	free(raw);
	free(raw2);
	free(dump);
	free(dump2);
}

/* The reset button's password tier: the admin alone locked, every
 * other user's password still works; again, nothing is written. */
static void
test_factory_reset_ok_admin_only(void **state)
{
	struct sq_fx *t = *state;
	struct nvr_error err = { "" };
	struct account a[16];
	size_t count, len, len2;
	char *raw, *raw2;

	make_frigate_db(t, "");
	assert_int_equal(open_frigate(t), 0);
	assert_rc(0, t->acc.ops->factory_reset(t->acc.state,
	    ACCOUNT_RESET_ADMIN, &err), err);
	assert_rc(0, do_list(t, a, 16, &count, &err), err);
	assert_string_equal(a[0].name, "admin");
	assert_int_equal(a[0].password, ACCOUNT_PASSWORD_LOCKED);
	assert_true(accounts_admin_needs_password(&t->acc));
	assert_rc(-EACCES, do_verify(t, "admin", "Frigate-Admin-1", &err),
	    err);
	assert_rc(0, do_verify(t, "bob", "Bob-Viewer-333", &err), err);
	raw = support_slurp(t->db, &len);
	assert_rc(0, t->acc.ops->factory_reset(t->acc.state,
	    ACCOUNT_RESET_ADMIN, &err), err);
	raw2 = support_slurp(t->db, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(raw, raw2, len);
	assert_folder_owned(t);
	free(raw);
	free(raw2);
}

/* A database that is not Frigate's as configured is refused at open,
 * at database:'s line, and left byte for byte. */
static void
test_open_nok_missing_table_or_column(void **state)
{
	struct sq_fx *t = *state;
	char *raw, *raw2, *want;
	size_t len, len2;

	free(owner_sql(t, "PRAGMA journal_mode = WAL; CREATE TABLE users "
	    "(username TEXT PRIMARY KEY, password_hash TEXT);"));
	raw = support_slurp(t->db, &len);
	assert_int_equal(open_frigate(t), -1);
	assert_true(asprintf(&want, "has no table user") > 0);
	assert_diag_has(&t->fx->cfg.diags, 8, 13, want);
	free(want);
	raw2 = support_slurp(t->db, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(raw, raw2, len);
	free(raw);
	free(raw2);
	/* Frigate before 0.16: no password_changed_at. */
	free(owner_sql(t, "DROP TABLE users; CREATE TABLE \"user\" "
	    "(\"username\" VARCHAR(30) NOT NULL PRIMARY KEY, "
	    "\"password_hash\" VARCHAR(120) NOT NULL);"));
	raw = support_slurp(t->db, &len);
	assert_int_equal(open_frigate(t), -1);
	assert_diag_has(&t->fx->cfg.diags, 8, 13,
	    "has no column password_changed_at");
	raw2 = support_slurp(t->db, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(raw, raw2, len);
	free(raw);
	free(raw2);
	assert_folder_owned(t);
}

static void
test_open_nok_no_database(void **state)
{
	struct sq_fx *t = *state;
	struct stat sb;

	assert_int_equal(open_frigate(t), -1);
	assert_diag_has(&t->fx->cfg.diags, 8, 13, "No such file");
	assert_int_equal(stat(t->db, &sb), -1);
	/* A link in its place is not followed. */
	assert_int_equal(symlink("/etc/passwd", t->db), 0);
	assert_int_equal(open_frigate(t), -1);
	assert_diag_has(&t->fx->cfg.diags, 8, 13, "not a regular file");
}

/* ------------------------------------------------------------------ */
/* Generic sqlite                                                      */

static int
open_generic(struct sq_fx *t, const char *table, const char *extra)
{
	char *text;
	int rc;

	assert_true(asprintf(&text,
	    "  backend: sqlite\n"
	    "  database: %s\n"
	    "  table: %s\n"
	    "  user_column: name\n"
	    "  password_column: pw\n"
	    "  admin: root\n"
	    "  hash_iterations: 1000\n"
	    "%s", t->db, table, extra) > 0);
	rc = open_text(t, text);
	free(text);
	return rc;
}

/* A table with an INTEGER PRIMARY KEY gives ids; a disabled user and one
 * whose name another row has too are not offered; unix time written. */
static void
test_generic_ok_ids_enabled_unix(void **state)
{
	struct sq_fx *t = *state;
	struct nvr_error err = { "" };
	struct account a[8];
	size_t count;
	char *before, *after, *v;

	free(owner_sql(t, "CREATE TABLE accounts (id INTEGER PRIMARY KEY, "
	    "name TEXT, pw TEXT, on_ INTEGER, at INTEGER, note BLOB);"
	    "INSERT INTO accounts VALUES (7, 'op', '" BOB_HASH "', 1, 5, x'00ff');"
	    "INSERT INTO accounts VALUES (3, 'root', '" ALICE_HASH "', 1, 5, NULL);"
	    "INSERT INTO accounts VALUES (9, 'off', '" ALICE_HASH "', 0, 5, NULL);"
	    "INSERT INTO accounts VALUES (10, 'twin', '', 1, 5, NULL);"
	    "INSERT INTO accounts VALUES (11, 'twin', '', 1, 5, NULL);"));
	assert_int_equal(open_generic(t, "accounts", "  enabled_column: on_\n"
	    "  changed_column: at\n  changed_format: unix\n"), 0);
	assert_rc(0, do_list(t, a, 8, &count, &err), err);
	assert_int_equal(count, 2);
	assert_string_equal(a[0].name, "root");
	assert_int_equal(a[0].uid, 3);
	assert_true(a[0].admin);
	assert_string_equal(a[1].name, "op");
	assert_int_equal(a[1].uid, 7);
	assert_rc(-ENOENT, do_set(t, "off", "Pan-Tilt-Zoom-77", &err), err);
	assert_rc(-ENOENT, do_set(t, "twin", "Pan-Tilt-Zoom-77", &err), err);
	before = owner_sql(t, "SELECT * FROM accounts WHERE id != 7 ORDER BY "
	    "id");
	assert_rc(0, do_set(t, "op", "Pan-Tilt-Zoom-77", &err), err);
	after = owner_sql(t, "SELECT * FROM accounts WHERE id != 7 ORDER BY "
	    "id");
	assert_string_equal(before, after);
	free(before);
	free(after);
	v = owner_sql(t, "SELECT typeof(at), at > 1700000000, hex(note) FROM "
	    "accounts WHERE id = 7");
	/* integer, 1, "00FF" */
	assert_string_equal(v, "3:696e7465676572|1:31|3:30304646\n");
	free(v);
	assert_rc(0, do_verify(t, "op", "Pan-Tilt-Zoom-77", &err), err);
}

static void
test_generic_nok_names(void **state)
{
	struct sq_fx *t = *state;

	free(owner_sql(t, "CREATE TABLE accounts (name TEXT, pw TEXT);"));
	assert_int_equal(open_generic(t, "\"accounts; DROP TABLE x\"", ""),
	    -1);
	assert_diag_has(&t->fx->cfg.diags, 9, 10, "must be a plain SQL name");
	assert_int_equal(open_generic(t, "accounts",
	    "  changed_column: \"at\\\"\"\n"), -1);
	assert_diag_has(&t->fx->cfg.diags, 14, 19, "must be a plain SQL name");
	assert_int_equal(open_generic(t, "accounts",
	    "  enabled_column: missing\n"), -1);
	assert_diag_has(&t->fx->cfg.diags, 8, 13, "has no column missing");
	assert_int_equal(open_generic(t, "accounts", ""), 0);
}

int
main(void)
{
#define T(name) \
	cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pbkdf2_ok_frigate_known_answer),
		cmocka_unit_test(test_pbkdf2_ok_round_trip),
		cmocka_unit_test(test_pbkdf2_nok_not_canonical),
		T(test_list_ok_frigate),
		T(test_verify_ok_and_nok),
		T(test_set_password_ok_frigate),
		T(test_set_password_nok_unknown),
		T(test_set_password_nok_owner_cannot_write),
		T(test_set_password_nok_busy),
		T(test_factory_reset_ok),
		T(test_factory_reset_ok_admin_only),
		T(test_open_nok_missing_table_or_column),
		T(test_open_nok_no_database),
		T(test_generic_ok_ids_enabled_unix),
		T(test_generic_nok_names),
	};
#undef T

	if (sodium_init() < 0)
		return 1;
	/* The tests call it too, as the store does once open. */
	if (sqlite_lib_load(NULL) != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
