/*
 * conffile_parse.c: the accounts of an htpasswd file or of motionEye's
 * motion.conf, and one value replaced (conffile_parse.h).
 *
 * Invariants:
 * 1. Every byte of the text is looked at: a control character anywhere
 *    (a tab excepted) refuses the file at its line, so nothing that
 *    software might read otherwise than this reader does is ever
 *    rewritten.
 * 2. A name or key that appears twice refuses the file: Apache takes the
 *    first of two users, motionEye the last of two keys.
 * 3. conffile_replace changes the bytes of one value and nothing else
 *    (or, for a motionEye key without a line, adds that one line).
 */
#include "backends/accounts/conffile_parse.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One line of the text: [at, at + len), without its newline. */
struct line {
	const char *at;
	size_t len;
	unsigned number;
};

static bool
blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool
name_fits(const char *s, size_t len)
{
	if (len == 0 || len > CONFFILE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

static void
set_name(struct conffile_entry *e, const char *s, size_t len)
{
	e->name_fits = name_fits(s, len);
	if (e->name_fits) {
		memcpy(e->name, s, len);
		e->name[len] = '\0';
	} else {
		e->name[0] = '\0';
	}
}

/* The first control character of LINE (a tab is none), or -1. */
static int
control_in(const struct line *l)
{
	for (size_t i = 0; i < l->len; i++) {
		unsigned char c = (unsigned char)l->at[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return c;
	}
	return -1;
}

/* Calls FN for each line of TEXT; stops at FN's first non-zero. */
static int
each_line(const char *text, size_t len,
    int (*fn)(const struct line *l, void *arg), void *arg)
{
	struct line l = { .number = 0 };

	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;
		int rc;

		l.at = text + pos;
		l.len = end - pos;
		l.number++;
		rc = fn(&l, arg);
		if (rc != 0)
			return rc;
		pos = end + 1;
	}
	return 0;
}

struct reader {
	const char *text;
	enum hash_rules rules;
	const char *shown;
	struct nvr_error *err;
	struct conffile_entry *entries;
	size_t count, room;
	/* htpasswd: each entry's name in the text, to find one twice. */
	size_t *name_at, *name_len;
	/* motionEye: the line of each key, 0 if none yet. */
	unsigned key_line[4];
	const char *user_at[2];	/* the two names, in the text */
	size_t user_len[2];
};

static int
line_error(struct reader *r, unsigned line, const char *what)
{
	return nvr_error_set(r->err, -EINVAL, "%s:%u: %s", r->shown, line,
	    what);
}

static int
read_value(struct reader *r, struct conffile_entry *e, unsigned line)
{
	const char *why = hash_form_read(e->value_at == CONFFILE_NO_LINE ? "" :
	    r->text + e->value_at, e->value_len, r->rules, &e->form);

	return why != NULL ? line_error(r, line, why) : 0;
}

static int
htpasswd_line(const struct line *l, void *arg)
{
	struct reader *r = arg;
	const char *colon, *end;
	struct conffile_entry *e;
	size_t skip = 0;
	int c = control_in(l);

	if (c >= 0)
		return nvr_error_set(r->err, -EINVAL, "%s:%u: a control "
		    "character (0x%02x)", r->shown, l->number, (unsigned)c);
	while (skip < l->len && blank(l->at[skip]))
		skip++;
	/* htpasswd(1) keeps blank lines and comments as they are. */
	if (skip == l->len || l->at[skip] == '#')
		return 0;
	if (skip > 0 || blank(l->at[l->len - 1]))
		return line_error(r, l->number, "a blank at the start or end "
		    "of a user's line");
	colon = memchr(l->at, ':', l->len);
	if (colon == NULL)
		return line_error(r, l->number, "not user:hash (no ':')");
	if (colon == l->at)
		return line_error(r, l->number, "no user name before ':'");
	if (r->count == r->room) {
		size_t room = r->room ? 2 * r->room : 16;
		struct conffile_entry *grown = realloc(r->entries,
		    room * sizeof(*grown));
		size_t *at = realloc(r->name_at, room * sizeof(*at));
		size_t *nlen;

		if (grown != NULL)
			r->entries = grown;
		if (at != NULL)
			r->name_at = at;
		nlen = realloc(r->name_len, room * sizeof(*nlen));
		if (nlen != NULL)
			r->name_len = nlen;
		if (grown == NULL || at == NULL || nlen == NULL)
			return nvr_error_set(r->err, -ENOMEM, "out of memory");
		r->room = room;
	}
	e = &r->entries[r->count];
	memset(e, 0, sizeof(*e));
	set_name(e, l->at, (size_t)(colon - l->at));
	r->name_at[r->count] = (size_t)(l->at - r->text);
	r->name_len[r->count] = (size_t)(colon - l->at);
	/* Apache reads the hash up to a second ':', if any. */
	end = memchr(colon + 1, ':', (size_t)(l->at + l->len - colon - 1));
	if (end == NULL)
		end = l->at + l->len;
	e->line = l->number;
	e->value_at = (size_t)(colon + 1 - r->text);
	e->value_len = (size_t)(end - colon - 1);
	r->count++;
	return read_value(r, e, l->number);
}

/* Sorts entry indices by name, to find a name twice in n log n. */
static const struct reader *sorting;

static int
by_name(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	size_t li = sorting->name_len[i], lj = sorting->name_len[j];
	int c = memcmp(sorting->text + sorting->name_at[i],
	    sorting->text + sorting->name_at[j], li < lj ? li : lj);

	if (c != 0)
		return c;
	if (li != lj)
		return li < lj ? -1 : 1;
	return i < j ? -1 : i > j;
}

static int
htpasswd_twice(struct reader *r)
{
	size_t *order;
	int rc = 0;

	if (r->count < 2)
		return 0;
	order = malloc(r->count * sizeof(*order));
	if (order == NULL)
		return nvr_error_set(r->err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < r->count; i++)
		order[i] = i;
	sorting = r;
	qsort(order, r->count, sizeof(*order), by_name);
	sorting = NULL;
	for (size_t k = 1; k < r->count && rc == 0; k++) {
		size_t i = order[k - 1], j = order[k];

		if (r->name_len[i] == r->name_len[j] &&
		    memcmp(r->text + r->name_at[i], r->text + r->name_at[j],
		    r->name_len[i]) == 0)
			rc = nvr_error_set(r->err, -EINVAL, "%s:%u: a user of "
			    "line %u again", r->shown, r->entries[j].line,
			    r->entries[i].line);
	}
	free(order);
	return rc;
}

static const char *const motioneye_keys[4] = {
	"admin_username", "admin_password", "normal_username",
	"normal_password",
};

/* Python's \w, near enough: ASCII letters, digits, '_', and every byte
 * of a character beyond ASCII. */
static bool
word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || (unsigned char)c >= 0x80;
}

static int
motioneye_line(const struct line *l, void *arg)
{
	struct reader *r = arg;
	size_t start = 0, end = l->len, p, name;
	int c = control_in(l), key = -1;

	if (c >= 0)
		return nvr_error_set(r->err, -EINVAL, "%s:%u: a control "
		    "character (0x%02x)", r->shown, l->number, (unsigned)c);
	/* config.py strips each line, then matches ^#\s*(@\w+)\s*(.*);
	 * a line that is not a comment is "name value" (split(None, 1)). */
	while (start < end && blank(l->at[start]))
		start++;
	while (end > start && blank(l->at[end - 1]))
		end--;
	p = start;
	if (p < end && l->at[p] == '#') {
		p++;
		while (p < end && blank(l->at[p]))
			p++;
	}
	if (p == end || l->at[p] != '@')
		return 0;
	name = ++p;
	if (l->at[start] == '#') {
		while (p < end && word(l->at[p]))
			p++;
	} else {
		while (p < end && !blank(l->at[p]))
			p++;
	}
	for (int k = 0; k < 4; k++)
		if (p - name == strlen(motioneye_keys[k]) &&
		    memcmp(l->at + name, motioneye_keys[k], p - name) == 0)
			key = k;
	if (key < 0)
		return 0;
	if (r->key_line[key] != 0)
		return nvr_error_set(r->err, -EINVAL, "%s:%u: @%s again (it "
		    "is on line %u)", r->shown, l->number, motioneye_keys[key],
		    r->key_line[key]);
	r->key_line[key] = l->number;
	{
		size_t value = p;
		struct conffile_entry *e = &r->entries[key / 2];

		while (value < end && blank(l->at[value]))
			value++;
		if (key % 2 == 0) {
			r->user_at[key / 2] = l->at + value;
			r->user_len[key / 2] = end - value;
			set_name(e, l->at + value, end - value);
		} else {
			/* An empty value after "name " (as motionEye writes
			 * it) is written after that blank. */
			if (value == end && p < l->len && blank(l->at[p]))
				value = p + 1;
			e->line = l->number;
			e->value_at = (size_t)(l->at + value - r->text);
			e->value_len = end > value ? end - value : 0;
			e->needs_blank = value == p;
		}
	}
	return 0;
}

static int
motioneye_read(struct reader *r, const char *text, size_t len)
{
	int rc;

	r->entries = calloc(2, sizeof(*r->entries));
	if (r->entries == NULL)
		return nvr_error_set(r->err, -ENOMEM, "out of memory");
	r->count = 2;
	r->entries[0].admin = true;
	/* motionEye's defaults for keys without a line. */
	set_name(&r->entries[0], "admin", 5);
	set_name(&r->entries[1], "user", 4);
	r->user_at[0] = "admin";
	r->user_len[0] = 5;
	r->user_at[1] = "user";
	r->user_len[1] = 4;
	for (int i = 0; i < 2; i++)
		r->entries[i].value_at = CONFFILE_NO_LINE;
	rc = each_line(text, len, motioneye_line, r);
	for (int i = 0; i < 2 && rc == 0; i++)
		rc = read_value(r, &r->entries[i], r->entries[i].line);
	if (rc == 0 && r->user_len[0] == r->user_len[1] &&
	    memcmp(r->user_at[0], r->user_at[1], r->user_len[0]) == 0)
		rc = line_error(r, r->key_line[2] ? r->key_line[2] :
		    r->key_line[0], "the normal user has the administrator's "
		    "name");
	return rc;
}

int
conffile_parse(const char *text, size_t len, enum conffile_format format,
    enum hash_rules rules, const char *shown, struct conffile_parsed *out,
    struct nvr_error *err)
{
	struct reader r = { .text = text, .rules = rules, .shown = shown,
	    .err = err };
	int rc;

	out->entries = NULL;
	out->count = 0;
	if (format == CONFFILE_MOTIONEYE) {
		rc = motioneye_read(&r, text, len);
	} else {
		rc = each_line(text, len, htpasswd_line, &r);
		if (rc == 0)
			rc = htpasswd_twice(&r);
	}
	free(r.name_at);
	free(r.name_len);
	if (rc != 0) {
		free(r.entries);
		return rc;
	}
	out->entries = r.entries;
	out->count = r.count;
	return 0;
}

void
conffile_parsed_free(struct conffile_parsed *parsed)
{
	free(parsed->entries);
	parsed->entries = NULL;
	parsed->count = 0;
}

char *
conffile_replace(const char *text, size_t len, enum conffile_format format,
    const struct conffile_entry *e, const char *value, size_t *out_len)
{
	size_t vlen = strlen(value), at, cut;
	char head[40] = "";
	char *out;

	if (e->value_at == CONFFILE_NO_LINE) {
		/* motionEye puts its @ lines first. */
		if (format != CONFFILE_MOTIONEYE)
			return NULL;
		snprintf(head, sizeof(head), "# @%s ", e->admin ?
		    "admin_password" : "normal_password");
		at = 0;
		cut = 0;
	} else {
		at = e->value_at;
		cut = e->value_len;
		if (e->needs_blank)
			strcpy(head, " ");
	}
	*out_len = len - cut + strlen(head) + vlen +
	    (e->value_at == CONFFILE_NO_LINE ? 1 : 0);
	out = malloc(*out_len + 1);
	if (out == NULL)
		return NULL;
	memcpy(out, text, at);
	memcpy(out + at, head, strlen(head));
	/* The text is built piece by piece; its NUL comes last. */
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(out + at + strlen(head), value, vlen);
	if (e->value_at == CONFFILE_NO_LINE)
		out[at + strlen(head) + vlen] = '\n';
	memcpy(out + *out_len - (len - at - cut), text + at + cut,
	    len - at - cut);
	out[*out_len] = '\0';
	return out;
}
