/*
 * support.c: Support & reset code. Everything support needs on one
 * screen: the account (the administrator first), the recovery request as
 * text and as a QR code, and how to reach support; then the answer, typed
 * as a reset code or read from a signed reset file on a USB stick, which
 * opens the new-password form for that account.
 *
 * Invariants:
 * 1. Opening the screen shows the request already pending for the
 *    account; a new one is made only when there is none or on request.
 * 2. A typo the check characters catch is reported by group and costs
 *    nothing; a wrong code or file counts against the recorder's budget,
 *    and while a wait runs nothing is checked.
 * 3. What was proven lives in the handoff only while this screen is open.
 * 4. A code or file is checked without being used: it is spent when the
 *    new password is saved (proof_spend), so Esc, leaving or the idle
 *    timeout before that leave it good.
 */
#include "screens/support.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/audit.h"
#include "common/secret.h"
#include "screens/account_menu.h"
#include "screens/file_list.h"
#include "screens/input.h"
#include "screens/next_steps.h"
#include "screens/proof.h"

enum support_state {
	SUPPORT_CHOOSE,		/* which account */
	SUPPORT_OVERVIEW,	/* the request and the choices */
	SUPPORT_CODE,		/* typing the reset code */
	SUPPORT_CHECKING,	/* checking it (work) */
	SUPPORT_FILES,		/* the reset files found */
	SUPPORT_FILE_CHECKING,	/* using one (work) */
	SUPPORT_AFTER,		/* back from the new-password form: what
				 * next */
	SUPPORT_FAILED,		/* cannot go on: say why */
};

enum overview_entry {
	ENTRY_CODE, ENTRY_FILE, ENTRY_NEW, ENTRY_ACCOUNT, ENTRY_COUNT,
};

struct support_screen {
	enum support_state state;
	const struct screen_context *context;
	struct account_menu accounts;
	struct screen_account who;	/* the chosen account */
	const char *name;		/* ... as texts name it (who.shown) */
	char request[PROTOCOL_REQUEST_TEXT_MAX];
	char qr[SUPPORT_QR_TEXT_MAX];
	struct secret code;
	struct view_menu_item entries[ENTRY_COUNT];
	size_t entry;
	struct file_list files;
	struct next_steps after;
	struct view_field field;
	char note[300];
	char intro[1400];	/* beside the QR code */
	char plain[1400];	/* without it */
	long seconds_left;	/* how long the request stays good */
	char message[600];
	char status[300];
};

static const struct view_hint code_hints[] = {
	{ ACTION_CONFIRM, NULL, "check", NULL },
	{ ACTION_ERASE_LEFT, NULL, "erase", NULL },
	{ ACTION_ERASE_ALL, NULL, "clear", NULL },
	{ ACTION_BACK, NULL, "back", NULL },
};

static void
fail(struct support_screen *s, const char *what, const char *why)
{
	snprintf(s->message, sizeof(s->message), "%s: %s", what, why);
	s->state = SUPPORT_FAILED;
}

/* The request, indented, PER_LINE groups a line joined by JOIN. */
static void
add_request(const struct support_screen *s, char *out, size_t size,
    size_t *used, size_t per_line, const char *join)
{
	size_t group = 0;

	for (const char *p = s->request; *p != '\0'; group++) {
		size_t n = strcspn(p, "-");

		input_text_add(out, size, used, "%s%.*s",
		    group % per_line == 0 ? "\n   " : join, (int)n, p);
		p += n + (p[n] == '-');
	}
}

/* How long the request stays good, in the owner's words: "7 days". */
static void
format_left(long seconds, char *out, size_t size)
{
	long days = (seconds + 3600) / 86400, hours = (seconds + 3599) / 3600;

	if (days >= 1)
		snprintf(out, size, "%ld day%s", days, days == 1 ? "" : "s");
	else
		snprintf(out, size, "%ld hour%s", hours, hours == 1 ? "" : "s");
}

/*
 * The contact, a line each, indented. WIDTH: the columns a line may take
 * after the indent; lines that fit it together share one (e-mail and
 * phone; hours and answer time), as they do at the full width.
 */
static void
add_contact(const struct support_contact *c, char *out, size_t size,
    size_t *used, size_t width)
{
	char answers[64] = "";

	if (c == NULL)
		return;
	if (c->answer_time != NULL)
		snprintf(answers, sizeof(answers), "Answers %s.",
		    c->answer_time);
	if (c->vendor != NULL)
		input_text_add(out, size, used, "\n   %s", c->vendor);
	if (c->email != NULL && c->phone != NULL &&
	    strlen(c->email) + 2 + strlen(c->phone) <= width)
		input_text_add(out, size, used, "\n   %s  %s", c->email,
		    c->phone);
	else {
		if (c->email != NULL)
			input_text_add(out, size, used, "\n   %s", c->email);
		if (c->phone != NULL)
			input_text_add(out, size, used, "\n   %s", c->phone);
	}
	if (c->web != NULL)
		input_text_add(out, size, used, "\n   %s", c->web);
	if (c->hours != NULL && answers[0] != '\0' &&
	    strlen(c->hours) + 2 + strlen(answers) <= width)
		input_text_add(out, size, used, "\n   %s. %s", c->hours,
		    answers);
	else {
		if (c->hours != NULL)
			input_text_add(out, size, used, "\n   %s", c->hours);
		if (answers[0] != '\0')
			input_text_add(out, size, used, "\n   %s", answers);
	}
}

/* Whether the contact names someone to send the request to. */
static bool
has_contact(const struct support_contact *c)
{
	return c != NULL && (c->vendor != NULL || c->email != NULL ||
	    c->phone != NULL || c->web != NULL);
}

/*
 * The overview in steps: send the request, or a photo of the screen, to
 * the contact; then choose 1 or 2 with the answer. Two forms: beside the
 * QR code (37 columns: five groups a line joined by dashes, a contact
 * line each), and plain, at the full width, where the code is not drawn
 * (no UTF-8, or no room: a long name or serial): eight groups a line
 * spaced out for reading aloud, lines that fit together joined. The
 * limits on the contact (config.h) keep the four entries in sight at
 * 80x24 in the plain form whatever the name and serial; tui/draw.c picks
 * the form that fits.
 */
static void
build_overview(struct support_screen *s)
{
	const struct support_contact *c = s->context->contact;
	const char *to = has_contact(c) ? "" : " your vendor's support";
	size_t used = 0, plain = 0;
	char left[32];

	s->intro[0] = s->plain[0] = '\0';
	if (s->request[0] == '\0') {
		input_text_add(s->intro, sizeof(s->intro), &used, "No request "
		    "for %s is waiting. Choose 3 to make one.", s->name);
		return;
	}
	format_left(s->seconds_left, left, sizeof(left));
	input_text_add(s->intro, sizeof(s->intro), &used, "Send this request "
	    "for %s (good for %s), or a photo of it, to%s:", s->name, left,
	    to);
	add_request(s, s->intro, sizeof(s->intro), &used, 5, "-");
	add_contact(c, s->intro, sizeof(s->intro), &used,
	    CONFIG_CONTACT_COLUMNS);
	input_text_add(s->intro, sizeof(s->intro), &used, "\nWhen support "
	    "answers, choose 1 or 2:");

	input_text_add(s->plain, sizeof(s->plain), &plain, "Send this request "
	    "for %s (good for %s), or a photo of the screen, to%s:", s->name,
	    left, to);
	add_request(s, s->plain, sizeof(s->plain), &plain, 8, "  ");
	add_contact(c, s->plain, sizeof(s->plain), &plain,
	    VIEW_MIN_COLS - 7);
	input_text_add(s->plain, sizeof(s->plain), &plain, "\nWhen support "
	    "answers, choose 1 or 2 (a code or a file).\n(No QR code: %s.)",
	    s->context->utf8 ? "it does not fit on this screen" :
	    "this terminal shows no UTF-8");
}

/* Shows ACCOUNT's pending request, making one if none is pending and
 * MAKE (FRESH: a new one anyway). Only the administrator's is made
 * unasked: browsing accounts must not push out a request already with
 * support (three are kept). */
static void
open_overview(struct support_screen *s, bool fresh, bool make)
{
	struct nvr_error err;
	bool made, dropped;
	int rc;

	secret_clear(&s->code);
	s->note[0] = '\0';
	rc = support_request(s->context->support, &s->who.key, fresh, make,
	    s->request, s->qr, &made, &dropped, &s->seconds_left, &err);
	if (rc == -ENOENT) {
		s->request[0] = s->qr[0] = '\0';
	} else if (rc != 0 && input_storage_failure(s->message,
	    sizeof(s->message), rc, "Could not make a recovery request",
	    "nothing was changed", err.message)) {
		s->state = SUPPORT_FAILED;
		return;
	} else if (rc != 0) {
		fail(s, "No recovery request could be made", err.message);
		return;
	}
	if (made)
		audit_log(AUDIT_REQUEST_MADE, &s->who.key, 0, NULL);
	if (dropped)
		snprintf(s->status, sizeof(s->status), "New request made; the "
		    "oldest of the three pending ones no longer works.");
	else if (made && fresh)
		snprintf(s->status, sizeof(s->status), "New request made; the "
		    "ones sent before still work.");
	s->entries[ENTRY_CODE] = (struct view_menu_item){ .key = "1",
	    .label = "Type the reset code" };
	s->entries[ENTRY_FILE] = (struct view_menu_item){ .key = "2",
	    .label = "Use a reset file (USB)" };
	s->entries[ENTRY_NEW] = (struct view_menu_item){ .key = "3",
	    .label = "Make a new request" };
	s->entries[ENTRY_ACCOUNT] = (struct view_menu_item){ .key = "4",
	    .label = "Another account" };
	build_overview(s);
	s->state = SUPPORT_OVERVIEW;
}

/* The account the menu has selected is the one acted on. */
static void
choose(struct support_screen *s)
{
	screen_account_set(&s->who, s->context,
	    &s->accounts.accounts[s->accounts.selected]);
	s->name = s->who.shown;
}

static void *
support_create(const struct screen_context *context)
{
	struct support_screen *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	struct account_key wanted = context->handoff->wanted;

	s->context = context;
	secret_init(&s->code);
	screen_handoff_clear(context->handoff);
	if (!account_menu_load(&s->accounts, context, s->message,
	    sizeof(s->message))) {
		s->state = SUPPORT_FAILED;
		return s;
	}
	for (size_t i = 0; i < s->accounts.count; i++)
		snprintf(s->accounts.notes[i], sizeof(s->accounts.notes[i]),
		    "%s", s->accounts.accounts[i].admin ? "administrator" : "");
	/* The account asked for (its request is made: its owner wants
	 * one), else the administrator, listed first; never another's
	 * request for one whose store cannot be read now. */
	if (wanted.name[0] != '\0' && s->accounts.unread.message[0] != '\0' &&
	    account_menu_find(&s->accounts, &wanted) == NULL) {
		snprintf(s->message, sizeof(s->message), "No request was made "
		    "for %s: %s. Try again once it can be read.", wanted.name,
		    s->accounts.unread.message);
		s->state = SUPPORT_FAILED;
		return s;
	}
	if (wanted.name[0] == '\0' ||
	    account_menu_find(&s->accounts, &wanted) == NULL)
		s->accounts.selected = 0;
	choose(s);
	open_overview(s, false, true);
	return s;
}

/* Support takes a file that sets a password; one for a factory reset is
 * listed as usable, and choosing it says where it is used (it stays
 * good). */
#define FILE_USABLE "signed for this recorder"

static void
list_files(struct support_screen *s)
{
	file_list_find(&s->files, s->context->support, PROTOCOL_SET_PASSWORD,
	    FILE_USABLE, NULL);
	s->state = SUPPORT_FILES;
}

/* Proven: hand the account on, with the code or file (HELD, of the
 * request NONCE) still good until the new password is saved, and open
 * the new-password form. */
static struct screen_result
proven(struct support_screen *s, const struct account_key *who,
    enum screen_held held, const uint8_t nonce[PROTOCOL_NONCE_BYTES])
{
	struct screen_handoff *h = s->context->handoff;

	screen_handoff_clear(h);
	h->proven = *who;
	h->held = held;
	memcpy(h->nonce, nonce, sizeof(h->nonce));
	s->state = SUPPORT_AFTER;
	return (struct screen_result){ .kind = SCREEN_OPEN,
	    .target = SCREEN_CHANGE_PASSWORD };
}

static struct screen_result
check_code(struct support_screen *s)
{
	struct screen_result stay = { .kind = SCREEN_STAY };
	uint8_t nonce[PROTOCOL_NONCE_BYTES];
	struct nvr_error err;
	long wait = 0;
	int rc;

	s->state = SUPPORT_CODE;
	rc = support_try_code(s->context->support, &s->who.key,
	    PROTOCOL_SET_PASSWORD, secret_text(&s->code), nonce, &wait, &err);
	if (rc == 0) {
		audit_log(AUDIT_CODE_ACCEPTED, &s->who.key, 0, NULL);
		secret_clear(&s->code);
		return proven(s, &s->who.key, HELD_CODE, nonce);
	}
	proof_code_note(rc, wait, err.message, s->note, sizeof(s->note));
	if (rc == -EINVAL)
		return stay;	/* kept as typed, so the group can be fixed */
	audit_log(AUDIT_CODE_REFUSED, &s->who.key, 0, err.message);
	secret_clear(&s->code);
	return stay;
}

static struct screen_result
check_file(struct support_screen *s)
{
	const struct support_file *f = &s->files.files[s->files.selected];
	struct screen_result stay = { .kind = SCREEN_STAY };
	struct account_key who;
	struct reset_file rf;
	struct nvr_error err;
	long wait = 0;
	int rc;

	s->state = SUPPORT_FILES;
	rc = support_try_file(s->context->support, f->path,
	    PROTOCOL_SET_PASSWORD, false, &rf, &who, &wait, &err);
	if (rc == 0) {
		/* The account is its request's, in the request's store. */
		audit_log(AUDIT_FILE_ACCEPTED, &who, 0, NULL);
		return proven(s, &who, HELD_FILE, rf.nonce);
	}
	audit_log(AUDIT_FILE_REFUSED, f->who.name[0] != '\0' ? &f->who :
	    &s->who.key, 0, err.message);
	proof_code_note(rc, wait, err.message, s->note, sizeof(s->note));
	snprintf(s->status, sizeof(s->status), "%s", s->note);
	return stay;
}

static struct screen_result
choose_file(struct support_screen *s)
{
	struct screen_result r = { .kind = SCREEN_STAY };
	const struct support_file *f;

	f = &s->files.files[s->files.selected];
	if (!f->usable) {
		/* Found wanting when the list was made; choosing it is the
		 * try, refused like one checked now (check_file). */
		audit_log(AUDIT_FILE_REFUSED, f->who.name[0] != '\0' ?
		    &f->who : &s->who.key, 0, f->problem);
		snprintf(s->status, sizeof(s->status), "%s", f->problem);
		return r;
	}
	if (f->action != PROTOCOL_SET_PASSWORD) {
		/* Not used: it stays good for when this build can do it. */
		snprintf(s->status, sizeof(s->status), "%s",
		    s->context->available[SCREEN_FACTORY_RESET] ? "That file "
		    "is for Factory reset (menu 5); it was not used here." :
		    "That file is for a factory reset, which this recorder is "
		    "not set up for; it was not used.");
		return r;
	}
	s->state = SUPPORT_FILE_CHECKING;
	r.kind = SCREEN_WORK;
	return r;
}

static struct screen_result
support_handle(void *self, const struct keys_action_event *ev)
{
	struct support_screen *s = self;
	struct screen_result r = { .kind = SCREEN_STAY };
	bool back = ev->action == ACTION_BACK || ev->action == ACTION_QUIT;

	s->status[0] = '\0';
	switch (s->state) {
	case SUPPORT_CHOOSE:
		if (back) {
			build_overview(s);
			s->state = SUPPORT_OVERVIEW;
		} else if (account_menu_handle(&s->accounts, ev)) {
			choose(s);
			open_overview(s, false, false);
		}
		break;
	case SUPPORT_OVERVIEW:
		if (back) {
			r.kind = SCREEN_CLOSE;
		} else if (input_menu_move(&s->entry, ENTRY_COUNT, ev)) {
			if (s->entry == ENTRY_CODE) {
				secret_clear(&s->code);
				s->note[0] = '\0';
				s->state = SUPPORT_CODE;
			} else if (s->entry == ENTRY_FILE) {
				list_files(s);
				if (s->files.count == 0)
					snprintf(s->status, sizeof(s->status),
					    "No reset file (*.nvrreset) found "
					    "on a USB stick.");
			} else if (s->entry == ENTRY_NEW) {
				open_overview(s, true, true);
			} else {
				s->state = SUPPORT_CHOOSE;
			}
		}
		break;
	case SUPPORT_CODE:
		if (ev->action == ACTION_CONFIRM) {
			if (s->code.length > 0) {
				s->state = SUPPORT_CHECKING;
				r.kind = SCREEN_WORK;
			}
		} else if (back && ev->action == ACTION_BACK) {
			secret_clear(&s->code);
			s->note[0] = '\0';
			build_overview(s);
			s->state = SUPPORT_OVERVIEW;
		} else {
			input_edit(&s->code, ev);
			s->note[0] = '\0';
		}
		break;
	case SUPPORT_FILES:
		if (back) {
			build_overview(s);
			s->state = SUPPORT_OVERVIEW;
			break;
		}
		switch (file_list_handle(&s->files, s->context->support,
		    PROTOCOL_SET_PASSWORD, FILE_USABLE, NULL, ev)) {
		case FILE_LIST_LOOKED:
			if (s->files.count == 0)
				snprintf(s->status, sizeof(s->status), "No "
				    "reset file (*.nvrreset) on any USB stick "
				    "yet.");
			break;
		case FILE_LIST_CHOSEN:
			r = choose_file(s);
			break;
		default:
			break;
		}
		break;
	case SUPPORT_AFTER:
		r = next_steps_handle(&s->after, s->context, ev);
		break;
	case SUPPORT_FAILED:
		if (ev->action == ACTION_CONFIRM || back)
			r.kind = SCREEN_CLOSE;
		break;
	default:
		break;
	}
	return r;
}

static struct screen_result
support_work(void *self)
{
	struct support_screen *s = self;

	if (s->state == SUPPORT_CHECKING)
		return check_code(s);
	if (s->state == SUPPORT_FILE_CHECKING)
		return check_file(s);
	return (struct screen_result){ .kind = SCREEN_STAY };
}

static struct screen_result
support_resume(void *self)
{
	struct support_screen *s = self;

	const struct screen_handoff *h = s->context->handoff;
	bool admin = false;

	/* Looked up without moving the account menu's selection. */
	for (size_t i = 0; i < s->accounts.count; i++) {
		struct account_key k;

		account_key_of(&s->accounts.accounts[i], &k);
		if (account_key_same(&k, &h->proven))
			admin = s->accounts.accounts[i].admin;
	}
	if (s->state == SUPPORT_AFTER)
		next_steps_open(&s->after, s->context, admin,
		    s->accounts.count, h->password_set ? "The new password "
		    "is set. Use it from now on." : h->proven.name[0] == '\0' ?
		    "The password was not changed here: the reset code or "
		    "file was used on another console, or its request "
		    "expired." : !proof_still_good(s->context) ?
		    "The password was not changed." : h->held == HELD_CODE ?
		    "The password was not changed, and the reset code is not "
		    "used up." : "The password was not changed, and the reset "
		    "file is not used up.");
	return (struct screen_result){ .kind = SCREEN_STAY };
}

static void
support_render(void *self, struct view *view)
{
	struct support_screen *s = self;

	view->title = "Support & reset code";
	view->status = s->status[0] ? s->status : NULL;
	switch (s->state) {
	case SUPPORT_CHOOSE:
		account_menu_render(&s->accounts, "Which account is the "
		    "request for?", view);
		return;
	case SUPPORT_OVERVIEW:
		view->intro = s->intro;
		if (s->context->utf8 && s->qr[0] != '\0') {
			view->qr.text = s->qr;
			view->qr.caption = "scan to open the support page";
			view->qr.plain_intro = s->plain;
		} else if (s->request[0] != '\0') {
			view->intro = s->plain;
		}
		input_menu_view(view, s->entries, ENTRY_COUNT,
		    s->entry);
		return;
	case SUPPORT_FILES:
		snprintf(s->intro, sizeof(s->intro), "Reset files found on USB "
		    "storage (*.nvrreset). Choose one signed for this recorder; "
		    "a file for a password sets the account's new password.");
		view->intro = s->intro;
		file_list_view(&s->files, view);
		return;
	case SUPPORT_CHECKING:
	case SUPPORT_FILE_CHECKING:
		view->intro = "Checking...";
		view->context = KEYS_CONTEXT_MESSAGE;
		return;
	case SUPPORT_AFTER:
		next_steps_render(&s->after, view);
		return;
	case SUPPORT_FAILED:
		view->notice.title = "Not done";
		view->notice.text = s->message;
		INPUT_HINTS(view, input_back_hints);
		view->context = KEYS_CONTEXT_MESSAGE;
		return;
	default:
		break;
	}
	snprintf(s->intro, sizeof(s->intro), "Type the reset code support gave "
	    "you for %s: 25 letters and digits in 5 groups. Small or capital "
	    "letters, spaces and dashes do not matter.", s->name);
	view->intro = s->intro;
	memset(&s->field, 0, sizeof(s->field));
	s->field.label = "Reset code";
	s->field.text = secret_text(&s->code);
	view->secret_shown = s->code.length > 0;
	s->field.focused = true;
	s->field.wide = true;
	s->field.note = s->note[0] ? s->note : NULL;
	s->field.note_is_problem = true;
	view->fields = &s->field;
	view->field_count = 1;
	INPUT_HINTS(view, code_hints);
	view->context = KEYS_CONTEXT_TEXT;
}

static void
support_destroy(void *self)
{
	struct support_screen *s = self;

	secret_release(&s->code);
	screen_handoff_clear(s->context->handoff);
	free(s);
}

const struct screen_class support_screen = {
	.create = support_create,
	.handle = support_handle,
	.render = support_render,
	.destroy = support_destroy,
	.work = support_work,
	.resume = support_resume,
};
