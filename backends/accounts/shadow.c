/*
 * shadow.c: accounts in the Linux /etc/passwd and /etc/shadow
 * format, under a configurable root (the system's own files, or a copy in
 * a test or demo folder).
 *
 * Invariants:
 * 1. A file with a line that does not parse is refused as FILE:LINE:
 *    message and never rewritten.
 * 2. A change rewrites only the changed account's line, and in it only the
 *    hash and the last-change day: every other byte stays as it was.
 * 3. Writes go through atomic_file under both locks passwd(1) honours
 *    (lckpwdf's .pwd.lock and shadow-utils' shadow.lock), with the old
 *    file kept as shadow-.
 * 4. An unknown account and a wrong password get the same answer after
 *    the same work: a hash is always computed.
 * 5. Buffers that held a password or a hash computation are wiped.
 */
#include "backends/accounts/accounts.h"

#include <crypt.h>
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/atomic_file.h"
#include "backends/accounts/policy.h"

#define SHADOW_FIELDS 9
#define PASSWD_FIELDS 7
#define DEFAULTS_MAX 8
/* Bytes, as libxcrypt takes them (its limit counts the NUL). */
#define PASSWORD_MAX (CRYPT_MAX_PASSPHRASE_SIZE - 1)
/* The highest uid there is: (uid_t)-1 means "no uid" to chown(2). */
#define UID_LAST 4294967294u

static const char *const hash_choices[] = { "yescrypt", "sha512", "bcrypt",
    NULL };

static const struct schema_key shadow_keys[] = {
	{ .name = "root", .type = SCHEMA_PATH,
	  .help = "folder holding etc/passwd and etc/shadow (default /)" },
	{ .name = "admin", .type = SCHEMA_STRING,
	  .help = "the account first-boot setup asks a password for" },
	{ .name = "min_uid", .type = SCHEMA_INT, .min = 0, .max = UID_LAST,
	  .help = "lowest uid of other accounts offered (default 1000)" },
	{ .name = "max_uid", .type = SCHEMA_INT, .min = 0, .max = UID_LAST,
	  .help = "highest uid of other accounts offered (default 59999)" },
	{ .name = "hash", .type = SCHEMA_ENUM, .choices = hash_choices,
	  .help = "yescrypt (default), sha512 or bcrypt" },
	{ .name = "hash_cost", .type = SCHEMA_INT, .min = 0, .max = 999999999,
	  .help = "the method's cost; 0 or absent: libxcrypt's default" },
	{ .name = "default_passwords", .type = SCHEMA_LIST,
	  .help = "factory passwords: an admin still using one gets "
	  "first-boot setup" },
	{ .name = "lock_timeout_ms", .type = SCHEMA_INT, .min = 0,
	  .max = 600000, .help = "how long to wait for passwd's lock" },
	{ .name = "policy", .type = SCHEMA_MAP, .children = policy_keys,
	  .help = "password strength rules" },
	{ 0 },
};

struct shadow_store {
	char *passwd_path;
	char *shadow_path;
	char *lock_path;
	char admin[ACCOUNT_NAME_MAX + 1];
	uint32_t min_uid, max_uid;	/* up to UID_LAST */
	const char *prefix;		/* crypt_gensalt's method prefix */
	unsigned long cost;
	int lock_timeout_ms;
	char dummy_hash[CRYPT_OUTPUT_SIZE];	/* for unknown accounts */
	char *defaults[DEFAULTS_MAX];	/* factory passwords, public */
	size_t default_count;
};

/* One line of a colon-separated file, split in place. */
struct record {
	const char *line;	/* start of the line in the file's text */
	size_t length;		/* without the newline */
	unsigned number;	/* 1-based */
	const char *field[SHADOW_FIELDS];
	size_t field_len[SHADOW_FIELDS];
};

/*
 * Calls FN for each line of TEXT split into exactly FIELDS fields. A line
 * with another count, or an empty name, stops with "PATH:LINE: message".
 * FN returns non-zero to stop early; that value is returned.
 */
static int
each_record(const char *text, size_t len, int fields, const char *path,
    int (*fn)(const struct record *rec, void *arg), void *arg,
    struct nvr_error *err)
{
	struct record rec = { .number = 0 };

	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		int n = 0, rc;

		rec.line = text + pos;
		rec.length = end - pos;
		rec.number++;
		for (size_t i = pos, start = pos; i <= end; i++) {
			if (i < end && text[i] != ':')
				continue;
			if (n < SHADOW_FIELDS) {
				rec.field[n] = text + start;
				rec.field_len[n] = i - start;
			}
			n++;
			start = i + 1;
		}
		if (n != fields || rec.field_len[0] == 0 ||
		    memchr(rec.line, '\0', rec.length) != NULL ||
		    memchr(rec.line, '\r', rec.length) != NULL)
			return nvr_error_set(err, -EINVAL, "%s:%u: %s", path,
			    rec.number, n != fields ? "wrong number of fields" :
			    rec.field_len[0] == 0 ? "empty account name" :
			    "stray control character");
		rc = fn(&rec, arg);
		if (rc != 0)
			return rc;
		pos = end + 1;
	}
	return 0;
}

static bool
field_is(const struct record *rec, int i, const char *text)
{
	return rec->field_len[i] == strlen(text) &&
	    memcmp(rec->field[i], text, rec->field_len[i]) == 0;
}

static enum account_password
password_state(const char *hash, size_t len)
{
	if (len == 0)
		return ACCOUNT_PASSWORD_EMPTY;
	if (hash[0] == '!' || hash[0] == '*')
		return ACCOUNT_PASSWORD_LOCKED;
	return ACCOUNT_PASSWORD_SET;
}

/* Reads both files; the caller frees them. */
static int
read_store(const struct shadow_store *st, char **passwd, size_t *passwd_len,
    char **shadow, size_t *shadow_len, struct nvr_error *err)
{
	int rc = atomic_file_read(st->passwd_path, ATOMIC_FILE_MAX, passwd,
	    passwd_len, err);

	if (rc != 0)
		return rc;
	rc = atomic_file_read(st->shadow_path, ATOMIC_FILE_MAX, shadow,
	    shadow_len, err);
	if (rc != 0) {
		free(*passwd);
		*passwd = NULL;
	}
	return rc;
}

static void
free_shadow_text(char *text, size_t len)
{
	if (text != NULL)
		sodium_memzero(text, len);	/* it holds every hash */
	free(text);
}

struct find_shadow {
	const char *name;
	struct record found;
	bool seen;
};

static int
find_shadow_fn(const struct record *rec, void *arg)
{
	struct find_shadow *f = arg;

	if (!field_is(rec, 0, f->name))
		return 0;
	f->found = *rec;
	f->seen = true;
	return 1;
}

static bool is_default(const struct shadow_store *st, const char *hash,
    size_t hash_len);

/* One line of the shadow file, for a list's lookups by name: the file
 * sorted once, so that listing N accounts reads it once, not N times
 * (50,000 accounts took a second to start with). */
struct shadow_entry {
	const char *name, *hash;
	size_t name_len, hash_len;
	unsigned number;	/* the first of a name wins, as a scan's */
};

struct shadow_index {
	struct shadow_entry *entry;
	size_t count, cap;
};

static int
index_fn(const struct record *rec, void *arg)
{
	struct shadow_index *ix = arg;

	if (ix->count == ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 64;
		struct shadow_entry *e = reallocarray(ix->entry, cap,
		    sizeof(*e));

		if (e == NULL)
			return -ENOMEM;
		ix->entry = e;
		ix->cap = cap;
	}
	ix->entry[ix->count++] = (struct shadow_entry){
		.name = rec->field[0], .name_len = rec->field_len[0],
		.hash = rec->field[1], .hash_len = rec->field_len[1],
		.number = rec->number,
	};
	return 0;
}

static int
compare_names(const char *a, size_t a_len, const char *b, size_t b_len)
{
	int c = memcmp(a, b, a_len < b_len ? a_len : b_len);

	return c != 0 ? c : (a_len > b_len) - (a_len < b_len);
}

static int
compare_entries(const void *x, const void *y)
{
	const struct shadow_entry *a = x, *b = y;
	int c = compare_names(a->name, a->name_len, b->name, b->name_len);

	return c != 0 ? c : (a->number > b->number) - (a->number < b->number);
}

/* NAME's first line in IX (sorted), or NULL. */
static const struct shadow_entry *
index_find(const struct shadow_index *ix, const char *name, size_t len)
{
	size_t lo = 0, hi = ix->count;

	/* The leftmost entry not below NAME: the first line of it. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct shadow_entry *e = &ix->entry[mid];

		if (compare_names(e->name, e->name_len, name, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->count && compare_names(ix->entry[lo].name,
	    ix->entry[lo].name_len, name, len) == 0)
		return &ix->entry[lo];
	return NULL;
}

struct list_state {
	const struct shadow_store *store;
	const struct shadow_index *index;
	const char *want;	/* only this account, or NULL for all */
	bool admin_pass;	/* first pass: the admin; second: the rest */
	struct account *accounts;
	size_t max, count;
	struct nvr_error *err;
};

/* The uid field LEN bytes at TEXT: decimal digits only, at most UID_LAST
 * (no sign, no blank, no wrap modulo a 32-bit long); false if not one. */
static bool
parse_uid(const char *text, size_t len, uint32_t *uid)
{
	uint64_t n = 0;

	if (len == 0 || len > 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return false;
		n = n * 10 + (uint64_t)(text[i] - '0');
	}
	if (n > UID_LAST)
		return false;
	*uid = (uint32_t)n;
	return true;
}

/* Adds the passwd record REC if it is an offered account this pass takes;
 * returns 1 to stop when the caller's array is full. */
static int
list_fn(const struct record *rec, void *arg)
{
	struct list_state *ls = arg;
	const struct shadow_entry *found;
	char name[ACCOUNT_NAME_MAX + 1];
	uint32_t uid;
	bool admin;

	if (rec->field_len[0] > ACCOUNT_NAME_MAX)
		return 0;
	memcpy(name, rec->field[0], rec->field_len[0]);
	name[rec->field_len[0]] = '\0';
	admin = strcmp(name, ls->store->admin) == 0;
	if (ls->want != NULL ? strcmp(name, ls->want) != 0 :
	    admin != ls->admin_pass)
		return 0;
	if (!parse_uid(rec->field[2], rec->field_len[2], &uid))
		return 0;
	if (!admin && (uid < ls->store->min_uid || uid > ls->store->max_uid))
		return 0;
	found = index_find(ls->index, rec->field[0], rec->field_len[0]);
	if (found == NULL)
		return 0;	/* no shadow entry: not ours to change */
	if (ls->count == ls->max)
		return 1;
	struct account *a = &ls->accounts[ls->count++];
	memcpy(a->name, name, sizeof(name));
	a->uid = (uid_t)uid;
	a->admin = admin;
	a->password = password_state(found->hash, found->hash_len);
	if (admin && a->password == ACCOUNT_PASSWORD_SET &&
	    is_default(ls->store, found->hash, found->hash_len))
		a->password = ACCOUNT_PASSWORD_DEFAULT;
	return 0;
}

/*
 * Fills ACCOUNTS (up to MAX) with the offered accounts, the admin first,
 * or with WANT alone if it is offered. Both files must parse whole.
 */
static int
collect(const struct shadow_store *st, const char *want,
    struct account *accounts, size_t max, size_t *count,
    struct nvr_error *err)
{
	char *passwd = NULL, *shadow = NULL;
	size_t passwd_len, shadow_len;
	struct shadow_index index = { .entry = NULL };
	struct list_state ls = { .store = st, .index = &index, .want = want,
	    .accounts = accounts, .max = max, .err = err };
	int rc;

	*count = 0;
	rc = read_store(st, &passwd, &passwd_len, &shadow, &shadow_len, err);
	if (rc != 0)
		return rc;
	/* The whole shadow file must parse, not just the lines we use. */
	rc = each_record(shadow, shadow_len, SHADOW_FIELDS, st->shadow_path,
	    index_fn, &index, err);
	if (rc == -ENOMEM)	/* index_fn's, which sets no message */
		rc = nvr_error_set(err, -ENOMEM, "out of memory reading %s",
		    st->shadow_path);
	if (rc >= 0 && index.count > 0)
		qsort(index.entry, index.count, sizeof(*index.entry),
		    compare_entries);
	for (int pass = 0; rc >= 0 && pass < (want ? 1 : 2); pass++) {
		ls.admin_pass = pass == 0;
		rc = each_record(passwd, passwd_len, PASSWD_FIELDS,
		    st->passwd_path, list_fn, &ls, err);
	}
	free(index.entry);
	free(passwd);
	free_shadow_text(shadow, shadow_len);
	if (rc < 0)
		return rc;
	*count = ls.count;
	return 0;
}

static int
shadow_list(void *state, struct account *accounts, size_t max,
    size_t *count, struct nvr_error *err)
{
	return collect(state, NULL, accounts, max, count, err);
}

/* Is NAME an account list() offers? Fills ACCOUNT if so; -ENOENT if not. */
static int
find_offered(const struct shadow_store *st, const char *name,
    struct account *account, struct nvr_error *err)
{
	size_t count;
	int rc = collect(st, name, account, 1, &count, err);

	if (rc == 0 && count == 0)
		rc = -ENOENT;
	return rc;
}

/* crypt_rn into DATA; true if PASSWORD hashes to HASH. */
static bool
hash_matches(const char *password, const char *hash, size_t hash_len,
    struct crypt_data *data)
{
	char setting[CRYPT_OUTPUT_SIZE];
	const char *out;

	if (hash_len >= sizeof(setting))
		return false;
	memcpy(setting, hash, hash_len);
	setting[hash_len] = '\0';
	out = crypt_rn(password, setting, data, sizeof(*data));
	/* Lengths are not secret (they follow from the method); the bytes
	 * are compared in constant time. */
	return out != NULL && out[0] != '*' && strlen(out) == hash_len &&
	    sodium_memcmp(out, hash, hash_len) == 0;
}

/* True if HASH is that of one of the configured factory passwords. One
 * hash computation per default: they are few, and only the admin's is
 * checked. */
static bool
is_default(const struct shadow_store *st, const char *hash, size_t hash_len)
{
	struct crypt_data *data;
	bool found = false;

	if (st->default_count == 0)
		return false;
	data = calloc(1, sizeof(*data));
	if (data == NULL)
		return false;
	for (size_t i = 0; i < st->default_count && !found; i++)
		found = hash_matches(st->defaults[i], hash, hash_len, data);
	sodium_memzero(data, sizeof(*data));
	free(data);
	return found;
}

static int
shadow_verify(void *state, const char *name, const char *password,
    struct nvr_error *err)
{
	struct shadow_store *st = state;
	struct crypt_data *data = calloc(1, sizeof(*data));
	struct find_shadow f = { .name = name };
	char *shadow = NULL;
	size_t shadow_len = 0;
	struct account account;
	bool match = false;
	int rc;

	if (data == NULL)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	if (strlen(password) > PASSWORD_MAX) {
		rc = nvr_error_set(err, -EACCES, "wrong password");
		goto out;
	}
	rc = find_offered(st, name, &account, err);
	if (rc != 0 && rc != -ENOENT)
		goto out;
	if (rc == 0)
		rc = atomic_file_read(st->shadow_path, ATOMIC_FILE_MAX,
		    &shadow, &shadow_len, err);
	if (rc == 0)
		rc = each_record(shadow, shadow_len, SHADOW_FIELDS,
		    st->shadow_path, find_shadow_fn, &f, err);
	if (rc < 0 && rc != -ENOENT)
		goto out;
	if (f.seen && account_password_checkable(account.password))
		match = hash_matches(password, f.found.field[1],
		    f.found.field_len[1], data);
	else
		(void)hash_matches(password, st->dummy_hash,
		    strlen(st->dummy_hash), data);
	rc = match ? 0 : nvr_error_set(err, -EACCES, "wrong password");
out:
	sodium_memzero(data, sizeof(*data));
	free(data);
	free_shadow_text(shadow, shadow_len);
	return rc;
}

/* Hashes PASSWORD with the configured method into OUT. */
static int
make_hash(const struct shadow_store *st, const char *password, char *out,
    size_t size, struct nvr_error *err)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *data = calloc(1, sizeof(*data));
	const char *hash;
	int rc = 0;

	if (data == NULL)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	if (crypt_gensalt_rn(st->prefix, st->cost, NULL, 0, salt,
	    sizeof(salt)) == NULL) {
		rc = nvr_error_set(err, -errno, "cannot make a %s salt: %s",
		    st->prefix, strerror(errno));
		goto out;
	}
	hash = crypt_rn(password, salt, data, sizeof(*data));
	if (hash == NULL || hash[0] == '*' || strlen(hash) >= size) {
		rc = nvr_error_set(err, -EINVAL, "cannot hash the password");
		goto out;
	}
	strcpy(out, hash);
out:
	sodium_memzero(data, sizeof(*data));
	free(data);
	return rc;
}

/* Builds the new shadow text: REC's hash and last-change fields replaced. */
static char *
rewrite(const char *text, size_t len, const struct record *rec,
    const char *hash, long today, size_t *out_len)
{
	size_t before = (size_t)(rec->field[1] - text);
	const char *after = rec->field[3];	/* from min-age on */
	size_t tail = len - (size_t)(after - text);
	char day[24];
	char *out;
	int day_len = snprintf(day, sizeof(day), "%ld", today);

	*out_len = before + strlen(hash) + 1 + (size_t)day_len + 1 + tail;
	out = malloc(*out_len + 1);
	if (out == NULL)
		return NULL;
	memcpy(out, text, before);
	memcpy(out + before, hash, strlen(hash));
	out[before + strlen(hash)] = ':';
	memcpy(out + before + strlen(hash) + 1, day, (size_t)day_len);
	out[before + strlen(hash) + 1 + day_len] = ':';
	memcpy(out + before + strlen(hash) + 2 + day_len, after, tail);
	out[*out_len] = '\0';
	return out;
}

static int
shadow_set_password(void *state, const char *name, const char *password,
    struct nvr_error *err)
{
	struct shadow_store *st = state;
	struct atomic_write_options options = { .mode = 0640, .backup = true };
	struct find_shadow f = { .name = name };
	char hash[CRYPT_OUTPUT_SIZE], *shadow = NULL, *updated = NULL;
	size_t shadow_len = 0, updated_len = 0;
	struct atomic_lock lock;
	struct account account;
	int rc;

	if (strlen(password) > PASSWORD_MAX)
		return nvr_error_set(err, -EINVAL, "the password is longer "
		    "than %d bytes", PASSWORD_MAX);
	rc = find_offered(st, name, &account, err);
	if (rc == -ENOENT)
		return nvr_error_set(err, rc, "no account %s here", name);
	if (rc != 0)
		return rc;
	/* Hash before taking the lock: it is the slow part. */
	rc = make_hash(st, password, hash, sizeof(hash), err);
	if (rc != 0)
		return rc;
	rc = atomic_lock_take(&lock, st->lock_path, st->shadow_path,
	    st->lock_timeout_ms, err);
	if (rc != 0)
		goto out;
	/* Read again under the lock: passwd may have run meanwhile. */
	rc = atomic_file_read(st->shadow_path, ATOMIC_FILE_MAX, &shadow,
	    &shadow_len, err);
	if (rc == 0)
		rc = each_record(shadow, shadow_len, SHADOW_FIELDS,
		    st->shadow_path, find_shadow_fn, &(struct find_shadow){
		    .name = "" }, err);
	if (rc == 0)
		rc = each_record(shadow, shadow_len, SHADOW_FIELDS,
		    st->shadow_path, find_shadow_fn, &f, err);
	if (rc < 0)
		goto unlock;
	if (!f.seen) {
		rc = nvr_error_set(err, -ENOENT, "%s has no entry for %s",
		    st->shadow_path, name);
		goto unlock;
	}
	updated = rewrite(shadow, shadow_len, &f.found, hash,
	    (long)(time(NULL) / 86400), &updated_len);
	if (updated == NULL) {
		rc = nvr_error_set(err, -ENOMEM, "out of memory");
		goto unlock;
	}
	rc = atomic_file_replace(st->shadow_path, updated, updated_len,
	    &options, err);
unlock:
	atomic_lock_release(&lock);
out:
	sodium_memzero(hash, sizeof(hash));
	free_shadow_text(updated, updated_len);
	free_shadow_text(shadow, shadow_len);
	return rc;
}

#define FACTORY_ACCOUNTS_MAX 256
#define FACTORY_HASH "!"	/* locked, no hash: nobody logs in with a
				 * password, and first-boot setup runs */

/* Sets every account in NAMES to FACTORY_HASH in *TEXT; *CHANGED counts
 * the lines changed. */
static int
lock_all(const struct shadow_store *st, char **text, size_t *len,
    const struct account *names, size_t count, size_t *changed,
    struct nvr_error *err)
{
	long today = (long)(time(NULL) / 86400);

	*changed = 0;
	for (size_t i = 0; i < count; i++) {
		struct find_shadow f = { .name = names[i].name };
		size_t new_len;
		char *updated;
		int rc = each_record(*text, *len, SHADOW_FIELDS,
		    st->shadow_path, find_shadow_fn, &f, err);

		if (rc < 0)
			return rc;
		if (!f.seen || field_is(&f.found, 1, FACTORY_HASH))
			continue;
		updated = rewrite(*text, *len, &f.found, FACTORY_HASH, today,
		    &new_len);
		if (updated == NULL)
			return nvr_error_set(err, -ENOMEM, "out of memory");
		free_shadow_text(*text, *len);
		*text = updated;
		*len = new_len;
		(*changed)++;
	}
	return 0;
}

static int
shadow_factory_reset(void *state, enum account_reset_scope scope,
    struct nvr_error *err)
{
	struct shadow_store *st = state;
	struct atomic_write_options options = { .mode = 0640 };
	struct account *accounts = calloc(FACTORY_ACCOUNTS_MAX,
	    sizeof(*accounts));
	char *shadow = NULL, *backup_path = NULL;
	size_t shadow_len = 0, count = 0, changed = 0;
	struct atomic_lock lock;
	struct stat sb;
	int rc;

	if (accounts == NULL)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	rc = atomic_lock_take(&lock, st->lock_path, st->shadow_path,
	    st->lock_timeout_ms, err);
	if (rc != 0) {
		free(accounts);
		return rc;
	}
	rc = collect(st, NULL, accounts, FACTORY_ACCOUNTS_MAX, &count, err);
	if (rc == 0 && count == FACTORY_ACCOUNTS_MAX)
		rc = nvr_error_set(err, -E2BIG, "more than %d accounts to "
		    "reset; not one was changed", FACTORY_ACCOUNTS_MAX - 1);
	/* The administrator is listed first, when there is one. */
	if (rc == 0 && scope == ACCOUNT_RESET_ADMIN)
		count = count > 0 && accounts[0].admin ? 1 : 0;
	if (rc == 0)
		rc = atomic_file_read(st->shadow_path, ATOMIC_FILE_MAX, &shadow,
		    &shadow_len, err);
	if (rc == 0)
		rc = lock_all(st, &shadow, &shadow_len, accounts, count,
		    &changed, err);
	if (rc == 0 && changed > 0)
		rc = atomic_file_replace(st->shadow_path, shadow, shadow_len,
		    &options, err);
	/* passwd(1)'s backup holds the old hashes: it gets the new text. */
	if (rc == 0 && asprintf(&backup_path, "%s-", st->shadow_path) < 0)
		rc = nvr_error_set(err, -ENOMEM, "out of memory");
	if (rc == 0 && lstat(backup_path, &sb) == 0 && S_ISREG(sb.st_mode)) {
		char *old = NULL;
		size_t old_len = 0;

		if (atomic_file_read(backup_path, ATOMIC_FILE_MAX, &old,
		    &old_len, NULL) != 0 || old_len != shadow_len ||
		    memcmp(old, shadow, shadow_len) != 0)
			rc = atomic_file_replace(backup_path, shadow,
			    shadow_len, &options, err);
		free_shadow_text(old, old_len);
	}
	atomic_lock_release(&lock);
	free(backup_path);
	free_shadow_text(shadow, shadow_len);
	free(accounts);
	return rc;
}

static void
shadow_close(void *state)
{
	struct shadow_store *st = state;

	if (st == NULL)
		return;
	free(st->passwd_path);
	free(st->shadow_path);
	free(st->lock_path);
	for (size_t i = 0; i < st->default_count; i++)
		free(st->defaults[i]);
	free(st);
}

static bool
set_method(struct shadow_store *st, const struct config_section *settings)
{
	const char *method = config_section_string(settings, "hash");
	int64_t cost = config_section_int(settings, "hash_cost", 0);
	int64_t low = 1, high = 11;

	st->prefix = "$y$";
	if (method != NULL && strcmp(method, "sha512") == 0) {
		st->prefix = "$6$";
		low = 1000;
		high = 999999999;
	} else if (method != NULL && strcmp(method, "bcrypt") == 0) {
		st->prefix = "$2b$";
		low = 4;
		high = 31;
	}
	if (cost != 0 && (cost < low || cost > high)) {
		config_section_error(settings, "hash_cost", "must be 0 "
		    "(the default) or from %" PRId64 " to %" PRId64 " for %s",
		    low, high, method ? method : "yescrypt");
		return false;
	}
	st->cost = (unsigned long)cost;
	return true;
}

static void *
shadow_open(const struct config_section *settings)
{
	struct shadow_store *st = calloc(1, sizeof(*st));
	char *root = config_section_path(settings, "root");
	const char *admin = config_section_string(settings, "admin");
	struct account probe;
	struct nvr_error err;
	size_t count;
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	bool ok = st != NULL;

	if (ok && sodium_init() < 0) {
		config_section_error(settings, NULL, "cannot start libsodium");
		ok = false;
	}
	if (ok && admin != NULL && strlen(admin) > ACCOUNT_NAME_MAX) {
		config_section_error(settings, "admin", "longer than %d bytes",
		    ACCOUNT_NAME_MAX);
		ok = false;
	}
	if (ok) {
		snprintf(st->admin, sizeof(st->admin), "%s",
		    admin ? admin : "admin");
		st->min_uid = (uint32_t)config_section_int(settings,
		    "min_uid", 1000);
		st->max_uid = (uint32_t)config_section_int(settings,
		    "max_uid", 59999);
		st->lock_timeout_ms = (int)config_section_int(settings,
		    "lock_timeout_ms", 15000);
		ok = set_method(st, settings);
	}
	/* "/" and "" both mean the system itself: no "//etc/shadow". */
	if (root != NULL) {
		size_t n = strlen(root);
		while (n > 0 && root[n - 1] == '/')
			root[--n] = '\0';
	}
	if (ok) {
		const char *defaults[DEFAULTS_MAX];
		size_t n = config_section_list(settings, "default_passwords",
		    defaults, DEFAULTS_MAX);

		if (n > DEFAULTS_MAX) {
			config_section_error(settings, "default_passwords",
			    "at most %d passwords", DEFAULTS_MAX);
			ok = false;
		}
		for (size_t i = 0; ok && i < n; i++) {
			st->defaults[i] = strdup(defaults[i]);
			if (st->defaults[i] == NULL)
				ok = false;
			else
				st->default_count++;
		}
	}
	if (ok && (asprintf(&st->passwd_path, "%s/etc/passwd",
	    root ? root : "") < 0 || asprintf(&st->shadow_path,
	    "%s/etc/shadow", root ? root : "") < 0 ||
	    asprintf(&st->lock_path, "%s/etc/.pwd.lock", root ? root : "") <
	    0)) {
		config_section_error(settings, NULL, "out of memory");
		ok = false;
	}
	free(root);
	/* The store must be readable and parse now, not at first use. */
	if (ok && collect(st, NULL, &probe, 1, &count, &err) != 0) {
		config_section_error(settings, "root", "%s", err.message);
		ok = false;
	}
	/* Spent on unknown accounts: a setting alone (the method, its
	 * cost, a new salt), which crypt(3) hashes at a real hash's cost
	 * and no output equals. Made without hashing, so opening the
	 * store takes no time or memory; libxcrypt makes no salt for a
	 * method it cannot hash with. */
	if (ok && crypt_gensalt_rn(st->prefix, st->cost, NULL, 0, salt,
	    sizeof(salt)) == NULL) {
		config_section_error(settings, "hash", "libxcrypt cannot hash "
		    "with %s", st->prefix);
		ok = false;
	}
	if (ok)
		snprintf(st->dummy_hash, sizeof(st->dummy_hash), "%s", salt);
	if (!ok) {
		shadow_close(st);
		return NULL;
	}
	return st;
}

static const struct accounts_ops shadow_ops = {
	.open = shadow_open,
	.list = shadow_list,
	.verify = shadow_verify,
	.set_password = shadow_set_password,
	.factory_reset = shadow_factory_reset,
	.close = shadow_close,
};

const struct backend_impl accounts_shadow_impl = {
	.concern = "accounts",
	.name = "shadow",
	.summary = "Linux /etc/passwd and /etc/shadow under a root folder",
	.keys = shadow_keys,
	.ops = &shadow_ops,
};
