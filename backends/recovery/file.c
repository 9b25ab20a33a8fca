/*
 * file.c: the recovery store as one text file, by default
 * STATE_DIR/recovery (mode 0600), one record a line:
 *
 *   # nvr-recovery recovery 2
 *   STORE <TAB> ID <TAB> NAME <TAB> question <TAB> TEXT <TAB> ARGON2ID-HASH
 *   STORE <TAB> ID <TAB> NAME <TAB> key <TAB> ARGON2ID-HASH
 *
 * STORE is the account store's id from the config, ID the account's
 * numeric id in it ("-" where the store has none, or it was not known):
 * records of an account deleted and made again under its name are not
 * the new owner's. An account's questions are asked in the order of
 * their lines. Format 1, of the version with one store, had NAME alone;
 * migrate reads it once (recovery.h).
 *
 * Invariants:
 * 1. Every change is read-modify-write under STATE_DIR/recovery.lock and
 *    goes through atomic_file_replace: a power cut leaves the old file or
 *    the new one.
 * 2. A line that does not parse makes the whole file refused, with its
 *    line number, and it is never rewritten: a broken store must not
 *    silently lose every owner's questions.
 * 3. Hashing happens before the lock is taken (it takes about a second
 *    for a set of answers), and the store is re-read under the lock.
 */
#include "backends/recovery/recovery.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "common/atomic_file.h"
#include "common/line_file.h"
#include "backends/accounts/accounts.h"
#include "common/code32.h"

#define HEADER "# nvr-recovery recovery 2\n"
#define HEADER_V1 "# nvr-recovery recovery 1\n"
#define RECORDS_MAX 1024
#define FILE_MAX (1024L * 1024)
#define LOCK_TIMEOUT_MS 15000

enum record_kind { RECORD_QUESTION, RECORD_KEY };

struct record {
	bool gone;			/* format 1, its account gone */
	char store[STORE_ID_MAX + 1];
	long long uid;			/* ACCOUNT_UID_NONE: not known */
	char name[ACCOUNT_NAME_MAX + 1];
	enum record_kind kind;
	char text[RECOVERY_QUESTION_MAX + 1];	/* questions only */
	char hash[ANSWER_HASH_MAX];
};

struct recovery_file {
	struct recovery_settings settings;
	char *dir, *path, *lock_path;
	struct record *records;		/* RECORDS_MAX, loaded on demand */
	size_t count;
	/* Reading format 1 (migrate): its accounts are OLD_STORE's, whose
	 * accounts now are OLD_ACCOUNTS. */
	bool old;
	const char *old_store;
	const struct account *old_accounts;
	size_t old_account_count;
};

static const struct schema_key file_keys[] = {
	{ .name = "file", .type = SCHEMA_PATH,
	  .help = "the store (default STATE_DIR/recovery)" },
	{ .name = "questions", .type = SCHEMA_MAP,
	  .children = recovery_questions_keys,
	  .help = "how many questions, and which are offered" },
	{ .name = "answer_cost", .type = SCHEMA_MAP,
	  .children = recovery_cost_keys,
	  .help = "the argon2id cost of hashing one answer or key" },
	{ .name = "key_folders_need_mount", .type = SCHEMA_BOOL,
	  .help = "use a key folder only if a stick is mounted there "
	  "(default true)" },
	{ .name = "key_folders", .type = SCHEMA_LIST,
	  .help = "folders (USB sticks) a recovery key may be saved to" },
	{ 0 },
};

/* True if NAME can be a field: an account name without tabs or controls. */
static bool name_fits(const char *name);

/* True if WHO can be written: a store id and a NAME that fit. */
static bool
key_fits(const struct account_key *who)
{
	return store_id_ok(who->store) && name_fits(who->name);
}

/* An empty record of KIND for WHO. */
static void
record_for(struct record *r, const struct account_key *who,
    enum record_kind kind)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->store, sizeof(r->store), "%s", who->store);
	snprintf(r->name, sizeof(r->name), "%s", who->name);
	r->uid = who->uid;
	r->kind = kind;
}

static bool
name_fits(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > ACCOUNT_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x21 ||
		    (unsigned char)name[i] == 0x7f)
			return false;
	return true;
}

/* Copies the field ending at the next tab (or the end) into OUT. */
static bool
take_field(char **line, char *out, size_t size, bool last)
{
	char *end = strchr(*line, '\t');
	size_t len;

	if ((end == NULL) != last)
		return false;
	len = end ? (size_t)(end - *line) : strlen(*line);
	if (len == 0 || len >= size)
		return false;
	memcpy(out, *line, len);
	out[len] = '\0';
	*line += len + (end ? 1 : 0);
	return true;
}

static bool
parse_line(const struct recovery_file *f, char *line, struct record *r)
{
	char kind[16], uid[24];

	memset(r, 0, sizeof(*r));
	if (f->old) {
		snprintf(r->store, sizeof(r->store), "%s", f->old_store);
	} else if (!take_field(&line, r->store, sizeof(r->store), false) ||
	    !store_id_ok(r->store) ||
	    !take_field(&line, uid, sizeof(uid), false) ||
	    !account_uid_parse(uid, &r->uid)) {
		return false;
	}
	if (!take_field(&line, r->name, sizeof(r->name), false) ||
	    !name_fits(r->name) ||
	    !take_field(&line, kind, sizeof(kind), false))
		return false;
	if (strcmp(kind, "question") == 0) {
		r->kind = RECORD_QUESTION;
		if (!take_field(&line, r->text, sizeof(r->text), false) ||
		    recovery_question_problem(r->text) != NULL)
			return false;
	} else if (strcmp(kind, "key") == 0) {
		r->kind = RECORD_KEY;
	} else {
		return false;
	}
	/* A format-1 record of an account that is gone is dropped, not
	 * given to whoever takes its name next. */
	if (f->old && !account_uid_of(f->old_accounts, f->old_account_count,
	    r->name, &r->uid))
		r->gone = true;
	return take_field(&line, r->hash, sizeof(r->hash), true) &&
	    answer_hash_valid(r->hash);
}

/* R is under WHO's name in WHO's store, whoever's it is. */
static bool
same_name(const struct record *r, const struct account_key *who)
{
	return strcmp(r->store, who->store) == 0 &&
	    strcmp(r->name, who->name) == 0;
}

/* R is WHO's: same store, name and id (a record of an earlier account
 * of that name is not). */
static bool
is_of(const struct record *r, const struct account_key *who)
{
	return same_name(r, who) && r->uid == who->uid;
}

/* How many records of KIND the account of R has before it. */
static size_t
count_of(const struct recovery_file *f, const struct record *r)
{
	size_t n = 0;

	for (size_t i = 0; i < f->count; i++)
		if (f->records[i].kind == r->kind &&
		    strcmp(f->records[i].store, r->store) == 0 &&
		    strcmp(f->records[i].name, r->name) == 0 &&
		    f->records[i].uid == r->uid)
			n++;
	return n;
}

/* One question or key record. */
static int
load_line(void *ctx, char *line, unsigned number, struct nvr_error *err)
{
	struct recovery_file *f = ctx;
	struct record *r = &f->records[f->count];

	if (f->count == RECORDS_MAX || !parse_line(f, line, r))
		return nvr_error_set(err, -EPROTO, "%s:%u: not a question or "
		    "key record; the file was left as it is", f->path, number);
	/* More than the screens can ask, or two keys, is as broken as a bad
	 * line: the checks would go wrong in silence. */
	if (count_of(f, r) >= (r->kind == RECORD_KEY ? 1 :
	    RECOVERY_QUESTIONS_MAX))
		return nvr_error_set(err, -EPROTO, "%s:%u: %s for %s; the file "
		    "was left as it is", f->path, number,
		    r->kind == RECORD_KEY ? "a second key" :
		    "too many questions", r->name);
	if (!r->gone)
		f->count++;
	return 0;
}

/* Loads the store into F->records; a missing file holds nothing. With
 * OLD_STORE set, a file of format 1 is read too (into F->old). */
static int
load(struct recovery_file *f, struct nvr_error *err)
{
	const struct line_file file = {
		.path = f->path, .header = HEADER,
		.what = "a recovery store", .max_bytes = FILE_MAX,
		.code = -EPROTO, .suffix = "; it was left as it is",
		.wipe = true,
		.old_header = HEADER_V1,
		.old = f->old_store != NULL ? &f->old : NULL,
	};
	int rc;

	f->count = 0;
	f->old = false;
	rc = line_file_read(&file, load_line, f, NULL, err);
	if (rc != 0)
		f->count = 0;
	return rc;
}

static void
print_store(FILE *out, const void *ctx)
{
	const struct recovery_file *f = ctx;

	fputs(HEADER, out);
	for (size_t i = 0; i < f->count; i++) {
		const struct record *r = &f->records[i];

		char uid[24];

		account_uid_text(r->uid, uid);
		fprintf(out, "%s\t%s\t%s\t", r->store, uid, r->name);
		if (r->kind == RECORD_QUESTION)
			fprintf(out, "question\t%s\t%s\n", r->text, r->hash);
		else
			fprintf(out, "key\t%s\n", r->hash);
	}
}

static int
save(struct recovery_file *f, struct nvr_error *err)
{
	struct atomic_write_options options = { .uid = geteuid(),
	    .gid = getegid(), .mode = 0600 };

	return atomic_file_replace_printed(f->path, &options, print_store, f,
	    err);
}

static int
lock_and_load(struct recovery_file *f, struct atomic_lock *lock,
    struct nvr_error *err)
{
	int rc;

	memset(lock, 0, sizeof(*lock));
	if (mkdir(f->dir, 0700) != 0 && errno != EEXIST)
		return nvr_error_set(err, -errno, "cannot make %s: %s", f->dir,
		    strerror(errno));
	rc = atomic_lock_take(lock, f->lock_path, NULL, LOCK_TIMEOUT_MS, err);
	if (rc != 0)
		return rc;
	rc = load(f, err);
	if (rc != 0)
		atomic_lock_release(lock);
	return rc;
}

/* Removes WHO's records of KIND, and what an earlier account of WHO's
 * name left, keeping the order of the rest. */
static void
drop(struct recovery_file *f, const struct account_key *who,
    enum record_kind kind)
{
	size_t kept = 0;

	for (size_t i = 0; i < f->count; i++) {
		struct record *r = &f->records[i];

		if (same_name(r, who) && (r->kind == kind || !is_of(r, who)))
			continue;
		if (kept != i)
			f->records[kept] = *r;
		kept++;
	}
	f->count = kept;
}

/* Appends records after WHO's last one (so an account's lines stay
 * together), or at the end. */
static int
insert(struct recovery_file *f, const struct account_key *who,
    const struct record *add, size_t n, struct nvr_error *err)
{
	size_t at = f->count;

	if (f->count + n > RECORDS_MAX)
		/* Not ENOSPC: the screens would say the storage is full. */
		return nvr_error_set(err, -EOVERFLOW, "%s is full: it holds "
		    "as many records as it can", f->path);
	for (size_t i = 0; i < f->count; i++)
		if (same_name(&f->records[i], who))
			at = i + 1;
	memmove(&f->records[at + n], &f->records[at],
	    (f->count - at) * sizeof(f->records[0]));
	memcpy(&f->records[at], add, n * sizeof(*add));
	f->count += n;
	return 0;
}

static void recovery_file_close(void *state);

static void *
recovery_file_open(const struct config_section *settings,
    const char *state_dir)
{
	struct recovery_file *f = calloc(1, sizeof(*f));
	char *slash;

	if (f == NULL) {
		config_section_error(settings, NULL, "out of memory");
		return NULL;
	}
	if (recovery_settings_read(settings, &f->settings) != 0) {
		free(f);
		return NULL;
	}
	f->path = config_section_string(settings, "file") ?
	    config_section_path(settings, "file") : NULL;
	if (f->path == NULL && asprintf(&f->path, "%s/recovery",
	    state_dir) < 0)
		f->path = NULL;
	f->records = calloc(RECORDS_MAX, sizeof(*f->records));
	if (f->path == NULL || f->records == NULL ||
	    (f->dir = strdup(f->path)) == NULL ||
	    asprintf(&f->lock_path, "%s.lock", f->path) < 0) {
		f->lock_path = NULL;
		config_section_error(settings, NULL, "out of memory");
		recovery_file_close(f);
		return NULL;
	}
	slash = strrchr(f->dir, '/');
	if (slash == f->dir)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	else
		strcpy(f->dir, ".");
	/* A store that does not parse is not read here: it must not stop
	 * Change password or first-boot setup. The recovery screens say
	 * what is wrong when they read it, and --check-config does. */
	return f;
}

static const struct recovery_settings *
recovery_file_settings(void *state)
{
	return &((struct recovery_file *)state)->settings;
}

static int
recovery_file_enrollment(void *state, const struct account_key *who,
    struct recovery_enrollment *out, struct nvr_error *err)
{
	struct recovery_file *f = state;
	int rc = load(f, err);

	memset(out, 0, sizeof(*out));
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < f->count; i++) {
		const struct record *r = &f->records[i];

		if (!is_of(r, who))
			continue;
		if (r->kind == RECORD_KEY) {
			out->has_key = true;
		} else if (out->question_count < RECOVERY_QUESTIONS_MAX) {
			memcpy(out->questions[out->question_count++], r->text,
			    sizeof(r->text));
		}
	}
	return 0;
}

static int
recovery_file_set_questions(void *state, const struct account_key *who,
    size_t count,
    const char *const *questions, const struct secret *answers,
    struct nvr_error *err)
{
	struct recovery_file *f = state;
	struct record add[RECOVERY_QUESTIONS_MAX];
	struct atomic_lock lock;
	size_t same = 0;
	int rc;

	if (!key_fits(who))
		return nvr_error_set(err, -EINVAL, "bad account name");
	if (count == 0 || count > RECOVERY_QUESTIONS_MAX)
		return nvr_error_set(err, -EINVAL, "between 1 and %d "
		    "questions", RECOVERY_QUESTIONS_MAX);
	memset(add, 0, sizeof(add));
	for (size_t i = 0; i < count; i++) {
		const char *problem = recovery_question_problem(questions[i]);

		if (problem != NULL)
			return nvr_error_set(err, -EINVAL, "question %zu: %s",
			    i + 1, problem);
		rc = answer_check_new(answers, i, &same);
		if (rc == -EMSGSIZE)
			return nvr_error_set(err, -EINVAL, "answer %zu is "
			    "shorter than %d characters", i + 1,
			    ANSWER_CHARS_MIN);
		if (rc == -EEXIST)
			return nvr_error_set(err, -EINVAL, "answer %zu is the "
			    "same as answer %zu", i + 1, same + 1);
		record_for(&add[i], who, RECORD_QUESTION);
		snprintf(add[i].text, sizeof(add[i].text), "%s", questions[i]);
		rc = answer_hash(&f->settings.cost, secret_text(&answers[i]),
		    answers[i].length, add[i].hash, err);
		/* An answer the store cannot hold is -EINVAL, as promised
		 * in recovery.h (answer_hash says -ENODATA or -E2BIG). */
		if (rc == -ENODATA || rc == -E2BIG || rc == -EINVAL)
			return nvr_error_set(err, -EINVAL, "answer %zu is %s",
			    i + 1, rc == -ENODATA ? "empty" : rc == -E2BIG ?
			    "too long" : "not text");
		if (rc != 0)
			return rc;
	}
	rc = lock_and_load(f, &lock, err);
	if (rc != 0)
		return rc;
	drop(f, who, RECORD_QUESTION);
	rc = insert(f, who, add, count, err);
	if (rc == 0)
		rc = save(f, err);
	atomic_lock_release(&lock);
	return rc;
}

static int
recovery_file_check_answers(void *state, const struct account_key *who,
    const struct secret *answers, size_t count, struct nvr_error *err)
{
	struct recovery_file *f = state;
	size_t asked = 0;
	int rc = load(f, err), wrong = 0;

	if (rc != 0)
		return rc;
	for (size_t i = 0; i < f->count; i++) {
		const struct record *r = &f->records[i];

		if (r->kind != RECORD_QUESTION || !is_of(r, who))
			continue;
		/* Hash every answer, right or wrong, and only then say. */
		if (asked >= count || answer_verify(r->hash,
		    secret_text(&answers[asked]), answers[asked].length) != 0)
			wrong = 1;
		asked++;
	}
	if (asked == 0)
		return nvr_error_set(err, -ENOENT, "%s has no security "
		    "questions", who->name);
	return wrong || asked != count ? -EACCES : 0;
}

static int
recovery_file_keep_key(void *state, const struct account_key *who,
    const struct secret *key_text, struct nvr_error *err)
{
	struct recovery_file *f = state;
	struct secret canonical;
	struct record add;
	struct atomic_lock lock;
	size_t bad;
	int rc;

	if (!key_fits(who))
		return nvr_error_set(err, -EINVAL, "bad account name");
	secret_init(&canonical);
	rc = recovery_key_parse(secret_text(key_text), &canonical, &bad);
	record_for(&add, who, RECORD_KEY);
	if (rc == 0)
		rc = answer_hash_exact(&f->settings.cost,
		    secret_text(&canonical), canonical.length, add.hash, err);
	else
		nvr_error_set(err, rc, "not a recovery key");
	secret_release(&canonical);
	if (rc == 0)
		rc = lock_and_load(f, &lock, err);
	if (rc == 0) {
		drop(f, who, RECORD_KEY);
		rc = insert(f, who, &add, 1, err);
		if (rc == 0)
			rc = save(f, err);
		atomic_lock_release(&lock);
	}
	return rc;
}

/* SERIAL and NAME as a file name: letters, digits, '-', '_' and '.'. */
static void
file_safe(char *out, size_t size, const char *text)
{
	size_t i;

	for (i = 0; text[i] != '\0' && i + 1 < size; i++) {
		char ch = text[i];

		out[i] = (char)((ch >= 'a' && ch <= 'z') ||
		    (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '_' || ch == '.' ? ch : '_');
	}
	out[i] = '\0';
}

/* True if DIR is where a file system is mounted: its device differs from
 * its parent's. An empty mount point (no stick in) is not, so the key is
 * never written to the recorder's own disk by mistake. */
static bool
is_mounted(const char *dir, const struct stat *st)
{
	struct stat parent;
	char *up;
	bool mounted;

	if (asprintf(&up, "%s/..", dir) < 0)
		return false;
	mounted = stat(up, &parent) == 0 && (parent.st_dev != st->st_dev ||
	    parent.st_ino == st->st_ino);
	free(up);
	return mounted;
}

static int
recovery_file_export_key(void *state, const struct account_key *who,
    const char *serial,
    const struct secret *key_text, char *where, size_t where_size,
    struct nvr_error *err)
{
	struct recovery_file *f = state;
	struct atomic_write_options options = { .uid = geteuid(),
	    .gid = getegid(), .mode = 0600 };
	char safe_serial[64], safe_name[80], shown[80];
	char *text = NULL;
	struct stat st;
	int len, rc;

	/* The first store's keys keep the name they always had; another
	 * store's name it, so that its admin's key is not the first's. */
	if (who->index == 0)
		snprintf(shown, sizeof(shown), "%s", who->name);
	else
		snprintf(shown, sizeof(shown), "%s-in-%s", who->name,
		    who->store);
	file_safe(safe_serial, sizeof(safe_serial), serial);
	file_safe(safe_name, sizeof(safe_name), shown);
	for (size_t i = 0; i < f->settings.key_folder_count; i++) {
		const char *dir = f->settings.key_folders[i];

		if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
		    (f->settings.key_folders_need_mount &&
		    !is_mounted(dir, &st)))
			continue;
		/* A cut path would name another file, even another folder. */
		if ((size_t)snprintf(where, where_size, "%s/nvr-recovery-key-"
		    "%s-%s.txt", dir, safe_serial, safe_name) >= where_size)
			return nvr_error_set(err, -ENAMETOOLONG, "the path of "
			    "the key file in %s is too long", dir);
		len = asprintf(&text, "Recovery key of account %s on the "
		    "recorder with serial number %s:\n\n    %s\n\nIt works "
		    "once, in Forgot password. Keep this file away from the "
		    "recorder.\n", shown, serial, secret_text(key_text));
		if (len < 0)
			return nvr_error_set(err, -ENOMEM, "out of memory");
		rc = atomic_file_replace(where, text, (size_t)len, &options,
		    err);
		sodium_memzero(text, (size_t)len);
		free(text);
		return rc;
	}
	return nvr_error_set(err, -ENOENT, "no USB stick is there (looked "
	    "in %s%s)", f->settings.key_folder_count > 0 ?
	    f->settings.key_folders[0] : "no folder",
	    f->settings.key_folder_count > 1 ? " and others" : "");
}

static int
recovery_file_use_key(void *state, const struct account_key *who,
    const char *key, bool use, struct nvr_error *err)
{
	struct recovery_file *f = state;
	struct atomic_lock lock;
	bool found = false, match = false;
	int rc = lock_and_load(f, &lock, err);

	if (rc != 0)
		return rc;
	for (size_t i = 0; i < f->count; i++) {
		const struct record *r = &f->records[i];

		if (r->kind == RECORD_KEY && is_of(r, who)) {
			found = true;
			match = answer_verify_exact(r->hash, key,
			    strlen(key)) == 0;
		}
	}
	if (!found) {
		rc = nvr_error_set(err, -ENOENT, "%s has no recovery key",
		    who->name);
	} else if (!match) {
		rc = nvr_error_set(err, -EACCES, "not the recovery key of %s",
		    who->name);
	} else if (use) {
		drop(f, who, RECORD_KEY);
		rc = save(f, err);
	}
	atomic_lock_release(&lock);
	return rc;
}

static int
recovery_file_migrate(void *state, const char *store,
    const struct account *accounts, size_t count, bool *done,
    struct nvr_error *err)
{
	struct recovery_file *f = state;
	struct atomic_lock lock;
	struct stat st;
	int rc;

	*done = false;
	/* Nothing to bring up to date: no folder is made for it. */
	if (lstat(f->path, &st) != 0 && errno == ENOENT)
		return 0;
	f->old_store = store;
	f->old_accounts = accounts;
	f->old_account_count = count;
	rc = lock_and_load(f, &lock, err);
	if (rc == 0) {
		if (f->old && accounts == NULL)
			rc = -EAGAIN;	/* a probe: the accounts are wanted */
		else if (f->old) {
			rc = save(f, err);
			*done = rc == 0;
		}
		atomic_lock_release(&lock);
	}
	f->old_store = NULL;
	f->old_accounts = NULL;
	f->old_account_count = 0;
	return rc;
}

static int
recovery_file_erase(void *state, struct nvr_error *err)
{
	struct recovery_file *f = state;

	return atomic_file_remove(f->path, f->lock_path, err);
}

static void
recovery_file_close(void *state)
{
	struct recovery_file *f = state;

	if (f == NULL)
		return;
	recovery_settings_free(&f->settings);
	if (f->records != NULL) {
		sodium_memzero(f->records, RECORDS_MAX * sizeof(*f->records));
		free(f->records);
	}
	free(f->path);
	free(f->dir);
	free(f->lock_path);
	free(f);
}

static const struct recovery_ops recovery_file_ops = {
	.open = recovery_file_open,
	.settings = recovery_file_settings,
	.enrollment = recovery_file_enrollment,
	.set_questions = recovery_file_set_questions,
	.check_answers = recovery_file_check_answers,
	.keep_key = recovery_file_keep_key,
	.export_key = recovery_file_export_key,
	.use_key = recovery_file_use_key,
	.migrate = recovery_file_migrate,
	.erase = recovery_file_erase,
	.close = recovery_file_close,
};

const struct backend_impl recovery_file_impl = {
	.concern = "recovery",
	.name = "file",
	.summary = "security questions and recovery keys in one file, "
	    "hashed with argon2id",
	.keys = file_keys,
	.ops = &recovery_file_ops,
};
