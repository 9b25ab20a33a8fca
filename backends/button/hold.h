/*
 * hold.h: how long the reset button was held, and what that asks for.
 *
 * The watcher feeds the button's edges (pressed, released) with the time
 * of each on the boot clock (CLOCK_BOOTTIME: never the wall clock, which
 * a recorder often has wrong and which may be set while the button is
 * down), and learns, when the button has been let go for good, which tier
 * the hold reached. Release is the act: nothing is asked for while the
 * button is still down. Bounces are not releases: a release followed by a
 * press within the debounce time continues the hold, and a press shorter
 * than it is no press.
 *
 * Tiers (button.* in the config; the defaults): held at least
 * password_ms (4 s) and less than factory_ms (10 s): a password reset;
 * at least factory_ms and at most ignore_after_ms (30 s): a factory
 * reset; shorter or longer holds ask for nothing (a knock, a stuck button
 * or a cat on it).
 *
 * No I/O and no clock of its own: the tests give it the times.
 */
#ifndef NVR_BACKENDS_BUTTON_HOLD_H
#define NVR_BACKENDS_BUTTON_HOLD_H

#include <stdbool.h>
#include <stdint.h>

#define BUTTON_DEFAULT_PASSWORD_MS 4000
#define BUTTON_DEFAULT_FACTORY_MS 10000
#define BUTTON_DEFAULT_IGNORE_AFTER_MS 30000
#define BUTTON_DEFAULT_DEBOUNCE_MS 50

enum button_tier {
	BUTTON_TIER_NONE,	/* too short, too long, or not let go yet */
	BUTTON_TIER_PASSWORD,	/* the administrators' passwords reset */
	BUTTON_TIER_FACTORY,	/* a factory reset */
};

struct button_tiers {
	int64_t password_ms;
	int64_t factory_ms;
	int64_t ignore_after_ms;
	int64_t debounce_ms;
};

enum button_hold_state {
	BUTTON_UP,		/* not pressed */
	BUTTON_DOWN,		/* pressed since down_ms */
	BUTTON_LET_GO,		/* released at up_ms: a bounce, unless no
				 * press comes within the debounce time */
};

struct button_hold {
	struct button_tiers tiers;
	enum button_hold_state state;
	int64_t down_ms, up_ms;
	bool unmeasured;	/* found down with no press seen (after lost
				 * records): its start is not known, so its
				 * release asks for nothing */
};

/* The defaults above. */
struct button_tiers button_tiers_default(void);

/* Starts with the button up. */
void button_hold_init(struct button_hold *h, const struct button_tiers *t);

/* The button went down at NOW_MS (boot clock). Returns the tier of a
 * hold this press ends (the release before it was no bounce), else
 * BUTTON_TIER_NONE. A press while down (a repeat, a missed release) is
 * the same hold. */
enum button_tier button_hold_press(struct button_hold *h, int64_t now_ms);

/* The button was found down at NOW_MS without a press seen (records
 * were lost): a hold whose length cannot be known, so that letting go of
 * it asks for nothing; the LED shows nothing either. */
void button_hold_found_down(struct button_hold *h, int64_t now_ms);

/* The button went up at NOW_MS. Decides nothing yet: a press may follow
 * within the debounce time (button_hold_tick decides). */
void button_hold_release(struct button_hold *h, int64_t now_ms);

/* Time passes: at NOW_MS, a release older than the debounce time is a
 * release; returns the tier the hold reached (BUTTON_TIER_NONE for a
 * hold too short or too long, or none ended). */
enum button_tier button_hold_tick(struct button_hold *h, int64_t now_ms);

/* Records were lost (SYN_DROPPED): whatever was in progress asks for
 * nothing, since what happened in between is not known. */
void button_hold_abandon(struct button_hold *h);

/* The source went away (a USB keyboard pulled, the writer of a FIFO
 * gone): a hold still down asks for nothing, since nobody let go of it;
 * one already let go is decided by button_hold_tick as usual (the
 * release was seen). */
void button_hold_source_gone(struct button_hold *h);

/* While the button is down: the tier letting go at NOW_MS would ask for
 * (what the LED and the consoles say), BUTTON_TIER_NONE when up. Past
 * ignore_after_ms it is BUTTON_TIER_NONE again. */
enum button_tier button_hold_reached(const struct button_hold *h,
    int64_t now_ms);

/* The ms from NOW_MS until button_hold_tick or button_hold_reached may
 * say something new (a debounce ending, a tier's threshold), or -1 when
 * nothing will change without an edge. */
int64_t button_hold_next_ms(const struct button_hold *h, int64_t now_ms);

/* The tier of a hold of HELD_MS. */
enum button_tier button_tier_of(const struct button_tiers *t,
    int64_t held_ms);

#endif
