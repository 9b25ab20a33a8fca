/*
 * test_audit.c: the event log's file (backends/audit.c over
 * common/append_file.c): its lines, their numbers, the size limit with
 * one older file, the reader's newest-first list, the factory reset's
 * fresh start, the opt-out, and a failure that is said but stops
 * nothing.
 *
 * Each test works in a fresh folder from mkdtemp(3) (support.h), the
 * state folder its "state" subfolder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "backends/audit.h"
#include "common/append_file.h"
#include "tests/unit/support.h"

static const struct audit_settings ON = { true, 4 };

static int
fx_setup(void **state)
{
	struct support_fx *fx;
	char *dir;

	if (support_fx_setup(state, "audit") != 0)
		return -1;
	fx = *state;
	dir = support_in_dir(fx, "state");
	assert_int_equal(mkdir(dir, 0700), 0);
	audit_start(dir, &ON, "ttyS0");
	free(dir);
	return 0;
}

static int
fx_teardown(void **state)
{
	audit_start(NULL, NULL, NULL);
	return support_fx_teardown(state);
}

static struct account_key
key_of(const char *store, const char *name, unsigned index)
{
	struct account_key k = { .uid = ACCOUNT_UID_NONE, .index = index };

	snprintf(k.store, sizeof(k.store), "%s", store);
	snprintf(k.name, sizeof(k.name), "%s", name);
	return k;
}

/* The state folder's file NAME, or NULL when there is none. */
static char *
read_state(const struct support_fx *fx, const char *name)
{
	char *path, *text = NULL;
	size_t len;

	assert_true(asprintf(&path, "%s/state/%s", fx->dir, name) > 0);
	if (access(path, F_OK) == 0)
		text = support_slurp(path, &len);
	free(path);
	return text;
}

static size_t
count_lines(const char *text)
{
	size_t n = 0;

	for (; text != NULL && *text != '\0'; text++)
		n += *text == '\n';
	return n;
}

/* Every field of a line, and the account of a store after the first
 * named with its store. */
static void
test_log_ok_fields(void **state)
{
	struct support_fx *fx = *state;
	struct account_key admin = key_of("system", "admin", 0);
	struct account_key cam = key_of("frigate", "viewer", 1);
	char *text, when[32];
	unsigned long long seq;
	char clock[16], rest[200];

	audit_log(AUDIT_WRONG_PASSWORD, &admin, 0, NULL);
	audit_log(AUDIT_LOCKED_OUT, &cam, 300, NULL);
	audit_log(AUDIT_CODE_REFUSED, &admin, 0, "not a code for any "
	    "request\tof\x01 admin");
	audit_log(AUDIT_RESET_FINISHED, NULL, 0, NULL);
	assert_null(audit_failure());
	text = read_state(fx, AUDIT_LOG_NAME);
	assert_non_null(text);
	assert_int_equal(count_lines(text), 4);
	assert_int_equal(sscanf(text, "%llu\t%31s\t%15s\t%199[^\n]", &seq,
	    when, clock, rest), 4);
	assert_int_equal(seq, 1);
	assert_int_equal(strlen(when), 20);
	assert_int_equal(when[19], 'Z');
	assert_string_equal(clock, "trusted");
	assert_string_equal(rest, "ttyS0\tsystem\tadmin\twrong-password\t-");
	assert_non_null(strstr(text, "\tfrigate\tviewer\tlocked-out\t300\n"));
	/* A reason keeps printable ASCII only: a tab would add a field. */
	assert_non_null(strstr(text, "\tcode-refused\tnot a code for any "
	    "request?of? admin\n"));
	assert_non_null(strstr(text, "\n4\t"));
	assert_non_null(strstr(text, "\t-\t-\treset-finished\t-\n"));
	free(text);
}

/* The reader gives the newest first, every field back, at most
 * AUDIT_RECENT_MAX, and counts a line that does not read. */
static void
test_read_ok_newest_first(void **state)
{
	struct support_fx *fx = *state;
	struct account_key admin = key_of("system", "admin", 0);
	struct audit_recent r;
	struct nvr_error err = { "" };
	char *path;
	FILE *f;

	for (int i = 0; i < AUDIT_RECENT_MAX + 5; i++)
		audit_log(i % 2 ? AUDIT_WRONG_KEY : AUDIT_RECOVERY_USED, &admin,
		    1, NULL);
	assert_true(asprintf(&path, "%s/state/" AUDIT_LOG_NAME, fx->dir) > 0);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("garbage that is no line of this log\n", f);
	fclose(f);
	free(path);
	audit_log(AUDIT_QUESTIONS_SET, &admin, 0, NULL);

	assert_int_equal(audit_read_recent(&r, &err), 0);
	assert_int_equal(r.count, AUDIT_RECENT_MAX);
	assert_int_equal(r.unreadable, 1);
	assert_int_equal(r.record[0].event, AUDIT_QUESTIONS_SET);
	assert_int_equal(r.record[1].seq, AUDIT_RECENT_MAX + 5);
	assert_int_equal(r.record[1].event, AUDIT_RECOVERY_USED);
	assert_string_equal(r.record[1].detail, "key");
	assert_string_equal(r.record[1].console, "ttyS0");
	assert_string_equal(r.record[1].store, "system");
	assert_string_equal(r.record[1].account, "admin");
	assert_true(r.record[1].clock_trusted);
	assert_int_equal(r.record[2].event, AUDIT_WRONG_KEY);
	assert_string_equal(r.record[2].detail, "");
}

/* At the limit the file becomes audit.log.1 and a new one starts: two
 * files at most, each within the limit, numbers going on. */
static void
test_log_ok_rotates_at_limit(void **state)
{
	struct support_fx *fx = *state;
	struct account_key admin = key_of("system", "admin", 0);
	struct audit_recent r;
	struct nvr_error err = { "" };
	char *now, *older;
	size_t lines;

	/* About 60 bytes a line: 4 KiB is some 70 lines. */
	for (int i = 0; i < 200; i++)
		audit_log(AUDIT_WRONG_PASSWORD, &admin, 0, NULL);
	now = read_state(fx, AUDIT_LOG_NAME);
	older = read_state(fx, AUDIT_LOG_NAME APPEND_FILE_OLDER);
	assert_non_null(now);
	assert_non_null(older);
	assert_true(strlen(now) <= 4096);
	assert_true(strlen(older) <= 4096);
	assert_true(strlen(older) > 4096 - 100);
	lines = count_lines(now) + count_lines(older);
	assert_true(lines < 200);
	/* The newest line is number 200, the older file ends right before
	 * the newer one starts. */
	assert_int_equal(audit_read_recent(&r, &err), 0);
	assert_int_equal(r.record[0].seq, 200);
	assert_int_equal(strtoull(now, NULL, 10) + count_lines(now) - 1, 200);
	assert_int_equal(strtoull(older, NULL, 10) + count_lines(older),
	    strtoull(now, NULL, 10));
	free(now);
	free(older);
}

/* The factory reset's step: both files go, one line says so; run again
 * (a reset resumed), still one line. */
static void
test_reset_ok_starts_again_once(void **state)
{
	struct support_fx *fx = *state;
	struct account_key admin = key_of("system", "admin", 0);
	struct nvr_error err = { "" };
	char *text;

	for (int i = 0; i < 200; i++)
		audit_log(AUDIT_WRONG_PASSWORD, &admin, 0, NULL);
	assert_int_equal(audit_reset(&err), 0);
	assert_int_equal(audit_reset(&err), 0);
	assert_null(read_state(fx, AUDIT_LOG_NAME APPEND_FILE_OLDER));
	text = read_state(fx, AUDIT_LOG_NAME);
	assert_non_null(text);
	assert_int_equal(count_lines(text), 1);
	assert_true(strncmp(text, "1\t", 2) == 0);
	assert_non_null(strstr(text, "\t-\t-\tfactory-reset\t-\n"));
	free(text);
}

/* audit.log: false keeps syslog only: no file, nothing to read. */
static void
test_log_ok_off(void **state)
{
	struct support_fx *fx = *state;
	struct account_key admin = key_of("system", "admin", 0);
	const struct audit_settings off = { false, 4 };
	struct audit_recent r;
	struct nvr_error err = { "" };
	char *dir = support_in_dir(fx, "state");

	audit_start(dir, &off, "tty1");
	free(dir);
	audit_log(AUDIT_PASSWORD_CHANGED, &admin, 0, NULL);
	assert_int_equal(audit_reset(&err), 0);
	assert_null(read_state(fx, AUDIT_LOG_NAME));
	assert_null(audit_failure());
	assert_int_equal(audit_read_recent(&r, &err), -ENOTSUP);
}

/* A log that cannot be written (here: not a private file of ours) is
 * said in one line, and the next write that works clears it. */
static void
test_log_nok_failure_said_then_cleared(void **state)
{
	struct support_fx *fx = *state;
	struct account_key admin = key_of("system", "admin", 0);
	char *path;

	assert_true(asprintf(&path, "%s/state/" AUDIT_LOG_NAME, fx->dir) > 0);
	support_write_file(path, "", 0, 0644);
	audit_log(AUDIT_PASSWORD_CHANGED, &admin, 0, NULL);
	assert_non_null(audit_failure());
	assert_non_null(strstr(audit_failure(), "Not written to the "
	    "recorder's event log: "));
	assert_null(strchr(audit_failure(), '\n'));
	assert_int_equal(chmod(path, 0600), 0);
	audit_log(AUDIT_PASSWORD_CHANGED, &admin, 0, NULL);
	assert_null(audit_failure());
	free(path);
}

/* What nobody has checked: failed tries by account, other events (a
 * wait after wrong tries is not one), until audit_mark_read; a mark that
 * does not read, or one above the log (a reset), counts everything. */
static void
test_unread_ok_counts_until_marked(void **state)
{
	struct support_fx *fx = *state;
	struct account_key admin = key_of("system", "admin", 0);
	struct account_key viewer = key_of("system", "viewer", 0);
	struct audit_unread u;
	struct nvr_error err = { "" };
	char *seen;

	assert_int_equal(audit_read_unread(&u, &err), 0);
	assert_int_equal(u.newest, 0);
	audit_log(AUDIT_WRONG_PASSWORD, &admin, 0, NULL);
	audit_log(AUDIT_WRONG_KEY, &viewer, 0, NULL);
	audit_log(AUDIT_WRONG_ANSWERS, &admin, 0, NULL);
	audit_log(AUDIT_LOCKED_OUT, &admin, 30, NULL);
	audit_log(AUDIT_PASSWORD_CHANGED, &admin, 0, NULL);
	assert_int_equal(audit_read_unread(&u, &err), 0);
	assert_int_equal(u.newest, 5);
	assert_int_equal(u.failed, 3);
	assert_string_equal(u.failed_account, "admin");
	assert_int_equal(u.failed_there, 2);
	assert_int_equal(u.other, 1);

	assert_int_equal(audit_mark_read(5, &err), 0);
	assert_int_equal(audit_read_unread(&u, &err), 0);
	assert_int_equal(u.failed + u.other, 0);
	audit_log(AUDIT_CODE_REFUSED, &viewer, 0, "not a code");
	assert_int_equal(audit_read_unread(&u, &err), 0);
	assert_int_equal(u.failed, 1);
	assert_string_equal(u.failed_account, "viewer");

	assert_true(asprintf(&seen, "%s/state/" AUDIT_SEEN_NAME, fx->dir) > 0);
	support_write_file(seen, "five\n", 5, 0600);
	assert_int_equal(audit_read_unread(&u, &err), 0);
	assert_int_equal(u.failed + u.other, 5);
	assert_int_equal(audit_mark_read(99, &err), 0);
	assert_int_equal(audit_read_unread(&u, &err), 0);
	assert_int_equal(u.failed + u.other, 5);	/* below the mark */
	assert_int_equal(audit_reset(&err), 0);
	assert_int_equal(access(seen, F_OK), -1);
	assert_int_equal(audit_read_unread(&u, &err), 0);
	assert_int_equal(u.other, 1);			/* the reset's line */
	free(seen);
}

#define TEST(name) \
	cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_log_ok_fields),
		TEST(test_read_ok_newest_first),
		TEST(test_log_ok_rotates_at_limit),
		TEST(test_reset_ok_starts_again_once),
		TEST(test_log_ok_off),
		TEST(test_log_nok_failure_said_then_cleared),
		TEST(test_unread_ok_counts_until_marked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
