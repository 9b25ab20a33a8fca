/*
 * test_atomic_crash.c: a writer killed at any step of
 * atomic_file_replace leaves the store whole (common/atomic_file.c,
 * built with -DNVR_FAILPOINTS for this test only).
 *
 * For each failpoint a forked child replaces PATH, which holds OLD, with
 * NEW and is killed with SIGKILL at that point. The parent then checks
 * that PATH is exactly OLD or exactly NEW with its owner and mode, that
 * PATH- (if any) is exactly OLD, that a temporary file left behind is no
 * more readable than PATH, and that the next normal replace succeeds and
 * cleans up. Each case prints which version the crash left.
 *
 * Without the core objects (and so without tests/unit/support.c), this
 * test keeps its own folder under /tmp, removed in teardown.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
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
#include "common/failpoint.h"

#ifndef NVR_FAILPOINTS
#error "test_atomic_crash needs common/atomic_file.c with -DNVR_FAILPOINTS"
#endif

#define OWNER 1234
#define GROUP 5678
#define MODE 0640

enum left { LEFT_OLD, LEFT_NEW };

/* One case: where the child dies, whether it keeps a backup, and which
 * version PATH must hold after the crash. */
struct crash_case {
	const char *failpoint;	/* "none": the child is not killed */
	bool backup;
	enum left left;
};

struct crash_fx {
	const struct crash_case *c;
	char dir[64];
	char path[128];		/* dir/shadow */
	char backup[132];	/* PATH- */
	char tmp[132];		/* PATH+ */
	char backup_tmp[136];	/* PATH-+ */
};

/* A few KiB each, of different lengths, so a mixture shows. */
static char old_data[3000];
static char new_data[5000];
static char next_data[1000];

static void
fill(char *buf, size_t len, const char *word)
{
	size_t used = 0;

	for (unsigned i = 0; used < len; i++) {
		char line[64];
		int n = snprintf(line, sizeof(line), "%s line %04u\n", word, i);
		size_t take = len - used < (size_t)n ? len - used : (size_t)n;

		memcpy(buf + used, line, take);
		used += take;
	}
}

/* Writes LEN bytes to PATH owned by OWNER:GROUP with MODE. */
static void
put_file(const char *path, const void *data, size_t len)
{
	const char *p = data;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		assert_true(n > 0);
		p += n;
		len -= (size_t)n;
	}
	assert_int_equal(fchown(fd, OWNER, GROUP), 0);
	assert_int_equal(fchmod(fd, MODE), 0);
	assert_int_equal(close(fd), 0);
}

static int
fx_setup(void **state)
{
	struct crash_fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	fx->c = *state;		/* the case, from the prestate */
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/nvr-test-crash-XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/shadow", fx->dir);
	snprintf(fx->backup, sizeof(fx->backup), "%s-", fx->path);
	snprintf(fx->tmp, sizeof(fx->tmp), "%s+", fx->path);
	snprintf(fx->backup_tmp, sizeof(fx->backup_tmp), "%s+", fx->backup);
	*state = fx;
	put_file(fx->path, old_data, sizeof(old_data));
	return 0;
}

static int
remove_entry(const char *path, const struct stat *sb, int flag,
    struct FTW *walk)
{
	(void)sb;
	(void)flag;
	(void)walk;
	return remove(path);
}

static int
fx_teardown(void **state)
{
	struct crash_fx *fx = *state;

	nftw(fx->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

/* The bytes of PATH; malloc'd, or NULL (errno set) if it cannot be
 * opened. */
static char *
slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t used = 0, size = 8192;
	char *buf;

	if (fd < 0)
		return NULL;
	buf = malloc(size);
	assert_non_null(buf);
	for (;;) {
		ssize_t n;

		if (used == size) {
			size *= 2;
			buf = realloc(buf, size);
			assert_non_null(buf);
		}
		n = read(fd, buf + used, size - used);
		assert_true(n >= 0);
		if (n == 0)
			break;
		used += (size_t)n;
	}
	assert_int_equal(close(fd), 0);
	*len = used;
	return buf;
}

static bool
holds(const char *got, size_t got_len, const char *want, size_t want_len)
{
	return got_len == want_len && memcmp(got, want, want_len) == 0;
}

/* Fails unless PATH is a regular file OWNER:GROUP with MODE. */
static void
check_owner_mode(const char *path, const char *file, int line)
{
	struct stat st;

	if (lstat(path, &st) != 0) {
		print_error("%s: %s\n", path, strerror(errno));
		_fail(file, line);
	}
	if (S_ISREG(st.st_mode) && st.st_uid == OWNER &&
	    st.st_gid == GROUP && (st.st_mode & 07777) == MODE)
		return;
	print_error("%s is %ld:%ld mode %06o, expected a regular file "
	    "%d:%d mode %04o\n", path, (long)st.st_uid, (long)st.st_gid,
	    (unsigned)st.st_mode, OWNER, GROUP, MODE);
	_fail(file, line);
}

#define assert_owner_mode(path) check_owner_mode((path), __FILE__, __LINE__)

static void
assert_absent(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		print_error("%s was left behind\n", path);
	assert_int_equal(lstat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
}

/* Forks the child that replaces PATH with NEW, to die at the case's
 * failpoint; checks how it ended. */
static void
run_child(const struct crash_fx *fx)
{
	const struct atomic_write_options options = {
		.uid = 0, .gid = 0, .mode = 0600, .backup = fx->c->backup,
	};
	bool killed = strcmp(fx->c->failpoint, "none") != 0;
	int status;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(10);
		failpoint_target = fx->c->failpoint;
		_exit(atomic_file_replace(fx->path, new_data,
		    sizeof(new_data), &options, NULL) == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (killed) {
		if (!WIFSIGNALED(status))
			print_error("the child was not killed at %s (exit "
			    "%d)\n", fx->c->failpoint, WEXITSTATUS(status));
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGKILL);
	} else {
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
}

/* PATH is wholly OLD or wholly NEW with its owner and mode; PATH-, if
 * any, wholly OLD; a temporary file left behind no more readable than
 * PATH. Returns PATH's bytes (malloc'd) and whether they are NEW. */
static char *
check_whole(const struct crash_fx *fx, size_t *len, bool *is_new)
{
	char *data = slurp(fx->path, len), *backup;
	size_t backup_len;

	if (data == NULL)
		print_error("%s: %s\n", fx->path, strerror(errno));
	assert_non_null(data);
	assert_owner_mode(fx->path);
	*is_new = holds(data, *len, new_data, sizeof(new_data));
	if (!*is_new && !holds(data, *len, old_data, sizeof(old_data))) {
		print_error("%s holds %zu bytes, neither OLD (%zu) nor NEW "
		    "(%zu) exactly\n", fx->path, *len, sizeof(old_data),
		    sizeof(new_data));
		fail();
	}

	backup = slurp(fx->backup, &backup_len);
	if (backup != NULL) {
		assert_owner_mode(fx->backup);
		if (!holds(backup, backup_len, old_data, sizeof(old_data))) {
			print_error("%s holds %zu bytes, not OLD exactly\n",
			    fx->backup, backup_len);
			fail();
		}
		free(backup);
	} else {
		assert_int_equal(errno, ENOENT);
	}

	if (access(fx->tmp, F_OK) == 0)
		assert_owner_mode(fx->tmp);
	if (access(fx->backup_tmp, F_OK) == 0)
		assert_owner_mode(fx->backup_tmp);
	return data;
}

/* A normal replace after the crash succeeds, backs up what the crash
 * left, and leaves only PATH and PATH-. */
static void
check_next_replace(const struct crash_fx *fx, const char *left,
    size_t left_len)
{
	const struct atomic_write_options options = {
		.uid = 0, .gid = 0, .mode = 0600, .backup = true,
	};
	struct nvr_error err;
	char *data;
	size_t len;
	DIR *d;
	struct dirent *ent;
	size_t entries = 0;

	assert_null(failpoint_target);
	if (atomic_file_replace(fx->path, next_data, sizeof(next_data),
	    &options, &err) != 0) {
		print_error("replace after the crash: %s\n", err.message);
		fail();
	}
	data = slurp(fx->path, &len);
	assert_non_null(data);
	assert_true(holds(data, len, next_data, sizeof(next_data)));
	free(data);
	assert_owner_mode(fx->path);
	data = slurp(fx->backup, &len);
	assert_non_null(data);
	assert_true(holds(data, len, left, left_len));
	free(data);
	assert_owner_mode(fx->backup);
	assert_absent(fx->tmp);
	assert_absent(fx->backup_tmp);

	d = opendir(fx->dir);
	assert_non_null(d);
	while ((ent = readdir(d)) != NULL)
		if (strcmp(ent->d_name, ".") != 0 &&
		    strcmp(ent->d_name, "..") != 0)
			entries++;
	closedir(d);
	assert_int_equal(entries, 2);
}

static void
test_atomic_file_replace_ok_crash(void **state)
{
	struct crash_fx *fx = *state;
	char *left;
	size_t left_len;
	bool is_new;

	run_child(fx);
	left = check_whole(fx, &left_len, &is_new);
	print_message("    failpoint %-18s backup %-3s -> PATH %s%s%s\n",
	    fx->c->failpoint, fx->c->backup ? "yes" : "no",
	    is_new ? "NEW" : "OLD",
	    access(fx->backup, F_OK) == 0 ? ", PATH- OLD" : "",
	    access(fx->tmp, F_OK) == 0 ? ", stale PATH+" :
	    access(fx->backup_tmp, F_OK) == 0 ? ", stale PATH-+" : "");
	assert_int_equal(is_new, fx->c->left == LEFT_NEW);
	check_next_replace(fx, left, left_len);
	free(left);
}

#define CASE(name, fp, keep, version) \
	static const struct crash_case name = { (fp), (keep), (version) }

/* With a backup, PATH- is written first, with failpoints of its own: a
 * crash anywhere in it leaves PATH old. */
CASE(backup_created, "backup-created", true, LEFT_OLD);
CASE(backup_written, "backup-written", true, LEFT_OLD);
CASE(backup_synced, "backup-synced", true, LEFT_OLD);
CASE(backup_renamed, "backup-renamed", true, LEFT_OLD);
CASE(backup_done, "atomic-backup-done", true, LEFT_OLD);
/* Then PATH itself: old until the rename, new from it on. */
CASE(created_backup, "atomic-created", true, LEFT_OLD);
CASE(written_backup, "atomic-written", true, LEFT_OLD);
CASE(synced_backup, "atomic-synced", true, LEFT_OLD);
CASE(renamed_backup, "atomic-renamed", true, LEFT_NEW);
CASE(none_backup, "none", true, LEFT_NEW);
/* Without a backup, the same for PATH alone. */
CASE(created_plain, "atomic-created", false, LEFT_OLD);
CASE(written_plain, "atomic-written", false, LEFT_OLD);
CASE(synced_plain, "atomic-synced", false, LEFT_OLD);
CASE(renamed_plain, "atomic-renamed", false, LEFT_NEW);
CASE(none_plain, "none", false, LEFT_NEW);

int
main(void)
{
#define T(name, c) { #name "_" #c, name, fx_setup, fx_teardown, \
	(void *)&(c) }
	const struct CMUnitTest tests[] = {
		T(test_atomic_file_replace_ok_crash, backup_created),
		T(test_atomic_file_replace_ok_crash, backup_written),
		T(test_atomic_file_replace_ok_crash, backup_synced),
		T(test_atomic_file_replace_ok_crash, backup_renamed),
		T(test_atomic_file_replace_ok_crash, backup_done),
		T(test_atomic_file_replace_ok_crash, created_backup),
		T(test_atomic_file_replace_ok_crash, written_backup),
		T(test_atomic_file_replace_ok_crash, synced_backup),
		T(test_atomic_file_replace_ok_crash, renamed_backup),
		T(test_atomic_file_replace_ok_crash, none_backup),
		T(test_atomic_file_replace_ok_crash, created_plain),
		T(test_atomic_file_replace_ok_crash, written_plain),
		T(test_atomic_file_replace_ok_crash, synced_plain),
		T(test_atomic_file_replace_ok_crash, renamed_plain),
		T(test_atomic_file_replace_ok_crash, none_plain),
	};
#undef T

	fill(old_data, sizeof(old_data), "old");
	fill(new_data, sizeof(new_data), "new");
	fill(next_data, sizeof(next_data), "next");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
