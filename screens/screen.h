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
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "backends/accounts/accounts.h"
#include "backends/accounts/stores.h"
#include "backends/attempts.h"
#include "backends/device/device.h"
#include "backends/reset/factory_reset.h"
#include "backends/recovery/recovery.h"
#include "common/secret.h"
#include "backends/requests/support.h"
#include "config/config.h"
#include "tui/keys.h"
#include "tui/view.h"

enum screen_id {
	SCREEN_MAIN_MENU = 0,
	SCREEN_CHANGE_PASSWORD,
	SCREEN_FORGOT_PASSWORD,
	SCREEN_SUPPORT,
	SCREEN_QUESTIONS,
	SCREEN_FACTORY_RESET,
	SCREEN_EVENTS,		/* the recent recovery events */
	SCREEN_FIRST_BOOT,	/* not in the menu: opened at start */
	SCREEN_COUNT,
};

enum screen_result_kind {
	SCREEN_STAY = 0,	/* redraw this screen */
	SCREEN_OPEN,		/* open target on top of this one */
	SCREEN_CLOSE,		/* back to the screen below */
	SCREEN_QUIT,		/* leave the wizard */
	SCREEN_WORK,		/* draw this screen (it says what it is
				 * doing), then call its work() */
};

struct screen_result {
	enum screen_result_kind kind;
	enum screen_id target;	/* for SCREEN_OPEN */
};

/* What screens may use: the open backends, and what this build has. */
struct screen_context {
	const struct device *device;
	/* The account stores, each with its password rules; NULL if
	 * accounts: is not configured. */
	const struct account_stores *stores;
	struct attempts *attempts;		/* with stores */
	const struct recovery *recovery;	/* NULL if not configured */
	struct support *support;		/* NULL if not configured */
	const struct support_contact *contact;	/* with support */
	struct factory_reset *reset;		/* NULL if not configured */
	const struct reset_config *reset_config;	/* with reset */
	bool reset_unfinished;	/* a reset's journal was found at start:
				 * Factory reset opens to finish it */
	bool utf8;		/* the terminal shows UTF-8: QR codes */
	/* The account whose owner has just proved who they are (set a
	 * first password, or recovered one), so the screen opened next may
	 * skip asking for the password again. A screen that uses it
	 * empties it; the wizard empties it when the screen that set it
	 * closes. */
	struct screen_handoff *handoff;
	/* The wait for wrong tries this wizard last met, counted down on
	 * screen (screens/proof.h). */
	struct screen_lock *lock;
	bool first_boot;		/* a store's admin has no usable
					 * password */
	bool built[SCREEN_COUNT];	/* screens this build has */
	bool available[SCREEN_COUNT];	/* ... and the config gives them
					 * what they need */
};

/* An account that must wait after wrong tries, as the proving screens
 * show it: the form takes no input until UNTIL_MS. */
struct screen_lock {
	char name[ATTEMPTS_NAME_MAX + 1];	/* "store/name", "" when
						 * none */
	int64_t until_ms;	/* CLOCK_MONOTONIC */
	time_t ends;		/* the device's clock when it ends */
	bool support_works;	/* support codes are not waiting too */
	bool ended;		/* over; the form has yet to say so */
};

/* A proof checked but not spent: it is used up only when the new
 * password is saved (proof_spend), so leaving, Esc or the idle timeout
 * before that leaves it good. */
enum screen_held {
	HELD_NONE,		/* nothing to spend (answers, the admin) */
	HELD_CODE,		/* a reset code: NONCE names its request */
	HELD_FILE,		/* a reset file: NONCE names its request */
	HELD_KEY,		/* the recovery key, in KEY */
};

struct screen_handoff {
	struct account_key proven;	/* name "" when none */
	enum screen_held held;	/* what proved it, to spend at save */
	uint8_t nonce[PROTOCOL_NONCE_BYTES];	/* HELD_CODE, HELD_FILE */
	struct secret key;	/* HELD_KEY: canonical; wiped with the
				 * handoff */
	bool spent;		/* the held proof was used up by a save
				 * (whose password may then have failed:
				 * a retry needs no new proof) */
	bool password_set;	/* the proven account's password was set */
	bool review;		/* list the others to set their passwords:
				 * the proven account is the administrator */
	/* Not a proof: the account the screen opened next starts with
	 * (Forgot password's "Nothing set up" opens Support on it); that
	 * screen empties it. */
	struct account_key wanted;	/* name "" when none */
};

/* Forgets what was proven and wipes a held key. */
static inline void
screen_handoff_clear(struct screen_handoff *h)
{
	secret_clear(&h->key);
	memset(h, 0, sizeof(*h));
}

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
	/* Optional. Does the slow part (hashing answers takes a second or
	 * more) after the screen has been drawn saying so, and says what
	 * comes next. Keys typed meanwhile wait in the terminal. */
	struct screen_result (*work)(void *self);
	/* Optional. Called when the screen above this one has closed. */
	struct screen_result (*resume)(void *self);
};

#endif
