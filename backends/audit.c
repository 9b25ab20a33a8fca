/*
 * audit.c: security events to syslog(3) and to the file log (audit.h).
 */
#include "backends/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "common/append_file.h"
#include "common/atomic_file.h"
#include "common/build_time.h"

/* Both files together are read at once: far above 2 x max_kib. */
#define READ_MAX (16L * 1024 * 1024)

static struct {
	char *state_dir;	/* NULL: the file log is off */
	long max_bytes;
	char console[AUDIT_CONSOLE_MAX + 1];
	char failure[200];	/* "": the last write worked */
} file_log;

/* The event's word in the file. */
static const char *const tokens[AUDIT_EVENT_COUNT] = {
	[AUDIT_PASSWORD_CHANGED] = "password-changed",
	[AUDIT_FIRST_PASSWORD_SET] = "first-password-set",
	[AUDIT_WRONG_PASSWORD] = "wrong-password",
	[AUDIT_LOCKED_OUT] = "locked-out",
	[AUDIT_UNCOUNTED] = "try-not-counted",
	[AUDIT_PASSWORD_RECOVERED] = "password-recovered",
	[AUDIT_WRONG_ANSWERS] = "wrong-answers",
	[AUDIT_WRONG_KEY] = "wrong-key",
	[AUDIT_RECOVERY_USED] = "proved",
	[AUDIT_QUESTIONS_SET] = "questions-set",
	[AUDIT_KEY_CREATED] = "key-made",
	[AUDIT_PASSWORD_RESET] = "password-reset",
	[AUDIT_REQUEST_MADE] = "request-made",
	[AUDIT_CODE_ACCEPTED] = "code-accepted",
	[AUDIT_CODE_REFUSED] = "code-refused",
	[AUDIT_FILE_ACCEPTED] = "file-accepted",
	[AUDIT_FILE_REFUSED] = "file-refused",
	[AUDIT_RESET_STARTED] = "reset-started",
	[AUDIT_RESET_FINISHED] = "reset-finished",
	[AUDIT_RESET_FAILED] = "reset-failed",
	[AUDIT_RESET_DONE] = "factory-reset",
	[AUDIT_BUTTON_PASSWORDS] = "button-passwords",
	[AUDIT_BUTTON_IGNORED] = "button-ignored",
};

/* Copies TEXT into OUT (SIZE bytes) with printable ASCII kept and every
 * other byte, a tab included, as '?'; SPACES: ' ' is kept too. */
static void
copy_printable(const char *text, char *out, size_t size, bool spaces)
{
	size_t i;

	for (i = 0; i + 1 < size && text[i] != '\0'; i++)
		out[i] = (char)((text[i] > 0x20 && text[i] < 0x7f) ||
		    (spaces && text[i] == ' ') ? text[i] : '?');
	out[i] = '\0';
}

void
audit_open(void)
{
	/* LOG_NDELAY: connect now, while every descriptor is still ours. */
	openlog("nvr-recovery", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
}

void
audit_start(const char *state_dir, const struct audit_settings *settings,
    const char *console)
{
	free(file_log.state_dir);
	file_log.state_dir = NULL;
	file_log.failure[0] = '\0';
	copy_printable(console != NULL && console[0] != '\0' ? console :
	    "console", file_log.console, sizeof(file_log.console), false);
	if (state_dir == NULL || settings == NULL || !settings->log)
		return;
	file_log.state_dir = strdup(state_dir);
	file_log.max_bytes = (long)settings->max_kib * 1024;
}

const char *
audit_failure(void)
{
	return file_log.failure[0] != '\0' ? file_log.failure : NULL;
}

static void
to_syslog(enum audit_event event, const char *name, long seconds,
    const char *reason)
{
	switch (event) {
	case AUDIT_PASSWORD_CHANGED:
		syslog(LOG_NOTICE, "password changed for %s", name);
		break;
	case AUDIT_FIRST_PASSWORD_SET:
		syslog(LOG_NOTICE, "first password set for %s (first-boot "
		    "setup)", name);
		break;
	case AUDIT_WRONG_PASSWORD:
		syslog(LOG_WARNING, "wrong current password for %s", name);
		break;
	case AUDIT_LOCKED_OUT:
		syslog(LOG_WARNING, "%s locked out for %ld s after repeated "
		    "wrong tries", name, seconds);
		break;
	case AUDIT_UNCOUNTED:
		syslog(LOG_ERR, "a try for %s could not be counted, so nothing "
		    "was checked", name);
		break;
	case AUDIT_PASSWORD_RECOVERED:
		syslog(LOG_NOTICE, "password of %s set after recovery", name);
		break;
	case AUDIT_WRONG_ANSWERS:
		syslog(LOG_WARNING, "wrong security answers for %s", name);
		break;
	case AUDIT_WRONG_KEY:
		syslog(LOG_WARNING, "wrong recovery key for %s", name);
		break;
	case AUDIT_RECOVERY_USED:
		syslog(LOG_NOTICE, "%s proved with %s", name, seconds ?
		    "the recovery key (used up when the new password is "
		    "saved)" :
		    "security answers");
		break;
	case AUDIT_QUESTIONS_SET:
		syslog(LOG_NOTICE, "security questions set for %s", name);
		break;
	case AUDIT_PASSWORD_RESET:
		syslog(LOG_NOTICE, "password of %s reset by the administrator "
		    "after a recovery", name);
		break;
	case AUDIT_REQUEST_MADE:
		syslog(LOG_NOTICE, "recovery request made for %s", name);
		break;
	case AUDIT_CODE_ACCEPTED:
		syslog(LOG_NOTICE, "reset code accepted for %s", name);
		break;
	case AUDIT_CODE_REFUSED:
		syslog(LOG_WARNING, "reset code refused for %s: %s", name,
		    reason);
		break;
	case AUDIT_FILE_ACCEPTED:
		syslog(LOG_NOTICE, "reset file accepted for %s", name);
		break;
	case AUDIT_FILE_REFUSED:
		syslog(LOG_WARNING, "reset file refused (for %s): %s", name,
		    reason);
		break;
	case AUDIT_RESET_STARTED:
		syslog(LOG_WARNING, "factory reset started (by %s)", name);
		break;
	case AUDIT_BUTTON_PASSWORDS:
		syslog(LOG_WARNING, "administrators' passwords cleared with the "
		    "reset button (held %ld s)", seconds);
		break;
	case AUDIT_BUTTON_IGNORED:
		syslog(LOG_WARNING, "reset button let go after %ld s: %s",
		    seconds, reason);
		break;
	case AUDIT_RESET_FINISHED:
		syslog(LOG_WARNING, "factory reset finished");
		break;
	case AUDIT_RESET_FAILED:
		syslog(LOG_ERR, "factory reset stopped at a failed step; it "
		    "resumes at the next start");
		break;
	case AUDIT_RESET_DONE:
		syslog(LOG_WARNING, "event log started again after a factory "
		    "reset");
		break;
	case AUDIT_KEY_CREATED:
		syslog(LOG_NOTICE, "new recovery key created for %s", name);
		break;
	case AUDIT_EVENT_COUNT:
		break;
	}
}

/* One line's fields but its number, which comes from the last line. */
struct line_fields {
	enum audit_event event;
	char store[STORE_ID_MAX + 1];
	char account[ACCOUNT_NAME_MAX + 1];
	char detail[AUDIT_DETAIL_MAX + 1];
	time_t when;
};

static int
compose(void *ctx, const char *last, char *out, size_t size)
{
	const struct line_fields *f = ctx;
	unsigned long long seq;
	char when[32], *end;
	struct tm tm;
	int n;

	/* After the last line's number; after none, or a line that is not
	 * one of ours, at 1. */
	errno = 0;
	seq = strtoull(last, &end, 10);
	if (errno != 0 || end == last || *end != '\t')
		seq = 0;
	if (gmtime_r(&f->when, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return -EINVAL;
	n = snprintf(out, size, "%llu\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", seq + 1,
	    when, f->when >= (time_t)NVR_BUILD_TIME ? "trusted" : "untrusted",
	    file_log.console, f->store[0] != '\0' ? f->store : "-",
	    f->account[0] != '\0' ? f->account : "-", tokens[f->event],
	    f->detail[0] != '\0' ? f->detail : "-");
	return n < 0 || (size_t)n >= size ? -EINVAL : n;
}

static int
append(struct line_fields *f, struct nvr_error *err)
{
	f->when = time(NULL);
	return append_file_composed(file_log.state_dir, AUDIT_LOG_NAME,
	    file_log.max_bytes, compose, f, err);
}

/* Notes a failed write: to syslog, and for the screen (invariant 3). */
static void
failed(int rc, const struct nvr_error *err)
{
	const char *storage = nvr_error_storage(rc);

	syslog(LOG_ERR, "cannot write the event log: %s", err->message);
	snprintf(file_log.failure, sizeof(file_log.failure), "Not written to "
	    "the recorder's event log: %s.", storage != NULL ? storage :
	    err->message);
}

void
audit_log(enum audit_event event, const struct account_key *who,
    long seconds, const char *reason)
{
	struct line_fields f = { .event = event };
	struct nvr_error err = { "" };
	char name[ACCOUNT_KEY_TEXT_MAX + 1];
	int rc;

	if ((unsigned)event >= AUDIT_EVENT_COUNT)
		return;
	if (who != NULL && who->name[0] != '\0') {
		copy_printable(who->store, f.store, sizeof(f.store), false);
		copy_printable(who->name, f.account, sizeof(f.account),
		    false);
	}
	/* syslog has always named an account of the first store alone. */
	if (f.account[0] == '\0')
		snprintf(name, sizeof(name), "-");
	else if (who->index == 0)
		snprintf(name, sizeof(name), "%s", f.account);
	else
		snprintf(name, sizeof(name), "%s/%s", f.store, f.account);
	if (reason != NULL)
		copy_printable(reason, f.detail, sizeof(f.detail), true);
	else if (event == AUDIT_LOCKED_OUT || event == AUDIT_BUTTON_PASSWORDS)
		snprintf(f.detail, sizeof(f.detail), "%ld", seconds);
	else if (event == AUDIT_RECOVERY_USED)
		snprintf(f.detail, sizeof(f.detail), "%s", seconds ? "key" :
		    "answers");
	to_syslog(event, name, seconds, f.detail[0] != '\0' ? f.detail :
	    "no reason given");
	if (file_log.state_dir == NULL)
		return;
	rc = append(&f, &err);
	if (rc != 0)
		failed(rc, &err);
	else
		file_log.failure[0] = '\0';
}

int
audit_reset(struct nvr_error *err)
{
	static const char *const gone[] = {
		AUDIT_SEEN_NAME, AUDIT_SEEN_NAME ".lock",
		AUDIT_LOG_NAME APPEND_FILE_OLDER, AUDIT_LOG_NAME,
	};
	struct line_fields f = { .event = AUDIT_RESET_DONE };
	struct nvr_error line_err = { "" };
	int dir, rc = 0;

	if (file_log.state_dir == NULL)
		return 0;
	dir = open(file_log.state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return nvr_error_set(err, -errno, "cannot open %s: %s",
		    file_log.state_dir, strerror(errno));
	/* The mark of what was checked, then the older file: a reset cut
	 * short in between leaves no mark above a new log's numbers and no
	 * older file beside a log that does not start at the reset. */
	for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]) && rc == 0;
	    i++)
		if (unlinkat(dir, gone[i], 0) != 0 && errno != ENOENT)
			rc = nvr_error_set(err, -errno, "cannot remove %s/%s: "
			    "%s", file_log.state_dir, gone[i],
			    strerror(errno));
	if (rc == 0 && fsync(dir) != 0)
		rc = nvr_error_set(err, -errno, "cannot sync %s: %s",
		    file_log.state_dir, strerror(errno));
	close(dir);
	if (rc != 0)
		return rc;
	/* Nothing from before the reset is left; the line saying so is
	 * an event like any other (invariant 3). */
	to_syslog(AUDIT_RESET_DONE, "-", 0, NULL);
	rc = append(&f, &line_err);
	if (rc != 0)
		failed(rc, &line_err);
	else
		file_log.failure[0] = '\0';
	return 0;
}

/* Reads one line (NUL-terminated, without '\n') into R; false if it
 * does not read as a line of this log. */
static bool
parse_line(char *line, struct audit_record *r)
{
	char *field[8], *p = line;
	size_t n = 0;
	char *end;

	memset(r, 0, sizeof(*r));
	/* strsep, not strtok: an empty field is a field. */
	while (n < 8 && (field[n] = strsep(&p, "\t")) != NULL)
		n++;
	if (n != 8 || p != NULL)
		return false;
	errno = 0;
	r->seq = strtoull(field[0], &end, 10);
	if (errno != 0 || end == field[0] || *end != '\0' ||
	    strlen(field[1]) >= sizeof(r->when) ||
	    (strcmp(field[2], "trusted") != 0 &&
	    strcmp(field[2], "untrusted") != 0) ||
	    strlen(field[3]) > AUDIT_CONSOLE_MAX ||
	    strlen(field[4]) > STORE_ID_MAX ||
	    strlen(field[5]) > ACCOUNT_NAME_MAX ||
	    strlen(field[7]) > AUDIT_DETAIL_MAX)
		return false;
	for (r->event = 0; r->event < AUDIT_EVENT_COUNT; r->event++)
		if (strcmp(field[6], tokens[r->event]) == 0)
			break;
	if (r->event == AUDIT_EVENT_COUNT)
		return false;
	strcpy(r->when, field[1]);
	r->clock_trusted = field[2][0] == 't';
	strcpy(r->console, field[3]);
	if (strcmp(field[4], "-") != 0)
		strcpy(r->store, field[4]);
	if (strcmp(field[5], "-") != 0)
		strcpy(r->account, field[5]);
	if (strcmp(field[7], "-") != 0)
		strcpy(r->detail, field[7]);
	return true;
}

/* Calls EACH for every line of TEXT (LEN bytes) that reads, oldest
 * first, with NULL for one that does not. */
static void
read_lines(char *text, size_t len,
    void (*each)(void *ctx, const struct audit_record *rec), void *ctx)
{
	char *p = text, *end = text + len;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		struct audit_record rec;

		if (nl == NULL) {	/* cut short: not a line yet */
			each(ctx, NULL);
			break;
		}
		*nl = '\0';
		if (memchr(p, '\0', (size_t)(nl - p)) != NULL ||
		    !parse_line(p, &rec))
			each(ctx, NULL);
		else
			each(ctx, &rec);
		p = nl + 1;
	}
}

/* Reads both files, the older first, through EACH. */
static int
read_log(void (*each)(void *ctx, const struct audit_record *rec),
    void *ctx, struct nvr_error *err)
{
	static const char *const names[] = {
		AUDIT_LOG_NAME APPEND_FILE_OLDER, AUDIT_LOG_NAME,
	};

	if (file_log.state_dir == NULL)
		return nvr_error_set(err, -ENOTSUP, "the event log is off");
	for (size_t i = 0; i < 2; i++) {
		char *path, *text = NULL;
		size_t len = 0;
		int rc;

		if (asprintf(&path, "%s/%s", file_log.state_dir, names[i]) < 0)
			return nvr_error_set(err, -ENOMEM, "out of memory");
		rc = atomic_file_read(path, READ_MAX, &text, &len, err);
		free(path);
		if (rc == -ENOENT)
			continue;
		if (rc != 0)
			return rc;
		read_lines(text, len, each, ctx);
		free(text);
	}
	return 0;
}

static void
keep_recent(void *ctx, const struct audit_record *rec)
{
	struct audit_recent *r = ctx;
	/* Newest first: older ones move down, the oldest falls off. */
	size_t keep = r->count < AUDIT_RECENT_MAX ? r->count :
	    AUDIT_RECENT_MAX - 1;

	if (rec == NULL) {
		r->unreadable++;
		return;
	}
	memmove(&r->record[1], &r->record[0], keep * sizeof(r->record[0]));
	r->record[0] = *rec;
	r->count = keep + 1;
}

int
audit_read_recent(struct audit_recent *r, struct nvr_error *err)
{
	memset(r, 0, sizeof(*r));
	return read_log(keep_recent, r, err);
}

/* The failed tries per account, to name the one with the most. */
#define UNREAD_ACCOUNTS 16

/* What a run of records holds, for the unread line. */
struct unread_tally {
	struct audit_unread sum;
	char names[UNREAD_ACCOUNTS][ACCOUNT_NAME_MAX + 1];
	size_t tries[UNREAD_ACCOUNTS], accounts;
};

/* Every record, and those after the mark (past the first one above it):
 * which one is unread is known only at the end, from the newest number. */
struct unread_count {
	unsigned long long seen;
	bool past_mark;
	struct unread_tally all, after;
};

static bool
is_failed_try(enum audit_event e)
{
	return e == AUDIT_WRONG_PASSWORD || e == AUDIT_WRONG_ANSWERS ||
	    e == AUDIT_WRONG_KEY || e == AUDIT_CODE_REFUSED ||
	    e == AUDIT_FILE_REFUSED;
}

static void
tally(struct unread_tally *t, const struct audit_record *r)
{
	size_t k = 0;

	if (r->event == AUDIT_LOCKED_OUT)
		return;
	if (!is_failed_try(r->event)) {
		t->sum.other++;
		return;
	}
	t->sum.failed++;
	while (k < t->accounts && strcmp(t->names[k], r->account) != 0)
		k++;
	if (k == t->accounts && t->accounts < UNREAD_ACCOUNTS)
		strcpy(t->names[t->accounts++], r->account);
	if (k < t->accounts && ++t->tries[k] > t->sum.failed_there) {
		t->sum.failed_there = t->tries[k];
		strcpy(t->sum.failed_account, t->names[k]);
	}
}

static void
count_unread(void *ctx, const struct audit_record *rec)
{
	struct unread_count *c = ctx;

	if (rec == NULL)
		return;
	c->all.sum.newest = rec->seq;
	tally(&c->all, rec);
	if (rec->seq > c->seen)
		c->past_mark = true;
	if (c->past_mark)
		tally(&c->after, rec);
}

/* The number kept by audit_mark_read; 0 when none reads. */
static unsigned long long
read_seen(void)
{
	char *path, *text = NULL, *end;
	unsigned long long seen = 0;
	size_t len;

	if (asprintf(&path, "%s/" AUDIT_SEEN_NAME, file_log.state_dir) < 0)
		return 0;
	if (atomic_file_read(path, 64, &text, &len, NULL) == 0) {
		errno = 0;
		seen = strtoull(text, &end, 10);
		if (errno != 0 || end == text || *end != '\n')
			seen = 0;
	}
	free(text);
	free(path);
	return seen;
}

int
audit_read_unread(struct audit_unread *u, struct nvr_error *err)
{
	struct unread_count *c;
	int rc;

	memset(u, 0, sizeof(*u));
	if (file_log.state_dir == NULL)
		return nvr_error_set(err, -ENOTSUP, "the event log is off");
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	c->seen = read_seen();
	rc = read_log(count_unread, c, err);
	if (rc == 0) {
		/* A log that starts again below the mark (a line not ours)
		 * is unread from its start. */
		*u = c->seen <= c->all.sum.newest ? c->after.sum : c->all.sum;
		u->newest = c->all.sum.newest;
	}
	free(c);
	return rc;
}

int
audit_mark_read(unsigned long long seq, struct nvr_error *err)
{
	struct atomic_write_options options = { .uid = geteuid(),
	    .gid = getegid(), .mode = 0600 };
	struct atomic_lock lock = { .held = false };
	char *path = NULL, *lock_path = NULL, text[32];
	int rc, n;

	if (file_log.state_dir == NULL)
		return nvr_error_set(err, -ENOTSUP, "the event log is off");
	if (asprintf(&path, "%s/" AUDIT_SEEN_NAME, file_log.state_dir) < 0 ||
	    asprintf(&lock_path, "%s/" AUDIT_SEEN_NAME ".lock",
	    file_log.state_dir) < 0) {
		free(path);
		return nvr_error_set(err, -ENOMEM, "out of memory");
	}
	n = snprintf(text, sizeof(text), "%llu\n", seq);
	rc = atomic_lock_take(&lock, lock_path, NULL, 15000, err);
	if (rc == 0)
		rc = atomic_file_replace(path, text, (size_t)n, &options, err);
	atomic_lock_release(&lock);
	free(path);
	free(lock_path);
	return rc;
}
