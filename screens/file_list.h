/*
 * file_list.h: the reset files found on USB storage, as a menu, for the
 * screens that take one (Support & reset code, Factory reset): a file an
 * entry, chosen by its digit (the first nine) or Enter, with why it
 * cannot be used where so, then "r  Look again".
 */
#ifndef NVR_SCREENS_FILE_LIST_H
#define NVR_SCREENS_FILE_LIST_H

#include <stddef.h>

#include "backends/requests/support.h"
#include "screens/screen.h"

struct file_list {
	struct support_file files[SUPPORT_FILES_MAX];
	size_t count;
	size_t selected;	/* COUNT: "Look again" */
	struct view_menu_item items[SUPPORT_FILES_MAX + 1];
	char keys[SUPPORT_FILES_MAX + 1][4];
};

/* What a key did in the list. */
enum file_list_choice {
	FILE_LIST_NONE,		/* moved, or nothing */
	FILE_LIST_LOOKED,	/* looked again (r, or its entry) */
	FILE_LIST_CHOSEN,	/* files[selected] was chosen */
};

/*
 * Looks for the files again. A usable one for WANT gets USABLE_NOTE (a
 * string that outlives the list: a literal); one for the other action
 * becomes unusable with OTHER_NOTE as its problem, or stays usable with
 * USABLE_NOTE if OTHER_NOTE is NULL (the screen then says why when it is
 * chosen).
 */
void file_list_find(struct file_list *l, struct support *support,
    enum protocol_action want, const char *usable_note,
    const char *other_note);

/* Acts on EV (not Esc: the screen's own way back). */
enum file_list_choice file_list_handle(struct file_list *l,
    struct support *support, enum protocol_action want,
    const char *usable_note, const char *other_note,
    const struct keys_action_event *ev);

/* Shows the list in VIEW's menu, with its hints. */
void file_list_view(const struct file_list *l, struct view *view);

#endif
