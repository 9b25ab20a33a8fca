/* input.c: typing into a field and moving in a menu, for every screen. */
#include "screens/input.h"

const struct view_hint input_menu_hints[4] = {
	{ ACTION_DOWN, NULL, "down" },
	{ ACTION_UP, NULL, "up" },
	{ ACTION_CONFIRM, NULL, "choose" },
	{ ACTION_BACK, NULL, "back" },
};

const struct view_hint input_answer_hints[5] = {
	{ ACTION_CONFIRM, NULL, "next" },
	{ ACTION_ERASE_ALL, NULL, "clear" },
	{ ACTION_REVEAL, NULL, "show/hide" },
	{ ACTION_BACK, NULL, "back" },
	{ ACTION_INTERRUPT, NULL, "quit" },
};

const struct view_hint input_back_hints[1] = {
	{ ACTION_CONFIRM, NULL, "back" },
};

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
