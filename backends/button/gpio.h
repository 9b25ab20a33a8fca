/*
 * gpio.h: the reset button as a GPIO line. The watcher requests it with
 * libgpiod 1.6 for both edges (active low where the button pulls it to
 * ground: the kernel then reports a press as a rising edge), and each
 * edge arrives on the line's event descriptor as the kernel's
 * gpioevent_data record (a pipe in the tests: this kernel has no
 * gpio-sim), read here directly rather than through
 * gpiod_line_event_read_fd_multiple: libgpiod hands events over in a
 * struct timespec, which on a 32-bit system is the library's size of
 * time_t (32 bits on Debian 12 armhf) and not this build's (64 bits):
 * the kernel's record has one layout for both.
 *
 * The kernel keeps 16 edges and drops the rest without a word, and
 * reads the line's level late to tell a rising edge from a falling one,
 * so two presses may come without the release between them: the hold
 * is then measured from the second (the first one's end is not known;
 * counting from the first could make a knock and a short press, seconds
 * apart, a factory reset). A release after a release is no edge.
 *
 * The records' times are CLOCK_MONOTONIC's since Linux 5.7 and the wall
 * clock's before it; each is taken back to the boot clock by its age on
 * whichever of the two it is closer to (they are decades apart), so a
 * hold is measured on the boot clock either way.
 */
#ifndef NVR_BACKENDS_BUTTON_GPIO_H
#define NVR_BACKENDS_BUTTON_GPIO_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "backends/button/hold.h"

#define BUTTON_GPIO_BATCH 16

struct button_gpio {
	int fd;			/* the line's event descriptor, non-blocking */
	/* CLOCK's time now in ms (clock_gettime; the tests' own). */
	int64_t (*now_ms)(void *ctx, clockid_t clock);
	void *now_ctx;
	/* Edges read and not handled yet (a press that ended a hold
	 * returns before the rest of its batch). */
	int64_t at[BUTTON_GPIO_BATCH];
	bool press[BUTTON_GPIO_BATCH];
	size_t have, next;
	bool last_press;	/* the last edge handled was a press */
};

/* Reads from FD (non-blocking), with the system's clocks. */
void button_gpio_init(struct button_gpio *g, int fd);

/*
 * As button_evdev_read (evdev.h): handles what FD has ready, feeding H;
 * 1 when a press ended a hold with a tier (in *TIER: call again for the
 * rest), 0 when all is handled, -ENODEV when the source is gone (its
 * end, or a short record: EIO), another negative errno.
 */
int button_gpio_read(struct button_gpio *g, struct button_hold *h,
    enum button_tier *tier);

/* The boot clock's time of an event stamped TS (see above). */
int64_t button_gpio_event_ms(const struct button_gpio *g,
    const struct timespec *ts);

#endif
