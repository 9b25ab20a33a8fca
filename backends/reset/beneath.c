/*
 * beneath.c: the two walks of beneath.h.
 */
#include "backends/reset/beneath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(SYS_openat2) && defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define HAVE_OPENAT2 1
#endif
#endif

static bool force_components;
static bool no_openat2;		/* the kernel said it has none */
static enum beneath_walk last_walk = BENEATH_WALK_COMPONENTS;

void
beneath_force_components(bool on)
{
	force_components = on;
}

enum beneath_walk
beneath_last_walk(void)
{
	return last_walk;
}

/* A message for a walk that stopped at REL below ROOT. */
static int
walk_error(int code, const char *root, const char *rel,
    struct nvr_error *err)
{
	if (code == -ELOOP)
		return nvr_error_set(err, code, "%s/%s: a symbolic link on the "
		    "way; a reset never follows one (name the folder it leads "
		    "to in reset.allowed instead)", root, rel);
	if (code == -ENOTDIR)
		return nvr_error_set(err, code, "%s/%s: something on the way "
		    "is not a folder", root, rel);
	return nvr_error_set(err, code, "cannot open %s/%s: %s", root, rel,
	    strerror(-code));
}

/* openat2 below ROOTFD; -ENOSYS where the kernel has no openat2. */
static int
walk_openat2(int rootfd, const char *rel)
{
#ifdef HAVE_OPENAT2
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		    RESOLVE_NO_MAGICLINKS,
	};
	long fd;
	int tries = 0;

	/* EAGAIN: the kernel saw a rename race it could not rule out;
	 * asking again is what its manual says to do. */
	do
		fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN && ++tries < 16);
	return fd < 0 ? -errno : (int)fd;
#else
	(void)rootfd;
	(void)rel;
	return -ENOSYS;
#endif
}

/* openat(O_NOFOLLOW | O_DIRECTORY) one component of REL at a time. */
static int
walk_components(int rootfd, const char *rel)
{
	char buf[PATH_MAX];
	char *part, *save = NULL;
	int fd = dup(rootfd);

	if (fd < 0)
		return -errno;
	snprintf(buf, sizeof(buf), "%s", rel);
	for (part = strtok_r(buf, "/", &save); part != NULL;
	    part = strtok_r(NULL, "/", &save)) {
		int next = openat(fd, part, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		int e = errno;

		if (next < 0) {
			struct stat st;

			/* O_NOFOLLOW with O_DIRECTORY may say ENOTDIR for
			 * a link: tell the two apart. */
			if (e == ENOTDIR && fstatat(fd, part, &st,
			    AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
				e = ELOOP;
			close(fd);
			return -e;
		}
		close(fd);
		fd = next;
	}
	return fd;
}

int
beneath_open_parent(const char *root, const char *path, const char **base,
    struct nvr_error *err)
{
	size_t root_len = strlen(root);
	char dir[PATH_MAX];
	const char *rel, *slash;
	int rootfd, fd;

	if (strncmp(path, root, root_len) != 0 || (path[root_len] != '\0' &&
	    path[root_len] != '/') || strlen(path) >= PATH_MAX)
		return nvr_error_set(err, -EINVAL, "%s is not inside %s", path,
		    root);
	slash = strrchr(path, '/');
	*base = slash + 1;
	if (path[root_len] == '\0') {
		/* ROOT itself: its parent is trusted as it is. */
		size_t len = (size_t)(slash - path);

		snprintf(dir, sizeof(dir), "%.*s", (int)(len == 0 ? 1 : len),
		    path);
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return nvr_error_set(err, -errno, "cannot open %s: %s",
			    dir, strerror(errno));
		return fd;
	}
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return nvr_error_set(err, -errno, "cannot open %s: %s", root,
		    strerror(errno));
	rel = path + root_len + 1;
	if (slash < rel)	/* PATH's folder is ROOT */
		return rootfd;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - rel), rel);
#ifdef NVR_TEST_BUILD
	/* The sanitizer build is the test build: its e2e runs of the
	 * binary choose the walk too. */
	if (getenv("NVR_TEST_WALK") != NULL &&
	    strcmp(getenv("NVR_TEST_WALK"), "components") == 0)
		force_components = true;
#endif
	fd = -ENOSYS;
	if (!force_components && !no_openat2) {
		fd = walk_openat2(rootfd, dir);
		/* EPERM: a container's seccomp filter that predates openat2
		 * refuses it so. */
		if (fd == -ENOSYS || fd == -EPERM) {
			no_openat2 = true;
			fd = -ENOSYS;
		} else {
			last_walk = BENEATH_WALK_OPENAT2;
		}
	}
	if (fd == -ENOSYS) {
		fd = walk_components(rootfd, dir);
		last_walk = BENEATH_WALK_COMPONENTS;
	}
	close(rootfd);
	if (fd < 0)
		return walk_error(fd, root, dir, err);
	return fd;
}
