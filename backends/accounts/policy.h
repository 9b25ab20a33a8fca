/*
 * policy.h: the password strength policy. It is read from the config's
 * accounts: policy: mapping, judged by libpwquality and explained in one
 * plain sentence an owner can act on, such as "Use at least 10
 * characters."
 */
#ifndef NVR_BACKENDS_ACCOUNTS_POLICY_H
#define NVR_BACKENDS_ACCOUNTS_POLICY_H

#include <stddef.h>

#include "common/nvr_error.h"
#include "config/document.h"
#include "config/schema.h"

/* The longest message policy_check writes, in bytes without the NUL: it
 * fits an 80-column screen with room for a margin. */
#define POLICY_MESSAGE_MAX 76

/* The keys of the policy: mapping, for the accounts backends' tables. */
extern const struct schema_key policy_keys[];

/* An open policy: libpwquality's settings and the numbers its messages
 * quote. */
struct policy;

/*
 * Opens the policy given by SETTINGS, the schema-checked policy: mapping,
 * or NULL for all defaults. Nothing else is read: not pwquality.conf.
 * If dictionary_check is on, the dictionary must open. Returns 0 with *OUT
 * set, or a negative errno with ERR filled and *OUT NULL.
 */
int policy_open(struct policy **out, const struct config_section *settings,
    struct nvr_error *err);

/*
 * Judges PASSWORD as the new password of the account USER (may be NULL),
 * replacing OLD_PASSWORD (NULL or "" if there is none). Returns 0 if the
 * policy accepts it. Otherwise MESSAGE (SIZE bytes, truncated to fit)
 * gets one sentence of at most POLICY_MESSAGE_MAX bytes that never holds
 * the password, and the result is -EINVAL if the policy refuses it, or
 * -ENOMEM or -EIO if it could not be checked. Nothing here keeps a copy of
 * either password.
 */
int policy_check(const struct policy *p, const char *password,
    const char *old_password, const char *user, char *message, size_t size);

/*
 * Makes P refuse a password that holds any of the COUNT TEXTS (the
 * recorder's serial number and model: they are on every screen), in any
 * case, reversed too. A text's parts between blanks count one by one,
 * and those shorter than POLICY_FORBID_MIN characters are left out.
 * Returns 0, or a negative errno with ERR filled.
 */
#define POLICY_FORBID_MIN 4
int policy_forbid(struct policy *p, const char *const *texts, size_t count,
    struct nvr_error *err);

/* Frees P; NULL is allowed. */
void policy_close(struct policy *p);

#endif
