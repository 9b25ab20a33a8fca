/*
 * account_menu.h: the "which account?" menu that several screens open
 * with: the accounts from the backend, the admin first, digits 1-9 to
 * choose, and a note per account that the screen writes.
 */
#ifndef NVR_SCREENS_ACCOUNT_MENU_H
#define NVR_SCREENS_ACCOUNT_MENU_H

#include "screens/screen.h"

#define ACCOUNT_MENU_MAX 64
#define SCREEN_UNREAD_INTRO_MAX 512

struct account_menu {
	struct account accounts[ACCOUNT_MENU_MAX];
	size_t count;
	size_t selected;
	struct view_menu_item items[ACCOUNT_MENU_MAX];
	char keys[ACCOUNT_MENU_MAX][4];
	char notes[ACCOUNT_MENU_MAX][64];
	struct nvr_error unread;	/* a store left out, or "" */
	char intro[SCREEN_UNREAD_INTRO_MAX];
};

/* Lists the accounts into M; on failure writes why into MESSAGE and
 * returns false (no accounts at all is a failure too). A store that
 * cannot be read while another can is left out, and the menu says so
 * (account_menu_render). */
bool account_menu_load(struct account_menu *m,
    const struct screen_context *context, char *message, size_t size);

/* Moves or chooses on EV. Returns true when an account was chosen (its
 * index in m->selected). */
bool account_menu_handle(struct account_menu *m,
    const struct keys_action_event *ev);

/* The account WHO (chosen now), or NULL if it is not listed. */
const struct account *account_menu_find(struct account_menu *m,
    const struct account_key *who);

/* An account as the texts name it: "admin", or where there are several
 * stores "admin in Web UI (Frigate)". Returns BUF (SCREEN_WHO_MAX). */
#define SCREEN_WHO_MAX 160
const char *screen_who(const struct screen_context *context,
    const struct account_key *who, char *buf);

/* The heading an account is listed under in a menu (struct
 * view_menu_item's group): its store's label where there are several
 * stores, else NULL. */
const char *screen_account_group(const struct screen_context *context,
    const struct account *a);

/* The account a screen acts on: by store, and as its texts name it. */
struct screen_account {
	struct account_key key;
	char shown[SCREEN_WHO_MAX];	/* screen_who */
};

/* Fills S with the first store's administrator, who proves the
 * authority over the whole recorder; false (S untouched) if it has
 * none. */
bool screen_first_admin(const struct screen_context *context,
    struct screen_account *s);

/* Fills S for A (listed by stores_list), or for KEY. */
void screen_account_set(struct screen_account *s,
    const struct screen_context *context, const struct account *a);
void screen_account_set_key(struct screen_account *s,
    const struct screen_context *context, const struct account_key *key);

/* Fills VIEW's menu with M. */
/* Shows the menu below QUESTION, and below that which store could not
 * be read, if one was left out. */
void account_menu_render(struct account_menu *m, const char *question,
    struct view *view);

/* QUESTION, or, when UNREAD says a store was left out of the list,
 * QUESTION and why, in BUF (SCREEN_UNREAD_INTRO_MAX). */
const char *screen_unread_intro(const char *question,
    const struct nvr_error *unread, char *buf);

#endif
