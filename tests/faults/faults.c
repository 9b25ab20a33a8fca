/*
 * faults.c: every write site of every store, failed in turn (ENOSPC, EIO,
 * EROFS, a short write) and killed at (SIGKILL), with the store checked
 * after each: entirely old or entirely new, and readable by its own
 * reader. `make faults` prints the table; `make check` runs it.
 *
 * For each store a counting run first names its sites (tests/faults/
 * inject.h). Then, for each site and fault, a fresh copy of the old state
 * is made, a child of its own process group makes the change with that
 * site failed, and the parent reads the store:
 *  - it must parse and hold the old version or the new one;
 *  - a change that said it was saved must have left the new one;
 *  - a change killed or failed must not stand in the way of the next:
 *    the same change, made again without a fault, must succeed.
 * A change that said it failed but left the new version ("saved" in the
 * table) is a failure too: the owner is told "the old password still
 * works" while it does not; only a store that names why it may say so
 * (SAVED_OK: an append log that keeps a line for a code never shown)
 * has it counted instead. So is a change refused under ENOSPC or a
 * short write (the disk filling up) that did not say ENOSPC, which the
 * screens tell the owner as "the recorder's storage is full"; only a
 * store that names why (UNTOLD_OK) has it counted instead ("full" in
 * the table: told / refused).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/accounts/accounts.h"
#include "backends/accounts/sqlite_lib.h"
#include "backends/attempts.h"
#include "backends/audit.h"
#include "backends/recovery/recovery.h"
#include "backends/reset/factory_reset.h"
#include "backends/registry.h"
#include "backends/requests/requests.h"
#include "common/protocol.h"
#include "common/secret.h"
#include "support/issue_log.h"
#include "support/keyset.h"
#include "tests/faults/inject.h"
#include "tests/unit/support.h"

#define OLD_PASSWORD "Old-Password-1"
#define NEW_PASSWORD "New-Password-2"
#define OTHER_PASSWORD "Other-Password-3"

/* A store under test. VERSION says what DIR holds: 0 the old state, 1
 * the new one (a counter: how many changes), -1 neither or unreadable,
 * with WHY filled. */
struct store_case {
	const char *name;
	bool counter;		/* each change adds one: a retry after a
				 * change that stood gives 2 */
	bool once;		/* made once: no retry after it stood */
	bool resumable;		/* VERSION 2: midway, which the change
				 * made again must finish */
	/* Why this store may say it failed and yet have saved; NULL: it
	 * may not (judged a failure). */
	const char *saved_ok;
	/* Why this store may refuse a change for a full disk (ENOSPC, a
	 * short write) without saying ENOSPC, which the screens tell as
	 * "the recorder's storage is full"; NULL: it may not. */
	const char *untold_ok;
	void (*setup)(const char *dir);
	int (*change)(const char *dir);
	int (*version)(const char *dir, char *why, size_t size);
};

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static char *
path_in(const char *dir, const char *name)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

static void
put(const char *dir, const char *name, const char *text, mode_t mode)
{
	char *p = path_in(dir, name);

	support_write_file(p, text, strlen(text), mode);
	free(p);
}

static void
make_folder(const char *dir, const char *name)
{
	char *p = path_in(dir, name);

	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
}

static void
say(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
}

/* A fixture of support.h in DIR (its config goes in DIR/config.yaml). */
static void
fx_in(struct support_fx *fx, const char *dir)
{
	memset(fx, 0, sizeof(*fx));
	assert_true(strlen(dir) < sizeof(fx->dir));
	strcpy(fx->dir, dir);
	assert_true((size_t)snprintf(fx->path, sizeof(fx->path),
	    "%s/config.yaml", dir) < sizeof(fx->path));
}

/* ------------------------------------------------------------------ */
/* Accounts stores: admin's password changes from OLD to NEW; another
 * account's must stay as it was.                                      */

struct accounts_kind {
	char *(*config)(const char *dir);	/* the accounts section */
	const char *other;			/* an account left alone */
};

#define DEVICE_CONFIG SUPPORT_STATIC_DEVICE

/* Writes DIR/config.yaml: the device, then the accounts section of K.
 * Only in a setup: a change reads it, never writes it (a fault there
 * would be the test's own). */
static void
accounts_config(const char *dir, const struct accounts_kind *k)
{
	char *section = k->config(dir), *text;

	assert_true(asprintf(&text, DEVICE_CONFIG "accounts:\n%s",
	    section) > 0);
	put(dir, "config.yaml", text, 0600);
	free(text);
	free(section);
}

static int
accounts_open(const char *dir, const struct accounts_kind *k,
    struct support_fx *fx, struct accounts *acc)
{
	(void)k;
	fx_in(fx, dir);
	memset(acc, 0, sizeof(*acc));
	if (support_load_path(fx, fx->path) != 0)
		return -100;
	return registry_open_accounts(&fx->cfg.stores[0].section, acc);
}

static int
accounts_set(const char *dir, const struct accounts_kind *k,
    const char *name, const char *password)
{
	struct support_fx fx;
	struct accounts acc;
	struct nvr_error err = { "" };
	int rc = accounts_open(dir, k, &fx, &acc);

	if (rc == 0)
		rc = acc.ops->set_password(acc.state, name, password, &err);
	support_close_accounts(&fx, &acc);
	return rc;
}

static int
accounts_version(const char *dir, const struct accounts_kind *k, char *why,
    size_t size)
{
	struct support_fx fx;
	struct accounts acc;
	struct nvr_error err = { "" };
	int v = -1, rc = accounts_open(dir, k, &fx, &acc);

	if (rc != 0)
		say(why, size, "the store does not open (%d)", rc);
	else if (acc.ops->verify(acc.state, k->other, OTHER_PASSWORD, &err)
	    != 0)
		say(why, size, "%s's password changed: %s", k->other,
		    err.message);
	else if (acc.ops->verify(acc.state, "admin", OLD_PASSWORD, &err) == 0)
		v = 0;
	else if (acc.ops->verify(acc.state, "admin", NEW_PASSWORD, &err) == 0)
		v = 1;
	else
		say(why, size, "admin has neither password: %s", err.message);
	support_close_accounts(&fx, &acc);
	return v;
}

/* The system's passwd and shadow files. */
static char *
shadow_config(const char *dir)
{
	char *text;

	assert_true(asprintf(&text,
	    "  backend: shadow\n"
	    "  root: %s\n"
	    "  admin: admin\n"
	    "  min_uid: 1000\n"
	    "  max_uid: 60000\n"
	    "  lock_timeout_ms: 200\n"
	    "  hash: yescrypt\n"
	    "  hash_cost: 1\n", dir) > 0);
	return text;
}

static const struct accounts_kind shadow_kind = { shadow_config, "bob" };

static void
shadow_setup(const char *dir)
{
	accounts_config(dir, &shadow_kind);
	make_folder(dir, "etc");
	put(dir, "etc/passwd",
	    "root:x:0:0:root:/root:/bin/sh\n"
	    "admin:x:1000:1000:Admin:/home/admin:/bin/sh\n"
	    "bob:x:1001:1001:Bob:/home/bob:/bin/sh\n", 0644);
	put(dir, "etc/shadow",
	    "root:!:19000:0:99999:7:::\n"
	    "admin:!:19000:0:99999:7:::\n"
	    "bob:!:19001:0:99999:7:::\n", 0640);
	assert_int_equal(accounts_set(dir, &shadow_kind, "admin",
	    OLD_PASSWORD), 0);
	assert_int_equal(accounts_set(dir, &shadow_kind, "bob",
	    OTHER_PASSWORD), 0);
}

static int
shadow_change(const char *dir)
{
	return accounts_set(dir, &shadow_kind, "admin", NEW_PASSWORD);
}

static int
shadow_version(const char *dir, char *why, size_t size)
{
	return accounts_version(dir, &shadow_kind, why, size);
}

/* An htpasswd file (the config-file stores' one write path). */
static char *
htpasswd_config(const char *dir)
{
	char *text;

	assert_true(asprintf(&text,
	    "  backend: htpasswd\n"
	    "  path: %s/htpasswd\n"
	    "  admin: admin\n"
	    "  hash_cost: 4\n", dir) > 0);
	return text;
}

static const struct accounts_kind htpasswd_kind = { htpasswd_config,
    "carol" };

/* A bcrypt hash of "x", so that the file parses before the store sets
 * the fixture's passwords. */
static const char *
bcrypt_x(void)
{
	static char hash[CRYPT_OUTPUT_SIZE];
	struct crypt_data data;

	if (hash[0] == '\0') {
		memset(&data, 0, sizeof(data));
		assert_non_null(crypt_r("x", "$2y$04$abcdefghijklmnopqrstuu",
		    &data));
		strcpy(hash, data.output);
	}
	return hash;
}

static void
htpasswd_setup(const char *dir)
{
	char *text;

	accounts_config(dir, &htpasswd_kind);
	assert_true(asprintf(&text, "# web users\nadmin:%s\ncarol:%s\n",
	    bcrypt_x(), bcrypt_x()) > 0);
	put(dir, "htpasswd", text, 0600);
	free(text);
	assert_int_equal(accounts_set(dir, &htpasswd_kind, "admin",
	    OLD_PASSWORD), 0);
	assert_int_equal(accounts_set(dir, &htpasswd_kind, "carol",
	    OTHER_PASSWORD), 0);
}

static int
htpasswd_change(const char *dir)
{
	return accounts_set(dir, &htpasswd_kind, "admin", NEW_PASSWORD);
}

static int
htpasswd_version(const char *dir, char *why, size_t size)
{
	return accounts_version(dir, &htpasswd_kind, why, size);
}

/* A SQLite database (Frigate's kind of store), written by libsqlite3:
 * its sites are the library's own calls. */
static char *
sqlite_config(const char *dir)
{
	char *text;

	assert_true(asprintf(&text,
	    "  backend: sqlite\n"
	    "  database: %s/users.db\n"
	    "  table: users\n"
	    "  user_column: name\n"
	    "  password_column: pw\n"
	    "  admin: admin\n"
	    "  hash_iterations: 1000\n", dir) > 0);
	return text;
}

static const struct accounts_kind sqlite_kind = { sqlite_config, "dave" };

#define PBKDF2_ANY "pbkdf2_sha256$1000$0123456789abcdef0123456789abcdef$" \
	"EbzoHUnQEh/5iufrI/6Y3cE8AkJrZ7mste7Pv9lM4w0="

static void
sqlite_setup(const char *dir)
{
	char *path = path_in(dir, "users.db");
	sqlite3 *db = NULL;

	accounts_config(dir, &sqlite_kind);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode = WAL; "
	    "CREATE TABLE users (name TEXT PRIMARY KEY, pw TEXT NOT NULL); "
	    "INSERT INTO users VALUES ('admin', '" PBKDF2_ANY "'), "
	    "('dave', '" PBKDF2_ANY "');", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	chmod(path, 0600);
	free(path);
	assert_int_equal(accounts_set(dir, &sqlite_kind, "admin",
	    OLD_PASSWORD), 0);
	assert_int_equal(accounts_set(dir, &sqlite_kind, "dave",
	    OTHER_PASSWORD), 0);
}

static int
sqlite_change(const char *dir)
{
	return accounts_set(dir, &sqlite_kind, "admin", NEW_PASSWORD);
}

static int
sqlite_version(const char *dir, char *why, size_t size)
{
	return accounts_version(dir, &sqlite_kind, why, size);
}

/* ------------------------------------------------------------------ */
/* The recovery store: admin's security questions, replaced.           */

static const char *const QUESTIONS[] = { "First school?", "Parents' town?" };
static const char *const OLD_ANSWERS[] = { "Springfield", "Ogdenville" };
static const char *const NEW_ANSWERS[] = { "Shelbyville", "Capital City" };

#define RECOVERY_CONFIG \
	SUPPORT_STATIC_DEVICE \
	"state_dir: state\n" \
	"recovery:\n" \
	"  backend: file\n" \
	"  answer_cost: {ops: 1, memory_kib: 64}\n"

static int
recovery_open(const char *dir, struct support_fx *fx, struct recovery *rec)
{
	fx_in(fx, dir);
	memset(rec, 0, sizeof(*rec));
	if (support_load_path(fx, fx->path) != 0)
		return -100;
	return registry_open_recovery(&fx->cfg.recovery, fx->cfg.state_dir,
	    rec);
}

static void
recovery_close(struct support_fx *fx, struct recovery *rec)
{
	struct accounts none = { NULL, NULL };

	if (rec->ops != NULL)
		rec->ops->close(rec->state);
	support_close_accounts(fx, &none);
}

static void
answers_of(const char *const *text, struct secret *out)
{
	for (size_t i = 0; i < 2; i++) {
		secret_init(&out[i]);
		for (const char *p = text[i]; *p != '\0'; p++)
			assert_true(secret_append(&out[i], (unsigned char)*p));
	}
}

static void
answers_release(struct secret *s)
{
	for (size_t i = 0; i < 2; i++)
		secret_release(&s[i]);
}

static int
recovery_set(const char *dir, const char *const *answers)
{
	struct support_fx fx;
	struct recovery rec;
	struct secret a[2];
	struct nvr_error err = { "" };
	int rc = recovery_open(dir, &fx, &rec);

	answers_of(answers, a);
	if (rc == 0)
		rc = rec.ops->set_questions(rec.state, support_key("admin"), 2,
		    QUESTIONS, a, &err);
	answers_release(a);
	recovery_close(&fx, &rec);
	return rc;
}

static void
recovery_setup(const char *dir)
{
	make_folder(dir, "state");
	put(dir, "config.yaml", RECOVERY_CONFIG, 0600);
	assert_int_equal(recovery_set(dir, OLD_ANSWERS), 0);
}

static int
recovery_change(const char *dir)
{
	return recovery_set(dir, NEW_ANSWERS);
}

static int
recovery_version(const char *dir, char *why, size_t size)
{
	struct support_fx fx;
	struct recovery rec;
	struct secret old[2], new[2];
	struct nvr_error err = { "" };
	int v = -1, rc = recovery_open(dir, &fx, &rec);

	answers_of(OLD_ANSWERS, old);
	answers_of(NEW_ANSWERS, new);
	if (rc != 0)
		say(why, size, "the store does not open (%d)", rc);
	else if (rec.ops->check_answers(rec.state, support_key("admin"), old,
	    2, &err) == 0)
		v = 0;
	else if (rec.ops->check_answers(rec.state, support_key("admin"), new,
	    2, &err) == 0)
		v = 1;
	else
		say(why, size, "neither answers: %s", err.message);
	answers_release(old);
	answers_release(new);
	recovery_close(&fx, &rec);
	return v;
}

/* The recovery store again: admin's recovery key, replaced. The keys
 * are made in the setup and kept in files of the test's own (a change
 * only reads them: a write there would be a site of the test's). */

static void
key_text_of(const char *dir, const char *name, struct secret *out)
{
	char *path = path_in(dir, name), *text;
	size_t len;

	text = support_slurp(path, &len);
	free(path);
	assert_non_null(text);
	secret_init(out);
	for (size_t i = 0; i < len; i++)
		assert_true(secret_append(out, (unsigned char)text[i]));
	sodium_memzero(text, len);
	free(text);
}

static void
key_file(const char *dir, const char *name)
{
	struct secret key;

	secret_init(&key);
	assert_int_equal(recovery_key_make(&key), 0);
	put(dir, name, secret_text(&key), 0600);
	secret_release(&key);
}

static int
key_keep(const char *dir, const char *name)
{
	struct support_fx fx;
	struct recovery rec;
	struct secret key;
	struct nvr_error err = { "" };
	int rc = recovery_open(dir, &fx, &rec);

	key_text_of(dir, name, &key);
	if (rc == 0)
		rc = rec.ops->keep_key(rec.state, support_key("admin"), &key,
		    &err);
	secret_release(&key);
	recovery_close(&fx, &rec);
	return rc;
}

static void
key_setup(const char *dir)
{
	make_folder(dir, "state");
	put(dir, "config.yaml", RECOVERY_CONFIG, 0600);
	key_file(dir, "old.key");
	key_file(dir, "new.key");
	assert_int_equal(key_keep(dir, "old.key"), 0);
}

static int
key_change(const char *dir)
{
	return key_keep(dir, "new.key");
}

/* Whether the key in file NAME is admin's (checked, not used). */
static int
key_is(const struct recovery *rec, const char *dir, const char *name,
    struct nvr_error *err)
{
	struct secret typed, canonical;
	size_t bad = 0;
	int rc;

	key_text_of(dir, name, &typed);
	secret_init(&canonical);
	rc = recovery_key_parse(secret_text(&typed), &canonical, &bad);
	if (rc == 0)
		rc = rec->ops->use_key(rec->state, support_key("admin"),
		    secret_text(&canonical), false, err);
	secret_release(&typed);
	secret_release(&canonical);
	return rc;
}

static int
key_version(const char *dir, char *why, size_t size)
{
	struct support_fx fx;
	struct recovery rec;
	struct nvr_error err = { "" };
	int v = -1, rc = recovery_open(dir, &fx, &rec);

	if (rc != 0)
		say(why, size, "the store does not open (%d)", rc);
	else if (key_is(&rec, dir, "old.key", &err) == 0)
		v = 0;
	else if (key_is(&rec, dir, "new.key", &err) == 0)
		v = 1;
	else
		say(why, size, "neither key: %s", err.message);
	recovery_close(&fx, &rec);
	return v;
}

/* ------------------------------------------------------------------ */
/* The attempt counters: one more failed try for admin.                */

static const struct attempts_settings many_tries = { 100, 30, 3600 };

static int
attempts_fail(const char *dir)
{
	struct attempts *a = NULL;
	struct nvr_error err = { "" };
	char *state = path_in(dir, "state");
	long wait;
	int rc = attempts_open(&a, state, &many_tries, &err);

	if (rc == 0)
		rc = attempts_failed(a, "system/admin", &wait, &err);
	attempts_close(a);
	free(state);
	return rc;
}

static void
attempts_setup(const char *dir)
{
	make_folder(dir, "state");
	assert_int_equal(attempts_fail(dir), 0);
	assert_int_equal(attempts_fail(dir), 0);
}

static int
attempts_version(const char *dir, char *why, size_t size)
{
	struct attempts *a = NULL;
	struct nvr_error err = { "" };
	char *state = path_in(dir, "state"), *path, *file, *line;
	long wait, failures = -1;
	size_t len;
	int rc = attempts_open(&a, state, &many_tries, &err);

	if (rc == 0)
		rc = attempts_wait(a, "system/admin", &wait, &err);
	attempts_close(a);
	if (rc != 0) {
		say(why, size, "the store does not read: %s", err.message);
		free(state);
		return -1;
	}
	/* The count itself, from the file that parsed. */
	path = path_in(state, "attempts");
	file = support_slurp(path, &len);
	free(path);
	line = file != NULL ? strstr(file, "\nsystem/admin ") : NULL;
	if (line != NULL)
		failures = strtol(line + strlen("\nsystem/admin "), NULL, 10);
	free(file);
	free(state);
	if (failures < 2) {
		say(why, size, "admin's count is %ld, below the old 2",
		    failures);
		return -1;
	}
	return (int)(failures - 2);
}

/* ------------------------------------------------------------------ */
/* The pending requests: one more request for admin.                   */

static const struct requests_settings request_life = { 3600, 3 };

static void
request_device(struct requests_device *dev)
{
	memset(dev, 0, sizeof(*dev));
	dev->key_id = 7;
	strcpy(dev->serial, "SN0012345678");
	memset(dev->request_key, 0x41, sizeof(dev->request_key));
	memset(dev->code_key, 0x42, sizeof(dev->code_key));
}

static struct requests_clock
request_clock(void)
{
	struct requests_clock c;

	memset(&c, 0, sizeof(c));
	c.wall = 1900000000;
	c.plausible_after = 1700000000;
	c.boottime = 100;
	strcpy(c.boot_id, "00000000-0000-4000-8000-000000000001");
	return c;
}

static int
request_make(const char *dir)
{
	struct requests *r = NULL;
	struct requests_device dev;
	struct requests_clock now = request_clock();
	struct nvr_error err = { "" };
	char *state = path_in(dir, "state"), text[PROTOCOL_REQUEST_TEXT_MAX];
	bool dropped;
	int rc = requests_open(&r, state, &request_life, &err);

	request_device(&dev);
	if (rc == 0)
		rc = requests_make(r, &dev, support_key("admin"), &now, text,
		    sizeof(text), &dropped, &err);
	requests_close(r);
	free(state);
	return rc;
}

static void
requests_setup(const char *dir)
{
	make_folder(dir, "state");
	assert_int_equal(request_make(dir), 0);
}

static int
requests_version(const char *dir, char *why, size_t size)
{
	struct requests *r = NULL;
	struct requests_clock now = request_clock();
	struct requests_pending list[REQUESTS_PENDING_MAX];
	struct nvr_error err = { "" };
	char *state = path_in(dir, "state");
	size_t count = 0;
	int rc = requests_open(&r, state, &request_life, &err);

	if (rc == 0)
		rc = requests_list(r, &now, list, &count, &err);
	requests_close(r);
	free(state);
	if (rc != 0 || count < 1) {
		say(why, size, "the store does not read (%d, %zu): %s", rc,
		    count, err.message);
		return -1;
	}
	return (int)count - 1;
}

/* A used code: support's answer to admin's request, redeemed (the
 * request marked used, so that the code cannot be used twice). */

static void
code_setup(const char *dir)
{
	struct requests *r = NULL;
	struct requests_device dev;
	struct requests_clock now = request_clock();
	struct protocol_request req;
	struct nvr_error err = { "" };
	uint8_t mac[PROTOCOL_MAC_BYTES];
	char *state, text[PROTOCOL_REQUEST_TEXT_MAX];
	char code[PROTOCOL_CODE_TEXT_MAX];
	size_t bad = 0;
	bool dropped;

	make_folder(dir, "state");
	state = path_in(dir, "state");
	request_device(&dev);
	assert_int_equal(requests_open(&r, state, &request_life, &err), 0);
	assert_int_equal(requests_make(r, &dev, support_key("admin"), &now,
	    text, sizeof(text), &dropped, &err), 0);
	requests_close(r);
	free(state);
	assert_int_equal(protocol_request_decode(text, &req, mac, &bad), 0);
	assert_true(protocol_code_make(&req, PROTOCOL_SET_PASSWORD,
	    dev.code_key, code, sizeof(code)) > 0);
	put(dir, "code.txt", code, 0600);
	{
		char *path = path_in(dir, "nonce");

		support_write_file(path, req.nonce, sizeof(req.nonce), 0600);
		free(path);
	}
}

static int
code_redeem(const char *dir)
{
	struct requests *r = NULL;
	struct requests_device dev;
	struct requests_clock now = request_clock();
	struct nvr_error err = { "" };
	char *state = path_in(dir, "state"), *path = path_in(dir, "code.txt");
	size_t len;
	char *code = support_slurp(path, &len);
	int rc = requests_open(&r, state, &request_life, &err);

	request_device(&dev);
	if (rc == 0)
		rc = requests_redeem(r, &dev, support_key("admin"),
		    PROTOCOL_SET_PASSWORD, code, &now, &err);
	requests_close(r);
	free(code);
	free(path);
	free(state);
	return rc;
}

/* The request as the store says it is now: pending (old), used (new);
 * unknown (the store lost it) is neither. */
static int
code_version(const char *dir, char *why, size_t size)
{
	struct requests *r = NULL;
	struct requests_device dev;
	struct requests_clock now = request_clock();
	struct nvr_error err = { "" };
	char *state = path_in(dir, "state"), *path = path_in(dir, "nonce");
	size_t len = 0;
	char *nonce = support_slurp(path, &len);
	int rc = requests_open(&r, state, &request_life, &err), v = -1;

	request_device(&dev);
	assert_true(nonce != NULL && len == PROTOCOL_NONCE_BYTES);
	if (rc == 0)
		rc = requests_status(r, &dev, (const uint8_t *)nonce, &now,
		    NULL, &err);
	requests_close(r);
	if (rc == 0)
		v = 0;
	else if (rc == -EALREADY)
		v = 1;
	else
		say(why, size, "the request is neither pending nor used (%d): "
		    "%s", rc, err.message);
	free(nonce);
	free(path);
	free(state);
	return v;
}

/* The factory reset: its journal, its steps (a file restored, one
 * removed, a folder emptied), the accounts without passwords and the
 * wizard's state erased. Midway (a journal that parses, steps left) it
 * is resumable: the same change again finishes it. */

#define RESET_HASH "$y$j9T$2Bfu/fK2aF1p.uFDlYhPr0$af4ihJKsrvNHP7Ysorm0U" \
	"WwuqZyPO8ayfweMDeR4mH1"

struct reset_env {
	struct support_fx fx;
	struct accounts accounts;
	struct recovery recovery;
	struct reset_plan plan;
	struct account_stores stores;
	struct factory_reset *reset;
	bool planned;
};

static void audit_here(const char *dir);

/* An event of before the reset, which must not outlive it. */
#define OLD_EVENT "1\t2026-12-01T00:00:00Z\ttrusted\ttty1\tsystem\t" \
	"admin\twrong-password\t-\n"

static void
reset_setup(const char *dir)
{
	make_folder(dir, "etc");
	put(dir, "etc/passwd", "root:x:0:0::/root:/bin/sh\n"
	    "admin:x:1000:1000::/home/admin:/bin/sh\n", 0644);
	put(dir, "etc/shadow", "root:*:20000:0:99999:7:::\n"
	    "admin:" RESET_HASH ":20000:0:99999:7:::\n", 0640);
	make_folder(dir, "data");
	make_folder(dir, "data/factory");
	make_folder(dir, "data/logs");
	put(dir, "data/net.conf", "address=10.0.0.9\n", 0644);
	put(dir, "data/factory/net.conf", "address=dhcp\n", 0644);
	put(dir, "data/cameras", "cam1\ncam2\n", 0644);
	put(dir, "data/logs/a", "12345", 0644);
	make_folder(dir, "state");
	put(dir, "state/attempts", "# nvr-recovery attempts 2\n", 0600);
	put(dir, "state/audit.log", OLD_EVENT, 0600);
	put(dir, "state/audit.log.1", OLD_EVENT, 0600);
	put(dir, "config.yaml",
	    DEVICE_CONFIG
	    "accounts:\n  backend: shadow\n  root: .\n  admin: admin\n"
	    "state_dir: state\n"
	    "recovery:\n  backend: file\n"
	    "reset:\n  allowed: [data]\n  steps:\n"
	    "    - restore: data/net.conf\n      from: data/factory/net.conf\n"
	    "      label: network\n"
	    "    - remove: data/cameras\n      label: cameras\n"
	    "    - mkdir: data/logs\n      label: logs\n", 0600);
}

static void
reset_close(struct reset_env *e)
{
	factory_reset_close(e->reset);
	if (e->planned)
		config_reset_plan_free(&e->plan);
	if (e->recovery.ops != NULL)
		e->recovery.ops->close(e->recovery.state);
	support_close_accounts(&e->fx, &e->accounts);
}

static int
reset_open(const char *dir, struct reset_env *e, struct nvr_error *err)
{
	struct factory_reset_settings settings;
	int rc;

	memset(e, 0, sizeof(*e));
	fx_in(&e->fx, dir);
	if (support_load_path(&e->fx, e->fx.path) != 0)
		return -100;
	rc = registry_open_accounts(&e->fx.cfg.stores[0].section,
	    &e->accounts);
	if (rc == 0)
		rc = registry_open_recovery(&e->fx.cfg.recovery,
		    e->fx.cfg.state_dir, &e->recovery);
	if (rc == 0)
		rc = config_reset_plan(&e->fx.cfg, &e->plan);
	if (rc != 0)
		return rc < 0 ? rc : -EINVAL;
	e->planned = true;
	e->stores.count = 1;
	strcpy(e->stores.store[0].id, "system");
	e->stores.store[0].label = "System";
	e->stores.store[0].accounts = e->accounts;
	settings = (struct factory_reset_settings){
		.config = &e->fx.cfg.reset, .plan = &e->plan,
		.state_dir = e->fx.cfg.state_dir, .stores = &e->stores,
		.recovery = &e->recovery,
	};
	return factory_reset_open(&e->reset, &settings, err);
}

static int
reset_change(const char *dir)
{
	struct reset_env e;
	struct nvr_error err = { "" };
	size_t total;
	int rc = reset_open(dir, &e, &err);

	audit_here(dir);
	if (rc == 0 && !factory_reset_unfinished(e.reset))
		rc = factory_reset_start(e.reset, &total, &err);
	if (rc == 0)
		rc = factory_reset_finish(e.reset, NULL, NULL, &err);
	reset_close(&e);
	return rc;
}

static bool
exists_in(const char *dir, const char *name)
{
	char *path = path_in(dir, name);
	struct stat st;
	bool there = lstat(path, &st) == 0;

	free(path);
	return there;
}

/* The event log beside a reset at version V: the old one before it;
 * after it, nothing from before and at most one line saying it happened,
 * as the first (none, or an empty file: that line could not be
 * written, which stops no reset); midway, either. */
static int
reset_audit_version(const char *dir, int v, char *why, size_t size)
{
	char *path = path_in(dir, "state/audit.log"), *text = NULL;
	size_t len, resets = 0;
	bool old;

	if (access(path, F_OK) == 0)
		text = support_slurp(path, &len);
	free(path);
	old = text != NULL && strcmp(text, OLD_EVENT) == 0;
	for (const char *p = text; p != NULL &&
	    (p = strstr(p, "\tfactory-reset\t")) != NULL; p++)
		resets++;
	if (v == 0 && (!old || !exists_in(dir, "state/audit.log.1"))) {
		say(why, size, "no reset, and the event log is not the old "
		    "one");
		v = -1;
	} else if (v != 0 && !old && (resets > 1 || (text != NULL &&
	    text[0] != '\0' && (strncmp(text, "1\t", 2) != 0 || resets != 1 ||
	    strstr(text, "\tfactory-reset\t") > strchr(text, '\n'))))) {
		say(why, size, "the event log after the reset is not one line "
		    "saying so: %s", text);
		v = -1;
	} else if (v == 1 && (old || exists_in(dir, "state/audit.log.1"))) {
		say(why, size, "the reset left the event log of before it");
		v = -1;
	}
	free(text);
	return v;
}

static int
reset_version(const char *dir, char *why, size_t size)
{
	struct reset_env e;
	struct reset_journal_status status;
	struct nvr_error err = { "" };
	char *path = path_in(dir, "etc/shadow"), *shadow, *net;
	size_t len;
	bool old_hash, cameras, pending;
	int v = -1, rc = reset_open(dir, &e, &err);

	if (rc != 0) {
		say(why, size, "the reset does not open (%d): %s", rc,
		    err.message);
		reset_close(&e);
		free(path);
		return -1;
	}
	pending = factory_reset_unfinished(e.reset);
	rc = pending ? factory_reset_pending(e.reset, &status, &err) : 0;
	reset_close(&e);
	shadow = support_slurp(path, &len);
	free(path);
	path = path_in(dir, "data/net.conf");
	net = support_slurp(path, &len);
	free(path);
	old_hash = shadow != NULL && strstr(shadow, RESET_HASH) != NULL;
	cameras = exists_in(dir, "data/cameras");
	if (rc != 0)
		say(why, size, "the journal does not read: %s", err.message);
	else if (pending)
		v = 2;
	else if (old_hash && cameras && exists_in(dir, "state/attempts") &&
	    net != NULL && strcmp(net, "address=10.0.0.9\n") == 0)
		v = 0;
	else if (shadow != NULL && !old_hash && !cameras &&
	    !exists_in(dir, "data/logs/a") &&
	    !exists_in(dir, "state/attempts") && net != NULL &&
	    strcmp(net, "address=dhcp\n") == 0)
		v = 1;
	else
		say(why, size, "no journal, and neither the old state nor the "
		    "reset one (admin's hash %s, cameras %s)", old_hash ?
		    "old" : "changed", cameras ? "there" : "gone");
	free(shadow);
	free(net);
	return v < 0 ? v : reset_audit_version(dir, v, why, size);
}

/* ------------------------------------------------------------------ */
/* nvr-support: its issue log, and a new key set.                      */

static int
issue_append(const char *dir)
{
	static const unsigned char nonce[PROTOCOL_NONCE_BYTES] = { 1, 2, 3 };
	struct issue_log_entry e = {
		.when = 1900000000, .key_id = 7, .serial = "SN0012345678",
		.account = "admin", .action = "set-password", .nonce = nonce,
		.operator_name = "tester",
	};
	struct nvr_error err = { "" };
	char *vendor = path_in(dir, "vendor");
	int rc = issue_log_append(vendor, &e, &err);

	free(vendor);
	return rc;
}

static void
issue_setup(const char *dir)
{
	make_folder(dir, "vendor");
	assert_int_equal(issue_append(dir), 0);
}

static int
issue_version(const char *dir, char *why, size_t size)
{
	struct nvr_error err = { "" };
	char *vendor = path_in(dir, "vendor");
	FILE *sink = fopen("/dev/null", "w");
	size_t lines = 0;
	int rc = sink != NULL ? issue_log_print(vendor, sink, &lines, &err) :
	    -errno;

	if (sink != NULL)
		fclose(sink);
	free(vendor);
	if (rc != 0) {
		say(why, size, "the log does not read: %s", err.message);
		return -1;
	}
	/* Every line whole: a torn one would run on into the next entry. */
	{
		char *path = path_in(dir, "vendor/" ISSUE_LOG_NAME), *text;
		size_t len = 0;

		text = support_slurp(path, &len);
		free(path);
		rc = text != NULL && len > 0 && text[len - 1] != '\n';
		free(text);
		if (rc) {
			say(why, size, "the log ends in a torn line");
			return -1;
		}
	}
	/* One line an entry: compared with the old log's count by the
	 * caller through the counter rule. */
	return (int)lines;
}

static int issue_base = -1;

static int
issue_version_rel(const char *dir, char *why, size_t size)
{
	int lines = issue_version(dir, why, size);

	if (lines < 0)
		return -1;
	if (issue_base < 0)
		issue_base = lines;	/* the old log, read first */
	if (lines < issue_base) {
		say(why, size, "the log lost lines: %d, was %d", lines,
		    issue_base);
		return -1;
	}
	return lines - issue_base;
}

static int
keyset_make(const char *dir)
{
	struct keyset ks;
	struct nvr_error err = { "" };
	char *vendor = path_in(dir, "vendor");
	int rc;

	keyset_generate(&ks, 2, true);
	rc = keyset_write(vendor, &ks, &err);
	keyset_wipe(&ks);
	free(vendor);
	return rc;
}

static void
keyset_setup(const char *dir)
{
	make_folder(dir, "vendor");
}

static int
keyset_version(const char *dir, char *why, size_t size)
{
	struct keyset ks;
	struct nvr_error err = { "" };
	char *vendor = path_in(dir, "vendor");
	int rc = keyset_read(vendor, 2, &ks, &err);

	keyset_wipe(&ks);
	free(vendor);
	if (rc == -ENOENT)
		return 0;
	if (rc == 0)
		return 1;
	say(why, size, "the key set does not read: %s", err.message);
	return -1;
}

/* ------------------------------------------------------------------ */
/* The event log (backends/audit.h): a line that fills it, so that the
 * change renames it audit.log.1 and starts a new one. */

#define AUDIT_FILLED 60		/* lines written before the change */
static const struct audit_settings audit_on = { true, 4 };

static void
audit_here(const char *dir)
{
	char *state = path_in(dir, "state");

	audit_start(state, &audit_on, "ttyS0");
	free(state);
}

static void
audit_setup(const char *dir)
{
	char text[4096 + 1], line[256];
	size_t len = 0;
	int n;

	make_folder(dir, "state");
	for (int i = 1; i < AUDIT_FILLED; i++) {
		n = snprintf(line, sizeof(line), "%d\t2026-12-07T00:00:00Z\t"
		    "trusted\ttty1\tsystem\tadmin\twrong-password\t-\n", i);
		memcpy(text + len, line, (size_t)n);
		len += (size_t)n;
	}
	/* The last line's detail fills the file to 4090 bytes of 4096. */
	n = snprintf(line, sizeof(line), "%d\t2026-12-07T00:00:00Z\ttrusted"
	    "\ttty1\tsystem\tadmin\tcode-refused\t", AUDIT_FILLED);
	assert_true(len + (size_t)n < 4090);
	memcpy(text + len, line, (size_t)n);
	len += (size_t)n;
	memset(text + len, 'x', 4089 - len);
	len = 4089;
	text[len++] = '\n';
	text[len] = '\0';
	put(dir, "state/" AUDIT_LOG_NAME, text, 0600);
}

static int
audit_append(const char *dir)
{
	struct account_key admin = { "system", "admin", ACCOUNT_UID_NONE, 0 };

	audit_here(dir);
	audit_log(AUDIT_PASSWORD_CHANGED, &admin, 0, NULL);
	/* What the owner is told: a full disk in the storage's words. */
	if (audit_failure() == NULL)
		return 0;
	return strstr(audit_failure(), "storage is full") != NULL ? -ENOSPC :
	    -EIO;
}

static int
audit_version(const char *dir, char *why, size_t size)
{
	struct audit_recent r;
	struct nvr_error err = { "" };
	int rc;

	audit_here(dir);
	rc = audit_read_recent(&r, &err);
	if (rc != 0) {
		say(why, size, "the log does not read: %s", err.message);
		return -1;
	}
	if (r.unreadable > 0 || r.count == 0) {
		say(why, size, "%zu lines do not read, %zu do", r.unreadable,
		    r.count);
		return -1;
	}
	if (r.record[0].seq < AUDIT_FILLED) {
		say(why, size, "the log lost its newest lines: the last is "
		    "%llu", r.record[0].seq);
		return -1;
	}
	return (int)(r.record[0].seq - AUDIT_FILLED);
}

/* ------------------------------------------------------------------ */
/* The driver                                                          */

#define KINDS_MAX 24

/* One row of the table: a store's sites of one call kind. */
struct row {
	char kind[16];
	unsigned sites;
	unsigned tried[FAULT_COUNT], passed[FAULT_COUNT];
	unsigned failed_saved;
	unsigned full_failed, full_said;	/* failures under ENOSPC
						 * or a short write; of
						 * them, told as ENOSPC */
};

static unsigned total_tried, total_passed, total_sites, total_stores;

/* Set in a change's child: a cmocka check that fails there jumps back
 * into the test runner of the child, which must then stop, not run the
 * next tests (see leave_if_child). */
static bool in_child;

/* A change's child exits 0, or 1 + the errno it failed with (at most
 * CHILD_ERRNO_MAX), or CHILD_ASSERTED when a check of the test failed
 * in it. */
#define CHILD_ERRNO_MAX 120
#define CHILD_ASSERTED 125

static void
leave_if_child(void)
{
	if (in_child)
		_exit(CHILD_ASSERTED);
}
static unsigned total_failed_saved, total_full_failed, total_full_said;

enum ended { ENDED_OK, ENDED_ERROR, ENDED_KILLED, ENDED_OTHER };

/* The errno of the last change that ended in ENDED_ERROR. */
static int ended_errno;

/* Makes the change in a child of its own process group, with site
 * TARGET failed by FAULT (TARGET 0: counting; -1: no fault). */
static enum ended
run_change(const struct store_case *c, const char *dir, int target,
    enum fault fault)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int rc;

		in_child = true;
		setpgid(0, 0);
		if (target == 0)
			inject_count();
		else if (target > 0)
			inject_arm((unsigned)target, fault);
		rc = c->change(dir);
		_exit(rc == 0 ? 0 : -rc > 0 && -rc <= CHILD_ERRNO_MAX ? 1 - rc :
		    1 + CHILD_ERRNO_MAX);
	}
	while (waitpid(pid, &status, 0) < 0)
		assert_int_equal(errno, EINTR);
	inject_disarm();
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return ENDED_KILLED;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return ENDED_OK;
	if (WIFEXITED(status) && WEXITSTATUS(status) >= 1 &&
	    WEXITSTATUS(status) <= 1 + CHILD_ERRNO_MAX) {
		ended_errno = WEXITSTATUS(status) - 1;
		return ENDED_ERROR;
	}
	return ENDED_OTHER;
}

static void
fresh(const struct store_case *c, const char *dir)
{
	support_remove_tree(dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	c->setup(dir);
}

static struct row *
row_of(struct row *rows, unsigned *count, const char *kind)
{
	for (unsigned i = 0; i < *count; i++)
		if (strcmp(rows[i].kind, kind) == 0)
			return &rows[i];
	assert_true(*count < KINDS_MAX);
	memset(&rows[*count], 0, sizeof(rows[*count]));
	snprintf(rows[*count].kind, sizeof(rows[*count].kind), "%s", kind);
	return &rows[(*count)++];
}

/* Whether one faulted change left what it may; WHY says what not. */
static bool
judge(const struct store_case *c, const char *dir, enum ended ended,
    enum fault fault, bool *failed_saved, char *why, size_t size)
{
	int v = c->version(dir, why, size), again;

	*failed_saved = false;
	if (v < 0)
		return false;
	if (v == 2 && c->resumable) {
		if (ended == ENDED_OK) {
			say(why, size, "the change said it was done; it is "
			    "midway");
			return false;
		}
	} else if (v > 1) {
		say(why, size, "the store moved %d steps, not 0 or 1", v);
		return false;
	}
	if (ended == ENDED_OTHER) {
		say(why, size, "the change crashed");
		return false;
	}
	if (fault == FAULT_KILL && ended != ENDED_KILLED) {
		say(why, size, "the change was not killed");
		return false;
	}
	if (ended == ENDED_OK && v == 0) {
		say(why, size, "the change said it was saved; the store is "
		    "old");
		return false;
	}
	*failed_saved = ended == ENDED_ERROR && v == 1;
	if (*failed_saved && c->saved_ok == NULL) {
		say(why, size, "the change said it failed; the store is new");
		return false;
	}
	if (c->once && v == 1)
		return true;
	/* The way back: the same change again, with no fault. */
	if (run_change(c, dir, -1, FAULT_COUNT) != ENDED_OK) {
		say(why, size, "the next change, with no fault, failed");
		return false;
	}
	again = c->version(dir, why, size);
	if (again != (c->counter ? v + 1 : 1) || (v == 2 && again != 1)) {
		if (again >= 0)
			say(why, size, "the next change left version %d",
			    again);
		return false;
	}
	return true;
}

static void
run_store(const struct store_case *c)
{
	char base[] = "/tmp/nvr-faults-XXXXXX", dir[64], why[512];
	static char names[INJECT_SITES_MAX][INJECT_SITE_NAME];
	struct row rows[KINDS_MAX];
	unsigned nrows = 0, sites, failures = 0;

	leave_if_child();
	/* NVR_FAULTS_STORE=NAME: that store alone (make faults STORE=). */
	if (getenv("NVR_FAULTS_STORE") != NULL &&
	    strstr(c->name, getenv("NVR_FAULTS_STORE")) == NULL)
		skip();
	assert_non_null(mkdtemp(base));
	snprintf(dir, sizeof(dir), "%s/s", base);
	fresh(c, dir);
	why[0] = '\0';
	assert_int_equal(c->version(dir, why, sizeof(why)), 0);
	assert_int_equal(run_change(c, dir, 0, FAULT_COUNT), ENDED_OK);
	sites = inject_seen();
	assert_true(sites > 0 && sites <= INJECT_SITES_MAX);
	for (unsigned i = 1; i <= sites; i++)
		snprintf(names[i - 1], sizeof(names[i - 1]), "%s",
		    inject_site_name(i));
	assert_int_equal(c->version(dir, why, sizeof(why)), 1);

	for (unsigned i = 1; i <= sites; i++) {
		char kind[16];
		struct row *r;
		bool writes = strncmp(names[i - 1], "write ", 6) == 0 ||
		    strncmp(names[i - 1], "pwrite ", 7) == 0;

		snprintf(kind, sizeof(kind), "%.*s",
		    (int)strcspn(names[i - 1], " "), names[i - 1]);
		r = row_of(rows, &nrows, kind);
		r->sites++;
		for (int f = 0; f < FAULT_COUNT; f++) {
			enum ended ended;
			bool saved, ok;

			if (f == FAULT_SHORT && !writes)
				continue;
			fresh(c, dir);
			ended = run_change(c, dir, (int)i, (enum fault)f);
			if (!inject_fired()) {
				print_message("# %s: site %u (%s) not reached "
				    "under %s\n", c->name, i, names[i - 1],
				    fault_name((enum fault)f));
				failures++;
				continue;
			}
			why[0] = '\0';
			ok = judge(c, dir, ended, (enum fault)f, &saved, why,
			    sizeof(why));
			r->tried[f]++;
			total_tried++;
			if (ok && ended == ENDED_ERROR &&
			    (f == FAULT_ENOSPC || f == FAULT_SHORT)) {
				bool said = nvr_error_storage(-ended_errno) !=
				    NULL;

				r->full_failed++;
				r->full_said += said;
				total_full_failed++;
				total_full_said += said;
				if (!said && c->untold_ok == NULL) {
					ok = false;
					say(why, sizeof(why), "refused for a "
					    "full disk, it said %s",
					    strerror(ended_errno));
				}
			}
			if (ok) {
				r->passed[f]++;
				total_passed++;
				r->failed_saved += saved;
				total_failed_saved += saved;
			} else {
				failures++;
				print_message("# FAILED %s: site %u (%s) under "
				    "%s: %s\n", c->name, i, names[i - 1],
				    fault_name((enum fault)f), why);
			}
		}
	}
	support_remove_tree(base);

	print_message("# %-20s %-9s %5s %8s %8s %8s %8s %8s %6s %6s\n",
	    c->name, "site", "count", "ENOSPC", "EIO", "EROFS", "short",
	    "SIGKILL", "saved", "full");
	for (unsigned k = 0; k < nrows; k++) {
		char cell[FAULT_COUNT][16];

		for (int f = 0; f < FAULT_COUNT; f++)
			if (rows[k].tried[f] == 0)
				snprintf(cell[f], sizeof(cell[f]), "-");
			else
				snprintf(cell[f], sizeof(cell[f]), "%u/%u",
				    rows[k].passed[f], rows[k].tried[f]);
		char full[16] = "-";

		if (rows[k].full_failed > 0)
			snprintf(full, sizeof(full), "%u/%u", rows[k].full_said,
			    rows[k].full_failed);
		print_message("# %-20s %-9s %5u %8s %8s %8s %8s %8s %6u %6s\n",
		    "", rows[k].kind, rows[k].sites, cell[0], cell[1], cell[2],
		    cell[3], cell[4], rows[k].failed_saved, full);
	}
	if (getenv("NVR_FAULTS_SITES") != NULL)
		for (unsigned i = 1; i <= sites; i++)
			print_message("#   site %2u: %s\n", i, names[i - 1]);
	total_sites += sites;
	total_stores++;
	assert_int_equal(failures, 0);
}

/* Fields: name, counter, once, resumable, saved_ok, untold_ok, setup,
 * change, version. */
static const struct store_case stores[] = {
	{ "shadow", false, false, false, NULL, NULL,
	    shadow_setup, shadow_change, shadow_version },
	{ "htpasswd", false, false, false, NULL, NULL,
	    htpasswd_setup, htpasswd_change, htpasswd_version },
	{ "sqlite", false, false, false, NULL,
	    "SQLite keeps the errno of its last call, not of the one that "
	    "failed: a -wal or -shm it cannot make is tried again read-only "
	    "(ENOENT, EACCES), a failed fdatasync is followed by the "
	    "rollback's calls; on a real full disk a write fails first, as "
	    "SQLITE_FULL (stores/frigate-full-test)",
	    sqlite_setup, sqlite_change, sqlite_version },
	{ "recovery questions", false, false, false, NULL, NULL,
	    recovery_setup, recovery_change, recovery_version },
	{ "recovery key", false, false, false, NULL, NULL,
	    key_setup, key_change, key_version },
	{ "attempts", true, false, false, NULL, NULL,
	    attempts_setup, attempts_fail, attempts_version },
	{ "requests", true, false, false, NULL, NULL,
	    requests_setup, request_make, requests_version },
	{ "used codes", false, true, false, NULL, NULL,
	    code_setup, code_redeem, code_version },
	{ "factory reset", false, false, true, NULL, NULL,
	    reset_setup, reset_change, reset_version },
	{ "issue log", true, false, false,
	    "an fsync or close failing after the line's one write leaves "
	    "the line, and the code is not shown: one line too many, never "
	    "one too few", NULL,
	    issue_setup, issue_append, issue_version_rel },
	{ "key set", false, true, false, NULL, NULL,
	    keyset_setup, keyset_make, keyset_version },
	{ "audit log", true, false, false,
	    "an fsync or close failing after the line's one write leaves "
	    "the line, which the screen says was not written: one line too "
	    "many, never one too few", NULL,
	    audit_setup, audit_append, audit_version },
};

#define STORE_TEST(fn, index) \
	static void fn(void **state) { (void)state; run_store(&stores[index]); }

STORE_TEST(test_shadow, 0)
STORE_TEST(test_htpasswd, 1)
STORE_TEST(test_sqlite, 2)
STORE_TEST(test_recovery_questions, 3)
STORE_TEST(test_recovery_key, 4)
STORE_TEST(test_attempts, 5)
STORE_TEST(test_requests, 6)
STORE_TEST(test_used_codes, 7)
STORE_TEST(test_factory_reset, 8)
STORE_TEST(test_issue_log, 9)
STORE_TEST(test_keyset, 10)
STORE_TEST(test_audit_log, 11)

static int
summary(void **state)
{
	(void)state;
	leave_if_child();
	print_message("# faults: %u stores, %u sites, %u tried, %u passed, "
	    "%u failed (%u said failed but were saved; %u of %u refused for "
	    "a full disk said so)\n", total_stores, total_sites, total_tried,
	    total_passed, total_tried - total_passed, total_failed_saved,
	    total_full_said, total_full_failed);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shadow),
		cmocka_unit_test(test_htpasswd),
		cmocka_unit_test(test_sqlite),
		cmocka_unit_test(test_recovery_questions),
		cmocka_unit_test(test_recovery_key),
		cmocka_unit_test(test_attempts),
		cmocka_unit_test(test_requests),
		cmocka_unit_test(test_used_codes),
		cmocka_unit_test(test_factory_reset),
		cmocka_unit_test(test_issue_log),
		cmocka_unit_test(test_keyset),
		cmocka_unit_test(test_audit_log),
	};

	inject_init();
	if (sodium_init() < 0)
		return 1;
	/* The tests call it too, as the store does once open. */
	if (sqlite_lib_load(NULL) != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, summary);
}
