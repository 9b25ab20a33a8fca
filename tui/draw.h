/*
 * draw.h: composes a view on the terminal: header, title, body, notice,
 * status and key hints, or the one-line too-small message. Everything is
 * drawn into curses' virtual screen and sent with one doupdate(), so only
 * the cells that changed cross the wire.
 */
#ifndef NVR_TUI_DRAW_H
#define NVR_TUI_DRAW_H

#include <stdbool.h>

#include "tui/view.h"

/* True if the terminal is at least VIEW_MIN_ROWS x VIEW_MIN_COLS. */
bool draw_fits(void);

/* Draws VIEW under HEADER, or the too-small message. */
void draw_view(const struct view_header *header, const struct view *view);

/* Frees what draw_view keeps between calls (the curses menu). */
void draw_release(void);

/* True if the view drawn last has secret_shown set: the terminal shows a
 * secret now. */
bool draw_secret_shown(void);

/* What the frame drawn last could not show whole ("status: Refused:
 * ..."), or NULL if everything fit. */
const char *draw_cut(void);

/* Whether the frame drawn last had a menu longer than its room, which
 * scrolls (and says so). */
bool draw_menu_scrolls(void);

#endif
