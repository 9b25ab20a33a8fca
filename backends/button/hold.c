/*
 * hold.c: the reset button's hold, from its edges to a tier (hold.h).
 *
 * Invariants:
 * 1. A tier is returned once per hold, and only after the button has
 *    been up for the debounce time: never while it is down.
 * 2. Only differences of the boot clock's readings are used; a reading
 *    earlier than the one before (it cannot happen on one clock) counts
 *    as no time passed, never as a negative hold.
 */
#include "backends/button/hold.h"

struct button_tiers
button_tiers_default(void)
{
	return (struct button_tiers){
		.password_ms = BUTTON_DEFAULT_PASSWORD_MS,
		.factory_ms = BUTTON_DEFAULT_FACTORY_MS,
		.ignore_after_ms = BUTTON_DEFAULT_IGNORE_AFTER_MS,
		.debounce_ms = BUTTON_DEFAULT_DEBOUNCE_MS,
	};
}

void
button_hold_init(struct button_hold *h, const struct button_tiers *t)
{
	h->tiers = *t;
	h->state = BUTTON_UP;
	h->down_ms = h->up_ms = 0;
	h->unmeasured = false;
}

enum button_tier
button_tier_of(const struct button_tiers *t, int64_t held_ms)
{
	if (held_ms < t->password_ms || held_ms > t->ignore_after_ms)
		return BUTTON_TIER_NONE;
	return held_ms < t->factory_ms ? BUTTON_TIER_PASSWORD :
	    BUTTON_TIER_FACTORY;
}

static int64_t
since(int64_t from, int64_t now)
{
	return now > from ? now - from : 0;
}

/* The hold that ended at the release kept in H. */
static enum button_tier
ended(struct button_hold *h)
{
	h->state = BUTTON_UP;
	if (h->unmeasured)
		return BUTTON_TIER_NONE;
	return button_tier_of(&h->tiers, since(h->down_ms, h->up_ms));
}

enum button_tier
button_hold_press(struct button_hold *h, int64_t now_ms)
{
	enum button_tier tier = BUTTON_TIER_NONE;

	switch (h->state) {
	case BUTTON_DOWN:
		return BUTTON_TIER_NONE;	/* the same hold */
	case BUTTON_LET_GO:
		if (since(h->up_ms, now_ms) < h->tiers.debounce_ms) {
			h->state = BUTTON_DOWN;	/* a bounce */
			return BUTTON_TIER_NONE;
		}
		tier = ended(h);
		break;
	case BUTTON_UP:
		break;
	}
	h->state = BUTTON_DOWN;
	h->down_ms = now_ms;
	h->unmeasured = false;
	return tier;
}

void
button_hold_found_down(struct button_hold *h, int64_t now_ms)
{
	h->state = BUTTON_DOWN;
	h->down_ms = now_ms;
	h->unmeasured = true;
}

void
button_hold_release(struct button_hold *h, int64_t now_ms)
{
	if (h->state != BUTTON_DOWN)
		return;		/* a release without a press: nothing held */
	h->state = BUTTON_LET_GO;
	h->up_ms = now_ms;
}

enum button_tier
button_hold_tick(struct button_hold *h, int64_t now_ms)
{
	if (h->state != BUTTON_LET_GO ||
	    since(h->up_ms, now_ms) < h->tiers.debounce_ms)
		return BUTTON_TIER_NONE;
	return ended(h);
}

void
button_hold_abandon(struct button_hold *h)
{
	h->state = BUTTON_UP;
}

void
button_hold_source_gone(struct button_hold *h)
{
	if (h->state == BUTTON_DOWN)
		h->state = BUTTON_UP;
}

enum button_tier
button_hold_reached(const struct button_hold *h, int64_t now_ms)
{
	if (h->state == BUTTON_UP || h->unmeasured)
		return BUTTON_TIER_NONE;
	/* A bounce still counts as held. */
	return button_tier_of(&h->tiers, since(h->down_ms,
	    h->state == BUTTON_DOWN ? now_ms : h->up_ms));
}

int64_t
button_hold_next_ms(const struct button_hold *h, int64_t now_ms)
{
	const struct button_tiers *t = &h->tiers;
	int64_t held;

	if (h->unmeasured && h->state == BUTTON_DOWN)
		return -1;
	switch (h->state) {
	case BUTTON_LET_GO:
		return t->debounce_ms - since(h->up_ms, now_ms) > 0 ?
		    t->debounce_ms - since(h->up_ms, now_ms) : 0;
	case BUTTON_DOWN:
		held = since(h->down_ms, now_ms);
		if (held < t->password_ms)
			return t->password_ms - held;
		if (held < t->factory_ms)
			return t->factory_ms - held;
		if (held <= t->ignore_after_ms)
			return t->ignore_after_ms + 1 - held;
		return -1;
	default:
		return -1;
	}
}
