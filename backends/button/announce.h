/*
 * announce.h: what the reset button's watcher tells the wizards running
 * on the consoles while the button is held, so that each shows a line
 * saying what letting go now would do. The watcher writes one word into
 * STATE_DIR/button-held when that changes, and removes the file when the
 * button is up; a wizard reads it as it draws (every half second).
 * Only the watcher writes it (one per recorder).
 */
#ifndef NVR_BACKENDS_BUTTON_ANNOUNCE_H
#define NVR_BACKENDS_BUTTON_ANNOUNCE_H

#include "common/nvr_error.h"

#define BUTTON_ANNOUNCE_NAME "button-held"

enum button_announce {
	BUTTON_ANNOUNCE_UP,		/* not held: no file */
	BUTTON_ANNOUNCE_HELD,		/* held, not long enough yet */
	BUTTON_ANNOUNCE_PASSWORD,	/* let go now: passwords cleared */
	BUTTON_ANNOUNCE_FACTORY,	/* let go now: a factory reset */
	BUTTON_ANNOUNCE_TOO_LONG,	/* let go now: nothing */
};

/* Writes A (or removes the file for BUTTON_ANNOUNCE_UP) in STATE_DIR.
 * Returns 0 or a negative errno. */
int button_announce_write(const char *state_dir, enum button_announce a,
    struct nvr_error *err);

/* What STATE_DIR's file says; BUTTON_ANNOUNCE_UP when there is none or
 * it says nothing known. */
enum button_announce button_announce_read(const char *state_dir);

/* The console's line for A, or NULL for BUTTON_ANNOUNCE_UP. */
const char *button_announce_line(enum button_announce a);

#endif
