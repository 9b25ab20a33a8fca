/*
 * append_file.h: the one way this program adds a line to a log it keeps
 * (nvr-support's issue log, the recorder's audit log), as atomic_file.h
 * is the one way it replaces a file.
 *
 * Invariants:
 * 1. A line is one write(2) on an O_APPEND descriptor, under an fcntl
 *    lock on the file that every writer takes, and it is fsynced before
 *    success is said; a new file's folder is fsynced too.
 * 2. A line cut short (the storage filled up) is cut off again, so that
 *    the next line does not run on from it, and it is said as ENOSPC.
 *    Under the lock only our bytes can be after the old end.
 * 3. A new file is made mode 0600 (O_EXCL); an existing one must be a
 *    private file of ours (private_file_check_stat), reached without
 *    following a symlink.
 * 4. With a size limit, a file that the line would take past it is first
 *    renamed NAME.1 (replacing the older one) under the same lock, and
 *    the line starts a new NAME: at most two files, never a line split.
 *    A writer that was waiting for the lock of the renamed file finds it
 *    no longer at NAME and opens NAME again.
 * 5. Once the line is written whole, a failing fsync or close is said;
 *    the line may still be there (one line too many, never one too few).
 */
#ifndef NVR_COMMON_APPEND_FILE_H
#define NVR_COMMON_APPEND_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "common/nvr_error.h"

/* The name a full log is kept under: NAME followed by this. */
#define APPEND_FILE_OLDER ".1"

/* The longest line a log may hold, and the longest last line given to a
 * composer. */
#define APPEND_FILE_LINE_MAX 1024

/*
 * Writes the line to append into OUT (SIZE bytes), called under the lock
 * with LAST, the log's last whole line without its '\n' (of NAME.1 when
 * NAME is new or empty; "" when there is none), so that a line can
 * number itself after it. Returns the line's length (ending in '\n') or
 * a negative errno.
 */
typedef int (*append_file_compose)(void *ctx, const char *last, char *out,
    size_t size);

/* append_file_line with the line COMPOSE writes. */
int append_file_composed(const char *dir, const char *name, off_t rotate_at,
    append_file_compose compose, void *ctx, struct nvr_error *err);

/*
 * Appends LEN bytes of LINE (one line, ending in '\n') to NAME in the
 * folder DIR. ROTATE_AT > 0: a file of that many bytes or more with the
 * line is first renamed NAME.1 (invariant 4); 0: never. Returns 0 or a
 * negative errno (-ENOSPC for a full storage).
 */
int append_file_line(const char *dir, const char *name, const char *line,
    size_t len, off_t rotate_at, struct nvr_error *err);

#endif
