/* proof.c: the budget of wrong tries, as every proving screen uses it. */
#include "screens/proof.h"

#include <stdio.h>
#include <string.h>

#include "backends/audit.h"

/* Accounts a failure could not be counted for (the state folder full or
 * read-only, say): no more tries for them until the wizard restarts, so
 * a broken counter never means unlimited guesses. */
#define UNCOUNTED_MAX 16
static char uncounted[UNCOUNTED_MAX][ACCOUNT_NAME_MAX + 1];
static size_t uncounted_count;

static bool
is_uncounted(const char *name)
{
	for (size_t i = 0; i < uncounted_count; i++)
		if (strcmp(uncounted[i], name) == 0)
			return true;
	return false;
}

void
proof_format_wait(long seconds, char *buf, size_t size)
{
	if (seconds < 120)
		snprintf(buf, size, "%ld second%s", seconds,
		    seconds == 1 ? "" : "s");
	else if (seconds < 7200)
		snprintf(buf, size, "%ld minutes", (seconds + 59) / 60);
	else
		snprintf(buf, size, "%ld hours", (seconds + 3599) / 3600);
}

bool
proof_may_try(const struct screen_context *context, const char *name,
    char *note, size_t size)
{
	struct nvr_error err;
	char wait_text[32];
	long wait;

	if (is_uncounted(name) || uncounted_count == UNCOUNTED_MAX) {
		snprintf(note, size, "No more tries for %s now: a wrong try "
		    "could not be counted. Restart the recorder.", name);
		return false;
	}
	if (attempts_wait(context->attempts, name, &wait, &err) != 0) {
		snprintf(note, size, "Cannot check now: %s", err.message);
		return false;
	}
	if (wait > 0) {
		audit_log(AUDIT_LOCKED_OUT, name, wait);
		proof_format_wait(wait, wait_text, sizeof(wait_text));
		snprintf(note, size, "Too many wrong tries for %s: wait %s, "
		    "then try again.", name, wait_text);
		return false;
	}
	return true;
}

void
proof_failed(const struct screen_context *context, const char *name,
    const char *wrong, char *note, size_t size)
{
	struct nvr_error err;
	char wait_text[32];
	long wait;

	if (attempts_failed(context->attempts, name, &wait, &err) != 0) {
		if (uncounted_count < UNCOUNTED_MAX)
			snprintf(uncounted[uncounted_count++],
			    sizeof(uncounted[0]), "%s", name);
		snprintf(note, size, "%s It could not be counted (%s), so no "
		    "more tries now.", wrong, err.message);
		return;
	}
	if (wait > 0) {
		audit_log(AUDIT_LOCKED_OUT, name, wait);
		proof_format_wait(wait, wait_text, sizeof(wait_text));
		snprintf(note, size, "%s Wait %s.", wrong, wait_text);
	} else {
		snprintf(note, size, "%s Try again.", wrong);
	}
}

void
proof_succeeded(const struct screen_context *context, const char *name)
{
	struct nvr_error err;

	(void)attempts_succeeded(context->attempts, name, &err);
}
