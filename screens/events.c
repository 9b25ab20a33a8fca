/* events.c: the recent recovery events (events.h). */
#include "screens/events.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/audit.h"
#include "screens/account_menu.h"
#include "screens/input.h"
#include "screens/proof.h"

/* What happened, for the owner. */
static const char *const words[AUDIT_EVENT_COUNT] = {
	[AUDIT_PASSWORD_CHANGED] = "Password changed",
	[AUDIT_FIRST_PASSWORD_SET] = "First password set (first-boot setup)",
	[AUDIT_WRONG_PASSWORD] = "Wrong password typed",
	[AUDIT_LOCKED_OUT] = "Too many wrong tries: made to wait",
	[AUDIT_UNCOUNTED] = "A try could not be counted; nothing was checked",
	[AUDIT_PASSWORD_RECOVERED] = "New password set after a recovery",
	[AUDIT_WRONG_ANSWERS] = "Wrong security answers",
	[AUDIT_WRONG_KEY] = "Wrong recovery key",
	[AUDIT_RECOVERY_USED] = "Proved who they are",
	[AUDIT_QUESTIONS_SET] = "Security questions set",
	[AUDIT_KEY_CREATED] = "New recovery key made",
	[AUDIT_PASSWORD_RESET] = "Password reset by the administrator",
	[AUDIT_REQUEST_MADE] = "Support request made",
	[AUDIT_CODE_ACCEPTED] = "Reset code accepted",
	[AUDIT_CODE_REFUSED] = "Reset code refused",
	[AUDIT_FILE_ACCEPTED] = "Reset file accepted",
	[AUDIT_FILE_REFUSED] = "Reset file refused",
	[AUDIT_RESET_STARTED] = "Factory reset started",
	[AUDIT_RESET_FINISHED] = "Factory reset finished",
	[AUDIT_RESET_FAILED] = "Factory reset stopped at a failed step",
	[AUDIT_RESET_DONE] = "Reset to factory settings: the log starts here",
	[AUDIT_BUTTON_PASSWORDS] = "Button: administrator passwords cleared",
	[AUDIT_BUTTON_IGNORED] = "Reset button held, nothing done",
};

#define LABEL_MAX 120
#define DETAIL_MAX (AUDIT_DETAIL_MAX + 40)

enum events_state {
	EVENTS_LIST,
	EVENTS_DETAIL,		/* one event's notice */
	EVENTS_PASSWORD,	/* the administrator's, to mark them checked */
	EVENTS_CHECKING,	/* (work) */
};

struct events {
	const struct screen_context *context;
	enum events_state state;
	struct audit_recent recent;
	struct audit_unread unread;
	struct screen_account admin;
	bool has_admin;
	struct secret typed;
	bool reveal;
	struct view_field field;
	char note[200];
	char status[200];
	char labels[AUDIT_RECENT_MAX][LABEL_MAX];
	char details[AUDIT_RECENT_MAX][DETAIL_MAX];
	struct view_menu_item items[AUDIT_RECENT_MAX];
	size_t selected;
	char intro[400];
	char intro_password[256];
	char notice[1200];
};

static const struct view_hint list_hints[] = {
	{ ACTION_DOWN, NULL, "down", NULL },
	{ ACTION_UP, NULL, "up", NULL },
	{ ACTION_CONFIRM, NULL, "details", NULL },
	{ ACTION_BACK, NULL, "back", NULL },
};

static const struct view_hint unread_hints[] = {
	{ ACTION_DOWN, NULL, "down", NULL },
	{ ACTION_UP, NULL, "up", NULL },
	{ ACTION_CONFIRM, NULL, "details", NULL },
	{ ACTION_NONE, "c", "mark as checked", NULL },
	{ ACTION_BACK, NULL, "back", NULL },
};

static const struct view_hint password_hints[] = {
	{ ACTION_CONFIRM, NULL, "check", NULL },
	{ ACTION_ERASE_ALL, NULL, "clear", NULL },
	{ ACTION_REVEAL, NULL, "show/hide", NULL },
	{ ACTION_BACK, NULL, "cancel", NULL },
};

void
events_unread_line(const struct audit_unread *u, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	if (u->failed == 0 && u->other == 0)
		return;
	if (u->failed > 0) {
		input_text_add(out, size, &used, "%zu failed tr%s", u->failed,
		    u->failed == 1 ? "y" : "ies");
		if (u->failed_there == u->failed && u->failed_account[0])
			input_text_add(out, size, &used, " for %s",
			    u->failed_account);
		else if (u->failed_account[0])
			input_text_add(out, size, &used, ", %zu of them for %s",
			    u->failed_there, u->failed_account);
	}
	if (u->other > 0)
		input_text_add(out, size, &used, "%s%zu other event%s",
		    u->failed > 0 ? " and " : "", u->other,
		    u->other == 1 ? "" : "s");
	input_text_add(out, size, &used, " since the last check (6: Recent "
	    "recovery events).");
}

/* R's time as the device's local time ("2026-12-07 14:10"), or as
 * logged when it does not read. */
static void
local_time(const struct audit_record *r, char *out, size_t size,
    bool seconds)
{
	struct tm tm = { 0 };
	const char *end = strptime(r->when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	time_t t;

	if (end == NULL || *end != '\0' || (t = timegm(&tm)) == (time_t)-1 ||
	    localtime_r(&t, &tm) == NULL ||
	    strftime(out, size, seconds ? "%Y-%m-%d %H:%M:%S %Z" :
	    "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(out, size, "%s", r->when);
}

/* What R's detail says, in words; "" when nothing. */
static void
detail_words(const struct audit_record *r, char *out, size_t size)
{
	char wait[32];

	out[0] = '\0';
	if (r->event == AUDIT_LOCKED_OUT) {
		proof_format_wait(strtol(r->detail, NULL, 10), wait,
		    sizeof(wait));
		snprintf(out, size, "wait %s", wait);
	} else if (r->event == AUDIT_RECOVERY_USED) {
		snprintf(out, size, "with %s", strcmp(r->detail, "key") == 0 ?
		    "the recovery key" : "security answers");
	} else if (r->event == AUDIT_BUTTON_PASSWORDS) {
		snprintf(out, size, "held %s s", r->detail);
	} else if (r->detail[0] != '\0') {
		snprintf(out, size, "%s", r->detail);
	}
}

static void
load(struct events *e)
{
	struct nvr_error err = { "" };
	int rc = audit_read_recent(&e->recent, &err);

	if (rc == -ENOTSUP) {
		snprintf(e->intro, sizeof(e->intro), "This recorder keeps no "
		    "event log of its own (its config says audit: log: false): "
		    "events go to the system log (syslog) only.");
		e->recent.count = 0;
		return;
	}
	if (rc != 0) {
		snprintf(e->intro, sizeof(e->intro), "The event log cannot be "
		    "read: %s.", err.message);
		e->recent.count = 0;
		return;
	}
	if (audit_read_unread(&e->unread, &err) != 0)
		memset(&e->unread, 0, sizeof(e->unread));
	if (e->recent.count == 0)
		snprintf(e->intro, sizeof(e->intro), "Nothing has been "
		    "recorded on this recorder yet.");
	else if (e->recent.count == 1)
		snprintf(e->intro, sizeof(e->intro), "The one event of this "
		    "recovery tool on this recorder. Choose it to see all it "
		    "says.");
	else
		snprintf(e->intro, sizeof(e->intro), "The last %zu events of "
		    "this recovery tool on this recorder, newest first. Choose "
		    "one to see all it says.", e->recent.count);
	if (e->unread.failed + e->unread.other > 0) {
		size_t used = strlen(e->intro);

		input_text_add(e->intro, sizeof(e->intro), &used, "\n\n%zu "
		    "event%s not been checked yet: press c and type the "
		    "administrator's password to mark %s as checked.",
		    e->unread.failed + e->unread.other,
		    e->unread.failed + e->unread.other == 1 ? " has" : "s have",
		    e->unread.failed + e->unread.other == 1 ? "it" : "them");
	}
	if (e->recent.unreadable > 0) {
		size_t used = strlen(e->intro);

		input_text_add(e->intro, sizeof(e->intro), &used, " %zu line%s "
		    "of the log could not be read and %s left out.",
		    e->recent.unreadable, e->recent.unreadable == 1 ? "" : "s",
		    e->recent.unreadable == 1 ? "is" : "are");
	}
	for (size_t i = 0; i < e->recent.count; i++) {
		const struct audit_record *r = &e->recent.record[i];
		char when[40];

		local_time(r, when, sizeof(when), false);
		snprintf(e->labels[i], sizeof(e->labels[i]), "%s%s  %s  %s%s%s",
		    when, r->clock_trusted ? "" : "?", r->console,
		    r->account[0] != '\0' ? r->account : "",
		    r->account[0] != '\0' ? ": " : "", words[r->event]);
		detail_words(r, e->details[i], sizeof(e->details[i]));
		e->items[i] = (struct view_menu_item){ .key = "",
		    .label = e->labels[i],
		    .note = e->details[i][0] != '\0' ? e->details[i] : NULL };
	}
	e->selected = 0;
}

static void *
events_create(const struct screen_context *context)
{
	struct events *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return NULL;
	e->context = context;
	secret_init(&e->typed);
	e->has_admin = screen_first_admin(context, &e->admin);
	load(e);
	return e;
}

static void
open_notice(struct events *e)
{
	const struct audit_record *r = &e->recent.record[e->selected];
	char when[48];

	local_time(r, when, sizeof(when), true);
	snprintf(e->notice, sizeof(e->notice), "%s\n\nWhen: %s (%s)%s\n"
	    "Console: %s\nAccount: %s%s%s%s\n%s%s%sEvent number %llu.",
	    words[r->event], when, r->when, r->clock_trusted ? "" :
	    "\nThe recorder's clock was not set then: this time is not "
	    "to be trusted.", r->console,
	    r->account[0] != '\0' ? r->account : "none",
	    r->store[0] != '\0' ? " (store " : "", r->store,
	    r->store[0] != '\0' ? ")" : "",
	    e->details[e->selected][0] != '\0' ? "Detail: " : "",
	    e->details[e->selected],
	    e->details[e->selected][0] != '\0' ? "\n" : "", r->seq);
	e->state = EVENTS_DETAIL;
}

/* c: the administrator's password marks the events checked. */
static void
start_marking(struct events *e)
{
	if (e->unread.failed + e->unread.other == 0) {
		snprintf(e->status, sizeof(e->status), "Every event has been "
		    "checked already.");
	} else if (!e->has_admin) {
		snprintf(e->status, sizeof(e->status), "There is no "
		    "administrator account whose password could mark them.");
	} else {
		e->note[0] = '\0';
		e->state = EVENTS_PASSWORD;
	}
}

static struct screen_result
handle_password(struct events *e, const struct keys_action_event *ev)
{
	struct screen_result stay = { .kind = SCREEN_STAY };

	/* While the administrator must wait, no input. */
	if (proof_lock_blocks(e->context, &e->admin.key, ev))
		return stay;
	if (ev->action == ACTION_BACK) {
		secret_clear(&e->typed);
		e->state = EVENTS_LIST;
	} else if (ev->action == ACTION_REVEAL) {
		e->reveal = !e->reveal;
	} else if (ev->action == ACTION_CONFIRM && e->typed.length > 0) {
		e->state = EVENTS_CHECKING;
		return (struct screen_result){ .kind = SCREEN_WORK };
	} else {
		input_edit(&e->typed, ev);
		e->note[0] = '\0';
	}
	return stay;
}

static struct screen_result
events_work(void *self)
{
	struct events *e = self;
	struct nvr_error err = { "" };
	unsigned long long newest = e->unread.newest;

	e->state = EVENTS_PASSWORD;
	if (proof_check_password(e->context, &e->admin.key, &e->typed,
	    e->note, sizeof(e->note)) != 0)
		return (struct screen_result){ .kind = SCREEN_STAY };
	e->state = EVENTS_LIST;
	/* Up to now: the wrong tries of whoever just proved it are theirs
	 * to have seen. */
	{
		struct audit_unread now;

		if (audit_read_unread(&now, &err) == 0 && now.newest > newest)
			newest = now.newest;
	}
	if (audit_mark_read(newest, &err) != 0) {
		snprintf(e->status, sizeof(e->status), "Could not mark them as "
		    "checked: %s.", err.message);
		return (struct screen_result){ .kind = SCREEN_STAY };
	}
	load(e);
	snprintf(e->status, sizeof(e->status), "Marked as checked: the main "
	    "menu counts only what comes after event %llu.", newest);
	return (struct screen_result){ .kind = SCREEN_STAY };
}

static struct screen_result
events_handle(void *self, const struct keys_action_event *ev)
{
	struct events *e = self;
	struct screen_result stay = { .kind = SCREEN_STAY };

	if (ev->action == ACTION_QUIT) {
		stay.kind = SCREEN_QUIT;
		return stay;
	}
	if (ev->action != ACTION_REDRAW)
		e->status[0] = '\0';
	if (e->state == EVENTS_DETAIL) {
		if (ev->action == ACTION_CONFIRM || ev->action == ACTION_BACK)
			e->state = EVENTS_LIST;
		return stay;
	}
	if (e->state == EVENTS_PASSWORD)
		return handle_password(e, ev);
	if (ev->action == ACTION_BACK || (ev->action == ACTION_CONFIRM &&
	    e->recent.count == 0)) {
		stay.kind = SCREEN_CLOSE;
		return stay;
	}
	if (ev->action == ACTION_HOTKEY) {
		if (ev->ch == 'c')
			start_marking(e);
		return stay;	/* no digits here: an event is not a choice */
	}
	if (input_menu_move(&e->selected, e->recent.count, ev))
		open_notice(e);
	return stay;
}

static void
events_render(void *self, struct view *view)
{
	struct events *e = self;

	view->title = "Recent recovery events";
	view->intro = e->intro;
	view->menu.items = e->items;
	view->menu.count = e->recent.count;
	view->menu.selected = e->selected;
	view->context = KEYS_CONTEXT_MENU;
	view->status = e->status[0] != '\0' ? e->status : NULL;
	switch (e->state) {
	case EVENTS_DETAIL:
		view->notice.title = "Event";
		view->notice.text = e->notice;
		INPUT_HINTS(view, input_back_hints);
		view->context = KEYS_CONTEXT_MESSAGE;
		return;
	case EVENTS_PASSWORD:
		snprintf(e->intro_password, sizeof(e->intro_password), "Type "
		    "the password of the administrator (%s) to mark the events "
		    "as checked.", e->admin.shown);
		view->intro = e->intro_password;
		view->menu.count = 0;
		(void)proof_lock_note(e->context, &e->admin.key, e->note,
		    sizeof(e->note), view);
		input_field_view(view, &e->field, "Password", &e->typed, true,
		    e->reveal, e->note);
		INPUT_HINTS(view, password_hints);
		return;
	case EVENTS_CHECKING:
		view->intro = "Checking...";
		view->menu.count = 0;
		return;
	case EVENTS_LIST:
		break;
	}
	if (e->recent.count == 0)
		INPUT_HINTS(view, input_back_hints);
	else if (e->unread.failed + e->unread.other > 0)
		INPUT_HINTS(view, unread_hints);
	else
		INPUT_HINTS(view, list_hints);
}

static void
events_destroy(void *self)
{
	struct events *e = self;

	secret_release(&e->typed);
	free(e);
}

const struct screen_class events_screen = {
	.create = events_create,
	.handle = events_handle,
	.render = events_render,
	.destroy = events_destroy,
	.work = events_work,
};
