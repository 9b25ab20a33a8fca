/*
 * atomic_file.h: the one way this program changes a file that holds
 * credentials or state, and the lock that goes with it. Every store
 * (shadow files, attempt counters, questions, the reset journal) writes
 * through here.
 *
 * A reader, a power cut or a SIGKILL at any moment sees either the whole
 * old file or the whole new one, never a mixture, and a concurrent
 * passwd(1) never interleaves with us.
 */
#ifndef NVR_COMMON_ATOMIC_FILE_H
#define NVR_COMMON_ATOMIC_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "common/nvr_error.h"

/* The largest file a store keeps: far above any shadow file or state
 * file, small enough to read into memory on a 1 GB NVR. */
#define ATOMIC_FILE_MAX (16L * 1024 * 1024)

/* A held lock; see atomic_lock_take. */
struct atomic_lock {
	bool held;		/* false in a zeroed struct: release is safe */
	int fd;			/* the fcntl lock on the lock file, or -1 */
	char *link_path;	/* shadow-utils' NAME.lock we made, or NULL */
};

/*
 * Takes LOCK_FILE (e.g. ROOT/etc/.pwd.lock) with an fcntl write lock, as
 * glibc's lckpwdf() does, waiting up to TIMEOUT_MS. If LINK_TARGET is not
 * NULL, also takes shadow-utils' link lock LINK_TARGET.lock (a file naming
 * our pid, hard-linked into place); a lock left by a process that no longer
 * exists is removed, one held by a live process means busy.
 * Returns 0, -EBUSY (someone else holds it) or another negative errno.
 */
int atomic_lock_take(struct atomic_lock *lock, const char *lock_file,
    const char *link_target, int timeout_ms, struct nvr_error *err);

/* Releases LOCK; safe on a lock that was never taken, or zeroed. */
void atomic_lock_release(struct atomic_lock *lock);

struct atomic_write_options {
	/* Owner, group and mode for a file that does not exist yet; an
	 * existing file's own are kept. */
	uid_t uid;
	gid_t gid;
	mode_t mode;
	/* Keep the previous version as PATH- (shadow's backup name). */
	bool backup;
};

/*
 * Replaces PATH with LEN bytes of DATA: writes PATH+ in the same folder
 * with PATH's owner, group and mode (or OPTIONS' for a new file), fsyncs
 * it, renames it over PATH and fsyncs the folder. With options->backup,
 * first writes PATH- the same way from the current contents. The caller
 * must hold the store's lock. Returns 0 or a negative errno.
 */
int atomic_file_replace(const char *path, const void *data, size_t len,
    const struct atomic_write_options *options, struct nvr_error *err);

/*
 * atomic_file_replace for NAME (one component) in the held folder DIR
 * (a real descriptor, not AT_FDCWD: it is fsynced), which is never looked
 * up by name again: for files in folders that someone else may own
 * (backends/reset/beneath.h). SHOWN is the file's path, for messages. An
 * existing file's set-user-ID and set-group-ID bits are not kept.
 */
int atomic_file_replace_at(int dir, const char *name, const char *shown,
    const void *data, size_t len, const struct atomic_write_options *options,
    struct nvr_error *err);

/*
 * atomic_file_replace for a file printed line by line: PRINT writes the
 * contents to OUT (a memory stream), then they replace PATH. The caller
 * must hold the store's lock. Returns 0 or a negative errno.
 */
int atomic_file_replace_printed(const char *path,
    const struct atomic_write_options *options,
    void (*print)(FILE *out, const void *ctx), const void *ctx,
    struct nvr_error *err);

/*
 * Checks that a state file PATH (if it exists) and its folder can be
 * trusted: owned by us (the folder: or by root) and writable by nobody
 * else, and every folder above by the rule of common/trust.h, so that
 * no other user can reset a counter or revive a used code by editing it
 * or moving its folder aside. Returns 0, or -EPERM with ERR saying what
 * to fix.
 */
/*
 * Removes PATH, its backup PATH- and a temporary PATH+ left by a crash
 * (what is not there is fine) under
 * LOCK_FILE's lock (NULL: the caller holds the store's lock), then
 * fsyncs the folder, so the removal outlives a power cut. Returns 0 or a
 * negative errno.
 */
int atomic_file_remove(const char *path, const char *lock_file,
    struct nvr_error *err);

int atomic_file_check_trusted(const char *path, struct nvr_error *err);

/*
 * Reads all of PATH (at most MAX bytes) into a malloc'd buffer with a NUL
 * after the last byte. Only regular files; the file is opened without
 * following a final symlink. Returns 0, -ENOENT, -EFBIG or another
 * negative errno.
 */
int atomic_file_read(const char *path, size_t max, char **data, size_t *len,
    struct nvr_error *err);

/* atomic_file_read of NAME in the folder DIR (or a path, with
 * AT_FDCWD); SHOWN names it in messages. INFO, if not NULL, gets what
 * fstat said of the file read. */
int atomic_file_read_at(int dir, const char *name, const char *shown,
    size_t max, char **data, size_t *len, struct stat *info,
    struct nvr_error *err);

#endif
