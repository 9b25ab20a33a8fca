/*
 * recovery.h: the recovery concern. What an owner set up in advance to
 * get back in without the password: security questions with hashed
 * answers, and a one-time recovery key, per account.
 *
 * Invariants:
 * 1. Answers and keys are hashed inside the backend (argon2id, their own
 *    salt each, backends/recovery/answer.h); neither a hash nor an answer ever
 *    leaves it. Screens learn the question texts and whether a key
 *    exists, and get yes or no to a check.
 * 2. A check of answers says right or wrong for the whole set, never
 *    which answer was wrong.
 * 3. Using a recovery key and invalidating it is one step under the
 *    store's lock: a key works once. A key only checked stays good.
 * 4. A store that cannot be parsed is refused, never rewritten.
 */
#ifndef NVR_BACKENDS_RECOVERY_RECOVERY_H
#define NVR_BACKENDS_RECOVERY_RECOVERY_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/accounts/accounts.h"
#include "backends/recovery/answer.h"
#include "backends/backend.h"
#include "common/nvr_error.h"
#include "common/secret.h"
#include "config/document.h"

#define RECOVERY_QUESTIONS_MAX 10	/* enrolled per account */
#define RECOVERY_QUESTION_MAX 160	/* bytes of one question's text */
#define RECOVERY_CHOICES_MAX 32		/* questions offered by the config */
#define RECOVERY_FOLDERS_MAX 8		/* key_folders */

/* A recovery key: 20 symbols of Crockford base32 (100 random bits) in 5
 * groups of 4, each group with its check symbol: XXXXX-XXXXX-...  */
#define RECOVERY_KEY_SYMBOLS 20
#define RECOVERY_KEY_GROUP 4
#define RECOVERY_KEY_TEXT_MAX 40	/* with separators and NUL */

/* The settings every recovery backend shares (recovery_settings_keys). */
struct recovery_settings {
	int question_count;		/* how many to enroll (default 3) */
	const char *choices[RECOVERY_CHOICES_MAX];	/* borrowed from the
							 * config document */
	size_t choice_count;
	bool own_questions;		/* may the owner write their own */
	struct answer_cost cost;	/* per answer and per key */
	char *key_folders[RECOVERY_FOLDERS_MAX];	/* malloc'd */
	size_t key_folder_count;
	bool key_folders_need_mount;	/* only where a stick is mounted */
};

/* What an account has enrolled: texts only, never hashes. */
struct recovery_enrollment {
	size_t question_count;
	char questions[RECOVERY_QUESTIONS_MAX][RECOVERY_QUESTION_MAX + 1];
	bool has_key;
};

/* WHO below: the account, by store, name and id (accounts.h); a record
 * of an earlier account of the same name in the same store is not WHO's,
 * and goes when WHO's own are written. The file of a key another store's
 * account exports names the store. */
struct recovery_ops {
	/* Reads the schema-checked SETTINGS (the store defaults to a file
	 * in STATE_DIR), reporting problems with config_section_error. NULL
	 * if anything was reported. The store itself is read by each call,
	 * so a broken store stops only recovery, not the wizard. */
	void *(*open)(const struct config_section *settings,
	    const char *state_dir);
	/* The shared settings, parsed at open. */
	const struct recovery_settings *(*settings)(void *state);
	/* Fills OUT with what WHO has enrolled (nothing: zero questions,
	 * no key). Re-reads the store. */
	int (*enrollment)(void *state, const struct account_key *who,
	    struct recovery_enrollment *out, struct nvr_error *err);
	/* Hashes ANSWERS and makes QUESTIONS and them WHO's, replacing any
	 * enrolled before; the key, if any, is kept. Returns 0, -EINVAL
	 * (a question or answer the store cannot hold; ERR says which) or
	 * another negative errno. */
	int (*set_questions)(void *state, const struct account_key *who,
	    size_t count,
	    const char *const *questions, const struct secret *answers,
	    struct nvr_error *err);
	/* Returns 0 if ANSWERS (COUNT, in the enrolled order) are all
	 * right, -EACCES if any is wrong or the count differs, -ENOENT if
	 * WHO has none, another negative errno if the store is unusable.
	 * Every answer is hashed, right or wrong, so the time says
	 * nothing. */
	int (*check_answers)(void *state, const struct account_key *who,
	    const struct secret *answers, size_t count,
	    struct nvr_error *err);
	/* Keeps KEY_TEXT (made by recovery_key_make, and confirmed by the
	 * owner) as WHO's key, replacing any. Only its hash is kept. */
	int (*keep_key)(void *state, const struct account_key *who,
	    const struct secret *key_text, struct nvr_error *err);
	/* Writes KEY_TEXT for WHO of the device SERIAL as a text file into
	 * the first configured key folder that is there (a USB stick that
	 * is mounted), and WHERE (size WHERE_SIZE) names the file. Returns
	 * 0, -ENOENT (no folder is there) or another negative errno. */
	int (*export_key)(void *state, const struct account_key *who,
	    const char *serial,
	    const struct secret *key_text, char *where, size_t where_size,
	    struct nvr_error *err);
	/* Checks KEY (already parsed and canonical: the 20 symbols as
	 * upper-case text) against WHO's key and, if it matches and USE,
	 * deletes it in the same locked step (USE false: checked and held,
	 * to be used when the new password is saved). Returns 0, -EACCES
	 * (wrong), -ENOENT (WHO has no key) or another negative errno. */
	int (*use_key)(void *state, const struct account_key *who,
	    const char *key,
	    bool use, struct nvr_error *err);
	/* Brings a store of the single-store version (format 1) up to
	 * date, once, under the lock: its records become STORE's (the
	 * first store's), each with the id its account has among ACCOUNTS
	 * (COUNT, that store's accounts now). A store up to date, or none,
	 * is left alone; one that does not parse is refused, never
	 * rewritten. *DONE: it was written. ACCOUNTS NULL is a probe:
	 * -EAGAIN if the store is of format 1 (the accounts are wanted to
	 * bring it up to date), 0 if not, nothing written either way. */
	int (*migrate)(void *state, const char *store,
	    const struct account *accounts, size_t count, bool *done,
	    struct nvr_error *err);
	/* Erases every account's questions and key, for a factory reset;
	 * a store that does not parse is erased too. Idempotent. Returns 0
	 * or a negative errno. */
	int (*erase)(void *state, struct nvr_error *err);
	/* Frees STATE; NULL is allowed. */
	void (*close)(void *state);
};

/* An open recovery backend, as the wizard holds it. */
struct recovery {
	const struct recovery_ops *ops;
	void *state;
};

/* The keys of the shared settings, for each implementation's table. */
extern const struct schema_key recovery_questions_keys[];
extern const struct schema_key recovery_cost_keys[];

/* Reads the shared settings from SECTION (questions:, answer_cost:,
 * key_folders:) with their defaults. Returns 0, or -1 after reporting a
 * problem with config_section_error. */
int recovery_settings_read(const struct config_section *section,
    struct recovery_settings *out);

void recovery_settings_free(struct recovery_settings *s);

/* Checks a question's text: valid UTF-8, no control characters, not
 * blank, at most RECOVERY_QUESTION_MAX bytes. NULL if fine, else why. */
const char *recovery_question_problem(const char *text);

/* Writes a new random key's text (XXXXX-XXXXX-..., RECOVERY_KEY_TEXT_MAX
 * bytes) into KEY_TEXT; nothing is kept until keep_key. */
int recovery_key_make(struct secret *key_text);

/* Whether TYPED is the last group of KEY_TEXT, read as a key is (any
 * case, I and L as 1, O as 0, spaces and dashes aside). */
bool recovery_key_last_group_is(const struct secret *key_text,
    const char *typed);

/*
 * Reads a typed key: Crockford base32, any case, with or without
 * separators. On success writes the canonical form (RECOVERY_KEY_SYMBOLS
 * upper-case symbols) into CANONICAL and returns 0; on a typo returns
 * -EINVAL with *BAD_GROUP the 1-based group at fault (0: wrong length).
 */
int recovery_key_parse(const char *typed, struct secret *canonical,
    size_t *bad_group);

extern const struct backend_impl recovery_file_impl;

#endif
