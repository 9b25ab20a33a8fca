/*
 * code32.h: recovery keys and reset codes as text a person reads off a
 * screen or paper and types back, e.g. "7K3QD-M2X9A-...".
 *
 * Symbols are Crockford's base32 (values 0..31, CODE32_ALPHABET). Text is
 * made of groups: GROUP data symbols, then one check symbol from the same
 * alphabet, groups joined by '-'. The check catches every single-symbol
 * typo and every swap of two neighbours within a group, so the wizard can
 * say which group to look at again.
 *
 * Invariants:
 * 1. Pure: no malloc, no I/O, no state. Symbols and text may hold a
 *    secret; they are written only to the caller's buffers, and local
 *    copies are wiped before returning.
 * 2. Parsing reads TEXT up to its NUL and never past it; any byte outside
 *    the alphabet (non-ASCII included) is a bad character, not a crash.
 */
#ifndef NVR_COMMON_CODE32_H
#define NVR_COMMON_CODE32_H

#include <stddef.h>
#include <stdint.h>

#define CODE32_ALPHABET "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#define CODE32_GROUP_MAX 30	/* data symbols per group: 31 weights */

enum code32_result {
	CODE32_OK = 0,
	CODE32_BAD_CHARACTER,	/* *bad_group: the group it is in */
	CODE32_BAD_LENGTH,	/* *bad_group: complete groups read */
	CODE32_BAD_CHECK,	/* *bad_group: first group that fails */
	CODE32_BAD_ARGUMENT,	/* GROUP outside 1..CODE32_GROUP_MAX */
};

/* Packs the bits of BYTES (LEN of them) big-endian, 5 per symbol, into
 * COUNT symbols. Bits past LEN*8 read as zero; bits past COUNT*5 are
 * ignored. */
void code32_from_bytes(const uint8_t *bytes, size_t len, uint8_t *symbols,
    size_t count);

/* The inverse: writes the low 5 bits of each of COUNT symbols, big-endian,
 * into LEN bytes. Bytes (or bits) past COUNT*5 are zero; symbol bits past
 * LEN*8 are ignored. */
void code32_to_bytes(const uint8_t *symbols, size_t count, uint8_t *bytes,
    size_t len);

/* The check symbol's value (0..31) for one group of COUNT data symbols
 * (1..CODE32_GROUP_MAX, each 0..31): the c for which sum alpha^i * s_i
 * over the group with c appended is 0 in GF(32). 0 if COUNT is out of
 * range. */
uint8_t code32_check(const uint8_t *symbols, size_t count);

/* The length of code32_format's text, without the NUL; 0 if the
 * arguments are invalid (see code32_format). */
size_t code32_formatted_length(size_t count, size_t group);

/* Writes COUNT symbols (each 0..31) as text into OUT (SIZE bytes): groups
 * of GROUP data symbols, each followed by its check symbol, joined by '-',
 * NUL-terminated. Returns the length written, without the NUL, or -1 if
 * GROUP is outside 1..CODE32_GROUP_MAX, COUNT is 0 or not a multiple of
 * GROUP, a symbol is over 31, or SIZE is too small; then OUT (if SIZE > 0)
 * is the empty string. */
int code32_format(const uint8_t *symbols, size_t count, size_t group,
    char *out, size_t size);

/*
 * Reads TEXT as groups of GROUP data symbols plus a check symbol, and
 * writes the data symbols (values 0..31) to SYMBOLS (room for MAX), their
 * number to *COUNT. Case does not matter; I and L read as 1, O as 0;
 * spaces and hyphens anywhere are skipped. Returns:
 *   CODE32_OK: *BAD_GROUP is 0;
 *   CODE32_BAD_CHARACTER: a byte outside the alphabet (U, '*', non-ASCII);
 *     *BAD_GROUP is the 0-based group it falls in;
 *   CODE32_BAD_LENGTH: no symbols, a symbol count that is not a multiple
 *     of GROUP+1, or more data symbols than MAX; *BAD_GROUP is the number
 *     of complete groups;
 *   CODE32_BAD_CHECK: *BAD_GROUP is the 0-based first group whose check
 *     symbol does not match;
 *   CODE32_BAD_ARGUMENT: GROUP outside 1..CODE32_GROUP_MAX.
 * A bad character is reported before the length, and the length before
 * any check. On any failure *COUNT is 0 and SYMBOLS[0..MAX) is zeroed.
 * BAD_GROUP may be NULL.
 */
int code32_parse(const char *text, size_t group, uint8_t *symbols,
    size_t max, size_t *count, size_t *bad_group);

/* How many symbols TEXT holds, separators not counted (a character that
 * is neither counts as one): to tell a group too many from a typo. */
size_t code32_symbols_typed(const char *text);

/* Copies TEXT into OUT (SIZE bytes) without its last COUNT symbols and
 * the separators around them. */
void code32_drop_last(const char *text, size_t count, char *out,
    size_t size);

#endif
