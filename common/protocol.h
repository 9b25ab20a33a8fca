/*
 * protocol.h: the recovery protocol between a device and its vendor's
 * support desk: device keys, recovery requests and reset codes. Shared
 * by the wizard (making requests, checking codes) and nvr-support
 * (decoding requests, issuing codes).
 *
 * Keys. A vendor key set has an id (1-65535), a 32-byte master secret
 * and an Ed25519 key pair. Each device gets its own key, derived from the
 * master with keyed BLAKE2b (libsodium's crypto_generichash, 32-byte
 * output, keyed by the master) over
 *     "nvr-recovery device key v1" || key id (2 bytes, big-endian) ||
 *     serial length (1 byte) || serial
 * and from it two subkeys, each BLAKE2b keyed by the device key over
 * "nvr-recovery request mac v1" or "nvr-recovery code mac v1". The
 * request key authenticates requests; the code key makes codes. A device
 * never computes a code MAC over data someone else chose, so it is no
 * oracle for codes. One device's key tells nothing of another's or of
 * the master. Both protocol versions use these same keys: the version
 * is in every MAC's domain string instead.
 *
 * Names. Serial numbers and account names travel packed 6 bits a
 * character, from NAME_ALPHABET (digits, letters of both cases, '-' and
 * '_'), 1 to 31 characters; others cannot be put in a request.
 *
 * Versions. Version 1 names an account by its name alone. Version 2
 * adds the index (0-15) of the account store the account is in (the
 * system's /etc/shadow, a web UI's users, ...), so that a code or file
 * made for "admin" in one store does nothing for "admin" in another.
 * Both are read and answered; a request is answered in its own version.
 *
 * Request, a bit string, big-endian, then Crockford base32
 * (common/code32.h) in groups of 5 symbols plus a check symbol:
 *     version       4 bits   1 or 2
 *     flags         4 bits   8: the key set is a demo one; others 0
 *     key id       16 bits
 *     nonce        80 bits   random, names this request
 *     day          16 bits   device date, days since 1970-01-01 UTC
 *                            (0: the device clock was not plausible)
 *     store         4 bits   version 2 only: the account store, 0-15
 *     serial        5 bits length, then 6 bits a character
 *     account       5 bits length, then 6 bits a character
 *     mac          64 bits   the first 8 bytes of BLAKE2b-256 keyed by
 *                            the request key over "nvr-recovery request
 *                            v1" (version 1) or "nvr-recovery request
 *                            v2" (version 2) || the bytes of everything
 *                            above, the last byte padded with zero bits
 *     padding      zero bits up to a whole number of groups (< 25 bits)
 * A 12-character serial and "admin" make 12 groups in either version (296
 * bits and 4 of padding in version 1, 300 and none in version 2): 72
 * characters, 83 with the hyphens. The longest (two 31-character names)
 * make 23 groups in either version.
 *
 * For a QR code or URL the same bits go in the compact form: 'U' (no
 * Crockford symbol), then the bits up to the MAC as symbols, zero-padded
 * to a whole symbol, no check symbols (the QR code corrects errors). A
 * 12-character serial and "admin" make 61 characters in either version;
 * with an 8-character account, 64 (version 1) or 65 (version 2). With a
 * URL prefix of up to 24 characters in capitals that is a version-4 QR
 * code at error correction M in either version (libqrencode, tested: 26
 * characters of prefix fit with version 1, 25 with version 2).
 *
 * Reset code: 100 bits as 20 symbols in 5 groups of 4 plus a check
 * symbol (25 typed characters, like a recovery key):
 *     version       4 bits   the version of the request it answers
 *     action        4 bits   enum protocol_action
 *     mac          92 bits   the first 92 bits of BLAKE2b-256 keyed by
 *                            the code key over
 *         version 1: "nvr-recovery code v1" || key id (2) || serial
 *                    length (1) || serial || nonce (10) || account
 *                    length (1) || account || action (1)
 *         version 2: "nvr-recovery code v2" || key id (2) || serial
 *                    length (1) || serial || nonce (10) || store (1) ||
 *                    account length (1) || account || action (1)
 * It carries no clock: it is good exactly as long as the pending request
 * it answers. A code answers only a request of its own version: the
 * version nibble and the domain string both differ.
 *
 * Invariants: pure functions, no I/O, no allocation; MACs compared in
 * constant time; local copies of keys and MACs wiped before returning.
 */
#ifndef NVR_COMMON_PROTOCOL_H
#define NVR_COMMON_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTOCOL_VERSION 1	/* the first: no account store */
#define PROTOCOL_VERSION_MAX 2	/* the newest: with an account store */
#define PROTOCOL_STORE_MAX 15	/* a store index is 4 bits */
#define PROTOCOL_KEY_BYTES 32
#define PROTOCOL_NONCE_BYTES 10
#define PROTOCOL_MAC_BYTES 8		/* of a request */
#define PROTOCOL_NAME_MAX 31
#define PROTOCOL_NAME_ALPHABET \
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
#define PROTOCOL_REQUEST_GROUP 5
#define PROTOCOL_CODE_GROUP 4
#define PROTOCOL_CODE_SYMBOLS 20
#define PROTOCOL_REQUEST_TEXT_MAX 161	/* 23 groups, separators, NUL */
#define PROTOCOL_CODE_TEXT_MAX 32
#define PROTOCOL_COMPACT_MARK 'U'	/* not a Crockford symbol */

enum protocol_action {
	PROTOCOL_SET_PASSWORD = 1,	/* set a new password for the account */
	PROTOCOL_FACTORY_RESET = 2,	/* erase the device's settings */
};

/*
 * A request. VERSION 0 is taken as 1, so that a caller that zeroes the
 * struct and never heard of stores keeps making (and checking codes for)
 * version-1 requests, byte for byte as before; decoding always sets 1 or
 * 2. STORE must be 0 in version 1, which has no store field.
 */
struct protocol_request {
	unsigned version;		/* 1 or 2 (0: 1) */
	unsigned store;			/* 0..15, version 2 only */
	unsigned key_id;		/* 1..65535 */
	bool demo;			/* made with a demo key set */
	uint8_t nonce[PROTOCOL_NONCE_BYTES];
	unsigned day;			/* days since 1970-01-01, 0: unknown */
	char serial[PROTOCOL_NAME_MAX + 1];
	char account[PROTOCOL_NAME_MAX + 1];
};

/* True if NAME can travel in a request: 1 to 31 characters, all from
 * PROTOCOL_NAME_ALPHABET. */
bool protocol_name_ok(const char *name);

/* Derives the device key of SERIAL under key set KEY_ID's MASTER.
 * Returns 0, or -EINVAL if SERIAL cannot travel or KEY_ID is 0 or over
 * 65535. */
int protocol_device_key(const uint8_t master[PROTOCOL_KEY_BYTES],
    unsigned key_id, const char *serial,
    uint8_t device_key[PROTOCOL_KEY_BYTES]);

/* Derives the request and code subkeys from DEVICE_KEY. */
void protocol_subkeys(const uint8_t device_key[PROTOCOL_KEY_BYTES],
    uint8_t request_key[PROTOCOL_KEY_BYTES],
    uint8_t code_key[PROTOCOL_KEY_BYTES]);

/* Writes R, with its MAC under REQUEST_KEY, as grouped text into TEXT,
 * in R's version. Returns the length written, or -EINVAL (a field out of
 * range, a name that cannot travel, an unknown version, a store over 15
 * or not 0 in version 1) or -ENOSPC (SIZE too small). */
int protocol_request_encode(const struct protocol_request *r,
    const uint8_t request_key[PROTOCOL_KEY_BYTES], char *text, size_t size);

/*
 * Writes R as the compact form for a QR code or a URL: the mark 'U'
 * (which no Crockford symbol is), then the bits of the request up to its
 * MAC as symbols, padded to a whole symbol, with no check symbols or
 * separators (the QR code corrects errors itself). A 14-character serial
 * and "admin" make 63 characters in version 1, 64 in version 2. Returns
 * the length or -EINVAL/-ENOSPC (as protocol_request_encode).
 */
int protocol_request_encode_compact(const struct protocol_request *r,
    const uint8_t request_key[PROTOCOL_KEY_BYTES], char *text, size_t size);

/*
 * Reads TEXT (any case, separators optional; grouped with check symbols,
 * or the compact form starting with 'U') into R and its MAC, checking
 * the check symbols, the version, the flags, the lengths and the padding,
 * but not the MAC (that needs the device's key). R->version is set to the
 * version read (1 or 2), R->store to its store (0 in version 1). Returns
 * 0; -EINVAL with *BAD_GROUP the 1-based group holding a typo (0: not a
 * typo but a wrong length); -EPROTO for text that is well typed but no
 * version-1 or version-2 request (unknown version or flags, a name out of
 * the alphabet's use, non-zero padding, key id 0); -E2BIG for a whole
 * request and one group more (*BAD_GROUP that group).
 */
int protocol_request_decode(const char *text, struct protocol_request *r,
    uint8_t mac[PROTOCOL_MAC_BYTES], size_t *bad_group);

/* Returns 0 if MAC is R's under REQUEST_KEY (constant time), -EACCES if
 * not (a request that could not be encoded included). The MAC covers the
 * version and, in version 2, the store. */
int protocol_request_verify(const struct protocol_request *r,
    const uint8_t mac[PROTOCOL_MAC_BYTES],
    const uint8_t request_key[PROTOCOL_KEY_BYTES]);

/* Writes the reset code answering R with ACTION, under CODE_KEY, as
 * grouped text (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX), in R's version (a
 * version-2 code is bound to R's store). Returns the length, or -EINVAL
 * / -ENOSPC. */
int protocol_code_make(const struct protocol_request *r,
    enum protocol_action action, const uint8_t code_key[PROTOCOL_KEY_BYTES],
    char *text, size_t size);

/* Whether TYPED has the form of a reset code, every check symbol right:
 * what can be told without any key, so a typo costs no try. The version
 * nibble is not looked at: a code of either version (or of one to come)
 * is well typed, and only protocol_code_check tells whether it answers. */
bool protocol_code_well_typed(const char *typed);

/*
 * Checks TYPED against R and ACTION under CODE_KEY. Returns 0 if it is the
 * code; -EINVAL for a typo the check symbols catch (*BAD_GROUP 1-based, 0
 * for a wrong length), which is no try; -E2BIG for one group more than a
 * code has (*BAD_GROUP that group), no try either; -EACCES for a
 * well-typed code that is not this one (count it as a wrong try): a code
 * of the other version, or made for another store, is one.
 */
int protocol_code_check(const char *typed, const struct protocol_request *r,
    enum protocol_action action, const uint8_t code_key[PROTOCOL_KEY_BYTES],
    size_t *bad_group);

#endif
