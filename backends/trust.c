/*
 * trust.c: the folder trust rule of trust.h.
 */
#include "backends/trust.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool
owner_trusted(const struct stat *st)
{
	return st->st_uid == 0 || st->st_uid == geteuid();
}

/* One entry NAME, looked at without following a link. */
static int
check_entry(const char *name, const struct stat *st, struct nvr_error *err)
{
	if (!owner_trusted(st))
		return nvr_error_set(err, -EPERM, "%s belongs to uid %lu, so "
		    "that user could replace what is in it; fix: chown root "
		    "%s", name, (unsigned long)st->st_uid, name);
	if (S_ISLNK(st->st_mode))
		return 0;	/* a link's own mode means nothing */
	if ((st->st_mode & 022) != 0 && !(S_ISDIR(st->st_mode) &&
	    (st->st_mode & S_ISVTX)))
		return nvr_error_set(err, -EPERM, "%s can be written by %s "
		    "(mode %04o), who could replace what is in it; fix: chmod "
		    "go-w %s", name, (st->st_mode & 02) ? "every user" :
		    "its group", (unsigned)(st->st_mode & 07777), name);
	return 0;
}

/* Checks each prefix of PATH ("/a", "/a/b", ...) that exists; *LINKED
 * says whether one was a symlink, DEEPEST (PATH_MAX bytes) is the last
 * that exists. */
static int
check_prefixes(const char *path, bool *linked, char *deepest,
    struct nvr_error *err)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	struct stat st;

	*linked = false;
	snprintf(deepest, PATH_MAX, "/");
	for (size_t i = 1; i <= len; i++) {
		int rc;

		if (i < len && path[i] != '/')
			continue;
		snprintf(buf, sizeof(buf), "%.*s", (int)i, path);
		if (lstat(buf, &st) != 0) {
			if (errno == ENOENT)
				break;
			return nvr_error_set(err, -errno, "cannot look at %s: "
			    "%s", buf, strerror(errno));
		}
		rc = check_entry(buf, &st, err);
		if (rc != 0)
			return rc;
		snprintf(deepest, PATH_MAX, "%s", buf);
		if (S_ISLNK(st.st_mode))
			*linked = true;
		else if (!S_ISDIR(st.st_mode))
			break;	/* a file: nothing below it */
	}
	return 0;
}

/* PATH made absolute against the current folder, in OUT (PATH_MAX). */
static int
absolute(const char *path, char *out, struct nvr_error *err)
{
	char cwd[PATH_MAX];

	if (path == NULL || path[0] == '\0')
		return nvr_error_set(err, -EINVAL, "no path to check");
	if (path[0] == '/') {
		if (strlen(path) >= PATH_MAX)
			return nvr_error_set(err, -ENAMETOOLONG, "%s: path too "
			    "long", path);
		snprintf(out, PATH_MAX, "%s", path);
		return 0;
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return nvr_error_set(err, -errno, "cannot tell the current "
		    "folder: %s", strerror(errno));
	if (snprintf(out, PATH_MAX, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd,
	    path) >= PATH_MAX)
		return nvr_error_set(err, -ENAMETOOLONG, "%s: path too long",
		    path);
	return 0;
}

int
trust_check_path(const char *path, struct nvr_error *err)
{
	char abs[PATH_MAX], deepest[PATH_MAX], resolved[PATH_MAX];
	struct stat st;
	bool linked;
	int rc = absolute(path, abs, err);

	if (rc != 0)
		return rc;
	if (lstat("/", &st) != 0)
		return nvr_error_set(err, -errno, "cannot look at /: %s",
		    strerror(errno));
	rc = check_entry("/", &st, err);
	if (rc != 0)
		return rc;
	rc = check_prefixes(abs, &linked, deepest, err);
	if (rc != 0 || !linked)
		return rc;
	/* Where the links lead must pass the same rule. */
	if (realpath(deepest, resolved) == NULL) {
		if (errno == ENOENT)	/* a dangling link: nothing there */
			return 0;
		return nvr_error_set(err, -errno, "cannot resolve %s: %s",
		    deepest, strerror(errno));
	}
	return check_prefixes(resolved, &linked, deepest, err);
}

int
trust_check_folder_of(const char *path, struct nvr_error *err)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return trust_check_path(".", err);
	snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 :
	    (int)(slash - path), path);
	return trust_check_path(dir, err);
}
