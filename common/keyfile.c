/*
 * keyfile.c: reading and writing the key=value text of key sets and
 * provisioning files (see keyfile.h for the format and its invariants).
 */
#include "common/keyfile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "common/protocol.h"

/* How much of a wrong key or value a message quotes. */
#define SHOWN_MAX 24

/* TEXT (N bytes) as a message may quote it: cut short, and every byte
 * that is not printable ASCII as '?'. */
static const char *
shown(const char *text, size_t n, char out[SHOWN_MAX + 4])
{
	size_t k = n > SHOWN_MAX ? SHOWN_MAX : n;

	for (size_t i = 0; i < k; i++)
		out[i] = (char)(text[i] >= 0x20 && text[i] < 0x7f ? text[i] :
		    '?');
	if (k < n)
		memcpy(out + k, "...", 3), k += 3;
	out[k] = '\0';
	return out;
}

static bool
is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Reads VALUE (N bytes) into F; 0 or -EBADMSG with ERR's message. */
static int
parse_value(const char *path, unsigned line, struct keyfile_field *f,
    const char *value, size_t n, struct nvr_error *err)
{
	char quoted[SHOWN_MAX + 4];
	unsigned long id = 0;

	switch (f->kind) {
	case KEYFILE_ID:
		for (size_t i = 0; i < n && id <= KEYFILE_ID_MAX; i++) {
			if (value[i] < '0' || value[i] > '9') {
				id = 0;
				break;
			}
			id = id * 10 + (unsigned long)(value[i] - '0');
		}
		if (n == 0 || value[0] == '0' || id == 0 ||
		    id > KEYFILE_ID_MAX)
			return nvr_error_set(err, -EBADMSG, "%s:%u: %s must be "
			    "a number from 1 to %d (not '%s')", path, line,
			    f->key, KEYFILE_ID_MAX, shown(value, n, quoted));
		*(unsigned *)f->value = (unsigned)id;
		return 0;
	case KEYFILE_YESNO:
		if (n == 3 && memcmp(value, "yes", 3) == 0)
			*(bool *)f->value = true;
		else if (n == 2 && memcmp(value, "no", 2) == 0)
			*(bool *)f->value = false;
		else
			return nvr_error_set(err, -EBADMSG, "%s:%u: %s must be "
			    "yes or no (not '%s')", path, line, f->key,
			    shown(value, n, quoted));
		return 0;
	case KEYFILE_HEX:
		if (n != 2 * f->size)
			return nvr_error_set(err, -EBADMSG, "%s:%u: %s must be "
			    "%zu hex digits (has %zu)", path, line, f->key,
			    2 * f->size, n);
		for (size_t i = 0; i < n; i++)
			if (!is_lower_hex(value[i]))
				return nvr_error_set(err, -EBADMSG, "%s:%u: %s "
				    "must be lower-case hex digits (character "
				    "%zu is not one)", path, line, f->key,
				    i + 1);
		if (sodium_hex2bin(f->value, f->size, value, n, NULL, NULL,
		    NULL) != 0)
			return nvr_error_set(err, -EBADMSG, "%s:%u: %s is not "
			    "hex", path, line, f->key);
		return 0;
	case KEYFILE_NAME:
		if (n < f->size) {
			memcpy(f->value, value, n);
			((char *)f->value)[n] = '\0';
			if (protocol_name_ok(f->value))
				return 0;
		}
		return nvr_error_set(err, -EBADMSG, "%s:%u: %s must be 1 to %d "
		    "characters from A-Z a-z 0-9 - _ (not '%s')", path, line,
		    f->key, PROTOCOL_NAME_MAX, shown(value, n, quoted));
	}
	return nvr_error_set(err, -EBADMSG, "%s:%u: %s has no known type",
	    path, line, f->key);
}

/* One key=value line (N bytes, no newline). */
static int
parse_line(const char *path, unsigned line, const char *text, size_t n,
    struct keyfile_field *fields, size_t count, struct nvr_error *err)
{
	const char *eq = memchr(text, '=', n);
	char quoted[SHOWN_MAX + 4];
	size_t key_len;

	if (n == 0)
		return nvr_error_set(err, -EBADMSG, "%s:%u: blank line", path,
		    line);
	if (eq == NULL)
		return nvr_error_set(err, -EBADMSG, "%s:%u: expected "
		    "key=value", path, line);
	key_len = (size_t)(eq - text);
	for (size_t i = 0; i < count; i++) {
		struct keyfile_field *f = &fields[i];

		if (strlen(f->key) != key_len ||
		    memcmp(f->key, text, key_len) != 0)
			continue;
		if (f->line != 0)
			return nvr_error_set(err, -EBADMSG, "%s:%u: %s given "
			    "twice (first on line %u)", path, line, f->key,
			    f->line);
		f->line = line;
		return parse_value(path, line, f, eq + 1, n - key_len - 1,
		    err);
	}
	return nvr_error_set(err, -EBADMSG, "%s:%u: unknown key '%s'", path,
	    line, shown(text, key_len, quoted));
}

int
keyfile_parse(const char *path, const char *text, size_t len,
    const char *header, struct keyfile_field *fields, size_t count,
    struct nvr_error *err)
{
	const char *p = text, *end = text + len;
	unsigned line = 0;
	int rc;

	for (size_t i = 0; i < count; i++)
		fields[i].line = 0;
	if (len == 0)
		return nvr_error_set(err, -EBADMSG, "%s:1: empty file", path);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		line++;
		if (memchr(p, '\0', n) != NULL)
			return nvr_error_set(err, -EBADMSG, "%s:%u: NUL byte",
			    path, line);
		if (memchr(p, '\r', n) != NULL)
			return nvr_error_set(err, -EBADMSG, "%s:%u: carriage "
			    "return (was the file edited on Windows?)", path,
			    line);
		if (nl == NULL)
			return nvr_error_set(err, -EBADMSG, "%s:%u: no newline "
			    "at the end (is the file cut short?)", path, line);
		if (line == 1) {
			if (n != strlen(header) || memcmp(p, header, n) != 0)
				return nvr_error_set(err, -EBADMSG, "%s:1: not "
				    "the expected kind of file: the first line "
				    "must be '%s'", path, header);
		} else {
			rc = parse_line(path, line, p, n, fields, count, err);
			if (rc != 0)
				return rc;
		}
		p = nl + 1;
	}
	for (size_t i = 0; i < count; i++)
		if (fields[i].line == 0)
			return nvr_error_set(err, -EBADMSG, "%s:%u: missing "
			    "%s= (the file ends here)", path, line,
			    fields[i].key);
	return 0;
}

/* Appends the text of F's value at OUT + *USED; 0 or -ENOSPC/-EINVAL. */
static int
format_value(const struct keyfile_field *f, char *out, size_t size,
    size_t *used)
{
	size_t room = size - *used;
	int n;

	switch (f->kind) {
	case KEYFILE_ID: {
		unsigned id = *(const unsigned *)f->value;

		if (id == 0 || id > KEYFILE_ID_MAX)
			return -EINVAL;
		n = snprintf(out + *used, room, "%u", id);
		break;
	}
	case KEYFILE_YESNO:
		n = snprintf(out + *used, room, "%s",
		    *(const bool *)f->value ? "yes" : "no");
		break;
	case KEYFILE_HEX:
		if (room < 2 * f->size + 1)
			return -ENOSPC;
		sodium_bin2hex(out + *used, room, f->value, f->size);
		n = (int)(2 * f->size);
		break;
	case KEYFILE_NAME:
		if (!protocol_name_ok(f->value))
			return -EINVAL;
		n = snprintf(out + *used, room, "%s", (const char *)f->value);
		break;
	default:
		return -EINVAL;
	}
	if (n < 0 || (size_t)n >= room)
		return -ENOSPC;
	*used += (size_t)n;
	return 0;
}

int
keyfile_format(const char *header, const struct keyfile_field *fields,
    size_t count, char *out, size_t size)
{
	size_t used;
	int n, rc;

	if (size == 0)
		return -ENOSPC;
	out[0] = '\0';
	n = snprintf(out, size, "%s\n", header);
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	used = (size_t)n;
	for (size_t i = 0; i < count; i++) {
		n = snprintf(out + used, size - used, "%s=", fields[i].key);
		if (n < 0 || (size_t)n >= size - used)
			return -ENOSPC;
		used += (size_t)n;
		rc = format_value(&fields[i], out, size, &used);
		if (rc != 0)
			return rc;
		if (used + 1 >= size)
			return -ENOSPC;
		out[used++] = '\n';
		out[used] = '\0';
	}
	return (int)used;
}
