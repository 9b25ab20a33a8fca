/*
 * input.h: what the screens do alike with keys: typing into a field,
 * moving in a menu, and the hint lines that go with them.
 */
#ifndef NVR_SCREENS_INPUT_H
#define NVR_SCREENS_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/secret.h"
#include "screens/screen.h"

/* Appends to OUT (SIZE bytes, *USED of them filled) as snprintf does:
 * never past its end, and nothing once it is full (*USED may then pass
 * SIZE, as snprintf's count does). */
void input_text_add(char *out, size_t size, size_t *used, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

/* When CODE is the storage's own failure (a full disk: common/
 * nvr_error.h's nvr_error_storage), writes to OUT "FAILED: <that, in the
 * owner's words>; UNCHANGED (DETAIL)." and returns true, e.g. "Could not
 * save the new password: the recorder's storage is full; nothing was
 * changed (/etc/shadow+: No space left on device)." Else returns false
 * and leaves OUT alone. */
bool input_storage_failure(char *out, size_t size, int code,
    const char *failed, const char *unchanged, const char *detail);

/* Types into, or erases from, S as EV says; other actions are ignored. */
void input_edit(struct secret *s, const struct keys_action_event *ev);

/* Moves *SELECTED in a menu of COUNT entries (digits 1-9 choose at once).
 * Returns true when an entry was chosen. */
bool input_menu_move(size_t *selected, size_t count,
    const struct keys_action_event *ev);

/* Sets VIEW's hints to the array H. */
#define INPUT_HINTS(view, h) \
	((view)->hints = (h), (view)->hint_count = sizeof(h) / sizeof((h)[0]))

/* How many of ITEMS a digit chooses (their key is "1" to "9"). */
size_t input_menu_digits(const struct view_menu_item *items, size_t count);

/* Shows the menu ITEMS in VIEW, with its hints: move, the digits that
 * choose ("1-4/Enter choose"), back. */
#define INPUT_MENU_HINTS 4
void input_menu_view(struct view *view, const struct view_menu_item *items,
    size_t count, size_t selected);

/* Shows one typed field in VIEW, FIELD its storage: TYPED masked when
 * SECRET unless REVEAL (then the view keeps it out of the terminal's
 * history), the cursor in it, NOTE under it as a problem ("" none). */
void input_field_view(struct view *view, struct view_field *field,
    const char *label, const struct secret *typed, bool secret, bool reveal,
    const char *note);

/* The same for a list of files found, whose last entry (r) looks again. */
void input_files_view(struct view *view, const struct view_menu_item *items,
    size_t count, size_t selected);
/* An answer: next, clear, show/hide, back, quit. */
extern const struct view_hint input_answer_hints[5];
/* A notice that leads back. */
extern const struct view_hint input_back_hints[1];

#endif
