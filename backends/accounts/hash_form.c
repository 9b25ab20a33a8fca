/*
 * hash_form.c: reading a stored password hash by the rules of the
 * software that keeps it (hash_form.h).
 *
 * Invariants:
 * 1. Nothing is computed and nothing is allocated: a value is only
 *    looked at, byte by byte, within its LEN (it need not end in a NUL).
 * 2. A value is read as the software reads it: a form the software would
 *    never match is HASH_LOCKED, so the wizard never takes an account
 *    the software locks out for one without a password.
 */
#include "backends/accounts/hash_form.h"

#include <string.h>

static const char itoa64[] =
    "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static bool
starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

static bool
all_of(const char *s, size_t len, const char *set)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\0' || strchr(set, s[i]) == NULL)
			return false;
	return true;
}

static bool
is_lower_hex(const char *s, size_t len)
{
	return all_of(s, len, "0123456789abcdef");
}

bool
hash_form_is_reset(const char *s, size_t len)
{
	size_t n = strlen(HASH_RESET_PREFIX);

	return len == n + HASH_RESET_HEX && starts(s, len, HASH_RESET_PREFIX)
	    && is_lower_hex(s + n, HASH_RESET_HEX);
}

/* Apache's $apr1$: a salt of up to 8 bytes without '$', then 22 of
 * itoa64 (apr_md5_encode writes nothing else, and compares the whole). */
static bool
apr1_ok(const char *s, size_t len)
{
	size_t n = strlen("$apr1$"), salt = 0;

	while (n + salt < len && s[n + salt] != '$')
		salt++;
	if (salt > 8 || n + salt == len)
		return false;
	n += salt + 1;
	return len - n == 22 && all_of(s + n, 22, itoa64);
}

/* {SHA} and the 28 characters of base64 of 20 bytes, one '=' last. */
static bool
sha_b64_ok(const char *s, size_t len)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
	    "vwxyz0123456789+/";
	size_t n = strlen("{SHA}");

	return len == n + 28 && all_of(s + n, 27, b64) && s[len - 1] == '=';
}

/* crypt_blowfish's form: $2y$NN$ and 53 of its alphabet. */
static bool
bcrypt_ok(const char *s, size_t len)
{
	return len == 60 && s[3] == '$' && s[4] >= '0' && s[4] <= '3' &&
	    s[5] >= '0' && s[5] <= '9' && s[6] == '$' &&
	    all_of(s + 7, 53, itoa64);
}

/* A decimal number of up to 32 bits at *P (within END); advances *P.
 * libargon2 reads leading zeros too. */
static bool
read_u32(const char **p, const char *end, uint32_t *out)
{
	uint64_t n = 0;
	const char *s = *p;

	if (s == end || *s < '0' || *s > '9')
		return false;
	while (s < end && *s >= '0' && *s <= '9') {
		n = n * 10 + (uint64_t)(*s - '0');
		if (n > UINT32_MAX)
			return false;
		s++;
	}
	*p = s;
	*out = (uint32_t)n;
	return true;
}

static bool
expect(const char **p, const char *end, const char *text)
{
	size_t n = strlen(text);

	if ((size_t)(end - *p) < n || memcmp(*p, text, n) != 0)
		return false;
	*p += n;
	return true;
}

/* Unpadded base64 up to the next '$' or END, of at least MIN bytes. */
static bool
b64_field(const char **p, const char *end, size_t min)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
	    "vwxyz0123456789+/";
	const char *s = *p;
	size_t n;

	while (s < end && *s != '$' && *s != '\0' && strchr(b64, *s) != NULL)
		s++;
	n = (size_t)(s - *p);
	if (n % 4 == 1 || n * 3 / 4 < min)
		return false;
	*p = s;
	return true;
}

/*
 * libargon2's encoding, as its decode_string reads it (argon2-cffi hands
 * the value to it): $argon2id$[v=N$]m=M,t=T,p=P$SALT$HASH, a salt of at
 * least 8 bytes and a hash of at least 4, m at least 8 per lane. False
 * if it does not decode (then nothing matches it).
 */
static bool
argon2_decodes(const char *s, size_t len, struct hash_form *form)
{
	const char *p = s, *end = s + len;
	uint32_t version;

	if (!expect(&p, end, "$argon2id$") && !expect(&p, end, "$argon2i$") &&
	    !expect(&p, end, "$argon2d$"))
		return false;
	if (expect(&p, end, "v=") && (!read_u32(&p, end, &version) ||
	    (version != 0x10 && version != 0x13) || !expect(&p, end, "$")))
		return false;
	if (!expect(&p, end, "m=") || !read_u32(&p, end, &form->memory_kib) ||
	    !expect(&p, end, ",t=") || !read_u32(&p, end, &form->passes) ||
	    !expect(&p, end, ",p=") || !read_u32(&p, end, &form->lanes) ||
	    !expect(&p, end, "$") || !b64_field(&p, end, 8) ||
	    !expect(&p, end, "$") || !b64_field(&p, end, 4) || p != end)
		return false;
	return form->passes >= 1 && form->lanes >= 1 &&
	    form->lanes <= 0xffffffu && form->memory_kib >= 8 * form->lanes;
}

static const char *
read_htpasswd(const char *v, size_t len, struct hash_form *form)
{
	/* Apache on Linux: an empty hash goes to crypt(), which fails. */
	if (len == 0 || v[0] == '!' || v[0] == '*')
		form->kind = HASH_LOCKED;
	else if (starts(v, len, "$apr1$"))
		form->kind = apr1_ok(v, len) ? HASH_APR1 : HASH_LOCKED;
	else if (starts(v, len, "{SHA}"))
		form->kind = sha_b64_ok(v, len) ? HASH_SHA1_B64 : HASH_LOCKED;
	else if (starts(v, len, "$2y$") || starts(v, len, "$2b$") ||
	    starts(v, len, "$2a$"))
		form->kind = bcrypt_ok(v, len) ? HASH_BCRYPT : HASH_LOCKED;
	else if (starts(v, len, "$y$"))
		form->kind = HASH_YESCRYPT;
	else if (starts(v, len, "$5$") || starts(v, len, "$6$"))
		form->kind = HASH_SHA_CRYPT;
	else
		form->kind = HASH_CRYPT_OTHER;
	return NULL;
}

static const char *
read_motioneye(const char *v, size_t len, struct hash_form *form)
{
	if (len == 0) {
		form->kind = HASH_NONE;
		return NULL;
	}
	if (hash_form_is_reset(v, len)) {
		form->kind = HASH_LOCKED;
		return NULL;
	}
	/* motionEye 0.44's authstate: '$argon2' first is an argon2 hash,
	 * which argon2-cffi checks or refuses. 0.43 would take it for the
	 * password itself, which nobody types: read as 0.44 wrote it, so
	 * that a 0.43 config never puts a SHA1 in its place. */
	if (starts(v, len, "$argon2")) {
		if (!argon2_decodes(v, len, form)) {
			form->kind = HASH_LOCKED;
			return NULL;
		}
		form->kind = HASH_ARGON2;
		if (form->memory_kib > HASH_ARGON2_MEMORY_KIB_MAX)
			return "an argon2 hash that needs more than 1 GiB of "
			    "memory to check";
		if (form->passes > HASH_ARGON2_PASSES_MAX ||
		    form->lanes > HASH_ARGON2_LANES_MAX)
			return "an argon2 hash with more than 64 passes or "
			    "lanes";
		return NULL;
	}
	/* A legacy value: the SHA1 of the password or the password. */
	form->kind = len == 40 && is_lower_hex(v, len) ? HASH_SHA1_HEX :
	    HASH_PLAIN;
	return NULL;
}

static bool
is_upper_hex(const char *s, size_t len)
{
	return all_of(s, len, "0123456789ABCDEF");
}

/* As ZoneMinder 1.36's password_type() and checks read a Password: '*'
 * first is MySQL's PASSWORD() (compared whole), $2a$, $2b$ or $2y$ is
 * bcrypt (PHP's password_verify, false for a malformed one), "-ZM-" a
 * bcrypt over the '*' form, and anything else the password itself. */
static const char *
read_zoneminder(const char *v, size_t len, struct hash_form *form)
{
	if (len == 0)
		form->kind = HASH_NONE;
	else if (v[0] == '*')
		form->kind = len == 41 && is_upper_hex(v + 1, 40) ?
		    HASH_MYSQL41 : HASH_LOCKED;
	else if (starts(v, len, "$2y$") || starts(v, len, "$2b$") ||
	    starts(v, len, "$2a$"))
		form->kind = bcrypt_ok(v, len) ? HASH_BCRYPT : HASH_LOCKED;
	else if (starts(v, len, "-ZM-"))
		form->kind = starts(v + 4, len - 4, "$2") &&
		    bcrypt_ok(v + 4, len - 4) ? HASH_ZM_OVERLAY : HASH_LOCKED;
	else {
		form->kind = HASH_PLAIN;
		form->plain_only = true;
	}
	return NULL;
}

const char *
hash_form_read(const char *value, size_t len, enum hash_rules rules,
    struct hash_form *form)
{
	memset(form, 0, sizeof(*form));
	switch (rules) {
	case HASH_RULES_HTPASSWD:
		return read_htpasswd(value, len, form);
	case HASH_RULES_MOTIONEYE_043:
	case HASH_RULES_MOTIONEYE_044:
		return read_motioneye(value, len, form);
	case HASH_RULES_ZONEMINDER:
		return read_zoneminder(value, len, form);
	}
	return "unknown rules";
}

int
hash_form_rank(enum hash_kind kind)
{
	switch (kind) {
	case HASH_NONE:
	case HASH_LOCKED:
		return 0;
	case HASH_PLAIN:
		return 1;
	case HASH_SHA1_HEX:
	case HASH_SHA1_B64:
	case HASH_MYSQL41:
	case HASH_CRYPT_OTHER:
		return 2;
	case HASH_APR1:
		return 3;
	case HASH_SHA_CRYPT:
		return 4;
	case HASH_BCRYPT:
	case HASH_ZM_OVERLAY:
		return 5;
	case HASH_YESCRYPT:
	case HASH_ARGON2:
		return 6;
	}
	return 0;
}

const char *
hash_form_name(enum hash_kind kind)
{
	switch (kind) {
	case HASH_NONE:
		return "no password";
	case HASH_LOCKED:
		return "a locked value";
	case HASH_PLAIN:
		return "the password in plain text";
	case HASH_SHA1_HEX:
		return "unsalted SHA1";
	case HASH_SHA1_B64:
		return "{SHA} (unsalted SHA1)";
	case HASH_MYSQL41:
		return "MySQL's PASSWORD() (unsalted double SHA1)";
	case HASH_ZM_OVERLAY:
		return "bcrypt over MySQL's PASSWORD()";
	case HASH_CRYPT_OTHER:
		return "a crypt(3) hash";
	case HASH_APR1:
		return "$apr1$ (MD5)";
	case HASH_SHA_CRYPT:
		return "SHA-crypt";
	case HASH_BCRYPT:
		return "bcrypt";
	case HASH_YESCRYPT:
		return "yescrypt";
	case HASH_ARGON2:
		return "argon2";
	}
	return "?";
}
