/*
 * journal.h: running a factory reset so that it can be killed at
 * any moment (a power cut, a SIGKILL) and resumed to the same end state.
 *
 * reset_journal_begin records the plan in STATE_DIR/reset-journal (one
 * atomic, fsynced write); reset_journal_run runs each step not yet marked
 * done, appends "done N" (fsynced) after each, and removes the journal
 * when all are done. Steps are idempotent (config/reset_plan.h), so a
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
 *	step	accounts	LABEL	STORE
 *	step	admin-password	LABEL	STORE
 *	step	wizard-state	LABEL
 *	done 0
 *	skip 1
 *
 * The allow lines record the folders the reset was begun with; a run
 * takes them from the config instead (struct reset_run). "skip N" marks
 * a step the owner agreed to leave out because the config no longer
 * lets a reset touch its path.
 *
 * Fields are separated by one tab; in a field, a backslash, tab and
 * newline are written \\, \t and \n.
 */
#ifndef NVR_BACKENDS_RESET_JOURNAL_H
#define NVR_BACKENDS_RESET_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/nvr_error.h"
#include "config/reset_plan.h"

#define RESET_JOURNAL_NAME "reset-journal"
#define RESET_JOURNAL_HEADER "# nvr-recovery reset journal 1"

/* Called before step INDEX (of TOTAL) runs, with its label; SKIPPED
 * when it is not run but marked skipped (reset_run.skip_refused). */
typedef void (*reset_progress_fn)(void *ctx, size_t index, size_t total,
    const char *label, bool skipped);

/*
 * What the caller does for the steps that act through a backend
 * (RESET_ACCOUNTS, RESET_ADMIN_PASSWORD, RESET_WIZARD_STATE): each must be idempotent too. A
 * missing hook fails its step with -ENOTSUP (the journal is kept).
 */
struct reset_hooks {
	/* STORE: the account store's id; NULL in a journal of the version
	 * with one store (its first store). ADMIN_ONLY: the store's
	 * administrator alone (RESET_ADMIN_PASSWORD). */
	int (*accounts)(void *ctx, const char *store, bool admin_only,
	    struct nvr_error *err);
	int (*wizard_state)(void *ctx, struct nvr_error *err);
	void *ctx;
};

/* How a journal is run. */
struct reset_run {
	/* The folders a reset may touch now: the config's reset.allowed,
	 * never the journal's own record of them (a firmware update may
	 * have narrowed them since the reset began). */
	const char *const *allowed;
	size_t n_allowed;
	const struct reset_hooks *hooks;	/* NULL: none */
	size_t max_steps;	/* at most this many steps; 0: all */
	/* A step still to run that names a path outside ALLOWED is marked
	 * "skip N" and not run, instead of the whole run being refused;
	 * only after the owner has agreed to it. */
	bool skip_refused;
	reset_progress_fn progress;	/* may be NULL */
	void *ctx;
};

/* A step still to run that the config no longer lets a reset touch. */
struct reset_refused_step {
	size_t index;
	char label[160];
	char path[256];		/* the path (or factory file) at fault */
	char why[256];
};

#define RESET_REFUSED_MAX 8

/* Where an unfinished reset stands. */
struct reset_journal_status {
	size_t done;		/* steps marked done or skipped */
	size_t total;
	size_t refused_count;	/* steps refused, of which the first
				 * RESET_REFUSED_MAX are in REFUSED */
	struct reset_refused_step refused[RESET_REFUSED_MAX];
	bool passwords_only;	/* every step an admin-password one: the
				 * reset button's password reset, not a
				 * factory reset */
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
 * Loads STATE_DIR's journal and runs the steps not marked done, in order
 * (at most RUN->max_steps of them), marking each done; when all are,
 * removes the journal and fsyncs the folder. A journal that does not
 * parse is refused before any step runs: -EBADMSG with ERR "FILE:LINE:
 * what". So is one with a step still to run whose path (or factory file)
 * lies outside RUN->allowed, unless RUN->skip_refused: -EPERM with ERR
 * naming the step and its path. Returns 1 when steps remain, 0 when the
 * reset is finished and the journal gone, -ENOENT (no journal), or a
 * negative errno from the step that failed (the journal is kept; run
 * again to resume).
 */
int reset_journal_run(const char *state_dir, const struct reset_run *run,
    struct nvr_error *err);

/* Reads STATE_DIR's journal without running anything, its steps
 * checked against the N ALLOWED folders. Returns 0, -ENOENT (none), or
 * -EBADMSG with ERR as reset_journal_run. */
int reset_journal_peek(const char *state_dir, const char *const *allowed,
    size_t n_allowed, struct reset_journal_status *status,
    struct nvr_error *err);

/* Runs STEP, number INDEX of its journal (which names the folder a tree
 * is moved aside to), now, within RUN->allowed and with RUN->hooks;
 * idempotent. Returns 0 or a negative errno. */
int reset_step_run(const struct reset_step *step, size_t index,
    const struct reset_run *run, struct nvr_error *err);

#ifdef NVR_FAILPOINTS
/* Crash tests only: every failpoint of the journal and its steps counts
 * into HITS; when COUNTDOWN is above 0, the hit that brings it to 0
 * kills the process with SIGKILL. */
extern long reset_failpoint_hits;
extern long reset_failpoint_countdown;
#endif

#endif
