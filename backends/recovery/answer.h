/*
 * answer.h: security-question answers and recovery keys, hashed and
 * checked. An answer matches when it is the same words, however the owner
 * types its case, its accents or its spaces.
 *
 * Invariants:
 * 1. An answer is compared only in its normal form: Unicode NFKC with full
 *    case folding (libunistring's u8_casefold with UNINORM_NFKC, which is
 *    Unicode's compatibility caseless match: "㎒" becomes "mhz"), then every
 *    run of white space one ASCII space, none at either end. So "Café",
 *    "CAFE" + U+0301 and "  café " match, "Straße" matches "STRASSE", and
 *    fullwidth "ＡＢＣ" matches "abc".
 * 2. Our copies of an answer, raw or normal, are in a struct secret or in a
 *    locked buffer, and are wiped when done. libunistring's own temporaries
 *    (inside u8_casefold) cannot be wiped by us: a known limit.
 * 3. A hash is a libsodium argon2id string with its own random salt and its
 *    cost; only strings answer_hash_valid accepts are checked, so a corrupt
 *    store can neither pass for a wrong answer nor make a check run for
 *    hours. The comparison is libsodium's, in constant time.
 * 4. Nothing here logs an answer or puts any part of it in a message.
 *
 * Known limit, Turkish: folding uses no language (Unicode's default), so
 * "I" folds to "i", "İ" (U+0130) to "i" + U+0307, and "ı" (U+0131) stays
 * "ı". An owner who typed "ı" at enrollment and "I" later will not match;
 * a Turkish folding would fold "I" to "ı", and break every other language.
 *
 * sodium_init must have been called before any of these.
 */
#ifndef NVR_BACKENDS_RECOVERY_ANSWER_H
#define NVR_BACKENDS_RECOVERY_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <sodium.h>

#include "common/nvr_error.h"
#include "common/secret.h"

/* The cost of one hash: argon2id passes and memory. */
struct answer_cost {
	unsigned long long ops;
	size_t memory_bytes;	/* libsodium rounds it down to KiB */
};

/* Chosen for a 1 GB ARM NVR; about 0.13 s per hash on x86-64. */
#define ANSWER_COST_DEFAULT_OPS 3
#define ANSWER_COST_DEFAULT_MEMORY (64u << 20)

/* What the config may allow. The upper limits also bound the work a hash
 * read from the store can ask for. */
#define ANSWER_COST_MIN_OPS crypto_pwhash_argon2id_OPSLIMIT_MIN
#define ANSWER_COST_MAX_OPS 20
#define ANSWER_COST_MIN_MEMORY crypto_pwhash_argon2id_MEMLIMIT_MIN
#define ANSWER_COST_MAX_MEMORY (256u << 20)

/* Room for a hash string with its NUL. */
#define ANSWER_HASH_MAX crypto_pwhash_STRBYTES

/*
 * Puts the normal form of TEXT (LEN bytes) in OUT, which must have been
 * through secret_init; OUT is emptied first and left empty on error.
 * Returns 0, or:
 * -EINVAL  TEXT is not valid UTF-8, or holds a control character other
 *          than white space (a NUL, an Escape, U+0080..U+009F);
 * -ENODATA nothing is left after normalising (empty or all white space);
 * -E2BIG   the normal form does not fit in OUT (SECRET_MAX with the NUL),
 *          or TEXT is over four times that, refused unread;
 * -ENOMEM  libunistring ran out of memory.
 */
int answer_normalise(const char *text, size_t len, struct secret *out);

/* The fewest characters an answer has in its normal form: two, since
 * two-character answers are common in Chinese, and one is a guess. */
#define ANSWER_CHARS_MIN 2

/*
 * Whether ANSWERS[INDEX] may be enrolled beside ANSWERS[0..INDEX): 0, an
 * error of answer_normalise, -EMSGSIZE if its normal form has fewer than
 * ANSWER_CHARS_MIN characters, or -EEXIST if it normalises to the same
 * text as an earlier one (*SAME its index), which would make two
 * questions one.
 */
int answer_check_new(const struct secret *answers, size_t index,
    size_t *same);

/*
 * Hashes the normal form of TEXT (LEN bytes) into HASH with COST (NULL:
 * the defaults). Returns 0, an error of answer_normalise, -ERANGE if COST
 * is outside the limits above, or -ENOMEM if libsodium could not get the
 * memory; on error ERR is filled and HASH is "".
 */
int answer_hash(const struct answer_cost *cost, const char *text, size_t len,
    char hash[ANSWER_HASH_MAX], struct nvr_error *err);

/*
 * answer_hash for bytes taken exactly as they are, for recovery keys,
 * which their own codec puts in canonical form. TEXT must be 1 to
 * SECRET_MAX - 1 bytes (-ENODATA, -E2BIG); its content is not checked.
 */
int answer_hash_exact(const struct answer_cost *cost, const char *text,
    size_t len, char hash[ANSWER_HASH_MAX], struct nvr_error *err);

/*
 * Checks TEXT (LEN bytes) against HASH from answer_hash. Returns 0 on a
 * match; -EACCES if it does not match or TEXT cannot be normalised;
 * -EINVAL if HASH is not one answer_hash_valid accepts; -ENOMEM if
 * libunistring ran out of memory. Known limit: libsodium reports a hash
 * it had no memory to compute as a mismatch, so that is -EACCES too.
 */
int answer_verify(const char *hash, const char *text, size_t len);

/* answer_verify against a hash from answer_hash_exact: TEXT's bytes as
 * they are. */
int answer_verify_exact(const char *hash, const char *text, size_t len);

/*
 * Whether HASH is an argon2id string this build writes and checks:
 * "$argon2id$v=19$m=M,t=T,p=1$SALT$HASH", shorter than ANSWER_HASH_MAX,
 * with M KiB and T passes within the cost limits above and SALT and HASH
 * in libsodium's base64 at their sizes. Such a string is printable ASCII
 * without spaces, tabs or colons. NULL is not valid.
 */
bool answer_hash_valid(const char *hash);

/* Hashes a fixed dummy answer once with COST (NULL: the defaults) and puts
 * the wall time in *SECONDS. Returns 0, -ERANGE or -ENOMEM. */
int answer_measure(const struct answer_cost *cost, double *seconds);

#endif
