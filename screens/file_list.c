/* file_list.c: the reset files found on USB storage, as a menu. */
#include "screens/file_list.h"

#include <stdbool.h>
#include <stdio.h>

#include "screens/input.h"

void
file_list_find(struct file_list *l, struct support *support,
    enum protocol_action want, const char *usable_note,
    const char *other_note)
{
	struct nvr_error err;

	l->count = 0;
	/* What could not be looked at is listed with its problem. */
	(void)support_find_files(support, l->files, SUPPORT_FILES_MAX,
	    &l->count, &err);
	for (size_t i = 0; i < l->count; i++) {
		struct support_file *f = &l->files[i];

		if (f->usable && f->action != want && other_note != NULL) {
			f->usable = false;
			snprintf(f->problem, sizeof(f->problem), "%s",
			    other_note);
		}
		snprintf(l->keys[i], sizeof(l->keys[i]), "%c", i < 9 ?
		    (char)('1' + i) : ' ');
		/* USABLE_NOTE lives as long as the program (a literal). */
		l->items[i] = (struct view_menu_item){ .key = l->keys[i],
		    .label = f->name,
		    .note = f->usable ? usable_note : f->problem };
	}
	snprintf(l->keys[l->count], sizeof(l->keys[0]), "r");
	l->items[l->count] = (struct view_menu_item){ .key = l->keys[l->count],
	    .label = "Look again" };
	l->selected = 0;
}

enum file_list_choice
file_list_handle(struct file_list *l, struct support *support,
    enum protocol_action want, const char *usable_note,
    const char *other_note, const struct keys_action_event *ev)
{
	bool looked = ev->action == ACTION_HOTKEY && ev->ch == 'r';

	if (!looked && !input_menu_move(&l->selected, l->count + 1, ev))
		return FILE_LIST_NONE;
	if (looked || l->selected == l->count) {
		file_list_find(l, support, want, usable_note, other_note);
		return FILE_LIST_LOOKED;
	}
	return FILE_LIST_CHOSEN;
}

void
file_list_view(const struct file_list *l, struct view *view)
{
	input_files_view(view, l->items, l->count + 1, l->selected);
}
