/*
 * test_policy.c: the password strength policy
 * (backends/accounts/policy.c), opened from YAML as the wizard opens it
 * (accounts: policy:) or with no mapping at all, and judged by the real
 * libpwquality and cracklib dictionary.
 *
 * Every refusal is checked for its exact message, for the message's
 * length (POLICY_MESSAGE_MAX) and for never holding the password or the
 * old one. The missing-dictionary cases hide /var/cache/cracklib under an
 * empty tmpfs in a child's own mount namespace (root only; else skipped).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <libintl.h>
#include <locale.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "backends/accounts/policy.h"
#include "config/config.h"
#include "config/diag.h"
#include "config/document.h"
#include "tests/unit/support.h"

#define CRACKLIB_DIR "/var/cache/cracklib"
#define CHILD_SKIP 77		/* a child could not set up its namespace */

static const char good_passphrase[] = "correct-Horse-battery-77";

/* ------------------------------------------------------------------ */
/* Fixture                                                             */

struct policy_fx {
	struct support_fx *fx;	/* the folder, the config */
	struct policy *policy;	/* closed in teardown */
};

static int
fx_setup(void **state)
{
	struct support_fx *inner = NULL;
	struct policy_fx *t = support_fx_wrap(sizeof(*t), "policy", &inner);

	if (t == NULL)
		return -1;
	t->fx = inner;
	*state = t;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct policy_fx *t = *state;
	void *inner = t->fx;

	policy_close(t->policy);
	support_fx_teardown(&inner);
	free(t);
	return 0;
}

/*
 * The config with POLICY as the accounts: section's last lines (NULL: no
 * policy: key). "  policy:" is line 10, so POLICY's first line is 11 and a
 * value after "    min_length: " is at column 17.
 */
static int
load(struct policy_fx *t, const char *policy)
{
	char *text;
	int rc;

	assert_true(asprintf(&text,
	    "device:\n"
	    "  backend: static\n"
	    "  model: M\n"
	    "  serial: S\n"
	    "  firmware: F\n"
	    "accounts:\n"
	    "  backend: shadow\n"
	    "  root: %s\n"
	    "  admin: admin\n"
	    "%s%s", t->fx->dir, policy != NULL ? "  policy:" : "",
	    policy != NULL ? policy : "") > 0);
	if (t->fx->loaded)
		config_free(&t->fx->cfg);
	rc = support_load_text(t->fx, text);
	free(text);
	return rc;
}

/* Loads the config (the schema check must pass) and opens its policy
 * into t->policy; policy_open's result. */
static int
open_yaml(struct policy_fx *t, const char *policy, struct nvr_error *err)
{
	struct config_section settings;
	bool present;

	policy_close(t->policy);
	t->policy = NULL;
	if (load(t, policy) != 0) {
		print_error("config_load failed:\n");
		diag_print(&t->fx->cfg.diags, stderr);
		fail();
	}
	present = config_section_child(&t->fx->cfg.stores[0].section, "policy",
	    &settings);
	assert_int_equal(present, policy != NULL);
	return policy_open(&t->policy, present ? &settings : NULL, err);
}

/* Opens the policy from POLICY's lines; it must open. */
static void
open_ok(struct policy_fx *t, const char *policy)
{
	struct nvr_error err = { .message = "" };
	int rc = open_yaml(t, policy, &err);

	if (rc != 0) {
		print_error("policy_open: %d %s\n", rc, err.message);
		fail();
	}
	assert_non_null(t->policy);
}

/* ------------------------------------------------------------------ */
/* Assertions on policy_check                                          */

/* The message may hold neither password nor exceed the limit. */
static void
check_message(const char *message, const char *password,
    const char *old_password, const char *file, int line)
{
	if (strlen(message) > POLICY_MESSAGE_MAX ||
	    (password != NULL && password[0] != '\0' &&
	    strstr(message, password) != NULL) ||
	    (old_password != NULL && old_password[0] != '\0' &&
	    strstr(message, old_password) != NULL)) {
		print_error("bad message (%zu bytes): %s\n", strlen(message),
		    message);
		_fail(file, line);
	}
}

static void
check_refused(const struct policy *p, const char *password,
    const char *old_password, const char *user, const char *want,
    const char *file, int line)
{
	char message[256];
	int rc;

	memset(message, 'x', sizeof(message) - 1);
	message[sizeof(message) - 1] = '\0';
	rc = policy_check(p, password, old_password, user, message,
	    sizeof(message));
	if (rc != -EINVAL || strcmp(message, want) != 0) {
		print_error("'%s' (old '%s', user '%s'): got %d '%s', want "
		    "-EINVAL '%s'\n", password ? password : "(null)",
		    old_password ? old_password : "(null)",
		    user ? user : "(null)", rc, message, want);
		_fail(file, line);
	}
	check_message(message, password, old_password, file, line);
}

static void
check_accepted(const struct policy *p, const char *password,
    const char *old_password, const char *user, const char *file, int line)
{
	char message[256] = "left over";
	int rc = policy_check(p, password, old_password, user, message,
	    sizeof(message));

	if (rc != 0 || message[0] != '\0') {
		print_error("'%s' (old '%s', user '%s'): got %d '%s', want "
		    "0\n", password, old_password ? old_password : "(null)",
		    user ? user : "(null)", rc, message);
		_fail(file, line);
	}
}

#define assert_refused(p, pw, old, user, want) \
	check_refused((p), (pw), (old), (user), (want), __FILE__, __LINE__)
#define assert_accepted(p, pw, old, user) \
	check_accepted((p), (pw), (old), (user), __FILE__, __LINE__)

/* ------------------------------------------------------------------ */
/* policy_open                                                         */

static void
test_policy_open_ok_without_mapping(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, NULL);
	assert_accepted(t->policy, good_passphrase, NULL, "admin");
	assert_refused(t->policy, "Qx7-vN2", NULL, "admin",
	    "Use at least 10 characters.");
}

static void
test_policy_open_ok_null_settings(void **state)
{
	struct policy_fx *t = *state;
	struct nvr_error err = { .message = "" };

	assert_int_equal(policy_open(&t->policy, NULL, &err), 0);
	assert_non_null(t->policy);
	assert_accepted(t->policy, good_passphrase, NULL, NULL);
}

static void
test_policy_open_ok_empty_mapping(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, " {}\n");
	assert_accepted(t->policy, good_passphrase, NULL, "admin");
	assert_refused(t->policy, "zzzz-Qu4ntum-7", NULL, "admin",
	    "Do not repeat a character more than 3 times in a row.");
}

static void
test_policy_open_ok_every_key(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, "\n"
	    "    min_length: 10\n"
	    "    min_classes: 0\n"
	    "    dictionary_check: true\n"
	    "    max_repeat: 3\n"
	    "    max_sequence: 4\n"
	    "    min_different: 3\n"
	    "    user_check: true\n");
	assert_accepted(t->policy, good_passphrase, NULL, "admin");
}

static void
test_policy_open_nok_out_of_range(void **state)
{
	struct policy_fx *t = *state;
	char *printed, *want;

	assert_int_equal(load(t, "\n"
	    "    min_length: 5\n"
	    "    min_classes: 5\n"
	    "    dictionary_check: yes\n"
	    "    max_repeat: -1\n"
	    "    max_sequence: 129\n"
	    "    min_different: -1\n"
	    "    user_check: 1\n"), -1);
	assert_diag_count(&t->fx->cfg.diags, 7);
	assert_diag(&t->fx->cfg.diags, 11, 17, "accounts.policy.min_length "
	    "must be a whole number from 6 to 128, not '5'");
	assert_diag(&t->fx->cfg.diags, 12, 18, "accounts.policy.min_classes "
	    "must be a whole number from 0 to 4, not '5'");
	assert_diag(&t->fx->cfg.diags, 13, 23, "accounts.policy."
	    "dictionary_check must be true or false, not 'yes'");
	assert_diag(&t->fx->cfg.diags, 14, 17, "accounts.policy.max_repeat "
	    "must be a whole number from 0 to 128, not '-1'");
	assert_diag(&t->fx->cfg.diags, 15, 19, "accounts.policy.max_sequence "
	    "must be a whole number from 0 to 128, not '129'");
	assert_diag(&t->fx->cfg.diags, 16, 20, "accounts.policy."
	    "min_different must be a whole number from 0 to 128, not '-1'");
	assert_diag(&t->fx->cfg.diags, 17, 17, "accounts.policy.user_check "
	    "must be true or false, not '1'");

	/* As the wizard prints them: FILE:LINE:COL: message. */
	printed = support_printed(&t->fx->cfg.diags);
	assert_true(asprintf(&want, "%s:11:17: accounts.policy.min_length "
	    "must be a whole number from 6 to 128, not '5'\n", t->fx->path) >
	    0);
	assert_non_null(strstr(printed, want));
	free(want);
	free(printed);
}

static void
test_policy_open_nok_above_range(void **state)
{
	struct policy_fx *t = *state;

	assert_int_equal(load(t, "\n    min_length: 129\n"), -1);
	assert_diag_count(&t->fx->cfg.diags, 1);
	assert_diag(&t->fx->cfg.diags, 11, 17, "accounts.policy.min_length "
	    "must be a whole number from 6 to 128, not '129'");
}

static void
test_policy_open_nok_unknown_key(void **state)
{
	struct policy_fx *t = *state;

	assert_int_equal(load(t, "\n    min_lenght: 12\n"), -1);
	assert_diag_count(&t->fx->cfg.diags, 1);
	assert_diag_has(&t->fx->cfg.diags, 11, 5, "min_lenght");
}

static void
test_policy_open_nok_not_a_mapping(void **state)
{
	struct policy_fx *t = *state;

	assert_int_equal(load(t, " strict\n"), -1);
	assert_diag_count(&t->fx->cfg.diags, 1);
	assert_diag(&t->fx->cfg.diags, 10, 11, "accounts.policy must be a "
	    "mapping of keys, not text");
}

/* A section that skipped the schema check is still kept in range. */
static void
test_policy_open_nok_range_without_schema(void **state)
{
	static const char text[] = "min_length: 5\n";
	struct policy_fx *t = *state;
	struct config_document doc;
	struct diag_list diags;
	struct config_section settings;
	struct nvr_error err = { .message = "" };
	FILE *in = fmemopen((void *)text, strlen(text), "r");

	assert_non_null(in);
	diag_init(&diags, "policy.yaml");
	assert_int_equal(document_parse(&doc, in, t->fx->path, &diags), 0);
	fclose(in);
	settings = (struct config_section){ .doc = &doc,
	    .map = document_root(&doc), .name = "policy" };
	assert_int_equal(policy_open(&t->policy, &settings, &err), -EINVAL);
	assert_null(t->policy);
	assert_string_equal(err.message, "accounts.policy.min_length must be "
	    "a whole number from 6 to 128, not 5");
	document_free(&doc);
	diag_free(&diags);
}

/*
 * In a child with its own mount namespace and /var/cache/cracklib empty,
 * opens the policy with POLICY's lines and exits 0 if policy_open's
 * result and message are as wanted (WANT NULL: it must open).
 */
static void
open_without_dictionary(struct policy_fx *t, const char *policy,
    const char *want)
{
	struct config_section settings;
	pid_t pid;
	int status;

	assert_int_equal(load(t, policy), 0);
	assert_true(config_section_child(&t->fx->cfg.stores[0].section,
	    "policy",
	    &settings));
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct nvr_error err = { .message = "" };
		struct policy *p = NULL;
		int rc;

		if (unshare(CLONE_NEWNS) != 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
		    mount("none", CRACKLIB_DIR, "tmpfs", 0, NULL) != 0)
			_exit(CHILD_SKIP);
		rc = policy_open(&p, &settings, &err);
		policy_close(p);
		if (want == NULL ? rc == 0 : rc == -ENOENT &&
		    strcmp(err.message, want) == 0)
			_exit(0);
		fprintf(stderr, "policy_open: %d '%s'\n", rc, err.message);
		_exit(1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == CHILD_SKIP)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
test_policy_open_nok_missing_dictionary(void **state)
{
	open_without_dictionary(*state, "\n    dictionary_check: true\n",
	    "cannot open the password dictionary "
	    CRACKLIB_DIR "/cracklib_dict.pwd: No such file or directory "
	    "(install cracklib-runtime, or set dictionary_check: false)");
}

static void
test_policy_open_ok_missing_dictionary_unchecked(void **state)
{
	open_without_dictionary(*state, "\n    dictionary_check: false\n",
	    NULL);
}

/* ------------------------------------------------------------------ */
/* policy_check with the defaults                                      */

static void
test_policy_check_ok_defaults_passphrase(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, NULL);
	assert_accepted(t->policy, good_passphrase, NULL, NULL);
	assert_accepted(t->policy, good_passphrase, "", "admin");
	assert_accepted(t->policy, good_passphrase, "Old-Secret-9x", "admin");
	assert_accepted(t->policy, "Qx7-vN2p-Lk", NULL, "admin");
}

static void
test_policy_check_nok_too_short(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, NULL);
	assert_refused(t->policy, "Qx7-vN", NULL, "admin",
	    "Use at least 10 characters.");
	assert_refused(t->policy, "Qx7-vN2p-", good_passphrase, "admin",
	    "Use at least 10 characters.");
}

/* UTF-8 characters count once each, as the owner sees them: 9 characters
 * in 12 bytes are too few, 10 are enough. */
static void
test_policy_check_nok_too_short_counts_characters(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, NULL);
	assert_refused(t->policy, "Gr\xc3\xbc\xc3\x9f" "e-\xc3\x96l7", NULL,
	    "admin", "Use at least 10 characters.");
	assert_accepted(t->policy, "Gr\xc3\xbc\xc3\x9f" "e-\xc3\x96l7x", NULL,
	    "admin");
}

static void
test_policy_check_nok_empty(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, NULL);
	assert_refused(t->policy, "", NULL, "admin",
	    "Type a password: it cannot be empty.");
	assert_refused(t->policy, NULL, NULL, "admin",
	    "Type a password: it cannot be empty.");
}

static void
test_policy_check_nok_dictionary_word(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, "\n    min_length: 6\n");
	assert_refused(t->policy, "password1", NULL, "admin",
	    "This is based on a dictionary word.");
	assert_refused(t->policy, "dragon", NULL, "admin",
	    "This is based on a dictionary word.");
	assert_refused(t->policy, "Password1", NULL, "admin",
	    "This is based on a dictionary word.");
	/* At the default length too. */
	open_ok(t, NULL);
	assert_refused(t->policy, "Dragonfly12", NULL, "admin",
	    "This is based on a dictionary word.");
}

static void
test_policy_check_nok_reversed_dictionary_word(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, "\n    min_length: 6\n");
	assert_refused(t->policy, "drowssap", NULL, "admin",
	    "This is a dictionary word spelled backwards.");
}

/* cracklib translates its reasons by the locale; the message stays. */
static void
test_policy_check_nok_dictionary_word_translated(void **state)
{
	struct policy_fx *t = *state;
	bool translated;

	open_ok(t, NULL);
	setenv("LANGUAGE", "de", 1);
	if (setlocale(LC_ALL, "C.UTF-8") == NULL) {
		unsetenv("LANGUAGE");
		skip();
	}
	translated = strcmp(dgettext("cracklib", "it is based on a "
	    "dictionary word"), "it is based on a dictionary word") != 0;
	if (translated)
		check_refused(t->policy, "Dragonfly12", NULL, "admin",
		    "This is based on a dictionary word.", __FILE__,
		    __LINE__);
	unsetenv("LANGUAGE");
	setlocale(LC_ALL, "C");
	if (!translated)
		skip();
}

static void
test_policy_check_nok_few_different_characters(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, NULL);
	assert_refused(t->policy, "1a1a1a1a1a1a1a", NULL, "admin",
	    "Use more different characters.");
}

static void
test_policy_check_nok_simplistic(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, NULL);
	assert_refused(t->policy, "abcd-efgh-Zq9", NULL, "admin",
	    "Too simple: it follows a pattern that is easy to guess.");
}

static void
test_policy_check_nok_repeat(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, NULL);
	assert_refused(t->policy, "zzzz-Qu4ntum-7", NULL, "admin",
	    "Do not repeat a character more than 3 times in a row.");
	assert_accepted(t->policy, "zzz-Qu4ntum-7", NULL, "admin");
}

static void
test_policy_check_nok_sequence(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, NULL);
	assert_refused(t->policy, "Qu4ntum-12345", NULL, "admin",
	    "Avoid runs of more than 4 characters in order, like abcde or "
	    "54321.");
	assert_refused(t->policy, "Qu4ntum-98765", NULL, "admin",
	    "Avoid runs of more than 4 characters in order, like abcde or "
	    "54321.");
	assert_accepted(t->policy, "Qu4ntum-1234", NULL, "admin");
}

static void
test_policy_check_nok_similar_to_old(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, NULL);
	assert_refused(t->policy, "correct-Horse-battery-78", good_passphrase,
	    "admin", "Too similar to the old password: change at least 3 "
	    "characters.");
	assert_refused(t->policy, "correct-Horse-battery-7", good_passphrase,
	    "admin", "Too similar to the old password: change at least 3 "
	    "characters.");
	assert_refused(t->policy, "Correct-Horse-battery-7x", good_passphrase,
	    "admin", "Too similar to the old password: change at least 3 "
	    "characters.");
	assert_accepted(t->policy, "correct-Horse-battery-123",
	    good_passphrase, "admin");
}

static void
test_policy_check_nok_same_as_old(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, NULL);
	assert_refused(t->policy, good_passphrase, good_passphrase, "admin",
	    "The same as the old password.");
}

static void
test_policy_check_nok_case_only(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, NULL);
	assert_refused(t->policy, "CORRECT-HORSE-BATTERY-77", good_passphrase,
	    "admin", "Only changes the case of the old password.");
}

static void
test_policy_check_nok_rotated(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, NULL);
	assert_refused(t->policy, "battery-77correct-Horse-", good_passphrase,
	    "admin", "Too similar to the old password: only a part of it or "
	    "moved around.");
	assert_refused(t->policy, "correct-Horse-battery", good_passphrase,
	    "admin", "Too similar to the old password: only a part of it or "
	    "moved around.");
}

static void
test_policy_check_nok_user_name(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, NULL);
	assert_refused(t->policy, "Qu4ntum-7-admin", NULL, "admin",
	    "Do not use the account name in the password.");
	assert_refused(t->policy, "Qu4ntum-7-ADMIN", NULL, "admin",
	    "Do not use the account name in the password.");
	assert_refused(t->policy, "Qu4ntum-7-nimda", NULL, "admin",
	    "Do not use the account name in the password.");
	assert_accepted(t->policy, "Qu4ntum-7-admin", NULL, "operator");
	assert_accepted(t->policy, "Qu4ntum-7-admin", NULL, NULL);
}

/* libpwquality does not look for names under 4 characters: they would
 * turn up in too many good passwords. */
static void
test_policy_check_ok_short_user_name(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, NULL);
	assert_accepted(t->policy, "Qu4ntum-7-nvr", NULL, "nvr");
}

static void
test_policy_check_nok_palindrome(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, NULL);
	assert_refused(t->policy, "Kq7-xyx-7qK", NULL, "admin",
	    "It reads the same backwards, so it is easy to guess.");
}

/* ------------------------------------------------------------------ */
/* policy_check with settings from YAML                                */

static void
test_policy_check_nok_yaml_min_length(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, "\n    min_length: 12\n");
	assert_refused(t->policy, "Qx7-vN2p-Lk", NULL, "admin",
	    "Use at least 12 characters.");
	assert_accepted(t->policy, "Qx7-vN2p-Lk9", NULL, "admin");
}

static void
test_policy_check_nok_yaml_min_classes(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, "\n    min_classes: 3\n");
	assert_refused(t->policy, "correct-horse-battery", NULL, "admin",
	    "Use at least 3 kinds of characters: lower case, upper case, "
	    "digits, others.");
	assert_accepted(t->policy, "correct-Horse-battery", NULL, "admin");
	open_ok(t, "\n    min_classes: 4\n");
	assert_refused(t->policy, "correct-Horse-battery", NULL, "admin",
	    "Use at least 4 kinds of characters: lower case, upper case, "
	    "digits, others.");
	assert_accepted(t->policy, good_passphrase, NULL, "admin");
}

/* cracklib itself lets "password12345" through: its rules strip only
 * short endings, so "password123" is what it refuses. */
static void
test_policy_check_ok_yaml_dictionary_off(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, "\n    max_sequence: 5\n");
	assert_refused(t->policy, "password123", NULL, "admin",
	    "This is based on a dictionary word.");
	assert_refused(t->policy, "Sunshine123", NULL, "admin",
	    "This is based on a dictionary word.");
	open_ok(t, "\n    max_sequence: 5\n    dictionary_check: false\n");
	assert_accepted(t->policy, "password12345", NULL, "admin");
	assert_accepted(t->policy, "password123", NULL, "admin");
	assert_accepted(t->policy, "Sunshine123", NULL, "admin");
}

static void
test_policy_check_ok_yaml_max_repeat_no_limit(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, "\n    max_repeat: 0\n");
	assert_accepted(t->policy, "zzzzzz-Qu4ntum-7", NULL, "admin");
}

static void
test_policy_check_nok_yaml_max_repeat_one(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, "\n    max_repeat: 1\n");
	assert_refused(t->policy, "Qu4nttum-7x", NULL, "admin",
	    "Do not put the same character twice in a row.");
	open_ok(t, "\n    max_repeat: 2\n");
	assert_refused(t->policy, "Qu4ntttum-7x", NULL, "admin",
	    "Do not repeat a character more than 2 times in a row.");
}

static void
test_policy_check_ok_yaml_max_sequence_no_limit(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, "\n    max_sequence: 0\n    dictionary_check: false\n");
	assert_accepted(t->policy, "Qu4ntum-123456", NULL, "admin");
}

static void
test_policy_check_nok_yaml_max_sequence_one(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, "\n    max_sequence: 1\n");
	assert_refused(t->policy, "Qx7-vN2p-Lk9w-ab", NULL, "admin",
	    "Avoid runs of more than 1 character in order, like abcde or "
	    "54321.");
}

static void
test_policy_check_ok_yaml_min_different_no_check(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, "\n    min_different: 0\n");
	assert_accepted(t->policy, "correct-Horse-battery-78",
	    good_passphrase, "admin");
	assert_accepted(t->policy, "CORRECT-HORSE-BATTERY-77",
	    good_passphrase, "admin");
	/* The very same password is still refused. */
	assert_refused(t->policy, good_passphrase, good_passphrase, "admin",
	    "The same as the old password.");
}

static void
test_policy_check_nok_yaml_min_different_one(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, "\n    min_different: 1\n");
	assert_accepted(t->policy, "correct-Horse-battery-78",
	    good_passphrase, "admin");
	open_ok(t, "\n    min_different: 5\n");
	assert_refused(t->policy, "correct-Horse-battery-1234",
	    good_passphrase, "admin", "Too similar to the old password: "
	    "change at least 5 characters.");
}

static void
test_policy_check_ok_yaml_user_check_off(void **state)
{
	struct policy_fx *t = *state;

	open_ok(t, "\n    user_check: false\n");
	assert_accepted(t->policy, "Qu4ntum-7-admin", NULL, "admin");
}

/* ------------------------------------------------------------------ */
/* Messages                                                            */

static void
test_policy_check_nok_message_truncated(void **state)
{
	struct policy_fx *t = *state;
	char message[8];
	char untouched[4] = "abc";

	open_ok(t, NULL);
	assert_int_equal(policy_check(t->policy, "Qx7-vN", NULL, "admin",
	    message, sizeof(message)), -EINVAL);
	assert_string_equal(message, "Use at ");
	assert_int_equal(policy_check(t->policy, "Qx7-vN", NULL, "admin",
	    untouched, 0), -EINVAL);
	assert_string_equal(untouched, "abc");
}

/* Every refusal at once, with the longest numbers the schema allows. */
static void
test_policy_check_nok_messages_fit_and_hide_password(void **state)
{
	struct policy_fx *t = *state;
	static const struct {
		const char *password, *old_password, *user;
	} cases[] = {
		{ "Qx7-vN", NULL, "admin" },
		{ "", NULL, "admin" },
		{ "dragon", NULL, "admin" },
		{ "drowssap", NULL, "admin" },
		{ "1a1a1a1a1a1a1a", NULL, "admin" },
		{ "abcd-efgh-Zq9", NULL, "admin" },
		{ "zzzz-Qu4ntum-7", NULL, "admin" },
		{ "Qu4ntum-12345", NULL, "admin" },
		{ "correct-Horse-battery-78", "correct-Horse-battery-77",
		  "admin" },
		{ "correct-Horse-battery-77", "correct-Horse-battery-77",
		  "admin" },
		{ "CORRECT-HORSE-BATTERY-77", "correct-Horse-battery-77",
		  "admin" },
		{ "battery-77correct-Horse-", "correct-Horse-battery-77",
		  "admin" },
		{ "Qu4ntum-7-admin", NULL, "admin" },
		{ "Kq7-xyx-7qK", NULL, "admin" },
		{ "correct-horse-battery", NULL, "admin" },
	};
	static const char *const policies[] = {
		"\n    min_length: 6\n    min_classes: 3\n",
		"\n    min_length: 6\n    min_classes: 4\n    max_repeat: 128\n"
		"    max_sequence: 128\n    min_different: 128\n",
		"\n    min_length: 128\n",
	};

	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		open_ok(t, policies[i]);
		for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
			char message[256] = "";
			int rc = policy_check(t->policy, cases[k].password,
			    cases[k].old_password, cases[k].user, message,
			    sizeof(message));

			assert_true(rc == 0 || rc == -EINVAL);
			assert_true(rc == 0 || message[0] != '\0');
			check_message(message, cases[k].password,
			    cases[k].old_password, __FILE__, __LINE__);
		}
	}
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_policy_open_ok_without_mapping),
		T(test_policy_open_ok_null_settings),
		T(test_policy_open_ok_empty_mapping),
		T(test_policy_open_ok_every_key),
		T(test_policy_open_nok_out_of_range),
		T(test_policy_open_nok_above_range),
		T(test_policy_open_nok_unknown_key),
		T(test_policy_open_nok_not_a_mapping),
		T(test_policy_open_nok_range_without_schema),
		T(test_policy_open_nok_missing_dictionary),
		T(test_policy_open_ok_missing_dictionary_unchecked),
		T(test_policy_check_ok_defaults_passphrase),
		T(test_policy_check_nok_too_short),
		T(test_policy_check_nok_too_short_counts_characters),
		T(test_policy_check_nok_empty),
		T(test_policy_check_nok_dictionary_word),
		T(test_policy_check_nok_reversed_dictionary_word),
		T(test_policy_check_nok_dictionary_word_translated),
		T(test_policy_check_nok_few_different_characters),
		T(test_policy_check_nok_simplistic),
		T(test_policy_check_nok_repeat),
		T(test_policy_check_nok_sequence),
		T(test_policy_check_nok_similar_to_old),
		T(test_policy_check_nok_same_as_old),
		T(test_policy_check_nok_case_only),
		T(test_policy_check_nok_rotated),
		T(test_policy_check_nok_user_name),
		T(test_policy_check_ok_short_user_name),
		T(test_policy_check_nok_palindrome),
		T(test_policy_check_nok_yaml_min_length),
		T(test_policy_check_nok_yaml_min_classes),
		T(test_policy_check_ok_yaml_dictionary_off),
		T(test_policy_check_ok_yaml_max_repeat_no_limit),
		T(test_policy_check_nok_yaml_max_repeat_one),
		T(test_policy_check_ok_yaml_max_sequence_no_limit),
		T(test_policy_check_nok_yaml_max_sequence_one),
		T(test_policy_check_ok_yaml_min_different_no_check),
		T(test_policy_check_nok_yaml_min_different_one),
		T(test_policy_check_ok_yaml_user_check_off),
		T(test_policy_check_nok_message_truncated),
		T(test_policy_check_nok_messages_fit_and_hide_password),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
