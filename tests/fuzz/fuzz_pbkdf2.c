/*
 * fuzz_pbkdf2.c: pbkdf2_sha256 hash texts (backends/accounts/pbkdf2.c) on
 * any bytes, NUL included, as a database column may hold them.
 *
 * pbkdf2_sha256_parse returns 0 or -EINVAL; on -EINVAL the hash is all
 * zero. On 0: iterations within 1 .. PBKDF2_SHA256_ITERATIONS_MAX, a salt
 * of 1 .. PBKDF2_SHA256_SALT_MAX printable characters without '$', and
 * pbkdf2_sha256_format writes back exactly the bytes parsed (only the
 * canonical text is read, as Frigate compares whole texts). Where the
 * parsed hash is cheap (at most 64 iterations), pbkdf2_sha256_verify
 * says yes exactly when the derived key of the password "fuzz" is the
 * stored one, and a hash made of that password with those iterations and
 * the parsed salt's iterations verifies and parses again. A text that
 * does not parse never verifies.
 */
#include <errno.h>
#include <stdbool.h>

#include "backends/accounts/pbkdf2.h"
#include "tests/fuzz/fuzz.h"

#define CHEAP 64

static bool
all_zero(const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != 0)
			return false;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pbkdf2_sha256 hash, again;
	char out[PBKDF2_SHA256_TEXT_MAX];
	unsigned char derived[PBKDF2_SHA256_DIGEST];
	const char *text = (const char *)data;
	int rc, n;

	fuzz_init();
	rc = pbkdf2_sha256_parse(text, size, &hash);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	if (rc != 0) {
		FUZZ_CHECK(all_zero(&hash, sizeof(hash)));
		if (size < 64)
			FUZZ_CHECK(!pbkdf2_sha256_verify("fuzz", text, size));
		return 0;
	}
	FUZZ_CHECK(hash.iterations >= 1 &&
	    hash.iterations <= PBKDF2_SHA256_ITERATIONS_MAX);
	FUZZ_CHECK(hash.salt_len >= 1 &&
	    hash.salt_len <= PBKDF2_SHA256_SALT_MAX &&
	    strlen(hash.salt) == hash.salt_len);
	for (size_t i = 0; i < hash.salt_len; i++)
		FUZZ_CHECK(hash.salt[i] > ' ' && hash.salt[i] <= '~' &&
		    hash.salt[i] != '$');
	n = pbkdf2_sha256_format(&hash, out, sizeof(out));
	FUZZ_CHECK(n > 0 && (size_t)n == size && memcmp(out, data, size) == 0);
	/* One byte short does not fit. */
	FUZZ_CHECK(pbkdf2_sha256_format(&hash, out, size) == -ENOSPC);
	if (hash.iterations > CHEAP)
		return 0;
	pbkdf2_sha256_derive(&hash, "fuzz", 4, derived);
	FUZZ_CHECK(pbkdf2_sha256_verify("fuzz", text, size) ==
	    (memcmp(derived, hash.digest, sizeof(derived)) == 0));
	FUZZ_CHECK(pbkdf2_sha256_make("fuzz", hash.iterations, out,
	    sizeof(out)) == 0);
	FUZZ_CHECK(pbkdf2_sha256_parse(out, strlen(out), &again) == 0);
	FUZZ_CHECK(again.iterations == hash.iterations &&
	    again.salt_len == 32);
	FUZZ_CHECK(pbkdf2_sha256_verify("fuzz", out, strlen(out)));
	FUZZ_CHECK(!pbkdf2_sha256_verify("fuzZ", out, strlen(out)));
	return 0;
}
