/*
 * test_protocol.c: the recovery protocol (common/protocol.c): key
 * derivation against hand-assembled messages and pinned vectors, the
 * request's bit layout read back bit by bit, round trips of random
 * requests, every single bit flip of a request refused, and reset codes
 * bound to every field they answer, with every typo in them caught; in
 * both versions, version 2's account store bound into requests and codes
 * alike, and neither version's request or code taken for the other's.
 *
 * The pinned vectors (keys, the request text, the codes) were checked
 * against an independent Python implementation (hashlib.blake2b with a
 * key, bit strings as text). Random inputs come from libsodium
 * (sodium_init in the group setup).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <ctype.h>
#include <limits.h>
#include <sodium.h>

#include "common/code32.h"
#include "common/protocol.h"
#include "tui/qrencode_lib.h"

#define ROUND_TRIPS 500		/* random requests */
#define FLIP_REQUESTS 12	/* requests whose every bit is flipped */
#define TYPO_CODES 300		/* codes proved against every typo */
#define GUESSES 2000		/* random well-typed codes */
#define TEXT_MAX 256
#define REQ_SYMBOLS_MAX 200
#define REQ_BYTES_MAX 128
#define HEADER_BITS 120		/* version, flags, key id, nonce, day */
#define STORE_BITS 4		/* version 2, after the day */
#define CODE_TEXT_LEN 29	/* 25 symbols, 4 hyphens */

/* The test vector: master 00 01 .. 1f, key id 1, serial SN0012345678. */
#define VECTOR_SERIAL "SN0012345678"
#define VECTOR_DEVICE_KEY \
	"cec7ce3542af0d677ad6714a030c9d2412f0adea13a4d44a5868aa66797c38a9"
#define VECTOR_REQUEST_KEY \
	"946f6af129756b0a5d7b3d1b81463262bb7875102069ac891406718c69e576bb"
#define VECTOR_CODE_KEY \
	"c9cfd7dacee967348b97f04eb1fdc1d559fedc0ac2806b0bec79452d71563b6d"
/* vector_request() under the vector's keys. */
#define VECTOR_REQUEST_TEXT \
	"20003R-851MAX-HT99D8-6MYMAD-JKD4C7-E5R00N-110RGJ-A63J16-CJFGPB-" \
	"CEXP5J-ZPWHAP-H0TQGS"
#define VECTOR_CODE_SET_PASSWORD "25VZJ-0SHX4-MA0RC-3G9JX-K2V08"
#define VECTOR_CODE_FACTORY_RESET "28A07-2H1QJ-8FPCF-SM48D-Q5NV2"
/* vector_request_v2(5) under the vector's keys, its compact form and its
 * codes; then the same for store 0. Pinned from the same Python
 * implementation, extended to version 2 as protocol.h specifies it. */
#define VECTOR_V2_STORE 5
#define VECTOR_V2_REQUEST_TEXT \
	"400035-851MAX-HT99D8-6MYMAD-JKD4A4-RWBG0V-0221HC-0MC743-2S4Z1F-" \
	"CRMAR0-8WSHP0-ER2T0T"
#define VECTOR_V2_COMPACT \
	"U40003851MAHT99D6MYMAJKD4ARWBG00221H0MC742S4Z1CRMAR8WSHPER2T0"
#define VECTOR_V2_CODE_SET_PASSWORD "456X2-2T1JW-R4A4K-EYXH1-B0X62"
#define VECTOR_V2_CODE_FACTORY_RESET "48SNZ-4MKW8-V8EAV-SR6BZ-A16E6"
#define VECTOR_V2_STORE_0_REQUEST_TEXT \
	"400035-851MAX-HT99D8-6MYMAD-JKD401-RWBG0V-0221HC-0MC743-2S4Z1F-" \
	"CRTY0K-71V8YG-R4JAEE"
#define VECTOR_V2_STORE_0_CODE_SET_PASSWORD "46YNZ-FPTNK-B90CY-JB5ZW-0MCF6"

struct keys {
	uint8_t device[PROTOCOL_KEY_BYTES];
	uint8_t request[PROTOCOL_KEY_BYTES];
	uint8_t code[PROTOCOL_KEY_BYTES];
};

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static int
group_setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

static void
vector_master(uint8_t master[PROTOCOL_KEY_BYTES])
{
	size_t i;

	for (i = 0; i < PROTOCOL_KEY_BYTES; i++)
		master[i] = (uint8_t)i;
}

static void
derive(const uint8_t master[PROTOCOL_KEY_BYTES], unsigned key_id,
    const char *serial, struct keys *k)
{
	assert_int_equal(protocol_device_key(master, key_id, serial,
	    k->device), 0);
	protocol_subkeys(k->device, k->request, k->code);
}

static void
vector_keys(struct keys *k)
{
	uint8_t master[PROTOCOL_KEY_BYTES];

	vector_master(master);
	derive(master, 1, VECTOR_SERIAL, k);
}

static void
to_hex(const uint8_t *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void
assert_hex(const uint8_t *b, size_t n, const char *want)
{
	char hex[2 * 64 + 1];

	assert_true(n <= 64);
	to_hex(b, n, hex);
	assert_string_equal(hex, want);
}

/* The fixed request of the vectors: nonce a0 a1 .. a9, day 19876
 * (2024-06-03), serial SN0012345678, account admin. */
static void
vector_request(struct protocol_request *r)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->key_id = 1;
	r->demo = false;
	for (i = 0; i < PROTOCOL_NONCE_BYTES; i++)
		r->nonce[i] = (uint8_t)(0xa0 + i);
	r->day = 19876;
	strcpy(r->serial, VECTOR_SERIAL);
	strcpy(r->account, "admin");
}

/* The vector request in version 2, for STORE. */
static void
vector_request_v2(struct protocol_request *r, unsigned store)
{
	vector_request(r);
	r->version = 2;
	r->store = store;
}

static void
random_name(char *out, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		out[i] = PROTOCOL_NAME_ALPHABET[randombytes_uniform(64)];
	out[len] = '\0';
}

static void
random_request(struct protocol_request *r)
{
	memset(r, 0, sizeof(*r));
	r->key_id = 1 + randombytes_uniform(65535);
	r->demo = randombytes_uniform(2) == 1;
	randombytes_buf(r->nonce, sizeof(r->nonce));
	r->day = randombytes_uniform(65536);
	random_name(r->serial, 1 + randombytes_uniform(PROTOCOL_NAME_MAX));
	random_name(r->account, 1 + randombytes_uniform(PROTOCOL_NAME_MAX));
}

/* A random version-2 request, of a random store. */
static void
random_request_v2(struct protocol_request *r)
{
	random_request(r);
	r->version = 2;
	r->store = randombytes_uniform(PROTOCOL_STORE_MAX + 1);
}

/* R's version as written: 0 is 1 (protocol.h). */
static unsigned
version_of(const struct protocol_request *r)
{
	return r->version == 0 ? 1 : r->version;
}

/* Bits before the MAC, and the text length the spec implies. */
static size_t
field_bits(const struct protocol_request *r)
{
	return HEADER_BITS + (version_of(r) == 2 ? STORE_BITS : 0) + 5 +
	    6 * strlen(r->serial) + 5 + 6 * strlen(r->account);
}

static size_t
request_groups(const struct protocol_request *r)
{
	return (field_bits(r) + 64 + 24) / 25;
}

static size_t
request_text_len(const struct protocol_request *r)
{
	return request_groups(r) * 7 - 1;
}

static void
assert_request_equal(const struct protocol_request *a,
    const struct protocol_request *b)
{
	assert_int_equal(version_of(a), version_of(b));
	assert_int_equal(a->store, b->store);
	assert_int_equal(a->key_id, b->key_id);
	assert_int_equal(a->demo, b->demo);
	assert_memory_equal(a->nonce, b->nonce, PROTOCOL_NONCE_BYTES);
	assert_int_equal(a->day, b->day);
	assert_string_equal(a->serial, b->serial);
	assert_string_equal(a->account, b->account);
}

static uint32_t
get_bits(const uint8_t *b, size_t pos, unsigned n)
{
	uint32_t v = 0;

	while (n-- > 0) {
		v = (v << 1) | ((b[pos / 8] >> (7 - pos % 8)) & 1u);
		pos++;
	}
	return v;
}

static void
set_bits(uint8_t *b, size_t pos, unsigned n, uint32_t v)
{
	while (n-- > 0) {
		uint8_t m = (uint8_t)(0x80u >> (pos % 8));

		if ((v >> n) & 1u)
			b[pos / 8] |= m;
		else
			b[pos / 8] &= (uint8_t)~m;
		pos++;
	}
}

/* Parses well-typed TEXT (groups of GROUP) into BYTES; returns the number
 * of symbols. */
static size_t
text_bits(const char *text, size_t group, uint8_t *bytes, size_t len)
{
	uint8_t s[REQ_SYMBOLS_MAX];
	size_t count = 0, bad = 99;

	assert_int_equal(code32_parse(text, group, s, sizeof(s), &count,
	    &bad), CODE32_OK);
	assert_true(count * 5 <= len * 8);
	code32_to_bytes(s, count, bytes, len);
	return count;
}

/* Writes the COUNT symbols in BYTES as text with valid check symbols. */
static void
bits_text(const uint8_t *bytes, size_t count, size_t group, char *text,
    size_t size)
{
	uint8_t s[REQ_SYMBOLS_MAX];

	assert_true(count <= sizeof(s));
	code32_from_bytes(bytes, (count * 5 + 7) / 8, s, count);
	assert_true(code32_format(s, count, group, text, size) > 0);
}

static int
decode(const char *text, struct protocol_request *r,
    uint8_t mac[PROTOCOL_MAC_BYTES], size_t *bad)
{
	*bad = 99;
	return protocol_request_decode(text, r, mac, bad);
}

/* Decodes TEXT and fails at FILE:LINE unless it gives WANT_RC with
 * WANT_BAD. */
static void
check_decode(const char *text, int want_rc, size_t want_bad,
    const char *file, int line)
{
	struct protocol_request r;
	uint8_t mac[PROTOCOL_MAC_BYTES];
	size_t bad;
	int rc = decode(text, &r, mac, &bad);

	if (rc == want_rc && bad == want_bad)
		return;
	print_error("protocol_request_decode(\"%s\"): rc %d bad_group %zu, "
	    "want %d %zu\n", text, rc, bad, want_rc, want_bad);
	_fail(file, line);
}

#define assert_decode(text, rc, bad) \
	check_decode((text), (rc), (bad), __FILE__, __LINE__)

static void
check_code(const char *typed, const struct protocol_request *r,
    enum protocol_action action, const uint8_t *code_key, int want_rc,
    size_t want_bad, const char *file, int line)
{
	size_t bad = 99;
	int rc = protocol_code_check(typed, r, action, code_key, &bad);

	if (rc == want_rc && bad == want_bad)
		return;
	print_error("protocol_code_check(\"%s\"): rc %d bad_group %zu, "
	    "want %d %zu\n", typed, rc, bad, want_rc, want_bad);
	_fail(file, line);
}

#define assert_code(typed, r, action, key, rc, bad) \
	check_code((typed), (r), (action), (key), (rc), (bad), __FILE__, \
	    __LINE__)

/* TEXT with the hyphens removed and letters in lower case. */
static void
squash_lower(const char *text, char *out)
{
	for (; *text != '\0'; text++)
		if (*text != '-')
			*out++ = (*text >= 'A' && *text <= 'Z') ?
			    (char)(*text - 'A' + 'a') : *text;
	*out = '\0';
}

/* ------------------------------------------------------------------ */
/* protocol_name_ok                                                    */

static void
test_protocol_name_ok_alphabet(void **state)
{
	char name[PROTOCOL_NAME_MAX + 2];

	(void)state;
	assert_true(protocol_name_ok("admin"));
	assert_true(protocol_name_ok("a"));
	assert_true(protocol_name_ok("SN-0_9zZ"));
	memset(name, 'x', PROTOCOL_NAME_MAX);
	name[PROTOCOL_NAME_MAX] = '\0';
	assert_true(protocol_name_ok(name));
	name[PROTOCOL_NAME_MAX] = 'x';
	name[PROTOCOL_NAME_MAX + 1] = '\0';
	assert_false(protocol_name_ok(name));
	assert_false(protocol_name_ok(""));
	assert_false(protocol_name_ok(NULL));
	assert_false(protocol_name_ok("ad min"));
	assert_false(protocol_name_ok("admin."));
	assert_false(protocol_name_ok("j\xc3\xb6rg"));
	assert_false(protocol_name_ok("a\tb"));
}

/* ------------------------------------------------------------------ */
/* Keys                                                                */

static void
test_protocol_device_key_ok_vector(void **state)
{
	static const char ctx[] = "nvr-recovery device key v1";
	uint8_t master[PROTOCOL_KEY_BYTES], msg[64], want[PROTOCOL_KEY_BYTES];
	struct keys k;
	size_t n = sizeof(ctx) - 1;

	(void)state;
	vector_master(master);
	vector_keys(&k);
	/* By hand: context || 00 01 || 0c || serial. */
	memcpy(msg, ctx, n);
	msg[n++] = 0x00;
	msg[n++] = 0x01;
	msg[n++] = 12;
	memcpy(msg + n, VECTOR_SERIAL, 12);
	n += 12;
	assert_int_equal(crypto_generichash(want, sizeof(want), msg, n,
	    master, sizeof(master)), 0);
	assert_memory_equal(k.device, want, sizeof(want));
	assert_hex(k.device, sizeof(k.device), VECTOR_DEVICE_KEY);

	assert_int_equal(crypto_generichash(want, sizeof(want),
	    (const uint8_t *)"nvr-recovery request mac v1", 27, k.device,
	    sizeof(k.device)), 0);
	assert_memory_equal(k.request, want, sizeof(want));
	assert_hex(k.request, sizeof(k.request), VECTOR_REQUEST_KEY);

	assert_int_equal(crypto_generichash(want, sizeof(want),
	    (const uint8_t *)"nvr-recovery code mac v1", 24, k.device,
	    sizeof(k.device)), 0);
	assert_memory_equal(k.code, want, sizeof(want));
	assert_hex(k.code, sizeof(k.code), VECTOR_CODE_KEY);
}

static void
test_protocol_device_key_ok_all_inputs_matter(void **state)
{
	uint8_t master[PROTOCOL_KEY_BYTES];
	struct keys base, other;

	(void)state;
	vector_master(master);
	derive(master, 1, VECTOR_SERIAL, &base);
	assert_memory_not_equal(base.request, base.code, PROTOCOL_KEY_BYTES);
	assert_memory_not_equal(base.device, base.request,
	    PROTOCOL_KEY_BYTES);

	derive(master, 1, "SN0012345679", &other);
	assert_memory_not_equal(base.device, other.device,
	    PROTOCOL_KEY_BYTES);
	assert_memory_not_equal(base.request, other.request,
	    PROTOCOL_KEY_BYTES);
	assert_memory_not_equal(base.code, other.code, PROTOCOL_KEY_BYTES);
	/* The length byte keeps a prefix apart. */
	derive(master, 1, "SN001234567", &other);
	assert_memory_not_equal(base.device, other.device,
	    PROTOCOL_KEY_BYTES);

	derive(master, 2, VECTOR_SERIAL, &other);
	assert_memory_not_equal(base.device, other.device,
	    PROTOCOL_KEY_BYTES);
	derive(master, 257, VECTOR_SERIAL, &other);
	assert_memory_not_equal(base.device, other.device,
	    PROTOCOL_KEY_BYTES);

	master[31] ^= 1;
	derive(master, 1, VECTOR_SERIAL, &other);
	assert_memory_not_equal(base.device, other.device,
	    PROTOCOL_KEY_BYTES);
}

static void
test_protocol_device_key_nok_bad_arguments(void **state)
{
	uint8_t master[PROTOCOL_KEY_BYTES], key[PROTOCOL_KEY_BYTES];

	(void)state;
	vector_master(master);
	assert_int_equal(protocol_device_key(master, 0, "SN1", key), -EINVAL);
	assert_int_equal(protocol_device_key(master, 65536, "SN1", key),
	    -EINVAL);
	assert_int_equal(protocol_device_key(master, 65535, "SN1", key), 0);
	assert_int_equal(protocol_device_key(master, 1, "", key), -EINVAL);
	assert_int_equal(protocol_device_key(master, 1, "SN 1", key),
	    -EINVAL);
	assert_int_equal(protocol_device_key(master, 1, NULL, key), -EINVAL);
	assert_int_equal(protocol_device_key(master, 1,
	    "0123456789012345678901234567890123", key), -EINVAL);
}

/* ------------------------------------------------------------------ */
/* Requests: layout and round trips                                    */

/*
 * Reads TEXT back bit by bit, independently of protocol.c's packer, and
 * checks every field of R, the MAC (recomputed here over the text's own
 * bits) and the padding.
 */
static void
check_layout(const char *text, const struct protocol_request *r,
    const uint8_t request_key[PROTOCOL_KEY_BYTES])
{
	static const char ctx_v1[] = "nvr-recovery request v1";
	static const char ctx_v2[] = "nvr-recovery request v2";
	const char *ctx = version_of(r) == 2 ? ctx_v2 : ctx_v1;
	uint8_t b[REQ_BYTES_MAX], msg[sizeof(ctx_v1) - 1 + REQ_BYTES_MAX];
	uint8_t hash[32];
	size_t count = text_bits(text, PROTOCOL_REQUEST_GROUP, b, sizeof(b));
	size_t pos, i, nb, total = count * 5, n = strlen(ctx);
	const char *names[2] = { r->serial, r->account };
	int k;

	assert_int_equal(get_bits(b, 0, 4), version_of(r));
	assert_int_equal(get_bits(b, 4, 4), r->demo ? 8 : 0);
	assert_int_equal(get_bits(b, 8, 16), r->key_id);
	for (i = 0; i < PROTOCOL_NONCE_BYTES; i++)
		assert_int_equal(get_bits(b, 24 + 8 * i, 8), r->nonce[i]);
	assert_int_equal(get_bits(b, 104, 16), r->day);
	pos = HEADER_BITS;
	if (version_of(r) == 2) {
		assert_int_equal(get_bits(b, pos, STORE_BITS), r->store);
		pos += STORE_BITS;
	}
	for (k = 0; k < 2; k++) {
		size_t len = strlen(names[k]);

		assert_int_equal(get_bits(b, pos, 5), len);
		pos += 5;
		for (i = 0; i < len; i++, pos += 6)
			assert_int_equal(PROTOCOL_NAME_ALPHABET[get_bits(b,
			    pos, 6)], names[k][i]);
	}
	assert_int_equal(pos, field_bits(r));
	/* MAC over the context and the field bytes, last one zero-padded. */
	nb = (pos + 7) / 8;
	memcpy(msg, ctx, n);
	memcpy(msg + n, b, nb);
	if (pos % 8 != 0)
		msg[n + nb - 1] &= (uint8_t)(0xff00u >> (pos % 8));
	assert_int_equal(crypto_generichash(hash, sizeof(hash), msg, n + nb,
	    request_key, PROTOCOL_KEY_BYTES), 0);
	for (i = 0; i < PROTOCOL_MAC_BYTES; i++, pos += 8)
		assert_int_equal(get_bits(b, pos, 8), hash[i]);
	assert_true(total - pos < 25);
	for (; pos < total; pos++)
		assert_int_equal(get_bits(b, pos, 1), 0);
}

static void
test_protocol_request_encode_ok_vector(void **state)
{
	struct protocol_request r, got;
	struct keys k;
	uint8_t mac[PROTOCOL_MAC_BYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX];
	size_t bad;

	(void)state;
	vector_keys(&k);
	vector_request(&r);
	assert_int_equal(protocol_request_encode(&r, k.request, text,
	    sizeof(text)), 83);
	assert_string_equal(text, VECTOR_REQUEST_TEXT);
	check_layout(text, &r, k.request);
	assert_int_equal(decode(text, &got, mac, &bad), 0);
	assert_int_equal(bad, 0);
	assert_request_equal(&got, &r);
	assert_int_equal(protocol_request_verify(&got, mac, k.request), 0);
}

/* The header's example: a 12-character serial and "admin" make 12 groups
 * of 6 typed characters: 72, and 83 with the 11 hyphens. */
static void
test_protocol_request_encode_ok_admin_length(void **state)
{
	struct protocol_request r;
	struct keys k;
	char text[PROTOCOL_REQUEST_TEXT_MAX], squashed[TEXT_MAX];
	int i;

	(void)state;
	vector_keys(&k);
	for (i = 0; i < 20; i++) {
		random_request(&r);
		random_name(r.serial, 12);
		strcpy(r.account, "admin");
		assert_int_equal(request_groups(&r), 12);
		assert_int_equal(protocol_request_encode(&r, k.request, text,
		    sizeof(text)), 83);
		assert_int_equal(strlen(text), 83);
		squash_lower(text, squashed);
		assert_int_equal(strlen(squashed), 72);
	}
}

/* Two 31-character names: 23 groups, 160 characters, and with the NUL
 * exactly PROTOCOL_REQUEST_TEXT_MAX. */
static void
test_protocol_request_encode_ok_longest_fits(void **state)
{
	struct protocol_request r, got;
	struct keys k;
	uint8_t mac[PROTOCOL_MAC_BYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX];
	size_t bad;

	(void)state;
	vector_keys(&k);
	random_request(&r);
	random_name(r.serial, PROTOCOL_NAME_MAX);
	random_name(r.account, PROTOCOL_NAME_MAX);
	assert_int_equal(request_groups(&r), 23);
	assert_int_equal(protocol_request_encode(&r, k.request, text,
	    sizeof(text)), 160);
	assert_int_equal(PROTOCOL_REQUEST_TEXT_MAX, 161);
	assert_int_equal(protocol_request_encode(&r, k.request, text, 160),
	    -ENOSPC);
	assert_string_equal(text, "");
	assert_int_equal(protocol_request_encode(&r, k.request, text,
	    sizeof(text)), 160);
	check_layout(text, &r, k.request);
	assert_int_equal(decode(text, &got, mac, &bad), 0);
	assert_request_equal(&got, &r);
}

static void
test_protocol_request_ok_random_round_trip(void **state)
{
	struct protocol_request r, got;
	struct keys k, other;
	uint8_t master[PROTOCOL_KEY_BYTES], mac[PROTOCOL_MAC_BYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX], squashed[TEXT_MAX];
	size_t bad;
	int i, len;

	(void)state;
	randombytes_buf(master, sizeof(master));
	for (i = 0; i < ROUND_TRIPS; i++) {
		random_request(&r);
		derive(master, r.key_id, r.serial, &k);
		len = protocol_request_encode(&r, k.request, text,
		    sizeof(text));
		if (len != (int)request_text_len(&r))
			print_error("serial %s account %s: length %d\n",
			    r.serial, r.account, len);
		assert_int_equal(len, request_text_len(&r));
		assert_int_equal(strlen(text), (size_t)len);
		if (i < 50)
			check_layout(text, &r, k.request);
		memset(&got, 0x55, sizeof(got));
		assert_int_equal(decode(text, &got, mac, &bad), 0);
		assert_int_equal(bad, 0);
		assert_request_equal(&got, &r);
		assert_int_equal(protocol_request_verify(&got, mac, k.request),
		    0);
		/* Another device's (or key set's) request key. */
		derive(master, r.key_id, r.serial[0] == 'x' ? "y" : "x",
		    &other);
		assert_int_equal(protocol_request_verify(&got, mac,
		    other.request), -EACCES);
		assert_int_equal(protocol_request_verify(&got, mac, k.code),
		    -EACCES);
		/* Typed in lower case without hyphens. */
		squash_lower(text, squashed);
		assert_int_equal(decode(squashed, &got, mac, &bad), 0);
		assert_request_equal(&got, &r);
		assert_int_equal(protocol_request_verify(&got, mac, k.request),
		    0);
	}
}

/* ------------------------------------------------------------------ */
/* Requests: refused                                                   */

static void
test_protocol_request_encode_nok_bad_fields(void **state)
{
	struct protocol_request r;
	struct keys k;
	char text[PROTOCOL_REQUEST_TEXT_MAX];

	(void)state;
	vector_keys(&k);
#define ENCODE_NOK(field_change) do {					\
		vector_request(&r);					\
		field_change;						\
		memset(text, 'x', sizeof(text));			\
		assert_int_equal(protocol_request_encode(&r, k.request, text, \
		    sizeof(text)), -EINVAL);				\
		assert_string_equal(text, "");				\
	} while (0)
	ENCODE_NOK(r.key_id = 0);
	ENCODE_NOK(r.key_id = 65536);
	ENCODE_NOK(r.day = 65536);
	ENCODE_NOK(strcpy(r.serial, ""));
	ENCODE_NOK(strcpy(r.account, ""));
	ENCODE_NOK(strcpy(r.serial, "SN 001"));
	ENCODE_NOK(strcpy(r.account, "root.admin"));
	ENCODE_NOK(strcpy(r.account, "j\xc3\xb6rg"));
	ENCODE_NOK(strcpy(r.account, "a@b"));
	ENCODE_NOK(memset(r.serial, 'A', sizeof(r.serial)));
#undef ENCODE_NOK
	vector_request(&r);
	r.key_id = 65535;
	r.day = 65535;
	assert_true(protocol_request_encode(&r, k.request, text,
	    sizeof(text)) > 0);
	r.day = 0;
	assert_true(protocol_request_encode(&r, k.request, text,
	    sizeof(text)) > 0);
}

static void
test_protocol_request_encode_nok_no_space(void **state)
{
	struct protocol_request r;
	struct keys k;
	char text[PROTOCOL_REQUEST_TEXT_MAX];

	(void)state;
	vector_keys(&k);
	vector_request(&r);
	assert_int_equal(protocol_request_encode(&r, k.request, text, 83),
	    -ENOSPC);
	assert_string_equal(text, "");
	assert_int_equal(protocol_request_encode(&r, k.request, text, 0),
	    -ENOSPC);
	assert_int_equal(protocol_request_encode(&r, k.request, text, 84),
	    83);
	assert_string_equal(text, VECTOR_REQUEST_TEXT);
}

/*
 * Every single bit of a request's bit string flipped (and the text made
 * again with valid check symbols, as a forger would): decode refuses it
 * as no request (-EPROTO), or it decodes and the MAC does not verify.
 */
static void
test_protocol_request_nok_every_bit_flip(void **state)
{
	struct protocol_request r, got;
	struct keys k;
	uint8_t master[PROTOCOL_KEY_BYTES], b[REQ_BYTES_MAX], f[REQ_BYTES_MAX];
	uint8_t mac[PROTOCOL_MAC_BYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX], forged[PROTOCOL_REQUEST_TEXT_MAX];
	size_t count, bit, bad, proto = 0, access = 0;
	int i, rc;

	(void)state;
	randombytes_buf(master, sizeof(master));
	for (i = 0; i < FLIP_REQUESTS; i++) {
		random_request(&r);
		derive(master, r.key_id, r.serial, &k);
		assert_true(protocol_request_encode(&r, k.request, text,
		    sizeof(text)) > 0);
		count = text_bits(text, PROTOCOL_REQUEST_GROUP, b, sizeof(b));
		for (bit = 0; bit < count * 5; bit++) {
			memcpy(f, b, sizeof(f));
			f[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
			bits_text(f, count, PROTOCOL_REQUEST_GROUP, forged,
			    sizeof(forged));
			rc = decode(forged, &got, mac, &bad);
			if (rc == 0) {
				rc = protocol_request_verify(&got, mac,
				    k.request);
				if (rc != -EACCES)
					print_error("bit %zu of %s: %s "
					    "verifies\n", bit, text, forged);
				assert_int_equal(rc, -EACCES);
				access++;
				continue;
			}
			/* A flip that shortens a length leaves a whole
			 * shorter request and a group more. */
			if (rc == -E2BIG) {
				assert_int_equal(bad, count /
				    PROTOCOL_REQUEST_GROUP);
				proto++;
				continue;
			}
			if (rc != -EPROTO)
				print_error("bit %zu of %s: %s gives %d\n",
				    bit, text, forged, rc);
			assert_int_equal(rc, -EPROTO);
			assert_int_equal(bad, 0);
			proto++;
		}
	}
	/* Both kinds of refusal happened, so both branches were tested. */
	assert_true(proto > 0);
	assert_true(access > 0);
}

static void
test_protocol_request_decode_nok_length(void **state)
{
	struct protocol_request r;
	struct keys k;
	uint8_t b[REQ_BYTES_MAX];
	char text[TEXT_MAX], longer[TEXT_MAX];
	size_t count, len;
	int n;

	(void)state;
	vector_keys(&k);
	vector_request(&r);
	n = protocol_request_encode(&r, k.request, text, sizeof(text));
	assert_int_equal(n, 83);
	/* The last group left off: well typed, but the MAC runs short. */
	strcpy(longer, text);
	longer[n - 7] = '\0';
	assert_decode(longer, -EPROTO, 0);
	/* One character left off, one too many: a wrong length. */
	strcpy(longer, text);
	longer[n - 1] = '\0';
	assert_decode(longer, -EINVAL, 0);
	strcpy(longer, text);
	strcat(longer, "0");
	assert_decode(longer, -EINVAL, 0);
	assert_decode("", -EINVAL, 0);
	assert_decode("---", -EINVAL, 0);
	/* A whole request and a group more (zero padding, its last group
	 * typed twice, or anything well typed): one group too many, named,
	 * not a typo in that group nor a request of another version. */
	strcpy(longer, text);
	strcat(longer, "-000000");
	assert_decode(longer, -E2BIG, 13);
	strcpy(longer, text);
	strcat(longer, text + n - 7);
	assert_decode(longer, -E2BIG, 13);
	strcpy(longer, text);
	strcat(longer, "-ABCDEF");
	assert_decode(longer, -E2BIG, 13);
	/* More groups than any request has (23): a wrong length. */
	count = text_bits(VECTOR_REQUEST_TEXT, PROTOCOL_REQUEST_GROUP, b,
	    sizeof(b));
	assert_int_equal(count, 60);
	strcpy(longer, text);
	for (len = 12; len < 24; len++)
		strcat(longer, "-000000");
	assert_decode(longer, -EINVAL, 0);
}

static void
test_protocol_request_decode_nok_typo_names_group(void **state)
{
	struct protocol_request r;
	struct keys k;
	char text[PROTOCOL_REQUEST_TEXT_MAX], typo[PROTOCOL_REQUEST_TEXT_MAX];
	size_t g, pos;
	int n;

	(void)state;
	vector_keys(&k);
	vector_request(&r);
	n = protocol_request_encode(&r, k.request, text, sizeof(text));
	assert_int_equal(n, 83);
	for (g = 0; g < 12; g++) {
		for (pos = 0; pos < 6; pos++) {
			strcpy(typo, text);
			/* Another symbol (never the same): +1 in the alphabet. */
			typo[g * 7 + pos] = CODE32_ALPHABET[(strchr(
			    CODE32_ALPHABET, typo[g * 7 + pos]) -
			    CODE32_ALPHABET + 1) % 32];
			assert_decode(typo, -EINVAL, g + 1);
		}
		strcpy(typo, text);
		typo[g * 7 + 2] = 'U';
		assert_decode(typo, -EINVAL, g + 1);
		strcpy(typo, text);
		typo[g * 7 + 4] = '*';
		assert_decode(typo, -EINVAL, g + 1);
	}
}

/* Sets bits POS..POS+N-1 of the vector request's bit string to V, makes
 * the text again with valid check symbols, and checks that it decodes to
 * WANT_RC. */
static void
check_edit(size_t pos, unsigned n, uint32_t v, int want_rc, const char *file,
    int line)
{
	struct protocol_request r, got;
	struct keys k;
	uint8_t b[REQ_BYTES_MAX], mac[PROTOCOL_MAC_BYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX];
	size_t count, bad;
	int rc;

	vector_keys(&k);
	vector_request(&r);
	assert_int_equal(protocol_request_encode(&r, k.request, text,
	    sizeof(text)), 83);
	count = text_bits(text, PROTOCOL_REQUEST_GROUP, b, sizeof(b));
	set_bits(b, pos, n, v);
	bits_text(b, count, PROTOCOL_REQUEST_GROUP, text, sizeof(text));
	rc = decode(text, &got, mac, &bad);
	if (rc == want_rc && bad == 0)
		return;
	print_error("bits %zu..%zu set to %u: %s gives %d, want %d\n", pos,
	    pos + n - 1, (unsigned)v, text, rc, want_rc);
	_fail(file, line);
}

#define assert_edit(pos, n, v, rc) \
	check_edit((pos), (n), (v), (rc), __FILE__, __LINE__)

static void
test_protocol_request_decode_nok_fields(void **state)
{
	(void)state;
	/* The vector: 232 field bits, 64 MAC bits, 4 padding bits. */
	assert_edit(0, 4, 1, 0);		/* unchanged: decodes */
	/* Relabelled version 2: a store would be read where the serial's
	 * length is, and the rest shifts by 4 bits; it no longer parses. */
	assert_edit(0, 4, 2, -EPROTO);
	assert_edit(0, 4, 3, -EPROTO);		/* version 3 */
	assert_edit(0, 4, 0, -EPROTO);
	assert_edit(0, 4, 15, -EPROTO);
	assert_edit(4, 4, 8, 0);		/* demo: decodes */
	assert_edit(4, 4, 1, -EPROTO);		/* unknown flags */
	assert_edit(4, 4, 4, -EPROTO);
	assert_edit(4, 4, 9, -EPROTO);
	assert_edit(8, 16, 0, -EPROTO);		/* key id 0 */
	assert_edit(8, 16, 65535, 0);
	assert_edit(120, 5, 0, -EPROTO);	/* empty serial */
	assert_edit(120 + 5 + 72, 5, 0, -EPROTO);	/* empty account */
	assert_edit(296, 1, 1, -EPROTO);	/* padding not zero */
	assert_edit(299, 1, 1, -EPROTO);
	assert_edit(296, 4, 0, 0);
	/* A longer account: the MAC would run past the end. */
	assert_edit(120 + 5 + 72, 5, 31, -EPROTO);
}

static void
test_protocol_request_decode_ok_demo_and_clock(void **state)
{
	struct protocol_request r, got;
	struct keys k;
	uint8_t mac[PROTOCOL_MAC_BYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX];
	size_t bad;

	(void)state;
	vector_keys(&k);
	vector_request(&r);
	r.demo = true;
	r.day = 0;
	assert_int_equal(protocol_request_encode(&r, k.request, text,
	    sizeof(text)), 83);
	assert_int_equal(text[0], '3');		/* 0001 1000: 00011 ... */
	assert_int_equal(decode(text, &got, mac, &bad), 0);
	assert_true(got.demo);
	assert_int_equal(got.day, 0);
	assert_int_equal(protocol_request_verify(&got, mac, k.request), 0);
	/* The flag is under the MAC. */
	got.demo = false;
	assert_int_equal(protocol_request_verify(&got, mac, k.request),
	    -EACCES);
}

static void
test_protocol_request_verify_nok_changed_field(void **state)
{
	struct protocol_request r, got;
	struct keys k;
	uint8_t mac[PROTOCOL_MAC_BYTES], bad_mac[PROTOCOL_MAC_BYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX];
	size_t bad, i;

	(void)state;
	vector_keys(&k);
	vector_request(&r);
	assert_int_equal(protocol_request_encode(&r, k.request, text,
	    sizeof(text)), 83);
	assert_int_equal(decode(text, &got, mac, &bad), 0);
	assert_int_equal(protocol_request_verify(&got, mac, k.request), 0);
#define VERIFY_NOK(change) do {						\
		got = r;						\
		change;							\
		assert_int_equal(protocol_request_verify(&got, mac,	\
		    k.request), -EACCES);				\
	} while (0)
	VERIFY_NOK(got.key_id = 2);
	VERIFY_NOK(got.demo = true);
	VERIFY_NOK(got.day = 19877);
	VERIFY_NOK(got.nonce[9] ^= 1);
	VERIFY_NOK(strcpy(got.serial, "SN0012345679"));
	VERIFY_NOK(strcpy(got.account, "Admin"));
	VERIFY_NOK(strcpy(got.account, "root"));
	VERIFY_NOK(got.key_id = 0);
	VERIFY_NOK(strcpy(got.account, "ad min"));
#undef VERIFY_NOK
	for (i = 0; i < PROTOCOL_MAC_BYTES * 8; i++) {
		memcpy(bad_mac, mac, sizeof(mac));
		bad_mac[i / 8] ^= (uint8_t)(1u << (i % 8));
		assert_int_equal(protocol_request_verify(&r, bad_mac,
		    k.request), -EACCES);
	}
}

/* ------------------------------------------------------------------ */
/* Reset codes                                                         */

static void
test_protocol_code_make_ok_vector(void **state)
{
	static const char ctx[] = "nvr-recovery code v1";
	struct protocol_request r;
	struct keys k;
	uint8_t msg[128], hash[32], b[16];
	char text[PROTOCOL_CODE_TEXT_MAX];
	size_t n = sizeof(ctx) - 1, i;

	(void)state;
	vector_keys(&k);
	vector_request(&r);
	assert_int_equal(protocol_code_make(&r, PROTOCOL_SET_PASSWORD, k.code,
	    text, sizeof(text)), CODE_TEXT_LEN);
	assert_string_equal(text, VECTOR_CODE_SET_PASSWORD);
	/* By hand: the MAC is the first 92 bits of the keyed hash. */
	memcpy(msg, ctx, n);
	msg[n++] = 0;
	msg[n++] = 1;
	msg[n++] = 12;
	memcpy(msg + n, VECTOR_SERIAL, 12);
	n += 12;
	memcpy(msg + n, r.nonce, PROTOCOL_NONCE_BYTES);
	n += PROTOCOL_NONCE_BYTES;
	msg[n++] = 5;
	memcpy(msg + n, "admin", 5);
	n += 5;
	msg[n++] = PROTOCOL_SET_PASSWORD;
	assert_int_equal(crypto_generichash(hash, sizeof(hash), msg, n,
	    k.code, sizeof(k.code)), 0);
	assert_int_equal(text_bits(text, PROTOCOL_CODE_GROUP, b, sizeof(b)),
	    PROTOCOL_CODE_SYMBOLS);
	assert_int_equal(get_bits(b, 0, 4), 1);
	assert_int_equal(get_bits(b, 4, 4), PROTOCOL_SET_PASSWORD);
	for (i = 0; i < 11; i++)
		assert_int_equal(get_bits(b, 8 + 8 * i, 8), hash[i]);
	assert_int_equal(get_bits(b, 96, 4), hash[11] >> 4);

	assert_int_equal(protocol_code_make(&r, PROTOCOL_FACTORY_RESET,
	    k.code, text, sizeof(text)), CODE_TEXT_LEN);
	assert_string_equal(text, VECTOR_CODE_FACTORY_RESET);
	assert_code(VECTOR_CODE_SET_PASSWORD, &r, PROTOCOL_SET_PASSWORD,
	    k.code, 0, 0);
	assert_code(VECTOR_CODE_FACTORY_RESET, &r, PROTOCOL_FACTORY_RESET,
	    k.code, 0, 0);
}

static void
test_protocol_code_make_nok(void **state)
{
	struct protocol_request r;
	struct keys k;
	char text[PROTOCOL_CODE_TEXT_MAX];

	(void)state;
	vector_keys(&k);
	vector_request(&r);
	assert_int_equal(protocol_code_make(&r, (enum protocol_action)0,
	    k.code, text, sizeof(text)), -EINVAL);
	assert_string_equal(text, "");
	assert_int_equal(protocol_code_make(&r, (enum protocol_action)3,
	    k.code, text, sizeof(text)), -EINVAL);
	r.key_id = 0;
	assert_int_equal(protocol_code_make(&r, PROTOCOL_SET_PASSWORD, k.code,
	    text, sizeof(text)), -EINVAL);
	vector_request(&r);
	strcpy(r.account, "a b");
	assert_int_equal(protocol_code_make(&r, PROTOCOL_SET_PASSWORD, k.code,
	    text, sizeof(text)), -EINVAL);
	vector_request(&r);
	assert_int_equal(protocol_code_make(&r, PROTOCOL_SET_PASSWORD, k.code,
	    text, CODE_TEXT_LEN), -ENOSPC);
	assert_string_equal(text, "");
	assert_int_equal(protocol_code_make(&r, PROTOCOL_SET_PASSWORD, k.code,
	    text, CODE_TEXT_LEN + 1), CODE_TEXT_LEN);
	assert_string_equal(text, VECTOR_CODE_SET_PASSWORD);
}

static void
test_protocol_code_check_ok_any_case_no_hyphens(void **state)
{
	struct protocol_request r;
	struct keys k;

	(void)state;
	vector_keys(&k);
	vector_request(&r);
	assert_code("25vzj0shx4ma0rc3g9jxk2v08", &r, PROTOCOL_SET_PASSWORD,
	    k.code, 0, 0);
	assert_code("25VZJ 0SHX4 MA0RC 3G9JX K2V08", &r,
	    PROTOCOL_SET_PASSWORD, k.code, 0, 0);
	/* Crockford's reading: O is 0, so the same code. */
	assert_code("25VZJ-OSHX4-MAORC-3G9JX-K2VO8", &r,
	    PROTOCOL_SET_PASSWORD, k.code, 0, 0);
	/* A group more than a code has (the last typed twice, or any):
	 * told as such, no try. */
	assert_code("25VZJ-0SHX4-MA0RC-3G9JX-K2V08-K2V08", &r,
	    PROTOCOL_SET_PASSWORD, k.code, -E2BIG, 6);
	assert_code("25VZJ-0SHX4-MA0RC-3G9JX-K2V08-ABCDE", &r,
	    PROTOCOL_SET_PASSWORD, k.code, -E2BIG, 6);
	assert_false(protocol_code_well_typed(
	    "25VZJ-0SHX4-MA0RC-3G9JX-K2V08-K2V08"));
}

/* A code answers one request, one action, one device: changing any of
 * them makes the right text a wrong try. */
static void
test_protocol_code_check_nok_bound_to_everything(void **state)
{
	struct protocol_request r, other;
	struct keys k, k2;
	uint8_t master[PROTOCOL_KEY_BYTES], key[PROTOCOL_KEY_BYTES];
	char text[PROTOCOL_CODE_TEXT_MAX];
	size_t bit;
	int i;

	(void)state;
	randombytes_buf(master, sizeof(master));
	for (i = 0; i < 20; i++) {
		random_request(&r);
		derive(master, r.key_id, r.serial, &k);
		assert_int_equal(protocol_code_make(&r, PROTOCOL_SET_PASSWORD,
		    k.code, text, sizeof(text)), CODE_TEXT_LEN);
		assert_code(text, &r, PROTOCOL_SET_PASSWORD, k.code, 0, 0);
		assert_code(text, &r, PROTOCOL_FACTORY_RESET, k.code, -EACCES,
		    0);

		other = r;
		other.serial[0] = other.serial[0] == 'Q' ? 'R' : 'Q';
		assert_code(text, &other, PROTOCOL_SET_PASSWORD, k.code,
		    -EACCES, 0);
		other = r;
		other.key_id = r.key_id == 65535 ? 1 : r.key_id + 1;
		assert_code(text, &other, PROTOCOL_SET_PASSWORD, k.code,
		    -EACCES, 0);
		other = r;
		other.account[0] = other.account[0] == 'Q' ? 'R' : 'Q';
		assert_code(text, &other, PROTOCOL_SET_PASSWORD, k.code,
		    -EACCES, 0);
		other = r;
		strcat(other.account, strlen(r.account) < PROTOCOL_NAME_MAX ?
		    "x" : "");
		if (strlen(r.account) < PROTOCOL_NAME_MAX)
			assert_code(text, &other, PROTOCOL_SET_PASSWORD,
			    k.code, -EACCES, 0);
		for (bit = 0; bit < PROTOCOL_NONCE_BYTES * 8; bit++) {
			other = r;
			other.nonce[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			assert_code(text, &other, PROTOCOL_SET_PASSWORD,
			    k.code, -EACCES, 0);
		}
		/* Other code keys: another device, the request key, one
		 * flipped bit. */
		derive(master, r.key_id, r.serial[0] == 'x' ? "y" : "x", &k2);
		assert_code(text, &r, PROTOCOL_SET_PASSWORD, k2.code, -EACCES,
		    0);
		assert_code(text, &r, PROTOCOL_SET_PASSWORD, k.request,
		    -EACCES, 0);
		memcpy(key, k.code, sizeof(key));
		key[randombytes_uniform(sizeof(key))] ^= 0x10;
		assert_code(text, &r, PROTOCOL_SET_PASSWORD, key, -EACCES, 0);
	}
}

/* Well-typed codes that differ from the right one only in the version,
 * the action or one MAC bit are wrong tries. */
static void
test_protocol_code_check_nok_version_action_mac(void **state)
{
	struct protocol_request r;
	struct keys k;
	uint8_t b[16], f[16];
	char text[PROTOCOL_CODE_TEXT_MAX];
	size_t bit;

	(void)state;
	vector_keys(&k);
	vector_request(&r);
	assert_int_equal(text_bits(VECTOR_CODE_SET_PASSWORD,
	    PROTOCOL_CODE_GROUP, b, sizeof(b)), PROTOCOL_CODE_SYMBOLS);
	for (bit = 0; bit < 100; bit++) {
		memcpy(f, b, sizeof(f));
		f[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
		bits_text(f, PROTOCOL_CODE_SYMBOLS, PROTOCOL_CODE_GROUP, text,
		    sizeof(text));
		assert_code(text, &r, PROTOCOL_SET_PASSWORD, k.code, -EACCES,
		    0);
	}
	memcpy(f, b, sizeof(f));
	set_bits(f, 0, 4, 2);			/* version 2 */
	bits_text(f, PROTOCOL_CODE_SYMBOLS, PROTOCOL_CODE_GROUP, text,
	    sizeof(text));
	assert_code(text, &r, PROTOCOL_SET_PASSWORD, k.code, -EACCES, 0);
	memcpy(f, b, sizeof(f));
	set_bits(f, 4, 4, PROTOCOL_FACTORY_RESET);	/* action relabelled */
	bits_text(f, PROTOCOL_CODE_SYMBOLS, PROTOCOL_CODE_GROUP, text,
	    sizeof(text));
	assert_code(text, &r, PROTOCOL_SET_PASSWORD, k.code, -EACCES, 0);
	assert_code(text, &r, PROTOCOL_FACTORY_RESET, k.code, -EACCES, 0);
}

static void
test_protocol_code_check_nok_random_guesses(void **state)
{
	struct protocol_request r;
	struct keys k;
	uint8_t s[PROTOCOL_CODE_SYMBOLS];
	char text[PROTOCOL_CODE_TEXT_MAX];
	size_t i, j;

	(void)state;
	vector_keys(&k);
	vector_request(&r);
	for (i = 0; i < GUESSES; i++) {
		for (j = 0; j < PROTOCOL_CODE_SYMBOLS; j++)
			s[j] = (uint8_t)randombytes_uniform(32);
		/* 0001 0001 (version 1, set password), then random MAC
		 * bits: symbols 00010 and 001xx. */
		s[0] = 2;
		s[1] = (uint8_t)(4 | (s[1] & 3));
		assert_int_equal(code32_format(s, PROTOCOL_CODE_SYMBOLS,
		    PROTOCOL_CODE_GROUP, text, sizeof(text)), CODE_TEXT_LEN);
		assert_code(text, &r, PROTOCOL_SET_PASSWORD, k.code, -EACCES,
		    0);
	}
}

static void
test_protocol_code_check_nok_length(void **state)
{
	struct protocol_request r;
	struct keys k;
	char text[64];

	(void)state;
	vector_keys(&k);
	vector_request(&r);
	/* Four groups, six groups, a character short or over: no try (six
	 * are told as one group too many). */
	assert_code("25VZJ-0SHX4-MA0RC-3G9JX", &r, PROTOCOL_SET_PASSWORD,
	    k.code, -EINVAL, 0);
	snprintf(text, sizeof(text), "%s-0000%c", VECTOR_CODE_SET_PASSWORD,
	    CODE32_ALPHABET[0]);
	assert_code(text, &r, PROTOCOL_SET_PASSWORD, k.code, -E2BIG, 6);
	assert_code("25VZJ-0SHX4-MA0RC-3G9JX-K2V0", &r, PROTOCOL_SET_PASSWORD,
	    k.code, -EINVAL, 0);
	assert_code("25VZJ-0SHX4-MA0RC-3G9JX-K2V080", &r,
	    PROTOCOL_SET_PASSWORD, k.code, -EINVAL, 0);
	assert_code("", &r, PROTOCOL_SET_PASSWORD, k.code, -EINVAL, 0);
	assert_code("-", &r, PROTOCOL_SET_PASSWORD, k.code, -EINVAL, 0);
	/* A character outside the alphabet names its group. */
	assert_code("25VZJ-0SHX4-MAURC-3G9JX-K2V08", &r,
	    PROTOCOL_SET_PASSWORD, k.code, -EINVAL, 3);
	assert_code("25VZJ-0SHX4-MA0RC-3G9JX-K2V0*", &r,
	    PROTOCOL_SET_PASSWORD, k.code, -EINVAL, 5);
	/* A substitution in each group. */
	assert_code("35VZJ-0SHX4-MA0RC-3G9JX-K2V08", &r,
	    PROTOCOL_SET_PASSWORD, k.code, -EINVAL, 1);
	assert_code("25VZJ-0SHX5-MA0RC-3G9JX-K2V08", &r,
	    PROTOCOL_SET_PASSWORD, k.code, -EINVAL, 2);
	assert_code("25VZJ-0SHX4-MA0RC-3G8JX-K2V08", &r,
	    PROTOCOL_SET_PASSWORD, k.code, -EINVAL, 4);
}

/*
 * For many random codes: every other symbol at each of the 25 typed
 * positions, and every swap of two different neighbours among them
 * (across a hyphen too), must be a typo in the right group: -EINVAL,
 * never 0 or -EACCES.
 */
static void
test_protocol_code_check_nok_every_typo(void **state)
{
	struct protocol_request r;
	struct keys k;
	uint8_t master[PROTOCOL_KEY_BYTES];
	char text[PROTOCOL_CODE_TEXT_MAX];
	enum protocol_action action;
	size_t p, t, swaps = 0;
	int i, v;

	(void)state;
	randombytes_buf(master, sizeof(master));
	for (i = 0; i < TYPO_CODES; i++) {
		random_request(&r);
		derive(master, r.key_id, r.serial, &k);
		action = randombytes_uniform(2) == 0 ? PROTOCOL_SET_PASSWORD :
		    PROTOCOL_FACTORY_RESET;
		assert_int_equal(protocol_code_make(&r, action, k.code, text,
		    sizeof(text)), CODE_TEXT_LEN);
		for (p = 0; p < 25; p++) {
			char *c = text + p + p / 5, orig = *c;

			for (v = 0; v < 32; v++) {
				if (CODE32_ALPHABET[v] == orig)
					continue;
				*c = CODE32_ALPHABET[v];
				assert_code(text, &r, PROTOCOL_SET_PASSWORD,
				    k.code, -EINVAL, p / 5 + 1);
				assert_code(text, &r, PROTOCOL_FACTORY_RESET,
				    k.code, -EINVAL, p / 5 + 1);
			}
			*c = orig;
		}
		for (p = 0; p + 1 < 25; p++) {
			char *a = text + p + p / 5;
			char *b = text + (p + 1) + (p + 1) / 5, ca = *a;

			if (*a == *b)
				continue;
			*a = *b;
			*b = ca;
			/* Across groups, the first group is already off. */
			t = p / 5 + 1;
			assert_code(text, &r, PROTOCOL_SET_PASSWORD, k.code,
			    -EINVAL, t);
			assert_code(text, &r, PROTOCOL_FACTORY_RESET, k.code,
			    -EINVAL, t);
			*b = *a;
			*a = ca;
			swaps++;
		}
		/* The text is whole again, or the loops proved nothing. */
		assert_int_equal(protocol_code_check(text, &r, action, k.code,
		    NULL), 0);
	}
	assert_true(swaps > (size_t)TYPO_CODES * 20);
}

/* ------------------------------------------------------------------ */
/* Version 2: the account store                                        */

/* Version 0 is version 1: a zeroed struct (every caller before version
 * 2) makes the very bytes it made before, requests and codes. */
static void
test_protocol_version_0_is_1(void **state)
{
	struct protocol_request r;
	struct keys k;
	char text[PROTOCOL_REQUEST_TEXT_MAX];
	char code[PROTOCOL_CODE_TEXT_MAX];

	(void)state;
	vector_keys(&k);
	vector_request(&r);
	assert_int_equal(r.version, 0);
	assert_int_equal(protocol_request_encode(&r, k.request, text,
	    sizeof(text)), 83);
	assert_string_equal(text, VECTOR_REQUEST_TEXT);
	r.version = 1;
	assert_int_equal(protocol_request_encode(&r, k.request, text,
	    sizeof(text)), 83);
	assert_string_equal(text, VECTOR_REQUEST_TEXT);
	r.version = 0;
	assert_int_equal(protocol_code_make(&r, PROTOCOL_SET_PASSWORD, k.code,
	    code, sizeof(code)), CODE_TEXT_LEN);
	assert_string_equal(code, VECTOR_CODE_SET_PASSWORD);
	assert_code(VECTOR_CODE_SET_PASSWORD, &r, PROTOCOL_SET_PASSWORD,
	    k.code, 0, 0);
	r.version = 1;
	assert_code(VECTOR_CODE_SET_PASSWORD, &r, PROTOCOL_SET_PASSWORD,
	    k.code, 0, 0);
}

/* The pinned version-2 request: its text, its bits read back by hand
 * (the store after the day), its compact form, decoded with its store. */
static void
test_protocol_request_v2_encode_ok_vector(void **state)
{
	struct protocol_request r, got;
	struct keys k;
	uint8_t mac[PROTOCOL_MAC_BYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX];
	size_t bad;

	(void)state;
	vector_keys(&k);
	vector_request_v2(&r, VECTOR_V2_STORE);
	/* 300 bits: the 4 of the store fill version 1's padding. */
	assert_int_equal(field_bits(&r) + 64, 300);
	assert_int_equal(protocol_request_encode(&r, k.request, text,
	    sizeof(text)), 83);
	assert_string_equal(text, VECTOR_V2_REQUEST_TEXT);
	check_layout(text, &r, k.request);
	assert_int_equal(decode(text, &got, mac, &bad), 0);
	assert_int_equal(got.version, 2);
	assert_int_equal(got.store, VECTOR_V2_STORE);
	assert_request_equal(&got, &r);
	assert_int_equal(protocol_request_verify(&got, mac, k.request), 0);

	assert_int_equal(protocol_request_encode_compact(&r, k.request, text,
	    sizeof(text)), 61);
	assert_string_equal(text, VECTOR_V2_COMPACT);
	assert_int_equal(decode(text, &got, mac, &bad), 0);
	assert_request_equal(&got, &r);
	assert_int_equal(protocol_request_verify(&got, mac, k.request), 0);

	/* Store 0 in version 2 is no version-1 request. */
	vector_request_v2(&r, 0);
	assert_int_equal(protocol_request_encode(&r, k.request, text,
	    sizeof(text)), 83);
	assert_string_equal(text, VECTOR_V2_STORE_0_REQUEST_TEXT);
	check_layout(text, &r, k.request);
	assert_int_equal(decode(text, &got, mac, &bad), 0);
	assert_int_equal(got.version, 2);
	assert_int_equal(got.store, 0);
	assert_int_equal(protocol_request_verify(&got, mac, k.request), 0);
	/* The v1 vector decodes as version 1, store 0. */
	assert_int_equal(decode(VECTOR_REQUEST_TEXT, &got, mac, &bad), 0);
	assert_int_equal(got.version, 1);
	assert_int_equal(got.store, 0);
}

/* Every store, random requests, both forms: what is encoded decodes to
 * the same fields, store included, with a MAC that verifies; the
 * lengths are the ones the layout implies. */
static void
test_protocol_request_v2_ok_round_trip_every_store(void **state)
{
	struct protocol_request r, got;
	struct keys k;
	uint8_t master[PROTOCOL_KEY_BYTES], mac[PROTOCOL_MAC_BYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX], squashed[TEXT_MAX];
	size_t bad;
	int len;

	(void)state;
	randombytes_buf(master, sizeof(master));
	for (unsigned store = 0; store <= PROTOCOL_STORE_MAX; store++) {
		for (int i = 0; i < 30; i++) {
			random_request_v2(&r);
			r.store = store;
			derive(master, r.key_id, r.serial, &k);
			len = protocol_request_encode(&r, k.request, text,
			    sizeof(text));
			assert_int_equal(len, request_text_len(&r));
			if (i < 3)
				check_layout(text, &r, k.request);
			memset(&got, 0x55, sizeof(got));
			assert_int_equal(decode(text, &got, mac, &bad), 0);
			assert_int_equal(bad, 0);
			assert_int_equal(got.version, 2);
			assert_request_equal(&got, &r);
			assert_int_equal(protocol_request_verify(&got, mac,
			    k.request), 0);
			squash_lower(text, squashed);
			assert_int_equal(decode(squashed, &got, mac, &bad), 0);
			assert_request_equal(&got, &r);

			len = protocol_request_encode_compact(&r, k.request,
			    text, sizeof(text));
			assert_int_equal(len, 1 + (field_bits(&r) + 64 + 4) /
			    5);
			assert_int_equal(decode(text, &got, mac, &bad), 0);
			assert_request_equal(&got, &r);
			assert_int_equal(protocol_request_verify(&got, mac,
			    k.request), 0);
		}
	}
	/* The longest still fits the text buffer: 23 groups. */
	random_request_v2(&r);
	random_name(r.serial, PROTOCOL_NAME_MAX);
	random_name(r.account, PROTOCOL_NAME_MAX);
	assert_int_equal(request_groups(&r), 23);
	assert_int_equal(protocol_request_encode(&r, k.request, text,
	    sizeof(text)), 160);
}

/* A store a version cannot hold, or a version there is not, is refused
 * at encode, in both forms, and no code is made for it. */
static void
test_protocol_request_v2_encode_nok_store(void **state)
{
	struct protocol_request r;
	struct keys k;
	char text[PROTOCOL_REQUEST_TEXT_MAX];

	(void)state;
	vector_keys(&k);
#define V2_ENCODE_NOK(field_change) do {				\
		vector_request_v2(&r, 0);				\
		field_change;						\
		memset(text, 'x', sizeof(text));			\
		assert_int_equal(protocol_request_encode(&r, k.request, text, \
		    sizeof(text)), -EINVAL);				\
		assert_string_equal(text, "");				\
		memset(text, 'x', sizeof(text));			\
		assert_int_equal(protocol_request_encode_compact(&r,	\
		    k.request, text, sizeof(text)), -EINVAL);		\
		assert_string_equal(text, "");				\
		assert_int_equal(protocol_code_make(&r,			\
		    PROTOCOL_SET_PASSWORD, k.code, text, sizeof(text)),	\
		    -EINVAL);						\
		assert_code(VECTOR_CODE_SET_PASSWORD, &r,		\
		    PROTOCOL_SET_PASSWORD, k.code, -EINVAL, 0);		\
	} while (0)
	V2_ENCODE_NOK(r.store = PROTOCOL_STORE_MAX + 1);
	V2_ENCODE_NOK(r.store = 255);
	V2_ENCODE_NOK(r.store = UINT_MAX);
	/* Version 1 has no store field: only 0 can be meant. */
	V2_ENCODE_NOK((r.version = 1, r.store = 1));
	V2_ENCODE_NOK((r.version = 0, r.store = 1));
	V2_ENCODE_NOK((r.version = 1, r.store = PROTOCOL_STORE_MAX));
	V2_ENCODE_NOK(r.version = 3);
	V2_ENCODE_NOK(r.version = 15);
	V2_ENCODE_NOK(r.version = UINT_MAX);
#undef V2_ENCODE_NOK
	vector_request_v2(&r, PROTOCOL_STORE_MAX);
	assert_int_equal(protocol_request_encode(&r, k.request, text,
	    sizeof(text)), 83);
	/* And verify says no for what encode refuses. */
	{
		uint8_t mac[PROTOCOL_MAC_BYTES] = { 0 };

		r.store = PROTOCOL_STORE_MAX + 1;
		assert_int_equal(protocol_request_verify(&r, mac, k.request),
		    -EACCES);
	}
}

/* The MAC covers the store: a request whose store nibble was changed
 * (and its check symbols made right, as a forger would) decodes to the
 * other store, and its MAC does not verify; in the compact form too.
 * A request whose MAC left the store out would pass here. */
static void
test_protocol_request_v2_nok_store_tampered(void **state)
{
	struct protocol_request r, got;
	struct keys k;
	uint8_t b[REQ_BYTES_MAX], f[REQ_BYTES_MAX], mac[PROTOCOL_MAC_BYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX], forged[PROTOCOL_REQUEST_TEXT_MAX];
	uint8_t symbols[REQ_SYMBOLS_MAX];
	size_t count, bad, i;

	(void)state;
	vector_keys(&k);
	vector_request_v2(&r, VECTOR_V2_STORE);
	assert_int_equal(protocol_request_encode(&r, k.request, text,
	    sizeof(text)), 83);
	count = text_bits(text, PROTOCOL_REQUEST_GROUP, b, sizeof(b));
	for (unsigned store = 0; store <= PROTOCOL_STORE_MAX; store++) {
		memcpy(f, b, sizeof(f));
		set_bits(f, HEADER_BITS, STORE_BITS, store);
		bits_text(f, count, PROTOCOL_REQUEST_GROUP, forged,
		    sizeof(forged));
		assert_int_equal(decode(forged, &got, mac, &bad), 0);
		assert_int_equal(got.store, store);
		assert_int_equal(protocol_request_verify(&got, mac, k.request),
		    store == VECTOR_V2_STORE ? 0 : -EACCES);
		/* The same bits in the compact form. */
		code32_from_bytes(f, sizeof(f), symbols, 60);
		forged[0] = PROTOCOL_COMPACT_MARK;
		for (i = 0; i < 60; i++)
			forged[i + 1] = CODE32_ALPHABET[symbols[i]];
		forged[61] = '\0';
		assert_int_equal(decode(forged, &got, mac, &bad), 0);
		assert_int_equal(got.store, store);
		assert_int_equal(protocol_request_verify(&got, mac, k.request),
		    store == VECTOR_V2_STORE ? 0 : -EACCES);
	}
	/* The decoded request with only its store changed, likewise. */
	assert_int_equal(decode(text, &got, mac, &bad), 0);
	for (unsigned store = 0; store <= PROTOCOL_STORE_MAX; store++) {
		got.store = store;
		assert_int_equal(protocol_request_verify(&got, mac, k.request),
		    store == VECTOR_V2_STORE ? 0 : -EACCES);
	}
}

/* A request's MAC is bound to its version: a version-2 request of store
 * 0 read as a version-1 one (the same fields) does not verify, nor the
 * other way round; and relabelling the version bits never makes a
 * request of the other version that verifies. */
static void
test_protocol_request_v2_nok_cross_version(void **state)
{
	struct protocol_request r, got;
	struct keys k;
	uint8_t b[REQ_BYTES_MAX], mac[PROTOCOL_MAC_BYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX];
	size_t count, bad;
	int rc;

	(void)state;
	vector_keys(&k);
	vector_request_v2(&r, 0);
	assert_int_equal(protocol_request_encode(&r, k.request, text,
	    sizeof(text)), 83);
	assert_int_equal(decode(text, &got, mac, &bad), 0);
	got.version = 1;
	assert_int_equal(protocol_request_verify(&got, mac, k.request),
	    -EACCES);
	got.version = 0;
	assert_int_equal(protocol_request_verify(&got, mac, k.request),
	    -EACCES);
	assert_int_equal(decode(VECTOR_REQUEST_TEXT, &got, mac, &bad), 0);
	got.version = 2;
	assert_int_equal(protocol_request_verify(&got, mac, k.request),
	    -EACCES);
	/* The version nibble relabelled, check symbols made right. */
	for (unsigned to = 0; to < 16; to++) {
		const char *texts[2] = { VECTOR_REQUEST_TEXT,
		    VECTOR_V2_STORE_0_REQUEST_TEXT };

		for (size_t t = 0; t < 2; t++) {
			if (to == t + 1)
				continue;
			count = text_bits(texts[t], PROTOCOL_REQUEST_GROUP,
			    b, sizeof(b));
			set_bits(b, 0, 4, to);
			bits_text(b, count, PROTOCOL_REQUEST_GROUP, text,
			    sizeof(text));
			rc = decode(text, &got, mac, &bad);
			if (rc == 0)
				assert_int_equal(protocol_request_verify(&got,
				    mac, k.request), -EACCES);
			else
				assert_true(rc == -EPROTO || rc == -E2BIG);
			if (to == 0 || to > 2)
				assert_int_equal(rc, -EPROTO);
		}
	}
}

/* Every single bit of random version-2 requests flipped: no request, or
 * one whose MAC does not verify. */
static void
test_protocol_request_v2_nok_every_bit_flip(void **state)
{
	struct protocol_request r, got;
	struct keys k;
	uint8_t master[PROTOCOL_KEY_BYTES], b[REQ_BYTES_MAX], f[REQ_BYTES_MAX];
	uint8_t mac[PROTOCOL_MAC_BYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX], forged[PROTOCOL_REQUEST_TEXT_MAX];
	size_t count, bit, bad, access = 0, store_bits = 0;
	int i, rc;

	(void)state;
	randombytes_buf(master, sizeof(master));
	for (i = 0; i < FLIP_REQUESTS; i++) {
		random_request_v2(&r);
		derive(master, r.key_id, r.serial, &k);
		assert_true(protocol_request_encode(&r, k.request, text,
		    sizeof(text)) > 0);
		count = text_bits(text, PROTOCOL_REQUEST_GROUP, b, sizeof(b));
		for (bit = 0; bit < count * 5; bit++) {
			memcpy(f, b, sizeof(f));
			f[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
			bits_text(f, count, PROTOCOL_REQUEST_GROUP, forged,
			    sizeof(forged));
			rc = decode(forged, &got, mac, &bad);
			if (rc == 0) {
				assert_int_equal(protocol_request_verify(&got,
				    mac, k.request), -EACCES);
				access++;
				store_bits += bit >= HEADER_BITS &&
				    bit < HEADER_BITS + STORE_BITS;
				continue;
			}
			assert_true(rc == -EPROTO || rc == -E2BIG);
		}
	}
	assert_true(access > 0);
	/* Every flip of a store bit decodes, and only the MAC refuses it. */
	assert_int_equal(store_bits, (size_t)FLIP_REQUESTS * STORE_BITS);
}

/* The version-2 codes of the pinned request: by hand, the MAC is over
 * "nvr-recovery code v2" and version 1's fields with the store byte
 * before the account; version nibble 2. */
static void
test_protocol_code_v2_make_ok_vector(void **state)
{
	static const char ctx[] = "nvr-recovery code v2";
	struct protocol_request r;
	struct keys k;
	uint8_t msg[128], hash[32], b[16];
	char text[PROTOCOL_CODE_TEXT_MAX];
	size_t n = sizeof(ctx) - 1, i;

	(void)state;
	vector_keys(&k);
	vector_request_v2(&r, VECTOR_V2_STORE);
	assert_int_equal(protocol_code_make(&r, PROTOCOL_SET_PASSWORD, k.code,
	    text, sizeof(text)), CODE_TEXT_LEN);
	assert_string_equal(text, VECTOR_V2_CODE_SET_PASSWORD);
	memcpy(msg, ctx, n);
	msg[n++] = 0;
	msg[n++] = 1;
	msg[n++] = 12;
	memcpy(msg + n, VECTOR_SERIAL, 12);
	n += 12;
	memcpy(msg + n, r.nonce, PROTOCOL_NONCE_BYTES);
	n += PROTOCOL_NONCE_BYTES;
	msg[n++] = VECTOR_V2_STORE;
	msg[n++] = 5;
	memcpy(msg + n, "admin", 5);
	n += 5;
	msg[n++] = PROTOCOL_SET_PASSWORD;
	assert_int_equal(crypto_generichash(hash, sizeof(hash), msg, n,
	    k.code, sizeof(k.code)), 0);
	assert_int_equal(text_bits(text, PROTOCOL_CODE_GROUP, b, sizeof(b)),
	    PROTOCOL_CODE_SYMBOLS);
	assert_int_equal(get_bits(b, 0, 4), 2);
	assert_int_equal(get_bits(b, 4, 4), PROTOCOL_SET_PASSWORD);
	for (i = 0; i < 11; i++)
		assert_int_equal(get_bits(b, 8 + 8 * i, 8), hash[i]);
	assert_int_equal(get_bits(b, 96, 4), hash[11] >> 4);
	assert_true(protocol_code_well_typed(text));

	assert_int_equal(protocol_code_make(&r, PROTOCOL_FACTORY_RESET,
	    k.code, text, sizeof(text)), CODE_TEXT_LEN);
	assert_string_equal(text, VECTOR_V2_CODE_FACTORY_RESET);
	assert_code(VECTOR_V2_CODE_SET_PASSWORD, &r, PROTOCOL_SET_PASSWORD,
	    k.code, 0, 0);
	assert_code(VECTOR_V2_CODE_FACTORY_RESET, &r, PROTOCOL_FACTORY_RESET,
	    k.code, 0, 0);
	assert_code("456x22t1jwr4a4keyxh1b0x62", &r, PROTOCOL_SET_PASSWORD,
	    k.code, 0, 0);
	vector_request_v2(&r, 0);
	assert_int_equal(protocol_code_make(&r, PROTOCOL_SET_PASSWORD, k.code,
	    text, sizeof(text)), CODE_TEXT_LEN);
	assert_string_equal(text, VECTOR_V2_STORE_0_CODE_SET_PASSWORD);
}

/* The case the store is for: a code made for "admin" in store 0 does
 * nothing for "admin" in store 1 (the same request otherwise), nor in
 * any other store; each store's own code works only there. */
static void
test_protocol_code_check_nok_other_store(void **state)
{
	struct protocol_request r, other;
	struct keys k;
	char text[PROTOCOL_CODE_TEXT_MAX], codes[16][PROTOCOL_CODE_TEXT_MAX];

	(void)state;
	vector_keys(&k);
	vector_request_v2(&r, 0);
	assert_int_equal(protocol_code_make(&r, PROTOCOL_SET_PASSWORD, k.code,
	    text, sizeof(text)), CODE_TEXT_LEN);
	assert_code(text, &r, PROTOCOL_SET_PASSWORD, k.code, 0, 0);
	other = r;
	other.store = 1;
	assert_code(text, &other, PROTOCOL_SET_PASSWORD, k.code, -EACCES, 0);

	for (unsigned s = 0; s <= PROTOCOL_STORE_MAX; s++) {
		vector_request_v2(&r, s);
		assert_int_equal(protocol_code_make(&r, PROTOCOL_SET_PASSWORD,
		    k.code, codes[s], sizeof(codes[s])), CODE_TEXT_LEN);
	}
	for (unsigned s = 0; s <= PROTOCOL_STORE_MAX; s++) {
		vector_request_v2(&r, s);
		for (unsigned c = 0; c <= PROTOCOL_STORE_MAX; c++)
			assert_code(codes[c], &r, PROTOCOL_SET_PASSWORD,
			    k.code, c == s ? 0 : -EACCES, 0);
	}
	/* Factory reset too: its code is bound to the request's store. */
	vector_request_v2(&r, 0);
	assert_int_equal(protocol_code_make(&r, PROTOCOL_FACTORY_RESET,
	    k.code, text, sizeof(text)), CODE_TEXT_LEN);
	other = r;
	other.store = 1;
	assert_code(text, &other, PROTOCOL_FACTORY_RESET, k.code, -EACCES, 0);
}

/* A version-1 code never answers a version-2 request and the other way
 * round, for the same fields (store 0): the version nibble and the
 * domain string differ. Relabelling the nibble does not help. */
static void
test_protocol_code_check_nok_other_version(void **state)
{
	struct protocol_request v1, v2;
	struct keys k;
	uint8_t b[16];
	char text[PROTOCOL_CODE_TEXT_MAX];
	enum protocol_action action;

	(void)state;
	vector_keys(&k);
	vector_request(&v1);
	vector_request_v2(&v2, 0);
	for (action = PROTOCOL_SET_PASSWORD; action <= PROTOCOL_FACTORY_RESET;
	    action++) {
		char code1[PROTOCOL_CODE_TEXT_MAX];
		char code2[PROTOCOL_CODE_TEXT_MAX];

		assert_int_equal(protocol_code_make(&v1, action, k.code, code1,
		    sizeof(code1)), CODE_TEXT_LEN);
		assert_int_equal(protocol_code_make(&v2, action, k.code, code2,
		    sizeof(code2)), CODE_TEXT_LEN);
		assert_true(protocol_code_well_typed(code1));
		assert_true(protocol_code_well_typed(code2));
		assert_code(code1, &v1, action, k.code, 0, 0);
		assert_code(code2, &v2, action, k.code, 0, 0);
		assert_code(code1, &v2, action, k.code, -EACCES, 0);
		assert_code(code2, &v1, action, k.code, -EACCES, 0);
		/* A v1 code with its nibble made 2, and a v2 code made 1. */
		text_bits(code1, PROTOCOL_CODE_GROUP, b, sizeof(b));
		set_bits(b, 0, 4, 2);
		bits_text(b, PROTOCOL_CODE_SYMBOLS, PROTOCOL_CODE_GROUP, text,
		    sizeof(text));
		assert_code(text, &v2, action, k.code, -EACCES, 0);
		text_bits(code2, PROTOCOL_CODE_GROUP, b, sizeof(b));
		set_bits(b, 0, 4, 1);
		bits_text(b, PROTOCOL_CODE_SYMBOLS, PROTOCOL_CODE_GROUP, text,
		    sizeof(text));
		assert_code(text, &v1, action, k.code, -EACCES, 0);
	}
}

/* Random version-2 codes: bound to every field version 1 binds, and to
 * the store; every typo is still a typo. */
static void
test_protocol_code_v2_check_nok_bound_to_everything(void **state)
{
	struct protocol_request r, other;
	struct keys k;
	uint8_t master[PROTOCOL_KEY_BYTES];
	char text[PROTOCOL_CODE_TEXT_MAX];
	int i;

	(void)state;
	randombytes_buf(master, sizeof(master));
	for (i = 0; i < 40; i++) {
		random_request_v2(&r);
		derive(master, r.key_id, r.serial, &k);
		assert_int_equal(protocol_code_make(&r, PROTOCOL_SET_PASSWORD,
		    k.code, text, sizeof(text)), CODE_TEXT_LEN);
		assert_code(text, &r, PROTOCOL_SET_PASSWORD, k.code, 0, 0);
		assert_code(text, &r, PROTOCOL_FACTORY_RESET, k.code, -EACCES,
		    0);
		other = r;
		other.store = (r.store + 1 + randombytes_uniform(
		    PROTOCOL_STORE_MAX)) % (PROTOCOL_STORE_MAX + 1);
		assert_code(text, &other, PROTOCOL_SET_PASSWORD, k.code,
		    -EACCES, 0);
		other = r;
		other.serial[0] = other.serial[0] == 'Q' ? 'R' : 'Q';
		assert_code(text, &other, PROTOCOL_SET_PASSWORD, k.code,
		    -EACCES, 0);
		other = r;
		other.key_id = r.key_id == 65535 ? 1 : r.key_id + 1;
		assert_code(text, &other, PROTOCOL_SET_PASSWORD, k.code,
		    -EACCES, 0);
		other = r;
		other.account[0] = other.account[0] == 'Q' ? 'R' : 'Q';
		assert_code(text, &other, PROTOCOL_SET_PASSWORD, k.code,
		    -EACCES, 0);
		other = r;
		other.nonce[randombytes_uniform(PROTOCOL_NONCE_BYTES)] ^= 0x04;
		assert_code(text, &other, PROTOCOL_SET_PASSWORD, k.code,
		    -EACCES, 0);
		/* A typo in the first group. */
		text[2] = text[2] == 'X' ? 'Y' : 'X';
		assert_code(text, &r, PROTOCOL_SET_PASSWORD, k.code, -EINVAL,
		    1);
	}
}

/* ------------------------------------------------------------------ */
/* The compact form, for QR codes and URLs                             */

static void
test_protocol_request_compact_ok_round_trip(void **state)
{
	uint8_t key[PROTOCOL_KEY_BYTES], mac[PROTOCOL_MAC_BYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX], lower[PROTOCOL_REQUEST_TEXT_MAX];
	struct protocol_request r, got;
	size_t bad = 99;

	(void)state;
	randombytes_buf(key, sizeof(key));
	for (int i = 0; i < 500; i++) {
		random_request(&r);
		int n = protocol_request_encode_compact(&r, key, text,
		    sizeof(text));
		assert_int_equal(n, 1 + (field_bits(&r) + 64 + 4) / 5);
		assert_int_equal(text[0], 'U');
		assert_null(strchr(text, '-'));
		assert_int_equal(protocol_request_decode(text, &got, mac,
		    &bad), 0);
		assert_request_equal(&r, &got);
		assert_int_equal(protocol_request_verify(&got, mac, key), 0);
		/* A URL may come back in small letters. */
		for (size_t k = 0; text[k] != '\0'; k++)
			lower[k] = (char)tolower((unsigned char)text[k]);
		lower[strlen(text)] = '\0';
		assert_int_equal(protocol_request_decode(lower, &got, mac,
		    &bad), 0);
		assert_request_equal(&r, &got);
	}
	/* No room: nothing half written. */
	vector_request(&r);
	assert_int_equal(protocol_request_encode_compact(&r, key, text, 10),
	    -ENOSPC);
	assert_string_equal(text, "");
}

/* Without check symbols, every damaged symbol must still be refused:
 * by the layout, or by the MAC. */
static void
test_protocol_request_compact_nok_every_symbol_changed(void **state)
{
	uint8_t key[PROTOCOL_KEY_BYTES], mac[PROTOCOL_MAC_BYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX];
	struct protocol_request r, got;
	size_t len;

	(void)state;
	randombytes_buf(key, sizeof(key));
	vector_request(&r);
	len = (size_t)protocol_request_encode_compact(&r, key, text,
	    sizeof(text));
	for (size_t pos = 1; pos < len; pos++) {
		char was = text[pos];

		for (const char *c = CODE32_ALPHABET; *c != '\0'; c++) {
			int rc;

			if (*c == was)
				continue;
			text[pos] = *c;
			rc = protocol_request_decode(text, &got, mac, NULL);
			if (rc == 0)
				assert_int_equal(protocol_request_verify(&got,
				    mac, key), -EACCES);
			else
				assert_int_equal(rc, -EPROTO);
		}
		text[pos] = was;
	}
	/* Cut short, or a symbol too many. */
	text[len - 1] = '\0';
	assert_int_not_equal(protocol_request_decode(text, &got, mac, NULL),
	    0);
	assert_int_equal(protocol_request_decode("U", &got, mac, NULL),
	    -EINVAL);
	assert_int_equal(protocol_request_decode("U*", &got, mac, NULL),
	    -EINVAL);
}

/* The QR code of PREFIX's first N characters and TEXT: its version
 * (smallest that holds it) at error correction M, by libqrencode. */
static int
qr_version(const char *prefix, size_t n, const char *text)
{
	char url[256];
	QRcode *qr;
	int version;

	snprintf(url, sizeof(url), "%.*s%s", (int)n, prefix, text);
	assert_int_equal(qrencode_lib_load(NULL), 0);
	qr = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	assert_non_null(qr);
	version = qr->version;
	QRcode_free(qr);
	return version;
}

/*
 * The longest prefix (of a URL in capitals, as the config's url advises:
 * the QR code's alphanumeric mode) that keeps the compact form of R's
 * request at QR version 4 or below at error correction M, the least over
 * TRIES random nonces (a run of digits in a request can only make its
 * code smaller); *LEN is the compact form's length.
 */
static size_t
qr_prefix_budget(struct protocol_request *r, int tries, size_t *len)
{
	static const char prefix[] =
	    "HTTPS://SUPPORT.NVR.EXAMPLE.COM/RECOVERY/R/";	/* 43 */
	uint8_t key[PROTOCOL_KEY_BYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX];
	size_t least = sizeof(prefix) - 1, n;

	for (int t = 0; t < tries; t++) {
		randombytes_buf(key, sizeof(key));
		randombytes_buf(r->nonce, sizeof(r->nonce));
		assert_true(protocol_request_encode_compact(r, key, text,
		    sizeof(text)) > 0);
		*len = strlen(text);
		/* Every prefix up to N fits, not only N itself. */
		for (n = 0; n < sizeof(prefix) && qr_version(prefix, n,
		    text) <= 4; n++)
			;
		assert_true(n > 0 && n < sizeof(prefix));
		if (n - 1 < least)
			least = n - 1;
	}
	return least;
}

/*
 * The promise of the request format: with a URL prefix from the config,
 * the QR code stays at version 4 (33x33 modules) or below at error
 * correction M, for serial numbers up to 12 characters, account names up
 * to 8 and a prefix up to 24 characters, in either version (measured: 26
 * characters of prefix fit in version 1, 25 in version 2, whose store
 * adds a symbol); a 16-character serial leaves 21 for the prefix in
 * version 1, 20 in version 2. Encoded by libqrencode itself.
 */
static void
test_protocol_request_compact_ok_qr_version_4(void **state)
{
	struct protocol_request r;
	size_t budget[3], len[3], admin_len[3], budget_16[3], len_16;

	(void)state;
	for (unsigned version = 1; version <= 2; version++) {
		vector_request(&r);
		r.version = version;
		memset(r.serial, 'S', 12);
		r.serial[12] = '\0';
		strcpy(r.account, "admin");
		qr_prefix_budget(&r, 1, &admin_len[version]);
		strcpy(r.account, "operator");
		budget[version] = qr_prefix_budget(&r, 20, &len[version]);
		if (budget[version] < 24)
			fail_msg("version %u: a %zu-character compact request "
			    "leaves %zu characters of prefix, not 24", version,
			    len[version], budget[version]);
		/* A 16-character serial. */
		memset(r.serial, 'S', 16);
		r.serial[16] = '\0';
		budget_16[version] = qr_prefix_budget(&r, 20, &len_16);
		assert_true(budget_16[version] >= (version == 1 ? 21u : 20u));
	}
	assert_int_equal(admin_len[1], 61);
	assert_int_equal(admin_len[2], 61);
	assert_int_equal(len[1], 64);
	assert_int_equal(len[2], 65);
	print_message("compact request, 12-character serial: admin %zu "
	    "characters in version 1, %zu in version 2; operator %zu and %zu, "
	    "whose longest prefix for QR version 4-M is %zu and %zu (a "
	    "16-character serial: %zu and %zu)\n", admin_len[1], admin_len[2],
	    len[1], len[2], budget[1], budget[2], budget_16[1], budget_16[2]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protocol_name_ok_alphabet),
		cmocka_unit_test(test_protocol_device_key_ok_vector),
		cmocka_unit_test(test_protocol_device_key_ok_all_inputs_matter),
		cmocka_unit_test(test_protocol_device_key_nok_bad_arguments),
		cmocka_unit_test(test_protocol_request_encode_ok_vector),
		cmocka_unit_test(test_protocol_request_encode_ok_admin_length),
		cmocka_unit_test(test_protocol_request_encode_ok_longest_fits),
		cmocka_unit_test(test_protocol_request_ok_random_round_trip),
		cmocka_unit_test(test_protocol_request_encode_nok_bad_fields),
		cmocka_unit_test(test_protocol_request_encode_nok_no_space),
		cmocka_unit_test(test_protocol_request_nok_every_bit_flip),
		cmocka_unit_test(test_protocol_request_decode_nok_length),
		cmocka_unit_test(
		    test_protocol_request_decode_nok_typo_names_group),
		cmocka_unit_test(test_protocol_request_decode_nok_fields),
		cmocka_unit_test(
		    test_protocol_request_decode_ok_demo_and_clock),
		cmocka_unit_test(
		    test_protocol_request_verify_nok_changed_field),
		cmocka_unit_test(test_protocol_code_make_ok_vector),
		cmocka_unit_test(test_protocol_code_make_nok),
		cmocka_unit_test(
		    test_protocol_code_check_ok_any_case_no_hyphens),
		cmocka_unit_test(
		    test_protocol_code_check_nok_bound_to_everything),
		cmocka_unit_test(
		    test_protocol_code_check_nok_version_action_mac),
		cmocka_unit_test(test_protocol_code_check_nok_random_guesses),
		cmocka_unit_test(test_protocol_code_check_nok_length),
		cmocka_unit_test(test_protocol_code_check_nok_every_typo),
		cmocka_unit_test(test_protocol_request_compact_ok_round_trip),
		cmocka_unit_test(
		    test_protocol_request_compact_nok_every_symbol_changed),
		cmocka_unit_test(test_protocol_request_compact_ok_qr_version_4),
		cmocka_unit_test(test_protocol_version_0_is_1),
		cmocka_unit_test(test_protocol_request_v2_encode_ok_vector),
		cmocka_unit_test(
		    test_protocol_request_v2_ok_round_trip_every_store),
		cmocka_unit_test(test_protocol_request_v2_encode_nok_store),
		cmocka_unit_test(test_protocol_request_v2_nok_store_tampered),
		cmocka_unit_test(test_protocol_request_v2_nok_cross_version),
		cmocka_unit_test(test_protocol_request_v2_nok_every_bit_flip),
		cmocka_unit_test(test_protocol_code_v2_make_ok_vector),
		cmocka_unit_test(test_protocol_code_check_nok_other_store),
		cmocka_unit_test(test_protocol_code_check_nok_other_version),
		cmocka_unit_test(
		    test_protocol_code_v2_check_nok_bound_to_everything),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
