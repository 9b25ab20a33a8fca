/*
 * fuzz_hash_form.c: hash_form_read on any bytes, by the rules the first
 * byte picks (htpasswd, motionEye 0.43, motionEye 0.44). The value is
 * handed over in a buffer of exactly its length, with no NUL after it, so
 * a read past the end is an AddressSanitizer report.
 *
 * Whatever it is given, the kind it reports is one the rules can give
 * and agrees with the value's prefix; an argon2 hash's parameters are
 * within libargon2's and, unless refused with a reason, within the
 * wizard's limits; only argon2 is ever refused.
 */
#include <stdbool.h>

#include "backends/accounts/hash_form.h"
#include "tests/fuzz/fuzz.h"

static bool
starts(const char *s, size_t len, const char *prefix)
{
	return len >= strlen(prefix) && memcmp(s, prefix, strlen(prefix)) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum hash_rules rules_of[4] = { HASH_RULES_HTPASSWD,
	    HASH_RULES_MOTIONEYE_043, HASH_RULES_MOTIONEYE_044,
	    HASH_RULES_ZONEMINDER };
	struct hash_form form;
	enum hash_rules rules;
	const char *why;
	char *v;

	if (size == 0)
		return 0;
	rules = rules_of[data[0] % 4];
	size--;
	v = malloc(size ? size : 1);
	FUZZ_CHECK(v != NULL);
	memcpy(v, data + 1, size);
	why = hash_form_read(v, size, rules, &form);
	FUZZ_CHECK(hash_form_rank(form.kind) >= 0 &&
	    hash_form_rank(form.kind) <= 6);
	FUZZ_CHECK(hash_form_name(form.kind) != NULL);
	FUZZ_CHECK(why == NULL || form.kind == HASH_ARGON2);
	if (rules == HASH_RULES_HTPASSWD) {
		FUZZ_CHECK(form.kind != HASH_NONE && form.kind != HASH_PLAIN &&
		    form.kind != HASH_SHA1_HEX && form.kind != HASH_ARGON2);
		FUZZ_CHECK(form.kind != HASH_APR1 || starts(v, size,
		    "$apr1$"));
		FUZZ_CHECK(form.kind != HASH_SHA1_B64 || size == 33);
		FUZZ_CHECK(form.kind != HASH_BCRYPT || size == 60);
		FUZZ_CHECK(size > 0 || form.kind == HASH_LOCKED);
	} else if (rules == HASH_RULES_ZONEMINDER) {
		/* auth.php's password_type, in its order. */
		FUZZ_CHECK((size == 0) == (form.kind == HASH_NONE));
		FUZZ_CHECK(size == 0 || (v[0] == '*') == (form.kind ==
		    HASH_MYSQL41 || (form.kind == HASH_LOCKED && v[0] ==
		    '*')));
		FUZZ_CHECK(form.kind != HASH_MYSQL41 || size == 41);
		FUZZ_CHECK(form.kind != HASH_BCRYPT || (size == 60 &&
		    starts(v, size, "$2")));
		FUZZ_CHECK(form.kind != HASH_ZM_OVERLAY || (size == 64 &&
		    starts(v, size, "-ZM-$2")));
		FUZZ_CHECK(form.kind != HASH_PLAIN || form.plain_only);
		FUZZ_CHECK(form.kind == HASH_NONE || form.kind == HASH_LOCKED ||
		    form.kind == HASH_PLAIN || form.kind == HASH_MYSQL41 ||
		    form.kind == HASH_BCRYPT || form.kind == HASH_ZM_OVERLAY);
	} else {
		FUZZ_CHECK(form.kind == HASH_NONE || form.kind == HASH_LOCKED ||
		    form.kind == HASH_PLAIN || form.kind == HASH_SHA1_HEX ||
		    form.kind == HASH_ARGON2);
		FUZZ_CHECK((size == 0) == (form.kind == HASH_NONE));
		FUZZ_CHECK(form.kind != HASH_SHA1_HEX || size == 40);
		FUZZ_CHECK(!hash_form_is_reset(v, size) ||
		    form.kind == HASH_LOCKED);
	}
	if (form.kind == HASH_ARGON2) {
		FUZZ_CHECK(starts(v, size, "$argon2"));
		FUZZ_CHECK(form.passes >= 1 && form.lanes >= 1 &&
		    form.memory_kib >= 8 * form.lanes);
		FUZZ_CHECK(why != NULL || (form.memory_kib <=
		    HASH_ARGON2_MEMORY_KIB_MAX && form.passes <=
		    HASH_ARGON2_PASSES_MAX && form.lanes <=
		    HASH_ARGON2_LANES_MAX));
	}
	free(v);
	return 0;
}
