/*
 * hash_form.h: reading a password hash as a web UI's file keeps it (an
 * htpasswd line's second field, a motionEye @..._password value): what
 * kind it is, and whether it is well formed. Reading only: no hash is
 * computed here (hash_scheme.h checks and makes them), so the fuzz
 * harness links this file alone.
 *
 * Each software has its own rules, and a value is read by the rules of
 * the software and version the config names, never guessed: "5f4dcc3b..."
 * is an unsalted SHA1 to motionEye and a crypt(3) string to Apache.
 */
#ifndef NVR_BACKENDS_ACCOUNTS_HASH_FORM_H
#define NVR_BACKENDS_ACCOUNTS_HASH_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The kinds, weakest first where they are hashes (hash_form_rank). */
enum hash_kind {
	HASH_NONE,		/* empty: no password at all */
	HASH_LOCKED,		/* a value no password matches */
	HASH_PLAIN,		/* motionEye: the password itself */
	HASH_SHA1_HEX,		/* motionEye <= 0.43: sha1(pw), 40 hex */
	HASH_SHA1_B64,		/* htpasswd -s: {SHA} base64(sha1(pw)) */
	HASH_MYSQL41,		/* ZoneMinder: MySQL 4.1's PASSWORD(),
				 * '*' and 40 upper-case hex of
				 * sha1(sha1(pw)) */
	HASH_CRYPT_OTHER,	/* htpasswd: another crypt(3) string (DES
				 * ...), checked by libxcrypt as Apache
				 * does */
	HASH_APR1,		/* htpasswd -m: $apr1$salt$digest */
	HASH_SHA_CRYPT,		/* $5$ and $6$ */
	HASH_BCRYPT,		/* $2y$, $2b$, $2a$ */
	HASH_ZM_OVERLAY,	/* ZoneMinder's zmupdate.pl: "-ZM-" and a
				 * bcrypt of the HASH_MYSQL41 text */
	HASH_YESCRYPT,		/* $y$ */
	HASH_ARGON2,		/* $argon2id$ (i, d): motionEye 0.44 */
};

/* Which software's rules a value is read by. */
enum hash_rules {
	HASH_RULES_HTPASSWD,	/* Apache httpd 2.4 on Linux */
	HASH_RULES_MOTIONEYE_043,	/* motionEye up to 0.43.1 */
	HASH_RULES_MOTIONEYE_044,	/* motionEye 0.44 */
	HASH_RULES_ZONEMINDER,	/* ZoneMinder 1.36's auth.php */
};

/* The most an existing argon2 hash may ask for before the wizard refuses
 * to compute it (a hash asking for more would stall or kill a small
 * recorder; motionEye writes 100 MiB at most). */
#define HASH_ARGON2_MEMORY_KIB_MAX (1024u * 1024u)	/* 1 GiB */
#define HASH_ARGON2_PASSES_MAX 64u
#define HASH_ARGON2_LANES_MAX 64u

/* What factory_reset writes for motionEye 0.43, which has no value that
 * refuses every password: this prefix and 32 random hex digits, a
 * password nobody knows, read back as HASH_LOCKED. */
#define HASH_RESET_PREFIX "!reset-"
#define HASH_RESET_HEX 32
/* ... and for motionEye 0.44, whose argon2-cffi refuses every password
 * for a $argon2 value it cannot decode. */
#define HASH_LOCKED_ARGON2 "$argon2id$locked"
/* ... and for ZoneMinder, which takes a value starting with '*' for
 * MySQL's PASSWORD() and compares it whole with '*' and 40 hex digits:
 * none matches this. */
#define HASH_LOCKED_ZONEMINDER "*locked"

struct hash_form {
	enum hash_kind kind;
	/* HASH_PLAIN: compared as the password only (ZoneMinder), not also
	 * as its SHA1 (motionEye). */
	bool plain_only;
	/* HASH_ARGON2: the type letter(s) and parameters read. */
	uint32_t memory_kib, passes, lanes;
};

/*
 * Reads the LEN bytes at VALUE by RULES into *FORM. Returns NULL, or a
 * short reason the value cannot be used at all (an argon2 hash asking for
 * more than the limits above): the caller refuses the file at its line.
 * A value the software could never match (a '!' or '*' at the start of
 * an htpasswd hash, a $apr1$ or $argon2 string that does not decode) is
 * HASH_LOCKED, not an error: the software reads it so too.
 */
const char *hash_form_read(const char *value, size_t len,
    enum hash_rules rules, struct hash_form *form);

/* How strong KIND is, 0 (none) to 6: a new hash is never written in a
 * kind of a lower rank than the one it replaces. */
int hash_form_rank(enum hash_kind kind);

/* The kind's name in messages: "unsalted SHA1", "bcrypt", ... */
const char *hash_form_name(enum hash_kind kind);

/* True if the LEN bytes at S are the factory value HASH_RESET_PREFIX
 * and HASH_RESET_HEX lower-case hex digits. */
bool hash_form_is_reset(const char *s, size_t len);

#endif
