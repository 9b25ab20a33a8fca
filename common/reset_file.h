/*
 * reset_file.h: signed reset files, the second way support answers a
 * recovery request (common/protocol.h): a small text file on a USB stick
 * instead of a code read over the phone. Made by `nvr-support
 * issue-file`, checked by the recorder (backends/requests/requests.h,
 * requests_redeem_file).
 *
 * Format: text, these lines in this order and nothing else, each ending
 * in LF:
 *     nvr-recovery reset file V   V: 1 or 2, the version of the request
 *                              it answers (common/protocol.h)
 *     key_id=N                 decimal 1..65535, no leading zero
 *     serial=SN                protocol_name_ok()
 *     nonce=<20 lower-case hex>   the request's nonce
 *     store=N                  version 2 only, and there in every
 *                              version-2 file (factory-reset too): the
 *                              request's account store, decimal 0..15,
 *                              no leading zero
 *     account=NAME             only for set-password (protocol_name_ok())
 *     action=set-password|factory-reset
 *     issued=YYYY-MM-DDTHH:MM:SSZ  UTC, when support made it
 *     signature=<128 lower-case hex>
 * The signature is Ed25519 (crypto_sign_detached) by the key set's
 * sign_secret over its version's context, RESET_FILE_CONTEXT
 * ("nvr-recovery reset file v1\n") or RESET_FILE_CONTEXT_2
 * ("nvr-recovery reset file v2\n"), followed by the exact bytes of
 * every line before the signature line, their LFs included. A version-1
 * file has no store line and reads as store 0; a version-2 file for
 * store 0 still has one, and is no version-1 file (its header, its lines
 * and its context differ).
 *
 * Invariants:
 * 1. Parsing is strict: an unknown, missing, repeated or misplaced line,
 *    a CR, a NUL, a byte after the signature line's LF, a missing final
 *    LF, or more than RESET_FILE_MAX bytes is refused, and nothing but
 *    the layout above is ever accepted (a store line in a version-1
 *    file, or none in a version-2 file, included). So one file has one
 *    meaning, and the signed bytes are exactly the bytes that were
 *    read.
 * 2. A file is trusted only after reset_file_verify: parse, then the
 *    signature (which libsodium checks for a canonical S, so a signature
 *    cannot be bent into another valid one).
 * 3. The issued time is for people and logs. A file carries no lifetime
 *    of its own: like a code, it is good exactly as long as the request
 *    it answers is pending on the recorder, whose clock may be wrong.
 * 4. Pure functions: no I/O, no allocation.
 */
#ifndef NVR_COMMON_RESET_FILE_H
#define NVR_COMMON_RESET_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sodium.h>

#include "common/protocol.h"

#define RESET_FILE_VERSION 1		/* the first: no store line */
#define RESET_FILE_VERSION_MAX 2	/* the newest: with a store line */
#define RESET_FILE_HEADER "nvr-recovery reset file 1"
#define RESET_FILE_HEADER_2 "nvr-recovery reset file 2"
#define RESET_FILE_CONTEXT "nvr-recovery reset file v1\n"
#define RESET_FILE_CONTEXT_2 "nvr-recovery reset file v2\n"
#define RESET_FILE_MAX (64L * 1024)	/* larger files are refused */
/* Room for the longest file reset_file_write makes (about 320 bytes). */
#define RESET_FILE_TEXT_MAX 512

/*
 * A reset file's fields. VERSION 0 is written as 1, as for a
 * protocol_request, so that a caller that zeroes the struct keeps writing
 * version-1 files; reading always sets 1 or 2. STORE must be 0 in
 * version 1.
 */
struct reset_file {
	unsigned version;		/* 1 or 2 (0: 1) */
	unsigned key_id;		/* 1..65535 */
	char serial[PROTOCOL_NAME_MAX + 1];
	uint8_t nonce[PROTOCOL_NONCE_BYTES];
	unsigned store;			/* 0..15, version 2 only */
	char account[PROTOCOL_NAME_MAX + 1];	/* "" for factory-reset */
	enum protocol_action action;
	time_t issued;			/* years 1970 to 9999 */
};

/*
 * Writes F, signed with SIGN_SECRET, as the file's text into OUT (SIZE
 * bytes, NUL added), in F's version. Returns the length without the NUL;
 * -EINVAL for a field the format cannot hold (an unknown version, a store
 * over 15 or not 0 in version 1, a key id out of range, a name that is
 * not protocol_name_ok, an account given for factory-reset or missing
 * for set-password, an issued time outside the years 1970-9999); or
 * -ENOSPC.
 */
int reset_file_write(const struct reset_file *f,
    const uint8_t sign_secret[crypto_sign_SECRETKEYBYTES], char *out,
    size_t size);

/*
 * Reads DATA (LEN bytes, not NUL-terminated) into F without looking at
 * the signature: a file of either version (F->version 1 or 2; a
 * version-1 file has F->store 0). Returns 0; -EFBIG for more than
 * RESET_FILE_MAX bytes; -EBADMSG with *BAD_LINE the 1-based line at
 * fault (one past the last line for a file cut short). F is zeroed on
 * failure.
 */
int reset_file_parse(const char *data, size_t len, struct reset_file *f,
    size_t *bad_line);

/*
 * reset_file_parse, then the signature under VENDOR_PUBLIC, over the
 * context of the version the file says. Returns 0, -EBADMSG, -EFBIG, or
 * -EACCES for a file whose signature is not VENDOR_PUBLIC's over these
 * bytes. F is filled only on 0 (zeroed
 * otherwise).
 */
int reset_file_verify(const char *data, size_t len,
    const uint8_t vendor_public[crypto_sign_PUBLICKEYBYTES],
    struct reset_file *f, size_t *bad_line);

#endif
