/*
 * private_file.c: checking, reading and making files that hold vendor
 * secrets (see private_file.h for the invariants).
 */
#include "common/private_file.h"

#include <errno.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/trust.h"

int
private_file_check_folder(const char *dir, struct nvr_error *err)
{
	struct stat st;

	if (stat(dir, &st) != 0) {
		if (errno == ENOENT)
			return nvr_error_set(err, -ENOENT, "no folder %s", dir);
		return nvr_error_set(err, -errno, "cannot use folder %s: %s",
		    dir, strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		return nvr_error_set(err, -ENOTDIR, "%s is not a folder", dir);
	if (st.st_uid != geteuid())
		return nvr_error_set(err, -EPERM, "%s: owned by uid %lu, not by "
		    "the user running this (uid %lu); refusing to trust it",
		    dir, (unsigned long)st.st_uid, (unsigned long)geteuid());
	if ((st.st_mode & 077) != 0)
		return nvr_error_set(err, -EPERM, "%s: group or others may "
		    "use this folder (mode %04o); fix: chmod 700 %s", dir,
		    (unsigned)(st.st_mode & 07777), dir);
	return 0;
}

int
private_file_check_stat(const char *path, const struct stat *st,
    struct nvr_error *err)
{
	if (!S_ISREG(st->st_mode))
		return nvr_error_set(err, -EINVAL, "%s is not a regular file",
		    path);
	if (st->st_uid != geteuid())
		return nvr_error_set(err, -EPERM, "%s: owned by uid %lu, not by "
		    "the user running this (uid %lu); refusing to trust it",
		    path, (unsigned long)st->st_uid, (unsigned long)geteuid());
	if ((st->st_mode & 077) != 0)
		return nvr_error_set(err, -EPERM, "%s: group or others may read "
		    "or write it (mode %04o); fix: chmod 600 %s", path,
		    (unsigned)(st->st_mode & 07777), path);
	return 0;
}

/* Checks the folder PATH is in. */
static int
check_folder_of(const char *path, struct nvr_error *err)
{
	char *copy = strdup(path);
	int rc;

	if (copy == NULL)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	rc = private_file_check_folder(dirname(copy), err);
	free(copy);
	return rc;
}

/* The system-folder rule: owned by us or root, writable by nobody else. */
static int
check_system_folder_of(const char *path, struct nvr_error *err)
{
	char *copy = strdup(path);
	const char *dir;
	struct stat st;
	int rc = 0;

	if (copy == NULL)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	dir = dirname(copy);
	if (stat(dir, &st) != 0)
		rc = nvr_error_set(err, errno == ENOENT ? -ENOENT : -errno,
		    "cannot use folder %s: %s", dir, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		rc = nvr_error_set(err, -ENOTDIR, "%s is not a folder", dir);
	else if (st.st_uid != geteuid() && st.st_uid != 0)
		rc = nvr_error_set(err, -EPERM, "%s: owned by uid %lu; "
		    "refusing to trust it", dir, (unsigned long)st.st_uid);
	else if ((st.st_mode & 022) != 0)
		rc = nvr_error_set(err, -EPERM, "%s: group or others may write "
		    "in this folder (mode %04o); fix: chmod go-w %s", dir,
		    (unsigned)(st.st_mode & 07777), dir);
	free(copy);
	if (rc == 0)	/* and every folder above it */
		rc = trust_check_folder_of(path, err);
	return rc;
}

static int
read_checked(const char *path, size_t max, char **data, size_t *len,
    bool system_folder, struct nvr_error *err)
{
	struct stat st;
	int rc;

	*data = NULL;
	*len = 0;
	rc = system_folder ? check_system_folder_of(path, err) :
	    check_folder_of(path, err);
	if (rc != 0)
		return rc;
	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return nvr_error_set(err, -ENOENT, "no file %s", path);
		return nvr_error_set(err, -errno, "cannot use %s: %s", path,
		    strerror(errno));
	}
	rc = private_file_check_stat(path, &st, err);
	if (rc != 0)
		return rc;
	return atomic_file_read(path, max, data, len, err);
}

int
private_file_read(const char *path, size_t max, char **data,
    size_t *len, struct nvr_error *err)
{
	return read_checked(path, max, data, len, false, err);
}

int
private_file_read_system(const char *path, size_t max, char **data,
    size_t *len, struct nvr_error *err)
{
	return read_checked(path, max, data, len, true, err);
}

void
private_file_free(char *data, size_t len)
{
	if (data == NULL)
		return;
	sodium_memzero(data, len);
	free(data);
}

int
private_file_create(const char *path, const void *data, size_t len,
    struct nvr_error *err)
{
	const struct atomic_write_options options = {
		.uid = geteuid(),
		.gid = getegid(),
		.mode = 0600,
	};
	struct stat st;

	if (lstat(path, &st) == 0)
		return nvr_error_set(err, -EEXIST, "%s exists; not overwriting "
		    "it", path);
	if (errno != ENOENT)
		return nvr_error_set(err, -errno, "cannot use %s: %s", path,
		    strerror(errno));
	return atomic_file_replace(path, data, len, &options, err);
}
