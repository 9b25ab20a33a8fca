/*
 * reset_file.c: writing, reading and checking signed reset files (see
 * reset_file.h for the format and its invariants).
 *
 * The reader walks the file line by line against the one layout there
 * is; every value is checked byte by byte against its own small
 * alphabet, so a CR, a NUL or a space can only ever be a wrong byte of
 * some line, which is the line reported.
 */
#include "common/reset_file.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Dates up to the year 9999, on a 32-bit machine too (the Makefile's
 * LFS_CFLAGS). */
_Static_assert(sizeof(time_t) == 8, "build with -D_TIME_BITS=64");

#define DAY_SECONDS 86400
#define YEAR_MIN 1970
#define YEAR_MAX 9999
#define ISSUED_LEN 20		/* YYYY-MM-DDTHH:MM:SSZ */
#define SIGNATURE_BYTES crypto_sign_BYTES
#define CONTEXT_LEN (sizeof(RESET_FILE_CONTEXT) - 1)

/* One buffer size serves both versions' signed messages. */
_Static_assert(sizeof(RESET_FILE_CONTEXT) == sizeof(RESET_FILE_CONTEXT_2),
    "the versions' contexts differ in length");

static const char *const action_names[] = {
	[PROTOCOL_SET_PASSWORD] = "set-password",
	[PROTOCOL_FACTORY_RESET] = "factory-reset",
};

/* What the reader found besides F: where the signed bytes end and the
 * signature. */
struct parsed {
	size_t signed_len;
	uint8_t signature[SIGNATURE_BYTES];
};

/* ------------------------------------------------------------ helpers */

static bool
action_ok(enum protocol_action action)
{
	return action == PROTOCOL_SET_PASSWORD ||
	    action == PROTOCOL_FACTORY_RESET;
}

static void
hex_of(const uint8_t *bin, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[bin[i] >> 4];
		out[2 * i + 1] = digits[bin[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;		/* capitals too: one spelling only */
}

/* Reads exactly 2 * BYTES lower-case hex digits (TEXT, N long). */
static bool
hex_read(const char *text, size_t n, uint8_t *out, size_t bytes)
{
	if (n != 2 * bytes)
		return false;
	for (size_t i = 0; i < bytes; i++) {
		int hi = hex_digit(text[2 * i]);
		int lo = hex_digit(text[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

/* Reads N decimal digits of TEXT. */
static bool
digits_read(const char *text, size_t n, unsigned *out)
{
	unsigned v = 0;

	for (size_t i = 0; i < n; i++) {
		if (text[i] < '0' || text[i] > '9')
			return false;
		v = v * 10 + (unsigned)(text[i] - '0');
	}
	*out = v;
	return true;
}

/* A key id: 1..65535, decimal, no leading zero. */
static bool
key_id_read(const char *text, size_t n, unsigned *out)
{
	return n >= 1 && n <= 5 && text[0] != '0' &&
	    digits_read(text, n, out) && *out <= 65535;
}

/* A store index: 0..15, decimal, no leading zero (so "0" is the only
 * spelling of 0, and one file has one spelling). */
static bool
store_read(const char *text, size_t n, unsigned *out)
{
	return n >= 1 && n <= 2 && (n == 1 || text[0] != '0') &&
	    digits_read(text, n, out) && *out <= PROTOCOL_STORE_MAX;
}

/* A name (protocol_name_ok) into OUT (PROTOCOL_NAME_MAX + 1). */
static bool
name_read(const char *text, size_t n, char *out)
{
	if (n == 0 || n > PROTOCOL_NAME_MAX || memchr(text, '\0', n) != NULL)
		return false;
	memcpy(out, text, n);
	out[n] = '\0';
	return protocol_name_ok(out);
}

static bool
leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned
month_days(unsigned y, unsigned m)
{
	static const unsigned days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to Y-M-D (Y >= 1970, the date valid). */
static long long
days_since_epoch(unsigned y, unsigned m, unsigned d)
{
	long long days = 0;

	for (unsigned year = YEAR_MIN; year < y; year++)
		days += leap(year) ? 366 : 365;
	for (unsigned month = 1; month < m; month++)
		days += month_days(y, month);
	return days + d - 1;
}

/* YYYY-MM-DDTHH:MM:SSZ, a real UTC time in YEAR_MIN..YEAR_MAX. */
static bool
issued_read(const char *t, size_t n, time_t *out)
{
	unsigned y, mo, d, h, mi, s;

	if (n != ISSUED_LEN || t[4] != '-' || t[7] != '-' || t[10] != 'T' ||
	    t[13] != ':' || t[16] != ':' || t[19] != 'Z' ||
	    !digits_read(t, 4, &y) || !digits_read(t + 5, 2, &mo) ||
	    !digits_read(t + 8, 2, &d) || !digits_read(t + 11, 2, &h) ||
	    !digits_read(t + 14, 2, &mi) || !digits_read(t + 17, 2, &s))
		return false;
	if (y < YEAR_MIN || mo < 1 || mo > 12 || d < 1 ||
	    d > month_days(y, mo) || h > 23 || mi > 59 || s > 59)
		return false;
	*out = (time_t)(days_since_epoch(y, mo, d) * DAY_SECONDS +
	    (long long)h * 3600 + (long long)mi * 60 + s);
	return true;
}

/* ------------------------------------------------------------- reading */

struct cursor {
	const char *data;
	size_t len, pos;
	size_t line;		/* the line last taken, 1-based */
};

/* Takes the next line (without its LF) into TEXT and N; false if the
 * file ends first, with or without a last line cut short. */
static bool
take_line(struct cursor *c, const char **text, size_t *n)
{
	const char *lf;

	c->line++;
	if (c->pos >= c->len)
		return false;
	lf = memchr(c->data + c->pos, '\n', c->len - c->pos);
	if (lf == NULL)
		return false;
	*text = c->data + c->pos;
	*n = (size_t)(lf - *text);
	c->pos += *n + 1;
	return true;
}

/* True if the line TEXT (N long) is KEY=VALUE; VALUE and its length
 * into V and VN. */
static bool
field(const char *text, size_t n, const char *key, const char **v,
    size_t *vn)
{
	size_t k = strlen(key);

	if (n <= k || memcmp(text, key, k) != 0 || text[k] != '=')
		return false;
	*v = text + k + 1;
	*vn = n - k - 1;
	return true;
}

/* Takes the next line as KEY=VALUE; false if it is not one. */
static bool
take_field(struct cursor *c, const char *key, const char **v, size_t *vn)
{
	const char *text;
	size_t n;

	return take_line(c, &text, &n) && field(text, n, key, v, vn);
}

static bool
action_read(const char *v, size_t vn, enum protocol_action *out)
{
	for (int a = PROTOCOL_SET_PASSWORD; a <= PROTOCOL_FACTORY_RESET; a++)
		if (strlen(action_names[a]) == vn &&
		    memcmp(action_names[a], v, vn) == 0) {
			*out = (enum protocol_action)a;
			return true;
		}
	return false;
}

/* True if the line TEXT (N long) is exactly LINE. */
static bool
line_is(const char *text, size_t n, const char *line)
{
	return n == strlen(line) && memcmp(text, line, n) == 0;
}

/* The version the header line TEXT (N long) names, or 0 for none. */
static unsigned
header_version(const char *text, size_t n)
{
	if (line_is(text, n, RESET_FILE_HEADER))
		return 1;
	if (line_is(text, n, RESET_FILE_HEADER_2))
		return 2;
	return 0;
}

/* The whole layout; on failure *BAD_LINE is the line at fault. */
static int
parse(const char *data, size_t len, struct reset_file *f, struct parsed *p,
    size_t *bad_line)
{
	struct cursor c = { .data = data, .len = len };
	const char *text, *v;
	size_t n, vn;

	memset(f, 0, sizeof(*f));
	memset(p, 0, sizeof(*p));
	*bad_line = 0;
	if (len > RESET_FILE_MAX)
		return -EFBIG;
	if (!take_line(&c, &text, &n) ||
	    (f->version = header_version(text, n)) == 0)
		goto bad;
	if (!take_field(&c, "key_id", &v, &vn) ||
	    !key_id_read(v, vn, &f->key_id))
		goto bad;
	if (!take_field(&c, "serial", &v, &vn) ||
	    !name_read(v, vn, f->serial))
		goto bad;
	if (!take_field(&c, "nonce", &v, &vn) ||
	    !hex_read(v, vn, f->nonce, sizeof(f->nonce)))
		goto bad;
	/* Version 2 always names the store, version 1 never: the line is
	 * where the account line of the other version would be read. */
	if (f->version >= 2 && (!take_field(&c, "store", &v, &vn) ||
	    !store_read(v, vn, &f->store)))
		goto bad;
	/* account= comes only for set-password; the action line says
	 * which, and is the one at fault when the two disagree. */
	if (!take_line(&c, &text, &n))
		goto bad;
	if (field(text, n, "account", &v, &vn)) {
		if (!name_read(v, vn, f->account) ||
		    !take_field(&c, "action", &v, &vn) ||
		    !action_read(v, vn, &f->action) ||
		    f->action != PROTOCOL_SET_PASSWORD)
			goto bad;
	} else if (!field(text, n, "action", &v, &vn) ||
	    !action_read(v, vn, &f->action) ||
	    f->action != PROTOCOL_FACTORY_RESET) {
		goto bad;
	}
	if (!take_field(&c, "issued", &v, &vn) ||
	    !issued_read(v, vn, &f->issued))
		goto bad;
	p->signed_len = c.pos;
	if (!take_field(&c, "signature", &v, &vn) ||
	    !hex_read(v, vn, p->signature, sizeof(p->signature)))
		goto bad;
	if (c.pos != len) {
		c.line++;	/* bytes after the signature line */
		goto bad;
	}
	return 0;
bad:
	*bad_line = c.line;
	memset(f, 0, sizeof(*f));
	memset(p, 0, sizeof(*p));
	return -EBADMSG;
}

int
reset_file_parse(const char *data, size_t len, struct reset_file *f,
    size_t *bad_line)
{
	struct parsed p;

	return parse(data, len, f, &p, bad_line);
}

/* The context of VERSION (1 or 2) followed by the N bytes of BODY, into
 * MSG: each version signs under its own, so that no signature made for
 * one can be taken for the other's. */
static size_t
message(unsigned version, const char *body, size_t n,
    uint8_t msg[CONTEXT_LEN + RESET_FILE_TEXT_MAX])
{
	memcpy(msg, version >= 2 ? RESET_FILE_CONTEXT_2 : RESET_FILE_CONTEXT,
	    CONTEXT_LEN);
	memcpy(msg + CONTEXT_LEN, body, n);
	return CONTEXT_LEN + n;
}

int
reset_file_verify(const char *data, size_t len,
    const uint8_t vendor_public[crypto_sign_PUBLICKEYBYTES],
    struct reset_file *f, size_t *bad_line)
{
	uint8_t msg[CONTEXT_LEN + RESET_FILE_TEXT_MAX];
	struct reset_file got;
	struct parsed p;
	size_t msg_len;
	int rc;

	memset(f, 0, sizeof(*f));
	rc = parse(data, len, &got, &p, bad_line);
	if (rc != 0)
		return rc;
	/* Every value is bounded, so the signed part always fits. */
	if (p.signed_len > RESET_FILE_TEXT_MAX) {
		*bad_line = 1;
		return -EBADMSG;
	}
	msg_len = message(got.version, data, p.signed_len, msg);
	if (crypto_sign_verify_detached(p.signature, msg, msg_len,
	    vendor_public) != 0)
		return -EACCES;
	*f = got;
	return 0;
}

/* ------------------------------------------------------------- writing */

/* The version F is written in: 0 is 1, as for a protocol_request. */
static unsigned
version_of(const struct reset_file *f)
{
	return f->version == 0 ? RESET_FILE_VERSION : f->version;
}

int
reset_file_write(const struct reset_file *f,
    const uint8_t sign_secret[crypto_sign_SECRETKEYBYTES], char *out,
    size_t size)
{
	char nonce[2 * PROTOCOL_NONCE_BYTES + 1], issued[32];
	char signature[2 * SIGNATURE_BYTES + 1], account[64] = "";
	char store[16] = "";
	uint8_t msg[CONTEXT_LEN + RESET_FILE_TEXT_MAX], sig[SIGNATURE_BYTES];
	unsigned version = version_of(f);
	struct tm tm;
	size_t msg_len;
	int n, total;

	if (size > 0)
		out[0] = '\0';
	if (version > RESET_FILE_VERSION_MAX || f->store > PROTOCOL_STORE_MAX ||
	    (version < 2 && f->store != 0))
		return -EINVAL;
	if (f->key_id == 0 || f->key_id > 65535 ||
	    !protocol_name_ok(f->serial) || !action_ok(f->action))
		return -EINVAL;
	if (f->action == PROTOCOL_SET_PASSWORD ?
	    !protocol_name_ok(f->account) : f->account[0] != '\0')
		return -EINVAL;
	if (f->issued < 0 || gmtime_r(&f->issued, &tm) == NULL ||
	    tm.tm_year + 1900 < YEAR_MIN || tm.tm_year + 1900 > YEAR_MAX ||
	    strftime(issued, sizeof(issued), "%Y-%m-%dT%H:%M:%SZ", &tm) !=
	    ISSUED_LEN)
		return -EINVAL;
	hex_of(f->nonce, sizeof(f->nonce), nonce);
	if (version >= 2)
		snprintf(store, sizeof(store), "store=%u\n", f->store);
	if (f->action == PROTOCOL_SET_PASSWORD)
		snprintf(account, sizeof(account), "account=%s\n", f->account);
	n = snprintf(out, size, "%s\nkey_id=%u\nserial=%s\nnonce=%s\n%s%s"
	    "action=%s\nissued=%s\n", version >= 2 ? RESET_FILE_HEADER_2 :
	    RESET_FILE_HEADER, f->key_id, f->serial, nonce, store, account,
	    action_names[f->action], issued);
	if (n < 0 || (size_t)n >= size || (size_t)n > RESET_FILE_TEXT_MAX) {
		if (size > 0)
			out[0] = '\0';
		return -ENOSPC;
	}
	msg_len = message(version, out, (size_t)n, msg);
	crypto_sign_detached(sig, NULL, msg, msg_len, sign_secret);
	hex_of(sig, sizeof(sig), signature);
	total = snprintf(out + n, size - (size_t)n, "signature=%s\n",
	    signature);
	if (total < 0 || (size_t)n + (size_t)total >= size) {
		out[0] = '\0';
		return -ENOSPC;
	}
	return n + total;
}
