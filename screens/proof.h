/*
 * proof.h: what the screens that ask someone to prove who they are share
 * (the current password, security answers, a recovery key): one budget
 * of wrong tries per account, checked before anything is hashed, counted
 * after a failure, forgotten after a success; and the sentence that says
 * how long to wait.
 */
#ifndef NVR_SCREENS_PROOF_H
#define NVR_SCREENS_PROOF_H

#include <stdbool.h>
#include <stddef.h>

#include "screens/screen.h"

/* "30 seconds", "2 minutes", "1 hour": rounded up, never "0". */
void proof_format_wait(long seconds, char *buf, size_t size);

/* True if NAME may try now. If not, writes why into NOTE (a wait still
 * running, or a state file that cannot be read) and logs the lockout. */
bool proof_may_try(const struct screen_context *context, const char *name,
    char *note, size_t size);

/* Counts a failure of WHAT ("password", "answers", "recovery key") for
 * NAME and writes into NOTE what to do now: try again, or wait. WRONG is
 * the sentence that says it was wrong. */
void proof_failed(const struct screen_context *context, const char *name,
    const char *wrong, char *note, size_t size);

/* Forgets NAME's failures after a success. */
void proof_succeeded(const struct screen_context *context, const char *name);

#endif
