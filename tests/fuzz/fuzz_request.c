/*
 * fuzz_request.c: protocol_request_decode on any text. Whatever it is
 * given, it returns 0, -EINVAL, -EPROTO or -E2BIG (a whole request and
 * one group more: without its last group the text decodes), leaves R
 * and MAC zeroed on failure, and a request it accepts is one
 * protocol_request_encode and protocol_request_encode_compact can write:
 * of version 1 (store 0) or 2 (store 0-15), encoded again under a fixed
 * key (in both forms, in its own version) and decoded, every field comes
 * back the same, with a MAC that verifies under that key and not as the
 * other version or another store; and the form the text was in has as
 * many symbols as the text (the padding rules allow one length).
 */
#include <errno.h>
#include <stdbool.h>

#include "common/code32.h"
#include "common/protocol.h"
#include "tests/fuzz/fuzz.h"

static bool
all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* The symbols in TEXT: what is neither a space nor a hyphen. */
static size_t
symbols_in(const char *text)
{
	size_t n = 0;

	for (; *text != '\0'; text++)
		if (*text != ' ' && *text != '-')
			n++;
	return n;
}

static void
check_same(const struct protocol_request *a, const struct protocol_request *b)
{
	FUZZ_CHECK(a->version == b->version);
	FUZZ_CHECK(a->store == b->store);
	FUZZ_CHECK(a->key_id == b->key_id);
	FUZZ_CHECK(a->demo == b->demo);
	FUZZ_CHECK(memcmp(a->nonce, b->nonce, sizeof(a->nonce)) == 0);
	FUZZ_CHECK(a->day == b->day);
	FUZZ_CHECK(strcmp(a->serial, b->serial) == 0);
	FUZZ_CHECK(strcmp(a->account, b->account) == 0);
}

/* True if TEXT is in the compact (QR) form: its mark after any
 * separators. */
static bool
is_compact(const char *text)
{
	text += strspn(text, " -");
	return *text == PROTOCOL_COMPACT_MARK ||
	    *text == PROTOCOL_COMPACT_MARK - 'A' + 'a';
}

typedef int encoder(const struct protocol_request *,
    const uint8_t[PROTOCOL_KEY_BYTES], char *, size_t);

/* Writes R with ENCODE under REQUEST_KEY into OUT
 * (PROTOCOL_REQUEST_TEXT_MAX bytes), decodes it and checks that every
 * field came back, with a MAC that verifies, and that encoding is a
 * function of the fields and the key. Returns the length. */
static int
round_trip(const struct protocol_request *r,
    const uint8_t request_key[PROTOCOL_KEY_BYTES], encoder *encode,
    char *out)
{
	char third[PROTOCOL_REQUEST_TEXT_MAX];
	uint8_t mac[PROTOCOL_MAC_BYTES];
	struct protocol_request r2;
	size_t bad = 99999;
	int len;

	len = encode(r, request_key, out, PROTOCOL_REQUEST_TEXT_MAX);
	FUZZ_CHECK(len > 0 && (size_t)len == strlen(out));
	FUZZ_CHECK(protocol_request_decode(out, &r2, mac, &bad) == 0);
	FUZZ_CHECK(bad == 0);
	check_same(r, &r2);
	FUZZ_CHECK(protocol_request_verify(&r2, mac, request_key) == 0);
	FUZZ_CHECK(encode(&r2, request_key, third, sizeof(third)) == len);
	FUZZ_CHECK(strcmp(out, third) == 0);
	/* The MAC binds the version and the store: read as the other
	 * version (store 0) or as another store, it does not verify. */
	r2.version = r->version == 1 ? 2 : 1;
	r2.store = 0;
	FUZZ_CHECK(protocol_request_verify(&r2, mac, request_key) == -EACCES);
	if (r->version == 2) {
		r2.version = 2;
		r2.store = (r->store + 1) % (PROTOCOL_STORE_MAX + 1);
		FUZZ_CHECK(protocol_request_verify(&r2, mac, request_key) ==
		    -EACCES);
	}
	return len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t request_key[PROTOCOL_KEY_BYTES], code_key[PROTOCOL_KEY_BYTES];
	uint8_t mac[PROTOCOL_MAC_BYTES];
	char again[PROTOCOL_REQUEST_TEXT_MAX];
	char again_compact[PROTOCOL_REQUEST_TEXT_MAX];
	struct protocol_request r;
	char *text = fuzz_string(data, size);
	size_t bad = 99999;
	int rc, len, compact;

	fuzz_init();
	fuzz_keys(request_key, code_key);
	rc = protocol_request_decode(text, &r, mac, &bad);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -EPROTO ||
	    rc == -E2BIG);
	if (rc == -E2BIG) {
		char *shorter = malloc(size + 1);
		size_t ignored;

		FUZZ_CHECK(shorter != NULL);
		FUZZ_CHECK(all_zero(&r, sizeof(r)));
		FUZZ_CHECK(all_zero(mac, sizeof(mac)));
		FUZZ_CHECK(bad * 6 == code32_symbols_typed(text));
		code32_drop_last(text, 6, shorter, size + 1);
		FUZZ_CHECK(protocol_request_decode(shorter, &r, mac,
		    &ignored) == 0);
		free(shorter);
		free(text);
		return 0;
	}
	if (rc != 0) {
		FUZZ_CHECK(all_zero(&r, sizeof(r)));
		FUZZ_CHECK(all_zero(mac, sizeof(mac)));
		/* A typo's group is one of the text's (1-based). */
		FUZZ_CHECK(rc == -EINVAL ? bad <= size / 6 + 1 : bad == 0);
		free(text);
		return 0;
	}
	FUZZ_CHECK(bad == 0);
	FUZZ_CHECK(r.version == 1 || r.version == 2);
	FUZZ_CHECK(r.store <= PROTOCOL_STORE_MAX);
	FUZZ_CHECK(r.version == 2 || r.store == 0);
	FUZZ_CHECK(r.key_id >= 1 && r.key_id <= 65535);
	FUZZ_CHECK(r.day <= 65535);
	FUZZ_CHECK(protocol_name_ok(r.serial));
	FUZZ_CHECK(protocol_name_ok(r.account));
	/* Whatever key made it, verifying under ours is a plain yes or no. */
	rc = protocol_request_verify(&r, mac, request_key);
	FUZZ_CHECK(rc == 0 || rc == -EACCES);

	/* Both forms, and the one the text was in has as many symbols. */
	len = round_trip(&r, request_key, protocol_request_encode, again);
	compact = round_trip(&r, request_key,
	    protocol_request_encode_compact, again_compact);
	FUZZ_CHECK(symbols_in(is_compact(text) ? again_compact : again) ==
	    symbols_in(text));
	FUZZ_CHECK(len > 0 && compact > 0);
	free(text);
	return 0;
}
