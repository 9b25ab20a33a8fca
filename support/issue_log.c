/*
 * issue_log.c: appending to and printing the log of issued reset codes
 * (see issue_log.h for the file and its invariants).
 */
#include "support/issue_log.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/append_file.h"
#include "common/private_file.h"

#define LINE_MAX_BYTES 512

/* Copies NAME into OUT with every byte outside [A-Za-z0-9._-] as '?'. */
static void
copy_name(const char *name, char out[ISSUE_LOG_OPERATOR_MAX])
{
	size_t i;

	for (i = 0; i < ISSUE_LOG_OPERATOR_MAX - 1 && name[i] != '\0'; i++) {
		char c = name[i];
		bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';

		out[i] = (char)(plain ? c : '?');
	}
	out[i] = '\0';
}

void
issue_log_operator(char out[ISSUE_LOG_OPERATOR_MAX])
{
	const char *name = getenv("SUDO_USER");
	struct passwd *pw;

	if (name == NULL || name[0] == '\0')
		name = getlogin();
	if (name == NULL || name[0] == '\0') {
		pw = getpwuid(getuid());
		name = pw != NULL ? pw->pw_name : NULL;
	}
	if (name == NULL || name[0] == '\0') {
		snprintf(out, ISSUE_LOG_OPERATOR_MAX, "uid-%lu",
		    (unsigned long)getuid());
		return;
	}
	copy_name(name, out);
}

static int
path_of(const char *dir, char *out, size_t size, struct nvr_error *err)
{
	int n = snprintf(out, size, "%s/" ISSUE_LOG_NAME, dir);

	if (n < 0 || (size_t)n >= size)
		return nvr_error_set(err, -ENAMETOOLONG, "%s: name too long",
		    dir);
	return 0;
}

/* Makes the log's line for E in LINE; its length, or -EINVAL. */
static int
format_line(const struct issue_log_entry *e, char *line, size_t size)
{
	char when[32], nonce[2 * PROTOCOL_NONCE_BYTES + 1];
	char who[ISSUE_LOG_OPERATOR_MAX], store[16] = "";
	struct tm tm;
	int n;

	if (gmtime_r(&e->when, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0 ||
	    !protocol_name_ok(e->serial) || !protocol_name_ok(e->account) ||
	    !protocol_name_ok(e->action) || e->store > PROTOCOL_STORE_MAX)
		return -EINVAL;
	sodium_bin2hex(nonce, sizeof(nonce), e->nonce, PROTOCOL_NONCE_BYTES);
	copy_name(e->operator_name, who);
	if (e->has_store)
		snprintf(store, sizeof(store), " store=%u", e->store);
	n = snprintf(line, size, "%s key=%u serial=%s account=%s%s action=%s "
	    "nonce=%s operator=%s\n", when, e->key_id, e->serial, e->account,
	    store, e->action, nonce, who);
	return n < 0 || (size_t)n >= size ? -EINVAL : n;
}

int
issue_log_append(const char *dir, const struct issue_log_entry *e,
    struct nvr_error *err)
{
	char line[LINE_MAX_BYTES];
	int len = format_line(e, line, sizeof(line));

	if (len < 0)
		return nvr_error_set(err, len, "cannot log this code: a field "
		    "does not fit the log");
	/* Never rotated: it is the vendor's record of every code. */
	return append_file_line(dir, ISSUE_LOG_NAME, line, (size_t)len, 0,
	    err);
}

int
issue_log_print(const char *dir, FILE *out, size_t *lines,
    struct nvr_error *err)
{
	char path[4096], *text;
	size_t len;
	int rc = path_of(dir, path, sizeof(path), err);

	*lines = 0;
	if (rc != 0)
		return rc;
	rc = private_file_check_folder(dir, err);
	if (rc != 0)
		return rc;
	rc = private_file_read(path, ISSUE_LOG_MAX, &text, &len, err);
	if (rc == -ENOENT)
		return 0;
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < len; i++)
		*lines += text[i] == '\n';
	if (fwrite(text, 1, len, out) != len)
		rc = nvr_error_set(err, -EIO, "cannot print %s", path);
	private_file_free(text, len);
	return rc;
}
