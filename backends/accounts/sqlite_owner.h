/*
 * sqlite_owner.h: reading and changing a table of users in an SQLite
 * database as the database file's owner, in a child process, for
 * backends/accounts/sqlite.c.
 *
 * Why a child: a program such as Frigate keeps its database in a folder
 * of its own account (a container's /config on the host). Root opening it
 * would leave root-owned -wal, -shm or -journal files the program could
 * no longer write, and would look its name up again with root's rights
 * in a folder another account can change. So the parent opens the folder
 * once (O_DIRECTORY | O_NOFOLLOW), checks the file in it through that
 * descriptor (fstatat, no link followed), and forks; the child enters the
 * held folder (fchdir, and chroot to it when root, so that every name
 * SQLite looks up, the database's and its side files', resolves inside
 * that folder and nowhere else), drops to the file's owner and group
 * (setgroups, setresgid, setresuid) when that owner is not root, and only
 * then opens the database. It sends its answer back over a pipe; the
 * parent waits for its exit status.
 */
#ifndef NVR_BACKENDS_ACCOUNTS_SQLITE_OWNER_H
#define NVR_BACKENDS_ACCOUNTS_SQLITE_OWNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/accounts/accounts.h"
#include "backends/accounts/pbkdf2.h"
#include "backends/accounts/sql_name.h"
#include "common/nvr_error.h"

#define SQLITE_OWNER_ROWS_MAX 4096	/* users a table may hold */
#define SQLITE_OWNER_LOCKED "!"		/* the factory reset's value: no
					 * scheme accepts it */

/* The database and the names of its table and columns ("" if none). */
struct sqlite_owner_db {
	char *path;		/* as configured, for messages */
	char *folder;		/* the folder holding it */
	char *base;		/* its name in that folder */
	const char *label;	/* "the Frigate database" */
	int busy_timeout_ms;
	char table[SQL_NAME_MAX + 1];
	char user_column[SQL_NAME_MAX + 1];
	char password_column[SQL_NAME_MAX + 1];
	char changed_column[SQL_NAME_MAX + 1];
	char enabled_column[SQL_NAME_MAX + 1];
};

/* Fills DB's path, folder and base from PATH (a file's path). Returns 0
 * or a negative errno with ERR filled. */
int sqlite_owner_db_init(struct sqlite_owner_db *db, const char *path,
    struct nvr_error *err);

void sqlite_owner_db_free(struct sqlite_owner_db *db);

enum sqlite_owner_op {
	SQLITE_OWNER_LIST,	/* the offered rows (or NAME's alone) */
	SQLITE_OWNER_SET,	/* NAME's password column to HASH */
	SQLITE_OWNER_RESET,	/* every offered row's to SQLITE_OWNER_LOCKED
				 * (or NAME's alone) */
};

/* The changed-at value, made by the caller. */
struct sqlite_owner_change {
	bool as_integer;	/* unix_time, else text */
	int64_t unix_time;
	char text[64];		/* "2025-06-01 14:03:07.123456" */
};

struct sqlite_owner_request {
	enum sqlite_owner_op op;
	const char *name;	/* LIST, RESET: only this one, or NULL;
				 * SET: whose */
	bool with_hash;		/* LIST: the caller needs the hashes */
	char hash[PBKDF2_SHA256_TEXT_MAX];	/* SET: the new hash */
	struct sqlite_owner_change changed;	/* SET, RESET */
	size_t max;		/* RESET: at most this many accounts */
};

/* One offered row: a user whose name is text of 1 to ACCOUNT_NAME_MAX
 * bytes without NUL, found once in the table, enabled (where the store
 * has that column), with an id in uid_t's range where the table has one
 * (an INTEGER PRIMARY KEY). */
struct sqlite_owner_row {
	char name[ACCOUNT_NAME_MAX + 1];
	int64_t id;		/* -1: the table has no id column */
	bool hash_null;		/* NULL in the password column */
	bool hash_other;	/* a value too long or not text: no hash
				 * of a scheme this store reads */
	size_t hash_len;
	char hash[PBKDF2_SHA256_TEXT_MAX];	/* text, not NUL-ended */
};

/*
 * Runs REQ on DB in a child as described above. For LIST, *ROWS gets a
 * malloc'd array of *COUNT rows (wipe and free it); ROWS may be NULL for
 * the other operations. Returns 0, -EBUSY (another program held the
 * database past the busy timeout: nothing changed), -ENOENT (SET: NAME is
 * not offered), -E2BIG, or another negative errno, with ERR filled.
 */
int sqlite_owner_run(const struct sqlite_owner_db *db,
    const struct sqlite_owner_request *req, struct sqlite_owner_row **rows,
    size_t *count, struct nvr_error *err);

#endif
