/*
 * test_requests.c: the device side of the recovery protocol
 * (backends/requests/requests.c): making requests, redeeming the reset
 * codes and
 * signed reset files support sends back (whichever answers a request
 * first wins), how long a request stays good under an injected clock,
 * the three-pending limit, and how a file that does not parse is refused
 * and left alone.
 *
 * The tests play support themselves: they decode the request text with
 * protocol_request_decode and make codes with protocol_code_make under the
 * test device's code key, and reset files with reset_file_write under a
 * test vendor key. Every clock is a struct requests_clock built here;
 * only test_clock_read looks at the real one.
 *
 * Each test works in a fresh folder from mkdtemp(3), removed in teardown;
 * the state folder is its "state" subfolder, missing until first needed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "backends/attempts.h"
#include "backends/requests/requests.h"
#include "common/protocol.h"
#include "common/reset_file.h"
#include "tests/unit/support.h"

#define HEADER "# nvr-recovery requests 2\n"
#define DAY (24L * 3600)
#define LIFETIME (7 * DAY)
#define BUILD_DATE ((time_t)1780272000)	/* 2026-06-01 */
#define T0 (BUILD_DATE + 30 * DAY)	/* a plausible "now" */
#define Y2000 ((time_t)946684800)	/* 2000-01-01, a dead RTC */
#define SERIAL "SN0012345678"
#define KEY_ID 7

static const struct requests_settings DEFAULTS = {
	REQUESTS_DEFAULT_LIFETIME_S, REQUESTS_DEFAULT_MAX_BOOTS
};

/* ------------------------------------------------------------------ */
/* Fixture and helpers                                                 */

static int
fx_setup(void **state)
{
	return support_fx_setup(state, "requests");
}

static int
fx_teardown(void **state)
{
	return support_fx_teardown(state);
}

/* fx->dir/state; malloc'd. */
static char *
state_dir(const struct support_fx *fx)
{
	return support_in_dir(fx, "state");
}

/* fx->dir/state/requests; malloc'd. */
static char *
store_path(const struct support_fx *fx)
{
	return support_in_dir(fx, "state/requests");
}

/* A device of key set KEY_ID_ under a master of bytes FILL, FILL+1, ... */
static void
device_with(struct requests_device *dev, uint8_t fill, unsigned key_id,
    const char *serial)
{
	uint8_t master[PROTOCOL_KEY_BYTES], device_key[PROTOCOL_KEY_BYTES];

	memset(dev, 0, sizeof(*dev));
	for (size_t i = 0; i < sizeof(master); i++)
		master[i] = (uint8_t)(fill + i);
	assert_int_equal(protocol_device_key(master, key_id, serial,
	    device_key), 0);
	protocol_subkeys(device_key, dev->request_key, dev->code_key);
	dev->key_id = key_id;
	assert_true(strlen(serial) < sizeof(dev->serial));
	memcpy(dev->serial, serial, strlen(serial) + 1);
}

/* The test device: key id 7, serial SN0012345678, a fixed master. */
static void
device_init(struct requests_device *dev)
{
	device_with(dev, 0x40, KEY_ID, SERIAL);
}

static struct requests_clock
clock_at(time_t wall, long long boottime, const char *boot_id)
{
	struct requests_clock c;

	memset(&c, 0, sizeof(c));
	c.wall = wall;
	c.plausible_after = BUILD_DATE;
	c.boottime = boottime;
	assert_true(strlen(boot_id) < sizeof(c.boot_id));
	memcpy(c.boot_id, boot_id, strlen(boot_id) + 1);
	return c;
}

static struct requests *
open_with(const struct support_fx *fx, const struct requests_settings *s)
{
	struct requests *r = NULL;
	struct nvr_error err = { "" };
	char *dir = state_dir(fx);

	assert_int_equal(requests_open(&r, dir, s, &err), 0);
	assert_non_null(r);
	free(dir);
	return r;
}

/* Makes a request for ACCOUNT into TEXT (PROTOCOL_REQUEST_TEXT_MAX);
 * returns *dropped. */
static bool
make_ok(struct requests *r, const struct requests_device *dev,
    const char *account, const struct requests_clock *now, char *text)
{
	struct nvr_error err = { "" };
	bool dropped = true;
	int rc = requests_make(r, dev, support_key(account), now, text,
	    PROTOCOL_REQUEST_TEXT_MAX, &dropped, &err);

	if (rc != 0)
		print_error("requests_make(%s): %d %s\n", account, rc,
		    err.message);
	assert_int_equal(rc, 0);
	assert_true(strlen(text) > 0);
	return dropped;
}

/* Support's side: decodes TEXT (the MAC must verify under DEV's request
 * key) into REQ. */
static void
decode_ok(const char *text, const struct requests_device *dev,
    struct protocol_request *req)
{
	uint8_t mac[PROTOCOL_MAC_BYTES];
	size_t bad = 99;

	assert_int_equal(protocol_request_decode(text, req, mac, &bad), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(protocol_request_verify(req, mac, dev->request_key),
	    0);
}

/* Support's answer to request TEXT with ACTION, under DEV's code key. */
static void
code_for(const char *text, const struct requests_device *dev,
    enum protocol_action action, char code[PROTOCOL_CODE_TEXT_MAX])
{
	struct protocol_request req;

	decode_ok(text, dev, &req);
	assert_true(protocol_code_make(&req, action, dev->code_key, code,
	    PROTOCOL_CODE_TEXT_MAX) > 0);
}

static int
redeem(struct requests *r, const struct requests_device *dev,
    const char *account, enum protocol_action action, const char *code,
    const struct requests_clock *now, struct nvr_error *err)
{
	memset(err, 0, sizeof(*err));
	return requests_redeem(r, dev, support_key(account), action, code, now,
	    err);
}

#define assert_redeem(r, dev, acct, code, now, want) do {		\
	struct nvr_error e_ = { "" };					\
	int rc_ = redeem((r), (dev), (acct), PROTOCOL_SET_PASSWORD,	\
	    (code), (now), &e_);					\
	if (rc_ != (want))						\
		print_error("redeem(%s): %d %s\n", (acct), rc_,		\
		    e_.message);					\
	assert_int_equal(rc_, (want));					\
} while (0)

/* The test vendor's signing key, from seed 60 61 .. 7f. */
static void
vendor_keys(uint8_t pk[crypto_sign_PUBLICKEYBYTES],
    uint8_t sk[crypto_sign_SECRETKEYBYTES])
{
	uint8_t seed[crypto_sign_SEEDBYTES];

	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(0x60 + i);
	assert_int_equal(crypto_sign_seed_keypair(pk, sk, seed), 0);
}

/* Support's other answer to request TEXT: a reset file for ACTION,
 * signed with SK, into FILE (RESET_FILE_TEXT_MAX); its length. */
static size_t
file_for(const char *text, const struct requests_device *dev,
    enum protocol_action action, const uint8_t *sk, char *file)
{
	struct protocol_request req;
	struct reset_file f;
	int len;

	decode_ok(text, dev, &req);
	memset(&f, 0, sizeof(f));
	f.key_id = req.key_id;
	memcpy(f.serial, req.serial, sizeof(f.serial));
	memcpy(f.nonce, req.nonce, sizeof(f.nonce));
	if (action == PROTOCOL_SET_PASSWORD)
		memcpy(f.account, req.account, sizeof(f.account));
	f.action = action;
	f.issued = T0;
	/* Answered in the request's version, for its store. */
	f.version = req.version;
	f.store = req.store;
	len = reset_file_write(&f, sk, file, RESET_FILE_TEXT_MAX);
	assert_true(len > 0);
	return (size_t)len;
}

static int
redeem_file(struct requests *r, const struct requests_device *dev,
    const uint8_t *pk, const char *file, size_t len,
    const struct requests_clock *now, struct reset_file *out,
    struct nvr_error *err)
{
	memset(err, 0, sizeof(*err));
	return requests_redeem_file(r, dev, pk, file, len, now, out, NULL, err);
}

static void
note_boot_ok(struct requests *r, const struct requests_clock *now)
{
	struct nvr_error err = { "" };
	int rc = requests_note_boot(r, now, &err);

	if (rc != 0)
		print_error("requests_note_boot: %d %s\n", rc, err.message);
	assert_int_equal(rc, 0);
}

static size_t
list_ok(struct requests *r, const struct requests_clock *now,
    struct requests_pending list[REQUESTS_PENDING_MAX])
{
	struct nvr_error err = { "" };
	size_t count = 99;

	memset(list, 0, REQUESTS_PENDING_MAX * sizeof(list[0]));
	assert_int_equal(requests_list(r, now, list, &count, &err), 0);
	assert_true(count <= REQUESTS_PENDING_MAX);
	return count;
}

/* The file's line for request TEXT as requests.c documents it. */
static char *
entry_line(const char *text, const struct requests_device *dev,
    time_t made, bool trusted, const char *boot_id, long long boottime,
    long long boots, bool used)
{
	struct protocol_request req;
	char hex[2 * PROTOCOL_NONCE_BYTES + 1], *line;

	decode_ok(text, dev, &req);
	sodium_bin2hex(hex, sizeof(hex), req.nonce, sizeof(req.nonce));
	assert_true(asprintf(&line, "request %s %u %u system %u - %s %lld %d "
	    "%s %lld %lld %d\n", hex, req.key_id, req.version, req.store,
	    req.account, (long long)made,
	    trusted,
	    boot_id, boottime, boots, used) > 0);
	return line;
}

/* LINE (from entry_line, freed) with what the request has lived through
 * written down: the highest wall clock seen, the uptime of earlier boots,
 * the last boot and its uptime. */
static char *
observed(char *line, long long seen, long long lived, const char *boot,
    long long uptime)
{
	char *out;

	line[strlen(line) - 1] = '\0';
	assert_true(asprintf(&out, "%s %lld %lld %s %lld\n", line, seen, lived,
	    boot, uptime) > 0);
	free(line);
	return out;
}

/* Fails unless the store file holds exactly WANT. */
static void
assert_store(const struct support_fx *fx, const char *want)
{
	char *path = store_path(fx);
	size_t len;
	char *got = support_slurp(path, &len);

	assert_string_equal(got, want);
	assert_int_equal(len, strlen(want));
	free(got);
	free(path);
}

/* ------------------------------------------------------------------ */
/* Making requests                                                     */

static void
test_make_decodes(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev, other;
	struct requests_clock now = clock_at(T0 + 12345, 500, "boot-a");
	struct protocol_request req, req2;
	uint8_t mac[PROTOCOL_MAC_BYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX], text2[PROTOCOL_REQUEST_TEXT_MAX];
	char *line, *want;
	size_t bad = 99;
	struct requests *r;

	device_init(&dev);
	device_with(&other, 0x41, KEY_ID, SERIAL);
	r = open_with(fx, &DEFAULTS);
	assert_false(make_ok(r, &dev, "admin", &now, text));
	/* 12 groups of 5 + check, joined by '-' (protocol.h). */
	assert_int_equal(strlen(text), 83);

	assert_int_equal(protocol_request_decode(text, &req, mac, &bad), 0);
	assert_int_equal(bad, 0);
	assert_string_equal(req.serial, SERIAL);
	assert_string_equal(req.account, "admin");
	assert_int_equal(req.key_id, KEY_ID);
	assert_false(req.demo);
	assert_int_equal(req.day, (unsigned)((T0 + 12345) / 86400));
	assert_int_equal(protocol_request_verify(&req, mac, dev.request_key),
	    0);
	assert_int_equal(protocol_request_verify(&req, mac,
	    other.request_key), -EACCES);
	assert_int_equal(protocol_request_verify(&req, mac, dev.code_key),
	    -EACCES);

	/* A second request has its own nonce. */
	assert_false(make_ok(r, &dev, "admin", &now, text2));
	decode_ok(text2, &dev, &req2);
	assert_memory_not_equal(req.nonce, req2.nonce, sizeof(req.nonce));

	/* The file, exactly as documented. */
	line = entry_line(text, &dev, T0 + 12345, true, "boot-a", 500, 0,
	    false);
	{
		char *line2 = entry_line(text2, &dev, T0 + 12345, true,
		    "boot-a", 500, 0, false);

		assert_true(asprintf(&want, "%sboot boot-a 0\n%s%s", HEADER,
		    line, line2) > 0);
		free(line2);
	}
	assert_store(fx, want);
	free(want);
	free(line);
	requests_close(r);
}

static void
test_make_day_zero_when_implausible(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock now = clock_at(Y2000 + 3600, 40, "boot-a");
	struct requests_clock edge = clock_at(BUILD_DATE, 41, "boot-a");
	struct requests_clock before = clock_at(BUILD_DATE - 1, 42, "boot-a");
	struct protocol_request req;
	char text[PROTOCOL_REQUEST_TEXT_MAX], *want, *l1, *l2, *l3;
	struct requests *r;

	device_init(&dev);
	dev.demo = true;	/* carried in the request's flags */
	r = open_with(fx, &DEFAULTS);
	assert_false(make_ok(r, &dev, "operator_1", &now, text));
	decode_ok(text, &dev, &req);
	assert_int_equal(req.day, 0);
	assert_true(req.demo);
	assert_string_equal(req.account, "operator_1");
	assert_string_equal(req.serial, SERIAL);
	l1 = entry_line(text, &dev, Y2000 + 3600, false, "boot-a", 40, 0,
	    false);

	/* The build date itself is plausible, a second before it not. */
	assert_false(make_ok(r, &dev, "admin", &edge, text));
	decode_ok(text, &dev, &req);
	assert_int_equal(req.day, (unsigned)(BUILD_DATE / 86400));
	l2 = entry_line(text, &dev, BUILD_DATE, true, "boot-a", 41, 0, false);
	assert_false(make_ok(r, &dev, "admin", &before, text));
	decode_ok(text, &dev, &req);
	assert_int_equal(req.day, 0);
	l3 = entry_line(text, &dev, BUILD_DATE - 1, false, "boot-a", 42, 0,
	    false);

	assert_true(asprintf(&want, "%sboot boot-a 0\n%s%s%s", HEADER, l1, l2,
	    l3) > 0);
	assert_store(fx, want);
	free(want);
	free(l1);
	free(l2);
	free(l3);
	requests_close(r);
}

static void
test_make_refuses_bad_names(void **state)
{
	static const char *const bad[] = {
		"", "ad min", "adm.in", "admin\n", "r\xc3\xa9seau", "a@b",
		"0123456789012345678901234567890x",	/* 32 */
	};
	static const char *const msg = "the account name or the serial "
	    "number has characters a request cannot carry (letters, digits, "
	    "'-' and '_' only, at most 31)";
	struct support_fx *fx = *state;
	struct requests_device dev, bad_serial;
	struct requests_clock now = clock_at(T0, 10, "boot-a");
	char text[PROTOCOL_REQUEST_TEXT_MAX];
	struct stat st;
	char *dir = state_dir(fx);
	struct requests *r;

	device_init(&dev);
	r = open_with(fx, &DEFAULTS);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nvr_error err = { "" };
		bool dropped = true;

		assert_int_equal(requests_make(r, &dev, support_key(bad[i]),
		    &now, text,
		    sizeof(text), &dropped, &err), -EINVAL);
		assert_string_equal(err.message, msg);
		assert_false(dropped);
	}
	/* A serial that cannot travel either. */
	bad_serial = dev;
	memcpy(bad_serial.serial, "SN 1", 5);
	{
		struct nvr_error err = { "" };
		bool dropped = true;

		assert_int_equal(requests_make(r, &bad_serial,
		    support_key("admin"), &now,
		    text, sizeof(text), &dropped, &err), -EINVAL);
		assert_string_equal(err.message, msg);
	}
	/* Nothing was touched, not even the state folder. */
	assert_int_equal(stat(dir, &st), -1);
	assert_int_equal(errno, ENOENT);

	/* 31 characters, every kind the alphabet has, are fine. */
	assert_false(make_ok(r, &dev, "Az09-_bcdefghijklmnopqrstuvwxyz", &now,
	    text));
	{
		struct protocol_request req;

		decode_ok(text, &dev, &req);
		assert_string_equal(req.account,
		    "Az09-_bcdefghijklmnopqrstuvwxyz");
	}
	free(dir);
	requests_close(r);
}

static void
test_store_modes(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock now = clock_at(T0, 10, "boot-a");
	char text[PROTOCOL_REQUEST_TEXT_MAX], *dir = state_dir(fx);
	char *path = store_path(fx);
	struct requests *r;
	struct stat st;
	mode_t old = umask(0);

	device_init(&dev);
	r = open_with(fx, &DEFAULTS);
	/* Opening touches no file. */
	assert_int_equal(stat(dir, &st), -1);
	make_ok(r, &dev, "admin", &now, text);
	umask(old);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, geteuid());
	/* Still so after a rewrite. */
	make_ok(r, &dev, "admin", &now, text);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	free(dir);
	free(path);
	requests_close(r);
}

/* ------------------------------------------------------------------ */
/* Redeeming codes                                                     */

static void
test_redeem_once(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock now = clock_at(T0, 100, "boot-a");
	struct requests_clock later = clock_at(T0 + 3600, 3700, "boot-a");
	char text[PROTOCOL_REQUEST_TEXT_MAX], code[PROTOCOL_CODE_TEXT_MAX];
	char reset[PROTOCOL_CODE_TEXT_MAX], *line, *want;
	struct requests_pending list[REQUESTS_PENDING_MAX];
	struct nvr_error err;
	struct requests *r;

	device_init(&dev);
	r = open_with(fx, &DEFAULTS);
	make_ok(r, &dev, "admin", &now, text);
	code_for(text, &dev, PROTOCOL_SET_PASSWORD, code);
	code_for(text, &dev, PROTOCOL_FACTORY_RESET, reset);
	assert_int_equal(strlen(code), 29);	/* 5 groups of 4 + check */
	assert_int_equal(list_ok(r, &later, list), 1);

	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_SET_PASSWORD,
	    code, &later, &err), 0);

	/* Marked used in the file before success was returned; an hour
	 * on, the clocks it has seen are written down too. */
	line = observed(entry_line(text, &dev, T0, true, "boot-a", 100, 0,
	    true), T0 + 3600, 0, "boot-a", 3700);
	assert_true(asprintf(&want, "%sboot boot-a 0\n%s", HEADER, line) > 0);
	assert_store(fx, want);
	assert_int_equal(list_ok(r, &later, list), 0);

	/* Once only. */
	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_SET_PASSWORD,
	    code, &later, &err), -EACCES);
	assert_string_equal(err.message, "that code was used already");
	/* Also for a fresh handle on the same folder. */
	requests_close(r);
	r = open_with(fx, &DEFAULTS);
	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_SET_PASSWORD,
	    code, &later, &err), -EACCES);
	assert_string_equal(err.message, "that code was used already");
	/* The request is used, whatever action its code was for. */
	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_FACTORY_RESET,
	    reset, &later, &err), -EACCES);
	assert_string_equal(err.message, "that code was used already");
	/* A code that is no code of it: nothing waits for one. */
	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_SET_PASSWORD,
	    reset, &later, &err), -ENOENT);
	assert_string_equal(err.message, "no request for admin is waiting "
	    "for a code (it was answered, or it expired)");
	/* Refusals do not rewrite the file. */
	assert_store(fx, want);
	free(want);
	free(line);
	requests_close(r);
}

/* Two stores with an admin each: a request names its store (version 2,
 * the store's index), so the code support makes for the web store's
 * admin answers that request only, and a code made as if for the same
 * request in another store, or in version 1, answers nothing; nor does
 * the request of the system store's admin take the web admin's code. */
static void
test_redeem_per_store(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock now = clock_at(T0, 100, "boot-a");
	const struct account_key *web = support_key_in("web", 1, "admin",
	    1000);
	char text[PROTOCOL_REQUEST_TEXT_MAX];
	char sys_text[PROTOCOL_REQUEST_TEXT_MAX];
	char code[PROTOCOL_CODE_TEXT_MAX], other[PROTOCOL_CODE_TEXT_MAX];
	struct protocol_request req;
	struct nvr_error err = { "" };
	struct requests *r;
	bool dropped;

	device_init(&dev);
	r = open_with(fx, &DEFAULTS);
	assert_int_equal(requests_make(r, &dev, web, &now, text, sizeof(text),
	    &dropped, &err), 0);
	make_ok(r, &dev, "admin", &now, sys_text);
	decode_ok(text, &dev, &req);
	assert_int_equal(req.version, 2);
	assert_int_equal(req.store, 1);
	code_for(text, &dev, PROTOCOL_SET_PASSWORD, code);

	/* The same request, as if for store 0, and in version 1. */
	req.store = 0;
	assert_true(protocol_code_make(&req, PROTOCOL_SET_PASSWORD,
	    dev.code_key, other, sizeof(other)) > 0);
	assert_int_equal(requests_redeem(r, &dev, web, PROTOCOL_SET_PASSWORD,
	    other, &now, &err), -EACCES);
	req.version = 1;
	assert_true(protocol_code_make(&req, PROTOCOL_SET_PASSWORD,
	    dev.code_key, other, sizeof(other)) > 0);
	assert_int_equal(requests_redeem(r, &dev, web, PROTOCOL_SET_PASSWORD,
	    other, &now, &err), -EACCES);
	/* The system admin's request is not the web admin's. */
	assert_redeem(r, &dev, "admin", code, &now, -EACCES);
	assert_int_equal(requests_redeem(r, &dev, web, PROTOCOL_SET_PASSWORD,
	    code, &now, &err), 0);
	requests_close(r);
}

static void
test_redeem_factory_reset(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock now = clock_at(T0, 100, "boot-a");
	char text[PROTOCOL_REQUEST_TEXT_MAX], code[PROTOCOL_CODE_TEXT_MAX];
	char lower[PROTOCOL_CODE_TEXT_MAX];
	struct nvr_error err;
	struct requests *r;
	size_t j = 0;

	device_init(&dev);
	r = open_with(fx, &DEFAULTS);
	make_ok(r, &dev, "admin", &now, text);
	code_for(text, &dev, PROTOCOL_FACTORY_RESET, code);
	/* As a password code: wrong. */
	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_SET_PASSWORD,
	    code, &now, &err), -EACCES);
	assert_string_equal(err.message, "not a code for any request of "
	    "admin");
	/* Typed in lower case, without hyphens, with spaces: fine. */
	for (size_t i = 0; code[i] != '\0'; i++) {
		if (code[i] == '-')
			lower[j++] = ' ';
		else
			lower[j++] = (char)(code[i] >= 'A' && code[i] <= 'Z' ?
			    code[i] - 'A' + 'a' : code[i]);
	}
	lower[j] = '\0';
	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_FACTORY_RESET,
	    lower, &now, &err), 0);
	requests_close(r);
}

static void
test_redeem_wrong_codes(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev, other_master, other_serial, other_id;
	struct requests_clock now = clock_at(T0, 100, "boot-a");
	char admin[PROTOCOL_REQUEST_TEXT_MAX], oper[PROTOCOL_REQUEST_TEXT_MAX];
	char code[PROTOCOL_CODE_TEXT_MAX], *path = store_path(fx);
	char *before, *after;
	size_t before_len, after_len;
	struct protocol_request req;
	struct nvr_error err;
	struct requests *r;

	device_init(&dev);
	device_with(&other_master, 0x99, KEY_ID, SERIAL);
	device_with(&other_serial, 0x40, KEY_ID, "SN0012345679");
	device_with(&other_id, 0x40, KEY_ID + 1, SERIAL);
	r = open_with(fx, &DEFAULTS);
	make_ok(r, &dev, "admin", &now, admin);
	make_ok(r, &dev, "operator", &now, oper);
	before = support_slurp(path, &before_len);

	/* Another account's code. */
	code_for(oper, &dev, PROTOCOL_SET_PASSWORD, code);
	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_SET_PASSWORD,
	    code, &now, &err), -EACCES);
	assert_string_equal(err.message, "not a code for any request of "
	    "admin");
	/* Another action. */
	code_for(admin, &dev, PROTOCOL_FACTORY_RESET, code);
	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_SET_PASSWORD,
	    code, &now, &err), -EACCES);
	assert_string_equal(err.message, "not a code for any request of "
	    "admin");
	/* Another device's key: another master, serial or key set. */
	decode_ok(admin, &dev, &req);
	assert_true(protocol_code_make(&req, PROTOCOL_SET_PASSWORD,
	    other_master.code_key, code, sizeof(code)) > 0);
	assert_redeem(r, &dev, "admin", code, &now, -EACCES);
	assert_true(protocol_code_make(&req, PROTOCOL_SET_PASSWORD,
	    other_serial.code_key, code, sizeof(code)) > 0);
	assert_redeem(r, &dev, "admin", code, &now, -EACCES);
	assert_true(protocol_code_make(&req, PROTOCOL_SET_PASSWORD,
	    other_id.code_key, code, sizeof(code)) > 0);
	assert_redeem(r, &dev, "admin", code, &now, -EACCES);
	/* The request key is no code key. */
	assert_true(protocol_code_make(&req, PROTOCOL_SET_PASSWORD,
	    dev.request_key, code, sizeof(code)) > 0);
	assert_redeem(r, &dev, "admin", code, &now, -EACCES);
	/* The right key over another serial in the MAC. */
	memcpy(req.serial, "SN0012345679", 13);
	assert_true(protocol_code_make(&req, PROTOCOL_SET_PASSWORD,
	    dev.code_key, code, sizeof(code)) > 0);
	assert_redeem(r, &dev, "admin", code, &now, -EACCES);

	/* None of it was a use, nor changed the file. */
	after = support_slurp(path, &after_len);
	assert_int_equal(after_len, before_len);
	assert_memory_equal(after, before, before_len);
	free(after);

	/* The right codes still work, each for its own account. */
	code_for(admin, &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "operator", code, &now, -EACCES);
	assert_redeem(r, &dev, "admin", code, &now, 0);
	code_for(oper, &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "operator", code, &now, 0);
	free(before);
	free(path);
	requests_close(r);
}

/* CODE with the first data symbol of group GROUP (1-based) changed. */
static void
typo_in(const char *code, size_t group, char *out)
{
	size_t at = (group - 1) * 6;

	strcpy(out, code);
	out[at] = out[at] == 'A' ? 'B' : 'A';
}

static void
test_redeem_typo(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock now = clock_at(T0, 100, "boot-a");
	char text[PROTOCOL_REQUEST_TEXT_MAX], code[PROTOCOL_CODE_TEXT_MAX];
	char typo[PROTOCOL_CODE_TEXT_MAX], want[32], longer[64];
	struct nvr_error err;
	struct requests *r;

	device_init(&dev);
	r = open_with(fx, &DEFAULTS);
	make_ok(r, &dev, "admin", &now, text);
	code_for(text, &dev, PROTOCOL_SET_PASSWORD, code);
	for (size_t g = 1; g <= 5; g++) {
		typo_in(code, g, typo);
		assert_int_equal(redeem(r, &dev, "admin",
		    PROTOCOL_SET_PASSWORD, typo, &now, &err), -EINVAL);
		snprintf(want, sizeof(want), "group %zu has a typo", g);
		assert_string_equal(err.message, want);
	}
	/* The check symbol itself mistyped. */
	strcpy(typo, code);
	typo[10] = typo[10] == 'A' ? 'B' : 'A';
	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_SET_PASSWORD,
	    typo, &now, &err), -EINVAL);
	assert_string_equal(err.message, "group 2 has a typo");
	/* A letter outside the alphabet. */
	strcpy(typo, code);
	typo[19] = 'U';
	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_SET_PASSWORD,
	    typo, &now, &err), -EINVAL);
	assert_string_equal(err.message, "group 4 has a typo");
	/* Cut short, or too long: no group to name. */
	strcpy(typo, code);
	typo[23] = '\0';
	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_SET_PASSWORD,
	    typo, &now, &err), -EINVAL);
	assert_string_equal(err.message, "a reset code has 5 groups of 5 "
	    "letters and digits");
	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_SET_PASSWORD, "",
	    &now, &err), -EINVAL);
	assert_string_equal(err.message, "a reset code has 5 groups of 5 "
	    "letters and digits");
	/* A group more (the first typed again): told as such. */
	snprintf(longer, sizeof(longer), "%s-%.5s", code, code);
	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_SET_PASSWORD,
	    longer, &now, &err), -EINVAL);
	assert_string_equal(err.message, "one group too many: a reset code "
	    "has 5 groups, and group 6 is one more");
	/* Two more: a wrong length. */
	snprintf(longer, sizeof(longer), "%s-%.5s-%.5s", code, code, code);
	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_SET_PASSWORD,
	    longer, &now, &err), -EINVAL);
	assert_string_equal(err.message, "a reset code has 5 groups of 5 "
	    "letters and digits");

	/* Typos are no tries: the request is still there. */
	assert_redeem(r, &dev, "admin", code, &now, 0);
	requests_close(r);
}

static void
test_redeem_no_request(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev, other_id;
	struct requests_clock now = clock_at(T0, 100, "boot-a");
	char text[PROTOCOL_REQUEST_TEXT_MAX], code[PROTOCOL_CODE_TEXT_MAX];
	char typo[PROTOCOL_CODE_TEXT_MAX], *path = store_path(fx);
	struct nvr_error err;
	struct requests *r;

	device_init(&dev);
	device_with(&other_id, 0x40, KEY_ID + 1, SERIAL);
	r = open_with(fx, &DEFAULTS);
	/* No file at all; none is made by asking. */
	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_SET_PASSWORD,
	    "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA", &now, &err), -ENOENT);
	assert_string_equal(err.message, "no request for admin is waiting "
	    "for a code (it was answered, or it expired)");
	assert_int_equal(access(path, F_OK), -1);

	/* A request for another account only. */
	make_ok(r, &dev, "operator", &now, text);
	code_for(text, &dev, PROTOCOL_SET_PASSWORD, code);
	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_SET_PASSWORD,
	    code, &now, &err), -ENOENT);
	assert_string_equal(err.message, "no request for admin is waiting "
	    "for a code (it was answered, or it expired)");
	/* Without a request a typo is not looked at. */
	typo_in(code, 2, typo);
	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_SET_PASSWORD,
	    typo, &now, &err), -ENOENT);
	/* Requests of another key set (the device was re-provisioned). */
	assert_int_equal(redeem(r, &other_id, "operator",
	    PROTOCOL_SET_PASSWORD, code, &now, &err), -ENOENT);
	assert_redeem(r, &dev, "operator", code, &now, 0);
	free(path);
	requests_close(r);
}

/* ------------------------------------------------------------------ */
/* Redeeming reset files                                               */

static void
test_redeem_file_once(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock now = clock_at(T0, 100, "boot-a");
	struct requests_clock later = clock_at(T0 + 3600, 3700, "boot-a");
	uint8_t pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t sk[crypto_sign_SECRETKEYBYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX], file[RESET_FILE_TEXT_MAX];
	char code[PROTOCOL_CODE_TEXT_MAX], *line, *want;
	struct requests_pending list[REQUESTS_PENDING_MAX];
	struct protocol_request req;
	struct reset_file out;
	struct nvr_error err;
	struct requests *r;
	size_t len;

	device_init(&dev);
	vendor_keys(pk, sk);
	r = open_with(fx, &DEFAULTS);
	make_ok(r, &dev, "admin", &now, text);
	decode_ok(text, &dev, &req);
	len = file_for(text, &dev, PROTOCOL_SET_PASSWORD, sk, file);
	assert_int_equal(list_ok(r, &later, list), 1);

	assert_int_equal(redeem_file(r, &dev, pk, file, len, &later, &out,
	    &err), 0);
	/* What to do, for whom. */
	assert_int_equal(out.action, PROTOCOL_SET_PASSWORD);
	assert_string_equal(out.account, "admin");
	assert_string_equal(out.serial, SERIAL);
	assert_int_equal(out.key_id, KEY_ID);
	assert_memory_equal(out.nonce, req.nonce, sizeof(out.nonce));
	assert_int_equal((long long)out.issued, (long long)T0);

	/* Marked used in the file before success was returned. */
	line = observed(entry_line(text, &dev, T0, true, "boot-a", 100, 0,
	    true), T0 + 3600, 0, "boot-a", 3700);
	assert_true(asprintf(&want, "%sboot boot-a 0\n%s", HEADER,
	    line) > 0);
	assert_store(fx, want);
	assert_int_equal(list_ok(r, &later, list), 0);

	/* Once only, also for a fresh handle on the same folder. */
	assert_int_equal(redeem_file(r, &dev, pk, file, len, &later, &out,
	    &err), -EACCES);
	assert_string_equal(err.message, "that reset file was used already "
	    "(or its request was answered with a code)");
	requests_close(r);
	r = open_with(fx, &DEFAULTS);
	memset(&out, 0x5a, sizeof(out));
	assert_int_equal(redeem_file(r, &dev, pk, file, len, &later, &out,
	    &err), -EACCES);
	assert_string_equal(err.message, "that reset file was used already "
	    "(or its request was answered with a code)");
	assert_int_equal(out.action, 0);
	assert_string_equal(out.account, "");
	/* The request's code is no use any more either. */
	code_for(text, &dev, PROTOCOL_SET_PASSWORD, code);
	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_SET_PASSWORD,
	    code, &later, &err), -EACCES);
	assert_string_equal(err.message, "that code was used already");
	/* Refusals do not rewrite the file. */
	assert_store(fx, want);
	free(want);
	free(line);
	requests_close(r);
}

/* A code and a file answering the same request: whichever comes first
 * wins, in both orders, and the other is refused as used. */
static void
test_redeem_code_and_file_first_wins(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock now = clock_at(T0, 100, "boot-a");
	uint8_t pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t sk[crypto_sign_SECRETKEYBYTES];
	char a[PROTOCOL_REQUEST_TEXT_MAX], b[PROTOCOL_REQUEST_TEXT_MAX];
	char file[RESET_FILE_TEXT_MAX], code[PROTOCOL_CODE_TEXT_MAX];
	struct reset_file out;
	struct nvr_error err;
	struct requests *r;
	size_t len;

	device_init(&dev);
	vendor_keys(pk, sk);
	r = open_with(fx, &DEFAULTS);
	make_ok(r, &dev, "admin", &now, a);
	make_ok(r, &dev, "admin", &now, b);

	/* Request A: the code first. */
	code_for(a, &dev, PROTOCOL_SET_PASSWORD, code);
	len = file_for(a, &dev, PROTOCOL_SET_PASSWORD, sk, file);
	assert_redeem(r, &dev, "admin", code, &now, 0);
	assert_int_equal(redeem_file(r, &dev, pk, file, len, &now, &out,
	    &err), -EACCES);
	assert_string_equal(err.message, "that reset file was used already "
	    "(or its request was answered with a code)");

	/* Request B: the file first (a factory reset). */
	code_for(b, &dev, PROTOCOL_SET_PASSWORD, code);
	len = file_for(b, &dev, PROTOCOL_FACTORY_RESET, sk, file);
	assert_int_equal(redeem_file(r, &dev, pk, file, len, &now, &out,
	    &err), 0);
	assert_int_equal(out.action, PROTOCOL_FACTORY_RESET);
	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_SET_PASSWORD,
	    code, &now, &err), -EACCES);
	assert_string_equal(err.message, "that code was used already");

	/* Another action does not make a used request new. */
	len = file_for(a, &dev, PROTOCOL_FACTORY_RESET, sk, file);
	assert_int_equal(redeem_file(r, &dev, pk, file, len, &now, &out,
	    &err), -EACCES);
	assert_string_equal(err.message, "that reset file was used already "
	    "(or its request was answered with a code)");
	{
		char text[PROTOCOL_REQUEST_TEXT_MAX];
		struct requests *elsewhere;
		char *dir = support_in_dir(fx, "elsewhere");

		/* A request this store never had (made in another state
		 * folder), with nothing pending here: -ENOENT. */
		assert_int_equal(requests_open(&elsewhere, dir, &DEFAULTS,
		    &err), 0);
		make_ok(elsewhere, &dev, "admin", &now, text);
		len = file_for(text, &dev, PROTOCOL_SET_PASSWORD, sk, file);
		assert_int_equal(redeem_file(r, &dev, pk, file, len, &now,
		    &out, &err), -ENOENT);
		assert_string_equal(err.message, "no request is waiting for "
		    "an answer (it was answered, or it expired)");
		requests_close(elsewhere);
		free(dir);
	}
	requests_close(r);
}

/* ------------------------------------------------------------------ */
/* How long a request stays good                                       */

/* (a) A plausible clock at creation and now: the wall clock rules. */
static void
test_clock_trusted(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock made = clock_at(T0, 1000, "boot-a");
	struct requests_clock edge = clock_at(T0 + LIFETIME, 1000 + LIFETIME,
	    "boot-a");
	struct requests_clock past = clock_at(T0 + LIFETIME + 1,
	    1000 + LIFETIME + 1, "boot-a");
	/* Same boot, little time since boot, but the wall clock jumped past
	 * the lifetime: fail closed. */
	struct requests_clock jump = clock_at(T0 + LIFETIME + 60, 1060,
	    "boot-a");
	char a[PROTOCOL_REQUEST_TEXT_MAX], b[PROTOCOL_REQUEST_TEXT_MAX];
	char c[PROTOCOL_REQUEST_TEXT_MAX], code[PROTOCOL_CODE_TEXT_MAX];
	struct requests_pending list[REQUESTS_PENDING_MAX];
	struct nvr_error err;
	struct requests *r;

	device_init(&dev);
	r = open_with(fx, &DEFAULTS);
	make_ok(r, &dev, "alice", &made, a);
	make_ok(r, &dev, "bob", &made, b);
	make_ok(r, &dev, "carol", &made, c);
	assert_int_equal(list_ok(r, &edge, list), 3);
	assert_true(list[0].clock_trusted);
	assert_int_equal(list[0].made, T0);

	code_for(a, &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "alice", code, &edge, 0);

	code_for(b, &dev, PROTOCOL_SET_PASSWORD, code);
	assert_int_equal(redeem(r, &dev, "bob", PROTOCOL_SET_PASSWORD, code,
	    &past, &err), -ENOENT);
	assert_string_equal(err.message, "no request for bob is waiting for "
	    "a code (it was answered, or it expired)");
	assert_int_equal(list_ok(r, &past, list), 0);

	code_for(c, &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "carol", code, &jump, -ENOENT);
	/* Ended for good: the clock put right does not revive it. */
	assert_redeem(r, &dev, "carol", code, &edge, -ENOENT);
	requests_close(r);
}

/* How long a pending request has left, as the Support screen says it:
 * the lifetime less the age the clocks vouch for (the wall clock while
 * trusted, the time since boot always, whichever is more). */
static void
test_current_seconds_left(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock made = clock_at(T0, 1000, "boot-a");
	struct requests_clock day = clock_at(T0 + DAY, 1000 + DAY, "boot-a");
	/* The wall clock ran ahead of the time since boot. */
	struct requests_clock ahead = clock_at(T0 + 3 * DAY, 1000 + DAY,
	    "boot-a");
	/* An untrusted one (2000-01-01): the time since boot alone. */
	struct requests_clock dead = clock_at(Y2000 + 60, 60, "boot-b");
	struct requests_clock dead_later = clock_at(Y2000 + 60, 60 + 2 * DAY,
	    "boot-b");
	char a[PROTOCOL_REQUEST_TEXT_MAX], text[PROTOCOL_REQUEST_TEXT_MAX];
	char compact[PROTOCOL_REQUEST_TEXT_MAX];
	struct nvr_error err;
	struct requests *r;
	long left = -1;

	device_init(&dev);
	r = open_with(fx, &DEFAULTS);
	make_ok(r, &dev, "alice", &made, a);
	assert_int_equal(requests_current(r, &dev, support_key("alice"), &made,
	    text,
	    sizeof(text), compact, sizeof(compact), &left, &err), 0);
	assert_string_equal(text, a);
	assert_int_equal(left, LIFETIME);
	assert_int_equal(requests_current(r, &dev, support_key("alice"), &day,
	    text,
	    sizeof(text), compact, sizeof(compact), &left, &err), 0);
	assert_int_equal(left, LIFETIME - DAY);
	assert_int_equal(requests_current(r, &dev, support_key("alice"),
	    &ahead, text,
	    sizeof(text), compact, sizeof(compact), &left, &err), 0);
	assert_int_equal(left, LIFETIME - 3 * DAY);
	requests_close(r);

	r = open_with(fx, &DEFAULTS);
	make_ok(r, &dev, "bob", &dead, a);
	assert_int_equal(requests_current(r, &dev, support_key("bob"),
	    &dead_later, text,
	    sizeof(text), compact, sizeof(compact), &left, &err), 0);
	assert_int_equal(left, LIFETIME - 2 * DAY);
	/* NULL: not asked. */
	assert_int_equal(requests_current(r, &dev, support_key("bob"),
	    &dead_later, text,
	    sizeof(text), compact, sizeof(compact), NULL, &err), 0);
	requests_close(r);
}

/* (b) Made with a dead RTC (2000-01-01), the clock corrected by NTP later
 * in the same boot: the time since boot rules. */
static void
test_clock_corrected_same_boot(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock made = clock_at(Y2000 + 50, 50, "boot-a");
	struct requests_clock edge = clock_at(T0, 50 + LIFETIME, "boot-a");
	struct requests_clock past = clock_at(T0, 51 + LIFETIME, "boot-a");
	/* Years later by the corrected wall clock, minutes by boottime. */
	struct requests_clock soon = clock_at(T0 + 400 * DAY, 650, "boot-a");
	char a[PROTOCOL_REQUEST_TEXT_MAX], b[PROTOCOL_REQUEST_TEXT_MAX];
	char c[PROTOCOL_REQUEST_TEXT_MAX], code[PROTOCOL_CODE_TEXT_MAX];
	struct requests_pending list[REQUESTS_PENDING_MAX];
	struct protocol_request req;
	struct requests *r;

	device_init(&dev);
	r = open_with(fx, &DEFAULTS);
	make_ok(r, &dev, "alice", &made, a);
	make_ok(r, &dev, "bob", &made, b);
	make_ok(r, &dev, "carol", &made, c);
	decode_ok(a, &dev, &req);
	assert_int_equal(req.day, 0);
	assert_int_equal(list_ok(r, &soon, list), 3);
	assert_false(list[0].clock_trusted);
	assert_int_equal(list[0].made, Y2000 + 50);

	code_for(c, &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "carol", code, &soon, 0);
	code_for(a, &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "alice", code, &edge, 0);
	code_for(b, &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "bob", code, &past, -ENOENT);
	requests_close(r);
}

/* (c) A plausible clock at creation, then set back before the request
 * was made: the time since boot rules in that boot. */
static void
test_clock_set_back(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock made = clock_at(T0, 1000, "boot-a");
	/* Set back an hour (still plausible), or to 2000. */
	struct requests_clock back = clock_at(T0 - 3600, 1000 + LIFETIME,
	    "boot-a");
	struct requests_clock back_past = clock_at(T0 - 3600,
	    1001 + LIFETIME, "boot-a");
	struct requests_clock y2k = clock_at(Y2000, 1000 + LIFETIME,
	    "boot-a");
	struct requests_clock y2k_past = clock_at(Y2000, 1001 + LIFETIME,
	    "boot-a");
	char text[4][PROTOCOL_REQUEST_TEXT_MAX], code[PROTOCOL_CODE_TEXT_MAX];
	struct requests_pending list[REQUESTS_PENDING_MAX];
	struct requests *r;

	device_init(&dev);
	r = open_with(fx, &DEFAULTS);
	make_ok(r, &dev, "alice", &made, text[0]);
	make_ok(r, &dev, "bob", &made, text[1]);
	make_ok(r, &dev, "carol", &made, text[2]);
	assert_int_equal(list_ok(r, &back, list), 3);
	assert_false(list[0].clock_trusted);	/* rule 1 no longer applies */
	assert_int_equal(list_ok(r, &back_past, list), 0);

	code_for(text[0], &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "alice", code, &back, 0);
	code_for(text[1], &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "bob", code, &y2k, 0);
	code_for(text[2], &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "carol", code, &y2k_past, -ENOENT);
	/* Ended for good, whatever the clock says next. */
	assert_redeem(r, &dev, "carol", code, &back, -ENOENT);
	assert_redeem(r, &dev, "carol", code, &made, -ENOENT);
	requests_close(r);
}

/* (d) After reboots without a trusted clock: the boot count rules. */
static void
test_clock_reboots(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock made = clock_at(Y2000 + 30, 30, "boot-a");
	struct requests_clock now;
	char a[PROTOCOL_REQUEST_TEXT_MAX], b[PROTOCOL_REQUEST_TEXT_MAX];
	char code_a[PROTOCOL_CODE_TEXT_MAX], code_b[PROTOCOL_CODE_TEXT_MAX];
	char boot[16], *want, *line;
	struct requests_pending list[REQUESTS_PENDING_MAX];
	struct requests *r;

	device_init(&dev);
	r = open_with(fx, &DEFAULTS);
	make_ok(r, &dev, "alice", &made, a);
	make_ok(r, &dev, "bob", &made, b);
	code_for(a, &dev, PROTOCOL_SET_PASSWORD, code_a);
	code_for(b, &dev, PROTOCOL_SET_PASSWORD, code_b);
	for (int i = 1; i <= 20; i++) {
		snprintf(boot, sizeof(boot), "boot-%d", i);
		/* Each boot's RTC says 2000 again, a few seconds in. */
		now = clock_at(Y2000 + 20, 20, boot);
		note_boot_ok(r, &now);
		note_boot_ok(r, &now);	/* the same boot counts once */
	}
	assert_int_equal(list_ok(r, &now, list), 2);
	/* The uptime of boots 1 to 19 (20 s each) is written down: a lower
	 * bound on the requests' age. */
	line = observed(entry_line(b, &dev, Y2000 + 30, false, "boot-a", 30,
	    0, false), Y2000 + 30, 19 * 20, "boot-20", 20);
	{
		char *line_a = observed(entry_line(a, &dev, Y2000 + 30, false,
		    "boot-a", 30, 0, false), Y2000 + 30, 19 * 20, "boot-20",
		    20);

		assert_true(asprintf(&want, "%sboot boot-20 20\n%s%s", HEADER,
		    line_a, line) > 0);
		free(line_a);
	}
	assert_store(fx, want);
	free(want);
	/* Within the lifetime of this boot, 20 boots on: still good. */
	now.boottime = 20;
	assert_redeem(r, &dev, "alice", code_a, &now, 0);

	now = clock_at(Y2000 + 20, 20, "boot-21");
	note_boot_ok(r, &now);
	assert_int_equal(list_ok(r, &now, list), 0);
	assert_redeem(r, &dev, "bob", code_b, &now, -ENOENT);
	free(line);
	requests_close(r);
}

/* A state file another user could have edited (to revive a used code,
 * say) is not trusted: neither one others may write, nor one in a
 * folder others may write in. */
static void
test_untrusted_store_refused(void **state)
{
	struct support_fx *fx = *state;
	struct requests *r = open_with(fx, &DEFAULTS);
	struct requests_device dev;
	struct requests_clock now = clock_at(T0, 100, "boot-a");
	char text[PROTOCOL_REQUEST_TEXT_MAX], code[PROTOCOL_CODE_TEXT_MAX];
	char *dir = state_dir(fx), *path = store_path(fx);
	struct nvr_error err = { "" };

	device_init(&dev);
	make_ok(r, &dev, "admin", &now, text);
	code_for(text, &dev, PROTOCOL_SET_PASSWORD, code);
	assert_int_equal(chmod(path, 0660), 0);
	assert_int_equal(requests_redeem(r, &dev, support_key("admin"),
	    PROTOCOL_SET_PASSWORD, code, &now, &err), -EPERM);
	assert_non_null(strstr(err.message, "refusing to trust it"));
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(requests_redeem(r, &dev, support_key("admin"),
	    PROTOCOL_SET_PASSWORD, code, &now, &err), -EPERM);
	assert_non_null(strstr(err.message, "another user could change"));
	assert_int_equal(chmod(dir, 0700), 0);
	assert_redeem(r, &dev, "admin", code, &now, 0);
	free(dir);
	free(path);
	requests_close(r);
}

/* After a reboot the time since this boot bounds the request's age from
 * below: a box that runs on for longer than the lifetime, with a dead
 * RTC and no reboot, does not keep a request alive. Within one boot, a
 * clock set back does not either. */
static void
test_clock_uptime_bounds_age(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock made = clock_at(Y2000 + 30, 30, "boot-a");
	struct requests_clock later = clock_at(Y2000 + 30, 6 * DAY, "boot-b");
	struct requests_clock long_up = clock_at(Y2000 + 30, LIFETIME + 1,
	    "boot-b");
	struct requests_clock made2 = clock_at(T0, 100, "boot-c");
	struct requests_clock set_back = clock_at(T0 + 10, 100 + LIFETIME + 1,
	    "boot-c");
	char a[PROTOCOL_REQUEST_TEXT_MAX], b[PROTOCOL_REQUEST_TEXT_MAX];
	char code[PROTOCOL_CODE_TEXT_MAX];
	struct requests *r;

	device_init(&dev);
	r = open_with(fx, &DEFAULTS);
	make_ok(r, &dev, "alice", &made, a);
	make_ok(r, &dev, "bob", &made, b);
	code_for(a, &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "alice", code, &later, 0);
	code_for(b, &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "bob", code, &long_up, -ENOENT);

	/* A trusted request, then the clock pulled back to just after it
	 * was made while the box ran on past the lifetime. */
	make_ok(r, &dev, "carol", &made2, a);
	code_for(a, &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "carol", code, &set_back, -ENOENT);
	requests_close(r);
}

/* The lifetime and boot limit come from the settings; reboots are
 * counted by redeem and list too, not only by requests_note_boot, and
 * list writes nothing. */
static void
test_clock_settings(void **state)
{
	static const struct requests_settings short_ = { 3600, 2 };
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock made = clock_at(Y2000, 30, "boot-a");
	struct requests_clock edge = clock_at(Y2000, 30 + 3600, "boot-a");
	struct requests_clock past = clock_at(Y2000, 31 + 3600, "boot-a");
	struct requests_clock b1 = clock_at(Y2000, 60, "boot-b");
	struct requests_clock b2 = clock_at(Y2000, 60, "boot-c");
	struct requests_clock b3 = clock_at(Y2000, 60, "boot-d");
	char text[3][PROTOCOL_REQUEST_TEXT_MAX], code[PROTOCOL_CODE_TEXT_MAX];
	char *lines[3], *want;
	struct requests_pending list[REQUESTS_PENDING_MAX];
	struct requests *r;

	device_init(&dev);
	r = open_with(fx, &short_);
	make_ok(r, &dev, "alice", &made, text[0]);
	make_ok(r, &dev, "bob", &made, text[1]);
	make_ok(r, &dev, "carol", &made, text[2]);
	for (int i = 0; i < 3; i++)
		lines[i] = entry_line(text[i], &dev, Y2000, false, "boot-a",
		    30, 0, false);
	assert_int_equal(list_ok(r, &edge, list), 3);
	assert_int_equal(list_ok(r, &past, list), 0);
	assert_int_equal(list_ok(r, &b1, list), 3);
	assert_int_equal(list_ok(r, &b2, list), 3);
	assert_int_equal(list_ok(r, &b3, list), 3);	/* list counts 1 */
	assert_true(asprintf(&want, "%sboot boot-a 0\n%s%s%s", HEADER,
	    lines[0], lines[1], lines[2]) > 0);
	assert_store(fx, want);
	free(want);

	code_for(text[0], &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "alice", code, &b1, 0);
	free(lines[0]);
	lines[0] = entry_line(text[0], &dev, Y2000, false, "boot-a", 30, 0,
	    true);
	for (int i = 0; i < 3; i++)
		lines[i] = observed(lines[i], Y2000, 0, "boot-b", 60);
	assert_true(asprintf(&want, "%sboot boot-b 1\n%s%s%s", HEADER,
	    lines[0], lines[1], lines[2]) > 0);
	assert_store(fx, want);
	free(want);
	code_for(text[1], &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "bob", code, &b2, 0);
	code_for(text[2], &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "carol", code, &b3, -ENOENT);
	for (int i = 0; i < 3; i++)
		free(lines[i]);
	requests_close(r);
}

/* A trusted request after reboots: a dead RTC falls back to the boot
 * count; a clock past the lifetime ends it (fail closed), for good: a
 * clock that dies later does not bring it back. */
static void
test_clock_reboot_trusted(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock made = clock_at(T0, 5000, "boot-a");
	struct requests_clock dead = clock_at(Y2000 + 5, 5, "boot-b");
	struct requests_clock ok = clock_at(T0 + 6 * DAY, 10, "boot-c");
	struct requests_clock jump = clock_at(T0 + LIFETIME + 1, 10,
	    "boot-c");
	struct requests_clock dead_again = clock_at(Y2000 + 5, 5, "boot-d");
	char text[3][PROTOCOL_REQUEST_TEXT_MAX], code[PROTOCOL_CODE_TEXT_MAX];
	struct requests_pending list[REQUESTS_PENDING_MAX];
	struct requests *r;

	device_init(&dev);
	r = open_with(fx, &DEFAULTS);
	make_ok(r, &dev, "alice", &made, text[0]);
	make_ok(r, &dev, "bob", &made, text[1]);
	make_ok(r, &dev, "carol", &made, text[2]);

	/* Rebooted with a dead RTC: not trusted, one boot counted. */
	assert_int_equal(list_ok(r, &dead, list), 3);
	assert_false(list[0].clock_trusted);
	code_for(text[2], &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "carol", code, &dead, 0);

	/* Rebooted with a good clock, within the lifetime. */
	assert_int_equal(list_ok(r, &ok, list), 2);
	assert_true(list[0].clock_trusted);
	code_for(text[0], &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "alice", code, &ok, 0);

	/* The clock jumped past the lifetime: two boots counted only. */
	assert_int_equal(list_ok(r, &jump, list), 0);
	code_for(text[1], &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "bob", code, &jump, -ENOENT);

	/* Ended: a dead RTC in the next boot does not revive it. */
	assert_int_equal(list_ok(r, &dead_again, list), 0);
	assert_redeem(r, &dev, "bob", code, &dead_again, -ENOENT);
	/* Nothing left to count boots for. */
	assert_store(fx, HEADER "boot boot-c 2\n");
	requests_close(r);
}

/* ------------------------------------------------------------------ */
/* Pending requests                                                    */

static void
test_fourth_drops_oldest(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	static const char *const names[] = { "a1", "a2", "a3", "a4" };
	char text[4][PROTOCOL_REQUEST_TEXT_MAX], code[PROTOCOL_CODE_TEXT_MAX];
	struct requests_pending list[REQUESTS_PENDING_MAX];
	struct requests_clock now = clock_at(T0 + 4 * 60, 400, "boot-a");
	struct nvr_error err;
	struct requests *r;
	char *want;

	device_init(&dev);
	r = open_with(fx, &DEFAULTS);
	for (int i = 0; i < 4; i++) {
		struct requests_clock at = clock_at(T0 + i * 60,
		    100 + i * 60, "boot-a");

		assert_int_equal(make_ok(r, &dev, names[i], &at, text[i]),
		    i == 3);
	}
	assert_int_equal(list_ok(r, &now, list), 3);
	for (int i = 0; i < 3; i++) {
		assert_string_equal(list[i].who.name, names[i + 1]);
		assert_int_equal(list[i].made, T0 + (i + 1) * 60);
		assert_true(list[i].clock_trusted);
	}
	{
		char *l2 = entry_line(text[1], &dev, T0 + 60, true, "boot-a",
		    160, 0, false);
		char *l3 = entry_line(text[2], &dev, T0 + 120, true, "boot-a",
		    220, 0, false);
		char *l4 = entry_line(text[3], &dev, T0 + 180, true, "boot-a",
		    280, 0, false);

		assert_true(asprintf(&want, "%sboot boot-a 0\n%s%s%s", HEADER,
		    l2, l3, l4) > 0);
		free(l2);
		free(l3);
		free(l4);
	}
	assert_store(fx, want);
	free(want);

	/* The dropped one is gone: its account has nothing waiting. */
	code_for(text[0], &dev, PROTOCOL_SET_PASSWORD, code);
	assert_int_equal(redeem(r, &dev, "a1", PROTOCOL_SET_PASSWORD, code,
	    &now, &err), -ENOENT);
	assert_string_equal(err.message, "no request for a1 is waiting for "
	    "a code (it was answered, or it expired)");
	for (int i = 1; i < 4; i++) {
		code_for(text[i], &dev, PROTOCOL_SET_PASSWORD, code);
		assert_redeem(r, &dev, names[i], code, &now, 0);
	}
	assert_int_equal(list_ok(r, &now, list), 0);
	requests_close(r);
}

static void
test_fourth_same_account(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	char text[4][PROTOCOL_REQUEST_TEXT_MAX], code[PROTOCOL_CODE_TEXT_MAX];
	struct requests_clock now = clock_at(T0, 100, "boot-a");
	struct requests_pending list[REQUESTS_PENDING_MAX];
	struct nvr_error err;
	struct requests *r;

	device_init(&dev);
	r = open_with(fx, &DEFAULTS);
	for (int i = 0; i < 4; i++)
		assert_int_equal(make_ok(r, &dev, "admin", &now, text[i]),
		    i == 3);
	/* Same made time: the order is the order of making. */
	assert_int_equal(list_ok(r, &now, list), 3);
	/* The dropped one's account has others waiting: a wrong code. */
	code_for(text[0], &dev, PROTOCOL_SET_PASSWORD, code);
	assert_int_equal(redeem(r, &dev, "admin", PROTOCOL_SET_PASSWORD, code,
	    &now, &err), -EACCES);
	assert_string_equal(err.message, "not a code for any request of "
	    "admin");
	/* Any of the others, in any order. */
	code_for(text[2], &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "admin", code, &now, 0);
	code_for(text[3], &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "admin", code, &now, 0);
	code_for(text[1], &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "admin", code, &now, 0);
	/* Used ones are no longer pending: three more, none dropped. */
	for (int i = 0; i < 3; i++)
		assert_false(make_ok(r, &dev, "admin", &now, text[i]));
	assert_int_equal(list_ok(r, &now, list), 3);
	requests_close(r);
}

static void
test_list(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock x = clock_at(T0, 100, "boot-a");
	struct requests_clock y = clock_at(T0 + DAY, 100 + DAY, "boot-a");
	struct requests_clock z = clock_at(Y2000, 100 + 2 * DAY, "boot-a");
	/* The clock back right, later in the same boot. */
	struct requests_clock z2 = clock_at(T0 + 2 * DAY, 160 + 2 * DAY,
	    "boot-a");
	struct requests_clock later = clock_at(T0 + LIFETIME + 12 * 3600,
	    100 + LIFETIME + 12 * 3600, "boot-a");
	char text[3][PROTOCOL_REQUEST_TEXT_MAX], code[PROTOCOL_CODE_TEXT_MAX];
	struct requests_pending list[REQUESTS_PENDING_MAX];
	struct nvr_error err = { "" };
	size_t count = 99;
	struct requests *r;

	device_init(&dev);
	r = open_with(fx, &DEFAULTS);
	/* Nothing yet: no file, an empty list. */
	assert_int_equal(requests_list(r, &x, list, &count, &err), 0);
	assert_int_equal(count, 0);

	make_ok(r, &dev, "xavier", &x, text[0]);
	make_ok(r, &dev, "yves", &y, text[1]);
	make_ok(r, &dev, "zoe", &z, text[2]);
	assert_int_equal(list_ok(r, &z, list), 3);
	assert_string_equal(list[0].who.name, "xavier");
	assert_string_equal(list[1].who.name, "yves");
	assert_string_equal(list[2].who.name, "zoe");
	assert_int_equal(list[0].made, T0);
	assert_int_equal(list[1].made, T0 + DAY);
	assert_int_equal(list[2].made, Y2000);
	/* The clock says 2000 now: nothing is trusted. */
	assert_false(list[0].clock_trusted);
	assert_false(list[2].clock_trusted);

	code_for(text[1], &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "yves", code, &z, 0);
	assert_int_equal(list_ok(r, &z2, list), 2);
	assert_string_equal(list[0].who.name, "xavier");
	assert_true(list[0].clock_trusted);
	assert_string_equal(list[1].who.name, "zoe");
	assert_false(list[1].clock_trusted);

	/* xavier expired by the wall clock; zoe (untrusted) by boottime has
	 * 1.5 days left. */
	assert_int_equal(list_ok(r, &later, list), 1);
	assert_string_equal(list[0].who.name, "zoe");
	requests_close(r);
}

/* Invariant 1 with many used requests still in reach: the file keeps at
 * most 16 entries, and making room never drops a pending one. */
static void
test_many_used_keep_pending(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock now = clock_at(T0, 100, "boot-a");
	char first[PROTOCOL_REQUEST_TEXT_MAX], text[PROTOCOL_REQUEST_TEXT_MAX];
	char code[PROTOCOL_CODE_TEXT_MAX], *path = store_path(fx), *data;
	struct requests_pending list[REQUESTS_PENDING_MAX];
	size_t len, lines;
	struct requests *r;

	device_init(&dev);
	r = open_with(fx, &DEFAULTS);
	make_ok(r, &dev, "keeper", &now, first);
	for (int i = 0; i < 20; i++) {
		assert_false(make_ok(r, &dev, "user", &now, text));
		code_for(text, &dev, PROTOCOL_SET_PASSWORD, code);
		assert_redeem(r, &dev, "user", code, &now, 0);
	}
	assert_false(make_ok(r, &dev, "second", &now, text));
	assert_false(make_ok(r, &dev, "third", &now, text));
	assert_int_equal(list_ok(r, &now, list), 3);
	assert_string_equal(list[0].who.name, "keeper");

	data = support_slurp(path, &len);
	lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += data[i] == '\n';
	assert_int_equal(lines, 2 + 16);
	free(data);

	code_for(first, &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "keeper", code, &now, 0);
	free(path);
	requests_close(r);
}

/* ------------------------------------------------------------------ */
/* The file                                                            */

#define NONCE "00112233445566778899"
#define GOOD "request " NONCE " 7 1 system 0 - admin 1782864000 1 boot-a " \
    "100 0 0\n"

/* A file written by hand in the documented format is read: its code
 * works, and it is rewritten with the request used. */
static void
test_handwritten_file(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock now = clock_at(T0 + 3600, 3700, "boot-a");
	struct protocol_request req;
	char code[PROTOCOL_CODE_TEXT_MAX], *dir = state_dir(fx);
	static const char text[] = HEADER "boot boot-a 0\n" GOOD;
	struct requests *r;

	assert_int_equal(T0, 1782864000);
	device_init(&dev);
	assert_int_equal(mkdir(dir, 0700), 0);
	support_put_file(fx, "state/requests", text, strlen(text), 0600);
	memset(&req, 0, sizeof(req));
	req.key_id = KEY_ID;
	assert_int_equal(sodium_hex2bin(req.nonce, sizeof(req.nonce), NONCE,
	    20, NULL, NULL, NULL), 0);
	memcpy(req.serial, SERIAL, sizeof(SERIAL));
	memcpy(req.account, "admin", 6);
	assert_true(protocol_code_make(&req, PROTOCOL_SET_PASSWORD,
	    dev.code_key, code, sizeof(code)) > 0);

	r = open_with(fx, &DEFAULTS);
	assert_redeem(r, &dev, "admin", code, &now, 0);
	assert_store(fx, HEADER "boot boot-a 0\n"
	    "request " NONCE " 7 1 system 0 - admin 1782864000 1 boot-a 100 0 1 "
	    ""
	    "1782867600 0 boot-a 3700\n");
	free(dir);
	requests_close(r);
}

struct bad_file {
	const char *text;
	size_t len;		/* 0: strlen(text) */
	const char *message;	/* after "PATH:" */
};

static const struct bad_file BAD_FILES[] = {
	{ "", 0, "1: not a requests file of this version; it was left as "
	    "it is" },
	{ "# nvr-recovery requests 3\nboot boot-a 0\n", 0, "1: not a "
	    "requests file of this version; it was left as it is" },
	{ "# nvr-recovery requests 1", 0, "1: not a requests file of this "
	    "version; it was left as it is" },
	{ HEADER "boot boot-a 0\n\0" GOOD, sizeof(HEADER "boot boot-a 0\n\0"
	    GOOD) - 1, "1: not a requests file of this version; it was left "
	    "as it is" },	/* a NUL byte */
	{ HEADER, 0, "2: the boot line is missing; the file was left as it "
	    "is" },
	{ HEADER "boot boot-a\n", 0, "2: not a boot line; the file was left "
	    "as it is" },
	{ HEADER "boot boot-a -1\n", 0, "2: not a boot line; the file was "
	    "left as it is" },
	/* Past 2^31 boots: counting the next overflowed (fuzz_state). */
	{ HEADER "boot boot-a 9223372036854775807\n", 0, "2: not a boot "
	    "line; the file was left as it is" },
	{ HEADER "boot boot-a 0 \n", 0, "2: not a boot line; the file was "
	    "left as it is" },
	{ HEADER GOOD, 0, "2: not a boot line; the file was left as it is" },
	{ HEADER "boot boot-a 0", 0, "2: the last line is cut short; it was "
	    "left as it is" },
	{ HEADER "boot boot-a 0\n" "request " NONCE " 7 1 system 0 - admin", 0,
	    "3: the "
	    "last line is cut short; it was left as it is" },
	{ HEADER "boot boot-a 0\n" GOOD "request " NONCE " 7 1 system 0 - admin "
	    ""
	    "1782864000 1 boot-a 100 0 0", 0, "4: the last line is cut "
	    "short; it was left as it is" },
	{ HEADER "boot boot-a 0\n" "request " NONCE " 7 1 system 0 - admin "
	    "1782864000 1 "
	    "boot-a 100 0\n", 0, "3: not a request line; the file was left "
	    "as it is" },
	{ HEADER "boot boot-a 0\n" "request zz112233445566778899 7 1 system 0 - "
	    "admin "
	    "1782864000 1 boot-a 100 0 0\n", 0, "3: not a request line; the "
	    "file was left as it is" },
	{ HEADER "boot boot-a 0\n" "request 0011223344556677889 7 1 system 0 - "
	    "admin "
	    "1782864000 1 boot-a 100 0 0\n", 0, "3: not a request line; the "
	    "file was left as it is" },
	{ HEADER "boot boot-a 0\n" "request 0011223344556677889900 7 1 system 0 "
	    "- admin "
	    "1782864000 1 boot-a 100 0 0\n", 0, "3: not a request line; the "
	    "file was left as it is" },
	{ HEADER "boot boot-a 0\n" GOOD "request " NONCE " 0 1 system 0 - admin "
	    ""
	    "1782864000 1 boot-a 100 0 0\n", 0, "4: not a request line; the "
	    "file was left as it is" },
	{ HEADER "boot boot-a 0\n" "request " NONCE " 7 1 system 0 - ad.min "
	    "1782864000 1 "
	    "boot-a 100 0 0\n", 0, "3: not a request line; the file was left "
	    "as it is" },
	{ HEADER "boot boot-a 0\n" "request " NONCE " 7 1 system 0 - admin "
	    "1782864000 2 "
	    "boot-a 100 0 0\n", 0, "3: not a request line; the file was left "
	    "as it is" },
	{ HEADER "boot boot-a 0\n" "request " NONCE " 7 1 system 0 - admin "
	    "1782864000 1 "
	    "boot-a 100 0 2\n", 0, "3: not a request line; the file was left "
	    "as it is" },
	{ HEADER "boot boot-a 0\n" "request " NONCE " 7 1 system 0 - admin "
	    "1782864000 1 "
	    "boot-a -5 0 0\n", 0, "3: not a request line; the file was left "
	    "as it is" },
	{ HEADER "boot boot-a 0\n" "request " NONCE " 7 1 system 0 - admin "
	    "1782864000 1 "
	    "boot-a 100 0 0 x\n", 0, "3: not a request line; the file was "
	    "left as it is" },
	{ HEADER "boot boot-a 0\n" GOOD "\n", 0, "4: not a request line; "
	    "the file was left as it is" },
	/* The fields of format 2: the protocol version (1 or 2), the
	 * store's id and index (under 16), the account's id ("-" or a
	 * number without a leading zero). */
	{ HEADER "boot boot-a 0\n" "request " NONCE " 7 3 system 0 - admin "
	    "1782864000 1 boot-a 100 0 0\n", 0, "3: not a request line; the "
	    "file was left as it is" },
	/* Numbers past 32 bits: glibc's %u and %d would keep their low
	 * bits (4294967297 read as 1, 4294967303 as 7), which the range
	 * checks then pass. */
	{ HEADER "boot boot-a 0\n" "request " NONCE " 7 4294967297 system 0 - "
	    "admin 1782864000 1 boot-a 100 0 0\n", 0, "3: not a request line; "
	    "the file was left as it is" },
	{ HEADER "boot boot-a 0\n" "request " NONCE " 7 1 system 4294967296 - "
	    "admin 1782864000 1 boot-a 100 0 0\n", 0, "3: not a request line; "
	    "the file was left as it is" },
	{ HEADER "boot boot-a 0\n" "request " NONCE " 4294967303 1 system 0 - "
	    "admin 1782864000 1 boot-a 100 0 0\n", 0, "3: not a request line; "
	    "the file was left as it is" },
	{ HEADER "boot boot-a 0\n" "request " NONCE " 7 1 system 0 - admin "
	    "1782864000 4294967297 boot-a 100 0 0\n", 0, "3: not a request "
	    "line; the file was left as it is" },
	/* Times and uptimes past 2^40 seconds: the age added up from them
	 * overflowed (fuzz_state: lived and last uptime near 2^63). */
	{ HEADER "boot boot-a 0\n" "request " NONCE " 7 1 system 0 - admin "
	    "1782864000 1 boot-a 1099511627777 0 0\n", 0, "3: not a request "
	    "line; the file was left as it is" },
	{ HEADER "boot boot-a 0\n" "request " NONCE " 7 1 system 0 - admin "
	    "1782864000 1 boot-a 100 0 0 1782864000 9223372036854775807 "
	    "boot-c 9223372036854775807\n", 0, "3: not a request line; the "
	    "file was left as it is" },
	{ HEADER "boot boot-a 0\n" "request " NONCE " 7 1 system 0 - admin "
	    "1782864000 1 boot-a 100 0 0 1782864000 5 boot-c "
	    "44444444444444444444444\n", 0, "3: not a request line; the file "
	    "was left as it is" },
	{ HEADER "boot boot-a 0\n" "request " NONCE " 7 1 Sys 0 - admin "
	    "1782864000 1 boot-a 100 0 0\n", 0, "3: not a request line; the "
	    "file was left as it is" },
	{ HEADER "boot boot-a 0\n" "request " NONCE " 7 1 system 16 - admin "
	    "1782864000 1 boot-a 100 0 0\n", 0, "3: not a request line; the "
	    "file was left as it is" },
	{ HEADER "boot boot-a 0\n" "request " NONCE " 7 1 system 0 01 admin "
	    "1782864000 1 boot-a 100 0 0\n", 0, "3: not a request line; the "
	    "file was left as it is" },
	{ HEADER "boot boot-a 0\n" "request " NONCE " 7 1 system 0 x admin "
	    "1782864000 1 boot-a 100 0 0\n", 0, "3: not a request line; the "
	    "file was left as it is" },
	{ HEADER "boot boot-a 0\n" "request " NONCE " 7 admin 1782864000 1 "
	    "boot-a 100 0 0\n", 0, "3: not a request line; the file was left "
	    "as it is" },	/* a line of format 1 */
	{ HEADER "boot boot-a 0\n" "req " NONCE "\n", 0, "3: not a request "
	    "line; the file was left as it is" },
};

/* Fails unless the store file still holds exactly BAD's bytes. */
static void
assert_unchanged(const char *path, const struct bad_file *bad, size_t len)
{
	size_t got_len;
	char *got = support_slurp(path, &got_len);

	assert_int_equal(got_len, len);
	assert_memory_equal(got, bad->text, len);
	free(got);
}

static void
test_bad_files_refused(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock now = clock_at(T0 + 3600, 3700, "boot-b");
	char *dir = state_dir(fx), *path = store_path(fx);
	char code[PROTOCOL_CODE_TEXT_MAX];
	struct protocol_request req;
	struct requests *r;

	device_init(&dev);
	assert_int_equal(mkdir(dir, 0700), 0);
	/* A code that would answer GOOD, had the file been read. */
	memset(&req, 0, sizeof(req));
	req.key_id = KEY_ID;
	assert_int_equal(sodium_hex2bin(req.nonce, sizeof(req.nonce), NONCE,
	    20, NULL, NULL, NULL), 0);
	memcpy(req.serial, SERIAL, sizeof(SERIAL));
	memcpy(req.account, "admin", 6);
	assert_true(protocol_code_make(&req, PROTOCOL_SET_PASSWORD,
	    dev.code_key, code, sizeof(code)) > 0);

	r = open_with(fx, &DEFAULTS);
	for (size_t i = 0; i < sizeof(BAD_FILES) / sizeof(BAD_FILES[0]);
	    i++) {
		const struct bad_file *bad = &BAD_FILES[i];
		size_t len = bad->len != 0 ? bad->len : strlen(bad->text);
		struct requests_pending list[REQUESTS_PENDING_MAX];
		char text[PROTOCOL_REQUEST_TEXT_MAX], *want;
		struct nvr_error err = { "" };
		bool dropped = true;
		size_t count = 99;
		int rc;

		assert_true(asprintf(&want, "%s:%s", path, bad->message) > 0);
		support_put_file(fx, "state/requests", bad->text, len, 0600);

		memset(text, 'x', sizeof(text));
		rc = requests_make(r, &dev, support_key("admin"), &now, text,
		    sizeof(text),
		    &dropped, &err);
		if (rc != -EPROTO || strcmp(err.message, want) != 0)
			print_error("case %zu: make %d %s\n", i, rc,
			    err.message);
		assert_int_equal(rc, -EPROTO);
		assert_string_equal(err.message, want);
		assert_false(dropped);
		assert_string_equal(text, "");	/* not kept: not to send */
		assert_unchanged(path, bad, len);

		memset(&err, 0, sizeof(err));
		assert_int_equal(requests_redeem(r, &dev, support_key("admin"),
		    PROTOCOL_SET_PASSWORD, code, &now, &err), -EPROTO);
		assert_string_equal(err.message, want);
		assert_unchanged(path, bad, len);

		memset(&err, 0, sizeof(err));
		assert_int_equal(requests_note_boot(r, &now, &err), -EPROTO);
		assert_string_equal(err.message, want);
		assert_unchanged(path, bad, len);

		memset(&err, 0, sizeof(err));
		assert_int_equal(requests_list(r, &now, list, &count, &err),
		    -EPROTO);
		assert_string_equal(err.message, want);
		assert_int_equal(count, 0);
		assert_unchanged(path, bad, len);
		free(want);
	}
	free(dir);
	free(path);
	requests_close(r);
}

/* ------------------------------------------------------------------ */
/* The real clock                                                      */

static void
test_clock_read(void **state)
{
	struct requests_clock a, b;
	struct nvr_error err = { "" };
	size_t n;

	(void)state;
	memset(&a, 0x55, sizeof(a));
	assert_int_equal(requests_clock_read(&a, &err), 0);
	n = strlen(a.boot_id);
	assert_true(n > 0 && n < sizeof(a.boot_id));
	for (size_t i = 0; i < n; i++)
		assert_true(a.boot_id[i] > 0x20 && a.boot_id[i] < 0x7f);
	assert_true(a.plausible_after > BUILD_DATE - 3650 * DAY);
	assert_true(a.wall >= a.plausible_after);
	assert_true(a.wall <= time(NULL));
	assert_true(a.boottime >= 0);

	assert_int_equal(requests_clock_read(&b, &err), 0);
	assert_string_equal(a.boot_id, b.boot_id);
	assert_true(b.boottime >= a.boottime);
	assert_true(b.wall >= a.wall);
	assert_true(b.plausible_after == a.plausible_after);
}

/* ------------------------------------------------------------------ */
/* The device's budget of wrong codes                                  */

static struct attempts *
budget_open_fx(const struct support_fx *fx)
{
	static const struct attempts_settings three = { 3, 30, 3600 };
	struct attempts *a = NULL;
	struct nvr_error err = { "" };
	char *dir = state_dir(fx);

	assert_int_equal(attempts_open(&a, dir, &three, &err), 0);
	free(dir);
	return a;
}

/* Three wrong codes start a wait during which even the right code is not
 * checked; the count survives a restart (a new budget object) and a new
 * request; a typo costs nothing; a success clears it. */
static void
test_budget_wrong_codes(void **state)
{
	struct support_fx *fx = *state;
	struct requests *r = open_with(fx, &DEFAULTS);
	struct attempts *budget = budget_open_fx(fx);
	struct requests_device dev, other;
	struct requests_clock now = clock_at(T0, 100, "boot-a");
	char text[PROTOCOL_REQUEST_TEXT_MAX], right[PROTOCOL_CODE_TEXT_MAX];
	char wrong[PROTOCOL_CODE_TEXT_MAX], typo[PROTOCOL_CODE_TEXT_MAX];
	struct nvr_error err = { "" };
	long wait = -1;

	device_init(&dev);
	device_with(&other, 0x41, KEY_ID, SERIAL);
	make_ok(r, &dev, "admin", &now, text);
	code_for(text, &dev, PROTOCOL_SET_PASSWORD, right);
	{
		/* Well typed, but made with another device's key. */
		struct protocol_request req;

		decode_ok(text, &dev, &req);
		assert_true(protocol_code_make(&req, PROTOCOL_SET_PASSWORD,
		    other.code_key, wrong, sizeof(wrong)) > 0);
	}
	/* A typo: caught by the check characters, not counted. */
	memcpy(typo, right, sizeof(typo));
	typo[0] = typo[0] == 'Z' ? 'Y' : 'Z';
	for (int i = 0; i < 5; i++)
		assert_int_equal(requests_try_code(r, budget, &dev,
		    support_key("admin"),
		    PROTOCOL_SET_PASSWORD, typo, &now, true, NULL, &wait,
		    &err), -EINVAL);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(requests_try_code(r, budget, &dev,
		    support_key("admin"),
		    PROTOCOL_SET_PASSWORD, wrong, &now, true, NULL, &wait,
		    &err), -EACCES);
		assert_int_equal(wait, 0);
	}
	assert_int_equal(requests_try_code(r, budget, &dev,
	    support_key("admin"),
	    PROTOCOL_SET_PASSWORD, wrong, &now, true, NULL, &wait, &err),
	    -EACCES);
	assert_true(wait > 0);
	/* A restart and a new request do not reset the count. */
	attempts_close(budget);
	budget = budget_open_fx(fx);
	make_ok(r, &dev, "admin", &now, text);
	wait = 0;
	assert_int_equal(requests_try_code(r, budget, &dev,
	    support_key("admin"),
	    PROTOCOL_SET_PASSWORD, right, &now, true, NULL, &wait, &err),
	    -EAGAIN);
	assert_true(wait > 0);
	assert_non_null(strstr(err.message, "too many wrong codes: wait"));
	attempts_close(budget);
	requests_close(r);
}

/* Reset files count against the same budget: a file signed by another
 * key is a wrong try; three start a wait, during which even a good file
 * is not looked at; an unreadable file costs nothing. */
static void
test_budget_wrong_files(void **state)
{
	struct support_fx *fx = *state;
	struct requests *r = open_with(fx, &DEFAULTS);
	struct attempts *budget = budget_open_fx(fx);
	struct requests_device dev;
	struct requests_clock now = clock_at(T0, 100, "boot-a");
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	uint8_t other_pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t other_sk[crypto_sign_SECRETKEYBYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX], good[RESET_FILE_TEXT_MAX];
	char forged[RESET_FILE_TEXT_MAX];
	size_t good_len, forged_len;
	struct reset_file out;
	struct nvr_error err = { "" };
	long wait = -1;

	device_init(&dev);
	vendor_keys(pk, sk);
	crypto_sign_keypair(other_pk, other_sk);
	make_ok(r, &dev, "admin", &now, text);
	good_len = file_for(text, &dev, PROTOCOL_SET_PASSWORD, sk, good);
	forged_len = file_for(text, &dev, PROTOCOL_SET_PASSWORD, other_sk,
	    forged);
	for (int i = 0; i < 4; i++)
		assert_int_equal(requests_try_file(r, budget, &dev, pk,
		    "garbage\n", 8, &now, true, &out, NULL, &wait, &err),
		    -EBADMSG);
	for (int i = 0; i < 3; i++)
		assert_int_equal(requests_try_file(r, budget, &dev, pk,
		    forged, forged_len, &now, true, &out, NULL, &wait, &err),
		        -EACCES);
	assert_true(wait > 0);
	assert_int_equal(requests_try_file(r, budget, &dev, pk, good,
	    good_len, &now, true, &out, NULL, &wait, &err), -EAGAIN);
	assert_true(wait > 0);
	attempts_close(budget);
	requests_close(r);
}

/* A factory-reset code is checked against every account's pending
 * request (ACCOUNT NULL): support may answer any of them; a code for a
 * password is no factory-reset code. */
static void
test_code_any_account(void **state)
{
	struct support_fx *fx = *state;
	struct requests *r = open_with(fx, &DEFAULTS);
	struct attempts *budget = budget_open_fx(fx);
	struct requests_device dev;
	struct requests_clock now = clock_at(T0, 100, "boot-a");
	char text[PROTOCOL_REQUEST_TEXT_MAX], reset[PROTOCOL_CODE_TEXT_MAX];
	char password[PROTOCOL_CODE_TEXT_MAX];
	uint8_t nonce[PROTOCOL_NONCE_BYTES];
	struct protocol_request req;
	struct nvr_error err = { "" };
	long wait = -1;

	device_init(&dev);
	make_ok(r, &dev, "operator", &now, text);
	decode_ok(text, &dev, &req);
	code_for(text, &dev, PROTOCOL_FACTORY_RESET, reset);
	code_for(text, &dev, PROTOCOL_SET_PASSWORD, password);
	assert_int_equal(requests_try_code(r, budget, &dev, NULL,
	    PROTOCOL_FACTORY_RESET, password, &now, false, nonce, &wait,
	    &err), -EACCES);
	assert_string_equal(err.message, "not a code for any request waiting "
	    "on this recorder");
	assert_int_equal(requests_try_code(r, budget, &dev, NULL,
	    PROTOCOL_FACTORY_RESET, reset, &now, false, nonce, &wait, &err),
	    0);
	assert_memory_equal(nonce, req.nonce, sizeof(nonce));
	/* Not for admin's requests alone, nor when held: still good. */
	assert_int_equal(requests_try_code(r, budget, &dev,
	    support_key("admin"),
	    PROTOCOL_FACTORY_RESET, reset, &now, false, nonce, &wait, &err),
	    -ENOENT);
	assert_int_equal(requests_spend(r, &dev, nonce, &now, &err), 0);
	assert_int_equal(requests_try_code(r, budget, &dev, NULL,
	    PROTOCOL_FACTORY_RESET, reset, &now, false, nonce, &wait, &err),
	    -EACCES);
	attempts_close(budget);
	requests_close(r);
}

/* A file checked without being used (a factory reset's proof, before
 * the owner's last word) stays good, takes back only its own try (the
 * wrong codes before it stay counted), and is used once when used. */
static void
test_file_checked_not_used(void **state)
{
	struct support_fx *fx = *state;
	struct requests *r = open_with(fx, &DEFAULTS);
	struct attempts *budget = budget_open_fx(fx);
	struct requests_device dev;
	struct requests_clock now = clock_at(T0, 100, "boot-a");
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char text[PROTOCOL_REQUEST_TEXT_MAX], good[RESET_FILE_TEXT_MAX];
	size_t good_len;
	struct reset_file out;
	struct nvr_error err = { "" };
	long wait = -1;

	device_init(&dev);
	vendor_keys(pk, sk);
	make_ok(r, &dev, "admin", &now, text);
	good_len = file_for(text, &dev, PROTOCOL_FACTORY_RESET, sk, good);
	/* Two wrong codes first: checking the file, however often, leaves
	 * that count in place (only a use clears it). */
	{
		/* Well typed, but made with another device's key. */
		struct requests_device other;
		struct protocol_request req;
		char wrong[PROTOCOL_CODE_TEXT_MAX];

		device_with(&other, 0x41, KEY_ID, SERIAL);
		decode_ok(text, &dev, &req);
		assert_true(protocol_code_make(&req, PROTOCOL_SET_PASSWORD,
		    other.code_key, wrong, sizeof(wrong)) > 0);
		for (int i = 0; i < 2; i++)
			assert_int_equal(requests_try_code(r, budget, &dev,
			    support_key("admin"), PROTOCOL_SET_PASSWORD, wrong,
			        &now, true,
			    NULL, &wait, &err), -EACCES);
	}
	{
		char *path = support_in_dir(fx, "state/attempts");
		size_t len;
		char *before = support_slurp(path, &len), *after;

		assert_non_null(before);
		for (int i = 0; i < 3; i++) {
			assert_int_equal(requests_try_file(r, budget, &dev, pk,
			    good, good_len, &now, false, &out, NULL, &wait,
			        &err),
			    0);
			assert_int_equal(out.action, PROTOCOL_FACTORY_RESET);
		}
		after = support_slurp(path, &len);
		assert_string_equal(after, before);
		free(before);
		free(after);
		free(path);
	}
	assert_int_equal(requests_try_file(r, budget, &dev, pk, good,
	    good_len, &now, true, &out, NULL, &wait, &err), 0);
	assert_int_equal(requests_try_file(r, budget, &dev, pk, good,
	    good_len, &now, false, &out, NULL, &wait, &err), -EACCES);
	assert_non_null(strstr(err.message, "used already"));
	attempts_close(budget);
	requests_close(r);
}

/* A code checked without being used (held until the new password is
 * saved) stays good however often it is checked, after a restart too,
 * takes back only its own try, and names its request; spending marks it
 * used once (a second console's spend is told), giving it back makes it
 * good again, and an expired request cannot be spent. */
static void
test_code_held_then_spent(void **state)
{
	struct support_fx *fx = *state;
	struct requests *r = open_with(fx, &DEFAULTS);
	struct attempts *budget = budget_open_fx(fx);
	struct requests_device dev, other;
	struct requests_clock now = clock_at(T0, 100, "boot-a");
	struct requests_clock late = clock_at(T0 + LIFETIME + 1, 100 +
	    LIFETIME + 1, "boot-a");
	char text[PROTOCOL_REQUEST_TEXT_MAX], right[PROTOCOL_CODE_TEXT_MAX];
	char wrong[PROTOCOL_CODE_TEXT_MAX];
	uint8_t nonce[PROTOCOL_NONCE_BYTES], none[PROTOCOL_NONCE_BYTES] = {0};
	struct protocol_request req;
	struct nvr_error err = { "" };
	char *path = support_in_dir(fx, "state/attempts"), *before, *after;
	size_t len;
	long wait = -1;

	device_init(&dev);
	device_with(&other, 0x41, KEY_ID, SERIAL);
	make_ok(r, &dev, "admin", &now, text);
	code_for(text, &dev, PROTOCOL_SET_PASSWORD, right);
	decode_ok(text, &dev, &req);
	assert_true(protocol_code_make(&req, PROTOCOL_SET_PASSWORD,
	    other.code_key, wrong, sizeof(wrong)) > 0);
	assert_int_equal(requests_try_code(r, budget, &dev,
	    support_key("admin"),
	    PROTOCOL_SET_PASSWORD, wrong, &now, false, NULL, &wait, &err),
	    -EACCES);
	before = support_slurp(path, &len);
	assert_non_null(before);
	for (int i = 0; i < 3; i++) {
		memset(nonce, 0, sizeof(nonce));
		assert_int_equal(requests_try_code(r, budget, &dev,
		    support_key("admin"),
		    PROTOCOL_SET_PASSWORD, right, &now, false, nonce, &wait,
		    &err), 0);
		assert_memory_equal(nonce, req.nonce, sizeof(nonce));
		/* A restart between the checks changes nothing. */
		requests_close(r);
		r = open_with(fx, &DEFAULTS);
	}
	/* The wrong code before stays counted: only a use clears it. */
	after = support_slurp(path, &len);
	assert_string_equal(after, before);
	free(after);
	assert_int_equal(requests_spend(r, &dev, none, &now, &err), -ENOENT);
	assert_int_equal(requests_spend(r, &dev, nonce, &now, &err), 0);
	assert_int_equal(requests_spend(r, &dev, nonce, &now, &err),
	    -EALREADY);
	assert_non_null(strstr(err.message, "another console"));
	assert_int_equal(requests_try_code(r, budget, &dev,
	    support_key("admin"),
	    PROTOCOL_SET_PASSWORD, right, &now, false, nonce, &wait, &err),
	    -EACCES);
	assert_non_null(strstr(err.message, "used already"));
	/* The password could not be written: the code works again. */
	assert_int_equal(requests_unspend(r, &dev, nonce, &now, &err), 0);
	assert_int_equal(requests_unspend(r, &dev, nonce, &now, &err), 0);
	/* (Two wrong tries so far, the used code among them: no wait.) */
	assert_int_equal(requests_try_code(r, budget, &dev,
	    support_key("admin"),
	    PROTOCOL_SET_PASSWORD, right, &now, false, nonce, &wait, &err), 0);
	assert_int_equal(requests_spend(r, &dev, nonce, &late, &err), -ENOENT);
	free(before);
	free(path);
	attempts_close(budget);
	requests_close(r);
}

/* What a reset file's request is now, before anyone tries it. */
static void
test_status_of_request(void **state)
{
	struct support_fx *fx = *state;
	struct requests *r = open_with(fx, &DEFAULTS);
	struct requests_device dev;
	struct requests_clock now = clock_at(T0, 100, "boot-a");
	struct requests_clock late = clock_at(T0 + LIFETIME + 1, 100 +
	    LIFETIME + 1, "boot-a");
	char text[PROTOCOL_REQUEST_TEXT_MAX], code[PROTOCOL_CODE_TEXT_MAX];
	struct protocol_request req;
	struct nvr_error err = { "" };
	uint8_t other[PROTOCOL_NONCE_BYTES] = { 0 };

	device_init(&dev);
	make_ok(r, &dev, "admin", &now, text);
	decode_ok(text, &dev, &req);
	assert_int_equal(requests_status(r, &dev, req.nonce, &now, NULL, &err),
	    0);
	assert_int_equal(requests_status(r, &dev, other, &now, NULL, &err),
	    -ENOENT);
	assert_int_equal(requests_status(r, &dev, req.nonce, &late, NULL, &err),
	    -ENOENT);
	code_for(text, &dev, PROTOCOL_SET_PASSWORD, code);
	assert_redeem(r, &dev, "admin", code, &now, 0);
	assert_int_equal(requests_status(r, &dev, req.nonce, &now, NULL, &err),
	    -EALREADY);
	requests_close(r);
}

/* A request made with a trusted clock on day 0, then the recorder
 * restarted again and again with its clock set back to day 0 + 1 hour
 * (a dead RTC battery, a spoofed NTP answer): it expires once the boots
 * pass request_max_boots, or, with boots allowed, once the uptime it has
 * lived through passes its lifetime. */
static void
test_clock_set_back_at_every_boot(void **state)
{
	static const struct requests_settings many_boots = { LIFETIME, 1000 };
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock now = clock_at(T0, 100, "boot-a");
	struct requests_pending list[REQUESTS_PENDING_MAX];
	char text[PROTOCOL_REQUEST_TEXT_MAX], boot[32];
	struct requests *r;
	int first_gone = 0;

	device_init(&dev);
	r = open_with(fx, &DEFAULTS);
	make_ok(r, &dev, "admin", &now, text);
	for (int i = 1; i <= 100 && first_gone == 0; i++) {
		snprintf(boot, sizeof(boot), "boot-%d", i);
		now = clock_at(T0 + 3600, 60, boot);
		note_boot_ok(r, &now);
		if (list_ok(r, &now, list) == 0)
			first_gone = i;
	}
	/* Boot 21 is one more than the 20 a request survives. */
	assert_int_equal(first_gone, REQUESTS_DEFAULT_MAX_BOOTS + 1);
	requests_close(r);

	/* The same with boots allowed: each boot ran 3 hours before the
	 * next restart, so the 57th puts it past 7 days of uptime. */
	{
		char *store = store_path(fx);

		unlink(store);
		free(store);
	}
	r = open_with(fx, &many_boots);
	now = clock_at(T0, 100, "boot-a");
	make_ok(r, &dev, "admin", &now, text);
	first_gone = 0;
	for (int i = 1; i <= 100 && first_gone == 0; i++) {
		snprintf(boot, sizeof(boot), "boot-%d", i);
		now = clock_at(T0 + 3600, 60, boot);
		note_boot_ok(r, &now);
		if (list_ok(r, &now, list) == 0) {
			first_gone = i;
			break;
		}
		/* The wizard started again late in that boot, its clock
		 * still set back: the uptime is written down. */
		now = clock_at(T0 + 3600 + 3 * 3600, 3 * 3600, boot);
		note_boot_ok(r, &now);
		assert_int_equal(list_ok(r, &now, list), 1);
	}
	assert_true(first_gone > 0);
	assert_true((long long)first_gone * 3 * 3600 >= LIFETIME);
	assert_true((long long)(first_gone - 1) * 3 * 3600 <= LIFETIME);
	requests_close(r);
}

/* Within one boot: the clock once seen at day 2 and then set back to
 * day 0 + 1 hour is not trusted for that request any more; a request
 * made afterwards trusts it again. */
static void
test_clock_set_back_untrusted_for_request(void **state)
{
	struct support_fx *fx = *state;
	struct requests_device dev;
	struct requests_clock now = clock_at(T0, 100, "boot-a");
	struct requests_pending list[REQUESTS_PENDING_MAX];
	char text[PROTOCOL_REQUEST_TEXT_MAX];
	struct requests *r;

	device_init(&dev);
	r = open_with(fx, &DEFAULTS);
	make_ok(r, &dev, "admin", &now, text);
	now = clock_at(T0 + 2 * DAY, 100 + 2 * DAY, "boot-a");
	assert_int_equal(list_ok(r, &now, list), 1);
	assert_true(list[0].clock_trusted);
	/* Set back: the wall clock says 1 hour, but it was seen at 2 days;
	 * uptime still bounds the age. */
	now = clock_at(T0 + 3600, 100 + 7 * DAY + 1, "boot-a");
	assert_int_equal(list_ok(r, &now, list), 0);
	requests_close(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_budget_wrong_codes,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_status_of_request,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_clock_set_back_at_every_boot, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_clock_set_back_untrusted_for_request, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_clock_uptime_bounds_age,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_untrusted_store_refused,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_budget_wrong_files,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_code_any_account,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_code_held_then_spent,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_file_checked_not_used,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_make_decodes, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_make_day_zero_when_implausible, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_make_refuses_bad_names,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_store_modes, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_redeem_once, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_redeem_per_store,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_redeem_factory_reset,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_redeem_wrong_codes,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_redeem_typo, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_redeem_no_request,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_redeem_file_once,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_redeem_code_and_file_first_wins, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_clock_trusted, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_current_seconds_left, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    test_clock_corrected_same_boot, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_clock_set_back, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_clock_reboots, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_clock_settings, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_clock_reboot_trusted,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_fourth_drops_oldest,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_fourth_same_account,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_list, fx_setup,
		    fx_teardown),
		cmocka_unit_test_setup_teardown(test_many_used_keep_pending,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_handwritten_file,
		    fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_files_refused,
		    fx_setup, fx_teardown),
		cmocka_unit_test(test_clock_read),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
