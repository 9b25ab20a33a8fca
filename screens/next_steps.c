/* next_steps.c: the menu of next_steps.h. */
#include "screens/next_steps.h"

#include <stdio.h>

#include "screens/input.h"
#include "screens/proof.h"

/* What the held proof's fate is, as a note on "Back to the main menu". */
static const char *
stays_good(const struct screen_context *c)
{
	if (!proof_still_good(c))
		return NULL;
	switch (c->handoff->held) {
	case HELD_KEY:
		return "the key stays good";
	case HELD_CODE:
		return "the code stays good";
	case HELD_FILE:
		return "the file stays good";
	default:
		return NULL;
	}
}

void
next_steps_open(struct next_steps *n, const struct screen_context *c,
    bool admin, size_t accounts, const char *status)
{
	static const char *const labels[NEXT_COUNT] = {
		[NEXT_PASSWORD] = "Set the new password",
		[NEXT_PROTECT] = "Set up questions or a new recovery key",
		[NEXT_REVIEW] = "Give the other accounts new passwords",
		[NEXT_DONE] = "Back to the main menu",
	};
	static const char *const keys[NEXT_COUNT] = { "1", "2", "3", "4" };
	const struct screen_handoff *h = c->handoff;
	const char *why;

	n->count = 0;
	for (size_t e = 0; e < NEXT_COUNT; e++) {
		/* Questions and a key are set up without asking for the
		 * password only once a held proof is used: else one code
		 * would do both, and still set the password later. */
		if ((e == NEXT_PASSWORD && (h->password_set ||
		    h->proven.name[0] == '\0')) ||
		    (e == NEXT_PROTECT && (!c->available[SCREEN_QUESTIONS] ||
		    proof_still_good(c))) ||
		    (e == NEXT_REVIEW && (!admin || !h->password_set ||
		    accounts < 2)))
			continue;
		n->items[n->count].key = keys[n->count];
		n->items[n->count].label = labels[e];
		n->items[n->count].note = e == NEXT_PROTECT &&
		    h->held == HELD_KEY && h->spent ? "the used key is gone" :
		    e == NEXT_DONE ? stays_good(c) : NULL;
		n->map[n->count++] = (enum next_step)e;
	}
	n->selected = 0;
	if (proof_still_good(c) && h->held == HELD_KEY)
		why = " The recovery key stays good until a new password is "
		    "saved with it.";
	else if (proof_still_good(c))
		why = " It stays good until its request expires.";
	else if (!h->password_set && h->spent)
		why = " What proved it is used up, but the new password may "
		    "still be set now (1).";
	else if (h->password_set && admin && accounts > 1)
		why = " Anyone who knew the old administrator password may "
		    "know the other accounts' passwords too: give them new "
		    "ones.";
	else
		why = "";
	snprintf(n->intro, sizeof(n->intro), "%s\n\nWhat next?%s", status,
	    why);
}

struct screen_result
next_steps_handle(struct next_steps *n, const struct screen_context *c,
    const struct keys_action_event *ev)
{
	struct screen_result r = { .kind = SCREEN_STAY };

	if (ev->action == ACTION_BACK || ev->action == ACTION_QUIT) {
		r.kind = SCREEN_CLOSE;
		return r;
	}
	if (!input_menu_move(&n->selected, n->count, ev))
		return r;
	r.kind = SCREEN_OPEN;
	c->handoff->review = false;
	switch (n->map[n->selected]) {
	case NEXT_PASSWORD:
		r.target = SCREEN_CHANGE_PASSWORD;
		break;
	case NEXT_PROTECT:
		r.target = SCREEN_QUESTIONS;
		break;
	case NEXT_REVIEW:
		c->handoff->review = true;
		r.target = SCREEN_CHANGE_PASSWORD;
		break;
	default:
		r.kind = SCREEN_CLOSE;
		break;
	}
	return r;
}

void
next_steps_render(const struct next_steps *n, struct view *view)
{
	view->intro = n->intro;
	input_menu_view(view, n->items, n->count, n->selected);
}
