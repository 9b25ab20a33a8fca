/* append_file.c: adding a line to a log (append_file.h). */
#include "common/append_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/private_file.h"

#define OPEN_FLAGS (O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY)

/* A writer that finds the file renamed under it this often gives up. */
#define REOPEN_MAX 8

static int
lock_whole(int fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	while (fcntl(fd, F_SETLKW, &fl) != 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* The last whole line of FD (SIZE bytes) into LAST, without its '\n';
 * "" when there is none or it is longer than a line may be. */
static void
last_line(int fd, off_t size, char last[APPEND_FILE_LINE_MAX])
{
	char buf[APPEND_FILE_LINE_MAX + 1];
	off_t from = size > APPEND_FILE_LINE_MAX ? size -
	    APPEND_FILE_LINE_MAX : 0;
	ssize_t n;
	char *start;

	last[0] = '\0';
	if (size <= 0)
		return;
	n = pread(fd, buf, (size_t)(size - from), from);
	if (n <= 0 || buf[n - 1] != '\n')
		return;
	buf[n - 1] = '\0';
	start = strrchr(buf, '\n');
	if (start != NULL)
		start++;
	else if (from == 0)
		start = buf;
	else
		return;
	if (strlen(start) < APPEND_FILE_LINE_MAX)
		memcpy(last, start, strlen(start) + 1);
}

/* The last line of the older file OLDER in DIR, for a new or empty log. */
static void
older_last_line(int dir, const char *older, char last[APPEND_FILE_LINE_MAX])
{
	int fd = openat(dir, older, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NOCTTY | O_NONBLOCK);
	struct stat st;

	last[0] = '\0';
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		last_line(fd, st.st_size, last);
	close(fd);
}

/* Opens NAME in DIR for appending, locked, and still at NAME; *CREATED
 * if we made it. Returns the descriptor or a negative errno. */
static int
open_locked(int dir, const char *name, const char *shown, bool *created,
    struct stat *st, struct nvr_error *err)
{
	for (int tries = 0; tries < REOPEN_MAX; tries++) {
		struct stat at;
		int fd = openat(dir, name, OPEN_FLAGS | O_CREAT | O_EXCL, 0600);
		int rc;

		*created = fd >= 0;
		if (fd < 0 && errno == EEXIST)
			fd = openat(dir, name, OPEN_FLAGS);
		if (fd < 0)
			return nvr_error_set(err, -errno, "cannot open %s: %s",
			    shown, strerror(errno));
		rc = lock_whole(fd);
		if (rc == 0 && fstat(fd, st) != 0)
			rc = -errno;
		if (rc != 0) {
			close(fd);
			return nvr_error_set(err, rc, "cannot lock %s: %s",
			    shown, strerror(-rc));
		}
		/* Renamed to NAME.1 while we waited: the log is NAME. */
		if (fstatat(dir, name, &at, AT_SYMLINK_NOFOLLOW) != 0 ||
		    at.st_dev != st->st_dev || at.st_ino != st->st_ino) {
			close(fd);
			continue;
		}
		rc = private_file_check_stat(shown, st, err);
		if (rc != 0) {
			close(fd);
			return rc;
		}
		return fd;
	}
	return nvr_error_set(err, -EAGAIN, "cannot open %s: it keeps being "
	    "replaced", shown);
}

/* Writes LINE (LEN bytes) to FD, at the end of its SIZE bytes, and
 * fsyncs it (invariants 1 and 2). */
static int
write_line(int fd, off_t size, const char *line, size_t len,
    const char *shown, struct nvr_error *err)
{
	ssize_t n;

	while ((n = write(fd, line, len)) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)len) {
		/* A short write has no errno of its own: the storage is
		 * full by the next byte. */
		int saved = n < 0 ? errno : ENOSPC;

		if (n > 0 && ftruncate(fd, size) == 0)
			(void)fsync(fd);
		return nvr_error_set(err, -saved, "cannot write %s: %s", shown,
		    strerror(saved));
	}
	if (fsync(fd) != 0)
		return nvr_error_set(err, -errno, "cannot sync %s: %s", shown,
		    strerror(errno));
	return 0;
}

int
append_file_composed(const char *dir, const char *name, off_t rotate_at,
    append_file_compose compose, void *ctx, struct nvr_error *err)
{
	char shown[PATH_MAX], older[NAME_MAX + 1];
	char last[APPEND_FILE_LINE_MAX], line[APPEND_FILE_LINE_MAX + 1];
	int dfd, fd = -1, rc = 0, len = 0;
	bool created = false;
	struct stat st;

	if ((size_t)snprintf(shown, sizeof(shown), "%s/%s", dir, name) >=
	    sizeof(shown) || (size_t)snprintf(older, sizeof(older), "%s"
	    APPEND_FILE_OLDER, name) >= sizeof(older))
		return nvr_error_set(err, -ENAMETOOLONG, "%s/%s: name too "
		    "long", dir, name);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return nvr_error_set(err, -errno, "cannot open %s: %s", dir,
		    strerror(errno));
	for (int rotations = 0; rotations < 2; rotations++) {
		fd = open_locked(dfd, name, shown, &created, &st, err);
		if (fd < 0) {
			rc = fd;
			break;
		}
		if (st.st_size > 0)
			last_line(fd, st.st_size, last);
		else
			older_last_line(dfd, older, last);
		len = compose(ctx, last, line, sizeof(line));
		if (len <= 0 || line[len - 1] != '\n') {
			rc = nvr_error_set(err, len < 0 ? len : -EINVAL,
			    "cannot add to %s: the line does not fit", shown);
			break;
		}
		if (rotate_at <= 0 || st.st_size == 0 ||
		    st.st_size + len <= rotate_at)
			break;
		/* Full: NAME becomes NAME.1, and the line starts NAME. */
		if (renameat(dfd, name, dfd, older) != 0) {
			rc = nvr_error_set(err, -errno, "cannot rename %s: %s",
			    shown, strerror(errno));
			break;
		}
		(void)fsync(dfd);
		close(fd);
		fd = -1;
	}
	if (rc == 0 && fd < 0)
		rc = nvr_error_set(err, -EAGAIN, "cannot add to %s: it keeps "
		    "filling up", shown);
	if (rc == 0)
		rc = write_line(fd, st.st_size, line, (size_t)len, shown, err);
	/* Closing lets the lock go. */
	if (fd >= 0 && close(fd) != 0 && rc == 0)
		rc = nvr_error_set(err, -errno, "cannot close %s: %s", shown,
		    strerror(errno));
	if (rc == 0 && created && fsync(dfd) != 0)
		rc = nvr_error_set(err, -errno, "cannot sync folder %s: %s",
		    dir, strerror(errno));
	close(dfd);
	return rc;
}

struct given_line {
	const char *line;
	size_t len;
};

static int
copy_given(void *ctx, const char *last, char *out, size_t size)
{
	const struct given_line *g = ctx;

	(void)last;
	if (g->len >= size)
		return -EINVAL;
	memcpy(out, g->line, g->len);
	out[g->len] = '\0';
	return (int)g->len;
}

int
append_file_line(const char *dir, const char *name, const char *line,
    size_t len, off_t rotate_at, struct nvr_error *err)
{
	struct given_line g = { line, len };

	return append_file_composed(dir, name, rotate_at, copy_given, &g,
	    err);
}
