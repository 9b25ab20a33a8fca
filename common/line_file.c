/*
 * line_file.c: the one reading of the wizard's line files (line_file.h).
 */
#include "common/line_file.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/atomic_file.h"

/* The first byte of TEXT (LEN bytes) that a line file of only tabs and
 * printable ASCII cannot hold; 0 if none, else the error naming its
 * line. */
static int
check_ascii(const struct line_file *f, const char *text, size_t len,
    struct nvr_error *err)
{
	unsigned number = 1;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\n') {
			number++;
			continue;
		}
		if (c == '\t' || (c >= 0x20 && c < 0x7f))
			continue;
		return nvr_error_set(err, f->code, "%s:%u: damaged: %s; it was "
		    "left as it is", f->path, number, c == 0 ? "a NUL byte" :
		    c >= 0x80 ? "a byte that is not ASCII" : "a control byte");
	}
	return 0;
}

static int
read_lines(const struct line_file *f, char *text, size_t len,
    line_file_record_fn record, void *ctx, unsigned *number,
    struct nvr_error *err)
{
	size_t header = strlen(f->header);
	char *line, *next;
	int rc = f->ascii ? check_ascii(f, text, len, err) : 0;

	if (rc != 0)
		return rc;
	if (f->old_header != NULL && (f->ascii || strlen(text) == len) &&
	    strncmp(text, f->old_header, strlen(f->old_header)) == 0) {
		if (f->old == NULL)
			return nvr_error_set(err, -ESTALE, "%s:1: %s of the "
			    "version with one account store, not brought up to "
			    "date yet (the wizard does so when it starts)",
			    f->path, f->what);
		header = strlen(f->old_header);
		*f->old = true;
	} else if ((!f->ascii && strlen(text) != len) ||
	    strncmp(text, f->header, header) != 0) {
		return nvr_error_set(err, f->code, "%s:1: not %s of this "
		    "version%s", f->path, f->what, f->suffix);
	}
	*number = 1;
	for (line = text + header; *line != '\0'; line = next) {
		(*number)++;
		next = strchr(line, '\n');
		if (next == NULL)
			return nvr_error_set(err, f->code, "%s:%u: the last "
			    "line is cut short%s", f->path, *number,
			    f->suffix);
		*next++ = '\0';
		rc = record(ctx, line, *number, err);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
line_file_read(const struct line_file *f, line_file_record_fn record,
    void *ctx, unsigned *lines, struct nvr_error *err)
{
	unsigned number = 0;
	size_t len;
	char *text;
	int rc = atomic_file_check_trusted(f->path, err);

	if (rc == 0)
		rc = atomic_file_read(f->path, f->max_bytes, &text, &len, err);
	if (rc == -ENOENT)
		rc = 0;
	else if (rc == 0) {
		rc = read_lines(f, text, len, record, ctx, &number, err);
		if (f->wipe)
			sodium_memzero(text, len);
		free(text);
	}
	if (lines != NULL)
		*lines = number;
	return rc;
}
