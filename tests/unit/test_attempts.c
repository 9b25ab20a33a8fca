/*
 * test_attempts.c: the wrong-try counter (backends/attempts.c): the waits
 * it gives, the state file it keeps, and how it refuses a file it cannot
 * parse (fail closed, never rewritten).
 *
 * Each test works in a fresh folder from mkdtemp(3), removed in teardown;
 * the state folder is its "state" subfolder, missing until the first
 * failure. The lock test forks a child that is always reaped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "backends/attempts.h"
#include "common/nvr_error.h"
#include "tests/unit/support.h"

#define HEADER "# nvr-recovery attempts 2\n"

static const struct attempts_settings DEFAULTS = { 5, 30, 3600 };

/* ------------------------------------------------------------------ */
/* Fixture and helpers                                                 */

static int
fx_setup(void **state)
{
	return support_fx_setup(state, "attempts");
}

/* fx->dir/state; malloc'd. */
static char *
state_dir(const struct support_fx *fx)
{
	return support_in_dir(fx, "state");
}

/* fx->dir/state/NAME; malloc'd. */
static char *
state_path(const struct support_fx *fx, const char *name)
{
	char *path;

	assert_true(asprintf(&path, "%s/state/%s", fx->dir, name) > 0);
	return path;
}

static struct attempts *
open_with(const struct support_fx *fx, const struct attempts_settings *s)
{
	struct attempts *a = NULL;
	struct nvr_error err = { "" };
	char *dir = state_dir(fx);

	assert_int_equal(attempts_open(&a, dir, s, &err), 0);
	assert_non_null(a);
	free(dir);
	return a;
}

/* Records a failure for NAME and returns the wait it earned. */
static long
fail_once(struct attempts *a, const char *name)
{
	struct nvr_error err = { "" };
	long wait = -1;
	int rc = attempts_failed(a, name, &wait, &err);

	if (rc != 0)
		print_error("attempts_failed(%s): %d %s\n", name, rc,
		    err.message);
	assert_int_equal(rc, 0);
	return wait;
}

static long
wait_of(struct attempts *a, const char *name)
{
	struct nvr_error err = { "" };
	long wait = -1;
	int rc = attempts_wait(a, name, &wait, &err);

	if (rc != 0)
		print_error("attempts_wait(%s): %d %s\n", name, rc,
		    err.message);
	assert_int_equal(rc, 0);
	return wait;
}

struct parsed {
	char name[65];
	long failures;
	long long last;
};

/*
 * Parses the attempts file at PATH strictly by its documented format,
 * into at most MAX entries; returns how many. Fails the test on any
 * deviation (header, field count, trailing bytes, missing newline).
 */
static size_t
parse_file(const char *path, struct parsed *out, size_t max)
{
	size_t len, count = 0;
	char *text = support_slurp(path, &len);
	char *line, *next;

	assert_int_equal(strlen(text), len);
	assert_int_equal(strncmp(text, HEADER, strlen(HEADER)), 0);
	for (line = text + strlen(HEADER); *line != '\0'; line = next) {
		char *sp1, *sp2, *end;

		next = strchr(line, '\n');
		assert_non_null(next);
		*next++ = '\0';
		assert_true(count < max);
		sp1 = strchr(line, ' ');
		assert_non_null(sp1);
		sp2 = strchr(sp1 + 1, ' ');
		assert_non_null(sp2);
		assert_null(strchr(sp2 + 1, ' '));
		assert_true(sp1 > line && (size_t)(sp1 - line) <= 64);
		memcpy(out[count].name, line, (size_t)(sp1 - line));
		out[count].name[sp1 - line] = '\0';
		errno = 0;
		out[count].failures = strtol(sp1 + 1, &end, 10);
		assert_true(errno == 0 && end == sp2 && end > sp1 + 1);
		out[count].last = strtoll(sp2 + 1, &end, 10);
		assert_true(errno == 0 && *end == '\0' && end > sp2 + 1);
		count++;
	}
	free(text);
	return count;
}

static void
check_mode(const char *path, mode_t type, mode_t mode, const char *file,
    int line)
{
	struct stat st;

	if (lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == type &&
	    (st.st_mode & 07777) == mode)
		return;
	print_error("%s: expected mode %04o\n", path, (unsigned)mode);
	_fail(file, line);
}

#define assert_file_mode(path, mode) \
	check_mode((path), S_IFREG, (mode), __FILE__, __LINE__)
#define assert_dir_mode(path, mode) \
	check_mode((path), S_IFDIR, (mode), __FILE__, __LINE__)

static bool
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Fails if DIR holds anything but "attempts" and "attempts.lock". */
static void
assert_no_leftovers(const struct support_fx *fx)
{
	char *dir = state_dir(fx);
	DIR *d = opendir(dir);
	struct dirent *ent;

	assert_non_null(d);
	while ((ent = readdir(d)) != NULL) {
		if (strcmp(ent->d_name, ".") == 0 ||
		    strcmp(ent->d_name, "..") == 0 ||
		    strcmp(ent->d_name, "attempts") == 0 ||
		    strcmp(ent->d_name, "attempts.lock") == 0)
			continue;
		print_error("unexpected %s/%s\n", dir, ent->d_name);
		closedir(d);
		free(dir);
		fail();
	}
	closedir(d);
	free(dir);
}

/* Writes the LEN bytes of TEXT (NULs too) as the state folder's attempts
 * file, making the folder. */
static char *
put_attempts_bytes(const struct support_fx *fx, const char *text, size_t len)
{
	char *dir = state_dir(fx);
	char *path = state_path(fx, "attempts");

	assert_true(mkdir(dir, 0700) == 0 || errno == EEXIST);
	support_write_file(path, text, len, 0600);
	free(dir);
	return path;
}

static char *
put_attempts(const struct support_fx *fx, const char *text)
{
	return put_attempts_bytes(fx, text, strlen(text));
}

/*
 * Checks that attempts_wait and attempts_failed both refuse the LEN bytes
 * of TEXT as the attempts file with "PATH:LINE: ..." and leave it
 * byte-for-byte unchanged.
 */
static void
check_refused_bytes(const struct support_fx *fx, const char *text, size_t len,
    unsigned line)
{
	struct attempts *a = open_with(fx, &DEFAULTS);
	char *path = put_attempts_bytes(fx, text, len);
	char *prefix;
	struct nvr_error err = { "" };
	long wait = -1;
	size_t after_len;
	char *after;

	assert_true(asprintf(&prefix, "%s:%u: ", path, line) > 0);

	assert_int_equal(attempts_wait(a, "admin", &wait, &err), -EINVAL);
	if (strncmp(err.message, prefix, strlen(prefix)) != 0)
		print_error("message \"%s\", expected prefix \"%s\"\n",
		    err.message, prefix);
	assert_int_equal(strncmp(err.message, prefix, strlen(prefix)), 0);

	memset(&err, 0, sizeof(err));
	assert_int_equal(attempts_failed(a, "admin", &wait, &err), -EINVAL);
	if (strncmp(err.message, prefix, strlen(prefix)) != 0)
		print_error("message \"%s\", expected prefix \"%s\"\n",
		    err.message, prefix);
	assert_int_equal(strncmp(err.message, prefix, strlen(prefix)), 0);

	memset(&err, 0, sizeof(err));
	assert_int_equal(attempts_succeeded(a, "admin", &err), -EINVAL);
	assert_int_equal(strncmp(err.message, prefix, strlen(prefix)), 0);

	after = support_slurp(path, &after_len);
	assert_int_equal(after_len, len);
	assert_memory_equal(after, text, len);
	assert_file_mode(path, 0600);
	assert_no_leftovers(fx);

	free(after);
	free(prefix);
	free(path);
	attempts_close(a);
}

static void
check_refused(const struct support_fx *fx, const char *text, unsigned line)
{
	check_refused_bytes(fx, text, strlen(text), line);
}

/* ------------------------------------------------------------------ */
/* attempts_open                                                       */

static void
test_attempts_open_ok_touches_no_file(void **state)
{
	struct support_fx *fx = *state;
	struct attempts *a = open_with(fx, &DEFAULTS);
	char *dir = state_dir(fx);

	assert_false(exists(dir));
	assert_int_equal(wait_of(a, "admin"), 0);
	assert_false(exists(dir));
	attempts_close(a);
	assert_false(exists(dir));
	free(dir);
}

static void
test_attempts_close_ok_null(void **state)
{
	(void)state;
	attempts_close(NULL);
}

/* ------------------------------------------------------------------ */
/* attempts_failed                                                     */

static void
test_attempts_failed_ok_makes_state_dir_0700(void **state)
{
	struct support_fx *fx = *state;
	struct attempts *a = open_with(fx, &DEFAULTS);
	char *dir = state_dir(fx);
	char *path = state_path(fx, "attempts");
	mode_t old = umask(0);

	assert_int_equal(fail_once(a, "admin"), 0);
	umask(old);
	assert_dir_mode(dir, 0700);
	assert_file_mode(path, 0600);
	assert_no_leftovers(fx);
	free(path);
	free(dir);
	attempts_close(a);
}

static void
test_attempts_failed_ok_doubles_from_free_tries(void **state)
{
	struct support_fx *fx = *state;
	struct attempts *a = open_with(fx, &DEFAULTS);

	for (int i = 1; i <= 4; i++) {
		assert_int_equal(fail_once(a, "admin"), 0);
		assert_int_equal(wait_of(a, "admin"), 0);
	}
	assert_int_equal(fail_once(a, "admin"), 30);
	assert_int_equal(fail_once(a, "admin"), 60);
	assert_int_equal(fail_once(a, "admin"), 120);
	assert_int_equal(fail_once(a, "admin"), 240);
	assert_no_leftovers(fx);
	attempts_close(a);
}

static void
test_attempts_failed_ok_cap_holds(void **state)
{
	struct support_fx *fx = *state;
	const struct attempts_settings s = { 5, 30, 100 };
	struct attempts *a = open_with(fx, &s);

	for (int i = 1; i <= 4; i++)
		assert_int_equal(fail_once(a, "admin"), 0);
	assert_int_equal(fail_once(a, "admin"), 30);
	assert_int_equal(fail_once(a, "admin"), 60);
	assert_int_equal(fail_once(a, "admin"), 100);
	assert_int_equal(fail_once(a, "admin"), 100);
	for (int i = 0; i < 100; i++)
		assert_int_equal(fail_once(a, "admin"), 100);
	assert_int_equal(wait_of(a, "admin") <= 100, true);
	attempts_close(a);
}

static void
test_attempts_failed_ok_accounts_independent(void **state)
{
	struct support_fx *fx = *state;
	struct attempts *a = open_with(fx, &DEFAULTS);

	for (int i = 1; i <= 4; i++)
		assert_int_equal(fail_once(a, "admin"), 0);
	assert_int_equal(fail_once(a, "admin"), 30);
	assert_int_equal(wait_of(a, "root"), 0);
	assert_int_equal(fail_once(a, "root"), 0);
	assert_int_equal(wait_of(a, "root"), 0);
	assert_true(wait_of(a, "admin") >= 29);
	assert_int_equal(fail_once(a, "admin"), 60);
	assert_int_equal(wait_of(a, "guest"), 0);
	attempts_close(a);
}

static void
test_attempts_failed_ok_file_format(void **state)
{
	struct support_fx *fx = *state;
	struct attempts *a = open_with(fx, &DEFAULTS);
	char *path = state_path(fx, "attempts");
	struct parsed p[4];
	long long before = (long long)time(NULL), after;
	size_t n;

	fail_once(a, "admin");
	fail_once(a, "admin");
	fail_once(a, "root");
	after = (long long)time(NULL);

	assert_file_mode(path, 0600);
	n = parse_file(path, p, 4);
	assert_int_equal(n, 2);
	assert_string_equal(p[0].name, "admin");
	assert_int_equal(p[0].failures, 2);
	assert_true(p[0].last >= before && p[0].last <= after);
	assert_string_equal(p[1].name, "root");
	assert_int_equal(p[1].failures, 1);
	assert_true(p[1].last >= before && p[1].last <= after);
	assert_no_leftovers(fx);

	/* A second handle (another wizard) reads the same counts. */
	attempts_close(a);
	a = open_with(fx, &DEFAULTS);
	fail_once(a, "admin");
	fail_once(a, "admin");
	assert_int_equal(fail_once(a, "admin"), 30);
	n = parse_file(path, p, 4);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].failures, 5);
	free(path);
	attempts_close(a);
}

static void
test_attempts_failed_ok_name_of_64_bytes(void **state)
{
	struct support_fx *fx = *state;
	struct attempts *a = open_with(fx, &DEFAULTS);
	char *path = state_path(fx, "attempts");
	/* Room for a store's id (16), '/' and a 32-byte account name. */
	const char *name = "store-id-16-char/abcdefghijklmnopqrstuvwxyz012345"
	    "-fifteen-more--";
	struct parsed p[2];

	assert_int_equal(strlen(name), 64);
	fail_once(a, name);
	assert_int_equal(parse_file(path, p, 2), 1);
	assert_string_equal(p[0].name, name);
	assert_int_equal(p[0].failures, 1);
	assert_int_equal(wait_of(a, name), 0);
	free(path);
	attempts_close(a);
}

static void
test_attempts_failed_nok_bad_name(void **state)
{
	struct support_fx *fx = *state;
	struct attempts *a = open_with(fx, &DEFAULTS);
	char *dir = state_dir(fx);
	const char *bad[] = {
		"ad min", "admin ", " admin", "ad\tmin", "ad\nmin",
		"store-id-16-char/abcdefghijklmnopqrstuvwxyz012345"
		"-sixteen-more--.",	/* 65 bytes */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nvr_error err = { "" };
		long wait = -1;

		assert_int_equal(attempts_failed(a, bad[i], &wait, &err),
		    -EINVAL);
		assert_int_equal(wait, 0);
		assert_string_not_equal(err.message, "");
		/* Fail closed: tries that cannot be counted are not
		 * allowed at all. */
		err.message[0] = '\0';
		assert_int_equal(attempts_wait(a, bad[i], &wait, &err),
		    -EINVAL);
		assert_string_not_equal(err.message, "");
	}
	{
		struct nvr_error err = { "" };
		long wait = -1;

		assert_int_equal(attempts_wait(a, "b\xc3\xa9" "atrice", &wait,
		    &err), -EINVAL);
	}
	assert_false(exists(dir));
	free(dir);
	attempts_close(a);
}

/*
 * A name that the file format cannot hold (empty, or with a white-space
 * byte other than space, tab and newline, e.g. the \r a serial console
 * sends) must be refused, or at least leave the file readable: otherwise
 * one bad name locks out every account (fail closed on the whole file).
 */
static void
test_attempts_failed_nok_name_breaking_format(void **state)
{
	struct support_fx *fx = *state;
	struct attempts *a = open_with(fx, &DEFAULTS);
	const char *bad[] = { "", "admin\r", "ad\vmin", "ad\fmin" };
	const char *shown[] = { "\"\"", "\"admin\\r\"", "\"ad\\vmin\"",
	    "\"ad\\fmin\"" };
	int broken = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nvr_error err = { "" };
		long wait = -1;
		char *path = put_attempts(fx, HEADER "root 1 100\n");
		int rc = attempts_failed(a, bad[i], &wait, &err);

		/* Refused (-EINVAL) is fine; counted, the file must parse. */
		if (rc != 0 && rc != -EINVAL) {
			print_error("attempts_failed(%s): %d %s\n", shown[i],
			    rc, err.message);
			broken++;
		}
		memset(&err, 0, sizeof(err));
		rc = attempts_wait(a, "root", &wait, &err);
		if (rc != 0) {
			print_error("after attempts_failed(%s): "
			    "attempts_wait(root) = %d \"%s\"\n", shown[i], rc,
			    err.message);
			broken++;
		}
		free(path);
	}
	attempts_close(a);
	assert_int_equal(broken, 0);
}

static void
test_attempts_failed_nok_corrupt_header(void **state)
{
	check_refused(*state, "# nvr-recovery attempts 3\nadmin 1 100\n", 1);
}

/* Format 1, of the version with one store, is refused until it is
 * brought up to date (attempts_migrate), and says so; nobody may try. */
static void
test_attempts_failed_nok_format_1(void **state)
{
	struct support_fx *fx = *state;
	struct attempts *a = open_with(fx, &DEFAULTS);
	static const char text[] = "# nvr-recovery attempts 1\nadmin 1 100\n";
	char *path = put_attempts_bytes(fx, text, strlen(text));
	struct nvr_error err = { "" };
	long wait = -1;

	assert_int_equal(attempts_wait(a, "system/admin", &wait, &err),
	    -ESTALE);
	assert_non_null(strstr(err.message, "not brought up to date yet"));
	assert_int_equal(attempts_failed(a, "system/admin", &wait, &err),
	    -ESTALE);
	free(path);
	attempts_close(a);
}

static void
test_attempts_failed_nok_corrupt_empty_file(void **state)
{
	check_refused(*state, "", 1);
}

static void
test_attempts_failed_nok_corrupt_two_fields(void **state)
{
	check_refused(*state, HEADER "root 1 100\nadmin 3\nguest 1 100\n", 3);
}

static void
test_attempts_failed_nok_corrupt_four_fields(void **state)
{
	check_refused(*state, HEADER "root 1 100 7\n", 2);
}

static void
test_attempts_failed_nok_corrupt_negative_failures(void **state)
{
	check_refused(*state, HEADER "admin -1 100\nroot 1 100\n", 2);
}

/* The counts are read as 64-bit numbers within bounds, so a count past a
 * 32-bit long means the same on every machine (refused), and a stamp so
 * far out that the wait's sum would overflow is refused too. */
static void
test_attempts_failed_nok_corrupt_failures_beyond_32_bits(void **state)
{
	check_refused(*state, HEADER "root 1 100\nadmin 3000000000 100\n", 3);
	check_refused(*state, HEADER "admin 1000000001 100\n", 2);
	check_refused(*state, HEADER "admin 9223372036854775807 100\n", 2);
}

static void
test_attempts_failed_nok_corrupt_last_out_of_range(void **state)
{
	check_refused(*state, HEADER "admin 9 9223372036854775807\n", 2);
	check_refused(*state, HEADER "admin 9 -9223372036854775808\n", 2);
	check_refused(*state, HEADER "admin 9 1000000000001\n", 2);
}

/* The largest count is kept, and stays there: no overflow. */
static void
test_attempts_failed_ok_count_stays_at_max(void **state)
{
	struct support_fx *fx = *state;
	char *path = put_attempts(fx, HEADER "admin 1000000000 100\n");
	struct attempts *a = open_with(fx, &DEFAULTS);
	struct parsed p[2];

	assert_int_equal(fail_once(a, "admin"), 3600);
	assert_int_equal(parse_file(path, p, 2), 1);
	assert_string_equal(p[0].name, "admin");
	assert_int_equal(p[0].failures, 1000000000);
	free(path);
	attempts_close(a);
}

static void
test_attempts_failed_nok_corrupt_no_final_newline(void **state)
{
	check_refused(*state, HEADER "root 1 100\nguest 2 100\nadmin 1 100",
	    4);
}

static void
test_attempts_failed_nok_corrupt_not_a_number(void **state)
{
	check_refused(*state, HEADER "root 1 100\nadmin x 100\n", 3);
}

/* A string literal with NULs in it, and its length without the final one. */
#define BYTES(text) (text), sizeof(text) - 1

/*
 * A NUL in the middle of the file: the parse must not stop there and read
 * what came before as the whole file (admin's 3 failures would be lost,
 * and the next save would drop guest's line with them).
 */
static void
test_attempts_failed_nok_nul_at_line_start(void **state)
{
	check_refused_bytes(*state, BYTES(HEADER "root 1 100\n"
	    "\0admin 3 100\nguest 2 100\n"), 3);
}

static void
test_attempts_failed_nok_nul_in_line(void **state)
{
	check_refused_bytes(*state, BYTES(HEADER "root 1 100\n"
	    "admin 3 1\0" "00\nguest 2 100\n"), 3);
}

/* The NUL is found wherever it is, even after the last line. */
static void
test_attempts_failed_nok_nul_after_last_line(void **state)
{
	check_refused_bytes(*state, BYTES(HEADER "admin 3 100\n\0"), 3);
}

/*
 * Bytes the file never holds (the wizard writes printable ASCII names,
 * digits, spaces and newlines) are refused where they are, also where
 * sscanf would read past them as blanks (\v, \f, \r) or as part of a
 * name (ESC, BS, DEL, a C1 control, UTF-8).
 */
static void
test_attempts_failed_nok_stray_control_byte(void **state)
{
	static const char *const lines[] = {
		"ad\x1bmin 3 100\n", "admin\v3 100\n", "admin 3\f100\n",
		"admin 3 100\r\n", "ad\x7fmin 3 100\n", "ad\bmin 3 100\n",
		"ad\xc2\x85min 3 100\n", "ad\x9bmin 3 100\n",
		"caf\xc3\xa9 3 100\n",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		char *text;

		assert_true(asprintf(&text, HEADER "root 1 100\n%sguest 2 "
		    "100\n", lines[i]) > 0);
		check_refused(*state, text, 3);
		free(text);
	}
}

/* A tab between the fields is a blank like a space, as it always was. */
static void
test_attempts_wait_ok_tab_separated(void **state)
{
	struct support_fx *fx = *state;
	struct attempts_settings s = { 1, 30, 3600 };
	struct attempts *a;
	char *text, *path;

	/* Three failures just now, one free try: 30 s doubled twice. */
	assert_true(asprintf(&text, HEADER "root\t1\t100\nadmin\t3\t%lld\n",
	    (long long)time(NULL)) > 0);
	path = put_attempts(fx, text);
	a = open_with(fx, &s);
	assert_in_range(wait_of(a, "admin"), 115, 120);
	assert_int_equal(wait_of(a, "root"), 0);
	free(text);
	free(path);
	attempts_close(a);
}

/* Two processes counting at once end with every failure counted. */
static void
test_attempts_failed_ok_two_processes(void **state)
{
	struct support_fx *fx = *state;
	struct attempts *a = open_with(fx, &DEFAULTS);
	char *path = state_path(fx, "attempts");
	struct parsed p[2];
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* No cmocka assertions here: report through the status. */
		struct attempts *c = NULL;
		struct nvr_error err = { "" };
		char *dir;
		int bad = 0;

		if (asprintf(&dir, "%s/state", fx->dir) < 0 ||
		    attempts_open(&c, dir, &DEFAULTS, &err) != 0)
			_exit(2);
		for (int i = 0; i < 10; i++) {
			long wait;

			if (attempts_failed(c, "admin", &wait, &err) != 0)
				bad = 1;
		}
		attempts_close(c);
		free(dir);
		_exit(bad);
	}
	for (int i = 0; i < 10; i++)
		fail_once(a, "admin");
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	assert_int_equal(parse_file(path, p, 2), 1);
	assert_string_equal(p[0].name, "admin");
	assert_int_equal(p[0].failures, 20);
	assert_no_leftovers(fx);
	free(path);
	attempts_close(a);
}

/* ------------------------------------------------------------------ */
/* attempts_wait                                                       */

static void
test_attempts_wait_ok_remaining_after_failures(void **state)
{
	struct support_fx *fx = *state;
	struct attempts *a = open_with(fx, &DEFAULTS);
	long wait;

	for (int i = 1; i <= 5; i++)
		fail_once(a, "admin");
	wait = wait_of(a, "admin");
	assert_true(wait >= 29 && wait <= 30);
	attempts_close(a);
}

static void
test_attempts_wait_ok_unknown_account(void **state)
{
	struct support_fx *fx = *state;
	char *path = put_attempts(fx, HEADER "root 9 100\n");
	struct attempts *a = open_with(fx, &DEFAULTS);

	assert_int_equal(wait_of(a, "admin"), 0);
	assert_int_equal(wait_of(a, "roo"), 0);
	free(path);
	attempts_close(a);
}

static void
test_attempts_wait_ok_clock_set_back(void **state)
{
	struct support_fx *fx = *state;
	char *path, *text;
	struct attempts *a;
	long long future = (long long)time(NULL) + 100000;
	long wait;

	assert_true(asprintf(&text, HEADER "admin 5 %lld\nroot 7 %lld\n",
	    future, future) > 0);
	path = put_attempts(fx, text);
	a = open_with(fx, &DEFAULTS);

	wait = wait_of(a, "admin");
	assert_true(wait > 0 && wait <= 30);
	wait = wait_of(a, "root");
	assert_true(wait > 0 && wait <= 120);
	/* The next failure counts from now, at the next step. */
	assert_int_equal(fail_once(a, "admin"), 60);
	wait = wait_of(a, "admin");
	assert_true(wait >= 59 && wait <= 60);
	free(text);
	free(path);
	attempts_close(a);
}

static void
test_attempts_wait_ok_long_past_keeps_count(void **state)
{
	struct support_fx *fx = *state;
	char *path = put_attempts(fx, HEADER "admin 5 1000\n");
	struct attempts *a = open_with(fx, &DEFAULTS);
	struct parsed p[2];

	assert_int_equal(wait_of(a, "admin"), 0);
	assert_int_equal(fail_once(a, "admin"), 60);
	assert_int_equal(parse_file(path, p, 2), 1);
	assert_int_equal(p[0].failures, 6);
	assert_true(p[0].last > 1000);
	free(path);
	attempts_close(a);
}

static void
test_attempts_wait_nok_corrupt(void **state)
{
	struct support_fx *fx = *state;
	char *path = put_attempts(fx, HEADER "admin 1 100\nbroken\n");
	struct attempts *a = open_with(fx, &DEFAULTS);
	struct nvr_error err = { "" };
	long wait = -1;
	char *want;

	/* Fail closed even for an account on a line that parsed. */
	assert_int_equal(attempts_wait(a, "admin", &wait, &err), -EINVAL);
	assert_true(asprintf(&want, "%s:3: ", path) > 0);
	assert_int_equal(strncmp(err.message, want, strlen(want)), 0);
	free(want);
	free(path);
	attempts_close(a);
}

/* ------------------------------------------------------------------ */
/* attempts_succeeded                                                  */

static void
test_attempts_succeeded_ok_resets(void **state)
{
	struct support_fx *fx = *state;
	struct attempts *a = open_with(fx, &DEFAULTS);
	char *path = state_path(fx, "attempts");
	struct nvr_error err = { "" };
	struct parsed p[2];

	for (int i = 1; i <= 6; i++)
		fail_once(a, "admin");
	fail_once(a, "root");
	assert_true(wait_of(a, "admin") > 0);
	assert_int_equal(attempts_succeeded(a, "admin", &err), 0);
	assert_int_equal(wait_of(a, "admin"), 0);
	assert_int_equal(parse_file(path, p, 2), 1);
	assert_string_equal(p[0].name, "root");
	assert_int_equal(p[0].failures, 1);

	/* The count starts again from the beginning. */
	for (int i = 1; i <= 4; i++)
		assert_int_equal(fail_once(a, "admin"), 0);
	assert_int_equal(fail_once(a, "admin"), 30);

	assert_int_equal(attempts_succeeded(a, "admin", &err), 0);
	assert_int_equal(attempts_succeeded(a, "root", &err), 0);
	{
		size_t len;
		char *text = support_slurp(path, &len);

		assert_string_equal(text, HEADER);
		free(text);
	}
	assert_file_mode(path, 0600);
	assert_no_leftovers(fx);
	free(path);
	attempts_close(a);
}

static void
test_attempts_succeeded_ok_nothing_to_forget(void **state)
{
	struct support_fx *fx = *state;
	struct attempts *a = open_with(fx, &DEFAULTS);
	char *path = state_path(fx, "attempts");
	struct nvr_error err = { "" };

	assert_int_equal(attempts_succeeded(a, "admin", &err), 0);
	assert_false(exists(path));
	assert_int_equal(wait_of(a, "admin"), 0);
	assert_no_leftovers(fx);
	free(path);
	attempts_close(a);
}

/* ------------------------------------------------------------------ */
/* attempts_begin: counted before checked                              */

/* Four consoles try a wrong password at once, with two failures already
 * recorded and three free: exactly one gets to check its secret. */
static void
test_attempts_begin_ok_one_of_four_at_once(void **state)
{
	struct support_fx *fx = *state;
	static const struct attempts_settings three = { 3, 30, 3600 };
	struct attempts *a = open_with(fx, &three);
	char *path = state_path(fx, "attempts");
	int gate[2], results[2];
	struct parsed p[2];
	pid_t pids[4];
	int checked = 0, refused = 0;
	char c;

	fail_once(a, "admin");
	fail_once(a, "admin");
	assert_int_equal(pipe(gate), 0);
	assert_int_equal(pipe(results), 0);
	fflush(NULL);
	for (int i = 0; i < 4; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct attempts *mine = NULL;
			struct attempts_try t;
			struct nvr_error err;
			char *dir = state_dir(fx);
			long wait;

			close(gate[1]);
			if (attempts_open(&mine, dir, &three, &err) != 0)
				_exit(2);
			/* The barrier: all start when the gate closes. */
			(void)!read(gate[0], &c, 1);
			c = attempts_begin(mine, "admin", &t, &wait,
			    &err) == 0 ? 'C' : 'R';
			/* C: the secret would be checked now; it is wrong,
			 * so the try stays counted. */
			(void)!write(results[1], &c, 1);
			_exit(0);
		}
	}
	close(gate[0]);
	close(gate[1]);
	close(results[1]);
	for (int i = 0; i < 4; i++) {
		int status;

		assert_int_equal(read(results[0], &c, 1), 1);
		checked += c == 'C';
		refused += c == 'R';
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	close(results[0]);
	assert_int_equal(checked, 1);
	assert_int_equal(refused, 3);
	/* The refused ones recorded nothing. */
	assert_int_equal(parse_file(path, p, 2), 1);
	assert_int_equal(p[0].failures, 3);
	free(path);
	attempts_close(a);
}

/* Right takes the try's own count back, and clears the rest only when
 * asked; wrong leaves it counted, with the wait it started. */
static void
test_attempts_begin_ok_take_back(void **state)
{
	struct support_fx *fx = *state;
	static const struct attempts_settings three = { 3, 30, 3600 };
	struct attempts *a = open_with(fx, &three);
	char *path = state_path(fx, "attempts");
	struct attempts_try t;
	struct nvr_error err;
	struct parsed p[2];
	long wait;

	fail_once(a, "admin");
	assert_int_equal(attempts_begin(a, "admin", &t, &wait, &err), 0);
	assert_true(t.held);
	assert_int_equal(parse_file(path, p, 2), 1);
	assert_int_equal(p[0].failures, 2);	/* counted before checked */
	assert_int_equal(attempts_take_back(a, &t, false, &err), 0);
	assert_int_equal(parse_file(path, p, 2), 1);
	assert_int_equal(p[0].failures, 1);	/* only its own */
	assert_int_equal(attempts_take_back(a, &t, true, &err), 0);
	assert_int_equal(parse_file(path, p, 2), 1);	/* not held: no-op */
	assert_int_equal(p[0].failures, 1);

	assert_int_equal(attempts_begin(a, "admin", &t, &wait, &err), 0);
	assert_int_equal(attempts_wait_after(a, &t), 0);
	assert_int_equal(attempts_begin(a, "admin", &t, &wait, &err), 0);
	assert_int_equal(attempts_wait_after(a, &t), 30);
	assert_int_equal(attempts_begin(a, "admin", &t, &wait, &err),
	    -EAGAIN);
	assert_true(wait > 0 && wait <= 30);
	assert_false(t.held);

	assert_int_equal(attempts_succeeded(a, "admin", &err), 0);
	assert_int_equal(attempts_begin(a, "admin", &t, &wait, &err), 0);
	assert_int_equal(attempts_take_back(a, &t, true, &err), 0);
	assert_int_equal(parse_file(path, p, 2), 0);
	free(path);
	attempts_close(a);
}

/* A try that cannot be recorded (here: a folder where the store's
 * temporary file must go) is refused, and the count is as it was. */
static void
test_attempts_begin_nok_cannot_record(void **state)
{
	struct support_fx *fx = *state;
	struct attempts *a = open_with(fx, &DEFAULTS);
	char *path = state_path(fx, "attempts");
	char *blocker = state_path(fx, "attempts+");
	char *inside = state_path(fx, "attempts+/x");
	struct attempts_try t;
	struct nvr_error err;
	struct parsed p[2];
	long wait;

	fail_once(a, "admin");
	assert_int_equal(mkdir(blocker, 0700), 0);
	support_write_file(inside, "x", 1, 0600);
	assert_true(attempts_begin(a, "admin", &t, &wait, &err) < 0);
	assert_false(t.held);
	assert_int_equal(parse_file(path, p, 2), 1);
	assert_int_equal(p[0].failures, 1);
	unlink(inside);
	rmdir(blocker);
	free(inside);
	free(blocker);
	free(path);
	attempts_close(a);
}

/* A table that counts as many names as it can refuses a new one with
 * EOVERFLOW, which no screen tells as a full disk (it was ENOSPC, which
 * they do: "the recorder's storage is full"), and leaves the file as it
 * was; names already in it still count. */
static void
test_attempts_failed_nok_table_full(void **state)
{
	struct support_fx *fx = *state;
	struct attempts *a = open_with(fx, &DEFAULTS);
	struct attempts_try t;
	struct nvr_error err = { "" };
	size_t size = 1024 * 24 + sizeof(HEADER), len;
	char *text = malloc(size), *path, *before, *after;
	long wait = -1;
	int rc;

	assert_non_null(text);
	len = (size_t)snprintf(text, size, "%s", HEADER);
	for (int i = 0; i < 1024; i++)
		len += (size_t)snprintf(text + len, size - len,
		    "system/u%d 1 100\n", i);
	assert_true(len < size);
	path = put_attempts_bytes(fx, text, len);
	before = support_slurp(path, &len);

	rc = attempts_failed(a, "system/newcomer", &wait, &err);
	assert_int_equal(rc, -EOVERFLOW);
	assert_null(nvr_error_storage(rc));
	assert_non_null(strstr(err.message, "is full"));
	assert_int_equal(attempts_begin(a, "system/newcomer", &t, &wait, &err),
	    -EOVERFLOW);
	assert_false(t.held);
	after = support_slurp(path, &len);
	assert_string_equal(after, before);
	free(after);
	assert_true(fail_once(a, "system/u7") >= 0);
	free(before);
	free(path);
	free(text);
	attempts_close(a);
}

/* ------------------------------------------------------------------ */

#define TEST(name) \
	cmocka_unit_test_setup_teardown(name, fx_setup, support_fx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_attempts_open_ok_touches_no_file),
		TEST(test_attempts_close_ok_null),
		TEST(test_attempts_failed_ok_makes_state_dir_0700),
		TEST(test_attempts_failed_ok_doubles_from_free_tries),
		TEST(test_attempts_failed_ok_cap_holds),
		TEST(test_attempts_failed_ok_accounts_independent),
		TEST(test_attempts_failed_ok_file_format),
		TEST(test_attempts_failed_ok_name_of_64_bytes),
		TEST(test_attempts_failed_nok_bad_name),
		TEST(test_attempts_failed_nok_name_breaking_format),
		TEST(test_attempts_failed_nok_corrupt_header),
		TEST(test_attempts_failed_nok_format_1),
		TEST(test_attempts_failed_nok_corrupt_empty_file),
		TEST(test_attempts_failed_nok_corrupt_two_fields),
		TEST(test_attempts_failed_nok_corrupt_four_fields),
		TEST(test_attempts_failed_nok_corrupt_negative_failures),
		TEST(test_attempts_failed_nok_corrupt_failures_beyond_32_bits),
		TEST(test_attempts_failed_nok_corrupt_last_out_of_range),
		TEST(test_attempts_failed_ok_count_stays_at_max),
		TEST(test_attempts_failed_nok_corrupt_no_final_newline),
		TEST(test_attempts_failed_nok_corrupt_not_a_number),
		TEST(test_attempts_failed_nok_nul_at_line_start),
		TEST(test_attempts_failed_nok_nul_in_line),
		TEST(test_attempts_failed_nok_nul_after_last_line),
		TEST(test_attempts_failed_nok_stray_control_byte),
		TEST(test_attempts_wait_ok_tab_separated),
		TEST(test_attempts_failed_ok_two_processes),
		TEST(test_attempts_wait_ok_remaining_after_failures),
		TEST(test_attempts_wait_ok_unknown_account),
		TEST(test_attempts_wait_ok_clock_set_back),
		TEST(test_attempts_wait_ok_long_past_keeps_count),
		TEST(test_attempts_wait_nok_corrupt),
		TEST(test_attempts_succeeded_ok_resets),
		TEST(test_attempts_succeeded_ok_nothing_to_forget),
		TEST(test_attempts_begin_ok_one_of_four_at_once),
		TEST(test_attempts_begin_ok_take_back),
		TEST(test_attempts_begin_nok_cannot_record),
		TEST(test_attempts_failed_nok_table_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
