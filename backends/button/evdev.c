/*
 * evdev.c: the button's input_event records to a hold's edges (evdev.h).
 *
 * Invariants:
 * 1. Records are handled in the order the kernel wrote them, each once,
 *    at its own time; only whole records are handled (a pipe in a test
 *    may split one; a device never does).
 * 2. After SYN_DROPPED the hold in progress is abandoned, and the
 *    records up to the next SYN_REPORT are skipped: they describe a past
 *    with a gap in it, and a hold measured across a gap could ask for
 *    the wrong tier. A key found down at that SYN_REPORT is a hold of
 *    unknown length, whose release asks for nothing.
 * 3. Autorepeat (value 2) is not an edge.
 */
#include "backends/button/evdev.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* The kernel's record: two longs of time (on 32-bit systems with 64-bit
 * time too: input_event_sec is then an unsigned long), then 8 bytes. */
_Static_assert(sizeof(struct input_event) == 2 * sizeof(long) + 8,
    "struct input_event is not the kernel's record");

void
button_evdev_init(struct button_evdev *e, int fd, unsigned key)
{
	memset(e, 0, sizeof(*e));
	e->fd = fd;
	e->key = key;
}

int64_t
button_evdev_ms(const struct input_event *ev)
{
	/* input_event_sec: the field's name on 32-bit systems with 64-bit
	 * time as on the others. */
	return (int64_t)ev->input_event_sec * 1000 +
	    (int64_t)ev->input_event_usec / 1000;
}

/* Reads more records into E's batch; 0 with none ready, 1 with some,
 * -ENODEV at the source's end, or another negative errno. */
static int
refill(struct button_evdev *e)
{
	unsigned char *bytes = (unsigned char *)e->batch;
	size_t rec = sizeof(e->batch[0]), total;
	ssize_t n;

	/* The piece of a record left after the last whole one. */
	if (e->partial > 0)
		memmove(bytes, bytes + e->have * rec, e->partial);
	e->have = e->next = 0;
	for (;;) {
		n = read(e->fd, bytes + e->partial, sizeof(e->batch) -
		    e->partial);
		if (n >= 0 || errno != EINTR)
			break;
	}
	if (n == 0)
		return -ENODEV;
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 :
		    errno == ENODEV ? -ENODEV : -errno;
	total = e->partial + (size_t)n;
	e->have = total / rec;
	e->partial = total % rec;
	return e->have > 0 ? 1 : 0;
}

/* Handles one record; the tier a press ended, else BUTTON_TIER_NONE. */
static enum button_tier
handle(struct button_evdev *e, struct button_hold *h,
    const struct input_event *ev)
{
	int64_t at = button_evdev_ms(ev);

	if (ev->type == EV_SYN && ev->code == SYN_DROPPED) {
		e->dropped = true;
		button_hold_abandon(h);
		return BUTTON_TIER_NONE;
	}
	if (ev->type == EV_SYN && ev->code == SYN_REPORT && e->dropped) {
		bool down = false;

		e->dropped = false;
		/* Down now, pressed when is not known: letting go of it
		 * asks for nothing (the safe side of a lost record). */
		if (e->key_down != NULL && e->key_down(e->key_down_ctx,
		    &down) == 0 && down)
			button_hold_found_down(h, at);
		return BUTTON_TIER_NONE;
	}
	if (e->dropped || ev->type != EV_KEY || ev->code != e->key)
		return BUTTON_TIER_NONE;
	if (ev->value == 1)
		return button_hold_press(h, at);
	if (ev->value == 0)
		button_hold_release(h, at);
	return BUTTON_TIER_NONE;
}

int
button_evdev_read(struct button_evdev *e, struct button_hold *h,
    enum button_tier *tier)
{
	*tier = BUTTON_TIER_NONE;
	for (;;) {
		while (e->next < e->have) {
			*tier = handle(e, h, &e->batch[e->next++]);
			if (*tier != BUTTON_TIER_NONE)
				return 1;
		}
		int rc = refill(e);

		if (rc == -ENODEV)
			button_hold_source_gone(h);
		if (rc <= 0)
			return rc;
	}
}
