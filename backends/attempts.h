/*
 * attempts.h: one budget of wrong tries per account, for every way of
 * proving who you are (the current password now; answers, recovery keys
 * and reset codes later). Counts live in a state file, so a reboot does
 * not reset them; past the free tries, each failure doubles the wait.
 */
#ifndef NVR_BACKENDS_ATTEMPTS_H
#define NVR_BACKENDS_ATTEMPTS_H

#include <stdbool.h>

#include "common/nvr_error.h"

struct attempts_settings {
	int free_tries;		/* failures before any wait (default 5) */
	int first_wait_s;	/* the first wait (default 30) */
	int max_wait_s;		/* the longest wait (default 3600) */
};

struct attempts;

/* A NAME here is a key of at most ATTEMPTS_NAME_MAX printable bytes
 * without blanks: "store/account" (account_key_text) for an account,
 * "@reset-code" for the device's own budget. */
#define ATTEMPTS_NAME_MAX 64

/* Keeps counts in STATE_DIR/attempts (the folder is made, mode 0700, at
 * the first failure if it is missing). Touches no file. */
int attempts_open(struct attempts **out, const char *state_dir,
    const struct attempts_settings *settings, struct nvr_error *err);

/* Sets *WAIT_S to the seconds NAME must wait before another try (0: may
 * try now). A state file that does not parse is an error (fail closed:
 * no try until it is fixed), never rewritten; so is a NAME a line cannot
 * hold (empty, blanks, controls, non-ASCII), whose failures could not be
 * counted. */
int attempts_wait(struct attempts *a, const char *name, long *wait_s,
    struct nvr_error *err);

/*
 * A try at a secret, counted before the secret is checked: a try that
 * cannot be counted (the state folder full, read-only, failing) is no
 * try at all, and two consoles cannot both slip into the last free try.
 */
struct attempts_try {
	char name[ATTEMPTS_NAME_MAX + 1];
	long long at;		/* when it was recorded as a failure */
	long long before;	/* NAME's last failure before it */
	long failures;		/* NAME's failures with it */
	bool held;		/* recorded, not yet taken back */
};

/*
 * Under the store's lock: if NAME must wait, sets *WAIT_S and returns
 * -EAGAIN, recording nothing; else records this try as a failure, makes
 * that durable (fsynced) and fills T. Only after 0 may the secret be
 * checked. Returns 0, -EAGAIN, or another negative errno when the try
 * cannot be recorded (-ENOSPC: the storage is full; -EROFS: read-only).
 */
int attempts_begin(struct attempts *a, const char *name,
    struct attempts_try *t, long *wait_s, struct nvr_error *err);

/*
 * The secret of T was right: takes T's own failure back, and with CLEAR
 * forgets NAME's earlier failures too (a proof that is used now; a
 * proof only checked, such as a reset file before the reset begins,
 * takes back just its own). Safe on a T not held.
 */
int attempts_take_back(struct attempts *a, struct attempts_try *t,
    bool clear, struct nvr_error *err);

/* What kept a try from being counted, in the owner's words ("the
 * recorder's storage is full"), for CODE from attempts_begin; NULL when
 * the store's own message says it better. */
const char *attempts_uncounted_reason(int code);

/* The wait that T's failure, now counted for good, started (0: none). */
long attempts_wait_after(const struct attempts *a,
    const struct attempts_try *t);

/* Counts a failure for NAME and sets *WAIT_S to the wait it now has. */
int attempts_failed(struct attempts *a, const char *name, long *wait_s,
    struct nvr_error *err);

/* Forgets NAME's failures after a success. */
int attempts_succeeded(struct attempts *a, const char *name,
    struct nvr_error *err);

/*
 * Brings a file of the single-store version (format 1, keyed by account
 * name alone) up to date, once, under the lock: every account's count
 * becomes STORE's (the first store's), the device's own budgets stay as
 * they are, and the new file is written atomically. A file already up
 * to date, or none, is left alone; one that does not parse is refused
 * and never rewritten. Sets *DONE if it wrote the file.
 */
int attempts_migrate(struct attempts *a, const char *store, bool *done,
    struct nvr_error *err);

void attempts_close(struct attempts *a);

#endif
