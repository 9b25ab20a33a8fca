/*
 * keyfile.h: the text format of nvr-support's key files (key sets and
 * provisioning files). A file is a fixed header comment line, then one
 * key=value a line:
 *     # nvr-recovery key set 1
 *     key_id=3
 *     demo=no
 *     master=<64 lower-case hex digits>
 *
 * Invariants:
 * 1. Parsing is strict: the header exactly; each known key exactly once;
 *    no unknown key, blank line, other comment, space, carriage return or
 *    NUL; hex in lower case and of the exact length; every line ends in
 *    a newline. Anything else is refused as "FILE:LINE: message", the
 *    first problem found.
 * 2. Values may be secret: a message never quotes a hex value, and
 *    quotes other text only cut short and with unprintable bytes as '?'.
 * 3. No I/O and no allocation: files are read and written by
 *    support/private_file.c.
 */
#ifndef NVR_COMMON_KEYFILE_H
#define NVR_COMMON_KEYFILE_H

#include <stddef.h>

#include "common/nvr_error.h"

#define KEYFILE_ID_MAX 65535

enum keyfile_kind {
	KEYFILE_ID,	/* decimal 1..65535, no leading zero; unsigned */
	KEYFILE_YESNO,	/* "yes" or "no"; bool */
	KEYFILE_HEX,	/* 2 * size lower-case hex digits; uint8_t[size] */
	KEYFILE_NAME,	/* protocol_name_ok(); char[size], NUL added */
};

struct keyfile_field {
	const char *key;
	enum keyfile_kind kind;
	void *value;	/* where the value is read from or written to */
	size_t size;	/* HEX: bytes; NAME: the buffer's size */
	unsigned line;	/* set by keyfile_parse: the line it was on, 0 none */
};

/*
 * Reads TEXT (LEN bytes, read from PATH, which names it in messages) into
 * the COUNT FIELDS. Returns 0, or -EBADMSG with ERR saying
 * "PATH:LINE: what is wrong". On failure the values may be partly
 * written: the caller wipes them.
 */
int keyfile_parse(const char *path, const char *text, size_t len,
    const char *header, struct keyfile_field *fields, size_t count,
    struct nvr_error *err);

/*
 * Writes HEADER and the COUNT FIELDS, in their order, as the file's text
 * into OUT (SIZE bytes, NUL-terminated). Returns the length without the
 * NUL, or -ENOSPC or -EINVAL (a value the format cannot hold). The text
 * may hold secrets: the caller wipes OUT.
 */
int keyfile_format(const char *header, const struct keyfile_field *fields,
    size_t count, char *out, size_t size);

#endif
