/*
 * audit.h: security events, so that the owner or the vendor can later
 * see what was done with this tool on the recorder: to syslog (facility
 * authpriv, as passwd and login log theirs) and to an append-only log in
 * the state folder, which the main menu shows ("Recent recovery events")
 * and which an NVR keeps when its syslog lives in RAM.
 *
 * The file STATE_DIR/audit.log, one event a line, fields split by tabs:
 *
 *   SEQ TIME CLOCK CONSOLE STORE ACCOUNT EVENT DETAIL
 *   e.g. 7  2026-12-07T02:10:19Z  trusted  ttyS0  system  admin
 *        wrong-password  -
 *
 * SEQ counts up from 1 across both files; TIME is UTC, and CLOCK says
 * whether the recorder's clock was plausible then (not before this build
 * was made) or "untrusted"; CONSOLE is the terminal (tty1, ttyS0) or
 * "boot"; STORE and ACCOUNT are "-" for none; DETAIL is a wait in
 * seconds, the proof used, or why a code or file was refused, else "-".
 *
 * Invariants:
 * 1. Never a secret: no password, answer, key, code or hash, and never
 *    what was typed wrong; names and reasons keep printable ASCII only
 *    (anything else, a tab included, becomes '?').
 * 2. Written through common/append_file.h (one write under a lock,
 *    fsynced; a torn line cut off); at audit.max_kib the file becomes
 *    audit.log.1 (the older one goes) and a new one starts.
 * 3. A failure to write the file never stops what is recorded: it goes
 *    to syslog and audit_failure says it in one line for the screen.
 * 4. A file line that does not read is skipped by the reader, counted,
 *    and never rewritten.
 */
#ifndef NVR_BACKENDS_AUDIT_H
#define NVR_BACKENDS_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "backends/accounts/accounts.h"
#include "common/nvr_error.h"

#define AUDIT_LOG_NAME "audit.log"
#define AUDIT_SEEN_NAME "audit.seen"	/* the last event checked */
#define AUDIT_MAX_KIB_DEFAULT 64
#define AUDIT_RECENT_MAX 20
#define AUDIT_CONSOLE_MAX 31
#define AUDIT_DETAIL_MAX 159

enum audit_event {
	AUDIT_PASSWORD_CHANGED,
	AUDIT_FIRST_PASSWORD_SET,
	AUDIT_WRONG_PASSWORD,
	AUDIT_LOCKED_OUT,	/* a wait started, or a try came during one */
	AUDIT_UNCOUNTED,	/* a try that could not be counted, so
				 * nothing was checked */
	AUDIT_PASSWORD_RECOVERED,	/* set after answers or a key */
	AUDIT_WRONG_ANSWERS,
	AUDIT_WRONG_KEY,
	AUDIT_RECOVERY_USED,	/* seconds: 0 answers, 1 key */
	AUDIT_QUESTIONS_SET,
	AUDIT_KEY_CREATED,
	AUDIT_PASSWORD_RESET,	/* another account's, by the administrator
				 * after a recovery, without its current one */
	AUDIT_REQUEST_MADE,	/* a recovery request for support */
	AUDIT_CODE_ACCEPTED,
	AUDIT_CODE_REFUSED,
	AUDIT_FILE_ACCEPTED,
	AUDIT_FILE_REFUSED,
	AUDIT_RESET_STARTED,	/* a factory reset: the journal is written */
	AUDIT_RESET_FINISHED,
	AUDIT_RESET_FAILED,	/* a step failed; the journal is kept */
	AUDIT_RESET_DONE,	/* the first line of the log after a reset
				 * erased the state folder */
	AUDIT_BUTTON_PASSWORDS,	/* the administrators' passwords cleared
				 * with the reset button (its journal
				 * written; seconds: how long it was held) */
	AUDIT_BUTTON_IGNORED,	/* the button held and let go, asking for
				 * something it may not do (REASON) */
	AUDIT_EVENT_COUNT,
};

struct audit_settings {
	bool log;		/* audit.log: false keeps syslog only */
	int max_kib;		/* audit.max_kib: each file's size limit */
};

/* Opens the connection to syslog; call once at start. */
void audit_open(void);

/* Starts the file log in STATE_DIR with SETTINGS (NULL, or log false:
 * syslog only), every line naming CONSOLE. */
void audit_start(const char *state_dir, const struct audit_settings *settings,
    const char *console);

/* Logs EVENT for WHO (NULL: no account); SECONDS is the wait of
 * AUDIT_LOCKED_OUT and the proof of AUDIT_RECOVERY_USED (1: the key);
 * REASON (or NULL) why a code or file was refused. */
void audit_log(enum audit_event event, const struct account_key *who,
    long seconds, const char *reason);

/* One line for the screen when the last write to the file failed
 * ("Not written to the recorder's event log: ..."), else NULL. */
const char *audit_failure(void);

/* A factory reset's step: removes the file log (both files) and starts
 * it again with one AUDIT_RESET_DONE line; run again, it leaves the
 * same. Returns 0, or a negative errno when the old log could not be
 * removed (the new line failing is invariant 3's; the log off: 0). */
int audit_reset(struct nvr_error *err);

struct audit_record {
	unsigned long long seq;
	char when[32];		/* as logged, UTC */
	bool clock_trusted;
	char console[AUDIT_CONSOLE_MAX + 1];
	char store[STORE_ID_MAX + 1];	/* "" for none */
	char account[ACCOUNT_NAME_MAX + 1];	/* "" for none */
	enum audit_event event;
	char detail[AUDIT_DETAIL_MAX + 1];	/* "" for none */
};

struct audit_recent {
	struct audit_record record[AUDIT_RECENT_MAX];	/* newest first */
	size_t count;
	size_t unreadable;	/* lines skipped (invariant 4) */
};

/* Reads the newest events of the file log into R. Returns 0 (none yet:
 * a count of 0), -ENOTSUP when the file log is off, or a negative errno
 * with ERR saying why. */
int audit_read_recent(struct audit_recent *r, struct nvr_error *err);

/* The events nobody has checked yet: those after the number that
 * audit_mark_read last kept in STATE_DIR/audit.seen (all of them when
 * there is none, it does not read, or the log starts below it). */
struct audit_unread {
	unsigned long long newest;	/* the newest event's number; 0:
					 * none */
	size_t failed;		/* wrong passwords, answers and keys,
				 * refused codes and files */
	char failed_account[ACCOUNT_NAME_MAX + 1];	/* the account with
							 * the most of them */
	size_t failed_there;	/* of FAILED, that account's */
	size_t other;		/* every other event (a wait that followed
				 * wrong tries is not one) */
};

/* Reads what has not been checked into U. Returns as audit_read_recent. */
int audit_read_unread(struct audit_unread *u, struct nvr_error *err);

/* Keeps SEQ as the newest event checked (after a proof, by whoever opened
 * the list): the next start says nothing of it or what came before.
 * Returns 0 or a negative errno. */
int audit_mark_read(unsigned long long seq, struct nvr_error *err);

#endif
