/*
 * factory_reset.c: the reset concern over the journal: the summary with
 * sizes, the whole reset recorded before the first change, one step at
 * a time, and the restart.
 */
#include "backends/reset/factory_reset.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/audit.h"
#include "common/command.h"
#include "common/atomic_file.h"

/* readdir on a 32-bit machine without 64-bit file offsets fails with
 * EOVERFLOW on a file system with 64-bit inode numbers (the Makefile's
 * LFS_CFLAGS). */
_Static_assert(sizeof(ino_t) == 8 && sizeof(off_t) == 8,
    "build with -D_FILE_OFFSET_BITS=64");

#define LOCK_NAME "reset.lock"
#define COUNT_LIMIT 100000	/* entries counted for a size, at most */

struct factory_reset {
	struct factory_reset_settings s;
	struct atomic_lock lock;	/* held from start (or the first
					 * step of a reset found unfinished)
					 * until it is finished */
	bool skip_refused;		/* factory_reset_skip_refused */
};

int
factory_reset_open(struct factory_reset **out,
    const struct factory_reset_settings *settings, struct nvr_error *err)
{
	struct factory_reset *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (r == NULL)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	r->s = *settings;
	*out = r;
	return 0;
}

/* ------------------------------------------------------------------ */
/* What a reset erases and keeps                                       */

struct tally {
	unsigned long long bytes;
	unsigned long entries;	/* looked at */
	unsigned long files;	/* not folders */
	bool partial;		/* stopped at COUNT_LIMIT, or unreadable */
};

/* Adds the size of NAME in AT (a file or a tree, symlinks not followed). */
static void
tally_at(int at, const char *name, struct tally *t)
{
	struct stat st;
	struct dirent *ent;
	DIR *d;
	int fd;

	if (t->entries >= COUNT_LIMIT) {
		t->partial = true;
		return;
	}
	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno != ENOENT)
			t->partial = true;
		return;
	}
	t->entries++;
	if (!S_ISDIR(st.st_mode)) {
		t->files++;
		if (S_ISREG(st.st_mode))
			t->bytes += (unsigned long long)st.st_size;
		return;
	}
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		t->partial = true;
		return;
	}
	while ((ent = readdir(d)) != NULL && !t->partial)
		if (strcmp(ent->d_name, ".") != 0 &&
		    strcmp(ent->d_name, "..") != 0)
			tally_at(fd, ent->d_name, t);
	closedir(d);
}

/* "1.2 GB": decimal units, as disks are sold. */
static void
format_bytes(unsigned long long bytes, char *out, size_t size)
{
	static const char *const units[] = { "KB", "MB", "GB", "TB", "PB" };
	double value = (double)bytes / 1000;
	int unit = 0;

	if (bytes < 1000) {
		snprintf(out, size, "%llu byte%s", bytes, bytes == 1 ? "" :
		    "s");
		return;
	}
	while (value >= 999.95 && unit < 4) {
		value /= 1000;
		unit++;
	}
	snprintf(out, size, value < 10 ? "%.1f %s" : "%.0f %s", value,
	    units[unit]);
}

/* From this size on, what a path holds is said in bytes too: a few
 * kilobytes of settings mean nothing to an owner, 412 GB of recordings
 * do. */
#define LARGE_BYTES (100ULL * 1000 * 1000)

/* What is at PATH now, in the owner's words: a folder by its files ("3
 * files", "310 files, 1.2 GB"), a file only by its size when large, and
 * "" when there is nothing more to say than the label. */
static void
describe_path(const char *path, char *out, size_t size)
{
	struct tally t = { 0 };
	struct stat st;
	char bytes[32];

	out[0] = '\0';
	if (lstat(path, &st) != 0) {
		snprintf(out, size, errno == ENOENT ? "none now" :
		    "cannot be read: %s", strerror(errno));
		return;
	}
	tally_at(AT_FDCWD, path, &t);
	format_bytes(t.bytes, bytes, sizeof(bytes));
	if (S_ISDIR(st.st_mode) && t.files == 0 && !t.partial)
		snprintf(out, size, "empty");
	else if (S_ISDIR(st.st_mode) && t.files == 0)
		snprintf(out, size, "cannot be read in full");
	else if (S_ISDIR(st.st_mode))
		snprintf(out, size, "%s%lu file%s%s%s", t.partial ?
		    "more than " : "", t.files, t.files == 1 ? "" : "s",
		    t.bytes >= LARGE_BYTES ? ", " : "",
		    t.bytes >= LARGE_BYTES ? bytes : "");
	else if (t.bytes >= LARGE_BYTES)
		snprintf(out, size, "%s", bytes);
}

static void
add_item(struct factory_reset_item *item, const char *label,
    const char *detail)
{
	snprintf(item->label, sizeof(item->label), "%s", label);
	snprintf(item->detail, sizeof(item->detail), "%s", detail);
}

/* "admin, operator, viewer", or "admin, operator and 21 more": the
 * accounts of store S, in at most ACCOUNTS_DETAIL_MAX bytes, so that a
 * store's line stays one row on the summary beside its label. */
#define ACCOUNTS_DETAIL_MAX 30
static void
describe_accounts(const struct account_store *s, char *out, size_t size)
{
	struct account list[64];
	struct nvr_error err;
	size_t count, used = 0, shown = 0;
	char more[32];

	if (s->accounts.ops == NULL || s->accounts.ops->list(
	    s->accounts.state, list, 64, &count, &err) != 0) {
		snprintf(out, size, "the accounts cannot be read now");
		return;
	}
	out[0] = '\0';
	for (; shown < count; shown++) {
		size_t name = strlen(list[shown].name) + (shown ? 2 : 0);
		bool last = shown + 1 == count;

		snprintf(more, sizeof(more), " and %zu more",
		    count - shown - 1);
		if (used + name + (last ? 0 : strlen(more)) >
		    ACCOUNTS_DETAIL_MAX && shown > 0)
			break;
		used += (size_t)snprintf(out + used, size - used, "%s%s",
		    shown ? ", " : "", list[shown].name);
		if (used >= size)
			return;
	}
	if (shown < count)
		snprintf(out + used, size - used, " and %zu more",
		    count - shown);
}

int
factory_reset_describe(struct factory_reset *r,
    struct factory_reset_summary *out, struct nvr_error *err)
{
	const struct reset_plan *plan = r->s.plan;
	const struct reset_config *cfg = r->s.config;
	char detail[96];

	(void)err;
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < plan->n_steps; i++) {
		const struct reset_step *s = &plan->steps[i];

		switch (s->kind) {
		case RESET_REMOVE:
		case RESET_TRUNCATE:
		case RESET_MKDIR:
			describe_path(s->path, detail, sizeof(detail));
			break;
		default:	/* a restore: its label says what */
			detail[0] = '\0';
			break;
		}
		add_item(&out->erase[out->erase_count++], s->label, detail);
	}
	/* Several stores: a line each, named by its label. */
	for (size_t i = 0; r->s.stores != NULL && i < r->s.stores->count &&
	    i < CONFIG_STORES_MAX; i++) {
		const struct account_store *st = &r->s.stores->store[i];
		char label[FACTORY_RESET_LABEL_MAX];

		snprintf(label, sizeof(label), "the passwords of %s",
		    r->s.stores->count > 1 ? st->label : "all accounts");
		describe_accounts(st, detail, sizeof(detail));
		add_item(&out->erase[out->erase_count++], label, detail);
	}
	add_item(&out->erase[out->erase_count++], "security questions, "
	    "recovery keys, support requests", "");
	for (size_t i = 0; i < cfg->keep_count; i++) {
		describe_path(cfg->keep[i].path, detail, sizeof(detail));
		add_item(&out->keep[out->keep_count++], cfg->keep[i].label,
		    detail);
	}
	out->restarts = cfg->after[0] != NULL;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Running it                                                          */

/* The step of one store (STORE: its id; NULL, of a journal the version
 * with one store wrote, the first). */
static int
hook_accounts(void *ctx, const char *store, bool admin_only,
    struct nvr_error *err)
{
	const struct factory_reset *r = ctx;
	const struct account_stores *stores = r->s.stores;

	if (stores == NULL || stores->count == 0)
		return nvr_error_set(err, -ENOTSUP, "no accounts: section; the "
		    "accounts cannot be reset");
	for (size_t i = 0; i < stores->count; i++) {
		const struct accounts *a = &stores->store[i].accounts;

		if (store != NULL && strcmp(stores->store[i].id, store) != 0)
			continue;
		if (a->ops == NULL)
			return nvr_error_set(err, -ENOTSUP, "%s cannot be "
			    "opened", stores->store[i].label);
		return a->ops->factory_reset(a->state, admin_only ?
		    ACCOUNT_RESET_ADMIN : ACCOUNT_RESET_ALL, err);
	}
	/* A firmware update took the store out of the config since the
	 * reset began: nothing of it is left to reset from here, and the
	 * rest of the reset must not wait on it. */
	return 0;
}

/* The wizard's own state: the recovery store (wherever its backend
 * keeps it, and the default place too), pending requests, attempts;
 * then the event log, which starts again with one line saying that the
 * recorder was reset (the step run again leaves the same one line). */
static int
hook_wizard_state(void *ctx, struct nvr_error *err)
{
	const struct factory_reset *r = ctx;
	static const char *const names[] = { "recovery", "requests",
		"attempts" };
	int rc = 0;

	if (r->s.recovery != NULL) {
		rc = r->s.recovery->ops->erase(r->s.recovery->state, err);
		if (rc != 0)
			return rc;
	}
	for (size_t i = 0; rc == 0 && i < 3; i++) {
		char *path = NULL, *lock = NULL;

		if (asprintf(&path, "%s/%s", r->s.state_dir, names[i]) < 0 ||
		    asprintf(&lock, "%s/%s.lock", r->s.state_dir,
		    names[i]) < 0)
			rc = nvr_error_set(err, -ENOMEM, "out of memory");
		else
			rc = atomic_file_remove(path, lock, err);
		free(path);
		free(lock);
	}
	if (rc == 0)
		rc = audit_reset(err);
	return rc;
}

static int
take_lock(struct factory_reset *r, struct nvr_error *err)
{
	char *path;
	int rc;

	if (r->lock.held)
		return 0;
	if (mkdir(r->s.state_dir, 0700) != 0 && errno != EEXIST)
		return nvr_error_set(err, -errno, "cannot make %s: %s",
		    r->s.state_dir, strerror(errno));
	if (asprintf(&path, "%s/%s", r->s.state_dir, LOCK_NAME) < 0)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	rc = atomic_lock_take(&r->lock, path, NULL, 0, err);
	free(path);
	if (rc == -EBUSY)
		return nvr_error_set(err, -EBUSY, "another factory reset is "
		    "running (on another console, or at boot)");
	return rc;
}

/* Takes the lock and records STEPS (N) in the journal, within the
 * plan's allowed folders. */
static int
begin(struct factory_reset *r, const struct reset_step *steps, size_t n,
    struct nvr_error *err)
{
	const struct reset_plan *plan = r->s.plan;
	struct reset_plan whole = { .steps = steps, .n_steps = n,
	    .allowed = plan->allowed, .n_allowed = plan->n_allowed };
	int rc = take_lock(r, err);

	if (rc == 0) {
		rc = reset_journal_begin(r->s.state_dir, &whole, err);
		if (rc != 0)
			atomic_lock_release(&r->lock);
	}
	return rc;
}

/* STEPS' labels: "clearing the passwords of Frigate". */
typedef char step_label[96];

/* Appends a step of KIND for each store to STEPS at *N, the first
 * store's first, with its label in LABELS. */
static void
add_store_steps(const struct factory_reset *r, enum reset_kind kind,
    struct reset_step *steps, size_t *n, step_label *labels)
{
	size_t stores = r->s.stores != NULL ? r->s.stores->count : 0;

	for (size_t i = 0; i < stores; i++) {
		const char *label = r->s.stores->store[i].label;

		if (kind == RESET_ADMIN_PASSWORD)
			snprintf(labels[i], sizeof(labels[i]), "clearing the "
			    "administrator's password%s%s", stores > 1 ?
			    " of " : "", stores > 1 ? label : "");
		else if (stores > 1)
			snprintf(labels[i], sizeof(labels[i]), "clearing the "
			    "passwords of %s", label);
		else
			snprintf(labels[i], sizeof(labels[i]), "clearing all "
			    "passwords");
		steps[(*n)++] = (struct reset_step){ .kind = kind,
		    .label = labels[i], .store = r->s.stores->store[i].id };
	}
}

int
factory_reset_start(struct factory_reset *r, size_t *total,
    struct nvr_error *err)
{
	const struct reset_plan *plan = r->s.plan;
	size_t n = plan->n_steps;
	size_t stores = r->s.stores != NULL ? r->s.stores->count : 0;
	step_label *labels = calloc(stores + 1, sizeof(*labels));
	struct reset_step *steps = calloc(n + stores + 1, sizeof(*steps));
	int rc;

	if (steps == NULL || labels == NULL) {
		free(steps);
		free(labels);
		return nvr_error_set(err, -ENOMEM, "out of memory");
	}
	memcpy(steps, plan->steps, n * sizeof(*steps));
	add_store_steps(r, RESET_ACCOUNTS, steps, &n, labels);
	steps[n++] = (struct reset_step){ .kind = RESET_WIZARD_STATE,
	    .label = "erasing security questions, recovery keys and "
	    "support requests" };
	*total = n;
	rc = begin(r, steps, n, err);
	free(steps);
	free(labels);
	return rc;
}

int
factory_reset_start_passwords(struct factory_reset *r, size_t *total,
    struct nvr_error *err)
{
	step_label labels[CONFIG_STORES_MAX];
	struct reset_step steps[CONFIG_STORES_MAX];
	size_t n = 0;

	if (r->s.stores == NULL || r->s.stores->count == 0)
		return nvr_error_set(err, -ENOTSUP, "no accounts: section; "
		    "there is no password to reset");
	add_store_steps(r, RESET_ADMIN_PASSWORD, steps, &n, labels);
	*total = n;
	return begin(r, steps, n, err);
}

static void
note_step(void *ctx, size_t index, size_t total, const char *label,
    bool skipped)
{
	struct factory_reset_progress *p = ctx;

	p->done = index;
	p->total = total;
	p->skipped = skipped;
	snprintf(p->label, sizeof(p->label), "%s", label);
}

/* A run of R's journal within the config's allowed folders. */
static struct reset_run
run_of(struct factory_reset *r, const struct reset_hooks *hooks,
    size_t max_steps, reset_progress_fn progress, void *ctx)
{
	return (struct reset_run){
		.allowed = r->s.plan->allowed,
		.n_allowed = r->s.plan->n_allowed,
		.hooks = hooks, .max_steps = max_steps,
		.skip_refused = r->skip_refused,
		.progress = progress, .ctx = ctx,
	};
}

int
factory_reset_next(struct factory_reset *r,
    struct factory_reset_progress *progress, struct nvr_error *err)
{
	struct reset_hooks hooks = { .accounts = hook_accounts,
	    .wizard_state = hook_wizard_state, .ctx = r };
	struct reset_run run = run_of(r, &hooks, 1, note_step, progress);
	int rc = take_lock(r, err);

	if (rc != 0)
		return rc;
	memset(progress, 0, sizeof(*progress));
	rc = reset_journal_run(r->s.state_dir, &run, err);
	if (rc >= 0 && progress->label[0] != '\0')
		progress->done++;	/* the step just run */
	if (rc == 0 || rc == -ENOENT)
		atomic_lock_release(&r->lock);
	return rc;
}

int
factory_reset_finish(struct factory_reset *r, reset_progress_fn progress,
    void *ctx, struct nvr_error *err)
{
	struct reset_hooks hooks = { .accounts = hook_accounts,
	    .wizard_state = hook_wizard_state, .ctx = r };
	struct reset_run run = run_of(r, &hooks, 0, progress, ctx);
	int rc = take_lock(r, err);

	if (rc != 0)
		return rc;
	rc = reset_journal_run(r->s.state_dir, &run, err);
	atomic_lock_release(&r->lock);
	return rc;
}

void
factory_reset_skip_refused(struct factory_reset *r)
{
	r->skip_refused = true;
}

bool
factory_reset_unfinished(const struct factory_reset *r)
{
	return r != NULL && reset_journal_pending(r->s.state_dir);
}

int
factory_reset_pending(const struct factory_reset *r,
    struct reset_journal_status *status, struct nvr_error *err)
{
	memset(status, 0, sizeof(*status));
	if (!reset_journal_pending(r->s.state_dir))
		return -ENOENT;
	return reset_journal_peek(r->s.state_dir, r->s.plan->allowed,
	    r->s.plan->n_allowed, status, err);
}

int
factory_reset_restart(struct factory_reset *r, struct nvr_error *err)
{
	const char *const *argv = r->s.config->after;

	if (argv[0] == NULL)
		return nvr_error_set(err, -ENOENT, "no restart command is "
		    "configured");
	return command_run(argv, NULL, err);
}

void
factory_reset_close(struct factory_reset *r)
{
	if (r == NULL)
		return;
	atomic_lock_release(&r->lock);
	free(r);
}
