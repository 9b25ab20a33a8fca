/*
 * test_code32.c: the grouped base32 codec (common/code32.c): bit packing,
 * known check symbols, round trips of random keys, and proof, over many
 * random groups, that every single-symbol typo and every swap of
 * neighbours is caught in the group where it happened.
 *
 * Random inputs come from libsodium (sodium_init in the group setup). A
 * failing case prints the text it parsed. Buffers handed to code32_parse
 * are malloc'd to their exact size so the ASan build catches an over-read.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "common/code32.h"

#define TRIALS 2000		/* random groups per exhaustive test */
#define GROUPS 3		/* groups per text in the exhaustive tests */
#define TEXT_MAX 1024

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static int
group_setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

static void
random_symbols(uint8_t *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		s[i] = (uint8_t)randombytes_uniform(32);
}

/* Parses a copy of TEXT in a buffer of its exact size and fails at
 * FILE:LINE unless the result is WANT_RC with WANT_BAD. */
static void
check_parse(const char *text, size_t group, size_t max, int want_rc,
    size_t want_bad, const char *file, int line)
{
	size_t len = strlen(text), count = 99, bad = 99;
	char *copy = malloc(len + 1);
	uint8_t *symbols = malloc(max > 0 ? max : 1);
	int rc;

	assert_non_null(copy);
	assert_non_null(symbols);
	memcpy(copy, text, len + 1);
	rc = code32_parse(copy, group, symbols, max, &count, &bad);
	free(copy);
	free(symbols);
	if (rc == want_rc && bad == want_bad &&
	    (rc == CODE32_OK || count == 0))
		return;
	print_error("code32_parse(\"%s\", %zu): rc %d bad_group %zu count "
	    "%zu, want rc %d bad_group %zu\n", text, group, rc, bad, count,
	    want_rc, want_bad);
	_fail(file, line);
}

#define assert_parse(text, group, max, rc, bad) \
	check_parse((text), (group), (max), (rc), (bad), __FILE__, __LINE__)

/* Parses TEXT with GROUP and fails unless it gives exactly the N symbols
 * WANT. */
static void
check_parse_ok(const char *text, size_t group, const uint8_t *want,
    size_t n, const char *file, int line)
{
	uint8_t got[64];
	size_t count = 99, bad = 99;
	int rc = code32_parse(text, group, got, sizeof(got), &count, &bad);

	if (rc == CODE32_OK && bad == 0 && count == n &&
	    memcmp(got, want, n) == 0)
		return;
	print_error("code32_parse(\"%s\", %zu): rc %d bad_group %zu count "
	    "%zu\n", text, group, rc, bad, count);
	_fail(file, line);
}

#define assert_parse_ok(text, group, want, n) \
	check_parse_ok((text), (group), (want), (n), __FILE__, __LINE__)

/* The known group "0001J-1234V" (see test_code32_check_ok_known_vector). */
static const uint8_t KNOWN[8] = { 0, 0, 0, 1, 1, 2, 3, 4 };

/*
 * Formats GROUPS random groups of GROUP symbols, then, in the group at
 * index t (one of each in turn), tries every other symbol at every
 * position (check included) and every swap of two different neighbours:
 * each must be refused as a bad check in group t. Returns the number of
 * swaps tried, so a caller can see the swap loop did run.
 */
static size_t
prove_group(size_t group, size_t trials)
{
	uint8_t data[GROUPS * CODE32_GROUP_MAX], got[GROUPS * CODE32_GROUP_MAX];
	char text[TEXT_MAX];
	size_t n = GROUPS * group, trial, pos, swaps = 0, count, bad;
	int len;

	for (trial = 0; trial < trials; trial++) {
		size_t t = trial % GROUPS, start = t * (group + 2);
		char *g = text + start;

		random_symbols(data, n);
		len = code32_format(data, n, group, text, sizeof(text));
		assert_int_equal(len, code32_formatted_length(n, group));
		/* The unchanged text must pass, or the loops prove nothing. */
		assert_int_equal(code32_parse(text, group, got, n, &count,
		    &bad), CODE32_OK);
		assert_int_equal(count, n);
		assert_memory_equal(got, data, n);
		for (pos = 0; pos <= group; pos++) {
			char orig = g[pos];
			uint8_t v;

			for (v = 0; v < 32; v++) {
				if (CODE32_ALPHABET[v] == orig)
					continue;
				g[pos] = CODE32_ALPHABET[v];
				assert_parse(text, group, n, CODE32_BAD_CHECK,
				    t);
			}
			g[pos] = orig;
		}
		for (pos = 0; pos < group; pos++) {
			char a = g[pos], b = g[pos + 1];

			if (a == b)
				continue;
			g[pos] = b;
			g[pos + 1] = a;
			assert_parse(text, group, n, CODE32_BAD_CHECK, t);
			g[pos] = a;
			g[pos + 1] = b;
			swaps++;
		}
	}
	return swaps;
}

/* ------------------------------------------------------------------ */
/* code32_from_bytes / code32_to_bytes                                 */

/* 00000 00001 00010 ... 00111 is 00000000 01000100 00110010 00010100
 * 11000111. */
static const uint8_t RAMP_BYTES[5] = { 0x00, 0x44, 0x32, 0x14, 0xc7 };
static const uint8_t RAMP[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };

static void
test_code32_from_bytes_ok_big_endian(void **state)
{
	uint8_t s[8];

	(void)state;
	code32_from_bytes(RAMP_BYTES, sizeof(RAMP_BYTES), s, sizeof(s));
	assert_memory_equal(s, RAMP, sizeof(RAMP));
}

static void
test_code32_from_bytes_ok_pads_with_zero_bits(void **state)
{
	static const uint8_t ff[1] = { 0xff };
	static const uint8_t want[3] = { 31, 28, 0 };
	uint8_t s[4] = { 0xaa, 0xaa, 0xaa, 0xaa };

	(void)state;
	code32_from_bytes(ff, 1, s, 3);
	assert_memory_equal(s, want, 3);
	assert_int_equal(s[3], 0xaa);
}

static void
test_code32_from_bytes_ok_ignores_extra_bits(void **state)
{
	static const uint8_t ffff[2] = { 0xff, 0xff };
	uint8_t s[2] = { 0xaa, 0xaa };

	(void)state;
	code32_from_bytes(ffff, 2, s, 1);
	assert_int_equal(s[0], 31);
	assert_int_equal(s[1], 0xaa);
}

static void
test_code32_to_bytes_ok_big_endian(void **state)
{
	uint8_t b[5];

	(void)state;
	code32_to_bytes(RAMP, sizeof(RAMP), b, sizeof(b));
	assert_memory_equal(b, RAMP_BYTES, sizeof(RAMP_BYTES));
}

static void
test_code32_to_bytes_ok_zero_fills(void **state)
{
	static const uint8_t s[2] = { 31, 31 };
	static const uint8_t want[3] = { 0xff, 0xc0, 0x00 };
	uint8_t b[4] = { 0xaa, 0xaa, 0xaa, 0xaa };

	(void)state;
	code32_to_bytes(s, 2, b, 3);
	assert_memory_equal(b, want, 3);
	assert_int_equal(b[3], 0xaa);
}

static void
test_code32_to_bytes_ok_ignores_extra_bits(void **state)
{
	/* 0xe1 has its high bits set: only 00001 counts. */
	static const uint8_t s[2] = { 0xe1, 31 };
	uint8_t b[2] = { 0xaa, 0xaa };

	(void)state;
	code32_to_bytes(s, 2, b, 1);
	assert_int_equal(b[0], 0x0f);
	assert_int_equal(b[1], 0xaa);
}

/* ------------------------------------------------------------------ */
/* code32_check                                                        */

/*
 * By hand, in GF(2^5) with x^5 = x^2 + 1 and alpha = x = 2: alpha^1..8
 * are 2, 4, 8, 16, 5, 10, 20, 13, and doubling on (XOR 0x25 past 31)
 * gives alpha^15 = 31, alpha^16 = 27, alpha^20 = 12, alpha^25 = 25,
 * alpha^27 = 11, alpha^30 = 18 (alpha^30 * alpha = 36 ^ 0x25 = 1). The
 * check c solves c * alpha^G = sum_{i<G} alpha^i * s_i.
 * - 0001: sum = alpha^3, so c = alpha^-1 = alpha^30 = 18, 'J'.
 * - 1000: sum = 1, so c = alpha^-4 = alpha^27 = 11, 'B'.
 * - 1234: sum = 1 ^ 2*2 ^ 3*4 ^ 4*8 = 1 ^ 4 ^ 12 ^ (32 ^ 0x25 = 5) = 12
 *   = alpha^20,
 *   so c = alpha^16 = 27, 'V'.
 * - ZZZZZ (G = 5): 31 * (1 ^ 2 ^ 4 ^ 8 ^ 16) = 31 * 31, and 31 =
 *   alpha^15, so the sum is alpha^30 and c = alpha^25 = 25, 'S'.
 */
static void
test_code32_check_ok_known_vector(void **state)
{
	static const uint8_t z5[5] = { 31, 31, 31, 31, 31 };

	(void)state;
	assert_int_equal(code32_check(KNOWN, 4), 18);
	assert_int_equal(code32_check(KNOWN + 4, 4), 27);
	assert_int_equal(code32_check((const uint8_t[]){ 1, 0, 0, 0 }, 4),
	    11);
	assert_int_equal(code32_check(z5, 5), 25);
}

static void
test_code32_check_nok_bad_count(void **state)
{
	uint8_t s[CODE32_GROUP_MAX + 1] = { 0 };

	(void)state;
	s[0] = 1;
	assert_int_equal(code32_check(s, 0), 0);
	assert_int_equal(code32_check(s, CODE32_GROUP_MAX + 1), 0);
}

/* ------------------------------------------------------------------ */
/* code32_format                                                       */

static void
test_code32_format_ok_known_text(void **state)
{
	static const uint8_t z5[5] = { 31, 31, 31, 31, 31 };
	char out[16];

	(void)state;
	assert_int_equal(code32_format(KNOWN, 8, 4, out, sizeof(out)), 11);
	assert_string_equal(out, "0001J-1234V");
	assert_int_equal(code32_format(z5, 5, 5, out, sizeof(out)), 6);
	assert_string_equal(out, "ZZZZZS");
}

static void
test_code32_format_ok_exact_buffer(void **state)
{
	char out[12];

	(void)state;
	assert_int_equal(code32_format(KNOWN, 8, 4, out, 12), 11);
	assert_string_equal(out, "0001J-1234V");
}

static void
test_code32_format_nok_buffer_too_small(void **state)
{
	char out[12];

	(void)state;
	memset(out, 'x', sizeof(out));
	assert_int_equal(code32_format(KNOWN, 8, 4, out, 11), -1);
	assert_string_equal(out, "");
	assert_int_equal(out[1], 'x');
	assert_int_equal(code32_format(KNOWN, 8, 4, NULL, 0), -1);
}

static void
test_code32_format_nok_count_not_multiple(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(code32_format(KNOWN, 7, 4, out, sizeof(out)), -1);
	assert_string_equal(out, "");
	assert_int_equal(code32_format(KNOWN, 0, 4, out, sizeof(out)), -1);
}

static void
test_code32_format_nok_bad_group(void **state)
{
	uint8_t s[2 * (CODE32_GROUP_MAX + 1)] = { 0 };
	char out[128];

	(void)state;
	assert_int_equal(code32_format(s, 8, 0, out, sizeof(out)), -1);
	assert_int_equal(code32_format(s, sizeof(s), CODE32_GROUP_MAX + 1,
	    out, sizeof(out)), -1);
	assert_int_equal(code32_format(s, CODE32_GROUP_MAX, CODE32_GROUP_MAX,
	    out, sizeof(out)), CODE32_GROUP_MAX + 1);
}

static void
test_code32_format_nok_symbol_over_31(void **state)
{
	static const uint8_t s[4] = { 0, 1, 32, 3 };
	char out[16];

	(void)state;
	assert_int_equal(code32_format(s, 4, 4, out, sizeof(out)), -1);
	assert_string_equal(out, "");
}

static void
test_code32_formatted_length_ok(void **state)
{
	(void)state;
	assert_int_equal(code32_formatted_length(8, 4), 11);
	assert_int_equal(code32_formatted_length(5, 5), 6);
	assert_int_equal(code32_formatted_length(30, 30), 31);
	assert_int_equal(code32_formatted_length(7, 4), 0);
	assert_int_equal(code32_formatted_length(0, 4), 0);
	assert_int_equal(code32_formatted_length(4, 0), 0);
	assert_int_equal(code32_formatted_length(31, 31), 0);
	assert_int_equal(code32_formatted_length(SIZE_MAX - 3, 4), 0);
}

/* ------------------------------------------------------------------ */
/* code32_parse: accepted text                                         */

static void
round_trip(size_t group, size_t len)
{
	uint8_t bytes[64], back[64], s[128], got[128];
	char text[TEXT_MAX];
	size_t count = (len * 8 + 4) / 5, n, bad;
	int rc;

	count = (count + group - 1) / group * group;
	assert_true(len <= sizeof(bytes) && count <= sizeof(s));
	randombytes_buf(bytes, len);
	code32_from_bytes(bytes, len, s, count);
	assert_true(code32_format(s, count, group, text, sizeof(text)) > 0);
	rc = code32_parse(text, group, got, count, &n, &bad);
	if (rc != CODE32_OK)
		print_error("round trip of \"%s\": %d\n", text, rc);
	assert_int_equal(rc, CODE32_OK);
	assert_int_equal(n, count);
	assert_memory_equal(got, s, count);
	code32_to_bytes(got, n, back, len);
	assert_memory_equal(back, bytes, len);
}

static void
test_code32_parse_ok_round_trip(void **state)
{
	static const size_t groups[] = { 1, 4, 5, 8, CODE32_GROUP_MAX };
	static const size_t lens[] = { 1, 5, 10, 16, 20, 32, 64 };
	size_t g, l, i;

	(void)state;
	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (l = 0; l < sizeof(lens) / sizeof(lens[0]); l++)
			for (i = 0; i < 20; i++)
				round_trip(groups[g], lens[l]);
}

static void
test_code32_parse_ok_known_text(void **state)
{
	(void)state;
	assert_parse_ok("0001J-1234V", 4, KNOWN, 8);
}

static void
test_code32_parse_ok_any_case(void **state)
{
	(void)state;
	assert_parse_ok("0001j-1234v", 4, KNOWN, 8);
	assert_parse_ok("ZZZZZS", 5, ((const uint8_t[]){ 31, 31, 31, 31,
	    31 }), 5);
	assert_parse_ok("zZzZzs", 5, ((const uint8_t[]){ 31, 31, 31, 31,
	    31 }), 5);
}

static void
test_code32_parse_ok_aliases(void **state)
{
	(void)state;
	assert_parse_ok("OOOIJ-I234V", 4, KNOWN, 8);
	assert_parse_ok("ooolj-l234v", 4, KNOWN, 8);
	assert_parse_ok("oO0Lj-i234V", 4, KNOWN, 8);
}

static void
test_code32_parse_ok_separators_anywhere(void **state)
{
	(void)state;
	assert_parse_ok(" 0 0-0 1J  12--34 V -", 4, KNOWN, 8);
	assert_parse_ok("0001J 1234V", 4, KNOWN, 8);
	assert_parse_ok("-0001J-1234V-", 4, KNOWN, 8);
}

static void
test_code32_parse_ok_no_separators(void **state)
{
	(void)state;
	assert_parse_ok("0001J1234V", 4, KNOWN, 8);
}

static void
test_code32_parse_ok_exact_max(void **state)
{
	uint8_t got[8];
	size_t count, bad;

	(void)state;
	assert_int_equal(code32_parse("0001J-1234V", 4, got, 8, &count,
	    &bad), CODE32_OK);
	assert_int_equal(count, 8);
	assert_memory_equal(got, KNOWN, 8);
	assert_int_equal(code32_parse("0001J-1234V", 4, got, 8, &count,
	    NULL), CODE32_OK);
}

/* ------------------------------------------------------------------ */
/* code32_parse: every typo in a group is caught                       */

static void
test_code32_parse_nok_every_typo_group_4(void **state)
{
	(void)state;
	assert_true(prove_group(4, TRIALS) > TRIALS);
}

static void
test_code32_parse_nok_every_typo_group_5(void **state)
{
	(void)state;
	assert_true(prove_group(5, TRIALS) > TRIALS);
}

/* Every group size uses distinct weights, the largest 31 of them. */
static void
test_code32_parse_nok_every_typo_all_group_sizes(void **state)
{
	size_t g;

	(void)state;
	for (g = 1; g <= CODE32_GROUP_MAX; g++)
		assert_true(prove_group(g, 30) > 0);
}

/* ------------------------------------------------------------------ */
/* code32_parse: refused text                                          */

static void
test_code32_parse_nok_bad_character(void **state)
{
	(void)state;
	assert_parse("0001J-12U4V", 4, 8, CODE32_BAD_CHARACTER, 1);
	assert_parse("0001J-12u4V", 4, 8, CODE32_BAD_CHARACTER, 1);
	assert_parse("00*1J-1234V", 4, 8, CODE32_BAD_CHARACTER, 0);
	assert_parse("0001J-1234V*", 4, 8, CODE32_BAD_CHARACTER, 2);
	/* The fifth symbol ends group 0, so a bad byte after it is in 1. */
	assert_parse("0001J-U234V", 4, 8, CODE32_BAD_CHARACTER, 1);
	assert_parse("0001J\t1234V", 4, 8, CODE32_BAD_CHARACTER, 1);
	assert_parse("0001J_1234V", 4, 8, CODE32_BAD_CHARACTER, 1);
}

static void
test_code32_parse_nok_non_ascii(void **state)
{
	(void)state;
	assert_parse("0001J-12\xc3\xa9", 4, 8, CODE32_BAD_CHARACTER, 1);
	assert_parse("\xc3\xa9", 4, 8, CODE32_BAD_CHARACTER, 0);
	assert_parse("\xff\xfe", 4, 8, CODE32_BAD_CHARACTER, 0);
	assert_parse("0001J\x80", 4, 8, CODE32_BAD_CHARACTER, 1);
}

/* A bad character is named before a bad length. */
static void
test_code32_parse_nok_bad_character_before_length(void **state)
{
	(void)state;
	assert_parse("0001J-1U", 4, 8, CODE32_BAD_CHARACTER, 1);
}

static void
test_code32_parse_nok_empty(void **state)
{
	(void)state;
	assert_parse("", 4, 8, CODE32_BAD_LENGTH, 0);
	assert_parse(" - -  ", 4, 8, CODE32_BAD_LENGTH, 0);
}

static void
test_code32_parse_nok_wrong_length(void **state)
{
	(void)state;
	assert_parse("0001J-1234", 4, 8, CODE32_BAD_LENGTH, 1);
	assert_parse("0001J-1234V5", 4, 8, CODE32_BAD_LENGTH, 2);
	assert_parse("0001", 4, 8, CODE32_BAD_LENGTH, 0);
	/* Right for group 4, wrong for 5. */
	assert_parse("0001J-1234V", 5, 10, CODE32_BAD_LENGTH, 1);
}

static void
test_code32_parse_nok_too_many_for_max(void **state)
{
	uint8_t got[16];
	size_t count = 99, bad = 99, i;

	(void)state;
	memset(got, 0xaa, sizeof(got));
	assert_int_equal(code32_parse("0001J-1234V", 4, got, 7, &count,
	    &bad), CODE32_BAD_LENGTH);
	assert_int_equal(bad, 2);
	assert_int_equal(count, 0);
	for (i = 0; i < 7; i++)
		assert_int_equal(got[i], 0);
	for (; i < sizeof(got); i++)
		assert_int_equal(got[i], 0xaa);
	assert_parse("0001J-1234V", 4, 0, CODE32_BAD_LENGTH, 2);
}

static void
test_code32_parse_nok_bad_check_wipes_output(void **state)
{
	uint8_t got[16];
	size_t count = 99, bad = 99, i;

	(void)state;
	memset(got, 0xaa, sizeof(got));
	/* Group 0 passes and is written before group 1 fails. */
	assert_int_equal(code32_parse("0001J-1234W", 4, got, 8, &count,
	    &bad), CODE32_BAD_CHECK);
	assert_int_equal(bad, 1);
	assert_int_equal(count, 0);
	for (i = 0; i < 8; i++)
		assert_int_equal(got[i], 0);
	for (; i < sizeof(got); i++)
		assert_int_equal(got[i], 0xaa);
	assert_parse("0001K-1234V", 4, 8, CODE32_BAD_CHECK, 0);
}

static void
test_code32_parse_nok_bad_argument(void **state)
{
	uint8_t got[8];
	size_t count = 99, bad = 99;

	(void)state;
	assert_int_equal(code32_parse("0001J-1234V", 0, got, 8, &count,
	    &bad), CODE32_BAD_ARGUMENT);
	assert_int_equal(count, 0);
	assert_int_equal(code32_parse("0001J-1234V", CODE32_GROUP_MAX + 1,
	    got, 8, &count, &bad), CODE32_BAD_ARGUMENT);
	assert_int_equal(code32_parse(NULL, 4, got, 8, &count, &bad),
	    CODE32_BAD_ARGUMENT);
}

/* Long random text, in a buffer of its exact size: any result but OK,
 * no over-read (ASan build). */
static void
test_code32_parse_nok_long_garbage(void **state)
{
	size_t len = 1u << 16, i, count, bad, max = 1u << 16;
	char *text = malloc(len + 1);
	uint8_t *got = malloc(max);
	int rc;

	(void)state;
	assert_non_null(text);
	assert_non_null(got);
	randombytes_buf(text, len);
	for (i = 0; i < len; i++)
		if (text[i] == '\0')
			text[i] = '*';
	text[len] = '\0';
	rc = code32_parse(text, 4, got, max, &count, &bad);
	assert_true(rc == CODE32_BAD_CHARACTER || rc == CODE32_BAD_LENGTH ||
	    rc == CODE32_BAD_CHECK);
	assert_int_equal(count, 0);

	/* Only symbols: 65535 = 13107 groups of 5, but no room for them. */
	len--;
	for (i = 0; i < len; i++)
		text[i] = CODE32_ALPHABET[randombytes_uniform(32)];
	text[len] = '\0';
	rc = code32_parse(text, 4, got, 16, &count, &bad);
	assert_int_equal(rc, CODE32_BAD_LENGTH);
	assert_int_equal(bad, 13107);
	/* With room, random checks fail (each passes with odds 1/32). */
	rc = code32_parse(text, 4, got, max, &count, &bad);
	assert_int_equal(rc, CODE32_BAD_CHECK);
	assert_true(bad < 13107);
	/* One symbol short: the length is wrong. */
	text[len - 1] = '\0';
	rc = code32_parse(text, 4, got, max, &count, &bad);
	assert_int_equal(rc, CODE32_BAD_LENGTH);
	assert_int_equal(bad, 13106);
	free(text);
	free(got);
}

/* ------------------------------------------------------------------ */

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_code32_from_bytes_ok_big_endian),
		cmocka_unit_test(test_code32_from_bytes_ok_pads_with_zero_bits),
		cmocka_unit_test(test_code32_from_bytes_ok_ignores_extra_bits),
		cmocka_unit_test(test_code32_to_bytes_ok_big_endian),
		cmocka_unit_test(test_code32_to_bytes_ok_zero_fills),
		cmocka_unit_test(test_code32_to_bytes_ok_ignores_extra_bits),
		cmocka_unit_test(test_code32_check_ok_known_vector),
		cmocka_unit_test(test_code32_check_nok_bad_count),
		cmocka_unit_test(test_code32_format_ok_known_text),
		cmocka_unit_test(test_code32_format_ok_exact_buffer),
		cmocka_unit_test(test_code32_format_nok_buffer_too_small),
		cmocka_unit_test(test_code32_format_nok_count_not_multiple),
		cmocka_unit_test(test_code32_format_nok_bad_group),
		cmocka_unit_test(test_code32_format_nok_symbol_over_31),
		cmocka_unit_test(test_code32_formatted_length_ok),
		cmocka_unit_test(test_code32_parse_ok_round_trip),
		cmocka_unit_test(test_code32_parse_ok_known_text),
		cmocka_unit_test(test_code32_parse_ok_any_case),
		cmocka_unit_test(test_code32_parse_ok_aliases),
		cmocka_unit_test(test_code32_parse_ok_separators_anywhere),
		cmocka_unit_test(test_code32_parse_ok_no_separators),
		cmocka_unit_test(test_code32_parse_ok_exact_max),
		cmocka_unit_test(test_code32_parse_nok_every_typo_group_4),
		cmocka_unit_test(test_code32_parse_nok_every_typo_group_5),
		cmocka_unit_test(
		    test_code32_parse_nok_every_typo_all_group_sizes),
		cmocka_unit_test(test_code32_parse_nok_bad_character),
		cmocka_unit_test(test_code32_parse_nok_non_ascii),
		cmocka_unit_test(
		    test_code32_parse_nok_bad_character_before_length),
		cmocka_unit_test(test_code32_parse_nok_empty),
		cmocka_unit_test(test_code32_parse_nok_wrong_length),
		cmocka_unit_test(test_code32_parse_nok_too_many_for_max),
		cmocka_unit_test(test_code32_parse_nok_bad_check_wipes_output),
		cmocka_unit_test(test_code32_parse_nok_bad_argument),
		cmocka_unit_test(test_code32_parse_nok_long_garbage),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
