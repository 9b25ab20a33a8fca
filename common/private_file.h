/*
 * private_file.h: files that hold vendor secrets (key sets, provisioning
 * files, the issue log) and the checks made before one is trusted, in the
 * way signify and doas check theirs.
 *
 * Invariants:
 * 1. Before a private file is read, its folder and then the file itself
 *    must be owned by the effective uid and give group and others no
 *    access at all (mode 0700 / 0600 at most); otherwise -EPERM, with a
 *    message naming the file and the fix (chmod 700 / chmod 600). Once
 *    the folder is checked, nobody else can swap the file under us.
 * 2. Files are read without following a final symlink, and only regular
 *    files of a bounded size (PRIVATE_FILE_MAX for a key file).
 * 3. New files are made through common/atomic_file.c (temporary file,
 *    fsync, rename, fsync of the folder), mode 0600, owned by us, and
 *    never over an existing file.
 */
#ifndef NVR_COMMON_PRIVATE_FILE_H
#define NVR_COMMON_PRIVATE_FILE_H

#include <stddef.h>
#include <sys/stat.h>

#include "common/nvr_error.h"

#define PRIVATE_FILE_MAX 4096

/* Checks that DIR is a folder owned by us with no access for group or
 * others. Returns 0, -ENOENT, -ENOTDIR, -EPERM or another negative
 * errno. */
int private_file_check_folder(const char *dir, struct nvr_error *err);

/* Checks ST (of PATH) as a private file: regular, owned by us, no access
 * for group or others. Returns 0, -EINVAL (not a regular file) or
 * -EPERM. */
int private_file_check_stat(const char *path, const struct stat *st,
    struct nvr_error *err);

/*
 * Checks PATH's folder and PATH (invariant 1), then reads all of it (at
 * most MAX bytes) into a malloc'd buffer with a NUL after the last byte,
 * to be released with private_file_free. Returns 0, -ENOENT, -EPERM,
 * -EFBIG or another negative errno.
 */
int private_file_read(const char *path, size_t max, char **data,
    size_t *len, struct nvr_error *err);

/* As private_file_read, for a file in a system folder such as
 * /etc/nvr-recovery (a recorder's provisioning file): the folder may be
 * readable by all, as /etc/ssh is, but must be owned by us or root and
 * writable by nobody else, so that nobody else can swap the file. */
int private_file_read_system(const char *path, size_t max, char **data,
    size_t *len, struct nvr_error *err);

/* Wipes and frees DATA (LEN bytes, from private_file_read); NULL is
 * fine. */
void private_file_free(char *data, size_t len);

/* Makes PATH, which must not exist (-EEXIST), holding LEN bytes of DATA,
 * mode 0600. Returns 0 or a negative errno. */
int private_file_create(const char *path, const void *data, size_t len,
    struct nvr_error *err);

#endif
