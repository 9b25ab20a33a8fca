/* account_menu.c: the "which account?" menu. */
#include "screens/account_menu.h"

#include "screens/input.h"

#include <stdio.h>
#include <string.h>

bool
account_menu_load(struct account_menu *m,
    const struct screen_context *context, char *message, size_t size)
{
	const struct accounts *accounts = context->accounts;
	struct nvr_error err;

	memset(m, 0, sizeof(*m));
	if (accounts->ops->list(accounts->state, m->accounts,
	    ACCOUNT_MENU_MAX, &m->count, &err) != 0) {
		snprintf(message, size, "The accounts cannot be read: %s",
		    err.message);
		return false;
	}
	if (m->count == 0) {
		snprintf(message, size, "There is no account this tool may "
		    "change.");
		return false;
	}
	for (size_t i = 0; i < m->count; i++) {
		/* Digits choose, as in the main menu; past 9, move and
		 * Enter. */
		snprintf(m->keys[i], sizeof(m->keys[i]), "%c",
		    i < 9 ? (char)('1' + i) : ' ');
		m->items[i].key = m->keys[i];
		m->items[i].label = m->accounts[i].name;
		m->items[i].note = m->notes[i];
	}
	return true;
}

bool
account_menu_handle(struct account_menu *m,
    const struct keys_action_event *ev)
{
	switch (ev->action) {
	case ACTION_UP:
	case ACTION_PREVIOUS:
		if (m->selected > 0)
			m->selected--;
		return false;
	case ACTION_DOWN:
	case ACTION_NEXT:
		if (m->selected + 1 < m->count)
			m->selected++;
		return false;
	case ACTION_CONFIRM:
		return true;
	case ACTION_HOTKEY:
		if (ev->ch >= '1' && ev->ch <= '9' &&
		    (size_t)(ev->ch - '1') < m->count) {
			m->selected = ev->ch - '1';
			return true;
		}
		return false;
	default:
		return false;
	}
}

const struct account *
account_menu_find(struct account_menu *m, const char *name)
{
	for (size_t i = 0; i < m->count; i++) {
		if (strcmp(m->accounts[i].name, name) == 0) {
			m->selected = i;
			return &m->accounts[i];
		}
	}
	return NULL;
}

void
account_menu_render(const struct account_menu *m, struct view *view)
{
	input_menu_view(view, m->items, m->count, m->selected);
}
