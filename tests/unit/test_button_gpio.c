/*
 * test_button_gpio: the reset button as a GPIO line (backends/button/
 * gpio.c). This kernel has no gpio-sim, so the line's event descriptor
 * is a pipe into which the tests write the kernel's gpioevent_data
 * records (a time in ns, the edge); the clocks are injected, and the records' times are on either
 * of the clocks a kernel uses for them (CLOCK_MONOTONIC since Linux 5.7,
 * the wall clock before). The tiers, debounce and a source's end are
 * those of the evdev button (test_button), through the same hold.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/gpio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/button/gpio.h"
#include "backends/button/hold.h"

/* The clocks at the start of a test, in ms; each moves with BOOT. */
#define MONO_AT_BOOT_0 (-2500)		/* monotonic = boot - 2.5 s */
#define REAL_AT_BOOT_0 1796000000000LL	/* the wall clock, 2026 */

struct line {
	int fds[2];
	struct button_gpio gpio;
	struct button_hold hold;
	int64_t boot;		/* the injected boot clock, ms */
	bool wall_stamps;	/* a kernel before 5.7 */
	int64_t wall_set;	/* ms the wall clock was set by */
};

static int64_t
clock_of(void *ctx, clockid_t clock)
{
	const struct line *l = ctx;

	if (clock == CLOCK_MONOTONIC)
		return l->boot + MONO_AT_BOOT_0;
	if (clock == CLOCK_REALTIME)
		return l->boot + REAL_AT_BOOT_0 + l->wall_set;
	return l->boot;
}

static int
setup(void **state)
{
	struct line *l = calloc(1, sizeof(*l));
	struct button_tiers t = button_tiers_default();

	assert_non_null(l);
	assert_int_equal(pipe2(l->fds, O_NONBLOCK | O_CLOEXEC), 0);
	button_gpio_init(&l->gpio, l->fds[0]);
	l->gpio.now_ms = clock_of;
	l->gpio.now_ctx = l;
	button_hold_init(&l->hold, &t);
	l->boot = 100000;
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

/* An edge at boot-clock time MS (PRESS: rising), stamped as the kernel
 * stamps it. */
static void
edge(struct line *l, int64_t ms, bool press)
{
	struct gpioevent_data ev;
	int64_t stamp = ms + (l->wall_stamps ? REAL_AT_BOOT_0 + l->wall_set :
	    MONO_AT_BOOT_0);

	memset(&ev, 0, sizeof(ev));
	ev.timestamp = (uint64_t)stamp * 1000000;
	ev.id = press ? GPIOEVENT_EVENT_RISING_EDGE :
	    GPIOEVENT_EVENT_FALLING_EDGE;
	assert_int_equal(write(l->fds[1], &ev, sizeof(ev)),
	    (ssize_t)sizeof(ev));
}

/* A hold from START for HELD_MS, read once the clock is past it and its
 * debounce: the tier it asks for. */
static enum button_tier
hold_for(struct line *l, int64_t start, int64_t held_ms)
{
	enum button_tier tier;

	edge(l, start, true);
	edge(l, start + held_ms, false);
	l->boot = start + held_ms + 5;
	assert_int_equal(button_gpio_read(&l->gpio, &l->hold, &tier), 0);
	assert_int_equal(button_hold_tick(&l->hold, l->boot),
	    BUTTON_TIER_NONE);
	l->boot += l->hold.tiers.debounce_ms;
	return button_hold_tick(&l->hold, l->boot);
}

/* The tiers at their edges, with the kernel's monotonic stamps. */
static void
test_tiers_monotonic_stamps(void **state)
{
	struct line *l = *state;
	static const struct { int64_t ms; enum button_tier tier; } cases[] = {
		{ 3900, BUTTON_TIER_NONE }, { 4000, BUTTON_TIER_PASSWORD },
		{ 9900, BUTTON_TIER_PASSWORD }, { 10000, BUTTON_TIER_FACTORY },
		{ 30000, BUTTON_TIER_FACTORY }, { 30100, BUTTON_TIER_NONE },
	};
	int64_t start = l->boot;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(hold_for(l, start, cases[i].ms),
		    cases[i].tier);
		start = l->boot + 5000;
	}
}

/* An older kernel stamps with the wall clock: the same holds, the same
 * tiers. The wall clock set back an hour while the button is held (an
 * NTP fix) changes nothing measured: each edge's age is taken on the
 * clock as it is when the edge is read, at once. */
static void
test_tiers_wall_stamps(void **state)
{
	struct line *l = *state;
	enum button_tier tier;
	int64_t t;

	l->wall_stamps = true;
	assert_int_equal(hold_for(l, l->boot, 4500), BUTTON_TIER_PASSWORD);
	assert_int_equal(hold_for(l, l->boot + 2000, 12000),
	    BUTTON_TIER_FACTORY);
	assert_int_equal(hold_for(l, l->boot + 2000, 2000), BUTTON_TIER_NONE);
	t = l->boot + 2000;
	l->boot = t;
	edge(l, t, true);
	assert_int_equal(button_gpio_read(&l->gpio, &l->hold, &tier), 0);
	l->wall_set = -3600 * 1000;
	l->boot = t + 4500;
	edge(l, t + 4500, false);
	assert_int_equal(button_gpio_read(&l->gpio, &l->hold, &tier), 0);
	l->boot += l->hold.tiers.debounce_ms;
	assert_int_equal(button_hold_tick(&l->hold, l->boot),
	    BUTTON_TIER_PASSWORD);
}

/* A contact that bounces: rising and falling edges a few ms apart at
 * both ends are one hold, measured from the first press to the last
 * release. */
static void
test_bounces(void **state)
{
	struct line *l = *state;
	enum button_tier tier;
	int64_t t = l->boot;

	edge(l, t, true);
	edge(l, t + 3, false);
	edge(l, t + 9, true);
	edge(l, t + 4200, false);
	edge(l, t + 4210, true);
	edge(l, t + 4215, false);
	l->boot = t + 4216;
	assert_int_equal(button_gpio_read(&l->gpio, &l->hold, &tier), 0);
	assert_int_equal(button_hold_reached(&l->hold, l->boot),
	    BUTTON_TIER_PASSWORD);
	l->boot += l->hold.tiers.debounce_ms;
	assert_int_equal(button_hold_tick(&l->hold, l->boot),
	    BUTTON_TIER_PASSWORD);
}

/* The kernel dropped a release (its queue was full, or it read the
 * level late): a 2 s knock, 8 s up, then a 1 s press must not be one
 * 11 s hold (a factory reset); the second press starts a hold of its
 * own, and a release after a release is nothing. */
static void
test_lost_release(void **state)
{
	struct line *l = *state;
	enum button_tier tier;
	int64_t t = l->boot;

	edge(l, t, true);
	edge(l, t + 10000, true);
	edge(l, t + 11000, false);
	edge(l, t + 11500, false);
	l->boot = t + 11600;
	assert_int_equal(button_gpio_read(&l->gpio, &l->hold, &tier), 0);
	assert_int_equal(button_hold_tick(&l->hold, l->boot),
	    BUTTON_TIER_NONE);
	/* The next hold is measured whole. */
	assert_int_equal(hold_for(l, l->boot + 1000, 4200),
	    BUTTON_TIER_PASSWORD);
}

/* Two holds in one batch: the first one's tier is returned when the
 * second press ends it, and the second is read on the next call. */
static void
test_second_press_in_batch(void **state)
{
	struct line *l = *state;
	enum button_tier tier;
	int64_t t = l->boot;

	edge(l, t, true);
	edge(l, t + 11000, false);
	edge(l, t + 12000, true);
	edge(l, t + 16500, false);
	l->boot = t + 16600;
	assert_int_equal(button_gpio_read(&l->gpio, &l->hold, &tier), 1);
	assert_int_equal(tier, BUTTON_TIER_FACTORY);
	assert_int_equal(button_gpio_read(&l->gpio, &l->hold, &tier), 0);
	assert_int_equal(button_hold_tick(&l->hold, l->boot),
	    BUTTON_TIER_PASSWORD);
}

/* The descriptor's end while held (a pipe's, standing in for a line
 * that goes away): nothing asked; a short record (not the kernel's) is
 * the end too. A release seen before the end counts. */
static void
test_source_gone(void **state)
{
	struct line *l = *state;
	enum button_tier tier;

	edge(l, l->boot, true);
	assert_int_equal(button_gpio_read(&l->gpio, &l->hold, &tier), 0);
	l->boot += 6000;
	assert_int_equal(write(l->fds[1], "xy", 2), 2);
	assert_int_equal(button_gpio_read(&l->gpio, &l->hold, &tier),
	    -ENODEV);
	assert_int_equal(button_hold_tick(&l->hold, l->boot + 1000),
	    BUTTON_TIER_NONE);
	assert_int_equal(button_hold_reached(&l->hold, l->boot),
	    BUTTON_TIER_NONE);
}

static void
test_released_then_closed(void **state)
{
	struct line *l = *state;
	enum button_tier tier;

	edge(l, l->boot, true);
	edge(l, l->boot + 4500, false);
	close(l->fds[1]);
	l->fds[1] = -1;
	l->boot += 4600;
	assert_int_equal(button_gpio_read(&l->gpio, &l->hold, &tier),
	    -ENODEV);
	assert_int_equal(button_hold_tick(&l->hold, l->boot),
	    BUTTON_TIER_PASSWORD);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_tiers_monotonic_stamps),
		T(test_tiers_wall_stamps),
		T(test_bounces),
		T(test_lost_release),
		T(test_second_press_in_batch),
		T(test_source_gone),
		T(test_released_then_closed),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
