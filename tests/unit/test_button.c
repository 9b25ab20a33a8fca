/*
 * test_button: the reset button's hold (backends/button/hold.c) and its
 * evdev records (backends/button/evdev.c). Records are written to a real
 * pipe as a kernel writes them to /dev/input/eventN: EV_KEY 1, 2 (the
 * autorepeat) and 0, each batch ended by SYN_REPORT, with their times
 * (the boot clock, injected); the watcher's own reading of the device
 * (libevdev, the clock id, the key by name) is not here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/button/evdev.h"
#include "backends/button/hold.h"

struct line {
	int fds[2];
	struct button_evdev ev;
	struct button_hold hold;
	bool key_down;		/* what EVIOCGKEY would say */
};

static int
ask_key(void *ctx, bool *down)
{
	*down = ((struct line *)ctx)->key_down;
	return 0;
}

static void
plug(struct line *l)
{
	assert_int_equal(pipe2(l->fds, O_NONBLOCK | O_CLOEXEC), 0);
	button_evdev_init(&l->ev, l->fds[0], KEY_RESTART);
	l->ev.key_down = ask_key;
	l->ev.key_down_ctx = l;
}

static int
setup(void **state)
{
	struct line *l = calloc(1, sizeof(*l));
	struct button_tiers t = button_tiers_default();

	assert_non_null(l);
	plug(l);
	button_hold_init(&l->hold, &t);
	*state = l;
	return 0;
}

static int
teardown(void **state)
{
	struct line *l = *state;

	close(l->fds[0]);
	if (l->fds[1] >= 0)
		close(l->fds[1]);
	free(l);
	return 0;
}

static struct input_event
record(int64_t ms, unsigned type, unsigned code, int value)
{
	struct input_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.input_event_sec = (time_t)(ms / 1000);
	ev.input_event_usec = (suseconds_t)(ms % 1000) * 1000;
	ev.type = (unsigned short)type;
	ev.code = (unsigned short)code;
	ev.value = value;
	return ev;
}

/* KEY_RESTART's value VALUE at MS, and the SYN_REPORT that ends it. */
static void
key(struct line *l, int64_t ms, int value)
{
	struct input_event ev[2] = {
		record(ms, EV_KEY, KEY_RESTART, value),
		record(ms, EV_SYN, SYN_REPORT, 0),
	};

	assert_int_equal(write(l->fds[1], ev, sizeof(ev)), (ssize_t)sizeof(ev));
}

/* One record alone, no SYN_REPORT after it. */
static void
raw(struct line *l, int64_t ms, unsigned type, unsigned code, int value)
{
	struct input_event ev = record(ms, type, code, value);

	assert_int_equal(write(l->fds[1], &ev, sizeof(ev)), (ssize_t)sizeof(ev));
}

static void
syn(struct line *l, int64_t ms, unsigned code)
{
	raw(l, ms, EV_SYN, code, 0);
}

/* Reads what the pipe has; the tier a press ended, if any. */
static enum button_tier
read_all(struct line *l)
{
	enum button_tier tier;
	int rc = button_evdev_read(&l->ev, &l->hold, &tier);

	assert_int_equal(rc, tier != BUTTON_TIER_NONE ? 1 : 0);
	return tier;
}

/* A hold of HELD_MS as the kernel reports it: down, autorepeat every
 * 33 ms after 250 ms (gpio-keys with autorepeat on), up; then the
 * debounce time passes. */
static enum button_tier
hold_for(struct line *l, int64_t start, int64_t held_ms)
{
	int64_t debounce = l->hold.tiers.debounce_ms;

	key(l, start, 1);
	assert_int_equal(read_all(l), BUTTON_TIER_NONE);
	for (int64_t t = start + 250; t < start + held_ms; t += 33) {
		key(l, t, 2);
		assert_int_equal(read_all(l), BUTTON_TIER_NONE);
		/* Nothing is asked for while it is held. */
		assert_int_equal(button_hold_tick(&l->hold, t),
		    BUTTON_TIER_NONE);
	}
	key(l, start + held_ms, 0);
	assert_int_equal(read_all(l), BUTTON_TIER_NONE);
	/* Not within the debounce time: it could be a bounce. */
	if (debounce > 0)
		assert_int_equal(button_hold_tick(&l->hold, start + held_ms +
		    debounce - 1), BUTTON_TIER_NONE);
	return button_hold_tick(&l->hold, start + held_ms + debounce);
}

static void
test_tiers_at_their_edges(void **state)
{
	struct line *l = *state;
	static const struct { int64_t ms; enum button_tier tier; } edge[] = {
		{ 200, BUTTON_TIER_NONE }, { 3900, BUTTON_TIER_NONE },
		{ 4000, BUTTON_TIER_PASSWORD }, { 9900, BUTTON_TIER_PASSWORD },
		{ 10000, BUTTON_TIER_FACTORY }, { 30000, BUTTON_TIER_FACTORY },
		{ 30100, BUTTON_TIER_NONE }, { 600000, BUTTON_TIER_NONE },
	};
	int64_t start = 1000;	/* seconds into the boot */

	for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		assert_int_equal(hold_for(l, start, edge[i].ms),
		    edge[i].tier);
		/* Asked for once: time passing adds nothing. */
		assert_int_equal(button_hold_tick(&l->hold, start +
		    edge[i].ms + 5000), BUTTON_TIER_NONE);
		start += edge[i].ms + 10000;
	}
}

/* What the LED and the consoles say while it is held: the tier letting
 * go would ask for, and when that changes. */
static void
test_reached_while_held(void **state)
{
	struct line *l = *state;

	key(l, 0, 1);
	read_all(l);
	assert_int_equal(button_hold_reached(&l->hold, 3999),
	    BUTTON_TIER_NONE);
	assert_int_equal(button_hold_next_ms(&l->hold, 3000), 1000);
	assert_int_equal(button_hold_reached(&l->hold, 4000),
	    BUTTON_TIER_PASSWORD);
	assert_int_equal(button_hold_next_ms(&l->hold, 4000), 6000);
	assert_int_equal(button_hold_reached(&l->hold, 10000),
	    BUTTON_TIER_FACTORY);
	assert_int_equal(button_hold_next_ms(&l->hold, 10000), 20001);
	assert_int_equal(button_hold_reached(&l->hold, 30001),
	    BUTTON_TIER_NONE);
	assert_int_equal(button_hold_next_ms(&l->hold, 30001), -1);
	key(l, 30500, 0);
	read_all(l);
	assert_int_equal(button_hold_next_ms(&l->hold, 30510), 40);
	assert_int_equal(button_hold_tick(&l->hold, 30550), BUTTON_TIER_NONE);
	assert_int_equal(button_hold_reached(&l->hold, 30550),
	    BUTTON_TIER_NONE);
	assert_int_equal(button_hold_next_ms(&l->hold, 30550), -1);
}

/* A contact that bounces: up and down again within 50 ms is one hold. */
static void
test_bounce_is_one_hold(void **state)
{
	struct line *l = *state;

	key(l, 0, 1);
	key(l, 5000, 0);
	key(l, 5020, 1);	/* 20 ms later: a bounce */
	key(l, 5030, 0);
	key(l, 5040, 1);
	assert_int_equal(read_all(l), BUTTON_TIER_NONE);
	assert_int_equal(button_hold_tick(&l->hold, 8000), BUTTON_TIER_NONE);
	key(l, 11000, 0);
	read_all(l);
	assert_int_equal(button_hold_tick(&l->hold, 11050),
	    BUTTON_TIER_FACTORY);
}

/* A second press after a real release ends the first hold, in the
 * order the records came, even before any tick. */
static void
test_second_press(void **state)
{
	struct line *l = *state;

	key(l, 0, 1);
	key(l, 5000, 0);
	key(l, 7000, 1);	/* the first hold: 5 s */
	key(l, 7500, 0);
	assert_int_equal(read_all(l), BUTTON_TIER_PASSWORD);
	/* The rest of the batch is handled by the next read. */
	assert_int_equal(read_all(l), BUTTON_TIER_NONE);
	assert_int_equal(button_hold_tick(&l->hold, 7550), BUTTON_TIER_NONE);
}

/* A USB keyboard pulled while its key is held: the hold asks for
 * nothing (nobody let go). Plugged back, it works again. */
static void
test_source_gone_and_back(void **state)
{
	struct line *l = *state;
	enum button_tier tier;

	key(l, 0, 1);
	assert_int_equal(read_all(l), BUTTON_TIER_NONE);
	close(l->fds[1]);
	l->fds[1] = -1;
	assert_int_equal(button_evdev_read(&l->ev, &l->hold, &tier), -ENODEV);
	assert_int_equal(tier, BUTTON_TIER_NONE);
	assert_int_equal(button_hold_tick(&l->hold, 6000), BUTTON_TIER_NONE);
	assert_int_equal(button_hold_reached(&l->hold, 6000),
	    BUTTON_TIER_NONE);
	close(l->fds[0]);
	plug(l);
	/* A release from before it was pulled means nothing now. */
	key(l, 6100, 0);
	assert_int_equal(read_all(l), BUTTON_TIER_NONE);
	assert_int_equal(button_hold_tick(&l->hold, 7000), BUTTON_TIER_NONE);
	assert_int_equal(hold_for(l, 8000, 4500), BUTTON_TIER_PASSWORD);
}

/* Let go, then the source ends (a test's FIFO closed right after the
 * release, a keyboard pulled within the debounce time): the release
 * was seen, so the hold counts. */
static void
test_released_then_gone(void **state)
{
	struct line *l = *state;
	enum button_tier tier;

	key(l, 1000, 1);
	key(l, 5500, 0);
	close(l->fds[1]);
	l->fds[1] = -1;
	assert_int_equal(button_evdev_read(&l->ev, &l->hold, &tier), -ENODEV);
	assert_int_equal(button_hold_tick(&l->hold, 5500 +
	    l->hold.tiers.debounce_ms), BUTTON_TIER_PASSWORD);
}

/* The kernel's queue overflowed (SYN_DROPPED): the hold in progress is
 * dropped and the records up to the next SYN_REPORT are skipped. A key
 * found down then (EVIOCGKEY) was pressed at a time nobody knows: held
 * 11 s for a factory reset with a drop at 7 s, it must not ask for the
 * password reset its 4 s after the drop would say; it asks for
 * nothing. */
static void
test_dropped_records(void **state)
{
	struct line *l = *state;

	key(l, 0, 1);
	syn(l, 7000, SYN_DROPPED);
	raw(l, 7500, EV_KEY, KEY_RESTART, 0);	/* the lost past: skipped */
	l->key_down = true;
	syn(l, 7600, SYN_REPORT);
	assert_int_equal(read_all(l), BUTTON_TIER_NONE);
	assert_int_equal(button_hold_reached(&l->hold, 11000),
	    BUTTON_TIER_NONE);
	assert_int_equal(button_hold_next_ms(&l->hold, 11000), -1);
	key(l, 11000, 0);
	read_all(l);
	assert_int_equal(button_hold_tick(&l->hold, 11050),
	    BUTTON_TIER_NONE);
	/* The next hold is measured again. */
	assert_int_equal(hold_for(l, 12000, 5000), BUTTON_TIER_PASSWORD);
	/* Found up at the report: nothing is held. */
	key(l, 20000, 1);
	syn(l, 22000, SYN_DROPPED);
	l->key_down = false;
	syn(l, 22001, SYN_REPORT);
	read_all(l);
	assert_int_equal(button_hold_reached(&l->hold, 30000),
	    BUTTON_TIER_NONE);
	key(l, 30000, 0);
	read_all(l);
	assert_int_equal(button_hold_tick(&l->hold, 30100), BUTTON_TIER_NONE);
}

/* A record split by the pipe is handled once it is whole; other keys and
 * event types are not the button. */
static void
test_split_record_and_other_keys(void **state)
{
	struct line *l = *state;
	struct input_event ev[3] = {
		record(0, EV_KEY, KEY_A, 1),
		record(0, EV_MSC, MSC_SCAN, 0x90001),
		record(0, EV_KEY, KEY_RESTART, 1),
	};
	const unsigned char *bytes = (const unsigned char *)ev;

	assert_int_equal(write(l->fds[1], bytes, sizeof(ev) - 5),
	    (ssize_t)sizeof(ev) - 5);
	assert_int_equal(read_all(l), BUTTON_TIER_NONE);
	assert_int_equal(button_hold_reached(&l->hold, 5000),
	    BUTTON_TIER_NONE);
	assert_int_equal(write(l->fds[1], bytes + sizeof(ev) - 5, 5), 5);
	assert_int_equal(read_all(l), BUTTON_TIER_NONE);
	assert_int_equal(button_hold_reached(&l->hold, 5000),
	    BUTTON_TIER_PASSWORD);
	key(l, 5000, 0);
	read_all(l);
	assert_int_equal(button_hold_tick(&l->hold, 5050),
	    BUTTON_TIER_PASSWORD);
}

/* Held when the watcher starts (at power-on): counted from the start. */
static void
test_held_at_start(void **state)
{
	struct line *l = *state;

	/* The watcher finds the key down at its start, 2.5 s into the boot,
	 * and presses for it. */
	assert_int_equal(button_hold_press(&l->hold, 2500), BUTTON_TIER_NONE);
	key(l, 14000, 0);
	read_all(l);
	assert_int_equal(button_hold_tick(&l->hold, 14050),
	    BUTTON_TIER_FACTORY);
}

/* The tiers from the config, and a clock that seems to go back. */
static void
test_other_tiers(void **state)
{
	struct line *l = *state;
	struct button_tiers t = { .password_ms = 2000, .factory_ms = 6000,
	    .ignore_after_ms = 8000, .debounce_ms = 0 };

	button_hold_init(&l->hold, &t);
	assert_int_equal(hold_for(l, 0, 2000), BUTTON_TIER_PASSWORD);
	assert_int_equal(hold_for(l, 10000, 7000), BUTTON_TIER_FACTORY);
	assert_int_equal(hold_for(l, 20000, 8001), BUTTON_TIER_NONE);
	assert_int_equal(button_tier_of(&t, -5), BUTTON_TIER_NONE);
	button_hold_press(&l->hold, 50000);
	button_hold_release(&l->hold, 40000);
	assert_int_equal(button_hold_tick(&l->hold, 40000), BUTTON_TIER_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_tiers_at_their_edges),
		T(test_reached_while_held),
		T(test_bounce_is_one_hold),
		T(test_second_press),
		T(test_source_gone_and_back),
		T(test_released_then_gone),
		T(test_dropped_records),
		T(test_split_record_and_other_keys),
		T(test_held_at_start),
		T(test_other_tiers),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
