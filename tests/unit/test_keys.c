/* test_keys.c: the byte decoder and the binding table (tui/keys.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tui/keys.h"

#define MAX_EVENTS 256

struct decoded {
	struct keys_event ev[MAX_EVENTS];
	size_t count;
};

/* Feeds LEN bytes, then flushes as if the Esc delay passed, and keeps
 * every event that is not KEYS_NONE. */
static void
decode(const char *bytes, size_t len, struct decoded *out)
{
	struct keys_decoder dec;
	struct keys_event ev;

	keys_init(&dec);
	out->count = 0;
	for (size_t i = 0; i < len; i++) {
		bool got = keys_feed(&dec, (unsigned char)bytes[i], &ev);
		/* As the terminal session does: after each event, the key an
		 * Esc held back. */
		while (got) {
			if (ev.code != KEYS_NONE && out->count < MAX_EVENTS)
				out->ev[out->count++] = ev;
			got = keys_next(&dec, &ev);
		}
	}
	while (keys_flush(&dec, &ev))
		if (ev.code != KEYS_NONE && out->count < MAX_EVENTS)
			out->ev[out->count++] = ev;
	assert_false(keys_pending(&dec));
}

#define DECODE(s, out) decode((s), sizeof(s) - 1, (out))

static void
assert_single(const char *bytes, size_t len, enum keys_code code,
    uint32_t ch)
{
	struct decoded d;

	decode(bytes, len, &d);
	assert_int_equal(d.count, 1);
	assert_int_equal(d.ev[0].code, code);
	assert_int_equal(d.ev[0].ch, ch);
}

#define SINGLE(s, code, ch) assert_single((s), sizeof(s) - 1, (code), (ch))

static void
test_keys_feed_ok_ascii_and_controls(void **state)
{
	(void)state;
	SINGLE("a", KEYS_CHAR, 'a');
	SINGLE("7", KEYS_CHAR, '7');
	SINGLE(" ", KEYS_CHAR, ' ');
	SINGLE("\r", KEYS_ENTER, 0);
	SINGLE("\n", KEYS_ENTER, 0);
	SINGLE("\t", KEYS_TAB, 0);
	SINGLE("\x7f", KEYS_BACKSPACE, 0);
	SINGLE("\x08", KEYS_BACKSPACE, 0);
	SINGLE("\x03", KEYS_CTRL, 'c');
	SINGLE("\x0c", KEYS_CTRL, 'l');
	SINGLE("\x01", KEYS_CTRL, 'a');
}

static void
test_keys_feed_ok_crlf_is_one_enter(void **state)
{
	struct decoded d;

	(void)state;
	DECODE("\r\n\r\n", &d);
	assert_int_equal(d.count, 2);
	assert_int_equal(d.ev[0].code, KEYS_ENTER);
	assert_int_equal(d.ev[1].code, KEYS_ENTER);
	DECODE("\n\n", &d);
	assert_int_equal(d.count, 2);
}

static void
test_keys_feed_ok_lone_escape_after_delay(void **state)
{
	struct keys_decoder dec;
	struct keys_event ev;

	(void)state;
	keys_init(&dec);
	assert_false(keys_feed(&dec, 0x1b, &ev));
	assert_true(keys_pending(&dec));
	assert_true(keys_flush(&dec, &ev));
	assert_int_equal(ev.code, KEYS_ESC);
	assert_false(keys_flush(&dec, &ev));
}

static void
test_keys_feed_ok_double_escape(void **state)
{
	struct decoded d;

	(void)state;
	DECODE("\x1b\x1b", &d);
	assert_int_equal(d.count, 2);
	assert_int_equal(d.ev[0].code, KEYS_ESC);
	assert_int_equal(d.ev[1].code, KEYS_ESC);
}

static void
test_keys_feed_ok_cursor_keys_every_terminal(void **state)
{
	(void)state;
	/* normal mode (xterm, linux, vt220) */
	SINGLE("\x1b[A", KEYS_UP, 0);
	SINGLE("\x1b[B", KEYS_DOWN, 0);
	SINGLE("\x1b[C", KEYS_RIGHT, 0);
	SINGLE("\x1b[D", KEYS_LEFT, 0);
	/* application mode (vt100 with DECCKM, PuTTY) */
	SINGLE("\x1bOA", KEYS_UP, 0);
	SINGLE("\x1bOB", KEYS_DOWN, 0);
	SINGLE("\x1bOC", KEYS_RIGHT, 0);
	SINGLE("\x1bOD", KEYS_LEFT, 0);
	/* with modifiers (xterm Ctrl-Up): still a move */
	SINGLE("\x1b[1;5A", KEYS_UP, 0);
}

static void
test_keys_feed_ok_editing_keys_every_terminal(void **state)
{
	(void)state;
	SINGLE("\x1b[H", KEYS_HOME, 0);
	SINGLE("\x1b[F", KEYS_END, 0);
	SINGLE("\x1bOH", KEYS_HOME, 0);
	SINGLE("\x1bOF", KEYS_END, 0);
	SINGLE("\x1b[1~", KEYS_HOME, 0);	/* linux, PuTTY */
	SINGLE("\x1b[4~", KEYS_END, 0);
	SINGLE("\x1b[7~", KEYS_HOME, 0);	/* rxvt */
	SINGLE("\x1b[8~", KEYS_END, 0);
	SINGLE("\x1b[2~", KEYS_INSERT, 0);
	SINGLE("\x1b[3~", KEYS_DELETE, 0);
	SINGLE("\x1b[5~", KEYS_PGUP, 0);
	SINGLE("\x1b[6~", KEYS_PGDN, 0);
	SINGLE("\x1b[Z", KEYS_BACKTAB, 0);
	SINGLE("\x1bOM", KEYS_ENTER, 0);	/* keypad Enter */
	SINGLE("\x1bOq", KEYS_CHAR, '1');	/* keypad digit */
}

static void
test_keys_feed_ok_function_keys(void **state)
{
	(void)state;
	SINGLE("\x1bOP", KEYS_FN, 1);		/* vt100, xterm */
	SINGLE("\x1bOS", KEYS_FN, 4);
	SINGLE("\x1b[[A", KEYS_FN, 1);		/* linux console */
	SINGLE("\x1b[[E", KEYS_FN, 5);
	SINGLE("\x1b[11~", KEYS_FN, 1);		/* PuTTY, rxvt */
	SINGLE("\x1b[15~", KEYS_FN, 5);
	SINGLE("\x1b[21~", KEYS_FN, 10);
	SINGLE("\x1b[24~", KEYS_FN, 12);
}

static void
test_keys_feed_ok_utf8(void **state)
{
	(void)state;
	SINGLE("\xc3\xa9", KEYS_CHAR, 0xe9);		/* é */
	SINGLE("\xe2\x82\xac", KEYS_CHAR, 0x20ac);	/* € */
	SINGLE("\xf0\x9f\x94\x91", KEYS_CHAR, 0x1f511);	/* key emoji */
}

static void
test_keys_feed_nok_bad_utf8_dropped(void **state)
{
	struct decoded d;

	(void)state;
	DECODE("\xc0\xaf", &d);		/* overlong '/' */
	assert_int_equal(d.count, 0);
	DECODE("\xe0\x80\xaf", &d);	/* overlong, three bytes */
	assert_int_equal(d.count, 0);
	DECODE("\xed\xa0\x80", &d);	/* a surrogate */
	assert_int_equal(d.count, 0);
	DECODE("\xf4\x90\x80\x80", &d);	/* past U+10FFFF */
	assert_int_equal(d.count, 0);
	DECODE("\xc2\x9b", &d);		/* C1 CSI as a character */
	assert_int_equal(d.count, 0);
	DECODE("\x9b\xff\xfe\x80", &d);	/* stray bytes */
	assert_int_equal(d.count, 0);
}

static void
test_keys_feed_ok_broken_utf8_keeps_next_key(void **state)
{
	struct decoded d;

	(void)state;
	DECODE("\xc3q", &d);
	assert_int_equal(d.count, 1);
	assert_int_equal(d.ev[0].code, KEYS_CHAR);
	assert_int_equal(d.ev[0].ch, 'q');
	DECODE("\xe2\x82\r", &d);
	assert_int_equal(d.count, 1);
	assert_int_equal(d.ev[0].code, KEYS_ENTER);
}

static void
test_keys_feed_nok_unknown_sequences_dropped_whole(void **state)
{
	struct decoded d;

	(void)state;
	/* A bracketed paste marker, a mouse-ish CSI, an unknown final, a
	 * private-mode reply: none may leak letters or an Esc. */
	DECODE("\x1b[200~\x1b[201~\x1b[?1;2c\x1b[99x\x1b[<0;1;2M", &d);
	assert_int_equal(d.count, 0);
	DECODE("\x1bOz", &d);
	assert_int_equal(d.count, 0);
	DECODE("\x1b[[Z", &d);
	assert_int_equal(d.count, 0);
}

/* The terminal's answer to "where is the cursor" (how a serial line
 * learns the screen size) is one event with row and column; a modified
 * F3 (CSI 1;5R) is not taken for one, nor a report without a column. */
static void
test_keys_feed_ok_cursor_report(void **state)
{
	struct decoded d;

	(void)state;
	SINGLE("\x1b[24;80R", KEYS_CURSOR_REPORT, 24u << 16 | 80u);
	SINGLE("\x1b[999;999R", KEYS_CURSOR_REPORT, 999u << 16 | 999u);
	/* Nothing outside what the question asks for (999;999): a huge
	 * size would make curses allocate for millions of cells. */
	DECODE("\x1b[1;5R\x1b[24R\x1b[;80R\x1b[1000;80R\x1b[24;99999R"
	    "\x1b[99999;99999R", &d);
	assert_int_equal(d.count, 0);
	/* Typed keys around it are kept. */
	DECODE("a\x1b[30;100Rb", &d);
	assert_int_equal(d.count, 3);
	assert_int_equal(d.ev[1].code, KEYS_CURSOR_REPORT);
	assert_int_equal(d.ev[2].ch, 'b');
}

/* Esc typed just before a key (or Alt + key) is Esc, then that key: a
 * technician's type-ahead over a serial line must not lose keys. */
static void
test_keys_feed_ok_escape_then_key(void **state)
{
	struct decoded d;

	(void)state;
	DECODE("\x1bq", &d);
	assert_int_equal(d.count, 2);
	assert_int_equal(d.ev[0].code, KEYS_ESC);
	assert_int_equal(d.ev[1].code, KEYS_CHAR);
	assert_int_equal(d.ev[1].ch, 'q');
	DECODE("\x1b\r", &d);
	assert_int_equal(d.count, 2);
	assert_int_equal(d.ev[0].code, KEYS_ESC);
	assert_int_equal(d.ev[1].code, KEYS_ENTER);
	DECODE("\x1b\x1b\x1bj", &d);
	assert_int_equal(d.count, 4);
	assert_int_equal(d.ev[2].code, KEYS_ESC);
	assert_int_equal(d.ev[3].ch, 'j');
	/* The held key may itself start a sequence. */
	DECODE("\x1b\xc3\xa9", &d);
	assert_int_equal(d.count, 2);
	assert_int_equal(d.ev[1].ch, 0xe9);
}

static void
test_keys_feed_ok_sequence_broken_by_control_byte(void **state)
{
	struct decoded d;

	(void)state;
	/* Noise cut short by Enter: the Enter still counts. */
	DECODE("\x1b[12\r", &d);
	assert_int_equal(d.count, 1);
	assert_int_equal(d.ev[0].code, KEYS_ENTER);
	/* A new Esc inside a sequence starts over. */
	DECODE("\x1b[1\x1b[A", &d);
	assert_int_equal(d.count, 1);
	assert_int_equal(d.ev[0].code, KEYS_UP);
}

static void
test_keys_feed_nok_overlong_sequence_bounded(void **state)
{
	char buf[1024];
	struct decoded d;

	(void)state;
	buf[0] = 0x1b;
	buf[1] = '[';
	memset(buf + 2, '1', sizeof(buf) - 4);
	buf[sizeof(buf) - 2] = 'A';
	buf[sizeof(buf) - 1] = 'x';
	decode(buf, sizeof(buf), &d);
	/* The run of digits is dropped with its final; 'x' survives. */
	assert_int_equal(d.count, 1);
	assert_int_equal(d.ev[0].code, KEYS_CHAR);
	assert_int_equal(d.ev[0].ch, 'x');
}

static void
test_keys_feed_ok_partial_sequence_flushed(void **state)
{
	struct decoded d;

	(void)state;
	DECODE("\x1b[", &d);
	assert_int_equal(d.count, 0);
	DECODE("\x1bO", &d);
	assert_int_equal(d.count, 0);
}

static void
test_keys_feed_ok_random_bytes_never_stuck(void **state)
{
	struct keys_decoder dec;
	struct keys_event ev;
	unsigned seed = 12345;

	(void)state;
	keys_init(&dec);
	for (int i = 0; i < 200000; i++) {
		seed = seed * 1103515245u + 12345u;
		(void)keys_feed(&dec, (unsigned char)(seed >> 16), &ev);
		assert_true(dec.length <= KEYS_SEQUENCE_MAX);
	}
	while (keys_flush(&dec, &ev))
		;
	/* After any noise, a plain key decodes normally. */
	assert_true(keys_feed(&dec, 'q', &ev));
	assert_int_equal(ev.code, KEYS_CHAR);
	assert_int_equal(ev.ch, 'q');
}

static struct keys_action_event
act(enum keys_context context, enum keys_code code, uint32_t ch)
{
	struct keys_event ev = { .code = code, .ch = ch };

	return keys_action(context, &ev);
}

static void
test_keys_action_ok_menu(void **state)
{
	(void)state;
	assert_int_equal(act(KEYS_CONTEXT_MENU, KEYS_CHAR, 'j').action,
	    ACTION_DOWN);
	assert_int_equal(act(KEYS_CONTEXT_MENU, KEYS_CHAR, 'k').action,
	    ACTION_UP);
	assert_int_equal(act(KEYS_CONTEXT_MENU, KEYS_DOWN, 0).action,
	    ACTION_DOWN);
	assert_int_equal(act(KEYS_CONTEXT_MENU, KEYS_CTRL, 'n').action,
	    ACTION_DOWN);
	assert_int_equal(act(KEYS_CONTEXT_MENU, KEYS_CHAR, 'q').action,
	    ACTION_QUIT);
	assert_int_equal(act(KEYS_CONTEXT_MENU, KEYS_ENTER, 0).action,
	    ACTION_CONFIRM);
	assert_int_equal(act(KEYS_CONTEXT_MENU, KEYS_ESC, 0).action,
	    ACTION_BACK);
	assert_int_equal(act(KEYS_CONTEXT_MENU, KEYS_TAB, 0).action,
	    ACTION_NEXT);
	struct keys_action_event hot = act(KEYS_CONTEXT_MENU, KEYS_CHAR,
	    '3');
	assert_int_equal(hot.action, ACTION_HOTKEY);
	assert_int_equal(hot.ch, '3');
}

static void
test_keys_action_ok_text_takes_letters(void **state)
{
	struct keys_action_event a;

	(void)state;
	a = act(KEYS_CONTEXT_TEXT, KEYS_CHAR, 'q');
	assert_int_equal(a.action, ACTION_INSERT);
	assert_int_equal(a.ch, 'q');
	a = act(KEYS_CONTEXT_TEXT, KEYS_CHAR, 0xe9);
	assert_int_equal(a.action, ACTION_INSERT);
	assert_int_equal(a.ch, 0xe9);
	assert_int_equal(act(KEYS_CONTEXT_TEXT, KEYS_CHAR, 'j').action,
	    ACTION_INSERT);
	assert_int_equal(act(KEYS_CONTEXT_TEXT, KEYS_BACKSPACE, 0).action,
	    ACTION_ERASE_LEFT);
	assert_int_equal(act(KEYS_CONTEXT_TEXT, KEYS_CTRL, 'u').action,
	    ACTION_ERASE_ALL);
	assert_int_equal(act(KEYS_CONTEXT_TEXT, KEYS_LEFT, 0).action,
	    ACTION_LEFT);
	assert_int_equal(act(KEYS_CONTEXT_TEXT, KEYS_ESC, 0).action,
	    ACTION_BACK);
}

static void
test_keys_action_ok_global_keys_everywhere(void **state)
{
	static const enum keys_context contexts[] = { KEYS_CONTEXT_MENU,
	    KEYS_CONTEXT_TEXT, KEYS_CONTEXT_MESSAGE };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(act(contexts[i], KEYS_CTRL, 'c').action,
		    ACTION_INTERRUPT);
		assert_int_equal(act(contexts[i], KEYS_CTRL, 'l').action,
		    ACTION_REDRAW);
		assert_int_equal(act(contexts[i], KEYS_ENTER, 0).action,
		    ACTION_CONFIRM);
		assert_int_equal(act(contexts[i], KEYS_ESC, 0).action,
		    ACTION_BACK);
	}
}

static void
test_keys_action_nok_unbound(void **state)
{
	(void)state;
	assert_int_equal(act(KEYS_CONTEXT_MESSAGE, KEYS_CHAR, 'x').action,
	    ACTION_NONE);
	assert_int_equal(act(KEYS_CONTEXT_MENU, KEYS_FN, 5).action,
	    ACTION_NONE);
	assert_int_equal(act(KEYS_CONTEXT_MENU, KEYS_CTRL, 'z').action,
	    ACTION_NONE);
}

/* Every action a screen can need has a key a vt100 without arrows or
 * function keys can send. */
static void
test_keys_action_ok_reachable_without_function_keys(void **state)
{
	static const struct { enum keys_context context;
	    enum keys_action action; } needed[] = {
		{ KEYS_CONTEXT_MENU, ACTION_UP },
		{ KEYS_CONTEXT_MENU, ACTION_DOWN },
		{ KEYS_CONTEXT_MENU, ACTION_CONFIRM },
		{ KEYS_CONTEXT_MENU, ACTION_BACK },
		{ KEYS_CONTEXT_MENU, ACTION_QUIT },
		{ KEYS_CONTEXT_MENU, ACTION_FIRST },
		{ KEYS_CONTEXT_MENU, ACTION_PAGE_DOWN },
		{ KEYS_CONTEXT_TEXT, ACTION_FIRST },
		{ KEYS_CONTEXT_TEXT, ACTION_LAST },
		{ KEYS_CONTEXT_TEXT, ACTION_ERASE_LEFT },
		{ KEYS_CONTEXT_TEXT, ACTION_ERASE_RIGHT },
		{ KEYS_CONTEXT_TEXT, ACTION_NEXT },
		{ KEYS_CONTEXT_TEXT, ACTION_BACK },
		{ KEYS_CONTEXT_TEXT, ACTION_REVEAL },
		{ KEYS_CONTEXT_MESSAGE, ACTION_CONFIRM },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		bool found = false;
		for (uint32_t c = 0x20; c < 0x7f && !found; c++)
			found = act(needed[i].context, KEYS_CHAR, c).action ==
			    needed[i].action;
		for (uint32_t c = 'a'; c <= 'z' && !found; c++)
			found = act(needed[i].context, KEYS_CTRL, c).action ==
			    needed[i].action;
		static const enum keys_code plain[] = { KEYS_ENTER, KEYS_TAB,
		    KEYS_ESC, KEYS_BACKSPACE };
		for (size_t k = 0; k < 4 && !found; k++)
			found = act(needed[i].context, plain[k], 0).action ==
			    needed[i].action;
		if (!found)
			fail_msg("action %d in context %d needs an arrow or "
			    "function key", needed[i].action,
			    needed[i].context);
	}
}

static void
test_keys_names_ok_hint_text(void **state)
{
	char buf[64];

	(void)state;
	keys_names(KEYS_CONTEXT_MENU, ACTION_DOWN, buf, sizeof(buf));
	assert_string_equal(buf, "Down/j");
	keys_names(KEYS_CONTEXT_TEXT, ACTION_DOWN, buf, sizeof(buf));
	assert_string_equal(buf, "Down");
	keys_names(KEYS_CONTEXT_MENU, ACTION_QUIT, buf, sizeof(buf));
	assert_string_equal(buf, "q");
	keys_names(KEYS_CONTEXT_TEXT, ACTION_QUIT, buf, sizeof(buf));
	assert_string_equal(buf, "");
	keys_names(KEYS_CONTEXT_MENU, ACTION_REDRAW, buf, 3);
	assert_string_equal(buf, "^L");
	keys_names(KEYS_CONTEXT_MENU, ACTION_DOWN, buf, 4);
	assert_string_equal(buf, "");	/* "Down" does not fit in 3 */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_feed_ok_ascii_and_controls),
		cmocka_unit_test(test_keys_feed_ok_crlf_is_one_enter),
		cmocka_unit_test(test_keys_feed_ok_lone_escape_after_delay),
		cmocka_unit_test(test_keys_feed_ok_double_escape),
		cmocka_unit_test(test_keys_feed_ok_cursor_keys_every_terminal),
		cmocka_unit_test(test_keys_feed_ok_editing_keys_every_terminal),
		cmocka_unit_test(test_keys_feed_ok_function_keys),
		cmocka_unit_test(test_keys_feed_ok_utf8),
		cmocka_unit_test(test_keys_feed_nok_bad_utf8_dropped),
		cmocka_unit_test(test_keys_feed_ok_broken_utf8_keeps_next_key),
		cmocka_unit_test(
		    test_keys_feed_nok_unknown_sequences_dropped_whole),
		cmocka_unit_test(test_keys_feed_ok_cursor_report),
		cmocka_unit_test(test_keys_feed_ok_escape_then_key),
		cmocka_unit_test(
		    test_keys_feed_ok_sequence_broken_by_control_byte),
		cmocka_unit_test(test_keys_feed_nok_overlong_sequence_bounded),
		cmocka_unit_test(test_keys_feed_ok_partial_sequence_flushed),
		cmocka_unit_test(test_keys_feed_ok_random_bytes_never_stuck),
		cmocka_unit_test(test_keys_action_ok_menu),
		cmocka_unit_test(test_keys_action_ok_text_takes_letters),
		cmocka_unit_test(test_keys_action_ok_global_keys_everywhere),
		cmocka_unit_test(test_keys_action_nok_unbound),
		cmocka_unit_test(
		    test_keys_action_ok_reachable_without_function_keys),
		cmocka_unit_test(test_keys_names_ok_hint_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
