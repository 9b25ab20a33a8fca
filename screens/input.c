/* input.c: typing into a field and moving in a menu, for every screen. */
#include "screens/input.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/nvr_error.h"

/* A menu's hints by how many entries a digit chooses (0 to 9). */
#define MENU_HINTS(digits) { \
	{ ACTION_DOWN, NULL, "down", NULL }, \
	{ ACTION_UP, NULL, "up", NULL }, \
	{ ACTION_CONFIRM, NULL, "choose", digits }, \
	{ ACTION_BACK, NULL, "back", NULL }, \
}
static const struct view_hint menu_hints[10][INPUT_MENU_HINTS] = {
	MENU_HINTS(NULL), MENU_HINTS("1"), MENU_HINTS("1-2"),
	MENU_HINTS("1-3"), MENU_HINTS("1-4"), MENU_HINTS("1-5"),
	MENU_HINTS("1-6"), MENU_HINTS("1-7"), MENU_HINTS("1-8"),
	MENU_HINTS("1-9"),
};

/* The same for a list of files, whose last entry (r) looks again. */
#define FILES_HINTS(digits) { \
	{ ACTION_DOWN, NULL, "down", NULL }, \
	{ ACTION_UP, NULL, "up", NULL }, \
	{ ACTION_CONFIRM, NULL, "choose", digits }, \
	{ ACTION_NONE, "r", "look again", NULL }, \
	{ ACTION_BACK, NULL, "back", NULL }, \
}
static const struct view_hint files_hints[10][INPUT_MENU_HINTS + 1] = {
	FILES_HINTS(NULL), FILES_HINTS("1"), FILES_HINTS("1-2"),
	FILES_HINTS("1-3"), FILES_HINTS("1-4"), FILES_HINTS("1-5"),
	FILES_HINTS("1-6"), FILES_HINTS("1-7"), FILES_HINTS("1-8"),
	FILES_HINTS("1-9"),
};

size_t
input_menu_digits(const struct view_menu_item *items, size_t count)
{
	size_t digits = 0;

	for (size_t i = 0; i < count; i++)
		if (items[i].key[0] >= '1' && items[i].key[0] <= '9' &&
		    items[i].key[1] == '\0')
			digits++;
	return digits > 9 ? 9 : digits;
}

void
input_menu_view(struct view *view, const struct view_menu_item *items,
    size_t count, size_t selected)
{
	view->menu.items = items;
	view->menu.count = count;
	view->menu.selected = selected;
	view->hints = menu_hints[input_menu_digits(items, count)];
	view->hint_count = INPUT_MENU_HINTS;
	view->context = KEYS_CONTEXT_MENU;
}

void
input_field_view(struct view *view, struct view_field *field,
    const char *label, const struct secret *typed, bool secret, bool reveal,
    const char *note)
{
	memset(field, 0, sizeof(*field));
	field->label = label;
	if (secret && !reveal)
		field->masked = typed->length;
	else
		field->text = secret_text(typed);
	/* A password shown with ^T stays out of the terminal's history
	 * (tui/term.c). */
	view->secret_shown = secret && reveal;
	field->focused = true;
	field->note = note[0] != '\0' ? note : NULL;
	field->note_is_problem = true;
	view->fields = field;
	view->field_count = 1;
	view->context = KEYS_CONTEXT_TEXT;
}

const struct view_hint input_answer_hints[5] = {
	{ ACTION_CONFIRM, NULL, "next", NULL },
	{ ACTION_ERASE_ALL, NULL, "clear", NULL },
	{ ACTION_REVEAL, NULL, "show/hide", NULL },
	{ ACTION_BACK, NULL, "back", NULL },
	{ ACTION_INTERRUPT, NULL, "quit", NULL },
};

const struct view_hint input_back_hints[1] = {
	{ ACTION_CONFIRM, NULL, "back", NULL },
};

bool
input_storage_failure(char *out, size_t size, int code, const char *failed,
    const char *unchanged, const char *detail)
{
	const char *storage = nvr_error_storage(code);

	if (storage == NULL)
		return false;
	snprintf(out, size, "%s: %s; %s (%s).", failed, storage, unchanged,
	    detail);
	return true;
}

void
input_edit(struct secret *s, const struct keys_action_event *ev)
{
	switch (ev->action) {
	case ACTION_INSERT:
		(void)secret_append(s, ev->ch);
		break;
	case ACTION_ERASE_LEFT:
		secret_erase_last(s);
		break;
	case ACTION_ERASE_ALL:
		secret_clear(s);
		break;
	default:
		break;
	}
}

bool
input_menu_move(size_t *selected, size_t count,
    const struct keys_action_event *ev)
{
	switch (ev->action) {
	case ACTION_UP:
	case ACTION_PREVIOUS:
		if (*selected > 0)
			(*selected)--;
		return false;
	case ACTION_DOWN:
	case ACTION_NEXT:
		if (*selected + 1 < count)
			(*selected)++;
		return false;
	case ACTION_HOTKEY:
		if (ev->ch >= '1' && ev->ch <= '9' &&
		    (size_t)(ev->ch - '1') < count) {
			*selected = ev->ch - '1';
			return true;
		}
		return false;
	case ACTION_CONFIRM:
		return count > 0;
	default:
		return false;
	}
}

void
input_files_view(struct view *view, const struct view_menu_item *items,
    size_t count, size_t selected)
{
	input_menu_view(view, items, count, selected);
	view->hints = files_hints[input_menu_digits(items, count)];
	view->hint_count = INPUT_MENU_HINTS + 1;
}

void
input_text_add(char *out, size_t size, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out + *used, size - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n;
}
