/*
 * trust.c: the folder trust rule of trust.h.
 *
 * The path is resolved by hand, one component and one link at a time
 * (as the kernel would), and the rule is applied to every folder and
 * every link met on the way, not only to where the path ends: a link
 * through a folder someone else owns could otherwise be pointed
 * anywhere after the check. A part that does not exist yet must sit in
 * a folder nobody else can write, sticky or not, or someone else could
 * make it first.
 */
#include "common/trust.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LINKS_MAX 40	/* as the kernel's MAXSYMLINKS */

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

/* Appends component NAME (LEN bytes) to the resolved folder DONE. */
static int
append(char *done, const char *name, size_t len, struct nvr_error *err)
{
	size_t used = strlen(done);

	if (used + 1 + len >= PATH_MAX)
		return nvr_error_set(err, -ENAMETOOLONG, "path too long");
	if (used > 1)
		done[used++] = '/';
	else
		used = 1;	/* after "/" */
	memcpy(done + used, name, len);
	done[used + len] = '\0';
	return 0;
}

/* Drops the last component of the resolved folder DONE (for ".."). */
static void
drop_last(char *done)
{
	char *slash = strrchr(done, '/');

	if (slash == done)
		done[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
}

int
trust_check_path(const char *path, struct nvr_error *err)
{
	/* DONE: the resolved folders so far, every one checked; TODO: what
	 * is left to walk, links spliced in as they are met. */
	char done[PATH_MAX] = "/", todo[PATH_MAX], next[PATH_MAX];
	struct stat st, parent;
	int links = 0, rc = absolute(path, todo, err);

	if (rc != 0)
		return rc;
	if (lstat("/", &parent) != 0)
		return nvr_error_set(err, -errno, "cannot look at /: %s",
		    strerror(errno));
	rc = check_entry("/", &parent, err);
	for (const char *p = todo; rc == 0;) {
		size_t len;

		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		len = strcspn(p, "/");
		if (len == 1 && p[0] == '.') {
			p += len;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			drop_last(done);
			p += len;
			continue;
		}
		snprintf(next, sizeof(next), "%s", done);
		rc = append(next, p, len, err);
		if (rc != 0)
			break;
		if (lstat(next, &st) != 0) {
			if (errno != ENOENT)
				return nvr_error_set(err, -errno, "cannot look "
				    "at %s: %s", next, strerror(errno));
			/* Not there yet: whoever may write its folder could
			 * make it, sticky or not. */
			if ((parent.st_mode & 022) != 0)
				return nvr_error_set(err, -EPERM, "%s does not "
				    "exist, and %s can be written by others, "
				    "who could make it first; fix: make it, "
				    "owned by root", next, done);
			return 0;
		}
		rc = check_entry(next, &st, err);
		if (rc != 0)
			break;
		p += len;
		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t n = readlink(next, target, sizeof(target) - 1);

			if (n < 0)
				return nvr_error_set(err, -errno, "cannot read "
				    "the link %s: %s", next, strerror(errno));
			if (++links > LINKS_MAX)
				return nvr_error_set(err, -ELOOP, "%s: too many "
				    "links", path);
			target[n] = '\0';
			/* The link's target, then the rest of the path. */
			if (snprintf(next, sizeof(next), "%s%s%s", target,
			    *p != '\0' ? "/" : "", p) >= (int)sizeof(next))
				return nvr_error_set(err, -ENAMETOOLONG, "%s: "
				    "path too long", path);
			snprintf(todo, sizeof(todo), "%s", next);
			p = todo;
			if (target[0] == '/') {
				snprintf(done, sizeof(done), "/");
				(void)lstat("/", &parent);
			}
			continue;
		}
		snprintf(done, sizeof(done), "%s", next);
		parent = st;
		if (!S_ISDIR(st.st_mode))
			break;	/* a file: nothing below it */
	}
	return rc;
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
