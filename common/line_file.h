/*
 * line_file.h: reading the wizard's line files (the attempt counts, the
 * pending requests, the recovery store): a header line naming the format
 * and its version, then one record a line, each ended by '\n'.
 *
 * One reading for all of them, so each refuses what it cannot parse the
 * same way: the file and its folders must be trusted (atomic_file_check_
 * trusted), a missing file holds no records, and a file whose header,
 * bytes or any line is wrong is refused whole (never half read, and never
 * rewritten: the caller writes only what it read in full).
 */
#ifndef NVR_COMMON_LINE_FILE_H
#define NVR_COMMON_LINE_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/nvr_error.h"

struct line_file {
	const char *path;
	const char *header;	/* the first line, '\n' included */
	const char *what;	/* for messages: "a requests file" */
	size_t max_bytes;	/* a larger file is refused */
	int code;		/* what a file that does not parse returns:
				 * -EINVAL or -EPROTO */
	const char *suffix;	/* ends the header's and a cut line's
				 * messages: "" or "; it was left as it
				 * is" (a damaged byte's always says so) */
	bool ascii;		/* only tabs and printable ASCII: any other
				 * byte is named with its line ("damaged: a
				 * NUL byte"); else only a NUL is refused, as
				 * a header that does not match */
	bool wipe;		/* the text holds secrets (hashes): wiped
				 * before it is freed */
	/* The previous version's header: a file that starts with it is
	 * read too when OLD is given, *OLD set true before its first record
	 * (the record function parses the old layout then, to bring it up
	 * to date); without OLD it is refused with -ESTALE, saying it is
	 * not up to date yet. NULL: only HEADER is known. */
	const char *old_header;
	bool *old;
};

/*
 * A record: LINE (its '\n' replaced by a NUL; the caller may change it)
 * is line NUMBER of the file. Returns 0 to go on, or a negative errno
 * with ERR filled (the caller's message names the line), which stops the
 * reading and is returned.
 */
typedef int (*line_file_record_fn)(void *ctx, char *line, unsigned number,
    struct nvr_error *err);

/*
 * Reads F, calling RECORD for each line after the header. *LINES (if not
 * NULL) is the number of the last line read (1: the header alone; 0: no
 * file). Returns 0 (a missing file included), or a negative errno with
 * ERR filled: the file not trusted or not readable, its header or bytes
 * wrong, the last line cut short, or what RECORD returned.
 */
int line_file_read(const struct line_file *f, line_file_record_fn record,
    void *ctx, unsigned *lines, struct nvr_error *err);

#endif
