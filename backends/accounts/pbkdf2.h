/*
 * pbkdf2.h: the password hash scheme pbkdf2_sha256 as Django writes it,
 * and Frigate after it (frigate/api/auth.py, hash_password and
 * verify_password):
 *
 *   pbkdf2_sha256$ITERATIONS$SALT$BASE64
 *
 * ITERATIONS in decimal without a sign or leading zero; SALT the salt's
 * text, whose bytes (not a decoding of them) are PBKDF2's salt: Frigate
 * writes 32 hex digits (secrets.token_hex(16)), Django 22 letters and
 * digits; BASE64 the 32 bytes of PBKDF2-HMAC-SHA256 in standard base64
 * with its padding (44 characters). Frigate checks a password by making
 * the whole text again and comparing it, so only this canonical text is
 * read: anything else (a leading zero, a base64 with stray bits) is not a
 * hash of this scheme.
 *
 * PBKDF2 itself is nettle's; the comparison is libsodium's, in constant
 * time. Any store that keeps such hashes may use this file: it includes
 * nothing of the backends around it.
 */
#ifndef NVR_BACKENDS_ACCOUNTS_PBKDF2_H
#define NVR_BACKENDS_ACCOUNTS_PBKDF2_H

#include <stdbool.h>
#include <stddef.h>

#define PBKDF2_SHA256_NAME "pbkdf2_sha256"
#define PBKDF2_SHA256_DIGEST 32		/* bytes */
#define PBKDF2_SHA256_SALT_MAX 64	/* characters */
#define PBKDF2_SHA256_ITERATIONS_MAX 10000000UL	/* a few seconds: a
						 * stored hash asking more
						 * is not read */
#define PBKDF2_SHA256_DEFAULT_ITERATIONS 600000UL	/* Frigate's */
/* The longest text, with its NUL: name, 3 '$', 8 digits, salt, base64. */
#define PBKDF2_SHA256_TEXT_MAX (13 + 3 + 8 + PBKDF2_SHA256_SALT_MAX + 44 + 1)

struct pbkdf2_sha256 {
	unsigned long iterations;	/* 1 .. PBKDF2_SHA256_ITERATIONS_MAX */
	char salt[PBKDF2_SHA256_SALT_MAX + 1];	/* printable ASCII, no '$'
						 * nor blank; NUL-ended */
	size_t salt_len;		/* 1 .. PBKDF2_SHA256_SALT_MAX */
	unsigned char digest[PBKDF2_SHA256_DIGEST];
};

/* Reads the LEN bytes at TEXT (no NUL needed) into *HASH. Returns 0, or
 * -EINVAL if they are not a canonical hash of this scheme (*HASH then
 * zeroed). */
int pbkdf2_sha256_parse(const char *text, size_t len,
    struct pbkdf2_sha256 *hash);

/* Writes HASH's canonical text into OUT (SIZE bytes, NUL-ended).
 * Returns its length, or -EINVAL if HASH holds what parse never gives,
 * -ENOSPC if it does not fit. */
int pbkdf2_sha256_format(const struct pbkdf2_sha256 *hash, char *out,
    size_t size);

/* PBKDF2-HMAC-SHA256 of the LEN bytes of PASSWORD with HASH's salt and
 * iterations, into OUT. */
void pbkdf2_sha256_derive(const struct pbkdf2_sha256 *hash,
    const char *password, size_t len,
    unsigned char out[PBKDF2_SHA256_DIGEST]);

/* A new hash of PASSWORD (a C string) with ITERATIONS and a fresh salt of
 * 32 hex digits, as Frigate makes them, written into OUT (SIZE bytes).
 * Returns 0, or -EINVAL (ITERATIONS out of range), -ENOSPC. */
int pbkdf2_sha256_make(const char *password, unsigned long iterations,
    char *out, size_t size);

/* True if PASSWORD (a C string) is the one TEXT (LEN bytes) is a hash of;
 * false also when TEXT is not such a hash. The digests are compared in
 * constant time. */
bool pbkdf2_sha256_verify(const char *password, const char *text,
    size_t len);

#endif
