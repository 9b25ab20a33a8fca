/*
 * protocol.c: device keys, recovery requests and reset codes (see
 * protocol.h for the layouts).
 *
 * A request or a code is first a bit string, written and read here with a
 * small big-endian bit writer and reader, then Crockford base32 with a
 * check symbol per group (common/code32.c). The code32 layer finds the
 * typos (-EINVAL and the group); this layer decides whether well-typed
 * text is a version-1 or version-2 request (-EPROTO if not) and whether a
 * MAC is right (-EACCES if not).
 *
 * Invariants:
 * 1. Pure: no allocation, no I/O, no state. Every buffer is on the stack
 *    and sized for the largest request (two 31-character names).
 * 2. Buffers that held a key, a MAC, an expected code or the symbols of a
 *    typed code are wiped with sodium_memzero on every return; MACs and
 *    codes are compared with sodium_memcmp.
 */
#include "common/protocol.h"

#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <string.h>

#include "common/code32.h"

#define DEVICE_KEY_CONTEXT "nvr-recovery device key v1"
#define REQUEST_KEY_CONTEXT "nvr-recovery request mac v1"
#define CODE_KEY_CONTEXT "nvr-recovery code mac v1"
#define REQUEST_CONTEXT_V1 "nvr-recovery request v1"
#define REQUEST_CONTEXT_V2 "nvr-recovery request v2"
#define CODE_CONTEXT_V1 "nvr-recovery code v1"
#define CODE_CONTEXT_V2 "nvr-recovery code v2"
#define CONTEXT_LEN(s) (sizeof(s) - 1)
/* Each version's domain string is as long as the other's, so that one
 * buffer size serves both. */
#define REQUEST_CONTEXT_LEN CONTEXT_LEN(REQUEST_CONTEXT_V1)
#define CODE_CONTEXT_LEN CONTEXT_LEN(CODE_CONTEXT_V1)

#define FLAG_DEMO 8
#define NAME_LEN_BITS 5
#define CHAR_BITS 6
#define HEADER_BITS (4 + 4 + 16 + PROTOCOL_NONCE_BYTES * 8 + 16)
#define STORE_BITS 4		/* version 2 only, after the day */
#define MAC_BITS (PROTOCOL_MAC_BYTES * 8)
#define NAME_BITS_MAX (NAME_LEN_BITS + CHAR_BITS * PROTOCOL_NAME_MAX)
#define FIELDS_BITS_MAX (HEADER_BITS + STORE_BITS + 2 * NAME_BITS_MAX)
#define FIELDS_BYTES_MAX ((FIELDS_BITS_MAX + 7) / 8)
#define GROUP_BITS ((size_t)PROTOCOL_REQUEST_GROUP * 5)
#define SHORTER_MAX ((size_t)PROTOCOL_CODE_TEXT_MAX * 4)
/* A request's group as typed: its symbols and their check symbol. */
#define GROUP_SYMBOLS (PROTOCOL_REQUEST_GROUP + 1)
/* A code's groups, and how many symbols they and one more make typed. */
#define CODE_GROUPS (PROTOCOL_CODE_SYMBOLS / PROTOCOL_CODE_GROUP)
#define CODE_PLUS_ONE_TYPED \
	((size_t)(CODE_GROUPS + 1) * (PROTOCOL_CODE_GROUP + 1))
#define REQUEST_GROUPS_MAX ((FIELDS_BITS_MAX + MAC_BITS + GROUP_BITS - 1) / \
	GROUP_BITS)
#define REQUEST_SYMBOLS_MAX (REQUEST_GROUPS_MAX * PROTOCOL_REQUEST_GROUP)
#define REQUEST_BYTES_MAX ((REQUEST_SYMBOLS_MAX * 5 + 7) / 8)
#define HASH_BYTES 32
#define CODE_BITS (PROTOCOL_CODE_SYMBOLS * 5)
#define CODE_BYTES ((CODE_BITS + 7) / 8)
#define CODE_MAC_BITS (CODE_BITS - 8)

/* The largest request's text, separators and NUL included, must fit. */
_Static_assert(REQUEST_GROUPS_MAX * (PROTOCOL_REQUEST_GROUP + 2) <=
    PROTOCOL_REQUEST_TEXT_MAX, "PROTOCOL_REQUEST_TEXT_MAX too small");
_Static_assert(PROTOCOL_CODE_SYMBOLS / PROTOCOL_CODE_GROUP *
    (PROTOCOL_CODE_GROUP + 2) <= PROTOCOL_CODE_TEXT_MAX,
    "PROTOCOL_CODE_TEXT_MAX too small");
_Static_assert(CODE_MAC_BITS <= HASH_BYTES * 8, "code MAC too long");
_Static_assert(CONTEXT_LEN(REQUEST_CONTEXT_V2) == REQUEST_CONTEXT_LEN &&
    CONTEXT_LEN(CODE_CONTEXT_V2) == CODE_CONTEXT_LEN,
    "a version's domain string differs in length");
_Static_assert(PROTOCOL_STORE_MAX < (1u << STORE_BITS),
    "a store index does not fit its field");

/* ------------------------------------------------------------------ */
/* Bits, big-endian, most significant first                            */

struct bits {
	uint8_t *buf;
	size_t cap;		/* bits */
	size_t pos;		/* bits written or read */
};

static void
bits_init(struct bits *b, uint8_t *buf, size_t bytes)
{
	memset(buf, 0, bytes);
	b->buf = buf;
	b->cap = bytes * 8;
	b->pos = 0;
}

/* Appends the low N (<= 32) bits of V; the buffers here are sized so that
 * this never runs out, and a write past the end is dropped. */
static void
bits_put(struct bits *b, uint32_t v, unsigned n)
{
	while (n-- > 0) {
		if (b->pos >= b->cap)
			return;
		if ((v >> n) & 1u)
			b->buf[b->pos / 8] |= (uint8_t)(0x80u >> (b->pos % 8));
		b->pos++;
	}
}

/* Reads N (<= 32) bits into *V; false if fewer are left. */
static bool
bits_get(struct bits *b, unsigned n, uint32_t *v)
{
	uint32_t r = 0;

	if (b->cap - b->pos < n)
		return false;
	while (n-- > 0) {
		r = (r << 1) | ((b->buf[b->pos / 8] >> (7 - b->pos % 8)) & 1u);
		b->pos++;
	}
	*v = r;
	return true;
}

/* ------------------------------------------------------------------ */
/* Names                                                               */

/* NAME_ALPHABET index of CH, or -1. */
static int
name_value(char ch)
{
	const char *hit;

	if (ch == '\0' ||
	    (hit = strchr(PROTOCOL_NAME_ALPHABET, ch)) == NULL)
		return -1;
	return (int)(hit - PROTOCOL_NAME_ALPHABET);
}

bool
protocol_name_ok(const char *name)
{
	size_t i;

	if (name == NULL)
		return false;
	for (i = 0; name[i] != '\0'; i++)
		if (i >= PROTOCOL_NAME_MAX || name_value(name[i]) < 0)
			return false;
	return i > 0;
}

static void
put_name(struct bits *b, const char *name)
{
	size_t i, n = strlen(name);

	bits_put(b, (uint32_t)n, NAME_LEN_BITS);
	for (i = 0; i < n; i++)
		bits_put(b, (uint32_t)name_value(name[i]), CHAR_BITS);
}

/* Reads a name into OUT; false if it is empty or runs past the end. */
static bool
get_name(struct bits *b, char out[PROTOCOL_NAME_MAX + 1])
{
	uint32_t n, v, i;

	if (!bits_get(b, NAME_LEN_BITS, &n) || n == 0)
		return false;
	for (i = 0; i < n; i++) {
		if (!bits_get(b, CHAR_BITS, &v))
			return false;
		out[i] = PROTOCOL_NAME_ALPHABET[v];
	}
	out[n] = '\0';
	return true;
}

/* ------------------------------------------------------------------ */
/* Keys                                                                */

static void
put_u16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int
protocol_device_key(const uint8_t master[PROTOCOL_KEY_BYTES],
    unsigned key_id, const char *serial,
    uint8_t device_key[PROTOCOL_KEY_BYTES])
{
	uint8_t msg[CONTEXT_LEN(DEVICE_KEY_CONTEXT) + 3 + PROTOCOL_NAME_MAX];
	size_t n = CONTEXT_LEN(DEVICE_KEY_CONTEXT), len;

	if (key_id == 0 || key_id > 65535 || !protocol_name_ok(serial))
		return -EINVAL;
	len = strlen(serial);
	memcpy(msg, DEVICE_KEY_CONTEXT, n);
	put_u16(msg + n, key_id);
	msg[n + 2] = (uint8_t)len;
	memcpy(msg + n + 3, serial, len);
	crypto_generichash(device_key, PROTOCOL_KEY_BYTES, msg, n + 3 + len,
	    master, PROTOCOL_KEY_BYTES);
	sodium_memzero(msg, sizeof(msg));
	return 0;
}

void
protocol_subkeys(const uint8_t device_key[PROTOCOL_KEY_BYTES],
    uint8_t request_key[PROTOCOL_KEY_BYTES],
    uint8_t code_key[PROTOCOL_KEY_BYTES])
{
	crypto_generichash(request_key, PROTOCOL_KEY_BYTES,
	    (const uint8_t *)REQUEST_KEY_CONTEXT,
	    CONTEXT_LEN(REQUEST_KEY_CONTEXT), device_key, PROTOCOL_KEY_BYTES);
	crypto_generichash(code_key, PROTOCOL_KEY_BYTES,
	    (const uint8_t *)CODE_KEY_CONTEXT, CONTEXT_LEN(CODE_KEY_CONTEXT),
	    device_key, PROTOCOL_KEY_BYTES);
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */

/* The version R is in: 0 is 1, so that a caller zeroing the struct
 * before version 2 existed still makes version 1, as it always did. */
static unsigned
version_of(const struct protocol_request *r)
{
	return r->version == 0 ? PROTOCOL_VERSION : r->version;
}

/* R's version is one we write, and its store one that version holds
 * (version 1 has no store field, so only 0 means what it says there). */
static bool
version_ok(const struct protocol_request *r)
{
	unsigned v = version_of(r);

	return v <= PROTOCOL_VERSION_MAX && r->store <= PROTOCOL_STORE_MAX &&
	    (v >= 2 || r->store == 0);
}

static bool
request_ok(const struct protocol_request *r)
{
	return r != NULL && version_ok(r) && r->key_id >= 1 &&
	    r->key_id <= 65535 && r->day <= 65535 &&
	    protocol_name_ok(r->serial) && protocol_name_ok(r->account);
}

/* Writes R's fields (everything before the MAC) into B. */
static void
put_fields(struct bits *b, const struct protocol_request *r)
{
	unsigned version = version_of(r);
	size_t i;

	bits_put(b, version, 4);
	bits_put(b, r->demo ? FLAG_DEMO : 0, 4);
	bits_put(b, r->key_id, 16);
	for (i = 0; i < PROTOCOL_NONCE_BYTES; i++)
		bits_put(b, r->nonce[i], 8);
	bits_put(b, r->day, 16);
	if (version >= 2)
		bits_put(b, r->store, STORE_BITS);
	put_name(b, r->serial);
	put_name(b, r->account);
}

/* MAC of R (which request_ok accepts) under REQUEST_KEY: over its
 * version's domain string, so that the bits of one version can never
 * pass for the other's. */
static void
request_mac(const struct protocol_request *r,
    const uint8_t request_key[PROTOCOL_KEY_BYTES],
    uint8_t mac[PROTOCOL_MAC_BYTES])
{
	uint8_t msg[REQUEST_CONTEXT_LEN + FIELDS_BYTES_MAX];
	uint8_t hash[HASH_BYTES];
	size_t n = REQUEST_CONTEXT_LEN;
	struct bits b;

	memcpy(msg, version_of(r) >= 2 ? REQUEST_CONTEXT_V2 :
	    REQUEST_CONTEXT_V1, n);
	bits_init(&b, msg + n, FIELDS_BYTES_MAX);
	put_fields(&b, r);
	crypto_generichash(hash, sizeof(hash), msg, n + (b.pos + 7) / 8,
	    request_key, PROTOCOL_KEY_BYTES);
	memcpy(mac, hash, PROTOCOL_MAC_BYTES);
	sodium_memzero(hash, sizeof(hash));
	sodium_memzero(msg, sizeof(msg));
}

/* The bits of R and its MAC into BUF (REQUEST_BYTES_MAX); returns how
 * many bits. R must be request_ok. */
static size_t
pack_request(const struct protocol_request *r,
    const uint8_t request_key[PROTOCOL_KEY_BYTES], uint8_t *buf)
{
	uint8_t mac[PROTOCOL_MAC_BYTES];
	struct bits b;

	request_mac(r, request_key, mac);
	bits_init(&b, buf, REQUEST_BYTES_MAX);
	put_fields(&b, r);
	for (size_t i = 0; i < PROTOCOL_MAC_BYTES; i++)
		bits_put(&b, mac[i], 8);
	sodium_memzero(mac, sizeof(mac));
	return b.pos;
}

int
protocol_request_encode(const struct protocol_request *r,
    const uint8_t request_key[PROTOCOL_KEY_BYTES], char *text, size_t size)
{
	uint8_t buf[REQUEST_BYTES_MAX];
	uint8_t symbols[REQUEST_SYMBOLS_MAX];
	size_t groups, count, bits;
	int rc = -EINVAL;

	if (text != NULL && size > 0)
		text[0] = '\0';
	if (!request_ok(r))
		return -EINVAL;
	bits = pack_request(r, request_key, buf);
	groups = (bits + GROUP_BITS - 1) / GROUP_BITS;
	count = groups * PROTOCOL_REQUEST_GROUP;
	code32_from_bytes(buf, sizeof(buf), symbols, count);
	if (text == NULL ||
	    size <= code32_formatted_length(count, PROTOCOL_REQUEST_GROUP))
		rc = -ENOSPC;
	else
		rc = code32_format(symbols, count, PROTOCOL_REQUEST_GROUP,
		    text, size);
	if (rc < 0 && rc != -ENOSPC)
		rc = -EINVAL;	/* not reached: every field was checked */
	sodium_memzero(buf, sizeof(buf));
	sodium_memzero(symbols, sizeof(symbols));
	return rc;
}

int
protocol_request_encode_compact(const struct protocol_request *r,
    const uint8_t request_key[PROTOCOL_KEY_BYTES], char *text, size_t size)
{
	uint8_t buf[REQUEST_BYTES_MAX];
	uint8_t symbols[REQUEST_SYMBOLS_MAX];
	size_t count, i;
	int rc;

	if (text != NULL && size > 0)
		text[0] = '\0';
	if (!request_ok(r))
		return -EINVAL;
	count = (pack_request(r, request_key, buf) + 4) / 5;
	code32_from_bytes(buf, sizeof(buf), symbols, count);
	if (text == NULL || size < count + 2) {
		rc = -ENOSPC;
	} else {
		text[0] = PROTOCOL_COMPACT_MARK;
		for (i = 0; i < count; i++)
			text[i + 1] = CODE32_ALPHABET[symbols[i]];
		text[count + 1] = '\0';
		rc = (int)count + 1;
	}
	sodium_memzero(buf, sizeof(buf));
	sodium_memzero(symbols, sizeof(symbols));
	return rc;
}

/* The value of a Crockford symbol (any case, I and L as 1, O as 0), or
 * -1. */
static int
symbol_value(char ch)
{
	const char *at;

	if (ch >= 'a' && ch <= 'z')
		ch = (char)(ch - 'a' + 'A');
	if (ch == 'I' || ch == 'L')
		ch = '1';
	else if (ch == 'O')
		ch = '0';
	at = ch != '\0' ? strchr(CODE32_ALPHABET, ch) : NULL;
	return at != NULL ? (int)(at - CODE32_ALPHABET) : -1;
}

/* Reads the compact form after its mark into SYMBOLS: separators are
 * ignored, anything else outside the alphabet is -EINVAL. */
static int
compact_symbols(const char *text, uint8_t *symbols, size_t max,
    size_t *count)
{
	*count = 0;
	for (; *text != '\0'; text++) {
		int v;

		if (*text == '-' || *text == ' ')
			continue;
		v = symbol_value(*text);
		if (v < 0 || *count == max)
			return -EINVAL;
		symbols[(*count)++] = (uint8_t)v;
	}
	return *count > 0 ? 0 : -EINVAL;
}

/* Unpacks the bits of B into R and MAC: 0 or -EPROTO. Padding after the
 * MAC must be zero bits, fewer than PAD_LIMIT. */
static int
unpack_request(struct bits *b, struct protocol_request *r,
    uint8_t mac[PROTOCOL_MAC_BYTES], size_t pad_limit)
{
	uint32_t v, flags, version;
	size_t i;

	if (!bits_get(b, 4, &version) || version < PROTOCOL_VERSION ||
	    version > PROTOCOL_VERSION_MAX ||
	    !bits_get(b, 4, &flags) || (flags != 0 && flags != FLAG_DEMO) ||
	    !bits_get(b, 16, &v) || v == 0)
		return -EPROTO;
	r->version = version;
	r->demo = flags == FLAG_DEMO;
	r->key_id = v;
	for (i = 0; i < PROTOCOL_NONCE_BYTES; i++) {
		if (!bits_get(b, 8, &v))
			return -EPROTO;
		r->nonce[i] = (uint8_t)v;
	}
	if (!bits_get(b, 16, &v))
		return -EPROTO;
	r->day = v;
	/* Every 4-bit value is a store: nothing to refuse here. */
	if (version >= 2) {
		if (!bits_get(b, STORE_BITS, &v))
			return -EPROTO;
		r->store = v;
	}
	if (!get_name(b, r->serial) || !get_name(b, r->account))
		return -EPROTO;
	for (i = 0; i < PROTOCOL_MAC_BYTES; i++) {
		if (!bits_get(b, 8, &v))
			return -EPROTO;
		mac[i] = (uint8_t)v;
	}
	/* Padding: zero bits, and less than a whole group (or symbol). */
	if (b->cap - b->pos >= pad_limit)
		return -EPROTO;
	while (b->pos < b->cap)
		if (!bits_get(b, 1, &v) || v != 0)
			return -EPROTO;
	return 0;
}

static int decode_request(const char *text, struct protocol_request *r,
    uint8_t mac[PROTOCOL_MAC_BYTES], size_t *bad_group);

int
protocol_request_decode(const char *text, struct protocol_request *r,
    uint8_t mac[PROTOCOL_MAC_BYTES], size_t *bad_group)
{
	size_t typed = code32_symbols_typed(text), groups, ignored;
	char shorter[REQUEST_SYMBOLS_MAX * 2];
	int rc = decode_request(text, r, mac, bad_group);

	/* A whole request and one group more (read twice off the screen,
	 * say) is that, not a typo in its last group. */
	if ((rc == -EINVAL || rc == -EPROTO) && typed % GROUP_SYMBOLS == 0 &&
	    (groups = typed / GROUP_SYMBOLS) > 1 && strlen(text) <
	    sizeof(shorter)) {
		code32_drop_last(text, GROUP_SYMBOLS, shorter,
		    sizeof(shorter));
		if (decode_request(shorter, r, mac, &ignored) == 0) {
			memset(r, 0, sizeof(*r));
			memset(mac, 0, PROTOCOL_MAC_BYTES);
			if (bad_group != NULL)
				*bad_group = groups;
			rc = -E2BIG;
		}
		sodium_memzero(shorter, sizeof(shorter));
	}
	return rc;
}

static int
decode_request(const char *text, struct protocol_request *r,
    uint8_t mac[PROTOCOL_MAC_BYTES], size_t *bad_group)
{
	uint8_t symbols[REQUEST_SYMBOLS_MAX], buf[REQUEST_BYTES_MAX];
	uint8_t got_mac[PROTOCOL_MAC_BYTES];
	size_t count = 0, bad = 0;
	struct bits b;
	int rc;

	memset(r, 0, sizeof(*r));
	memset(mac, 0, PROTOCOL_MAC_BYTES);
	memset(buf, 0, sizeof(buf));
	memset(got_mac, 0, sizeof(got_mac));
	while (*text == ' ' || *text == '-')
		text++;
	if (*text == PROTOCOL_COMPACT_MARK ||
	    *text == PROTOCOL_COMPACT_MARK - 'A' + 'a') {
		/* The QR form: no check symbols (the QR code has its own
		 * error correction), so a typo shows only as a bad MAC. */
		if (compact_symbols(text + 1, symbols, sizeof(symbols),
		    &count) != 0) {
			rc = -EINVAL;
			goto done;
		}
		code32_to_bytes(symbols, count, buf, sizeof(buf));
		b.buf = buf;
		b.cap = count * 5;
		b.pos = 0;
		rc = unpack_request(&b, r, got_mac, 5);
		goto unpacked;
	}
	switch (code32_parse(text, PROTOCOL_REQUEST_GROUP, symbols,
	    sizeof(symbols), &count, &bad)) {
	case CODE32_OK:
		break;
	case CODE32_BAD_CHARACTER:
	case CODE32_BAD_CHECK:
		rc = -EINVAL;
		bad += 1;
		goto done;
	default:
		rc = -EINVAL;
		bad = 0;
		goto done;
	}
	bad = 0;
	code32_to_bytes(symbols, count, buf, sizeof(buf));
	b.buf = buf;
	b.cap = count * 5;
	b.pos = 0;
	rc = unpack_request(&b, r, got_mac, GROUP_BITS);
unpacked:
	if (rc == 0)
		memcpy(mac, got_mac, PROTOCOL_MAC_BYTES);
	else
		memset(r, 0, sizeof(*r));
done:
	sodium_memzero(symbols, sizeof(symbols));
	sodium_memzero(buf, sizeof(buf));
	sodium_memzero(got_mac, sizeof(got_mac));
	if (bad_group != NULL)
		*bad_group = bad;
	return rc;
}

int
protocol_request_verify(const struct protocol_request *r,
    const uint8_t mac[PROTOCOL_MAC_BYTES],
    const uint8_t request_key[PROTOCOL_KEY_BYTES])
{
	uint8_t want[PROTOCOL_MAC_BYTES];
	int rc;

	if (!request_ok(r))
		return -EACCES;
	request_mac(r, request_key, want);
	rc = sodium_memcmp(want, mac, PROTOCOL_MAC_BYTES) == 0 ? 0 : -EACCES;
	sodium_memzero(want, sizeof(want));
	return rc;
}

/* ------------------------------------------------------------------ */
/* Reset codes                                                         */

/* The code answering R with ACTION as CODE_BYTES bytes (the last 4 bits
 * zero), in R's version; -EINVAL if R or ACTION cannot be coded. */
static int
code_bytes(const struct protocol_request *r, enum protocol_action action,
    const uint8_t code_key[PROTOCOL_KEY_BYTES], uint8_t out[CODE_BYTES])
{
	uint8_t msg[CODE_CONTEXT_LEN + 2 + 2 * (size_t)(1 + PROTOCOL_NAME_MAX) +
	    PROTOCOL_NONCE_BYTES + 1 + 1];
	uint8_t hash[HASH_BYTES];
	size_t n = CODE_CONTEXT_LEN, len;
	unsigned version;

	if (r == NULL || !version_ok(r) || r->key_id < 1 ||
	    r->key_id > 65535 || !protocol_name_ok(r->serial) ||
	    !protocol_name_ok(r->account) ||
	    (action != PROTOCOL_SET_PASSWORD &&
	    action != PROTOCOL_FACTORY_RESET))
		return -EINVAL;
	version = version_of(r);
	memcpy(msg, version >= 2 ? CODE_CONTEXT_V2 : CODE_CONTEXT_V1, n);
	put_u16(msg + n, r->key_id);
	n += 2;
	len = strlen(r->serial);
	msg[n++] = (uint8_t)len;
	memcpy(msg + n, r->serial, len);
	n += len;
	memcpy(msg + n, r->nonce, PROTOCOL_NONCE_BYTES);
	n += PROTOCOL_NONCE_BYTES;
	/* The store qualifies the account, so it goes just before it: the
	 * same name in another store is another account. */
	if (version >= 2)
		msg[n++] = (uint8_t)r->store;
	len = strlen(r->account);
	msg[n++] = (uint8_t)len;
	memcpy(msg + n, r->account, len);
	n += len;
	msg[n++] = (uint8_t)action;
	crypto_generichash(hash, sizeof(hash), msg, n, code_key,
	    PROTOCOL_KEY_BYTES);
	/* version (4) | action (4), then the first 92 bits of the hash. */
	out[0] = (uint8_t)(version << 4 | (unsigned)action);
	memcpy(out + 1, hash, CODE_BYTES - 1);
	out[CODE_BYTES - 1] &= 0xf0;
	sodium_memzero(hash, sizeof(hash));
	sodium_memzero(msg, sizeof(msg));
	return 0;
}

int
protocol_code_make(const struct protocol_request *r,
    enum protocol_action action, const uint8_t code_key[PROTOCOL_KEY_BYTES],
    char *text, size_t size)
{
	uint8_t code[CODE_BYTES], symbols[PROTOCOL_CODE_SYMBOLS];
	int rc;

	if (text != NULL && size > 0)
		text[0] = '\0';
	if (code_bytes(r, action, code_key, code) < 0)
		return -EINVAL;
	code32_from_bytes(code, sizeof(code), symbols, PROTOCOL_CODE_SYMBOLS);
	if (text == NULL || size <= code32_formatted_length(
	    PROTOCOL_CODE_SYMBOLS, PROTOCOL_CODE_GROUP))
		rc = -ENOSPC;
	else
		rc = code32_format(symbols, PROTOCOL_CODE_SYMBOLS,
		    PROTOCOL_CODE_GROUP, text, size);
	if (rc < 0 && rc != -ENOSPC)
		rc = -EINVAL;	/* not reached */
	sodium_memzero(code, sizeof(code));
	sodium_memzero(symbols, sizeof(symbols));
	return rc;
}

bool
protocol_code_well_typed(const char *typed)
{
	uint8_t symbols[PROTOCOL_CODE_SYMBOLS];
	size_t count = 0;
	bool ok = code32_parse(typed, PROTOCOL_CODE_GROUP, symbols,
	    sizeof(symbols), &count, NULL) == CODE32_OK &&
	    count == PROTOCOL_CODE_SYMBOLS;

	sodium_memzero(symbols, sizeof(symbols));
	return ok;
}

int
protocol_code_check(const char *typed, const struct protocol_request *r,
    enum protocol_action action, const uint8_t code_key[PROTOCOL_KEY_BYTES],
    size_t *bad_group)
{
	uint8_t symbols[PROTOCOL_CODE_SYMBOLS], got[CODE_BYTES];
	uint8_t want[CODE_BYTES];
	size_t count = 0, bad = 0;
	int rc;

	memset(got, 0, sizeof(got));
	memset(want, 0, sizeof(want));
	switch (code32_parse(typed, PROTOCOL_CODE_GROUP, symbols,
	    sizeof(symbols), &count, &bad)) {
	case CODE32_OK:
		bad = 0;
		rc = count == PROTOCOL_CODE_SYMBOLS ? 0 : -EINVAL;
		break;
	case CODE32_BAD_CHARACTER:
	case CODE32_BAD_CHECK:
		rc = -EINVAL;
		bad += 1;
		break;
	default:
		rc = -EINVAL;
		bad = 0;
		break;
	}
	/* A whole code and one group more: told as such, not as a typo. */
	if (rc == -EINVAL && code32_symbols_typed(typed) ==
	    CODE_PLUS_ONE_TYPED && strlen(typed) < SHORTER_MAX) {
		char shorter[SHORTER_MAX];

		code32_drop_last(typed, PROTOCOL_CODE_GROUP + 1, shorter,
		    sizeof(shorter));
		if (protocol_code_well_typed(shorter)) {
			rc = -E2BIG;
			bad = CODE_GROUPS + 1;
		}
		sodium_memzero(shorter, sizeof(shorter));
	}
	if (rc == 0 && code_bytes(r, action, code_key, want) < 0)
		rc = -EINVAL;	/* a request or action no code answers */
	if (rc == 0) {
		/* All 100 bits at once: version, action and MAC. */
		code32_to_bytes(symbols, PROTOCOL_CODE_SYMBOLS, got,
		    sizeof(got));
		rc = sodium_memcmp(got, want, sizeof(want)) == 0 ? 0 : -EACCES;
	}
	sodium_memzero(symbols, sizeof(symbols));
	sodium_memzero(got, sizeof(got));
	sodium_memzero(want, sizeof(want));
	if (bad_group != NULL)
		*bad_group = bad;
	return rc;
}
