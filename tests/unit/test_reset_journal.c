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
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "backends/reset_journal.h"
#include "backends/reset_plan.h"
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
	step.from = "/usr/share/factory/a";
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
run_twice(const struct reset_step *step)
{
	struct nvr_error err;

	for (int i = 0; i < 2; i++) {
		int rc = reset_step_run(step, NULL, &err);

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
	run_twice(&step);
	assert_false(exists(at(fx, "tree")));
	assert_text(at(fx, "target"), "kept");
	put(at(fx, "file"), "x", 0644);
	step.path = at(fx, "file");
	run_twice(&step);
	assert_false(exists(at(fx, "file")));

	/* Restore: over an existing file (its mode kept), and a new one
	 * (the factory file's mode). */
	put(at(fx, "factory"), "factory contents\n", 0640);
	put(at(fx, "conf"), "changed by the user\n", 0600);
	step = (struct reset_step){
		.kind = RESET_RESTORE, .label = "conf", .path = at(fx, "conf"),
		.from = at(fx, "factory"),
	};
	run_twice(&step);
	assert_text(at(fx, "conf"), "factory contents\n");
	assert_int_equal(mode_of(at(fx, "conf")) & 07777, 0600);
	step.path = at(fx, "newconf");
	run_twice(&step);
	assert_text(at(fx, "newconf"), "factory contents\n");
	assert_int_equal(mode_of(at(fx, "newconf")) & 07777, 0640);
	assert_false(exists(at(fx, "newconf+")));
	/* A folder in the way is refused, not replaced. */
	make_dir(at(fx, "adir"), 0755);
	step.path = at(fx, "adir");
	assert_int_equal(reset_step_run(&step, NULL, &err), -EINVAL);

	/* Mkdir: over a full folder, over a file, and where nothing is. */
	make_dir(at(fx, "cache"), 0777);
	make_dir(at(fx, "cache/sub"), 0755);
	put(at(fx, "cache/sub/f"), "f", 0644);
	step = (struct reset_step){
		.kind = RESET_MKDIR, .label = "cache", .path = at(fx, "cache"),
		.mode = 02750,
	};
	run_twice(&step);
	assert_true(S_ISDIR(mode_of(at(fx, "cache"))));
	assert_int_equal(mode_of(at(fx, "cache")) & 07777, 02750);
	assert_false(exists(at(fx, "cache/sub")));
	put(at(fx, "plain"), "in the way", 0644);
	step.path = at(fx, "plain");
	run_twice(&step);
	assert_true(S_ISDIR(mode_of(at(fx, "plain"))));
	step.path = at(fx, "fresh");
	run_twice(&step);
	assert_int_equal(mode_of(at(fx, "fresh")) & 07777, 02750);

	/* Truncate: emptied, mode kept; absent is fine. */
	put(at(fx, "log"), "lots of events\n", 0640);
	step = (struct reset_step){
		.kind = RESET_TRUNCATE, .label = "log", .path = at(fx, "log"),
	};
	run_twice(&step);
	assert_text(at(fx, "log"), "");
	assert_int_equal(mode_of(at(fx, "log")) & 07777, 0640);
	step.path = at(fx, "nolog");
	run_twice(&step);
	assert_false(exists(at(fx, "nolog")));

	/* Command: must exit 0. */
	step = (struct reset_step){
		.kind = RESET_COMMAND, .label = "true", .argv = true_argv,
		.idempotent = true,
	};
	run_twice(&step);
	step.argv = false_argv;
	assert_int_equal(reset_step_run(&step, NULL, &err), -EIO);
	assert_non_null(strstr(err.message, "status 1"));
	step.argv = true_argv;
	step.idempotent = false;
	assert_int_equal(reset_step_run(&step, NULL, &err), -EINVAL);
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
		rc = reset_journal_run(fx->dir, NULL, NULL, &err);
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
	assert_int_equal(reset_journal_run(fx->dir, NULL, NULL, &err),
	    -EPERM);
	assert_text(at(fx, "victim"), "must survive");

	/* A journal others could write is not trusted. */
	put_journal(fx, RESET_JOURNAL_HEADER "\nallow\t%s\n"
	    "step\tremove\tvictim\t%s/victim\n");
	assert_int_equal(chmod(at(fx, RESET_JOURNAL_NAME), 0666), 0);
	assert_int_equal(reset_journal_run(fx->dir, NULL, NULL, &err),
	    -EPERM);
	assert_text(at(fx, "victim"), "must survive");
}

struct progress {
	size_t calls;
	size_t last_index, last_total;
	char labels[256];
};

static void
on_progress(void *ctx, size_t index, size_t total, const char *label)
{
	struct progress *p = ctx;

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
	put(at(fx, "factory.yaml"), "user: factory\n", 0644);
	put(at(fx, "root/keep"), "keep me", 0600);
	snprintf(paths[0], PATH_MAX, "%s", at(fx, "root/config.yaml"));
	snprintf(paths[1], PATH_MAX, "%s", at(fx, "factory.yaml"));
	snprintf(paths[2], PATH_MAX, "%s", at(fx, "root/rec"));
	snprintf(paths[3], PATH_MAX, "%s", at(fx, "root/cache"));
	snprintf(paths[4], PATH_MAX, "%s", at(fx, "root/events.log"));
	steps[0].path = paths[0];
	steps[0].from = paths[1];
	steps[1].path = paths[2];
	steps[2].path = paths[3];
	steps[3].path = paths[4];

	assert_false(reset_journal_pending(state_dir));
	assert_int_equal(reset_journal_run(state_dir, NULL, NULL, &err),
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

	rc = reset_journal_run(state_dir, on_progress, &prog, &err);
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
	rc = reset_journal_run(fx->dir, NULL, NULL, &err);
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
	assert_int_equal(reset_journal_run(fx->dir, NULL, NULL, &err), 0);
	assert_false(exists(at(fx, "a")));
	put_journal(fx, RESET_JOURNAL_HEADER "\nallow\t%s\n"
	    "step\tremove\ta\t%s/a\nstep\tcommand\tfail\t/bin/false\n"
	    "done 0\ndon");
	assert_int_equal(reset_journal_run(fx->dir, NULL, NULL, &err), -EIO);
	text = support_slurp(at(fx, RESET_JOURNAL_NAME), &len);
	assert_non_null(text);
	assert_true(len > 0 && text[len - 1] == '\n');
	assert_null(strstr(text, "don\n"));
	assert_non_null(strstr(text, "\ndone 0\n"));
	free(text);
	assert_true(reset_journal_pending(fx->dir));
}

struct hook_calls {
	int accounts, wizard_state;
	int fail_accounts;	/* this many calls fail first */
};

static int
hook_accounts(void *ctx, struct nvr_error *err)
{
	struct hook_calls *h = ctx;

	h->accounts++;
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
		{ .kind = RESET_ACCOUNTS, .label = "passwords" },
		{ .kind = RESET_WIZARD_STATE, .label = "state" },
	};
	struct reset_plan plan = { steps, 3, allowed, 1 };
	struct reset_journal_status st;
	struct nvr_error err;
	char *text;
	size_t len;

	snprintf(a, sizeof(a), "%s", at(fx, "a"));
	put(a, "a", 0644);
	assert_int_equal(reset_journal_peek(fx->dir, &st, &err), -ENOENT);
	assert_int_equal(reset_journal_begin(fx->dir, &plan, &err), 0);
	text = support_slurp(at(fx, RESET_JOURNAL_NAME), &len);
	assert_non_null(strstr(text, "\nstep\taccounts\tpasswords\n"
	    "step\twizard-state\tstate\n"));
	free(text);
	assert_int_equal(reset_journal_peek(fx->dir, &st, &err), 0);
	assert_int_equal(st.done, 0);
	assert_int_equal(st.total, 3);

	/* One step: the file goes, steps remain. */
	assert_int_equal(reset_journal_run_some(fx->dir, &hooks, 1, NULL, NULL,
	    &err), 1);
	assert_false(exists(a));
	assert_int_equal(reset_journal_peek(fx->dir, &st, &err), 0);
	assert_int_equal(st.done, 1);
	/* No hooks: the accounts step cannot run; nothing is lost. */
	assert_int_equal(reset_journal_run(fx->dir, NULL, NULL, &err),
	    -ENOTSUP);
	assert_true(reset_journal_pending(fx->dir));
	/* A failing hook keeps the journal; the next run retries it. */
	assert_int_equal(reset_journal_run_some(fx->dir, &hooks, 5, NULL,
	    NULL, &err), -EIO);
	assert_string_equal(err.message, "accounts store busy");
	assert_int_equal(reset_journal_peek(fx->dir, &st, &err), 0);
	assert_int_equal(st.done, 1);
	assert_int_equal(reset_journal_run_some(fx->dir, &hooks, 5, NULL,
	    NULL, &err), 0);
	assert_int_equal(calls.accounts, 2);
	assert_int_equal(calls.wizard_state, 1);
	assert_false(reset_journal_pending(fx->dir));

	/* Kinds that take no path get none in the journal, and a path
	 * given to one is refused when read. */
	put_journal(fx, RESET_JOURNAL_HEADER "\nallow\t%s\n"
	    "step\taccounts\tx\t%s/a\n");
	assert_int_equal(reset_journal_run_some(fx->dir, &hooks, 5, NULL,
	    NULL, &err), -EBADMSG);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
