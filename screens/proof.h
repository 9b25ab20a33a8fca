/*
 * proof.h: what the screens that ask someone to prove who they are share
 * (the current password, security answers, a recovery key): one budget
 * of wrong tries per account, and the sentence that says how long to
 * wait.
 *
 * A try is counted before it is checked (backends/attempts.h): the
 * screen begins it, and only then checks the secret; right takes the
 * count back, wrong leaves it counted. A try that cannot be counted is
 * not checked at all. What can be told without the secret (a typo that
 * a check symbol catches, an empty field) is told before beginning.
 */
#ifndef NVR_SCREENS_PROOF_H
#define NVR_SCREENS_PROOF_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/attempts.h"
#include "screens/screen.h"

/* WHO (struct account_key) below is the account, by store: its tries
 * are counted under "store/name", apart from another store's account of
 * the same name. */

/* Checks TYPED (wiped afterwards) as WHO's password under its budget of
 * wrong tries: 0 when right; a wrong one is logged (audit.h) and NOTE
 * (SIZE bytes) says so and any wait, -EACCES; one that could not be
 * checked says why in NOTE, another negative errno. */
int proof_check_password(const struct screen_context *context,
    const struct account_key *who, struct secret *typed, char *note,
    size_t size);

/* "30 seconds", "2 minutes", "1 hour": rounded up, never "0". */
void proof_format_wait(long seconds, char *buf, size_t size);

/* Whether WHO could try now, without counting anything (to say so
 * before the owner types three answers); NOTE says why not. */
bool proof_may_try(const struct screen_context *context,
    const struct account_key *who,
    char *note, size_t size);

/* Whether WHO must still wait after wrong tries met in this wizard:
 * then TEXT says so, counting down ("Too many wrong tries: wait 0:27
 * (until 14:03)."), and *REDRAW_MS when the shown second changes. While
 * it runs, a proving form takes no input. */
bool proof_locked(const struct screen_context *context,
    const struct account_key *who,
    char *text, size_t size, int *redraw_ms);

/* Reads WHO's wait from the store (one left by an earlier run, or by
 * another console), so a form counts it down from the start. */
void proof_lock_refresh(const struct screen_context *context,
    const struct account_key *who);

/* proof_locked for a form's render: the countdown into NOTE (the form's
 * note, so nothing older shows under it), VIEW drawn again when it
 * changes, and at a long wait what else works on the status line
 * (Support & reset code, where it is set up and its own budget is not
 * waiting). Once the wait is over, NOTE says so. */
bool proof_lock_note(const struct screen_context *context,
    const struct account_key *who,
    char *note, size_t size, struct view *view);

/* Whether EV must be ignored because WHO's wait runs: every key but
 * Esc (and Ctrl-C, which never reaches a screen). */
bool proof_lock_blocks(const struct screen_context *context,
    const struct account_key *who,
    const struct keys_action_event *ev);

/* Begins a try for WHO: true once it is counted, and only then may the
 * secret be checked. If not, writes why into NOTE (a wait still
 * running, a state file that cannot be read, or a try that cannot be
 * counted: "This try cannot be counted: ... Nothing was checked.") and
 * logs a lockout. */
bool proof_begin(const struct screen_context *context,
    const struct account_key *who,
    struct attempts_try *t, char *note, size_t size);

/* The secret was right: T's count taken back and WHO's failures
 * forgotten. */
void proof_right(const struct screen_context *context,
    struct attempts_try *t);

/* The secret was wrong: T stays counted; NOTE gets WRONG (the sentence
 * that says it was wrong) and what to do now: try again, or wait. */
void proof_wrong(const struct screen_context *context,
    const struct account_key *who, const struct attempts_try *t,
    const char *wrong, char *note, size_t size);

/* Nothing was learnt of the secret (it could not be checked): T's count
 * is taken back, nothing else changes. */
void proof_void(const struct screen_context *context,
    struct attempts_try *t);

/* A new password was saved for WHO, whatever proved it (answers, a key,
 * a support code or file, the administrator): its count of wrong tries
 * goes with the old password. */
void proof_password_set(const struct screen_context *context,
    const struct account_key *who);

/* Spends the proof the handoff holds for its proven account, just
 * before the new password is written: a reset code or file is marked
 * used, the recovery key deleted. 0, or a negative errno with ERR saying
 * why (another console saved first: -EALREADY; the request expired:
 * -ENOENT). Nothing held: 0. */
int proof_spend(const struct screen_context *context,
    struct nvr_error *err);

/* The new password could not be written after proof_spend: a reset code
 * or file is made good again. Whether it is good now (a recovery key,
 * deleted, is not; then the handoff says it is spent, and a retry in
 * this run needs no new proof). */
bool proof_give_back(const struct screen_context *context);

/* Whether the handoff holds a proof not used up yet (nor made moot by a
 * saved password): it stays good when the owner leaves. */
bool proof_still_good(const struct screen_context *context);

/* What a refused reset code or file means for the owner, into NOTE: RC
 * and WAIT from support_try_code or support_try_file, WHY its message
 * (-EINVAL: a typo, kept as typed and told with where to look). */
void proof_code_note(int rc, long wait, const char *why, char *note,
    size_t size);

/* What the held proof is, in the owner's words: "reset code", "reset
 * file", "recovery key" (NULL: nothing held). */
const char *proof_held_name(const struct screen_context *context);

/* What NOTE says of a try that cannot be counted (CODE a negative
 * errno, WHY the store's message). Shared with the support screen. */
void proof_uncounted(int code, const char *why, char *note, size_t size);

#endif
