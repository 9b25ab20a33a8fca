/*
 * evdev.h: the reset button as an input device. A board's gpio-keys node
 * makes the button a key (KEY_RESTART, say) of /dev/input/eventN; the
 * kernel delivers each change as struct input_event records: EV_KEY with
 * value 1 (down), 0 (up) or 2 (autorepeat), each batch ended by
 * EV_SYN/SYN_REPORT, and EV_SYN/SYN_DROPPED when its queue overflowed.
 *
 * This reads those records from a file descriptor, whatever it is (the
 * device; a pipe or socket in the tests), and feeds the key's edges, at
 * the records' own times, to a button_hold. The watcher sets the
 * device's clock to CLOCK_BOOTTIME (EVIOCSCLOCKID) so those times are
 * the boot clock's.
 */
#ifndef NVR_BACKENDS_BUTTON_EVDEV_H
#define NVR_BACKENDS_BUTTON_EVDEV_H

#include <linux/input.h>
#include <stdbool.h>
#include <stddef.h>

#include "backends/button/hold.h"

#define BUTTON_EVDEV_BATCH 64

struct button_evdev {
	int fd;			/* non-blocking */
	unsigned key;		/* the key's code: KEY_RESTART, ... */
	/* Records read and not handled yet: a batch is worked through
	 * across calls when one of its presses ends a hold. */
	struct input_event batch[BUTTON_EVDEV_BATCH];
	size_t have, next;
	size_t partial;		/* bytes of an incomplete record at the
				 * end of BATCH (a pipe may split one) */
	bool dropped;		/* after SYN_DROPPED, until SYN_REPORT:
				 * the records describe a lost past */
	/* Whether the key is down now, asked after a SYN_DROPPED (the
	 * device's EVIOCGKEY); NULL: taken as up. */
	int (*key_down)(void *ctx, bool *down);
	void *key_down_ctx;
};

/* Reads from FD (opened O_NONBLOCK) for KEY. */
void button_evdev_init(struct button_evdev *e, int fd, unsigned key);

/*
 * Handles what FD has ready, feeding H. Returns 1 when a press ended a
 * hold whose tier (in *TIER) is not BUTTON_TIER_NONE: call again, before
 * waiting for the descriptor, for the rest of the batch; 0 when all that
 * was ready is handled (*TIER NONE); -ENODEV when the source is gone (a
 * pulled USB keyboard: ENODEV; end of file on a pipe); or another
 * negative errno. A source gone ends a hold still down
 * (button_hold_source_gone).
 */
int button_evdev_read(struct button_evdev *e, struct button_hold *h,
    enum button_tier *tier);

/* A record's time in ms (the device's clock). */
int64_t button_evdev_ms(const struct input_event *ev);

#endif
