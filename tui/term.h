/*
 * term.h: the terminal session. The one owner of the terminal: it starts
 * curses on the controlling terminal or on a named device, reads keys,
 * notices resizes, signals and hang-ups, and restores the terminal on
 * every way out.
 *
 * Signal handlers only set a flag; term_next_event() reports it and the
 * caller unwinds normally, so nothing is left half-done.
 */
#ifndef NVR_TUI_TERM_H
#define NVR_TUI_TERM_H

#include <stdbool.h>

#include "common/nvr_error.h"
#include "tui/keys.h"

struct term_options {
	const char *tty_path;	/* NULL: standard input and output */
	bool serial;		/* run on PORT_FD, an open serial line
				 * (tui/port.h): its size is asked of the
				 * terminal at the other end, and again on
				 * Ctrl-L */
	int port_fd;
	bool xonxoff;		/* the port's flow control is XON/XOFF */
	int escdelay_ms;	/* wait for the rest of an Esc sequence */
	bool monochrome;	/* bold and reverse only */
};

enum term_event_kind {
	TERM_EVENT_KEY,		/* key holds a decoded key */
	TERM_EVENT_TICK,	/* the timeout passed with no input */
	TERM_EVENT_RESIZE,	/* the terminal changed size */
	TERM_EVENT_SIGNAL,	/* SIGINT, SIGTERM or SIGHUP: signal holds it */
	TERM_EVENT_HANGUP,	/* the terminal went away */
};

struct term_event {
	enum term_event_kind kind;
	struct keys_event key;
	int signal;
};

/*
 * Starts curses. Standard error is held in a temporary file until
 * term_end(), so a library's warning cannot scribble over the screen.
 * Returns 0, or a negative errno with ERR filled (the terminal untouched).
 */
int term_begin(const struct term_options *options, struct nvr_error *err);

/*
 * Restores the terminal and prints what was held from standard error.
 * Clears the screen first on terminals without an alternate screen
 * (linux, vt100), so nothing is left for the next person. Idempotent;
 * registered with atexit by term_begin.
 */
void term_end(void);

/* Waits up to TIMEOUT_MS for the next event. */
void term_next_event(struct term_event *ev, int timeout_ms);

/* Drops keys typed but not read yet: after a slow step (hashing takes
 * seconds on an NVR), an Enter pressed twice must not dismiss what the
 * step shows before anyone has seen it. */
void term_discard_input(void);

/* Whether keys typed ahead are waiting: read and not yet handled, or
 * still in the terminal's queue (on a serial line, or coming within
 * three characters' time at its speed: a paste arrives at that pace). */
bool term_input_waiting(void);

/* Makes the next draw repaint every cell (Ctrl-L); on a serial line
 * also asks the terminal its size again (a resized laptop window). */
void term_repaint(void);


#endif
