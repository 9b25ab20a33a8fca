/*
 * view.h: what a screen wants shown, as plain data. Screens fill a struct
 * view; tui/draw.c turns it into curses calls. Screens never call curses,
 * which keeps them testable and keeps every byte sent to the terminal in
 * one place. All strings are borrowed: they must live until the next
 * render.
 */
#ifndef NVR_TUI_VIEW_H
#define NVR_TUI_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/keys.h"

#define VIEW_MIN_ROWS 24
#define VIEW_MIN_COLS 80

/* The device line at the top of every screen. */
struct view_header {
	const char *model;
	const char *serial;
	const char *firmware;
	const char *time;	/* the device's date and time, formatted */
};

/* One entry of the key hint line: the keys bound to ACTION (or the
 * literal KEYS when ACTION is ACTION_NONE), after ALSO if set (keys that
 * do the same, "1-4" before "Enter"), then LABEL. */
struct view_hint {
	enum keys_action action;
	const char *keys;
	const char *label;
	const char *also;
};

struct view_menu_item {
	const char *key;	/* the hotkey shown before the label: "1" */
	const char *label;
	const char *note;	/* shown dimmed after the label, or NULL */
	/* A heading drawn on its own row above this entry where it differs
	 * from the entry before's (the account store of an account, where
	 * there are several); NULL: none. Not an entry: selected, keys and
	 * counts stay the entries'. */
	const char *group;
};

struct view_menu {
	const struct view_menu_item *items;
	size_t count;		/* 0: no menu */
	size_t selected;
};

/* A field being typed. A secret's view holds only how many characters it
 * has, shown as '*', unless the owner asked to see it (text set). */
struct view_field {
	const char *label;
	size_t masked;		/* characters typed, shown as '*' */
	const char *text;	/* UTF-8 shown instead of the mask, or NULL */
	bool wide;		/* as wide as the screen allows, for long
				 * answers and questions */
	bool focused;		/* the cursor is here */
	const char *note;	/* one line under the field, or NULL */
	bool note_is_problem;	/* drawn to stand out */
};

/* A message box over the body, until the screen clears it. */
struct view_notice {
	const char *title;
	const char *text;	/* '\n' separates lines; long lines wrap */
};

/* A QR code drawn on the right of the body, beside the text, where it
 * can be: the terminal shows UTF-8, the code fits VIEW_QR_COLUMNS, and
 * the intro, fields and menu fit beside it. Where it cannot, the view is
 * drawn at the full width with PLAIN_INTRO instead of the intro, which
 * must then say what the code would have. */
struct view_qr {
	const char *text;	/* encoded with libqrencode, error correction
				 * M; NULL: no QR code */
	const char *caption;	/* one short line under it, or NULL */
	const char *plain_intro;	/* the intro without the code, or
					 * NULL: the same intro */
};

/* How wide the QR code column is (quiet zone included) when a view has
 * one: the intro, fields and menu keep left of it. */
#define VIEW_QR_COLUMNS 39

struct view {
	const char *title;
	const char *intro;	/* text above the menu; wraps; may be NULL */
	const struct view_field *fields;	/* drawn after the intro */
	size_t field_count;
	struct view_menu menu;
	struct view_notice notice;	/* shown if text is not NULL */
	struct view_qr qr;	/* drawn if text is not NULL */
	const char *status;	/* one line above the hints, or NULL */
	const struct view_hint *hints;
	size_t hint_count;
	enum keys_context context;	/* how keys are read meanwhile */
	int redraw_in_ms;	/* > 0: draw again after this long even if no
				 * key comes (a wait counting down) */
	bool secret_shown;	/* a secret is in plain sight (a recovery key,
				 * a typed key or code, an answer shown with
				 * ^T): while it is, tui/ blanks the screen in
				 * place before anything clears it (Ctrl-L, a
				 * resize, the end), so that no terminal keeps
				 * it in its history */
};

#endif
