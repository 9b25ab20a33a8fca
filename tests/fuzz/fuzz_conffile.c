/*
 * fuzz_conffile.c: conffile_parse on any bytes, as an htpasswd file or as
 * motionEye's motion.conf (read by 0.43's or 0.44's rules), the format
 * chosen by the first byte. The text is handed over in a buffer of
 * exactly its length, with no NUL after it, so a read past the end is an
 * AddressSanitizer report.
 *
 * Whatever it is given, it returns 0 or -EINVAL with "fuzz:LINE: ..." (a
 * file that does not parse is refused at its line). A file it accepts
 * has every value inside the text, and conffile_replace of each value
 * changes those bytes and no other (a motionEye value without a line
 * adds one line, first): the new text parses again to the same accounts,
 * with that value in place.
 */
#include <errno.h>
#include <stdbool.h>

#include "backends/accounts/conffile_parse.h"
#include "tests/fuzz/fuzz.h"

#define NEW_VALUE "$2y$05$abcdefghijklmnopqrstuu5wzp4Xn1sHqSvbqYxW3EcRsY3NrSl2"

static void
check_replaced(const char *text, size_t len, enum conffile_format format,
    enum hash_rules rules, const struct conffile_parsed *p, size_t i)
{
	const struct conffile_entry *e = &p->entries[i];
	struct conffile_parsed again;
	struct nvr_error err;
	size_t out_len, vlen = strlen(NEW_VALUE);
	char *out = conffile_replace(text, len, format, e, NEW_VALUE,
	    &out_len);

	FUZZ_CHECK(out != NULL);
	FUZZ_CHECK(out[out_len] == '\0');
	if (e->value_at == CONFFILE_NO_LINE) {
		const char *nl = memchr(out, '\n', out_len);

		FUZZ_CHECK(format == CONFFILE_MOTIONEYE);
		FUZZ_CHECK(nl != NULL);
		FUZZ_CHECK(out_len - (size_t)(nl + 1 - out) == len);
		FUZZ_CHECK(memcmp(nl + 1, text, len) == 0);
	} else {
		size_t blank = e->needs_blank ? 1 : 0;
		size_t after = e->value_at + e->value_len;

		FUZZ_CHECK(out_len == len - e->value_len + blank + vlen);
		FUZZ_CHECK(memcmp(out, text, e->value_at) == 0);
		FUZZ_CHECK(memcmp(out + e->value_at + blank, NEW_VALUE, vlen)
		    == 0);
		FUZZ_CHECK(memcmp(out + e->value_at + blank + vlen,
		    text + after, len - after) == 0);
	}
	FUZZ_CHECK(conffile_parse(out, out_len, format, rules, "fuzz", &again,
	    &err) == 0);
	FUZZ_CHECK(again.count == p->count);
	for (size_t k = 0; k < p->count; k++) {
		FUZZ_CHECK(again.entries[k].name_fits ==
		    p->entries[k].name_fits);
		FUZZ_CHECK(strcmp(again.entries[k].name, p->entries[k].name)
		    == 0);
	}
	FUZZ_CHECK(again.entries[i].value_len == vlen);
	FUZZ_CHECK(memcmp(out + again.entries[i].value_at, NEW_VALUE, vlen)
	    == 0);
	conffile_parsed_free(&again);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum hash_rules rules_of[3] = { HASH_RULES_HTPASSWD,
	    HASH_RULES_MOTIONEYE_043, HASH_RULES_MOTIONEYE_044 };
	enum conffile_format format;
	enum hash_rules rules;
	struct conffile_parsed p;
	struct nvr_error err;
	char *text;
	int rc;

	if (size == 0)
		return 0;
	rules = rules_of[data[0] % 3];
	format = rules == HASH_RULES_HTPASSWD ? CONFFILE_HTPASSWD :
	    CONFFILE_MOTIONEYE;
	size--;
	/* Exactly SIZE bytes: no NUL after them to lean on. */
	text = malloc(size ? size : 1);
	FUZZ_CHECK(text != NULL);
	memcpy(text, data + 1, size);
	rc = conffile_parse(text, size, format, rules, "fuzz", &p, &err);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	if (rc != 0) {
		FUZZ_CHECK(strncmp(err.message, "fuzz:", 5) == 0);
		FUZZ_CHECK(p.entries == NULL && p.count == 0);
		free(text);
		return 0;
	}
	FUZZ_CHECK(format != CONFFILE_MOTIONEYE || p.count == 2);
	for (size_t i = 0; i < p.count; i++) {
		const struct conffile_entry *e = &p.entries[i];

		FUZZ_CHECK(e->name_fits == (e->name[0] != '\0'));
		FUZZ_CHECK(strlen(e->name) <= CONFFILE_NAME_MAX);
		if (e->value_at != CONFFILE_NO_LINE) {
			FUZZ_CHECK(e->value_at <= size);
			FUZZ_CHECK(e->value_len <= size - e->value_at);
			FUZZ_CHECK(memchr(text + e->value_at, '\n',
			    e->value_len) == NULL);
		} else {
			FUZZ_CHECK(e->value_len == 0 && e->line == 0);
		}
		for (size_t k = 0; k < i && format == CONFFILE_HTPASSWD; k++)
			FUZZ_CHECK(!e->name_fits ||
			    strcmp(e->name, p.entries[k].name) != 0);
		check_replaced(text, size, format, rules, &p, i);
	}
	conffile_parsed_free(&p);
	free(text);
	return 0;
}
