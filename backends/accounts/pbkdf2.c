/*
 * pbkdf2.c: pbkdf2_sha256$ITERATIONS$SALT$BASE64 (see pbkdf2.h).
 *
 * Invariants:
 * 1. Only the canonical text is read: what format writes from a parsed
 *    hash is, byte for byte, the text parsed (checked by tests/fuzz/
 *    fuzz_pbkdf2.c).
 * 2. A stored hash asking more than PBKDF2_SHA256_ITERATIONS_MAX
 *    iterations is refused before any work, so a planted one cannot keep
 *    the wizard busy for minutes.
 * 3. Derived keys are wiped after use and compared in constant time.
 */
#include "backends/accounts/pbkdf2.h"

#include <errno.h>
#include <nettle/pbkdf2.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define B64_LEN 44	/* 32 bytes, standard alphabet, padded */
#define SALT_BYTES 16	/* Frigate's secrets.token_hex(16) */

static bool
salt_char_ok(char c)
{
	return c > ' ' && c <= '~' && c != '$';
}

/* The decimal at TEXT (LEN bytes): digits only, no leading zero, within
 * 1 .. PBKDF2_SHA256_ITERATIONS_MAX. */
static bool
parse_iterations(const char *text, size_t len, unsigned long *out)
{
	unsigned long n = 0;

	if (len == 0 || len > 8 || text[0] == '0')
		return false;
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return false;
		n = n * 10 + (unsigned long)(text[i] - '0');
	}
	if (n > PBKDF2_SHA256_ITERATIONS_MAX)
		return false;
	*out = n;
	return true;
}

int
pbkdf2_sha256_parse(const char *text, size_t len, struct pbkdf2_sha256 *hash)
{
	const size_t name_len = strlen(PBKDF2_SHA256_NAME);
	const char *field[3], *end = text + len;
	size_t field_len[3];
	char again[B64_LEN + 1];
	size_t bin_len = 0;

	memset(hash, 0, sizeof(*hash));
	if (len <= name_len || memcmp(text, PBKDF2_SHA256_NAME, name_len) != 0 ||
	    text[name_len] != '$')
		goto bad;
	/* Exactly three more fields, split at '$' (as Frigate's
	 * count("$") == 3 and split("$", 3)). */
	const char *p = text + name_len + 1;
	for (int i = 0; i < 3; i++) {
		const char *dollar = i < 2 ? memchr(p, '$', (size_t)(end - p)) :
		    end;

		if (dollar == NULL)
			goto bad;
		field[i] = p;
		field_len[i] = (size_t)(dollar - p);
		p = dollar + (i < 2 ? 1 : 0);
	}
	if (!parse_iterations(field[0], field_len[0], &hash->iterations))
		goto bad;
	if (field_len[1] == 0 || field_len[1] > PBKDF2_SHA256_SALT_MAX)
		goto bad;
	for (size_t i = 0; i < field_len[1]; i++)
		if (!salt_char_ok(field[1][i]))
			goto bad;
	memcpy(hash->salt, field[1], field_len[1]);
	hash->salt_len = field_len[1];
	if (field_len[2] != B64_LEN ||
	    sodium_base642bin(hash->digest, sizeof(hash->digest), field[2],
	    field_len[2], NULL, &bin_len, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    bin_len != PBKDF2_SHA256_DIGEST)
		goto bad;
	/* Canonical base64 only: the text Frigate would make again. */
	sodium_bin2base64(again, sizeof(again), hash->digest,
	    sizeof(hash->digest), sodium_base64_VARIANT_ORIGINAL);
	if (memcmp(again, field[2], B64_LEN) != 0)
		goto bad;
	return 0;
bad:
	sodium_memzero(hash, sizeof(*hash));
	return -EINVAL;
}

int
pbkdf2_sha256_format(const struct pbkdf2_sha256 *hash, char *out,
    size_t size)
{
	char b64[B64_LEN + 1];
	int n;

	if (hash->iterations < 1 ||
	    hash->iterations > PBKDF2_SHA256_ITERATIONS_MAX ||
	    hash->salt_len < 1 || hash->salt_len > PBKDF2_SHA256_SALT_MAX ||
	    strlen(hash->salt) != hash->salt_len)
		return -EINVAL;
	for (size_t i = 0; i < hash->salt_len; i++)
		if (!salt_char_ok(hash->salt[i]))
			return -EINVAL;
	sodium_bin2base64(b64, sizeof(b64), hash->digest,
	    sizeof(hash->digest), sodium_base64_VARIANT_ORIGINAL);
	n = snprintf(out, size, "%s$%lu$%s$%s", PBKDF2_SHA256_NAME,
	    hash->iterations, hash->salt, b64);
	if (n < 0 || (size_t)n >= size) {
		if (size > 0)
			sodium_memzero(out, size);
		return -ENOSPC;
	}
	return n;
}

void
pbkdf2_sha256_derive(const struct pbkdf2_sha256 *hash, const char *password,
    size_t len, unsigned char out[PBKDF2_SHA256_DIGEST])
{
	pbkdf2_hmac_sha256(len, (const uint8_t *)password,
	    (unsigned)hash->iterations, hash->salt_len,
	    (const uint8_t *)hash->salt, PBKDF2_SHA256_DIGEST, out);
}

int
pbkdf2_sha256_make(const char *password, unsigned long iterations,
    char *out, size_t size)
{
	struct pbkdf2_sha256 hash = { .iterations = iterations };
	unsigned char salt[SALT_BYTES];
	int rc;

	if (iterations < 1 || iterations > PBKDF2_SHA256_ITERATIONS_MAX)
		return -EINVAL;
	randombytes_buf(salt, sizeof(salt));
	sodium_bin2hex(hash.salt, sizeof(hash.salt), salt, sizeof(salt));
	hash.salt_len = (size_t)2 * SALT_BYTES;
	pbkdf2_sha256_derive(&hash, password, strlen(password), hash.digest);
	rc = pbkdf2_sha256_format(&hash, out, size);
	sodium_memzero(&hash, sizeof(hash));
	return rc < 0 ? rc : 0;
}

bool
pbkdf2_sha256_verify(const char *password, const char *text, size_t len)
{
	struct pbkdf2_sha256 hash;
	unsigned char derived[PBKDF2_SHA256_DIGEST];
	bool match;

	if (pbkdf2_sha256_parse(text, len, &hash) != 0)
		return false;
	pbkdf2_sha256_derive(&hash, password, strlen(password), derived);
	match = sodium_memcmp(derived, hash.digest, sizeof(derived)) == 0;
	sodium_memzero(derived, sizeof(derived));
	sodium_memzero(&hash, sizeof(hash));
	return match;
}
