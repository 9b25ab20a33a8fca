/*
 * request_tool.c: stands in for a device in nvr-support's end-to-end
 * tests. It reads a provisioning file (support/provisioning.c, with its
 * permission checks), makes a recovery request as a device would, and
 * checks a reset code against the request it made.
 *
 *   request-tool make PROVISIONING ACCOUNT STATEFILE [DAY]
 *       makes a request for ACCOUNT (a random nonce; DAY, days since
 *       1970-01-01, default today, 0 for "clock not plausible"), writes
 *       its text to STATEFILE (0600) and prints it
 *   request-tool check PROVISIONING STATEFILE CODE [ACTION]
 *       checks CODE against the request in STATEFILE for ACTION
 *       (set-password, the default, or factory-reset): prints "code
 *       accepted" (exit 0) or "code refused: why" (exit 1)
 *
 * Exit status: 0 done or accepted, 1 refused, 2 usage or a broken file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <time.h>
#include <unistd.h>

#include "backends/atomic_file.h"
#include "common/protocol.h"
#include "common/provisioning.h"

static int
usage(void)
{
	fprintf(stderr,
	    "usage: request-tool make PROVISIONING ACCOUNT STATEFILE [DAY]\n"
	    "       request-tool check PROVISIONING STATEFILE CODE "
	    "[ACTION]\n");
	return 2;
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

static int
make(const char *prov, const char *account, const char *state,
    const char *day_text)
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
check(const char *prov, const char *state, const char *code,
    const char *action_text)
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
	if (atomic_file_read(state, 4096, &text, &len, &err) != 0) {
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

int
main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 2;
	if (argc >= 5 && argc <= 6 && strcmp(argv[1], "make") == 0)
		return make(argv[2], argv[3], argv[4], argc == 6 ? argv[5] :
		    NULL);
	if (argc >= 5 && argc <= 6 && strcmp(argv[1], "check") == 0)
		return check(argv[2], argv[3], argv[4], argc == 6 ? argv[5] :
		    NULL);
	return usage();
}
