/*
 * fuzz_reset_file.c: reset_file_parse and reset_file_verify on any bytes,
 * handed over in a buffer of exactly their length (no NUL after them).
 *
 * Whatever they are given: parse returns 0, -EBADMSG with a line that is
 * in the file (or one past it), or -EFBIG exactly when the file is over
 * RESET_FILE_MAX; F is zeroed on failure. Verify fails the same way
 * where parse fails, and otherwise returns 0 or -EACCES under a fixed
 * vendor key, filling F only on 0.
 *
 * A file that parses is of version 1 (store 0) or 2 (store 0-15), and
 * has one spelling (invariant 1): reset_file_write,
 * given its fields and the fixed key, writes the same bytes up to the
 * signature line and as many in all; what it writes verifies to the
 * same fields; and the input verifies exactly when it is that file
 * (Ed25519 signatures are deterministic, and libsodium takes no other
 * spelling of one).
 */
#include <errno.h>
#include <stdbool.h>

#include "common/protocol.h"
#include "common/reset_file.h"
#include "tests/fuzz/fuzz.h"

static char big[RESET_FILE_MAX + 1];

static bool
all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

static void
check_same(const struct reset_file *a, const struct reset_file *b)
{
	FUZZ_CHECK(a->version == b->version);
	FUZZ_CHECK(a->store == b->store);
	FUZZ_CHECK(a->key_id == b->key_id);
	FUZZ_CHECK(strcmp(a->serial, b->serial) == 0);
	FUZZ_CHECK(memcmp(a->nonce, b->nonce, sizeof(a->nonce)) == 0);
	FUZZ_CHECK(strcmp(a->account, b->account) == 0);
	FUZZ_CHECK(a->action == b->action);
	FUZZ_CHECK(a->issued == b->issued);
}

/* The length of DATA up to its "signature=" line (the signed bytes). */
static size_t
signed_length(const char *data, size_t len)
{
	static const char key[] = "\nsignature=";
	const char *p = data, *end = data + len;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if ((size_t)(end - p) >= sizeof(key) - 1 &&
		    memcmp(p, key, sizeof(key) - 1) == 0)
			return (size_t)(p - data) + 1;
		p++;
	}
	FUZZ_CHECK(!"a parsed file has a signature line");
	return 0;
}

static void
check_parsed(const char *data, size_t len, const struct reset_file *f,
    const uint8_t public_key[crypto_sign_PUBLICKEYBYTES],
    const uint8_t secret_key[crypto_sign_SECRETKEYBYTES], int verified)
{
	char out[RESET_FILE_TEXT_MAX];
	struct reset_file g;
	size_t bad = 999, n;
	int len2;

	FUZZ_CHECK(f->version == 1 || f->version == 2);
	FUZZ_CHECK(f->store <= PROTOCOL_STORE_MAX);
	FUZZ_CHECK(f->version == 2 || f->store == 0);
	FUZZ_CHECK(f->key_id >= 1 && f->key_id <= 65535);
	FUZZ_CHECK(protocol_name_ok(f->serial));
	FUZZ_CHECK(f->action == PROTOCOL_SET_PASSWORD ?
	    protocol_name_ok(f->account) :
	    f->action == PROTOCOL_FACTORY_RESET && f->account[0] == '\0');
	FUZZ_CHECK(f->issued >= 0 && f->issued <= (time_t)253402300799LL);

	len2 = reset_file_write(f, secret_key, out, sizeof(out));
	FUZZ_CHECK(len2 > 0 && (size_t)len2 == strlen(out));
	FUZZ_CHECK((size_t)len2 == len);
	n = signed_length(data, len);
	FUZZ_CHECK(n == signed_length(out, (size_t)len2));
	FUZZ_CHECK(memcmp(data, out, n) == 0);
	FUZZ_CHECK(reset_file_verify(out, (size_t)len2, public_key, &g,
	    &bad) == 0);
	check_same(f, &g);
	FUZZ_CHECK((verified == 0) == (memcmp(data, out, len) == 0));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t public_key[crypto_sign_PUBLICKEYBYTES];
	uint8_t secret_key[crypto_sign_SECRETKEYBYTES];
	char *text = malloc(size > 0 ? size : 1);
	struct reset_file f, g;
	size_t bad = 999, bad2 = 999, lines = 0;
	int rc, rc2;

	FUZZ_CHECK(text != NULL);
	fuzz_init();
	fuzz_sign_keys(public_key, secret_key);
	if (size > 0)
		memcpy(text, data, size);
	for (size_t i = 0; i < size; i++)
		lines += text[i] == '\n';

	memset(&f, 0xa5, sizeof(f));
	rc = reset_file_parse(text, size, &f, &bad);
	FUZZ_CHECK(rc == 0 || rc == -EBADMSG || rc == -EFBIG);
	FUZZ_CHECK((rc == -EFBIG) == (size > RESET_FILE_MAX));
	if (rc == -EBADMSG)
		FUZZ_CHECK(bad >= 1 && bad <= lines + 1);
	if (rc != 0)
		FUZZ_CHECK(all_zero(&f, sizeof(f)));

	memset(&g, 0xa5, sizeof(g));
	rc2 = reset_file_verify(text, size, public_key, &g, &bad2);
	if (rc != 0) {
		FUZZ_CHECK(rc2 == rc && bad2 == bad);
		FUZZ_CHECK(all_zero(&g, sizeof(g)));
	} else {
		FUZZ_CHECK(rc2 == 0 || rc2 == -EACCES);
		if (rc2 == 0)
			check_same(&f, &g);
		else
			FUZZ_CHECK(all_zero(&g, sizeof(g)));
		check_parsed(text, size, &f, public_key, secret_key, rc2);
	}

	/* One byte over the limit is refused before anything is read. */
	if (size <= RESET_FILE_MAX) {
		if (size > 0)
			memcpy(big, text, size);
		FUZZ_CHECK(reset_file_parse(big, sizeof(big), &f, &bad) ==
		    -EFBIG);
		FUZZ_CHECK(all_zero(&f, sizeof(f)));
	}
	free(text);
	return 0;
}
