/*
 * test_accounts_conffile.c: the conffile accounts backend
 * (backends/accounts/conffile.c) in its two presets, motioneye and
 * htpasswd, through backends/accounts/accounts.h, against real files in a
 * fresh folder, opened from YAML text as the wizard opens them.
 *
 * What the backend writes is checked by the software that reads it:
 * htpasswd -v (apache2-utils) for htpasswd files, argon2-cffi (Debian's
 * python3-argon2, the library motionEye 0.44 checks with) for motionEye's
 * argon2 hashes, Python's hashlib for its SHA1. Hashes the backend must
 * accept are made by those tools and by openssl passwd -apr1. Passwords
 * reach every tool on standard input, never in argv. A missing tool
 * skips its case.
 *
 * The tests run as root: each file is given to a test uid and gid with
 * mode 0640, which a change must keep.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "backends/accounts/accounts.h"
#include "backends/accounts/conffile_parse.h"
#include "backends/accounts/hash_form.h"
#include "backends/accounts/hash_scheme.h"
#include "backends/registry.h"
#include "config/config.h"
#include "config/diag.h"
#include "tests/unit/support.h"

#define TEST_UID 4242
#define TEST_GID 4343
#define PYTHON "/usr/bin/python3"
#define HTPASSWD "/usr/bin/htpasswd"
#define OPENSSL "/usr/bin/openssl"

/* ------------------------------------------------------------------ */
/* Fixture                                                             */

struct cf_fx {
	struct support_fx *fx;
	struct accounts acc;
	char *web;		/* DIR/web, the file's folder */
	char *file;		/* DIR/web/FILE */
};

static int
fx_setup(void **state)
{
	struct support_fx *inner = NULL;
	struct cf_fx *t = support_fx_wrap(sizeof(*t), "conffile", &inner);

	if (t == NULL)
		return -1;
	t->fx = inner;
	if (asprintf(&t->web, "%s/web", t->fx->dir) < 0 ||
	    mkdir(t->web, 0755) != 0)
		return -1;
	*state = t;
	return 0;
}

/* Closes the backend and frees the config, if open. */
static void
close_store(struct cf_fx *t)
{
	support_close_accounts(t->fx, &t->acc);
}

static int
fx_teardown(void **state)
{
	struct cf_fx *t = *state;
	void *inner = t->fx;

	close_store(t);
	free(t->web);
	free(t->file);
	free(t);
	return support_fx_teardown(&inner);
}

/* Writes TEXT as web/NAME, the test uid's, mode 0640. */
static void
put_file(struct cf_fx *t, const char *name, const char *text)
{
	free(t->file);
	assert_true(asprintf(&t->file, "%s/%s", t->web, name) > 0);
	support_write_file(t->file, text, strlen(text), 0640);
	assert_int_equal(chown(t->file, TEST_UID, TEST_GID), 0);
}

static char *
slurp(const char *path)
{
	size_t len;
	char *text = support_slurp(path, &len);

	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	return text;
}

static void
assert_file_is(const char *path, const char *want)
{
	char *got = slurp(path);

	if (strcmp(got, want) != 0)
		print_error("%s changed:\n--- want\n%s--- got\n%s---\n", path,
		    want, got);
	assert_string_equal(got, want);
	free(got);
}

static void
assert_owner_mode(const char *path)
{
	struct stat sb;

	assert_int_equal(lstat(path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_uid, TEST_UID);
	assert_int_equal(sb.st_gid, TEST_GID);
	assert_int_equal(sb.st_mode & 07777, 0640);
}

/* Loads accounts: with BACKEND and SETTINGS (YAML lines under it) and
 * opens it into t->acc; registry_open_accounts' result. */
static int
open_text(struct cf_fx *t, const char *backend, const char *settings)
{
	char *text;
	int rc;

	close_store(t);
	assert_true(asprintf(&text,
	    "device:\n"
	    "  backend: static\n"
	    "  model: M\n"
	    "  serial: S\n"
	    "  firmware: F\n"
	    "accounts:\n"
	    "  backend: %s\n"
	    "  path: %s\n"
	    "  lock_timeout_ms: 200\n"
	    "%s", backend, t->file, settings) > 0);
	if (support_load_text(t->fx, text) != 0) {
		diag_print(&t->fx->cfg.diags, stderr);
		free(text);
		fail();
	}
	free(text);
	rc = registry_open_accounts(&t->fx->cfg.stores[0].section, &t->acc);
	return rc;
}

static void
open_ok(struct cf_fx *t, const char *backend, const char *settings)
{
	if (open_text(t, backend, settings) != 0) {
		diag_print(&t->fx->cfg.diags, stderr);
		fail();
	}
	assert_diag_count(&t->fx->cfg.diags, 0);
}

/* Opening fails, with one diagnostic that holds WANT (with "%s" for
 * the file's path). */
static void
open_refused(struct cf_fx *t, const char *backend, const char *settings,
    const char *want)
{
	char *printed, *expanded = support_expand(want, t->file);

	assert_int_equal(open_text(t, backend, settings), -1);
	assert_null(t->acc.ops);
	printed = support_printed(&t->fx->cfg.diags);
	if (strstr(printed, expanded) == NULL)
		print_error("want '%s' in:\n%s", expanded, printed);
	assert_non_null(strstr(printed, expanded));
	free(printed);
	free(expanded);
}

static int
verify(struct cf_fx *t, const char *name, const char *password)
{
	struct nvr_error err;

	return t->acc.ops->verify(t->acc.state, name, password, &err);
}

static void
set_ok(struct cf_fx *t, const char *name, const char *password)
{
	struct nvr_error err;
	int rc = t->acc.ops->set_password(t->acc.state, name, password, &err);

	if (rc != 0)
		print_error("set_password: %s\n", err.message);
	assert_int_equal(rc, 0);
}

static void
list(struct cf_fx *t, struct account *a, size_t max, size_t *count)
{
	struct nvr_error err;

	assert_int_equal(t->acc.ops->list(t->acc.state, a, max, count, &err),
	    0);
}

/* ------------------------------------------------------------------ */
/* Other programs                                                      */

/* Runs ARGV with INPUT on its standard input; its standard output (up
 * to SIZE - 1 bytes, the last newline cut) into OUT. Returns its exit
 * status, or -1 if it could not run. */
static int
run(const char *const argv[], const char *input, char *out, size_t size)
{
	int in[2], from[2], status;
	size_t used = 0;
	pid_t pid;

	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(from), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(from[1], 1);
		close(in[1]);
		close(from[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(from[1]);
	if (write(in[1], input, strlen(input)) != (ssize_t)strlen(input))
		fail();
	close(in[1]);
	for (;;) {
		ssize_t n = out != NULL && used + 1 < size ?
		    read(from[0], out + used, size - used - 1) :
		    read(from[0], &(char){ 0 }, 1);

		if (n <= 0)
			break;
		if (out != NULL && used + 1 < size)
			used += (size_t)n;
	}
	close(from[0]);
	if (out != NULL) {
		out[used] = '\0';
		if (used > 0 && out[used - 1] == '\n')
			out[used - 1] = '\0';
	}
	while (waitpid(pid, &status, 0) < 0)
		assert_int_equal(errno, EINTR);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool
have(const char *path)
{
	return access(path, X_OK) == 0;
}

static bool
have_argon2_cffi(void)
{
	const char *argv[] = { PYTHON, "-c", "import argon2", NULL };

	return have(PYTHON) && run(argv, "", NULL, 0) == 0;
}

/* PASSWORD hashed by argon2-cffi's PasswordHasher, with its defaults
 * (Debian 12's: p=8) or PARALLELISM lanes. */
static void
cffi_hash(const char *password, int parallelism, char *out, size_t size)
{
	char script[256];
	const char *argv[] = { PYTHON, "-c", script, NULL };

	snprintf(script, sizeof(script), "import sys, argon2; "
	    "ph = argon2.PasswordHasher(%s); "
	    "print(ph.hash(sys.stdin.readline().rstrip('\\n')))",
	    parallelism > 0 ? "parallelism=4, memory_cost=8192" : "");
	assert_int_equal(run(argv, password, out, size), 0);
	assert_true(strncmp(out, "$argon2id$", 10) == 0);
}

/* argon2-cffi's verdict on PASSWORD and HASH (both on stdin): 0 if it
 * matches, 1 if not. */
static int
cffi_verify(const char *hash, const char *password)
{
	char input[512];
	const char *argv[] = { PYTHON, "-c", "import sys, argon2\n"
	    "h = sys.stdin.readline().rstrip('\\n')\n"
	    "p = sys.stdin.readline().rstrip('\\n')\n"
	    "try:\n"
	    "    argon2.PasswordHasher().verify(h, p)\n"
	    "except argon2.exceptions.VerificationError:\n"
	    "    sys.exit(1)\n"
	    "except argon2.exceptions.InvalidHash:\n"
	    "    sys.exit(1)\n", NULL };

	snprintf(input, sizeof(input), "%s\n%s\n", hash, password);
	return run(argv, input, NULL, 0);
}

/* Python's hashlib: the SHA1 of PASSWORD in hex, or base64 for {SHA}. */
static void
py_sha1(const char *password, bool base64, char *out, size_t size)
{
	const char *argv[] = { PYTHON, "-c", base64 ?
	    "import sys, hashlib, base64; print('{SHA}' + base64.b64encode("
	    "hashlib.sha1(sys.stdin.read().encode()).digest()).decode())" :
	    "import sys, hashlib; print(hashlib.sha1(sys.stdin.read()."
	    "encode()).hexdigest())", NULL };

	assert_int_equal(run(argv, password, out, size), 0);
}

/* htpasswd -v -i: 0 if PASSWORD (on stdin) is USER's in PATH. */
static int
htpasswd_verify(const char *path, const char *user, const char *password)
{
	const char *argv[] = { HTPASSWD, "-v", "-i", path, user, NULL };

	return run(argv, password, NULL, 0);
}

/* USER:HASH as htpasswd -n -i FLAG makes it, into OUT. */
static void
htpasswd_line(const char *flag, const char *user, const char *password,
    char *out, size_t size)
{
	const char *argv[] = { HTPASSWD, "-n", "-i", flag, user, NULL };

	assert_int_equal(run(argv, password, out, size), 0);
	out[strcspn(out, "\n")] = '\0';
}

/* The one line of TEXT that differs from OLD's, both of the same count
 * of lines but one (ADDED); fails on anything else. */
static void
assert_one_line_changed(const char *old, const char *now, int added)
{
	const char *a = old, *b = now;
	int differing = 0, old_lines = 0, new_lines = 0;

	for (const char *p = old; *p; p++)
		old_lines += *p == '\n';
	for (const char *p = now; *p; p++)
		new_lines += *p == '\n';
	assert_int_equal(new_lines, old_lines + added);
	if (added) {
		/* motionEye's missing line goes first: the rest is as it was. */
		const char *rest = strchr(now, '\n');

		assert_non_null(rest);
		assert_string_equal(rest + 1, old);
		return;
	}
	while (*a && *b) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

		if (la != lb || memcmp(a, b, la) != 0)
			differing++;
		a += la + (a[la] == '\n');
		b += lb + (b[lb] == '\n');
	}
	assert_true(*a == '\0' && *b == '\0');
	assert_int_equal(differing, 1);
}

/* The value of "# @KEY " in TEXT, into OUT. */
static void
motion_value(const char *text, const char *key, char *out, size_t size)
{
	char prefix[64];
	const char *at;

	snprintf(prefix, sizeof(prefix), "# @%s ", key);
	at = strstr(text, prefix);
	assert_non_null(at);
	at += strlen(prefix);
	snprintf(out, size, "%.*s", (int)strcspn(at, "\n"), at);
}

/* ------------------------------------------------------------------ */
/* motionEye                                                           */

/* motion.conf as motionEye 0.43.1 writes it (config.py's _dict_to_conf:
 * the @ lines first as comments, a blank line, motion's own), with the
 * admin's password "password" as its SHA1 and the normal user's as
 * motionEye 0.43 keeps it, in plain text. */
static const char motion_043[] =
    "# @admin_username admin\n"
    "# @normal_username viewer\n"
    "# @admin_password 5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8\n"
    "# @lang en\n"
    "# @enabled on\n"
    "# @normal_password Viewer-Pass-7\n"
    "\n"
    "setup_mode off\n"
    "webcontrol_port 7999\n"
    "webcontrol_interface 1\n"
    "webcontrol_localhost on\n"
    "webcontrol_parms 2\n"
    "\n"
    "camera camera-1.conf\n";

/* motionEye 0.44.0's, with its secrets and an argon2 admin password
 * (@ADMIN@) made by argon2-cffi; the normal user still has 0.43's SHA1
 * of "Viewer-Pass-7" (0.44 takes it and migrates it at the next login). */
static char *
motion_044_with(const char *admin_hash, const char *normal)
{
	char *text;

	assert_true(asprintf(&text,
	    "# @admin_username admin\n"
	    "# @normal_username viewer\n"
	    "# @admin_password %s\n"
	    "# @lang en\n"
	    "# @enabled on\n"
	    "# @normal_password %s\n"
	    "# @relay_secret 8c7f6e5d4c3b2a1908f7e6d5c4b3a2918c7f6e5d4c3b2a190"
	    "8f7e6d5c4b3a291\n"
	    "# @client_secret 1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081"
	    "92a3b4c5d6e7f809\n"
	    "\n"
	    "setup_mode off\n"
	    "webcontrol_port 7999\n"
	    "webcontrol_interface 1\n"
	    "webcontrol_localhost on\n"
	    "webcontrol_parms 2\n"
	    "\n"
	    "camera camera-1.conf\n", admin_hash, normal) > 0);
	return text;
}

static char *
motion_044(const char *admin_hash)
{
	return motion_044_with(admin_hash,
	    "0d1f5ed1d5fbd7b1a8e0f0f1c5a0ab2c2b0d3c4e");
}

static void
test_motioneye_open_ok_043(void **state)
{
	struct cf_fx *t = *state;
	struct account a[4];
	size_t n;

	put_file(t, "motion.conf", motion_043);
	open_ok(t, "motioneye", "  version: \"0.43\"\n");
	assert_ptr_equal(t->acc.ops, accounts_motioneye_impl.ops);
	list(t, a, 4, &n);
	assert_int_equal(n, 2);
	assert_string_equal(a[0].name, "admin");
	assert_true(a[0].admin);
	assert_int_equal(a[0].password, ACCOUNT_PASSWORD_SET);
	assert_int_equal(a[0].uid, (uid_t)-1);
	assert_string_equal(a[1].name, "viewer");
	assert_false(a[1].admin);
	assert_int_equal(a[1].password, ACCOUNT_PASSWORD_SET);
	/* Opening and listing write nothing. */
	assert_file_is(t->file, motion_043);
}

static void
test_motioneye_verify_ok_043_sha1_and_plain(void **state)
{
	struct cf_fx *t = *state;

	put_file(t, "motion.conf", motion_043);
	open_ok(t, "motioneye", "  version: \"0.43\"\n");
	assert_int_equal(verify(t, "admin", "password"), 0);
	assert_int_equal(verify(t, "viewer", "Viewer-Pass-7"), 0);
	assert_int_equal(verify(t, "admin", "Password"), -EACCES);
	assert_int_equal(verify(t, "viewer", "viewer-pass-7"), -EACCES);
	assert_int_equal(verify(t, "nobody", "password"), -EACCES);
	/* The SHA1 itself is a password to motionEye 0.43 (its signatures
	 * take the stored value as the key): checked as motionEye does. */
	assert_int_equal(verify(t, "admin",
	    "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8"), 0);
}

static void
test_motioneye_set_password_ok_043_sha1(void **state)
{
	struct cf_fx *t = *state;
	char value[128], want[64];
	char *now;

	if (!have(PYTHON))
		skip();
	put_file(t, "motion.conf", motion_043);
	open_ok(t, "motioneye", "  version: \"0.43\"\n");
	set_ok(t, "viewer", "Blue-Harbour-Lamp-42");
	now = slurp(t->file);
	assert_one_line_changed(motion_043, now, 0);
	motion_value(now, "normal_password", value, sizeof(value));
	py_sha1("Blue-Harbour-Lamp-42", false, want, sizeof(want));
	assert_string_equal(value, want);
	assert_owner_mode(t->file);
	assert_int_equal(verify(t, "viewer", "Blue-Harbour-Lamp-42"), 0);
	assert_int_equal(verify(t, "viewer", "Viewer-Pass-7"), -EACCES);
	/* The screen is told it is weak, and the fix. */
	assert_non_null(t->acc.ops->weak_note);
	assert_non_null(strstr(t->acc.ops->weak_note(t->acc.state, "viewer"),
	    "version: 0.44"));
	free(now);
}

static void
test_motioneye_set_password_nok_043_over_argon2(void **state)
{
	struct cf_fx *t = *state;
	char *text = motion_044("$argon2id$v=19$m=8192,t=2,p=4$c29tZXNhbHQx"
	    "MjM0NTY$yFCjcRhNJv0oV2gAXHDuxCI5I0l1vCHlUXcAsr1lRC4");
	struct nvr_error err;

	/* A 0.43 config over a file of 0.44: never the weaker SHA1. */
	put_file(t, "motion.conf", text);
	open_ok(t, "motioneye", "  version: \"0.43\"\n");
	assert_int_equal(t->acc.ops->set_password(t->acc.state, "admin",
	    "Blue-Harbour-Lamp-42", &err), -EPERM);
	assert_non_null(strstr(err.message, "weaker"));
	assert_file_is(t->file, text);
	free(text);
}

static void
test_motioneye_verify_ok_044_argon2_cffi(void **state)
{
	struct cf_fx *t = *state;
	char hash[256], hash4[256];
	char *text;

	if (!have_argon2_cffi())
		skip();
	/* Debian 12's argon2-cffi writes p=8, newer ones p=4: libsodium
	 * checks neither, libargon2 both. */
	cffi_hash("Red-Window-Chair-9", 0, hash, sizeof(hash));
	assert_non_null(strstr(hash, ",p=8$"));
	cffi_hash("Red-Window-Chair-9", 4, hash4, sizeof(hash4));
	assert_non_null(strstr(hash4, ",p=4$"));
	text = motion_044(hash);
	put_file(t, "motion.conf", text);
	open_ok(t, "motioneye", "  version: \"0.44\"\n");
	assert_int_equal(verify(t, "admin", "Red-Window-Chair-9"), 0);
	assert_int_equal(verify(t, "admin", "Red-Window-Chair-8"), -EACCES);
	free(text);
	text = motion_044(hash4);
	put_file(t, "motion.conf", text);
	assert_int_equal(verify(t, "admin", "Red-Window-Chair-9"), 0);
	assert_int_equal(verify(t, "admin", "red-window-chair-9"), -EACCES);
	free(text);
}

static void
test_motioneye_set_password_ok_044_argon2(void **state)
{
	struct cf_fx *t = *state;
	char value[256], want[64];
	char *text, *now;

	if (!have_argon2_cffi())
		skip();
	py_sha1("Viewer-Pass-7", false, want, sizeof(want));
	/* The fixture's normal user: 0.43's SHA1 of Viewer-Pass-7. */
	text = motion_044_with("", want);
	put_file(t, "motion.conf", text);
	open_ok(t, "motioneye", "  version: \"0.44\"\n");
	/* 0.44 still takes the legacy SHA1 (and migrates it). */
	assert_int_equal(verify(t, "viewer", "Viewer-Pass-7"), 0);
	set_ok(t, "admin", "Green-Valley-Road-31");
	now = slurp(t->file);
	assert_one_line_changed(text, now, 0);
	motion_value(now, "admin_password", value, sizeof(value));
	assert_true(strncmp(value, "$argon2id$v=19$m=65536,t=3,p=4$", 31) ==
	    0);
	/* motionEye's own library accepts it, and only for that password. */
	assert_int_equal(cffi_verify(value, "Green-Valley-Road-31"), 0);
	assert_int_equal(cffi_verify(value, "Green-Valley-Road-30"), 1);
	assert_owner_mode(t->file);
	assert_int_equal(verify(t, "admin", "Green-Valley-Road-31"), 0);
	assert_null(t->acc.ops->weak_note(t->acc.state, "admin"));
	/* The SHA1 is replaced by argon2 too. */
	set_ok(t, "viewer", "Viewer-Pass-8-Longer");
	free(now);
	now = slurp(t->file);
	motion_value(now, "normal_password", value, sizeof(value));
	assert_int_equal(cffi_verify(value, "Viewer-Pass-8-Longer"), 0);
	free(now);
	free(text);
}

/* A motion.conf motionEye has not saved yet: no @ lines, so motionEye's
 * defaults (admin and user, no passwords), and a password set gets its
 * line first in the file. */
static void
test_motioneye_set_password_ok_missing_line(void **state)
{
	static const char bare[] = "setup_mode off\nwebcontrol_port 7999\n";
	struct cf_fx *t = *state;
	struct account a[4];
	size_t n;
	char *now;

	put_file(t, "motion.conf", bare);
	open_ok(t, "motioneye", "  version: \"0.44\"\n");
	list(t, a, 4, &n);
	assert_int_equal(n, 2);
	assert_string_equal(a[0].name, "admin");
	assert_int_equal(a[0].password, ACCOUNT_PASSWORD_EMPTY);
	assert_string_equal(a[1].name, "user");
	assert_int_equal(a[1].password, ACCOUNT_PASSWORD_EMPTY);
	assert_true(accounts_admin_needs_password(&t->acc));
	set_ok(t, "admin", "Green-Valley-Road-31");
	now = slurp(t->file);
	assert_one_line_changed(bare, now, 1);
	assert_true(strncmp(now, "# @admin_password $argon2id$", 28) == 0);
	assert_false(accounts_admin_needs_password(&t->acc));
	free(now);
}

/* "# @admin_password" with nothing after it (motionEye writes a blank
 * there, a hand may not): the value gets its blank. */
static void
test_motioneye_set_password_ok_empty_value(void **state)
{
	static const char text[] = "# @admin_username boss\n"
	    "# @admin_password\n# @normal_password \n";
	struct cf_fx *t = *state;
	char *now;

	put_file(t, "motion.conf", text);
	open_ok(t, "motioneye", "  version: \"0.43\"\n");
	set_ok(t, "boss", "Green-Valley-Road-31");
	now = slurp(t->file);
	assert_one_line_changed(text, now, 0);
	assert_non_null(strstr(now, "# @admin_password "));
	assert_int_equal(strcspn(strstr(now, "# @admin_password ") + 18, "\n"),
	    40);
	free(now);
}

static void
test_motioneye_open_nok_unparsable(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "# @admin_username admin\n# @admin_password x\n"
		  "# @admin_password y\n", "%s:3: @admin_password again (it "
		  "is on line 2)" },
		{ "# @admin_username admin\r\n", "%s:1: a control character "
		  "(0x0d)" },
		{ "setup_mode off\n# @lang e\x1bn\n", "%s:2: a control "
		  "character (0x1b)" },
		{ "# @admin_username same\n# @normal_username same\n",
		  "%s:2: the normal user has the administrator's name" },
		{ "# @admin_password $argon2id$v=19$m=2097152,t=2,p=4$"
		  "c29tZXNhbHQxMjM0NTY$yFCjcRhNJv0oV2gAXHDuxCI5I0l1vCHlUXcAsr1"
		  "lRC4\n", "%s:1: an argon2 hash that needs more than 1 GiB" },
	};
	struct cf_fx *t = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put_file(t, "motion.conf", cases[i].text);
		open_refused(t, "motioneye", "  version: \"0.44\"\n",
		    cases[i].want);
		assert_file_is(t->file, cases[i].text);
	}
	/* A NUL too. */
	support_write_file(t->file, "# @lang en\n\0x\n", 14, 0640);
	open_refused(t, "motioneye", "  version: \"0.44\"\n",
	    "%s:2: a control character (0x00)");
}

static void
test_motioneye_open_nok_version_required(void **state)
{
	struct cf_fx *t = *state;

	put_file(t, "motion.conf", motion_043);
	close_store(t);
	{
		char *text;

		assert_true(asprintf(&text, "device:\n  backend: static\n"
		    "  model: M\n  serial: S\n  firmware: F\naccounts:\n"
		    "  backend: motioneye\n  path: %s\n", t->file) > 0);
		assert_int_equal(support_load_text(t->fx, text), -1);
		free(text);
	}
	assert_diag(&t->fx->cfg.diags, 7, 3, "accounts is missing required "
	    "key 'version'");
}

static void
test_motioneye_factory_reset_ok_043(void **state)
{
	struct cf_fx *t = *state;
	char admin[128], normal[128];
	struct nvr_error err;
	struct account a[4];
	struct stat before, after;
	char *now, *again;
	size_t n;

	put_file(t, "motion.conf", motion_043);
	open_ok(t, "motioneye", "  version: \"0.43\"\n");
	assert_int_equal(t->acc.ops->factory_reset(t->acc.state,
	    ACCOUNT_RESET_ALL, &err), 0);
	now = slurp(t->file);
	motion_value(now, "admin_password", admin, sizeof(admin));
	motion_value(now, "normal_password", normal, sizeof(normal));
	assert_true(hash_form_is_reset(admin, strlen(admin)));
	assert_true(hash_form_is_reset(normal, strlen(normal)));
	assert_string_not_equal(admin, normal);
	/* No old hash or password is left. */
	assert_null(strstr(now, "5baa61e4"));
	assert_null(strstr(now, "Viewer-Pass-7"));
	assert_owner_mode(t->file);
	list(t, a, 4, &n);
	assert_int_equal(a[0].password, ACCOUNT_PASSWORD_LOCKED);
	assert_int_equal(a[1].password, ACCOUNT_PASSWORD_LOCKED);
	assert_true(accounts_admin_needs_password(&t->acc));
	assert_int_equal(verify(t, "admin", "password"), -EACCES);
	/* Idempotent: a second reset writes nothing. */
	assert_int_equal(stat(t->file, &before), 0);
	assert_int_equal(t->acc.ops->factory_reset(t->acc.state,
	    ACCOUNT_RESET_ALL, &err), 0);
	assert_int_equal(stat(t->file, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	again = slurp(t->file);
	assert_string_equal(now, again);
	/* First-boot setup then sets the admin's. */
	set_ok(t, "admin", "Green-Valley-Road-31");
	assert_false(accounts_admin_needs_password(&t->acc));
	free(now);
	free(again);
}

/* The reset button's password tier: the admin's password alone, the
 * normal user's left byte for byte. */
static void
test_motioneye_factory_reset_ok_admin_only(void **state)
{
	struct cf_fx *t = *state;
	char admin[128], normal[128];
	struct nvr_error err;
	struct account a[4];
	char *now;
	size_t n;

	put_file(t, "motion.conf", motion_043);
	open_ok(t, "motioneye", "  version: \"0.43\"\n");
	assert_int_equal(t->acc.ops->factory_reset(t->acc.state,
	    ACCOUNT_RESET_ADMIN, &err), 0);
	now = slurp(t->file);
	motion_value(now, "admin_password", admin, sizeof(admin));
	motion_value(now, "normal_password", normal, sizeof(normal));
	assert_true(hash_form_is_reset(admin, strlen(admin)));
	assert_string_equal(normal, "Viewer-Pass-7");
	assert_one_line_changed(motion_043, now, 0);
	list(t, a, 4, &n);
	assert_int_equal(a[0].password, ACCOUNT_PASSWORD_LOCKED);
	assert_int_equal(a[1].password, ACCOUNT_PASSWORD_SET);
	assert_true(accounts_admin_needs_password(&t->acc));
	free(now);
}

static void
test_motioneye_factory_reset_ok_044(void **state)
{
	struct cf_fx *t = *state;
	struct nvr_error err;
	struct stat before, after;
	char value[128];
	char *text = motion_044(""), *now;

	put_file(t, "motion.conf", text);
	open_ok(t, "motioneye", "  version: \"0.44\"\n");
	/* An empty password lets anyone in: the reset locks it too. */
	assert_true(accounts_admin_needs_password(&t->acc));
	assert_int_equal(t->acc.ops->factory_reset(t->acc.state,
	    ACCOUNT_RESET_ALL, &err), 0);
	now = slurp(t->file);
	motion_value(now, "admin_password", value, sizeof(value));
	assert_string_equal(value, HASH_LOCKED_ARGON2);
	motion_value(now, "normal_password", value, sizeof(value));
	assert_string_equal(value, HASH_LOCKED_ARGON2);
	if (have_argon2_cffi())
		assert_int_equal(cffi_verify(HASH_LOCKED_ARGON2, ""), 1);
	assert_true(accounts_admin_needs_password(&t->acc));
	assert_int_equal(stat(t->file, &before), 0);
	assert_int_equal(t->acc.ops->factory_reset(t->acc.state,
	    ACCOUNT_RESET_ALL, &err), 0);
	assert_int_equal(stat(t->file, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	free(now);
	free(text);
}

/* ------------------------------------------------------------------ */
/* htpasswd                                                            */

/* An htpasswd file with a comment, a blank line, a bcrypt admin made
 * by htpasswd -B, an $apr1$ user made by openssl passwd -apr1 and a
 * {SHA} user made by hashlib; each password is NAME-Pass-1. */
static char *
htpasswd_fixture(void)
{
	char admin[256], carol[256], apr[256], sha[256];
	const char *apr_argv[] = { OPENSSL, "passwd", "-apr1", "-stdin", NULL };
	char *text;

	htpasswd_line("-B", "admin", "admin-Pass-1", admin, sizeof(admin));
	htpasswd_line("-B", "carol", "carol-Pass-1", carol, sizeof(carol));
	assert_int_equal(run(apr_argv, "bob-Pass-1", apr, sizeof(apr)), 0);
	py_sha1("dave-Pass-1", true, sha, sizeof(sha));
	assert_true(asprintf(&text, "# web UI users\n%s\n\n%s:Carol\n"
	    "bob:%s\ndave:%s\n", admin, carol, apr, sha) > 0);
	return text;
}

static bool
have_htpasswd_tools(void)
{
	return have(HTPASSWD) && have(OPENSSL) && have(PYTHON);
}

static void
test_htpasswd_list_ok_admin_first(void **state)
{
	struct cf_fx *t = *state;
	struct account a[8];
	size_t n;
	char *text;

	if (!have_htpasswd_tools())
		skip();
	text = htpasswd_fixture();
	put_file(t, "htpasswd", text);
	open_ok(t, "htpasswd", "");
	assert_ptr_equal(t->acc.ops, accounts_htpasswd_impl.ops);
	list(t, a, 8, &n);
	assert_int_equal(n, 4);
	assert_string_equal(a[0].name, "admin");
	assert_true(a[0].admin);
	assert_string_equal(a[1].name, "carol");
	assert_string_equal(a[2].name, "bob");
	assert_string_equal(a[3].name, "dave");
	for (size_t i = 0; i < n; i++)
		assert_int_equal(a[i].password, ACCOUNT_PASSWORD_SET);
	assert_file_is(t->file, text);
	free(text);
}

static void
test_htpasswd_verify_ok_every_kind(void **state)
{
	struct cf_fx *t = *state;
	char *text;

	if (!have_htpasswd_tools())
		skip();
	text = htpasswd_fixture();
	put_file(t, "htpasswd", text);
	open_ok(t, "htpasswd", "");
	assert_int_equal(verify(t, "admin", "admin-Pass-1"), 0);
	assert_int_equal(verify(t, "carol", "carol-Pass-1"), 0);
	assert_int_equal(verify(t, "bob", "bob-Pass-1"), 0);
	assert_int_equal(verify(t, "dave", "dave-Pass-1"), 0);
	assert_int_equal(verify(t, "admin", "admin-Pass-2"), -EACCES);
	assert_int_equal(verify(t, "bob", "bob-Pass-2"), -EACCES);
	assert_int_equal(verify(t, "dave", "dave-pass-1"), -EACCES);
	assert_int_equal(verify(t, "eve", "admin-Pass-1"), -EACCES);
	free(text);
}

/* Apache's documented examples (httpd's "Password Formats" page), one
 * known answer and one wrong password each. */
static void
test_hash_scheme_ok_published_vectors(void **state)
{
	static const char apr1[] = "$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/";
	static const char sha[] = "{SHA}VBPuJHI7uixaa6LQGWx4s+5GKNE=";
	char out[HASH_APR1_MAX];
	struct hash_form form;
	struct nvr_error err;

	(void)state;
	hash_scheme_apr1("myPassword", "r31.....", 8, out);
	assert_string_equal(out, apr1);
	assert_null(hash_form_read(apr1, strlen(apr1), HASH_RULES_HTPASSWD,
	    &form));
	assert_int_equal(form.kind, HASH_APR1);
	assert_int_equal(hash_scheme_verify(&form, apr1, strlen(apr1),
	    "myPassword", &err), 0);
	assert_int_equal(hash_scheme_verify(&form, apr1, strlen(apr1),
	    "mypassword", &err), -EACCES);
	assert_null(hash_form_read(sha, strlen(sha), HASH_RULES_HTPASSWD,
	    &form));
	assert_int_equal(form.kind, HASH_SHA1_B64);
	assert_int_equal(hash_scheme_verify(&form, sha, strlen(sha),
	    "myPassword", &err), 0);
	assert_int_equal(hash_scheme_verify(&form, sha, strlen(sha),
	    "myPassword ", &err), -EACCES);
}

/* $apr1$ against openssl's, for passwords of every length to 40 (the
 * length's bits steer the rounds) and salts of 0 to 8 bytes. */
static void
test_hash_scheme_ok_apr1_openssl(void **state)
{
	static const char salts[][9] = { "", "a", "Zz9./", "abcdefgh" };
	char pw[48] = "", out[HASH_APR1_MAX], want[128], salt_arg[16];

	(void)state;
	if (!have(OPENSSL))
		skip();
	for (size_t len = 1; len <= 40; len += 3) {
		for (size_t i = 0; i < len; i++)
			pw[i] = (char)('!' + (i * 7 + len) % 90);
		pw[len] = '\0';
		for (size_t s = 1; s < sizeof(salts) / sizeof(salts[0]); s++) {
			const char *argv[] = { OPENSSL, "passwd", "-apr1",
			    "-salt", salt_arg, "-stdin", NULL };

			snprintf(salt_arg, sizeof(salt_arg), "%s", salts[s]);
			assert_int_equal(run(argv, pw, want, sizeof(want)), 0);
			hash_scheme_apr1(pw, salts[s], strlen(salts[s]), out);
			assert_string_equal(out, want);
		}
	}
}

static void
test_htpasswd_set_password_ok_bcrypt(void **state)
{
	struct cf_fx *t = *state;
	char *text, *now;

	if (!have_htpasswd_tools())
		skip();
	text = htpasswd_fixture();
	put_file(t, "htpasswd", text);
	open_ok(t, "htpasswd", "  admin: admin\n");
	set_ok(t, "admin", "Orange-Bridge-Tower-5");
	now = slurp(t->file);
	assert_one_line_changed(text, now, 0);
	assert_non_null(strstr(now, "\nadmin:$2y$"));
	assert_owner_mode(t->file);
	assert_int_equal(htpasswd_verify(t->file, "admin",
	    "Orange-Bridge-Tower-5"), 0);
	assert_int_equal(htpasswd_verify(t->file, "admin", "admin-Pass-1"),
	    3);
	assert_int_equal(htpasswd_verify(t->file, "bob", "bob-Pass-1"), 0);
	assert_null(t->acc.ops->weak_note(t->acc.state, "admin"));
	/* The apr1 user gets bcrypt; carol's third field stays. */
	set_ok(t, "bob", "Orange-Bridge-Tower-6");
	set_ok(t, "carol", "Orange-Bridge-Tower-7");
	free(now);
	now = slurp(t->file);
	assert_non_null(strstr(now, "\nbob:$2y$"));
	assert_non_null(strstr(now, ":Carol\n"));
	assert_int_equal(htpasswd_verify(t->file, "bob",
	    "Orange-Bridge-Tower-6"), 0);
	/* htpasswd -v takes carol's third field for part of the hash;
	 * Apache's mod_authn_file (and the backend) reads to the ':'. */
	assert_int_equal(verify(t, "carol", "Orange-Bridge-Tower-7"), 0);
	assert_non_null(strstr(now, "# web UI users\n"));
	free(now);
	free(text);
}

static void
test_htpasswd_set_password_ok_yescrypt(void **state)
{
	struct cf_fx *t = *state;
	char *now;

	if (!have(HTPASSWD))
		skip();
	put_file(t, "htpasswd", "admin:!\n");
	open_ok(t, "htpasswd", "  hash: yescrypt\n");
	assert_true(accounts_admin_needs_password(&t->acc));
	set_ok(t, "admin", "Orange-Bridge-Tower-5");
	now = slurp(t->file);
	assert_true(strncmp(now, "admin:$y$", 9) == 0);
	assert_int_equal(htpasswd_verify(t->file, "admin",
	    "Orange-Bridge-Tower-5"), 0);
	free(now);
}

static void
test_htpasswd_set_password_nok_weaker(void **state)
{
	struct cf_fx *t = *state;
	struct nvr_error err;
	char line[512], *text;

	if (!have(HTPASSWD))
		skip();
	/* A yescrypt hash there, and a config that writes bcrypt. */
	{
		char hash[HASH_SCHEME_OUTPUT_MAX];

		assert_int_equal(hash_scheme_make(HASH_YESCRYPT, 0, "x-Pass-1",
		    hash, sizeof(hash), &err), 0);
		snprintf(line, sizeof(line), "admin:%s\n", hash);
	}
	text = line;
	put_file(t, "htpasswd", text);
	open_ok(t, "htpasswd", "  hash: bcrypt\n");
	assert_int_equal(verify(t, "admin", "x-Pass-1"), 0);
	assert_int_equal(t->acc.ops->set_password(t->acc.state, "admin",
	    "Orange-Bridge-Tower-5", &err), -EPERM);
	assert_file_is(t->file, text);
}

static void
test_htpasswd_open_nok_unparsable(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "# users\nadmin:$2y$05$abc\nbob\n", "%s:3: not user:hash "
		  "(no ':')" },
		{ "admin:x\nbob:y\nadmin:z\n", "%s:3: a user of line 1 again" },
		{ "admin:x\r\n", "%s:1: a control character (0x0d)" },
		{ ":x\n", "%s:1: no user name before ':'" },
		{ "admin:x\n bob:y\n", "%s:2: a blank at the start or end" },
		{ "admin:x \n", "%s:1: a blank at the start or end" },
	};
	struct cf_fx *t = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put_file(t, "htpasswd", cases[i].text);
		open_refused(t, "htpasswd", "", cases[i].want);
		assert_file_is(t->file, cases[i].text);
	}
}

/* Damaged after the wizard opened it: refused, and left as it is. */
static void
test_htpasswd_set_password_nok_damaged_after_open(void **state)
{
	static const char damaged[] = "admin:!\nadmin:x\n";
	struct cf_fx *t = *state;
	struct nvr_error err;

	put_file(t, "htpasswd", "admin:!\n");
	open_ok(t, "htpasswd", "");
	support_write_file(t->file, damaged, strlen(damaged), 0640);
	assert_int_equal(t->acc.ops->set_password(t->acc.state, "admin",
	    "Orange-Bridge-Tower-5", &err), -EINVAL);
	assert_non_null(strstr(err.message, ":2: a user of line 1 again"));
	assert_int_equal(t->acc.ops->factory_reset(t->acc.state,
	    ACCOUNT_RESET_ALL, &err),
	    -EINVAL);
	assert_file_is(t->file, damaged);
}

static void
test_htpasswd_factory_reset_ok(void **state)
{
	struct cf_fx *t = *state;
	struct nvr_error err;
	struct stat before, after;
	struct account a[8];
	size_t n;
	char *text, *now;

	if (!have_htpasswd_tools())
		skip();
	text = htpasswd_fixture();
	/* A user whose name the wizard does not offer is reset too. */
	{
		char *more;

		assert_true(asprintf(&more, "%sJohn Smith:{SHA}VBPuJHI7uixaa6L"
		    "QGWx4s+5GKNE=\n", text) > 0);
		free(text);
		text = more;
	}
	put_file(t, "htpasswd", text);
	open_ok(t, "htpasswd", "");
	assert_int_equal(t->acc.ops->factory_reset(t->acc.state,
	    ACCOUNT_RESET_ALL, &err), 0);
	now = slurp(t->file);
	assert_string_equal(now, "# web UI users\nadmin:!\n\ncarol:!:Carol\n"
	    "bob:!\ndave:!\nJohn Smith:!\n");
	assert_owner_mode(t->file);
	list(t, a, 8, &n);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(a[i].password, ACCOUNT_PASSWORD_LOCKED);
	assert_true(accounts_admin_needs_password(&t->acc));
	assert_int_equal(htpasswd_verify(t->file, "admin", "admin-Pass-1"), 3);
	assert_int_equal(stat(t->file, &before), 0);
	assert_int_equal(t->acc.ops->factory_reset(t->acc.state,
	    ACCOUNT_RESET_ALL, &err), 0);
	assert_int_equal(stat(t->file, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	assert_file_is(t->file, now);
	free(now);
	free(text);
}

/* Another wizard holds the folder's lock: busy, nothing written. */
static void
test_htpasswd_set_password_nok_locked(void **state)
{
	struct cf_fx *t = *state;
	struct nvr_error err;
	int fd;

	put_file(t, "htpasswd", "admin:!\n");
	open_ok(t, "htpasswd", "");
	fd = open(t->web, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	/* flock locks are per open file: another descriptor conflicts. */
	assert_int_equal(flock(fd, LOCK_EX), 0);
	assert_int_equal(t->acc.ops->set_password(t->acc.state, "admin",
	    "Orange-Bridge-Tower-5", &err), -EBUSY);
	assert_file_is(t->file, "admin:!\n");
	close(fd);
	set_ok(t, "admin", "Orange-Bridge-Tower-5");
}

/* A folder others could write, or a link in place of the folder: the
 * file is not trusted. */
static void
test_htpasswd_open_nok_untrusted_folder(void **state)
{
	struct cf_fx *t = *state;
	char *link;

	put_file(t, "htpasswd", "admin:!\n");
	assert_int_equal(chmod(t->web, 0777), 0);
	assert_int_equal(open_text(t, "htpasswd", ""), -1);
	assert_int_equal(chmod(t->web, 0755), 0);
	open_ok(t, "htpasswd", "");
	/* Made writable by others after opening: every write refuses. */
	assert_int_equal(chmod(t->web, 0777), 0);
	{
		struct nvr_error err;

		assert_int_equal(t->acc.ops->set_password(t->acc.state,
		    "admin", "Orange-Bridge-Tower-5", &err), -EPERM);
	}
	assert_int_equal(chmod(t->web, 0755), 0);
	close_store(t);
	assert_true(asprintf(&link, "%s/link", t->fx->dir) > 0);
	assert_int_equal(symlink(t->web, link), 0);
	free(t->file);
	assert_true(asprintf(&t->file, "%s/htpasswd", link) > 0);
	open_refused(t, "htpasswd", "", "cannot open the folder of");
	free(link);
}

/* The parser alone: conffile_replace changes one value's bytes. */
static void
test_conffile_replace_ok_one_value(void **state)
{
	static const char text[] = "a:1\nbb:22:x\nc:3";
	struct conffile_parsed p;
	struct nvr_error err;
	size_t len;
	char *out;

	(void)state;
	assert_int_equal(conffile_parse(text, strlen(text), CONFFILE_HTPASSWD,
	    HASH_RULES_HTPASSWD, "f", &p, &err), 0);
	assert_int_equal(p.count, 3);
	out = conffile_replace(text, strlen(text), CONFFILE_HTPASSWD,
	    &p.entries[1], "NEW", &len);
	assert_string_equal(out, "a:1\nbb:NEW:x\nc:3");
	assert_int_equal(len, strlen(out));
	free(out);
	out = conffile_replace(text, strlen(text), CONFFILE_HTPASSWD,
	    &p.entries[2], "NEW", &len);
	assert_string_equal(out, "a:1\nbb:22:x\nc:NEW");
	free(out);
	conffile_parsed_free(&p);
}

/*
 * hash_scheme_fake, the hash spent on unknown accounts: read as the kind
 * a real hash of the same kind and cost is, with the same parameters
 * (so checking it costs the same), of the same length, matched by no
 * password, and new each time.
 */
static void
test_hash_scheme_fake_ok_costs_as_real(void **state)
{
	static const struct {
		enum hash_kind kind;
		unsigned long cost;
		enum hash_rules rules;
		size_t fields;	/* fields ('$' first) of method and cost */
	} cases[] = {
		{ HASH_BCRYPT, 5, HASH_RULES_HTPASSWD, 2 },
		{ HASH_YESCRYPT, 0, HASH_RULES_HTPASSWD, 2 },
		{ HASH_ARGON2, 0, HASH_RULES_MOTIONEYE_044, 3 },
		{ HASH_SHA1_HEX, 0, HASH_RULES_MOTIONEYE_043, 0 },
	};
	struct nvr_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char real[HASH_SCHEME_OUTPUT_MAX], fake[HASH_SCHEME_OUTPUT_MAX];
		char again[HASH_SCHEME_OUTPUT_MAX];
		struct hash_form rf, ff;
		const char *r = real, *f = fake;

		assert_int_equal(hash_scheme_make(cases[i].kind,
		    cases[i].cost, "x-Pass-1", real, sizeof(real), &err), 0);
		assert_int_equal(hash_scheme_fake(cases[i].kind,
		    cases[i].cost, fake, sizeof(fake), &err), 0);
		assert_int_equal(hash_scheme_fake(cases[i].kind,
		    cases[i].cost, again, sizeof(again), &err), 0);
		assert_string_not_equal(fake, again);
		assert_null(hash_form_read(real, strlen(real), cases[i].rules,
		    &rf));
		assert_null(hash_form_read(fake, strlen(fake), cases[i].rules,
		    &ff));
		assert_int_equal(ff.kind, cases[i].kind);
		assert_int_equal(ff.kind, rf.kind);
		assert_int_equal(ff.memory_kib, rf.memory_kib);
		assert_int_equal(ff.passes, rf.passes);
		assert_int_equal(ff.lanes, rf.lanes);
		assert_int_equal(strlen(fake), strlen(real));
		/* The method and cost, up to the salt. */
		for (size_t k = 0; k < cases[i].fields; k++) {
			const char *rn = strchr(r + 1, '$'), *fn = strchr(f + 1,
			    '$');

			assert_non_null(rn);
			assert_non_null(fn);
			assert_int_equal(rn - real, fn - fake);
			r = rn;
			f = fn;
		}
		assert_memory_equal(real, fake, (size_t)(r - real));
		assert_int_equal(hash_scheme_verify(&ff, fake, strlen(fake),
		    "x-Pass-1", &err), -EACCES);
		assert_int_equal(hash_scheme_verify(&ff, fake, strlen(fake),
		    "", &err), -EACCES);
		assert_int_equal(hash_scheme_verify(&rf, real, strlen(real),
		    "x-Pass-1", &err), 0);
	}
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_motioneye_open_ok_043),
		T(test_motioneye_verify_ok_043_sha1_and_plain),
		T(test_motioneye_set_password_ok_043_sha1),
		T(test_motioneye_set_password_nok_043_over_argon2),
		T(test_motioneye_verify_ok_044_argon2_cffi),
		T(test_motioneye_set_password_ok_044_argon2),
		T(test_motioneye_set_password_ok_missing_line),
		T(test_motioneye_set_password_ok_empty_value),
		T(test_motioneye_open_nok_unparsable),
		T(test_motioneye_open_nok_version_required),
		T(test_motioneye_factory_reset_ok_043),
		T(test_motioneye_factory_reset_ok_044),
		T(test_motioneye_factory_reset_ok_admin_only),
		T(test_htpasswd_list_ok_admin_first),
		T(test_htpasswd_verify_ok_every_kind),
		T(test_hash_scheme_ok_published_vectors),
		T(test_hash_scheme_ok_apr1_openssl),
		T(test_hash_scheme_fake_ok_costs_as_real),
		T(test_htpasswd_set_password_ok_bcrypt),
		T(test_htpasswd_set_password_ok_yescrypt),
		T(test_htpasswd_set_password_nok_weaker),
		T(test_htpasswd_open_nok_unparsable),
		T(test_htpasswd_set_password_nok_damaged_after_open),
		T(test_htpasswd_factory_reset_ok),
		T(test_htpasswd_set_password_nok_locked),
		T(test_htpasswd_open_nok_untrusted_folder),
		T(test_conffile_replace_ok_one_value),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
