/*
 * gen_seeds.c: writes the seed corpora in tests/fuzz/corpus/ (make
 * fuzz-seeds). Everything is derived from fixed values (tests/fuzz/
 * fuzz.h's keys and request), so a run writes the same files again:
 * valid inputs the harnesses accept, and broken ones next to them, each
 * broken in one way; in both protocol versions (v2-* files: version 2,
 * with an account store).
 *
 *   gen-seeds CORPUS_FOLDER
 *
 * Inputs the fuzzer found are kept in the same folders under other names
 * (crash-*, found-*); this program does not touch them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/code32.h"
#include "common/keyfile.h"
#include "common/protocol.h"
#include "common/provisioning.h"
#include "common/reset_file.h"
#include "backends/accounts/pbkdf2.h"
#include "tests/fuzz/fuzz.h"

#define TEXT_MAX 1024

static const char *corpus;

/* Formats into OUT (TEXT_MAX bytes); the seeds all fit. */
static void fmt(char *out, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static void
fmt(char *out, const char *format, ...)
{
	va_list ap;
	int n;

	va_start(ap, format);
	n = vsnprintf(out, TEXT_MAX, format, ap);
	va_end(ap);
	FUZZ_CHECK(n >= 0 && n < TEXT_MAX);
}

static void
put(const char *dir, const char *name, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", corpus, dir);
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", corpus, dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static void
put_text(const char *dir, const char *name, const char *text)
{
	put(dir, name, text, strlen(text));
}

/* TEXT in lower case, with spaces for hyphens. */
static void
loosen(const char *text, char *out)
{
	for (; *text != '\0'; text++, out++)
		*out = *text == '-' ? ' ' :
		    (*text >= 'A' && *text <= 'Z') ? (char)(*text + 32) : *text;
	*out = '\0';
}

/* TEXT without hyphens. */
static void
squeeze(const char *text, char *out)
{
	for (; *text != '\0'; text++)
		if (*text != '-')
			*out++ = *text;
	*out = '\0';
}

/* Changes the symbol at I of TEXT to another one. */
static void
typo(char *text, size_t i)
{
	text[i] = text[i] == 'X' ? 'Y' : 'X';
}

/* Swaps TEXT[I] and TEXT[I + 1], which must differ. */
static void
swap(char *text, size_t i)
{
	char c = text[i];

	FUZZ_CHECK(c != text[i + 1]);
	text[i] = text[i + 1];
	text[i + 1] = c;
}

/* Re-encodes the grouped request TEXT with its bits changed by EDIT,
 * check symbols made right: well typed but no valid request. */
static void
reshape(const char *text, void (*edit)(uint8_t *, size_t *), char *out)
{
	uint8_t symbols[160], bytes[100];
	size_t count = 0;

	FUZZ_CHECK(code32_parse(text, PROTOCOL_REQUEST_GROUP, symbols,
	    sizeof(symbols), &count, NULL) == CODE32_OK);
	code32_to_bytes(symbols, count, bytes, sizeof(bytes));
	edit(bytes, &count);
	code32_from_bytes(bytes, sizeof(bytes), symbols, count);
	FUZZ_CHECK(code32_format(symbols, count, PROTOCOL_REQUEST_GROUP, out,
	    TEXT_MAX) > 0);
}

/* A version-1 request relabelled version 2 (and the other way round):
 * its bits read with the other layout. */
static void
version_2(uint8_t *bytes, size_t *count)
{
	(void)count;
	bytes[0] = (uint8_t)((bytes[0] & 0x0f) | 0x20);
}

static void
version_1(uint8_t *bytes, size_t *count)
{
	(void)count;
	bytes[0] = (uint8_t)((bytes[0] & 0x0f) | 0x10);
}

static void
version_3(uint8_t *bytes, size_t *count)
{
	(void)count;
	bytes[0] = (uint8_t)((bytes[0] & 0x0f) | 0x30);
}

/* Version 2's store nibble (bits 120-123, after the day) made 8: well
 * typed, the other store, a MAC that does not verify. */
static void
store_8(uint8_t *bytes, size_t *count)
{
	(void)count;
	bytes[15] = (uint8_t)((bytes[15] & 0x0f) | 0x80);
}

static void
flags_1(uint8_t *bytes, size_t *count)
{
	(void)count;
	bytes[0] = (uint8_t)((bytes[0] & 0xf0) | 0x01);
}

static void
key_id_0(uint8_t *bytes, size_t *count)
{
	(void)count;
	bytes[1] = 0;
	bytes[2] = 0;
}

static void
extra_group(uint8_t *bytes, size_t *count)
{
	(void)bytes;
	*count += PROTOCOL_REQUEST_GROUP;
}

static void
padding_bit(uint8_t *bytes, size_t *count)
{
	size_t last = *count * 5 - 1;	/* the last bit: padding */

	bytes[last / 8] |= (uint8_t)(0x80u >> (last % 8));
}

/* Version 2: the fixed request in store 7, and its broken kin. */
static void
requests_v2(void)
{
	uint8_t request_key[PROTOCOL_KEY_BYTES], code_key[PROTOCOL_KEY_BYTES];
	char text[TEXT_MAX], other[TEXT_MAX];
	struct protocol_request r;

	fuzz_keys(request_key, code_key);
	fuzz_request_v2(&r);
	FUZZ_CHECK(protocol_request_encode(&r, request_key, text,
	    sizeof(text)) > 0);
	put_text("request", "v2-valid-store-7", text);
	loosen(text, other);
	put_text("request", "v2-valid-lower-spaced", other);
	reshape(text, store_8, other);
	put_text("request", "v2-wrong-store-8", other);
	reshape(text, version_1, other);
	put_text("request", "v2-relabelled-version-1", other);
	reshape(text, version_3, other);
	put_text("request", "v2-bad-version-3", other);
	reshape(text, padding_bit, other);
	put_text("request", "v2-bad-padding-bit", other);
	fmt(other, "%s", text);
	typo(other, 36);
	put_text("request", "v2-bad-typo-group-6", other);
	FUZZ_CHECK(protocol_request_encode_compact(&r, request_key, other,
	    sizeof(other)) > 0);
	put_text("request", "v2-valid-compact", other);
	r.store = 0;
	FUZZ_CHECK(protocol_request_encode(&r, request_key, text,
	    sizeof(text)) > 0);
	put_text("request", "v2-valid-store-0", text);
	r.store = PROTOCOL_STORE_MAX;
	r.demo = true;
	r.day = 0;
	r.key_id = 65535;
	snprintf(r.serial, sizeof(r.serial), "%s",
	    "abcdefghijklmnopqrstuvwxyz-_012");
	snprintf(r.account, sizeof(r.account), "%s",
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_987");
	FUZZ_CHECK(protocol_request_encode(&r, request_key, text,
	    sizeof(text)) > 0);
	put_text("request", "v2-valid-store-15-longest-names", text);
	FUZZ_CHECK(protocol_request_encode_compact(&r, request_key, text,
	    sizeof(text)) > 0);
	put_text("request", "v2-valid-compact-longest", text);
}

static void
requests(void)
{
	uint8_t request_key[PROTOCOL_KEY_BYTES], code_key[PROTOCOL_KEY_BYTES];
	char text[TEXT_MAX], other[TEXT_MAX];
	struct protocol_request r;
	int len;

	fuzz_keys(request_key, code_key);
	fuzz_request(&r);
	len = protocol_request_encode(&r, request_key, text, sizeof(text));
	FUZZ_CHECK(len > 0);
	put_text("request", "valid-admin", text);
	loosen(text, other);
	put_text("request", "valid-lower-spaced", other);
	squeeze(text, other);
	put_text("request", "valid-no-hyphens", other);
	fmt(other, "%s\n", text);
	put_text("request", "bad-newline", other);
	fmt(other, "%s", text);
	typo(other, 8);
	put_text("request", "bad-typo-group-2", other);
	fmt(other, "%s", text);
	swap(other, 14);
	put_text("request", "bad-swap-group-3", other);
	fmt(other, "%s", text);
	other[20] = '*';
	put_text("request", "bad-character", other);
	fmt(other, "%s", text);
	other[strlen(other) - 7] = '\0';
	put_text("request", "bad-length", other);
	fmt(other, "%s%s", text, text + strlen(text) - 7);
	put_text("request", "bad-last-group-twice", other);
	reshape(text, version_2, other);
	put_text("request", "relabelled-version-2", other);
	reshape(text, version_3, other);
	put_text("request", "bad-version-3", other);
	reshape(text, flags_1, other);
	put_text("request", "bad-flags", other);
	reshape(text, key_id_0, other);
	put_text("request", "bad-key-id-0", other);
	reshape(text, extra_group, other);
	put_text("request", "bad-padding-group", other);
	reshape(text, padding_bit, other);
	put_text("request", "bad-padding-bit", other);
	len = protocol_request_encode_compact(&r, request_key, other,
	    sizeof(other));
	FUZZ_CHECK(len > 0);
	put_text("request", "valid-compact", other);
	loosen(other, text);
	put_text("request", "valid-compact-lower", text);
	other[10] = 'U';
	put_text("request", "bad-compact-character", other);
	put_text("request", "bad-empty", "");
	put_text("request", "bad-compact-mark-only", "U");

	r.demo = true;
	r.day = 0;
	r.key_id = 65535;
	snprintf(r.serial, sizeof(r.serial), "%s",
	    "abcdefghijklmnopqrstuvwxyz-_012");
	snprintf(r.account, sizeof(r.account), "%s",
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_987");
	FUZZ_CHECK(protocol_request_encode(&r, request_key, text,
	    sizeof(text)) > 0);
	put_text("request", "valid-demo-longest-names", text);
	snprintf(r.serial, sizeof(r.serial), "%s", "S");
	snprintf(r.account, sizeof(r.account), "%s", "_");
	r.key_id = 1;
	FUZZ_CHECK(protocol_request_encode(&r, request_key, text,
	    sizeof(text)) > 0);
	put_text("request", "valid-shortest-names", text);
	FUZZ_CHECK(protocol_request_encode_compact(&r, request_key, text,
	    sizeof(text)) > 0);
	put_text("request", "valid-compact-shortest", text);
	requests_v2();
}

static void
codes(void)
{
	uint8_t request_key[PROTOCOL_KEY_BYTES], code_key[PROTOCOL_KEY_BYTES];
	char text[TEXT_MAX], other[TEXT_MAX];
	struct protocol_request r;

	fuzz_keys(request_key, code_key);
	fuzz_request(&r);
	FUZZ_CHECK(protocol_code_make(&r, PROTOCOL_FACTORY_RESET, code_key,
	    text, sizeof(text)) > 0);
	put_text("code", "valid-factory-reset", text);
	FUZZ_CHECK(protocol_code_make(&r, PROTOCOL_SET_PASSWORD, code_key,
	    text, sizeof(text)) > 0);
	put_text("code", "valid-set-password", text);
	loosen(text, other);
	put_text("code", "valid-lower-spaced", other);
	squeeze(text, other);
	put_text("code", "valid-no-hyphens", other);
	fmt(other, "  %s  ", text);
	put_text("code", "valid-padded-spaces", other);
	fmt(other, "%s", text);
	typo(other, 1);
	put_text("code", "bad-typo-group-1", other);
	fmt(other, "%s", text);
	swap(other, 27);
	put_text("code", "bad-swap-group-5", other);
	fmt(other, "%s", text);
	other[12] = 'U';
	put_text("code", "bad-character-u", other);
	fmt(other, "%s", text);
	other[23] = '\0';
	put_text("code", "bad-length-4-groups", other);
	fmt(other, "%s-%s", text, text);
	put_text("code", "bad-length-10-groups", other);
	fmt(other, "%s%s", text, text + strlen(text) - 6);
	put_text("code", "bad-last-group-twice", other);
	put_text("code", "bad-empty", "");
	put_text("code", "bad-hyphens-only", "- - -");
	r.nonce[0] ^= 1;
	FUZZ_CHECK(protocol_code_make(&r, PROTOCOL_SET_PASSWORD, code_key,
	    text, sizeof(text)) > 0);
	put_text("code", "wrong-request", text);
	fuzz_request(&r);
	FUZZ_CHECK(protocol_request_encode(&r, request_key, text,
	    sizeof(text)) > 0);
	put_text("code", "request-text", text);
	/* Crockford's lenient letters: I and L for 1, O for 0. */
	put_text("code", "lenient-letters", "IL0O1-ilOo0-00000-11111-ABCDE");

	/* Version 2: the codes of store 7, and of store 8 (no code of the
	 * fixed version-2 request, nor of the version-1 one). */
	fuzz_request_v2(&r);
	FUZZ_CHECK(protocol_code_make(&r, PROTOCOL_SET_PASSWORD, code_key,
	    text, sizeof(text)) > 0);
	put_text("code", "v2-valid-set-password", text);
	loosen(text, other);
	put_text("code", "v2-valid-lower-spaced", other);
	FUZZ_CHECK(protocol_code_make(&r, PROTOCOL_FACTORY_RESET, code_key,
	    text, sizeof(text)) > 0);
	put_text("code", "v2-valid-factory-reset", text);
	r.store = FUZZ_STORE + 1;
	FUZZ_CHECK(protocol_code_make(&r, PROTOCOL_SET_PASSWORD, code_key,
	    text, sizeof(text)) > 0);
	put_text("code", "v2-wrong-store", text);
	r.store = 0;
	FUZZ_CHECK(protocol_code_make(&r, PROTOCOL_SET_PASSWORD, code_key,
	    text, sizeof(text)) > 0);
	put_text("code", "v2-store-0", text);
}

static void
keyfiles(void)
{
	static const char device_key[] =
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
	static const char public_key[] =
	    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
	static const char secret_key[] =
	    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
	    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
	char text[TEXT_MAX], other[TEXT_MAX];
	char *at;

	fmt(text, "%s\nserial=NVR0012345678\nkey_id=3\n"
	    "demo=no\ndevice_key=%s\nvendor_public_key=%s\n",
	    PROVISIONING_HEADER, device_key, public_key);
	put_text("keyfile", "valid-provisioning", text);
	fmt(other, "%s\nvendor_public_key=%s\ndemo=yes\n"
	    "key_id=65535\ndevice_key=%s\nserial=a-_Z\n",
	    PROVISIONING_HEADER, public_key, device_key);
	put_text("keyfile", "valid-provisioning-any-order", other);
	fmt(other, "# nvr-recovery key set 1\nkey_id=1\n"
	    "demo=yes\nmaster=%s\nsign_public=%s\nsign_secret=%s\n",
	    device_key, public_key, secret_key);
	put_text("keyfile", "valid-keyset", other);

	fmt(other, "%s", text);
	other[strlen(other) - 1] = '\0';
	put_text("keyfile", "bad-no-final-newline", other);
	fmt(other, "%s", text);
	at = strstr(other, "\nkey_id");
	memmove(at + 1, at, strlen(at) + 1);
	at[0] = '\r';
	put_text("keyfile", "bad-carriage-return", other);
	fmt(other, "%skey_id=3\n", text);
	put_text("keyfile", "bad-twice", other);
	fmt(other, "%scolour=blue\n", text);
	put_text("keyfile", "bad-unknown-key", other);
	fmt(other, "%s\n", text);
	put_text("keyfile", "bad-blank-line", other);
	fmt(other, "%s", text);
	memcpy(strstr(other, "0a0b"), "0A0B", 4);
	put_text("keyfile", "bad-upper-case-hex", other);
	fmt(other, "%s", text);
	memcpy(strstr(other, "key_id=3"), "key_id=0", 8);
	put_text("keyfile", "bad-key-id-0", other);
	fmt(other, "%s", text);
	memcpy(strstr(other, "demo=no"), "demo=NO", 7);
	put_text("keyfile", "bad-demo", other);
	fmt(other, "%s", text);
	memcpy(strstr(other, "serial=NVR"), "serial=N*R", 10);
	put_text("keyfile", "bad-serial", other);
	fmt(other, "%s", text);
	memcpy(other, "# nvr-recovery provisioning 2", 29);
	put_text("keyfile", "bad-header", other);
	fmt(other, "%s", text);
	*strstr(other, "demo=no\n") = '\0';
	put_text("keyfile", "bad-cut-short", other);
	fmt(other, "%s", text);
	at = strstr(other, "key_id=3");
	at[7] = '\0';
	put("keyfile", "bad-nul-byte", other, strlen(text));
	put_text("keyfile", "bad-empty", "");
	fmt(other, "%s\nkey_id=03\n", PROVISIONING_HEADER);
	put_text("keyfile", "bad-leading-zero", other);
	fmt(other, "%s\nkey_id=65536\n",
	    PROVISIONING_HEADER);
	put_text("keyfile", "bad-key-id-65536", other);
	fmt(other, "%s\ndevice_key=%.62s\n",
	    PROVISIONING_HEADER, device_key);
	put_text("keyfile", "bad-short-hex", other);
}

/* Writes F as NAME, signed with the fixed key; the text into TEXT. */
static void
reset_file(const char *name, const struct reset_file *f, char *text)
{
	uint8_t public_key[crypto_sign_PUBLICKEYBYTES];
	uint8_t secret_key[crypto_sign_SECRETKEYBYTES];

	fuzz_sign_keys(public_key, secret_key);
	FUZZ_CHECK(reset_file_write(f, secret_key, text, TEXT_MAX) > 0);
	put_text("reset_file", name, text);
}

/* TEXT with the first FROM replaced by TO (same length), as NAME. */
static void
edited(const char *name, const char *text, const char *from, const char *to)
{
	char other[TEXT_MAX];
	char *at;

	fmt(other, "%s", text);
	at = strstr(other, from);
	FUZZ_CHECK(at != NULL && strlen(from) == strlen(to));
	memcpy(at, to, strlen(to));
	put_text("reset_file", name, other);
}

/* TEXT with the first FROM replaced by TO (any lengths), as NAME. */
static void
spliced(const char *name, const char *text, const char *from,
    const char *to)
{
	char other[TEXT_MAX];
	const char *at = strstr(text, from);

	FUZZ_CHECK(at != NULL);
	fmt(other, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	put_text("reset_file", name, other);
}

/* Version 2: F (a set-password file for the fixed request) in store 7,
 * and files broken around the store line. */
static void
reset_files_v2(struct reset_file *f)
{
	char text[TEXT_MAX];

	f->version = 2;
	f->store = FUZZ_STORE;
	reset_file("v2-valid-set-password", f, text);
	edited("v2-wrong-store-edited", text, "store=7", "store=8");
	spliced("v2-bad-store-16", text, "store=7\n", "store=16\n");
	spliced("v2-bad-store-leading-zero", text, "store=7\n", "store=07\n");
	edited("v2-bad-store-key", text, "store=", "Store=");
	edited("v2-bad-v2-lines-under-v1-header", text, "reset file 2",
	    "reset file 1");
	spliced("v2-bad-no-store", text, "store=7\n", "");
	spliced("v2-bad-store-after-account", text,
	    "store=7\naccount=admin\n", "account=admin\nstore=7\n");
	f->store = PROTOCOL_STORE_MAX;
	f->action = PROTOCOL_FACTORY_RESET;
	f->account[0] = '\0';
	reset_file("v2-valid-factory-reset-store-15", f, text);
	f->store = 0;
	reset_file("v2-valid-factory-reset-store-0", f, text);
}

static void
reset_files(void)
{
	struct protocol_request r;
	struct reset_file f;
	char text[TEXT_MAX], other[TEXT_MAX];
	char *sig;

	fuzz_request(&r);
	memset(&f, 0, sizeof(f));
	f.key_id = r.key_id;
	snprintf(f.serial, sizeof(f.serial), "%s", r.serial);
	memcpy(f.nonce, r.nonce, sizeof(f.nonce));
	f.action = PROTOCOL_FACTORY_RESET;
	f.issued = 1710000000;		/* 2024-03-09T16:00:00Z */
	reset_file("valid-factory-reset", &f, text);
	edited("bad-action-needs-account", text, "factory-reset",
	    "set-password\n");
	f.action = PROTOCOL_SET_PASSWORD;
	snprintf(f.account, sizeof(f.account), "%s", "admin");
	f.issued = 1709164800;		/* 2024-02-29T00:00:00Z, a leap day */
	reset_file("valid-set-password-leap-day", &f, text);
	f.issued = 253402300799LL;	/* 9999-12-31T23:59:59Z, the last */
	f.key_id = 65535;
	snprintf(f.account, sizeof(f.account), "%s",
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_987");
	reset_file("valid-last-second-longest-account", &f, other);
	f.issued = 0;
	f.key_id = r.key_id;
	snprintf(f.account, sizeof(f.account), "%s", "admin");
	reset_file("valid-set-password-epoch", &f, text);

	edited("bad-signature-key", text, "signature=", "Signature=");
	sig = strstr(text, "signature=") + 10;
	fmt(other, "%s", text);
	other[sig - text] = other[sig - text] == '0' ? '1' : '0';
	put_text("reset_file", "wrong-signature", other);
	edited("wrong-signed-account", text, "account=admin", "account=admim");
	edited("bad-year-1969", text, "1970-01-01", "1969-12-31");
	edited("bad-february-29", text, "1970-01-01", "2023-02-29");
	edited("bad-hour-24", text, "T00:00:00Z", "T24:00:00Z");
	edited("bad-upper-case-nonce", text, "nonce=1032", "nonce=1O32");
	edited("bad-key-id-0", text, "key_id=3", "key_id=0");
	edited("bad-header", text, "reset file 1", "reset file 3");
	edited("bad-v1-under-v2-header", text, "reset file 1",
	    "reset file 2");
	edited("bad-account-name", text, "account=admin", "account=ad*in");
	edited("bad-order", text, "account=admin\naction=set-password",
	    "action=set-password\naccount=admin");
	edited("bad-carriage-return", text, "\nissued", "\rissued");
	edited("bad-byte-ff", text, "serial=NVR", "serial=NV\xff");
	fmt(other, "%s", text);
	*strstr(other, "=NVR") = '\0';
	put("reset_file", "bad-nul-byte", other, strlen(text));
	fmt(other, "%s\n", text);
	put_text("reset_file", "bad-trailing-line", other);
	fmt(other, "%s", text);
	other[strlen(other) - 1] = '\0';
	put_text("reset_file", "bad-no-final-newline", other);
	fmt(other, "%s", text);
	*strstr(other, "issued=") = '\0';
	put_text("reset_file", "bad-cut-short", other);
	put_text("reset_file", "bad-empty", "");
	reset_files_v2(&f);
}

/* pbkdf2_sha256 hash texts: Frigate's, cheap ones the harness checks
 * through, and texts that are almost one. */
static void
pbkdf2_hashes(void)
{
	static const char *const good[][2] = {
		{ "frigate-600000", "pbkdf2_sha256$600000$"
		  "5f3c1d2e4a6b8c0d9e7f1a2b3c4d5e6f$"
		  "vFGp0R8eYZ9YHEsFFV9HIaWuz0nXyEhi12PQ/z4H1t0=" },
		{ "frigate-1000", "pbkdf2_sha256$1000$"
		  "0123456789abcdef0123456789abcdef$"
		  "EbzoHUnQEh/5iufrI/6Y3cE8AkJrZ7mste7Pv9lM4w0=" },
		{ "django-salt", "pbkdf2_sha256$870000$Xq3vN8bL2mR7tY1kP4wZs0$"
		  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" },
		{ "bad-leading-zero", "pbkdf2_sha256$0600000$"
		  "5f3c1d2e4a6b8c0d9e7f1a2b3c4d5e6f$"
		  "vFGp0R8eYZ9YHEsFFV9HIaWuz0nXyEhi12PQ/z4H1t0=" },
		{ "bad-stray-bits", "pbkdf2_sha256$1000$"
		  "0123456789abcdef0123456789abcdef$"
		  "EbzoHUnQEh/5iufrI/6Y3cE8AkJrZ7mste7Pv9lM4w1=" },
		{ "bad-four-dollars", "pbkdf2_sha256$1000$01$23$"
		  "EbzoHUnQEh/5iufrI/6Y3cE8AkJrZ7mste7Pv9lM4w0=" },
		{ "bad-too-many-iterations", "pbkdf2_sha256$99999999$ab$"
		  "EbzoHUnQEh/5iufrI/6Y3cE8AkJrZ7mste7Pv9lM4w0=" },
		{ "bad-locked", "!" },
		{ "bad-empty", "" },
		{ "bad-bcrypt", "$2b$12$abcdefghijklmnopqrstuu5bOGdxNw0Rz3kPn8q3"
		  "ZVlh4YDrVmqUe" },
	};
	char text[TEXT_MAX];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		put_text("pbkdf2", good[i][0], good[i][1]);
	/* Fixed salts (make's are random): the seeds stay as written. */
	for (unsigned long it = 1; it <= 64; it *= 4) {
		struct pbkdf2_sha256 h = { .iterations = it };
		char name[32];

		snprintf(h.salt, sizeof(h.salt), "%032lx", it * 0x1111UL);
		h.salt_len = strlen(h.salt);
		pbkdf2_sha256_derive(&h, "fuzz", 4, h.digest);
		FUZZ_CHECK(pbkdf2_sha256_format(&h, text, TEXT_MAX) > 0);
		snprintf(name, sizeof(name), "made-%lu", it);
		put_text("pbkdf2", name, text);
	}
	fmt(text, "pbkdf2_sha256$16$0123456789abcdef$"
	    "EbzoHUnQEh/5iufrI/6Y3cE8AkJrZ7mste7Pv9lM4w0=");
	put("pbkdf2", "bad-nul-byte", text, strlen(text) + 1);
}

/* A seed for fuzz_conffile or fuzz_hash_form: the rules' byte (0
 * htpasswd, 1 motionEye 0.43, 2 motionEye 0.44, 3 ZoneMinder), then
 * TEXT. */
static void
put_ruled(const char *dir, const char *name, char rules, const char *text)
{
	char buf[TEXT_MAX];

	FUZZ_CHECK(strlen(text) + 1 < sizeof(buf));
	buf[0] = rules;
	memcpy(buf + 1, text, strlen(text));
	put(dir, name, buf, strlen(text) + 1);
}

/* motion.conf as motionEye 0.43.1 and 0.44.0 write it, htpasswd files
 * as htpasswd(1) writes them, and each broken in one way. */
static void
conffiles(void)
{
	static const char motion[] =
	    "# @admin_username admin\n"
	    "# @normal_username viewer\n"
	    "# @admin_password 5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8\n"
	    "# @lang en\n"
	    "# @enabled on\n"
	    "# @normal_password \n"
	    "\n"
	    "setup_mode off\n"
	    "webcontrol_port 7999\n"
	    "\n"
	    "camera camera-1.conf\n";
	static const char motion_044[] =
	    "# @admin_username admin\n"
	    "# @normal_username user\n"
	    "# @admin_password $argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQxMj"
	    "M0NTY$yFCjcRhNJv0oV2gAXHDuxCI5I0l1vCHlUXcAsr1lRC4\n"
	    "# @normal_password Viewer-Pass-7\n"
	    "# @relay_secret 8c7f6e5d4c3b2a19\n"
	    "\n"
	    "setup_mode off\n";
	static const char htpasswd[] =
	    "# the web UI's users\n"
	    "admin:$2y$05$c7Be8rdW1nEEwLOrCy8MCeyq3zj2hMWf/6oLtoBMSbUpkm9TpGlN2"
	    "\n"
	    "\n"
	    "bob:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/\n"
	    "dave:{SHA}VBPuJHI7uixaa6LQGWx4s+5GKNE=\n"
	    "carol:$y$j9T$cpkpJNKhpQhiKhLqgHHhH/$MXMgbiEXfDG/LzFVObHyp.KkBKL/"
	    "Vz3cVX4phU4n7S5:Carol\n"
	    "guest:!\n";

	put_ruled("conffile", "ok-motion-043", 1, motion);
	put_ruled("conffile", "ok-motion-044", 2, motion_044);
	put_ruled("conffile", "ok-motion-bare", 2, "setup_mode off\n");
	put_ruled("conffile", "ok-motion-reset", 1, "# @admin_password "
	    "!reset-0123456789abcdef0123456789abcdef\n# @admin_username x\n");
	put_ruled("conffile", "ok-motion-no-blank", 2, "# @admin_password\n"
	    "@normal_password plain\n");
	put_ruled("conffile", "ok-htpasswd", 0, htpasswd);
	put_ruled("conffile", "ok-htpasswd-no-final-newline", 0, "admin:!");
	put_ruled("conffile", "bad-motion-twice", 2, "# @admin_password a\n"
	    "#@admin_password b\n");
	put_ruled("conffile", "bad-motion-cr", 1, "# @lang en\r\n");
	put_ruled("conffile", "bad-motion-same-names", 1, "# @admin_username "
	    "x\n# @normal_username x\n");
	put_ruled("conffile", "bad-motion-argon2-memory", 2, "# "
	    "@admin_password $argon2id$v=19$m=2097152,t=3,p=4$c29tZXNhbHQxMj"
	    "M0NTY$yFCjcRhNJv0oV2gAXHDuxCI5I0l1vCHlUXcAsr1lRC4\n");
	put_ruled("conffile", "bad-htpasswd-no-colon", 0, "admin:!\nbob\n");
	put_ruled("conffile", "bad-htpasswd-twice", 0, "admin:!\nadmin:x\n");
	put_ruled("conffile", "bad-htpasswd-no-name", 0, ":x\n");
	put_ruled("conffile", "bad-htpasswd-blank", 0, "admin:x \n");
	put_ruled("conffile", "bad-htpasswd-tab", 0, "\tadmin:x\n");
	put_ruled("conffile", "bad-empty", 0, "");

	put_ruled("hash_form", "apr1", 0, "$apr1$r31.....$HqJZimcKQFAMYayBl"
	    "zkrA/");
	put_ruled("hash_form", "apr1-long-salt", 0, "$apr1$r31......$HqJZimc"
	    "KQFAMYayBlzkrA/");
	put_ruled("hash_form", "sha", 0, "{SHA}VBPuJHI7uixaa6LQGWx4s+5GKNE=");
	put_ruled("hash_form", "sha-short", 0, "{SHA}VBPuJHI7uixaa6LQGWx4s+5"
	    "GKNE");
	put_ruled("hash_form", "bcrypt", 0, "$2y$05$c7Be8rdW1nEEwLOrCy8MCeyq"
	    "3zj2hMWf/6oLtoBMSbUpkm9TpGlN2");
	put_ruled("hash_form", "yescrypt", 0, "$y$j9T$cpkpJNKhpQhiKhLqgHHhH/"
	    "$MXMgbiEXfDG/LzFVObHyp.KkBKL/Vz3cVX4phU4n7S5");
	put_ruled("hash_form", "des", 0, "abzlUXK5ed5rs");
	put_ruled("hash_form", "locked", 0, "!$2y$05$x");
	put_ruled("hash_form", "sha1-hex", 1, "5baa61e4c9b93f3f0682250b6cf833"
	    "1b7ee68fd8");
	put_ruled("hash_form", "plain", 1, "Viewer-Pass-7");
	put_ruled("hash_form", "reset", 1, "!reset-0123456789abcdef0123456789"
	    "abcdef");
	put_ruled("hash_form", "argon2id", 2, "$argon2id$v=19$m=65536,t=3,p=4"
	    "$c29tZXNhbHQxMjM0NTY$yFCjcRhNJv0oV2gAXHDuxCI5I0l1vCHlUXcAsr1lRC4");
	put_ruled("hash_form", "argon2i-no-version", 2, "$argon2i$m=4096,t=3,"
	    "p=1$c29tZXNhbHQ$yFCjcRhNJv0oV2gAXHDuxCI5I0l1vCHlUXcAsr1lRC4");
	put_ruled("hash_form", "argon2-locked", 2, "$argon2id$locked");
	put_ruled("hash_form", "argon2-too-big", 2, "$argon2id$v=19$m=4294967"
	    "295,t=3,p=4$c29tZXNhbHQxMjM0NTY$yFCjcRhNJv0oV2gAXHDuxCI5I0l1vCH");
	put_ruled("hash_form", "argon2-overflow", 2, "$argon2d$v=19$m=42949672"
	    "96,t=3,p=4$c29tZXNhbHQxMjM0NTY$yFCjcRhNJv0oV2gAXHDuxCI5I0l1vCH");
	put_ruled("hash_form", "empty", 2, "");
	/* ZoneMinder 1.36: its seeded admin, PASSWORD('admin'), the overlay,
	 * plain text, a '*' that is no PASSWORD(). */
	put_ruled("hash_form", "zm-bcrypt", 3, "$2b$12$NHZsm6AM2f2LQVROriz79u"
	    "l3D6DnmFiZC.ZK5eqbF.ZWfwH9bqUJ6");
	put_ruled("hash_form", "zm-mysql41", 3, "*4ACFE3202A5FF5CF467898FC58AA"
	    "B1D615029441");
	put_ruled("hash_form", "zm-overlay", 3, "-ZM-$2b$12$NHZsm6AM2f2LQVROri"
	    "z79ul3D6DnmFiZC.ZK5eqbF.ZWfwH9bqUJ6");
	put_ruled("hash_form", "zm-plain", 3, "admin");
	put_ruled("hash_form", "zm-locked", 3, "*locked");
}

/* zm.conf then a conf.d file, the first byte saying where zm.conf ends. */
static void
put_zm(const char *name, const char *zm_conf, size_t a, const char *conf_d,
    size_t b)
{
	char text[TEXT_MAX];

	if (a > 255 || 1 + a + b > sizeof(text)) {
		fprintf(stderr, "gen-seeds: zm_conf seed %s too long\n", name);
		exit(1);
	}
	text[0] = (char)a;
	memcpy(text + 1, zm_conf, a);
	memcpy(text + 1 + a, conf_d, b);
	put("zm_conf", name, text, 1 + a + b);
}

/* Literals only: their length is their size, NULs inside included. */
#define PUT_ZM(name, zm_conf, conf_d) \
	put_zm(name, zm_conf, sizeof(zm_conf) - 1, conf_d, sizeof(conf_d) - 1)

static void
zm_confs(void)
{
	/* As ZoneMinder 1.36's zm.conf.in lays it out, and Debian's. */
	static const char debian[] = "# ZoneMinder database\n"
	    "ZM_DB_TYPE=mysql\nZM_DB_HOST=localhost\nZM_DB_NAME=zm\n"
	    "ZM_DB_USER=zmuser\nZM_DB_PASS=zmpass\n";

	PUT_ZM("debian", debian, "");
	PUT_ZM("override", debian, "# site\nZM_DB_PASS = \"s3cret\"\n"
	    "ZM_DB_HOST=db.local:3307\n");
	PUT_ZM("socket", "ZM_DB_HOST=localhost:/run/mysqld/mysqld.sock\n"
	    "ZM_DB_NAME=zm\r\n", "zm_db_user='zm'\n");
	PUT_ZM("bad-port", "ZM_DB_HOST=db:99999\nZM_DB_NAME=zm\n", "");
	PUT_ZM("no-equals", "ZM_DB_HOST db\n  # ZM_DB_NAME=x\n", "=\n");
	PUT_ZM("nul-in-line", "ZM_DB_USER=zm\0user\nZM_DB_NAME=zm", "");
}

/* Bytes a terminal sends; 0xfe stands for the Esc delay passing. */
static void
key_streams(void)
{
	put_text("keys", "arrows-csi", "\x1b[A\x1b[B\x1b[C\x1b[D");
	put_text("keys", "arrows-ss3", "\x1bOA\x1bOB\x1bOH\x1bOF");
	put_text("keys", "putty-fn", "\x1b[11~\x1b[15~\x1b[24~\x1b[1~"
	    "\x1b[4~");
	put_text("keys", "utf8", "caf\xc3\xa9 \xd0\x96 \xe2\x82\xac "
	    "\xf0\x9f\x94\x91");
	put_text("keys", "utf8-broken", "\xc0\xaf\xed\xa0\x80\xf4\x90"
	    "\x80\x80\xe2\x82");
	put_text("keys", "cursor-report", "\x1b[24;80R\x1b[999;999R"
	    "\x1b[1;1R");
	put_text("keys", "csi-noise", "\x1b[99999999999999999999A"
	    "\x1b[;;;;~\x1b[?1049h");
	put_text("keys", "lone-esc", "\x1b\xfe\x1bq\x1b\x1b[");
	put_text("keys", "controls", "\r\n\r\r\n\t\x7f\x08\x03\x15\x0c"
	    "\x9b\x8f");
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen-seeds CORPUS_FOLDER\n");
		return 2;
	}
	corpus = argv[1];
	fuzz_init();
	requests();
	codes();
	keyfiles();
	reset_files();
	pbkdf2_hashes();
	conffiles();
	zm_confs();
	key_streams();
	return 0;
}
