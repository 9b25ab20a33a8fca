/*
 * accounts.h: the accounts concern. It lists the accounts the wizard may
 * change, says whether each has a usable password (first-boot setup runs
 * when the admin's has none), checks a password and sets a new one.
 *
 * Every implementation writes through common/atomic_file.c, under the
 * store's lock, and never rewrites a file it could not parse.
 */
#ifndef NVR_BACKENDS_ACCOUNTS_ACCOUNTS_H
#define NVR_BACKENDS_ACCOUNTS_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "backends/backend.h"
#include "common/nvr_error.h"
#include "config/config.h"
#include "config/document.h"

#define ACCOUNT_NAME_MAX 32	/* bytes, as useradd allows */

enum account_password {
	ACCOUNT_PASSWORD_SET,		/* a hash that can be checked */
	ACCOUNT_PASSWORD_EMPTY,		/* no password at all */
	ACCOUNT_PASSWORD_LOCKED,	/* '!' or '*': none usable */
	ACCOUNT_PASSWORD_DEFAULT,	/* a factory default anyone can look
					 * up (it can still be checked) */
};

/* True if the account's password can be checked (set, even if default). */
static inline bool
account_password_checkable(enum account_password p)
{
	return p == ACCOUNT_PASSWORD_SET || p == ACCOUNT_PASSWORD_DEFAULT;
}

/* A store's id from the config (accounts[N].id): what the wizard's own
 * files key an account's questions, keys, counts and requests by. */
#define STORE_ID_MAX CONFIG_STORE_ID_MAX
#define STORES_MAX CONFIG_STORES_MAX	/* a request carries the store in
					 * 4 bits */
#define ACCOUNT_UID_NONE (-1LL)	/* a store without numeric ids */

struct account {
	char name[ACCOUNT_NAME_MAX + 1];
	uid_t uid;			/* (uid_t)-1: the store has no ids */
	bool admin;			/* the account first-boot sets up */
	enum account_password password;
	/* Filled by the list of stores (backends/accounts/stores.h), not by
	 * a backend: which store the account is in. */
	unsigned store;			/* index in the config's list */
	const char *store_id;
	const char *store_label;
};

/*
 * Who an account is, to the wizard's own files: its store, its name and,
 * where the store has one, its numeric id, so that an account deleted
 * and made again under the same name does not inherit the old owner's
 * questions or requests.
 */
struct account_key {
	char store[STORE_ID_MAX + 1];
	char name[ACCOUNT_NAME_MAX + 1];
	long long uid;			/* ACCOUNT_UID_NONE: not known */
	unsigned index;			/* the store's place in the config */
};

/* "store/name", the key under which attempts are counted: never holds
 * a blank, and never the '@' that starts the device's own budgets. */
#define ACCOUNT_KEY_TEXT_MAX (STORE_ID_MAX + 1 + ACCOUNT_NAME_MAX)

/* True if ID can name a store: 1 to STORE_ID_MAX of a-z, 0-9, '-', '_'. */
bool store_id_ok(const char *id);

/* The key of A (whose store fields the list of stores has filled). */
void account_key_of(const struct account *a, struct account_key *key);

/* Writes "store/name" into OUT (ACCOUNT_KEY_TEXT_MAX + 1 bytes). */
void account_key_text(const struct account_key *key, char *out);

/* An account's id in the wizard's files: decimal, or "-" for
 * ACCOUNT_UID_NONE. account_uid_parse reads TEXT into *UID (false: not
 * one); account_uid_text writes UID into OUT (24 bytes). */
bool account_uid_parse(const char *text, long long *uid);
void account_uid_text(long long uid, char *out);

/* Whether NAME is among ACCOUNTS (COUNT), and its id in *UID: what a
 * record of the version with one store gets when it is brought up to
 * date (one whose account is gone is dropped, so that an account made
 * again under that name does not inherit it). */
bool account_uid_of(const struct account *accounts, size_t count,
    const char *name, long long *uid);

/* The same account: store, name and id (ACCOUNT_UID_NONE only matches
 * itself: a store without ids). */
bool account_key_same(const struct account_key *a,
    const struct account_key *b);

/* Whose passwords a reset takes back to the factory state. */
enum account_reset_scope {
	ACCOUNT_RESET_ALL,	/* every account: a factory reset */
	ACCOUNT_RESET_ADMIN,	/* the administrator alone: the reset
				 * button's password tier */
};

struct accounts_ops {
	/* Reads the schema-checked SETTINGS and checks the store can be
	 * read and parsed, reporting problems with config_section_error.
	 * Returns the state, or NULL if anything was reported. */
	void *(*open)(const struct config_section *settings);
	/* Fills ACCOUNTS (up to MAX) with the accounts the wizard offers,
	 * the admin first; sets *COUNT. Re-reads the store. Returns 0 or a
	 * negative errno with ERR filled. */
	int (*list)(void *state, struct account *accounts, size_t max,
	    size_t *count, struct nvr_error *err);
	/* Returns 0 if PASSWORD is NAME's, -EACCES if not or if NAME is not
	 * offered (the same answer, in about the same time), another
	 * negative errno if the store cannot be read. */
	int (*verify)(void *state, const char *name, const char *password,
	    struct nvr_error *err);
	/* Hashes PASSWORD and makes it NAME's, atomically, under the lock.
	 * Returns 0 or a negative errno (-EBUSY: the store is locked by
	 * someone else) with ERR filled. */
	int (*set_password)(void *state, const char *name,
	    const char *password, struct nvr_error *err);
	/* The factory state, for a factory reset: no offered account has a
	 * password any more (the admin's first-boot setup runs next), and
	 * no old hash stays behind in the store. With ACCOUNT_RESET_ADMIN,
	 * the administrator's alone, every other account left as it is.
	 * Idempotent: a store already so is not written. Returns 0 or a
	 * negative errno. */
	int (*factory_reset)(void *state, enum account_reset_scope scope,
	    struct nvr_error *err);
	/* Frees STATE; NULL is allowed. */
	void (*close)(void *state);
	/* Optional (NULL: never): a sentence the screen adds after NAME's
	 * password was set, when the store keeps it in a weak form the
	 * software it serves leaves no better choice for (motionEye 0.43's
	 * unsalted SHA1), naming the fix; NULL if the form is not weak.
	 * Owned by the state; valid until close. */
	const char *(*weak_note)(void *state, const char *name);
};

/* An open accounts backend, as the wizard holds it. */
struct accounts {
	const struct accounts_ops *ops;
	void *state;
};

/* True if the admin account (listed first) has no usable password (empty,
 * locked or a factory default): first-boot setup is due, at start and
 * after a factory reset. A store that cannot be read is not first boot;
 * Change password will say what is wrong. */
static inline bool
accounts_admin_needs_password(const struct accounts *accounts)
{
	struct account admin;
	struct nvr_error err;
	size_t count;

	if (accounts->ops->list(accounts->state, &admin, 1, &count, &err) != 0)
		return false;
	return count == 1 && admin.admin &&
	    admin.password != ACCOUNT_PASSWORD_SET;
}

extern const struct backend_impl accounts_shadow_impl;
extern const struct backend_impl accounts_sqlite_impl;
extern const struct backend_impl accounts_frigate_impl;
extern const struct backend_impl accounts_motioneye_impl;
extern const struct backend_impl accounts_htpasswd_impl;
extern const struct backend_impl accounts_mariadb_impl;
extern const struct backend_impl accounts_zoneminder_impl;

#endif
