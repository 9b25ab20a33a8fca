/*
 * test_keyset.c: nvr-support's files: the strict key=value format
 * (support/keyfile.c), key sets (support/keyset.c), provisioning files
 * (support/provisioning.c), the permission checks made before either is
 * trusted (support/private_file.c) and the issue log
 * (support/issue_log.c).
 *
 * Each test works in a fresh folder from mkdtemp(3) (mode 0700), removed
 * in teardown; key sets go in its "keys" subfolder. A malformed file must
 * be refused with its exact "FILE:LINE: message". The ownership test
 * needs root (to give a file away) and is skipped otherwise.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "common/protocol.h"
#include "support/issue_log.h"
#include "common/keyfile.h"
#include "support/keyset.h"
#include "common/private_file.h"
#include "common/provisioning.h"

struct fx {
	char dir[64];		/* the test's folder */
	char keys[96];		/* DIR/keys, mode 0700 */
	char file[128];		/* DIR/keys/keyset-1 */
	char prov[128];		/* DIR/prov */
	struct nvr_error err;
};

static int
fx_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/nvr-test-keyset-XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->keys, sizeof(fx->keys), "%s/keys", fx->dir);
	snprintf(fx->file, sizeof(fx->file), "%s/keyset-1", fx->keys);
	snprintf(fx->prov, sizeof(fx->prov), "%s/prov", fx->dir);
	if (mkdir(fx->keys, 0700) != 0) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
remove_entry(const char *path, const struct stat *sb, int flag,
    struct FTW *walk)
{
	(void)sb;
	(void)flag;
	(void)walk;
	return remove(path);
}

static int
fx_teardown(void **state)
{
	struct fx *fx = *state;

	chmod(fx->keys, 0700);
	nftw(fx->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

/* Writes TEXT to PATH with MODE (umask does not apply). */
static void
put(const char *path, const char *text, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

static char *
slurp(const char *path)
{
	static char buf[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

static bool
starts_with(const char *text, const char *prefix)
{
	return strncmp(text, prefix, strlen(prefix)) == 0;
}

/* A well-formed key set 1, its Ed25519 pair made from a fixed seed; the
 * lines are 1 header, 2 key_id, 3 demo, 4 master, 5 sign_public,
 * 6 sign_secret. */
static const char *
good_keyset(void)
{
	static char text[512];
	unsigned char seed[crypto_sign_SEEDBYTES];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	char pk_hex[2 * sizeof(pk) + 1], sk_hex[2 * sizeof(sk) + 1];

	memset(seed, 7, sizeof(seed));
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_bin2hex(pk_hex, sizeof(pk_hex), pk, sizeof(pk));
	sodium_bin2hex(sk_hex, sizeof(sk_hex), sk, sizeof(sk));
	snprintf(text, sizeof(text), KEYSET_HEADER "\n"
	    "key_id=1\n"
	    "demo=yes\n"
	    "master=000102030405060708090a0b0c0d0e0f"
	    "101112131415161718191a1b1c1d1e1f\n"
	    "sign_public=%s\n"
	    "sign_secret=%s\n", pk_hex, sk_hex);
	return text;
}

/* good_keyset() with the first FROM replaced by TO. */
static const char *
keyset_with(const char *from, const char *to)
{
	static char text[1024];
	const char *good = good_keyset();
	const char *at = strstr(good, from);

	assert_non_null(at);
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - good), good, to,
	    at + strlen(from));
	return text;
}

/* Writes TEXT (LEN bytes) as key set 1 and expects keyset_read to refuse
 * it with "FILE:WHAT". */
static void
expect_refused_len(struct fx *fx, const char *text, size_t len,
    const char *what)
{
	struct keyset ks;
	char want[512];

	put(fx->file, text, len, 0600);
	assert_int_equal(keyset_read(fx->keys, 1, &ks, &fx->err), -EBADMSG);
	snprintf(want, sizeof(want), "%s:%s", fx->file, what);
	assert_string_equal(fx->err.message, want);
	/* Nothing of a refused file is left behind. */
	assert_true(sodium_is_zero((const unsigned char *)&ks, sizeof(ks)));
}

static void
expect_refused(struct fx *fx, const char *text, const char *what)
{
	expect_refused_len(fx, text, strlen(text), what);
}

/* ------------------------------------------------------------ key sets */

static void
test_keyset_read_ok_good_file(void **state)
{
	struct fx *fx = *state;
	struct keyset ks;

	put(fx->file, good_keyset(), strlen(good_keyset()), 0600);
	assert_int_equal(keyset_read(fx->keys, 1, &ks, &fx->err), 0);
	assert_int_equal(ks.id, 1);
	assert_true(ks.demo);
	for (int i = 0; i < PROTOCOL_KEY_BYTES; i++)
		assert_int_equal(ks.master[i], i);
	keyset_wipe(&ks);
}

static void
test_keyset_write_read_ok_round_trip(void **state)
{
	struct fx *fx = *state;
	struct keyset made, read;
	struct stat st;

	keyset_generate(&made, 42, false);
	assert_int_equal(keyset_write(fx->keys, &made, &fx->err), 0);
	snprintf(fx->file, sizeof(fx->file), "%s/keyset-42", fx->keys);
	assert_int_equal(stat(fx->file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_true(starts_with(slurp(fx->file), KEYSET_HEADER "\nkey_id=42\n"
	    "demo=no\nmaster="));
	assert_int_equal(keyset_read(fx->keys, 42, &read, &fx->err), 0);
	assert_int_equal(read.id, 42);
	assert_false(read.demo);
	assert_memory_equal(made.master, read.master, sizeof(made.master));
	assert_memory_equal(made.sign_public, read.sign_public,
	    sizeof(made.sign_public));
	assert_memory_equal(made.sign_secret, read.sign_secret,
	    sizeof(made.sign_secret));
	keyset_wipe(&made);
	keyset_wipe(&read);
}

static void
test_keyset_write_nok_exists(void **state)
{
	struct fx *fx = *state;
	struct keyset ks;
	char before[1024];

	put(fx->file, good_keyset(), strlen(good_keyset()), 0600);
	snprintf(before, sizeof(before), "%s", slurp(fx->file));
	keyset_generate(&ks, 1, false);
	assert_int_equal(keyset_write(fx->keys, &ks, &fx->err), -EEXIST);
	keyset_wipe(&ks);
	assert_string_equal(slurp(fx->file), before);
}

static void
test_keyset_highest_id(void **state)
{
	struct fx *fx = *state;
	const char *names[] = { "keyset-3", "keyset-12", "keyset-012",
	    "keyset-70000", "keyset-99+", "keyset-", "keyset-x", "issued.log",
	    "keyset.lock" };
	char path[256];
	unsigned id = 99;

	assert_int_equal(keyset_highest_id(fx->keys, &id, &fx->err), 0);
	assert_int_equal(id, 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fx->keys, names[i]);
		put(path, "", 0, 0600);
	}
	assert_int_equal(keyset_highest_id(fx->keys, &id, &fx->err), 0);
	assert_int_equal(id, 12);
}

static void
test_keyset_read_nok_header(void **state)
{
	expect_refused(*state, keyset_with("key set 1", "key set 2"),
	    "1: not the expected kind of file: the first line must be "
	    "'# nvr-recovery key set 1'");
}

static void
test_keyset_read_nok_provisioning_file(void **state)
{
	expect_refused(*state, keyset_with(KEYSET_HEADER,
	    PROVISIONING_HEADER), "1: not the expected kind of file: the "
	    "first line must be '# nvr-recovery key set 1'");
}

static void
test_keyset_read_nok_unknown_key(void **state)
{
	expect_refused(*state, keyset_with("demo=yes\n",
	    "demo=yes\ncomment=x\n"), "4: unknown key 'comment'");
}

static void
test_keyset_read_nok_space_around_equals(void **state)
{
	expect_refused(*state, keyset_with("demo=yes", "demo = yes"),
	    "3: unknown key 'demo '");
}

static void
test_keyset_read_nok_duplicate(void **state)
{
	expect_refused(*state, keyset_with("demo=yes\n",
	    "demo=yes\nkey_id=1\n"), "4: key_id given twice (first on line "
	    "2)");
}

static void
test_keyset_read_nok_missing(void **state)
{
	const char *good = good_keyset();
	char text[1024];

	/* Up to the end of line 5: no sign_secret. */
	snprintf(text, sizeof(text), "%.*s", (int)(strstr(good,
	    "sign_secret=") - good), good);
	expect_refused(*state, text, "5: missing sign_secret= (the file "
	    "ends here)");
}

static void
test_keyset_read_nok_hex_short(void **state)
{
	expect_refused(*state, keyset_with("1e1f\n", "1e1\n"),
	    "4: master must be 64 hex digits (has 63)");
}

static void
test_keyset_read_nok_hex_trailing_garbage(void **state)
{
	expect_refused(*state, keyset_with("1e1f\n", "1e1f \n"),
	    "4: master must be 64 hex digits (has 65)");
}

static void
test_keyset_read_nok_hex_upper_case(void **state)
{
	expect_refused(*state, keyset_with("0a0b", "0A0b"),
	    "4: master must be lower-case hex digits (character 22 is not "
	    "one)");
}

static void
test_keyset_read_nok_hex_not_hex(void **state)
{
	expect_refused(*state, keyset_with("0a0b", "0g0b"),
	    "4: master must be lower-case hex digits (character 22 is not "
	    "one)");
}

static void
test_keyset_read_nok_key_id(void **state)
{
	struct fx *fx = *state;

	expect_refused(fx, keyset_with("key_id=1", "key_id=0"),
	    "2: key_id must be a number from 1 to 65535 (not '0')");
	expect_refused(fx, keyset_with("key_id=1", "key_id=01"),
	    "2: key_id must be a number from 1 to 65535 (not '01')");
	expect_refused(fx, keyset_with("key_id=1", "key_id=65536"),
	    "2: key_id must be a number from 1 to 65535 (not '65536')");
	expect_refused(fx, keyset_with("key_id=1", "key_id=+1"),
	    "2: key_id must be a number from 1 to 65535 (not '+1')");
	expect_refused(fx, keyset_with("key_id=1", "key_id="),
	    "2: key_id must be a number from 1 to 65535 (not '')");
}

static void
test_keyset_read_nok_key_id_not_the_name(void **state)
{
	expect_refused(*state, keyset_with("key_id=1", "key_id=2"),
	    "2: key_id is 2 but the file is named for key set 1");
}

static void
test_keyset_read_nok_demo(void **state)
{
	expect_refused(*state, keyset_with("demo=yes", "demo=Yes"),
	    "3: demo must be yes or no (not 'Yes')");
}

static void
test_keyset_read_nok_quotes_unprintable_shortly(void **state)
{
	expect_refused(*state, keyset_with("demo=yes",
	    "demo=\033[2Jyes-and-a-long-tail-of-text"),
	    "3: demo must be yes or no (not '?[2Jyes-and-a-long-tail-...')");
}

static void
test_keyset_read_nok_pair_mismatch(void **state)
{
	const char *good = good_keyset();
	const char *pk = strstr(good, "sign_public=") + strlen("sign_public=");
	char text[1024];

	/* Another public key: the first hex digit changed. */
	snprintf(text, sizeof(text), "%s", good);
	text[pk - good] = pk[0] == '0' ? '1' : '0';
	expect_refused(*state, text, "5: sign_public does not belong to "
	    "sign_secret");
}

static void
test_keyset_read_nok_blank_line(void **state)
{
	expect_refused(*state, keyset_with("demo=yes\n", "demo=yes\n\n"),
	    "4: blank line");
}

static void
test_keyset_read_nok_comment_line(void **state)
{
	expect_refused(*state, keyset_with("demo=yes\n",
	    "demo=yes\n# note\n"), "4: expected key=value");
}

static void
test_keyset_read_nok_crlf(void **state)
{
	expect_refused(*state, keyset_with("demo=yes\n", "demo=yes\r\n"),
	    "3: carriage return (was the file edited on Windows?)");
}

static void
test_keyset_read_nok_no_final_newline(void **state)
{
	const char *good = good_keyset();

	expect_refused_len(*state, good, strlen(good) - 1, "6: no newline at "
	    "the end (is the file cut short?)");
}

static void
test_keyset_read_nok_nul(void **state)
{
	const char *text = keyset_with("demo=yes", "demo=ye\001");
	char copy[1024];
	size_t len = strlen(text);

	memcpy(copy, text, len);
	*strchr(copy, '\001') = '\0';
	expect_refused_len(*state, copy, len, "3: NUL byte");
}

static void
test_keyset_read_nok_empty(void **state)
{
	expect_refused(*state, "", "1: empty file");
}

static void
test_keyset_read_nok_missing_file(void **state)
{
	struct fx *fx = *state;
	struct keyset ks;
	char want[256];

	assert_int_equal(keyset_read(fx->keys, 2, &ks, &fx->err), -ENOENT);
	snprintf(want, sizeof(want), "no key set 2 in %s", fx->keys);
	assert_string_equal(fx->err.message, want);
}

static void
test_keyset_read_nok_missing_folder(void **state)
{
	struct fx *fx = *state;
	struct keyset ks;
	char want[256];

	assert_int_equal(rmdir(fx->keys), 0);
	assert_int_equal(keyset_read(fx->keys, 1, &ks, &fx->err), -ENOENT);
	snprintf(want, sizeof(want), "no folder %s", fx->keys);
	assert_string_equal(fx->err.message, want);
}

/* Key set 1 with MODE, folder with DIR_MODE: refused with WHAT (after
 * the path of the file or folder, per FILE_WRONG). */
static void
expect_permission_refused(struct fx *fx, mode_t mode, mode_t dir_mode,
    bool file_wrong, const char *what)
{
	struct keyset ks;
	char want[512];
	const char *who = file_wrong ? fx->file : fx->keys;

	put(fx->file, good_keyset(), strlen(good_keyset()), mode);
	assert_int_equal(chmod(fx->keys, dir_mode), 0);
	assert_int_equal(keyset_read(fx->keys, 1, &ks, &fx->err), -EPERM);
	snprintf(want, sizeof(want), "%s: %s %s", who, what, who);
	assert_string_equal(fx->err.message, want);
	assert_int_equal(chmod(fx->keys, 0700), 0);
}

static void
test_keyset_read_nok_file_group_readable(void **state)
{
	expect_permission_refused(*state, 0640, 0700, true, "group or others "
	    "may read or write it (mode 0640); fix: chmod 600");
}

static void
test_keyset_read_nok_file_other_writable(void **state)
{
	expect_permission_refused(*state, 0602, 0700, true, "group or others "
	    "may read or write it (mode 0602); fix: chmod 600");
}

static void
test_keyset_read_nok_folder_open(void **state)
{
	expect_permission_refused(*state, 0600, 0755, false, "group or "
	    "others may use this folder (mode 0755); fix: chmod 700");
}

static void
test_keyset_read_nok_folder_group_search(void **state)
{
	expect_permission_refused(*state, 0600, 0710, false, "group or "
	    "others may use this folder (mode 0710); fix: chmod 700");
}

static void
test_keyset_read_nok_not_ours(void **state)
{
	struct fx *fx = *state;
	struct keyset ks;

	if (geteuid() != 0)
		skip();	/* only root can give a file away */
	put(fx->file, good_keyset(), strlen(good_keyset()), 0600);
	assert_int_equal(chown(fx->file, 1, (gid_t)-1), 0);
	assert_int_equal(keyset_read(fx->keys, 1, &ks, &fx->err), -EPERM);
	assert_non_null(strstr(fx->err.message, "owned by uid 1, not by the "
	    "user running this (uid 0); refusing to trust it"));
	assert_int_equal(chown(fx->file, 0, (gid_t)-1), 0);
	assert_int_equal(chown(fx->keys, 1, (gid_t)-1), 0);
	assert_int_equal(keyset_read(fx->keys, 1, &ks, &fx->err), -EPERM);
	assert_true(strncmp(fx->err.message, fx->keys,
	    strlen(fx->keys)) == 0);
	assert_int_equal(chown(fx->keys, 0, (gid_t)-1), 0);
}

static void
test_keyset_read_nok_symlink(void **state)
{
	struct fx *fx = *state;
	struct keyset ks;
	char target[256], want[256];

	snprintf(target, sizeof(target), "%s/elsewhere", fx->keys);
	put(target, good_keyset(), strlen(good_keyset()), 0600);
	assert_int_equal(symlink(target, fx->file), 0);
	assert_int_equal(keyset_read(fx->keys, 1, &ks, &fx->err), -EINVAL);
	snprintf(want, sizeof(want), "%s is not a regular file", fx->file);
	assert_string_equal(fx->err.message, want);
}

/* ------------------------------------------------------- provisioning */

static void
make_provisioning(struct provisioning *p, const char *serial)
{
	struct keyset ks;

	keyset_generate(&ks, 3, true);
	assert_int_equal(keyset_provision(&ks, serial, p), 0);
	keyset_wipe(&ks);
}

static void
test_provisioning_make_ok_derives_device_key(void **state)
{
	struct provisioning p;
	uint8_t want[PROTOCOL_KEY_BYTES];
	struct keyset ks;

	(void)state;
	keyset_generate(&ks, 3, true);
	assert_int_equal(keyset_provision(&ks, "SN0012345678", &p), 0);
	assert_int_equal(protocol_device_key(ks.master, 3, "SN0012345678",
	    want), 0);
	assert_memory_equal(p.device_key, want, sizeof(want));
	assert_memory_equal(p.vendor_public_key, ks.sign_public,
	    sizeof(ks.sign_public));
	assert_string_equal(p.serial, "SN0012345678");
	assert_int_equal(p.key_id, 3);
	assert_true(p.demo);
	/* Nothing of the master is in the file. */
	assert_memory_not_equal(p.device_key, ks.master, sizeof(ks.master));
	keyset_wipe(&ks);
	provisioning_wipe(&p);
}

static void
test_provisioning_make_nok_serial(void **state)
{
	struct provisioning p;
	struct keyset ks;

	(void)state;
	keyset_generate(&ks, 3, false);
	assert_int_equal(keyset_provision(&ks, "SN 1", &p), -EINVAL);
	assert_int_equal(keyset_provision(&ks, "", &p), -EINVAL);
	assert_int_equal(keyset_provision(&ks,
	    "S23456789012345678901234567890123", &p), -EINVAL);
	assert_true(sodium_is_zero((const unsigned char *)&p, sizeof(p)));
	keyset_wipe(&ks);
}

static void
test_provisioning_write_read_ok_round_trip(void **state)
{
	struct fx *fx = *state;
	struct provisioning made, read;
	struct stat st;

	make_provisioning(&made, "SN-0012_ab");
	assert_int_equal(provisioning_write(fx->prov, &made, &fx->err), 0);
	assert_int_equal(stat(fx->prov, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_true(starts_with(slurp(fx->prov), PROVISIONING_HEADER
	    "\nserial=SN-0012_ab\nkey_id=3\ndemo=yes\ndevice_key="));
	assert_int_equal(provisioning_read(fx->prov, &read, &fx->err), 0);
	assert_string_equal(read.serial, made.serial);
	assert_int_equal(read.key_id, 3);
	assert_true(read.demo);
	assert_memory_equal(made.device_key, read.device_key,
	    sizeof(made.device_key));
	assert_memory_equal(made.vendor_public_key, read.vendor_public_key,
	    sizeof(made.vendor_public_key));
	assert_int_equal(provisioning_write(fx->prov, &made, &fx->err),
	    -EEXIST);
	provisioning_wipe(&made);
	provisioning_wipe(&read);
}

/* Writes the good provisioning file with FROM replaced by TO, expects it
 * refused with "FILE:WHAT". */
static void
expect_provisioning_refused(struct fx *fx, const char *from, const char *to,
    const char *what)
{
	struct provisioning p;
	char text[1024], want[512];
	const char *at;

	make_provisioning(&p, "SN0012345678");
	assert_int_equal(provisioning_write(fx->prov, &p, &fx->err), 0);
	provisioning_wipe(&p);
	snprintf(text, sizeof(text), "%s", slurp(fx->prov));
	at = strstr(text, from);
	assert_non_null(at);
	snprintf(want, sizeof(want), "%.*s%s%s", (int)(at - text), text, to,
	    at + strlen(from));
	put(fx->prov, want, strlen(want), 0600);
	assert_int_equal(provisioning_read(fx->prov, &p, &fx->err), -EBADMSG);
	snprintf(want, sizeof(want), "%s:%s", fx->prov, what);
	assert_string_equal(fx->err.message, want);
	assert_true(sodium_is_zero((const unsigned char *)&p, sizeof(p)));
}

static void
test_provisioning_read_nok_serial(void **state)
{
	expect_provisioning_refused(*state, "serial=SN0012345678",
	    "serial=SN/../x", "2: serial must be 1 to 31 characters from A-Z "
	    "a-z 0-9 - _ (not 'SN/../x')");
}

static void
test_provisioning_read_nok_serial_too_long(void **state)
{
	expect_provisioning_refused(*state, "serial=SN0012345678",
	    "serial=S2345678901234567890123456789012", "2: serial must be 1 "
	    "to 31 characters from A-Z a-z 0-9 - _ (not "
	    "'S23456789012345678901234...')");
}

static void
test_provisioning_read_nok_key_set_file(void **state)
{
	expect_provisioning_refused(*state, PROVISIONING_HEADER,
	    KEYSET_HEADER, "1: not the expected kind of file: the first line "
	    "must be '# nvr-recovery provisioning 1'");
}

static void
test_provisioning_read_nok_device_key_length(void **state)
{
	expect_provisioning_refused(*state, "device_key=", "device_key=00",
	    "5: device_key must be 64 hex digits (has 66)");
}

static void
test_provisioning_read_nok_missing_vendor_key(void **state)
{
	expect_provisioning_refused(*state, "vendor_public_key=",
	    "vendor_public=", "6: unknown key 'vendor_public'");
}

static void
test_provisioning_read_nok_permissions(void **state)
{
	struct fx *fx = *state;
	struct provisioning p;
	char want[512];

	make_provisioning(&p, "SN0012345678");
	assert_int_equal(provisioning_write(fx->prov, &p, &fx->err), 0);
	provisioning_wipe(&p);
	assert_int_equal(chmod(fx->prov, 0644), 0);
	assert_int_equal(provisioning_read(fx->prov, &p, &fx->err), -EPERM);
	snprintf(want, sizeof(want), "%s: group or others may read or write "
	    "it (mode 0644); fix: chmod 600 %s", fx->prov, fx->prov);
	assert_string_equal(fx->err.message, want);
	assert_int_equal(chmod(fx->prov, 0600), 0);
	/* On a recorder it sits in /etc/nvr-recovery: a folder all may
	 * read is fine, one others may write in is not. */
	assert_int_equal(chmod(fx->dir, 0755), 0);
	assert_int_equal(provisioning_read(fx->prov, &p, &fx->err), 0);
	provisioning_wipe(&p);
	assert_int_equal(chmod(fx->dir, 0775), 0);
	assert_int_equal(provisioning_read(fx->prov, &p, &fx->err), -EPERM);
	snprintf(want, sizeof(want), "%s: group or others may write in this "
	    "folder (mode 0775); fix: chmod go-w %s", fx->dir, fx->dir);
	assert_string_equal(fx->err.message, want);
	assert_int_equal(chmod(fx->dir, 0700), 0);
}

/* ------------------------------------------------------------ keyfile */

static void
test_keyfile_format_nok_no_room(void **state)
{
	unsigned id = 5;
	struct keyfile_field f = { "key_id", KEYFILE_ID, &id, 0, 0 };
	char out[16];

	(void)state;
	assert_int_equal(keyfile_format("# h", &f, 1, out, sizeof(out)), 13);
	assert_string_equal(out, "# h\nkey_id=5\n");
	assert_int_equal(keyfile_format("# h", &f, 1, out, 13), -ENOSPC);
	id = 0;
	assert_int_equal(keyfile_format("# h", &f, 1, out, sizeof(out)),
	    -EINVAL);
}

/* ---------------------------------------------------------- issue log */

static const uint8_t NONCE[PROTOCOL_NONCE_BYTES] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x00, 0xff,
};

static void
test_issue_log_append_ok_lines(void **state)
{
	struct fx *fx = *state;
	struct issue_log_entry e = {
		.when = 1795618800,	/* 2026-11-25T15:00:00Z */
		.key_id = 3, .serial = "SN0012345678", .account = "admin",
		.action = "set-password", .nonce = NONCE,
		.operator_name = "alice",
	};
	char path[256], printed[1024];
	struct stat st;
	size_t lines = 9;
	FILE *out;

	assert_int_equal(issue_log_print(fx->keys, stdout, &lines, &fx->err),
	    0);
	assert_int_equal(lines, 0);
	assert_int_equal(issue_log_append(fx->keys, &e, &fx->err), 0);
	e.action = "factory-reset";
	e.operator_name = "bob\nforged line";
	assert_int_equal(issue_log_append(fx->keys, &e, &fx->err), 0);
	snprintf(path, sizeof(path), "%s/issued.log", fx->keys);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_string_equal(slurp(path),
	    "2026-11-25T15:00:00Z key=3 serial=SN0012345678 account=admin "
	    "action=set-password nonce=0123456789abcdef00ff operator=alice\n"
	    "2026-11-25T15:00:00Z key=3 serial=SN0012345678 account=admin "
	    "action=factory-reset nonce=0123456789abcdef00ff "
	    "operator=bob?forged?line\n");
	memset(printed, 0, sizeof(printed));
	out = fmemopen(printed, sizeof(printed) - 1, "w");
	assert_non_null(out);
	assert_int_equal(issue_log_print(fx->keys, out, &lines, &fx->err), 0);
	fclose(out);
	assert_int_equal(lines, 2);
	assert_string_equal(printed, slurp(path));
}

/* An answer to a version-2 request logs its store after the account
 * (store 0 too); a store out of range is no line at all. */
static void
test_issue_log_append_ok_store(void **state)
{
	struct fx *fx = *state;
	struct issue_log_entry e = {
		.when = 1795618800,	/* 2026-11-25T15:00:00Z */
		.key_id = 3, .serial = "SN0012345678", .account = "admin",
		.has_store = true, .store = 15,
		.action = "set-password-file", .nonce = NONCE,
		.operator_name = "alice",
	};
	char path[256];

	assert_int_equal(issue_log_append(fx->keys, &e, &fx->err), 0);
	e.store = 0;
	assert_int_equal(issue_log_append(fx->keys, &e, &fx->err), 0);
	e.store = PROTOCOL_STORE_MAX + 1;
	assert_int_equal(issue_log_append(fx->keys, &e, &fx->err), -EINVAL);
	snprintf(path, sizeof(path), "%s/issued.log", fx->keys);
	assert_string_equal(slurp(path),
	    "2026-11-25T15:00:00Z key=3 serial=SN0012345678 account=admin "
	    "store=15 action=set-password-file nonce=0123456789abcdef00ff "
	    "operator=alice\n"
	    "2026-11-25T15:00:00Z key=3 serial=SN0012345678 account=admin "
	    "store=0 action=set-password-file nonce=0123456789abcdef00ff "
	    "operator=alice\n");
}

static void
test_issue_log_append_nok_open_log(void **state)
{
	struct fx *fx = *state;
	struct issue_log_entry e = {
		.when = 0, .key_id = 1, .serial = "S", .account = "a",
		.action = "set-password", .nonce = NONCE,
		.operator_name = "x",
	};
	char path[256];
	size_t lines;

	snprintf(path, sizeof(path), "%s/issued.log", fx->keys);
	put(path, "", 0, 0644);
	assert_int_equal(issue_log_append(fx->keys, &e, &fx->err), -EPERM);
	assert_int_equal(issue_log_print(fx->keys, stdout, &lines, &fx->err),
	    -EPERM);
	assert_string_equal(slurp(path), "");
}

static void
test_issue_log_operator_sudo_user(void **state)
{
	char who[ISSUE_LOG_OPERATOR_MAX];

	(void)state;
	setenv("SUDO_USER", "carol x", 1);
	issue_log_operator(who);
	assert_string_equal(who, "carol?x");
	unsetenv("SUDO_USER");
	issue_log_operator(who);
	assert_true(who[0] != '\0');
}

int
main(void)
{
#define FX(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		FX(test_keyset_read_ok_good_file),
		FX(test_keyset_write_read_ok_round_trip),
		FX(test_keyset_write_nok_exists),
		FX(test_keyset_highest_id),
		FX(test_keyset_read_nok_header),
		FX(test_keyset_read_nok_provisioning_file),
		FX(test_keyset_read_nok_unknown_key),
		FX(test_keyset_read_nok_space_around_equals),
		FX(test_keyset_read_nok_duplicate),
		FX(test_keyset_read_nok_missing),
		FX(test_keyset_read_nok_hex_short),
		FX(test_keyset_read_nok_hex_trailing_garbage),
		FX(test_keyset_read_nok_hex_upper_case),
		FX(test_keyset_read_nok_hex_not_hex),
		FX(test_keyset_read_nok_key_id),
		FX(test_keyset_read_nok_key_id_not_the_name),
		FX(test_keyset_read_nok_demo),
		FX(test_keyset_read_nok_quotes_unprintable_shortly),
		FX(test_keyset_read_nok_pair_mismatch),
		FX(test_keyset_read_nok_blank_line),
		FX(test_keyset_read_nok_comment_line),
		FX(test_keyset_read_nok_crlf),
		FX(test_keyset_read_nok_no_final_newline),
		FX(test_keyset_read_nok_nul),
		FX(test_keyset_read_nok_empty),
		FX(test_keyset_read_nok_missing_file),
		FX(test_keyset_read_nok_missing_folder),
		FX(test_keyset_read_nok_file_group_readable),
		FX(test_keyset_read_nok_file_other_writable),
		FX(test_keyset_read_nok_folder_open),
		FX(test_keyset_read_nok_folder_group_search),
		FX(test_keyset_read_nok_not_ours),
		FX(test_keyset_read_nok_symlink),
		FX(test_provisioning_make_ok_derives_device_key),
		FX(test_provisioning_make_nok_serial),
		FX(test_provisioning_write_read_ok_round_trip),
		FX(test_provisioning_read_nok_serial),
		FX(test_provisioning_read_nok_serial_too_long),
		FX(test_provisioning_read_nok_key_set_file),
		FX(test_provisioning_read_nok_device_key_length),
		FX(test_provisioning_read_nok_missing_vendor_key),
		FX(test_provisioning_read_nok_permissions),
		FX(test_keyfile_format_nok_no_room),
		FX(test_issue_log_append_ok_lines),
		FX(test_issue_log_append_ok_store),
		FX(test_issue_log_append_nok_open_log),
		FX(test_issue_log_operator_sudo_user),
	};
#undef FX

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
