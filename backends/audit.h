/*
 * audit.h: security events to syslog (facility authpriv), so the owner or
 * the vendor can later see what was done on the console. Never a secret:
 * only the event and the account's name.
 */
#ifndef NVR_BACKENDS_AUDIT_H
#define NVR_BACKENDS_AUDIT_H

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
};

/* Opens the connection to syslog; call once at start. */
void audit_open(void);

/* Logs EVENT for ACCOUNT; SECONDS is the wait for AUDIT_LOCKED_OUT. */
void audit_log(enum audit_event event, const char *account, long seconds);

#endif
