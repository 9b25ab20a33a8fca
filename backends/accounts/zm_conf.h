/*
 * zm_conf.h: where ZoneMinder's database is, read as ZoneMinder reads it:
 * /etc/zm/zm.conf, then every conf.d/ *.conf beside it in name order,
 * later values replacing earlier ones (zm_config.cpp's
 * process_configfile and ZoneMinder/Config.pm, 1.36).
 *
 * zm_conf_apply reads text only (the fuzz harness links it alone);
 * zm_conf_read opens the files by the wizard's trust rules.
 */
#ifndef NVR_BACKENDS_ACCOUNTS_ZM_CONF_H
#define NVR_BACKENDS_ACCOUNTS_ZM_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "common/nvr_error.h"

#define ZM_CONF_VALUE_MAX 255	/* bytes: host, socket path, names */
#define ZM_CONF_FILES_MAX 64	/* conf.d files read at most */

/* One setting's value and where it came from. */
struct zm_conf_value {
	char text[ZM_CONF_VALUE_MAX + 1];
	bool set;
	bool too_long;		/* longer than ZM_CONF_VALUE_MAX: refused */
	char from[ZM_CONF_VALUE_MAX + 1];	/* "FILE:LINE" */
};

/* The four settings the database connection takes. */
struct zm_conf {
	struct zm_conf_value host, name, user, pass;
};

/* How ZM_DB_HOST reaches the server, as ZoneMinder's zm_db.cpp and
 * database.php take it: "host", "host:port" or "host:/path/to/socket"
 * (the host then unused). */
struct zm_db_host {
	char host[ZM_CONF_VALUE_MAX + 1];	/* "" : libmariadb's default
						 * (localhost's socket) */
	unsigned port;				/* 0: the default */
	char socket[ZM_CONF_VALUE_MAX + 1];	/* "" : none given */
};

/*
 * Applies the LEN bytes at TEXT, a file SHOWN, to *CONF: lines of
 * NAME=VALUE, blanks around either, quotes around the value dropped,
 * names in any case; blank lines, '#' comments and lines without '='
 * skipped, as ZoneMinder skips them. A value too long is marked, not cut.
 */
void zm_conf_apply(const char *text, size_t len, const char *shown,
    struct zm_conf *conf);

/* Reads VALUE, a ZM_DB_HOST, into *OUT. Returns 0, or -EINVAL with ERR
 * saying why (a port that is not a number from 1 to 65535). */
int zm_db_host_parse(const char *value, struct zm_db_host *out,
    struct nvr_error *err);

/*
 * Reads PATH (zm.conf) and the *.conf files of the conf.d folder beside
 * it, in name order, into *CONF (zeroed first). PATH's folder must pass
 * trust_check_folder_of; each file must be a regular file owned by root
 * or us that group and others cannot write. Returns 0, or a negative
 * errno with ERR filled: -ENOENT if PATH is missing, -EPERM if a file or
 * folder is not trusted. Wipe *CONF (it holds ZM_DB_PASS) when done.
 */
int zm_conf_read(const char *path, struct zm_conf *conf,
    struct nvr_error *err);

#endif
