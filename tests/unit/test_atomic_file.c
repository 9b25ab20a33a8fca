/*
 * test_atomic_file.c: replacing, reading and locking the files that hold
 * credentials and state (common/atomic_file.c).
 *
 * Each test works in a fresh folder from mkdtemp(3), removed in teardown.
 * The tests run as root, so owners can be set and checked. Other
 * processes (a lock holder, a live or dead pid) are forked children that
 * are always reaped before the test ends.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/atomic_file.h"
#include "tests/unit/support.h"

#define OLD_TEXT "root:$6$old$oldhash:19000:0:99999:7:::\n"
#define NEW_TEXT "root:$6$new$newhash:19500:0:99999:7:::\nadmin:!:1::::::\n"

/* ------------------------------------------------------------------ */
/* Fixture and helpers                                                 */

static int
fx_setup(void **state)
{
	return support_fx_setup(state, "atomic");
}

/* Fails unless PATH holds exactly the LEN bytes at WANT. */
static void
check_contents(const char *path, const void *want, size_t len,
    const char *file, int line)
{
	size_t got_len;
	char *got = support_slurp(path, &got_len);

	if (got_len != len || memcmp(got, want, len) != 0) {
		print_error("%s holds %zu bytes \"%s\", expected %zu\n", path,
		    got_len, got, len);
		free(got);
		_fail(file, line);
	}
	free(got);
}

#define assert_contents(path, literal) \
	check_contents((path), (literal), sizeof(literal) - 1, __FILE__, \
	    __LINE__)

/* Fails unless PATH is a regular file with this owner, group and mode. */
static void
check_owner_mode(const char *path, uid_t uid, gid_t gid, mode_t mode,
    const char *file, int line)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == uid && st.st_gid == gid &&
	    (st.st_mode & 07777) == mode)
		return;
	print_error("%s: expected a regular file %ld:%ld mode %04o\n", path,
	    (long)uid, (long)gid, (unsigned)mode);
	_fail(file, line);
}

#define assert_owner_mode(path, uid, gid, mode) \
	check_owner_mode((path), (uid), (gid), (mode), __FILE__, __LINE__)

static void
check_absent(const char *path, const char *file, int line)
{
	struct stat st;

	if (lstat(path, &st) != 0 && errno == ENOENT)
		return;
	print_error("%s exists\n", path);
	_fail(file, line);
}

#define assert_absent(path) check_absent((path), __FILE__, __LINE__)

/* Fails unless DIR holds exactly the COUNT entries in NAMES. */
static void
check_dir_holds(const char *dir, const char *const *names, size_t count,
    const char *file, int line)
{
	DIR *d = opendir(dir);
	struct dirent *ent;
	size_t seen = 0;
	bool ok = true;

	assert_non_null(d);
	while ((ent = readdir(d)) != NULL) {
		bool known = false;

		if (strcmp(ent->d_name, ".") == 0 ||
		    strcmp(ent->d_name, "..") == 0)
			continue;
		for (size_t i = 0; i < count; i++)
			known = known || strcmp(ent->d_name, names[i]) == 0;
		if (!known) {
			print_error("unexpected %s/%s\n", dir, ent->d_name);
			ok = false;
		}
		seen++;
	}
	closedir(d);
	if (!ok || seen != count) {
		print_error("%s holds %zu entries, expected %zu\n", dir, seen,
		    count);
		_fail(file, line);
	}
}

#define assert_dir_holds(dir, ...) do { \
	const char *const dh_names[] = { __VA_ARGS__ }; \
	check_dir_holds((dir), dh_names, \
	    sizeof(dh_names) / sizeof(dh_names[0]), __FILE__, __LINE__); \
} while (0)

#define assert_dir_empty(dir) \
	check_dir_holds((dir), NULL, 0, __FILE__, __LINE__)

/* PATH with SUFFIX appended; malloc'd. */
static char *
suffixed(const char *path, const char *suffix)
{
	char *out;

	assert_true(asprintf(&out, "%s%s", path, suffix) > 0);
	return out;
}

static const struct atomic_write_options new_file_options = {
	.uid = 1234, .gid = 5678, .mode = 0640, .backup = false,
};

/* Options that differ from every existing file's, to show they are
 * ignored for one. */
static const struct atomic_write_options root_options = {
	.uid = 0, .gid = 0, .mode = 0600, .backup = false,
};

static const struct atomic_write_options backup_options = {
	.uid = 0, .gid = 0, .mode = 0600, .backup = true,
};

/* Writes TEXT as NAME owned by 1234:5678 with mode 0640; its path,
 * malloc'd. */
static char *
put_owned(const struct support_fx *fx, const char *name, const char *text)
{
	char *path = support_in_dir(fx, name);

	support_write_file(path, text, strlen(text), 0640);
	assert_int_equal(chown(path, 1234, 5678), 0);
	assert_owner_mode(path, 1234, 5678, 0640);
	return path;
}

static int
replace_text(const char *path, const char *text,
    const struct atomic_write_options *options, struct nvr_error *err)
{
	return atomic_file_replace(path, text, strlen(text), options, err);
}

/* Waits for child PID; fails unless it exited with status 0. */
static void
reap_ok(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A child that takes the fcntl lock on LOCK_FILE, with no waiting, and
 * exits 0 if it could, 1 if not. */
static void
check_other_process_can_lock(const char *lock_file)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct atomic_lock lock;

		alarm(5);
		if (atomic_lock_take(&lock, lock_file, NULL, 0, NULL) != 0)
			_exit(1);
		atomic_lock_release(&lock);
		_exit(0);
	}
	reap_ok(pid);
}

/* ------------------------------------------------------------------ */
/* atomic_file_replace                                                 */

/* A new file gets the options' owner, group and mode. */
static void
test_atomic_file_replace_ok_new_file(void **state)
{
	struct support_fx *fx = *state;
	char *path = support_in_dir(fx, "shadow");
	struct nvr_error err;

	assert_int_equal(replace_text(path, NEW_TEXT, &new_file_options,
	    &err), 0);
	assert_contents(path, NEW_TEXT);
	assert_owner_mode(path, 1234, 5678, 0640);
	assert_dir_holds(fx->dir, "shadow");
	free(path);
}

/* An existing file keeps its own owner, group and mode; the options'
 * are for new files only. */
static void
test_atomic_file_replace_ok_keeps_owner_and_mode(void **state)
{
	struct support_fx *fx = *state;
	char *path = put_owned(fx, "shadow", OLD_TEXT);
	struct nvr_error err;

	assert_int_equal(replace_text(path, NEW_TEXT, &root_options, &err),
	    0);
	assert_contents(path, NEW_TEXT);
	assert_owner_mode(path, 1234, 5678, 0640);
	free(path);
}

/* PATH- holds exactly the old bytes, with the same owner and mode. */
static void
test_atomic_file_replace_ok_backup(void **state)
{
	struct support_fx *fx = *state;
	char *path = put_owned(fx, "shadow", OLD_TEXT);
	char *backup = suffixed(path, "-");
	struct nvr_error err;

	assert_int_equal(replace_text(path, NEW_TEXT, &backup_options, &err),
	    0);
	assert_contents(path, NEW_TEXT);
	assert_owner_mode(path, 1234, 5678, 0640);
	assert_contents(backup, OLD_TEXT);
	assert_owner_mode(backup, 1234, 5678, 0640);
	assert_dir_holds(fx->dir, "shadow", "shadow-");
	free(backup);
	free(path);
}

/* A second backup replaces the first: PATH- is the version just before. */
static void
test_atomic_file_replace_ok_backup_twice(void **state)
{
	struct support_fx *fx = *state;
	char *path = put_owned(fx, "shadow", OLD_TEXT);
	char *backup = suffixed(path, "-");
	struct nvr_error err;

	assert_int_equal(replace_text(path, NEW_TEXT, &backup_options, &err),
	    0);
	assert_int_equal(replace_text(path, "third\n", &backup_options, &err),
	    0);
	assert_contents(path, "third\n");
	assert_contents(backup, NEW_TEXT);
	assert_owner_mode(backup, 1234, 5678, 0640);
	assert_dir_holds(fx->dir, "shadow", "shadow-");
	free(backup);
	free(path);
}

/* With nothing to back up, no PATH- appears. */
static void
test_atomic_file_replace_ok_backup_of_new_file(void **state)
{
	struct support_fx *fx = *state;
	char *path = support_in_dir(fx, "shadow");
	struct atomic_write_options options = new_file_options;
	struct nvr_error err;

	options.backup = true;
	assert_int_equal(replace_text(path, NEW_TEXT, &options, &err), 0);
	assert_contents(path, NEW_TEXT);
	assert_owner_mode(path, 1234, 5678, 0640);
	assert_dir_holds(fx->dir, "shadow");
	free(path);
}

/* After success the folder holds the file and nothing else: no PATH+. */
static void
test_atomic_file_replace_ok_no_temp_left(void **state)
{
	struct support_fx *fx = *state;
	char *path = put_owned(fx, "shadow", OLD_TEXT);
	char *tmp = suffixed(path, "+");
	struct nvr_error err;

	assert_int_equal(replace_text(path, NEW_TEXT, &root_options, &err),
	    0);
	assert_absent(tmp);
	assert_dir_holds(fx->dir, "shadow");
	free(tmp);
	free(path);
}

static void
test_atomic_file_replace_ok_empty_data(void **state)
{
	struct support_fx *fx = *state;
	char *path = put_owned(fx, "shadow", OLD_TEXT);
	struct nvr_error err;

	assert_int_equal(atomic_file_replace(path, "", 0, &root_options,
	    &err), 0);
	assert_contents(path, "");
	assert_owner_mode(path, 1234, 5678, 0640);
	assert_dir_holds(fx->dir, "shadow");
	free(path);
}

/* A PATH+ left by a killed writer (junk, longer than the new data, mode
 * 0666) is overwritten: the result is exactly the new data, with the
 * target's mode, and PATH+ is gone. */
static void
test_atomic_file_replace_ok_stale_temp(void **state)
{
	struct support_fx *fx = *state;
	char *path = put_owned(fx, "shadow", OLD_TEXT);
	char *tmp = suffixed(path, "+");
	char junk[4096];
	struct nvr_error err;

	memset(junk, 'J', sizeof(junk));
	support_write_file(tmp, junk, sizeof(junk), 0666);
	assert_int_equal(replace_text(path, NEW_TEXT, &root_options, &err),
	    0);
	assert_contents(path, NEW_TEXT);
	assert_owner_mode(path, 1234, 5678, 0640);
	assert_absent(tmp);
	free(tmp);
	free(path);
}

/* The same for a new file: the options' mode, not the stale 0666. */
static void
test_atomic_file_replace_ok_stale_temp_new_file(void **state)
{
	struct support_fx *fx = *state;
	char *path = support_in_dir(fx, "shadow");
	char *tmp = suffixed(path, "+");
	struct nvr_error err;

	support_write_file(tmp, "junk junk junk junk junk junk junk junk\n",
	    40, 0666);
	assert_int_equal(replace_text(path, NEW_TEXT, &new_file_options,
	    &err), 0);
	assert_contents(path, NEW_TEXT);
	assert_owner_mode(path, 1234, 5678, 0640);
	assert_dir_holds(fx->dir, "shadow");
	free(tmp);
	free(path);
}

/* A stale PATH+ hard-linked to another file: that file is not touched. */
static void
test_atomic_file_replace_ok_stale_temp_hard_link(void **state)
{
	struct support_fx *fx = *state;
	char *path = put_owned(fx, "shadow", OLD_TEXT);
	char *other = support_in_dir(fx, "other");
	char *tmp = suffixed(path, "+");
	struct nvr_error err;
	struct stat st;

	support_write_file(other, "precious\n", 9, 0644);
	assert_int_equal(link(other, tmp), 0);
	assert_int_equal(replace_text(path, NEW_TEXT, &root_options, &err),
	    0);
	assert_contents(path, NEW_TEXT);
	assert_contents(other, "precious\n");
	assert_int_equal(stat(other, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(st.st_nlink, 1);
	free(tmp);
	free(other);
	free(path);
}

/* A symlink is not replaced, and the file it points at is unchanged. */
static void
test_atomic_file_replace_nok_symlink(void **state)
{
	struct support_fx *fx = *state;
	char *real = put_owned(fx, "real", OLD_TEXT);
	char *path = support_in_dir(fx, "shadow");
	struct nvr_error err;
	struct stat st;

	assert_int_equal(symlink(real, path), 0);
	assert_true(replace_text(path, NEW_TEXT, &backup_options, &err) < 0);
	assert_non_null(strstr(err.message, path));
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_contents(real, OLD_TEXT);
	assert_owner_mode(real, 1234, 5678, 0640);
	assert_dir_holds(fx->dir, "real", "shadow");
	free(path);
	free(real);
}

static void
test_atomic_file_replace_nok_directory(void **state)
{
	struct support_fx *fx = *state;
	char *path = support_in_dir(fx, "shadow");
	struct nvr_error err;
	struct stat st;

	assert_int_equal(mkdir(path, 0700), 0);
	assert_true(replace_text(path, NEW_TEXT, &root_options, &err) < 0);
	assert_non_null(strstr(err.message, path));
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_dir_holds(fx->dir, "shadow");
	free(path);
}

/* A stale PATH+ that is a symlink is removed, never followed: the file it
 * points at is unchanged and the replace goes through. */
static void
test_atomic_file_replace_ok_stale_temp_symlink(void **state)
{
	struct support_fx *fx = *state;
	char *real = put_owned(fx, "real", OLD_TEXT);
	char *path = put_owned(fx, "shadow", OLD_TEXT);
	char *tmp = suffixed(path, "+");
	struct nvr_error err;

	assert_int_equal(symlink(real, tmp), 0);
	assert_int_equal(replace_text(path, NEW_TEXT, &root_options, &err),
	    0);
	assert_contents(real, OLD_TEXT);
	assert_owner_mode(real, 1234, 5678, 0640);
	assert_contents(path, NEW_TEXT);
	assert_owner_mode(path, 1234, 5678, 0640);
	assert_absent(tmp);
	free(tmp);
	free(path);
	free(real);
}

static void
test_atomic_file_replace_nok_missing_folder(void **state)
{
	struct support_fx *fx = *state;
	char *path = support_in_dir(fx, "nope/shadow");
	struct nvr_error err;
	int rc;

	rc = replace_text(path, NEW_TEXT, &backup_options, &err);
	assert_int_equal(rc, -ENOENT);
	assert_non_null(strstr(err.message, path));
	assert_dir_empty(fx->dir);
	free(path);
}

/* ------------------------------------------------------------------ */
/* atomic_file_read                                                    */

static void
test_atomic_file_read_ok(void **state)
{
	struct support_fx *fx = *state;
	char *path = put_owned(fx, "shadow", OLD_TEXT);
	struct nvr_error err;
	char *data;
	size_t len;

	assert_int_equal(atomic_file_read(path, ATOMIC_FILE_MAX, &data, &len,
	    &err), 0);
	assert_int_equal(len, strlen(OLD_TEXT));
	assert_memory_equal(data, OLD_TEXT, len);
	assert_int_equal(data[len], '\0');
	free(data);
	free(path);
}

static void
test_atomic_file_read_ok_empty(void **state)
{
	struct support_fx *fx = *state;
	char *path = put_owned(fx, "shadow", "");
	struct nvr_error err;
	char *data;
	size_t len = 99;

	assert_int_equal(atomic_file_read(path, ATOMIC_FILE_MAX, &data, &len,
	    &err), 0);
	assert_int_equal(len, 0);
	assert_non_null(data);
	assert_string_equal(data, "");
	free(data);
	free(path);
}

static void
test_atomic_file_read_nok_missing(void **state)
{
	struct support_fx *fx = *state;
	char *path = support_in_dir(fx, "shadow");
	struct nvr_error err;
	char *data;
	size_t len;

	assert_int_equal(atomic_file_read(path, ATOMIC_FILE_MAX, &data, &len,
	    &err), -ENOENT);
	assert_null(data);
	assert_int_equal(len, 0);
	assert_non_null(strstr(err.message, path));
	free(path);
}

/* Exactly MAX bytes is allowed. */
static void
test_atomic_file_read_ok_size_equals_max(void **state)
{
	struct support_fx *fx = *state;
	char *path = put_owned(fx, "shadow", "0123456789");
	struct nvr_error err;
	char *data;
	size_t len;

	assert_int_equal(atomic_file_read(path, 10, &data, &len, &err), 0);
	assert_int_equal(len, 10);
	assert_string_equal(data, "0123456789");
	free(data);
	free(path);
}

/* MAX + 1 bytes is refused. */
static void
test_atomic_file_read_nok_over_max(void **state)
{
	struct support_fx *fx = *state;
	char *path = put_owned(fx, "shadow", "0123456789A");
	struct nvr_error err;
	char *data;
	size_t len;

	assert_int_equal(atomic_file_read(path, 10, &data, &len, &err),
	    -EFBIG);
	assert_null(data);
	assert_int_equal(len, 0);
	assert_non_null(strstr(err.message, path));
	free(path);
}

/* A file past 4 GiB is refused as too large, not read as its size modulo
 * 2^32 (what a 32-bit size_t holds: here 10 bytes). Sparse, so it costs
 * no space. */
static void
test_atomic_file_read_nok_over_4gib(void **state)
{
	struct support_fx *fx = *state;
	char *path = put_owned(fx, "shadow", "0123456789");
	struct nvr_error err;
	char *data;
	size_t len;

	assert_int_equal(truncate(path, ((off_t)1 << 32) + 10), 0);
	assert_int_equal(atomic_file_read(path, 4096, &data, &len, &err),
	    -EFBIG);
	assert_null(data);
	assert_int_equal(len, 0);
	free(path);
}

/* A FIFO with no writer is refused at once, not waited on. The read
 * runs in a child with an alarm, so a hang fails this test only. */
static void
test_atomic_file_read_nok_fifo(void **state)
{
	struct support_fx *fx = *state;
	char *path = support_in_dir(fx, "shadow");
	int status;
	pid_t pid;

	assert_int_equal(mkfifo(path, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct nvr_error err;
		char *data;
		size_t len;
		int rc;

		alarm(5);
		rc = atomic_file_read(path, ATOMIC_FILE_MAX, &data, &len,
		    &err);
		_exit(rc < 0 && data == NULL &&
		    strstr(err.message, path) != NULL ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		fail_msg("atomic_file_read blocked on a FIFO");
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	free(path);
}

/* A symlink, even to a good file, is not followed. */
static void
test_atomic_file_read_nok_symlink(void **state)
{
	struct support_fx *fx = *state;
	char *real = put_owned(fx, "real", OLD_TEXT);
	char *path = support_in_dir(fx, "shadow");
	struct nvr_error err;
	char *data;
	size_t len;

	assert_int_equal(symlink(real, path), 0);
	assert_int_equal(atomic_file_read(path, ATOMIC_FILE_MAX, &data, &len,
	    &err), -ELOOP);
	assert_null(data);
	assert_non_null(strstr(err.message, path));
	free(path);
	free(real);
}

static void
test_atomic_file_read_nok_directory(void **state)
{
	struct support_fx *fx = *state;
	char *path = support_in_dir(fx, "shadow");
	struct nvr_error err;
	char *data;
	size_t len;

	assert_int_equal(mkdir(path, 0700), 0);
	assert_true(atomic_file_read(path, ATOMIC_FILE_MAX, &data, &len,
	    &err) < 0);
	assert_null(data);
	assert_non_null(strstr(err.message, path));
	free(path);
}

/* ------------------------------------------------------------------ */
/* atomic_lock_take, atomic_lock_release                               */

static void
test_atomic_lock_take_ok_and_release(void **state)
{
	struct support_fx *fx = *state;
	char *lock_file = support_in_dir(fx, ".pwd.lock");
	struct atomic_lock lock;
	struct nvr_error err;

	assert_int_equal(atomic_lock_take(&lock, lock_file, NULL, 200, &err),
	    0);
	assert_true(lock.fd >= 0);
	assert_null(lock.link_path);
	atomic_lock_release(&lock);
	assert_int_equal(lock.fd, -1);
	check_other_process_can_lock(lock_file);
	assert_dir_holds(fx->dir, ".pwd.lock");
	free(lock_file);
}

/* Another process holds the fcntl lock: busy after the timeout, with the
 * lock file named; once it lets go, the lock can be taken. */
static void
test_atomic_lock_take_nok_held_by_other_process(void **state)
{
	struct support_fx *fx = *state;
	char *lock_file = support_in_dir(fx, ".pwd.lock");
	struct atomic_lock lock;
	struct nvr_error err;
	int ready[2], go[2];
	char c = 'x';
	pid_t pid;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct atomic_lock held;

		alarm(10);	/* never outlive a failed test for long */
		close(ready[0]);
		close(go[1]);
		if (atomic_lock_take(&held, lock_file, NULL, 0, NULL) != 0)
			_exit(1);
		if (write(ready[1], &c, 1) != 1)
			_exit(2);
		if (read(go[0], &c, 1) < 0)	/* byte or EOF: let go */
			_exit(3);
		atomic_lock_release(&held);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	alarm(5);
	assert_int_equal(read(ready[0], &c, 1), 1);
	alarm(0);
	close(ready[0]);

	assert_int_equal(atomic_lock_take(&lock, lock_file, NULL, 200, &err),
	    -EBUSY);
	assert_non_null(strstr(err.message, lock_file));
	assert_int_equal(lock.fd, -1);
	assert_null(lock.link_path);

	assert_int_equal(write(go[1], &c, 1), 1);
	close(go[1]);
	reap_ok(pid);
	assert_int_equal(atomic_lock_take(&lock, lock_file, NULL, 200, &err),
	    0);
	atomic_lock_release(&lock);
	free(lock_file);
}

/* TARGET.lock naming a live process: busy, the pid in the message, and
 * neither that lock nor our fcntl lock is kept. */
static void
test_atomic_lock_take_nok_link_lock_live_pid(void **state)
{
	struct support_fx *fx = *state;
	char *lock_file = support_in_dir(fx, ".pwd.lock");
	char *target = support_in_dir(fx, "shadow");
	char *link = suffixed(target, ".lock");
	char pid_text[24], *want;
	struct atomic_lock lock;
	struct nvr_error err;
	int go[2];
	pid_t pid;

	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char c;

		alarm(10);
		close(go[1]);
		if (read(go[0], &c, 1) < 0)	/* sleeps until EOF */
			_exit(3);
		_exit(0);
	}
	close(go[0]);
	snprintf(pid_text, sizeof(pid_text), "%ld", (long)pid);
	support_write_file(link, pid_text, strlen(pid_text), 0600);

	assert_int_equal(atomic_lock_take(&lock, lock_file, target, 200,
	    &err), -EBUSY);
	assert_true(asprintf(&want, "process %s", pid_text) > 0);
	assert_non_null(strstr(err.message, want));
	assert_non_null(strstr(err.message, link));
	assert_int_equal(lock.fd, -1);
	assert_null(lock.link_path);
	check_contents(link, pid_text, strlen(pid_text), __FILE__, __LINE__);
	assert_dir_holds(fx->dir, ".pwd.lock", "shadow.lock");
	check_other_process_can_lock(lock_file);

	close(go[1]);
	reap_ok(pid);
	free(want);
	free(link);
	free(target);
	free(lock_file);
}

/* TARGET.lock naming a process that no longer exists is stale: it is
 * removed and the lock taken, TARGET.lock now holding our pid as
 * decimal text (as shadow-utils writes it). */
static void
test_atomic_lock_take_ok_link_lock_stale_pid(void **state)
{
	struct support_fx *fx = *state;
	char *lock_file = support_in_dir(fx, ".pwd.lock");
	char *target = support_in_dir(fx, "shadow");
	char *link = suffixed(target, ".lock");
	char pid_text[24];
	struct atomic_lock lock;
	struct nvr_error err;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	reap_ok(pid);
	assert_int_equal(kill(pid, 0), -1);
	assert_int_equal(errno, ESRCH);
	snprintf(pid_text, sizeof(pid_text), "%ld", (long)pid);
	support_write_file(link, pid_text, strlen(pid_text), 0600);

	assert_int_equal(atomic_lock_take(&lock, lock_file, target, 200,
	    &err), 0);
	assert_true(lock.fd >= 0);
	assert_string_equal(lock.link_path, link);
	snprintf(pid_text, sizeof(pid_text), "%ld", (long)getpid());
	check_contents(link, pid_text, strlen(pid_text), __FILE__, __LINE__);
	assert_dir_holds(fx->dir, ".pwd.lock", "shadow.lock");

	atomic_lock_release(&lock);
	assert_absent(link);
	assert_dir_holds(fx->dir, ".pwd.lock");
	free(link);
	free(target);
	free(lock_file);
}

/* A TARGET.lock without a pid may be half-written by passwd: busy, and
 * left alone (shadow-utils does the same). */
static void
test_atomic_lock_take_nok_link_lock_without_pid(void **state)
{
	struct support_fx *fx = *state;
	char *lock_file = support_in_dir(fx, ".pwd.lock");
	char *target = support_in_dir(fx, "shadow");
	char *link = suffixed(target, ".lock");
	struct atomic_lock lock;
	struct nvr_error err;

	support_write_file(link, "", 0, 0600);
	assert_int_equal(atomic_lock_take(&lock, lock_file, target, 200,
	    &err), -EBUSY);
	assert_non_null(strstr(err.message, "holds no process id"));
	assert_contents(link, "");
	assert_false(lock.held);
	assert_int_equal(lock.fd, -1);
	free(link);
	free(target);
	free(lock_file);
}

/* A zeroed lock struct (fd 0) is never "released": fd 0 stays open. */
static void
test_atomic_lock_release_ok_zeroed(void **state)
{
	struct atomic_lock lock;

	(void)state;
	memset(&lock, 0, sizeof(lock));
	atomic_lock_release(&lock);
	assert_true(fcntl(0, F_GETFD) != -1 || errno != EBADF);
}

/* While held, TARGET.lock names us and TARGET.PID is gone; release
 * removes TARGET.lock. */
static void
test_atomic_lock_release_ok_removes_link_lock(void **state)
{
	struct support_fx *fx = *state;
	char *lock_file = support_in_dir(fx, ".pwd.lock");
	char *target = put_owned(fx, "shadow", OLD_TEXT);
	char *link = suffixed(target, ".lock");
	char pid_text[24], *mine;
	struct atomic_lock lock;
	struct nvr_error err;

	snprintf(pid_text, sizeof(pid_text), "%ld", (long)getpid());
	assert_true(asprintf(&mine, "%s.%s", target, pid_text) > 0);
	assert_int_equal(atomic_lock_take(&lock, lock_file, target, 200,
	    &err), 0);
	check_contents(link, pid_text, strlen(pid_text), __FILE__, __LINE__);
	assert_absent(mine);

	atomic_lock_release(&lock);
	assert_int_equal(lock.fd, -1);
	assert_null(lock.link_path);
	assert_absent(link);
	assert_absent(mine);
	assert_contents(target, OLD_TEXT);
	assert_dir_holds(fx->dir, ".pwd.lock", "shadow");
	free(mine);
	free(link);
	free(target);
	free(lock_file);
}

/* A lock that was never taken (fd -1, no link), released twice. */
static void
test_atomic_lock_release_ok_never_taken(void **state)
{
	struct support_fx *fx = *state;
	struct atomic_lock lock = { .fd = -1, .link_path = NULL };

	atomic_lock_release(&lock);
	atomic_lock_release(&lock);
	assert_int_equal(lock.fd, -1);
	assert_null(lock.link_path);
	assert_dir_empty(fx->dir);
}

/* A lock whose take failed, and one released twice after a take. */
static void
test_atomic_lock_release_ok_after_failed_take_and_twice(void **state)
{
	struct support_fx *fx = *state;
	char *missing = support_in_dir(fx, "nope/.pwd.lock");
	char *lock_file = support_in_dir(fx, ".pwd.lock");
	char *target = support_in_dir(fx, "shadow");
	struct atomic_lock lock;
	struct nvr_error err;

	assert_int_equal(atomic_lock_take(&lock, missing, target, 200, &err),
	    -ENOENT);
	assert_non_null(strstr(err.message, missing));
	assert_int_equal(lock.fd, -1);
	assert_null(lock.link_path);
	atomic_lock_release(&lock);

	assert_int_equal(atomic_lock_take(&lock, lock_file, target, 200,
	    &err), 0);
	atomic_lock_release(&lock);
	atomic_lock_release(&lock);
	assert_dir_holds(fx->dir, ".pwd.lock");
	free(target);
	free(lock_file);
	free(missing);
}

/* The link lock taken while our own fcntl lock is held (one take with
 * both), then released: no TARGET.lock or TARGET.PID remains and another
 * process can take the fcntl lock at once. */
static void
test_atomic_lock_take_ok_both_locks_leave_nothing(void **state)
{
	struct support_fx *fx = *state;
	char *lock_file = support_in_dir(fx, ".pwd.lock");
	char *target = put_owned(fx, "shadow", OLD_TEXT);
	struct atomic_lock lock;
	struct nvr_error err;

	assert_int_equal(atomic_lock_take(&lock, lock_file, target, 200,
	    &err), 0);
	assert_true(lock.fd >= 0);
	assert_non_null(lock.link_path);
	assert_dir_holds(fx->dir, ".pwd.lock", "shadow", "shadow.lock");
	atomic_lock_release(&lock);
	assert_dir_holds(fx->dir, ".pwd.lock", "shadow");
	check_other_process_can_lock(lock_file);
	assert_contents(target, OLD_TEXT);
	free(target);
	free(lock_file);
}

/* A state file is trusted only when every folder above its own is too:
 * a group-writable one (or, as root, one of another user) could move
 * the state folder aside. Sticky is fine; a relative path is taken from
 * the current folder. */
static void
test_atomic_file_check_trusted_ancestors(void **state)
{
	struct support_fx *fx = *state;
	char *shared = support_in_dir(fx, "shared");
	char *store = support_in_dir(fx, "shared/state");
	char *file = support_in_dir(fx, "shared/state/attempts");
	struct nvr_error err;
	char cwd[PATH_MAX];

	assert_int_equal(mkdir(shared, 0775), 0);
	assert_int_equal(chmod(shared, 0775), 0);
	assert_int_equal(mkdir(store, 0700), 0);
	assert_int_equal(atomic_file_check_trusted(file, &err), -EPERM);
	assert_non_null(strstr(err.message, "can be written by its group"));
	assert_non_null(strstr(err.message, shared));
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(store), 0);
	assert_int_equal(atomic_file_check_trusted("attempts", &err), -EPERM);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(chmod(shared, 01777), 0);
	assert_int_equal(atomic_file_check_trusted(file, &err), 0);
	assert_int_equal(chmod(shared, 0755), 0);
	assert_int_equal(atomic_file_check_trusted(file, &err), 0);
	if (geteuid() == 0) {
		assert_int_equal(chown(shared, 65534, 65534), 0);
		assert_int_equal(atomic_file_check_trusted(file, &err), -EPERM);
		assert_non_null(strstr(err.message, "belongs to uid 65534"));
		assert_int_equal(chown(shared, 0, 0), 0);
	}
	free(file);
	free(store);
	free(shared);
}

/* A replaced file never keeps set-user- or set-group-ID: it may be a
 * hard link to a program, and its new contents are not that program. */
static void
test_atomic_file_replace_ok_drops_setuid(void **state)
{
	struct support_fx *fx = *state;
	char *path = support_in_dir(fx, "conf");
	struct atomic_write_options options = { .mode = 0600 };
	struct nvr_error err;
	struct stat st;

	support_write_file(path, "old", 3, 0755);
	assert_int_equal(chmod(path, 06755), 0);
	assert_int_equal(atomic_file_replace(path, "new", 3, &options, &err),
	    0);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	free(path);
}

int
main(void)
{
#define T(name) \
	cmocka_unit_test_setup_teardown(name, fx_setup, support_fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_atomic_file_replace_ok_new_file),
		T(test_atomic_file_replace_ok_keeps_owner_and_mode),
		T(test_atomic_file_replace_ok_backup),
		T(test_atomic_file_replace_ok_backup_twice),
		T(test_atomic_file_replace_ok_backup_of_new_file),
		T(test_atomic_file_replace_ok_no_temp_left),
		T(test_atomic_file_replace_ok_empty_data),
		T(test_atomic_file_replace_ok_stale_temp),
		T(test_atomic_file_replace_ok_stale_temp_new_file),
		T(test_atomic_file_replace_ok_stale_temp_hard_link),
		T(test_atomic_file_replace_nok_symlink),
		T(test_atomic_file_replace_nok_directory),
		T(test_atomic_file_replace_ok_stale_temp_symlink),
		T(test_atomic_file_replace_nok_missing_folder),
		T(test_atomic_file_read_ok),
		T(test_atomic_file_read_ok_empty),
		T(test_atomic_file_read_nok_missing),
		T(test_atomic_file_read_ok_size_equals_max),
		T(test_atomic_file_read_nok_over_max),
		T(test_atomic_file_read_nok_over_4gib),
		T(test_atomic_file_read_nok_fifo),
		T(test_atomic_file_read_nok_symlink),
		T(test_atomic_file_read_nok_directory),
		T(test_atomic_lock_take_ok_and_release),
		T(test_atomic_lock_take_nok_held_by_other_process),
		T(test_atomic_lock_take_nok_link_lock_live_pid),
		T(test_atomic_lock_take_ok_link_lock_stale_pid),
		T(test_atomic_lock_take_nok_link_lock_without_pid),
		T(test_atomic_lock_release_ok_zeroed),
		T(test_atomic_lock_release_ok_removes_link_lock),
		T(test_atomic_lock_release_ok_never_taken),
		T(test_atomic_lock_release_ok_after_failed_take_and_twice),
		T(test_atomic_lock_take_ok_both_locks_leave_nothing),
		T(test_atomic_file_check_trusted_ancestors),
		T(test_atomic_file_replace_ok_drops_setuid),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
