/*
 * draw.c: the one place that turns a struct view into curses calls.
 *
 * Layout at 80x24 (row numbers from the top):
 *   0   device header: program name, device date and time
 *   1   device header: serial, model, firmware (2 as well when they
 *       do not fit one line)
 *   3   screen title
 *   5.. intro text, then the menu, down to the row above the status
 *   22  status line (it wraps upwards, the body giving way, when long)
 *   23  key hints
 * A QR code, when the view has one, takes rows 3..21 on the right
 * (columns COLS-38..COLS-2 for version 4); the title, intro, fields and
 * menu keep VIEW_QR_COLUMNS clear for it.
 * A notice takes the body's place (its title on row 5, its text under
 * it); nothing of the body is drawn behind it.
 * Nothing is cut without a trace: whatever does not fit whole (a title,
 * a status, a hint, the end of a wrapped text) is recorded, and
 * draw_cut() names the first of the frame; tests fail on it, since a
 * message cut at the screen's edge leaves its reader guessing.
 * Every string reaches curses through the text rule (char_shown): what a
 * file holds (an account name) is shown, never obeyed, by the terminal.
 */
#include "tui/draw.h"

#include <langinfo.h>
#include <limits.h>
#include <menu.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <wchar.h>

#include "tui/qrencode_lib.h"
#include "tui/theme.h"

#define BODY_TOP 5
#define BODY_LEFT 2
#define QR_TOP 3
#define QR_QUIET 2	/* light modules around the code, on every side */

/* The curses menu, kept while the entries stay the same. Its rows are
 * the view's entries and, where their group changes, a heading each. */
static struct {
	MENU *menu;
	ITEM **items;
	char **names;
	char **notes;
	size_t count;		/* rows: entries and headings */
	size_t *row_of;		/* an entry's row */
	size_t entries;
	WINDOW *sub;
} cache;

/* Whether the view drawn last shows a secret (view.secret_shown). */
static bool secret_on_screen;

/* The first text the frame drawn last could not show whole. */
static char cut_text[160];

/* Whether the frame drawn last had a menu that scrolls. */
static bool menu_scrolled;

/* Records that TEXT (WHAT it is) did not fit, unless a cut was recorded
 * in this frame already. A view that shows a secret is named, not
 * copied: this buffer is never wiped. */
static void
note_cut(const char *what, const char *text)
{
	if (cut_text[0] != '\0')
		return;
	if (secret_on_screen)
		text = "(a view that shows a secret)";
	snprintf(cut_text, sizeof(cut_text), "%s: %.120s", what, text);
}

/* The QR code of the last text drawn, so a redraw does not encode it
 * again. code is NULL if that text could not be encoded. */
static struct {
	char *text;
	QRcode *code;
} qr_cache;

/*
 * The text rule: every string drawn goes through it on its way to
 * curses (the view's text, menu entries, what is typed), so a name or a
 * question from a file can neither move the cursor nor send a sequence of
 * its own (ESC, BS, TAB, C1 controls such as U+009B), nor turn the text
 * around it (a right-to-left override, U+202E); and the curses menu,
 * which refuses an entry with a control character, never loses the whole
 * list to one such name. UTF-8 text (names, questions) shows as it is.
 */
enum char_kind {
	CHAR_SHOWN,	/* sent as it is */
	CHAR_MARK,	/* a combining mark: sent after its base only */
	CHAR_HIDDEN,	/* zero width and no mark (a format control such as a
			 * right-to-left override): never sent */
	CHAR_BAD,	/* not UTF-8, or unprintable: shown as '?' */
};

/* The length, columns and kind of the UTF-8 character at P, of which N
 * bytes (at least 1) may be read. */
static size_t
char_at(const char *p, size_t n, int *columns, enum char_kind *kind)
{
	mbstate_t ps;
	wchar_t wc;

	memset(&ps, 0, sizeof(ps));
	n = mbrtowc(&wc, p, n, &ps);
	*columns = 1;
	*kind = CHAR_BAD;
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
		return 1;
	if (wcwidth(wc) > 0) {
		*columns = wcwidth(wc);
		*kind = CHAR_SHOWN;
	} else if (wcwidth(wc) == 0) {
		*columns = 0;
		*kind = uc_is_general_category((ucs4_t)wc, UC_CATEGORY_M) ?
		    CHAR_MARK : CHAR_HIDDEN;
	}
	return n;
}

/*
 * Steps over the character at P (at most N bytes) and sets *SHOWN and
 * *SHOWN_LEN to what the text rule sends for it: its own bytes, "?", or
 * nothing. *AFTER_BASE says whether a mark has a character to sit on (at
 * the start of a text it has not). Returns the bytes stepped over.
 */
static size_t
char_shown(const char *p, size_t n, bool *after_base, const char **shown,
    size_t *shown_len)
{
	enum char_kind kind;
	int columns;
	size_t len = char_at(p, n, &columns, &kind);

	*shown = p;
	*shown_len = 0;
	if (kind == CHAR_SHOWN || (kind == CHAR_MARK && *after_base)) {
		*shown_len = len;
	} else if (kind == CHAR_BAD) {
		*shown = "?";
		*shown_len = 1;
	}
	*after_base |= kind == CHAR_SHOWN || kind == CHAR_BAD;
	return len;
}

/* The most bytes of TEXT (at most N of them, up to its NUL) that the
 * text rule shows in WIDTH columns, ending on a character's boundary, and
 * in *COLUMNS how many they take: a clipped or wrapped line never cuts a
 * character in two, and a line of two-column or multibyte characters is
 * measured as it is shown. */
static size_t
scan_columns(const char *text, size_t n, int width, int *columns)
{
	size_t used = 0;

	*columns = 0;
	n = strnlen(text, n);
	while (used < n) {
		enum char_kind kind;
		int c;
		size_t len = char_at(text + used, n - used, &c, &kind);

		if (kind == CHAR_BAD)
			c = 1;	/* shown as '?' */
		else if (kind != CHAR_SHOWN)
			c = 0;
		if (*columns + c > width)
			break;
		*columns += c;
		used += len;
	}
	return used;
}

/* The most bytes of TEXT, at most N, that fit WIDTH columns. */
static size_t
fit_columns(const char *text, size_t n, int width)
{
	int columns;

	return scan_columns(text, n, width, &columns);
}

/* The columns the first N bytes of TEXT take on screen. */
static int
text_columns(const char *text, size_t n)
{
	int columns;

	(void)scan_columns(text, n, INT_MAX, &columns);
	return columns;
}

/* Writes the first N bytes of TEXT at WIN's cursor by the text rule. It
 * makes no copy: TEXT may be a secret (a recovery key in a notice). */
static void
add_clean(WINDOW *win, const char *text, size_t n)
{
	bool after_base = false;

	while (n > 0 && *text != '\0') {
		const char *shown;
		size_t shown_len, len = char_shown(text, n, &after_base,
		    &shown, &shown_len);

		if (shown_len > 0)
			waddnstr(win, shown, (int)shown_len);
		text += len;
		n -= len;
	}
}

/* TEXT by the text rule, malloc'd (NULL if out of memory), for the curses
 * menu, which keeps the strings it is given. Never longer than TEXT. */
static char *
clean_dup(const char *text)
{
	size_t n = strlen(text), used = 0;
	char *out = malloc(n + 1);
	bool after_base = false;

	if (out == NULL)
		return NULL;
	while (*text != '\0') {
		const char *shown;
		size_t shown_len, len = char_shown(text, n, &after_base,
		    &shown, &shown_len);

		memcpy(out + used, shown, shown_len);
		used += shown_len;
		text += len;
		n -= len;
	}
	out[used] = '\0';
	return out;
}

static void
put_clipped(int y, int x, const char *text, int width, attr_t attr)
{
	if (width <= 0)
		return;
	attrset(attr);
	move(y, x);
	add_clean(stdscr, text, fit_columns(text, strlen(text), width));
	attrset(A_NORMAL);
}

/* Writes the first LEN bytes of TEXT at Y, X: a row of wrapped text. */
static void
put_span(int y, int x, const char *text, size_t len, attr_t attr)
{
	attrset(attr);
	move(y, x);
	add_clean(stdscr, text, len);
	attrset(A_NORMAL);
}

/* Writes TEXT, a line that must fit WIDTH columns whole; a longer one is
 * clipped and recorded as cut (WHAT names it). */
static void
put_line(int y, int x, const char *text, int width, attr_t attr,
    const char *what)
{
	if (text_columns(text, strlen(text)) > (width > 0 ? width : 0))
		note_cut(what, text);
	put_clipped(y, x, text, width, attr);
}

/* Fills row Y with ATTR, so a coloured bar spans the whole width. */
static void
fill_row(int y, attr_t attr)
{
	attrset(attr);
	mvhline(y, 0, ' ', COLS);
	attrset(A_NORMAL);
}

static void
draw_header(const struct view_header *h)
{
	char parts[3][96], line[2][256] = { "", "" };
	int time_len = h->time ? (int)strlen(h->time) : 0;
	size_t row = 0;

	/* No bar across the screen: its blanks would cost 150 bytes of
	 * every paint on a 9600-baud line. */
	fill_row(0, A_NORMAL);
	fill_row(1, A_NORMAL);
	put_clipped(0, 1, "NVR recovery", COLS - time_len - 3,
	    theme_attr(THEME_HEADER));
	if (h->time != NULL && COLS > time_len + 1)
		put_clipped(0, COLS - time_len - 1, h->time, time_len,
		    A_NORMAL);
	snprintf(parts[0], sizeof(parts[0]), "Serial: %s",
	    h->serial ? h->serial : "?");
	snprintf(parts[1], sizeof(parts[1]), "Model: %s",
	    h->model ? h->model : "?");
	snprintf(parts[2], sizeof(parts[2]), "Firmware: %s",
	    h->firmware ? h->firmware : "?");
	/* One line where they fit; what does not fit after a long serial
	 * or model goes to the blank row under it, so that none is cut
	 * (support reads these off the screen). */
	for (size_t i = 0; i < 3; i++) {
		size_t used = strlen(line[row]);

		if (used > 0 && text_columns(line[row], used) + 3 +
		    text_columns(parts[i], strlen(parts[i])) > COLS - 2 &&
		    row == 0)
			used = strlen(line[++row]);
		snprintf(line[row] + used, sizeof(line[row]) - used, "%s%s",
		    used > 0 ? "   " : "", parts[i]);
	}
	put_line(1, 1, line[0], COLS - 2, A_NORMAL, "header");
	if (line[1][0] != '\0')
		put_line(2, 1, line[1], COLS - 2, A_NORMAL, "header");
}

/* How far a line's wrapped rows are indented: as far as its first row's
 * text starts (leading blanks), so a list item wraps under itself. */
static size_t
hanging_indent(const char *line, size_t line_len, int width)
{
	size_t n = 0;

	while (n < line_len && line[n] == ' ')
		n++;
	return n < line_len && (int)n < width / 2 ? n : 0;
}

/*
 * Writes TEXT from row Y, wrapped at spaces to WIDTH columns, stopping
 * before row LIMIT (what is left then is recorded as cut). A line's
 * wrapped rows keep its leading blanks. Returns the row after the last
 * one written. With MEASURE set it only counts, so a box can be sized to
 * its text.
 */
static int
draw_wrapped(int y, int x, int width, int limit, const char *text,
    attr_t attr, bool measure)
{
	const char *p = text;

	if (width <= 0)
		return y;
	while (*p != '\0' && y < limit) {
		size_t line_len = strcspn(p, "\n");
		size_t indent = hanging_indent(p, line_len, width);
		const char *end = p + line_len;
		bool first = true;

		do {
			size_t left = (size_t)(end - p), take;
			int room = width - (first ? 0 : (int)indent);
			int at = x + (first ? 0 : (int)indent);
			/* A first row's own leading blanks are not a place
			 * to break. */
			size_t lead = first ? indent : 0;

			take = fit_columns(p, left, room);
			if (take < left) {
				size_t fits = take;

				while (take > lead && p[take] != ' ')
					take--;
				if (take <= lead)
					take = fits;
			}
			if (!measure)
				put_span(y, at, p, take, attr);
			y++;
			p += take;
			while (p < end && *p == ' ')
				p++;
			first = false;
		} while (p < end && y < limit);
		if (p == end && *p == '\n')
			p++;
	}
	/* Only blank lines left at the limit are no loss. */
	if (p[strspn(p, "\n")] != '\0' && !measure)
		note_cut("text", p);
	return y;
}

static void
menu_forget(void)
{
	if (cache.menu != NULL) {
		unpost_menu(cache.menu);
		free_menu(cache.menu);
	}
	for (size_t i = 0; i < cache.count; i++) {
		if (cache.items != NULL && cache.items[i] != NULL)
			free_item(cache.items[i]);
		if (cache.names != NULL)
			free(cache.names[i]);
		if (cache.notes != NULL)
			free(cache.notes[i]);
	}
	free(cache.items);
	free(cache.names);
	free(cache.notes);
	free(cache.row_of);
	if (cache.sub != NULL)
		delwin(cache.sub);
	memset(&cache, 0, sizeof(cache));
}

/* The entry IT as the curses menu gets it: "KEY  LABEL" by the text rule
 * (new_item refuses a name with a control character, and post_menu then
 * draws no entry at all); malloc'd, NULL if out of memory. */
static char *
menu_name(const struct view_menu_item *it)
{
	char *joined, *name;

	if (asprintf(&joined, "%s  %s", it->key, it->label) < 0)
		return NULL;
	name = clean_dup(joined);
	free(joined);
	return name;
}

static char *
menu_note(const struct view_menu_item *it)
{
	return clean_dup(it->note != NULL ? it->note : "");
}

/* Whether entry I of M starts a group: a heading row goes above it. */
static bool
menu_heading(const struct view_menu *m, size_t i)
{
	const char *group = m->items[i].group;

	return group != NULL && (i == 0 || m->items[i - 1].group == NULL ||
	    strcmp(m->items[i - 1].group, group) != 0);
}

/* The rows M takes: its entries and their headings. */
static size_t
menu_rows(const struct view_menu *m)
{
	size_t rows = m->count;

	for (size_t i = 0; i < m->count; i++)
		rows += menu_heading(m, i);
	return rows;
}

/* A heading's row as the curses menu gets it (the text rule applies). */
static char *
menu_group(const char *group)
{
	return clean_dup(group);
}

/* Whether the cached menu shows M's entries as they are now. */
static bool
menu_same(const struct view_menu *m)
{
	bool same = cache.menu != NULL && cache.entries == m->count &&
	    cache.count == menu_rows(m);

	for (size_t i = 0; same && i < m->count; i++) {
		size_t row = cache.row_of[i];
		char *name = menu_name(&m->items[i]);
		char *note = menu_note(&m->items[i]);
		char *group = menu_heading(m, i) ?
		    menu_group(m->items[i].group) : NULL;

		same = name != NULL && note != NULL &&
		    strcmp(name, cache.names[row]) == 0 &&
		    strcmp(note, cache.notes[row]) == 0 &&
		    (group == NULL ? (i == 0 ? row == 0 :
		    cache.row_of[i - 1] == row - 1) : row > 0 &&
		    strcmp(group, cache.names[row - 1]) == 0);
		free(name);
		free(note);
		free(group);
	}
	return same;
}

/* One row of the cached menu: an entry, or a heading that cannot be
 * chosen. */
static bool
menu_row(size_t row, char *name, char *note, bool heading)
{
	cache.names[row] = name;
	cache.notes[row] = note;
	if (name == NULL || note == NULL)
		return false;
	cache.items[row] = new_item(name, note);
	if (cache.items[row] == NULL)
		return false;
	if (heading)
		item_opts_off(cache.items[row], O_SELECTABLE);
	return true;
}

static bool
menu_build(const struct view_menu *m)
{
	size_t row = 0;

	menu_forget();
	cache.count = menu_rows(m);
	cache.entries = m->count;
	/* An array of ITEM pointers, as new_menu takes it. */
	/* NOLINTNEXTLINE(bugprone-sizeof-expression) */
	cache.items = calloc(cache.count + 1, sizeof(*cache.items));
	cache.names = calloc(cache.count, sizeof(*cache.names));
	cache.notes = calloc(cache.count, sizeof(*cache.notes));
	cache.row_of = calloc(m->count, sizeof(*cache.row_of));
	if (cache.items == NULL || cache.names == NULL ||
	    cache.notes == NULL || cache.row_of == NULL)
		goto fail;
	for (size_t i = 0; i < m->count; i++) {
		if (menu_heading(m, i) && !menu_row(row++,
		    menu_group(m->items[i].group), strdup(""), true))
			goto fail;
		cache.row_of[i] = row;
		if (!menu_row(row++, menu_name(&m->items[i]),
		    menu_note(&m->items[i]), false))
			goto fail;
	}
	cache.menu = new_menu(cache.items);
	if (cache.menu == NULL)
		goto fail;
	/* Headings in the title's bold, not dimmed as the library greys
	 * what cannot be chosen. */
	set_menu_grey(cache.menu, theme_attr(THEME_TITLE));
	set_menu_mark(cache.menu, "> ");
	set_menu_spacing(cache.menu, 3, 1, 1);
	set_menu_format(cache.menu, (int)cache.count, 1);
	set_menu_fore(cache.menu, theme_attr(THEME_SELECTED));
	set_menu_back(cache.menu, theme_attr(THEME_NORMAL));
	return true;
fail:
	menu_forget();
	return false;
}

/* Under a menu that scrolls, says so: how many entries are above and
 * below the ones shown. */
static void
draw_menu_more(int y, int above, int below, int width)
{
	char line[80];

	if (above > 0 && below > 0)
		snprintf(line, sizeof(line), "^ %d more above, v %d more below",
		    above, below);
	else if (above > 0)
		snprintf(line, sizeof(line), "^ %d more above", above);
	else
		snprintf(line, sizeof(line), "v %d more below", below);
	put_line(y, BODY_LEFT + 2, line, width - 2, theme_attr(THEME_HINT),
	    "menu");
}

/* Draws the menu at row Y with the curses menu library, in at most the
 * rows above LIMIT and MAX_COLS columns. With more entries than rows it
 * scrolls, and its last row says how many are out of sight. */
static int
draw_menu(int y, int limit, const struct view_menu *m, int max_cols)
{
	int rows, cols, room = limit - y, shown, total = (int)menu_rows(m);
	bool scrolls;
	WINDOW *sub;

	if (m->count == 0)
		return y;
	scrolls = total > room;
	menu_scrolled = scrolls;
	shown = scrolls ? room - 1 : total;
	if (shown < 1) {
		note_cut("menu", m->items[0].label);
		return y;
	}
	if (!menu_same(m) && !menu_build(m))
		return y;
	menu_opts_on(cache.menu, O_SHOWDESC);
	set_menu_format(cache.menu, shown, 1);
	scale_menu(cache.menu, &rows, &cols);
	/* post_menu draws nothing in a window narrower than the menu; beside
	 * a QR code the entries without their notes are the better choice. */
	if (cols > max_cols) {
		menu_opts_off(cache.menu, O_SHOWDESC);
		scale_menu(cache.menu, &rows, &cols);
	}
	if (cols > max_cols) {
		note_cut("menu", "an entry wider than the screen");
		cols = max_cols;
	}
	sub = derwin(stdscr, rows, cols, y, BODY_LEFT);
	if (sub == NULL)
		return y;
	set_menu_win(cache.menu, stdscr);
	/* The menu must let go of the old subwindow before it is freed. */
	set_menu_sub(cache.menu, sub);
	if (cache.sub != NULL)
		delwin(cache.sub);
	cache.sub = sub;
	set_current_item(cache.menu, cache.items[cache.row_of[
	    m->selected < m->count ? m->selected : 0]]);
	post_menu(cache.menu);
	/* The menu library untouches what it draws in; the erase() that
	 * starts every frame has touched all of stdscr, so it is sent. */
	if (scrolls) {
		int top = top_row(cache.menu);

		draw_menu_more(y + rows, top, total - top - rows, max_cols);
		rows++;
	}
	return y + rows;
}

#define FIELD_LABEL_WIDTH 22
#define FIELD_WIDTH 32

/*
 * Writes the end of UTF-8 TEXT that fits WIDTH columns at Y, X (a long
 * answer scrolls left as it is typed, like a shell's line). Returns the
 * columns used. What is not printable UTF-8 shows as '?'.
 */
static int
draw_text_tail(int y, int x, int width, const char *text)
{
	const char *start = text;
	int total = 0, columns;
	enum char_kind kind;

	for (const char *p = text; *p != '\0';) {
		p += char_at(p, strlen(p), &columns, &kind);
		total += columns;
	}
	while (total > width && *start != '\0') {
		start += char_at(start, strlen(start), &columns, &kind);
		total -= columns;
	}
	/* From START on, so that a mark whose base scrolled away is not
	 * sent: it would sit on the '['. */
	move(y, x);
	add_clean(stdscr, start, strlen(start));
	return total;
}

/* Draws the fields from row Y, a row each and their notes under them
 * (wrapped), stopping before row LIMIT; keeps RESERVE columns on the
 * right clear; returns the row after them and where the cursor belongs
 * (row -1 if no field is focused). */
static int
draw_fields(int y, int limit, const struct view *v, int reserve,
    int *cursor_y, int *cursor_x)
{
	*cursor_y = -1;
	for (size_t i = 0; i < v->field_count; i++) {
		const struct view_field *f = &v->fields[i];
		int x = BODY_LEFT + FIELD_LABEL_WIDTH;
		int most = COLS - x - 2 - reserve;
		int width = f->wide || most < FIELD_WIDTH ? most : FIELD_WIDTH;
		int shown;

		if (width < 2 || y >= limit) {
			note_cut("field", f->label);
			break;
		}
		shown = f->masked < (size_t)width ? (int)f->masked : width;

		/* The field being typed in has a '>' before its label, as
		 * the menu's entry has: moving it costs a few bytes where
		 * a label's bold moving costs each label twice. */
		mvaddch(y, BODY_LEFT - 2, f->focused ? '>' : ' ');
		put_line(y, BODY_LEFT, f->label, FIELD_LABEL_WIDTH - 1,
		    A_NORMAL, "field label");
		/* The brackets stand out; what is typed between them is in
		 * the terminal's plain attributes, so that echoing a
		 * character costs that character alone (at 9600 baud every
		 * attribute change is felt). */
		attrset(theme_attr(THEME_FIELD));
		mvaddch(y, x - 1, '[');
		mvaddch(y, x + width, ']');
		attrset(A_NORMAL);
		for (int k = 0; k < width; k++)
			mvaddch(y, x + k, k < shown && f->text == NULL ?
			    '*' : ' ');
		/* Room for the cursor after the text. */
		if (f->text != NULL)
			shown = draw_text_tail(y, x, width - 1, f->text);
		if (f->focused) {
			*cursor_y = y;
			*cursor_x = x + (shown < width ? shown : width - 1);
		}
		y++;
		/* Notes start near the left edge, not under the box: the
		 * policy's and the budget's sentences are long, and wrap. */
		if (f->note != NULL)
			y = draw_wrapped(y, BODY_LEFT + 1, COLS - BODY_LEFT -
			    2 - reserve, limit, f->note, f->note_is_problem ?
			    theme_attr(THEME_STATUS) : A_NORMAL, false);
		else
			y++;
	}
	return y;
}

static void
qr_forget(void)
{
	free(qr_cache.text);
	if (qr_cache.code != NULL)
		QRcode_free(qr_cache.code);
	memset(&qr_cache, 0, sizeof(qr_cache));
}

/* TEXT's QR code (version as small as it fits, error correction M), from
 * the cache when TEXT was the last one drawn; NULL if it cannot be had. */
static const QRcode *
qr_encode(const char *text)
{
	if (qr_cache.text != NULL && strcmp(qr_cache.text, text) == 0)
		return qr_cache.code;
	qr_forget();
	/* Drawn without it (the plain text says it all) if it is missing. */
	if (qrencode_lib_load(NULL) != 0)
		return NULL;
	qr_cache.text = strdup(text);
	if (qr_cache.text == NULL)
		return NULL;
	qr_cache.code = QRcode_encodeString(text, 0, QR_ECLEVEL_M,
	    QR_MODE_8, 1);
	return qr_cache.code;
}

/* V's QR code if it can be drawn: the terminal shows UTF-8 (the blocks
 * could not be sent otherwise), and the code (quiet zone included) fits
 * VIEW_QR_COLUMNS and the rows above BODY_END; else NULL. */
static const QRcode *
qr_fitting(const struct view *v, int body_end)
{
	const QRcode *qr;
	int size;

	if (v->qr.text == NULL ||
	    strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		return NULL;
	qr = qr_encode(v->qr.text);
	if (qr == NULL)
		return NULL;
	size = qr->width + 2 * QR_QUIET;
	/* One column clear on its left, one at the screen's right edge. */
	if (size > VIEW_QR_COLUMNS - 2 || COLS - size - 1 < 0 ||
	    QR_TOP + (size + 1) / 2 > body_end)
		return NULL;
	return qr;
}

/* True if module ROW, COL of the code framed by its quiet zone is light.
 * Below the frame (the lower half of the last text row) is not part of
 * the code: dark, like the rest of the screen. */
static bool
qr_light(const QRcode *qr, int row, int col)
{
	int size = qr->width + 2 * QR_QUIET;

	if (row >= size || col >= size)
		return false;
	row -= QR_QUIET;
	col -= QR_QUIET;
	if (row < 0 || col < 0 || row >= qr->width || col >= qr->width)
		return true;
	return (qr->data[row * qr->width + col] & 1) == 0;
}

/*
 * Draws the view's QR code at the right of the body, two modules to a
 * text row, and its caption under it if there is room.
 *
 * Why the light modules are the glyphs: a scanner wants dark modules on
 * a light ground, and most terminals (the linux console, PuTTY, xterm as
 * shipped) draw light glyphs on a dark background. So a light module is
 * a block (or the half of one) and a dark module is the background, and
 * the code shows dark on light; drawn the other way round it would show
 * inverted, which many scanners do not read. In colour the role is an
 * explicit white on black, so no colour scheme can wash it out; in
 * monochrome it is the terminal's own colours, right on every terminal
 * with light text on a dark background.
 *
 * Draws nothing if the locale is not UTF-8 (the blocks could not be sent)
 * or the code does not fit beside the text and above the status (BODY_END
 * is its first row).
 */
static void
draw_qr(const struct view *v, int body_end)
{
	wchar_t line[VIEW_QR_COLUMNS];
	const QRcode *qr = qr_fitting(v, body_end);
	int size, rows, left, below;

	if (qr == NULL)
		return;
	size = qr->width + 2 * QR_QUIET;
	rows = (size + 1) / 2;
	left = COLS - size - 1;
	attrset(theme_attr(THEME_QR));
	for (int r = 0; r < rows; r++) {
		for (int c = 0; c < size; c++) {
			bool up = qr_light(qr, 2 * r, c);
			bool down = qr_light(qr, 2 * r + 1, c);

			line[c] = up && down ? L'\u2588' : up ? L'\u2580' :
			    down ? L'\u2584' : L' ';
		}
		mvaddnwstr(QR_TOP + r, left, line, size);
	}
	attrset(A_NORMAL);
	/* The status line's row serves only when the view has no status. */
	below = QR_TOP + rows;
	if (v->qr.caption != NULL && (below < body_end ||
	    (below == body_end && v->status == NULL))) {
		size_t len = strlen(v->qr.caption);
		int indent = len < (size_t)size ? (size - (int)len) / 2 : 0;

		put_clipped(below, left + indent, v->qr.caption,
		    size - indent, theme_attr(THEME_NORMAL));
	}
}

/*
 * A notice takes the body's place: its title on the body's first row, in
 * the notice's attributes with a blank either side, and its text under
 * it at the body's width. No frame: on a 9600-baud line a box's borders,
 * and the blanks inside it that hide the body, cost more than the
 * message (the password-changed notice: 617 bytes boxed on vt100, 852
 * on linux with its UTF-8 lines). Over the title too when it must: a
 * notice's last words are usually what to do.
 */
static void
draw_notice(const struct view_notice *n, int body_end)
{
	int width = COLS - 2 * BODY_LEFT, top = BODY_TOP, rows;

	rows = draw_wrapped(0, 0, width, INT_MAX, n->text, A_NORMAL, true);
	if (n->title != NULL)
		rows += 2;
	if (rows > body_end - BODY_TOP) {
		/* The view's title was drawn there: the notice takes the
		 * whole row. */
		top = 3;
		move(top, 0);
		clrtoeol();
	}
	if (n->title != NULL) {
		int cols = text_columns(n->title, strlen(n->title));

		if (cols > width - 2) {
			note_cut("notice title", n->title);
			cols = width - 2;
		}
		put_clipped(top, BODY_LEFT, " ", 1, theme_attr(THEME_NOTICE));
		put_clipped(top, BODY_LEFT + 1, n->title, cols,
		    theme_attr(THEME_NOTICE));
		put_clipped(top, BODY_LEFT + 1 + cols, " ", 1,
		    theme_attr(THEME_NOTICE));
		top += 2;
	}
	draw_wrapped(top, BODY_LEFT, width, body_end, n->text,
	    theme_attr(THEME_NORMAL), false);
}

static void
draw_hints(const struct view *v)
{
	int x = 1;

	fill_row(LINES - 1, theme_attr(THEME_HINT));
	for (size_t i = 0; i < v->hint_count && x < COLS - 1; i++) {
		const struct view_hint *h = &v->hints[i];
		char keys[64];
		const char *shown = h->keys;

		if (h->action != ACTION_NONE) {
			size_t used = 0;

			if (h->also != NULL)
				used = (size_t)snprintf(keys, sizeof(keys),
				    "%s/", h->also);
			if (used >= sizeof(keys) || keys_names(v->context,
			    h->action, keys + used, sizeof(keys) - used) == 0)
				continue;
			shown = keys;
		}
		if (shown == NULL || shown[0] == '\0')
			continue;
		int need = (int)(strlen(shown) + 1 + strlen(h->label));
		if (x + need > COLS - 1) {
			note_cut("hint", h->label);
			break;
		}
		put_clipped(LINES - 1, x, shown, COLS - 1 - x,
		    theme_attr(THEME_HINT_KEY));
		x += (int)strlen(shown) + 1;
		put_clipped(LINES - 1, x, h->label, COLS - 1 - x,
		    theme_attr(THEME_HINT));
		x += (int)strlen(h->label) + 2;
	}
}


static void
draw_too_small(void)
{
	char line[128];

	snprintf(line, sizeof(line), "terminal too small (need %dx%d, have "
	    "%dx%d): enlarge the window, then press Ctrl-L", VIEW_MIN_COLS,
	    VIEW_MIN_ROWS, COLS, LINES);
	/* One line where it fits; wrapped on a very narrow terminal, so the
	 * size it has is never cut off. */
	draw_wrapped(0, 0, COLS, LINES, line, A_BOLD, false);
}

bool
draw_fits(void)
{
	return LINES >= VIEW_MIN_ROWS && COLS >= VIEW_MIN_COLS;
}

/* The rows VIEW's body takes with INTRO, RESERVE columns kept clear on
 * the right: the intro and GAP blank rows, each field with its note, a
 * blank row, every menu entry. */
static int
body_rows(const struct view *view, const char *intro, int reserve, int gap)
{
	int rows = 0;

	if (intro != NULL)
		rows += draw_wrapped(0, 0, COLS - 2 * BODY_LEFT - reserve,
		    INT_MAX, intro, A_NORMAL, true) + gap;
	for (size_t i = 0; i < view->field_count; i++)
		rows += 1 + (view->fields[i].note == NULL ? 1 :
		    draw_wrapped(0, 0, COLS - BODY_LEFT - 2 - reserve, INT_MAX,
		    view->fields[i].note, A_NORMAL, true));
	if (view->field_count > 0)
		rows++;
	return rows + (int)view->menu.count;
}

void
draw_view(const struct view_header *header, const struct view *view)
{
	int y, cursor_y = -1, cursor_x = 0, status_rows, body_end, reserve, gap;
	const char *intro;
	bool qr_shown;

	secret_on_screen = view->secret_shown;
	cut_text[0] = '\0';
	menu_scrolled = false;
	erase();
	if (!draw_fits()) {
		/* The menu's subwindow may now lie outside the screen. */
		menu_forget();
		leaveok(stdscr, TRUE);
		curs_set(0);
		draw_too_small();
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	/* Before anything is drawn: unposting a menu erases the cells it
	 * covered, which may now belong to this view's text or fields. */
	if (view->menu.count == 0)
		menu_forget();
	else if (cache.menu != NULL)
		unpost_menu(cache.menu);
	draw_header(header);
	/* The status takes the rows above the hints that it needs (one is
	 * kept for it always, so that one appearing moves nothing); the
	 * body ends above it. */
	status_rows = view->status == NULL ? 1 : draw_wrapped(0, 0,
	    COLS - 2 * BODY_LEFT, LINES - BODY_TOP - 2, view->status,
	    A_NORMAL, true);
	if (status_rows < 1)
		status_rows = 1;
	body_end = LINES - 1 - status_rows;
	/* A QR code is drawn where it fits and leaves the text beside it
	 * room; otherwise the text takes the width, in its plain form. */
	qr_shown = qr_fitting(view, body_end) != NULL &&
	    body_rows(view, view->intro, VIEW_QR_COLUMNS, 0) <=
	    body_end - BODY_TOP;
	reserve = qr_shown ? VIEW_QR_COLUMNS : 0;
	intro = !qr_shown && view->qr.text != NULL &&
	    view->qr.plain_intro != NULL ? view->qr.plain_intro : view->intro;
	/* The blank row under the intro is the first to go when the body
	 * would not fit with it. */
	gap = body_rows(view, intro, reserve, 1) > body_end - BODY_TOP ? 0 : 1;
	if (view->qr.text != NULL && !qr_shown &&
	    view->qr.plain_intro == NULL &&
	    strcmp(nl_langinfo(CODESET), "UTF-8") == 0)
		note_cut("QR code", "no room for it, and no text instead");
	if (view->title != NULL)
		put_line(3, BODY_LEFT, view->title, COLS - 2 * BODY_LEFT -
		    reserve, theme_attr(THEME_TITLE), "title");
	if (view->notice.text != NULL) {
		/* The body waits behind it, not drawn: the notice is read
		 * alone, and what is not drawn is not sent. */
		draw_notice(&view->notice, body_end);
	} else {
		y = BODY_TOP;
		if (intro != NULL)
			y = draw_wrapped(y, BODY_LEFT, COLS - 2 * BODY_LEFT -
			    reserve, body_end, intro,
			    theme_attr(THEME_NORMAL), false) + gap;
		if (view->field_count > 0)
			y = draw_fields(y, body_end, view, reserve,
			    &cursor_y, &cursor_x) + 1;
		if (view->menu.count > 0)
			draw_menu(y, body_end, &view->menu,
			    COLS - BODY_LEFT - 2 - reserve);
		if (qr_shown)
			draw_qr(view, body_end);
	}
	if (view->status != NULL)
		draw_wrapped(body_end, BODY_LEFT, COLS - 2 * BODY_LEFT,
		    LINES - 1, view->status, theme_attr(THEME_STATUS), false);
	draw_hints(view);
	/* The cursor shows only where a secret is typed; curs_set sends
	 * nothing when the state does not change. */
	if (cursor_y >= 0 && view->notice.text == NULL) {
		leaveok(stdscr, FALSE);
		move(cursor_y, cursor_x);
		curs_set(1);
	} else {
		leaveok(stdscr, TRUE);
		curs_set(0);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

void
draw_release(void)
{
	menu_forget();
	qr_forget();
}

bool
draw_secret_shown(void)
{
	return secret_on_screen;
}

bool
draw_menu_scrolls(void)
{
	return menu_scrolled;
}

const char *
draw_cut(void)
{
	return cut_text[0] != '\0' ? cut_text : NULL;
}
