/*
 * fuzz_code.c: reset codes and the code32 layer on any text.
 *
 * protocol_code_check against a fixed request and code key returns 0,
 * -EINVAL, -E2BIG or -EACCES; -EINVAL or -E2BIG exactly when code32_parse
 * finds no 20 well-typed symbols, -E2BIG (group 6) only for text of six
 * groups' length whose first five are a well-typed code; 0 only for the
 * code protocol_code_make writes (read with Crockford's leniency) and
 * never for both actions; an action or a request no code answers is
 * -EINVAL. The same against the fixed request in version 2 (store 7):
 * never 0 for a text the version-1 request takes, nor for another store
 * (and, whatever the text, store 7's own code answers neither store 8 nor
 * the version-1 request); protocol_code_well_typed says yes exactly for
 * well-typed text, either version's.
 *
 * code32_parse with groups of 4 and 5 (codes and requests), into buffers
 * of exactly MAX symbols: a failure leaves *COUNT 0 and the buffer zeroed;
 * a success gives whole groups of symbols 0..31, which code32_format
 * writes back as the text read (upper case, I and L as 1, O as 0, spaces
 * and hyphens aside) and which parse to the same symbols.
 */
#include <errno.h>
#include <stdbool.h>

#include "common/code32.h"
#include "common/protocol.h"
#include "tests/fuzz/fuzz.h"

#define TEXT_MAX 1024

/* TEXT as code32_parse reads it: symbols only, in canonical letters. */
static void
canonical(const char *text, char *out, size_t size)
{
	size_t n = 0;

	for (; *text != '\0' && n + 1 < size; text++) {
		char c = *text;

		if (c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c == 'I' || c == 'L')
			c = '1';
		else if (c == 'O')
			c = '0';
		out[n++] = c;
	}
	out[n] = '\0';
}

static void
check_parse(const char *text, size_t group, size_t max)
{
	uint8_t *symbols = malloc(max), again[128];
	char out[TEXT_MAX], a[TEXT_MAX], b[TEXT_MAX];
	size_t count = 999, bad = 999, count2 = 999, i;
	int rc, len;

	FUZZ_CHECK(symbols != NULL && max <= sizeof(again));
	memset(symbols, 0xa5, max);
	rc = code32_parse(text, group, symbols, max, &count, &bad);
	FUZZ_CHECK(rc >= CODE32_OK && rc <= CODE32_BAD_CHECK);
	if (rc != CODE32_OK) {
		FUZZ_CHECK(count == 0);
		for (i = 0; i < max; i++)
			FUZZ_CHECK(symbols[i] == 0);
		FUZZ_CHECK(bad <= strlen(text) / (group + 1));
		free(symbols);
		return;
	}
	FUZZ_CHECK(bad == 0);
	FUZZ_CHECK(count > 0 && count % group == 0 && count <= max);
	for (i = 0; i < count; i++)
		FUZZ_CHECK(symbols[i] <= 31);
	len = code32_format(symbols, count, group, out, sizeof(out));
	FUZZ_CHECK(len > 0 &&
	    (size_t)len == code32_formatted_length(count, group));
	canonical(text, a, sizeof(a));
	canonical(out, b, sizeof(b));
	FUZZ_CHECK(strcmp(a, b) == 0);
	FUZZ_CHECK(code32_parse(out, group, again, max, &count2, NULL) ==
	    CODE32_OK);
	FUZZ_CHECK(count2 == count && memcmp(again, symbols, count) == 0);
	free(symbols);
}

/* Whether TEXT is 20 well-typed symbols in whole groups. */
static bool
well_typed_code(const char *text)
{
	uint8_t symbols[PROTOCOL_CODE_SYMBOLS];
	size_t count = 0;

	return code32_parse(text, PROTOCOL_CODE_GROUP, symbols,
	    sizeof(symbols), &count, NULL) == CODE32_OK &&
	    count == PROTOCOL_CODE_SYMBOLS;
}

/* Checks TEXT against R for both actions (see the top); RC gets the
 * results. */
static void
check_code_for(const char *text, const struct protocol_request *r,
    const uint8_t code_key[PROTOCOL_KEY_BYTES], bool well_typed,
    int not_a_code, int rc[2])
{
	static const enum protocol_action actions[2] = {
		PROTOCOL_SET_PASSWORD, PROTOCOL_FACTORY_RESET,
	};
	char want[PROTOCOL_CODE_TEXT_MAX], a[TEXT_MAX], b[TEXT_MAX];
	size_t bad;

	for (size_t i = 0; i < 2; i++) {
		bad = 999;
		rc[i] = protocol_code_check(text, r, actions[i], code_key,
		    &bad);
		FUZZ_CHECK(rc[i] == 0 || rc[i] == -EINVAL ||
		    rc[i] == -E2BIG || rc[i] == -EACCES);
		FUZZ_CHECK((rc[i] == -EINVAL || rc[i] == -E2BIG) ==
		    !well_typed);
		FUZZ_CHECK(rc[i] != -E2BIG || (bad == 6 &&
		    not_a_code == -E2BIG));
		FUZZ_CHECK(rc[i] == -EINVAL || rc[i] == -E2BIG || bad == 0);
		FUZZ_CHECK(bad <= strlen(text) / (PROTOCOL_CODE_GROUP + 1) + 1);
		if (rc[i] != 0)
			continue;
		FUZZ_CHECK(protocol_code_make(r, actions[i], code_key, want,
		    sizeof(want)) > 0);
		canonical(text, a, sizeof(a));
		canonical(want, b, sizeof(b));
		FUZZ_CHECK(strcmp(a, b) == 0);
	}
	FUZZ_CHECK(!(rc[0] == 0 && rc[1] == 0));
}

static void
check_code(const char *text)
{
	uint8_t request_key[PROTOCOL_KEY_BYTES], code_key[PROTOCOL_KEY_BYTES];
	uint8_t symbols[PROTOCOL_CODE_SYMBOLS];
	char want[PROTOCOL_CODE_TEXT_MAX];
	struct protocol_request r, r2;
	size_t count = 0;
	bool well_typed;
	int rc[2], rc2[2], not_a_code;
	char *shorter;

	fuzz_keys(request_key, code_key);
	fuzz_request(&r);
	shorter = malloc(strlen(text) + 1);
	FUZZ_CHECK(shorter != NULL);
	code32_drop_last(text, PROTOCOL_CODE_GROUP + 1, shorter,
	    strlen(text) + 1);
	not_a_code = !well_typed_code(text) && code32_symbols_typed(text) ==
	    30 && strlen(text) < 4 * PROTOCOL_CODE_TEXT_MAX &&
	    well_typed_code(shorter) ? -E2BIG : -EINVAL;
	free(shorter);
	well_typed = code32_parse(text, PROTOCOL_CODE_GROUP, symbols,
	    sizeof(symbols), &count, NULL) == CODE32_OK &&
	    count == PROTOCOL_CODE_SYMBOLS;
	FUZZ_CHECK(protocol_code_well_typed(text) == well_typed);
	check_code_for(text, &r, code_key, well_typed, not_a_code, rc);
	/* Version 2: no text answers both versions, nor two stores. */
	fuzz_request_v2(&r2);
	check_code_for(text, &r2, code_key, well_typed, not_a_code, rc2);
	for (size_t i = 0; i < 2; i++) {
		FUZZ_CHECK(!(rc[i] == 0 && rc2[i] == 0));
		if (rc2[i] != 0)
			continue;
		r2.store = FUZZ_STORE + 1;
		FUZZ_CHECK(protocol_code_check(text, &r2, i == 0 ?
		    PROTOCOL_SET_PASSWORD : PROTOCOL_FACTORY_RESET, code_key,
		    NULL) == -EACCES);
		r2.store = FUZZ_STORE;
	}
	/* Whatever the text: the code of the next store, or of version 1,
	 * is not store 7's (so a corpus made by a code that left the store
	 * out of its MAC would not hide it). */
	FUZZ_CHECK(protocol_code_make(&r2, PROTOCOL_SET_PASSWORD, code_key,
	    want, sizeof(want)) > 0);
	r2.store = FUZZ_STORE + 1;
	FUZZ_CHECK(protocol_code_check(want, &r2, PROTOCOL_SET_PASSWORD,
	    code_key, NULL) == -EACCES);
	r2.store = FUZZ_STORE;
	FUZZ_CHECK(protocol_code_check(want, &r, PROTOCOL_SET_PASSWORD,
	    code_key, NULL) == -EACCES);

	/* No code answers an unknown action or a request out of range
	 * (a group too many is told first, as a typo is). */
	FUZZ_CHECK(protocol_code_check(text, &r, (enum protocol_action)0,
	    code_key, NULL) == not_a_code);
	FUZZ_CHECK(protocol_code_check(text, &r, (enum protocol_action)3,
	    code_key, NULL) == not_a_code);
	r.key_id = 0;
	FUZZ_CHECK(protocol_code_check(text, &r, PROTOCOL_SET_PASSWORD,
	    code_key, NULL) == not_a_code);
	/* Nor a store out of range, or one in version 1. */
	r2.store = PROTOCOL_STORE_MAX + 1;
	FUZZ_CHECK(protocol_code_check(text, &r2, PROTOCOL_SET_PASSWORD,
	    code_key, NULL) == not_a_code);
	r2.version = 1;
	r2.store = 1;
	FUZZ_CHECK(protocol_code_check(text, &r2, PROTOCOL_SET_PASSWORD,
	    code_key, NULL) == not_a_code);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size >= TEXT_MAX)	/* canonical() needs room; nothing is lost */
		return 0;
	text = fuzz_string(data, size);
	fuzz_init();
	check_code(text);
	check_parse(text, PROTOCOL_CODE_GROUP, PROTOCOL_CODE_SYMBOLS);
	check_parse(text, PROTOCOL_CODE_GROUP, 22);	/* not whole groups */
	check_parse(text, PROTOCOL_REQUEST_GROUP, 115);	/* a request's */
	free(text);
	return 0;
}
