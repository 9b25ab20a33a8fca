/*
 * qr_demo.c: shows one view with a QR code through the wizard's own
 * terminal code (tui/term.c, tui/draw.c), for the end-to-end tests of the
 * QR drawing (tests/e2e/tui/). The view has a title, an intro that wraps,
 * a wide field, a menu and a status line, so the tests can see all of
 * them keep left of the code.
 *
 *   qr-demo TEXT [CAPTION]
 *
 * The status line says "colours: on", "colours: off (terminal)" or
 * "colours: off (NO_COLOR)".
 * q or Ctrl-C quits; Ctrl-L redraws; a resize redraws.
 *
 * Exit status: 0 quit, 1 the terminal could not be started, 2 usage.
 */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/draw.h"
#include "tui/term.h"
#include "tui/theme.h"

static const struct view_header header = {
	.model = "QR-DEMO",
	.serial = "QR-0000",
	.firmware = "test",
	.time = NULL,
};

static const struct view_field fields[] = {
	{ .label = "Reset code", .text = "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01",
	    .wide = true, .focused = true,
	    .note = "Type the code support reads back to you, then Enter." },
};

static const struct view_menu_item items[] = {
	{ .key = "1", .label = "Enter the code", .note = NULL },
	{ .key = "2", .label = "Back", .note = "to the main menu; the request "
	    "stays valid" },
};

static const struct view_hint hints[] = {
	{ ACTION_NONE, "q", "quit", NULL },
	{ ACTION_NONE, "^L", "redraw", NULL },
};

int
main(int argc, char **argv)
{
	struct term_options options = { .escdelay_ms = 100 };
	const char *no_color = getenv("NO_COLOR");
	struct nvr_error err;
	struct view view;
	struct term_event ev;

	if (argc < 2 || argc > 3) {
		fputs("usage: qr-demo TEXT [CAPTION]\n", stderr);
		return 2;
	}
	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	options.monochrome = no_color != NULL && no_color[0] != '\0';
	memset(&err, 0, sizeof(err));
	if (term_begin(&options, &err) != 0) {
		fprintf(stderr, "qr-demo: %s\n", err.message);
		return 1;
	}
	memset(&view, 0, sizeof(view));
	view.title = "Support: scan this code";
	view.intro = "Scan the code with the support app, or read the "
	    "request to support over the phone; they give you a reset code "
	    "for it.";
	view.fields = fields;
	view.field_count = sizeof(fields) / sizeof(fields[0]);
	view.menu.items = items;
	view.menu.count = sizeof(items) / sizeof(items[0]);
	view.qr.text = argv[1];
	view.qr.caption = argc > 2 ? argv[2] : NULL;
	view.status = options.monochrome ? "colours: off (NO_COLOR)" :
	    theme_attr(THEME_QR) != A_NORMAL ? "colours: on" :
	    "colours: off (terminal)";
	view.hints = hints;
	view.hint_count = sizeof(hints) / sizeof(hints[0]);
	view.context = KEYS_CONTEXT_MENU;
	for (;;) {
		draw_view(&header, &view);
		term_next_event(&ev, 60 * 1000);
		if (ev.kind == TERM_EVENT_SIGNAL || ev.kind == TERM_EVENT_HANGUP)
			break;
		if (ev.kind != TERM_EVENT_KEY)
			continue;
		if ((ev.key.code == KEYS_CHAR && ev.key.ch == 'q') ||
		    (ev.key.code == KEYS_CTRL && ev.key.ch == 'c'))
			break;
		if (ev.key.code == KEYS_CTRL && ev.key.ch == 'l')
			term_repaint();
	}
	term_end();
	return 0;
}
