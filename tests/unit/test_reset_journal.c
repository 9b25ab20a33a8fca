/*
 * test_reset_journal.c: the factory reset's path checks, its steps (each
 * run twice gives the same result), and its journal: refused when it
 * does not parse, and a whole run from begin to the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#if defined(SYS_openat2) && defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif
#endif

#include "backends/reset/beneath.h"
#include "backends/reset/journal.h"
#include "config/reset_plan.h"
#include "tests/unit/support.h"

static int
setup(void **state)
{
	return support_fx_setup(state, "reset");
}

/* DIR/NAME in a static buffer of its own (up to 4 at a time). */
static const char *
at(const struct support_fx *fx, const char *name)
{
	static char bufs[4][PATH_MAX];
	static unsigned next;
	char *buf = bufs[next++ % 4];

	snprintf(buf, PATH_MAX, "%s/%s", fx->dir, name);
	return buf;
}

static void
make_dir(const char *path, mode_t mode)
{
	assert_int_equal(mkdir(path, mode), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void
put(const char *path, const char *text, mode_t mode)
{
	support_write_file(path, text, strlen(text), mode);
}

static void
assert_text(const char *path, const char *want)
{
	size_t len;
	char *got = support_slurp(path, &len);

	assert_non_null(got);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(got, want, len);
	free(got);
}

static bool
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Runs STATE_DIR's journal with FX's folder as the one allowed folder. */
static int
run_in(const struct support_fx *fx, const char *state_dir,
    const struct reset_hooks *hooks, size_t max_steps,
    reset_progress_fn progress, void *ctx, struct nvr_error *err)
{
	const char *allowed[] = { fx->dir };
	struct reset_run run = { .allowed = allowed, .n_allowed = 1,
	    .hooks = hooks, .max_steps = max_steps, .progress = progress,
	    .ctx = ctx };

	return reset_journal_run(state_dir, &run, err);
}

/* Runs FX's own journal, every step. */
static int
run_all(const struct support_fx *fx, struct nvr_error *err)
{
	return run_in(fx, fx->dir, NULL, 0, NULL, NULL, err);
}

/* Runs STEP (number 0) with FX's folder allowed. */
static int
step_in(const struct support_fx *fx, const struct reset_step *step,
    struct nvr_error *err)
{
	const char *allowed[] = { fx->dir };
	struct reset_run run = { .allowed = allowed, .n_allowed = 1 };

	return reset_step_run(step, 0, &run, err);
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode;
}

static void
test_reset_plan_check_path_cases(void **state)
{
	struct support_fx *fx = *state;
	char root[PATH_MAX], path[PATH_MAX + 64];
	const char *allowed[1] = { root };
	struct nvr_error err;
	static const struct {
		const char *rel;	/* below the fixture; NULL: literal */
		const char *lit;
		int want;
	} cases[] = {
		{ NULL, "/", -EINVAL },
		{ NULL, "relative/file", -EINVAL },
		{ NULL, "", -EINVAL },
		{ NULL, "/etc/passwd", -EPERM },
		{ "root/../etc", NULL, -EINVAL },
		{ "root/sub/..", NULL, -EINVAL },
		{ "root/./sub", NULL, -EINVAL },
		{ "root//sub", NULL, -EINVAL },
		{ "root/sub/", NULL, -EINVAL },
		{ "root/a\tb", NULL, -EINVAL },
		{ "root/a\nb", NULL, -EINVAL },
		{ "rootx/file", NULL, -EPERM },
		{ "roo", NULL, -EPERM },
		{ "root/escape/passwd", NULL, -EPERM },
		{ "root/escape/new/deeper", NULL, -EPERM },
		{ "root/sub/deep/escape/x", NULL, -EPERM },
		{ "root/escape", NULL, 0 },	/* the link itself */
		{ "root/inner/file", NULL, 0 },	/* a link inside */
		{ "root/sub/file", NULL, 0 },
		{ "root/new/deeper/file", NULL, 0 },
		{ "root", NULL, 0 },
	};

	snprintf(root, sizeof(root), "%s", at(fx, "root"));
	make_dir(root, 0755);
	make_dir(at(fx, "rootx"), 0755);
	make_dir(at(fx, "root/sub"), 0755);
	make_dir(at(fx, "root/sub/deep"), 0755);
	assert_int_equal(symlink("/etc", at(fx, "root/escape")), 0);
	assert_int_equal(symlink(at(fx, "rootx"), at(fx,
	    "root/sub/deep/escape")), 0);
	assert_int_equal(symlink("sub", at(fx, "root/inner")), 0);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;

		if (cases[i].rel != NULL)
			snprintf(path, sizeof(path), "%s/%s", fx->dir,
			    cases[i].rel);
		else
			snprintf(path, sizeof(path), "%s", cases[i].lit);
		err.message[0] = '\0';
		rc = reset_plan_check_path(path, allowed, 1, &err);
		if (rc != cases[i].want)
			print_error("case %zu %s: %d (%s), expected %d\n", i,
			    path, rc, err.message, cases[i].want);
		assert_int_equal(rc, cases[i].want);
		if (rc != 0)
			assert_true(err.message[0] != '\0');
	}
	/* No allowed folder, or "/" as one, allows nothing. */
	assert_int_equal(reset_plan_check_path(at(fx, "root/sub"), allowed, 0,
	    &err), -EPERM);
	allowed[0] = "/";
	assert_int_equal(reset_plan_check_path(at(fx, "root/sub"), allowed, 1,
	    &err), -EINVAL);
}

static void
test_reset_plan_check_steps(void **state)
{
	struct support_fx *fx = *state;
	const char *allowed[] = { fx->dir };
	static const char *const rel_argv[] = { "true", NULL };
	static const char *const true_argv[] = { "/bin/true", NULL };
	struct reset_step step = {
		.kind = RESET_COMMAND, .label = "cmd", .argv = true_argv,
	};
	struct reset_plan plan = {
		.steps = &step, .n_steps = 1, .allowed = allowed,
		.n_allowed = 1,
	};
	struct nvr_error err;

	/* A command runs again on resume: it must say it may. */
	assert_int_equal(reset_plan_check(&plan, &err), -EINVAL);
	assert_non_null(strstr(err.message, "idempotent"));
	step.idempotent = true;
	assert_int_equal(reset_plan_check(&plan, &err), 0);
	step.argv = rel_argv;
	assert_int_equal(reset_plan_check(&plan, &err), -EINVAL);
	step = (struct reset_step){
		.kind = RESET_RESTORE, .label = "r", .path = at(fx, "a"),
		.from = "factory/a",
	};
	assert_int_equal(reset_plan_check(&plan, &err), -EINVAL);
	/* The factory file lies within the allowed folders too. */
	step.from = "/usr/share/factory/a";
	assert_int_equal(reset_plan_check(&plan, &err), -EPERM);
	step.from = at(fx, "factory/a");
	assert_int_equal(reset_plan_check(&plan, &err), 0);
	step.path = "/etc/shadow";
	assert_int_equal(reset_plan_check(&plan, &err), -EPERM);
	step = (struct reset_step){
		.kind = RESET_MKDIR, .label = "m", .path = at(fx, "m"),
		.mode = 010755,
	};
	assert_int_equal(reset_plan_check(&plan, &err), -EINVAL);
	plan.n_allowed = 0;
	step.mode = 0755;
	assert_int_equal(reset_plan_check(&plan, &err), -EINVAL);
}

/* Runs STEP twice; both must succeed. */
static void
run_twice(const struct support_fx *fx, const struct reset_step *step)
{
	struct nvr_error err;

	for (int i = 0; i < 2; i++) {
		int rc = step_in(fx, step, &err);

		if (rc != 0)
			print_error("%s, run %d: %s\n", step->label, i + 1,
			    err.message);
		assert_int_equal(rc, 0);
	}
}

static void
test_reset_step_twice(void **state)
{
	struct support_fx *fx = *state;
	static const char *const true_argv[] = { "/bin/true", NULL };
	static const char *const false_argv[] = { "/bin/false", NULL };
	struct reset_step step;
	struct nvr_error err;

	/* Remove: a tree, a file, something absent, a symlink (not what
	 * it points to). */
	make_dir(at(fx, "tree"), 0755);
	make_dir(at(fx, "tree/a"), 0700);
	make_dir(at(fx, "tree/a/b"), 0755);
	put(at(fx, "tree/a/b/f1"), "one", 0600);
	put(at(fx, "tree/a/f2"), "two", 0644);
	put(at(fx, "tree/f3"), "three", 0644);
	put(at(fx, "target"), "kept", 0644);
	assert_int_equal(symlink(at(fx, "target"), at(fx, "tree/link")), 0);
	step = (struct reset_step){
		.kind = RESET_REMOVE, .label = "tree", .path = at(fx, "tree"),
	};
	run_twice(fx, &step);
	assert_false(exists(at(fx, "tree")));
	assert_text(at(fx, "target"), "kept");
	put(at(fx, "file"), "x", 0644);
	step.path = at(fx, "file");
	run_twice(fx, &step);
	assert_false(exists(at(fx, "file")));

	/* Restore: over an existing file (its mode kept), and a new one
	 * (the factory file's mode). */
	put(at(fx, "factory"), "factory contents\n", 0640);
	put(at(fx, "conf"), "changed by the user\n", 0600);
	step = (struct reset_step){
		.kind = RESET_RESTORE, .label = "conf", .path = at(fx, "conf"),
		.from = at(fx, "factory"),
	};
	run_twice(fx, &step);
	assert_text(at(fx, "conf"), "factory contents\n");
	assert_int_equal(mode_of(at(fx, "conf")) & 07777, 0600);
	step.path = at(fx, "newconf");
	run_twice(fx, &step);
	assert_text(at(fx, "newconf"), "factory contents\n");
	assert_int_equal(mode_of(at(fx, "newconf")) & 07777, 0640);
	assert_false(exists(at(fx, "newconf+")));
	/* A folder in the way is refused, not replaced. */
	make_dir(at(fx, "adir"), 0755);
	step.path = at(fx, "adir");
	assert_int_equal(step_in(fx, &step, &err), -EINVAL);

	/* Mkdir: over a full folder, over a file, and where nothing is. */
	make_dir(at(fx, "cache"), 0777);
	make_dir(at(fx, "cache/sub"), 0755);
	put(at(fx, "cache/sub/f"), "f", 0644);
	step = (struct reset_step){
		.kind = RESET_MKDIR, .label = "cache", .path = at(fx, "cache"),
		.mode = 02750,
	};
	run_twice(fx, &step);
	assert_true(S_ISDIR(mode_of(at(fx, "cache"))));
	assert_int_equal(mode_of(at(fx, "cache")) & 07777, 02750);
	assert_false(exists(at(fx, "cache/sub")));
	put(at(fx, "plain"), "in the way", 0644);
	step.path = at(fx, "plain");
	run_twice(fx, &step);
	assert_true(S_ISDIR(mode_of(at(fx, "plain"))));
	step.path = at(fx, "fresh");
	run_twice(fx, &step);
	assert_int_equal(mode_of(at(fx, "fresh")) & 07777, 02750);

	/* Truncate: emptied, mode kept; absent is fine. */
	put(at(fx, "log"), "lots of events\n", 0640);
	step = (struct reset_step){
		.kind = RESET_TRUNCATE, .label = "log", .path = at(fx, "log"),
	};
	run_twice(fx, &step);
	assert_text(at(fx, "log"), "");
	assert_int_equal(mode_of(at(fx, "log")) & 07777, 0640);
	step.path = at(fx, "nolog");
	run_twice(fx, &step);
	assert_false(exists(at(fx, "nolog")));

	/* Command: must exit 0. */
	step = (struct reset_step){
		.kind = RESET_COMMAND, .label = "true", .argv = true_argv,
		.idempotent = true,
	};
	run_twice(fx, &step);
	step.argv = false_argv;
	assert_int_equal(step_in(fx, &step, &err), -EIO);
	assert_non_null(strstr(err.message, "status 1"));
	step.argv = true_argv;
	step.idempotent = false;
	assert_int_equal(step_in(fx, &step, &err), -EINVAL);
}

/* Writes TEXT (with "%s" standing for the fixture's folder, any number
 * of times) as the fixture's journal. */
static void
put_journal(const struct support_fx *fx, const char *text)
{
	char buf[4096];
	size_t used = 0;

	for (const char *p = text; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == 's') {
			used += (size_t)snprintf(buf + used, sizeof(buf) - used,
			    "%s", fx->dir);
			p++;
		} else {
			buf[used++] = *p;
		}
		assert_true(used < sizeof(buf) - 1);
	}
	buf[used] = '\0';
	put(at(fx, RESET_JOURNAL_NAME), buf, 0600);
}

static void
test_reset_journal_bad_refused(void **state)
{
	struct support_fx *fx = *state;
	static const struct {
		const char *text;
		int line;
	} cases[] = {
		{ "# nvr-recovery reset journal 2\n", 1 },
		{ "", 1 },
		{ RESET_JOURNAL_HEADER "\nallow\t%s\nstep\tremove\tvictim\t"
		  "%s/victim\nstep\tfrobnicate\tx\t%s/victim\n", 4 },
		{ RESET_JOURNAL_HEADER "\nallow\t%s\nstep\tremove\tvictim\t"
		  "%s/victim\ndone 1\n", 4 },
		{ RESET_JOURNAL_HEADER "\nallow\t%s\nstep\tremove\tvictim\t"
		  "%s/victim\tmore\n", 3 },
		{ RESET_JOURNAL_HEADER "\nallow\t%s\nstep\tremove\tvictim\t"
		  "%s/victim\nstep\tmkdir\tm\t%s/m\t0999\n", 4 },
		{ RESET_JOURNAL_HEADER "\nallow\t%s\nstep\tremove\tvic\\xtim\t"
		  "%s/victim\n", 3 },
		{ RESET_JOURNAL_HEADER "\nallow\t%s\nstep\tremove\tvictim\t"
		  "%s/victim\ndone 0\nstep\tremove\tv\t%s/victim\n", 5 },
		{ RESET_JOURNAL_HEADER "\nallow\t%s\nstep\tremove\tvictim\t"
		  "%s/victim\nallow\t/\n", 4 },
		{ RESET_JOURNAL_HEADER "\nallow\t%s\nstep\tremove\tvictim\t"
		  "%s/victim\n\n", 4 },
		{ RESET_JOURNAL_HEADER "\nallow\t%s\nstep\tremove\tvictim\t"
		  "%s/victim", 3 },
	};
	struct nvr_error err;

	put(at(fx, "victim"), "must survive", 0644);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[PATH_MAX + 32];
		int rc;

		put_journal(fx, cases[i].text);
		rc = run_all(fx, &err);
		if (rc != -EBADMSG)
			print_error("case %zu: %d (%s)\n", i, rc, err.message);
		assert_int_equal(rc, -EBADMSG);
		snprintf(want, sizeof(want), "%s:%d: ", at(fx,
		    RESET_JOURNAL_NAME), cases[i].line);
		if (strncmp(err.message, want, strlen(want)) != 0)
			print_error("case %zu: \"%s\", expected \"%s...\"\n", i,
			    err.message, want);
		assert_memory_equal(err.message, want, strlen(want));
		assert_text(at(fx, "victim"), "must survive");
		assert_true(reset_journal_pending(fx->dir));
		unlink(at(fx, RESET_JOURNAL_NAME));
	}

	/* One that parses but reaches outside its folder runs nothing. */
	put_journal(fx, RESET_JOURNAL_HEADER "\nallow\t%s/sub\n"
	    "step\tremove\tvictim\t%s/sub/x\nstep\tremove\tvictim\t"
	    "%s/victim\n");
	{
		const char *sub[] = { at(fx, "sub") };
		struct reset_run run = { .allowed = sub, .n_allowed = 1 };

		assert_int_equal(reset_journal_run(fx->dir, &run, &err),
		    -EPERM);
	}
	assert_text(at(fx, "victim"), "must survive");

	/* A journal others could write is not trusted. */
	put_journal(fx, RESET_JOURNAL_HEADER "\nallow\t%s\n"
	    "step\tremove\tvictim\t%s/victim\n");
	assert_int_equal(chmod(at(fx, RESET_JOURNAL_NAME), 0666), 0);
	assert_int_equal(run_all(fx, &err),
	    -EPERM);
	assert_text(at(fx, "victim"), "must survive");
}

struct progress {
	size_t calls;
	size_t last_index, last_total;
	char labels[256];
};

static void
on_progress(void *ctx, size_t index, size_t total, const char *label,
    bool skipped)
{
	struct progress *p = ctx;

	assert_false(skipped);
	p->calls++;
	p->last_index = index;
	p->last_total = total;
	strncat(p->labels, label, sizeof(p->labels) - strlen(p->labels) - 2);
	strcat(p->labels, ";");
}

static void
test_reset_journal_begin_run(void **state)
{
	struct support_fx *fx = *state;
	char root[PATH_MAX], state_dir[PATH_MAX];
	const char *allowed[] = { root };
	static const char *const true_argv[] = { "/bin/true", "a\tb\\c",
		"new\nline", NULL };
	struct reset_step steps[] = {
		{ .kind = RESET_RESTORE, .label = "config\ttabbed",
		  .path = NULL, .from = NULL },
		{ .kind = RESET_REMOVE, .label = "recordings" },
		{ .kind = RESET_MKDIR, .label = "cache", .mode = 0750 },
		{ .kind = RESET_TRUNCATE, .label = "log" },
		{ .kind = RESET_COMMAND, .label = "sync", .argv = true_argv,
		  .idempotent = true },
	};
	char paths[5][PATH_MAX];
	struct reset_plan plan = {
		.steps = steps, .n_steps = 5, .allowed = allowed,
		.n_allowed = 1,
	};
	struct progress prog = { 0 };
	struct nvr_error err;
	int rc;

	snprintf(root, sizeof(root), "%s", at(fx, "root"));
	snprintf(state_dir, sizeof(state_dir), "%s", at(fx, "state"));
	make_dir(root, 0755);
	make_dir(state_dir, 0700);
	make_dir(at(fx, "root/rec"), 0755);
	make_dir(at(fx, "root/rec/cam1"), 0755);
	put(at(fx, "root/rec/cam1/0001.mp4"), "video", 0644);
	make_dir(at(fx, "root/cache"), 0755);
	put(at(fx, "root/cache/thumb"), "jpeg", 0644);
	put(at(fx, "root/events.log"), "event\nevent\n", 0640);
	put(at(fx, "root/config.yaml"), "user: changed\n", 0600);
	put(at(fx, "root/factory.yaml"), "user: factory\n", 0644);
	put(at(fx, "root/keep"), "keep me", 0600);
	snprintf(paths[0], PATH_MAX, "%s", at(fx, "root/config.yaml"));
	snprintf(paths[1], PATH_MAX, "%s", at(fx, "root/factory.yaml"));
	snprintf(paths[2], PATH_MAX, "%s", at(fx, "root/rec"));
	snprintf(paths[3], PATH_MAX, "%s", at(fx, "root/cache"));
	snprintf(paths[4], PATH_MAX, "%s", at(fx, "root/events.log"));
	steps[0].path = paths[0];
	steps[0].from = paths[1];
	steps[1].path = paths[2];
	steps[2].path = paths[3];
	steps[3].path = paths[4];

	assert_false(reset_journal_pending(state_dir));
	assert_int_equal(run_in(fx, state_dir, NULL, 0, NULL, NULL, &err),
	    -ENOENT);
	rc = reset_journal_begin(state_dir, &plan, &err);
	if (rc != 0)
		print_error("begin: %s\n", err.message);
	assert_int_equal(rc, 0);
	assert_true(reset_journal_pending(state_dir));
	/* Begin runs nothing, and will not start a second reset. */
	assert_text(at(fx, "root/config.yaml"), "user: changed\n");
	assert_int_equal(reset_journal_begin(state_dir, &plan, &err), -EEXIST);
	assert_int_equal(mode_of(at(fx, "state/" RESET_JOURNAL_NAME)) & 0777,
	    0600);

	rc = run_in(fx, state_dir, NULL, 0, on_progress, &prog, &err);
	if (rc != 0)
		print_error("run: %s\n", err.message);
	assert_int_equal(rc, 0);
	assert_false(reset_journal_pending(state_dir));
	assert_int_equal(prog.calls, 5);
	assert_int_equal(prog.last_index, 4);
	assert_int_equal(prog.last_total, 5);
	assert_string_equal(prog.labels,
	    "config\ttabbed;recordings;cache;log;sync;");

	assert_text(at(fx, "root/config.yaml"), "user: factory\n");
	assert_int_equal(mode_of(at(fx, "root/config.yaml")) & 07777, 0600);
	assert_false(exists(at(fx, "root/rec")));
	assert_int_equal(mode_of(at(fx, "root/cache")) & 07777, 0750);
	assert_false(exists(at(fx, "root/cache/thumb")));
	assert_text(at(fx, "root/events.log"), "");
	assert_int_equal(mode_of(at(fx, "root/events.log")) & 07777, 0640);
	assert_text(at(fx, "root/keep"), "keep me");
	assert_false(exists(at(fx, "state/" RESET_JOURNAL_NAME "+")));
}

/* Steps already marked done are skipped; a "done" line cut short by a
 * power cut is dropped and its step runs again. */
static void
test_reset_journal_resume(void **state)
{
	struct support_fx *fx = *state;
	struct nvr_error err;
	char *text;
	size_t len;
	int rc;

	put(at(fx, "a"), "a", 0644);
	put(at(fx, "b"), "b", 0644);
	put(at(fx, "c"), "c", 0644);
	/* Step 0 is marked done though "a" is still there: not rerun. */
	put_journal(fx, RESET_JOURNAL_HEADER "\nallow\t%s\n"
	    "step\tremove\ta\t%s/a\nstep\tremove\tb\t%s/b\n"
	    "step\ttruncate\tc\t%s/c\ndone 0\ndo");
	rc = run_all(fx, &err);
	if (rc != 0)
		print_error("run: %s\n", err.message);
	assert_int_equal(rc, 0);
	assert_text(at(fx, "a"), "a");
	assert_false(exists(at(fx, "b")));
	assert_text(at(fx, "c"), "");
	assert_false(reset_journal_pending(fx->dir));

	/* The torn line is cut before "done 2" is appended. */
	put_journal(fx, RESET_JOURNAL_HEADER "\nallow\t%s\n"
	    "step\tcommand\tfail\t/bin/false\nstep\tremove\ta\t%s/a\n"
	    "done 0\ndone 1");
	assert_int_equal(run_all(fx, &err), 0);
	assert_false(exists(at(fx, "a")));
	put_journal(fx, RESET_JOURNAL_HEADER "\nallow\t%s\n"
	    "step\tremove\ta\t%s/a\nstep\tcommand\tfail\t/bin/false\n"
	    "done 0\ndon");
	assert_int_equal(run_all(fx, &err), -EIO);
	text = support_slurp(at(fx, RESET_JOURNAL_NAME), &len);
	assert_non_null(text);
	assert_true(len > 0 && text[len - 1] == '\n');
	assert_null(strstr(text, "don\n"));
	assert_non_null(strstr(text, "\ndone 0\n"));
	free(text);
	assert_true(reset_journal_pending(fx->dir));
}

/* Progress of a run that may skip: skipped steps are marked "-". */
static void
on_progress_any(void *ctx, size_t index, size_t total, const char *label,
    bool skipped)
{
	struct progress *p = ctx;

	p->calls++;
	p->last_index = index;
	p->last_total = total;
	if (skipped)
		strcat(p->labels, "-");
	strncat(p->labels, label, sizeof(p->labels) - strlen(p->labels) - 2);
	strcat(p->labels, ";");
}

struct hook_calls {
	int accounts, wizard_state;
	int fail_accounts;	/* this many calls fail first */
	char stores[64];	/* the stores the accounts hook was given,
				 * "-" for none, each followed by ';' */
};

static int
hook_accounts(void *ctx, const char *store, bool admin_only,
    struct nvr_error *err)
{
	struct hook_calls *h = ctx;

	h->accounts++;
	if (admin_only)
		strncat(h->stores, "admin:",
		    sizeof(h->stores) - strlen(h->stores) - 2);
	strncat(h->stores, store != NULL ? store : "-",
	    sizeof(h->stores) - strlen(h->stores) - 2);
	strcat(h->stores, ";");
	if (h->fail_accounts > 0) {
		h->fail_accounts--;
		return nvr_error_set(err, -EIO, "accounts store busy");
	}
	return 0;
}

static int
hook_wizard_state(void *ctx, struct nvr_error *err)
{
	struct hook_calls *h = ctx;

	(void)err;
	h->wizard_state++;
	return 0;
}

/* The backend steps are recorded and read back, run through the hooks
 * one step at a time, fail without a hook (journal kept), and a failed
 * hook is retried. */
static void
test_reset_journal_hooks(void **state)
{
	struct support_fx *fx = *state;
	struct hook_calls calls = { .fail_accounts = 1 };
	struct reset_hooks hooks = { hook_accounts, hook_wizard_state, &calls };
	const char *allowed[] = { fx->dir };
	char a[PATH_MAX];
	struct reset_step steps[] = {
		{ .kind = RESET_REMOVE, .label = "a", .path = a },
		{ .kind = RESET_ACCOUNTS, .label = "passwords",
		  .store = "web" },
		{ .kind = RESET_WIZARD_STATE, .label = "state" },
	};
	struct reset_plan plan = { steps, 3, allowed, 1 };
	struct reset_journal_status st;
	struct nvr_error err;
	char *text;
	size_t len;

	snprintf(a, sizeof(a), "%s", at(fx, "a"));
	put(a, "a", 0644);
	assert_int_equal(reset_journal_peek(fx->dir, allowed, 1, &st, &err),
	    -ENOENT);
	assert_int_equal(reset_journal_begin(fx->dir, &plan, &err), 0);
	text = support_slurp(at(fx, RESET_JOURNAL_NAME), &len);
	assert_non_null(strstr(text, "\nstep\taccounts\tpasswords\tweb\n"
	    "step\twizard-state\tstate\n"));
	free(text);
	assert_int_equal(reset_journal_peek(fx->dir, allowed, 1, &st, &err),
	    0);
	assert_int_equal(st.done, 0);
	assert_int_equal(st.total, 3);

	/* One step: the file goes, steps remain. */
	assert_int_equal(run_in(fx, fx->dir, &hooks, 1, NULL, NULL, &err), 1);
	assert_false(exists(a));
	assert_int_equal(reset_journal_peek(fx->dir, allowed, 1, &st, &err),
	    0);
	assert_int_equal(st.done, 1);
	/* No hooks: the accounts step cannot run; nothing is lost. */
	assert_int_equal(run_all(fx, &err),
	    -ENOTSUP);
	assert_true(reset_journal_pending(fx->dir));
	/* A failing hook keeps the journal; the next run retries it. */
	assert_int_equal(run_in(fx, fx->dir, &hooks, 5, NULL, NULL, &err),
	    -EIO);
	assert_string_equal(err.message, "accounts store busy");
	assert_int_equal(reset_journal_peek(fx->dir, allowed, 1, &st, &err),
	    0);
	assert_int_equal(st.done, 1);
	assert_int_equal(run_in(fx, fx->dir, &hooks, 5, NULL, NULL, &err), 0);
	assert_int_equal(calls.accounts, 2);
	assert_string_equal(calls.stores, "web;web;");
	assert_int_equal(calls.wizard_state, 1);
	assert_false(reset_journal_pending(fx->dir));

	/* A journal of the version with one store names none: the hook
	 * gets NULL (its first store). */
	memset(&calls, 0, sizeof(calls));
	put_journal(fx, RESET_JOURNAL_HEADER "\nallow\t%s\n"
	    "step\taccounts\tclearing all passwords\n");
	assert_int_equal(run_in(fx, fx->dir, &hooks, 5, NULL, NULL, &err), 0);
	assert_string_equal(calls.stores, "-;");

	/* The reset button's password tier: the administrator alone,
	 * recorded and read back as such; it names its store always. */
	memset(&calls, 0, sizeof(calls));
	{
		struct reset_step admin[] = {
			{ .kind = RESET_ADMIN_PASSWORD, .label = "admin",
			  .store = "web" },
		};
		struct reset_plan admin_plan = { admin, 1, allowed, 1 };

		assert_int_equal(reset_journal_begin(fx->dir, &admin_plan,
		    &err), 0);
	}
	text = support_slurp(at(fx, RESET_JOURNAL_NAME), &len);
	assert_non_null(strstr(text, "\nstep\tadmin-password\tadmin\tweb\n"));
	free(text);
	assert_int_equal(run_in(fx, fx->dir, &hooks, 5, NULL, NULL, &err), 0);
	assert_string_equal(calls.stores, "admin:web;");
	put_journal(fx, RESET_JOURNAL_HEADER "\nallow\t%s\n"
	    "step\tadmin-password\tclearing\n");
	assert_int_equal(run_in(fx, fx->dir, &hooks, 5, NULL, NULL, &err),
	    -EBADMSG);
	assert_int_equal(calls.accounts, 1);

	/* Kinds that take no path get none in the journal, and a path
	 * given to one is refused when read. */
	put_journal(fx, RESET_JOURNAL_HEADER "\nallow\t%s\n"
	    "step\taccounts\tx\t%s/a\n");
	assert_int_equal(run_in(fx, fx->dir, &hooks, 5, NULL, NULL, &err),
	    -EBADMSG);
}


/* A tree that programs keep writing into while it is removed: one
 * writes by path and makes its folders again (as a recorder does), one
 * holds a folder open and writes there. The step still finishes, and
 * nothing that was there before it is left. */
static void
test_reset_remove_busy_tree(void **state)
{
	struct support_fx *fx = *state;
	char tree[PATH_MAX], held[PATH_MAX + 8];
	struct reset_step step = { .kind = RESET_REMOVE, .label = "rec",
	    .path = tree };
	struct nvr_error err;
	pid_t writers[2];
	int rc;

	snprintf(tree, sizeof(tree), "%s", at(fx, "rec"));
	snprintf(held, sizeof(held), "%s/held", tree);
	make_dir(tree, 0755);
	make_dir(held, 0755);
	for (int i = 0; i < 50; i++) {
		char f[PATH_MAX + 16];

		snprintf(f, sizeof(f), "%s/old%02d", tree, i);
		put(f, "old", 0644);
	}
	for (int w = 0; w < 2; w++) {
		writers[w] = fork();
		assert_true(writers[w] >= 0);
		if (writers[w] != 0)
			continue;
		alarm(30);
		int dirfd = open(held, O_RDONLY | O_DIRECTORY);

		for (unsigned n = 0;; n++) {
			char d[PATH_MAX + 16], f[PATH_MAX + 32];
			int fd;

			if (w == 0) {
				snprintf(d, sizeof(d), "%s/cam%u", tree, n % 3);
				mkdir(tree, 0755);
				mkdir(d, 0755);
				snprintf(f, sizeof(f), "%s/%06u.mp4", d, n);
				fd = open(f, O_WRONLY | O_CREAT, 0644);
			} else {
				snprintf(f, sizeof(f), "%06u.mp4", n);
				fd = openat(dirfd, f, O_WRONLY | O_CREAT, 0644);
			}
			if (fd >= 0) {
				(void)!write(fd, "frames", 6);
				close(fd);
			}
			usleep(100);
		}
	}
	usleep(20000);	/* both are writing */
	rc = step_in(fx, &step, &err);
	for (int w = 0; w < 2; w++) {
		kill(writers[w], SIGKILL);
		waitpid(writers[w], NULL, 0);
	}
	if (rc != 0)
		print_error("remove: %s\n", err.message);
	assert_int_equal(rc, 0);
	assert_false(exists(held));
	assert_false(exists(at(fx, "rec/old00")));
	assert_false(exists(at(fx, ".nvr-reset-0")));
}

/* Whether this kernel has openat2 (5.6 and later): which walk to expect
 * by default. */
static bool
kernel_has_openat2(void)
{
#if defined(SYS_openat2) && defined(__has_include)
#if __has_include(<linux/openat2.h>)
	struct open_how how = { .flags = O_RDONLY | O_DIRECTORY };
	long fd = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));

	if (fd >= 0)
		close((int)fd);
	return fd >= 0;
#endif
#endif
	return false;
}

/* A symlink anywhere on the way to a step's path is never followed, by
 * either walk, whatever the step; a hard link to a file outside is not
 * emptied through. */
static void
test_reset_steps_never_follow(void **state)
{
	struct support_fx *fx = *state;
	char paths[5][PATH_MAX];
	struct reset_step steps[] = {
		{ .kind = RESET_REMOVE, .label = "rm", .path = paths[0] },
		{ .kind = RESET_MKDIR, .label = "mk", .path = paths[1],
		  .mode = 0700 },
		{ .kind = RESET_TRUNCATE, .label = "tr", .path = paths[2] },
		{ .kind = RESET_RESTORE, .label = "re", .path = paths[3],
		  .from = paths[4] },
	};
	struct nvr_error err;

	make_dir(at(fx, "outside"), 0755);
	make_dir(at(fx, "outside/d"), 0755);
	put(at(fx, "outside/d/f"), "outside", 0640);
	make_dir(at(fx, "root"), 0755);
	make_dir(at(fx, "root/real"), 0755);
	put(at(fx, "root/factory"), "factory", 0644);
	assert_int_equal(symlink(at(fx, "outside"), at(fx, "root/link")), 0);
	snprintf(paths[0], PATH_MAX, "%s", at(fx, "root/link/d/f"));
	snprintf(paths[1], PATH_MAX, "%s", at(fx, "root/link/d"));
	snprintf(paths[2], PATH_MAX, "%s", at(fx, "root/link/d/f"));
	snprintf(paths[3], PATH_MAX, "%s", at(fx, "root/link/d/f"));
	snprintf(paths[4], PATH_MAX, "%s", at(fx, "root/factory"));
	for (int walk = 0; walk < 2; walk++) {
		char root[PATH_MAX];
		const char *allowed[] = { root };
		struct reset_run run = { .allowed = allowed, .n_allowed = 1 };

		snprintf(root, sizeof(root), "%s", at(fx, "root"));
		beneath_force_components(walk == 1);
		for (size_t i = 0; i < 4; i++) {
			/* What is to be removed or emptied is not there
			 * behind a link (done); what is to be made or
			 * restored cannot be (refused). */
			int want = steps[i].kind == RESET_REMOVE ||
			    steps[i].kind == RESET_TRUNCATE ? 0 : -ELOOP;
			int rc = reset_step_run(&steps[i], i, &run, &err);

			if (rc != want)
				print_error("walk %d, %s: %d (%s)\n", walk,
				    steps[i].label, rc, err.message);
			assert_int_equal(rc, want);
			if (want != 0)
				assert_non_null(strstr(err.message,
				    "symbolic link"));
			assert_int_equal(beneath_last_walk(), walk == 1 ||
			    !kernel_has_openat2() ? BENEATH_WALK_COMPONENTS :
			    BENEATH_WALK_OPENAT2);
		}
		assert_text(at(fx, "outside/d/f"), "outside");
		assert_int_equal(mode_of(at(fx, "outside/d")) & 07777, 0755);
		/* A factory file reached through a link is not read. */
		snprintf(paths[3], PATH_MAX, "%s", at(fx, "root/real/conf"));
		snprintf(paths[4], PATH_MAX, "%s", at(fx, "root/link/d/f"));
		assert_int_equal(reset_step_run(&steps[3], 3, &run, &err),
		    -ELOOP);
		assert_false(exists(at(fx, "root/real/conf")));
		snprintf(paths[3], PATH_MAX, "%s", at(fx, "root/link/d/f"));
		snprintf(paths[4], PATH_MAX, "%s", at(fx, "root/factory"));
		/* A hard link's other name keeps its contents. */
		unlink(at(fx, "root/real/hard"));
		assert_int_equal(link(at(fx, "outside/d/f"),
		    at(fx, "root/real/hard")), 0);
		steps[2].path = at(fx, "root/real/hard");
		assert_int_equal(reset_step_run(&steps[2], 2, &run, &err), 0);
		assert_text(at(fx, "root/real/hard"), "");
		assert_text(at(fx, "outside/d/f"), "outside");
		steps[2].path = paths[2];
	}
	beneath_force_components(false);
}

/* Steps the config no longer allows (a firmware update narrowed
 * reset.allowed): listed, refused before anything runs, and left out
 * (marked skipped) only when the run says so; steps with no path still
 * run. */
static void
test_reset_journal_outside_config(void **state)
{
	struct support_fx *fx = *state;
	struct hook_calls calls = { 0 };
	struct reset_hooks hooks = { hook_accounts, hook_wizard_state, &calls };
	char newdir[PATH_MAX], old_settings[PATH_MAX], old_factory[PATH_MAX];
	const char *allowed[] = { newdir };
	struct reset_run run = { .allowed = allowed, .n_allowed = 1,
	    .hooks = &hooks };
	struct reset_journal_status st;
	struct progress prog = { 0 };
	struct nvr_error err;
	char *text;
	size_t len;

	snprintf(newdir, sizeof(newdir), "%s", at(fx, "new"));
	snprintf(old_settings, sizeof(old_settings), "%s",
	    at(fx, "old/settings"));
	snprintf(old_factory, sizeof(old_factory), "%s",
	    at(fx, "old/factory"));
	make_dir(at(fx, "old"), 0755);
	make_dir(at(fx, "new"), 0755);
	put(at(fx, "old/settings"), "old", 0644);
	put(at(fx, "new/settings"), "new", 0644);
	put(at(fx, "new/factory"), "factory", 0644);
	put_journal(fx, RESET_JOURNAL_HEADER "\nallow\t%s\n"
	    "step\tremove\told settings\t%s/old/settings\n"
	    "step\trestore\tnew settings\t%s/new/settings\t%s/old/factory\n"
	    "step\ttruncate\tnew log\t%s/new/settings\n"
	    "step\taccounts\tpasswords\n");
	assert_int_equal(reset_journal_peek(fx->dir, allowed, 1, &st, &err),
	    0);
	assert_int_equal(st.refused_count, 2);
	assert_int_equal(st.refused[0].index, 0);
	assert_string_equal(st.refused[0].label, "old settings");
	assert_string_equal(st.refused[0].path, old_settings);
	/* A restore's factory file counts too. */
	assert_int_equal(st.refused[1].index, 1);
	assert_string_equal(st.refused[1].path, old_factory);

	assert_int_equal(reset_journal_run(fx->dir, &run, &err), -EPERM);
	assert_non_null(strstr(err.message, "step 1 of 4 (old settings)"));
	assert_text(at(fx, "old/settings"), "old");
	assert_text(at(fx, "new/settings"), "new");
	assert_int_equal(calls.accounts, 0);

	run.skip_refused = true;
	run.progress = on_progress_any;
	run.ctx = &prog;
	assert_int_equal(reset_journal_run(fx->dir, &run, &err), 0);
	assert_text(at(fx, "old/settings"), "old");
	assert_text(at(fx, "new/settings"), "");
	assert_int_equal(calls.accounts, 1);
	assert_string_equal(prog.labels, "-old settings;-new settings;"
	    "new log;passwords;");

	/* Cut before its end, a skip is remembered. */
	put_journal(fx, RESET_JOURNAL_HEADER "\n"
	    "step\tremove\told settings\t%s/old/settings\n"
	    "step\tcommand\tfail\t/bin/false\n");
	assert_int_equal(reset_journal_run(fx->dir, &run, &err), -EIO);
	text = support_slurp(at(fx, RESET_JOURNAL_NAME), &len);
	assert_non_null(strstr(text, "\nskip 0\n"));
	free(text);
	run.skip_refused = false;
	assert_int_equal(reset_journal_peek(fx->dir, allowed, 1, &st, &err),
	    0);
	assert_int_equal(st.done, 1);
	assert_int_equal(st.refused_count, 0);
}

/* The allowed folder itself removed or remade: in place, with no name
 * of ours made or cleared in its folder, which is outside. A step that
 * fails for a missing folder is a failed step (-EIO), never "no
 * journal" (-ENOENT). */
static void
test_reset_step_on_allowed_folder(void **state)
{
	struct support_fx *fx = *state;
	char root[PATH_MAX];
	const char *allowed[] = { root };
	struct reset_run run = { .allowed = allowed, .n_allowed = 1 };
	struct reset_step step = { .kind = RESET_REMOVE, .label = "cache",
	    .path = root };
	struct nvr_error err;

	snprintf(root, sizeof(root), "%s", at(fx, "cache"));
	make_dir(root, 0755);
	make_dir(at(fx, "cache/sub"), 0755);
	put(at(fx, "cache/sub/f"), "f", 0644);
	make_dir(at(fx, ".nvr-reset-0"), 0755);
	put(at(fx, ".nvr-reset-0/keep"), "not ours", 0644);
	assert_int_equal(reset_step_run(&step, 0, &run, &err), 0);
	assert_false(exists(root));
	assert_text(at(fx, ".nvr-reset-0/keep"), "not ours");
	step.kind = RESET_MKDIR;
	step.mode = 0750;
	assert_int_equal(reset_step_run(&step, 0, &run, &err), 0);
	assert_int_equal(mode_of(root) & 07777, 0750);
	assert_text(at(fx, ".nvr-reset-0/keep"), "not ours");

	/* A folder on the way missing: mkdir fails, as a step. */
	put_journal(fx, RESET_JOURNAL_HEADER "\n"
	    "step\tmkdir\tm\t%s/gone/m\t0700\n");
	assert_int_equal(run_all(fx, &err), -EIO);
	assert_true(reset_journal_pending(fx->dir));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reset_journal_hooks,
		    setup, support_fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_reset_plan_check_path_cases, setup,
		    support_fx_teardown),
		cmocka_unit_test_setup_teardown(test_reset_plan_check_steps,
		    setup, support_fx_teardown),
		cmocka_unit_test_setup_teardown(test_reset_step_twice, setup,
		    support_fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_reset_journal_bad_refused, setup,
		    support_fx_teardown),
		cmocka_unit_test_setup_teardown(test_reset_journal_begin_run,
		    setup, support_fx_teardown),
		cmocka_unit_test_setup_teardown(test_reset_journal_resume,
		    setup, support_fx_teardown),
		cmocka_unit_test_setup_teardown(test_reset_remove_busy_tree,
		    setup, support_fx_teardown),
		cmocka_unit_test_setup_teardown(test_reset_steps_never_follow,
		    setup, support_fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_reset_step_on_allowed_folder, setup,
		    support_fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_reset_journal_outside_config, setup,
		    support_fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
