/*
 * issue_log.h: DIR/issued.log, one line for every reset code the vendor
 * has issued from the key sets in DIR, e.g.
 *     2026-11-25T15:00:00Z key=3 serial=SN0012345678 account=admin
 *         action=set-password nonce=<20 hex> operator=alice
 * (one line in the file). A code or file answering a version-2 request
 * (common/protocol.h) has " store=N" after the account, as the account
 * it resets is that name in store N; a version-1 line has none, as
 * before.
 *
 * Invariants:
 * 1. Append only, through common/append_file.h: each line one write(2)
 *    under the file's lock, fsynced (and the folder when the file is
 *    new) before a code is shown; a line cut short by a full disk is cut
 *    off. It is never rewritten, nor rotated.
 * 2. Mode 0600, owned by us: an existing log that is not is refused
 *    (-EPERM), as a key set would be.
 * 3. A line holds no secret: no key, no code. Every field is from a
 *    fixed alphabet (names from the request, the operator's login with
 *    anything else shown as '?'), so a line cannot forge another.
 */
#ifndef NVR_SUPPORT_ISSUE_LOG_H
#define NVR_SUPPORT_ISSUE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "common/nvr_error.h"
#include "common/protocol.h"

#define ISSUE_LOG_NAME "issued.log"
#define ISSUE_LOG_OPERATOR_MAX 64
/* The largest log printed: some 100,000 codes. */
#define ISSUE_LOG_MAX (16L * 1024 * 1024)

struct issue_log_entry {
	time_t when;
	unsigned key_id;
	const char *serial;
	const char *account;
	bool has_store;		/* a version-2 request: STORE logged */
	unsigned store;		/* 0..PROTOCOL_STORE_MAX */
	const char *action;	/* "set-password", "factory-reset" */
	const unsigned char *nonce;	/* PROTOCOL_NONCE_BYTES */
	const char *operator_name;
};

/* The person issuing: $SUDO_USER, else getlogin(), else the name of the
 * real uid, else "uid-N"; written into OUT. */
void issue_log_operator(char out[ISSUE_LOG_OPERATOR_MAX]);

/* Appends E to DIR/issued.log. Returns 0 or a negative errno. */
int issue_log_append(const char *dir, const struct issue_log_entry *e,
    struct nvr_error *err);

/* Copies DIR/issued.log to OUT and sets *LINES to its number of lines
 * (0 when there is no log yet: nothing issued). Returns 0, -ENOENT (no
 * folder DIR), -EPERM or another negative errno. */
int issue_log_print(const char *dir, FILE *out, size_t *lines,
    struct nvr_error *err);

#endif
