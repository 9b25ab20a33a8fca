/*
 * theme.h: how each part of the screen looks, in colour and in monochrome.
 * Monochrome (no colours, NO_COLOR set, or console.color: never) uses
 * bold and reverse only, so every role stays distinguishable on a vt100.
 */
#ifndef NVR_TUI_THEME_H
#define NVR_TUI_THEME_H

#include <stdbool.h>
#include <curses.h>

enum theme_role {
	THEME_NORMAL = 0,
	THEME_HEADER,		/* device line at the top */
	THEME_TITLE,		/* the screen's name */
	THEME_SELECTED,		/* the highlighted menu entry */
	THEME_HINT,		/* the key hint line */
	THEME_HINT_KEY,		/* key names within it */
	THEME_NOTICE,		/* a notice's title */
	THEME_STATUS,		/* one-line status above the hints */
	THEME_FIELD,		/* where a secret is typed */
	THEME_QR,		/* a QR code: light modules are the glyphs */
	THEME_ROLE_COUNT,
};

/* Sets the attributes up; call after initscr/newterm. */
void theme_init(bool monochrome);

attr_t theme_attr(enum theme_role role);

#endif
