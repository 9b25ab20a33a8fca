/*
 * stores.h: the account stores a config names (accounts: as a list, or
 * one mapping), held together: the system's own users and, beside them,
 * an NVR software's web users. Screens see one list of accounts, store
 * by store in the config's order, each store's administrator first, and
 * act on an account through the store it came from.
 */
#ifndef NVR_BACKENDS_ACCOUNTS_STORES_H
#define NVR_BACKENDS_ACCOUNTS_STORES_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/accounts/accounts.h"
#include "backends/accounts/policy.h"

struct account_store {
	char id[STORE_ID_MAX + 1];	/* accounts[N].id, "system" alone */
	const char *label;		/* shown beside its accounts */
	struct accounts accounts;	/* ops NULL if not open */
	struct policy *policy;		/* its password rules */
	/* Run once one of its passwords is changed (NULL-terminated argv,
	 * or NULL): the software that keeps the store told to read it. */
	const char *const *after_change;
};

struct account_stores {
	struct account_store store[STORES_MAX];
	size_t count;
};

/*
 * Lists the accounts of every store into OUT (up to MAX), store by store,
 * each with its store filled in (struct account's store fields), and
 * sets *COUNT. With UNREAD, a store that cannot be read is left out of
 * the list when another one could be read (a NVR software's database
 * being down must not keep the owner from the system's accounts), and
 * UNREAD says which and why (its message is "" when every store was
 * read). Returns 0, or a negative errno with ERR naming the store when
 * there are several: when no store could be read, or, without UNREAD,
 * when any one could not.
 */
int stores_list(const struct account_stores *s, struct account *out,
    size_t max, size_t *count, struct nvr_error *unread,
    struct nvr_error *err);

/* The store of WHO (by index, and the same id), or NULL. */
const struct account_store *stores_of(const struct account_stores *s,
    const struct account_key *who);

/* The store's verify for WHO (accounts.h); a WHO of no store is
 * -EACCES. */
int stores_verify(const struct account_stores *s,
    const struct account_key *who, const char *password,
    struct nvr_error *err);

/* The store's set_password for WHO (a WHO of no store is -ENOENT), then,
 * once the new password is durable, the store's after_change command.
 * That failing does not undo the change: 0 is returned and *TOLD_FAILED
 * set, with TOLD saying why (the screen shows it). */
int stores_set_password(const struct account_stores *s,
    const struct account_key *who, const char *password,
    bool *told_failed, struct nvr_error *told, struct nvr_error *err);

/* What WHO's store says of the weak form it keeps WHO's password in
 * (accounts_ops.weak_note), or NULL. */
const char *stores_weak_note(const struct account_stores *s,
    const struct account_key *who);

/* The password rules of WHO's store (NULL: none, which policy_check
 * takes as the defaults). */
const struct policy *stores_policy(const struct account_stores *s,
    const struct account_key *who);

/*
 * The first store (in the config's order) whose administrator has no
 * usable password (empty, locked or a factory default): first-boot
 * setup is due for it, at start and after a factory reset. Fills ADMIN
 * and returns true; a store that cannot be read is skipped (Change
 * password will say what is wrong).
 */
bool stores_admin_needing_password(const struct account_stores *s,
    struct account *admin);

/* Closes every store; S becomes empty. */
void stores_close(struct account_stores *s);

#endif
