/*
 * zm_conf.c: ZoneMinder's database settings (zm_conf.h).
 *
 * The lines themselves are read in zm_conf_parse.c.
 *
 * Invariants:
 * 1. Files are opened from a held descriptor of their folder, without
 *    following links, and used only if root or we own them and nobody
 *    else can write them: whoever could change them could point the
 *    wizard at a database of their own.
 * 2. Every buffer that held a file (it holds ZM_DB_PASS) is wiped.
 */
#include "backends/accounts/zm_conf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/trust.h"

#define ZM_CONF_FILE_MAX (256L * 1024)

/* Whether the file just read (INFO) is one only root or we can change. */
static int
check_file(const char *shown, const struct stat *info,
    struct nvr_error *err)
{
	if ((info->st_uid != 0 && info->st_uid != geteuid()) ||
	    (info->st_mode & 022) != 0)
		return nvr_error_set(err, -EPERM, "%s: another user could "
		    "change it (owner uid %lu, mode %04o); refusing to trust "
		    "it; fix: chown root and chmod go-w %s", shown,
		    (unsigned long)info->st_uid,
		    (unsigned)(info->st_mode & 07777), shown);
	return 0;
}

/* The same for a folder held open as DIR. */
static int
check_folder(int dir, const char *shown, struct nvr_error *err)
{
	struct stat sb;

	if (fstat(dir, &sb) != 0)
		return nvr_error_set(err, -errno, "cannot look at %s: %s",
		    shown, strerror(errno));
	if ((sb.st_uid != 0 && sb.st_uid != geteuid()) ||
	    ((sb.st_mode & 022) != 0 && (sb.st_mode & S_ISVTX) == 0))
		return nvr_error_set(err, -EPERM, "%s: another user could "
		    "change the files in it (owner uid %lu, mode %04o); "
		    "refusing to trust them; fix: chown root and chmod go-w %s",
		    shown, (unsigned long)sb.st_uid,
		    (unsigned)(sb.st_mode & 07777), shown);
	return 0;
}

static int
read_one(int dir, const char *name, const char *shown, struct zm_conf *conf,
    struct nvr_error *err)
{
	struct stat info;
	char *text = NULL;
	size_t len = 0;
	int rc = atomic_file_read_at(dir, name, shown, ZM_CONF_FILE_MAX, &text,
	    &len, &info, err);

	if (rc == 0)
		rc = check_file(shown, &info, err);
	if (rc == 0)
		zm_conf_apply(text, len, shown, conf);
	if (text != NULL)
		sodium_memzero(text, len);
	free(text);
	return rc;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.conf names in the folder DIR (not starting with '.', as glob
 * skips them), sorted, into NAMES (malloc'd each); *COUNT set. */
static int
conf_names(int dir, const char *shown, char **names, size_t *count,
    struct nvr_error *err)
{
	int fd = dup(dir);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	int rc = 0;

	*count = 0;
	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return nvr_error_set(err, -errno, "cannot read %s: %s", shown,
		    strerror(errno));
	}
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (e->d_name[0] == '.' || n < 6 ||
		    strcmp(e->d_name + n - 5, ".conf") != 0)
			continue;
		if (*count == ZM_CONF_FILES_MAX) {
			rc = nvr_error_set(err, -E2BIG, "%s has more than %d "
			    ".conf files", shown, ZM_CONF_FILES_MAX);
			break;
		}
		names[*count] = strdup(e->d_name);
		if (names[*count] == NULL) {
			rc = nvr_error_set(err, -ENOMEM, "out of memory");
			break;
		}
		(*count)++;
	}
	closedir(d);
	qsort(names, *count, sizeof(names[0]), by_name);
	return rc;
}

/* The conf.d folder beside zm.conf, if there is one. */
static int
read_conf_d(int dir, const char *folder, struct zm_conf *conf,
    struct nvr_error *err)
{
	char shown[PATH_MAX], file_shown[PATH_MAX + 256 + 2];
	char *names[ZM_CONF_FILES_MAX];
	size_t count = 0;
	int sub, rc;

	snprintf(shown, sizeof(shown), "%s/conf.d", folder);
	sub = openat(dir, "conf.d", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (sub < 0)
		return errno == ENOENT ? 0 : nvr_error_set(err, -errno,
		    "cannot open %s: %s", shown, strerror(errno));
	rc = check_folder(sub, shown, err);
	if (rc == 0)
		rc = conf_names(sub, shown, names, &count, err);
	for (size_t i = 0; i < count; i++) {
		snprintf(file_shown, sizeof(file_shown), "%s/%s", shown,
		    names[i]);
		if (rc == 0)
			rc = read_one(sub, names[i], file_shown, conf, err);
		free(names[i]);
	}
	close(sub);
	return rc;
}

int
zm_conf_read(const char *path, struct zm_conf *conf, struct nvr_error *err)
{
	char folder[PATH_MAX];
	const char *slash = strrchr(path, '/'), *name;
	int dir, rc;

	memset(conf, 0, sizeof(*conf));
	if (strlen(path) >= sizeof(folder))
		return nvr_error_set(err, -ENAMETOOLONG, "%s: path too long",
		    path);
	if (slash == NULL) {
		strcpy(folder, ".");
		name = path;
	} else {
		snprintf(folder, sizeof(folder), "%.*s",
		    slash == path ? 1 : (int)(slash - path), path);
		name = slash + 1;
	}
	rc = trust_check_folder_of(path, err);
	if (rc != 0)
		return rc;
	dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return nvr_error_set(err, -errno, "cannot open %s: %s", folder,
		    strerror(errno));
	rc = check_folder(dir, folder, err);
	if (rc == 0)
		rc = read_one(dir, name, path, conf, err);
	if (rc == 0)
		rc = read_conf_d(dir, folder, conf, err);
	close(dir);
	if (rc != 0)
		sodium_memzero(conf, sizeof(*conf));
	return rc;
}
