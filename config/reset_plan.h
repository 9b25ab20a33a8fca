/*
 * reset_plan.h: the steps of a factory reset and the checks that keep
 * them inside the folders a reset may touch. The journal
 * (backends/reset/journal.h) records a plan and runs it; every step is
 * idempotent, so a step cut short and run again ends in the same state.
 */
#ifndef NVR_CONFIG_RESET_PLAN_H
#define NVR_CONFIG_RESET_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/nvr_error.h"

/* The most arguments a RESET_COMMAND step may have (argv[0] included). */
#define RESET_ARGV_MAX 32

enum reset_kind {
	RESET_REMOVE,	/* remove PATH, a file or a whole tree; done if absent */
	RESET_RESTORE,	/* copy the factory file FROM over the file PATH
			 * atomically; done if the contents are equal */
	RESET_MKDIR,	/* remove whatever is at PATH and make an empty
			 * folder with MODE; done if it is one */
	RESET_TRUNCATE,	/* make the file PATH empty, keeping owner and mode;
			 * done if it is empty or absent */
	RESET_COMMAND,	/* run ARGV (no shell; argv[0] absolute), which must
			 * exit 0; run again on resume, so only when
			 * IDEMPOTENT */
	RESET_ACCOUNTS,	/* one account store back to its factory state:
			 * no account has a password, so first-boot setup
			 * runs (done by the caller's reset_hooks) */
	RESET_ADMIN_PASSWORD,	/* one store's administrator alone back to
				 * no password: the reset button's password
				 * tier (reset_hooks, as RESET_ACCOUNTS) */
	RESET_WIZARD_STATE,	/* the wizard's own state erased: security
				 * questions, recovery keys, pending support
				 * requests, attempt counters (reset_hooks) */
};

/* Whether steps of KIND name a PATH (the others act through a backend). */
static inline bool
reset_kind_has_path(enum reset_kind kind)
{
	return kind == RESET_REMOVE || kind == RESET_RESTORE ||
	    kind == RESET_MKDIR || kind == RESET_TRUNCATE;
}

struct reset_step {
	enum reset_kind kind;
	const char *label;		/* for progress, e.g. "erasing recordings" */
	const char *path;		/* reset_kind_has_path kinds */
	const char *from;		/* RESET_RESTORE: the factory file */
	mode_t mode;			/* RESET_MKDIR */
	const char *const *argv;	/* RESET_COMMAND: NULL-terminated */
	const char *store;		/* RESET_ACCOUNTS, RESET_ADMIN_PASSWORD:
					 * the store's id */
	bool idempotent;		/* RESET_COMMAND: declared safe to re-run */
};

struct reset_plan {
	const struct reset_step *steps;
	size_t n_steps;
	/* The folders the steps may touch; every PATH must lie within one. */
	const char *const *allowed;
	size_t n_allowed;
};

/*
 * Checks that PATH may be touched by a reset: absolute, not "/", without
 * "." or ".." components, empty components ("//", a trailing "/") or
 * control characters, within one of the N ALLOWED prefixes (component by
 * component: /srv/nvr does not contain /srv/nvrx), and with no symlink in
 * its existing parent chain that leads outside that prefix. Returns 0 or
 * -EINVAL (the form), -EPERM (outside), another negative errno.
 */
int reset_plan_check_path(const char *path, const char *const *allowed,
    size_t n, struct nvr_error *err);

/* reset_plan_check_path by the text alone: the form, and within one of
 * the N ALLOWED. What is on disk is the steps' to refuse as they walk
 * (backends/reset/beneath.h), since it can change after any check. */
int reset_plan_path_inside(const char *path, const char *const *allowed,
    size_t n, struct nvr_error *err);

/*
 * Checks STEP (number I, for messages) apart from where its paths lie:
 * kind, label, the form of its path and factory file, mode, command
 * (absolute argv[0], declared idempotent). Returns 0 or a negative errno
 * with ERR naming the step.
 */
int reset_step_check_form(const struct reset_step *step, size_t i,
    struct nvr_error *err);

/* Checks that the paths STEP names (its PATH, and FROM for a restore)
 * lie within the N ALLOWED folders (reset_plan_path_inside). */
int reset_step_check_paths(const struct reset_step *step,
    const char *const *allowed, size_t n, struct nvr_error *err);

/* The allowed folder a step on PATH walks from: the longest of the N
 * ALLOWED that holds PATH, or NULL. */
const char *reset_plan_root(const char *path, const char *const *allowed,
    size_t n);

/*
 * Checks every step of PLAN: reset_step_check_form and
 * reset_step_check_paths against PLAN's allowed folders. Returns 0 or a
 * negative errno with ERR naming the step.
 */
int reset_plan_check(const struct reset_plan *plan, struct nvr_error *err);

/* The kind's name as the journal writes it ("remove", ...), or NULL. */
const char *reset_kind_name(enum reset_kind kind);

#endif
