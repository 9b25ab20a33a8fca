/* account_menu.c: the "which account?" menu. */
#include "screens/account_menu.h"

#include "screens/input.h"

#include <stdio.h>
#include <string.h>

bool
account_menu_load(struct account_menu *m,
    const struct screen_context *context, char *message, size_t size)
{
	struct nvr_error err;

	memset(m, 0, sizeof(*m));
	if (stores_list(context->stores, m->accounts, ACCOUNT_MENU_MAX,
	    &m->count, &m->unread, &err) != 0) {
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
		m->items[i].group = screen_account_group(context,
		    &m->accounts[i]);
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
account_menu_find(struct account_menu *m, const struct account_key *who)
{
	for (size_t i = 0; i < m->count; i++) {
		struct account_key k;

		account_key_of(&m->accounts[i], &k);
		if (account_key_same(&k, who)) {
			m->selected = i;
			return &m->accounts[i];
		}
	}
	return NULL;
}

void
account_menu_render(struct account_menu *m, const char *question,
    struct view *view)
{
	view->intro = screen_unread_intro(question, &m->unread, m->intro);
	input_menu_view(view, m->items, m->count, m->selected);
}

const char *
screen_unread_intro(const char *question, const struct nvr_error *unread,
    char *buf)
{
	if (unread->message[0] == '\0')
		return question;
	snprintf(buf, SCREEN_UNREAD_INTRO_MAX, "%s\n\nNot listed: %s. Its "
	    "accounts show again once it can be read; those listed can be "
	    "used now.", question, unread->message);
	return buf;
}

const char *
screen_who(const struct screen_context *context,
    const struct account_key *who, char *buf)
{
	const struct account_store *st = context->stores != NULL ?
	    stores_of(context->stores, who) : NULL;

	if (st == NULL || context->stores->count < 2)
		snprintf(buf, SCREEN_WHO_MAX, "%s", who->name);
	else
		snprintf(buf, SCREEN_WHO_MAX, "%s in %s", who->name,
		    st->label);
	return buf;
}

const char *
screen_account_group(const struct screen_context *context,
    const struct account *a)
{
	if (context->stores == NULL || context->stores->count < 2)
		return NULL;
	return a->store_label;
}

bool
screen_first_admin(const struct screen_context *context,
    struct screen_account *s)
{
	const struct account_stores *stores = context->stores;
	struct account admin;
	struct nvr_error err;
	size_t count = 0;

	if (stores == NULL || stores->count == 0 ||
	    stores->store[0].accounts.ops->list(
	    stores->store[0].accounts.state, &admin, 1, &count, &err) != 0 ||
	    count != 1 || !admin.admin)
		return false;
	admin.store = 0;
	admin.store_id = stores->store[0].id;
	admin.store_label = stores->store[0].label;
	screen_account_set(s, context, &admin);
	return true;
}

void
screen_account_set_key(struct screen_account *s,
    const struct screen_context *context, const struct account_key *key)
{
	s->key = *key;
	screen_who(context, key, s->shown);
}

void
screen_account_set(struct screen_account *s,
    const struct screen_context *context, const struct account *a)
{
	struct account_key key;

	account_key_of(a, &key);
	screen_account_set_key(s, context, &key);
}
