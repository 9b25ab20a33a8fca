/*
 * atomic_file.c: locked, atomic, durable replacement of small files.
 *
 * Invariants:
 * 1. PATH is only ever replaced by rename(2) of a complete temporary file
 *    PATH+ in the same folder (so the rename cannot cross file systems).
 * 2. The temporary file gets the target's owner, group and mode before a
 *    byte is written, so the secret is never readable by others, not even
 *    for a moment.
 * 3. The data is fsynced before the rename, and the folder after it, so
 *    after a power cut the name points at the old file or the new one
 *    (shadow-utils stops before the folder fsync). Once the rename is
 *    done the replacement has happened: a folder fsync that fails then
 *    is not reported as a failure.
 * 4. A stale PATH+ left by a killed writer is removed and made anew: only
 *    the lock holder writes it.
 * 5. Names are never followed through a final symlink (O_NOFOLLOW), and
 *    only regular files are read or replaced.
 */
#include "common/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/failpoint.h"
#include "common/trust.h"

#ifdef NVR_FAILPOINTS
const char *failpoint_target;
#endif

#define LOCK_RETRY_MS 50

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* glibc's lckpwdf(): a write lock on the whole of LOCK_FILE. */
static int
take_fcntl_lock(struct atomic_lock *lock, const char *lock_file,
    int timeout_ms, struct nvr_error *err)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int waited = 0;

	lock->fd = open(lock_file, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (lock->fd < 0)
		return nvr_error_set(err, -errno, "cannot open lock %s: %s",
		    lock_file, strerror(errno));
	while (fcntl(lock->fd, F_SETLK, &fl) != 0) {
		int saved = errno;
		if ((saved != EACCES && saved != EAGAIN) ||
		    waited >= timeout_ms) {
			close(lock->fd);
			lock->fd = -1;
			if (saved == EACCES || saved == EAGAIN)
				return nvr_error_set(err, -EBUSY, "%s is locked "
				    "by another program (passwd?); try again",
				    lock_file);
			return nvr_error_set(err, -saved, "cannot lock %s: %s",
			    lock_file, strerror(saved));
		}
		sleep_ms(LOCK_RETRY_MS);
		waited += LOCK_RETRY_MS;
	}
	return 0;
}

/* The pid written in a shadow-utils lock file, or 0 if unreadable. */
static pid_t
lock_owner(const char *path)
{
	char buf[32];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	long pid;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, NULL, 10);
	return pid > 0 && pid <= INT_MAX ? (pid_t)pid : 0;
}

/*
 * shadow-utils' link lock (commonio.c, do_lock_file): write our pid to
 * TARGET.PID, hard-link it to TARGET.lock, and trust the lock only if the
 * link count is then 2.
 */
static int
take_link_lock(struct atomic_lock *lock, const char *target,
    struct nvr_error *err)
{
	char *mine = NULL, *name = NULL, pid_text[24];
	int fd, len, rc = 0;
	struct stat st;

	len = snprintf(pid_text, sizeof(pid_text), "%ld", (long)getpid());
	if (asprintf(&mine, "%s.%ld", target, (long)getpid()) < 0 ||
	    asprintf(&name, "%s.lock", target) < 0) {
		free(mine);
		return nvr_error_set(err, -ENOMEM, "out of memory");
	}
	unlink(mine);
	fd = open(mine, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0) {
		rc = nvr_error_set(err, -errno, "cannot create %s: %s", mine,
		    strerror(errno));
		goto out;
	}
	{
		ssize_t n = write(fd, pid_text, (size_t)len);
		/* A short write has no errno of its own: the storage is
		 * full by the next byte. */
		int saved = n < 0 ? errno : ENOSPC;

		if (n != len) {
			close(fd);
			rc = nvr_error_set(err, -saved, "cannot write %s: %s",
			    mine, strerror(saved));
			goto out;
		}
		if (close(fd) != 0) {
			saved = errno;
			rc = nvr_error_set(err, -saved, "cannot write %s: %s",
			    mine, strerror(saved));
			goto out;
		}
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		pid_t owner;

		if (link(mine, name) == 0) {
			if (stat(mine, &st) == 0 && st.st_nlink == 2) {
				lock->link_path = name;
				name = NULL;
				goto out;
			}
			unlink(name);
			rc = nvr_error_set(err, -EBUSY, "%s changed under us",
			    name);
			goto out;
		}
		if (errno != EEXIST) {
			rc = nvr_error_set(err, -errno, "cannot create %s: %s",
			    name, strerror(errno));
			goto out;
		}
		owner = lock_owner(name);
		if (owner == 0) {
			/* As shadow-utils does: a lock without a pid may be
			 * being written right now; never guess. */
			rc = nvr_error_set(err, -EBUSY, "%s holds no process id;"
			    " remove it if no passwd is running", name);
			goto out;
		}
		if (kill(owner, 0) == 0 || errno != ESRCH) {
			rc = nvr_error_set(err, -EBUSY, "%s is held by process "
			    "%ld; try again when it is done", name,
			    (long)owner);
			goto out;
		}
		/* Left by a process that no longer exists. */
		unlink(name);
	}
	rc = nvr_error_set(err, -EBUSY, "cannot take %s", name);
out:
	unlink(mine);
	free(mine);
	free(name);
	return rc;
}

int
atomic_lock_take(struct atomic_lock *lock, const char *lock_file,
    const char *link_target, int timeout_ms, struct nvr_error *err)
{
	int rc;

	lock->fd = -1;
	lock->link_path = NULL;
	lock->held = false;
	rc = take_fcntl_lock(lock, lock_file, timeout_ms, err);
	lock->held = rc == 0;
	if (rc == 0 && link_target != NULL) {
		rc = take_link_lock(lock, link_target, err);
		if (rc != 0)
			atomic_lock_release(lock);
	}
	return rc;
}

void
atomic_lock_release(struct atomic_lock *lock)
{
	if (!lock->held)
		return;
	lock->held = false;
	if (lock->link_path != NULL) {
		unlink(lock->link_path);
		free(lock->link_path);
		lock->link_path = NULL;
	}
	if (lock->fd >= 0) {
		close(lock->fd);	/* drops the fcntl lock */
		lock->fd = -1;
	}
}

static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
fsync_folder_of(const char *path, struct nvr_error *err)
{
	char *copy = strdup(path);
	int fd, rc = 0;

	if (copy == NULL)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0)
		rc = nvr_error_set(err, -errno, "cannot sync the folder of "
		    "%s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(copy);
	return rc;
}

/* The failpoints of one replacement; the backup has its own names so a
 * crash test can stop either write. */
struct stage_names {
	const char *created, *written, *synced, *renamed;
};

static const struct stage_names target_stages = {
	"atomic-created", "atomic-written", "atomic-synced", "atomic-renamed",
};
static const struct stage_names backup_stages = {
	"backup-created", "backup-written", "backup-synced", "backup-renamed",
};

/* Steps 1-4 of the invariants for NAME in the folder DIR (SHOWN is its
 * path, for messages). */
static int
replace_one(int dir, const char *name, const char *shown, const void *data,
    size_t len, uid_t uid, gid_t gid, mode_t mode,
    const struct stage_names *stage, struct nvr_error *err)
{
	char *tmp = NULL;
	int fd, rc;

	(void)stage;	/* only read by failpoints */
	if (asprintf(&tmp, "%s+", name) < 0)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	/* A stale NAME+ is removed, not truncated: were it a hard link to
	 * some other file, O_TRUNC and fchown would change that file. */
	if (unlinkat(dir, tmp, 0) != 0 && errno != ENOENT) {
		rc = nvr_error_set(err, -errno, "cannot remove stale %s+: %s",
		    shown, strerror(errno));
		free(tmp);
		return rc;
	}
	fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (fd < 0) {
		rc = nvr_error_set(err, -errno, "cannot create %s+: %s", shown,
		    strerror(errno));
		free(tmp);
		return rc;
	}
	if (fchown(fd, uid, gid) != 0 || fchmod(fd, mode & 07777) != 0) {
		rc = nvr_error_set(err, -errno, "cannot set owner and mode of "
		    "%s+: %s", shown, strerror(errno));
		goto fail;
	}
	failpoint(stage->created);
	rc = write_all(fd, data, len);
	if (rc != 0) {
		nvr_error_set(err, rc, "cannot write %s+: %s", shown,
		    strerror(-rc));
		goto fail;
	}
	failpoint(stage->written);
	if (fsync(fd) != 0) {
		rc = nvr_error_set(err, -errno, "cannot sync %s+: %s", shown,
		    strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = nvr_error_set(err, -errno, "cannot close %s+: %s", shown,
		    strerror(errno));
		goto fail;
	}
	fd = -1;
	failpoint(stage->synced);
	if (renameat(dir, tmp, dir, name) != 0) {
		rc = nvr_error_set(err, -errno, "cannot rename %s+ to %s: %s",
		    shown, shown, strerror(errno));
		goto fail;
	}
	failpoint(stage->renamed);
	free(tmp);
	/* The new file is in place and the old one gone: the change stands
	 * whatever the folder's sync says, and calling it a failure would
	 * tell the owner that the old password still works. A sync that
	 * fails only leaves the rename less sure to outlive a power cut. */
	(void)fsync(dir);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlinkat(dir, tmp, 0);
	free(tmp);
	return rc;
}

int
atomic_file_read_at(int dir, const char *name, const char *shown, size_t max,
    char **data, size_t *len, struct stat *info, struct nvr_error *err)
{
	struct stat st, first;
	size_t used = 0;
	char *buf;
	int fd;

	*data = NULL;
	*len = 0;
	/* Only a regular file is opened at all: opening a device or a FIFO
	 * can block or act by itself. */
	if (fstatat(dir, name, &first, AT_SYMLINK_NOFOLLOW) != 0)
		return nvr_error_set(err, -errno, "cannot open %s: %s", shown,
		    strerror(errno));
	if (S_ISLNK(first.st_mode))
		return nvr_error_set(err, -ELOOP, "cannot open %s: %s", shown,
		    strerror(ELOOP));
	if (!S_ISREG(first.st_mode))
		return nvr_error_set(err, -EINVAL, "%s is not a regular file",
		    shown);
	fd = openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return nvr_error_set(err, -errno, "cannot open %s: %s", shown,
		    strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_ino != first.st_ino || st.st_dev != first.st_dev) {
		close(fd);
		return nvr_error_set(err, -EINVAL, "%s is not a regular file",
		    shown);
	}
	/* Compared as off_t's 64 bits: a 32-bit size_t would see 4 GiB + 10
	 * bytes as 10. */
	if (st.st_size < 0 || (uintmax_t)st.st_size > max) {
		close(fd);
		return nvr_error_set(err, -EFBIG, "%s is larger than %zu "
		    "bytes", shown, max);
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		close(fd);
		return nvr_error_set(err, -ENOMEM, "out of memory");
	}
	for (;;) {
		ssize_t n = read(fd, buf + used, (size_t)st.st_size - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;
			/* It may have held a key. */
			explicit_bzero(buf, (size_t)st.st_size);
			free(buf);
			close(fd);
			return nvr_error_set(err, -saved, "cannot read %s: %s",
			    shown, strerror(saved));
		}
		if (n == 0 || (used += (size_t)n) == (size_t)st.st_size)
			break;
	}
	close(fd);
	buf[used] = '\0';
	*data = buf;
	*len = used;
	if (info != NULL)
		*info = st;
	return 0;
}

int
atomic_file_read(const char *path, size_t max, char **data, size_t *len,
    struct nvr_error *err)
{
	return atomic_file_read_at(AT_FDCWD, path, path, max, data, len, NULL,
	    err);
}

int
atomic_file_replace_at(int dir, const char *name, const char *shown,
    const void *data, size_t len, const struct atomic_write_options *options,
    struct nvr_error *err)
{
	uid_t uid = options->uid;
	gid_t gid = options->gid;
	mode_t mode = options->mode;
	struct stat st;
	int rc;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISREG(st.st_mode))
			return nvr_error_set(err, -EINVAL, "%s is not a regular "
			    "file; not replacing it", shown);
		uid = st.st_uid;
		gid = st.st_gid;
		/* Never set-user or set-group-ID: the file may be a hard link
		 * to a program, and its new contents are not that. */
		mode = st.st_mode & ~(mode_t)(S_ISUID | S_ISGID);
		if (options->backup) {
			char *old, *backup = NULL, *backup_shown = NULL;
			size_t old_len;

			rc = atomic_file_read_at(dir, name, shown,
			    ATOMIC_FILE_MAX, &old, &old_len, NULL, err);
			if (rc != 0)
				return rc;
			if (asprintf(&backup, "%s-", name) < 0)
				backup = NULL;
			if (backup == NULL || asprintf(&backup_shown, "%s-",
			    shown) < 0) {
				free(backup);
				free(old);
				return nvr_error_set(err, -ENOMEM,
				    "out of memory");
			}
			rc = replace_one(dir, backup, backup_shown, old,
			    old_len, uid, gid, mode, &backup_stages, err);
			free(backup_shown);
			free(backup);
			sodium_memzero(old, old_len);	/* it may hold hashes */
			free(old);
			if (rc != 0)
				return rc;
			failpoint("atomic-backup-done");
		}
	} else if (errno != ENOENT) {
		return nvr_error_set(err, -errno, "cannot stat %s: %s", shown,
		    strerror(errno));
	}
	return replace_one(dir, name, shown, data, len, uid, gid, mode,
	    &target_stages, err);
}

int
atomic_file_replace(const char *path, const void *data, size_t len,
    const struct atomic_write_options *options, struct nvr_error *err)
{
	char *copy = strdup(path), *slash;
	const char *folder = ".", *name = path;
	int dir, rc;

	if (copy == NULL)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	slash = strrchr(copy, '/');
	if (slash != NULL) {
		name = path + (slash - copy) + 1;
		*slash = '\0';
		folder = slash == copy ? "/" : copy;
	}
	if (name[0] == '\0') {
		free(copy);
		return nvr_error_set(err, -EINVAL, "%s is not a regular file; "
		    "not replacing it", path);
	}
	dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0) {
		rc = nvr_error_set(err, -errno, "cannot open the folder of %s: "
		    "%s", path, strerror(errno));
		free(copy);
		return rc;
	}
	rc = atomic_file_replace_at(dir, name, path, data, len, options, err);
	close(dir);
	free(copy);
	return rc;
}

int
atomic_file_remove(const char *path, const char *lock_file,
    struct nvr_error *err)
{
	struct atomic_lock lock = { .held = false };
	char *backup = NULL, *temp = NULL;
	int rc = 0;

	if (lock_file != NULL) {
		rc = atomic_lock_take(&lock, lock_file, NULL, 15000, err);
		if (rc == -ENOENT)	/* no folder: nothing to remove */
			return 0;
		if (rc != 0)
			return rc;
	}
	if (asprintf(&backup, "%s-", path) < 0 ||
	    asprintf(&temp, "%s+", path) < 0) {
		rc = nvr_error_set(err, -ENOMEM, "out of memory");
	}
	/* A temporary file a crash left behind holds old contents too. */
	if (rc == 0 && unlink(temp) != 0 && errno != ENOENT)
		rc = nvr_error_set(err, -errno, "cannot remove %s: %s", temp,
		    strerror(errno));
	if (rc == 0 && unlink(path) != 0 && errno != ENOENT)
		rc = nvr_error_set(err, -errno, "cannot remove %s: %s", path,
		    strerror(errno));
	if (rc == 0 && unlink(backup) != 0 && errno != ENOENT)
		rc = nvr_error_set(err, -errno, "cannot remove %s: %s", backup,
		    strerror(errno));
	if (rc == 0)
		rc = fsync_folder_of(path, err);
	if (rc == -ENOENT)	/* the folder itself is gone */
		rc = 0;
	atomic_lock_release(&lock);
	free(backup);
	free(temp);
	return rc;
}

int
atomic_file_check_trusted(const char *path, struct nvr_error *err)
{
	char *dir = strdup(path), *slash;
	struct stat st;
	int rc = 0;

	if (dir == NULL)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	else
		strcpy(dir, ".");
	if (stat(dir, &st) == 0 && ((st.st_uid != geteuid() &&
	    st.st_uid != 0) || (st.st_mode & 022) != 0))
		rc = nvr_error_set(err, -EPERM, "%s: another user could change "
		    "the files in it (owner uid %lu, mode %04o); refusing to "
		    "trust them; fix: chown root and chmod go-w %s", dir,
		    (unsigned long)st.st_uid, (unsigned)(st.st_mode & 07777),
		    dir);
	else if (lstat(path, &st) == 0 && (!S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 022) != 0))
		rc = nvr_error_set(err, -EPERM, "%s: not a regular file of "
		    "ours that only we can write (owner uid %lu, mode %04o); "
		    "refusing to trust it; fix: chown and chmod 600 it", path,
		    (unsigned long)st.st_uid, (unsigned)(st.st_mode & 07777));
	free(dir);
	/* Whoever could write a folder above it could move it aside, and
	 * with it the counts and the used codes. */
	if (rc == 0)
		rc = trust_check_folder_of(path, err);
	return rc;
}

int
atomic_file_replace_printed(const char *path,
    const struct atomic_write_options *options,
    void (*print)(FILE *out, const void *ctx), const void *ctx,
    struct nvr_error *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int rc;

	if (out == NULL)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	print(out, ctx);
	if (fclose(out) != 0) {
		free(text);
		return nvr_error_set(err, -ENOMEM, "out of memory");
	}
	rc = atomic_file_replace(path, text, len, options, err);
	free(text);
	return rc;
}
