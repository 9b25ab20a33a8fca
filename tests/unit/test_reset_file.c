/*
 * test_reset_file.c: signed reset files (common/reset_file.c) and the
 * recorder taking one (requests_redeem_file in backends/requests/requests.c):
 * pinned known answers, round trips, every way a file can be malformed
 * refused at its line, every single bit flip of a valid file refused,
 * every truncation refused, signatures by another key or without the
 * context string refused, and every field of a file checked against the
 * recorder and its pending request. Version-2 files (with the account
 * store) likewise: pinned, round trips, their own strictness, and never
 * taken for a version-1 file or for another store's.
 *
 * The pinned files were checked against an independent implementation
 * (Python's cryptography package, Ed25519PrivateKey.sign over the
 * context string and the lines, from the same 32-byte seed).
 *
 * Tests of requests_redeem_file work in a fresh folder from mkdtemp(3),
 * removed in teardown, with an injected clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <sodium.h>

#include "backends/requests/requests.h"
#include "common/protocol.h"
#include "common/reset_file.h"
#include "tests/unit/support.h"

#define ROUND_TRIPS 300
#define ISSUED ((time_t)1795705200)	/* 2026-11-26T15:00:00Z */
#define BUILD_DATE ((time_t)1780272000)	/* 2026-06-01 */
#define T0 (BUILD_DATE + 30 * 86400L)
#define SERIAL "SN0012345678"
#define KEY_ID 7

/* The vendor key of seed 00 01 .. 1f. */
#define VECTOR_PUBLIC \
	"03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8"
/* vector_set_password() signed with it. */
#define VECTOR_SET_PASSWORD_BODY \
	"nvr-recovery reset file 1\n" \
	"key_id=3\n" \
	"serial=SN0012345678\n" \
	"nonce=00112233445566778899\n" \
	"account=admin\n" \
	"action=set-password\n" \
	"issued=2026-11-26T15:00:00Z\n"
#define VECTOR_SET_PASSWORD VECTOR_SET_PASSWORD_BODY \
	"signature=f90585b0d602ba33d00a167dd46a96ada10c5877c9ff93330088f66db5" \
	"3033c9cc3ef576487db5437016fe4d7e9a7120e0977ecc58e09af93aac0eb0e80b40" \
	"04\n"
/* vector_factory_reset() signed with it. */
#define VECTOR_FACTORY_RESET_BODY \
	"nvr-recovery reset file 1\n" \
	"key_id=65535\n" \
	"serial=DEMO-0042-7731\n" \
	"nonce=ffeeddccbbaa99887766\n" \
	"action=factory-reset\n" \
	"issued=2026-11-26T15:00:00Z\n"
#define VECTOR_FACTORY_RESET VECTOR_FACTORY_RESET_BODY \
	"signature=2f81412fd1157428399b821b50d28a964f5177c0e3ce19dce918d184b7" \
	"fc34d6627ed6cb4c15793885d4ec4f61241a4da0a93e2f338f4b2aef964d8c4561ba" \
	"0c\n"

/* vector_set_password_v2() signed with it: version 2, store 5. */
#define VECTOR_V2_SET_PASSWORD_BODY \
	"nvr-recovery reset file 2\n" \
	"key_id=3\n" \
	"serial=SN0012345678\n" \
	"nonce=00112233445566778899\n" \
	"store=5\n" \
	"account=admin\n" \
	"action=set-password\n" \
	"issued=2026-11-26T15:00:00Z\n"
#define VECTOR_V2_SET_PASSWORD VECTOR_V2_SET_PASSWORD_BODY \
	"signature=1626a6c631e2813c87686cc90f7322778ea3fde75824586ea747b717d2" \
	"bceaa15dbd3bc652641e48eb8f78c24121f30a4a32a327f50d0e086fb3e36d37e2f3" \
	"09\n"
/* vector_factory_reset_v2() signed with it: version 2, store 15, and a
 * store line although no account line. */
#define VECTOR_V2_FACTORY_RESET_BODY \
	"nvr-recovery reset file 2\n" \
	"key_id=65535\n" \
	"serial=DEMO-0042-7731\n" \
	"nonce=ffeeddccbbaa99887766\n" \
	"store=15\n" \
	"action=factory-reset\n" \
	"issued=2026-11-26T15:00:00Z\n"
#define VECTOR_V2_FACTORY_RESET VECTOR_V2_FACTORY_RESET_BODY \
	"signature=7bbb438024d18ad536a35ed967c71a51fa470a38f5f7692e6b3e17194f" \
	"0d4a72babcd28cefa2d93c6876d2d6a2ef4da5774ac27237e854b88e2ecbd26fa057" \
	"08\n"

struct vendor {
	uint8_t pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t sk[crypto_sign_SECRETKEYBYTES];
};

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

/* The vendor key from seed FILL, FILL+1, ... */
static void
vendor_with(struct vendor *v, uint8_t fill)
{
	uint8_t seed[crypto_sign_SEEDBYTES];

	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(fill + i);
	assert_int_equal(crypto_sign_seed_keypair(v->pk, v->sk, seed), 0);
}

static struct reset_file
vector_set_password(void)
{
	struct reset_file f = {
		.key_id = 3, .serial = "SN0012345678",
		.nonce = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		    0x88, 0x99 },
		.account = "admin", .action = PROTOCOL_SET_PASSWORD,
		.issued = ISSUED,
	};

	return f;
}

static struct reset_file
vector_factory_reset(void)
{
	struct reset_file f = {
		.key_id = 65535, .serial = "DEMO-0042-7731",
		.nonce = { 0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88,
		    0x77, 0x66 },
		.action = PROTOCOL_FACTORY_RESET, .issued = ISSUED,
	};

	return f;
}

static struct reset_file
vector_set_password_v2(void)
{
	struct reset_file f = vector_set_password();

	f.version = 2;
	f.store = 5;
	return f;
}

static struct reset_file
vector_factory_reset_v2(void)
{
	struct reset_file f = vector_factory_reset();

	f.version = 2;
	f.store = 15;
	return f;
}

/* F's version as written: 0 is 1 (reset_file.h). */
static unsigned
version_of(const struct reset_file *f)
{
	return f->version == 0 ? 1 : f->version;
}

static void
assert_same_file(const struct reset_file *a, const struct reset_file *b)
{
	assert_int_equal(version_of(a), version_of(b));
	assert_int_equal(a->store, b->store);
	assert_int_equal(a->key_id, b->key_id);
	assert_string_equal(a->serial, b->serial);
	assert_memory_equal(a->nonce, b->nonce, sizeof(a->nonce));
	assert_string_equal(a->account, b->account);
	assert_int_equal(a->action, b->action);
	assert_int_equal((long long)a->issued, (long long)b->issued);
}

static bool
all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* F written with V's key into OUT (RESET_FILE_TEXT_MAX); its length. */
static size_t
write_ok(const struct reset_file *f, const struct vendor *v, char *out)
{
	int n = reset_file_write(f, v->sk, out, RESET_FILE_TEXT_MAX);

	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(out));
	return (size_t)n;
}

/* BODY signed with V's key over CONTEXT (not the format's, to forge)
 * and the signature line added, into OUT (RESET_FILE_TEXT_MAX). */
static size_t
sign_raw(const char *context, const char *body, const struct vendor *v,
    char *out)
{
	uint8_t msg[1024], sig[crypto_sign_BYTES];
	char hex[2 * crypto_sign_BYTES + 1];
	size_t c = strlen(context), b = strlen(body);
	int n;

	assert_true(c + b <= sizeof(msg));
	memcpy(msg, context, c);
	memcpy(msg + c, body, b);
	crypto_sign_detached(sig, NULL, msg, c + b, v->sk);
	sodium_bin2hex(hex, sizeof(hex), sig, sizeof(sig));
	n = snprintf(out, RESET_FILE_TEXT_MAX, "%ssignature=%s\n", body, hex);
	assert_true(n > 0 && n < RESET_FILE_TEXT_MAX);
	return (size_t)n;
}

/* Fails unless DATA (LEN bytes) is refused as malformed at LINE, by
 * parse and verify alike, with the struct left zeroed. */
static void
check_bad(const char *data, size_t len, size_t line, const uint8_t *pk,
    const char *what)
{
	struct reset_file f;
	size_t bad = 99;
	int rc;

	memset(&f, 0x5a, sizeof(f));
	rc = reset_file_parse(data, len, &f, &bad);
	if (rc != -EBADMSG || bad != line)
		print_error("%s: parse %d at line %zu, want line %zu\n", what,
		    rc, bad, line);
	assert_int_equal(rc, -EBADMSG);
	assert_int_equal(bad, line);
	assert_true(all_zero(&f, sizeof(f)));
	memset(&f, 0x5a, sizeof(f));
	bad = 99;
	assert_int_equal(reset_file_verify(data, len, pk, &f, &bad),
	    -EBADMSG);
	assert_int_equal(bad, line);
	assert_true(all_zero(&f, sizeof(f)));
}

/* TEXT with the first FROM replaced by TO; malloc'd. */
static char *
replaced(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	char *out;

	assert_non_null(at);
	assert_true(asprintf(&out, "%.*s%s%s", (int)(at - text), text, to,
	    at + strlen(from)) > 0);
	return out;
}

/* ------------------------------------------------------------------ */
/* Known answers and round trips                                       */

static void
test_reset_file_write_ok_known_answer(void **state)
{
	struct reset_file f = vector_set_password(), g;
	struct vendor v;
	char out[RESET_FILE_TEXT_MAX], hex[2 * crypto_sign_PUBLICKEYBYTES + 1];
	uint8_t msg[512], sig[crypto_sign_BYTES];
	size_t bad = 99, n;

	(void)state;
	vendor_with(&v, 0);
	sodium_bin2hex(hex, sizeof(hex), v.pk, sizeof(v.pk));
	assert_string_equal(hex, VECTOR_PUBLIC);

	assert_int_equal(write_ok(&f, &v, out), strlen(VECTOR_SET_PASSWORD));
	assert_string_equal(out, VECTOR_SET_PASSWORD);
	/* The signature is over the context and the lines, as documented,
	 * checked here without the code under test. */
	n = strlen(RESET_FILE_CONTEXT);
	assert_string_equal(RESET_FILE_CONTEXT, "nvr-recovery reset file v1\n");
	memcpy(msg, RESET_FILE_CONTEXT, n);
	memcpy(msg + n, VECTOR_SET_PASSWORD_BODY,
	    strlen(VECTOR_SET_PASSWORD_BODY));
	n += strlen(VECTOR_SET_PASSWORD_BODY);
	assert_int_equal(sodium_hex2bin(sig, sizeof(sig), out +
	    strlen(VECTOR_SET_PASSWORD_BODY) + strlen("signature="),
	    2 * sizeof(sig), NULL, NULL, NULL), 0);
	assert_int_equal(crypto_sign_verify_detached(sig, msg, n, v.pk), 0);
	assert_int_equal(reset_file_verify(out, strlen(out), v.pk, &g, &bad),
	    0);
	assert_same_file(&f, &g);

	f = vector_factory_reset();
	assert_int_equal(write_ok(&f, &v, out),
	    strlen(VECTOR_FACTORY_RESET));
	assert_string_equal(out, VECTOR_FACTORY_RESET);
	assert_int_equal(reset_file_verify(out, strlen(out), v.pk, &g, &bad),
	    0);
	assert_same_file(&f, &g);
	assert_string_equal(g.account, "");
}

/* Random files: write, parse, verify give back every field. */
static void
test_reset_file_round_trip(void **state)
{
	static const char alphabet[] = PROTOCOL_NAME_ALPHABET;
	struct vendor v;
	char out[RESET_FILE_TEXT_MAX];

	(void)state;
	vendor_with(&v, 0x20);
	for (int i = 0; i < ROUND_TRIPS; i++) {
		struct reset_file f, g, h;
		size_t serial_len = 1 + randombytes_uniform(PROTOCOL_NAME_MAX);
		size_t account_len = 1 + randombytes_uniform(PROTOCOL_NAME_MAX);
		size_t len, bad = 99;

		memset(&f, 0, sizeof(f));
		f.key_id = 1 + randombytes_uniform(65535);
		for (size_t j = 0; j < serial_len; j++)
			f.serial[j] = alphabet[randombytes_uniform(64)];
		randombytes_buf(f.nonce, sizeof(f.nonce));
		f.action = i % 2 ? PROTOCOL_SET_PASSWORD :
		    PROTOCOL_FACTORY_RESET;
		for (size_t j = 0; f.action == PROTOCOL_SET_PASSWORD &&
		    j < account_len; j++)
			f.account[j] = alphabet[randombytes_uniform(64)];
		/* 1970-01-01 to 9999-12-31. */
		f.issued = (time_t)(((uint64_t)randombytes_random() << 32 |
		    randombytes_random()) % 253402300800ULL);
		len = write_ok(&f, &v, out);
		assert_int_equal(reset_file_parse(out, len, &g, &bad), 0);
		assert_same_file(&f, &g);
		assert_int_equal(reset_file_verify(out, len, v.pk, &h, &bad),
		    0);
		assert_same_file(&f, &h);
	}
}

static void
test_reset_file_round_trip_edges(void **state)
{
	static const struct {
		time_t t;
		const char *text;
	} times[] = {
		{ 0, "1970-01-01T00:00:00Z" },
		{ 951782400, "2000-02-29T00:00:00Z" },
		{ 1709251199, "2024-02-29T23:59:59Z" },
		{ 4107542400, "2100-03-01T00:00:00Z" },
		{ 253402300799, "9999-12-31T23:59:59Z" },
	};
	struct reset_file f = vector_set_password(), g;
	struct vendor v;
	char out[RESET_FILE_TEXT_MAX], line[64];
	size_t bad = 99, len;

	(void)state;
	vendor_with(&v, 0);
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		f.issued = times[i].t;
		len = write_ok(&f, &v, out);
		snprintf(line, sizeof(line), "\nissued=%s\n", times[i].text);
		assert_non_null(strstr(out, line));
		assert_int_equal(reset_file_verify(out, len, v.pk, &g, &bad),
		    0);
		assert_int_equal((long long)g.issued, (long long)times[i].t);
	}
	/* The longest names and key id. */
	f = vector_set_password();
	f.key_id = 65535;
	memset(f.serial, 'S', PROTOCOL_NAME_MAX);
	memset(f.account, 'a', PROTOCOL_NAME_MAX);
	len = write_ok(&f, &v, out);
	assert_true(len < RESET_FILE_TEXT_MAX);
	assert_int_equal(reset_file_verify(out, len, v.pk, &g, &bad), 0);
	assert_same_file(&f, &g);
}

static void
test_reset_file_write_nok_bad_fields(void **state)
{
	struct reset_file good = vector_set_password(), f;
	struct vendor v;
	char out[RESET_FILE_TEXT_MAX];
	int len;

	(void)state;
	vendor_with(&v, 0);
#define WRITE_FAILS(change) do {					\
		f = good;						\
		change;							\
		memset(out, 'x', sizeof(out));				\
		assert_int_equal(reset_file_write(&f, v.sk, out,	\
		    sizeof(out)), -EINVAL);				\
		assert_int_equal(out[0], '\0');				\
	} while (0)
	WRITE_FAILS(f.key_id = 0);
	WRITE_FAILS(f.key_id = 65536);
	WRITE_FAILS(f.serial[0] = '\0');
	WRITE_FAILS(memcpy(f.serial, "SN 1", 5));
	WRITE_FAILS(memcpy(f.account, "ad.min", 7));
	WRITE_FAILS(f.account[0] = '\0');	/* set-password needs one */
	WRITE_FAILS(f.action = PROTOCOL_FACTORY_RESET);	/* has account */
	WRITE_FAILS(f.action = (enum protocol_action)0);
	WRITE_FAILS(f.action = (enum protocol_action)3);
	WRITE_FAILS(f.issued = -1);
	WRITE_FAILS(f.issued = 253402300800);	/* year 10000 */
#undef WRITE_FAILS

	/* Every buffer too small, down to none. */
	len = reset_file_write(&good, v.sk, out, sizeof(out));
	assert_true(len > 0);
	for (size_t size = 0; size <= (size_t)len; size++) {
		char *small = malloc(size + 1);

		assert_non_null(small);
		memset(small, 'x', size + 1);
		assert_int_equal(reset_file_write(&good, v.sk, small, size),
		    -ENOSPC);
		if (size > 0)
			assert_int_equal(small[0], '\0');
		assert_int_equal(small[size], 'x');
		free(small);
	}
	assert_int_equal(reset_file_write(&good, v.sk, out, (size_t)len + 1),
	    len);
}

/* ------------------------------------------------------------------ */
/* Signatures                                                          */

static void
test_reset_file_verify_nok_other_key(void **state)
{
	struct reset_file f = vector_set_password(), g;
	struct vendor v, other;
	char out[RESET_FILE_TEXT_MAX];
	size_t len, bad = 99;

	(void)state;
	vendor_with(&v, 0);
	vendor_with(&other, 1);
	len = write_ok(&f, &other, out);
	/* It parses; only the signature is wrong. */
	assert_int_equal(reset_file_parse(out, len, &g, &bad), 0);
	memset(&g, 0x5a, sizeof(g));
	assert_int_equal(reset_file_verify(out, len, v.pk, &g, &bad),
	    -EACCES);
	assert_true(all_zero(&g, sizeof(g)));
	assert_int_equal(reset_file_verify(out, len, other.pk, &g, &bad), 0);
}

/* The same lines signed without the context string, or with another
 * one, are no reset file's signature. */
static void
test_reset_file_verify_nok_context(void **state)
{
	static const char *const contexts[] = {
		"", "nvr-recovery reset file v1",
		"nvr-recovery reset file v2\n",
		"nvr-recovery reset file v1\n\n", "nvr-recovery code v1",
	};
	struct vendor v;
	char out[RESET_FILE_TEXT_MAX];
	struct reset_file g;
	size_t len, bad = 99;

	(void)state;
	vendor_with(&v, 0);
	for (size_t i = 0; i < sizeof(contexts) / sizeof(contexts[0]); i++) {
		len = sign_raw(contexts[i], VECTOR_SET_PASSWORD_BODY, &v, out);
		assert_int_equal(reset_file_verify(out, len, v.pk, &g, &bad),
		    -EACCES);
	}
	/* The right one, the same way: accepted (the helper is sound). */
	len = sign_raw(RESET_FILE_CONTEXT, VECTOR_SET_PASSWORD_BODY, &v, out);
	assert_string_equal(out, VECTOR_SET_PASSWORD);
	assert_int_equal(reset_file_verify(out, len, v.pk, &g, &bad), 0);
}

/* Every single bit of a valid file flipped: never accepted. */
static void
test_reset_file_verify_nok_every_bit_flip(void **state)
{
	static const char *const files[] = {
		VECTOR_SET_PASSWORD, VECTOR_FACTORY_RESET,
		VECTOR_V2_SET_PASSWORD, VECTOR_V2_FACTORY_RESET,
	};
	struct vendor v;
	struct reset_file g;
	size_t flips = 0, total = 0;

	(void)state;
	vendor_with(&v, 0);
	for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
		size_t len = strlen(files[k]), bad;
		char *copy = malloc(len);

		assert_non_null(copy);
		memcpy(copy, files[k], len);
		assert_int_equal(reset_file_verify(copy, len, v.pk, &g, &bad),
		    0);
		for (size_t i = 0; i < len; i++) {
			for (int bit = 0; bit < 8; bit++) {
				int rc;

				copy[i] ^= (char)(1 << bit);
				memset(&g, 0x5a, sizeof(g));
				rc = reset_file_verify(copy, len, v.pk, &g,
				    &bad);
				if (rc == 0)
					print_error("file %zu byte %zu bit %d "
					    "accepted\n", k, i, bit);
				assert_true(rc == -EBADMSG || rc == -EACCES);
				assert_true(all_zero(&g, sizeof(g)));
				copy[i] ^= (char)(1 << bit);
				flips++;
			}
		}
		free(copy);
		total += 8 * len;
	}
	assert_int_equal(flips, total);
}

/* ------------------------------------------------------------------ */
/* Malformed files                                                     */

/* Cut short at every length: refused at the line the cut is in (or
 * the first line missing). */
static void
test_reset_file_parse_nok_truncated(void **state)
{
	static const char *const files[] = {
		VECTOR_SET_PASSWORD, VECTOR_FACTORY_RESET,
		VECTOR_V2_SET_PASSWORD, VECTOR_V2_FACTORY_RESET,
	};
	struct vendor v;

	(void)state;
	vendor_with(&v, 0);
	for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
		size_t len = strlen(files[k]), lines = 1;

		for (size_t cut = 0; cut < len; cut++) {
			/* A fresh buffer of exactly CUT bytes, so that ASan
			 * sees any read past it. */
			char *copy = malloc(cut + 1);

			assert_non_null(copy);
			memcpy(copy, files[k], cut);
			check_bad(copy, cut, lines, v.pk, "truncated");
			free(copy);
			if (files[k][cut] == '\n')
				lines++;
		}
	}
	{
		struct reset_file g;
		size_t bad = 99;

		assert_int_equal(reset_file_parse(NULL, 0, &g, &bad), -EBADMSG);
		assert_int_equal(bad, 1);
	}
}

static void
test_reset_file_parse_nok_oversize(void **state)
{
	struct vendor v;
	struct reset_file g;
	size_t vector_len = strlen(VECTOR_SET_PASSWORD), bad = 99;
	char *big = malloc(RESET_FILE_MAX + 2);

	(void)state;
	vendor_with(&v, 0);
	assert_non_null(big);
	memset(big, '\n', RESET_FILE_MAX + 2);
	memcpy(big, VECTOR_SET_PASSWORD, vector_len);
	/* Over the limit: refused before a byte is looked at. */
	memset(&g, 0x5a, sizeof(g));
	assert_int_equal(reset_file_parse(big, RESET_FILE_MAX + 1, &g, &bad),
	    -EFBIG);
	assert_true(all_zero(&g, sizeof(g)));
	assert_int_equal(reset_file_verify(big, RESET_FILE_MAX + 2, v.pk, &g,
	    &bad), -EFBIG);
	/* At the limit, a good file padded with newlines: trailing bytes. */
	check_bad(big, RESET_FILE_MAX, 9, v.pk, "padded to the limit");
	free(big);
}

struct bad_case {
	const char *from, *to;	/* in VECTOR_SET_PASSWORD; NULL: TEXT */
	const char *text;	/* the whole file, when FROM is NULL */
	size_t line;
	const char *what;
};

static const struct bad_case BAD_CASES[] = {
	/* Line endings. */
	{ "\nkey_id", "\r\nkey_id", NULL, 1, "CR after the header" },
	{ "admin\n", "admin\r\n", NULL, 5, "CR after a value" },
	{ "04\n", "04\r\n", NULL, 8, "CR after the signature" },
	{ "04\n", "04", NULL, 8, "no final LF" },
	{ "04\n", "04\n\n", NULL, 9, "an empty line after the signature" },
	{ "04\n", "04\nx", NULL, 9, "a byte after the signature" },
	/* Header. */
	{ "file 1\n", "file 3\n", NULL, 1, "version 3" },
	{ "file 1\n", "file 0\n", NULL, 1, "version 0" },
	{ "file 1\n", "file 12\n", NULL, 1, "version 12" },
	/* A version-1 file's lines under version 2's header: no store. */
	{ "file 1\n", "file 2\n", NULL, 5, "version 2 without a store" },
	/* A store line in a version-1 file. */
	{ "account=", "store=0\naccount=", NULL, 5, "a store in version 1" },
	{ "nvr-recovery", "\xef\xbb\xbfnvr-recovery", NULL, 1, "a BOM" },
	{ "nvr-recovery", "# nvr-recovery", NULL, 1, "a comment header" },
	{ "nvr-recovery", "\nnvr-recovery", NULL, 1, "a blank first line" },
	/* Unknown, repeated, missing, reordered lines. */
	{ "key_id=3\n", "key_id=3\nkey_id=3\n", NULL, 3, "key_id twice" },
	{ "admin\n", "admin\naccount=admin\n", NULL, 6, "account twice" },
	{ "issued=", "comment=x\nissued=", NULL, 7, "an unknown field" },
	{ "key_id=3\n", "", NULL, 2, "key_id missing" },
	{ "key_id=3\nserial=SN0012345678\n", "serial=SN0012345678\nkey_id=3\n",
	    NULL, 2, "serial before key_id" },
	{ "account=admin\naction=set-password\n",
	    "action=set-password\naccount=admin\n", NULL, 5,
	    "action before account" },
	{ "issued=2026-11-26T15:00:00Z\n", "", NULL, 7, "issued missing" },
	{ "key_id=3", "key_id =3", NULL, 2, "a space before =" },
	{ "key_id=3", "key_id= 3", NULL, 2, "a space after =" },
	{ "key_id=3", "Key_id=3", NULL, 2, "a key in capitals" },
	{ "key_id=3", "key_id:3", NULL, 2, "no =" },
	/* Values. */
	{ "key_id=3", "key_id=03", NULL, 2, "a leading zero" },
	{ "key_id=3", "key_id=0", NULL, 2, "key id 0" },
	{ "key_id=3", "key_id=65536", NULL, 2, "key id 65536" },
	{ "key_id=3", "key_id=", NULL, 2, "no key id" },
	{ "key_id=3", "key_id=+3", NULL, 2, "a signed key id" },
	{ "serial=SN0012345678", "serial=SN001.345678", NULL, 3,
	    "a dot in the serial" },
	{ "serial=SN0012345678", "serial=", NULL, 3, "no serial" },
	{ "serial=SN0012345678", "serial=SN001234567890123456789012345678",
	    NULL, 3, "a 32-character serial" },
	{ "nonce=00112233445566778899", "nonce=00112233445566778899AA", NULL,
	    4, "a long nonce" },
	{ "nonce=00112233445566778899", "nonce=0011223344556677889", NULL, 4,
	    "an odd nonce" },
	{ "nonce=00112233445566778899", "nonce=00112233445566778g99", NULL, 4,
	    "a nonce that is no hex" },
	{ "nonce=00112233445566778899", "nonce=0011223344556677889A", NULL, 4,
	    "a nonce in capitals" },
	{ "account=admin", "account=", NULL, 5, "no account" },
	{ "account=admin", "account=ad min", NULL, 5, "a space in it" },
	{ "account=admin\n", "", NULL, 5, "set-password without account" },
	{ "set-password", "factory-reset", NULL, 6,
	    "factory-reset with an account" },
	{ "set-password", "Set-password", NULL, 6, "an action in capitals" },
	{ "set-password", "reboot", NULL, 6, "an unknown action" },
	{ "set-password", "", NULL, 6, "no action" },
	{ "set-password", "set-password ", NULL, 6, "a trailing space" },
	/* Dates. */
	{ "2026-11-26T15:00:00Z", "2026-11-26 15:00:00Z", NULL, 7, "a space" },
	{ "2026-11-26T15:00:00Z", "2026-11-26t15:00:00z", NULL, 7,
	    "small t and z" },
	{ "2026-11-26T15:00:00Z", "2026-11-26T15:00:00", NULL, 7, "no Z" },
	{ "2026-11-26T15:00:00Z", "2026-11-26T15:00:00+00:00", NULL, 7,
	    "an offset" },
	{ "2026-11-26T15:00:00Z", "2026-02-29T15:00:00Z", NULL, 7,
	    "29 February of a common year" },
	{ "2026-11-26T15:00:00Z", "2100-02-29T15:00:00Z", NULL, 7,
	    "29 February of 2100" },
	{ "2026-11-26T15:00:00Z", "2026-11-31T15:00:00Z", NULL, 7,
	    "31 November" },
	{ "2026-11-26T15:00:00Z", "2026-13-01T15:00:00Z", NULL, 7, "month 13" },
	{ "2026-11-26T15:00:00Z", "2026-00-01T15:00:00Z", NULL, 7, "month 0" },
	{ "2026-11-26T15:00:00Z", "2026-11-00T15:00:00Z", NULL, 7, "day 0" },
	{ "2026-11-26T15:00:00Z", "2026-11-26T24:00:00Z", NULL, 7, "hour 24" },
	{ "2026-11-26T15:00:00Z", "2026-11-26T15:60:00Z", NULL, 7,
	    "minute 60" },
	{ "2026-11-26T15:00:00Z", "2026-12-31T23:59:60Z", NULL, 7,
	    "a leap second" },
	{ "2026-11-26T15:00:00Z", "1969-12-31T23:59:59Z", NULL, 7,
	    "before 1970" },
	{ "2026-11-26T15:00:00Z", "+2026-11-26T15:00:0Z", NULL, 7, "a sign" },
	{ "2026-11-26T15:00:00Z", "1795705200", NULL, 7, "seconds" },
	/* The signature line. */
	{ "signature=f9", "signature=F9", NULL, 8, "hex in capitals" },
	{ "signature=f9", "signature=f", NULL, 8, "a digit short" },
	{ "04\n", "0400\n", NULL, 8, "a byte long" },
	{ "signature=", "signature=\n", NULL, 8, "the signature broken" },
	{ "signature=", "sig=", NULL, 8, "sig=" },
	/* Whole texts. */
	{ NULL, NULL, "", 1, "empty" },
	{ NULL, NULL, "\n", 1, "a blank line" },
	{ NULL, NULL, "nvr-recovery reset file 1\n", 2, "the header only" },
	{ NULL, NULL, VECTOR_SET_PASSWORD_BODY, 8, "no signature line" },
	{ NULL, NULL, VECTOR_SET_PASSWORD VECTOR_SET_PASSWORD, 9,
	    "the file twice" },
};

static void
test_reset_file_parse_nok_cases(void **state)
{
	struct vendor v;

	(void)state;
	vendor_with(&v, 0);
	for (size_t i = 0; i < sizeof(BAD_CASES) / sizeof(BAD_CASES[0]); i++) {
		const struct bad_case *c = &BAD_CASES[i];
		char *text, what[128];
		size_t len;

		snprintf(what, sizeof(what), "case %zu (%s)", i, c->what);
		if (c->from == NULL) {
			text = strdup(c->text);
			assert_non_null(text);
			len = strlen(text);
		} else {
			text = replaced(VECTOR_SET_PASSWORD, c->from, c->to);
			len = strlen(text);
		}
		check_bad(text, len, c->line, v.pk, what);
		free(text);
	}
}

/* Cases with a NUL byte inside, which a C string cannot hold. */
static void
test_reset_file_parse_nok_nul(void **state)
{
	static const struct {
		const char *from;
		size_t line;
	} at[] = {
		{ "nvr-recovery", 1 }, { "key_id=3", 2 }, { "=3\n", 2 },
		{ "SN00", 3 }, { "1234", 3 }, { "nonce", 4 }, { "admin", 5 },
		{ "action", 6 }, { "password", 6 }, { "issued", 7 },
		{ "15:00", 7 }, { "signature", 8 }, { "0b4004", 8 },
	};
	struct vendor v;
	size_t len = strlen(VECTOR_SET_PASSWORD);

	(void)state;
	vendor_with(&v, 0);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		char *copy = malloc(len), *p;

		assert_non_null(copy);
		memcpy(copy, VECTOR_SET_PASSWORD, len);
		p = strstr(VECTOR_SET_PASSWORD, at[i].from);
		assert_non_null(p);
		/* A NUL in place of the byte after FROM's first. */
		copy[p - VECTOR_SET_PASSWORD + 1] = '\0';
		check_bad(copy, len, at[i].line, v.pk, at[i].from);
		free(copy);
	}
	{
		/* "account=adm\0in": a name cut short is not "adm". */
		static const char text[] = "nvr-recovery reset file 1\n"
		    "key_id=3\nserial=SN0012345678\n"
		    "nonce=00112233445566778899\naccount=adm\0in\n";

		check_bad(text, sizeof(text) - 1, 5, v.pk, "account adm\\0in");
	}
}

/* Factory-reset files: no account line, and one is refused. */
static void
test_reset_file_parse_factory_reset(void **state)
{
	struct vendor v;
	struct reset_file g;
	size_t bad = 99;
	char *text;

	(void)state;
	vendor_with(&v, 0);
	assert_int_equal(reset_file_parse(VECTOR_FACTORY_RESET,
	    strlen(VECTOR_FACTORY_RESET), &g, &bad), 0);
	assert_int_equal(g.action, PROTOCOL_FACTORY_RESET);
	assert_string_equal(g.account, "");
	text = replaced(VECTOR_FACTORY_RESET, "action=", "account=admin\n"
	    "action=");
	check_bad(text, strlen(text), 6, v.pk, "factory-reset with account");
	free(text);
	text = replaced(VECTOR_FACTORY_RESET, "factory-reset",
	    "set-password");
	check_bad(text, strlen(text), 5, v.pk, "set-password, no account");
	free(text);
}

/* ------------------------------------------------------------------ */
/* Version 2: the account store                                        */

/* Version 0 is version 1: a zeroed struct writes the very bytes it wrote
 * before; a version-1 file reads as version 1, store 0. */
static void
test_reset_file_version_0_is_1(void **state)
{
	struct reset_file f = vector_set_password(), g;
	struct vendor v;
	char out[RESET_FILE_TEXT_MAX];
	size_t bad = 99;

	(void)state;
	vendor_with(&v, 0);
	assert_int_equal(f.version, 0);
	write_ok(&f, &v, out);
	assert_string_equal(out, VECTOR_SET_PASSWORD);
	f.version = 1;
	write_ok(&f, &v, out);
	assert_string_equal(out, VECTOR_SET_PASSWORD);
	memset(&g, 0x5a, sizeof(g));
	assert_int_equal(reset_file_verify(out, strlen(out), v.pk, &g, &bad),
	    0);
	assert_int_equal(g.version, 1);
	assert_int_equal(g.store, 0);
}

/* The pinned version-2 files, checked by hand: header 2, the store line
 * before the account (and in a factory-reset file too), signed under
 * "nvr-recovery reset file v2\n". */
static void
test_reset_file_v2_write_ok_known_answer(void **state)
{
	struct reset_file f = vector_set_password_v2(), g;
	struct vendor v;
	char out[RESET_FILE_TEXT_MAX];
	uint8_t msg[512], sig[crypto_sign_BYTES];
	size_t bad = 99, n;

	(void)state;
	vendor_with(&v, 0);
	assert_int_equal(write_ok(&f, &v, out),
	    strlen(VECTOR_V2_SET_PASSWORD));
	assert_string_equal(out, VECTOR_V2_SET_PASSWORD);
	assert_string_equal(RESET_FILE_CONTEXT_2,
	    "nvr-recovery reset file v2\n");
	assert_string_equal(RESET_FILE_HEADER_2, "nvr-recovery reset file 2");
	n = strlen(RESET_FILE_CONTEXT_2);
	memcpy(msg, RESET_FILE_CONTEXT_2, n);
	memcpy(msg + n, VECTOR_V2_SET_PASSWORD_BODY,
	    strlen(VECTOR_V2_SET_PASSWORD_BODY));
	n += strlen(VECTOR_V2_SET_PASSWORD_BODY);
	assert_int_equal(sodium_hex2bin(sig, sizeof(sig), out +
	    strlen(VECTOR_V2_SET_PASSWORD_BODY) + strlen("signature="),
	    2 * sizeof(sig), NULL, NULL, NULL), 0);
	assert_int_equal(crypto_sign_verify_detached(sig, msg, n, v.pk), 0);
	memset(&g, 0x5a, sizeof(g));
	assert_int_equal(reset_file_verify(out, strlen(out), v.pk, &g, &bad),
	    0);
	assert_int_equal(g.version, 2);
	assert_int_equal(g.store, 5);
	assert_same_file(&f, &g);

	f = vector_factory_reset_v2();
	assert_int_equal(write_ok(&f, &v, out),
	    strlen(VECTOR_V2_FACTORY_RESET));
	assert_string_equal(out, VECTOR_V2_FACTORY_RESET);
	assert_int_equal(reset_file_verify(out, strlen(out), v.pk, &g, &bad),
	    0);
	assert_int_equal(g.version, 2);
	assert_int_equal(g.store, 15);
	assert_string_equal(g.account, "");
	assert_same_file(&f, &g);
}

/* Random version-2 files of every store: write, parse, verify give back
 * every field, the store included. */
static void
test_reset_file_v2_round_trip_every_store(void **state)
{
	static const char alphabet[] = PROTOCOL_NAME_ALPHABET;
	struct vendor v;
	char out[RESET_FILE_TEXT_MAX], line[32];

	(void)state;
	vendor_with(&v, 0x20);
	for (unsigned store = 0; store <= PROTOCOL_STORE_MAX; store++) {
		for (int i = 0; i < 20; i++) {
			struct reset_file f, g, h;
			size_t serial_len = 1 + randombytes_uniform(
			    PROTOCOL_NAME_MAX);
			size_t account_len = 1 + randombytes_uniform(
			    PROTOCOL_NAME_MAX);
			size_t len, bad = 99;

			memset(&f, 0, sizeof(f));
			f.version = 2;
			f.store = store;
			f.key_id = 1 + randombytes_uniform(65535);
			for (size_t j = 0; j < serial_len; j++)
				f.serial[j] = alphabet[randombytes_uniform(64)];
			randombytes_buf(f.nonce, sizeof(f.nonce));
			f.action = i % 2 ? PROTOCOL_SET_PASSWORD :
			    PROTOCOL_FACTORY_RESET;
			for (size_t j = 0; f.action == PROTOCOL_SET_PASSWORD &&
			    j < account_len; j++)
				f.account[j] = alphabet[randombytes_uniform(
				    64)];
			f.issued = (time_t)(((uint64_t)randombytes_random() <<
			    32 | randombytes_random()) % 253402300800ULL);
			len = write_ok(&f, &v, out);
			snprintf(line, sizeof(line), "\nstore=%u\n", store);
			assert_non_null(strstr(out, line));
			assert_int_equal(reset_file_parse(out, len, &g, &bad),
			    0);
			assert_same_file(&f, &g);
			assert_int_equal(reset_file_verify(out, len, v.pk, &h,
			    &bad), 0);
			assert_same_file(&f, &h);
			assert_int_equal(h.version, 2);
			assert_int_equal(h.store, store);
		}
	}
	/* The longest version-2 file still fits. */
	{
		struct reset_file f = vector_set_password_v2(), g;
		size_t bad = 99, len;

		f.store = PROTOCOL_STORE_MAX;
		f.key_id = 65535;
		memset(f.serial, 'S', PROTOCOL_NAME_MAX);
		memset(f.account, 'a', PROTOCOL_NAME_MAX);
		len = write_ok(&f, &v, out);
		assert_true(len < RESET_FILE_TEXT_MAX);
		assert_int_equal(reset_file_verify(out, len, v.pk, &g, &bad),
		    0);
		assert_same_file(&f, &g);
	}
}

/* A store a version cannot hold, or a version there is not: -EINVAL,
 * nothing written. */
static void
test_reset_file_v2_write_nok_store(void **state)
{
	struct reset_file good = vector_set_password_v2(), f;
	struct vendor v;
	char out[RESET_FILE_TEXT_MAX];

	(void)state;
	vendor_with(&v, 0);
#define WRITE_FAILS(change) do {					\
		f = good;						\
		change;							\
		memset(out, 'x', sizeof(out));				\
		assert_int_equal(reset_file_write(&f, v.sk, out,	\
		    sizeof(out)), -EINVAL);				\
		assert_int_equal(out[0], '\0');				\
	} while (0)
	WRITE_FAILS(f.store = PROTOCOL_STORE_MAX + 1);
	WRITE_FAILS(f.store = UINT_MAX);
	WRITE_FAILS(f.version = 1);		/* store 5 in version 1 */
	WRITE_FAILS(f.version = 0);
	WRITE_FAILS(f.version = 3);
	WRITE_FAILS(f.version = UINT_MAX);
	WRITE_FAILS((f.version = 3, f.store = 0));
#undef WRITE_FAILS
	f = good;
	f.store = 0;
	assert_true(reset_file_write(&f, v.sk, out, sizeof(out)) > 0);
	assert_non_null(strstr(out, "\nstore=0\naccount=admin\n"));
}

/* Version 2's own strictness: its store line where it belongs, once,
 * spelt one way. Each refused at its line. */
static void
test_reset_file_v2_parse_nok_cases(void **state)
{
	static const struct {
		const char *from, *to;
		size_t line;
		const char *what;
	} cases[] = {
		{ "store=5\n", "", 5, "no store line" },
		{ "store=5\n", "store=5\nstore=5\n", 6, "the store twice" },
		{ "store=5\naccount=admin\n", "account=admin\nstore=5\n", 5,
		    "the store after the account" },
		{ "nonce=00112233445566778899\nstore=5\n",
		    "store=5\nnonce=00112233445566778899\n", 4,
		    "the store before the nonce" },
		{ "action=set-password\n", "action=set-password\nstore=5\n", 8,
		    "a store after the action" },
		{ "store=5", "store=16", 5, "store 16" },
		{ "store=5", "store=99", 5, "store 99" },
		{ "store=5", "store=05", 5, "a leading zero" },
		{ "store=5", "store=00", 5, "zero twice" },
		{ "store=5", "store=", 5, "no store" },
		{ "store=5", "store=-1", 5, "a negative store" },
		{ "store=5", "store=+5", 5, "a signed store" },
		{ "store=5", "store= 5", 5, "a space" },
		{ "store=5", "store=5 ", 5, "a trailing space" },
		{ "store=5", "store=f", 5, "hex" },
		{ "store=5", "store=0x5", 5, "0x" },
		{ "store=5", "store=005", 5, "three digits" },
		{ "store=5", "Store=5", 5, "a key in capitals" },
		{ "store=5", "stores=5", 5, "another key" },
		{ "store=5\n", "store=5\r\n", 5, "a CR" },
		{ "file 2\n", "file 1\n", 5, "version 1 with a store" },
		{ "file 2\n", "file 3\n", 1, "version 3" },
	};
	struct vendor v;

	(void)state;
	vendor_with(&v, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = replaced(VECTOR_V2_SET_PASSWORD, cases[i].from,
		    cases[i].to), what[128];

		snprintf(what, sizeof(what), "v2 case %zu (%s)", i,
		    cases[i].what);
		check_bad(text, strlen(text), cases[i].line, v.pk, what);
		free(text);
	}
	/* Factory reset: the store line is there, and nothing else moves. */
	{
		char *text = replaced(VECTOR_V2_FACTORY_RESET, "store=15\n",
		    "");

		check_bad(text, strlen(text), 5, v.pk,
		    "factory-reset, no store");
		free(text);
		text = replaced(VECTOR_V2_FACTORY_RESET, "store=15\n",
		    "store=15\naccount=admin\n");
		check_bad(text, strlen(text), 7, v.pk,
		    "factory-reset with an account");
		free(text);
	}
	/* A NUL in the store's value. */
	{
		size_t len = strlen(VECTOR_V2_SET_PASSWORD);
		char *copy = malloc(len);

		assert_non_null(copy);
		memcpy(copy, VECTOR_V2_SET_PASSWORD, len);
		copy[strstr(VECTOR_V2_SET_PASSWORD, "store=5") -
		    VECTOR_V2_SET_PASSWORD + 6] = '\0';
		check_bad(copy, len, 5, v.pk, "store=\\0");
		free(copy);
	}
}

/* A file made for one store is no file for another: the store line
 * edited is a wrong signature; and no file of one version passes for
 * the other's, with the same fields (store 0), the lines of one version
 * under the other's header, or either's lines signed under the other's
 * context. */
static void
test_reset_file_v2_verify_nok_cross_store_and_version(void **state)
{
	static const char *const contexts[] = {
		"", RESET_FILE_CONTEXT, "nvr-recovery reset file v2",
		"nvr-recovery reset file v3\n", "nvr-recovery code v2",
	};
	struct reset_file f = vector_set_password_v2(), g;
	struct vendor v;
	char out[RESET_FILE_TEXT_MAX], from[16], to[16], *edited;
	size_t len, bad = 99;

	(void)state;
	vendor_with(&v, 0);
	f.store = 0;
	len = write_ok(&f, &v, out);
	assert_int_equal(reset_file_verify(out, len, v.pk, &g, &bad), 0);
	assert_int_equal(g.store, 0);
	for (unsigned store = 1; store <= PROTOCOL_STORE_MAX; store++) {
		snprintf(from, sizeof(from), "store=0\n");
		snprintf(to, sizeof(to), "store=%u\n", store);
		edited = replaced(out, from, to);
		/* It parses, for that store; only the signature says no. */
		assert_int_equal(reset_file_parse(edited, strlen(edited), &g,
		    &bad), 0);
		assert_int_equal(g.store, store);
		memset(&g, 0x5a, sizeof(g));
		assert_int_equal(reset_file_verify(edited, strlen(edited),
		    v.pk, &g, &bad), -EACCES);
		assert_true(all_zero(&g, sizeof(g)));
		free(edited);
	}

	/* The same fields in version 1 and version 2 store 0 differ, and
	 * each verifies as its own version only. */
	{
		struct reset_file f1 = f;
		char out1[RESET_FILE_TEXT_MAX];

		f1.version = 1;
		write_ok(&f1, &v, out1);
		assert_string_not_equal(out1, out);
		assert_int_equal(reset_file_verify(out1, strlen(out1), v.pk,
		    &g, &bad), 0);
		assert_int_equal(g.version, 1);
	}
	/* Version 1's lines with a v2 header and a store line, signed
	 * under version 1's context: the context binds the version. */
	edited = replaced(VECTOR_SET_PASSWORD_BODY, "reset file 1\n",
	    "reset file 2\n");
	{
		char *body = replaced(edited, "account=", "store=0\naccount=");

		len = sign_raw(RESET_FILE_CONTEXT, body, &v, out);
		assert_int_equal(reset_file_parse(out, len, &g, &bad), 0);
		assert_int_equal(reset_file_verify(out, len, v.pk, &g, &bad),
		    -EACCES);
		len = sign_raw(RESET_FILE_CONTEXT_2, body, &v, out);
		assert_int_equal(reset_file_verify(out, len, v.pk, &g, &bad),
		    0);
		free(body);
	}
	free(edited);
	/* Version 2's lines signed under other contexts, version 1's
	 * under version 2's. */
	for (size_t i = 0; i < sizeof(contexts) / sizeof(contexts[0]); i++) {
		len = sign_raw(contexts[i], VECTOR_V2_SET_PASSWORD_BODY, &v,
		    out);
		assert_int_equal(reset_file_verify(out, len, v.pk, &g, &bad),
		    -EACCES);
	}
	len = sign_raw(RESET_FILE_CONTEXT_2, VECTOR_SET_PASSWORD_BODY, &v, out);
	assert_int_equal(reset_file_verify(out, len, v.pk, &g, &bad), -EACCES);
	len = sign_raw(RESET_FILE_CONTEXT_2, VECTOR_V2_SET_PASSWORD_BODY, &v,
	    out);
	assert_string_equal(out, VECTOR_V2_SET_PASSWORD);
}

/* ------------------------------------------------------------------ */
/* The recorder taking a file                                          */

struct recorder {
	struct support_fx *fx;
	struct requests *r;
	struct requests_device dev;
	struct vendor vendor;
	struct requests_clock now;
};

static int
rec_setup(void **state)
{
	struct support_fx *fx;
	struct recorder *rec = support_fx_wrap(sizeof(*rec), "reset-file",
	    &fx);
	uint8_t master[PROTOCOL_KEY_BYTES], device_key[PROTOCOL_KEY_BYTES];
	const struct requests_settings settings = {
		REQUESTS_DEFAULT_LIFETIME_S, REQUESTS_DEFAULT_MAX_BOOTS
	};
	struct nvr_error err = { "" };
	char *dir;

	if (rec == NULL)
		return -1;
	rec->fx = fx;
	for (size_t i = 0; i < sizeof(master); i++)
		master[i] = (uint8_t)(0x40 + i);
	if (protocol_device_key(master, KEY_ID, SERIAL, device_key) != 0)
		return -1;
	protocol_subkeys(device_key, rec->dev.request_key,
	    rec->dev.code_key);
	rec->dev.key_id = KEY_ID;
	memcpy(rec->dev.serial, SERIAL, sizeof(SERIAL));
	vendor_with(&rec->vendor, 0x60);
	memset(&rec->now, 0, sizeof(rec->now));
	rec->now.wall = T0;
	rec->now.plausible_after = BUILD_DATE;
	rec->now.boottime = 100;
	memcpy(rec->now.boot_id, "boot-a", 7);
	dir = support_in_dir(fx, "state");
	if (requests_open(&rec->r, dir, &settings, &err) != 0)
		return -1;
	free(dir);
	*state = rec;
	return 0;
}

static int
rec_teardown(void **state)
{
	struct recorder *rec = *state;
	void *fx_state = rec->fx;

	requests_close(rec->r);
	free(rec);
	return support_fx_teardown(&fx_state);
}

/* Makes a request for ACCOUNT; the file answering it with ACTION, as
 * support would make it, into F. */
static void
request_for(struct recorder *rec, const char *account,
    enum protocol_action action, struct reset_file *f)
{
	char text[PROTOCOL_REQUEST_TEXT_MAX];
	uint8_t mac[PROTOCOL_MAC_BYTES];
	struct protocol_request req;
	struct nvr_error err = { "" };
	bool dropped = true;
	size_t bad = 99;

	assert_int_equal(requests_make(rec->r, &rec->dev, support_key(account),
	    &rec->now,
	    text, sizeof(text), &dropped, &err), 0);
	assert_int_equal(protocol_request_decode(text, &req, mac, &bad), 0);
	memset(f, 0, sizeof(*f));
	f->key_id = req.key_id;
	memcpy(f->serial, req.serial, sizeof(f->serial));
	memcpy(f->nonce, req.nonce, sizeof(f->nonce));
	if (action == PROTOCOL_SET_PASSWORD)
		memcpy(f->account, req.account, sizeof(f->account));
	f->action = action;
	f->issued = T0 + 600;
	f->version = req.version;
	f->store = req.store;
}

/* Redeems F signed by SIGNER; the result, with ERR's message. */
static int
redeem_as(struct recorder *rec, const struct reset_file *f,
    const struct vendor *signer, struct reset_file *out,
    struct nvr_error *err)
{
	char text[RESET_FILE_TEXT_MAX];
	size_t len = write_ok(f, signer, text);

	memset(err, 0, sizeof(*err));
	memset(out, 0x5a, sizeof(*out));
	return requests_redeem_file(rec->r, &rec->dev, rec->vendor.pk, text,
	    len, &rec->now, out, NULL, err);
}

#define assert_refused(rec, f, signer, want, msg) do {		\
	struct reset_file out_;						\
	struct nvr_error err_;						\
	int rc_ = redeem_as((rec), (f), (signer), &out_, &err_);	\
									\
	if (rc_ != (want))						\
		print_error("redeem: %d %s\n", rc_, err_.message);	\
	assert_int_equal(rc_, (want));					\
	assert_string_equal(err_.message, (msg));			\
	assert_true(all_zero(&out_, sizeof(out_)));			\
} while (0)

static char *
store_text(const struct recorder *rec, size_t *len)
{
	char *path = support_in_dir(rec->fx, "state/requests");
	char *text = support_slurp(path, len);

	free(path);
	return text;
}

static void
test_requests_redeem_file_nok_every_field(void **state)
{
	struct recorder *rec = *state;
	struct reset_file good, f, out;
	struct vendor other;
	struct nvr_error err;
	char *before, *after;
	size_t before_len, after_len;

	vendor_with(&other, 0x61);
	request_for(rec, "admin", PROTOCOL_SET_PASSWORD, &good);
	{
		struct reset_file unused;

		/* A second request, of another account, pending too. */
		request_for(rec, "operator", PROTOCOL_SET_PASSWORD, &unused);
	}
	before = store_text(rec, &before_len);

	f = good;
	memcpy(f.serial, "SN0099999999", 13);
	assert_refused(rec, &f, &rec->vendor, -EACCES, "this reset file is "
	    "for recorder SN0099999999, not for this one (SN0012345678)");
	f = good;
	f.key_id = KEY_ID + 1;
	assert_refused(rec, &f, &rec->vendor, -EACCES, "this reset file was "
	    "signed with key set 8, but this recorder uses key set 7");
	f = good;
	f.nonce[9] ^= 1;
	assert_refused(rec, &f, &rec->vendor, -EACCES, "this reset file "
	    "answers none of the requests waiting on this recorder (an older "
	    "or expired one?)");
	f = good;
	memcpy(f.account, "operator", 9);
	assert_refused(rec, &f, &rec->vendor, -EACCES, "this reset file sets "
	    "the password of operator, but its request was made for admin");
	assert_refused(rec, &good, &other, -EACCES, "the reset file's "
	    "signature is not the vendor's (forged, damaged, or signed with "
	    "another key set)");

	/* Files that are no reset files. */
	memset(&out, 0x5a, sizeof(out));
	assert_int_equal(requests_redeem_file(rec->r, &rec->dev,
	    rec->vendor.pk, "nvr-recovery reset file 1\nkey_id=7\n", 35,
	    &rec->now, &out, NULL, &err), -EBADMSG);
	assert_string_equal(err.message, "reset file line 3: not what a "
	    "reset file has there (damaged or edited?)");
	assert_true(all_zero(&out, sizeof(out)));
	assert_int_equal(requests_redeem_file(rec->r, &rec->dev,
	    rec->vendor.pk, "PK\3\4", 4, &rec->now, &out, NULL, &err),
	        -EBADMSG);
	assert_string_equal(err.message, "reset file line 1: not a reset "
	    "file of version 1 or 2");
	{
		char *big = calloc(1, RESET_FILE_MAX + 1);

		assert_non_null(big);
		assert_int_equal(requests_redeem_file(rec->r, &rec->dev,
		    rec->vendor.pk, big, RESET_FILE_MAX + 1, &rec->now, &out,
		        NULL,
		    &err), -EFBIG);
		assert_string_equal(err.message, "the reset file is larger "
		    "than 65536 bytes: it is no reset file");
		free(big);
	}

	/* None of it was a use, nor changed the file. */
	after = store_text(rec, &after_len);
	assert_int_equal(after_len, before_len);
	assert_memory_equal(after, before, before_len);
	free(after);
	free(before);

	/* The right file works, once, and fills OUT. */
	assert_int_equal(redeem_as(rec, &good, &rec->vendor, &out, &err), 0);
	assert_same_file(&out, &good);
	assert_refused(rec, &good, &rec->vendor, -EACCES, "that reset file "
	    "was used already (or its request was answered with a code)");
}

/* The recorder makes version-2 requests, naming the account's store: a
 * file signed for another store, or in version 1, does not answer one,
 * whichever account and action it names. */
static void
test_requests_redeem_file_nok_other_store(void **state)
{
	struct recorder *rec = *state;
	struct reset_file f, other, old, out;
	struct nvr_error err;

	request_for(rec, "admin", PROTOCOL_SET_PASSWORD, &f);
	assert_int_equal(f.version, 2);
	assert_int_equal(f.store, 0);
	other = f;
	other.store = 1;
	old = f;
	old.version = 1;
	old.store = 0;
	assert_refused(rec, &other, &rec->vendor, -EACCES, "this reset file "
	    "was made for another account store than its request");
	assert_refused(rec, &old, &rec->vendor, -EACCES, "this reset file "
	    "was made for another account store than its request");
	other.action = PROTOCOL_FACTORY_RESET;
	other.account[0] = '\0';
	assert_refused(rec, &other, &rec->vendor, -EACCES, "this reset file "
	    "was made for another account store than its request");
	assert_int_equal(redeem_as(rec, &f, &rec->vendor, &out, &err), 0);
}

/* A factory-reset file names no account: it answers the request
 * whatever account it was made for. */
static void
test_requests_redeem_file_factory_reset(void **state)
{
	struct recorder *rec = *state;
	struct reset_file f, set, out;
	struct nvr_error err;

	request_for(rec, "operator", PROTOCOL_FACTORY_RESET, &f);
	set = f;
	memcpy(set.account, "operator", 9);
	set.action = PROTOCOL_SET_PASSWORD;
	assert_int_equal(redeem_as(rec, &f, &rec->vendor, &out, &err), 0);
	assert_int_equal(out.action, PROTOCOL_FACTORY_RESET);
	assert_string_equal(out.account, "");
	assert_string_equal(out.serial, SERIAL);
	/* The request is used, whatever action the next file is for. */
	assert_refused(rec, &set, &rec->vendor, -EACCES, "that reset file "
	    "was used already (or its request was answered with a code)");
}

static void
test_requests_redeem_file_nok_nothing_pending(void **state)
{
	struct recorder *rec = *state;
	struct reset_file f = vector_set_password();

	f.key_id = KEY_ID;
	memcpy(f.serial, SERIAL, sizeof(SERIAL));
	assert_refused(rec, &f, &rec->vendor, -ENOENT, "no request is "
	    "waiting for an answer (it was answered, or it expired)");
	/* A forgery is one, pending requests or not: the signature is
	 * checked before the store is looked at. */
	{
		struct vendor other;

		vendor_with(&other, 0x61);
		assert_refused(rec, &f, &other, -EACCES, "the reset file's "
		    "signature is not the vendor's (forged, damaged, or signed "
		    "with another key set)");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_file_write_ok_known_answer),
		cmocka_unit_test(test_reset_file_round_trip),
		cmocka_unit_test(test_reset_file_round_trip_edges),
		cmocka_unit_test(test_reset_file_write_nok_bad_fields),
		cmocka_unit_test(test_reset_file_verify_nok_other_key),
		cmocka_unit_test(test_reset_file_verify_nok_context),
		cmocka_unit_test(test_reset_file_verify_nok_every_bit_flip),
		cmocka_unit_test(test_reset_file_parse_nok_truncated),
		cmocka_unit_test(test_reset_file_parse_nok_oversize),
		cmocka_unit_test(test_reset_file_parse_nok_cases),
		cmocka_unit_test(test_reset_file_parse_nok_nul),
		cmocka_unit_test(test_reset_file_parse_factory_reset),
		cmocka_unit_test(test_reset_file_version_0_is_1),
		cmocka_unit_test(test_reset_file_v2_write_ok_known_answer),
		cmocka_unit_test(test_reset_file_v2_round_trip_every_store),
		cmocka_unit_test(test_reset_file_v2_write_nok_store),
		cmocka_unit_test(test_reset_file_v2_parse_nok_cases),
		cmocka_unit_test(
		    test_reset_file_v2_verify_nok_cross_store_and_version),
		cmocka_unit_test_setup_teardown(
		    test_requests_redeem_file_nok_every_field, rec_setup,
		    rec_teardown),
		cmocka_unit_test_setup_teardown(
		    test_requests_redeem_file_nok_other_store, rec_setup,
		    rec_teardown),
		cmocka_unit_test_setup_teardown(
		    test_requests_redeem_file_factory_reset, rec_setup,
		    rec_teardown),
		cmocka_unit_test_setup_teardown(
		    test_requests_redeem_file_nok_nothing_pending, rec_setup,
		    rec_teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
