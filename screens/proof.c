/* proof.c: the budget of wrong tries, as every proving screen uses it. */
#include "screens/proof.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "backends/accounts/stores.h"
#include "backends/audit.h"

int
proof_check_password(const struct screen_context *context,
    const struct account_key *who, struct secret *typed, char *note,
    size_t size)
{
	struct attempts_try t;
	struct nvr_error err;
	int rc;

	if (!proof_begin(context, who, &t, note, size)) {
		secret_clear(typed);
		return -EAGAIN;
	}
	rc = stores_verify(context->stores, who, secret_text(typed), &err);
	secret_clear(typed);
	if (rc == 0) {
		proof_right(context, &t);
	} else if (rc == -EACCES) {
		audit_log(AUDIT_WRONG_PASSWORD, who, 0, NULL);
		proof_wrong(context, who, &t, "Wrong password.", note, size);
	} else {
		proof_void(context, &t);
		snprintf(note, size, "Cannot check: %s", err.message);
	}
	return rc;
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

static int64_t
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* WHO's tries are counted under "store/name". */
static const char *
key_text(const struct account_key *who, char *buf)
{
	account_key_text(who, buf);
	return buf;
}

/* NAME must wait WAIT seconds from now: counted down from here on. */
static void
lock_start(const struct screen_context *context, const char *name,
    long wait)
{
	struct screen_lock *l = context->lock;
	struct timespec now;
	struct nvr_error err;
	long code_wait = 0;

	if (l == NULL || wait <= 0)
		return;
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->until_ms = monotonic_ms() + (int64_t)wait * 1000;
	l->ends = device_read_time(context->device, &now, &err) == 0 ?
	    now.tv_sec + wait : 0;
	/* Read once here, not at every tick. */
	l->support_works = context->support != NULL &&
	    context->available[SCREEN_SUPPORT] &&
	    attempts_wait(context->attempts, REQUESTS_BUDGET_NAME, &code_wait,
	    &err) == 0 && code_wait == 0;
}

static void
lock_end(const struct screen_context *context, const char *name)
{
	struct screen_lock *l = context->lock;

	if (l != NULL && strcmp(l->name, name) == 0)
		memset(l, 0, sizeof(*l));
}

bool
proof_locked(const struct screen_context *context,
    const struct account_key *who, char *text, size_t size, int *redraw_ms)
{
	char name[ACCOUNT_KEY_TEXT_MAX + 1];
	struct screen_lock *l = context->lock;
	int64_t left_ms;
	long left;
	char ends[24] = "";
	struct tm tm;

	if (l == NULL || l->name[0] == '\0' ||
	    strcmp(l->name, key_text(who, name)) != 0 || l->ended)
		return false;
	left_ms = l->until_ms - monotonic_ms();
	if (left_ms <= 0) {
		l->ended = true;	/* the form's note says so once */
		return false;
	}
	left = (long)((left_ms + 999) / 1000);
	if (l->ends != 0 && localtime_r(&l->ends, &tm) != NULL)
		strftime(ends, sizeof(ends), " (until %H:%M)", &tm);
	if (left < 3600)
		snprintf(text, size, "Too many wrong tries: wait %ld:%02ld%s.",
		    left / 60, left % 60, ends);
	else
		snprintf(text, size, "Too many wrong tries: wait "
		    "%ld:%02ld:%02ld%s.", left / 3600, left / 60 % 60,
		    left % 60, ends);
	/* Again when the shown second changes. */
	*redraw_ms = (int)(left_ms - (int64_t)(left - 1) * 1000);
	if (*redraw_ms <= 0)
		*redraw_ms = 1;
	return true;
}

void
proof_lock_refresh(const struct screen_context *context,
    const struct account_key *who)
{
	char name[ACCOUNT_KEY_TEXT_MAX + 1];
	struct nvr_error err;
	long wait = 0;

	key_text(who, name);
	if (context->attempts != NULL && attempts_wait(context->attempts, name,
	    &wait, &err) == 0 && wait > 0)
		lock_start(context, name, wait);
}

bool
proof_lock_note(const struct screen_context *context,
    const struct account_key *who, char *note, size_t size,
    struct view *view)
{
	char name[ACCOUNT_KEY_TEXT_MAX + 1];
	struct screen_lock *l = context->lock;
	int redraw_ms;

	if (!proof_locked(context, who, note, size, &redraw_ms)) {
		if (l != NULL && l->ended &&
		    strcmp(l->name, key_text(who, name)) == 0) {
			snprintf(note, size, "The wait is over: try again.");
			memset(l, 0, sizeof(*l));
		}
		return false;
	}
	view->redraw_in_ms = redraw_ms;
	/* What else works, at a long wait: on the status line, where
	 * there is room. */
	if (l->support_works && l->until_ms - monotonic_ms() >= 60000 &&
	    view->status == NULL)
		view->status = "Support & reset code (menu 3) still works "
		    "during the wait.";
	return true;
}

bool
proof_lock_blocks(const struct screen_context *context,
    const struct account_key *who, const struct keys_action_event *ev)
{
	char ignored[8];
	int redraw_ms;

	return ev->action != ACTION_BACK && ev->action != ACTION_QUIT &&
	    proof_locked(context, who, ignored, sizeof(ignored), &redraw_ms);
}

static void
say_wait(const struct screen_context *context,
    const struct account_key *who, long wait, char *note, size_t size)
{
	char wait_text[32], name[ACCOUNT_KEY_TEXT_MAX + 1];

	lock_start(context, key_text(who, name), wait);
	audit_log(AUDIT_LOCKED_OUT, who, wait, NULL);
	proof_format_wait(wait, wait_text, sizeof(wait_text));
	snprintf(note, size, "Too many wrong tries for %s: wait %s, then try "
	    "again.", who->name, wait_text);
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
proof_may_try(const struct screen_context *context,
    const struct account_key *who, char *note, size_t size)
{
	char name[ACCOUNT_KEY_TEXT_MAX + 1];
	struct nvr_error err;
	long wait;

	if (attempts_wait(context->attempts, key_text(who, name), &wait,
	    &err) != 0) {
		snprintf(note, size, "Cannot check now: %s", err.message);
		return false;
	}
	if (wait > 0) {
		say_wait(context, who, wait, note, size);
		return false;
	}
	return true;
}

bool
proof_begin(const struct screen_context *context,
    const struct account_key *who, struct attempts_try *t, char *note,
    size_t size)
{
	char name[ACCOUNT_KEY_TEXT_MAX + 1];
	struct nvr_error err = { "" };
	long wait = 0;
	int rc = attempts_begin(context->attempts, key_text(who, name), t,
	    &wait, &err);

	if (rc == 0)
		return true;
	if (rc == -EAGAIN && wait > 0)
		say_wait(context, who, wait, note, size);
	else if (rc == -EINVAL || rc == -EPERM || rc == -EBADMSG)
		snprintf(note, size, "Cannot check now: %s", err.message);
	else {
		audit_log(AUDIT_UNCOUNTED, who, 0, err.message);
		proof_uncounted(rc, err.message, note, size);
	}
	return false;
}

void
proof_right(const struct screen_context *context, struct attempts_try *t)
{
	struct nvr_error err;

	(void)attempts_take_back(context->attempts, t, true, &err);
	lock_end(context, t->name);
}

void
proof_wrong(const struct screen_context *context,
    const struct account_key *who, const struct attempts_try *t,
    const char *wrong, char *note, size_t size)
{
	char wait_text[32];
	long wait = attempts_wait_after(context->attempts, t);

	if (wait > 0) {
		lock_start(context, t->name, wait);
		audit_log(AUDIT_LOCKED_OUT, who, wait, NULL);
		proof_format_wait(wait, wait_text, sizeof(wait_text));
		snprintf(note, size, "%s Wait %s.", wrong, wait_text);
	} else {
		snprintf(note, size, "%s Try again.", wrong);
	}
}

void
proof_password_set(const struct screen_context *context,
    const struct account_key *who)
{
	char name[ACCOUNT_KEY_TEXT_MAX + 1];
	struct nvr_error err;

	key_text(who, name);
	if (context->attempts != NULL)
		(void)attempts_succeeded(context->attempts, name, &err);
	lock_end(context, name);
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
	struct screen_handoff *h = context->handoff;
	const struct recovery *rec = context->recovery;
	int rc;

	if (h->spent)
		return 0;	/* used by an earlier save in this run */
	switch (h->held) {
	case HELD_CODE:
	case HELD_FILE:
		rc = support_spend(context->support, h->nonce, err);
		break;
	case HELD_KEY:
		rc = rec->ops->use_key(rec->state, &h->proven,
		    secret_text(&h->key), true, err);
		/* Gone or replaced since it was checked: another console. */
		if (rc == -ENOENT || rc == -EACCES)
			rc = nvr_error_set(err, -EALREADY, "it was used or "
			    "replaced meanwhile, on another console perhaps");
		break;
	default:
		return 0;
	}
	if (rc == 0) {
		h->spent = true;
		secret_clear(&h->key);	/* worth nothing now */
	}
	return rc;
}

bool
proof_give_back(const struct screen_context *context)
{
	struct screen_handoff *h = context->handoff;
	struct nvr_error ignored;

	if (!h->spent || (h->held != HELD_CODE && h->held != HELD_FILE))
		return false;
	if (support_unspend(context->support, h->nonce, &ignored) != 0)
		return false;
	h->spent = false;
	return true;
}

bool
proof_still_good(const struct screen_context *context)
{
	const struct screen_handoff *h = context->handoff;

	return h->held != HELD_NONE && !h->spent && !h->password_set;
}

void
proof_code_note(int rc, long wait, const char *why, char *note, size_t size)
{
	char wait_text[32];

	if (rc == -EINVAL) {
		/* A typo, kept as typed so the group can be fixed. */
		snprintf(note, size, "%s: compare it with what support gave "
		    "you.", why);
		if (note[0] >= 'a' && note[0] <= 'z')
			note[0] = (char)(note[0] - 'a' + 'A');
	} else if (rc == -EACCES && wait > 0) {
		proof_format_wait(wait, wait_text, sizeof(wait_text));
		snprintf(note, size, "Refused: %s. Wait %s before the next "
		    "try.", why, wait_text);
	} else if (rc == -EAGAIN) {
		snprintf(note, size, "Not checked: %s.", why);
	} else {
		snprintf(note, size, "Refused: %s.", why);
	}
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
