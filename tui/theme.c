/* theme.c: attributes per role. */
#include "tui/theme.h"

static attr_t attrs[THEME_ROLE_COUNT];

struct color_role {
	enum theme_role role;
	short fg, bg;
	attr_t extra;
};

/* Colour only where it says something (a problem) or is needed (a QR
 * code): every colour change costs about 10 bytes of each
 * paint, which a 9600-baud line feels. The rest is bold and reverse, as
 * without colour. */
static const struct color_role color_roles[] = {
	{ THEME_STATUS, COLOR_YELLOW, -1, A_BOLD },
	/* Explicit, never the defaults: the light modules are white glyphs
	 * on black whatever the user's colour scheme (tui/draw.c). */
	{ THEME_QR, COLOR_WHITE, COLOR_BLACK, 0 },
};

static void
theme_monochrome(void)
{
	attrs[THEME_HEADER] = A_NORMAL;	/* plain: a paint at 9600 baud */
	attrs[THEME_TITLE] = A_BOLD;
	attrs[THEME_SELECTED] = A_REVERSE;
	attrs[THEME_HINT_KEY] = A_NORMAL;
	attrs[THEME_NOTICE] = A_BOLD | A_REVERSE;
	attrs[THEME_STATUS] = A_BOLD;
	attrs[THEME_FIELD] = A_NORMAL;
}

void
theme_init(bool monochrome)
{
	for (int i = 0; i < THEME_ROLE_COUNT; i++)
		attrs[i] = A_NORMAL;
	theme_monochrome();
	if (monochrome || !has_colors() || start_color() != OK)
		return;
	/* -1 keeps the terminal's own background and text colour. */
	bool defaults = use_default_colors() == OK;
	for (size_t i = 0; i < sizeof(color_roles) / sizeof(color_roles[0]);
	    i++) {
		const struct color_role *c = &color_roles[i];
		short fg = c->fg, bg = c->bg;
		if (!defaults) {
			fg = (short)(fg < 0 ? COLOR_WHITE : fg);
			bg = (short)(bg < 0 ? COLOR_BLACK : bg);
		}
		if (init_pair((short)(i + 1), fg, bg) != OK) {
			theme_monochrome();
			return;
		}
		attrs[c->role] = COLOR_PAIR((int)i + 1) | c->extra;
	}
}

attr_t
theme_attr(enum theme_role role)
{
	return attrs[role];
}

