/*
 * hash_scheme.h: checking a password against a stored hash of any kind
 * hash_form.h reads, and making a new one in a kind a web UI checks.
 * Every hash is computed by a library (libxcrypt, libargon2, nettle's
 * MD5 and SHA1); only $apr1$'s arrangement of MD5 rounds, which no
 * library here has, is written out (after Apache's apr_md5.c).
 */
#ifndef NVR_BACKENDS_ACCOUNTS_HASH_SCHEME_H
#define NVR_BACKENDS_ACCOUNTS_HASH_SCHEME_H

#include <stddef.h>

#include "backends/accounts/hash_form.h"
#include "common/nvr_error.h"

/* Room for any hash made or checked here, with its NUL. */
#define HASH_SCHEME_OUTPUT_MAX 384
/* The longest password, in bytes (libxcrypt's limit, less the NUL). */
#define HASH_SCHEME_PASSWORD_MAX 511

/* The argon2id parameters new hashes get (motionEye 0.44 checks any
 * with argon2-cffi): RFC 9106's second recommendation, argon2-cffi's
 * default since 21.2. */
#define HASH_ARGON2_NEW_PASSES 3u
#define HASH_ARGON2_NEW_MEMORY_KIB 65536u
#define HASH_ARGON2_NEW_LANES 4u
#define HASH_ARGON2_NEW_SALT 16u
#define HASH_ARGON2_NEW_LENGTH 32u

/*
 * Checks PASSWORD against the LEN bytes at VALUE, read as FORM
 * (hash_form_read). Returns 0 if it matches, -EACCES if not (a value
 * that holds no password never matches), another negative errno with
 * ERR filled if it could not be computed. Every comparison of secret
 * bytes takes the same time whatever they hold.
 */
int hash_scheme_verify(const struct hash_form *form, const char *value,
    size_t len, const char *password, struct nvr_error *err);

/*
 * Hashes PASSWORD as KIND (HASH_BCRYPT, written $2y$ as htpasswd -B
 * does; HASH_YESCRYPT; HASH_ARGON2, argon2id with the parameters above;
 * HASH_SHA1_HEX, motionEye 0.43's only kind) into OUT (SIZE bytes), with
 * a new random salt. COST is bcrypt's or yescrypt's cost, 0 for
 * libxcrypt's default. Returns 0 or a negative errno with ERR filled.
 */
int hash_scheme_make(enum hash_kind kind, unsigned long cost,
    const char *password, char *out, size_t size, struct nvr_error *err);

/*
 * A hash of KIND and COST (as hash_scheme_make takes them) that no
 * password matches, made without computing one: a new salt and random
 * bytes where the hash goes. Checking a password against it costs what
 * checking it against a real one of that kind costs, so an account that
 * does not exist takes as long as a wrong password, and opening a store
 * needs no hashing. Returns 0 or a negative errno with ERR filled.
 */
int hash_scheme_fake(enum hash_kind kind, unsigned long cost, char *out,
    size_t size, struct nvr_error *err);

/* Apache's $apr1$ of PASSWORD with SALT (SALT_LEN bytes, at most 8 are
 * used) into OUT: "$apr1$SALT$" and 22 characters, NUL-ended. */
#define HASH_APR1_MAX (6 + 8 + 1 + 22 + 1)
void hash_scheme_apr1(const char *password, const char *salt,
    size_t salt_len, char out[HASH_APR1_MAX]);

#endif
