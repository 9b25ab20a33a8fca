/*
 * test_accounts_mariadb.c: the mariadb and zoneminder accounts backends
 * (backends/accounts/mariadb.c), ZoneMinder's config reader (zm_conf.c)
 * and its hash forms, through backends/accounts/accounts.h, opened from
 * YAML text as the wizard opens them, against a real server.
 *
 * One private mariadbd (tests/mariadb/server: Debian's MariaDB, a socket
 * in a temp folder, networking off) serves the whole run and is stopped
 * at the end, also when a test fails; each test makes ZoneMinder 1.36's
 * Users table and users anew (tests/unit/fixtures/zoneminder) and reads
 * its connection from a zm.conf whose ZM_DB_PASS only conf.d corrects.
 * New hashes are checked by ZoneMinder's own check in Debian's php-cli
 * (tests/mariadb/zm-check), the password on its standard input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "backends/accounts/accounts.h"
#include "backends/accounts/hash_form.h"
#include "backends/accounts/hash_scheme.h"
#include "backends/accounts/mariadb_lib.h"
#include "backends/accounts/zm_conf.h"
#include "backends/registry.h"
#include "config/config.h"
#include "tests/unit/support.h"

#define SERVER "tests/mariadb/server"

static char server_dir[64];	/* the run's server, DIR/sock its socket */

struct db_fx {
	struct support_fx *fx;
	struct accounts acc;
	char zm_conf[128];
	pid_t killer;
};

/* Runs "tests/mariadb/server CMD DIR" quietly; its exit status. */
static int
server(const char *cmd)
{
	char line[256];
	int rc;

	snprintf(line, sizeof(line), SERVER " %s %s >/dev/null", cmd,
	    server_dir);
	rc = system(line);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Runs SQL as the server's root in the zm database. */
static void
sql(const char *statement)
{
	char line[1024];

	snprintf(line, sizeof(line), SERVER " sql %s zm -e \"%s\"", server_dir,
	    statement);
	assert_int_equal(system(line), 0);
}

/* The first column of the first row SQL returns, malloc'd ("" if none). */
static char *
sql_value(const char *statement)
{
	char line[1024], out[4096] = "";
	FILE *p;
	size_t n;

	snprintf(line, sizeof(line), SERVER " sql %s zm -N -B -e \"%s\"",
	    server_dir, statement);
	p = popen(line, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	assert_int_equal(pclose(p), 0);
	out[strcspn(out, "\n")] = '\0';
	return strdup(out);
}

/* The whole Users table as text, sorted: what "nothing else changed"
 * compares. */
static char *
users_dump(void)
{
	char line[512], *out = malloc(65536);
	FILE *p;
	size_t n;

	assert_non_null(out);
	snprintf(line, sizeof(line), SERVER " sql %s zm -N -B -e \"SELECT * "
	    "FROM Users ORDER BY Id\"", server_dir);
	p = popen(line, "r");
	assert_non_null(p);
	n = fread(out, 1, 65535, p);
	out[n] = '\0';
	assert_int_equal(pclose(p), 0);
	return out;
}

/* ZoneMinder's own check of PASSWORD for USER: true if it lets them in. */
static bool
zm_accepts(const char *user, const char *password)
{
	char line[256];
	FILE *p;

	snprintf(line, sizeof(line), "tests/mariadb/zm-check %s %s "
	    ">/dev/null 2>&1", server_dir, user);
	p = popen(line, "w");
	assert_non_null(p);
	fprintf(p, "%s\n", password);
	return pclose(p) == 0;
}

static int
group_setup(void **state)
{
	const char *scratch = getenv("NVR_TEST_SCRATCH");

	(void)state;
	/* Under tests/run-all's scratch folder, which kills a server a
	 * crashed run left behind; the socket's path stays short. */
	if (scratch == NULL || strlen(scratch) > 40)
		scratch = "/tmp";
	snprintf(server_dir, sizeof(server_dir), "%s/nvr-mdb-XXXXXX", scratch);
	if (mkdtemp(server_dir) == NULL)
		return -1;
	return server("start") == 0 ? 0 : -1;
}

static int
group_teardown(void **state)
{
	char line[128];

	(void)state;
	server("stop");
	snprintf(line, sizeof(line), "rm -rf %s", server_dir);
	return system(line) == 0 ? 0 : -1;
}

static int
fx_setup(void **state)
{
	struct support_fx *inner = NULL;
	struct db_fx *t = support_fx_wrap(sizeof(*t), "mariadb", &inner);

	if (t == NULL)
		return -1;
	t->fx = inner;
	snprintf(t->zm_conf, sizeof(t->zm_conf), "%s/zm/zm.conf", server_dir);
	/* A test may have stopped the server. */
	if (server("start") != 0 || server("zoneminder") != 0)
		return -1;
	*state = t;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct db_fx *t = *state;
	void *inner = t->fx;

	if (t->killer > 0) {
		kill(t->killer, SIGKILL);
		waitpid(t->killer, NULL, 0);
	}
	support_close_accounts(t->fx, &t->acc);
	free(t);
	return support_fx_teardown(&inner);
}

#define assert_rc(want, call, err) do {					\
	int rc_ = (call);						\
	if (rc_ != (want))						\
		print_error("%s returned %d, want %d; message: %s\n",	\
		    #call, rc_, (want), (err).message);			\
	assert_int_equal(rc_, (want));					\
} while (0)

static int
open_text(struct db_fx *t, const char *accounts)
{
	return support_open_accounts_text(t->fx, &t->acc, accounts);
}

/* The zoneminder preset over the test's zm.conf, with EXTRA lines. */
static int
open_zm(struct db_fx *t, const char *extra)
{
	char *text;
	int rc;

	assert_true(asprintf(&text, "  backend: zoneminder\n"
	    "  zm_conf: %s\n"
	    "  hash_cost: 10\n"
	    "%s", t->zm_conf, extra ? extra : "") > 0);
	rc = open_text(t, text);
	free(text);
	return rc;
}

static int
do_verify(struct db_fx *t, const char *name, const char *pw,
    struct nvr_error *err)
{
	return t->acc.ops->verify(t->acc.state, name, pw, err);
}

static int
do_set(struct db_fx *t, const char *name, const char *pw,
    struct nvr_error *err)
{
	return t->acc.ops->set_password(t->acc.state, name, pw, err);
}

/* ------------------------------------------------------------------ */
/* Listing and checking                                                */

static void
test_list_zoneminder_users(void **state)
{
	struct db_fx *t = *state;
	struct account a[8];
	struct nvr_error err;
	size_t n;

	assert_int_equal(open_zm(t, NULL), 0);
	assert_rc(0, t->acc.ops->list(t->acc.state, a, 8, &n, &err), err);
	/* The admin first; the disabled user is not offered. */
	assert_int_equal(n, 4);
	assert_string_equal(a[0].name, "admin");
	assert_true(a[0].admin);
	assert_int_equal(a[0].uid, 1);
	/* ZoneMinder's seeded admin/admin is a factory password. */
	assert_int_equal(a[0].password, ACCOUNT_PASSWORD_DEFAULT);
	assert_true(accounts_admin_needs_password(&t->acc));
	assert_string_equal(a[1].name, "legacy");
	assert_int_equal(a[1].uid, 2);
	assert_int_equal(a[1].password, ACCOUNT_PASSWORD_SET);
	assert_string_equal(a[2].name, "overlay");
	assert_string_equal(a[3].name, "plain");
	assert_int_equal(a[3].uid, 4);
	assert_false(a[3].admin);
}

static void
test_verify_every_form(void **state)
{
	struct db_fx *t = *state;
	struct nvr_error err;

	assert_int_equal(open_zm(t, NULL), 0);
	assert_rc(0, do_verify(t, "admin", "admin", &err), err);
	assert_rc(0, do_verify(t, "legacy", "Legacy-Pass-1", &err), err);
	assert_rc(0, do_verify(t, "overlay", "Overlay-Pass-2", &err), err);
	assert_rc(0, do_verify(t, "plain", "Plain-Pass-3", &err), err);
	assert_rc(-EACCES, do_verify(t, "admin", "Admin", &err), err);
	assert_rc(-EACCES, do_verify(t, "legacy", "Legacy-Pass-2", &err), err);
	/* The overlay's text, or the PASSWORD() text, is no password. */
	assert_rc(-EACCES, do_verify(t, "overlay",
	    "*E0A6E2C4A7D7DC2F3F8A0A1C8F0E0D8E4C8B6B1A", &err), err);
	assert_rc(-EACCES, do_verify(t, "plain", "plain-pass-3", &err), err);
	/* Disabled and unknown users: the same answer. */
	assert_rc(-EACCES, do_verify(t, "disabled", "Disabled-Pass-4", &err),
	    err);
	assert_rc(-EACCES, do_verify(t, "nobody", "admin", &err), err);
}

/* ------------------------------------------------------------------ */
/* Changing                                                            */

/* The dump with USER's Password cell (the 3rd field of its line) cut. */
static void
cut_password(char *dump, const char *user)
{
	char needle[64];
	char *line, *p, *end;

	snprintf(needle, sizeof(needle), "\t%s\t", user);
	line = strstr(dump, needle);
	assert_non_null(line);
	p = line + strlen(needle);
	end = strchr(p, '\t');
	assert_non_null(end);
	memmove(p, end, strlen(end) + 1);
}

static void
test_set_password_one_cell(void **state)
{
	struct db_fx *t = *state;
	struct nvr_error err;
	char *before, *after, *hash;

	assert_int_equal(open_zm(t, NULL), 0);
	before = users_dump();
	assert_rc(0, do_set(t, "legacy", "Cameras-Garden-88", &err), err);
	after = users_dump();
	hash = sql_value("SELECT Password FROM Users WHERE Username = "
	    "'legacy'");
	/* bcrypt, at the config's cost, as PHP's password_verify reads it. */
	assert_int_equal(strncmp(hash, "$2y$10$", 7), 0);
	assert_int_equal(strlen(hash), 60);
	assert_true(zm_accepts("legacy", "Cameras-Garden-88"));
	assert_false(zm_accepts("legacy", "Legacy-Pass-1"));
	assert_rc(0, do_verify(t, "legacy", "Cameras-Garden-88", &err), err);
	/* Every other row and column as it was. */
	cut_password(before, "legacy");
	cut_password(after, "legacy");
	assert_string_equal(before, after);
	/* Each legacy form is replaced by bcrypt too. */
	assert_rc(0, do_set(t, "overlay", "Overlay-Garden-99", &err), err);
	assert_true(zm_accepts("overlay", "Overlay-Garden-99"));
	assert_rc(0, do_set(t, "plain", "Plain-Garden-77", &err), err);
	assert_true(zm_accepts("plain", "Plain-Garden-77"));
	free(hash);
	hash = sql_value("SELECT Password FROM Users WHERE Username = "
	    "'plain'");
	assert_int_equal(strncmp(hash, "$2y$10$", 7), 0);
	free(hash);
	free(before);
	free(after);
}

static void
test_set_password_not_offered(void **state)
{
	struct db_fx *t = *state;
	struct nvr_error err;
	char *before, *after;

	assert_int_equal(open_zm(t, NULL), 0);
	before = users_dump();
	assert_rc(-ENOENT, do_set(t, "disabled", "Cameras-Garden-88", &err),
	    err);
	assert_rc(-ENOENT, do_set(t, "nobody", "Cameras-Garden-88", &err),
	    err);
	after = users_dump();
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void
test_default_cost_is_12(void **state)
{
	struct db_fx *t = *state;
	struct nvr_error err;
	char *text, *hash;

	assert_true(asprintf(&text, "  backend: zoneminder\n"
	    "  zm_conf: %s\n", t->zm_conf) > 0);
	assert_int_equal(open_text(t, text), 0);
	free(text);
	assert_rc(0, do_set(t, "admin", "Cameras-Garden-88", &err), err);
	hash = sql_value("SELECT Password FROM Users WHERE Id = 1");
	assert_int_equal(strncmp(hash, "$2y$12$", 7), 0);
	assert_true(zm_accepts("admin", "Cameras-Garden-88"));
	assert_false(accounts_admin_needs_password(&t->acc));
	free(hash);
}

static void
test_factory_reset(void **state)
{
	struct db_fx *t = *state;
	struct account a[8];
	struct nvr_error err;
	size_t n;
	char *count;
	int rc;

	assert_int_equal(open_zm(t, NULL), 0);
	/* A server whose sessions start with autocommit off would roll
	 * back an uncommitted reset when the connection closes. */
	sql("SET GLOBAL autocommit = 0");
	rc = t->acc.ops->factory_reset(t->acc.state, ACCOUNT_RESET_ALL, &err);
	sql("SET GLOBAL autocommit = 1");
	assert_rc(0, rc, err);
	/* Every user, the disabled one too, locked: ZoneMinder takes the
	 * value for a PASSWORD() hash no password has. */
	count = sql_value("SELECT COUNT(*) FROM Users WHERE Password <> "
	    "'*locked'");
	assert_string_equal(count, "0");
	free(count);
	assert_false(zm_accepts("admin", "admin"));
	assert_false(zm_accepts("plain", "Plain-Pass-3"));
	assert_false(zm_accepts("admin", "*locked"));
	assert_rc(0, t->acc.ops->list(t->acc.state, a, 8, &n, &err), err);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(a[i].password, ACCOUNT_PASSWORD_LOCKED);
	assert_true(accounts_admin_needs_password(&t->acc));
	/* Again: nothing to do. */
	assert_rc(0, t->acc.ops->factory_reset(t->acc.state,
	    ACCOUNT_RESET_ALL, &err), err);
	assert_rc(0, do_set(t, "admin", "Cameras-Garden-88", &err), err);
	assert_true(zm_accepts("admin", "Cameras-Garden-88"));
}

/* The reset button's password tier: the admin alone locked; the other
 * users still log in with theirs. */
static void
test_factory_reset_admin_only(void **state)
{
	struct db_fx *t = *state;
	struct account a[8];
	struct nvr_error err;
	size_t n;
	char *count;

	assert_int_equal(open_zm(t, NULL), 0);
	assert_rc(0, t->acc.ops->factory_reset(t->acc.state,
	    ACCOUNT_RESET_ADMIN, &err), err);
	count = sql_value("SELECT COUNT(*) FROM Users WHERE Password = "
	    "'*locked'");
	assert_string_equal(count, "1");
	free(count);
	assert_false(zm_accepts("admin", "admin"));
	assert_true(zm_accepts("plain", "Plain-Pass-3"));
	assert_rc(0, t->acc.ops->list(t->acc.state, a, 8, &n, &err), err);
	assert_string_equal(a[0].name, "admin");
	assert_int_equal(a[0].password, ACCOUNT_PASSWORD_LOCKED);
	for (size_t i = 1; i < n; i++)
		assert_int_not_equal(a[i].password, ACCOUNT_PASSWORD_LOCKED);
	assert_true(accounts_admin_needs_password(&t->acc));
	assert_rc(0, t->acc.ops->factory_reset(t->acc.state,
	    ACCOUNT_RESET_ADMIN, &err), err);
}

/* ------------------------------------------------------------------ */
/* Failures, in plain words, nothing changed                           */

static void
test_server_down(void **state)
{
	struct db_fx *t = *state;
	struct nvr_error err;

	assert_int_equal(open_zm(t, NULL), 0);
	assert_int_equal(server("stop"), 0);
	assert_rc(-EHOSTDOWN, do_set(t, "legacy", "Cameras-Garden-88", &err),
	    err);
	assert_non_null(strstr(err.message, "the ZoneMinder database does "
	    "not answer"));
	assert_non_null(strstr(err.message, "nothing was changed"));
	assert_rc(-EHOSTDOWN, do_verify(t, "legacy", "Legacy-Pass-1", &err),
	    err);
	/* A config opened while the server is down still opens. */
	assert_int_equal(open_zm(t, NULL), 0);
	assert_int_equal(server("start"), 0);
	assert_rc(0, do_verify(t, "legacy", "Legacy-Pass-1", &err), err);
}

static void
test_wrong_credentials(void **state)
{
	struct db_fx *t = *state;
	struct nvr_error err;
	char path[160], *printed;

	/* Without conf.d's override, zm.conf's password is wrong. */
	assert_int_equal(open_zm(t, NULL), 0);
	snprintf(path, sizeof(path), "%s/zm/conf.d/99-local.conf", server_dir);
	assert_int_equal(unlink(path), 0);
	assert_rc(-EPERM, do_set(t, "legacy", "Cameras-Garden-88", &err), err);
	assert_non_null(strstr(err.message, "refused the user and password"));
	/* Nor is the right password taken for a wrong one (-EACCES), which
	 * the screens would count as a failed try. */
	assert_rc(-EPERM, do_verify(t, "legacy", "Legacy-Pass-1", &err), err);
	assert_non_null(strstr(err.message, "zm.conf:"));
	/* The database user's password is in no message. */
	assert_null(strstr(err.message, "not-the-password"));
	assert_null(strstr(err.message, "zmpass"));
	/* At open, the config is refused at zm_conf. */
	assert_int_equal(open_zm(t, NULL), -1);
	printed = support_printed(&t->fx->cfg.diags);
	assert_non_null(strstr(printed, "zm_conf"));
	assert_non_null(strstr(printed, "refused the user and password"));
	assert_null(strstr(printed, "not-the-password"));
	free(printed);
	assert_true(zm_accepts("legacy", "Legacy-Pass-1"));
}

static void
test_table_or_column_missing(void **state)
{
	struct db_fx *t = *state;
	struct nvr_error err;
	char *text, *printed;

	assert_true(asprintf(&text, "  backend: mariadb\n"
	    "  zm_conf: %s\n"
	    "  table: Users\n"
	    "  user_column: Username\n"
	    "  password_column: PasswordHash\n", t->zm_conf) > 0);
	assert_int_equal(open_text(t, text), -1);
	free(text);
	printed = support_printed(&t->fx->cfg.diags);
	assert_non_null(strstr(printed, "does not have what the config names"));
	assert_non_null(strstr(printed, "PasswordHash"));
	free(printed);
	assert_int_equal(open_zm(t, NULL), 0);
	sql("RENAME TABLE Users TO OldUsers");
	assert_rc(-ENOENT, do_set(t, "legacy", "Cameras-Garden-88", &err), err);
	assert_non_null(strstr(err.message, "does not have what the config "
	    "names"));
	sql("RENAME TABLE OldUsers TO Users");
	assert_true(zm_accepts("legacy", "Legacy-Pass-1"));
}

static void
test_read_only_server(void **state)
{
	struct db_fx *t = *state;
	struct nvr_error err;
	char *before, *after;

	assert_int_equal(open_zm(t, NULL), 0);
	before = users_dump();
	sql("SET GLOBAL read_only = 1");
	assert_rc(-EROFS, do_set(t, "legacy", "Cameras-Garden-88", &err), err);
	assert_non_null(strstr(err.message, "the ZoneMinder database is "
	    "read-only"));
	assert_rc(-EROFS, t->acc.ops->factory_reset(t->acc.state,
	    ACCOUNT_RESET_ALL, &err), err);
	sql("SET GLOBAL read_only = 0");
	after = users_dump();
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* A child that holds LEGACY's row locked (SELECT ... FOR UPDATE in an open
 * transaction) until killed; returns once the lock is held. */
static pid_t
hold_row(void)
{
	int ready[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char sock[128];
		struct nvr_error err;
		MYSQL *m = mariadb_lib_load(&err) == 0 ? mysql_init(NULL) :
		    NULL;
		MYSQL_RES *res;

		close(ready[0]);
		snprintf(sock, sizeof(sock), "%s/sock", server_dir);
		if (m == NULL || mysql_real_connect(m, NULL, "zmuser",
		    "zmpass", "zm", 0, sock, 0) == NULL ||
		    mysql_query(m, "START TRANSACTION") != 0 ||
		    mysql_query(m, "SELECT * FROM Users WHERE Username = "
		    "'legacy' FOR UPDATE") != 0)
			_exit(1);
		res = mysql_store_result(m);
		mysql_free_result(res);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	return pid;
}

static void
test_row_held_busy(void **state)
{
	struct db_fx *t = *state;
	struct nvr_error err;
	pid_t holder;

	assert_int_equal(open_zm(t, "  query_timeout_s: 2\n"), 0);
	holder = hold_row();
	assert_rc(-EBUSY, do_set(t, "legacy", "Cameras-Garden-88", &err), err);
	assert_non_null(strstr(err.message, "busy"));
	assert_non_null(strstr(err.message, "nothing was changed"));
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	assert_true(zm_accepts("legacy", "Legacy-Pass-1"));
	/* Let go, the change goes through. */
	assert_rc(0, do_set(t, "legacy", "Cameras-Garden-88", &err), err);
}

/* The server killed while a change waits on a held row: the row is the
 * old one, and the message says nothing was changed. */
static void
test_server_killed_mid_change(void **state)
{
	struct db_fx *t = *state;
	struct nvr_error err;
	pid_t holder;
	int rc;

	assert_int_equal(open_zm(t, "  query_timeout_s: 30\n"), 0);
	holder = hold_row();
	t->killer = fork();
	assert_true(t->killer >= 0);
	if (t->killer == 0) {
		struct timespec ts = { 0, 500 * 1000000L };

		nanosleep(&ts, NULL);
		_exit(server("kill") == 0 ? 0 : 1);
	}
	rc = do_set(t, "legacy", "Cameras-Garden-88", &err);
	waitpid(t->killer, NULL, 0);
	t->killer = 0;
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	assert_int_equal(rc, -EHOSTDOWN);
	assert_non_null(strstr(err.message, "nothing was changed"));
	assert_int_equal(server("start"), 0);
	assert_true(zm_accepts("legacy", "Legacy-Pass-1"));
	assert_false(zm_accepts("legacy", "Cameras-Garden-88"));
}

static void
test_untrusted_zm_conf(void **state)
{
	struct db_fx *t = *state;
	struct nvr_error err;

	assert_int_equal(open_zm(t, NULL), 0);
	assert_int_equal(chmod(t->zm_conf, 0662), 0);
	assert_rc(-EPERM, do_set(t, "legacy", "Cameras-Garden-88", &err), err);
	assert_non_null(strstr(err.message, "another user could change it"));
	assert_int_equal(chmod(t->zm_conf, 0640), 0);
	assert_true(zm_accepts("legacy", "Legacy-Pass-1"));
}

/* ZM_DB_HOST's TCP form, to a port nobody listens on: "does not answer"
 * at once, from a config written with host and port. */
static void
test_tcp_refused(void **state)
{
	struct db_fx *t = *state;
	struct nvr_error err;
	char pw[160];

	snprintf(pw, sizeof(pw), "%s/dbpass", t->fx->dir);
	support_write_file(pw, "zmpass\n", 7, 0600);
	{
		char *text;

		assert_true(asprintf(&text, "  backend: mariadb\n"
		    "  host: 127.0.0.1\n"
		    "  port: 9\n"
		    "  database: zm\n"
		    "  user: zmuser\n"
		    "  password_file: %s\n"
		    "  table: Users\n"
		    "  user_column: Username\n"
		    "  password_column: Password\n"
		    "  connect_timeout_s: 2\n", pw) > 0);
		assert_int_equal(open_text(t, text), 0);
		free(text);
	}
	assert_rc(-EHOSTDOWN, do_verify(t, "legacy", "Legacy-Pass-1", &err),
	    err);
	assert_non_null(strstr(err.message, "does not answer"));
}

/* The connection from the config, its password from a file of its own. */
static void
test_direct_connection(void **state)
{
	struct db_fx *t = *state;
	struct nvr_error err;
	char pw[160], *text;

	snprintf(pw, sizeof(pw), "%s/dbpass", t->fx->dir);
	support_write_file(pw, "zmpass\n", 7, 0600);
	assert_true(asprintf(&text, "  backend: mariadb\n"
	    "  socket: %s/sock\n"
	    "  database: zm\n"
	    "  user: zmuser\n"
	    "  password_file: %s\n"
	    "  table: Users\n"
	    "  user_column: Username\n"
	    "  password_column: Password\n"
	    "  enabled_column: Enabled\n"
	    "  id_column: Id\n"
	    "  admin: plain\n"
	    "  hash_cost: 10\n", server_dir, pw) > 0);
	assert_int_equal(open_text(t, text), 0);
	assert_rc(0, do_verify(t, "overlay", "Overlay-Pass-2", &err), err);
	assert_rc(0, do_set(t, "plain", "Plain-Garden-77", &err), err);
	assert_true(zm_accepts("plain", "Plain-Garden-77"));
	/* A password file others may read is refused. */
	assert_int_equal(chmod(pw, 0644), 0);
	assert_rc(-EPERM, do_verify(t, "overlay", "Overlay-Pass-2", &err), err);
	assert_non_null(strstr(err.message, "chmod 600"));
	free(text);
}

/* ------------------------------------------------------------------ */
/* zm.conf as ZoneMinder reads it                                      */

static void
test_zm_conf_lines(void **state)
{
	static const char text[] =
	    "# a comment ZM_DB_HOST=commented\n"
	    "  zm_db_host = db.example:3307  \n"
	    "ZM_DB_NAME='zm'\n"
	    "ZM_DB_USER=\"zmuser\"\r\n"
	    "not a setting\n"
	    "ZM_DB_PASS=a=b c\n"
	    "\n"
	    "ZM_DB_NAME=zm2";
	struct zm_conf c;

	(void)state;
	memset(&c, 0, sizeof(c));
	zm_conf_apply(text, sizeof(text) - 1, "zm.conf", &c);
	assert_string_equal(c.host.text, "db.example:3307");
	assert_string_equal(c.host.from, "zm.conf:2");
	assert_string_equal(c.name.text, "zm2");
	assert_string_equal(c.name.from, "zm.conf:8");
	assert_string_equal(c.user.text, "zmuser");
	assert_string_equal(c.pass.text, "a=b c");
}

static void
test_zm_db_host_forms(void **state)
{
	struct zm_db_host h;
	struct nvr_error err;

	(void)state;
	assert_int_equal(zm_db_host_parse("localhost", &h, &err), 0);
	assert_string_equal(h.host, "localhost");
	assert_int_equal(h.port, 0);
	assert_string_equal(h.socket, "");
	assert_int_equal(zm_db_host_parse("db.example:3307", &h, &err), 0);
	assert_string_equal(h.host, "db.example");
	assert_int_equal(h.port, 3307);
	assert_int_equal(zm_db_host_parse("localhost:/run/mysqld/mysqld.sock",
	    &h, &err), 0);
	assert_string_equal(h.host, "");
	assert_string_equal(h.socket, "/run/mysqld/mysqld.sock");
	assert_int_equal(zm_db_host_parse("", &h, &err), 0);
	assert_string_equal(h.host, "");
	assert_int_equal(zm_db_host_parse("db:abc", &h, &err), -EINVAL);
	assert_non_null(strstr(err.message, "a port (1-65535)"));
	assert_int_equal(zm_db_host_parse("db:0", &h, &err), -EINVAL);
	assert_int_equal(zm_db_host_parse("db:70000", &h, &err), -EINVAL);
}

/* conf.d's files in name order, later ones winning; hidden ones and
 * other names skipped. */
static void
test_zm_conf_d_order(void **state)
{
	struct db_fx *t = *state;
	struct nvr_error err;
	struct zm_conf c;
	char path[160];

	snprintf(path, sizeof(path), "%s/zm/conf.d/50-x.conf", server_dir);
	support_write_file(path, "ZM_DB_NAME=fifty\n", 17, 0644);
	snprintf(path, sizeof(path), "%s/zm/conf.d/.zz.conf", server_dir);
	support_write_file(path, "ZM_DB_NAME=hidden\n", 18, 0644);
	snprintf(path, sizeof(path), "%s/zm/conf.d/zz.conf.orig", server_dir);
	support_write_file(path, "ZM_DB_NAME=orig\n", 16, 0644);
	assert_rc(0, zm_conf_read(t->zm_conf, &c, &err), err);
	assert_string_equal(c.name.text, "fifty");
	assert_string_equal(c.pass.text, "zmpass");
	assert_non_null(strstr(c.pass.from, "conf.d/99-local.conf:2"));
	assert_string_equal(c.user.text, "zmuser");
}

/* ------------------------------------------------------------------ */
/* Hash forms, by ZoneMinder's rules                                   */

static void
test_zoneminder_forms(void **state)
{
	static const struct {
		const char *value;
		enum hash_kind kind;
	} cases[] = {
		{ "", HASH_NONE },
		{ "*FF9C9DD9C9A1B3393795D294AB5215F9CB89E73F", HASH_MYSQL41 },
		{ "*ff9c9dd9c9a1b3393795d294ab5215f9cb89e73f", HASH_LOCKED },
		{ "*locked", HASH_LOCKED },
		{ "$2b$12$NHZsm6AM2f2LQVROriz79ul3D6DnmFiZC.ZK5eqbF.ZWfwH9bqUJ6",
		  HASH_BCRYPT },
		{ "$2b$12$short", HASH_LOCKED },
		{ "-ZM-$2a$10$uWnH1kjqWbq5ObDC2ANsvO0cAedjvPZ4ENi6yuPQaPlASdMd"
		  "rBFze", HASH_ZM_OVERLAY },
		{ "-ZM-nothing", HASH_LOCKED },
		{ "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", HASH_PLAIN },
	};
	struct hash_form f;
	struct nvr_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_null(hash_form_read(cases[i].value,
		    strlen(cases[i].value), HASH_RULES_ZONEMINDER, &f));
		if (f.kind != cases[i].kind)
			print_error("'%s' read as %d\n", cases[i].value, f.kind);
		assert_int_equal(f.kind, cases[i].kind);
	}
	/* Plain text is compared as it is: a 40-hex value is not a SHA1
	 * here ("password"'s SHA1 does not match it, "5baa..." does). */
	hash_form_read(cases[8].value, 40, HASH_RULES_ZONEMINDER, &f);
	assert_int_equal(hash_scheme_verify(&f, cases[8].value, 40,
	    "password", &err), -EACCES);
	assert_int_equal(hash_scheme_verify(&f, cases[8].value, 40,
	    cases[8].value, &err), 0);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_list_zoneminder_users),
		T(test_verify_every_form),
		T(test_set_password_one_cell),
		T(test_set_password_not_offered),
		T(test_default_cost_is_12),
		T(test_factory_reset),
		T(test_factory_reset_admin_only),
		T(test_server_down),
		T(test_wrong_credentials),
		T(test_table_or_column_missing),
		T(test_read_only_server),
		T(test_row_held_busy),
		T(test_server_killed_mid_change),
		T(test_untrusted_zm_conf),
		T(test_tcp_refused),
		T(test_direct_connection),
		cmocka_unit_test(test_zm_conf_lines),
		cmocka_unit_test(test_zm_db_host_forms),
		T(test_zm_conf_d_order),
		cmocka_unit_test(test_zoneminder_forms),
	};
#undef T

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
