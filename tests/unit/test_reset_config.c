/*
 * test_reset_config.c: the reset: section of the config (config/config.c,
 * config_reset_plan) and the list-of-mappings schema type behind it
 * (config/schema.c, SCHEMA_MAP_LIST): a good section gives the expected
 * plan; each mistake is reported once, at its exact line and column.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/reset_plan.h"
#include "common/trust.h"
#include "config/config.h"
#include "tests/unit/support.h"

#define DEVICE \
	"device:\n" \
	"  backend: static\n" \
	"  model: M\n" \
	"  serial: S\n" \
	"  firmware: F\n"

/* Line 6 onward: the reset: section. */
#define RESET_HEAD \
	"reset:\n" \
	"  allowed: [/etc/nvr, /var/lib/nvr]\n" \
	"  steps:\n"

static int
fx_setup(void **state)
{
	return support_fx_setup(state, "reset-config");
}

static int
fx_teardown(void **state)
{
	return support_fx_teardown(state);
}

/* Loading TEXT fails with exactly one diagnostic MSG at L:C. */
#define assert_fails_once(fx, text, l, c, msg) do { \
	assert_int_equal(support_load_text((fx), (text)), -1); \
	assert_diag_count(&(fx)->cfg.diags, 1); \
	assert_diag(&(fx)->cfg.diags, (l), (c), (msg)); \
} while (0)

static void
test_reset_good_plan(void **state)
{
	struct support_fx *fx = *state;
	struct reset_plan plan;
	const struct reset_step *s;

	assert_int_equal(support_load_text(fx, DEVICE RESET_HEAD
	    "    - remove: /var/lib/nvr/cameras\n"
	    "      label: the camera list\n"
	    "    - restore: /etc/nvr/network.conf\n"
	    "      from: /etc/nvr/factory/network.conf\n"
	    "    - mkdir: /var/lib/nvr/tmp\n"
	    "      mode: \"0750\"\n"
	    "    - mkdir: /var/lib/nvr/spool\n"
	    "    - truncate: /var/lib/nvr/events.log\n"
	    "    - command: [/usr/sbin/nvr-factory-hook, --all]\n"
	    "      idempotent: true\n"
	    "  keep:\n"
	    "    - path: /srv/recordings\n"
	    "      label: recordings\n"
	    "    - path: /srv/exports\n"), 0);
	assert_diag_count(&fx->cfg.diags, 0);
	assert_true(fx->cfg.reset.present);
	assert_int_equal(fx->cfg.reset.keep_count, 2);
	assert_string_equal(fx->cfg.reset.keep[0].path, "/srv/recordings");
	assert_string_equal(fx->cfg.reset.keep[0].label, "recordings");
	assert_string_equal(fx->cfg.reset.keep[1].path, "/srv/exports");
	assert_string_equal(fx->cfg.reset.keep[1].label, "/srv/exports");

	assert_int_equal(config_reset_plan(&fx->cfg, &plan), 0);
	assert_int_equal(plan.n_allowed, 2);
	assert_string_equal(plan.allowed[0], "/etc/nvr");
	assert_string_equal(plan.allowed[1], "/var/lib/nvr");
	assert_int_equal(plan.n_steps, 6);
	s = plan.steps;
	assert_int_equal(s[0].kind, RESET_REMOVE);
	assert_string_equal(s[0].path, "/var/lib/nvr/cameras");
	assert_string_equal(s[0].label, "the camera list");
	assert_int_equal(s[1].kind, RESET_RESTORE);
	assert_string_equal(s[1].path, "/etc/nvr/network.conf");
	assert_string_equal(s[1].from, "/etc/nvr/factory/network.conf");
	assert_string_equal(s[1].label, "restoring /etc/nvr/network.conf");
	assert_int_equal(s[2].kind, RESET_MKDIR);
	assert_string_equal(s[2].path, "/var/lib/nvr/tmp");
	assert_int_equal(s[2].mode, 0750);
	assert_int_equal(s[3].kind, RESET_MKDIR);
	assert_int_equal(s[3].mode, 0700);
	assert_int_equal(s[4].kind, RESET_TRUNCATE);
	assert_string_equal(s[4].path, "/var/lib/nvr/events.log");
	assert_string_equal(s[4].label, "emptying /var/lib/nvr/events.log");
	assert_int_equal(s[5].kind, RESET_COMMAND);
	assert_null(s[5].path);
	assert_string_equal(s[5].argv[0], "/usr/sbin/nvr-factory-hook");
	assert_string_equal(s[5].argv[1], "--all");
	assert_null(s[5].argv[2]);
	assert_true(s[5].idempotent);
	assert_string_equal(s[5].label, "running /usr/sbin/nvr-factory-hook");
	config_reset_plan_free(&plan);
	assert_null(plan.steps);
	assert_int_equal(plan.n_steps, 0);
}

static void
test_reset_absent_is_fine(void **state)
{
	struct support_fx *fx = *state;
	struct reset_plan plan;

	assert_int_equal(support_load_text(fx, DEVICE), 0);
	assert_false(fx->cfg.reset.present);
	assert_int_equal(fx->cfg.reset.keep_count, 0);
	assert_int_equal(config_reset_plan(&fx->cfg, &plan), 0);
	assert_null(plan.steps);
	assert_int_equal(plan.n_steps, 0);
	assert_diag_count(&fx->cfg.diags, 0);
}

static void
test_reset_no_kind(void **state)
{
	assert_fails_once((struct support_fx *)*state, DEVICE RESET_HEAD
	    "    - label: nothing\n", 9, 7, "reset.steps[0]: a step needs "
	    "one of remove, restore, mkdir, truncate, command");
}

static void
test_reset_two_kinds(void **state)
{
	assert_fails_once((struct support_fx *)*state, DEVICE RESET_HEAD
	    "    - remove: /var/lib/nvr/a\n"
	    "    - remove: /var/lib/nvr/b\n"
	    "      truncate: /var/lib/nvr/c\n", 11, 17,
	    "reset.steps[1].truncate: a step does one thing: give 'remove' "
	    "or 'truncate', not both");
}

static void
test_reset_restore_without_from(void **state)
{
	assert_fails_once((struct support_fx *)*state, DEVICE RESET_HEAD
	    "    - restore: /etc/nvr/x.conf\n", 9, 16,
	    "reset.steps[0].restore: restore needs 'from', the factory copy");
}

static void
test_reset_from_outside(void **state)
{
	assert_fails_once((struct support_fx *)*state, DEVICE RESET_HEAD
	    "    - restore: /etc/nvr/x.conf\n"
	    "      from: /usr/share/nvr/x.conf\n", 10, 13,
	    "reset.steps[0].from: /usr/share/nvr/x.conf is outside the "
	    "folders a reset may touch");
}

static void
test_reset_command_not_idempotent(void **state)
{
	struct support_fx *fx = *state;

	assert_fails_once(fx, DEVICE RESET_HEAD
	    "    - command: [/usr/sbin/hook]\n", 9, 16,
	    "reset.steps[0].command: a command may run again when a reset "
	    "resumes; add 'idempotent: true' once it is safe to");
	support_fx_teardown(state);
	assert_int_equal(fx_setup(state), 0);
	fx = *state;
	assert_fails_once(fx, DEVICE RESET_HEAD
	    "    - command: [/usr/sbin/hook]\n"
	    "      idempotent: false\n", 10, 19,
	    "reset.steps[0].idempotent: a command may run again when a reset "
	    "resumes, so it must be idempotent: true");
}

static void
test_reset_command_relative(void **state)
{
	assert_fails_once((struct support_fx *)*state, DEVICE RESET_HEAD
	    "    - command: [hook, --all]\n"
	    "      idempotent: true\n", 9, 17,
	    "reset.steps[0].command: the program must be an absolute path, "
	    "not 'hook'");
}

static void
test_reset_bad_modes(void **state)
{
	static const char *const bad[] = { "\"0800\"", "\"17777\"", "abc",
	    "\"-1\"", "\"07 7\"" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[512];
		struct support_fx *fx;

		if (i > 0) {
			support_fx_teardown(state);
			assert_int_equal(fx_setup(state), 0);
		}
		fx = *state;
		snprintf(text, sizeof(text), DEVICE RESET_HEAD
		    "    - mkdir: /var/lib/nvr/tmp\n"
		    "      mode: %s\n", bad[i]);
		assert_int_equal(support_load_text(fx, text), -1);
		assert_diag_count(&fx->cfg.diags, 1);
		assert_diag_has(&fx->cfg.diags, 10, 13, "reset.steps[0].mode: "
		    "the mode must be octal from 0 to 7777");
	}
}

static void
test_reset_too_many_steps(void **state)
{
	struct support_fx *fx = *state;
	size_t size = 65 * 40 + 256, used;
	char *text = malloc(size);

	assert_non_null(text);
	used = (size_t)snprintf(text, size, "%s", DEVICE RESET_HEAD);
	for (int i = 0; i < 65; i++)
		used += (size_t)snprintf(text + used, size - used,
		    "    - remove: /var/lib/nvr/%d\n", i);
	assert_fails_once(fx, text, 9, 5,
	    "reset.steps: give from 1 to 64 steps, not 65");
	free(text);
}

static void
test_reset_empty_steps(void **state)
{
	assert_fails_once((struct support_fx *)*state, DEVICE
	    "reset:\n"
	    "  allowed: [/etc/nvr]\n"
	    "  steps: []\n", 8, 10,
	    "reset.steps: give from 1 to 64 steps, not 0");
}

/* Each refused path, as a remove: step on line 9, column 15. */
static void
test_reset_refused_paths(void **state)
{
	static const struct {
		const char *path, *msg;
	} cases[] = {
		{ "/", "reset.steps[0].remove: " },
		{ "var/lib/nvr/x", "reset.steps[0].remove: " },
		{ "/var/lib/nvr/../x", "reset.steps[0].remove: " },
		{ "/var/lib/nvrx", "reset.steps[0].remove: /var/lib/nvrx is "
		  "outside the folders a reset may touch" },
		{ "/tmp/x", "reset.steps[0].remove: /tmp/x is outside the "
		  "folders a reset may touch" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[512];
		struct support_fx *fx;

		if (i > 0) {
			support_fx_teardown(state);
			assert_int_equal(fx_setup(state), 0);
		}
		fx = *state;
		snprintf(text, sizeof(text), DEVICE RESET_HEAD
		    "    - remove: %s\n", cases[i].path);
		assert_int_equal(support_load_text(fx, text), -1);
		assert_diag_count(&fx->cfg.diags, 1);
		assert_diag_has(&fx->cfg.diags, 9, 15, cases[i].msg);
	}
}

static void
test_reset_allowed_refused(void **state)
{
	assert_int_equal(support_load_text((struct support_fx *)*state,
	    DEVICE
	    "reset:\n"
	    "  allowed: [/etc/nvr, /, etc]\n"
	    "  steps:\n"
	    "    - remove: /etc/nvr/x\n"), -1);
	struct support_fx *fx = *state;
	/* etc is the config folder's etc, like every relative path. */
	assert_diag_count(&fx->cfg.diags, 1);
	assert_diag(&fx->cfg.diags, 7, 23, "reset.allowed: path is /");
}

/* The schema checks each item at its own position. */
static void
test_reset_map_list_schema(void **state)
{
	struct support_fx *fx = *state;

	assert_int_equal(support_load_text(fx, DEVICE RESET_HEAD
	    "    - remove: /var/lib/nvr/a\n"
	    "      lable: x\n"
	    "    - just text\n"
	    "  keep:\n"
	    "    - label: no path\n"), -1);
	assert_diag_count(&fx->cfg.diags, 3);
	assert_diag(&fx->cfg.diags, 10, 7, "unknown key 'lable' in "
	    "reset.steps[0] (did you mean 'label'?)");
	assert_diag(&fx->cfg.diags, 11, 7, "each item of reset.steps must "
	    "be a mapping of keys, not text");
	assert_diag(&fx->cfg.diags, 13, 7, "reset.keep[0] is missing "
	    "required key 'path'");
	support_fx_teardown(state);
	assert_int_equal(fx_setup(state), 0);
	fx = *state;
	assert_fails_once(fx, DEVICE
	    "reset:\n"
	    "  allowed: [/etc/nvr]\n"
	    "  steps: /etc/nvr/x\n", 8, 10, "reset.steps must be a list of "
	    "mappings (items starting with '- key: value'), not text");
}

static void
test_reset_wrong_kind_keys(void **state)
{
	struct support_fx *fx = *state;

	assert_int_equal(support_load_text(fx, DEVICE RESET_HEAD
	    "    - remove: /var/lib/nvr/a\n"
	    "      from: /etc/nvr/b\n"
	    "      mode: \"0700\"\n"
	    "      idempotent: true\n"), -1);
	assert_diag_count(&fx->cfg.diags, 3);
	assert_diag(&fx->cfg.diags, 10, 13, "reset.steps[0].from: 'from' "
	    "goes only with restore");
	assert_diag(&fx->cfg.diags, 11, 13, "reset.steps[0].mode: 'mode' "
	    "goes only with mkdir");
	assert_diag(&fx->cfg.diags, 12, 19, "reset.steps[0].idempotent: "
	    "'idempotent' goes only with command");
}

/* Relative paths start at the config's folder, as everywhere else. */
static void
test_reset_relative_paths(void **state)
{
	struct support_fx *fx = *state;
	struct reset_plan plan;
	char *data = support_in_dir(fx, "data");
	char *file = support_in_dir(fx, "data/net.conf");
	char *factory = support_in_dir(fx, "data/factory/net.conf");
	char *srv = support_in_dir(fx, "srv");

	assert_int_equal(support_load_text(fx, DEVICE
	    "reset:\n"
	    "  allowed: [data]\n"
	    "  steps:\n"
	    "    - restore: data/net.conf\n"
	    "      from: data/factory/net.conf\n"
	    "  keep:\n"
	    "    - path: srv\n"), 0);
	assert_int_equal(config_reset_plan(&fx->cfg, &plan), 0);
	assert_string_equal(plan.allowed[0], data);
	assert_string_equal(plan.steps[0].path, file);
	assert_string_equal(plan.steps[0].from, factory);
	assert_string_equal(fx->cfg.reset.keep[0].path, srv);
	assert_string_equal(fx->cfg.reset.keep[0].label, srv);
	config_reset_plan_free(&plan);
	free(data);
	free(file);
	free(factory);
	free(srv);
}

/* backend: command is one declared-idempotent program; after, confirm
 * and proof are read. */
static void
test_reset_command_backend(void **state)
{
	struct support_fx *fx = *state;
	struct reset_plan plan;

	assert_int_equal(support_load_text(fx, DEVICE
	    "reset:\n"
	    "  backend: command\n"
	    "  command: [/usr/sbin/vendor-reset, --all]\n"
	    "  idempotent: true\n"
	    "  label: settings, cameras and users\n"
	    "  after: [/sbin/reboot, -f]\n"
	    "  confirm: serial\n"
	    "  proof: [password, reset_file, questions, reset_code]\n"), 0);
	assert_int_equal(fx->cfg.reset.backend, RESET_BACKEND_COMMAND);
	assert_int_equal(fx->cfg.reset.confirm, RESET_CONFIRM_SERIAL);
	assert_int_equal(fx->cfg.reset.proofs, RESET_PROOF_PASSWORD |
	    RESET_PROOF_RESET_FILE | RESET_PROOF_QUESTIONS |
	    RESET_PROOF_RESET_CODE);
	assert_string_equal(fx->cfg.reset.after[0], "/sbin/reboot");
	assert_string_equal(fx->cfg.reset.after[1], "-f");
	assert_null(fx->cfg.reset.after[2]);
	assert_int_equal(config_reset_plan(&fx->cfg, &plan), 0);
	assert_int_equal(plan.n_steps, 1);
	assert_int_equal(plan.n_allowed, 0);
	assert_int_equal(plan.steps[0].kind, RESET_COMMAND);
	assert_string_equal(plan.steps[0].label,
	    "settings, cameras and users");
	assert_string_equal(plan.steps[0].argv[1], "--all");
	config_reset_plan_free(&plan);
}

static void
test_reset_command_backend_mistakes(void **state)
{
	struct support_fx *fx = *state;

	assert_fails_once(fx, DEVICE
	    "reset:\n"
	    "  backend: command\n"
	    "  command: [/usr/sbin/vendor-reset]\n", 8, 12,
	    "reset.command: a command may run again when a reset resumes; "
	    "add 'idempotent: true' once it is safe to");
	assert_fails_once(fx, DEVICE
	    "reset:\n"
	    "  backend: command\n", 7, 3,
	    "reset: backend: command needs 'command: [/absolute/program, "
	    "arguments...]'");
	assert_fails_once(fx, DEVICE
	    "reset:\n"
	    "  allowed: [/etc/nvr]\n"
	    "  command: [/bin/true]\n"
	    "  steps:\n"
	    "    - remove: /etc/nvr/a\n", 8, 12,
	    "reset.command: 'command' goes with backend: command; the files "
	    "backend has steps");
	assert_fails_once(fx, DEVICE
	    "reset:\n"
	    "  backend: command\n"
	    "  command: [/bin/true]\n"
	    "  idempotent: true\n"
	    "  after: [reboot]\n", 10, 11,
	    "reset.after: the program must be an absolute path, not 'reboot'");
}

/* A kept path no step may touch, in either direction; and every mistake
 * of the section is reported in one go. */
static void
test_reset_keep_apart(void **state)
{
	struct support_fx *fx = *state;

	assert_fails_once(fx, DEVICE RESET_HEAD
	    "    - remove: /var/lib/nvr\n"
	    "  keep:\n"
	    "    - path: /var/lib/nvr/recordings\n", 11, 13,
	    "reset.keep[0].path: /var/lib/nvr/recordings is kept, but "
	    "reset.steps[0] (remove /var/lib/nvr) changes it or something in "
	    "it");
	assert_fails_once(fx, DEVICE RESET_HEAD
	    "    - truncate: /etc/nvr/log/x\n"
	    "  keep:\n"
	    "    - path: /etc/nvr/log\n", 11, 13,
	    "reset.keep[0].path: /etc/nvr/log is kept, but reset.steps[0] "
	    "(truncate /etc/nvr/log/x) changes it or something in it");
	assert_int_equal(support_load_text(fx, DEVICE RESET_HEAD
	    "    - remove: /srv/x\n"
	    "  proof: [smile]\n"
	    "  after: [reboot]\n"), -1);
	assert_diag_count(&fx->cfg.diags, 3);
}

static void
test_reset_bad_proof(void **state)
{
	assert_fails_once((struct support_fx *)*state, DEVICE RESET_HEAD
	    "    - remove: /var/lib/nvr/a\n"
	    "  proof: [password, smile]\n", 10, 21,
	    "reset.proof: 'smile' is not a proof; give password, questions, "
	    "reset_file, reset_code or none");
}

/* An allowed folder, or one above it, that another user could change is
 * refused at its item (OpenSSH's StrictModes rule); a sticky one, as
 * /tmp, is fine above a folder that exists, not above one that does not
 * yet. */
static void
test_reset_allowed_untrusted(void **state)
{
	struct support_fx *fx = *state;
	char text[4 * PATH_MAX], shared[PATH_MAX], sticky[PATH_MAX];
	char msg[PATH_MAX * 2];
	struct nvr_error err;

	snprintf(shared, sizeof(shared), "%s/shared", fx->dir);
	snprintf(sticky, sizeof(sticky), "%s/sticky", fx->dir);
	assert_int_equal(mkdir(shared, 0775), 0);
	assert_int_equal(chmod(shared, 0775), 0);
	assert_int_equal(mkdir(sticky, 01777), 0);
	assert_int_equal(chmod(sticky, 01777), 0);
	snprintf(msg, sizeof(msg), "%s/nvr", sticky);
	assert_int_equal(mkdir(msg, 0755), 0);
	snprintf(text, sizeof(text), DEVICE "reset:\n"
	    "  allowed: [%s/nvr, %s/nvr]\n"
	    "  steps:\n"
	    "    - remove: %s/nvr/x\n", sticky, shared, sticky);
	assert_int_equal(support_load_text(fx, text), -1);
	assert_diag_count(&fx->cfg.diags, 1);
	snprintf(msg, sizeof(msg), "reset.allowed: %s can be written by its "
	    "group (mode 0775)", shared);
	assert_diag_has(&fx->cfg.diags, 7, (unsigned)(19 + strlen(sticky)),
	    msg);
	config_free(&fx->cfg);

	/* The same folder, once fixed, is trusted. */
	assert_int_equal(chmod(shared, 0755), 0);
	assert_int_equal(support_load_text(fx, text), 0);
	config_free(&fx->cfg);

	/* A folder of another user's, when we are root. */
	if (geteuid() == 0) {
		assert_int_equal(chown(shared, 65534, 65534), 0);
		assert_int_equal(support_load_text(fx, text), -1);
		snprintf(msg, sizeof(msg), "reset.allowed: %s belongs to uid "
		    "65534", shared);
		assert_diag_has(&fx->cfg.diags, 7, (unsigned)(19 +
		    strlen(sticky)), msg);
		config_free(&fx->cfg);
		assert_int_equal(chown(shared, 0, 0), 0);
	}
	/* The rule itself, on a link: where it leads counts. */
	assert_int_equal(chmod(shared, 0777), 0);
	snprintf(msg, sizeof(msg), "%s/link", fx->dir);
	assert_int_equal(symlink(shared, msg), 0);
	assert_int_equal(trust_check_path(msg, &err), -EPERM);
	assert_non_null(strstr(err.message, "every user"));
	assert_int_equal(chmod(shared, 0755), 0);
	assert_int_equal(trust_check_path(sticky, &err), 0);
	assert_int_equal(trust_check_path("/nonexistent/below", &err), 0);
	/* A part not there yet, in a folder others may write (sticky or
	 * not): they could make it first, as a link. */
	snprintf(msg, sizeof(msg), "%s/not-yet", sticky);
	assert_int_equal(trust_check_path(msg, &err), -EPERM);
	assert_non_null(strstr(err.message, "could make it first"));
	if (geteuid() == 0) {
		char hop[PATH_MAX + 16], link2[PATH_MAX + 16];

		/* A link through a folder another user owns: each hop is
		 * checked, not only where the chain ends (root's /etc). */
		snprintf(hop, sizeof(hop), "%s/theirs", fx->dir);
		assert_int_equal(mkdir(hop, 0755), 0);
		snprintf(link2, sizeof(link2), "%s/theirs/data", fx->dir);
		assert_int_equal(symlink("/etc", link2), 0);
		assert_int_equal(lchown(link2, 65534, 65534), 0);
		assert_int_equal(chown(hop, 65534, 65534), 0);
		snprintf(msg, sizeof(msg), "%s/via", fx->dir);
		assert_int_equal(symlink(link2, msg), 0);
		assert_int_equal(trust_check_path(msg, &err), -EPERM);
		assert_non_null(strstr(err.message, "belongs to uid 65534"));
		/* A dangling link's target must not be makeable by others
		 * either. */
		snprintf(msg, sizeof(msg), "%s/dangling", fx->dir);
		snprintf(link2, sizeof(link2), "%s/not-yet", sticky);
		assert_int_equal(symlink(link2, msg), 0);
		assert_int_equal(trust_check_path(msg, &err), -EPERM);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
		T(test_reset_good_plan),
		T(test_reset_absent_is_fine),
		T(test_reset_no_kind),
		T(test_reset_two_kinds),
		T(test_reset_restore_without_from),
		T(test_reset_from_outside),
		T(test_reset_command_not_idempotent),
		T(test_reset_command_relative),
		T(test_reset_bad_modes),
		T(test_reset_too_many_steps),
		T(test_reset_empty_steps),
		T(test_reset_refused_paths),
		T(test_reset_allowed_refused),
		T(test_reset_map_list_schema),
		T(test_reset_wrong_kind_keys),
		T(test_reset_relative_paths),
		T(test_reset_command_backend),
		T(test_reset_command_backend_mistakes),
		T(test_reset_bad_proof),
		T(test_reset_keep_apart),
		T(test_reset_allowed_untrusted),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
