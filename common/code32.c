/*
 * code32.c: Crockford base32 groups with a GF(32) check symbol.
 *
 * Why this check: Crockford's own check symbol is mod 37 and needs five
 * symbols outside the alphabet. Instead each group of G data symbols s_0..
 * s_{G-1} gets a check c = s_G from the same alphabet, chosen so that
 *
 *	sum_{i=0..G} alpha^i * s_i = 0	in GF(2^5),
 *
 * where GF(2^5) is built with the primitive polynomial x^5 + x^2 + 1
 * (addition is XOR) and alpha = x has order 31. For G <= 30 the weights
 * alpha^0..alpha^G are distinct and nonzero, so:
 * - a symbol d changed to d' != d at i moves the sum by
 *   alpha^i * (d + d'), a product of nonzero field elements: never 0;
 * - neighbours a != b at i, i+1 swapped move it by
 *   (alpha^i + alpha^(i+1)) * (a + b), again nonzero because the weights
 *   differ. This covers the last data symbol swapped with the check.
 * Solving for c: c = alpha^(31-G) * sum_{i<G} alpha^i * s_i.
 *
 * Invariants:
 * 1. Nothing is allocated or kept: symbols go only to the caller's
 *    buffers, and the one local group buffer (in code32_parse) is wiped on
 *    every return.
 * 2. code32_parse reads TEXT byte by byte up to the NUL, twice, and
 *    writes to SYMBOLS only after the length check proved they fit in MAX.
 */
#include "common/code32.h"

#include <limits.h>
#include <sodium.h>
#include <string.h>

#define POLY 0x25		/* x^5 + x^2 + 1 */
#define ALPHA 2			/* x */
#define SEPARATOR (-2)
#define INVALID (-1)

/* Product in GF(2^5); no branch on the (maybe secret) values. */
static uint8_t
gf32_mul(uint8_t a, uint8_t b)
{
	unsigned x = a & 31, r = 0;
	int i;

	for (i = 0; i < 5; i++) {
		r ^= x & (0u - ((b >> i) & 1u));
		x = (x << 1) ^ (POLY & (0u - ((x >> 4) & 1u)));
	}
	return (uint8_t)r;
}

static uint8_t
gf32_pow_alpha(size_t n)
{
	uint8_t w = 1;

	while (n-- > 0)
		w = gf32_mul(w, ALPHA);
	return w;
}

/* sum_{i<N} alpha^i * S[i]: 0 for a whole group that checks. */
static uint8_t
syndrome(const uint8_t *s, size_t n)
{
	uint8_t sum = 0, w = 1;
	size_t i;

	for (i = 0; i < n; i++) {
		sum ^= gf32_mul(w, s[i]);
		w = gf32_mul(w, ALPHA);
	}
	return sum;
}

/* A text byte's symbol value, SEPARATOR or INVALID (Crockford's decoding:
 * any case, I and L are 1, O is 0, U is not a symbol). */
static int
value_of(unsigned char ch)
{
	const char *hit;

	if (ch == ' ' || ch == '-')
		return SEPARATOR;
	if (ch >= 'a' && ch <= 'z')
		ch = (unsigned char)(ch - 'a' + 'A');
	if (ch == 'I' || ch == 'L')
		return 1;
	if (ch == 'O')
		return 0;
	if (ch == '\0' || (hit = strchr(CODE32_ALPHABET, ch)) == NULL)
		return INVALID;
	return (int)(hit - CODE32_ALPHABET);
}

void
code32_from_bytes(const uint8_t *bytes, size_t len, uint8_t *symbols,
    size_t count)
{
	size_t k, j, bit;

	for (k = 0; k < count; k++) {
		unsigned v = 0;

		for (j = 0; j < 5; j++) {
			bit = k * 5 + j;
			v <<= 1;
			if (bit / 8 < len)
				v |= (bytes[bit / 8] >> (7 - bit % 8)) & 1u;
		}
		symbols[k] = (uint8_t)v;
	}
}

void
code32_to_bytes(const uint8_t *symbols, size_t count, uint8_t *bytes,
    size_t len)
{
	size_t bit;

	if (len > 0)
		memset(bytes, 0, len);
	for (bit = 0; bit / 5 < count && bit / 8 < len; bit++) {
		unsigned b = (symbols[bit / 5] >> (4 - bit % 5)) & 1u;

		bytes[bit / 8] |= (uint8_t)(b << (7 - bit % 8));
	}
}

uint8_t
code32_check(const uint8_t *symbols, size_t count)
{
	if (count < 1 || count > CODE32_GROUP_MAX)
		return 0;
	return gf32_mul(gf32_pow_alpha(31 - count),
	    syndrome(symbols, count));
}

size_t
code32_formatted_length(size_t count, size_t group)
{
	/* The text is under 3 * COUNT bytes, so this bound avoids overflow. */
	if (group < 1 || group > CODE32_GROUP_MAX || count == 0 ||
	    count % group != 0 || count > SIZE_MAX / 3)
		return 0;
	return count / group * (group + 2) - 1;
}

int
code32_format(const uint8_t *symbols, size_t count, size_t group,
    char *out, size_t size)
{
	size_t len = code32_formatted_length(count, group), i, g, n = 0;

	if (size > 0)
		out[0] = '\0';
	if (len == 0 || len > INT_MAX || size <= len)
		return -1;
	for (i = 0; i < count; i++)
		if (symbols[i] > 31)
			return -1;
	for (g = 0; g < count; g += group) {
		if (g > 0)
			out[n++] = '-';
		for (i = 0; i < group; i++)
			out[n++] = CODE32_ALPHABET[symbols[g + i]];
		out[n++] = CODE32_ALPHABET[code32_check(symbols + g, group)];
	}
	out[n] = '\0';
	return (int)n;
}

int
code32_parse(const char *text, size_t group, uint8_t *symbols, size_t max,
    size_t *count, size_t *bad_group)
{
	uint8_t grp[CODE32_GROUP_MAX + 1];
	const unsigned char *p;
	size_t n = 0, filled = 0, out = 0, bad = 0;
	int rc = CODE32_OK, v;

	*count = 0;
	if (text == NULL || group < 1 || group > CODE32_GROUP_MAX) {
		rc = CODE32_BAD_ARGUMENT;
		goto done;
	}
	/* First pass: characters and length only, so nothing is written
	 * unless it fits. */
	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if ((v = value_of(*p)) == SEPARATOR)
			continue;
		if (v == INVALID) {
			rc = CODE32_BAD_CHARACTER;
			bad = n / (group + 1);
			goto done;
		}
		n++;
	}
	if (n == 0 || n % (group + 1) != 0 || n / (group + 1) > max / group) {
		rc = CODE32_BAD_LENGTH;
		bad = n / (group + 1);
		goto done;
	}
	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if ((v = value_of(*p)) == SEPARATOR)
			continue;
		grp[filled++] = (uint8_t)v;
		if (filled < group + 1)
			continue;
		if (syndrome(grp, group + 1) != 0) {
			rc = CODE32_BAD_CHECK;
			bad = out / group;
			goto done;
		}
		memcpy(symbols + out, grp, group);
		out += group;
		filled = 0;
	}
	*count = out;
done:
	sodium_memzero(grp, sizeof(grp));
	if (rc != CODE32_OK && symbols != NULL && max > 0)
		sodium_memzero(symbols, max);
	if (bad_group != NULL)
		*bad_group = bad;
	return rc;
}

size_t
code32_symbols_typed(const char *text)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)text; *p != '\0';
	    p++)
		n += value_of(*p) != SEPARATOR;
	return n;
}

void
code32_drop_last(const char *text, size_t count, char *out, size_t size)
{
	size_t keep = code32_symbols_typed(text), n = 0, o = 0;

	keep = keep > count ? keep - count : 0;
	for (const unsigned char *p = (const unsigned char *)text;
	    *p != '\0' && n < keep && o + 1 < size; p++) {
		n += value_of(*p) != SEPARATOR;
		out[o++] = (char)*p;
	}
	if (size > 0)
		out[o] = '\0';
}
