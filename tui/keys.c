/*
 * keys.c: the byte decoder and the binding table.
 *
 * Invariants:
 * 1. Any byte sequence is consumed in bounded state: a sequence longer
 *    than KEYS_SEQUENCE_MAX, or broken by a control byte, is dropped.
 * 2. A byte that breaks a sequence is not lost: it is decoded afresh, so
 *    a real Esc or Enter right after noise still works.
 * 3. Only well-formed, shortest-form UTF-8 for a non-control codepoint
 *    becomes KEYS_CHAR.
 */
#include "tui/keys.h"

#include <stdio.h>
#include <string.h>

enum decoder_state {
	STATE_GROUND = 0,
	STATE_UTF8,
	STATE_ESC,		/* got ESC */
	STATE_CSI,		/* got ESC [ */
	STATE_CSI_LINUX,	/* got ESC [ [ (linux console F1..F5) */
	STATE_SS3,		/* got ESC O */
	STATE_DROP,		/* inside a sequence we will drop */
};

void
keys_init(struct keys_decoder *dec)
{
	memset(dec, 0, sizeof(*dec));
}

static bool
emit(struct keys_decoder *dec, struct keys_event *ev, enum keys_code code,
    uint32_t ch)
{
	dec->state = STATE_GROUND;
	dec->length = 0;
	ev->code = code;
	ev->ch = ch;
	return true;
}

static bool
ground(struct keys_decoder *dec, unsigned char byte, struct keys_event *ev)
{
	bool after_cr = dec->after_cr;

	dec->after_cr = false;
	switch (byte) {
	case '\r':
		dec->after_cr = true;
		return emit(dec, ev, KEYS_ENTER, 0);
	case '\n':
		/* Terminals set to send CR LF for Return must not press
		 * Enter twice. */
		return emit(dec, ev, after_cr ? KEYS_NONE : KEYS_ENTER, 0);
	case '\t':
		return emit(dec, ev, KEYS_TAB, 0);
	case 0x08:
	case 0x7f:
		/* Terminals disagree on which of the two Backspace sends. */
		return emit(dec, ev, KEYS_BACKSPACE, 0);
	case 0x1b:
		dec->state = STATE_ESC;
		dec->length = 1;
		return false;
	default:
		break;
	}
	if (byte >= 0x01 && byte <= 0x1a)
		return emit(dec, ev, KEYS_CTRL, (uint32_t)('a' + byte - 1));
	if (byte < 0x20)
		return emit(dec, ev, KEYS_NONE, 0);
	if (byte < 0x80)
		return emit(dec, ev, KEYS_CHAR, byte);
	/* UTF-8 lead bytes; the bounds exclude overlong two-byte forms and
	 * codepoints past U+10FFFF. */
	if (byte >= 0xc2 && byte <= 0xdf) {
		dec->utf8_left = 1;
		dec->codepoint = byte & 0x1f;
		dec->min = 0x80;
	} else if (byte >= 0xe0 && byte <= 0xef) {
		dec->utf8_left = 2;
		dec->codepoint = byte & 0x0f;
		dec->min = 0x800;
	} else if (byte >= 0xf0 && byte <= 0xf4) {
		dec->utf8_left = 3;
		dec->codepoint = byte & 0x07;
		dec->min = 0x10000;
	} else {
		return emit(dec, ev, KEYS_NONE, 0);
	}
	dec->state = STATE_UTF8;
	dec->length = 1;
	return false;
}

static bool
utf8(struct keys_decoder *dec, unsigned char byte, struct keys_event *ev)
{
	uint32_t cp;

	dec->codepoint = (dec->codepoint << 6) | (byte & 0x3f);
	if (--dec->utf8_left > 0)
		return false;
	cp = dec->codepoint;
	if (cp < dec->min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
	    (cp >= 0x80 && cp < 0xa0))
		return emit(dec, ev, KEYS_NONE, 0);
	return emit(dec, ev, KEYS_CHAR, cp);
}

/* The cursor keys CSI and SS3 sequences share: A-D, Home and End. */
static enum keys_code
cursor_key(unsigned char final)
{
	switch (final) {
	case 'A': return KEYS_UP;
	case 'B': return KEYS_DOWN;
	case 'C': return KEYS_RIGHT;
	case 'D': return KEYS_LEFT;
	case 'H': return KEYS_HOME;
	case 'F': return KEYS_END;
	default: return KEYS_NONE;
	}
}

/* The key of a CSI sequence ending in FINAL with first parameter P. */
static enum keys_code
csi_key(unsigned char final, unsigned p, uint32_t *ch)
{
	static const unsigned char fn_of_tilde[] = {
		[11] = 1, [12] = 2, [13] = 3, [14] = 4, [15] = 5, [17] = 6,
		[18] = 7, [19] = 8, [20] = 9, [21] = 10, [23] = 11, [24] = 12,
	};

	if (final == 'Z')
		return KEYS_BACKTAB;
	if (final != '~')
		return cursor_key(final);
	switch (p) {
	case 1: case 7: return KEYS_HOME;	/* 7, 8: rxvt */
	case 2: return KEYS_INSERT;
	case 3: return KEYS_DELETE;
	case 4: case 8: return KEYS_END;
	case 5: return KEYS_PGUP;
	case 6: return KEYS_PGDN;
	default: break;
	}
	if (p < sizeof(fn_of_tilde) && fn_of_tilde[p] != 0) {
		*ch = fn_of_tilde[p];
		return KEYS_FN;
	}
	return KEYS_NONE;	/* e.g. 200~ and 201~ around a paste */
}

static enum keys_code
ss3_key(unsigned char final, uint32_t *ch)
{
	if (final == 'M')
		return KEYS_ENTER;	/* keypad Enter, application mode */
	if (final >= 'P' && final <= 'S') {
		*ch = (uint32_t)(final - 'P' + 1);
		return KEYS_FN;
	}
	if (final >= 'p' && final <= 'y') {
		*ch = (uint32_t)('0' + final - 'p');	/* keypad digits */
		return KEYS_CHAR;
	}
	return cursor_key(final);
}

/* Decodes BYTE inside an escape sequence; returns -1 if BYTE cannot be
 * part of one and must be decoded afresh. */
static int
sequence(struct keys_decoder *dec, unsigned char byte, struct keys_event *ev)
{
	uint32_t ch = 0;
	enum keys_code code;

	if ((byte < 0x20 || byte >= 0x7f) && dec->state != STATE_ESC)
		return -1;
	if (++dec->length > KEYS_SEQUENCE_MAX) {
		dec->state = STATE_DROP;
		dec->length = KEYS_SEQUENCE_MAX;
	}
	switch (dec->state) {
	case STATE_ESC:
		if (byte == '[') {
			dec->state = STATE_CSI;
			dec->param = 0;
			dec->param2 = 0;
			dec->param_seen = false;
			return 0;
		}
		if (byte == 'O') {
			dec->state = STATE_SS3;
			return 0;
		}
		/* Esc, then a key typed quickly after it (or Alt + key): the
		 * Esc counts, and the key is decoded afresh by keys_next. */
		dec->held = byte;
		dec->has_held = true;
		return emit(dec, ev, KEYS_ESC, 0);
	case STATE_CSI:
		if (byte == '[' && dec->length == 3) {
			dec->state = STATE_CSI_LINUX;
			return 0;
		}
		if (byte >= '0' && byte <= '9') {
			if (!dec->param_seen && dec->param < 10000)
				dec->param = dec->param * 10 + (byte - '0');
			else if (dec->param_seen && dec->param2 < 10000)
				dec->param2 = dec->param2 * 10 + (byte - '0');
			return 0;
		}
		if (byte >= 0x20 && byte <= 0x3f) {
			if (byte == ';')
				dec->param_seen = true;
			return 0;
		}
		/* A cursor position report; a modified F3 (CSI 1;5R) has
		 * row 1, which no answer to our question does. */
		if (byte == 'R' && dec->param_seen && dec->param >= 2 &&
		    dec->param2 >= 2 && dec->param <= KEYS_REPORT_MAX &&
		    dec->param2 <= KEYS_REPORT_MAX)
			return emit(dec, ev, KEYS_CURSOR_REPORT,
			    (uint32_t)dec->param << 16 | dec->param2);
		code = csi_key(byte, dec->param, &ch);
		return emit(dec, ev, code, ch);
	case STATE_CSI_LINUX:
		if (byte >= 'A' && byte <= 'E')
			return emit(dec, ev, KEYS_FN, (uint32_t)(byte - 'A' + 1));
		return emit(dec, ev, KEYS_NONE, 0);
	case STATE_SS3:
		code = ss3_key(byte, &ch);
		return emit(dec, ev, code, ch);
	case STATE_DROP:
		if (byte >= 0x40 && byte <= 0x7e)
			return emit(dec, ev, KEYS_NONE, 0);
		return 0;
	default:
		return -1;
	}
}

bool
keys_feed(struct keys_decoder *dec, unsigned char byte, struct keys_event *ev)
{
	switch (dec->state) {
	case STATE_GROUND:
		return ground(dec, byte, ev);
	case STATE_UTF8:
		if ((byte & 0xc0) == 0x80)
			return utf8(dec, byte, ev);
		break;
	case STATE_ESC:
		if (byte == 0x1b) {
			/* Esc pressed twice: the first is a key of its own. */
			dec->length = 1;
			ev->code = KEYS_ESC;
			ev->ch = 0;
			return true;
		}
		/* fall through */
	default: {
		int r = sequence(dec, byte, ev);
		if (r >= 0)
			return r > 0;
		break;
	}
	}
	/* BYTE broke the sequence: drop what came before, decode it anew. */
	dec->state = STATE_GROUND;
	dec->length = 0;
	return ground(dec, byte, ev);
}

bool
keys_next(struct keys_decoder *dec, struct keys_event *ev)
{
	if (!dec->has_held)
		return false;
	dec->has_held = false;
	return keys_feed(dec, dec->held, ev);
}

bool
keys_pending(const struct keys_decoder *dec)
{
	return dec->state != STATE_GROUND || dec->has_held;
}

bool
keys_in_csi(const struct keys_decoder *dec)
{
	return dec->state == STATE_CSI;
}

bool
keys_flush(struct keys_decoder *dec, struct keys_event *ev)
{
	int state = dec->state;

	if (keys_next(dec, ev))
		return true;
	if (state == STATE_GROUND)
		return false;
	return emit(dec, ev, state == STATE_ESC ? KEYS_ESC : KEYS_NONE, 0);
}

/* One row of the binding table. */
struct binding {
	unsigned contexts;		/* enum keys_context bits */
	enum keys_code code;
	uint32_t ch;			/* for KEYS_CHAR and KEYS_CTRL */
	enum keys_action action;
	const char *hint;		/* name on the hint line, or NULL */
};

#define ALL (KEYS_CONTEXT_MENU | KEYS_CONTEXT_TEXT | KEYS_CONTEXT_MESSAGE)
#define MENU KEYS_CONTEXT_MENU
#define TEXT KEYS_CONTEXT_TEXT
#define NOT_TEXT (KEYS_CONTEXT_MENU | KEYS_CONTEXT_MESSAGE)

static const struct binding bindings[] = {
	{ ALL, KEYS_CTRL, 'c', ACTION_INTERRUPT, "^C" },
	{ ALL, KEYS_CTRL, 'l', ACTION_REDRAW, "^L" },
	{ ALL, KEYS_ENTER, 0, ACTION_CONFIRM, "Enter" },
	{ ALL, KEYS_ESC, 0, ACTION_BACK, "Esc" },
	{ MENU, KEYS_BACKSPACE, 0, ACTION_BACK, NULL },
	{ MENU, KEYS_LEFT, 0, ACTION_BACK, NULL },
	{ NOT_TEXT, KEYS_CHAR, 'q', ACTION_QUIT, "q" },
	{ ALL, KEYS_UP, 0, ACTION_UP, "Up" },
	{ MENU, KEYS_CHAR, 'k', ACTION_UP, "k" },
	{ ALL, KEYS_CTRL, 'p', ACTION_UP, NULL },
	{ ALL, KEYS_DOWN, 0, ACTION_DOWN, "Down" },
	{ MENU, KEYS_CHAR, 'j', ACTION_DOWN, "j" },
	{ ALL, KEYS_CTRL, 'n', ACTION_DOWN, NULL },
	{ ALL, KEYS_TAB, 0, ACTION_NEXT, "Tab" },
	{ ALL, KEYS_BACKTAB, 0, ACTION_PREVIOUS, NULL },
	{ ALL, KEYS_HOME, 0, ACTION_FIRST, "Home" },
	{ ALL, KEYS_CTRL, 'a', ACTION_FIRST, "^A" },
	{ ALL, KEYS_END, 0, ACTION_LAST, "End" },
	{ ALL, KEYS_CTRL, 'e', ACTION_LAST, "^E" },
	{ ALL, KEYS_PGUP, 0, ACTION_PAGE_UP, "PgUp" },
	{ ALL, KEYS_CTRL, 'b', ACTION_PAGE_UP, "^B" },
	{ ALL, KEYS_PGDN, 0, ACTION_PAGE_DOWN, "PgDn" },
	{ ALL, KEYS_CTRL, 'f', ACTION_PAGE_DOWN, "^F" },
	{ TEXT, KEYS_LEFT, 0, ACTION_LEFT, NULL },
	{ TEXT, KEYS_RIGHT, 0, ACTION_RIGHT, NULL },
	{ TEXT, KEYS_BACKSPACE, 0, ACTION_ERASE_LEFT, "Backspace" },
	{ TEXT, KEYS_DELETE, 0, ACTION_ERASE_RIGHT, NULL },
	{ TEXT, KEYS_CTRL, 'd', ACTION_ERASE_RIGHT, NULL },
	{ TEXT, KEYS_CTRL, 'u', ACTION_ERASE_ALL, "^U" },
	{ TEXT, KEYS_CTRL, 't', ACTION_REVEAL, "^T" },
	{ MENU, KEYS_RIGHT, 0, ACTION_CONFIRM, NULL },
	{ KEYS_CONTEXT_MESSAGE, KEYS_CHAR, ' ', ACTION_CONFIRM, NULL },
};

#define BINDING_COUNT (sizeof(bindings) / sizeof(bindings[0]))

static bool
binding_matches(const struct binding *b, enum keys_context context,
    const struct keys_event *ev)
{
	/* ALL bindings (^C, ^L, Enter, Esc) hold even if a screen forgot to
	 * set its context: ^C must never go dead. */
	if ((b->contexts != ALL && !(b->contexts & (unsigned)context)) ||
	    b->code != ev->code)
		return false;
	if (ev->code == KEYS_CHAR || ev->code == KEYS_CTRL)
		return b->ch == ev->ch;
	return true;
}

struct keys_action_event
keys_action(enum keys_context context, const struct keys_event *ev)
{
	struct keys_action_event out = { ACTION_NONE, 0 };

	for (size_t i = 0; i < BINDING_COUNT; i++) {
		if (binding_matches(&bindings[i], context, ev)) {
			out.action = bindings[i].action;
			return out;
		}
	}
	if (ev->code == KEYS_CHAR && context == KEYS_CONTEXT_MENU) {
		out.action = ACTION_HOTKEY;
		out.ch = ev->ch;
	} else if (ev->code == KEYS_CHAR && context == KEYS_CONTEXT_TEXT) {
		out.action = ACTION_INSERT;
		out.ch = ev->ch;
	}
	return out;
}

size_t
keys_names(enum keys_context context, enum keys_action action, char *buf,
    size_t size)
{
	size_t used = 0;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	for (size_t i = 0; i < BINDING_COUNT; i++) {
		const struct binding *b = &bindings[i];
		int n;

		if (b->action != action || b->hint == NULL ||
		    !(b->contexts & (unsigned)context))
			continue;
		n = snprintf(buf + used, size - used, "%s%s", used ? "/" : "",
		    b->hint);
		if (n < 0 || (size_t)n >= size - used) {
			buf[used] = '\0';	/* no half names */
			break;
		}
		used += (size_t)n;
	}
	return used;
}
