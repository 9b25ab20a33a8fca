/*
 * support.h: what the cmocka unit tests share: a fresh folder per test
 * (removed in teardown) holding config.yaml, loading a config or opening
 * its device from text, and assertions on diagnostics at their exact
 * line, column and text.
 */
#ifndef NVR_TESTS_UNIT_SUPPORT_H
#define NVR_TESTS_UNIT_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>
#include <cmocka.h>

#include "backends/accounts/accounts.h"
#include "backends/device/device.h"
#include "config/config.h"
#include "config/diag.h"

/* The state of a test run with support_fx_setup/support_fx_teardown. */
struct support_fx {
	char dir[64];		/* the test's own folder under /tmp */
	char path[128];		/* dir/config.yaml */
	struct config cfg;
	bool loaded;		/* cfg needs config_free */
	struct device dev;	/* closed in teardown */
	struct device_info info;
};

/* cmocka setup: a fresh /tmp/nvr-test-NAME-XXXXXX folder in *STATE. */
int support_fx_setup(void **state, const char *name);

/* cmocka teardown: closes the device, frees the config, removes dir. */
int support_fx_teardown(void **state);

/* Removes DIR and everything in it (links not followed). */
void support_remove_tree(const char *dir);

/* The device section of a test config: static, model M, serial S. */
#define SUPPORT_STATIC_DEVICE \
	"device:\n" \
	"  backend: static\n" \
	"  model: M\n" \
	"  serial: S\n" \
	"  firmware: F\n"

/* A zeroed SIZE-byte test state wrapping a fresh fixture (as from
 * support_fx_setup with NAME) stored in *FX; NULL if either fails. */
void *support_fx_wrap(size_t size, const char *name, struct support_fx **fx);

/* Writes LEN bytes to PATH with MODE (umask does not apply). */
void support_write_file(const char *path, const void *data, size_t len,
    mode_t mode);

/* All of PATH, read without the code under test; malloc'd, NUL added. */
char *support_slurp(const char *path, size_t *len);

/* The absolute path of NAME in the fixture's folder; malloc'd. */
char *support_in_dir(const struct support_fx *fx, const char *name);

/* Writes LEN bytes as NAME in the fixture's folder, with MODE. */
void support_put_file(const struct support_fx *fx, const char *name,
    const void *data, size_t len, mode_t mode);

/* Loads the config at PATH into fx->cfg; config_load's result. */
int support_load_path(struct support_fx *fx, const char *path);

/* Writes TEXT as the fixture's config.yaml (0600) and loads it. */
int support_load_text(struct support_fx *fx, const char *text);

/* Loads TEXT (the schema check must pass) and opens its device into
 * fx->dev; registry_open_device's result. */
int support_open_text(struct support_fx *fx, const char *text);

/* Milliseconds of CLOCK_MONOTONIC since START. */
double support_ms_since(const struct timespec *start);

/* LIST as diag_print prints it; malloc'd. */
char *support_printed(const struct diag_list *list);

/* MSG with its "%s", if any, replaced by DIR; malloc'd. */
char *support_expand(const char *msg, const char *dir);

/* Fails at FILE:LINE unless LIST holds WANT diagnostics. */
void support_check_count(const struct diag_list *list, size_t want,
    const char *file, int line);

/* Fails at FILE:LINE unless LIST holds a diagnostic at WANT_LINE:WANT_COL
 * whose message is TEXT (EXACT) or contains it. */
void support_check_diag(const struct diag_list *list, unsigned want_line,
    unsigned want_col, const char *text, bool exact, const char *file,
    int line);

#define assert_diag_count(list, n) \
	support_check_count((list), (n), __FILE__, __LINE__)
#define assert_diag(list, l, c, text) \
	support_check_diag((list), (l), (c), (text), true, __FILE__, __LINE__)
#define assert_diag_has(list, l, c, text) \
	support_check_diag((list), (l), (c), (text), false, __FILE__, \
	    __LINE__)

/* The account NAME of the first store ("system"), id not known: what a
 * test of one store passes where a struct account_key is asked for.
 * Points into one of 8 slots, reused in turn. */
const struct account_key *support_key(const char *name);

/* The account NAME, id UID, of the store STORE at INDEX. */
const struct account_key *support_key_in(const char *store, unsigned index,
    const char *name, long long uid);

/* Closes ACC (an accounts backend, if open) and frees FX's config, if
 * loaded: what a store test does between two configs and at teardown. */
void support_close_accounts(struct support_fx *fx, struct accounts *acc);

/* Closes ACC, loads a config of a static device and the accounts section
 * whose text (after "accounts:\n") is ACCOUNTS, and opens its first
 * store into ACC: registry_open_accounts' result, or -100 if the config
 * did not load. */
int support_open_accounts_text(struct support_fx *fx, struct accounts *acc,
    const char *accounts);

/* Lets a child that holds a lock go (closes *FD, its pipe) and reaps
 * *PID; both reset. */
void support_release_holder(int *fd, pid_t *pid);

#endif
