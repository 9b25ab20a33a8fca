/*
 * attempts.h: one budget of wrong tries per account, for every way of
 * proving who you are (the current password now; answers, recovery keys
 * and reset codes later). Counts live in a state file, so a reboot does
 * not reset them; past the free tries, each failure doubles the wait.
 */
#ifndef NVR_BACKENDS_ATTEMPTS_H
#define NVR_BACKENDS_ATTEMPTS_H

#include "backends/nvr_error.h"

struct attempts_settings {
	int free_tries;		/* failures before any wait (default 5) */
	int first_wait_s;	/* the first wait (default 30) */
	int max_wait_s;		/* the longest wait (default 3600) */
};

struct attempts;

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

/* Counts a failure for NAME and sets *WAIT_S to the wait it now has. */
int attempts_failed(struct attempts *a, const char *name, long *wait_s,
    struct nvr_error *err);

/* Forgets NAME's failures after a success. */
int attempts_succeeded(struct attempts *a, const char *name,
    struct nvr_error *err);

void attempts_close(struct attempts *a);

#endif
