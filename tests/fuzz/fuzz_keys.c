/*
 * fuzz_keys.c: the key decoder (tui/keys.c) on any bytes, as a terminal
 * or a noisy serial line sends them: UTF-8, control bytes, CSI and SS3
 * sequences, cursor-position reports. A byte 0xfe in the input stands
 * for the Esc delay passing (keys_flush) half the time, so lone and
 * broken escapes are reached too.
 *
 * Whatever it is given: every event is a code the decoder knows with a
 * value in its range (a character a Unicode scalar value, not a control,
 * never overlong; Ctrl a letter; a function key 1 to 20; a cursor report
 * 2 to 999 each way); keys_next gives at most one more event after each;
 * a sequence never grows past KEYS_SEQUENCE_MAX; after a last flush
 * nothing is pending; and every event maps to an action in every context.
 */
#include "tui/keys.h"
#include "tests/fuzz/fuzz.h"

static void
check_event(const struct keys_event *ev)
{
	static const enum keys_context contexts[] = { KEYS_CONTEXT_MENU,
	    KEYS_CONTEXT_TEXT, KEYS_CONTEXT_MESSAGE };

	FUZZ_CHECK(ev->code >= KEYS_NONE && ev->code <= KEYS_CURSOR_REPORT);
	switch (ev->code) {
	case KEYS_CHAR:
		FUZZ_CHECK(ev->ch >= 0x20 && ev->ch != 0x7f &&
		    !(ev->ch >= 0x80 && ev->ch < 0xa0) &&
		    !(ev->ch >= 0xd800 && ev->ch <= 0xdfff) &&
		    ev->ch <= 0x10ffff);
		break;
	case KEYS_CTRL:
		FUZZ_CHECK(ev->ch >= 'a' && ev->ch <= 'z');
		break;
	case KEYS_FN:
		FUZZ_CHECK(ev->ch >= 1 && ev->ch <= 20);
		break;
	case KEYS_CURSOR_REPORT:
		FUZZ_CHECK((ev->ch >> 16) >= 2 && (ev->ch >> 16) <=
		    KEYS_REPORT_MAX && (ev->ch & 0xffff) >= 2 &&
		    (ev->ch & 0xffff) <= KEYS_REPORT_MAX);
		break;
	default:
		break;
	}
	for (size_t i = 0; i < sizeof(contexts) / sizeof(contexts[0]); i++) {
		struct keys_action_event a = keys_action(contexts[i], ev);

		FUZZ_CHECK(a.action >= ACTION_NONE && a.action <= ACTION_INSERT);
	}
}

/* The events after one keys_feed or keys_flush gave EV. */
static void
drain(struct keys_decoder *dec, const struct keys_event *ev)
{
	struct keys_event more;
	int extra = 0;

	check_event(ev);
	while (keys_next(dec, &more)) {
		check_event(&more);
		FUZZ_CHECK(++extra <= 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keys_decoder dec;
	struct keys_event ev;
	bool flip = false;

	keys_init(&dec);
	for (size_t i = 0; i < size; i++) {
		if (data[i] == 0xfe && (flip = !flip)) {
			if (keys_flush(&dec, &ev))
				drain(&dec, &ev);
			continue;
		}
		if (keys_feed(&dec, data[i], &ev))
			drain(&dec, &ev);
		FUZZ_CHECK(dec.length <= KEYS_SEQUENCE_MAX);
	}
	/* The Esc delay passing at the end: a flush ends what was begun,
	 * and one more gives a byte an Esc held back. */
	for (int i = 0; i < 2 && keys_pending(&dec); i++)
		if (keys_flush(&dec, &ev))
			drain(&dec, &ev);
	FUZZ_CHECK(!keys_pending(&dec));
	return 0;
}
