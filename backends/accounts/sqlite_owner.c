/*
 * sqlite_owner.c: the table of users, read and changed as the database
 * file's owner in a child process (see sqlite_owner.h).
 *
 * Invariants:
 * 1. The child opens no name before it is inside the folder the parent
 *    checked (held descriptor, fchdir; chroot when root) and, for a file
 *    not owned by root, has dropped to the file's uid and gid with no
 *    supplementary group; it refuses to go on when a drop did not hold.
 * 2. The database is opened read-write without SQLITE_OPEN_CREATE and
 *    with SQLITE_OPEN_NOFOLLOW: a missing file is not made, a link is not
 *    followed.
 * 3. Every change is one BEGIN IMMEDIATE ... COMMIT in which the table's
 *    shape is checked again, rows are counted and the count of changed
 *    rows compared before COMMIT; anything else is rolled back.
 * 4. secure_delete is on: the page space an old hash leaves is zeroed,
 *    and the write-ahead log is checkpointed and truncated after a change
 *    where no reader stops it, so no old hash stays in the files.
 */
#include "backends/accounts/sqlite_owner.h"
#include "backends/accounts/sql_name.h"
#include "backends/accounts/sqlite_lib.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define UID_LAST 4294967294LL	/* (uid_t)-1 means "no uid" */

/* What the child sends first; COUNT rows follow. */
struct answer {
	int32_t rc;
	uint32_t count;
	struct nvr_error err;
};

int
sqlite_owner_db_init(struct sqlite_owner_db *db, const char *path,
    struct nvr_error *err)
{
	const char *slash = strrchr(path, '/');

	db->path = strdup(path);
	if (slash == NULL) {
		db->folder = strdup(".");
		db->base = strdup(path);
	} else {
		db->folder = slash == path ? strdup("/") :
		    strndup(path, (size_t)(slash - path));
		db->base = strdup(slash + 1);
	}
	if (db->path == NULL || db->folder == NULL || db->base == NULL)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	if (db->base[0] == '\0' || strcmp(db->base, ".") == 0 ||
	    strcmp(db->base, "..") == 0)
		return nvr_error_set(err, -EISDIR, "%s names a folder, not a "
		    "database file", path);
	return 0;
}

void
sqlite_owner_db_free(struct sqlite_owner_db *db)
{
	free(db->path);
	free(db->folder);
	free(db->base);
	db->path = db->folder = db->base = NULL;
}

/* ------------------------------------------------------------------ */
/* The child: SQL                                                      */

struct child {
	const struct sqlite_owner_db *db;
	const struct sqlite_owner_request *req;
	sqlite3 *sql;
	char id_column[SQL_NAME_MAX + 1];	/* "" if none */
	struct sqlite_owner_row *rows;
	size_t count;
	struct nvr_error err;
};

/* The error for SQLite's result RC: -EBUSY for a database held by
 * another program, which the caller reports as "busy". */
static int
sql_error(struct child *c, int rc, const char *doing)
{
	int primary = rc & 0xff;

	if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
		return nvr_error_set(&c->err, -EBUSY, "%s is busy (another "
		    "program is writing to it): nothing was changed; try "
		    "again in a moment", c->db->label);
	if (primary == SQLITE_NOTADB)
		return nvr_error_set(&c->err, -EINVAL, "%s %s is not an "
		    "SQLite database", c->db->label, c->db->path);
	/* A full storage keeps its errno, for the screens' words ("the
	 * recorder's storage is full"): SQLITE_FULL, or an I/O error whose
	 * system call said so. (A file SQLite cannot make on a full disk is
	 * SQLITE_CANTOPEN with no errno kept: that one is not told.) */
	if (primary == SQLITE_FULL || (primary == SQLITE_IOERR &&
	    c->sql != NULL &&
	    nvr_error_storage(-sqlite3_system_errno(c->sql)) != NULL))
		return nvr_error_set(&c->err, primary == SQLITE_FULL ?
		    -ENOSPC : -sqlite3_system_errno(c->sql), "%s %s: cannot "
		    "%s: %s", c->db->label, c->db->path, doing,
		    c->sql != NULL ? sqlite3_errmsg(c->sql) :
		    sqlite3_errstr(rc));
	return nvr_error_set(&c->err, primary == SQLITE_CANTOPEN ? -ENOENT :
	    primary == SQLITE_READONLY || primary == SQLITE_PERM ? -EACCES :
	    -EIO, "%s %s: cannot %s: %s", c->db->label, c->db->path, doing,
	    c->sql != NULL ? sqlite3_errmsg(c->sql) : sqlite3_errstr(rc));
}

static int
exec(struct child *c, const char *sql)
{
	int rc = sqlite3_exec(c->sql, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : sql_error(c, rc, "read or write it");
}

static int
prepare(struct child *c, const char *sql, sqlite3_stmt **stmt)
{
	int rc = sqlite3_prepare_v2(c->sql, sql, -1, stmt, NULL);

	return rc == SQLITE_OK ? 0 : sql_error(c, rc, "read the table");
}

/*
 * Checks the table and the configured columns are there (a view or a
 * missing column is refused), and finds its INTEGER PRIMARY KEY, the
 * rows' ids; a table without one has none (its rowids are renumbered by
 * VACUUM).
 */
static int
check_table(struct child *c)
{
	const char *want[] = { c->db->user_column, c->db->password_column,
	    c->db->changed_column, c->db->enabled_column };
	bool found[4] = { false, false, false, false };
	sqlite3_stmt *stmt = NULL;
	char pk[SQL_NAME_MAX + 1] = "";
	int pk_count = 0, rc, step;
	bool is_table = false;

	rc = prepare(c, "SELECT 1 FROM sqlite_master WHERE type = 'table' "
	    "AND name = ?1 COLLATE NOCASE", &stmt);
	if (rc != 0)
		return rc;
	sqlite3_bind_text(stmt, 1, c->db->table, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	is_table = step == SQLITE_ROW;
	sqlite3_finalize(stmt);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return sql_error(c, step, "read its tables");
	if (!is_table)
		return nvr_error_set(&c->err, -ENOENT, "%s %s has no table "
		    "%s: not the database configured, nothing was changed",
		    c->db->label, c->db->path, c->db->table);
	rc = prepare(c, "SELECT name, type, pk FROM pragma_table_info(?1)",
	    &stmt);
	if (rc != 0)
		return rc;
	sqlite3_bind_text(stmt, 1, c->db->table, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(stmt, 0);
		const char *type = (const char *)sqlite3_column_text(stmt, 1);

		if (name == NULL)
			continue;
		for (size_t i = 0; i < 4; i++)
			if (want[i][0] != '\0' &&
			    sqlite3_stricmp(name, want[i]) == 0)
				found[i] = true;
		if (sqlite3_column_int(stmt, 2) > 0) {
			pk_count++;
			if (type != NULL && sqlite3_stricmp(type, "INTEGER") ==
			    0 && sql_name_ok(name))
				snprintf(pk, sizeof(pk), "%s", name);
		}
	}
	sqlite3_finalize(stmt);
	if (step != SQLITE_DONE)
		return sql_error(c, step, "read the table's columns");
	for (size_t i = 0; i < 4; i++)
		if (want[i][0] != '\0' && !found[i])
			return nvr_error_set(&c->err, -ENOENT, "%s %s: table "
			    "%s has no column %s: not the database configured, "
			    "nothing was changed", c->db->label, c->db->path,
			    c->db->table, want[i]);
	snprintf(c->id_column, sizeof(c->id_column), "%s",
	    pk_count == 1 ? pk : "");
	return 0;
}

/* The SELECT of the rows (NAME's alone if it is set) into OUT. */
static int
select_sql(const struct child *c, bool one, char *out, size_t size)
{
	const struct sqlite_owner_db *db = c->db;
	char enabled[2 * SQL_NAME_MAX + 32] = "1";
	char id[SQL_NAME_MAX + 3] = "NULL";
	int n;

	if (db->enabled_column[0] != '\0')
		snprintf(enabled, sizeof(enabled),
		    "CASE WHEN \"%s\" THEN 1 ELSE 0 END", db->enabled_column);
	if (c->id_column[0] != '\0')
		snprintf(id, sizeof(id), "\"%s\"", c->id_column);
	n = snprintf(out, size, "SELECT %s, \"%s\", \"%s\", %s FROM \"%s\"%s%s%s "
	    "ORDER BY \"%s\" COLLATE BINARY", id, db->user_column,
	    db->password_column, enabled, db->table,
	    one ? " WHERE \"" : "", one ? db->user_column : "",
	    one ? "\" = ?1 COLLATE BINARY" : "", db->user_column);
	return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

/* Adds the row STMT is on to C->rows if it is one to offer; rows whose
 * name another row has too are dropped afterwards (drop_twins). */
static int
add_row(struct child *c, sqlite3_stmt *stmt)
{
	struct sqlite_owner_row *row;
	const char *name;
	int name_len, hash_type;

	if (sqlite3_column_type(stmt, 1) != SQLITE_TEXT)
		return 0;
	name = (const char *)sqlite3_column_text(stmt, 1);
	name_len = sqlite3_column_bytes(stmt, 1);
	if (name == NULL || name_len < 1 || name_len > ACCOUNT_NAME_MAX ||
	    strlen(name) != (size_t)name_len)
		return 0;
	if (sqlite3_column_int(stmt, 3) == 0)
		return 0;	/* disabled */
	if (c->count == SQLITE_OWNER_ROWS_MAX)
		return nvr_error_set(&c->err, -E2BIG, "%s %s: more than %d "
		    "users in %s", c->db->label, c->db->path,
		    SQLITE_OWNER_ROWS_MAX, c->db->table);
	row = &c->rows[c->count];
	memset(row, 0, sizeof(*row));
	memcpy(row->name, name, (size_t)name_len);
	row->id = -1;
	if (c->id_column[0] != '\0') {
		sqlite3_int64 id = sqlite3_column_int64(stmt, 0);

		if (sqlite3_column_type(stmt, 0) != SQLITE_INTEGER || id < 0 ||
		    id > UID_LAST)
			return 0;	/* no id this store can keep */
		row->id = id;
	}
	hash_type = sqlite3_column_type(stmt, 2);
	row->hash_null = hash_type == SQLITE_NULL;
	if (hash_type == SQLITE_TEXT) {
		const void *text = sqlite3_column_text(stmt, 2);
		int len = sqlite3_column_bytes(stmt, 2);

		if (len >= 0 && (size_t)len < sizeof(row->hash) && text != NULL) {
			memcpy(row->hash, text, (size_t)len);
			row->hash_len = (size_t)len;
		} else {
			row->hash_other = true;
		}
	} else if (hash_type != SQLITE_NULL) {
		row->hash_other = true;
	}
	c->count++;
	return 0;
}

/* Drops every row whose name is another row's too (they are sorted by
 * name): such a user cannot be changed alone. */
static void
drop_twins(struct child *c)
{
	size_t kept = 0;

	for (size_t i = 0; i < c->count; i++) {
		bool twin = (i > 0 && strcmp(c->rows[i].name,
		    c->rows[i - 1].name) == 0) || (i + 1 < c->count &&
		    strcmp(c->rows[i].name, c->rows[i + 1].name) == 0);

		if (!twin)
			c->rows[kept++] = c->rows[i];
	}
	sodium_memzero(c->rows + kept, (c->count - kept) * sizeof(*c->rows));
	c->count = kept;
}

/* The offered rows (or NAME's, when it is set) into C->rows. */
static int
read_rows(struct child *c, const char *name)
{
	char sql[1024];
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	c->count = 0;
	if (select_sql(c, name != NULL, sql, sizeof(sql)) != 0)
		return nvr_error_set(&c->err, -ENAMETOOLONG, "names too long");
	rc = prepare(c, sql, &stmt);
	if (rc != 0)
		return rc;
	if (name != NULL)
		sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW)
		rc = add_row(c, stmt);
	if (rc == 0 && step != SQLITE_DONE)
		rc = sql_error(c, step, "read the users");
	sqlite3_finalize(stmt);
	if (rc == 0)
		drop_twins(c);
	return rc;
}

/* Sets NAME's password column to VALUE (and the changed-at column): one
 * row exactly, or nothing (the caller rolls back). */
static int
update_row(struct child *c, const char *name, const char *value)
{
	const struct sqlite_owner_db *db = c->db;
	const struct sqlite_owner_change *changed = &c->req->changed;
	char sql[512], set_changed[SQL_NAME_MAX + 16] = "";
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	if (db->changed_column[0] != '\0')
		snprintf(set_changed, sizeof(set_changed), ", \"%s\" = ?3",
		    db->changed_column);
	snprintf(sql, sizeof(sql), "UPDATE \"%s\" SET \"%s\" = ?1%s WHERE "
	    "\"%s\" = ?2 COLLATE BINARY", db->table, db->password_column,
	    set_changed, db->user_column);
	rc = prepare(c, sql, &stmt);
	if (rc != 0)
		return rc;
	sqlite3_bind_text(stmt, 1, value, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
	if (db->changed_column[0] != '\0') {
		if (changed->as_integer)
			sqlite3_bind_int64(stmt, 3, changed->unix_time);
		else
			sqlite3_bind_text(stmt, 3, changed->text, -1,
			    SQLITE_STATIC);
	}
	step = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (step != SQLITE_DONE)
		return sql_error(c, step, "write the new password");
	if (sqlite3_changes(c->sql) != 1)
		return nvr_error_set(&c->err, -EIO, "%s %s: %d rows for %s, "
		    "not one: nothing was changed", db->label, db->path,
		    sqlite3_changes(c->sql), name);
	return 0;
}

/* The number of rows named NAME, offered or not. */
static int
count_named(struct child *c, const char *name, int *n)
{
	char sql[256];
	sqlite3_stmt *stmt = NULL;
	int rc, step;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\" WHERE \"%s\" "
	    "= ?1 COLLATE BINARY", c->db->table, c->db->user_column);
	rc = prepare(c, sql, &stmt);
	if (rc != 0)
		return rc;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	step = sqlite3_step(stmt);
	*n = step == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
	sqlite3_finalize(stmt);
	return step == SQLITE_ROW ? 0 : sql_error(c, step, "read the users");
}

static int
do_set(struct child *c)
{
	const char *name = c->req->name;
	int rc, n = 0;

	rc = read_rows(c, name);
	if (rc == 0)
		rc = count_named(c, name, &n);
	if (rc == 0 && (c->count != 1 || n != 1))
		rc = nvr_error_set(&c->err, -ENOENT, "no account %s here",
		    name);
	if (rc == 0)
		rc = update_row(c, name, c->req->hash);
	c->count = 0;
	return rc;
}

static int
do_reset(struct child *c, size_t *changed)
{
	int rc = read_rows(c, c->req->name);

	*changed = 0;
	if (rc == 0 && c->count > c->req->max)
		rc = nvr_error_set(&c->err, -E2BIG, "more than %zu accounts "
		    "to reset; not one was changed", c->req->max);
	for (size_t i = 0; rc == 0 && i < c->count; i++) {
		const struct sqlite_owner_row *row = &c->rows[i];

		if (row->hash_len == strlen(SQLITE_OWNER_LOCKED) &&
		    memcmp(row->hash, SQLITE_OWNER_LOCKED, row->hash_len) == 0)
			continue;
		rc = update_row(c, row->name, SQLITE_OWNER_LOCKED);
		if (rc == 0)
			(*changed)++;
	}
	c->count = 0;
	return rc;
}

/* Opens the database (NAME, inside the folder) and runs the request. */
static int
run_sql(struct child *c, const char *name)
{
	bool write = c->req->op != SQLITE_OWNER_LIST;
	size_t changed = 1;
	int rc;

	rc = sqlite3_open_v2(name, &c->sql, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK)
		return sql_error(c, rc, "open it");
	sqlite3_extended_result_codes(c->sql, 1);
	sqlite3_busy_timeout(c->sql, c->db->busy_timeout_ms);
	rc = exec(c, "PRAGMA temp_store = MEMORY; PRAGMA secure_delete = ON");
	if (rc == 0)
		rc = exec(c, write ? "BEGIN IMMEDIATE" : "BEGIN");
	if (rc != 0)
		return rc;
	rc = check_table(c);
	if (rc == 0 && c->req->op == SQLITE_OWNER_LIST)
		rc = read_rows(c, c->req->name);
	else if (rc == 0 && c->req->op == SQLITE_OWNER_SET)
		rc = do_set(c);
	else if (rc == 0)
		rc = do_reset(c, &changed);
	if (rc == 0 && write && changed > 0)
		rc = exec(c, "COMMIT");
	if (rc != 0 || !write || changed == 0) {
		/* Nothing to keep (a read, or a reset with nothing to do),
		 * or a failure: nothing is written. */
		sqlite3_exec(c->sql, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	/* The old pages out of the log, where no reader holds them. */
	sqlite3_exec(c->sql, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
	    NULL);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The child: process                                                  */

static bool
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Enters the held folder and becomes the file's owner; *NAME is then
 * what to open. */
static int
enter(struct child *c, int dirfd, const struct stat *sb, char *name,
    size_t size)
{
	bool root = geteuid() == 0;

	if (fchdir(dirfd) != 0)
		return nvr_error_set(&c->err, -errno, "cannot enter the folder "
		    "of %s: %s", c->db->path, strerror(errno));
	/* Root: every name SQLite looks up (the file, its -journal, -wal,
	 * -shm) stays inside this folder. Another user acts with no more
	 * than its own rights, which the folder's names cannot raise. */
	if (root && (chroot(".") != 0 || chdir("/") != 0))
		return nvr_error_set(&c->err, -errno, "cannot enter the folder "
		    "of %s: %s", c->db->path, strerror(errno));
	snprintf(name, size, "%s%s", root ? "/" : "", c->db->base);
	close(dirfd);
	if (!root || sb->st_uid == 0)
		return 0;
	if (setgroups(0, NULL) != 0 ||
	    setresgid(sb->st_gid, sb->st_gid, sb->st_gid) != 0 ||
	    setresuid(sb->st_uid, sb->st_uid, sb->st_uid) != 0)
		return nvr_error_set(&c->err, -errno, "cannot become the owner "
		    "of %s (uid %u): %s", c->db->path, (unsigned)sb->st_uid,
		    strerror(errno));
	/* A drop that did not hold (root could come back) is refused. */
	if (getuid() != sb->st_uid || geteuid() != sb->st_uid ||
	    getgid() != sb->st_gid || getegid() != sb->st_gid ||
	    setresuid(0, 0, 0) == 0)
		return nvr_error_set(&c->err, -EPERM, "cannot become the owner "
		    "of %s", c->db->path);
	return 0;
}

static void __attribute__((noreturn))
child_main(struct child *c, int dirfd, const struct stat *sb, int out)
{
	char name[PATH_MAX];
	struct answer answer = { .rc = 0 };
	bool ok;

	c->rows = calloc(SQLITE_OWNER_ROWS_MAX, sizeof(*c->rows));
	if (c->rows == NULL)
		answer.rc = nvr_error_set(&c->err, -ENOMEM, "out of memory");
	if (answer.rc == 0)
		answer.rc = enter(c, dirfd, sb, name, sizeof(name));
	if (answer.rc == 0)
		answer.rc = run_sql(c, name);
	if (c->sql != NULL)
		sqlite3_close_v2(c->sql);
	if (answer.rc != 0 || c->req->op != SQLITE_OWNER_LIST)
		c->count = 0;
	answer.count = (uint32_t)c->count;
	answer.err = c->err;
	ok = write_all(out, &answer, sizeof(answer)) &&
	    write_all(out, c->rows, c->count * sizeof(*c->rows));
	if (c->rows != NULL)
		sodium_memzero(c->rows, SQLITE_OWNER_ROWS_MAX *
		    sizeof(*c->rows));
	/* _exit: no atexit handler nor stdio buffer of the parent's runs
	 * twice. */
	_exit(ok ? 0 : 1);
}

/* ------------------------------------------------------------------ */
/* The parent                                                          */

/* Reads everything from FD into a malloc'd *DATA. */
static int
read_answer(int fd, char **data, size_t *len)
{
	size_t size = 0;

	*data = NULL;
	*len = 0;
	for (;;) {
		ssize_t n;

		if (size - *len < 65536) {
			char *bigger = realloc(*data, size + 65536);

			if (bigger == NULL)
				return -ENOMEM;
			*data = bigger;
			size += 65536;
		}
		n = read(fd, *data + *len, size - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		*len += (size_t)n;
	}
}

int
sqlite_owner_run(const struct sqlite_owner_db *db,
    const struct sqlite_owner_request *req, struct sqlite_owner_row **rows,
    size_t *count, struct nvr_error *err)
{
	struct child c = { .db = db, .req = req };
	struct answer answer;
	struct stat sb;
	char *data = NULL;
	size_t len = 0;
	int dirfd, pipefd[2], status = 0, rc;
	pid_t pid;

	if (rows != NULL)
		*rows = NULL;
	if (count != NULL)
		*count = 0;
	/* Loaded here, before the fork: the child finds it in place. */
	if (sqlite_lib_load(err) != 0)
		return -ENOENT;
	dirfd = open(db->folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (dirfd < 0)
		return nvr_error_set(err, -errno, "cannot open the folder of "
		    "%s %s: %s", db->label, db->path, strerror(errno));
	if (fstatat(dirfd, db->base, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
		rc = nvr_error_set(err, -errno, "%s %s: %s", db->label,
		    db->path, strerror(errno));
		close(dirfd);
		return rc;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(dirfd);
		return nvr_error_set(err, -EINVAL, "%s %s is not a regular "
		    "file (a link is not followed)", db->label, db->path);
	}
	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		rc = nvr_error_set(err, -errno, "cannot make a pipe: %s",
		    strerror(errno));
		close(dirfd);
		return rc;
	}
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		signal(SIGPIPE, SIG_DFL);
		child_main(&c, dirfd, &sb, pipefd[1]);
	}
	rc = pid < 0 ? -errno : 0;
	close(pipefd[1]);
	close(dirfd);
	if (rc == 0)
		rc = read_answer(pipefd[0], &data, &len);
	close(pipefd[0]);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    len < sizeof(answer)))
		rc = -EIO;
	if (rc == 0) {
		memcpy(&answer, data, sizeof(answer));
		if (answer.count > SQLITE_OWNER_ROWS_MAX ||
		    len != sizeof(answer) + answer.count * sizeof(struct sqlite_owner_row))
			rc = -EIO;
	}
	if (rc != 0) {
		if (data != NULL)
			sodium_memzero(data, len);
		free(data);
		return nvr_error_set(err, rc, "cannot read %s %s: its reader "
		    "stopped (%s)", db->label, db->path, rc == -EIO ?
		    "no answer" : strerror(-rc));
	}
	if (answer.rc != 0) {
		answer.err.message[sizeof(answer.err.message) - 1] = '\0';
		nvr_error_set(err, answer.rc, "%s", answer.err.message);
	} else if (rows != NULL && answer.count > 0) {
		*rows = malloc(answer.count * sizeof(struct sqlite_owner_row));
		if (*rows == NULL)
			answer.rc = nvr_error_set(err, -ENOMEM,
			    "out of memory");
		else
			memcpy(*rows, data + sizeof(answer),
			    answer.count * sizeof(struct sqlite_owner_row));
	}
	if (answer.rc == 0 && count != NULL && (rows == NULL || *rows != NULL))
		*count = answer.count;
	sodium_memzero(data, len);
	free(data);
	for (size_t i = 0; answer.rc == 0 && rows != NULL && i < *count; i++)
		(*rows)[i].name[ACCOUNT_NAME_MAX] = '\0';
	return answer.rc;
}
