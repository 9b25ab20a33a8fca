/* proof.c: the budget of wrong tries, as every proving screen uses it. */
#include "screens/proof.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "backends/audit.h"

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

static void
say_wait(const char *name, long wait, char *note, size_t size)
{
	char wait_text[32];

	audit_log(AUDIT_LOCKED_OUT, name, wait);
	proof_format_wait(wait, wait_text, sizeof(wait_text));
	snprintf(note, size, "Too many wrong tries for %s: wait %s, then try "
	    "again.", name, wait_text);
}

void
proof_uncounted(int code, const char *why, char *note, size_t size)
{
	const char *what = attempts_uncounted_reason(code);

	snprintf(note, size, "This try cannot be counted%s%s%s. Nothing was "
	    "checked. Support's reset codes cannot be checked either; a "
	    "factory reset that asks for no proof still works.",
	    what != NULL ? ": " : " (", what != NULL ? what : why,
	    what != NULL ? "" : ")");
}

bool
proof_may_try(const struct screen_context *context, const char *name,
    char *note, size_t size)
{
	struct nvr_error err;
	long wait;

	if (attempts_wait(context->attempts, name, &wait, &err) != 0) {
		snprintf(note, size, "Cannot check now: %s", err.message);
		return false;
	}
	if (wait > 0) {
		say_wait(name, wait, note, size);
		return false;
	}
	return true;
}

bool
proof_begin(const struct screen_context *context, const char *name,
    struct attempts_try *t, char *note, size_t size)
{
	struct nvr_error err = { "" };
	long wait = 0;
	int rc = attempts_begin(context->attempts, name, t, &wait, &err);

	if (rc == 0)
		return true;
	if (rc == -EAGAIN && wait > 0)
		say_wait(name, wait, note, size);
	else if (rc == -EINVAL || rc == -EPERM || rc == -EBADMSG)
		snprintf(note, size, "Cannot check now: %s", err.message);
	else {
		audit_log(AUDIT_UNCOUNTED, name, 0);
		proof_uncounted(rc, err.message, note, size);
	}
	return false;
}

void
proof_right(const struct screen_context *context, struct attempts_try *t)
{
	struct nvr_error err;

	(void)attempts_take_back(context->attempts, t, true, &err);
}

void
proof_wrong(const struct screen_context *context,
    const struct attempts_try *t, const char *wrong, char *note,
    size_t size)
{
	char wait_text[32];
	long wait = attempts_wait_after(context->attempts, t);

	if (wait > 0) {
		audit_log(AUDIT_LOCKED_OUT, t->name, wait);
		proof_format_wait(wait, wait_text, sizeof(wait_text));
		snprintf(note, size, "%s Wait %s.", wrong, wait_text);
	} else {
		snprintf(note, size, "%s Try again.", wrong);
	}
}

void
proof_password_set(const struct screen_context *context, const char *name)
{
	struct nvr_error err;

	if (context->attempts != NULL)
		(void)attempts_succeeded(context->attempts, name, &err);
}

void
proof_void(const struct screen_context *context, struct attempts_try *t)
{
	struct nvr_error err;

	(void)attempts_take_back(context->attempts, t, false, &err);
}

int
proof_spend(const struct screen_context *context, struct nvr_error *err)
{
	const struct screen_handoff *h = context->handoff;
	const struct recovery *rec = context->recovery;

	switch (h->held) {
	case HELD_CODE:
	case HELD_FILE:
		return support_spend(context->support, h->nonce, err);
	case HELD_KEY:
		return rec->ops->use_key(rec->state, h->proven,
		    secret_text(&h->key), true, err);
	default:
		return 0;
	}
}

bool
proof_give_back(const struct screen_context *context)
{
	const struct screen_handoff *h = context->handoff;
	struct nvr_error ignored;

	if (h->held != HELD_CODE && h->held != HELD_FILE)
		return false;
	return support_unspend(context->support, h->nonce, &ignored) == 0;
}

const char *
proof_held_name(const struct screen_context *context)
{
	switch (context->handoff->held) {
	case HELD_CODE:
		return "reset code";
	case HELD_FILE:
		return "reset file";
	case HELD_KEY:
		return "recovery key";
	default:
		return NULL;
	}
}
