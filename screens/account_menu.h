/*
 * account_menu.h: the "which account?" menu that several screens open
 * with: the accounts from the backend, the admin first, digits 1-9 to
 * choose, and a note per account that the screen writes.
 */
#ifndef NVR_SCREENS_ACCOUNT_MENU_H
#define NVR_SCREENS_ACCOUNT_MENU_H

#include "screens/screen.h"

#define ACCOUNT_MENU_MAX 16

struct account_menu {
	struct account accounts[ACCOUNT_MENU_MAX];
	size_t count;
	size_t selected;
	struct view_menu_item items[ACCOUNT_MENU_MAX];
	char keys[ACCOUNT_MENU_MAX][4];
	char notes[ACCOUNT_MENU_MAX][64];
};

/* Lists the accounts into M; on failure writes why into MESSAGE and
 * returns false (no accounts at all is a failure too). */
bool account_menu_load(struct account_menu *m,
    const struct screen_context *context, char *message, size_t size);

/* Moves or chooses on EV. Returns true when an account was chosen (its
 * index in m->selected). */
bool account_menu_handle(struct account_menu *m,
    const struct keys_action_event *ev);

/* The account chosen, or NULL if NAME is not listed. */
const struct account *account_menu_find(struct account_menu *m,
    const char *name);

/* Fills VIEW's menu with M. */
void account_menu_render(const struct account_menu *m, struct view *view);

#endif
