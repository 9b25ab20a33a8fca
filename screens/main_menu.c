/*
 * main_menu.c: the main menu. Entries are chosen by digit, by moving and
 * Enter, or by q for Quit. An entry whose screen this build lacks says so
 * plainly instead of doing nothing. Esc never leaves the wizard from here:
 * a stressed owner pressing Esc repeatedly must not be thrown out.
 */
#include "screens/main_menu.h"

#include <stdio.h>
#include <stdlib.h>

#include "backends/audit.h"
#include "screens/events.h"

enum main_menu_state {
	MAIN_MENU_CHOOSING,
	MAIN_MENU_UNAVAILABLE,	/* showing "not available in this build" */
};

struct main_menu_entry {
	const char *key;
	const char *label;
	enum screen_id target;	/* SCREEN_COUNT for Quit */
};

static const struct main_menu_entry entries[] = {
	{ "1", "Change password", SCREEN_CHANGE_PASSWORD },
	{ "2", "Forgot password", SCREEN_FORGOT_PASSWORD },
	{ "3", "Support & reset code", SCREEN_SUPPORT },
	{ "4", "Security questions", SCREEN_QUESTIONS },
	{ "5", "Factory reset", SCREEN_FACTORY_RESET },
	{ "6", "Recent recovery events", SCREEN_EVENTS },
	{ "q", "Quit", SCREEN_COUNT },
};

#define ENTRY_COUNT (sizeof(entries) / sizeof(entries[0]))

struct main_menu {
	enum main_menu_state state;
	size_t selected;
	bool available[SCREEN_COUNT];
	bool built[SCREEN_COUNT];
	struct view_menu_item items[ENTRY_COUNT];
	char notice[160];
	const char *status;
	char intro[400];	/* with the events not checked yet */
};

#define INTRO "What do you want to do? Press a number, or move to an " \
	"entry and press Enter."

/* The intro, with a line for the events nobody has checked yet. */
static void
count_unread(struct main_menu *m)
{
	struct audit_unread u;
	struct nvr_error err;
	char line[240] = "";

	if (m->available[SCREEN_EVENTS] && audit_read_unread(&u, &err) == 0)
		events_unread_line(&u, line, sizeof(line));
	snprintf(m->intro, sizeof(m->intro), "%s%s%s", INTRO,
	    line[0] != '\0' ? "\n\n" : "", line);
}

static const struct view_hint choosing_hints[] = {
	{ ACTION_DOWN, NULL, "down", NULL },
	{ ACTION_UP, NULL, "up", NULL },
	{ ACTION_CONFIRM, NULL, "choose", "1-6" },
	{ ACTION_QUIT, NULL, "quit", NULL },
	{ ACTION_REDRAW, NULL, "redraw", NULL },
};

static const struct view_hint notice_hints[] = {
	{ ACTION_CONFIRM, NULL, "back to the menu", NULL },
	{ ACTION_BACK, NULL, "back", NULL },
	{ ACTION_QUIT, NULL, "quit", NULL },
};

static void *
main_menu_create(const struct screen_context *context)
{
	struct main_menu *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	for (size_t i = 0; i < SCREEN_COUNT; i++) {
		m->available[i] = context->available[i];
		m->built[i] = context->built[i];
	}
	for (size_t i = 0; i < ENTRY_COUNT; i++) {
		enum screen_id target = entries[i].target;

		m->items[i].key = entries[i].key;
		m->items[i].label = entries[i].label;
		if (target != SCREEN_COUNT && !m->available[target])
			m->items[i].note = m->built[target] ?
			    "not set up on this device" :
			    "not available in this build";
	}
	count_unread(m);
	return m;
}

/* Back from a screen: what it did may be new events, or marked them. */
static struct screen_result
main_menu_resume(void *self)
{
	count_unread(self);
	return (struct screen_result){ .kind = SCREEN_STAY };
}

static struct screen_result
activate(struct main_menu *m, size_t index)
{
	struct screen_result r = { .kind = SCREEN_STAY };
	const struct main_menu_entry *e = &entries[index];

	m->selected = index;
	if (e->target == SCREEN_COUNT) {
		r.kind = SCREEN_QUIT;
	} else if (m->available[e->target]) {
		r.kind = SCREEN_OPEN;
		r.target = e->target;
	} else if (m->built[e->target]) {
		snprintf(m->notice, sizeof(m->notice), "%s is not set up on "
		    "this device: its config has no section for it.\n\n"
		    "Press Enter to go back to the menu.", e->label);
		m->state = MAIN_MENU_UNAVAILABLE;
	} else {
		snprintf(m->notice, sizeof(m->notice), "%s is not available "
		    "in this build.\n\nPress Enter to go back to the menu.",
		    e->label);
		m->state = MAIN_MENU_UNAVAILABLE;
	}
	return r;
}

static struct screen_result
main_menu_handle(void *self, const struct keys_action_event *ev)
{
	struct main_menu *m = self;
	struct screen_result stay = { .kind = SCREEN_STAY };

	m->status = NULL;
	if (ev->action == ACTION_QUIT) {
		stay.kind = SCREEN_QUIT;
		return stay;
	}
	if (m->state == MAIN_MENU_UNAVAILABLE) {
		if (ev->action == ACTION_CONFIRM || ev->action == ACTION_BACK)
			m->state = MAIN_MENU_CHOOSING;
		return stay;
	}
	switch (ev->action) {
	case ACTION_UP:
	case ACTION_PREVIOUS:
		if (m->selected > 0)
			m->selected--;
		break;
	case ACTION_DOWN:
	case ACTION_NEXT:
		if (m->selected + 1 < ENTRY_COUNT)
			m->selected++;
		break;
	case ACTION_FIRST:
	case ACTION_PAGE_UP:
		m->selected = 0;
		break;
	case ACTION_LAST:
	case ACTION_PAGE_DOWN:
		m->selected = ENTRY_COUNT - 1;
		break;
	case ACTION_CONFIRM:
		return activate(m, m->selected);
	case ACTION_HOTKEY:
		for (size_t i = 0; i < ENTRY_COUNT; i++)
			if (entries[i].key[0] == (char)ev->ch &&
			    entries[i].key[1] == '\0' && ev->ch < 0x80)
				return activate(m, i);
		m->status = "Choose with 1-6, or q to quit.";
		break;
	case ACTION_BACK:
		m->status = "This is the main menu: to leave, choose Quit or "
		    "press q.";
		break;
	default:
		break;
	}
	return stay;
}

static void
main_menu_render(void *self, struct view *view)
{
	struct main_menu *m = self;

	view->title = "Main menu";
	view->intro = m->intro;
	view->menu.items = m->items;
	view->menu.count = ENTRY_COUNT;
	view->menu.selected = m->selected;
	view->status = m->status;
	if (m->state == MAIN_MENU_UNAVAILABLE) {
		view->notice.title = "Not available";
		view->notice.text = m->notice;
		view->hints = notice_hints;
		view->hint_count = sizeof(notice_hints) /
		    sizeof(notice_hints[0]);
		view->context = KEYS_CONTEXT_MESSAGE;
	} else {
		view->hints = choosing_hints;
		view->hint_count = sizeof(choosing_hints) /
		    sizeof(choosing_hints[0]);
		view->context = KEYS_CONTEXT_MENU;
	}
}

static void
main_menu_destroy(void *self)
{
	free(self);
}

const struct screen_class main_menu_screen = {
	.create = main_menu_create,
	.handle = main_menu_handle,
	.render = main_menu_render,
	.destroy = main_menu_destroy,
	.resume = main_menu_resume,
};
