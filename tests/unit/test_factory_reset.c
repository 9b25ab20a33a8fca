/*
 * test_factory_reset.c: the reset concern (backends/reset/factory_reset.c) over
 * real files: the summary with sizes, a reset run a step at a time to the
 * factory state (passwords cleared in shadow and its backup, the wizard's
 * own state erased, kept paths untouched), one reset at a time, and the
 * restart command.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "backends/reset/factory_reset.h"
#include "backends/registry.h"
#include "config/config.h"
#include "tests/unit/support.h"

#define HASH "$y$j9T$2Bfu/fK2aF1p.uFDlYhPr0$af4ihJKsrvNHP7Ysorm0UWwuqZyPO8" \
	"ayfweMDeR4mH1"

struct fx {
	struct support_fx *fx;
	struct accounts accounts;
	struct account_stores stores;	/* accounts, as the one store */
	struct recovery recovery;
	struct reset_plan plan;
	struct factory_reset_settings settings;
	struct factory_reset *reset;
};

static int
setup(void **state)
{
	struct support_fx *inner = NULL;
	struct fx *t = support_fx_wrap(sizeof(*t), "factory-reset", &inner);

	if (t == NULL)
		return -1;
	t->fx = inner;
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *t = *state;

	factory_reset_close(t->reset);
	config_reset_plan_free(&t->plan);
	if (t->recovery.ops != NULL)
		t->recovery.ops->close(t->recovery.state);
	if (t->accounts.ops != NULL)
		t->accounts.ops->close(t->accounts.state);
	support_fx_teardown((void **)&t->fx);
	free(t);
	return 0;
}

static void
put(const struct fx *t, const char *name, const char *text, mode_t mode)
{
	support_put_file(t->fx, name, text, strlen(text), mode);
}

static void
make_dir(const struct fx *t, const char *name)
{
	char *path = support_in_dir(t->fx, name);

	assert_int_equal(mkdir(path, 0755), 0);
	free(path);
}

static bool
exists(const struct fx *t, const char *name)
{
	char *path = support_in_dir(t->fx, name);
	struct stat st;
	bool there = lstat(path, &st) == 0;

	free(path);
	return there;
}

static char *
slurp(const struct fx *t, const char *name)
{
	char *path = support_in_dir(t->fx, name);
	size_t len;
	char *text = support_slurp(path, &len);

	free(path);
	assert_non_null(text);
	return text;
}

/* The device: accounts, recovery, a reset of data/ keeping rec/, and
 * AFTER as the restart command (a YAML list, or ""). */
static void
open_all(struct fx *t, const char *after)
{
	char text[2048];
	struct factory_reset_settings settings;
	struct nvr_error err;

	make_dir(t, "etc");
	put(t, "etc/passwd", "root:x:0:0::/root:/bin/sh\n"
	    "admin:x:1000:1000::/home/admin:/bin/sh\n"
	    "operator:x:1001:1001::/home/operator:/bin/sh\n", 0644);
	put(t, "etc/shadow", "root:*:20000:0:99999:7:::\n"
	    "admin:" HASH ":20000:0:99999:7:::\n"
	    "operator:" HASH ":20000:0:99999:7:::\n", 0640);
	put(t, "etc/shadow-", "root:*:20000:0:99999:7:::\n"
	    "admin:" HASH ":19000:0:99999:7:::\n"
	    "operator:!:19000:0:99999:7:::\n", 0640);
	make_dir(t, "data");
	make_dir(t, "data/factory");
	make_dir(t, "data/logs");
	put(t, "data/net.conf", "address=10.0.0.9\n", 0644);
	put(t, "data/factory/net.conf", "address=dhcp\n", 0644);
	put(t, "data/cameras", "cam1\ncam2\n", 0644);
	put(t, "data/logs/a", "12345", 0644);
	put(t, "data/logs/b", "123", 0644);
	make_dir(t, "rec");
	put(t, "rec/0001.mp4", "0123456789", 0644);
	make_dir(t, "state");
	put(t, "state/requests", "junk requests\n", 0600);
	put(t, "state/attempts", "junk attempts\n", 0600);
	snprintf(text, sizeof(text),
	    "device:\n  backend: static\n  model: M\n  serial: SERIAL-1234\n"
	    "  firmware: F\n"
	    "accounts:\n  backend: shadow\n  root: .\n  admin: admin\n"
	    "state_dir: state\n"
	    "recovery:\n  backend: file\n"
	    "reset:\n  allowed: [data]\n  steps:\n"
	    "    - restore: data/net.conf\n      from: data/factory/net.conf\n"
	    "      label: network\n"
	    "    - remove: data/cameras\n      label: cameras\n"
	    "    - mkdir: data/logs\n      label: logs\n"
	    "  keep:\n    - path: rec\n      label: recordings\n"
	    "%s", after);
	assert_int_equal(support_load_text(t->fx, text), 0);
	assert_int_equal(registry_open_accounts(&t->fx->cfg.stores[0].section,
	    &t->accounts), 0);
	assert_int_equal(registry_open_recovery(&t->fx->cfg.recovery,
	    t->fx->cfg.state_dir, &t->recovery), 0);
	put(t, "state/recovery", "not a recovery store\n", 0600);
	assert_int_equal(config_reset_plan(&t->fx->cfg, &t->plan), 0);
	t->stores.count = 1;
	snprintf(t->stores.store[0].id, sizeof(t->stores.store[0].id),
	    "system");
	t->stores.store[0].label = "System";
	t->stores.store[0].accounts = t->accounts;
	t->settings = settings = (struct factory_reset_settings){
		.config = &t->fx->cfg.reset, .plan = &t->plan,
		.state_dir = t->fx->cfg.state_dir, .stores = &t->stores,
		.recovery = &t->recovery,
	};
	assert_int_equal(factory_reset_open(&t->reset, &settings, &err), 0);
}

static void
test_describe(void **state)
{
	struct fx *t = *state;
	struct factory_reset_summary m;
	struct nvr_error err;
	char *path;
	int fd;

	open_all(t, "");
	assert_int_equal(factory_reset_describe(t->reset, &m, &err), 0);
	assert_int_equal(m.erase_count, 5);
	/* In the owner's words: a restore and a small file by their label
	 * alone, a folder by its files, a size only where it is large. */
	assert_string_equal(m.erase[0].label, "network");
	assert_string_equal(m.erase[0].detail, "");
	assert_string_equal(m.erase[1].detail, "");
	assert_string_equal(m.erase[2].detail, "2 files");
	assert_string_equal(m.erase[3].label, "the passwords of all accounts");
	assert_string_equal(m.erase[3].detail, "admin, operator");
	assert_int_equal(m.keep_count, 1);
	assert_string_equal(m.keep[0].label, "recordings");
	assert_string_equal(m.keep[0].detail, "1 file");
	assert_false(m.restarts);
	/* 250 MB of recordings (a sparse file) are worth saying. */
	path = support_in_dir(t->fx, "rec/big.mp4");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 250000000), 0);
	assert_int_equal(close(fd), 0);
	free(path);
	assert_int_equal(factory_reset_describe(t->reset, &m, &err), 0);
	assert_string_equal(m.keep[0].detail, "2 files, 250 MB");
	/* Describing changes nothing. */
	assert_true(exists(t, "data/cameras"));
	assert_false(exists(t, "state/" RESET_JOURNAL_NAME));
}

static void
test_reset_step_by_step(void **state)
{
	struct fx *t = *state;
	struct factory_reset_progress p;
	struct reset_journal_status st;
	struct nvr_error err;
	char *text, *backup;
	int rc;
	size_t steps = 0, total = 0;

	open_all(t, "");
	assert_int_equal(factory_reset_pending(t->reset, &st, &err), -ENOENT);
	assert_int_equal(factory_reset_start(t->reset, &total, &err), 0);
	assert_int_equal(total, 5);
	/* Start writes the journal and nothing else. */
	assert_int_equal(factory_reset_pending(t->reset, &st, &err), 0);
	assert_int_equal(st.total, 5);
	assert_int_equal(st.done, 0);
	assert_true(exists(t, "data/cameras"));
	assert_int_equal(factory_reset_start(t->reset, &total, &err),
	    -EEXIST);
	while ((rc = factory_reset_next(t->reset, &p, &err)) == 1) {
		steps++;
		assert_int_equal(p.done, steps);
		assert_int_equal(p.total, 5);
	}
	if (rc != 0)
		print_error("next: %s\n", err.message);
	assert_int_equal(rc, 0);
	assert_int_equal(p.done, 5);
	assert_string_equal(p.label, "erasing security questions, recovery "
	    "keys and support requests");
	assert_int_equal(factory_reset_next(t->reset, &p, &err), -ENOENT);

	text = slurp(t, "data/net.conf");
	assert_string_equal(text, "address=dhcp\n");
	free(text);
	assert_false(exists(t, "data/cameras"));
	assert_false(exists(t, "data/logs/a"));
	assert_true(exists(t, "rec/0001.mp4"));
	text = slurp(t, "etc/shadow");
	assert_true(strncmp(text, "root:*:20000:0:99999:7:::\n", 26) == 0);
	assert_non_null(strstr(text, "\nadmin:!:"));
	assert_non_null(strstr(text, "\noperator:!:"));
	assert_null(strstr(text, HASH));
	backup = slurp(t, "etc/shadow-");
	assert_string_equal(backup, text);	/* no old hash left */
	free(backup);
	free(text);
	/* The wizard's state, even a recovery store that does not parse. */
	assert_false(exists(t, "state/recovery"));
	assert_false(exists(t, "state/requests"));
	assert_false(exists(t, "state/attempts"));
	assert_false(exists(t, "state/" RESET_JOURNAL_NAME));
}

/* The reset button's password tier: journaled like a reset, one step a
 * store; the administrator's password alone is cleared (operator keeps
 * his, the backup loses the old hash), nothing else is touched. */
static void
test_passwords_only(void **state)
{
	struct fx *t = *state;
	struct factory_reset_progress p;
	struct reset_journal_status st;
	struct nvr_error err;
	char *text, *backup, *journal;
	size_t total = 0;

	open_all(t, "");
	assert_int_equal(factory_reset_start_passwords(t->reset, &total,
	    &err), 0);
	assert_int_equal(total, 1);
	assert_int_equal(factory_reset_pending(t->reset, &st, &err), 0);
	assert_int_equal(st.total, 1);
	journal = slurp(t, "state/" RESET_JOURNAL_NAME);
	assert_non_null(strstr(journal, "step\tadmin-password\tclearing the "
	    "administrator's password\tsystem\n"));
	free(journal);
	assert_int_equal(factory_reset_start(t->reset, &total, &err),
	    -EEXIST);
	assert_int_equal(factory_reset_next(t->reset, &p, &err), 0);
	assert_int_equal(p.done, 1);
	text = slurp(t, "etc/shadow");
	assert_non_null(strstr(text, "\nadmin:!:"));
	assert_non_null(strstr(text, "\noperator:" HASH ":20000:"));
	backup = slurp(t, "etc/shadow-");
	assert_string_equal(backup, text);
	free(backup);
	free(text);
	/* Nothing of the reset: files, the wizard's state. */
	assert_true(exists(t, "data/cameras"));
	assert_true(exists(t, "data/logs/a"));
	assert_true(exists(t, "state/requests"));
	assert_true(exists(t, "state/attempts"));
	assert_false(exists(t, "state/" RESET_JOURNAL_NAME));
}

/* One reset at a time: another process finds the lock taken. */
static void
test_one_at_a_time(void **state)
{
	struct fx *t = *state;
	struct factory_reset_progress p;
	struct nvr_error err;
	size_t total;
	pid_t pid;
	int status;

	open_all(t, "");
	assert_int_equal(factory_reset_start(t->reset, &total, &err), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Its own instance: fcntl locks are not inherited. */
		struct factory_reset *other;
		int rc = factory_reset_open(&other, &t->settings, &err);

		if (rc == 0)
			rc = factory_reset_next(other, &p, &err);

		_exit(rc == -EBUSY && strstr(err.message, "another factory "
		    "reset is running") != NULL ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(factory_reset_finish(t->reset, NULL, NULL, &err), 0);
}

/* The accounts' factory state is idempotent: a store already there is
 * not written again. */
static void
test_accounts_idempotent(void **state)
{
	struct fx *t = *state;
	struct nvr_error err;
	char *path;
	struct stat before, after;

	open_all(t, "");
	assert_int_equal(t->accounts.ops->factory_reset(t->accounts.state,
	    ACCOUNT_RESET_ALL, &err), 0);
	path = support_in_dir(t->fx, "etc/shadow");
	assert_int_equal(stat(path, &before), 0);
	assert_int_equal(t->accounts.ops->factory_reset(t->accounts.state,
	    ACCOUNT_RESET_ALL, &err), 0);
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	assert_int_equal(before.st_mode & 07777, 0640);
	free(path);
}

static void
test_restart(void **state)
{
	struct fx *t = *state;
	struct nvr_error err;
	char after[600];

	snprintf(after, sizeof(after), "  after: [/bin/sh, -c, 'touch "
	    "%s/restarted']\n", t->fx->dir);
	open_all(t, after);
	assert_true(t->fx->cfg.reset.after[0] != NULL);
	assert_int_equal(factory_reset_restart(t->reset, &err), 0);
	assert_true(exists(t, "restarted"));
}

static void
test_restart_fails(void **state)
{
	struct fx *t = *state;
	struct nvr_error err;

	open_all(t, "  after: [/bin/false]\n");
	assert_int_equal(factory_reset_restart(t->reset, &err), -EIO);
	assert_string_equal(err.message, "/bin/false exited with status 1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_describe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_step_by_step, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_passwords_only, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_one_at_a_time, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_accounts_idempotent, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_fails, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
