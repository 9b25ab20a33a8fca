/*
 * screen.h: what every screen is. A screen is a small state machine: it
 * takes actions (never raw keys), talks only to backend interfaces, and
 * describes what to show as a struct view. It never calls curses or opens
 * a file, and never includes another screen: to move on it returns a
 * result naming the next screen, and the wizard's loop follows it.
 */
#ifndef NVR_SCREENS_SCREEN_H
#define NVR_SCREENS_SCREEN_H

#include <stdbool.h>

#include "backends/accounts.h"
#include "backends/attempts.h"
#include "backends/device.h"
#include "backends/policy.h"
#include "tui/keys.h"
#include "tui/view.h"

enum screen_id {
	SCREEN_MAIN_MENU = 0,
	SCREEN_CHANGE_PASSWORD,
	SCREEN_FORGOT_PASSWORD,
	SCREEN_SUPPORT,
	SCREEN_QUESTIONS,
	SCREEN_FACTORY_RESET,
	SCREEN_FIRST_BOOT,	/* not in the menu: opened at start */
	SCREEN_COUNT,
};

enum screen_result_kind {
	SCREEN_STAY = 0,	/* redraw this screen */
	SCREEN_OPEN,		/* open target on top of this one */
	SCREEN_CLOSE,		/* back to the screen below */
	SCREEN_QUIT,		/* leave the wizard */
};

struct screen_result {
	enum screen_result_kind kind;
	enum screen_id target;	/* for SCREEN_OPEN */
};

/* What screens may use: the open backends, and what this build has. */
struct screen_context {
	const struct device *device;
	const struct accounts *accounts;	/* NULL if not configured */
	const struct policy *policy;		/* with accounts */
	struct attempts *attempts;		/* with accounts */
	bool first_boot;		/* the admin has no usable password */
	bool built[SCREEN_COUNT];	/* screens this build has */
	bool available[SCREEN_COUNT];	/* ... and the config gives them
					 * what they need */
};

struct screen_class {
	/* Allocates the screen's state; NULL on out-of-memory. */
	void *(*create)(const struct screen_context *context);
	/* Acts on EV and says what comes next. */
	struct screen_result (*handle)(void *self,
	    const struct keys_action_event *ev);
	/* Fills VIEW; strings stay owned by the screen. */
	void (*render)(void *self, struct view *view);
	/* Wipes what the state holds of secrets and frees it. */
	void (*destroy)(void *self);
};

#endif
