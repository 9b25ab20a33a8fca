/*
 * attempts.c: the wrong-try counter, in STATE_DIR/attempts.
 *
 * Invariants:
 * 1. The file is changed only through atomic_file, under its own lock
 *    (STATE_DIR/attempts.lock), and read again under that lock before
 *    each change, so two wizards (console and serial) count together.
 * 2. A file that does not parse is refused as FILE:LINE and never
 *    rewritten; until it is fixed nobody may try (fail closed). That
 *    includes any byte the format never holds (a NUL, a control byte
 *    other than the newline and the tab, DEL, anything not ASCII): a NUL
 *    would end the parse early, read as "no failures", and the next save
 *    would drop every line after it.
 * 3. The wait is computed from the wall clock, which an NVR often has
 *    wrong; a clock set back never makes a wait longer than its full
 *    length, and one set forward can only shorten it (the console user
 *    cannot set the clock from here).
 * 4. A try is recorded as a failure, durably and under the lock, before
 *    its secret is checked (attempts_begin), and taken back only when it
 *    was right: a try that cannot be recorded is never checked, and two
 *    consoles never share the last free try.
 *
 * Format: a line "# nvr-recovery attempts 2", then per key
 * "KEY FAILURES LAST_FAILURE" (seconds since the epoch), KEY being
 * "store/account" or a device budget's "@name". Format 1 (the version
 * with one store) had the account name alone; attempts_migrate reads
 * it once. Both numbers
 * are read as 64-bit and bounded (FAILURES_MAX, LAST_MAX), so the file
 * means the same on a 32-bit recorder and no sum with them overflows.
 */
#include "backends/attempts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/atomic_file.h"
#include "common/line_file.h"

#define HEADER "# nvr-recovery attempts 2\n"
#define HEADER_V1 "# nvr-recovery attempts 1\n"
#define NAME_MAX_V1 32
#define FILE_MAX (256L * 1024)
#define ENTRIES_MAX 1024
#define NAME_MAX_BYTES ATTEMPTS_NAME_MAX
/* More failures than anyone can make; a count stays there. */
#define FAILURES_MAX 1000000000L
/* Seconds either side of the epoch, beyond the year 9999. */
#define LAST_MAX 1000000000000LL

struct entry {
	char name[NAME_MAX_BYTES + 1];
	long failures;
	long long last;
};

struct attempts {
	char *dir, *path, *lock_path;
	struct attempts_settings settings;
	struct entry entries[ENTRIES_MAX];
	size_t count;
	bool old;		/* the file read is of format 1 */
	const char *old_store;	/* ... whose accounts are this store's */
};

int
attempts_open(struct attempts **out, const char *state_dir,
    const struct attempts_settings *settings, struct nvr_error *err)
{
	struct attempts *a = calloc(1, sizeof(*a));

	*out = NULL;
	if (a == NULL || (a->dir = strdup(state_dir)) == NULL ||
	    asprintf(&a->path, "%s/attempts", state_dir) < 0 ||
	    asprintf(&a->lock_path, "%s/attempts.lock", state_dir) < 0) {
		attempts_close(a);
		return nvr_error_set(err, -ENOMEM, "out of memory");
	}
	a->settings = *settings;
	*out = a;
	return 0;
}

/* A format-1 line's NAME made a key: an account's under the first
 * store, a device budget ("@...") as it was. */
static bool
name_of_v1(const struct attempts *a, struct entry *e)
{
	char key[NAME_MAX_BYTES + 1];

	if (strlen(e->name) > NAME_MAX_V1)
		return false;
	if (e->name[0] == '@')
		return true;
	if (snprintf(key, sizeof(key), "%s/%s", a->old_store, e->name) >=
	    (int)sizeof(key))
		return false;
	memcpy(e->name, key, sizeof(key));
	return true;
}

/* One line: KEY FAILURES LAST_FAILURE. */
static int
load_line(void *ctx, char *line, unsigned number, struct nvr_error *err)
{
	struct attempts *a = ctx;
	struct entry *e = &a->entries[a->count];
	long long failures = -1;
	int used = 0;

	/* glibc's scanf converts with strtol and kin: a number out of range
	 * comes out at the type's limit, which the range checks after it
	 * refuse. */
	if (a->count == ENTRIES_MAX ||
	    /* NOLINTNEXTLINE(cert-err34-c) */
	    sscanf(line, "%64s %lld %lld%n", e->name, &failures, &e->last,
	    &used) != 3 || line[used] != '\0' || failures < 0 ||
	    (a->old && !name_of_v1(a, e)) ||
	    failures > FAILURES_MAX || e->last < -LAST_MAX ||
	    e->last > LAST_MAX)
		return nvr_error_set(err, -EINVAL, "%s:%u: not "
		    "NAME FAILURES LAST_FAILURE", a->path, number);
	e->failures = (long)failures;
	a->count++;
	return 0;
}

/* Loads the file into A->entries; a missing file is no failures. With
 * OLD_STORE, a file of format 1 is read too (its accounts that store's). */
static int
load_as(struct attempts *a, const char *old_store, struct nvr_error *err)
{
	const struct line_file file = {
		.path = a->path, .header = HEADER, .what = "an attempts file",
		.max_bytes = FILE_MAX, .code = -EINVAL, .suffix = "",
		.ascii = true,
		.old_header = HEADER_V1,
		.old = old_store != NULL ? &a->old : NULL,
	};
	int rc;

	a->count = 0;
	a->old = false;
	a->old_store = old_store;
	rc = line_file_read(&file, load_line, a, NULL, err);
	if (rc != 0)
		a->count = 0;	/* nothing is checked against a part */
	return rc;
}

static int
load(struct attempts *a, struct nvr_error *err)
{
	return load_as(a, NULL, err);
}

static struct entry *
find(struct attempts *a, const char *name)
{
	for (size_t i = 0; i < a->count; i++)
		if (strcmp(a->entries[i].name, name) == 0)
			return &a->entries[i];
	return NULL;
}

/* The full wait that FAILURES failures earn. */
static long
full_wait(const struct attempts_settings *s, long failures)
{
	long wait = s->first_wait_s;

	if (failures < s->free_tries)
		return 0;
	for (long i = s->free_tries; i < failures && wait < s->max_wait_s; i++)
		wait *= 2;
	return wait < s->max_wait_s ? wait : s->max_wait_s;
}

static long
remaining(const struct attempts *a, const struct entry *e)
{
	long wait = full_wait(&a->settings, e->failures);
	long long left = e->last + wait - (long long)time(NULL);

	if (left <= 0)
		return 0;
	return left < wait ? (long)left : wait;	/* clock set back */
}

/* True if NAME can be one word of a line: 1 to 64 printable ASCII bytes
 * without spaces (a control byte or blank would break the file, and a
 * broken file stops everyone). */
static bool
name_fits(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > NAME_MAX_BYTES)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] <= 0x20 ||
		    (unsigned char)name[i] >= 0x7f)
			return false;
	return true;
}

int
attempts_wait(struct attempts *a, const char *name, long *wait_s,
    struct nvr_error *err)
{
	const struct entry *e;
	int rc;

	*wait_s = 0;
	/* A name whose failures could not be counted gets no tries. */
	if (!name_fits(name))
		return nvr_error_set(err, -EINVAL, "tries of an account named "
		    "so cannot be counted");
	rc = load(a, err);
	if (rc != 0)
		return rc;
	e = find(a, name);
	if (e != NULL)
		*wait_s = remaining(a, e);
	return 0;
}

static void
print_attempts(FILE *out, const void *ctx)
{
	const struct attempts *a = ctx;

	fputs(HEADER, out);
	for (size_t i = 0; i < a->count; i++)
		if (a->entries[i].failures > 0)
			fprintf(out, "%s %ld %lld\n", a->entries[i].name,
			    a->entries[i].failures, a->entries[i].last);
}

static int
save(struct attempts *a, struct nvr_error *err)
{
	struct atomic_write_options options = { .mode = 0600 };

	return atomic_file_replace_printed(a->path, &options, print_attempts,
	    a, err);
}

/* Takes the store's lock, making the folder first if it is missing. */
static int
lock_store(struct attempts *a, struct atomic_lock *lock,
    struct nvr_error *err)
{
	if (mkdir(a->dir, 0700) != 0 && errno != EEXIST)
		return nvr_error_set(err, -errno, "cannot make %s: %s", a->dir,
		    strerror(errno));
	return atomic_lock_take(lock, a->lock_path, NULL, 15000, err);
}

/* NAME's entry, made if FAILED and it has none; NULL with ERR set when
 * the store is full, or (not FAILED) when there is none. */
static struct entry *
entry_for(struct attempts *a, const char *name, bool failed,
    struct nvr_error *err)
{
	struct entry *e = find(a, name);

	if (e != NULL || !failed)
		return e;
	if (a->count == ENTRIES_MAX) {
		/* Not the storage's ENOSPC: the screens would say the
		 * recorder's storage is full. */
		nvr_error_set(err, -EOVERFLOW, "%s is full: it counts as many "
		    "names as it can", a->path);
		return NULL;
	}
	e = &a->entries[a->count++];
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	return e;
}

/* Counts a failure for NAME, or forgets its failures, under the lock. */
static int
update(struct attempts *a, const char *name, bool failed, long *wait_s,
    struct nvr_error *err)
{
	struct atomic_lock lock;
	struct entry *e;
	int rc;

	if (!name_fits(name))
		return nvr_error_set(err, -EINVAL, "bad account name");
	rc = lock_store(a, &lock, err);
	if (rc != 0)
		return rc;
	rc = load(a, err);
	if (rc != 0)
		goto out;
	e = entry_for(a, name, failed, err);
	if (e == NULL) {
		if (failed)
			rc = -EOVERFLOW;
		goto out;	/* or a success with nothing to forget */
	}
	if (failed) {
		if (e->failures < FAILURES_MAX)
			e->failures++;
		e->last = (long long)time(NULL);
	} else {
		e->failures = 0;
	}
	rc = save(a, err);
	/* The wait just earned is whole: no second may pass in between. */
	if (rc == 0 && wait_s != NULL)
		*wait_s = full_wait(&a->settings, e->failures);
out:
	atomic_lock_release(&lock);
	return rc;
}

int
attempts_begin(struct attempts *a, const char *name, struct attempts_try *t,
    long *wait_s, struct nvr_error *err)
{
	struct atomic_lock lock;
	struct entry *e;
	int rc;

	memset(t, 0, sizeof(*t));
	*wait_s = 0;
	if (!name_fits(name))
		return nvr_error_set(err, -EINVAL, "tries of an account named "
		    "so cannot be counted");
	rc = lock_store(a, &lock, err);
	if (rc != 0)
		return rc;
	rc = load(a, err);
	if (rc == 0 && (e = find(a, name)) != NULL &&
	    (*wait_s = remaining(a, e)) > 0) {
		rc = nvr_error_set(err, -EAGAIN, "wait %ld seconds", *wait_s);
	} else if (rc == 0 && (e = entry_for(a, name, true, err)) == NULL) {
		rc = -EOVERFLOW;
	} else if (rc == 0) {
		t->before = e->last;
		t->at = (long long)time(NULL);
		if (e->failures < FAILURES_MAX)
			e->failures++;
		e->last = t->at;
		rc = save(a, err);
		if (rc == 0) {
			snprintf(t->name, sizeof(t->name), "%s", name);
			t->failures = e->failures;
			t->held = true;
		}
	}
	atomic_lock_release(&lock);
	return rc;
}

int
attempts_take_back(struct attempts *a, struct attempts_try *t, bool clear,
    struct nvr_error *err)
{
	struct atomic_lock lock;
	struct entry *e;
	int rc;

	if (!t->held)
		return 0;
	t->held = false;
	rc = lock_store(a, &lock, err);
	if (rc != 0)
		return rc;
	rc = load(a, err);
	if (rc == 0 && (e = find(a, t->name)) != NULL) {
		if (e->failures > 0)
			e->failures--;
		/* Another console's failure since is its own, and stays. */
		if (e->last == t->at)
			e->last = t->before;
		if (clear)
			e->failures = 0;
		rc = save(a, err);
	}
	atomic_lock_release(&lock);
	return rc;
}

const char *
attempts_uncounted_reason(int code)
{
	/* This store is a file of ours: a read-only one is the storage. */
	if (code == -EROFS)
		return "the recorder's storage is read-only";
	return nvr_error_storage(code);
}

long
attempts_wait_after(const struct attempts *a, const struct attempts_try *t)
{
	return full_wait(&a->settings, t->failures);
}

int
attempts_failed(struct attempts *a, const char *name, long *wait_s,
    struct nvr_error *err)
{
	*wait_s = 0;
	return update(a, name, true, wait_s, err);
}

int
attempts_succeeded(struct attempts *a, const char *name,
    struct nvr_error *err)
{
	return update(a, name, false, NULL, err);
}

int
attempts_migrate(struct attempts *a, const char *store, bool *done,
    struct nvr_error *err)
{
	struct atomic_lock lock;
	int rc;

	struct stat st;

	*done = false;
	/* Nothing to bring up to date: no folder is made for it. */
	if (lstat(a->path, &st) != 0 && errno == ENOENT)
		return 0;
	rc = lock_store(a, &lock, err);
	if (rc != 0)
		return rc;
	rc = load_as(a, store, err);
	if (rc == 0 && a->old) {
		rc = save(a, err);
		*done = rc == 0;
	}
	atomic_lock_release(&lock);
	return rc;
}

void
attempts_close(struct attempts *a)
{
	if (a == NULL)
		return;
	free(a->dir);
	free(a->path);
	free(a->lock_path);
	free(a);
}
