/*
 * answer.c: security-question answers and recovery keys, normalised with
 * libunistring and hashed with libsodium's argon2id.
 *
 * Invariants:
 * 1. Every copy of an answer made here is in a struct secret or in a
 *    locked fold buffer, wiped before return; a larger result libunistring
 *    had to allocate is wiped before it is freed.
 * 2. A hash is checked only if answer_hash_valid accepts it, so libsodium
 *    never decodes a malformed string or runs a cost beyond our limits.
 * 3. Error messages hold no part of an answer.
 */
#include "backends/recovery/answer.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

/* Longer input is refused unread: the wizard's answers come from a struct
 * secret, and this bounds the work libunistring is given. */
#define INPUT_MAX (4L * SECRET_MAX)

/* Folding rarely grows an answer much; a larger result is allocated by
 * libunistring and wiped by us. */
#define FOLD_MAX (4 * SECRET_MAX)

/* The hash bytes in a libsodium string (its STR_HASHBYTES, not exported). */
#define HASH_BYTES 32

#define HASH_PREFIX "$argon2id$v=19$m="

/* For answer_measure: a typical answer, not a secret. */
#define DUMMY_ANSWER "Our first dog was called Biscuit"

struct fold_buf {
	uint8_t bytes[FOLD_MAX];
};

static const struct answer_cost default_cost = {
	.ops = ANSWER_COST_DEFAULT_OPS,
	.memory_bytes = ANSWER_COST_DEFAULT_MEMORY,
};

/* A control character that is not white space: tab, newline and the like
 * are only spaces to collapse, anything else was not typed as an answer. */
static bool
is_bad_control(ucs4_t uc)
{
	return uc_is_general_category(uc, UC_CATEGORY_Cc) &&
	    !uc_is_property_white_space(uc);
}

/* 0 if TEXT is valid UTF-8 without a bad control character. */
static int
check_text(const uint8_t *text, size_t len)
{
	size_t i = 0;

	if (u8_check(text, len) != NULL)
		return -EINVAL;
	while (i < len) {
		ucs4_t uc;

		i += (size_t)u8_mbtouc_unsafe(&uc, text + i, len - i);
		if (is_bad_control(uc))
			return -EINVAL;
	}
	return 0;
}

/* Copies S (N bytes of valid UTF-8) into OUT, each run of white space one
 * ASCII space, none at either end. */
static int
collapse(const uint8_t *s, size_t n, struct secret *out)
{
	bool space = false;
	size_t i = 0;

	while (i < n) {
		ucs4_t uc;
		size_t len = (size_t)u8_mbtouc_unsafe(&uc, s + i, n - i);

		if (uc_is_property_white_space(uc)) {
			space = true;
		} else {
			/* A space only between words: none leads. */
			bool sep = space && out->length > 0;

			if (out->length + sep + len >= SECRET_MAX)
				return -E2BIG;
			if (sep) {
				out->bytes[out->length++] = ' ';
				out->chars++;
			}
			memcpy(out->bytes + out->length, s + i, len);
			out->length += len;
			out->chars++;
			space = false;
		}
		i += len;
	}
	out->bytes[out->length] = '\0';
	return out->length > 0 ? 0 : -ENODATA;
}

int
answer_normalise(const char *text, size_t len, struct secret *out)
{
	const uint8_t *in = (const uint8_t *)text;
	struct fold_buf buf;
	uint8_t *folded;
	size_t n = sizeof(buf.bytes);
	int rc;

	secret_clear(out);
	if (len > INPUT_MAX)
		return -E2BIG;
	rc = check_text(in, len);
	if (rc != 0)
		return rc;
	(void)sodium_mlock(&buf, sizeof(buf));
	/* No language: Unicode's default folding (see the Turkish note in
	 * answer.h). */
	folded = u8_casefold(in, len, NULL, UNINORM_NFKC, buf.bytes, &n);
	if (folded == NULL) {
		rc = -ENOMEM;
	} else {
		rc = collapse(folded, n, out);
		if (folded != buf.bytes) {
			sodium_memzero(folded, n);
			free(folded);
		}
	}
	sodium_munlock(&buf, sizeof(buf));	/* wipes, then unlocks */
	if (rc != 0)
		secret_clear(out);
	return rc;
}

static bool
cost_ok(const struct answer_cost *cost)
{
	return cost->ops >= ANSWER_COST_MIN_OPS &&
	    cost->ops <= ANSWER_COST_MAX_OPS &&
	    cost->memory_bytes >= ANSWER_COST_MIN_MEMORY &&
	    cost->memory_bytes <= ANSWER_COST_MAX_MEMORY;
}

static int
hash_bytes(const struct answer_cost *cost, const char *bytes, size_t len,
    char hash[ANSWER_HASH_MAX], struct nvr_error *err)
{
	if (cost == NULL)
		cost = &default_cost;
	if (!cost_ok(cost))
		return nvr_error_set(err, -ERANGE, "answer hash cost out of "
		    "range: %llu passes, %zu KiB", cost->ops,
		    cost->memory_bytes >> 10);
	/* libsodium's str functions take the salt from randombytes, one per
	 * call, and write it and the cost into the string. */
	if (crypto_pwhash_str_alg(hash, bytes, len, cost->ops,
	    cost->memory_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		hash[0] = '\0';
		return nvr_error_set(err, -ENOMEM, "cannot hash an answer "
		    "with %zu KiB: out of memory", cost->memory_bytes >> 10);
	}
	return 0;
}

static int
normalise_error(struct nvr_error *err, int rc)
{
	switch (rc) {
	case -EINVAL:
		return nvr_error_set(err, rc, "answer is not valid UTF-8 or "
		    "holds a control character");
	case -ENODATA:
		return nvr_error_set(err, rc, "answer is empty");
	case -E2BIG:
		return nvr_error_set(err, rc, "answer is longer than %d bytes",
		    SECRET_MAX - 1);
	default:
		return nvr_error_set(err, rc, "cannot normalise an answer: "
		    "out of memory");
	}
}

int
answer_hash(const struct answer_cost *cost, const char *text, size_t len,
    char hash[ANSWER_HASH_MAX], struct nvr_error *err)
{
	struct secret norm;
	int rc;

	hash[0] = '\0';
	secret_init(&norm);
	rc = answer_normalise(text, len, &norm);
	if (rc != 0)
		rc = normalise_error(err, rc);
	else
		rc = hash_bytes(cost, norm.bytes, norm.length, hash, err);
	secret_release(&norm);
	return rc;
}

int
answer_hash_exact(const struct answer_cost *cost, const char *text,
    size_t len, char hash[ANSWER_HASH_MAX], struct nvr_error *err)
{
	hash[0] = '\0';
	if (len == 0)
		return nvr_error_set(err, -ENODATA, "key is empty");
	if (len >= SECRET_MAX)
		return nvr_error_set(err, -E2BIG, "key is longer than %d bytes",
		    SECRET_MAX - 1);
	return hash_bytes(cost, text, len, hash, err);
}

/* HASH already passed answer_hash_valid. libsodium (1.0.18) reports a
 * check it could not run, for want of memory, as a mismatch, errno and
 * all: we cannot tell them apart. */
static int
verify_bytes(const char *hash, const char *bytes, size_t len)
{
	if (crypto_pwhash_str_verify(hash, bytes, len) == 0)
		return 0;
	return -EACCES;
}

int
answer_verify(const char *hash, const char *text, size_t len)
{
	struct secret norm;
	int rc;

	if (!answer_hash_valid(hash))
		return -EINVAL;
	secret_init(&norm);
	rc = answer_normalise(text, len, &norm);
	if (rc == 0)
		rc = verify_bytes(hash, norm.bytes, norm.length);
	else if (rc != -ENOMEM)
		rc = -EACCES;	/* could never have been hashed */
	secret_release(&norm);
	return rc;
}

int
answer_verify_exact(const char *hash, const char *text, size_t len)
{
	if (!answer_hash_valid(hash))
		return -EINVAL;
	if (len == 0 || len >= SECRET_MAX)
		return -EACCES;
	return verify_bytes(hash, text, len);
}

/* Skips the literal WORD at *P. */
static bool
take(const char **p, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(*p, word, n) != 0)
		return false;
	*p += n;
	return true;
}

/* Reads a decimal in MIN..MAX at *P, without a leading zero (libsodium's
 * decoder refuses one). */
static bool
take_number(const char **p, unsigned long min, unsigned long max)
{
	const char *s = *p;
	unsigned long v = 0;

	if (*s < '0' || *s > '9' || (*s == '0' && s[1] >= '0' && s[1] <= '9'))
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)	/* also keeps v from overflowing */
			return false;
	}
	*p = s;
	return v >= min;
}

static int
base64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Reads BYTES bytes in unpadded base64 at *P. The bits past the last byte
 * must be zero, as libsodium's decoder wants. */
static bool
take_base64(const char **p, size_t bytes)
{
	size_t chars = (bytes * 8 + 5) / 6;
	unsigned spare = (unsigned)(chars * 6 - bytes * 8);
	int v = 0;

	for (size_t i = 0; i < chars; i++) {
		v = base64_value((*p)[i]);
		if (v < 0)
			return false;
	}
	if ((v & ((1 << spare) - 1)) != 0)
		return false;
	*p += chars;
	return true;
}

bool
answer_hash_valid(const char *hash)
{
	const char *p = hash;

	if (hash == NULL || strnlen(hash, ANSWER_HASH_MAX) >= ANSWER_HASH_MAX)
		return false;
	/* This whole shape allows only printable ASCII without spaces, tabs
	 * or colons, so the store's separators cannot occur. */
	return take(&p, HASH_PREFIX) &&
	    take_number(&p, ANSWER_COST_MIN_MEMORY >> 10,
		ANSWER_COST_MAX_MEMORY >> 10) &&
	    take(&p, ",t=") &&
	    take_number(&p, ANSWER_COST_MIN_OPS, ANSWER_COST_MAX_OPS) &&
	    take(&p, ",p=1$") &&
	    take_base64(&p, crypto_pwhash_argon2id_SALTBYTES) &&
	    take(&p, "$") &&
	    take_base64(&p, HASH_BYTES) &&
	    *p == '\0';
}

int
answer_measure(const struct answer_cost *cost, double *seconds)
{
	char hash[ANSWER_HASH_MAX];
	struct timespec start, end;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &start);
	rc = answer_hash(cost, DUMMY_ANSWER, strlen(DUMMY_ANSWER), hash,
	    NULL);
	clock_gettime(CLOCK_MONOTONIC, &end);
	*seconds = (double)(end.tv_sec - start.tv_sec) +
	    (double)(end.tv_nsec - start.tv_nsec) / 1e9;
	return rc;
}

int
answer_check_new(const struct secret *answers, size_t index, size_t *same)
{
	struct secret normal, earlier;
	size_t chars = 0;
	int rc;

	secret_init(&normal);
	secret_init(&earlier);
	rc = answer_normalise(secret_text(&answers[index]),
	    answers[index].length, &normal);
	/* Characters, not bytes: continuation bytes are 10xxxxxx. */
	for (size_t i = 0; rc == 0 && i < normal.length; i++)
		chars += ((unsigned char)normal.bytes[i] & 0xC0) != 0x80;
	if (rc == 0 && chars < ANSWER_CHARS_MIN)
		rc = -EMSGSIZE;
	for (size_t k = 0; rc == 0 && k < index; k++) {
		if (answer_normalise(secret_text(&answers[k]),
		    answers[k].length, &earlier) == 0 &&
		    secret_equal(&normal, &earlier)) {
			*same = k;
			rc = -EEXIST;
		}
	}
	secret_release(&earlier);
	secret_release(&normal);
	return rc;
}
