/*
 * reset_journal.h: running a factory reset so that it can be killed at
 * any moment (a power cut, a SIGKILL) and resumed to the same end state.
 *
 * reset_journal_begin records the plan in STATE_DIR/reset-journal (one
 * atomic, fsynced write); reset_journal_run runs each step not yet marked
 * done, appends "done N" (fsynced) after each, and removes the journal
 * when all are done. Steps are idempotent (backends/reset_plan.h), so a
 * step cut short simply runs again.
 *
 * The journal is text:
 *
 *	# nvr-recovery reset journal 1
 *	allow	/srv/nvr
 *	step	remove	erasing recordings	/srv/nvr/recordings
 *	step	restore	LABEL	PATH	FROM
 *	step	mkdir	LABEL	PATH	0750
 *	step	truncate	LABEL	PATH
 *	step	command	LABEL	ARGV0	ARGV1 ...
 *	step	accounts	LABEL
 *	step	wizard-state	LABEL
 *	done 0
 *
 * Fields are separated by one tab; in a field, a backslash, tab and
 * newline are written \\, \t and \n.
 */
#ifndef NVR_BACKENDS_RESET_JOURNAL_H
#define NVR_BACKENDS_RESET_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/nvr_error.h"
#include "backends/reset_plan.h"

#define RESET_JOURNAL_NAME "reset-journal"
#define RESET_JOURNAL_HEADER "# nvr-recovery reset journal 1"

/* Called before step INDEX (of TOTAL) runs, with its label. */
typedef void (*reset_progress_fn)(void *ctx, size_t index, size_t total,
    const char *label);

/*
 * What the caller does for the steps that act through a backend
 * (RESET_ACCOUNTS, RESET_WIZARD_STATE): each must be idempotent too. A
 * missing hook fails its step with -ENOTSUP (the journal is kept).
 */
struct reset_hooks {
	int (*accounts)(void *ctx, struct nvr_error *err);
	int (*wizard_state)(void *ctx, struct nvr_error *err);
	void *ctx;
};

/* Where an unfinished reset stands. */
struct reset_journal_status {
	size_t done;		/* steps marked done */
	size_t total;
};

/* Whether STATE_DIR holds a journal: a reset was begun and not finished. */
bool reset_journal_pending(const char *state_dir);

/*
 * Checks PLAN (reset_plan_check) and records it as STATE_DIR's journal.
 * Refuses (-EEXIST) if a journal is already there: finish that one first.
 * Runs no step. Returns 0 or a negative errno.
 */
int reset_journal_begin(const char *state_dir, const struct reset_plan *plan,
    struct nvr_error *err);

/*
 * Loads STATE_DIR's journal and runs every step not marked done, in
 * order, marking each done; then removes the journal and fsyncs the
 * folder. A journal that does not parse is refused before any step runs:
 * -EBADMSG with ERR "FILE:LINE: what". Its paths are checked again
 * (reset_plan_check_path) before anything runs. Returns 0, -ENOENT (no
 * journal), or a negative errno from the step that failed (the journal
 * is kept; run again to resume).
 */
int reset_journal_run(const char *state_dir, reset_progress_fn progress,
    void *ctx, struct nvr_error *err);

/*
 * Like reset_journal_run, but with HOOKS for the backend steps and
 * running at most MAX_STEPS steps: returns 1 when steps remain (run it
 * again to go on), 0 when the reset is finished and the journal gone,
 * or a negative errno as reset_journal_run.
 */
int reset_journal_run_some(const char *state_dir,
    const struct reset_hooks *hooks, size_t max_steps,
    reset_progress_fn progress, void *ctx, struct nvr_error *err);

/* Reads STATE_DIR's journal without running anything. Returns 0,
 * -ENOENT (none), or -EBADMSG with ERR as reset_journal_run. */
int reset_journal_peek(const char *state_dir,
    struct reset_journal_status *status, struct nvr_error *err);

/* Runs one step now, without a journal; idempotent. Returns 0 or a
 * negative errno. */
int reset_step_run(const struct reset_step *step,
    const struct reset_hooks *hooks, struct nvr_error *err);

#ifdef NVR_FAILPOINTS
/* Crash tests only: every failpoint of the journal and its steps counts
 * into HITS; when COUNTDOWN is above 0, the hit that brings it to 0
 * kills the process with SIGKILL. */
extern long reset_failpoint_hits;
extern long reset_failpoint_countdown;
#endif

#endif
