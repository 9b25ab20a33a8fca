/*
 * reset_journal.c: the factory reset's journal and the executor that
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
 *    step is marked done.
 * 5. Paths are checked again after loading, before anything runs; steps
 *    never follow a symlink in the last component.
 */
#include "backends/reset_journal.h"

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
#include <sys/wait.h>
#include <unistd.h>

#include "backends/atomic_file.h"
#include "backends/failpoint.h"

#ifdef NVR_FAILPOINTS
long reset_failpoint_hits;
long reset_failpoint_countdown;
#endif

/* A failpoint by name (backends/failpoint.h) that crash tests can also
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

/* PATH's folder and last component, in BUF (PATH_MAX bytes). */
static void
split_path(const char *path, char *buf, const char **dir, const char **base)
{
	char *slash;

	snprintf(buf, PATH_MAX, "%s", path);
	slash = strrchr(buf, '/');
	*base = path + (slash - buf) + 1;
	if (slash == buf) {
		*dir = "/";
	} else {
		*slash = '\0';
		*dir = buf;
	}
}

/* Removes NAME in DIRFD, a file or a whole tree, without following
 * symlinks; what is already gone is fine. */
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
	if (fd < 0)
		return nvr_error_set(err, -errno, "cannot open %s: %s", path,
		    strerror(errno));
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return nvr_error_set(err, -errno, "cannot read %s: %s", path,
		    strerror(errno));
	}
	for (;;) {
		struct dirent *ent;
		size_t seen = 0;

		rewinddir(d);
		while ((ent = readdir(d)) != NULL) {
			char *sub;
			int rc;

			if (strcmp(ent->d_name, ".") == 0 ||
			    strcmp(ent->d_name, "..") == 0)
				continue;
			seen++;
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
		if (seen == 0)
			break;
	}
	if (fsync(fd) != 0) {
		int e = errno;

		closedir(d);
		return nvr_error_set(err, -e, "cannot sync %s: %s", path,
		    strerror(e));
	}
	closedir(d);
	if (unlinkat(at, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		return nvr_error_set(err, -errno, "cannot remove %s: %s", path,
		    strerror(errno));
	return 0;
}

/* Removes PATH (a file or a tree) and fsyncs its folder. */
static int
remove_path(const char *path, struct nvr_error *err)
{
	char buf[PATH_MAX];
	const char *dir, *base;
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		return nvr_error_set(err, -errno, "cannot check %s: %s", path,
		    strerror(errno));
	}
	split_path(path, buf, &dir, &base);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return nvr_error_set(err, -errno, "cannot open %s: %s", dir,
		    strerror(errno));
	rc = remove_at(fd, base, path, err);
	if (rc == 0 && fsync(fd) != 0)
		rc = nvr_error_set(err, -errno, "cannot sync %s: %s", dir,
		    strerror(errno));
	close(fd);
	return rc;
}

static int
step_restore(const struct reset_step *s, struct nvr_error *err)
{
	struct atomic_write_options options = { .backup = false };
	char *want, *have = NULL;
	size_t want_len, have_len = 0;
	struct stat st;
	int rc;

	rc = atomic_file_read(s->from, ATOMIC_FILE_MAX, &want, &want_len, err);
	if (rc != 0)
		return rc;
	if (stat(s->from, &st) != 0) {
		free(want);
		return nvr_error_set(err, -errno, "cannot check %s: %s",
		    s->from, strerror(errno));
	}
	rc = atomic_file_read(s->path, ATOMIC_FILE_MAX, &have, &have_len, err);
	if (rc == 0 && have_len == want_len &&
	    memcmp(have, want, want_len) == 0) {
		free(have);
		free(want);
		return 0;
	}
	free(have);
	fp("reset-restore-read");
	/* A new file gets the factory file's owner and mode; an existing
	 * one keeps its own. */
	options.uid = st.st_uid;
	options.gid = st.st_gid;
	options.mode = st.st_mode & 07777;
	rc = atomic_file_replace(s->path, want, want_len, &options, err);
	free(want);
	return rc;
}

/* Whether PATH is a folder (not a symlink) with MODE and nothing in it. */
static bool
is_empty_dir(const char *path, mode_t mode)
{
	struct stat st;
	struct dirent *ent;
	bool empty = true;
	DIR *d;
	int fd;

	if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    (st.st_mode & 07777) != mode)
		return false;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
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

static int
step_mkdir(const struct reset_step *s, struct nvr_error *err)
{
	char buf[PATH_MAX];
	const char *dir, *base;
	int rc;

	if (is_empty_dir(s->path, s->mode))
		return 0;
	rc = remove_path(s->path, err);
	if (rc != 0)
		return rc;
	fp("reset-mkdir-removed");
	if (mkdir(s->path, s->mode) != 0)
		return nvr_error_set(err, -errno, "cannot make %s: %s",
		    s->path, strerror(errno));
	fp("reset-mkdir-made");
	if (chmod(s->path, s->mode) != 0)	/* the umask applied */
		return nvr_error_set(err, -errno, "cannot set the mode of %s: "
		    "%s", s->path, strerror(errno));
	rc = fsync_dir(s->path, err);
	if (rc != 0)
		return rc;
	split_path(s->path, buf, &dir, &base);
	return fsync_dir(dir, err);
}

static int
step_truncate(const struct reset_step *s, struct nvr_error *err)
{
	int fd = open(s->path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC);
	struct stat st;
	int rc = 0;

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;	/* nothing to empty */
		return nvr_error_set(err, -errno, "cannot open %s: %s",
		    s->path, strerror(errno));
	}
	if (fstat(fd, &st) != 0)
		rc = nvr_error_set(err, -errno, "cannot check %s: %s",
		    s->path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		rc = nvr_error_set(err, -EINVAL, "%s is not a regular file; "
		    "not emptying it", s->path);
	else if (st.st_size == 0)
		rc = 0;
	else if (fp("reset-truncate-opened"), ftruncate(fd, 0) != 0)
		rc = nvr_error_set(err, -errno, "cannot empty %s: %s",
		    s->path, strerror(errno));
	else if (fsync(fd) != 0)
		rc = nvr_error_set(err, -errno, "cannot sync %s: %s",
		    s->path, strerror(errno));
	close(fd);
	return rc;
}

static int
step_command(const struct reset_step *s, struct nvr_error *err)
{
	static char *const envp[] = {
		(char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL,
	};
	pid_t pid;
	int status, rc;

	rc = posix_spawn(&pid, s->argv[0], NULL, NULL, (char *const *)s->argv,
	    envp);
	if (rc != 0)
		return nvr_error_set(err, -rc, "cannot run %s: %s", s->argv[0],
		    strerror(rc));
	fp("reset-command-spawned");
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return nvr_error_set(err, -errno, "cannot wait for %s: "
			    "%s", s->argv[0], strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return nvr_error_set(err, -EIO, "%s exited with status %d",
		    s->argv[0], WEXITSTATUS(status));
	return nvr_error_set(err, -EIO, "%s was killed by signal %d",
	    s->argv[0], WTERMSIG(status));
}

int
reset_step_run(const struct reset_step *step, const struct reset_hooks *hooks,
    struct nvr_error *err)
{
	switch (step->kind) {
	case RESET_REMOVE:
		return remove_path(step->path, err);
	case RESET_RESTORE:
		return step_restore(step, err);
	case RESET_MKDIR:
		return step_mkdir(step, err);
	case RESET_TRUNCATE:
		return step_truncate(step, err);
	case RESET_COMMAND:
		if (!step->idempotent)
			return nvr_error_set(err, -EINVAL, "%s is not declared "
			    "idempotent", step->label);
		return step_command(step, err);
	case RESET_ACCOUNTS:
		if (hooks == NULL || hooks->accounts == NULL)
			return nvr_error_set(err, -ENOTSUP, "%s: no accounts "
			    "backend is configured", step->label);
		return hooks->accounts(hooks->ctx, err);
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

	if (n == 2 && strcmp(f[0], "accounts") == 0) {
		s.kind = RESET_ACCOUNTS;
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

	if (strncmp(line, "done ", 5) == 0) {
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
			/* A "done N" cut short by a power cut: the step
			 * runs again. */
			size_t len = strlen(p);

			if (lineno > 1 && strncmp(p, "done ",
			    len < 5 ? len : 5) == 0) {
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

/* Appends "done INDEX" to the journal at PATH and fsyncs it. */
static int
mark_done(const char *path, size_t index, struct nvr_error *err)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "done %zu\n", index);
	int fd, rc = 0;
	ssize_t w;

	fp("reset-done-before");
	fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return nvr_error_set(err, -errno, "cannot open %s: %s", path,
		    strerror(errno));
	w = write(fd, line, (size_t)n);
	if (w != n)
		rc = nvr_error_set(err, w < 0 ? -errno : -EIO, "cannot write "
		    "%s: %s", path, w < 0 ? strerror(errno) : "short write");
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

static int
journal_execute(struct journal *j, const char *path, const char *state_dir,
    const struct reset_hooks *hooks, size_t max_steps,
    reset_progress_fn progress, void *ctx, struct nvr_error *err)
{
	int rc;

	if (j->torn) {
		rc = cut_torn(path, j->keep, err);
		if (rc != 0)
			return rc;
	}
	for (size_t i = j->done; i < j->n_steps; i++) {
		const struct reset_step *s = &j->steps[i];

		if (max_steps-- == 0)
			return 1;
		if (progress != NULL)
			progress(ctx, i, j->n_steps, s->label);
		if (reset_kind_has_path(s->kind)) {
			rc = reset_plan_check_path(s->path, j->allowed,
			    j->n_allowed, err);
			if (rc != 0)
				return rc;
		}
		fp("reset-step-before");
		rc = reset_step_run(s, hooks, err);
		if (rc != 0)
			return rc;
		fp("reset-step-after");
		rc = mark_done(path, i, err);
		if (rc != 0)
			return rc;
	}
	fp("reset-unlink-before");
	if (unlink(path) != 0)
		return nvr_error_set(err, -errno, "cannot remove %s: %s", path,
		    strerror(errno));
	fp("reset-unlink-after");
	return fsync_dir(state_dir, err);
}

/* Loads and checks STATE_DIR's journal into J; *PATH is its name. */
static int
journal_load(const char *state_dir, struct journal *j, char **path,
    struct nvr_error *err)
{
	struct reset_plan plan;
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
	if (rc == 0) {
		plan = (struct reset_plan){
			.steps = j->steps, .n_steps = j->n_steps,
			.allowed = j->allowed, .n_allowed = j->n_allowed,
		};
		rc = reset_plan_check(&plan, err);
	}
	return rc;
}

int
reset_journal_run_some(const char *state_dir, const struct reset_hooks *hooks,
    size_t max_steps, reset_progress_fn progress, void *ctx,
    struct nvr_error *err)
{
	struct journal j = { 0 };
	char *path = NULL;
	int rc = journal_load(state_dir, &j, &path, err);

	if (rc == 0)
		rc = journal_execute(&j, path, state_dir, hooks, max_steps,
		    progress, ctx, err);
	journal_free(&j);
	free(path);
	return rc;
}

int
reset_journal_run(const char *state_dir, reset_progress_fn progress,
    void *ctx, struct nvr_error *err)
{
	return reset_journal_run_some(state_dir, NULL, SIZE_MAX, progress,
	    ctx, err);
}

int
reset_journal_peek(const char *state_dir, struct reset_journal_status *status,
    struct nvr_error *err)
{
	struct journal j = { 0 };
	char *path = NULL;
	int rc = journal_load(state_dir, &j, &path, err);

	if (rc == 0) {
		status->done = j.done;
		status->total = j.n_steps;
	}
	journal_free(&j);
	free(path);
	return rc;
}
