/*
 * inject.c: the system calls of tests/faults, each a site that can fail
 * (see inject.h). Each finds the C library's own with dlsym(RTLD_NEXT)
 * the first time it is called.
 */
#include "tests/faults/inject.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

enum mode { OFF, COUNTING, FAULTING };

struct plan {
	enum mode mode;
	unsigned target;
	enum fault fault;
	unsigned seen;
	bool fired;
	bool full;		/* after a short write: the disk is full */
	char names[INJECT_SITES_MAX][INJECT_SITE_NAME];
};

static struct plan *plan;

/* What each descriptor was opened as, for a site's name; a child has
 * its own copy. */
#define NAMED_FDS 1024
static char fd_names[NAMED_FDS][40];

enum act { GO, FAIL, CUT };

#define REAL(name) \
	static __typeof__(name) *real_##name; \
	if (real_##name == NULL) \
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

void
inject_init(void)
{
	if (plan != NULL)
		return;
	plan = mmap(NULL, sizeof(*plan), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (plan == MAP_FAILED) {
		perror("inject_init: mmap");
		abort();
	}
	memset(plan, 0, sizeof(*plan));
}

void
inject_count(void)
{
	memset(plan, 0, sizeof(*plan));
	plan->mode = COUNTING;
}

void
inject_arm(unsigned target, enum fault fault)
{
	plan->seen = 0;
	plan->fired = false;
	plan->full = false;
	plan->target = target;
	plan->fault = fault;
	plan->mode = FAULTING;
}

void
inject_disarm(void)
{
	plan->mode = OFF;
}

unsigned
inject_seen(void)
{
	return plan->seen;
}

bool
inject_fired(void)
{
	return plan->fired;
}

const char *
inject_site_name(unsigned i)
{
	if (i == 0 || i > INJECT_SITES_MAX)
		return "?";
	return plan->names[i - 1];
}

void
inject_site_kind(unsigned i, char *out, unsigned size)
{
	const char *name = inject_site_name(i);
	size_t n = strcspn(name, " ");

	if (n >= size)
		n = size - 1;
	memcpy(out, name, n);
	out[n] = '\0';
}

bool
inject_site_writes(unsigned i)
{
	char kind[16];

	inject_site_kind(i, kind, sizeof(kind));
	return strcmp(kind, "write") == 0 || strcmp(kind, "pwrite") == 0;
}

const char *
fault_name(enum fault fault)
{
	static const char *const names[FAULT_COUNT] = {
		"ENOSPC", "EIO", "EROFS", "short", "SIGKILL",
	};

	return fault < FAULT_COUNT ? names[fault] : "?";
}

static const char *
base_name(const char *path)
{
	const char *slash = path != NULL ? strrchr(path, '/') : NULL;

	if (path == NULL)
		return "?";
	return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

static void
remember_fd(int fd, const char *path)
{
	if (fd >= 0 && fd < NAMED_FDS)
		snprintf(fd_names[fd], sizeof(fd_names[fd]), "%s",
		    base_name(path));
}

static const char *
fd_name(int fd)
{
	if (fd >= 0 && fd < NAMED_FDS && fd_names[fd][0] != '\0')
		return fd_names[fd];
	return "(a descriptor opened before)";
}

/* A site: counted, named while counting, failed when it is the target;
 * after a short write, every later write finds the disk full. */
static enum act
site(const char *kind, const char *what, const char *to)
{
	unsigned n;

	if (plan == NULL || plan->mode == OFF)
		return GO;
	n = __atomic_add_fetch(&plan->seen, 1, __ATOMIC_SEQ_CST);
	if (plan->mode == FAULTING && plan->full &&
	    (strcmp(kind, "write") == 0 || strcmp(kind, "pwrite") == 0)) {
		errno = ENOSPC;
		return FAIL;
	}
	if (plan->mode == COUNTING) {
		if (n <= INJECT_SITES_MAX)
			snprintf(plan->names[n - 1], INJECT_SITE_NAME,
			    "%s %s%s%s", kind, what, to != NULL ? " -> " : "",
			    to != NULL ? to : "");
		return GO;
	}
	if (n != plan->target)
		return GO;
	plan->fired = true;
	switch (plan->fault) {
	case FAULT_ENOSPC:
		errno = ENOSPC;
		return FAIL;
	case FAULT_EIO:
		errno = EIO;
		return FAIL;
	case FAULT_EROFS:
		errno = EROFS;
		return FAIL;
	case FAULT_SHORT:
		plan->full = true;
		return CUT;
	case FAULT_KILL:
	case FAULT_COUNT:
		break;
	}
	kill(0, SIGKILL);
	for (;;)
		pause();
}

static bool
armed(void)
{
	return plan != NULL && plan->mode != OFF;
}

static bool
changes(int flags)
{
	return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)) !=
	    0;
}

/* Writes and syncs count on files and folders, not on pipes. */
static bool
is_file(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && (S_ISREG(st.st_mode) ||
	    S_ISDIR(st.st_mode));
}

static bool
open_for_writing(int fd)
{
	struct stat st;
	int flags = fcntl(fd, F_GETFL);

	return flags >= 0 && (flags & O_ACCMODE) != O_RDONLY &&
	    fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* What a write site's ACT does to a write of *LEN bytes: false, it fails
 * (errno set); true, it goes on, cut to half when ACT is CUT (a single
 * byte cannot be cut: it finds the disk full). */
static bool
write_goes_on(enum act act, size_t *len)
{
	if (act == FAIL)
		return false;
	if (act == CUT) {
		if (*len <= 1) {
			errno = ENOSPC;
			return false;
		}
		*len /= 2;
	}
	return true;
}

/* Reads open(2)'s mode argument into MODE: there only with these flags. */
#define TAKE_MODE(flags, mode) do { \
	if (((flags) & O_CREAT) || ((flags) & O_TMPFILE) == O_TMPFILE) { \
		va_list ap; \
		va_start(ap, flags); \
		(mode) = (mode_t)va_arg(ap, int); \
		va_end(ap); \
	} \
} while (0)

int
openat64(int dir, const char *path, int flags, ...)
{
	mode_t mode = 0;
	int fd;
	REAL(openat64);

	TAKE_MODE(flags, mode);
	if (changes(flags) && site("open", base_name(path), NULL) == FAIL)
		return -1;
	fd = real_openat64(dir, path, flags, mode);
	remember_fd(fd, path);
	return fd;
}

/* The same site as openat64 from the working folder. */
int
open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	TAKE_MODE(flags, mode);
	return openat64(AT_FDCWD, path, flags, mode);
}

ssize_t
write(int fd, const void *data, size_t len)
{
	REAL(write);

	if (armed() && is_file(fd) &&
	    !write_goes_on(site("write", fd_name(fd), NULL), &len))
		return -1;
	return real_write(fd, data, len);
}

ssize_t
pwrite64(int fd, const void *data, size_t len, off64_t at)
{
	REAL(pwrite64);

	if (armed() && is_file(fd) &&
	    !write_goes_on(site("pwrite", fd_name(fd), NULL), &len))
		return -1;
	return real_pwrite64(fd, data, len, at);
}

int
fsync(int fd)
{
	REAL(fsync);

	if (armed() && is_file(fd) && site("fsync", fd_name(fd), NULL) == FAIL)
		return -1;
	return real_fsync(fd);
}

int
fdatasync(int fd)
{
	REAL(fdatasync);

	if (armed() && is_file(fd) &&
	    site("fdatasync", fd_name(fd), NULL) == FAIL)
		return -1;
	return real_fdatasync(fd);
}

int
ftruncate64(int fd, off64_t len)
{
	REAL(ftruncate64);

	if (site("ftruncate", fd_name(fd), NULL) == FAIL)
		return -1;
	return real_ftruncate64(fd, len);
}

int
renameat(int from_dir, const char *from, int to_dir, const char *to)
{
	REAL(renameat);

	if (site("rename", base_name(from), base_name(to)) == FAIL)
		return -1;
	return real_renameat(from_dir, from, to_dir, to);
}

int
renameat2(int from_dir, const char *from, int to_dir, const char *to,
    unsigned flags)
{
	REAL(renameat2);

	if (site("rename", base_name(from), base_name(to)) == FAIL)
		return -1;
	return real_renameat2(from_dir, from, to_dir, to, flags);
}

int
mkdir(const char *path, mode_t mode)
{
	REAL(mkdir);

	if (site("mkdir", base_name(path), NULL) == FAIL)
		return -1;
	return real_mkdir(path, mode);
}

int
mkdirat(int dir, const char *path, mode_t mode)
{
	REAL(mkdirat);

	if (site("mkdir", base_name(path), NULL) == FAIL)
		return -1;
	return real_mkdirat(dir, path, mode);
}

int
unlink(const char *path)
{
	REAL(unlink);

	if (site("unlink", base_name(path), NULL) == FAIL)
		return -1;
	return real_unlink(path);
}

int
unlinkat(int dir, const char *path, int flags)
{
	REAL(unlinkat);

	if (site("unlink", base_name(path), NULL) == FAIL)
		return -1;
	return real_unlinkat(dir, path, flags);
}

int
link(const char *from, const char *to)
{
	REAL(link);

	if (site("link", base_name(from), base_name(to)) == FAIL)
		return -1;
	return real_link(from, to);
}

int
fchmod(int fd, mode_t mode)
{
	REAL(fchmod);

	if (site("fchmod", fd_name(fd), NULL) == FAIL)
		return -1;
	return real_fchmod(fd, mode);
}

int
fchown(int fd, uid_t uid, gid_t gid)
{
	REAL(fchown);

	if (site("fchown", fd_name(fd), NULL) == FAIL)
		return -1;
	return real_fchown(fd, uid, gid);
}

/* A failed close still closes: the descriptor is gone either way. */
int
close(int fd)
{
	enum act act = GO;
	int rc, saved;
	REAL(close);

	if (armed() && open_for_writing(fd))
		act = site("close", fd_name(fd), NULL);
	saved = errno;
	if (fd >= 0 && fd < NAMED_FDS)
		fd_names[fd][0] = '\0';
	rc = real_close(fd);
	if (act == FAIL) {
		errno = saved;
		return -1;
	}
	return rc;
}
