/*
 * change_password.c: method 1 of every recovery guide. Pick the account,
 * type its current password, type a new one (checked against the policy
 * while it is typed) and type it again; saved through the accounts
 * backend.
 *
 * Invariants:
 * 1. Secrets live only in the screen's struct secret buffers, are wiped
 *    when a step is left backwards, when the screen closes, and after
 *    they are used; the view sees only their length.
 * 2. A wrong current password says so without saying more, and the form
 *    stays where it was.
 * 3. Nothing is saved until the new password has been typed twice alike
 *    and the policy accepts it.
 * 4. A proof held in the handoff (a reset code or file, the recovery key)
 *    is spent just before the new password is written, and given back
 *    when it cannot be written: never a password set with a proof still
 *    good, never a proof used up for nothing.
 */
#include "screens/change_password.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/audit.h"
#include "common/secret.h"
#include "screens/account_menu.h"
#include "screens/input.h"
#include "screens/proof.h"

#define ACCOUNTS_MAX 64

enum change_password_state {
	CHANGE_CHOOSE,		/* which account */
	CHANGE_CURRENT,		/* its current password */
	CHANGE_NEW,		/* the new one */
	CHANGE_AGAIN,		/* the new one again */
	CHANGE_DONE,		/* saved: say so */
	CHANGE_FAILED,		/* the backend could not save: say why */
	CHANGE_LEAVE,		/* Esc after a support proof: set it or
				 * leave with the code still good */
};

enum field_index { FIELD_CURRENT, FIELD_NEW, FIELD_AGAIN, FIELD_COUNT };

struct change_password {
	enum change_password_state state;
	bool first_boot;	/* no current password; cannot be left */
	bool again_open;	/* the repeat was reached: Tab moves between
				 * it and the new password */
	struct view_hint hints[6];	/* while typing */
	bool proven;		/* the owner proved who they are another way
				 * (recovery): no current password asked */
	bool offer_questions;	/* the done notice offers to set them up */
	bool authorized;	/* reviewing accounts after the administrator
				 * recovered: any may be set without its
				 * current password */
	const struct screen_context *context;
	struct account_key who;		/* the chosen account's (who()) */
	char shown[SCREEN_WHO_MAX];	/* ... as the texts name it */
	struct account accounts[ACCOUNTS_MAX];
	size_t account_count;
	size_t selected;
	struct view_menu_item items[ACCOUNTS_MAX];
	char item_keys[ACCOUNTS_MAX][4];
	char item_notes[ACCOUNTS_MAX][48];
	struct secret secrets[FIELD_COUNT];
	struct view_field fields[FIELD_COUNT];
	char note[FIELD_COUNT][320];	/* one line, clipped when drawn */
	char intro[400];
	char message[640];
	struct nvr_error unread;	/* a store left out of the list */
	char choose_intro[SCREEN_UNREAD_INTRO_MAX];
	const char *status;
	struct view_menu_item leave_items[2];
	char leave_label[80];
	size_t leave_selected;
};

static const struct view_hint message_hints[] = {
	{ ACTION_CONFIRM, NULL, "back to the menu", NULL },
};

static const struct view_hint continue_hints[] = {
	{ ACTION_CONFIRM, NULL, "continue", NULL },
};

static const struct view_hint offer_hints[] = {
	{ ACTION_CONFIRM, NULL, "set up security questions now", NULL },
	{ ACTION_BACK, NULL, "later", NULL },
};


static const struct account *
chosen(const struct change_password *c)
{
	return &c->accounts[c->selected];
}

/* The chosen account, by store. */
static const struct account_key *
who(struct change_password *c)
{
	account_key_of(chosen(c), &c->who);
	return &c->who;
}

/* The chosen account as the texts name it ("admin", or with several
 * stores "admin in Web UI (Frigate)"). */
static const char *
shown(struct change_password *c)
{
	return screen_who(c->context, who(c), c->shown);
}

static void
clear_from(struct change_password *c, enum field_index first)
{
	for (int i = first; i < FIELD_COUNT; i++) {
		secret_clear(&c->secrets[i]);
		c->note[i][0] = '\0';
	}
	c->again_open = false;
}

static void
start_typing(struct change_password *c)
{
	const struct account *a = chosen(c);

	clear_from(c, FIELD_CURRENT);
	snprintf(c->intro, sizeof(c->intro), "Changing the password of %s. "
	    "Type the old one, then the new one twice.", shown(c));
	c->state = CHANGE_CURRENT;
	(void)a;
	/* A wait left by an earlier run counts down from the start. */
	proof_lock_refresh(c->context, who(c));
}

/* The account's note in the list: whether it is the administrator, and
 * its password when it has none of its own yet. */
static void
describe_account(struct change_password *c, size_t i)
{
	const struct account *a = &c->accounts[i];

	snprintf(c->item_notes[i], sizeof(c->item_notes[i]), "%s%s%s",
	    a->admin ? "administrator" : "",
	    a->password == ACCOUNT_PASSWORD_SET || !a->admin ? "" : ", ",
	    a->password == ACCOUNT_PASSWORD_SET ? "" :
	    a->password == ACCOUNT_PASSWORD_DEFAULT ?
	    "factory password" : "no password yet");
}

static void *
change_password_create(const struct screen_context *context)
{
	struct change_password *c = calloc(1, sizeof(*c));
	struct nvr_error err;

	if (c == NULL)
		return NULL;
	c->context = context;
	for (int i = 0; i < FIELD_COUNT; i++)
		secret_init(&c->secrets[i]);
	if (stores_list(context->stores, c->accounts, ACCOUNTS_MAX,
	    &c->account_count, &c->unread, &err) != 0) {
		snprintf(c->message, sizeof(c->message), "The accounts cannot "
		    "be read: %s", err.message);
		c->state = CHANGE_FAILED;
		return c;
	}
	if (c->account_count == 0) {
		snprintf(c->message, sizeof(c->message), "There is no account "
		    "whose password can be changed here.");
		c->state = CHANGE_FAILED;
		return c;
	}
	for (size_t i = 0; i < c->account_count; i++) {
		const struct account *a = &c->accounts[i];

		/* Digits choose, as in the main menu; past 9, move and Enter. */
		snprintf(c->item_keys[i], sizeof(c->item_keys[i]), "%s",
		    i < 9 ? (const char[]){ (char)('1' + i), '\0' } : " ");
		c->items[i].key = c->item_keys[i];
		c->items[i].label = a->name;
		describe_account(c, i);
		c->items[i].group = screen_account_group(context, a);
		c->items[i].note = c->item_notes[i];
	}
	c->state = CHANGE_CHOOSE;
	if (context->handoff->review) {
		/* The administrator has just recovered their password and
		 * may set any other account's without knowing it. */
		c->authorized = true;
		return c;
	}
	if (context->handoff->proven.name[0] != '\0') {
		/* Opened by Forgot password: the owner has just proved who
		 * they are, so no current password is asked. */
		for (size_t i = 0; i < c->account_count; i++) {
			struct account_key k;

			account_key_of(&c->accounts[i], &k);
			if (account_key_same(&k, &context->handoff->proven))
				c->selected = i;
		}
		/* Proven, but its store cannot be read now: not another
		 * account's password instead. */
		if (!account_key_same(who(c), &context->handoff->proven) &&
		    c->unread.message[0] != '\0') {
			snprintf(c->message, sizeof(c->message), "The password "
			    "of %s cannot be set now: %s. Nothing was "
			    "changed; try again once it can be read.",
			    context->handoff->proven.name,
			    c->unread.message);
			c->state = CHANGE_FAILED;
			return c;
		}
		if (account_key_same(who(c), &context->handoff->proven)) {
			c->proven = true;
			clear_from(c, FIELD_CURRENT);
			snprintf(c->intro, sizeof(c->intro), "You have proved "
			    "who you are. Choose a new password for %s and "
			    "type it twice.", shown(c));
			c->state = CHANGE_NEW;
			return c;
		}
	}
	if (c->account_count == 1 && c->unread.message[0] == '\0' &&
	    account_password_checkable(c->accounts[0].password))
		start_typing(c);
	return c;
}

/* The policy's word on the new password, as its field's note. */
static bool
check_policy(struct change_password *c)
{
	struct secret *s = &c->secrets[FIELD_NEW];

	if (s->length == 0) {
		c->note[FIELD_NEW][0] = '\0';
		return false;
	}
	if (policy_check(stores_policy(c->context->stores, who(c)),
	    secret_text(s), c->first_boot ||
	    c->proven ? NULL : secret_text(&c->secrets[FIELD_CURRENT]),
	    chosen(c)->name,
	    c->note[FIELD_NEW], sizeof(c->note[FIELD_NEW])) != 0)
		return false;
	snprintf(c->note[FIELD_NEW], sizeof(c->note[FIELD_NEW]),
	    "Strong enough.");
	return true;
}

static void
format_now(const struct change_password *c, char *buf, size_t size)
{
	struct nvr_error err;
	struct timespec now;
	struct tm tm;

	if (device_read_time(c->context->device, &now, &err) != 0 ||
	    localtime_r(&now.tv_sec, &tm) == NULL)
		snprintf(buf, size, "just now");
	else
		strftime(buf, size, "on %Y-%m-%d at %H:%M %Z", &tm);
}

/* Whether saving spends the proof the handoff holds. */
static bool
spends_proof(struct change_password *c)
{
	const struct screen_handoff *h = c->context->handoff;

	return c->proven && !c->authorized && h->held != HELD_NONE &&
	    account_key_same(&h->proven, who(c));
}

/* Whether the chosen account is still an administrator without a
 * usable password, as first-boot setup found it. */
static bool
still_due(struct change_password *c)
{
	const struct account_store *st = stores_of(c->context->stores,
	    who(c));
	struct account admin;
	struct nvr_error err;
	size_t n;

	return st != NULL && st->accounts.ops->list(st->accounts.state,
	    &admin, 1, &n, &err) == 0 && n == 1 && admin.admin &&
	    admin.password != ACCOUNT_PASSWORD_SET &&
	    strcmp(admin.name, chosen(c)->name) == 0;
}

static void
save(struct change_password *c)
{
	struct screen_handoff *h = c->context->handoff;
	bool spend = spends_proof(c), told_failed = false;
	struct nvr_error err, told;
	char when[64];
	int rc;

	if (c->first_boot && !still_due(c)) {
		/* First-boot setup sets a password without the old one only
		 * while there is none: another console may have set it. */
		snprintf(c->message, sizeof(c->message), "The password of %s "
		    "was set meanwhile, on another console perhaps: nothing "
		    "was changed here.", shown(c));
		c->state = CHANGE_FAILED;
		clear_from(c, FIELD_CURRENT);
		return;
	}
	if (spend && (rc = proof_spend(c->context, &err)) != 0) {
		bool gone = rc == -EALREADY || rc == -ENOENT;

		/* Used on another console, or expired: then the old password
		 * may not work either, so say only what is sure. Anything
		 * else (a lock not had, the storage) left it good. */
		snprintf(c->message, sizeof(c->message), "The new password "
		    "was NOT saved: the %s cannot be used%s: %s.\n\n%s",
		    proof_held_name(c->context), gone ? "" : " now",
		    err.message, gone ? "Nothing was changed here." : "Nothing "
		    "was changed, and it is still good: try again.");
		if (gone)
			screen_handoff_clear(h);
		c->state = CHANGE_FAILED;
		clear_from(c, FIELD_CURRENT);
		return;
	}
	if ((rc = stores_set_password(c->context->stores, who(c),
	    secret_text(&c->secrets[FIELD_NEW]), &told_failed, &told,
	    &err)) != 0) {
		const char *what = spend ? proof_held_name(c->context) : NULL;
		char why[sizeof(err.message) + 128];

		/* A code or file is made good again; a key, deleted, is
		 * not, but this run may still set the password without
		 * it (h->spent). */
		if (spend)
			(void)proof_give_back(c->context);
		/* The storage's own failure in the owner's words first, the
		 * store's message (which file) after it; a proof used up
		 * (a deleted key, a code that could not be given back) is a
		 * change, said after it. */
		if (!input_storage_failure(why, sizeof(why), rc,
		    "Could not save the new password", h->spent ?
		    "the password was not changed" : "nothing was changed",
		    err.message))
			snprintf(why, sizeof(why), "The new password was NOT "
			    "saved: %s.", err.message);
		snprintf(c->message, sizeof(c->message), "%s\n\nThe old "
		    "password still works.%s%s%s", why, what == NULL ? "" :
		    " The ", what == NULL ? "" : what, what == NULL ? "" :
		    !h->spent ? " still works." :
		    " is used up, but you may try again now.");
		c->state = CHANGE_FAILED;
		clear_from(c, FIELD_CURRENT);
		return;
	}
	/* The list shown again while reviewing says what it has now. */
	c->accounts[c->selected].password = ACCOUNT_PASSWORD_SET;
	describe_account(c, c->selected);
	/* A support code proves nothing to the account's own budget, so
	 * the first login after a support reset would still have to wait
	 * out the wrong tries that led to it. */
	proof_password_set(c->context, who(c));
	if (c->first_boot) {
		audit_log(AUDIT_FIRST_PASSWORD_SET, who(c), 0, NULL);
		format_now(c, when, sizeof(when));
		c->offer_questions = c->context->recovery != NULL;
		snprintf(c->message, sizeof(c->message), "The password of %s "
		    "was set %s.\n\nKeep it somewhere safe.%s", shown(c),
		    when, c->offer_questions ? " If you ever forget it, "
		    "security questions or a recovery key let you set a new "
		    "one. Set them up now: it takes two minutes." : "");
		/* The questions screen may skip asking for it again. */
		if (c->offer_questions)
			c->context->handoff->proven = *who(c);
		c->state = CHANGE_DONE;
	} else if (c->proven) {
		audit_log(c->authorized ? AUDIT_PASSWORD_RESET :
		    AUDIT_PASSWORD_RECOVERED, who(c), 0, NULL);
		format_now(c, when, sizeof(when));
		snprintf(c->message, sizeof(c->message), "The password of %s "
		    "was set %s.\n\nUse the new password from now on.",
		    shown(c), when);
		if (!c->authorized)
			c->context->handoff->password_set = true;
		c->state = CHANGE_DONE;
	} else {
		audit_log(AUDIT_PASSWORD_CHANGED, who(c), 0, NULL);
		format_now(c, when, sizeof(when));
		snprintf(c->message, sizeof(c->message), "The password of %s "
		    "was changed %s.\n\nUse the new password from now on.",
		    shown(c), when);
		c->state = CHANGE_DONE;
	}
	/* The store may keep it in a form only the software's own update
	 * makes strong: say so, and what to do. */
	if (stores_weak_note(c->context->stores, who(c)) != NULL) {
		size_t used = strlen(c->message);

		input_text_add(c->message, sizeof(c->message), &used, "\n\n%s",
		    stores_weak_note(c->context->stores, who(c)));
	}
	/* The change stands; what keeps the store may not know it yet. */
	if (told_failed) {
		size_t used = strlen(c->message);

		input_text_add(c->message, sizeof(c->message), &used, "\n\nBut "
		    "the software that uses it could not be told (%s): restart "
		    "it, or the recorder, for the new password to work there.",
		    told.message);
	}
	clear_from(c, FIELD_CURRENT);
}

/*
 * Checks the current password against the account's budget of wrong
 * tries: while a wait runs, nothing is checked at all.
 */
static void
check_current(struct change_password *c)
{
	char *note = c->note[FIELD_CURRENT], wrong[160];
	size_t size = sizeof(c->note[FIELD_CURRENT]);
	const char *name = chosen(c)->name;
	struct attempts_try t;
	struct nvr_error err;
	int rc;

	if (!proof_begin(c->context, who(c), &t, note, size)) {
		secret_clear(&c->secrets[FIELD_CURRENT]);
		return;
	}
	rc = stores_verify(c->context->stores, who(c),
	    secret_text(&c->secrets[FIELD_CURRENT]), &err);
	if (rc == 0) {
		/* Kept (and wiped later) so the policy can compare the new
		 * password with it. */
		proof_right(c->context, &t);
		snprintf(note, size, "Correct.");
		c->state = CHANGE_NEW;
		return;
	}
	secret_clear(&c->secrets[FIELD_CURRENT]);
	if (rc != -EACCES) {
		proof_void(c->context, &t);
		snprintf(note, size, "Cannot check: %s", err.message);
		return;
	}
	audit_log(AUDIT_WRONG_PASSWORD, who(c), 0, NULL);
	snprintf(wrong, sizeof(wrong), "That is not the current password of "
	    "%s.", name);
	proof_wrong(c->context, who(c), &t, wrong, note, size);
}

static struct screen_result
on_confirm(struct change_password *c)
{
	struct screen_result stay = { .kind = SCREEN_STAY };

	switch (c->state) {
	case CHANGE_CURRENT:
		if (c->secrets[FIELD_CURRENT].length > 0)
			check_current(c);
		break;
	case CHANGE_NEW:
		if (check_policy(c))
			c->state = CHANGE_AGAIN;
		else if (c->secrets[FIELD_NEW].length > 0)
			c->status = "The new password does not meet the rules "
			    "yet: see the note under it.";
		break;
	case CHANGE_AGAIN:
		/* Tab may have led back to the new password and on again. */
		if (!check_policy(c)) {
			c->state = CHANGE_NEW;
			c->status = "The new password does not meet the rules "
			    "yet: see the note under it.";
			break;
		}
		if (!secret_equal(&c->secrets[FIELD_NEW],
		    &c->secrets[FIELD_AGAIN])) {
			clear_from(c, FIELD_NEW);
			snprintf(c->note[FIELD_NEW], sizeof(c->note[FIELD_NEW]),
			    "The two did not match. Type the new password "
			    "again.");
			c->state = CHANGE_NEW;
			break;
		}
		save(c);
		break;
	default:
		break;
	}
	return stay;
}

/*
 * First-boot setup: the admin account (listed first) has no usable
 * password, and the law forbids shipping a default one, so the owner sets
 * it before anything else.
 */
static void *
first_boot_create(const struct screen_context *context)
{
	struct change_password *c = calloc(1, sizeof(*c));
	char whose[96];

	if (c == NULL)
		return NULL;
	c->context = context;
	for (int i = 0; i < FIELD_COUNT; i++)
		secret_init(&c->secrets[i]);
	c->first_boot = true;
	/* The admin that is due, and only it: the first store's first,
	 * each store's in turn (the wizard opens this screen again while
	 * one is still due). Never another account, whatever the lists
	 * of the other screens hold. */
	if (!stores_admin_needing_password(context->stores, &c->accounts[0])) {
		snprintf(c->message, sizeof(c->message), "Every administrator "
		    "has a password now (set on another console, perhaps): "
		    "there is nothing to set up here.");
		c->state = CHANGE_FAILED;
		return c;
	}
	c->account_count = 1;
	c->selected = 0;
	clear_from(c, FIELD_CURRENT);
	if (context->stores->count > 1)
		snprintf(whose, sizeof(whose), "The administrator account of "
		    "%s,", chosen(c)->store_label);
	else
		snprintf(whose, sizeof(whose), "The administrator account of "
		    "this recorder,");
	snprintf(c->intro, sizeof(c->intro), "%s %s, %s. Choose a password "
	    "now: it protects your cameras and recordings. Type it twice.",
	    whose, chosen(c)->name,
	    chosen(c)->password == ACCOUNT_PASSWORD_DEFAULT ? "still has its "
	    "factory password, which anyone can look up" : "has no password "
	    "yet");
	c->state = CHANGE_NEW;
	return c;
}

/* Esc on the new password after a support code or file. */
static void
open_leave(struct change_password *c)
{
	snprintf(c->leave_label, sizeof(c->leave_label), "Leave: the %s "
	    "stays good until its request expires",
	    c->context->handoff->held == HELD_FILE ? "file" : "code");
	c->leave_items[0] = (struct view_menu_item){ .key = "1",
	    .label = "Set the new password" };
	c->leave_items[1] = (struct view_menu_item){ .key = "2", .label =
	    c->leave_label };
	c->leave_selected = 0;
	c->state = CHANGE_LEAVE;
}

static struct screen_result
change_password_handle(void *self, const struct keys_action_event *ev)
{
	struct change_password *c = self;
	struct screen_result r = { .kind = SCREEN_STAY };

	c->status = NULL;
	switch (c->state) {
	case CHANGE_CHOOSE:
		if (ev->action == ACTION_BACK || ev->action == ACTION_QUIT) {
			r.kind = SCREEN_CLOSE;
		} else if ((ev->action == ACTION_UP ||
		    ev->action == ACTION_PREVIOUS) && c->selected > 0) {
			c->selected--;
		} else if ((ev->action == ACTION_DOWN ||
		    ev->action == ACTION_NEXT) &&
		    c->selected + 1 < c->account_count) {
			c->selected++;
		} else if (ev->action == ACTION_CONFIRM ||
		    (ev->action == ACTION_HOTKEY && ev->ch >= '1' &&
		    ev->ch < '1' + c->account_count && ev->ch <= '9')) {
			if (ev->action == ACTION_HOTKEY)
				c->selected = ev->ch - '1';
			if (c->authorized) {
				clear_from(c, FIELD_CURRENT);
				c->proven = true;
				snprintf(c->intro, sizeof(c->intro), "Choose a "
				    "new password for %s and type it twice. "
				    "Tell its user the new one in person.",
				    shown(c));
				c->state = CHANGE_NEW;
			} else if (account_password_checkable(
			    chosen(c)->password))
				start_typing(c);
			else
				c->status = "This account has no password yet, "
				    "so there is none to change.";
		}
		return r;
	case CHANGE_DONE:
		if (c->offer_questions && ev->action == ACTION_CONFIRM) {
			r.kind = SCREEN_OPEN;
			r.target = SCREEN_QUESTIONS;
		} else if (c->authorized && (ev->action == ACTION_CONFIRM ||
		    ev->action == ACTION_BACK)) {
			/* Reviewing: on to the next account. */
			c->proven = false;
			c->state = CHANGE_CHOOSE;
		} else if (ev->action == ACTION_CONFIRM ||
		    ev->action == ACTION_BACK) {
			r.kind = SCREEN_CLOSE;
		}
		return r;
	case CHANGE_LEAVE:
		if (ev->action == ACTION_BACK || ev->action == ACTION_QUIT) {
			r.kind = SCREEN_CLOSE;
		} else if (input_menu_move(&c->leave_selected, 2, ev)) {
			if (c->leave_selected == 0)
				c->state = CHANGE_NEW;
			else
				r.kind = SCREEN_CLOSE;
		}
		return r;
	case CHANGE_FAILED:
		if (ev->action != ACTION_CONFIRM && ev->action != ACTION_BACK)
			return r;
		/* First boot cannot be skipped: try again. */
		if (c->first_boot && c->account_count > 0)
			c->state = CHANGE_NEW;
		else
			r.kind = SCREEN_CLOSE;
		return r;
	default:
		break;
	}

	/* Typing one of the three secrets. */
	enum field_index field = c->state == CHANGE_CURRENT ? FIELD_CURRENT :
	    c->state == CHANGE_NEW ? FIELD_NEW : FIELD_AGAIN;
	/* While the account must wait, its form takes no input: the note
	 * counts down instead. */
	if (field == FIELD_CURRENT &&
	    proof_lock_blocks(c->context, who(c), ev))
		return r;
	switch (ev->action) {
	case ACTION_CONFIRM:
		return on_confirm(c);
	case ACTION_NEXT:
	case ACTION_PREVIOUS:
		/* Tab moves between the new password and its repeat once
		 * both are open; it never submits. */
		if (field == FIELD_AGAIN && ev->action == ACTION_PREVIOUS) {
			c->again_open = true;
			c->state = CHANGE_NEW;
		} else if (field == FIELD_NEW && ev->action == ACTION_NEXT &&
		    c->again_open) {
			c->state = CHANGE_AGAIN;
		}
		return r;
	case ACTION_BACK:
		/* One step back, wiping the step left. */
		clear_from(c, field);
		if (c->first_boot && field == FIELD_NEW) {
			c->status = "The administrator password must be set "
			    "first. To leave without it, press Ctrl-C.";
		} else if (c->proven && field == FIELD_NEW) {
			if (c->authorized) {
				c->proven = false;
				c->state = CHANGE_CHOOSE;
			} else if (spends_proof(c) &&
			    proof_still_good(c->context) &&
			    c->context->handoff->held != HELD_KEY) {
				/* Nothing is spent yet: say so, and let the
				 * owner choose (Forgot password has its own
				 * menu for a key). */
				open_leave(c);
			} else {
				r.kind = SCREEN_CLOSE;
			}
		} else if (field == FIELD_CURRENT) {
			if (c->account_count > 1 ||
			    !account_password_checkable(chosen(c)->password))
				c->state = CHANGE_CHOOSE;
			else
				r.kind = SCREEN_CLOSE;
		} else {
			clear_from(c, field - 1);
			c->state = field == FIELD_NEW ? CHANGE_CURRENT :
			    CHANGE_NEW;
		}
		return r;
	default:
		input_edit(&c->secrets[field], ev);
		if (field == FIELD_NEW)
			(void)check_policy(c);
		else
			c->note[field][0] = '\0';
		return r;
	}
}

/* The keys that work while typing: Tab only between fields both open,
 * Esc only where it goes back (first-boot setup's first field has
 * nowhere to go). Backspace is left out: everyone knows it, and the line
 * has 80 columns. */
static void
typing_hints(struct change_password *c, struct view *view)
{
	size_t n = 0;

	c->hints[n++] = (struct view_hint){ ACTION_CONFIRM, NULL, "next",
	    NULL };
	c->hints[n++] = (struct view_hint){ ACTION_ERASE_ALL, NULL, "clear",
	    NULL };
	if (!c->first_boot || c->state != CHANGE_NEW)
		c->hints[n++] = (struct view_hint){ ACTION_BACK, NULL, "back",
		    NULL };
	c->hints[n++] = (struct view_hint){ ACTION_INTERRUPT, NULL,
	    c->first_boot ? "leave without setting it" : "quit", NULL };
	/* Last, so that what comes and goes with the field moves nothing
	 * else on the line. */
	if (c->state == CHANGE_NEW && c->again_open)
		c->hints[n++] = (struct view_hint){ ACTION_NEXT, NULL,
		    "to repeat", NULL };
	if (c->state == CHANGE_AGAIN)
		c->hints[n++] = (struct view_hint){ ACTION_NONE, "Shift-Tab",
		    "to new", NULL };
	view->hints = c->hints;
	view->hint_count = n;
}

static void
change_password_render(void *self, struct view *view)
{
	static const char *const labels[FIELD_COUNT] = {
		"Current password", "New password", "New password again",
	};
	struct change_password *c = self;

	view->title = c->first_boot ? "First-time setup: administrator "
	    "password" : c->authorized ? "New passwords for the other "
	    "accounts" : c->proven ? "Set a new password" :
	    "Change password";
	view->status = c->status;
	switch (c->state) {
	case CHANGE_CHOOSE:
		view->intro = screen_unread_intro(c->authorized ? "Anyone who "
		    "knew the old administrator password may also know the "
		    "others. Choose an account to give it a new password, or "
		    "Esc when done." : "Whose password do you want to change?",
		    &c->unread, c->choose_intro);
		input_menu_view(view, c->items, c->account_count,
		    c->selected);
		return;
	case CHANGE_LEAVE:
		snprintf(c->intro, sizeof(c->intro), "The password of %s is "
		    "not changed yet, and the %s is not used up: it works "
		    "again later, until its request expires.",
		    shown(c), proof_held_name(c->context));
		view->intro = c->intro;
		input_menu_view(view, c->leave_items, 2,
		    c->leave_selected);
		return;
	case CHANGE_DONE:
	case CHANGE_FAILED:
		view->notice.title = c->state == CHANGE_FAILED ? "Not saved" :
		    c->first_boot || c->proven ? "Password set" :
		    "Password changed";
		view->notice.text = c->message;
		view->hints = c->proven ? continue_hints : message_hints;
		view->hint_count = 1;
		if (c->state == CHANGE_DONE && c->offer_questions) {
			view->hints = offer_hints;
			view->hint_count = 2;
		}
		view->context = KEYS_CONTEXT_MESSAGE;
		return;
	default:
		break;
	}
	view->intro = c->intro;
	if (c->state == CHANGE_CURRENT)
		(void)proof_lock_note(c->context, who(c),
		    c->note[FIELD_CURRENT], sizeof(c->note[FIELD_CURRENT]),
		    view);
	for (int i = 0; i < FIELD_COUNT; i++) {
		struct view_field *f = &c->fields[i];

		f->label = labels[i];
		f->masked = c->secrets[i].chars;
		f->focused = (i == FIELD_CURRENT && c->state ==
		    CHANGE_CURRENT) ||
		    (i == FIELD_NEW && c->state == CHANGE_NEW) ||
		    (i == FIELD_AGAIN && c->state == CHANGE_AGAIN);
		f->note = c->note[i][0] ? c->note[i] : NULL;
		f->note_is_problem = c->note[i][0] &&
		    strcmp(c->note[i], "Correct.") != 0 &&
		    strcmp(c->note[i], "Strong enough.") != 0;
	}
	view->fields = c->fields;
	view->field_count = FIELD_COUNT;
	if (c->first_boot || c->proven) {
		/* No current password to show. */
		view->fields = c->fields + FIELD_NEW;
		view->field_count = FIELD_COUNT - FIELD_NEW;
	}
	typing_hints(c, view);
	view->context = KEYS_CONTEXT_TEXT;
}

static void
change_password_destroy(void *self)
{
	struct change_password *c = self;

	for (int i = 0; i < FIELD_COUNT; i++)
		secret_release(&c->secrets[i]);
	/* What first boot handed on ends with it. */
	if (c->offer_questions)
		screen_handoff_clear(c->context->handoff);
	free(c);
}

/* Back from the questions screen that first boot offered: done. */
static struct screen_result
first_boot_resume(void *self)
{
	struct change_password *c = self;
	struct screen_result r = { .kind = SCREEN_STAY };

	if (c->state == CHANGE_DONE)
		r.kind = SCREEN_CLOSE;
	return r;
}

const struct screen_class first_boot_screen = {
	.create = first_boot_create,
	.handle = change_password_handle,
	.render = change_password_render,
	.destroy = change_password_destroy,
	.resume = first_boot_resume,
};

const struct screen_class change_password_screen = {
	.create = change_password_create,
	.handle = change_password_handle,
	.render = change_password_render,
	.destroy = change_password_destroy,
};
