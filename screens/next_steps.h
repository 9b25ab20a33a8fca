/*
 * next_steps.h: what a careful owner does once proven, offered by both
 * Forgot password and Support & reset code: set the new password (again,
 * while the proof is still good), set up security questions or a new
 * recovery key, give the other accounts new passwords (the
 * administrator, once the new password is saved: anyone who knew the
 * old one may know theirs), or go back. The entries follow the handoff.
 */
#ifndef NVR_SCREENS_NEXT_STEPS_H
#define NVR_SCREENS_NEXT_STEPS_H

#include <stdbool.h>
#include <stddef.h>

#include "screens/screen.h"

enum next_step {
	NEXT_PASSWORD,		/* set the new password (again) */
	NEXT_PROTECT,		/* questions and a new key */
	NEXT_REVIEW,		/* the other accounts' passwords */
	NEXT_DONE,		/* back to the main menu */
	NEXT_COUNT,
};

struct next_steps {
	struct view_menu_item items[NEXT_COUNT];
	enum next_step map[NEXT_COUNT];
	size_t count, selected;
	char intro[600];
};

/* Builds the menu for the handoff's proven account (ADMIN: it is the
 * administrator; ACCOUNTS: how many accounts there are), under STATUS
 * (what just happened). */
void next_steps_open(struct next_steps *n, const struct screen_context *c,
    bool admin, size_t accounts, const char *status);

/* Acts on EV: a move stays (SCREEN_STAY); a choice opens the screen for
 * it (and sets the handoff's review) or closes; Esc closes. */
struct screen_result next_steps_handle(struct next_steps *n,
    const struct screen_context *c, const struct keys_action_event *ev);

void next_steps_render(const struct next_steps *n, struct view *view);

#endif
