/*
 * test_answer.c: security-question answers (backends/recovery/answer.c): the
 * normal form an answer is compared in, including the cases it does not
 * join (Turkish dotless i), and argon2id hashes made and checked.
 *
 * Hashes use a low cost (1 pass, 64 KiB) to stay fast; one test measures
 * the default cost once and prints the time. Expected normal forms are
 * what libunistring 1.0 gives, written as UTF-8 bytes where the letters
 * would not be told apart on screen.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "backends/recovery/answer.h"
#include "common/secret.h"

static const struct answer_cost LOW = { 1, 8192 * 8 };

/* How answer_hash begins a hash made with LOW (64 KiB, 1 pass). */
#define LOW_PREFIX "$argon2id$v=19$m=64,t=1,p=1$"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

/* Fails at FILE:LINE unless TEXT (a C string) normalises to WANT. */
static void
check_normal(const char *text, const char *want, const char *file, int line)
{
	struct secret s;

	secret_init(&s);
	_assert_int_equal(answer_normalise(text, strlen(text), &s), 0, file,
	    line);
	_assert_string_equal(s.bytes, want, file, line);
	_assert_int_equal(s.length, strlen(want), file, line);
	secret_release(&s);
}

/* Fails at FILE:LINE unless LEN bytes of TEXT are refused with WANT, and
 * the secret, which held an earlier answer, is left empty. */
static void
check_refused(const char *text, size_t len, int want, const char *file,
    int line)
{
	struct secret s;

	secret_init(&s);
	_assert_int_equal(answer_normalise("earlier", 7, &s), 0, file, line);
	_assert_int_equal(answer_normalise(text, len, &s), want, file, line);
	_assert_int_equal(s.length, 0, file, line);
	_assert_int_equal(s.chars, 0, file, line);
	_assert_string_equal(s.bytes, "", file, line);
	secret_release(&s);
}

/* Whether A and B (C strings) have the same normal form. */
static bool
same(const char *a, const char *b)
{
	struct secret sa, sb;
	bool eq;

	secret_init(&sa);
	secret_init(&sb);
	assert_int_equal(answer_normalise(a, strlen(a), &sa), 0);
	assert_int_equal(answer_normalise(b, strlen(b), &sb), 0);
	eq = strcmp(sa.bytes, sb.bytes) == 0;
	secret_release(&sa);
	secret_release(&sb);
	return eq;
}

#define assert_normal(text, want) \
	check_normal((text), (want), __FILE__, __LINE__)
#define assert_refused(text, want) \
	check_refused((text), strlen(text), (want), __FILE__, __LINE__)
#define assert_refused_n(text, len, want) \
	check_refused((text), (len), (want), __FILE__, __LINE__)

/* C string of N copies of PIECE, then TAIL; malloc'd. */
static char *
repeat(const char *piece, size_t n, const char *tail)
{
	size_t plen = strlen(piece), tlen = strlen(tail);
	char *s = malloc(plen * n + tlen + 1);

	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * plen, piece, plen);
	memcpy(s + plen * n, tail, tlen + 1);
	return s;
}

/* Hashes TEXT with LOW, which must succeed. */
static void
hash_low(const char *text, char hash[ANSWER_HASH_MAX])
{
	struct nvr_error err = { "" };
	int rc = answer_hash(&LOW, text, strlen(text), hash, &err);

	if (rc != 0)
		print_error("answer_hash: %d %s\n", rc, err.message);
	assert_int_equal(rc, 0);
	assert_true(answer_hash_valid(hash));
}

static int
verify(const char *hash, const char *text)
{
	return answer_verify(hash, text, strlen(text));
}

/* ------------------------------------------------------------------ */
/* answer_normalise                                                    */

static void
test_answer_normalise_ok_case(void **state)
{
	(void)state;
	assert_normal("Fluffy", "fluffy");
	assert_normal("fLUFFY", "fluffy");
	assert_true(same("Fluffy", "fLUFFY"));
}

static void
test_answer_normalise_ok_spaces(void **state)
{
	struct secret s;
	const char *text = "  Fluffy \t the\n\r\vcat  ";

	(void)state;
	assert_normal(text, "fluffy the cat");
	assert_normal("\tfluffy", "fluffy");
	assert_normal("fluffy\t", "fluffy");
	/* U+00A0 no-break space, U+3000 ideographic space, U+2003 em space,
	 * U+0085 next line: Unicode white space, one ASCII space. */
	assert_normal("fluffy\xc2\xa0" "cat", "fluffy cat");
	assert_normal("fluffy\xe3\x80\x80" "cat", "fluffy cat");
	assert_normal("\xe3\x80\x80" "fluffy \xc2\xa0\xe2\x80\x83\xc2\x85"
	    "cat\xe3\x80\x80", "fluffy cat");
	/* The character count the mask shows is of the normal form. */
	secret_init(&s);
	assert_int_equal(answer_normalise(text, strlen(text), &s), 0);
	assert_int_equal(s.chars, 14);
	text = "  caf\xc3\xa9  au lait";
	assert_int_equal(answer_normalise(text, strlen(text), &s), 0);
	assert_int_equal(s.length, 13);		/* é is two bytes */
	assert_int_equal(s.chars, 12);
	secret_release(&s);
}

static void
test_answer_normalise_ok_composed_accents(void **state)
{
	(void)state;
	/* é as U+00E9 and as e + U+0301: NFKC composes both to U+00E9. */
	assert_normal("Caf\xc3\xa9", "caf\xc3\xa9");
	assert_normal("Cafe\xcc\x81", "caf\xc3\xa9");
	assert_normal("CAFE\xcc\x81", "caf\xc3\xa9");
	assert_normal("CAF\xc3\x89", "caf\xc3\xa9");
	assert_true(same("caf\xc3\xa9", "cafe\xcc\x81"));
	/* Å as U+00C5, as A + U+030A and as the Angstrom sign U+212B. */
	assert_normal("\xc3\x85", "\xc3\xa5");
	assert_normal("A\xcc\x8a", "\xc3\xa5");
	assert_normal("\xe2\x84\xab", "\xc3\xa5");
	/* Accents still count: "cafe" is another answer. */
	assert_false(same("caf\xc3\xa9", "cafe"));
}

static void
test_answer_normalise_ok_sharp_s(void **state)
{
	(void)state;
	/* Full case folding (CaseFolding.txt status F) folds ß, and capital
	 * ẞ (U+1E9E), to "ss"; simple folding would keep ß. So every
	 * spelling of Straße matches. */
	assert_normal("Stra\xc3\x9f" "e", "strasse");
	assert_normal("STRASSE", "strasse");
	assert_normal("strasse", "strasse");
	assert_normal("STRA\xe1\xba\x9e" "E", "strasse");
	assert_true(same("Stra\xc3\x9f" "e", "STRASSE"));
}

static void
test_answer_normalise_ok_compatibility(void **state)
{
	(void)state;
	/* NFKC: fullwidth letters, ligatures and superscripts become the
	 * plain ones. */
	assert_normal("\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3", "abc");
	assert_true(same("\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3", "abc"));
	assert_normal("\xef\xac\x81" "sh", "fish");		/* ﬁ */
	assert_normal("x\xc2\xb2", "x2");			/* x² */
	/* ㎒ (U+3392) is "MHz" only after NFKC, so one fold then NFKC would
	 * leave "MHz": libunistring folds again after decomposing, which is
	 * Unicode's compatibility caseless match. */
	assert_normal("\xe3\x8e\x92", "mhz");
	/* Fullwidth digits and the fullwidth space too. */
	assert_normal("\xef\xbc\x91\xef\xbc\x92\xe3\x80\x80\xef\xbd\x82",
	    "12 b");
}

static void
test_answer_normalise_ok_greek_cyrillic(void **state)
{
	(void)state;
	/* Σ and final ς both fold to σ. */
	assert_normal("\xce\x9f\xce\x94\xce\xa5\xce\xa3\xce\xa3\xce\x95"
	    "\xce\xa5\xce\xa3", "\xce\xbf\xce\xb4\xcf\x85\xcf\x83\xcf\x83"
	    "\xce\xb5\xcf\x85\xcf\x83");
	/* ΟΔΥΣΣΕΥΣ, οδυσσευς. */
	assert_true(same("\xce\x9f\xce\x94\xce\xa5\xce\xa3\xce\xa3\xce\x95"
	    "\xce\xa5\xce\xa3", "\xce\xbf\xce\xb4\xcf\x85\xcf\x83\xcf\x83"
	    "\xce\xb5\xcf\x85\xcf\x82"));
	/* Ά (U+0386) and ά (U+03AC). */
	assert_true(same("\xce\x86", "\xce\xac"));
	/* МОСКВА, москва. */
	assert_normal("\xd0\x9c\xd0\x9e\xd0\xa1\xd0\x9a\xd0\x92\xd0\x90",
	    "\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0");
	/* ЁЛКА, ёлка, and е + U+0308 лка. */
	assert_normal("\xd0\x81\xd0\x9b\xd0\x9a\xd0\x90",
	    "\xd1\x91\xd0\xbb\xd0\xba\xd0\xb0");
	assert_normal("\xd0\xb5\xcc\x88\xd0\xbb\xd0\xba\xd0\xb0",
	    "\xd1\x91\xd0\xbb\xd0\xba\xd0\xb0");
}

static void
test_answer_normalise_ok_turkish_dotless_i(void **state)
{
	(void)state;
	/* Known limit, kept on purpose (answer.h): folding with no language
	 * is Unicode's default, not Turkish. */
	assert_normal("I", "i");
	assert_normal("\xc4\xb0", "i\xcc\x87");		/* İ: i + U+0307 */
	assert_normal("\xc4\xb1", "\xc4\xb1");		/* ı stays ı */
	/* So "ı" typed at enrollment and "I" later do not match, nor do
	 * "İ" and "i". */
	assert_false(same("\xc4\xb1", "I"));
	assert_false(same("\xc4\xb1stanbul", "ISTANBUL"));
	assert_false(same("\xc4\xb0stanbul", "istanbul"));
	/* What does match: the same letter in the other case. */
	assert_true(same("\xc4\xb0stanbul", "i\xcc\x87stanbul"));
	assert_true(same("Istanbul", "istanbul"));
}

static void
test_answer_normalise_nok_invalid_utf8(void **state)
{
	(void)state;
	assert_refused("\xff", -EINVAL);
	assert_refused("fluffy\xc3", -EINVAL);		/* cut short */
	assert_refused("\xc0\xaf", -EINVAL);		/* overlong / */
	assert_refused("\xed\xa0\x80", -EINVAL);		/* surrogate */
	assert_refused("\xf4\x90\x80\x80", -EINVAL);	/* past U+10FFFF */
	assert_refused("caf\xe9", -EINVAL);		/* Latin-1 é */
}

static void
test_answer_normalise_nok_control_characters(void **state)
{
	(void)state;
	assert_refused_n("flu\0ffy", 7, -EINVAL);
	assert_refused("fluffy\x1b[A", -EINVAL);	/* an arrow key */
	assert_refused("fluffy\x7f", -EINVAL);		/* Delete */
	assert_refused("fluffy\x08", -EINVAL);		/* Backspace */
	assert_refused("\x1f" "fluffy", -EINVAL);	/* unit separator */
	assert_refused("fluffy\xc2\x9b", -EINVAL);	/* C1 CSI */
	/* Control characters that are white space are only spaces. */
	assert_normal("\tfluffy\r\n", "fluffy");
}

static void
test_answer_normalise_nok_empty(void **state)
{
	(void)state;
	assert_refused("", -ENODATA);
	assert_refused(" ", -ENODATA);
	assert_refused(" \t\r\n ", -ENODATA);
	assert_refused("\xc2\xa0\xe3\x80\x80\xe2\x80\x83", -ENODATA);
}

static void
test_answer_normalise_nok_too_long(void **state)
{
	char *s;

	(void)state;
	/* SECRET_MAX - 1 bytes and the NUL fit exactly. */
	s = repeat("a", SECRET_MAX - 1, "");
	assert_normal(s, s);
	free(s);
	s = repeat("a", SECRET_MAX, "");
	assert_refused(s, -E2BIG);
	free(s);
	s = repeat("\xc3\xa9", (SECRET_MAX - 2) / 2, "a");	/* 511 bytes */
	assert_int_equal(strlen(s), SECRET_MAX - 1);
	assert_normal(s, s);
	free(s);
	s = repeat("\xc3\xa9", SECRET_MAX / 2, "");		/* 512 bytes */
	assert_refused(s, -E2BIG);
	free(s);
	/* Folding can lengthen: 200 İ are 400 bytes typed, 600 folded. */
	s = repeat("\xc4\xb0", 200, "");
	assert_refused(s, -E2BIG);
	free(s);
	/* ﷺ (U+FDFA) is 33 bytes after NFKC: 100 of them are larger than
	 * the fold buffer, so libunistring allocates, and we free. */
	s = repeat("\xef\xb7\xba", 100, "");
	assert_refused(s, -E2BIG);
	free(s);
	/* What counts is the normal form... */
	s = repeat(" ", 4 * SECRET_MAX - 2, "ab");
	assert_normal(s, "ab");
	free(s);
	/* ...of an input no longer than four times the buffer. */
	s = repeat(" ", 4 * SECRET_MAX - 1, "ab");
	assert_refused(s, -E2BIG);
	free(s);
}

/* ------------------------------------------------------------------ */
/* answer_hash, answer_verify                                          */

static void
test_answer_hash_ok_verify_variant(void **state)
{
	char hash[ANSWER_HASH_MAX];

	(void)state;
	hash_low("Fluffy the Cat", hash);
	assert_int_equal(strncmp(hash, LOW_PREFIX, strlen(LOW_PREFIX)), 0);
	assert_int_equal(verify(hash, "Fluffy the Cat"), 0);
	assert_int_equal(verify(hash, "  fLUFFY\tTHE\xc2\xa0" "cat "), 0);
	assert_int_equal(verify(hash, "\xef\xbc\xa6luffy the cat"), 0);
	assert_int_equal(verify(hash, "Fluffy the Dog"), -EACCES);
	assert_int_equal(verify(hash, "FluffytheCat"), -EACCES);
	assert_int_equal(verify(hash, "Fluffy the Cat."), -EACCES);
	/* The hash is of the normal form, byte for byte. */
	assert_int_equal(answer_verify_exact(hash, "fluffy the cat", 14), 0);
}

static void
test_answer_hash_ok_own_salt(void **state)
{
	char a[ANSWER_HASH_MAX], b[ANSWER_HASH_MAX];

	(void)state;
	hash_low("Biscuit", a);
	hash_low("Biscuit", b);
	assert_string_not_equal(a, b);
	assert_int_equal(verify(a, "biscuit"), 0);
	assert_int_equal(verify(b, "biscuit"), 0);
}

static void
test_answer_hash_ok_sharp_s_and_accents(void **state)
{
	char hash[ANSWER_HASH_MAX];

	(void)state;
	hash_low("Stra\xc3\x9f" "e Caf\xc3\xa9", hash);
	assert_int_equal(verify(hash, "STRASSE CAFE\xcc\x81"), 0);
	assert_int_equal(verify(hash, "strasse cafe"), -EACCES);
}

static void
test_answer_hash_nok_turkish_dotless_i(void **state)
{
	char hash[ANSWER_HASH_MAX];

	(void)state;
	/* The known limit, end to end: ılgın enrolled, ILGIN refused. */
	hash_low("\xc4\xb1lg\xc4\xb1n", hash);
	assert_int_equal(verify(hash, "ILGIN"), -EACCES);
	assert_int_equal(verify(hash, "\xc4\xb1LG\xc4\xb1N"), 0);
}

static void
test_answer_hash_nok_text_refused(void **state)
{
	char hash[ANSWER_HASH_MAX] = "x";
	struct nvr_error err = { "" };

	(void)state;
	assert_int_equal(answer_hash(&LOW, "   ", 3, hash, &err), -ENODATA);
	assert_string_equal(hash, "");
	assert_string_equal(err.message, "answer is empty");
	assert_int_equal(answer_hash(&LOW, "a\xff", 2, hash, &err), -EINVAL);
	assert_non_null(strstr(err.message, "UTF-8"));
	assert_int_equal(answer_hash(&LOW, "ok", 2, hash, NULL), 0);
	assert_int_equal(answer_hash(&LOW, "a\x1b", 2, hash, NULL), -EINVAL);
	assert_string_equal(hash, "");
}

static void
test_answer_hash_nok_cost_out_of_range(void **state)
{
	static const struct answer_cost bad[] = {
		{ 0, 8192 * 8 },
		{ ANSWER_COST_MAX_OPS + 1, 8192 * 8 },
		{ 1, ANSWER_COST_MIN_MEMORY - 1 },
		{ 1, ANSWER_COST_MAX_MEMORY + 1 },
	};
	char hash[ANSWER_HASH_MAX];
	struct nvr_error err = { "" };
	double seconds;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(answer_hash(&bad[i], "fluffy", 6, hash, &err),
		    -ERANGE);
		assert_string_equal(hash, "");
		assert_non_null(strstr(err.message, "cost out of range"));
		assert_int_equal(answer_hash_exact(&bad[i], "K", 1, hash,
		    NULL), -ERANGE);
		assert_int_equal(answer_measure(&bad[i], &seconds), -ERANGE);
	}
}

static void
test_answer_verify_nok_not_argon2id(void **state)
{
	char argon2i[crypto_pwhash_STRBYTES];

	(void)state;
	/* libsodium checks argon2i strings too, but this is none of ours. */
	assert_int_equal(crypto_pwhash_str_alg(argon2i, "fluffy", 6, 3,
	    8192 * 8, crypto_pwhash_ALG_ARGON2I13), 0);
	assert_int_equal(crypto_pwhash_str_verify(argon2i, "fluffy", 6), 0);
	assert_int_equal(verify(argon2i, "fluffy"), -EINVAL);
	assert_int_equal(verify("$6$salt$hash", "fluffy"), -EINVAL);
	assert_int_equal(verify("$2b$10$abcdefghijklmnopqrstuv", "fluffy"),
	    -EINVAL);
	assert_int_equal(verify("", "fluffy"), -EINVAL);
	assert_int_equal(verify("!", "fluffy"), -EINVAL);
	assert_int_equal(answer_verify(NULL, "fluffy", 6), -EINVAL);
	assert_int_equal(answer_verify_exact(argon2i, "fluffy", 6), -EINVAL);
}

static void
test_answer_verify_nok_truncated(void **state)
{
	char hash[ANSWER_HASH_MAX], cut[ANSWER_HASH_MAX];

	(void)state;
	hash_low("fluffy", hash);
	for (size_t n = 0; n < strlen(hash); n++) {
		memcpy(cut, hash, n);
		cut[n] = '\0';
		assert_false(answer_hash_valid(cut));
		assert_int_equal(verify(cut, "fluffy"), -EINVAL);
		assert_int_equal(answer_verify_exact(cut, "fluffy", 6),
		    -EINVAL);
	}
}

static void
test_answer_verify_nok_corrupted(void **state)
{
	char hash[ANSWER_HASH_MAX], bad[2 * ANSWER_HASH_MAX];
	char *salt, *sum;

	(void)state;
	hash_low("fluffy", hash);
	salt = hash + strlen(LOW_PREFIX);
	sum = strrchr(hash, '$') + 1;
	/* A changed salt or hash byte is only a wrong answer... */
	strcpy(bad, hash);
	bad[salt - hash] = salt[0] == 'A' ? 'B' : 'A';
	assert_true(answer_hash_valid(bad));
	assert_int_equal(verify(bad, "fluffy"), -EACCES);
	strcpy(bad, hash);
	bad[sum - hash] = sum[0] == 'A' ? 'B' : 'A';
	assert_int_equal(verify(bad, "fluffy"), -EACCES);
	/* ...a cost beyond the limits is refused unchecked, so a corrupt
	 * store cannot make the wizard hash for hours. */
	assert_int_equal(snprintf(bad, sizeof(bad), "$argon2id$v=19$m=64,"
	    "t=%d,p=1$%s", ANSWER_COST_MAX_OPS + 1, salt), (int)strlen(hash)
	    + 1);
	assert_false(answer_hash_valid(bad));
	assert_int_equal(verify(bad, "fluffy"), -EINVAL);
	/* At the limit it is checked, and wrong: the cost is in the hash. */
	snprintf(bad, sizeof(bad), "$argon2id$v=19$m=64,t=%d,p=1$%s",
	    ANSWER_COST_MAX_OPS, salt);
	assert_true(answer_hash_valid(bad));
	assert_int_equal(verify(bad, "fluffy"), -EACCES);
}

static void
test_answer_verify_nok_unnormalisable_text(void **state)
{
	char hash[ANSWER_HASH_MAX];
	char *long_text;

	(void)state;
	hash_low("fluffy", hash);
	assert_int_equal(verify(hash, ""), -EACCES);
	assert_int_equal(verify(hash, "  "), -EACCES);
	assert_int_equal(verify(hash, "fluffy\xff"), -EACCES);
	assert_int_equal(verify(hash, "fluffy\x1b"), -EACCES);
	long_text = repeat("fluffy", 100, "");
	assert_int_equal(verify(hash, long_text), -EACCES);
	free(long_text);
}

/* ------------------------------------------------------------------ */
/* answer_hash_valid                                                   */

static void
test_answer_hash_valid_ok_and_nok(void **state)
{
	char hash[ANSWER_HASH_MAX], bad[2 * ANSWER_HASH_MAX];
	char *sum, *salt;
	size_t len, last;

	(void)state;
	hash_low("fluffy", hash);
	len = strlen(hash);
	assert_true(len < ANSWER_HASH_MAX);
	salt = hash + strlen(LOW_PREFIX);
	sum = strrchr(hash, '$') + 1;
	assert_int_equal(strlen(sum), 43);
	assert_int_equal(sum - salt - 1, 22);
	assert_true(answer_hash_valid(hash));
	/* Bounds of the cost. */
	snprintf(bad, sizeof(bad), "$argon2id$v=19$m=262144,t=20,p=1$%s",
	    salt);
	assert_true(answer_hash_valid(bad));
	snprintf(bad, sizeof(bad), "$argon2id$v=19$m=8,t=1,p=1$%s", salt);
	assert_true(answer_hash_valid(bad));

	assert_false(answer_hash_valid(NULL));
	assert_false(answer_hash_valid(""));
	assert_false(answer_hash_valid("$argon2id$"));
	snprintf(bad, sizeof(bad), "$argon2id$v=19$m=262145,t=1,p=1$%s", salt);
	assert_false(answer_hash_valid(bad));
	snprintf(bad, sizeof(bad), "$argon2id$v=19$m=7,t=1,p=1$%s", salt);
	assert_false(answer_hash_valid(bad));
	snprintf(bad, sizeof(bad), "$argon2id$v=19$m=064,t=1,p=1$%s", salt);
	assert_false(answer_hash_valid(bad));
	snprintf(bad, sizeof(bad), "$argon2id$v=19$m=64,t=0,p=1$%s", salt);
	assert_false(answer_hash_valid(bad));
	snprintf(bad, sizeof(bad), "$argon2id$v=19$m=64,t=1,p=2$%s", salt);
	assert_false(answer_hash_valid(bad));
	snprintf(bad, sizeof(bad), "$argon2id$v=16$m=64,t=1,p=1$%s", salt);
	assert_false(answer_hash_valid(bad));
	snprintf(bad, sizeof(bad), "$ARGON2ID$v=19$m=64,t=1,p=1$%s", salt);
	assert_false(answer_hash_valid(bad));
	/* Anything after, or in place of, a character. */
	snprintf(bad, sizeof(bad), "%s\n", hash);
	assert_false(answer_hash_valid(bad));
	snprintf(bad, sizeof(bad), "%s=", hash);
	assert_false(answer_hash_valid(bad));
	snprintf(bad, sizeof(bad), "%s:admin", hash);
	assert_false(answer_hash_valid(bad));
	for (size_t i = 0; i < 4; i++) {
		static const char *const put[] = { " ", "\t", ":", "\xc3" };

		strcpy(bad, hash);
		bad[sum - hash + 5] = put[i][0];
		assert_false(answer_hash_valid(bad));
	}
	/* Longer than fits, although the start is right. */
	memset(bad, 'A', sizeof(bad) - 1);
	bad[sizeof(bad) - 1] = '\0';
	memcpy(bad, hash, len);
	assert_false(answer_hash_valid(bad));
	/* Unused bits of the last base64 character set: libsodium would
	 * refuse to decode it. */
	strcpy(bad, hash);
	last = len - 1;
	bad[last] = bad[last] == 'B' ? 'C' : 'B';
	assert_false(answer_hash_valid(bad));
}

/* ------------------------------------------------------------------ */
/* answer_hash_exact, answer_verify_exact                              */

static void
test_answer_hash_exact_ok_exact(void **state)
{
	static const char key[] = "ABCD-EFGH-JKMN";
	char hash[ANSWER_HASH_MAX];
	struct nvr_error err = { "" };

	(void)state;
	assert_int_equal(answer_hash_exact(&LOW, key, strlen(key), hash,
	    &err), 0);
	assert_true(answer_hash_valid(hash));
	assert_int_equal(answer_verify_exact(hash, key, strlen(key)), 0);
	assert_int_equal(answer_verify_exact(hash, "abcd-efgh-jkmn", 14),
	    -EACCES);
	assert_int_equal(answer_verify_exact(hash, " ABCD-EFGH-JKMN", 15),
	    -EACCES);
	assert_int_equal(answer_verify_exact(hash, key, strlen(key) - 1),
	    -EACCES);
	assert_int_equal(answer_verify_exact(hash, "", 0), -EACCES);
	/* The normalising check folds the key, so it does not match. */
	assert_int_equal(verify(hash, key), -EACCES);
}

static void
test_answer_hash_exact_nok_length(void **state)
{
	char hash[ANSWER_HASH_MAX], *s;
	struct nvr_error err = { "" };

	(void)state;
	assert_int_equal(answer_hash_exact(&LOW, "", 0, hash, &err),
	    -ENODATA);
	assert_string_equal(hash, "");
	s = repeat("K", SECRET_MAX, "");
	assert_int_equal(answer_hash_exact(&LOW, s, SECRET_MAX, hash, &err),
	    -E2BIG);
	assert_int_equal(answer_hash_exact(&LOW, s, SECRET_MAX - 1, hash,
	    &err), 0);
	assert_int_equal(answer_verify_exact(hash, s, SECRET_MAX - 1), 0);
	assert_int_equal(answer_verify_exact(hash, s, SECRET_MAX), -EACCES);
	free(s);
}

/* ------------------------------------------------------------------ */
/* answer_measure                                                      */

static void
test_answer_measure_ok_default_cost(void **state)
{
	double seconds = -1;

	(void)state;
	assert_int_equal(answer_measure(NULL, &seconds), 0);
	assert_true(seconds > 0);
	print_message("default cost (%d passes, %u MiB): %.3f s per hash\n",
	    ANSWER_COST_DEFAULT_OPS, ANSWER_COST_DEFAULT_MEMORY >> 20,
	    seconds);
}

/* ------------------------------------------------------------------ */

static int
group_setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answer_normalise_ok_case),
		cmocka_unit_test(test_answer_normalise_ok_spaces),
		cmocka_unit_test(test_answer_normalise_ok_composed_accents),
		cmocka_unit_test(test_answer_normalise_ok_sharp_s),
		cmocka_unit_test(test_answer_normalise_ok_compatibility),
		cmocka_unit_test(test_answer_normalise_ok_greek_cyrillic),
		cmocka_unit_test(test_answer_normalise_ok_turkish_dotless_i),
		cmocka_unit_test(test_answer_normalise_nok_invalid_utf8),
		cmocka_unit_test(test_answer_normalise_nok_control_characters),
		cmocka_unit_test(test_answer_normalise_nok_empty),
		cmocka_unit_test(test_answer_normalise_nok_too_long),
		cmocka_unit_test(test_answer_hash_ok_verify_variant),
		cmocka_unit_test(test_answer_hash_ok_own_salt),
		cmocka_unit_test(test_answer_hash_ok_sharp_s_and_accents),
		cmocka_unit_test(test_answer_hash_nok_turkish_dotless_i),
		cmocka_unit_test(test_answer_hash_nok_text_refused),
		cmocka_unit_test(test_answer_hash_nok_cost_out_of_range),
		cmocka_unit_test(test_answer_verify_nok_not_argon2id),
		cmocka_unit_test(test_answer_verify_nok_truncated),
		cmocka_unit_test(test_answer_verify_nok_corrupted),
		cmocka_unit_test(test_answer_verify_nok_unnormalisable_text),
		cmocka_unit_test(test_answer_hash_valid_ok_and_nok),
		cmocka_unit_test(test_answer_hash_exact_ok_exact),
		cmocka_unit_test(test_answer_hash_exact_nok_length),
		cmocka_unit_test(test_answer_measure_ok_default_cost),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
