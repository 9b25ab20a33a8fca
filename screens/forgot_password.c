/*
 * forgot_password.c: method 2 of every recovery guide. Pick the account;
 * answer its security questions, or type its one-time recovery key; then
 * set a new password (the change-password form, opened without asking for
 * the current one). Afterwards, offer what a careful owner does next: a
 * new key if the old one was used, and new passwords for the accounts
 * others may know.
 *
 * Invariants:
 * 1. Every try counts against the account's one budget of wrong tries,
 *    checked before anything is hashed; a try during a wait checks
 *    nothing.
 * 2. Wrong answers are reported as a set: never which one was wrong.
 * 3. A typo the key's check symbols catch is not a try: it is reported
 *    by group, and nothing is hashed.
 * 4. What the owner proved lives in the handoff only while this screen
 *    is open.
 */
#include "screens/forgot_password.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/audit.h"
#include "common/secret.h"
#include "screens/account_menu.h"
#include "screens/input.h"
#include "screens/next_steps.h"
#include "screens/proof.h"

enum forgot_state {
	FORGOT_CHOOSE,		/* which account */
	FORGOT_NOTHING,		/* nothing set up: say what is left */
	FORGOT_TO_SUPPORT,	/* sent to Support & reset code, which
				 * leads back to the menu */
	FORGOT_METHOD,		/* answers or key */
	FORGOT_ANSWER,		/* answer STEP */
	FORGOT_CHECKING,	/* hashing the answers (work) */
	FORGOT_KEY,		/* typing the key */
	FORGOT_KEY_CHECKING,	/* hashing the key (work) */
	FORGOT_AFTER,		/* proven: what next */
	FORGOT_FAILED,		/* cannot go on: say why */
};

enum method { METHOD_ANSWERS, METHOD_KEY, METHOD_COUNT };

struct forgot {
	enum forgot_state state;
	const struct screen_context *context;
	struct account_menu accounts;
	struct screen_account who;	/* the chosen account */
	const char *name;		/* ... as texts name it (who.shown) */
	bool admin;
	struct recovery_enrollment enrolled;
	size_t step;
	struct secret answers[RECOVERY_QUESTIONS_MAX];
	struct secret key;
	bool reveal;

	struct view_menu_item method_items[METHOD_COUNT];
	size_t method_selected, method_count;
	struct next_steps after;

	struct view_field field;
	char note[240];
	char intro[900];	/* built by render for the state shown */
	char message[600];
	char status[200];
};

static const struct view_hint key_hints[] = {
	{ ACTION_CONFIRM, NULL, "check", NULL },
	{ ACTION_ERASE_LEFT, NULL, "erase", NULL },
	{ ACTION_ERASE_ALL, NULL, "clear", NULL },
	{ ACTION_BACK, NULL, "back", NULL },
};

static const struct view_hint support_hints[] = {
	{ ACTION_CONFIRM, NULL, "make a support request", NULL },
	{ ACTION_BACK, NULL, "back", NULL },
};

static void
wipe(struct forgot *f)
{
	for (size_t i = 0; i < RECOVERY_QUESTIONS_MAX; i++)
		secret_clear(&f->answers[i]);
	secret_clear(&f->key);
	f->reveal = false;
}

static void
fail(struct forgot *f, const char *what, const char *why)
{
	wipe(f);
	snprintf(f->message, sizeof(f->message), "%s: %s", what, why);
	f->state = FORGOT_FAILED;
}

static void
start_answers(struct forgot *f)
{
	wipe(f);
	f->step = 0;
	f->state = FORGOT_ANSWER;
}

/* From the method menu: each form starts with no note from another. */
static void
start_answers_afresh(struct forgot *f)
{
	f->note[0] = '\0';
	proof_lock_refresh(f->context, &f->who.key);
	start_answers(f);
}

static void
start_key(struct forgot *f)
{
	wipe(f);
	f->note[0] = '\0';
	proof_lock_refresh(f->context, &f->who.key);
	f->state = FORGOT_KEY;
}

/* What a factory reset keeps, for a sentence: ", keeps recordings and
 * exports" (three at most, then how many more). */
static void
add_kept(const struct reset_config *reset, char *out, size_t size,
    size_t *used)
{
	size_t shown = reset->keep_count > 3 ? 2 : reset->keep_count;

	for (size_t i = 0; i < shown; i++)
		input_text_add(out, size, used, "%s%s", i == 0 ? ", keeps " :
		    i + 1 == reset->keep_count ? " and " : ", ",
		    reset->keep[i].label);
	if (shown < reset->keep_count)
		input_text_add(out, size, used, " and %zu more",
		    reset->keep_count - shown);
}

/* The account has neither questions nor a key: say what is left, with
 * one step to take (support's request, else the factory reset where the
 * owner can start one, else who to ask). */
static void
nothing_set_up(struct forgot *f)
{
	const struct screen_context *c = f->context;
	const struct reset_config *reset = c->reset_config;
	size_t used = 0, size = sizeof(f->message);

	input_text_add(f->message, size, &used, "%s has no security "
	    "questions and no recovery key, so neither can be used now.\n\n",
	    f->name);
	f->state = FORGOT_NOTHING;
	if (c->available[SCREEN_SUPPORT]) {
		input_text_add(f->message, size, &used, "Support can still "
		    "help: press Enter for the request to send them for %s, "
		    "then type the reset code they send back.", f->name);
		return;
	}
	input_text_add(f->message, size, &used, "This recorder has no "
	    "support service set up. ");
	if (!f->admin) {
		input_text_add(f->message, size, &used, "Ask the recorder's "
		    "administrator for help: a factory reset would erase every "
		    "account's password and the settings.");
		return;
	}
	/* A reset that asks for the password or the questions is no way
	 * out for an administrator who has neither. */
	if (!c->available[SCREEN_FACTORY_RESET] || reset == NULL ||
	    reset->proofs != 0) {
		input_text_add(f->message, size, &used, "Ask whoever "
		    "installed it, or its vendor, for help.");
		return;
	}
	input_text_add(f->message, size, &used, "What is left is a factory "
	    "reset (main menu, 5): it erases the settings and every "
	    "password");
	add_kept(reset, f->message, size, &used);
	input_text_add(f->message, size, &used, ", and then asks for a new "
	    "administrator password.");
}

/* After choosing the account: what can it use? */
static void
open_methods(struct forgot *f)
{
	struct nvr_error err;
	const struct recovery *rec = f->context->recovery;

	f->note[0] = '\0';
	if (!account_password_checkable(
	    f->accounts.accounts[f->accounts.selected].password)) {
		/* Locked on purpose, or never set: recovery must not open
		 * an account an administrator closed. */
		snprintf(f->status, sizeof(f->status), "%s has no password in "
		    "use, so there is none to recover.", f->name);
		f->state = f->accounts.count > 1 ? FORGOT_CHOOSE :
		    FORGOT_FAILED;
		snprintf(f->message, sizeof(f->message), "%s", f->status);
		return;
	}
	if (rec->ops->enrollment(rec->state, &f->who.key, &f->enrolled,
	    &err) != 0) {
		fail(f, "The security questions cannot be read", err.message);
		return;
	}
	if (f->enrolled.question_count == 0 && !f->enrolled.has_key) {
		nothing_set_up(f);
		return;
	}
	f->method_items[METHOD_ANSWERS].key = "1";
	f->method_items[METHOD_ANSWERS].label = "Answer the security questions";
	f->method_items[METHOD_ANSWERS].note =
	    f->enrolled.question_count > 0 ? NULL : "none set up";
	f->method_items[METHOD_KEY].key = "2";
	f->method_items[METHOD_KEY].label = "Type the recovery key";
	/* A key used (or never made) is not offered. */
	f->method_count = f->enrolled.has_key ? METHOD_COUNT : METHOD_KEY;
	f->method_selected = f->enrolled.question_count > 0 ? METHOD_ANSWERS :
	    METHOD_KEY;
	f->state = FORGOT_METHOD;
}

static void *
forgot_create(const struct screen_context *context)
{
	struct forgot *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->context = context;
	for (size_t i = 0; i < RECOVERY_QUESTIONS_MAX; i++)
		secret_init(&f->answers[i]);
	secret_init(&f->key);
	screen_handoff_clear(context->handoff);
	if (!account_menu_load(&f->accounts, context, f->message,
	    sizeof(f->message))) {
		f->state = FORGOT_FAILED;
		return f;
	}
	for (size_t i = 0; i < f->accounts.count; i++)
		snprintf(f->accounts.notes[i], sizeof(f->accounts.notes[i]),
		    "%s", f->accounts.accounts[i].admin ? "administrator" : "");
	f->state = FORGOT_CHOOSE;
	/* One account: no menu, unless another store is left out (the
	 * menu says so). */
	if (f->accounts.count == 1 && f->accounts.unread.message[0] == '\0') {
		screen_account_set(&f->who, context, &f->accounts.accounts[0]);
		f->name = f->who.shown;
		f->admin = f->accounts.accounts[0].admin;
		open_methods(f);
	}
	return f;
}

/* What next, once proven; entries depend on how and who. */
static void
open_after(struct forgot *f, const char *status)
{
	next_steps_open(&f->after, f->context, f->admin, f->accounts.count,
	    status);
	f->state = FORGOT_AFTER;
}

/* Proven: hand the account on, with the key (KEY, canonical; NULL for
 * answers) held until the new password is saved, and open the
 * new-password form. */
static struct screen_result
proven(struct forgot *f, const struct secret *key, struct attempts_try *t)
{
	struct screen_handoff *h = f->context->handoff;
	struct screen_result r = { .kind = SCREEN_OPEN,
	    .target = SCREEN_CHANGE_PASSWORD };

	wipe(f);
	proof_right(f->context, t);
	audit_log(AUDIT_RECOVERY_USED, &f->who.key, key != NULL ? 1 : 0,
	    NULL);
	screen_handoff_clear(h);
	h->proven = f->who.key;
	if (key != NULL) {
		h->held = HELD_KEY;
		memcpy(&h->key, key, sizeof(h->key));
	}
	open_after(f, "You have proved who you are.");
	return r;
}

static struct screen_result
check_answers(struct forgot *f)
{
	const struct recovery *rec = f->context->recovery;
	struct screen_result stay = { .kind = SCREEN_STAY };
	struct attempts_try t;
	struct nvr_error err;
	int rc;

	if (!proof_begin(f->context, &f->who.key, &t, f->note,
	    sizeof(f->note))) {
		start_answers(f);
		return stay;
	}
	rc = rec->ops->check_answers(rec->state, &f->who.key, f->answers,
	    f->enrolled.question_count, &err);
	if (rc == 0)
		return proven(f, NULL, &t);
	start_answers(f);
	if (rc != -EACCES) {
		proof_void(f->context, &t);
		fail(f, "The answers cannot be checked", err.message);
		return stay;
	}
	audit_log(AUDIT_WRONG_ANSWERS, &f->who.key, 0, NULL);
	proof_wrong(f->context, &f->who.key, &t,
	    "One or more answers are wrong.",
	    f->note, sizeof(f->note));
	return stay;
}

static struct screen_result
check_key(struct forgot *f)
{
	const struct recovery *rec = f->context->recovery;
	struct screen_result stay = { .kind = SCREEN_STAY };
	struct attempts_try t = { .held = false };
	struct secret canonical;
	struct nvr_error err;
	size_t bad_group;
	int rc;

	f->state = FORGOT_KEY;
	secret_init(&canonical);
	/* A typo the check symbols catch is told for free, before the try
	 * is counted. */
	rc = recovery_key_parse(secret_text(&f->key), &canonical, &bad_group);
	if (rc == 0 && !proof_begin(f->context, &f->who.key, &t, f->note,
	    sizeof(f->note))) {
		secret_release(&canonical);
		return stay;
	}
	/* Checked, not used: it is used when the new password is saved. */
	if (rc == 0)
		rc = rec->ops->use_key(rec->state, &f->who.key,
		    secret_text(&canonical), false, &err);
	if (rc == 0) {
		struct screen_result r = proven(f, &canonical, &t);

		secret_release(&canonical);
		return r;
	}
	secret_release(&canonical);
	if (rc == -ENOENT) {
		proof_void(f->context, &t);
		secret_clear(&f->key);
		snprintf(f->note, sizeof(f->note), "%s has no recovery key "
		    "now: it was used already, or replaced.", f->name);
	} else if (rc == -EACCES) {
		secret_clear(&f->key);
		audit_log(AUDIT_WRONG_KEY, &f->who.key, 0, NULL);
		proof_wrong(f->context, &f->who.key, &t,
		    "That is not the recovery key of "
		    "this account.", f->note, sizeof(f->note));
	} else if (rc == -EINVAL) {
		proof_void(f->context, &t);
		/* Kept as typed, so the owner can fix the group. */
		if (bad_group > 0)
			snprintf(f->note, sizeof(f->note), "Group %zu has a "
			    "typo: compare it with the written key.",
			    bad_group);
		else
			snprintf(f->note, sizeof(f->note), "A recovery key "
			    "has 5 groups of 5 letters and digits.");
	} else {
		proof_void(f->context, &t);
		fail(f, "The key cannot be checked", err.message);
	}
	return stay;
}

static struct screen_result
forgot_handle(void *self, const struct keys_action_event *ev)
{
	struct forgot *f = self;
	struct screen_result r = { .kind = SCREEN_STAY };
	bool back = ev->action == ACTION_BACK;

	f->status[0] = '\0';
	switch (f->state) {
	case FORGOT_CHOOSE:
		if (back || ev->action == ACTION_QUIT) {
			r.kind = SCREEN_CLOSE;
		} else if (account_menu_handle(&f->accounts, ev)) {
			const struct account *a =
			    &f->accounts.accounts[f->accounts.selected];

			screen_account_set(&f->who, f->context, a);
			f->name = f->who.shown;
			f->admin = a->admin;
			open_methods(f);
		}
		return r;
	case FORGOT_METHOD:
		if (back || ev->action == ACTION_QUIT) {
			if (f->accounts.count > 1)
				f->state = FORGOT_CHOOSE;
			else
				r.kind = SCREEN_CLOSE;
		} else if (input_menu_move(&f->method_selected,
		    f->method_count, ev)) {
			/* Say so now, not after three answers. */
			if (!proof_may_try(f->context, &f->who.key, f->status,
			    sizeof(f->status)))
				return r;
			if (f->method_selected == METHOD_KEY)
				start_key(f);
			else if (f->enrolled.question_count > 0)
				start_answers_afresh(f);
			else
				snprintf(f->status, sizeof(f->status), "No "
				    "security questions were set up for %s.",
				    f->name);
		}
		return r;
	case FORGOT_AFTER:
		return next_steps_handle(&f->after, f->context, ev);
	case FORGOT_NOTHING:
	case FORGOT_TO_SUPPORT:	/* Support did not open (out of memory) */
		if (ev->action == ACTION_CONFIRM &&
		    f->context->available[SCREEN_SUPPORT]) {
			/* Support opens on this account's request. */
			f->context->handoff->wanted = f->who.key;
			f->state = FORGOT_TO_SUPPORT;
			r = (struct screen_result){ .kind = SCREEN_OPEN,
			    .target = SCREEN_SUPPORT };
		} else if (ev->action == ACTION_CONFIRM || back) {
			r.kind = SCREEN_CLOSE;
		}
		return r;
	case FORGOT_FAILED:
		if (ev->action == ACTION_CONFIRM || back)
			r.kind = SCREEN_CLOSE;
		return r;
	case FORGOT_KEY:
		if (proof_lock_blocks(f->context, &f->who.key, ev))
			return r;
		if (ev->action == ACTION_CONFIRM) {
			if (f->key.length > 0) {
				f->state = FORGOT_KEY_CHECKING;
				r.kind = SCREEN_WORK;
			}
		} else if (back) {
			wipe(f);
			f->note[0] = '\0';
			f->state = FORGOT_METHOD;
		} else {
			input_edit(&f->key, ev);
			f->note[0] = '\0';
		}
		return r;
	case FORGOT_ANSWER:
		if (proof_lock_blocks(f->context, &f->who.key, ev))
			return r;
		break;
	default:
		return r;
	}

	/* Answering question STEP. */
	switch (ev->action) {
	case ACTION_CONFIRM:
		if (f->answers[f->step].length == 0)
			break;
		f->note[0] = '\0';
		f->reveal = false;
		if (f->step + 1 < f->enrolled.question_count) {
			f->step++;
		} else {
			f->state = FORGOT_CHECKING;
			r.kind = SCREEN_WORK;
		}
		break;
	case ACTION_REVEAL:
		f->reveal = !f->reveal;
		break;
	case ACTION_BACK:
		secret_clear(&f->answers[f->step]);
		f->reveal = false;
		if (f->step == 0)
			f->state = FORGOT_METHOD;
		else
			f->step--;
		break;
	default:
		input_edit(&f->answers[f->step], ev);
		break;
	}
	return r;
}

static struct screen_result
forgot_work(void *self)
{
	struct forgot *f = self;

	if (f->state == FORGOT_CHECKING)
		return check_answers(f);
	if (f->state == FORGOT_KEY_CHECKING)
		return check_key(f);
	return (struct screen_result){ .kind = SCREEN_STAY };
}

/* Back from the new-password form or the questions screen. */
static struct screen_result
forgot_resume(void *self)
{
	struct forgot *f = self;
	const struct screen_handoff *h = f->context->handoff;

	if (f->state == FORGOT_AFTER)
		open_after(f, h->password_set ? "The new password is set." :
		    "The password was not changed yet.");
	/* Support said what comes next; back here would be a dead end. */
	if (f->state == FORGOT_TO_SUPPORT)
		return (struct screen_result){ .kind = SCREEN_CLOSE };
	return (struct screen_result){ .kind = SCREEN_STAY };
}

static void
forgot_render(void *self, struct view *view)
{
	struct forgot *f = self;

	view->title = "Forgot password";
	view->status = f->status[0] ? f->status : NULL;
	switch (f->state) {
	case FORGOT_CHOOSE:
		account_menu_render(&f->accounts, "Whose password was "
		    "forgotten?", view);
		return;
	case FORGOT_METHOD:
		snprintf(f->intro, sizeof(f->intro), "How do you want to prove "
		    "that %s is yours?", f->name);
		view->intro = f->intro;
		input_menu_view(view, f->method_items, f->method_count,
		    f->method_selected);
		return;
	case FORGOT_AFTER:
		next_steps_render(&f->after, view);
		return;
	case FORGOT_NOTHING:
	case FORGOT_TO_SUPPORT:
	case FORGOT_FAILED:
		view->notice.title = f->state == FORGOT_FAILED ? "Not done" :
		    "Nothing set up";
		view->notice.text = f->message;
		if (f->state != FORGOT_FAILED &&
		    f->context->available[SCREEN_SUPPORT])
			INPUT_HINTS(view, support_hints);
		else
			INPUT_HINTS(view, input_back_hints);
		view->context = KEYS_CONTEXT_MESSAGE;
		return;
	case FORGOT_CHECKING:
	case FORGOT_KEY_CHECKING:
		view->intro = "Checking... (this takes a few seconds)";
		view->context = KEYS_CONTEXT_MESSAGE;
		return;
	default:
		break;
	}
	memset(&f->field, 0, sizeof(f->field));
	(void)proof_lock_note(f->context, &f->who.key, f->note, sizeof(f->note),
	    view);
	f->field.focused = true;
	f->field.wide = true;
	f->field.note = f->note[0] ? f->note : NULL;
	f->field.note_is_problem = true;
	view->fields = &f->field;
	view->field_count = 1;
	view->context = KEYS_CONTEXT_TEXT;
	if (f->state == FORGOT_KEY) {
		snprintf(f->intro, sizeof(f->intro), "Type the recovery key of "
		    "%s as it was written down: 25 letters and digits in 5 "
		    "groups. Small or capital letters and the dashes do not "
		    "matter. The key works once.", f->name);
		view->intro = f->intro;
		f->field.label = "Recovery key";
		/* Shown as typed: it is checked group by group, and a used
		 * key is worth nothing. Until it is used it is a secret. */
		f->field.text = secret_text(&f->key);
		view->secret_shown = f->key.length > 0;
		INPUT_HINTS(view, key_hints);
		return;
	}
	snprintf(f->intro, sizeof(f->intro), "Question %zu of %zu: %s",
	    f->step + 1, f->enrolled.question_count,
	    f->enrolled.questions[f->step]);
	view->intro = f->intro;
	f->field.label = "Answer";
	f->field.masked = f->answers[f->step].chars;
	f->field.text = f->reveal ? secret_text(&f->answers[f->step]) : NULL;
	INPUT_HINTS(view, input_answer_hints);
	view->secret_shown = f->reveal;
	if (f->reveal)
		view->status = "The answer is shown: ^T hides it.";
}

static void
forgot_destroy(void *self)
{
	struct forgot *f = self;

	for (size_t i = 0; i < RECOVERY_QUESTIONS_MAX; i++)
		secret_release(&f->answers[i]);
	secret_release(&f->key);
	/* What was proven ends with this screen. */
	screen_handoff_clear(f->context->handoff);
	free(f);
}

const struct screen_class forgot_password_screen = {
	.create = forgot_create,
	.handle = forgot_handle,
	.render = forgot_render,
	.destroy = forgot_destroy,
	.work = forgot_work,
	.resume = forgot_resume,
};
