/*
 * test_v1_fixtures.c: the state files version 0.1.0 wrote (one account
 * store, format 1 of every file, request and code format 1), kept in
 * tests/unit/fixtures/v1 as tests/unit/fixtures/v1/make-fixtures wrote
 * them through the real wizard, are read as they were: admin's three
 * questions and recovery key, admin's two wrong passwords, the pending
 * requests of admin and operator, and the reset code nvr-support issued
 * for admin's request.
 *
 * Later versions change these formats (several account stores, request
 * format 2); they must still read these files, or migrate them, and this
 * test is where that is proved: each file is brought up to date as the
 * first store's (format 2, keyed by store, name and uid) by the same
 * call the wizard makes at start, once (a second call writes nothing),
 * and then reads as it did; a file that does not parse is refused and
 * left as it is.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backends/attempts.h"
#include "backends/recovery/recovery.h"
#include "backends/registry.h"
#include "backends/requests/provisioned.h"
#include "backends/requests/requests.h"
#include "common/secret.h"
#include "tests/unit/support.h"

#define FIXTURES "tests/unit/fixtures/v1/"


/* The first store's accounts now, whose ids migrated records get. */
static const struct account first_store[] = {
	{ .name = "admin", .uid = 1000, .admin = true },
	{ .name = "operator", .uid = 1001 },
};

/* The file NAME of the state folder, as text; malloc'd. */
static char *
state_text(struct support_fx *fx, const char *name)
{
	char target[96], *path, *text;
	size_t len;

	snprintf(target, sizeof(target), "state/%s", name);
	path = support_in_dir(fx, target);
	text = support_slurp(path, &len);
	free(path);
	return text;
}

/* The first store's admin and operator, as they are now. */
#define ADMIN support_key_in("system", 0, "admin", 1000)
#define OPERATOR support_key_in("system", 0, "operator", 1001)

/* The answers make-fixtures typed, in the enrolled order. */
static const char *const answers[] = { "Paris", "Jules Ferry", "Rex" };

/* FIXTURES NAME, its last newline dropped; malloc'd. */
static char *
fixture(const char *name)
{
	char path[128];
	size_t len;
	char *text;

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	text = support_slurp(path, &len);
	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	return text;
}

/* Copies FIXTURES NAME into the test's state folder, mode 0600 (git
 * keeps no modes, and the wizard trusts no file others could write). */
static void
install(struct support_fx *fx, const char *name)
{
	char path[128], target[96];
	size_t len;
	char *text;

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	text = support_slurp(path, &len);
	snprintf(target, sizeof(target), "state/%s", name);
	support_put_file(fx, target, text, len, 0600);
	free(text);
}

/* AFTER seconds after admin's request was made, in its boot, as the
 * requests fixture records it (make-fixtures may be run again):
 * so that the requests are still good. */
static struct requests_clock
made_clock(long after)
{
	struct requests_clock c;
	char *text = fixture("requests"), *line = strstr(text, "\nrequest ");
	long long made, boottime;
	char boot_id[REQUESTS_BOOT_ID_MAX];

	memset(&c, 0, sizeof(c));
	assert_non_null(line);
	assert_int_equal(sscanf(line, "\nrequest %*s %*u %*s %lld %*d %39s "
	    "%lld", &made, boot_id, &boottime), 3);
	c.wall = (time_t)(made + after);
	c.plausible_after = (time_t)(made - 86400);
	c.boottime = boottime + after;
	snprintf(c.boot_id, sizeof(c.boot_id), "%s", boot_id);
	free(text);
	return c;
}

static int
fx_setup(void **state)
{
	struct support_fx *fx;
	char *dir;

	if (support_fx_setup(state, "v1") != 0)
		return -1;
	fx = *state;
	dir = support_in_dir(fx, "state");
	assert_int_equal(mkdir(dir, 0700), 0);
	free(dir);
	install(fx, "recovery");
	install(fx, "attempts");
	install(fx, "requests");
	install(fx, "provisioning");
	return 0;
}

static const char config[] =
    "device:\n"
    "  backend: static\n"
    "  model: DEMO-NVR-8\n"
    "  serial: DEMO-0042-7731\n"
    "  firmware: 1.0.0-demo\n"
    "state_dir: state\n"
    "recovery:\n"
    "  backend: file\n";

/* Admin's questions and key, as enrolled: the texts, the answers, the
 * key. */
static void
test_recovery_store(void **state)
{
	struct support_fx *fx = *state;
	struct recovery_enrollment e;
	struct secret s[3], key;
	struct recovery rec;
	struct nvr_error err;
	size_t bad = 0;
	char *typed;

	const struct account_key *admin = support_key_in("system", 0, "admin",
	    1000);
	bool done = false;
	char *text;

	assert_int_equal(support_load_text(fx, config), 0);
	assert_int_equal(registry_open_recovery(&fx->cfg.recovery,
	    fx->cfg.state_dir, &rec), 0);
	/* Format 1 is not read without being brought up to date. */
	assert_int_equal(rec.ops->enrollment(rec.state, admin, &e, &err),
	    -ESTALE);
	assert_non_null(strstr(err.message, "not brought up to date yet"));
	/* A probe (no accounts) says the accounts are wanted, and writes
	 * nothing: the wizard lists them only then. */
	{
		char *before = state_text(fx, "recovery");

		assert_int_equal(rec.ops->migrate(rec.state, "system", NULL,
		    0, &done, &err), -EAGAIN);
		assert_false(done);
		text = state_text(fx, "recovery");
		assert_string_equal(text, before);
		free(text);
		free(before);
	}
	assert_int_equal(rec.ops->migrate(rec.state, "system", first_store, 2,
	    &done, &err), 0);
	assert_true(done);
	text = state_text(fx, "recovery");
	assert_non_null(strstr(text, "# nvr-recovery recovery 2\n"
	    "system\t1000\tadmin\tquestion\tIn which town did your parents "
	    "meet?\t$argon2id$"));
	free(text);
	assert_int_equal(rec.ops->migrate(rec.state, "system", first_store, 2,
	    &done, &err), 0);
	assert_false(done);
	assert_int_equal(rec.ops->migrate(rec.state, "system", NULL, 0, &done,
	    &err), 0);
	assert_false(done);
	assert_int_equal(rec.ops->enrollment(rec.state, admin, &e, &err), 0);
	assert_int_equal(e.question_count, 3);
	assert_string_equal(e.questions[0],
	    "In which town did your parents meet?");
	assert_string_equal(e.questions[1],
	    "What was the name of your first school?");
	assert_string_equal(e.questions[2],
	    "What was the first concert you went to?");
	assert_true(e.has_key);
	for (size_t i = 0; i < 3; i++) {
		secret_init(&s[i]);
		for (const char *p = answers[i]; *p != '\0'; p++)
			assert_true(secret_append(&s[i],
			    (unsigned char)*p));
	}
	assert_int_equal(rec.ops->check_answers(rec.state, admin, s, 3,
	    &err), 0);
	/* Not another store's admin, nor an admin made again since. */
	assert_int_equal(rec.ops->check_answers(rec.state,
	    support_key_in("web", 1, "admin", 1000), s, 3, &err), -ENOENT);
	assert_int_equal(rec.ops->check_answers(rec.state,
	    support_key_in("system", 0, "admin", 1002), s, 3, &err), -ENOENT);
	for (size_t i = 0; i < 3; i++)
		secret_release(&s[i]);
	assert_int_equal(rec.ops->enrollment(rec.state,
	    support_key_in("system", 0, "operator", 1001), &e, &err), 0);
	assert_int_equal(e.question_count, 0);
	assert_false(e.has_key);

	typed = fixture("key.txt");
	secret_init(&key);
	assert_int_equal(recovery_key_parse(typed, &key, &bad), 0);
	assert_int_equal(rec.ops->use_key(rec.state, admin,
	    secret_text(&key), false, &err), 0);
	secret_release(&key);
	free(typed);
	rec.ops->close(rec.state);
}

/* Admin's two wrong passwords: a third earns the first wait. */
static void
test_attempts(void **state)
{
	struct support_fx *fx = *state;
	const struct attempts_settings settings = {
		.free_tries = 3, .first_wait_s = 30, .max_wait_s = 3600,
	};
	struct attempts *a;
	struct nvr_error err;
	char *dir = support_in_dir(fx, "state"), *text;
	long wait = -1;
	bool done = false;

	assert_int_equal(attempts_open(&a, dir, &settings, &err), 0);
	assert_int_equal(attempts_wait(a, "system/admin", &wait, &err),
	    -ESTALE);
	assert_int_equal(attempts_migrate(a, "system", &done, &err), 0);
	assert_true(done);
	text = state_text(fx, "attempts");
	assert_non_null(strstr(text, "# nvr-recovery attempts 2\n"
	    "system/admin 2 "));
	free(text);
	assert_int_equal(attempts_migrate(a, "system", &done, &err), 0);
	assert_false(done);
	assert_int_equal(attempts_wait(a, "system/admin", &wait, &err), 0);
	assert_int_equal(wait, 0);
	/* Another store's admin has its own count. */
	assert_int_equal(attempts_failed(a, "web/admin", &wait, &err), 0);
	assert_int_equal(wait, 0);
	assert_int_equal(attempts_failed(a, "system/admin", &wait, &err), 0);
	assert_int_equal(wait, 30);
	attempts_close(a);
	free(dir);
}

/* The pending requests read as made, and admin's answered by the code
 * nvr-support issued for it. */
static void
test_requests(void **state)
{
	struct support_fx *fx = *state;
	const struct requests_settings settings = {
		.lifetime_s = REQUESTS_DEFAULT_LIFETIME_S,
		.max_boots = REQUESTS_DEFAULT_MAX_BOOTS,
	};
	struct requests_clock now = made_clock(60);
	uint8_t vendor_public[crypto_sign_PUBLICKEYBYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX];
	char compact[PROTOCOL_REQUEST_TEXT_MAX];
	char *dir = support_in_dir(fx, "state");
	char *provisioning = support_in_dir(fx, "state/provisioning");
	char *admin = fixture("request-admin.txt");
	char *operator = fixture("request-operator.txt");
	char *code = fixture("code-admin.txt");
	struct requests_device dev;
	struct requests *r;
	struct nvr_error err;
	long left = 0;
	bool done = false;

	assert_int_equal(provisioned_load(provisioning, true, &dev,
	    vendor_public, &err), 0);
	assert_int_equal(requests_open(&r, dir, &settings, &err), 0);
	assert_int_equal(requests_current(r, &dev, support_key("admin"), &now,
	    text, sizeof(text), compact, sizeof(compact), &left, &err),
	    -ESTALE);
	{
		char *before = state_text(fx, "requests"), *after;

		assert_int_equal(requests_migrate(r, "system", NULL, 0, &now,
		    &done, &err), -EAGAIN);
		assert_false(done);
		after = state_text(fx, "requests");
		assert_string_equal(after, before);
		free(after);
		free(before);
	}
	assert_int_equal(requests_migrate(r, "system", first_store, 2, &now,
	    &done, &err), 0);
	assert_true(done);
	{
		char *migrated = state_text(fx, "requests");

		assert_non_null(strstr(migrated,
		    "# nvr-recovery requests 2\n"));
		assert_non_null(strstr(migrated, " 1 system 0 1000 admin "));
		assert_non_null(strstr(migrated, " 1 system 0 1001 operator "));
		free(migrated);
	}
	assert_int_equal(requests_migrate(r, "system", first_store, 2, &now,
	    &done, &err), 0);
	assert_false(done);
	assert_int_equal(requests_migrate(r, "system", NULL, 0, &now, &done,
	    &err), 0);
	assert_false(done);
	/* Another store's admin has no request: the code is not for it. */
	assert_int_equal(requests_redeem(r, &dev,
	    support_key_in("web", 1, "admin", 1000), PROTOCOL_SET_PASSWORD,
	    code, &now, &err), -ENOENT);
	assert_int_equal(requests_current(r, &dev, ADMIN, &now, text,
	    sizeof(text), compact, sizeof(compact), &left, &err), 0);
	assert_string_equal(text, admin);
	assert_int_equal(left, REQUESTS_DEFAULT_LIFETIME_S - 60);
	assert_int_equal(requests_current(r, &dev, OPERATOR, &now, text,
	    sizeof(text), compact, sizeof(compact), NULL, &err), 0);
	assert_string_equal(text, operator);
	assert_int_equal(requests_redeem(r, &dev, OPERATOR,
	    PROTOCOL_SET_PASSWORD, code, &now, &err), -EACCES);
	/* Nor is it for an admin made again since, with another uid. */
	assert_int_equal(requests_redeem(r, &dev,
	    support_key_in("system", 0, "admin", 1002), PROTOCOL_SET_PASSWORD,
	    code, &now, &err), -ENOENT);
	assert_int_equal(requests_redeem(r, &dev, ADMIN,
	    PROTOCOL_SET_PASSWORD, code, &now, &err), 0);
	requests_close(r);
	free(code);
	free(operator);
	free(admin);
	free(provisioning);
	free(dir);
}

/* What the earlier version kept of an account that is gone when the
 * files are brought up to date is dropped, not handed to whoever takes
 * the name next: admin's questions, key and request here, with only
 * operator left in the store. */
static void
test_gone_account_dropped(void **state)
{
	static const struct account only_operator[] = {
		{ .name = "operator", .uid = 1001 },
	};
	const struct requests_settings settings = {
		.lifetime_s = REQUESTS_DEFAULT_LIFETIME_S,
		.max_boots = REQUESTS_DEFAULT_MAX_BOOTS,
	};
	struct support_fx *fx = *state;
	struct requests_clock now = made_clock(60);
	struct recovery_enrollment e;
	struct requests_pending list[REQUESTS_PENDING_MAX];
	struct recovery rec;
	struct requests *r;
	struct nvr_error err;
	char *dir = support_in_dir(fx, "state"), *text;
	size_t count = 0;
	bool done = false;

	assert_int_equal(support_load_text(fx, config), 0);
	assert_int_equal(registry_open_recovery(&fx->cfg.recovery,
	    fx->cfg.state_dir, &rec), 0);
	assert_int_equal(rec.ops->migrate(rec.state, "system", only_operator,
	    1, &done, &err), 0);
	assert_true(done);
	text = state_text(fx, "recovery");
	assert_string_equal(text, "# nvr-recovery recovery 2\n");
	free(text);
	/* A new admin, even with the old uid, has nothing set up. */
	assert_int_equal(rec.ops->enrollment(rec.state, ADMIN, &e, &err), 0);
	assert_int_equal(e.question_count, 0);
	assert_false(e.has_key);
	rec.ops->close(rec.state);

	assert_int_equal(requests_open(&r, dir, &settings, &err), 0);
	assert_int_equal(requests_migrate(r, "system", only_operator, 1, &now,
	    &done, &err), 0);
	assert_true(done);
	assert_int_equal(requests_list(r, &now, list, &count, &err), 0);
	assert_int_equal(count, 1);
	assert_string_equal(list[0].who.name, "operator");
	requests_close(r);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_recovery_store, fx_setup,
		    support_fx_teardown),
		cmocka_unit_test_setup_teardown(test_attempts, fx_setup,
		    support_fx_teardown),
		cmocka_unit_test_setup_teardown(test_requests, fx_setup,
		    support_fx_teardown),
		cmocka_unit_test_setup_teardown(test_gone_account_dropped,
		    fx_setup, support_fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
