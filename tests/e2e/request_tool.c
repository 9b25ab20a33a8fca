/*
 * request_tool.c: stands in for a device in nvr-support's end-to-end
 * tests. It reads a provisioning file (support/provisioning.c, with its
 * permission checks), makes a recovery request as a device would, and
 * checks a reset code or a signed reset file against the request it made.
 *
 *   request-tool make [--store N] PROVISIONING ACCOUNT STATEFILE [DAY]
 *       makes a request for ACCOUNT (a random nonce; DAY, days since
 *       1970-01-01, default today, 0 for "clock not plausible"), writes
 *       its text to STATEFILE (0600) and prints it; a version-1 request,
 *       or with --store a version-2 one for account store N (0-15)
 *   request-tool compact PROVISIONING STATEFILE
 *       prints the request in STATEFILE in its compact form, as a QR
 *       code carries it (common/protocol.h)
 *   request-tool check [--as-store N] PROVISIONING STATEFILE CODE [ACTION]
 *       checks CODE against the request in STATEFILE for ACTION
 *       (set-password, the default, or factory-reset): prints "code
 *       accepted" (exit 0) or "code refused: why" (exit 1)
 *   request-tool check-file [--as-store N] PROVISIONING STATEFILE FILE
 *       checks the reset file FILE (common/reset_file.h) against the
 *       request in STATEFILE, in the order a recorder does: key set,
 *       signature under the provisioning file's vendor key, serial,
 *       nonce, version and store, account (set-password only), not used
 *       yet. Prints "reset file accepted: ACTION for ACCOUNT"
 *       (factory-reset: "for the recorder") and marks the request used in
 *       STATEFILE (exit 0), or "reset file refused: why" (exit 1)
 *
 * --as-store N checks against the version-2 request in STATEFILE as if
 * it had been made for store N: the same nonce, serial and account name,
 * but an account of another store, which no answer for the request's
 * own store may reach.
 *
 * Exit status: 0 done or accepted, 1 refused, 2 usage or a broken file.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <time.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/protocol.h"
#include "common/provisioning.h"
#include "common/reset_file.h"

#define STATE_MAX 4096
#define USED_MARK "used\n"	/* the state file's line after the request */

static int
usage(void)
{
	fprintf(stderr,
	    "usage: request-tool make [--store N] PROVISIONING ACCOUNT "
	    "STATEFILE [DAY]\n"
	    "       request-tool compact PROVISIONING STATEFILE\n"
	    "       request-tool check [--as-store N] PROVISIONING STATEFILE "
	    "CODE [ACTION]\n"
	    "       request-tool check-file [--as-store N] PROVISIONING "
	    "STATEFILE FILE\n");
	return 2;
}

/* A store option: "--store N" or "--as-store N" (NAME) at ARGV[*AT],
 * taken into *STORE (0..PROTOCOL_STORE_MAX) and skipped. -1 if absent
 * (*STORE untouched), 0 if taken, 2 (usage) if its value is bad. */
static int
store_option(int argc, char **argv, int *at, const char *name, int *store)
{
	char *end;
	long v;

	if (*at + 1 >= argc || strcmp(argv[*at], name) != 0)
		return -1;
	errno = 0;
	v = strtol(argv[*at + 1], &end, 10);
	if (errno != 0 || end == argv[*at + 1] || *end != '\0' || v < 0 ||
	    v > PROTOCOL_STORE_MAX)
		return 2;
	*store = (int)v;
	*at += 2;
	return 0;
}

static int
load(const char *path, struct provisioning *p)
{
	struct nvr_error err;

	if (provisioning_read(path, p, &err) != 0) {
		fprintf(stderr, "request-tool: %s\n", err.message);
		return -1;
	}
	return 0;
}

/* STORE: -1 for a version-1 request, else the version-2 request's. */
static int
make(const char *prov, const char *account, const char *state,
    const char *day_text, int store)
{
	const struct atomic_write_options options = {
		.uid = geteuid(), .gid = getegid(), .mode = 0600,
	};
	uint8_t request_key[PROTOCOL_KEY_BYTES], code_key[PROTOCOL_KEY_BYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX + 1];
	struct protocol_request r = { .day = (unsigned)(time(NULL) / 86400) };
	struct provisioning p;
	struct nvr_error err;
	int len;

	if (day_text != NULL)
		r.day = (unsigned)strtoul(day_text, NULL, 10);
	if (load(prov, &p) != 0)
		return 2;
	r.version = store < 0 ? 1 : 2;
	r.store = store < 0 ? 0 : (unsigned)store;
	r.key_id = p.key_id;
	r.demo = p.demo;
	randombytes_buf(r.nonce, sizeof(r.nonce));
	snprintf(r.serial, sizeof(r.serial), "%s", p.serial);
	snprintf(r.account, sizeof(r.account), "%s", account);
	protocol_subkeys(p.device_key, request_key, code_key);
	provisioning_wipe(&p);
	len = protocol_request_encode(&r, request_key, text, sizeof(text) - 1);
	sodium_memzero(request_key, sizeof(request_key));
	sodium_memzero(code_key, sizeof(code_key));
	if (len < 0) {
		fprintf(stderr, "request-tool: cannot encode: %s\n",
		    strerror(-len));
		return 2;
	}
	text[len] = '\n';
	if (atomic_file_replace(state, text, (size_t)len + 1, &options,
	    &err) != 0) {
		fprintf(stderr, "request-tool: %s\n", err.message);
		return 2;
	}
	printf("%.*s\n", len, text);
	return 0;
}

static int
compact(const char *prov, const char *state)
{
	uint8_t request_key[PROTOCOL_KEY_BYTES], code_key[PROTOCOL_KEY_BYTES];
	uint8_t mac[PROTOCOL_MAC_BYTES];
	char *saved = NULL, text[PROTOCOL_REQUEST_TEXT_MAX];
	struct protocol_request r;
	struct provisioning p;
	struct nvr_error err;
	size_t len;
	int n = -1;

	if (load(prov, &p) != 0)
		return 2;
	protocol_subkeys(p.device_key, request_key, code_key);
	provisioning_wipe(&p);
	if (atomic_file_read(state, STATE_MAX, &saved, &len, &err) != 0) {
		fprintf(stderr, "request-tool: %s\n", err.message);
	} else {
		saved[strcspn(saved, "\n")] = '\0';
		if (protocol_request_decode(saved, &r, mac, NULL) == 0)
			n = protocol_request_encode_compact(&r, request_key,
			    text, sizeof(text));
		free(saved);
	}
	sodium_memzero(request_key, sizeof(request_key));
	sodium_memzero(code_key, sizeof(code_key));
	if (n < 0)
		return 2;
	printf("%s\n", text);
	return 0;
}

/* The request R as if made for AS_STORE (-1: as it is), in version 2:
 * what a recorder with the same account name in another store has. */
static void
as_store(struct protocol_request *r, int store)
{
	if (store < 0)
		return;
	r->version = 2;
	r->store = (unsigned)store;
}

static int
check(const char *prov, const char *state, const char *code,
    const char *action_text, int store)
{
	uint8_t request_key[PROTOCOL_KEY_BYTES], code_key[PROTOCOL_KEY_BYTES];
	uint8_t mac[PROTOCOL_MAC_BYTES];
	enum protocol_action action = PROTOCOL_SET_PASSWORD;
	struct protocol_request r;
	struct provisioning p;
	struct nvr_error err;
	size_t len, bad_group = 0;
	char *text;
	int rc;

	if (action_text != NULL && strcmp(action_text, "factory-reset") == 0)
		action = PROTOCOL_FACTORY_RESET;
	else if (action_text != NULL && strcmp(action_text,
	    "set-password") != 0)
		return usage();
	if (atomic_file_read(state, STATE_MAX, &text, &len, &err) != 0) {
		fprintf(stderr, "request-tool: %s\n", err.message);
		return 2;
	}
	text[strcspn(text, "\n")] = '\0';
	rc = protocol_request_decode(text, &r, mac, &bad_group);
	free(text);
	if (rc != 0 || load(prov, &p) != 0) {
		fprintf(stderr, "request-tool: %s holds no request of ours\n",
		    state);
		return 2;
	}
	protocol_subkeys(p.device_key, request_key, code_key);
	provisioning_wipe(&p);
	if (protocol_request_verify(&r, mac, request_key) != 0) {
		fprintf(stderr, "request-tool: %s holds no request of this "
		    "device\n", state);
		rc = 2;
		goto out;
	}
	as_store(&r, store);
	rc = protocol_code_check(code, &r, action, code_key, &bad_group);
	if (rc == 0)
		printf("code accepted\n");
	else if (rc == -EINVAL && bad_group > 0)
		printf("code refused: group %zu has a typo\n", bad_group);
	else if (rc == -EINVAL)
		printf("code refused: not the length of a code\n");
	else
		printf("code refused: not the code for this request\n");
	rc = rc == 0 ? 0 : 1;
out:
	sodium_memzero(request_key, sizeof(request_key));
	sodium_memzero(code_key, sizeof(code_key));
	return rc;
}

/* Reads the request in STATE (checked under PROV's request key) into R
 * and its text into LINE (STATE_MAX + 1), PROV into P, and whether the
 * request was used into *USED. */
static int
load_state(const char *prov, const char *state, struct protocol_request *r,
    char *line, struct provisioning *p, bool *used)
{
	uint8_t request_key[PROTOCOL_KEY_BYTES], code_key[PROTOCOL_KEY_BYTES];
	uint8_t mac[PROTOCOL_MAC_BYTES];
	struct nvr_error err;
	size_t len, bad_group = 0, first;
	char *text;
	int rc;

	if (atomic_file_read(state, STATE_MAX, &text, &len, &err) != 0) {
		fprintf(stderr, "request-tool: %s\n", err.message);
		return -1;
	}
	first = strcspn(text, "\n");
	*used = strcmp(text + first, "\n" USED_MARK) == 0;
	text[first] = '\0';
	memcpy(line, text, first + 1);
	rc = protocol_request_decode(text, r, mac, &bad_group);
	free(text);
	if (rc != 0 || load(prov, p) != 0) {
		fprintf(stderr, "request-tool: %s holds no request of ours\n",
		    state);
		return -1;
	}
	protocol_subkeys(p->device_key, request_key, code_key);
	rc = protocol_request_verify(r, mac, request_key);
	sodium_memzero(request_key, sizeof(request_key));
	sodium_memzero(code_key, sizeof(code_key));
	if (rc != 0) {
		fprintf(stderr, "request-tool: %s holds no request of this "
		    "device\n", state);
		provisioning_wipe(p);
		return -1;
	}
	return 0;
}

/* Why reset file F (RC from reset_file_verify) does not answer R, or
 * NULL if it does; WHY has room for the message. */
static const char *
file_refusal(int rc, size_t bad_line, const struct reset_file *f,
    const struct protocol_request *r, bool used, char *why, size_t size)
{
	if (rc == -EFBIG)
		return "larger than a reset file can be";
	if (rc == -EBADMSG) {
		snprintf(why, size, "line %zu is not what a reset file has "
		    "there", bad_line);
		return why;
	}
	if (rc != 0)
		return "the signature is not the vendor's";
	if (strcmp(f->serial, r->serial) != 0) {
		snprintf(why, size, "it is for recorder %s, not this one",
		    f->serial);
		return why;
	}
	if (memcmp(f->nonce, r->nonce, sizeof(f->nonce)) != 0)
		return "it answers another request";
	if (f->version != r->version) {
		snprintf(why, size, "it is a version-%u file, the request of "
		    "version %u", f->version, r->version);
		return why;
	}
	if (f->store != r->store) {
		snprintf(why, size, "it is for store %u, the request for store "
		    "%u", f->store, r->store);
		return why;
	}
	if (f->action == PROTOCOL_SET_PASSWORD &&
	    strcmp(f->account, r->account) != 0) {
		snprintf(why, size, "it is for account %s, the request for %s",
		    f->account, r->account);
		return why;
	}
	if (used)
		return "its request was used already";
	return NULL;
}

static int
check_file(const char *prov, const char *state, const char *path,
    int store)
{
	const struct atomic_write_options options = {
		.uid = geteuid(), .gid = getegid(), .mode = 0600,
	};
	char line[STATE_MAX + 1], state_text[STATE_MAX + 2 + sizeof(USED_MARK)];
	char why[128];
	struct protocol_request r;
	struct provisioning p;
	struct reset_file f;
	struct nvr_error err;
	const char *refusal;
	size_t len = 0, bad_line = 0;
	char *data = NULL;
	bool used;
	int rc, n;

	if (load_state(prov, state, &r, line, &p, &used) != 0)
		return 2;
	as_store(&r, store);
	/* One byte over the limit still reads, so that the format's own
	 * check says it is too large. */
	rc = atomic_file_read(path, RESET_FILE_MAX + 1, &data, &len, &err);
	if (rc != 0 && rc != -EFBIG) {
		fprintf(stderr, "request-tool: %s\n", err.message);
		provisioning_wipe(&p);
		return 2;
	}
	memset(&f, 0, sizeof(f));
	if (rc == 0)
		rc = reset_file_parse(data, len, &f, &bad_line);
	if (rc == 0 && f.key_id != p.key_id) {
		snprintf(why, sizeof(why), "signed with key set %u, this "
		    "device has %u", f.key_id, p.key_id);
		refusal = why;
	} else {
		if (rc == 0)
			rc = reset_file_verify(data, len, p.vendor_public_key,
			    &f, &bad_line);
		refusal = file_refusal(rc, bad_line, &f, &r, used, why,
		    sizeof(why));
	}
	free(data);
	provisioning_wipe(&p);
	if (refusal != NULL) {
		printf("reset file refused: %s\n", refusal);
		return 1;
	}
	/* Used first, as a recorder marks it before acting. */
	n = snprintf(state_text, sizeof(state_text), "%s\n" USED_MARK, line);
	if (atomic_file_replace(state, state_text, (size_t)n, &options,
	    &err) != 0) {
		fprintf(stderr, "request-tool: %s\n", err.message);
		return 2;
	}
	printf("reset file accepted: %s for %s\n", f.action ==
	    PROTOCOL_SET_PASSWORD ? "set-password" : "factory-reset",
	    f.action == PROTOCOL_SET_PASSWORD ? f.account : "the recorder");
	return 0;
}

int
main(int argc, char **argv)
{
	const char *command = argc > 1 ? argv[1] : "";
	int at = 2, store = -1, n;

	if (sodium_init() < 0)
		return 2;
	if (argc < 2)
		return usage();
	/* The one option comes right after the command. */
	if (strcmp(command, "make") == 0)
		n = store_option(argc, argv, &at, "--store", &store);
	else
		n = store_option(argc, argv, &at, "--as-store", &store);
	if (n > 0)
		return usage();
	argv += at;
	argc -= at;
	if (argc >= 3 && argc <= 4 && strcmp(command, "make") == 0)
		return make(argv[0], argv[1], argv[2], argc == 4 ? argv[3] :
		    NULL, store);
	if (argc == 2 && store < 0 && strcmp(command, "compact") == 0)
		return compact(argv[0], argv[1]);
	if (argc >= 3 && argc <= 4 && strcmp(command, "check") == 0)
		return check(argv[0], argv[1], argv[2], argc == 4 ? argv[3] :
		    NULL, store);
	if (argc == 3 && strcmp(command, "check-file") == 0)
		return check_file(argv[0], argv[1], argv[2], store);
	return usage();
}
