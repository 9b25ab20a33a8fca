/*
 * reset_file.h: signed reset files, the second way support answers a
 * recovery request (common/protocol.h): a small text file on a USB stick
 * instead of a code read over the phone. Made by `nvr-support
 * issue-file`, checked by the recorder (backends/requests/requests.h,
 * requests_redeem_file).
 *
 * Format (version 1): text, these lines in this order and nothing else,
 * each ending in LF:
 *     nvr-recovery reset file 1
 *     key_id=N                 decimal 1..65535, no leading zero
 *     serial=SN                protocol_name_ok()
 *     nonce=<20 lower-case hex>   the request's nonce
 *     account=NAME             only for set-password (protocol_name_ok())
 *     action=set-password|factory-reset
 *     issued=YYYY-MM-DDTHH:MM:SSZ  UTC, when support made it
 *     signature=<128 lower-case hex>
 * The signature is Ed25519 (crypto_sign_detached) by the key set's
 * sign_secret over RESET_FILE_CONTEXT followed by the exact bytes of
 * every line before the signature line, their LFs included.
 *
 * Invariants:
 * 1. Parsing is strict: an unknown, missing, repeated or misplaced line,
 *    a CR, a NUL, a byte after the signature line's LF, a missing final
 *    LF, or more than RESET_FILE_MAX bytes is refused, and nothing but
 *    the layout above is ever accepted. So one file has one meaning, and
 *    the signed bytes are exactly the bytes that were read.
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

#define RESET_FILE_VERSION 1
#define RESET_FILE_HEADER "nvr-recovery reset file 1"
#define RESET_FILE_CONTEXT "nvr-recovery reset file v1\n"
#define RESET_FILE_MAX (64 * 1024)	/* larger files are refused */
/* Room for the longest file reset_file_write makes (about 320 bytes). */
#define RESET_FILE_TEXT_MAX 512

struct reset_file {
	unsigned key_id;		/* 1..65535 */
	char serial[PROTOCOL_NAME_MAX + 1];
	uint8_t nonce[PROTOCOL_NONCE_BYTES];
	char account[PROTOCOL_NAME_MAX + 1];	/* "" for factory-reset */
	enum protocol_action action;
	time_t issued;			/* years 1970 to 9999 */
};

/*
 * Writes F, signed with SIGN_SECRET, as the file's text into OUT (SIZE
 * bytes, NUL added). Returns the length without the NUL; -EINVAL for a
 * field the format cannot hold (a key id out of range, a name that is
 * not protocol_name_ok, an account given for factory-reset or missing
 * for set-password, an issued time outside the years 1970-9999); or
 * -ENOSPC.
 */
int reset_file_write(const struct reset_file *f,
    const uint8_t sign_secret[crypto_sign_SECRETKEYBYTES], char *out,
    size_t size);

/*
 * Reads DATA (LEN bytes, not NUL-terminated) into F without looking at
 * the signature. Returns 0; -EFBIG for more than RESET_FILE_MAX bytes;
 * -EBADMSG with *BAD_LINE the 1-based line at fault (one past the last
 * line for a file cut short). F is zeroed on failure.
 */
int reset_file_parse(const char *data, size_t len, struct reset_file *f,
    size_t *bad_line);

/*
 * reset_file_parse, then the signature under VENDOR_PUBLIC. Returns 0,
 * -EBADMSG, -EFBIG, or -EACCES for a file whose signature is not
 * VENDOR_PUBLIC's over these bytes. F is filled only on 0 (zeroed
 * otherwise).
 */
int reset_file_verify(const char *data, size_t len,
    const uint8_t vendor_public[crypto_sign_PUBLICKEYBYTES],
    struct reset_file *f, size_t *bad_line);

#endif
