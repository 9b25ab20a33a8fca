/*
 * factory_reset.h: the reset concern, what the Factory reset screen and
 * nvr-recovery --resume talk to. It says what a reset erases and keeps
 * (with sizes), records the whole reset in the journal before the first
 * change (backends/reset/journal.h), runs it a step at a time so the
 * screen can show progress, and restarts the recorder afterwards.
 *
 * A reset is the reset: section's plan (backend files: its steps;
 * backend command: one vendor program) followed by two steps every reset
 * has: the accounts back to their factory state (no passwords, so
 * first-boot setup runs) and the wizard's own state erased (security
 * questions, recovery keys, pending support requests, attempt counters),
 * so that a resold recorder's previous owner cannot recover it.
 *
 * Invariants:
 * 1. Nothing is changed before factory_reset_start, and start changes
 *    nothing but the journal.
 * 2. From start until the journal is gone, STATE_DIR/reset.lock is held:
 *    one reset at a time, and --resume never runs beside the wizard.
 */
#ifndef NVR_BACKENDS_RESET_FACTORY_RESET_H
#define NVR_BACKENDS_RESET_FACTORY_RESET_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/accounts/stores.h"
#include "common/nvr_error.h"
#include "backends/recovery/recovery.h"
#include "backends/reset/journal.h"
#include "config/config.h"

/* The integrator's steps and the two every reset has. */
#define FACTORY_RESET_ITEMS_MAX (CONFIG_RESET_STEPS_MAX + \
	CONFIG_STORES_MAX + 1)
#define FACTORY_RESET_LABEL_MAX 160

/* One line of what a reset erases or keeps. */
struct factory_reset_item {
	char label[FACTORY_RESET_LABEL_MAX];
	char detail[96];	/* "1.2 GB", "back to factory settings", ... */
};

struct factory_reset_summary {
	struct factory_reset_item erase[FACTORY_RESET_ITEMS_MAX];
	size_t erase_count;
	struct factory_reset_item keep[CONFIG_RESET_KEEP_MAX];
	size_t keep_count;
	bool restarts;		/* a restart command is configured */
};

/* Where a running reset stands: after factory_reset_next, DONE steps of
 * TOTAL are done and LABEL is the one just finished. */
struct factory_reset_progress {
	size_t done, total;
	char label[FACTORY_RESET_LABEL_MAX];
	bool skipped;		/* LABEL's step was left out, not run */
};

struct factory_reset_settings {
	const struct reset_config *config;	/* keep, after */
	const struct reset_plan *plan;		/* the integrator's steps */
	const char *state_dir;
	const struct account_stores *stores;	/* NULL if not configured */
	const struct recovery *recovery;	/* NULL if not configured */
};

struct factory_reset;

/* Borrows everything in SETTINGS. Returns 0 or -ENOMEM. */
int factory_reset_open(struct factory_reset **out,
    const struct factory_reset_settings *settings, struct nvr_error *err);

/* Fills OUT; reads sizes from the disk (a big tree takes a moment: at
 * most about 100,000 entries are counted, then "more than"). */
int factory_reset_describe(struct factory_reset *r,
    struct factory_reset_summary *out, struct nvr_error *err);

/* Takes the reset lock and records the whole reset in the journal; runs
 * no step. *TOTAL is how many steps it has. Returns 0, -EBUSY (another
 * reset holds the lock), -EEXIST (an unfinished reset: finish it) or
 * another negative errno. */
int factory_reset_start(struct factory_reset *r, size_t *total,
    struct nvr_error *err);

/* factory_reset_start for a password reset (the reset button's
 * shorter hold): a journal with one step for each store, its
 * administrator's password cleared (RESET_ADMIN_PASSWORD), so that
 * first-boot setup opens for each; every other account, file and
 * setting is left as it is. Run like a factory reset (next, finish,
 * --resume). -ENOTSUP without stores. */
int factory_reset_start_passwords(struct factory_reset *r, size_t *total,
    struct nvr_error *err);

/* Runs the next step of the journal (taking the lock if this process
 * does not hold it yet: a reset found unfinished) and fills PROGRESS.
 * Returns 1 when steps remain, 0 when the reset is finished (journal
 * gone, lock released), -ENOENT when there is no journal, -EBADMSG for
 * one that does not parse (kept), -EPERM for one with steps outside the
 * config's allowed folders (kept, nothing run; see
 * factory_reset_skip_refused), another negative errno when a step
 * failed (kept: call again to retry). */
int factory_reset_next(struct factory_reset *r,
    struct factory_reset_progress *progress, struct nvr_error *err);

/* Runs every remaining step, calling PROGRESS before each (--resume). */
int factory_reset_finish(struct factory_reset *r, reset_progress_fn progress,
    void *ctx, struct nvr_error *err);

/* From now on, next and finish leave out (and mark skipped) the steps of
 * an unfinished reset that the config no longer lets a reset touch
 * (factory_reset_pending lists them), instead of refusing with -EPERM:
 * only once the owner has agreed to it. The steps every reset has have
 * no path and always run. */
void factory_reset_skip_refused(struct factory_reset *r);

/* Whether a reset's journal is there (R may be NULL: no). */
bool factory_reset_unfinished(const struct factory_reset *r);

/* Whether a reset is unfinished; *STATUS says how far it got and which
 * of its steps the config no longer allows. -ENOENT for none, -EBADMSG
 * for a journal that does not parse. */
int factory_reset_pending(const struct factory_reset *r,
    struct reset_journal_status *status, struct nvr_error *err);

/* Runs the configured restart command (reset.after). Returns 0 if it
 * exited 0, -ENOENT if none is configured, another negative errno. */
int factory_reset_restart(struct factory_reset *r, struct nvr_error *err);

void factory_reset_close(struct factory_reset *r);

#endif
