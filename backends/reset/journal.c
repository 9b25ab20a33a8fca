/*
 * journal.c: the factory reset's journal and the executor that
 * runs it.
 *
 * Invariants:
 * 1. The plan is on disk, whole and fsynced (atomic_file_replace), before
 *    any step runs; a journal that does not parse runs nothing.
 * 2. "done N" is appended and fsynced only after step N has finished and
 *    its folder has been fsynced, so a step marked done is done for good.
 * 3. Every step converges when run again from any point inside it, so a
 *    step cut short is simply run again.
 * 4. The journal is removed (and its folder fsynced) only after the last
 *    step is marked done. Once it is removed the reset has finished: a
 *    folder fsync that fails then is not reported as a failure (a power
 *    cut could bring the journal back, every step marked done, and the
 *    next start would only remove it again).
 * 5. Every path still to run is checked against the config's allowed
 *    folders before anything runs, and each step reaches its path from
 *    a descriptor of its allowed folder without following a symlink
 *    anywhere (backends/reset/beneath.h): nothing is looked up by name again
 *    after a check.
 */
#include "backends/reset/journal.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/command.h"
#include "config/config.h"
#include "common/atomic_file.h"
#include "backends/reset/beneath.h"
#include "common/failpoint.h"
#include "common/trust.h"

/* How often a folder that keeps being filled is emptied again before the
 * step gives up (and can be run again). */
/* readdir on a 32-bit machine without 64-bit file offsets fails with
 * EOVERFLOW on a file system with 64-bit inode numbers (the Makefile's
 * LFS_CFLAGS). */
_Static_assert(sizeof(ino_t) == 8 && sizeof(off_t) == 8,
    "build with -D_FILE_OFFSET_BITS=64");

#define REMOVE_PASSES 100

#ifdef NVR_FAILPOINTS
long reset_failpoint_hits;
long reset_failpoint_countdown;
#endif

/* A failpoint by name (common/failpoint.h) that crash tests can also
 * reach by count. */
static void
fp(const char *name)
{
	failpoint(name);
#ifdef NVR_FAILPOINTS
	reset_failpoint_hits++;
	if (reset_failpoint_countdown > 0 && --reset_failpoint_countdown == 0)
		raise(SIGKILL);
#else
	(void)name;
#endif
}

static int
fsync_dir(const char *dir, struct nvr_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return nvr_error_set(err, -errno, "cannot open %s: %s", dir,
		    strerror(errno));
	if (fsync(fd) != 0) {
		int e = errno;

		close(fd);
		return nvr_error_set(err, -e, "cannot sync %s: %s", dir,
		    strerror(e));
	}
	close(fd);
	return 0;
}

/* Removes NAME in AT, a file or a whole tree, without following a
 * symlink; what is already gone is fine. A folder that something keeps
 * filling while it is emptied is emptied again, a bounded number of
 * times. */
static int
remove_at(int at, const char *name, const char *path,
    struct nvr_error *err)
{
	struct stat st;
	DIR *d;
	int fd;

	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT)
			return 0;
		return nvr_error_set(err, -errno, "cannot check %s: %s", path,
		    strerror(errno));
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(at, name, 0) != 0 && errno != ENOENT)
			return nvr_error_set(err, -errno, "cannot remove %s: %s",
			    path, strerror(errno));
		return 0;
	}
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return nvr_error_set(err, -errno, "cannot open %s: %s", path,
		    strerror(errno));
	}
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return nvr_error_set(err, -errno, "cannot read %s: %s", path,
		    strerror(errno));
	}
	for (int pass = 0;; pass++) {
		struct dirent *ent;

		rewinddir(d);
		while ((ent = readdir(d)) != NULL) {
			char *sub;
			int rc;

			if (strcmp(ent->d_name, ".") == 0 ||
			    strcmp(ent->d_name, "..") == 0)
				continue;
			if (asprintf(&sub, "%s/%s", path, ent->d_name) < 0) {
				closedir(d);
				return nvr_error_set(err, -ENOMEM,
				    "out of memory");
			}
			rc = remove_at(fd, ent->d_name, sub, err);
			free(sub);
			if (rc != 0) {
				closedir(d);
				return rc;
			}
			fp("reset-remove-entry");
		}
		if (unlinkat(at, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			break;
		if ((errno != ENOTEMPTY && errno != EEXIST) ||
		    pass == REMOVE_PASSES) {
			int e = errno;

			closedir(d);
			if (e == ENOTEMPTY || e == EEXIST)
				return nvr_error_set(err, -e, "%s keeps being "
				    "filled while it is removed (a program "
				    "still writing there?); stop it and try "
				    "again", path);
			return nvr_error_set(err, -e, "cannot remove %s: %s",
			    path, strerror(e));
		}
	}
	closedir(d);
	return 0;
}

/* Where a step acts: the folder holding its path, walked to from the
 * allowed folder without following a link (backends/reset/beneath.h), and the
 * path's last component in it. */
struct place {
	int dir;
	const char *base;
	const char *path;
	bool is_root;	/* PATH is the allowed folder: DIR is outside */
};

static int
open_place(const char *path, const struct reset_run *run, struct place *pl,
    struct nvr_error *err)
{
	const char *root = run == NULL ? NULL : reset_plan_root(path,
	    run->allowed, run->n_allowed);

	int rc;

	pl->dir = -1;
	pl->path = path;
	if (root == NULL)
		return nvr_error_set(err, -EPERM, "%s is outside the folders a "
		    "reset may touch", path);
	/* Checked at load, and again now: an earlier step may have
	 * removed the allowed folder itself from a folder others can
	 * write, where someone could have made it again as a link. */
	rc = trust_check_path(root, err);
	if (rc != 0)
		return rc;
	pl->dir = beneath_open_parent(root, path, &pl->base, err);
	pl->is_root = strcmp(path, root) == 0;
	return pl->dir < 0 ? pl->dir : 0;
}

static void
close_place(struct place *pl)
{
	if (pl->dir >= 0)
		close(pl->dir);
	pl->dir = -1;
}

static int
sync_place(const struct place *pl, struct nvr_error *err)
{
	if (fsync(pl->dir) != 0)
		return nvr_error_set(err, -errno, "cannot sync the folder of "
		    "%s: %s", pl->path, strerror(errno));
	return 0;
}

/*
 * Removes what is at PL (a file or a tree) and syncs its folder. A tree
 * is first renamed aside, to a name in the same folder that step INDEX
 * owns, and removed there: whatever keeps writing under the old name
 * (the NVR software, not stopped) can no longer keep the removal from
 * finishing. A rename aside that a kill cut short is found again by the
 * name, so the step converges when run again.
 */
static int
remove_aside(const struct place *pl, size_t index, struct nvr_error *err)
{
	char aside[32], *shown = NULL;
	struct stat st;
	int rc;

	/* The allowed folder itself is removed where it is: its folder is
	 * outside, where no name of ours may be made or cleared. */
	if (pl->is_root) {
		rc = remove_at(pl->dir, pl->base, pl->path, err);
		return rc == 0 ? sync_place(pl, err) : rc;
	}
	snprintf(aside, sizeof(aside), ".nvr-reset-%zu", index);
	if (asprintf(&shown, "%.*s/%s", (int)(pl->base - pl->path - 1),
	    pl->path, aside) < 0)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	rc = remove_at(pl->dir, aside, shown, err);	/* an earlier try's */
	if (rc == 0 && fstatat(pl->dir, pl->base, &st,
	    AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			rc = remove_at(pl->dir, pl->base, pl->path, err);
		} else if (renameat2(pl->dir, pl->base, pl->dir, aside,
		    RENAME_NOREPLACE) == 0 || ((errno == EINVAL ||
		    errno == ENOSYS) && renameat(pl->dir, pl->base, pl->dir,
		    aside) == 0)) {
			/* EINVAL: a file system without RENAME_NOREPLACE;
			 * ENOSYS: a kernel before 3.15. The name was just
			 * cleared. */
			fp("reset-remove-aside");
			rc = remove_at(pl->dir, aside, shown, err);
		} else if (errno != ENOENT) {
			rc = nvr_error_set(err, -errno, "cannot move %s aside: "
			    "%s", pl->path, strerror(errno));
		}
	} else if (rc == 0 && errno != ENOENT) {
		rc = nvr_error_set(err, -errno, "cannot check %s: %s",
		    pl->path, strerror(errno));
	}
	free(shown);
	return rc == 0 ? sync_place(pl, err) : rc;
}

static int
step_remove(const struct reset_step *s, size_t index,
    const struct reset_run *run, struct nvr_error *err)
{
	struct place pl;
	int rc = open_place(s->path, run, &pl, err);

	/* A folder on the way gone, or a link or a file in its place: the
	 * tree to remove is not there (and a link is not followed). */
	if (rc == -ENOENT || rc == -ELOOP || rc == -ENOTDIR)
		return 0;
	if (rc == 0)
		rc = remove_aside(&pl, index, err);
	close_place(&pl);
	return rc;
}

static int
step_restore(const struct reset_step *s, const struct reset_run *run,
    struct nvr_error *err)
{
	struct atomic_write_options options = { .backup = false };
	struct place from, to = { .dir = -1 };
	char *want = NULL, *have = NULL;
	size_t want_len = 0, have_len = 0;
	struct stat st;
	int rc;

	rc = open_place(s->from, run, &from, err);
	if (rc == 0)
		rc = atomic_file_read_at(from.dir, from.base, s->from,
		    ATOMIC_FILE_MAX, &want, &want_len, &st, err);
	close_place(&from);
	if (rc == 0)
		rc = open_place(s->path, run, &to, err);
	if (rc == 0 && atomic_file_read_at(to.dir, to.base, s->path,
	    ATOMIC_FILE_MAX, &have, &have_len, NULL, NULL) == 0 &&
	    have_len == want_len && memcmp(have, want, want_len) == 0) {
		free(have);
		free(want);
		close_place(&to);
		return 0;
	}
	free(have);
	if (rc == 0) {
		fp("reset-restore-read");
		/* A new file gets the factory file's owner and mode; an
		 * existing one keeps its own. */
		options.uid = st.st_uid;
		options.gid = st.st_gid;
		options.mode = st.st_mode & 07777;
		rc = atomic_file_replace_at(to.dir, to.base, s->path, want,
		    want_len, &options, err);
	}
	free(want);
	close_place(&to);
	return rc;
}

/* Whether NAME in DIR is a folder (not a symlink) with MODE and nothing
 * in it. */
static bool
is_empty_dir(int dir, const char *name, mode_t mode)
{
	struct stat st;
	struct dirent *ent;
	bool empty = true;
	DIR *d;
	int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);

	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || (st.st_mode & 07777) != mode) {
		close(fd);
		return false;
	}
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return false;
	}
	while (empty && (ent = readdir(d)) != NULL)
		if (strcmp(ent->d_name, ".") != 0 &&
		    strcmp(ent->d_name, "..") != 0)
			empty = false;
	closedir(d);
	return empty;
}

/* Gives the folder NAME in PL, just made, its MODE (the umask applied)
 * through a descriptor, and syncs it. */
static int
set_made_mode(const struct place *pl, mode_t mode, struct nvr_error *err)
{
	struct stat st;
	int fd = openat(pl->dir, pl->base, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return nvr_error_set(err, -errno, "cannot open %s: %s",
		    pl->path, strerror(errno));
	if (fstat(fd, &st) != 0)
		rc = nvr_error_set(err, -errno, "cannot check %s: %s",
		    pl->path, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		rc = nvr_error_set(err, -EAGAIN, "%s was replaced while it "
		    "was being made", pl->path);
	else if (fchmod(fd, mode) != 0)
		rc = nvr_error_set(err, -errno, "cannot set the mode of %s: "
		    "%s", pl->path, strerror(errno));
	else if (fsync(fd) != 0)
		rc = nvr_error_set(err, -errno, "cannot sync %s: %s",
		    pl->path, strerror(errno));
	close(fd);
	return rc;
}

static int
step_mkdir(const struct reset_step *s, size_t index,
    const struct reset_run *run, struct nvr_error *err)
{
	struct place pl;
	int rc = open_place(s->path, run, &pl, err);

	if (rc != 0)
		return rc;
	if (is_empty_dir(pl.dir, pl.base, s->mode)) {
		close_place(&pl);
		return 0;
	}
	rc = remove_aside(&pl, index, err);
	if (rc == 0) {
		fp("reset-mkdir-removed");
		if (mkdirat(pl.dir, pl.base, s->mode) != 0)
			rc = nvr_error_set(err, -errno, "cannot make %s: %s",
			    s->path, strerror(errno));
	}
	if (rc == 0) {
		fp("reset-mkdir-made");
		rc = set_made_mode(&pl, s->mode, err);
	}
	if (rc == 0)
		rc = sync_place(&pl, err);
	close_place(&pl);
	return rc;
}

/* Empties the regular file open as FD at PL. A file with another name
 * too (a hard link, perhaps to a file outside the allowed folders) is
 * not emptied in place: this name gets a new, empty file instead. */
static int
empty_file(int fd, const struct stat *before, const struct place *pl,
    struct nvr_error *err)
{
	struct atomic_write_options keep = { .backup = false };
	struct stat st;

	if (fstat(fd, &st) != 0)
		return nvr_error_set(err, -errno, "cannot check %s: %s",
		    pl->path, strerror(errno));
	if (!S_ISREG(st.st_mode) || st.st_ino != before->st_ino ||
	    st.st_dev != before->st_dev)
		return nvr_error_set(err, -EAGAIN, "%s was replaced while it "
		    "was being emptied", pl->path);
	if (st.st_size == 0)
		return 0;
	fp("reset-truncate-opened");
	if (st.st_nlink > 1)
		return atomic_file_replace_at(pl->dir, pl->base, pl->path, "",
		    0, &keep, err);
	if (ftruncate(fd, 0) != 0)
		return nvr_error_set(err, -errno, "cannot empty %s: %s",
		    pl->path, strerror(errno));
	if (fsync(fd) != 0)
		return nvr_error_set(err, -errno, "cannot sync %s: %s",
		    pl->path, strerror(errno));
	return 0;
}

static int
step_truncate(const struct reset_step *s, const struct reset_run *run,
    struct nvr_error *err)
{
	struct place pl;
	struct stat st;
	int fd, rc = open_place(s->path, run, &pl, err);

	/* Nothing to empty: as for a removal. */
	if (rc == -ENOENT || rc == -ELOOP || rc == -ENOTDIR)
		return 0;
	if (rc != 0)
		return rc;
	/* Only a regular file is opened at all: opening a device (a hard
	 * link to a watchdog, say) can act by itself. */
	if (fstatat(pl.dir, pl.base, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		rc = errno == ENOENT ? 0 : nvr_error_set(err, -errno, "cannot "
		    "check %s: %s", s->path, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		rc = nvr_error_set(err, -EINVAL, "%s is not a regular file; "
		    "not emptying it", s->path);
	} else if ((fd = openat(pl.dir, pl.base, O_WRONLY | O_NOFOLLOW |
	    O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) < 0) {
		rc = errno == ENOENT ? 0 : nvr_error_set(err, -errno, "cannot "
		    "open %s: %s", s->path, strerror(errno));
	} else {
		rc = empty_file(fd, &st, &pl, err);
		close(fd);
	}
	close_place(&pl);
	return rc;
}

/* Where a test may stop the run: the command started, not waited for. */
static void
command_spawned(void)
{
	fp("reset-command-spawned");
}

static int
step_command(const struct reset_step *s, struct nvr_error *err)
{
	return command_run(s->argv, command_spawned, err);
}

int
reset_step_run(const struct reset_step *step, size_t index,
    const struct reset_run *run, struct nvr_error *err)
{
	const struct reset_hooks *hooks = run == NULL ? NULL : run->hooks;

	switch (step->kind) {
	case RESET_REMOVE:
		return step_remove(step, index, run, err);
	case RESET_RESTORE:
		return step_restore(step, run, err);
	case RESET_MKDIR:
		return step_mkdir(step, index, run, err);
	case RESET_TRUNCATE:
		return step_truncate(step, run, err);
	case RESET_COMMAND:
		if (!step->idempotent)
			return nvr_error_set(err, -EINVAL, "%s is not declared "
			    "idempotent", step->label);
		return step_command(step, err);
	case RESET_ACCOUNTS:
	case RESET_ADMIN_PASSWORD:
		if (hooks == NULL || hooks->accounts == NULL)
			return nvr_error_set(err, -ENOTSUP, "%s: no accounts "
			    "backend is configured", step->label);
		return hooks->accounts(hooks->ctx, step->store,
		    step->kind == RESET_ADMIN_PASSWORD, err);
	case RESET_WIZARD_STATE:
		if (hooks == NULL || hooks->wizard_state == NULL)
			return nvr_error_set(err, -ENOTSUP, "%s: the wizard's "
			    "state cannot be reached", step->label);
		return hooks->wizard_state(hooks->ctx, err);
	}
	return nvr_error_set(err, -EINVAL, "unknown step kind %d",
	    (int)step->kind);
}

/* The journal's text, growing. */
struct text {
	char *p;
	size_t len, cap;
	bool oom;
};

static void
put(struct text *t, const char *s, size_t n)
{
	if (t->oom)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap == 0 ? 1024 : t->cap;
		char *p;

		while (t->len + n + 1 > cap)
			cap *= 2;
		p = realloc(t->p, cap);
		if (p == NULL) {
			t->oom = true;
			return;
		}
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

static void
put_str(struct text *t, const char *s)
{
	put(t, s, strlen(s));
}

/* A tab, then S with \, tab and newline escaped. */
static void
put_field(struct text *t, const char *s)
{
	put(t, "\t", 1);
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			put(t, "\\\\", 2);
		else if (*s == '\t')
			put(t, "\\t", 2);
		else if (*s == '\n')
			put(t, "\\n", 2);
		else
			put(t, s, 1);
	}
}

static char *
journal_path(const char *state_dir)
{
	char *path;

	if (asprintf(&path, "%s/%s", state_dir, RESET_JOURNAL_NAME) < 0)
		return NULL;
	return path;
}

bool
reset_journal_pending(const char *state_dir)
{
	char *path = journal_path(state_dir);
	struct stat st;
	bool pending;

	if (path == NULL)
		return false;
	pending = lstat(path, &st) == 0;
	free(path);
	return pending;
}

int
reset_journal_begin(const char *state_dir, const struct reset_plan *plan,
    struct nvr_error *err)
{
	struct atomic_write_options options = {
		.uid = getuid(), .gid = getgid(), .mode = 0600,
	};
	struct text t = { 0 };
	struct stat st;
	char *path;
	int rc;

	rc = reset_plan_check(plan, err);
	if (rc != 0)
		return rc;
	path = journal_path(state_dir);
	if (path == NULL)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	if (lstat(path, &st) == 0) {
		rc = nvr_error_set(err, -EEXIST, "%s exists: a reset is under "
		    "way; finish it first", path);
		free(path);
		return rc;
	}
	put_str(&t, RESET_JOURNAL_HEADER "\n");
	for (size_t i = 0; i < plan->n_allowed; i++) {
		put_str(&t, "allow");
		put_field(&t, plan->allowed[i]);
		put_str(&t, "\n");
	}
	for (size_t i = 0; i < plan->n_steps; i++) {
		const struct reset_step *s = &plan->steps[i];
		char mode[16];

		put_str(&t, "step");
		put_field(&t, reset_kind_name(s->kind));
		put_field(&t, s->label);
		switch (s->kind) {
		case RESET_COMMAND:
			for (size_t a = 0; s->argv[a] != NULL; a++)
				put_field(&t, s->argv[a]);
			break;
		case RESET_RESTORE:
			put_field(&t, s->path);
			put_field(&t, s->from);
			break;
		case RESET_MKDIR:
			put_field(&t, s->path);
			snprintf(mode, sizeof(mode), "%04o", (unsigned)s->mode);
			put_field(&t, mode);
			break;
		case RESET_REMOVE:
		case RESET_TRUNCATE:
			put_field(&t, s->path);
			break;
		case RESET_ACCOUNTS:
		case RESET_ADMIN_PASSWORD:
			if (s->store != NULL)
				put_field(&t, s->store);
			break;
		case RESET_WIZARD_STATE:
			break;
		}
		put_str(&t, "\n");
	}
	if (t.oom) {
		free(t.p);
		free(path);
		return nvr_error_set(err, -ENOMEM, "out of memory");
	}
	fp("reset-begin-before");
	rc = atomic_file_replace(path, t.p, t.len, &options, err);
	if (rc == 0)
		fp("reset-begin-after");
	free(t.p);
	free(path);
	return rc;
}

/* A journal loaded into memory; strings point into DATA. */
struct journal {
	char *data;
	struct reset_step *steps;
	size_t n_steps;
	const char **allowed;
	size_t n_allowed;
	size_t done;		/* steps 0..done-1 are done */
	size_t keep;		/* bytes to keep: a torn last line is cut */
	bool torn;
};

static void
journal_free(struct journal *j)
{
	for (size_t i = 0; i < j->n_steps; i++)
		free((void *)j->steps[i].argv);
	free(j->steps);
	free(j->allowed);
	free(j->data);
}

/* Undoes put_field's escapes in place; false on a bad escape. */
static bool
unescape(char *s)
{
	char *out = s;

	for (; *s != '\0'; s++) {
		if (*s != '\\') {
			*out++ = *s;
			continue;
		}
		s++;
		if (*s == '\\')
			*out++ = '\\';
		else if (*s == 't')
			*out++ = '\t';
		else if (*s == 'n')
			*out++ = '\n';
		else
			return false;
	}
	*out = '\0';
	return true;
}

#define MAX_FIELDS (RESET_ARGV_MAX + 3)

/* Parses one step line's fields (after "step") into J. */
static const char *
parse_step(struct journal *j, char **f, size_t n)
{
	struct reset_step s = { .label = n > 1 ? f[1] : NULL };
	struct reset_step *steps;

	if ((n == 2 || n == 3) && strcmp(f[0], "accounts") == 0) {
		/* Without a store: a journal of the version with one store,
		 * whose accounts are now the first store's. */
		s.kind = RESET_ACCOUNTS;
		s.store = n == 3 ? f[2] : NULL;
		if (s.store != NULL && !config_store_id_ok(s.store))
			return "an accounts step names a store by its id";
	} else if (n == 3 && strcmp(f[0], "admin-password") == 0) {
		s.kind = RESET_ADMIN_PASSWORD;
		s.store = f[2];
		if (!config_store_id_ok(s.store))
			return "an admin-password step names a store by its id";
	} else if (n == 2 && strcmp(f[0], "wizard-state") == 0) {
		s.kind = RESET_WIZARD_STATE;
	} else if (n < 3) {
		return "a step needs a kind, a label and its arguments";
	} else if (strcmp(f[0], "remove") == 0 || strcmp(f[0], "truncate") == 0) {
		if (n != 3)
			return "remove and truncate take one path";
		s.kind = f[0][0] == 'r' ? RESET_REMOVE : RESET_TRUNCATE;
		s.path = f[2];
	} else if (strcmp(f[0], "restore") == 0) {
		if (n != 4)
			return "restore takes a path and a factory file";
		s.kind = RESET_RESTORE;
		s.path = f[2];
		s.from = f[3];
	} else if (strcmp(f[0], "mkdir") == 0) {
		char *end;
		unsigned long mode;

		if (n != 4)
			return "mkdir takes a path and a mode";
		errno = 0;
		mode = strtoul(f[3], &end, 8);
		if (f[3][0] < '0' || f[3][0] > '7' || *end != '\0' ||
		    errno != 0 || mode > 07777)
			return "bad mode";
		s.kind = RESET_MKDIR;
		s.path = f[2];
		s.mode = (mode_t)mode;
	} else if (strcmp(f[0], "command") == 0) {
		const char **argv = calloc(n - 1, sizeof(*argv));

		if (argv == NULL)
			return "out of memory";
		for (size_t i = 2; i < n; i++)
			argv[i - 2] = f[i];
		s.kind = RESET_COMMAND;
		s.argv = argv;
		s.idempotent = true;	/* begin records no other */
	} else {
		return "unknown step kind";
	}
	steps = realloc(j->steps, (j->n_steps + 1) * sizeof(*steps));
	if (steps == NULL) {
		free((void *)s.argv);
		return "out of memory";
	}
	j->steps = steps;
	j->steps[j->n_steps++] = s;
	return NULL;
}

/* Parses one line (its newline removed); NULL or what is wrong. */
static const char *
parse_line(struct journal *j, char *line, int *section)
{
	char *f[MAX_FIELDS + 1];
	size_t n = 0;
	char *p = line;

	if (strncmp(line, "done ", 5) == 0 || strncmp(line, "skip ", 5) == 0) {
		char *end;
		unsigned long index;

		if (line[5] < '0' || line[5] > '9')
			return "bad step number";
		errno = 0;
		index = strtoul(line + 5, &end, 10);
		if (*end != '\0' || errno != 0)
			return "bad step number";
		if (index != j->done || index >= j->n_steps)
			return "steps marked done out of order";
		j->done++;
		*section = 2;
		return NULL;
	}
	for (;;) {
		char *tab = strchr(p, '\t');

		if (n == MAX_FIELDS + 1)
			return "too many fields";
		f[n++] = p;
		if (tab == NULL)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	for (size_t i = 0; i < n; i++)
		if (!unescape(f[i]))
			return "bad escape";
	if (strcmp(f[0], "allow") == 0) {
		const char **allowed;

		if (*section != 0)
			return "allow after the steps";
		if (n != 2)
			return "allow takes one folder";
		allowed = realloc(j->allowed, (j->n_allowed + 1) *
		    sizeof(*allowed));
		if (allowed == NULL)
			return "out of memory";
		j->allowed = allowed;
		j->allowed[j->n_allowed++] = f[1];
		return NULL;
	}
	if (strcmp(f[0], "step") == 0) {
		if (*section == 2)
			return "a step after steps were marked done";
		*section = 1;
		return parse_step(j, f + 1, n - 1);
	}
	return "unknown line";
}

static int
journal_parse(struct journal *j, const char *path, struct nvr_error *err)
{
	char *p = j->data;
	unsigned lineno = 0;
	int section = 0;

	while (*p != '\0') {
		char *nl = strchr(p, '\n');
		const char *why;

		lineno++;
		if (nl == NULL) {
			/* A "done N" or "skip N" cut short by a power
			 * cut: the step runs (or is skipped) again. */
			size_t len = strlen(p);

			if (lineno > 1 && (strncmp(p, "done ",
			    len < 5 ? len : 5) == 0 || strncmp(p, "skip ",
			    len < 5 ? len : 5) == 0)) {
				j->torn = true;
				j->keep = (size_t)(p - j->data);
				break;
			}
			return nvr_error_set(err, -EBADMSG, "%s:%u: the last "
			    "line is incomplete", path, lineno);
		}
		*nl = '\0';
		if (lineno == 1)
			why = strcmp(p, RESET_JOURNAL_HEADER) == 0 ? NULL :
			    "not a reset journal (bad header)";
		else
			why = parse_line(j, p, &section);
		if (why != NULL)
			return nvr_error_set(err, -EBADMSG, "%s:%u: %s", path,
			    lineno, why);
		p = nl + 1;
	}
	if (lineno == 0)
		return nvr_error_set(err, -EBADMSG, "%s:1: empty journal",
		    path);
	return 0;
}

/* Appends "WHAT INDEX" ("done" or "skip") to the journal at PATH and
 * fsyncs it. */
static int
mark_step(const char *path, const char *what, size_t index,
    struct nvr_error *err)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "%s %zu\n", what, index);
	int fd, rc = 0;
	ssize_t w;

	fp("reset-done-before");
	fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return nvr_error_set(err, -errno, "cannot open %s: %s", path,
		    strerror(errno));
	w = write(fd, line, (size_t)n);
	/* A write to a file cut short: the storage filled up (the torn
	 * line is cut off when the journal is read). */
	if (w != n)
		rc = nvr_error_set(err, w < 0 ? -errno : -ENOSPC, "cannot "
		    "write %s: %s", path, strerror(w < 0 ? errno : ENOSPC));
	else if (fsync(fd) != 0)
		rc = nvr_error_set(err, -errno, "cannot sync %s: %s", path,
		    strerror(errno));
	close(fd);
	if (rc == 0)
		fp("reset-done-after");
	return rc;
}

/* Cuts a torn last line off the journal at PATH. */
static int
cut_torn(const char *path, size_t keep, struct nvr_error *err)
{
	int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return nvr_error_set(err, -errno, "cannot open %s: %s", path,
		    strerror(errno));
	if (ftruncate(fd, (off_t)keep) != 0 || fsync(fd) != 0)
		rc = nvr_error_set(err, -errno, "cannot repair %s: %s", path,
		    strerror(errno));
	close(fd);
	return rc;
}

/* Fills STATUS with J's progress and the steps still to run that name
 * a path outside the N ALLOWED folders. */
static void
journal_status(const struct journal *j, const char *const *allowed, size_t n,
    struct reset_journal_status *status)
{
	memset(status, 0, sizeof(*status));
	status->done = j->done;
	status->total = j->n_steps;
	status->passwords_only = j->n_steps > 0;
	for (size_t i = 0; i < j->n_steps; i++)
		if (j->steps[i].kind != RESET_ADMIN_PASSWORD)
			status->passwords_only = false;
	for (size_t i = j->done; i < j->n_steps; i++) {
		const struct reset_step *s = &j->steps[i];
		struct reset_refused_step *r;
		struct nvr_error why = { "" };

		if (reset_step_check_paths(s, allowed, n, &why) == 0)
			continue;
		if (status->refused_count++ >= RESET_REFUSED_MAX)
			continue;
		r = &status->refused[status->refused_count - 1];
		r->index = i;
		snprintf(r->label, sizeof(r->label), "%s", s->label);
		snprintf(r->path, sizeof(r->path), "%s",
		    reset_plan_path_inside(s->path, allowed, n, NULL) != 0 ?
		    s->path : s->from);
		snprintf(r->why, sizeof(r->why), "%s", why.message);
	}
}

static int
journal_execute(struct journal *j, const char *path, const char *state_dir,
    const struct reset_run *run, struct nvr_error *err)
{
	size_t max_steps = run->max_steps == 0 ? SIZE_MAX : run->max_steps;
	struct reset_journal_status status;
	int rc;

	/* Before anything changes: every step still to run must lie in the
	 * folders the config allows now, not just those the journal says
	 * it was given. */
	journal_status(j, run->allowed, run->n_allowed, &status);
	if (status.refused_count > 0 && !run->skip_refused)
		return nvr_error_set(err, -EPERM, "step %zu of %zu (%s) is "
		    "outside what this recorder's config lets a reset touch: "
		    "%s", status.refused[0].index + 1, j->n_steps,
		    status.refused[0].label, status.refused[0].why);
	if (j->torn) {
		rc = cut_torn(path, j->keep, err);
		if (rc != 0)
			return rc;
	}
	for (size_t i = j->done; i < j->n_steps; i++) {
		const struct reset_step *s = &j->steps[i];
		bool skip;

		if (max_steps-- == 0)
			return 1;
		skip = reset_step_check_paths(s, run->allowed, run->n_allowed,
		    NULL) != 0;
		if (run->progress != NULL)
			run->progress(run->ctx, i, j->n_steps, s->label, skip);
		if (!skip) {
			fp("reset-step-before");
			rc = reset_step_run(s, i, run, err);
			/* The codes the callers read as "no journal", "does
			 * not parse", "outside the config" or "another
			 * reset" mean none of that from a step. */
			if (rc == -ENOENT || rc == -EBADMSG || rc == -EPERM ||
			    rc == -EBUSY)
				rc = -EIO;
			if (rc != 0)
				return rc;
			fp("reset-step-after");
		}
		rc = mark_step(path, skip ? "skip" : "done", i, err);
		if (rc != 0)
			return rc;
	}
	fp("reset-unlink-before");
	if (unlink(path) != 0)
		return nvr_error_set(err, -errno, "cannot remove %s: %s", path,
		    strerror(errno));
	fp("reset-unlink-after");
	(void)fsync_dir(state_dir, NULL);	/* invariant 4 */
	return 0;
}

/* Loads and checks STATE_DIR's journal into J; *PATH is its name. */
static int
journal_load(const char *state_dir, struct journal *j, char **path,
    struct nvr_error *err)
{
	size_t len;
	int rc;

	*path = journal_path(state_dir);
	if (*path == NULL)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	rc = atomic_file_read(*path, ATOMIC_FILE_MAX, &j->data, &len, err);
	if (rc == 0 && memchr(j->data, '\0', len) != NULL)
		rc = nvr_error_set(err, -EBADMSG, "%s: a NUL byte", *path);
	if (rc == 0)
		rc = atomic_file_check_trusted(*path, err);
	if (rc == 0)
		rc = journal_parse(j, *path, err);
	for (size_t i = 0; rc == 0 && i < j->n_steps; i++) {
		struct nvr_error why;

		if (reset_step_check_form(&j->steps[i], i, &why) != 0)
			rc = nvr_error_set(err, -EBADMSG, "%s: %s", *path,
			    why.message);
	}
	return rc;
}

int
reset_journal_run(const char *state_dir, const struct reset_run *run,
    struct nvr_error *err)
{
	struct journal j = { 0 };
	char *path = NULL;
	int rc = journal_load(state_dir, &j, &path, err);

	if (rc == 0)
		rc = journal_execute(&j, path, state_dir, run, err);
	journal_free(&j);
	free(path);
	return rc;
}

int
reset_journal_peek(const char *state_dir, const char *const *allowed,
    size_t n_allowed, struct reset_journal_status *status,
    struct nvr_error *err)
{
	struct journal j = { 0 };
	char *path = NULL;
	int rc = journal_load(state_dir, &j, &path, err);

	memset(status, 0, sizeof(*status));
	if (rc == 0)
		journal_status(&j, allowed, n_allowed, status);
	journal_free(&j);
	free(path);
	return rc;
}
