/*
 * conffile_parse.h: reading the accounts out of a web UI's own text file,
 * and writing one new value into it, byte for byte otherwise.
 *
 * Two formats:
 * - htpasswd (Apache httpd 2.4's htpasswd(1) and mod_authn_file): one
 *   "user:hash" a line, blank lines and lines starting with '#' kept;
 * - motionEye's motion.conf: its own settings are comment lines
 *   "# @name value", of which the accounts are @admin_username,
 *   @admin_password, @normal_username and @normal_password (read as
 *   motionEye's config.py reads them: '#', blanks, '@' and a word, blanks,
 *   the value to the end of the line less its blanks).
 * Nothing here opens a file or computes a hash: the fuzz harness links
 * it alone (with hash_form.c).
 */
#ifndef NVR_BACKENDS_ACCOUNTS_CONFFILE_PARSE_H
#define NVR_BACKENDS_ACCOUNTS_CONFFILE_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/accounts/hash_form.h"
#include "common/nvr_error.h"

#define CONFFILE_NAME_MAX 32	/* bytes: ACCOUNT_NAME_MAX */
#define CONFFILE_NO_LINE ((size_t)-1)

enum conffile_format {
	CONFFILE_HTPASSWD,
	CONFFILE_MOTIONEYE,
};

/* One account of the file. */
struct conffile_entry {
	char name[CONFFILE_NAME_MAX + 1];	/* "" if it does not fit */
	bool name_fits;		/* 1-32 printable ASCII bytes, no blank: a
				 * name the wizard's own files can hold */
	bool admin;		/* motionEye's @admin_username */
	unsigned line;		/* of its value, 1-based; 0: no such line
				 * (motionEye: the value is "") */
	size_t value_at;	/* the value's bytes in the text, or
				 * CONFFILE_NO_LINE */
	size_t value_len;
	bool needs_blank;	/* motionEye: nothing between the name and
				 * the end of the line: a value written
				 * gets a blank before it */
	struct hash_form form;	/* the value, read by the file's rules */
};

struct conffile_parsed {
	struct conffile_entry *entries;	/* malloc'd; motionEye: admin,
					 * then the normal user */
	size_t count;
};

/*
 * Reads the LEN bytes at TEXT in FORMAT, its values by RULES, into *OUT.
 * A file that does not parse (a control character other than a tab, an
 * htpasswd line without ':' or without a name or with a blank at either
 * end, a user or a motionEye key twice, motionEye's two users under one
 * name, a hash hash_form_read refuses) fills ERR with "SHOWN:LINE:
 * message" and returns -EINVAL, *OUT empty. Returns 0 or a negative
 * errno.
 */
int conffile_parse(const char *text, size_t len, enum conffile_format
    format, enum hash_rules rules, const char *shown,
    struct conffile_parsed *out, struct nvr_error *err);

void conffile_parsed_free(struct conffile_parsed *parsed);

/*
 * The text with ENTRY's value (of a parse of that TEXT) replaced by VALUE
 * (no blank, no control character, no ':' in htpasswd): malloc'd, NUL
 * added, its length in *OUT_LEN; NULL without memory. Only that value's
 * bytes change; a motionEye value without a line gets the line
 * "# @NAME VALUE" first in the file, where motionEye writes its own.
 */
char *conffile_replace(const char *text, size_t len,
    enum conffile_format format, const struct conffile_entry *entry,
    const char *value, size_t *out_len);

#endif
