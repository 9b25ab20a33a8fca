/*
 * audit.c: security events through syslog(3), facility authpriv, as
 * passwd and login log theirs. An account name comes from a file, so it
 * is logged with anything but printable ASCII replaced, and no message
 * ever holds a password or a hash.
 */
#include "backends/audit.h"

#include <stdio.h>
#include <syslog.h>

void
audit_open(void)
{
	/* LOG_NDELAY: connect now, while every descriptor is still ours. */
	openlog("nvr-recovery", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
}

void
audit_log(enum audit_event event, const char *account, long seconds)
{
	char name[40];
	size_t i;

	for (i = 0; i < sizeof(name) - 1 && account[i] != '\0'; i++)
		name[i] = (char)((account[i] > 0x20 && account[i] < 0x7f) ?
		    account[i] : '?');
	name[i] = '\0';
	switch (event) {
	case AUDIT_PASSWORD_CHANGED:
		syslog(LOG_NOTICE, "password changed for %s", name);
		break;
	case AUDIT_FIRST_PASSWORD_SET:
		syslog(LOG_NOTICE, "first password set for %s (first-boot "
		    "setup)", name);
		break;
	case AUDIT_WRONG_PASSWORD:
		syslog(LOG_WARNING, "wrong current password for %s", name);
		break;
	case AUDIT_LOCKED_OUT:
		syslog(LOG_WARNING, "%s locked out for %ld s after repeated "
		    "wrong tries", name, seconds);
		break;
	case AUDIT_UNCOUNTED:
		syslog(LOG_ERR, "a try for %s could not be counted, so nothing "
		    "was checked", name);
		break;
	case AUDIT_PASSWORD_RECOVERED:
		syslog(LOG_NOTICE, "password of %s set after recovery", name);
		break;
	case AUDIT_WRONG_ANSWERS:
		syslog(LOG_WARNING, "wrong security answers for %s", name);
		break;
	case AUDIT_WRONG_KEY:
		syslog(LOG_WARNING, "wrong recovery key for %s", name);
		break;
	case AUDIT_RECOVERY_USED:
		syslog(LOG_NOTICE, "%s proved with %s", name, seconds ?
		    "the recovery key (used up when the new password is "
		    "saved)" :
		    "security answers");
		break;
	case AUDIT_QUESTIONS_SET:
		syslog(LOG_NOTICE, "security questions set for %s", name);
		break;
	case AUDIT_PASSWORD_RESET:
		syslog(LOG_NOTICE, "password of %s reset by the administrator "
		    "after a recovery", name);
		break;
	case AUDIT_REQUEST_MADE:
		syslog(LOG_NOTICE, "recovery request made for %s", name);
		break;
	case AUDIT_CODE_ACCEPTED:
		syslog(LOG_NOTICE, "reset code accepted for %s", name);
		break;
	case AUDIT_CODE_REFUSED:
		syslog(LOG_WARNING, "reset code refused for %s", name);
		break;
	case AUDIT_FILE_ACCEPTED:
		syslog(LOG_NOTICE, "reset file accepted for %s", name);
		break;
	case AUDIT_FILE_REFUSED:
		syslog(LOG_WARNING, "reset file refused (for %s)", name);
		break;
	case AUDIT_RESET_STARTED:
		syslog(LOG_WARNING, "factory reset started (by %s)", name);
		break;
	case AUDIT_RESET_FINISHED:
		syslog(LOG_WARNING, "factory reset finished");
		break;
	case AUDIT_RESET_FAILED:
		syslog(LOG_ERR, "factory reset stopped at a failed step; it "
		    "resumes at the next start");
		break;
	case AUDIT_KEY_CREATED:
		syslog(LOG_NOTICE, "new recovery key created for %s", name);
		break;
	}
}
