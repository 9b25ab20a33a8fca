/*
 * questions.c: Security questions setup. After proving who they are (the
 * current password, or having just set a first password or recovered
 * one), the owner enrolls N questions, each picked from the configured
 * list or written themselves, each answer typed twice; or creates a
 * one-time recovery key, shown once, and optionally saved to a USB stick.
 *
 * Invariants:
 * 1. Answers, the password and the key text live only in struct secret
 *    buffers, wiped when a step is left backwards, after they are saved
 *    and when the screen closes. An answer is shown only while the owner
 *    holds it revealed with ^T.
 * 2. Nothing is saved until every answer has been typed twice alike and
 *    the owner has seen the summary and pressed Enter.
 */
#include "screens/questions.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "backends/audit.h"
#include "common/secret.h"
#include "screens/account_menu.h"
#include "screens/input.h"
#include "screens/proof.h"

enum questions_state {
	QUESTIONS_CHOOSE,	/* which account */
	QUESTIONS_PASSWORD,	/* its current password */
	QUESTIONS_OVERVIEW,	/* what it has; set questions or a key */
	QUESTIONS_PICK,		/* question STEP: from the list, or own */
	QUESTIONS_OWN,		/* writing an own question */
	QUESTIONS_ANSWER,	/* its answer */
	QUESTIONS_AGAIN,	/* the answer again */
	QUESTIONS_SUMMARY,	/* the questions; Enter saves */
	QUESTIONS_SAVING,	/* hashing and saving (work) */
	QUESTIONS_KEY_MAKING,	/* making a key (work) */
	QUESTIONS_KEY_SHOWN,	/* the key, shown this once */
	QUESTIONS_KEY_CONFIRM,	/* its last group typed back */
	QUESTIONS_KEY_KEEPING,	/* hashing and keeping it (work) */
	QUESTIONS_FAILED,	/* cannot go on: say why */
};

enum overview_entry { OVERVIEW_QUESTIONS, OVERVIEW_KEY, OVERVIEW_COUNT };

/* The pick menu: the configured questions not yet chosen, then "own". */
#define PICK_MAX (RECOVERY_CHOICES_MAX + 1)
#define OWN_CHOICE ((size_t)-1)

struct questions {
	enum questions_state state;
	const struct screen_context *context;
	const struct recovery_settings *settings;
	struct account_menu accounts;
	struct screen_account who;	/* the chosen account */
	const char *name;		/* ... as texts name it (who.shown) */
	struct recovery_enrollment enrolled;

	size_t count;			/* questions to enroll */
	size_t step;			/* the one being set, from 0 */
	char chosen[RECOVERY_QUESTIONS_MAX][RECOVERY_QUESTION_MAX + 1];
	struct secret answers[RECOVERY_QUESTIONS_MAX];
	struct secret again;
	struct secret password;
	struct secret own;		/* an own question being typed */
	struct secret key;		/* the new key's text */
	bool reveal;

	struct view_menu_item overview_items[OVERVIEW_COUNT];
	size_t overview_selected;
	struct view_menu_item pick_items[PICK_MAX];
	char pick_keys[PICK_MAX][4];
	size_t pick_map[PICK_MAX];	/* index into choices, or OWN */
	size_t pick_count, pick_selected;

	struct view_field fields[2];
	char note[2][200];
	char intro[2400];
	char message[600];
	char status[400];
};

static const struct view_hint text_hints[] = {
	{ ACTION_CONFIRM, NULL, "next", NULL },
	{ ACTION_ERASE_LEFT, NULL, "erase", NULL },
	{ ACTION_ERASE_ALL, NULL, "clear", NULL },
	{ ACTION_BACK, NULL, "back", NULL },
};

static const struct view_hint summary_hints[] = {
	{ ACTION_CONFIRM, NULL, "save", NULL },
	{ ACTION_BACK, NULL, "back", NULL },
};

static const struct view_hint key_hints[] = {
	{ ACTION_CONFIRM, NULL, "I have written it down", NULL },
	{ ACTION_BACK, NULL, "cancel", NULL },
	{ ACTION_NONE, "s", "save to USB stick", NULL },
};

static void show_key(struct questions *q, const char *why);
static void drop_new_key(struct questions *q);
static struct screen_result on_key_confirm(struct questions *q);

static void
wipe_answers(struct questions *q)
{
	for (size_t i = 0; i < RECOVERY_QUESTIONS_MAX; i++)
		secret_clear(&q->answers[i]);
	secret_clear(&q->again);
	secret_clear(&q->own);
	q->reveal = false;
	q->note[0][0] = q->note[1][0] = '\0';
}

static void
fail(struct questions *q, const char *what, const char *why)
{
	snprintf(q->message, sizeof(q->message), "%s: %s", what, why);
	q->state = QUESTIONS_FAILED;
}

/* A store's failure CODE (message WHY) to save WHAT ("the questions"):
 * the storage's own in the owner's words, with the store's after it;
 * any other as NOT_SAVED ("The questions were NOT saved") says. */
static void
fail_saving(struct questions *q, const char *what, const char *not_saved,
    int code, const char *why)
{
	char failed[64];

	snprintf(failed, sizeof(failed), "Could not save %s", what);
	if (!input_storage_failure(q->message, sizeof(q->message), code,
	    failed, "nothing was changed", why)) {
		fail(q, not_saved, why);
		return;
	}
	q->state = QUESTIONS_FAILED;
}

/* Reads what the account has and shows the overview. */
static void
open_overview(struct questions *q)
{
	struct nvr_error err;
	bool has_questions;

	wipe_answers(q);
	secret_clear(&q->password);
	if (q->context->recovery->ops->enrollment(q->context->recovery->state,
	    &q->who.key, &q->enrolled, &err) != 0) {
		fail(q, "The security questions cannot be read", err.message);
		return;
	}
	has_questions = q->enrolled.question_count > 0;
	q->overview_items[OVERVIEW_QUESTIONS].key = "1";
	q->overview_items[OVERVIEW_QUESTIONS].label = has_questions ?
	    "Replace the security questions" : "Set up security questions";
	q->overview_items[OVERVIEW_KEY].key = "2";
	q->overview_items[OVERVIEW_KEY].label = q->enrolled.has_key ?
	    "Replace the recovery key" : "Create a recovery key";
	q->overview_items[OVERVIEW_KEY].note = q->enrolled.has_key ?
	    "the old one stops working" : NULL;
	snprintf(q->intro, sizeof(q->intro), "If the password of %s is ever "
	    "forgotten, Forgot password sets a new one after the security "
	    "questions are answered, or with a recovery key.\n\n%s has %zu "
	    "security question%s and %s recovery key.", q->name, q->name,
	    q->enrolled.question_count,
	    q->enrolled.question_count == 1 ? "" : "s",
	    q->enrolled.has_key ? "a" : "no");
	q->state = QUESTIONS_OVERVIEW;
}

static void
start_password(struct questions *q)
{
	secret_clear(&q->password);
	q->note[0][0] = '\0';
	snprintf(q->intro, sizeof(q->intro), "To change how the password of %s "
	    "can be recovered, type its current password first.", q->name);
	q->state = QUESTIONS_PASSWORD;
	proof_lock_refresh(q->context, &q->who.key);
}

static void
choose(struct questions *q)
{
	const struct account *a =
	    &q->accounts.accounts[q->accounts.selected];

	screen_account_set(&q->who, q->context, a);
	q->name = q->who.shown;
	if (!account_password_checkable(a->password)) {
		snprintf(q->status, sizeof(q->status), "%s has no password "
		    "yet: set one first (Change password).", a->name);
		return;
	}
	start_password(q);
}

static void *
questions_create(const struct screen_context *context)
{
	struct questions *q = calloc(1, sizeof(*q));
	const struct account_key *proven = &context->handoff->proven;

	if (q == NULL)
		return NULL;
	q->context = context;
	for (size_t i = 0; i < RECOVERY_QUESTIONS_MAX; i++)
		secret_init(&q->answers[i]);
	secret_init(&q->again);
	secret_init(&q->password);
	secret_init(&q->own);
	secret_init(&q->key);
	q->settings = context->recovery->ops->settings(
	    context->recovery->state);
	q->count = (size_t)q->settings->question_count;
	if (!account_menu_load(&q->accounts, context, q->message,
	    sizeof(q->message))) {
		q->state = QUESTIONS_FAILED;
		return q;
	}
	for (size_t i = 0; i < q->accounts.count; i++) {
		const struct account *a = &q->accounts.accounts[i];

		snprintf(q->accounts.notes[i], sizeof(q->accounts.notes[i]),
		    "%s%s",
		    a->admin ? "administrator" : "",
		    account_password_checkable(a->password) ? "" :
		    a->admin ? ", no password yet" : "no password yet");
	}
	/* Just after first-boot setup or a recovery: already proven. */
	if (proven->name[0] != '\0' &&
	    account_menu_find(&q->accounts, proven)) {
		screen_account_set(&q->who, context,
		    &q->accounts.accounts[q->accounts.selected]);
		q->name = q->who.shown;
		open_overview(q);
		return q;
	}
	q->state = QUESTIONS_CHOOSE;
	if (q->accounts.count == 1 && q->accounts.unread.message[0] == '\0')
		choose(q);
	return q;
}

static void
check_password(struct questions *q)
{
	struct attempts_try t;
	struct nvr_error err;
	char wrong[200];
	int rc;

	if (!proof_begin(q->context, &q->who.key, &t, q->note[0],
	    sizeof(q->note[0]))) {
		secret_clear(&q->password);
		return;
	}
	rc = stores_verify(q->context->stores, &q->who.key,
	    secret_text(&q->password), &err);
	secret_clear(&q->password);
	if (rc == 0) {
		proof_right(q->context, &t);
		open_overview(q);
		return;
	}
	if (rc != -EACCES) {
		proof_void(q->context, &t);
		snprintf(q->note[0], sizeof(q->note[0]), "Cannot check: %.150s",
		    err.message);
		return;
	}
	audit_log(AUDIT_WRONG_PASSWORD, &q->who.key, 0, NULL);
	snprintf(wrong, sizeof(wrong), "That is not the current password of "
	    "%s.", q->name);
	proof_wrong(q->context, &q->who.key, &t, wrong, q->note[0],
	    sizeof(q->note[0]));
}

/* Builds the pick menu for STEP: the questions not chosen yet. */
static void
start_pick(struct questions *q)
{
	q->pick_count = 0;
	for (size_t i = 0; i < q->settings->choice_count; i++) {
		bool taken = false;

		for (size_t k = 0; k < q->step; k++)
			taken |= strcmp(q->chosen[k],
			    q->settings->choices[i]) == 0;
		if (taken)
			continue;
		q->pick_map[q->pick_count] = i;
		q->pick_items[q->pick_count].label = q->settings->choices[i];
		q->pick_count++;
	}
	if (q->settings->own_questions) {
		q->pick_map[q->pick_count] = OWN_CHOICE;
		q->pick_items[q->pick_count].label = "Write my own question";
		q->pick_count++;
	}
	for (size_t i = 0; i < q->pick_count; i++) {
		snprintf(q->pick_keys[i], sizeof(q->pick_keys[i]), "%c",
		    i < 9 ? (char)('1' + i) : ' ');
		q->pick_items[i].key = q->pick_keys[i];
	}
	q->pick_selected = 0;
	q->state = QUESTIONS_PICK;
}

static void
start_answer(struct questions *q)
{
	secret_clear(&q->answers[q->step]);
	secret_clear(&q->again);
	q->note[0][0] = q->note[1][0] = '\0';
	snprintf(q->intro, sizeof(q->intro), "Question %zu of %zu: %s\n\n"
	    "Type the answer, then again. Capital letters and extra spaces "
	    "do not matter later. ^T shows what you type.", q->step + 1,
	    q->count, q->chosen[q->step]);
	q->state = QUESTIONS_ANSWER;
}

static void
start_summary(struct questions *q)
{
	size_t used;

	used = (size_t)snprintf(q->intro, sizeof(q->intro), "These questions "
	    "will be asked when the password of %s is forgotten:\n", q->name);
	for (size_t i = 0; i < q->count && used < sizeof(q->intro); i++)
		used += (size_t)snprintf(q->intro + used, sizeof(q->intro) -
		    used, "\n%zu. %s", i + 1, q->chosen[i]);
	if (used < sizeof(q->intro))
		snprintf(q->intro + used, sizeof(q->intro) - used, "\n\nPress "
		    "Enter to save them%s. Only a hash of each answer is kept.",
		    q->enrolled.question_count > 0 ? " instead of the old ones" :
		    "");
	q->state = QUESTIONS_SUMMARY;
}

/* The answer as it will be compared: normalised. */
static bool
answers_match(const struct secret *a, const struct secret *b)
{
	struct secret na, nb;
	bool same;

	secret_init(&na);
	secret_init(&nb);
	same = answer_normalise(secret_text(a), a->length, &na) == 0 &&
	    answer_normalise(secret_text(b), b->length, &nb) == 0 &&
	    na.length == nb.length && secret_equal(&na, &nb);
	secret_release(&na);
	secret_release(&nb);
	return same;
}

static void
on_answer(struct questions *q)
{
	size_t same = 0;
	int rc = answer_check_new(q->answers, q->step, &same);

	if (rc == -EEXIST) {
		snprintf(q->note[0], sizeof(q->note[0]), "That is your answer "
		    "to question %zu too: give each question an answer of its "
		    "own, or one guess opens both.", same + 1);
		return;
	}
	if (rc != 0) {
		snprintf(q->note[0], sizeof(q->note[0]), "%s",
		    rc == -E2BIG ? "That answer is too long." :
		    rc == -EMSGSIZE ? "Use at least 2 characters: a one-letter "
		    "answer is guessed at once." :
		    "Type an answer (letters or digits, not only spaces).");
		return;
	}
	q->note[0][0] = '\0';
	q->state = QUESTIONS_AGAIN;
}

static void
on_again(struct questions *q)
{
	if (!answers_match(&q->answers[q->step], &q->again)) {
		secret_clear(&q->answers[q->step]);
		secret_clear(&q->again);
		snprintf(q->note[0], sizeof(q->note[0]), "The two answers did "
		    "not match. Type the answer again.");
		q->state = QUESTIONS_ANSWER;
		return;
	}
	secret_clear(&q->again);
	q->reveal = false;
	q->step++;
	if (q->step == q->count)
		start_summary(q);
	else
		start_pick(q);
}

static void
on_own(struct questions *q)
{
	const char *problem = recovery_question_problem(secret_text(&q->own));

	if (problem != NULL) {
		snprintf(q->note[0], sizeof(q->note[0]), "Not saved: %s.",
		    problem);
		return;
	}
	for (size_t k = 0; k < q->step; k++) {
		if (strcmp(q->chosen[k], secret_text(&q->own)) == 0) {
			snprintf(q->note[0], sizeof(q->note[0]), "That "
			    "question is already chosen.");
			return;
		}
	}
	/* Checked above to fit (RECOVERY_QUESTION_MAX). */
	{
		size_t n = strnlen(secret_text(&q->own),
		    sizeof(q->chosen[q->step]) - 1);

		memcpy(q->chosen[q->step], secret_text(&q->own), n);
		q->chosen[q->step][n] = '\0';
	}
	secret_clear(&q->own);
	start_answer(q);
}

/* Moves in a menu of COUNT entries; true when one was chosen. */
static struct screen_result
handle_menus(struct questions *q, const struct keys_action_event *ev)
{
	struct screen_result r = { .kind = SCREEN_STAY };
	size_t pick;

	switch (q->state) {
	case QUESTIONS_CHOOSE:
		if (ev->action == ACTION_BACK || ev->action == ACTION_QUIT)
			r.kind = SCREEN_CLOSE;
		else if (account_menu_handle(&q->accounts, ev))
			choose(q);
		break;
	case QUESTIONS_OVERVIEW:
		if (ev->action == ACTION_BACK || ev->action == ACTION_QUIT) {
			r.kind = SCREEN_CLOSE;
		} else if (input_menu_move(&q->overview_selected, OVERVIEW_COUNT,
		    ev)) {
			if (q->overview_selected == OVERVIEW_QUESTIONS) {
				q->step = 0;
				start_pick(q);
			} else {
				q->state = QUESTIONS_KEY_MAKING;
				r.kind = SCREEN_WORK;
			}
		}
		break;
	case QUESTIONS_PICK:
		if (ev->action == ACTION_BACK) {
			if (q->step == 0) {
				open_overview(q);
			} else {
				q->step--;
				start_answer(q);
			}
		} else if (input_menu_move(&q->pick_selected, q->pick_count, ev)) {
			pick = q->pick_map[q->pick_selected];
			if (pick == OWN_CHOICE) {
				secret_clear(&q->own);
				q->note[0][0] = '\0';
				q->state = QUESTIONS_OWN;
			} else {
				snprintf(q->chosen[q->step],
				    sizeof(q->chosen[q->step]), "%s",
				    q->settings->choices[pick]);
				start_answer(q);
			}
		}
		break;
	case QUESTIONS_SUMMARY:
		if (ev->action == ACTION_CONFIRM) {
			q->state = QUESTIONS_SAVING;
			r.kind = SCREEN_WORK;
		} else if (ev->action == ACTION_BACK) {
			q->step = q->count - 1;
			start_answer(q);
		}
		break;
	case QUESTIONS_KEY_SHOWN:
		if (ev->action == ACTION_CONFIRM) {
			/* Kept only once the owner shows it was written
			 * down. */
			secret_clear(&q->again);
			q->note[0][0] = '\0';
			q->state = QUESTIONS_KEY_CONFIRM;
		} else if (ev->action == ACTION_BACK) {
			drop_new_key(q);
		} else if (ev->action == ACTION_HOTKEY && (ev->ch == 's' ||
		    ev->ch == 'S')) {
			struct nvr_error err;
			char where[300];
			const struct recovery *rec = q->context->recovery;
			struct device_info info;

			if (device_read_info(q->context->device, &info,
			    &err) != 0)
				snprintf(info.serial, sizeof(info.serial),
				    "device");
			if (rec->ops->export_key(rec->state, &q->who.key,
			    info.serial, &q->key, where, sizeof(where),
			    &err) == 0)
				snprintf(q->status, sizeof(q->status), "Saved "
				    "as %s", where);
			else
				snprintf(q->status, sizeof(q->status), "Not "
				    "saved: %s", err.message);
		}
		break;
	case QUESTIONS_FAILED:
		if (ev->action == ACTION_CONFIRM || ev->action == ACTION_BACK)
			r.kind = SCREEN_CLOSE;
		break;
	default:
		break;
	}
	return r;
}

static struct screen_result
questions_handle(void *self, const struct keys_action_event *ev)
{
	struct questions *q = self;
	struct screen_result r = { .kind = SCREEN_STAY };
	struct secret *typing;

	q->status[0] = '\0';
	switch (q->state) {
	case QUESTIONS_PASSWORD:
		typing = &q->password;
		break;
	case QUESTIONS_OWN:
		typing = &q->own;
		break;
	case QUESTIONS_ANSWER:
		typing = &q->answers[q->step];
		break;
	case QUESTIONS_AGAIN:
	case QUESTIONS_KEY_CONFIRM:
		typing = &q->again;
		break;
	default:
		return handle_menus(q, ev);
	}
	/* While the account must wait, its form takes no input. */
	if (q->state == QUESTIONS_PASSWORD &&
	    proof_lock_blocks(q->context, &q->who.key, ev))
		return r;
	switch (ev->action) {
	case ACTION_CONFIRM:
		if (q->state == QUESTIONS_PASSWORD && typing->length > 0)
			check_password(q);
		else if (q->state == QUESTIONS_OWN)
			on_own(q);
		else if (q->state == QUESTIONS_ANSWER)
			on_answer(q);
		else if (q->state == QUESTIONS_AGAIN)
			on_again(q);
		else if (q->state == QUESTIONS_KEY_CONFIRM &&
		    typing->length > 0)
			return on_key_confirm(q);
		break;
	case ACTION_REVEAL:
		if (q->state == QUESTIONS_ANSWER ||
		    q->state == QUESTIONS_AGAIN)
			q->reveal = !q->reveal;
		break;
	case ACTION_BACK:
		secret_clear(typing);
		if (q->state == QUESTIONS_KEY_CONFIRM) {
			drop_new_key(q);
		} else if (q->state == QUESTIONS_PASSWORD) {
			if (q->accounts.count > 1)
				q->state = QUESTIONS_CHOOSE;
			else
				r.kind = SCREEN_CLOSE;
		} else if (q->state == QUESTIONS_OWN) {
			q->state = QUESTIONS_PICK;
		} else if (q->state == QUESTIONS_ANSWER) {
			q->reveal = false;
			start_pick(q);
		} else {
			secret_clear(&q->answers[q->step]);
			q->state = QUESTIONS_ANSWER;
		}
		break;
	default:
		input_edit(typing, ev);
		if (q->state != QUESTIONS_PASSWORD)
			q->note[0][0] = '\0';
		break;
	}
	return r;
}

/* Shows the new key (again, after a wrong last group: WHY says so). */
static void
show_key(struct questions *q, const char *why)
{
	snprintf(q->message, sizeof(q->message), "%s%sThe recovery key of "
	    "%s:\n\n      %s\n\nWrite it down now and keep it away from "
	    "the recorder: it is shown only this once. Next you type its "
	    "last group, to check that you wrote it down. It works one time, "
	    "in Forgot password, instead of the answers; letters may be "
	    "typed in small or capital letters.%s", why != NULL ? why : "",
	    why != NULL ? "\n\n" : "", q->name, secret_text(&q->key),
	    q->settings->key_folder_count > 0 ? " Press s to also save it "
	    "to a USB stick." : "");
	q->state = QUESTIONS_KEY_SHOWN;
}

/* Esc before the new key was confirmed: nothing changes. */
static void
drop_new_key(struct questions *q)
{
	secret_clear(&q->key);
	secret_clear(&q->again);
	sodium_memzero(q->message, sizeof(q->message));
	open_overview(q);
	snprintf(q->status, sizeof(q->status), "No new key was kept: %s",
	    q->enrolled.has_key ? "the old one still works." : "there is "
	    "still none.");
}

/* The last group typed back: right keeps the key, wrong shows it again. */
static struct screen_result
on_key_confirm(struct questions *q)
{
	bool right = recovery_key_last_group_is(&q->key,
	    secret_text(&q->again));

	secret_clear(&q->again);
	if (!right) {
		show_key(q, "That is not the key's last group. Here is the key "
		    "again: check what you wrote down.");
		return (struct screen_result){ .kind = SCREEN_STAY };
	}
	q->state = QUESTIONS_KEY_KEEPING;
	return (struct screen_result){ .kind = SCREEN_WORK };
}

/* The slow part: hashing the answers, or making the key. */
static struct screen_result
questions_work(void *self)
{
	struct questions *q = self;
	const struct recovery *rec = q->context->recovery;
	struct screen_result r = { .kind = SCREEN_STAY };
	const char *texts[RECOVERY_QUESTIONS_MAX];
	struct nvr_error err;

	if (q->state == QUESTIONS_SAVING) {
		for (size_t i = 0; i < q->count; i++)
			texts[i] = q->chosen[i];
		int rc = rec->ops->set_questions(rec->state, &q->who.key,
		    q->count, texts, q->answers, &err);

		if (rc != 0) {
			wipe_answers(q);
			fail_saving(q, "the questions",
			    "The questions were NOT saved", rc, err.message);
			return r;
		}
		audit_log(AUDIT_QUESTIONS_SET, &q->who.key, 0, NULL);
		open_overview(q);
		snprintf(q->status, sizeof(q->status), "%zu security "
		    "questions saved for %s.", q->count, q->name);
	} else if (q->state == QUESTIONS_KEY_MAKING) {
		if (recovery_key_make(&q->key) != 0) {
			fail(q, "No recovery key was made", "the random key "
			    "could not be written out");
			return r;
		}
		show_key(q, NULL);
	} else if (q->state == QUESTIONS_KEY_KEEPING) {
		bool had_key = q->enrolled.has_key;

		int rc = rec->ops->keep_key(rec->state, &q->who.key, &q->key,
		    &err);

		if (rc != 0) {
			secret_clear(&q->key);
			sodium_memzero(q->message, sizeof(q->message));
			fail_saving(q, "the new recovery key",
			    "The new recovery key was NOT kept", rc,
			    err.message);
			return r;
		}
		audit_log(AUDIT_KEY_CREATED, &q->who.key, 0, NULL);
		secret_clear(&q->key);
		sodium_memzero(q->message, sizeof(q->message));
		open_overview(q);
		snprintf(q->status, sizeof(q->status), "The new recovery key "
		    "of %s is kept.%s", q->name, had_key ? " The old one no "
		    "longer works." : "");
	}
	return r;
}

static void
render_fields(struct questions *q, struct view *view)
{
	memset(q->fields, 0, sizeof(q->fields));
	view->fields = q->fields;
	view->context = KEYS_CONTEXT_TEXT;
	view->intro = q->intro;
	switch (q->state) {
	case QUESTIONS_PASSWORD:
		(void)proof_lock_note(q->context, &q->who.key, q->note[0],
		    sizeof(q->note[0]), view);
		q->fields[0].label = "Current password";
		q->fields[0].masked = q->password.chars;
		q->fields[0].focused = true;
		q->fields[0].note = q->note[0][0] ? q->note[0] : NULL;
		q->fields[0].note_is_problem = true;
		view->field_count = 1;
		INPUT_HINTS(view, text_hints);
		return;
	case QUESTIONS_KEY_CONFIRM:
		snprintf(q->intro, sizeof(q->intro), "To check that you wrote "
		    "the key down, type its last group (the 5 letters and "
		    "digits after the last dash) from what you wrote. Esc "
		    "keeps %s.", q->enrolled.has_key ? "the old key" :
		    "things as they were: no key");
		q->fields[0].label = "Last group";
		/* Shown as typed, as a key is typed; part of a secret. */
		q->fields[0].text = secret_text(&q->again);
		view->secret_shown = q->again.length > 0;
		q->fields[0].focused = true;
		view->field_count = 1;
		INPUT_HINTS(view, text_hints);
		return;
	case QUESTIONS_OWN:
		snprintf(q->intro, sizeof(q->intro), "Question %zu of %zu: "
		    "write your own question, one line.", q->step + 1,
		    q->count);
		q->fields[0].label = "Your question";
		q->fields[0].text = secret_text(&q->own);
		q->fields[0].wide = true;
		q->fields[0].focused = true;
		q->fields[0].note = q->note[0][0] ? q->note[0] : NULL;
		q->fields[0].note_is_problem = true;
		view->field_count = 1;
		INPUT_HINTS(view, text_hints);
		return;
	default:
		break;
	}
	q->fields[0].label = "Answer";
	q->fields[0].masked = q->answers[q->step].chars;
	q->fields[0].text = q->reveal ? secret_text(&q->answers[q->step]) :
	    NULL;
	q->fields[0].focused = q->state == QUESTIONS_ANSWER;
	q->fields[0].note = q->note[0][0] ? q->note[0] : NULL;
	q->fields[0].note_is_problem = true;
	q->fields[0].wide = true;
	q->fields[1].label = "Answer again";
	q->fields[1].masked = q->again.chars;
	q->fields[1].text = q->reveal ? secret_text(&q->again) : NULL;
	q->fields[1].focused = q->state == QUESTIONS_AGAIN;
	q->fields[1].wide = true;
	view->field_count = 2;
	INPUT_HINTS(view, input_answer_hints);
	view->secret_shown = q->reveal;
	if (q->reveal)
		view->status = "The answer is shown: ^T hides it.";
}

static void
questions_render(void *self, struct view *view)
{
	struct questions *q = self;

	view->title = "Security questions and recovery key";
	view->status = q->status[0] ? q->status : NULL;
	switch (q->state) {
	case QUESTIONS_CHOOSE:
		account_menu_render(&q->accounts, "Whose security questions or "
		    "recovery key do you want to set up?", view);
		return;
	case QUESTIONS_OVERVIEW:
		view->intro = q->intro;
		input_menu_view(view, q->overview_items, OVERVIEW_COUNT,
		    q->overview_selected);
		return;
	case QUESTIONS_PICK:
		snprintf(q->intro, sizeof(q->intro), "Question %zu of %zu for "
		    "%s. Choose one whose answer you will still know in ten "
		    "years and that others cannot find out about you.",
		    q->step + 1, q->count, q->name);
		view->intro = q->intro;
		input_menu_view(view, q->pick_items, q->pick_count,
		    q->pick_selected);
		return;
	case QUESTIONS_SUMMARY:
		view->intro = q->intro;
		view->hints = summary_hints;
		view->hint_count = 2;
		view->context = KEYS_CONTEXT_MESSAGE;
		return;
	case QUESTIONS_SAVING:
	case QUESTIONS_KEY_MAKING:
	case QUESTIONS_KEY_KEEPING:
		view->intro = q->state == QUESTIONS_SAVING ? "Saving: each "
		    "answer is hashed so that it cannot be read back. This "
		    "takes a few seconds..." : q->state ==
		    QUESTIONS_KEY_KEEPING ? "Keeping the recovery key..." :
		    "Making the recovery key...";
		view->context = KEYS_CONTEXT_MESSAGE;
		return;
	case QUESTIONS_KEY_SHOWN:
		view->notice.title = "Recovery key";
		view->notice.text = q->message;
		view->secret_shown = true;
		view->hints = key_hints;
		view->hint_count = q->settings->key_folder_count > 0 ? 3 : 2;
		/* A menu context, so that s reaches the screen. */
		view->context = KEYS_CONTEXT_MENU;
		return;
	case QUESTIONS_FAILED:
		view->notice.title = "Not done";
		view->notice.text = q->message;
		view->hints = input_back_hints;
		view->hint_count = 1;
		view->context = KEYS_CONTEXT_MESSAGE;
		return;
	default:
		render_fields(q, view);
		return;
	}
}

static void
questions_destroy(void *self)
{
	struct questions *q = self;

	for (size_t i = 0; i < RECOVERY_QUESTIONS_MAX; i++)
		secret_release(&q->answers[i]);
	secret_release(&q->again);
	secret_release(&q->password);
	secret_release(&q->own);
	secret_release(&q->key);
	sodium_memzero(q->message, sizeof(q->message));	/* the key */
	free(q);
}

const struct screen_class questions_screen = {
	.create = questions_create,
	.handle = questions_handle,
	.render = questions_render,
	.destroy = questions_destroy,
	.work = questions_work,
};
