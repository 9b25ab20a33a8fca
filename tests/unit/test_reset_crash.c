/*
 * test_reset_crash.c: a factory reset killed at any moment and resumed
 * ends in exactly the factory tree (backends/reset/journal.c,
 * reset_plan.c and atomic_file.c built with -DNVR_FAILPOINTS for this
 * test only).
 *
 * Each case builds the same small device tree, then a forked child
 * begins and runs a plan (restore two files, remove a tree, remake a
 * folder, empty a log, then the two steps every reset has, through hooks
 * that stand in for the backends over the same write path: every
 * password in a shadow file locked, the wizard's state files removed)
 * and is killed with SIGKILL: at each named
 * failpoint, at the Nth failpoint hit for every N, and after random
 * delays. Fresh children then run the journal until it is gone, and the
 * tree is compared with the one an uninterrupted reset leaves: names,
 * types, modes and contents, the kept folder included.
 *
 * Without the core objects (and so without tests/unit/support.c), this
 * test keeps its own folder under /tmp, removed in teardown.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/atomic_file.h"
#include "backends/reset/beneath.h"
#include "common/failpoint.h"
#include "backends/reset/journal.h"

#ifndef NVR_FAILPOINTS
#error "test_reset_crash needs backends/reset/journal.c with -DNVR_FAILPOINTS"
#endif

#define RANDOM_RUNS 200
#define SEED 20261125u

struct fx {
	char dir[64];
	char root[96];		/* dir/root: the device's files */
	char state[96];		/* dir/state: the journal's folder */
	char factory[96];	/* dir/factory: the files as shipped */
	char p[8][160];		/* the steps' paths */
	const char *allowed[2];
	struct reset_step steps[7];
	struct reset_plan plan;
	char *original;		/* the tree's manifest before a reset */
	char *expected;		/* after an uninterrupted one */
	long hits;		/* failpoints an uninterrupted reset passes */
	long run_us;		/* how long it takes, in a child */
	bool components;	/* force beneath.h's component walk */
};

static void
put_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	size_t len = strlen(text);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

static void
make_dir(const char *path, mode_t mode)
{
	assert_int_equal(mkdir(path, mode), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static int
remove_entry(const char *path, const struct stat *sb, int flag,
    struct FTW *walk)
{
	(void)sb;
	(void)flag;
	(void)walk;
	return remove(path);
}

static void
rm_rf(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* FX's DIR/REL, in one of a few static buffers. */
static const char *
at(const struct fx *fx, const char *rel)
{
	static char bufs[4][256];
	static unsigned next;
	char *buf = bufs[next++ % 4];

	snprintf(buf, 256, "%s/%s", fx->dir, rel);
	return buf;
}

/* The device as the user left it, and an empty state folder. */
static void
build_tree(const struct fx *fx)
{
	rm_rf(fx->root);
	rm_rf(fx->state);
	make_dir(fx->state, 0700);
	make_dir(fx->root, 0755);
	make_dir(at(fx, "root/etc"), 0755);
	put_file(at(fx, "root/etc/config.yaml"), "user: changed\nport: 1\n",
	    0600);
	make_dir(at(fx, "root/var"), 0755);
	make_dir(at(fx, "root/var/rec"), 0755);
	for (int cam = 1; cam <= 2; cam++) {
		char rel[64];

		snprintf(rel, sizeof(rel), "root/var/rec/cam%d", cam);
		make_dir(at(fx, rel), 0750);
		for (int i = 1; i <= 4; i++) {
			snprintf(rel, sizeof(rel),
			    "root/var/rec/cam%d/%04d.mp4", cam, i);
			put_file(at(fx, rel), "frames", 0640);
		}
	}
	make_dir(at(fx, "root/var/cache"), 0777);
	make_dir(at(fx, "root/var/cache/thumbs"), 0755);
	put_file(at(fx, "root/var/cache/thumbs/a.jpg"), "jpeg", 0644);
	put_file(at(fx, "root/var/cache/index"), "index", 0644);
	make_dir(at(fx, "root/var/log"), 0755);
	put_file(at(fx, "root/var/log/events.log"), "boot\nmotion\nlogin\n",
	    0640);
	put_file(at(fx, "root/etc/shadow"), "root:*:1:0:::::\n"
	    "admin:$y$abc:2:0:::::\noperator:!:3:0:::::\n", 0640);
	put_file(at(fx, "state/recovery"), "admin\tkey\thash\n", 0600);
	put_file(at(fx, "state/requests"), "request\n", 0600);
	put_file(at(fx, "state/attempts"), "admin 3\n", 0600);
	make_dir(at(fx, "root/keep"), 0700);
	put_file(at(fx, "root/keep/licence"), "serial 0042\n", 0600);
	make_dir(at(fx, "root/keep/certs"), 0755);
	put_file(at(fx, "root/keep/certs/ca.pem"), "-----BEGIN-----\n", 0644);
	assert_int_equal(symlink("certs/ca.pem", at(fx, "root/keep/ca")), 0);
}

/* Appends to *OUT a line per entry below DIR (REL from the root), sorted
 * by name: kind, mode, name, and a file's contents or a link's target. */
static void
manifest_dir(const char *dir, const char *rel, char **out, size_t *len)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char path[PATH_MAX], sub[PATH_MAX], body[8192] = "";
		struct stat st;
		char *line;
		int m;

		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
			free(names[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		snprintf(sub, sizeof(sub), "%s/%s", rel, name);
		assert_int_equal(lstat(path, &st), 0);
		if (S_ISREG(st.st_mode)) {
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			ssize_t got;

			assert_true(fd >= 0);
			got = read(fd, body, sizeof(body) - 1);
			assert_true(got >= 0 && got < (ssize_t)sizeof(body) - 1);
			body[got] = '\0';
			close(fd);
		} else if (S_ISLNK(st.st_mode)) {
			ssize_t got = readlink(path, body, sizeof(body) - 1);

			assert_true(got >= 0);
			body[got] = '\0';
		}
		m = asprintf(&line, "%c %04o %s [%s]\n",
		    S_ISDIR(st.st_mode) ? 'd' : S_ISREG(st.st_mode) ? 'f' :
		    S_ISLNK(st.st_mode) ? 'l' : '?',
		    (unsigned)(st.st_mode & 07777), sub, body);
		assert_true(m > 0);
		*out = realloc(*out, *len + (size_t)m + 1);
		assert_non_null(*out);
		memcpy(*out + *len, line, (size_t)m + 1);
		*len += (size_t)m;
		free(line);
		if (S_ISDIR(st.st_mode))
			manifest_dir(path, sub, out, len);
		free(names[i]);
	}
	free(names);
}

/* The lines of MANIFEST about /keep and below; malloc'd. */
static char *
keep_lines(const char *manifest_text)
{
	char *out = calloc(1, strlen(manifest_text) + 1);
	const char *line = manifest_text;

	assert_non_null(out);
	while (*line != '\0') {
		const char *end = strstr(line, "]\n");

		assert_non_null(end);
		end += 2;
		if (strstr(line, " /keep") != NULL &&
		    strstr(line, " /keep") < end)
			strncat(out, line, (size_t)(end - line));
		line = end;
	}
	assert_true(strlen(out) > 0);
	return out;
}

static char *
manifest(const struct fx *fx)
{
	char *out = calloc(1, 1);
	size_t len = 0;

	assert_non_null(out);
	manifest_dir(fx->root, "", &out, &len);
	manifest_dir(fx->state, "state:", &out, &len);
	return out;
}

static long
us_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000000L +
	    (now.tv_nsec - start->tv_nsec) / 1000L;
}

/* The accounts hook: every hash in root/etc/shadow becomes "!", in one
 * atomic replace, and only when one is not yet. */
static int
hook_accounts(void *ctx, const char *store, bool admin_only,
    struct nvr_error *err)
{
	(void)store;
	(void)admin_only;
	const struct fx *fx = ctx;
	struct atomic_write_options options = { .mode = 0640 };
	char path[PATH_MAX], *text, out[4096];
	size_t len, used = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/etc/shadow", fx->root);
	rc = atomic_file_read(path, ATOMIC_FILE_MAX, &text, &len, err);
	if (rc != 0)
		return rc;
	for (char *line = text; *line != '\0';) {
		char *nl = strchr(line, '\n'), *c1 = strchr(line, ':');
		char *c2 = strchr(c1 + 1, ':');

		used += (size_t)snprintf(out + used, sizeof(out) - used,
		    "%.*s:!%.*s", (int)(c1 - line), line, (int)(nl - c2 + 1),
		    c2);
		line = nl + 1;
	}
	rc = used == len && memcmp(out, text, len) == 0 ? 0 :
	    atomic_file_replace(path, out, used, &options, err);
	free(text);
	return rc;
}

/* The wizard-state hook: its files removed, each under its lock. */
static int
hook_wizard_state(void *ctx, struct nvr_error *err)
{
	const struct fx *fx = ctx;
	static const char *const names[] = { "recovery", "requests",
		"attempts" };

	for (size_t i = 0; i < 3; i++) {
		char path[PATH_MAX], lock[PATH_MAX];
		int rc;

		snprintf(path, sizeof(path), "%s/%s", fx->state, names[i]);
		snprintf(lock, sizeof(lock), "%s/%s.lock", fx->state,
		    names[i]);
		rc = atomic_file_remove(path, lock, err);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Runs the journal to its end within the plan's folders. */
static int
run_reset(const struct fx *fx, struct nvr_error *err)
{
	struct reset_hooks hooks = { hook_accounts, hook_wizard_state,
	    (void *)fx };
	struct reset_run run = { .allowed = fx->allowed, .n_allowed = 2,
	    .hooks = &hooks };

	return reset_journal_run(fx->state, &run, err);
}

/* In a child: begins (unless RESUME) and runs the reset; exits 0 if it
 * finished, 1 if it failed. Dies at TARGET or at the COUNTDOWNth
 * failpoint, if set. */
static pid_t
spawn_reset(const struct fx *fx, bool resume, const char *target,
    long countdown)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct nvr_error err;
		int rc = 0;

		alarm(20);
		failpoint_target = target;
		reset_failpoint_countdown = countdown;
		if (!resume)
			rc = reset_journal_begin(fx->state, &fx->plan, &err);
		if (rc == 0)
			rc = run_reset(fx, &err);
		if (rc != 0)
			fprintf(stderr, "reset: %s\n", err.message);
		_exit(rc == 0 ? 0 : 1);
	}
	return pid;
}

/* Waits for PID; whether SIGKILL ended it. Fails if it exited non-0. */
static bool
reap(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status)) {
		if (WTERMSIG(status) != SIGKILL)
			print_error("the reset died of signal %d\n",
			    WTERMSIG(status));
		assert_int_equal(WTERMSIG(status), SIGKILL);
		return true;
	}
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) != 0)
		print_error("the reset failed (exit %d)\n",
		    WEXITSTATUS(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	return false;
}

static void
sleep_us(long us)
{
	struct timespec ts = { us / 1000000L, (us % 1000000L) * 1000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* After a crash: resumes in fresh children until no journal is left (a
 * reset killed before its journal was whole must have changed nothing,
 * and is begun again), then checks the tree. AGAIN_US >= 0: the first
 * resume is itself killed after that long. */
static void
resume_and_check(const struct fx *fx, const char *what, long again_us)
{
	char *now;
	int rounds = 0;

	if (!reset_journal_pending(fx->state)) {
		now = manifest(fx);
		if (strcmp(now, fx->expected) != 0) {
			/* Only the stale temporary journal may remain. */
			char *clean;

			unlink(at(fx, "state/" RESET_JOURNAL_NAME "+"));
			clean = manifest(fx);
			if (strcmp(clean, fx->original) != 0)
				print_error("%s: no journal, and the tree is "
				    "neither untouched nor reset:\n%s\n", what,
				    clean);
			assert_string_equal(clean, fx->original);
			free(clean);
			assert_false(reap(spawn_reset(fx, false, NULL, 0)));
		}
		free(now);
	}
	if (again_us >= 0 && reset_journal_pending(fx->state)) {
		pid_t pid = spawn_reset(fx, true, NULL, 0);

		sleep_us(again_us);
		kill(pid, SIGKILL);
		reap(pid);
	}
	while (reset_journal_pending(fx->state)) {
		assert_true(++rounds <= 3);
		assert_false(reap(spawn_reset(fx, true, NULL, 0)));
	}
	now = manifest(fx);
	if (strcmp(now, fx->expected) != 0)
		print_error("%s: the tree after resuming:\n%s\nexpected:\n%s\n",
		    what, now, fx->expected);
	assert_string_equal(now, fx->expected);
	free(now);
}

static int
fx_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/nvr-test-reset-crash-XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->root, sizeof(fx->root), "%s/root", fx->dir);
	snprintf(fx->state, sizeof(fx->state), "%s/state", fx->dir);
	snprintf(fx->factory, sizeof(fx->factory), "%s/factory", fx->dir);
	*state = fx;
	return 0;
}

static int
fx_setup_components(void **state)
{
	int rc = fx_setup(state);

	if (rc == 0)
		((struct fx *)*state)->components = true;
	return rc;
}

static int
fx_teardown(void **state)
{
	struct fx *fx = *state;

	nftw(fx->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx->original);
	free(fx->expected);
	free(fx);
	return 0;
}

static void
make_plan(struct fx *fx)
{
	static const char *const rel[] = {
		"root/etc/config.yaml", "factory/config.yaml",
		"root/etc/users", "factory/users", "root/var/rec",
		"root/var/cache", "root/var/log/events.log",
	};

	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++)
		snprintf(fx->p[i], sizeof(fx->p[i]), "%s/%s", fx->dir, rel[i]);
	fx->allowed[0] = fx->root;
	fx->allowed[1] = fx->factory;
	fx->steps[0] = (struct reset_step){ .kind = RESET_RESTORE,
	    .label = "config", .path = fx->p[0], .from = fx->p[1] };
	fx->steps[1] = (struct reset_step){ .kind = RESET_RESTORE,
	    .label = "users", .path = fx->p[2], .from = fx->p[3] };
	fx->steps[2] = (struct reset_step){ .kind = RESET_REMOVE,
	    .label = "recordings", .path = fx->p[4] };
	fx->steps[3] = (struct reset_step){ .kind = RESET_MKDIR,
	    .label = "cache", .path = fx->p[5], .mode = 0750 };
	fx->steps[4] = (struct reset_step){ .kind = RESET_TRUNCATE,
	    .label = "events", .path = fx->p[6] };
	fx->steps[5] = (struct reset_step){ .kind = RESET_ACCOUNTS,
	    .label = "passwords" };
	fx->steps[6] = (struct reset_step){ .kind = RESET_WIZARD_STATE,
	    .label = "wizard state" };
	fx->plan = (struct reset_plan){ .steps = fx->steps, .n_steps = 7,
	    .allowed = fx->allowed, .n_allowed = 2 };

	make_dir(fx->factory, 0755);
	put_file(fx->p[1], "user: factory\nport: 80\n", 0644);
	put_file(fx->p[3], "admin:x:0\n", 0640);
}

static void
test_reset_crash_anywhere(void **state)
{
	/* Both walks of backends/reset/beneath.h: the kernel's, then the
	 * component by component one. */
	beneath_force_components(((struct fx *)*state)->components);
	static const char *const names[] = {
		"reset-begin-before", "reset-begin-after",
		"reset-step-before", "reset-step-after",
		"reset-restore-read", "reset-remove-entry",
		"reset-remove-aside",
		"reset-mkdir-removed", "reset-mkdir-made",
		"reset-truncate-opened", "reset-done-before",
		"reset-done-after", "reset-unlink-before",
		"reset-unlink-after", "atomic-created", "atomic-written",
		"atomic-synced", "atomic-renamed",
	};
	struct fx *fx = *state;
	struct timespec start, t0;
	struct nvr_error err;
	long tried = 0, killed_random = 0, random_runs = 0;
	char what[64];
	char *kept;

	clock_gettime(CLOCK_MONOTONIC, &start);
	make_plan(fx);

	/* The trees before and after an uninterrupted reset. */
	build_tree(fx);
	fx->original = manifest(fx);
	reset_failpoint_hits = 0;
	assert_int_equal(reset_journal_begin(fx->state, &fx->plan, &err), 0);
	assert_int_equal(run_reset(fx, &err), 0);
	fx->hits = reset_failpoint_hits;
	fx->expected = manifest(fx);
	assert_null(strstr(fx->expected, "/var/rec"));
	assert_non_null(strstr(fx->expected, "d 0750 /var/cache []\n"));
	assert_null(strstr(fx->expected, "/var/cache/"));
	assert_non_null(strstr(fx->expected,
	    "f 0640 /var/log/events.log []\n"));
	assert_non_null(strstr(fx->expected,
	    "f 0600 /etc/config.yaml [user: factory\nport: 80\n]\n"));
	assert_non_null(strstr(fx->expected,
	    "f 0640 /etc/users [admin:x:0\n]\n"));
	assert_non_null(strstr(fx->expected, "f 0640 /etc/shadow [root:!:1:0"
	    ":::::\nadmin:!:2:0:::::\noperator:!:3:0:::::\n]\n"));
	/* Of the state, only the stores' empty lock files are left. */
	assert_non_null(strstr(fx->expected, "state:/attempts.lock"));
	assert_null(strstr(fx->expected, "state:/recovery ["));
	assert_null(strstr(fx->expected, "state:/requests ["));
	assert_null(strstr(fx->expected, "state:/attempts ["));
	assert_null(strstr(fx->expected, RESET_JOURNAL_NAME));
	kept = keep_lines(fx->original);
	assert_non_null(strstr(fx->expected, kept));
	assert_non_null(strstr(kept, "/keep/certs/ca.pem"));
	free(kept);
	assert_true(fx->hits > 20);

	build_tree(fx);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_false(reap(spawn_reset(fx, false, NULL, 0)));
	fx->run_us = us_since(&t0);
	resume_and_check(fx, "no crash", -1);

	/* At each named failpoint (its first hit). */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		build_tree(fx);
		if (!reap(spawn_reset(fx, false, names[i], 0))) {
			print_error("never reached failpoint %s\n", names[i]);
			fail();
		}
		resume_and_check(fx, names[i], -1);
		tried++;
	}

	/* Inside the first restore's atomic replace, the journal whole. */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strncmp(names[i], "atomic-", 7) != 0)
			continue;
		build_tree(fx);
		assert_int_equal(reset_journal_begin(fx->state, &fx->plan,
		    &err), 0);
		assert_true(reap(spawn_reset(fx, true, names[i], 0)));
		snprintf(what, sizeof(what), "restore at %s", names[i]);
		resume_and_check(fx, what, -1);
		tried++;
	}

	/* At the Nth failpoint hit, for every N. */
	for (long n = 1; n <= fx->hits; n++) {
		build_tree(fx);
		assert_true(reap(spawn_reset(fx, false, NULL, n)));
		snprintf(what, sizeof(what), "failpoint hit %ld", n);
		resume_and_check(fx, what, -1);
		tried++;
	}

	/* After random delays; the first resume is killed too. */
	srand(SEED);
	for (int i = 0; killed_random < RANDOM_RUNS; i++) {
		long delay = (long)((double)rand() / RAND_MAX *
		    (double)fx->run_us);
		long again = (long)((double)rand() / RAND_MAX *
		    (double)fx->run_us);
		pid_t pid;

		build_tree(fx);
		pid = spawn_reset(fx, false, NULL, 0);
		sleep_us(delay);
		kill(pid, SIGKILL);
		if (reap(pid)) {
			killed_random++;
			tried++;
		} else if (fx->run_us > 200) {
			/* It finished first: the reset measured at the start
			 * was slower than resets are now (a loaded machine
			 * then), so the delays are drawn from less. */
			fx->run_us = fx->run_us * 3 / 4;
		}
		snprintf(what, sizeof(what), "random kill %d after %ld us", i,
		    delay);
		resume_and_check(fx, what, again);
		random_runs++;
		assert_true(random_runs < 5 * RANDOM_RUNS);
	}

	print_message("    %s walk: %ld crash points tried: %zu named, 4 in "
	    "a restore, %ld failpoint hits, %ld random kills (of %ld random "
	    "delays; a reset takes %ld us) in %.1f s\n", fx->components ?
	    "component" : "openat2", tried,
	    sizeof(names) / sizeof(names[0]), fx->hits, killed_random,
	    random_runs, fx->run_us, (double)us_since(&start) / 1e6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reset_crash_anywhere,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reset_crash_anywhere,
		    fx_setup_components, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
