/*
 * zm_conf_parse.c: ZoneMinder's settings files as text (zm_conf.h):
 * no file is opened here, so the fuzz harness links this alone.
 *
 * Invariant: a line is read as ZoneMinder 1.36 reads it, so the wizard
 * reaches the database ZoneMinder itself uses: what ZoneMinder skips is
 * skipped here too, never refused.
 */
#include "backends/accounts/zm_conf.h"

#include <errno.h>
#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool
blank(char c)
{
	return c == ' ' || c == '\t';
}

static void
set_value(struct zm_conf_value *v, const char *s, size_t n,
    const char *shown, unsigned line)
{
	sodium_memzero(v->text, sizeof(v->text));
	v->set = true;
	v->too_long = n > ZM_CONF_VALUE_MAX;
	if (!v->too_long)
		memcpy(v->text, s, n);
	snprintf(v->from, sizeof(v->from), "%s:%u", shown, line);
}

/* One line (without its end), as process_configfile reads it. */
static void
apply_line(const char *s, size_t n, const char *shown, unsigned line,
    struct zm_conf *conf)
{
	static const struct {
		const char *name;
		size_t offset;
	} keys[] = {
		{ "ZM_DB_HOST", offsetof(struct zm_conf, host) },
		{ "ZM_DB_NAME", offsetof(struct zm_conf, name) },
		{ "ZM_DB_USER", offsetof(struct zm_conf, user) },
		{ "ZM_DB_PASS", offsetof(struct zm_conf, pass) },
	};
	const char *eq, *name_end, *value;

	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	while (n > 0 && blank(*s)) {
		s++;
		n--;
	}
	if (n == 0 || *s == '#')
		return;
	/* Trailing blanks and quotes go, then leading ones of the value. */
	while (n > 0 && (blank(s[n - 1]) || s[n - 1] == '\'' ||
	    s[n - 1] == '"'))
		n--;
	eq = memchr(s, '=', n);
	if (eq == NULL)
		return;
	name_end = eq;
	while (name_end > s && blank(name_end[-1]))
		name_end--;
	value = eq + 1;
	while (value < s + n && blank(*value))
		value++;
	while (value < s + n && (*value == '\'' || *value == '"'))
		value++;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if ((size_t)(name_end - s) == strlen(keys[k].name) &&
		    strncasecmp(s, keys[k].name, strlen(keys[k].name)) == 0)
			set_value((struct zm_conf_value *)((char *)conf +
			    keys[k].offset), value, (size_t)(s + n - value),
			    shown, line);
}

void
zm_conf_apply(const char *text, size_t len, const char *shown,
    struct zm_conf *conf)
{
	unsigned line = 0;

	while (len > 0) {
		const char *end = memchr(text, '\n', len);
		size_t n = end != NULL ? (size_t)(end - text) : len;

		line++;
		/* A NUL ends what fgets and Perl's regex see of a line. */
		apply_line(text, strnlen(text, n), shown, line, conf);
		if (end == NULL)
			break;
		text += n + 1;
		len -= n + 1;
	}
}

int
zm_db_host_parse(const char *value, struct zm_db_host *out,
    struct nvr_error *err)
{
	const char *colon = strchr(value, ':');
	char *end;
	unsigned long port;

	memset(out, 0, sizeof(*out));
	if (strlen(value) > ZM_CONF_VALUE_MAX)
		return nvr_error_set(err, -EINVAL, "ZM_DB_HOST is longer than "
		    "%d bytes", ZM_CONF_VALUE_MAX);
	if (colon == NULL) {
		snprintf(out->host, sizeof(out->host), "%s", value);
		return 0;
	}
	if (colon[1] == '/') {
		snprintf(out->socket, sizeof(out->socket), "%s", colon + 1);
		return 0;
	}
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || errno != 0 ||
	    port == 0 || port > 65535)
		return nvr_error_set(err, -EINVAL, "ZM_DB_HOST '%s': after "
		    "the ':' comes a port (1-65535) or a socket's path", value);
	snprintf(out->host, sizeof(out->host), "%.*s", (int)(colon - value),
	    value);
	out->port = (unsigned)port;
	return 0;
}
