/*
 * policy.c: the password strength policy, libpwquality set up from the
 * config's accounts: policy: mapping, with each refusal explained in one
 * plain sentence for an owner who may be under stress.
 *
 * Invariants:
 * 1. The YAML is the only source of settings: pwquality.conf is never
 *    read, and every libpwquality setting the checks use is set here, so
 *    a change in the library's defaults changes nothing.
 * 2. min_length counts characters as the owner sees them: the credits are
 *    0, and a UTF-8 character counts once however many bytes it has.
 * 3. A message holds only fixed text and numbers from the settings: never
 *    the password, the old password or a part of either.
 * 4. Nothing here copies a password; libpwquality wipes its own copies.
 * 5. With dictionary_check on, the policy does not open unless cracklib's
 *    dictionary can be read: a missing one would refuse every password.
 */
#include "backends/accounts/policy.h"

#include <errno.h>
#include <inttypes.h>
#include <libintl.h>
#include <limits.h>
#include <pwquality.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_MIN_LENGTH 10
#define DEFAULT_MIN_CLASSES 0
#define DEFAULT_DICTIONARY_CHECK true
#define DEFAULT_MAX_REPEAT 3
#define DEFAULT_MAX_SEQUENCE 4
#define DEFAULT_MIN_DIFFERENT 3
#define DEFAULT_USER_CHECK true

/* Checked against the dictionary when the policy opens; it passes every
 * other check with the settings used for that, and is no secret. */
#define DICTIONARY_PROBE "Qx7-vN2p-Lk9w"

/* cracklib's reason when it cannot open its dictionary. */
#define CRACKLIB_NO_DICTIONARY "error loading dictionary"

const struct schema_key policy_keys[] = {
	{ .name = "min_length", .type = SCHEMA_INT, .min = 6, .max = 128,
	  .help = "fewest characters a password may have (default 10)" },
	{ .name = "min_classes", .type = SCHEMA_INT, .min = 0, .max = 4,
	  .help = "kinds of characters needed: lower case, upper case, "
	  "digits, others (default 0)" },
	{ .name = "dictionary_check", .type = SCHEMA_BOOL,
	  .help = "refuse passwords based on dictionary words (default "
	  "true)" },
	{ .name = "max_repeat", .type = SCHEMA_INT, .min = 0, .max = 128,
	  .help = "most same characters in a row; 0: no limit (default 3)" },
	{ .name = "max_sequence", .type = SCHEMA_INT, .min = 0, .max = 128,
	  .help = "longest run like abcd or 4321; 0: no limit (default 4)" },
	{ .name = "min_different", .type = SCHEMA_INT, .min = 0, .max = 128,
	  .help = "characters that must change from the old password; 0: no "
	  "check (default 3)" },
	{ .name = "user_check", .type = SCHEMA_BOOL,
	  .help = "refuse passwords containing the account name (default "
	  "true)" },
	{ 0 },
};

struct policy {
	pwquality_settings_t *pwq;
	int min_length;
	int min_classes;
	int max_repeat;
	int max_sequence;
	int min_different;
	bool dictionary_check;
	bool user_check;
};

/* One libpwquality integer setting and its value. */
struct setting {
	int id;
	int value;
};

/* What a cracklib reason tells the owner. */
struct reason {
	const char *cracklib;	/* as cracklib writes it, in English */
	const char *message;	/* NULL: the length message */
	int code;
};

static const struct reason reasons[] = {
	{ .cracklib = "it is based on a dictionary word",
	  .message = "This is based on a dictionary word.", .code = -EINVAL },
	{ .cracklib = "it is based on a (reversed) dictionary word",
	  .message = "This is a dictionary word spelled backwards.",
	  .code = -EINVAL },
	{ .cracklib = "it does not contain enough DIFFERENT characters",
	  .message = "Use more different characters.", .code = -EINVAL },
	{ .cracklib = "it is too simplistic/systematic",
	  .message = "Too simple: it follows a pattern that is easy to guess.",
	  .code = -EINVAL },
	{ .cracklib = "it is all whitespace",
	  .message = "Use more than spaces.", .code = -EINVAL },
	{ .cracklib = "it looks like a National Insurance number.",
	  .message = "This looks like an ID number, which is easy to guess.",
	  .code = -EINVAL },
	{ .cracklib = "it is WAY too short", .message = NULL,
	  .code = -EINVAL },
	{ .cracklib = "it is too short", .message = NULL, .code = -EINVAL },
	/* These compare with the account this program runs as (root), not
	 * the one being changed. */
	{ .cracklib = "it is based on your username",
	  .message = "This is based on the name of a system account.",
	  .code = -EINVAL },
	{ .cracklib = "it is based upon your password entry",
	  .message = "This is based on the name of a system account.",
	  .code = -EINVAL },
	{ .cracklib = "it is derived from your password entry",
	  .message = "This is based on the name of a system account.",
	  .code = -EINVAL },
	{ .cracklib = "it's derived from your password entry",
	  .message = "This is based on the name of a system account.",
	  .code = -EINVAL },
	{ .cracklib = "it is derivable from your password entry",
	  .message = "This is based on the name of a system account.",
	  .code = -EINVAL },
	{ .cracklib = "it's derivable from your password entry",
	  .message = "This is based on the name of a system account.",
	  .code = -EINVAL },
	{ .cracklib = CRACKLIB_NO_DICTIONARY,
	  .message = "Cannot check the password: its word list is missing.",
	  .code = -EIO },
};

/* An unknown cracklib reason is still a dictionary refusal. */
static const struct reason unknown_reason = {
	.message = "This is a common password that is easy to guess.",
	.code = -EINVAL,
};

/*
 * Whether cracklib's REASON is TEXT. cracklib translates its reasons by
 * the locale (the wizard calls setlocale), so the translation counts too.
 */
static bool
reason_is(const char *reason, const char *text)
{
	return strcmp(reason, text) == 0 ||
	    strcmp(reason, dgettext("cracklib", text)) == 0;
}

static const struct reason *
find_reason(const char *reason)
{
	if (reason == NULL)
		return &unknown_reason;
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reason_is(reason, reasons[i].cracklib))
			return &reasons[i];
	return &unknown_reason;
}

/* The value of the integer KEY, within its range in policy_keys. */
static int
read_int(const struct config_section *settings, const char *key,
    int64_t fallback, int *value, struct nvr_error *err)
{
	int64_t n = settings != NULL ? config_section_int(settings, key,
	    fallback) : fallback;

	for (const struct schema_key *k = policy_keys; k->name != NULL; k++)
		if (strcmp(k->name, key) == 0 && (n < k->min || n > k->max))
			return nvr_error_set(err, -EINVAL, "accounts.policy.%s "
			    "must be a whole number from %" PRId64 " to %"
			    PRId64 ", not %" PRId64,
			    key, k->min, k->max, n);
	*value = (int)n;
	return 0;
}

static bool
read_bool(const struct config_section *settings, const char *key,
    bool fallback)
{
	return settings != NULL ? config_section_bool(settings, key,
	    fallback) : fallback;
}

static int
read_settings(struct policy *p, const struct config_section *settings,
    struct nvr_error *err)
{
	int rc = read_int(settings, "min_length", DEFAULT_MIN_LENGTH,
	    &p->min_length, err);

	if (rc == 0)
		rc = read_int(settings, "min_classes", DEFAULT_MIN_CLASSES,
		    &p->min_classes, err);
	if (rc == 0)
		rc = read_int(settings, "max_repeat", DEFAULT_MAX_REPEAT,
		    &p->max_repeat, err);
	if (rc == 0)
		rc = read_int(settings, "max_sequence", DEFAULT_MAX_SEQUENCE,
		    &p->max_sequence, err);
	if (rc == 0)
		rc = read_int(settings, "min_different", DEFAULT_MIN_DIFFERENT,
		    &p->min_different, err);
	p->dictionary_check = read_bool(settings, "dictionary_check",
	    DEFAULT_DICTIONARY_CHECK);
	p->user_check = read_bool(settings, "user_check",
	    DEFAULT_USER_CHECK);
	return rc;
}

/* Fresh libpwquality settings in *OUT with COUNT values set. */
static int
new_settings(pwquality_settings_t **out, const struct setting *values,
    size_t count, struct nvr_error *err)
{
	pwquality_settings_t *pwq = pwquality_default_settings();

	*out = NULL;
	if (pwq == NULL)
		return nvr_error_set(err, -ENOMEM, "cannot set up "
		    "libpwquality: out of memory");
	for (size_t i = 0; i < count; i++) {
		if (pwquality_set_int_value(pwq, values[i].id,
		    values[i].value) != 0) {
			pwquality_free_settings(pwq);
			return nvr_error_set(err, -EINVAL, "libpwquality "
			    "refused setting %d = %d", values[i].id,
			    values[i].value);
		}
	}
	*out = pwq;
	return 0;
}

/*
 * Fails unless the dictionary opens: its files are checked first, since
 * cracklib reports a missing file on stderr (under the wizard's screen),
 * and then a harmless password goes through cracklib, which also catches
 * files it cannot read.
 */
static int
check_dictionary(const struct policy *p, struct nvr_error *err)
{
	static const char *const suffixes[] = { ".pwd", ".pwi" };
	const struct setting probe_values[] = {
		{ .id = PWQ_SETTING_MIN_LENGTH, .value = 6 },
		{ .id = PWQ_SETTING_DIG_CREDIT, .value = 0 },
		{ .id = PWQ_SETTING_UP_CREDIT, .value = 0 },
		{ .id = PWQ_SETTING_LOW_CREDIT, .value = 0 },
		{ .id = PWQ_SETTING_OTH_CREDIT, .value = 0 },
		{ .id = PWQ_SETTING_MIN_CLASS, .value = 0 },
		{ .id = PWQ_SETTING_MAX_REPEAT, .value = 0 },
		{ .id = PWQ_SETTING_MAX_CLASS_REPEAT, .value = 0 },
		{ .id = PWQ_SETTING_MAX_SEQUENCE, .value = 0 },
		{ .id = PWQ_SETTING_GECOS_CHECK, .value = 0 },
		{ .id = PWQ_SETTING_USER_CHECK, .value = 0 },
		{ .id = PWQ_SETTING_DICT_CHECK, .value = 1 },
	};
	pwquality_settings_t *probe;
	const char *base = NULL;
	char path[PATH_MAX];
	void *aux = NULL;
	int rc;

	/* libpwquality's default: Debian builds it with cracklib's
	 * /var/cache/cracklib/cracklib_dict. */
	if (pwquality_get_str_value(p->pwq, PWQ_SETTING_DICT_PATH,
	    &base) != 0)
		base = NULL;
	for (size_t i = 0; base != NULL &&
	    i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s%s", base,
		    suffixes[i]) >= sizeof(path))
			return nvr_error_set(err, -ENAMETOOLONG, "the password "
			    "dictionary's name is too long: %s", base);
		if (access(path, R_OK) != 0) {
			int saved = errno;
			return nvr_error_set(err, -saved, "cannot open the "
			    "password dictionary %s: %s (install cracklib-"
			    "runtime, or set dictionary_check: false)", path,
			    strerror(saved));
		}
	}

	rc = new_settings(&probe, probe_values, sizeof(probe_values) /
	    sizeof(probe_values[0]), err);
	if (rc != 0)
		return rc;
	rc = pwquality_check(probe, DICTIONARY_PROBE, NULL, NULL, &aux);
	pwquality_free_settings(probe);
	if (rc == PWQ_ERROR_MEM_ALLOC)
		return nvr_error_set(err, -ENOMEM, "cannot check the password "
		    "dictionary: out of memory");
	if (rc == PWQ_ERROR_CRACKLIB_CHECK && aux != NULL &&
	    reason_is(aux, CRACKLIB_NO_DICTIONARY))
		return nvr_error_set(err, -EIO, "cannot load the password "
		    "dictionary %s (install cracklib-runtime, or set "
		    "dictionary_check: false)", base != NULL ? base :
		    "(cracklib's default)");
	return 0;
}

int
policy_open(struct policy **out, const struct config_section *settings,
    struct nvr_error *err)
{
	struct policy *p = calloc(1, sizeof(*p));
	int rc;

	*out = NULL;
	if (p == NULL)
		return nvr_error_set(err, -ENOMEM, "cannot open the password "
		    "policy: out of memory");
	rc = read_settings(p, settings, err);
	if (rc == 0) {
		/* Credits 0: min_length is plain characters. Only one
		 * password goes in, so max_class_repeat and the GECOS check
		 * would say nothing the owner can follow; they stay off. */
		const struct setting values[] = {
			{ .id = PWQ_SETTING_MIN_LENGTH, .value = p->min_length },
			{ .id = PWQ_SETTING_DIG_CREDIT, .value = 0 },
			{ .id = PWQ_SETTING_UP_CREDIT, .value = 0 },
			{ .id = PWQ_SETTING_LOW_CREDIT, .value = 0 },
			{ .id = PWQ_SETTING_OTH_CREDIT, .value = 0 },
			{ .id = PWQ_SETTING_MIN_CLASS, .value = p->min_classes },
			{ .id = PWQ_SETTING_MAX_REPEAT, .value = p->max_repeat },
			{ .id = PWQ_SETTING_MAX_CLASS_REPEAT, .value = 0 },
			{ .id = PWQ_SETTING_MAX_SEQUENCE,
			  .value = p->max_sequence },
			{ .id = PWQ_SETTING_DIFF_OK, .value = p->min_different },
			{ .id = PWQ_SETTING_DICT_CHECK,
			  .value = p->dictionary_check },
			{ .id = PWQ_SETTING_USER_CHECK, .value = p->user_check },
			{ .id = PWQ_SETTING_USER_SUBSTR, .value = 0 },
			{ .id = PWQ_SETTING_GECOS_CHECK, .value = 0 },
		};

		rc = new_settings(&p->pwq, values, sizeof(values) /
		    sizeof(values[0]), err);
	}
	if (rc == 0 && p->dictionary_check)
		rc = check_dictionary(p, err);
	if (rc != 0) {
		policy_close(p);
		return rc;
	}
	*out = p;
	return 0;
}

/* Formats MESSAGE (truncated to SIZE) and returns CODE. */
static int __attribute__((format(printf, 4, 5)))
say(char *message, size_t size, int code, const char *fmt, ...)
{
	va_list ap;

	if (size == 0)
		return code;
	va_start(ap, fmt);
	vsnprintf(message, size, fmt, ap);
	va_end(ap);
	return code;
}

static const char *
plural(long n)
{
	return n == 1 ? "" : "s";
}

/* Characters as the owner typed them: UTF-8 continuation bytes do not
 * count. */
static size_t
characters(const char *text)
{
	size_t n = 0;

	for (; *text != '\0'; text++)
		if (((unsigned char)*text & 0xc0) != 0x80)
			n++;
	return n;
}

static int
say_length(const struct policy *p, size_t length, char *message,
    size_t size)
{
	/* No count: the field shows a * per character, and a count that
	 * changed at every key would cost bytes at every key on a serial
	 * line. */
	(void)length;
	return say(message, size, -EINVAL, "Use at least %d characters.",
	    p->min_length);
}

/* Puts libpwquality's refusal RC, with its auxiliary AUX, into words. */
static int
explain(const struct policy *p, int rc, void *aux, size_t length,
    char *message, size_t size)
{
	/* For these codes AUX carries a number, never a pointer. */
	long n = (long)(intptr_t)aux;
	const struct reason *r;

	switch (rc) {
	case PWQ_ERROR_EMPTY_PASSWORD:
		return say(message, size, -EINVAL, "Type a password: it "
		    "cannot be empty.");
	case PWQ_ERROR_SAME_PASSWORD:
		return say(message, size, -EINVAL, "The same as the old "
		    "password.");
	case PWQ_ERROR_CASE_CHANGES_ONLY:
		return say(message, size, -EINVAL, "Only changes the case of "
		    "the old password.");
	case PWQ_ERROR_TOO_SIMILAR:
		return say(message, size, -EINVAL, "Too similar to the old "
		    "password: change at least %d character%s.",
		    p->min_different, plural(p->min_different));
	case PWQ_ERROR_ROTATED:
		/* A piece of the old password, or the old password
		 * rotated: libpwquality tells them apart no further. */
		return say(message, size, -EINVAL, "Too similar to the old "
		    "password: only a part of it or moved around.");
	case PWQ_ERROR_MIN_LENGTH:
		return say_length(p, length, message, size);
	case PWQ_ERROR_MIN_CLASSES:
		return say(message, size, -EINVAL, "Use at least %ld kinds of "
		    "characters: lower case, upper case, digits, others.", n);
	case PWQ_ERROR_MIN_DIGITS:
		return say(message, size, -EINVAL, "Use at least %ld digit%s.",
		    n, plural(n));
	case PWQ_ERROR_MIN_UPPERS:
		return say(message, size, -EINVAL, "Use at least %ld upper "
		    "case letter%s.", n, plural(n));
	case PWQ_ERROR_MIN_LOWERS:
		return say(message, size, -EINVAL, "Use at least %ld lower "
		    "case letter%s.", n, plural(n));
	case PWQ_ERROR_MIN_OTHERS:
		return say(message, size, -EINVAL, "Use at least %ld "
		    "character%s that %s not a letter or digit.", n,
		    plural(n), n == 1 ? "is" : "are");
	case PWQ_ERROR_PALINDROME:
		return say(message, size, -EINVAL, "It reads the same "
		    "backwards, so it is easy to guess.");
	case PWQ_ERROR_MAX_CONSECUTIVE:
		if (n == 1)
			return say(message, size, -EINVAL, "Do not put the "
			    "same character twice in a row.");
		return say(message, size, -EINVAL, "Do not repeat a character "
		    "more than %ld times in a row.", n);
	case PWQ_ERROR_MAX_CLASS_REPEAT:
		return say(message, size, -EINVAL, "Mix the kinds of "
		    "characters: at most %ld of one kind in a row.", n);
	case PWQ_ERROR_MAX_SEQUENCE:
		return say(message, size, -EINVAL, "Avoid runs of more than "
		    "%ld character%s in order, like abcde or 54321.", n,
		    plural(n));
	case PWQ_ERROR_USER_CHECK:
		return say(message, size, -EINVAL, "Do not use the account "
		    "name in the password.");
	case PWQ_ERROR_GECOS_CHECK:
		return say(message, size, -EINVAL, "Do not use the account "
		    "owner's name in the password.");
	case PWQ_ERROR_BAD_WORDS:
		/* The only words set are the recorder's own (policy_forbid),
		 * printed on every screen and on its label. */
		return say(message, size, -EINVAL, "Do not use the recorder's "
		    "serial number or model in the password.");
	case PWQ_ERROR_CRACKLIB_CHECK:
		/* Here AUX is cracklib's reason, a static string. */
		r = find_reason(aux);
		if (r->message == NULL)
			return say_length(p, length, message, size);
		return say(message, size, r->code, "%s", r->message);
	case PWQ_ERROR_MEM_ALLOC:
		return say(message, size, -ENOMEM, "Cannot check the password: "
		    "out of memory.");
	default:
		return say(message, size, -EIO, "Cannot check the password "
		    "(libpwquality error %d).", rc);
	}
}

int
policy_check(const struct policy *p, const char *password,
    const char *old_password, const char *user, char *message, size_t size)
{
	size_t length = characters(password != NULL ? password : "");
	void *aux = NULL;
	int rc;

	/* libpwquality counts bytes; a shortfall in characters is said
	 * first, as it is what the owner can see. */
	if (length > 0 && length < (size_t)p->min_length)
		return say_length(p, length, message, size);
	rc = pwquality_check(p->pwq, password, old_password, user, &aux);
	if (rc < 0)
		return explain(p, rc, aux, length, message, size);
	if (size > 0)
		message[0] = '\0';
	return 0;
}

int
policy_forbid(struct policy *p, const char *const *texts, size_t count,
    struct nvr_error *err)
{
	char words[4 * 64 + 8] = "";
	size_t used = 0;
	int rc;

	for (size_t i = 0; i < count; i++) {
		const char *t = texts[i];

		/* libpwquality splits at blanks: a short part of a model
		 * ("NVR 8") would forbid every password with an 8 in it. */
		while (t != NULL && *t != '\0') {
			size_t n = strcspn(t, " \t");

			if (n >= POLICY_FORBID_MIN && used + n + 2 <
			    sizeof(words))
				used += (size_t)snprintf(words + used,
				    sizeof(words) - used, "%s%.*s",
				    used > 0 ? " " : "", (int)n, t);
			t += n;
			t += strspn(t, " \t");
		}
	}
	if (used == 0)
		return 0;
	rc = pwquality_set_str_value(p->pwq, PWQ_SETTING_BAD_WORDS, words);
	if (rc != 0)
		return nvr_error_set(err, -ENOMEM, "policy: cannot set the "
		    "recorder's words (libpwquality error %d)", rc);
	return 0;
}

void
policy_close(struct policy *p)
{
	if (p == NULL)
		return;
	if (p->pwq != NULL)
		pwquality_free_settings(p->pwq);
	free(p);
}
