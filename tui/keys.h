/*
 * keys.h: from the bytes a terminal sends to the actions a screen acts on.
 *
 * Two steps, both pure functions of their input so they can be unit
 * tested:
 * 1. keys_feed() decodes the byte stream (UTF-8 text, control bytes, CSI
 *    and SS3 sequences of vt100, vt220, xterm, linux and PuTTY) into key
 *    events. ncurses' own keypad decoding is not used: it only knows the
 *    sequences of the TERM it was given, and a technician's PuTTY rarely
 *    matches the TERM on the NVR. Unknown or broken CSI and SS3 sequences
 *    are consumed whole and dropped, so line noise never turns into a
 *    stray Esc followed by letters; an Esc followed by a byte that starts
 *    no sequence is an Esc, then that key (type-ahead on a serial line).
 * 2. keys_action() maps an event to an action through one binding table,
 *    per context (a menu takes letters as choices, a text field as text).
 *    The hint line is drawn from the same table, so it cannot disagree
 *    with the bindings.
 *
 * Every action has a key a vt100 keyboard without function or arrow keys
 * can send: letters, digits, Tab, Enter, Esc, Backspace or Ctrl.
 */
#ifndef NVR_TUI_KEYS_H
#define NVR_TUI_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum keys_code {
	KEYS_NONE = 0,		/* consumed, nothing to do */
	KEYS_CHAR,		/* printable character in ch (Unicode) */
	KEYS_CTRL,		/* Ctrl + the letter in ch ('a'..'z') */
	KEYS_ENTER,
	KEYS_TAB,
	KEYS_BACKTAB,
	KEYS_ESC,
	KEYS_BACKSPACE,
	KEYS_DELETE,
	KEYS_INSERT,
	KEYS_UP,
	KEYS_DOWN,
	KEYS_LEFT,
	KEYS_RIGHT,
	KEYS_HOME,
	KEYS_END,
	KEYS_PGUP,
	KEYS_PGDN,
	KEYS_FN,		/* function key number ch (1..20) */
	KEYS_CURSOR_REPORT,	/* the terminal's answer to "where is the
				 * cursor": row in ch >> 16, column in
				 * ch & 0xffff (both 2 to KEYS_REPORT_MAX:
				 * the question asks for 999;999) */
};

struct keys_event {
	enum keys_code code;
	uint32_t ch;
};

#define KEYS_SEQUENCE_MAX 64	/* bytes; longer sequences are noise */
#define KEYS_REPORT_MAX 999	/* a cursor report's largest row, column */

struct keys_decoder {
	int state;
	uint32_t codepoint;	/* UTF-8 being assembled */
	uint32_t min;		/* smallest codepoint its length allows */
	int utf8_left;		/* continuation bytes still expected */
	unsigned param;		/* first numeric CSI parameter */
	unsigned param2;	/* the second */
	bool param_seen;	/* a ';' ended the first parameter */
	size_t length;		/* bytes in the current sequence */
	bool after_cr;		/* a CR was the last byte: drop one LF */
	unsigned char held;	/* a byte to decode after an Esc */
	bool has_held;
};

void keys_init(struct keys_decoder *dec);

/*
 * Feeds one byte. Returns true with EV filled when a key is complete
 * (EV may be KEYS_NONE for a dropped sequence); false while a sequence or
 * UTF-8 character is incomplete.
 */
bool keys_feed(struct keys_decoder *dec, unsigned char byte,
    struct keys_event *ev);

/*
 * An Esc followed by a byte that starts no sequence gives two keys: the Esc
 * comes from keys_feed, and the other from keys_next, which the caller
 * calls after every event until it returns false.
 */
bool keys_next(struct keys_decoder *dec, struct keys_event *ev);

/* True if a CSI sequence (Esc [ ...) has begun and not ended: more than
 * a lone Esc was typed or sent. */
bool keys_in_csi(const struct keys_decoder *dec);

/* True if bytes are waiting for the rest of a sequence, or in keys_next. */
bool keys_pending(const struct keys_decoder *dec);

/*
 * Called when no byte came within the Esc delay: a lone Esc becomes
 * KEYS_ESC, a partial sequence is dropped. Returns true with EV filled if
 * there was anything pending.
 */
bool keys_flush(struct keys_decoder *dec, struct keys_event *ev);

enum keys_context {
	KEYS_CONTEXT_MENU = 1 << 0,	/* letters and digits pick entries */
	KEYS_CONTEXT_TEXT = 1 << 1,	/* letters and digits are typed */
	KEYS_CONTEXT_MESSAGE = 1 << 2,	/* a notice waiting to be read */
};

enum keys_action {
	ACTION_NONE = 0,
	ACTION_UP,
	ACTION_DOWN,
	ACTION_FIRST,
	ACTION_LAST,
	ACTION_PAGE_UP,
	ACTION_PAGE_DOWN,
	ACTION_LEFT,
	ACTION_RIGHT,
	ACTION_NEXT,		/* next field or entry */
	ACTION_PREVIOUS,
	ACTION_CONFIRM,
	ACTION_BACK,		/* one step back; never quits the main menu */
	ACTION_QUIT,		/* leave the wizard */
	ACTION_INTERRUPT,	/* Ctrl-C: leave the wizard now */
	ACTION_REDRAW,
	ACTION_ERASE_LEFT,
	ACTION_ERASE_RIGHT,
	ACTION_ERASE_ALL,
	ACTION_REVEAL,		/* show or hide what is typed in a field */
	ACTION_HOTKEY,		/* a menu's letter or digit, in ch */
	ACTION_INSERT,		/* a character typed into a field, in ch */
};

struct keys_action_event {
	enum keys_action action;
	uint32_t ch;
};

/* The action EV means in CONTEXT. */
struct keys_action_event keys_action(enum keys_context context,
    const struct keys_event *ev);

/*
 * Writes the keys bound to ACTION in CONTEXT that the hint line shows,
 * joined by '/', e.g. "j/k" or "Enter". Returns the length written.
 */
size_t keys_names(enum keys_context context, enum keys_action action,
    char *buf, size_t size);

#endif
