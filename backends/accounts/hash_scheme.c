/*
 * hash_scheme.c: checking and making password hashes (hash_scheme.h).
 *
 * Invariants:
 * 1. Every digest comes from a library: libxcrypt (crypt(3) strings),
 *    libargon2 (argon2, any parameters a hash carries, within
 *    hash_form.h's limits), nettle (MD5 for $apr1$, SHA1).
 * 2. Secret bytes are compared with sodium_memcmp; only lengths, which
 *    follow from the kind, are compared plainly.
 * 3. Every buffer that held a password, a digest or crypt's work area is
 *    wiped before it is freed or left.
 */
#include "backends/accounts/hash_scheme.h"

#include <argon2.h>
#include <crypt.h>
#include <errno.h>
#include <nettle/md5.h>
#include <nettle/sha1.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char itoa64[] =
    "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static void
to64(char **s, unsigned long v, int n)
{
	while (--n >= 0) {
		*(*s)++ = itoa64[v & 0x3f];
		v >>= 6;
	}
}

void
hash_scheme_apr1(const char *password, const char *salt, size_t salt_len,
    char out[HASH_APR1_MAX])
{
	static const char magic[] = "$apr1$";
	size_t pw_len = strlen(password);
	uint8_t final[MD5_DIGEST_SIZE];
	struct md5_ctx ctx, ctx1;
	char *p;

	if (salt_len > 8)
		salt_len = 8;
	for (size_t i = 0; i < salt_len; i++)
		if (salt[i] == '$' || salt[i] == '\0') {
			salt_len = i;
			break;
		}
	md5_init(&ctx);
	md5_update(&ctx, pw_len, (const uint8_t *)password);
	md5_update(&ctx, strlen(magic), (const uint8_t *)magic);
	md5_update(&ctx, salt_len, (const uint8_t *)salt);
	md5_init(&ctx1);
	md5_update(&ctx1, pw_len, (const uint8_t *)password);
	md5_update(&ctx1, salt_len, (const uint8_t *)salt);
	md5_update(&ctx1, pw_len, (const uint8_t *)password);
	md5_digest(&ctx1, sizeof(final), final);
	for (size_t left = pw_len; left > 0; left -= left > 16 ? 16 : left)
		md5_update(&ctx, left > 16 ? 16 : left, final);
	sodium_memzero(final, sizeof(final));
	/* A zero byte for each set bit of the length, else the first byte
	 * of the password (apr_md5.c, after FreeBSD's md5crypt). */
	for (size_t i = pw_len; i != 0; i >>= 1)
		md5_update(&ctx, 1, (i & 1) ? final :
		    (const uint8_t *)password);
	md5_digest(&ctx, sizeof(final), final);
	for (int i = 0; i < 1000; i++) {
		md5_init(&ctx1);
		if (i & 1)
			md5_update(&ctx1, pw_len, (const uint8_t *)password);
		else
			md5_update(&ctx1, sizeof(final), final);
		if (i % 3)
			md5_update(&ctx1, salt_len, (const uint8_t *)salt);
		if (i % 7)
			md5_update(&ctx1, pw_len, (const uint8_t *)password);
		if (i & 1)
			md5_update(&ctx1, sizeof(final), final);
		else
			md5_update(&ctx1, pw_len, (const uint8_t *)password);
		md5_digest(&ctx1, sizeof(final), final);
	}
	/* The hash is built piece by piece; its NUL comes last. */
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(out, magic, strlen(magic));
	memcpy(out + strlen(magic), salt, salt_len);
	p = out + strlen(magic) + salt_len;
	*p++ = '$';
	to64(&p, ((unsigned long)final[0] << 16) |
	    ((unsigned long)final[6] << 8) | final[12], 4);
	to64(&p, ((unsigned long)final[1] << 16) |
	    ((unsigned long)final[7] << 8) | final[13], 4);
	to64(&p, ((unsigned long)final[2] << 16) |
	    ((unsigned long)final[8] << 8) | final[14], 4);
	to64(&p, ((unsigned long)final[3] << 16) |
	    ((unsigned long)final[9] << 8) | final[15], 4);
	to64(&p, ((unsigned long)final[4] << 16) |
	    ((unsigned long)final[10] << 8) | final[5], 4);
	to64(&p, final[11], 2);
	*p = '\0';
	sodium_memzero(final, sizeof(final));
	sodium_memzero(&ctx, sizeof(ctx));
	sodium_memzero(&ctx1, sizeof(ctx1));
}

/* True if the LEN bytes at A and B are alike, in constant time. */
static bool
same(const void *a, size_t a_len, const void *b, size_t b_len)
{
	return a_len == b_len && sodium_memcmp(a, b, a_len) == 0;
}

static void
sha1_of(const char *password, uint8_t digest[SHA1_DIGEST_SIZE])
{
	struct sha1_ctx ctx;

	sha1_init(&ctx);
	sha1_update(&ctx, strlen(password), (const uint8_t *)password);
	sha1_digest(&ctx, SHA1_DIGEST_SIZE, digest);
	sodium_memzero(&ctx, sizeof(ctx));
}

/* motionEye's legacy check: sha1(pw) in hex, or the password itself
 * (both compared, whichever the value is); ZoneMinder's plain text
 * (PLAIN_ONLY): the password itself. */
static bool
legacy_matches(const char *value, size_t len, const char *password,
    bool plain_only)
{
	uint8_t digest[SHA1_DIGEST_SIZE];
	char hex[2 * SHA1_DIGEST_SIZE + 1];
	bool hashed, plain;

	sha1_of(password, digest);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	hashed = same(hex, strlen(hex), value, len) && !plain_only;
	plain = same(password, strlen(password), value, len);
	sodium_memzero(digest, sizeof(digest));
	sodium_memzero(hex, sizeof(hex));
	return hashed || plain;
}

/* MySQL 4.1's PASSWORD(pw), as ZoneMinder computes it: '*' and the
 * upper-case hex of sha1(sha1(pw)), into OUT (42 bytes). */
static void
mysql41_of(const char *password, char out[42])
{
	static const char hex[] = "0123456789ABCDEF";
	uint8_t once[SHA1_DIGEST_SIZE], twice[SHA1_DIGEST_SIZE];
	struct sha1_ctx ctx;

	sha1_of(password, once);
	sha1_init(&ctx);
	sha1_update(&ctx, sizeof(once), once);
	sha1_digest(&ctx, sizeof(twice), twice);
	out[0] = '*';
	for (size_t i = 0; i < sizeof(twice); i++) {
		out[1 + 2 * i] = hex[twice[i] >> 4];
		out[2 + 2 * i] = hex[twice[i] & 0xf];
	}
	out[41] = '\0';
	sodium_memzero(once, sizeof(once));
	sodium_memzero(twice, sizeof(twice));
	sodium_memzero(&ctx, sizeof(ctx));
}

static bool
mysql41_matches(const char *value, size_t len, const char *password)
{
	char text[42];
	bool match;

	mysql41_of(password, text);
	match = same(text, 41, value, len);
	sodium_memzero(text, sizeof(text));
	return match;
}

static bool
sha_b64_matches(const char *value, size_t len, const char *password)
{
	uint8_t digest[SHA1_DIGEST_SIZE];
	char text[5 + 29] = "{SHA}";
	bool match;

	sha1_of(password, digest);
	sodium_bin2base64(text + 5, sizeof(text) - 5, digest, sizeof(digest),
	    sodium_base64_VARIANT_ORIGINAL);
	match = same(text, strlen(text), value, len);
	sodium_memzero(digest, sizeof(digest));
	sodium_memzero(text, sizeof(text));
	return match;
}

static bool
apr1_matches(const char *value, size_t len, const char *password)
{
	char out[HASH_APR1_MAX];
	const char *salt = value + 6;
	size_t salt_len = 0;
	bool match;

	while (6 + salt_len < len && salt[salt_len] != '$')
		salt_len++;
	hash_scheme_apr1(password, salt, salt_len, out);
	match = same(out, strlen(out), value, len);
	sodium_memzero(out, sizeof(out));
	return match;
}

/* A copy of the LEN bytes at VALUE with a NUL, or NULL. */
static char *
terminated(const char *value, size_t len)
{
	char *copy = malloc(len + 1);

	if (copy != NULL) {
		memcpy(copy, value, len);
		copy[len] = '\0';
	}
	return copy;
}

static int
crypt_matches(const char *value, size_t len, const char *password,
    bool *match, struct nvr_error *err)
{
	struct crypt_data *data = calloc(1, sizeof(*data));
	char *setting = terminated(value, len);
	const char *out;

	*match = false;
	if (data == NULL || setting == NULL) {
		free(data);
		free(setting);
		return nvr_error_set(err, -ENOMEM, "out of memory");
	}
	out = crypt_rn(password, setting, data, sizeof(*data));
	*match = out != NULL && out[0] != '*' && same(out, strlen(out), value,
	    len);
	sodium_memzero(data, sizeof(*data));
	free(data);
	free(setting);
	return 0;
}

static int
argon2_matches(const char *value, size_t len, const char *password,
    bool *match, struct nvr_error *err)
{
	char *encoded = terminated(value, len);
	argon2_type type = strncmp(value, "$argon2id$", 10) == 0 ? Argon2_id :
	    strncmp(value, "$argon2i$", 9) == 0 ? Argon2_i : Argon2_d;
	int rc;

	*match = false;
	if (encoded == NULL)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	rc = argon2_verify(encoded, password, strlen(password), type);
	free(encoded);
	if (rc == ARGON2_OK)
		*match = true;
	else if (rc == ARGON2_MEMORY_ALLOCATION_ERROR)
		return nvr_error_set(err, -ENOMEM, "not enough memory to "
		    "check an argon2 hash");
	/* Anything else (a mismatch, a value libargon2 does not decode)
	 * matches nothing, as argon2-cffi says. */
	return 0;
}

int
hash_scheme_verify(const struct hash_form *form, const char *value,
    size_t len, const char *password, struct nvr_error *err)
{
	bool match = false;
	int rc = 0;

	if (strlen(password) > HASH_SCHEME_PASSWORD_MAX)
		return nvr_error_set(err, -EACCES, "wrong password");
	switch (form->kind) {
	case HASH_NONE:
	case HASH_LOCKED:
		break;
	case HASH_PLAIN:
	case HASH_SHA1_HEX:
		match = legacy_matches(value, len, password,
		    form->plain_only);
		break;
	case HASH_MYSQL41:
		match = mysql41_matches(value, len, password);
		break;
	case HASH_ZM_OVERLAY: {
		/* zmupdate.pl's overlay: bcrypt over the PASSWORD() text. */
		char text[42];

		mysql41_of(password, text);
		rc = crypt_matches(value + 4, len - 4, text, &match, err);
		sodium_memzero(text, sizeof(text));
		break;
	}
	case HASH_SHA1_B64:
		match = sha_b64_matches(value, len, password);
		break;
	case HASH_APR1:
		match = apr1_matches(value, len, password);
		break;
	case HASH_CRYPT_OTHER:
	case HASH_SHA_CRYPT:
	case HASH_BCRYPT:
	case HASH_YESCRYPT:
		rc = crypt_matches(value, len, password, &match, err);
		break;
	case HASH_ARGON2:
		rc = argon2_matches(value, len, password, &match, err);
		break;
	}
	if (rc != 0)
		return rc;
	return match ? 0 : nvr_error_set(err, -EACCES, "wrong password");
}

static int
make_crypt(const char *prefix, unsigned long cost, const char *password,
    char *out, size_t size, struct nvr_error *err)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *data = calloc(1, sizeof(*data));
	const char *hash;
	int rc = 0;

	if (data == NULL)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	if (crypt_gensalt_rn(prefix, cost, NULL, 0, salt, sizeof(salt)) ==
	    NULL) {
		rc = nvr_error_set(err, -EINVAL, "cannot make a %s salt: %s",
		    prefix, strerror(errno));
		goto out;
	}
	hash = crypt_rn(password, salt, data, sizeof(*data));
	if (hash == NULL || hash[0] == '*' || strlen(hash) >= size) {
		rc = nvr_error_set(err, -EINVAL, "cannot hash the password");
		goto out;
	}
	strcpy(out, hash);
out:
	sodium_memzero(data, sizeof(*data));
	free(data);
	return rc;
}

static int
make_argon2(const char *password, char *out, size_t size,
    struct nvr_error *err)
{
	uint8_t salt[HASH_ARGON2_NEW_SALT];
	int rc;

	randombytes_buf(salt, sizeof(salt));
	rc = argon2id_hash_encoded(HASH_ARGON2_NEW_PASSES,
	    HASH_ARGON2_NEW_MEMORY_KIB, HASH_ARGON2_NEW_LANES, password,
	    strlen(password), salt, sizeof(salt), HASH_ARGON2_NEW_LENGTH, out,
	    size);
	if (rc != ARGON2_OK)
		return nvr_error_set(err, rc == ARGON2_MEMORY_ALLOCATION_ERROR ?
		    -ENOMEM : -EINVAL, "cannot hash the password: %s",
		    argon2_error_message(rc));
	return 0;
}

static int
make_sha1_hex(const char *password, char *out, size_t size,
    struct nvr_error *err)
{
	uint8_t digest[SHA1_DIGEST_SIZE];

	if (size < 2 * SHA1_DIGEST_SIZE + 1)
		return nvr_error_set(err, -EINVAL, "no room for the hash");
	sha1_of(password, digest);
	sodium_bin2hex(out, size, digest, sizeof(digest));
	sodium_memzero(digest, sizeof(digest));
	return 0;
}

/* LEN random characters of crypt(3)'s alphabet at OUT. */
static void
random_itoa64(char *out, size_t len)
{
	for (size_t i = 0; i < len; i++)
		out[i] = itoa64[randombytes_uniform(64)];
}

/* A crypt(3) setting from libxcrypt and HASH_LEN characters after it,
 * SEPARATOR first where the method puts one ('$' for yescrypt; bcrypt's
 * salt and hash run on). */
static int
fake_crypt(const char *prefix, unsigned long cost, const char *separator,
    size_t hash_len, char *out, size_t size, struct nvr_error *err)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	size_t used;

	if (crypt_gensalt_rn(prefix, cost, NULL, 0, salt, sizeof(salt)) ==
	    NULL)
		return nvr_error_set(err, -EINVAL, "cannot make a %s salt: %s",
		    prefix, strerror(errno));
	used = (size_t)snprintf(out, size, "%s%s", salt, separator);
	if (used + hash_len >= size)
		return nvr_error_set(err, -EINVAL, "no room for the hash");
	random_itoa64(out + used, hash_len);
	out[used + hash_len] = '\0';
	return 0;
}

static int
fake_argon2(char *out, size_t size, struct nvr_error *err)
{
	uint8_t salt[HASH_ARGON2_NEW_SALT], hash[HASH_ARGON2_NEW_LENGTH];
	char salt64[sodium_base64_ENCODED_LEN(HASH_ARGON2_NEW_SALT,
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
	char hash64[sodium_base64_ENCODED_LEN(HASH_ARGON2_NEW_LENGTH,
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
	int n;

	randombytes_buf(salt, sizeof(salt));
	randombytes_buf(hash, sizeof(hash));
	sodium_bin2base64(salt64, sizeof(salt64), salt, sizeof(salt),
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	sodium_bin2base64(hash64, sizeof(hash64), hash, sizeof(hash),
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	n = snprintf(out, size, "$argon2id$v=19$m=%u,t=%u,p=%u$%s$%s",
	    HASH_ARGON2_NEW_MEMORY_KIB, HASH_ARGON2_NEW_PASSES,
	    HASH_ARGON2_NEW_LANES, salt64, hash64);
	if (n < 0 || (size_t)n >= size)
		return nvr_error_set(err, -EINVAL, "no room for the hash");
	return 0;
}

int
hash_scheme_fake(enum hash_kind kind, unsigned long cost, char *out,
    size_t size, struct nvr_error *err)
{
	uint8_t digest[SHA1_DIGEST_SIZE];

	switch (kind) {
	case HASH_BCRYPT:	/* 22 characters of salt, 31 of hash */
		return fake_crypt("$2y$", cost, "", 31, out, size, err);
	case HASH_YESCRYPT:	/* 256 bits of hash, 43 characters */
		return fake_crypt("$y$", cost, "$", 43, out, size, err);
	case HASH_ARGON2:
		return fake_argon2(out, size, err);
	case HASH_SHA1_HEX:
		if (size < 2 * SHA1_DIGEST_SIZE + 1)
			return nvr_error_set(err, -EINVAL, "no room for the "
			    "hash");
		randombytes_buf(digest, sizeof(digest));
		sodium_bin2hex(out, size, digest, sizeof(digest));
		return 0;
	default:
		return nvr_error_set(err, -EINVAL, "new passwords are not "
		    "written as %s", hash_form_name(kind));
	}
}

int
hash_scheme_make(enum hash_kind kind, unsigned long cost,
    const char *password, char *out, size_t size, struct nvr_error *err)
{
	if (strlen(password) > HASH_SCHEME_PASSWORD_MAX)
		return nvr_error_set(err, -EINVAL, "the password is longer "
		    "than %d bytes", HASH_SCHEME_PASSWORD_MAX);
	switch (kind) {
	case HASH_BCRYPT:
		return make_crypt("$2y$", cost, password, out, size, err);
	case HASH_YESCRYPT:
		return make_crypt("$y$", cost, password, out, size, err);
	case HASH_ARGON2:
		return make_argon2(password, out, size, err);
	case HASH_SHA1_HEX:
		return make_sha1_hex(password, out, size, err);
	default:
		return nvr_error_set(err, -EINVAL, "new passwords are not "
		    "written as %s", hash_form_name(kind));
	}
}
