/*
 * requests.c: pending recovery requests in STATE_DIR/requests.
 *
 * Format: a line "# nvr-recovery requests 1"; a line
 * "boot BOOT_ID BOOTS" (the last boot seen and how many were counted);
 * then one line per request:
 *   request NONCE KEY_ID ACCOUNT MADE TRUSTED BOOT_ID BOOTTIME BOOTS USED
 *           [SEEN LIVED LAST_BOOT LAST_UPTIME]
 * NONCE in hex, MADE the wall clock (seconds), TRUSTED 1 if the clock was
 * plausible then, BOOT_ID/BOOTTIME/BOOTS the boot it was made in, the
 * time since that boot and the boot count then, USED 1 once redeemed;
 * then what the request has lived through: SEEN the highest plausible
 * wall clock seen since it was made (a clock below it is not trusted
 * for this request), LIVED the uptime of the boots since it was made
 * before LAST_BOOT, and LAST_UPTIME the highest time since boot seen in
 * LAST_BOOT. The four are left out while they say nothing new (SEEN is
 * MADE, LIVED 0, LAST_BOOT and LAST_UPTIME are BOOT_ID and BOOTTIME).
 *
 * Every change is read-modify-write under STATE_DIR/requests.lock through
 * atomic_file; a file that does not parse is refused and left alone.
 */
#include "backends/requests/requests.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "common/atomic_file.h"
#include "common/line_file.h"
#include "backends/attempts.h"
#include "common/build_time.h"

#define HEADER "# nvr-recovery requests 2\n"
#define HEADER_V1 "# nvr-recovery requests 1\n"
#define FILE_MAX (64L * 1024)
#define ENTRIES_MAX 16		/* pending and used ones still in reach */
#define LOCK_TIMEOUT_MS 15000
/* What the clocks a request has seen must grow by before it is written
 * down (so that not every start writes the file): the bounds are lower
 * bounds on its age, and a clock set back by less is not caught. */
#define OBSERVE_SLACK_S 3600
/* Every time and uptime in the file, in seconds, within +-2^40 (some
 * 35,000 years): the age computed from several of them cannot overflow
 * (a line with uptimes near 2^63 did, found by fuzz_state). */
#define SECONDS_MAX (1LL << 40)
#define BOOTS_MAX (1LL << 31)

struct entry {
	uint8_t nonce[PROTOCOL_NONCE_BYTES];
	unsigned key_id;
	unsigned version;	/* of the protocol it was made in */
	bool gone;		/* format 1, its account gone: dropped */
	char store[STORE_ID_MAX + 1];
	unsigned index;		/* the store's place in the config then */
	long long uid;		/* the account's id, ACCOUNT_UID_NONE */
	char account[PROTOCOL_NAME_MAX + 1];
	long long made;
	bool trusted;
	char boot_id[REQUESTS_BOOT_ID_MAX];
	long long boottime;
	long long boots;
	bool used;
	long long seen;		/* the highest plausible wall clock seen */
	long long lived;	/* uptime in boots before LAST_BOOT */
	char last_boot[REQUESTS_BOOT_ID_MAX];
	long long last_uptime;	/* the highest uptime seen in it */
};

struct requests {
	char *dir, *path, *lock_path;
	struct requests_settings settings;
	char boot_id[REQUESTS_BOOT_ID_MAX];	/* the last boot seen */
	long long boots;			/* boots counted */
	struct entry entries[ENTRIES_MAX];
	size_t count;
	/* Reading format 1 (requests_migrate): its requests are
	 * OLD_STORE's, whose accounts now are OLD_ACCOUNTS. */
	bool old;
	const char *old_store;
	const struct account *old_accounts;
	size_t old_account_count;
	/* requests_migrate's probe: the file is read, never written (a
	 * format-1 file read without accounts holds only "gone" entries). */
	bool probing;
};

int
requests_clock_read(struct requests_clock *c, struct nvr_error *err)
{
	struct timespec ts;
	char buf[REQUESTS_BOOT_ID_MAX];
	ssize_t n;
	int fd;

	memset(c, 0, sizeof(*c));
	c->wall = time(NULL);
	c->plausible_after = NVR_BUILD_TIME;
	if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0)
		return nvr_error_set(err, -errno, "cannot read the time since "
		    "boot: %s", strerror(errno));
	c->boottime = ts.tv_sec;
	fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return nvr_error_set(err, -errno, "cannot read the boot id: "
		    "%s", strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return nvr_error_set(err, -EIO, "cannot read the boot id");
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(c->boot_id, sizeof(c->boot_id), "%s", buf);
	return 0;
}

int
requests_open(struct requests **out, const char *state_dir,
    const struct requests_settings *settings, struct nvr_error *err)
{
	struct requests *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (r == NULL || (r->dir = strdup(state_dir)) == NULL ||
	    asprintf(&r->path, "%s/requests", state_dir) < 0 ||
	    asprintf(&r->lock_path, "%s/requests.lock", state_dir) < 0) {
		requests_close(r);
		return nvr_error_set(err, -ENOMEM, "out of memory");
	}
	r->settings = *settings;
	*out = r;
	return 0;
}

/* A word of 1..MAX-1 printable, non-blank ASCII bytes. */
static bool
word_ok(const char *w, size_t max)
{
	size_t n = strlen(w);

	if (n == 0 || n >= max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (w[i] <= 0x20 || w[i] >= 0x7f)
			return false;
	return true;
}

/* The fields format 2 has before the account: VERSION STORE INDEX UID
 * ("-" for none); a format-1 line is the first store's, version 1. */
static int
parse_owner(const struct requests *r, const char *line, struct entry *e)
{
	char store[STORE_ID_MAX + 2], uid[24];
	unsigned long long version, index;
	int end = 0;

	if (r->old) {
		e->version = 1;
		snprintf(e->store, sizeof(e->store), "%s", r->old_store);
		return 0;
	}
	/* Numbers are read as long long and range-checked here: glibc's
	 * scanf converts with strtoll and kin, whose out-of-range values
	 * saturate, where a narrower type would truncate (4294967297 as
	 * 1). */
	/* NOLINTNEXTLINE(cert-err34-c) */
	if (sscanf(line, " %llu %17s %llu %23s%n", &version, store, &index,
	    uid, &end) != 4 || version < 1 || version > 2 ||
	    index >= STORES_MAX || !store_id_ok(store))
		return -1;
	e->version = (unsigned)version;
	e->index = (unsigned)index;
	memcpy(e->store, store, strlen(store) + 1);
	return account_uid_parse(uid, &e->uid) ? end : -1;
}

static bool
parse_entry(const struct requests *r, char *line, struct entry *e)
{
	char nonce[2 * PROTOCOL_NONCE_BYTES + 2], account[64], boot_id[64];
	char last_boot[64];
	unsigned long long key_id;
	long long trusted, used;
	int end = 0, more = 0, owner = 0, head = 0;
	size_t bin_len;

	memset(e, 0, sizeof(*e));
	/* As parse_owner: long long, checked below. */
	/* NOLINTNEXTLINE(cert-err34-c) */
	if (sscanf(line, "request %21s %llu%n", nonce, &key_id, &head) != 2 ||
	    key_id == 0 || key_id > 65535 ||
	    (owner = parse_owner(r, line + head, e)) < 0)
		return false;
	e->key_id = (unsigned)key_id;
	line += head + owner;
	/* NOLINTNEXTLINE(cert-err34-c) */
	if (sscanf(line, " %63s %lld %lld %63s %lld %lld %lld%n",
	    account, &e->made, &trusted, boot_id,
	    &e->boottime, &e->boots, &used, &end) != 7)
		return false;
	/* A format-1 request of an account that is gone is dropped, not
	 * given to whoever takes its name next. */
	if (r->old && !account_uid_of(r->old_accounts, r->old_account_count,
	    account, &e->uid))
		e->gone = true;
	if (line[end] == '\0') {
		e->seen = e->made;
		e->last_uptime = e->boottime;
		snprintf(last_boot, sizeof(last_boot), "%s", boot_id);
	} else if (/* NOLINTNEXTLINE(cert-err34-c): as above */
	    sscanf(line + end, " %lld %lld %63s %lld%n", &e->seen,
	    &e->lived, last_boot, &e->last_uptime, &more) != 4 ||
	    line[end + more] != '\0' || e->lived < 0 || e->last_uptime < 0 ||
	    e->lived > SECONDS_MAX || e->last_uptime > SECONDS_MAX ||
	    e->seen < -SECONDS_MAX || e->seen > SECONDS_MAX ||
	    !word_ok(last_boot, sizeof(e->last_boot))) {
		return false;
	}
	if (sodium_hex2bin(e->nonce, sizeof(e->nonce), nonce, strlen(nonce),
	    NULL, &bin_len, NULL) != 0 || bin_len != sizeof(e->nonce) ||
	    strlen(nonce) != 2 * sizeof(e->nonce))
		return false;
	if (!protocol_name_ok(account) || e->key_id == 0 ||
	    e->key_id > 65535 || (trusted != 0 && trusted != 1) ||
	    (used != 0 && used != 1) || !word_ok(boot_id,
	    sizeof(e->boot_id)) || e->boottime < 0 || e->boots < 0 ||
	    e->boottime > SECONDS_MAX || e->boots > BOOTS_MAX ||
	    e->made < -SECONDS_MAX || e->made > SECONDS_MAX)
		return false;
	/* Both lengths were checked above. */
	memcpy(e->account, account, strlen(account) + 1);
	memcpy(e->boot_id, boot_id, strlen(boot_id) + 1);
	memcpy(e->last_boot, last_boot, strlen(last_boot) + 1);
	e->trusted = trusted == 1;
	e->used = used == 1;
	return true;
}

/* Line 2 is the boot line, the others a request each. */
static int
load_line(void *ctx, char *line, unsigned number, struct nvr_error *err)
{
	struct requests *r = ctx;
	char boot_id[64];
	int end = 0;

	if (number == 2) {
		/* NOLINTNEXTLINE(cert-err34-c): saturates, checked */
		if (sscanf(line, "boot %63s %lld%n", boot_id, &r->boots,
		    &end) == 2 && line[end] == '\0' && word_ok(boot_id,
		    sizeof(r->boot_id)) && r->boots >= 0 &&
		    r->boots <= BOOTS_MAX) {
			memcpy(r->boot_id, boot_id, strlen(boot_id) + 1);
			return 0;
		}
	} else if (r->count < ENTRIES_MAX &&
	    parse_entry(r, line, &r->entries[r->count])) {
		if (!r->entries[r->count].gone)
			r->count++;
		return 0;
	}
	return nvr_error_set(err, -EPROTO, "%s:%u: not a %s line; the file "
	    "was left as it is", r->path, number, number == 2 ? "boot" :
	    "request");
}

/* Loads the file; a missing one holds nothing. */
static int
load(struct requests *r, struct nvr_error *err)
{
	const struct line_file file = {
		.path = r->path, .header = HEADER, .what = "a requests file",
		.max_bytes = FILE_MAX, .code = -EPROTO,
		.suffix = "; it was left as it is",
		.old_header = HEADER_V1,
		.old = r->old_store != NULL ? &r->old : NULL,
	};
	unsigned lines;
	int rc;

	r->count = 0;
	r->old = false;
	r->boot_id[0] = '\0';
	r->boots = 0;
	rc = line_file_read(&file, load_line, r, &lines, err);
	if (rc == 0 && lines == 1)
		rc = nvr_error_set(err, -EPROTO, "%s:2: the boot line is "
		    "missing; the file was left as it is", r->path);
	if (rc != 0)
		r->count = 0;
	return rc;
}

static void
print_requests(FILE *out, const void *ctx)
{
	const struct requests *r = ctx;
	char hex[2 * PROTOCOL_NONCE_BYTES + 1];

	fputs(HEADER, out);
	fprintf(out, "boot %s %lld\n", r->boot_id, r->boots);
	for (size_t i = 0; i < r->count; i++) {
		const struct entry *e = &r->entries[i];
		char uid[24];

		account_uid_text(e->uid, uid);
		sodium_bin2hex(hex, sizeof(hex), e->nonce, sizeof(e->nonce));
		fprintf(out, "request %s %u %u %s %u %s %s %lld %d %s %lld "
		    "%lld %d", hex, e->key_id, e->version, e->store, e->index,
		    uid, e->account, e->made, e->trusted, e->boot_id,
		    e->boottime, e->boots, e->used);
		if (e->seen != e->made || e->lived != 0 ||
		    strcmp(e->last_boot, e->boot_id) != 0 ||
		    e->last_uptime != e->boottime)
			fprintf(out, " %lld %lld %s %lld", e->seen, e->lived,
			    e->last_boot, e->last_uptime);
		fputc('\n', out);
	}
}

static int
save(struct requests *r, struct nvr_error *err)
{
	struct atomic_write_options options = { .uid = geteuid(),
	    .gid = getegid(), .mode = 0600 };

	return atomic_file_replace_printed(r->path, &options, print_requests,
	    r, err);
}

/* Counts a boot the file has not seen yet; true if it did. */
static bool
note_boot(struct requests *r, const struct requests_clock *now)
{
	if (strcmp(r->boot_id, now->boot_id) == 0)
		return false;
	if (r->boot_id[0] != '\0' && r->boots < BOOTS_MAX)
		r->boots++;	/* the bound the reader keeps (2^31 boots) */
	snprintf(r->boot_id, sizeof(r->boot_id), "%s", now->boot_id);
	return true;
}

static bool
plausible(const struct requests_clock *now, long long wall)
{
	return wall >= (long long)now->plausible_after;
}

/* The uptime E's boot LAST_BOOT began at, for E: its own, or 0. */
static long long
base_of(const struct entry *e)
{
	return strcmp(e->last_boot, e->boot_id) == 0 ? e->boottime : 0;
}

/* A lower bound on E's age: the uptime of every boot it has lived
 * through as far as they were seen, this one included. */
static long long
lived_now(const struct entry *e, const struct requests_clock *now)
{
	long long lived = e->lived;

	if (strcmp(e->last_boot, now->boot_id) == 0)
		return lived + (now->boottime > base_of(e) ? now->boottime -
		    base_of(e) : 0);
	if (e->last_uptime > base_of(e))
		lived += e->last_uptime - base_of(e);
	return lived + now->boottime;
}

/* Writes down what NOW tells of E's age (a new boot, more uptime, a
 * later wall clock); true if anything changed enough to be kept. */
static bool
observe(struct entry *e, const struct requests_clock *now)
{
	bool changed = false;

	if (strcmp(e->last_boot, now->boot_id) != 0) {
		e->lived = lived_now(e, now) - now->boottime;
		snprintf(e->last_boot, sizeof(e->last_boot), "%s",
		    now->boot_id);
		e->last_uptime = now->boottime;
		changed = true;
	} else if (now->boottime >= e->last_uptime + OBSERVE_SLACK_S) {
		e->last_uptime = now->boottime;
		changed = true;
	}
	/* The wall clock is never trusted for a request made without a
	 * plausible one: what it shows later does not matter. */
	if (e->trusted && plausible(now, (long long)now->wall) &&
	    (long long)now->wall >= e->seen + OBSERVE_SLACK_S) {
		e->seen = (long long)now->wall;
		changed = true;
	}
	return changed;
}

/* True while E may still be redeemed (the rules in requests.h). */
static bool
still_good(const struct requests *r, const struct entry *e,
    const struct requests_clock *now)
{
	long long wall = (long long)now->wall;
	long lifetime = r->settings.lifetime_s;

	/* Uptime is a lower bound on the request's age that no clock
	 * setting can shrink, and boots bound it too, clock trusted or
	 * not: a clock set back keeps nothing alive. */
	if (strcmp(e->boot_id, now->boot_id) == 0 &&
	    now->boottime < e->boottime)
		return false;
	if (lived_now(e, now) > lifetime)
		return false;
	if (r->boots - e->boots > r->settings.max_boots)
		return false;
	/* The wall clock is trusted for E only while plausible and never
	 * below the highest one E has seen. */
	if (e->trusted && plausible(now, wall) && wall >= e->made &&
	    wall >= e->seen)
		return wall - e->made <= lifetime;
	return true;
}

/* Forgets requests that can no longer be redeemed, used or not: a used
 * one is kept while it would still be good, so its code is refused as
 * used rather than unknown. True if it forgot any. */
static bool
prune(struct requests *r, const struct requests_clock *now)
{
	size_t kept = 0, count = r->count;

	for (size_t i = 0; i < r->count; i++) {
		if (!still_good(r, &r->entries[i], now))
			continue;
		r->entries[kept++] = r->entries[i];
	}
	r->count = kept;
	return kept != count;
}

static int
lock_and_load(struct requests *r, struct atomic_lock *lock,
    const struct requests_clock *now, struct nvr_error *err)
{
	bool changed;
	int rc;

	memset(lock, 0, sizeof(*lock));
	if (mkdir(r->dir, 0700) != 0 && errno != EEXIST)
		return nvr_error_set(err, -errno, "cannot make %s: %s", r->dir,
		    strerror(errno));
	rc = atomic_lock_take(lock, r->lock_path, NULL, LOCK_TIMEOUT_MS, err);
	if (rc != 0)
		return rc;
	rc = load(r, err);
	if (rc != 0) {
		atomic_lock_release(lock);
		return rc;
	}
	/* A boot counted and an ended request are written down at once,
	 * even if the caller then refuses a code: an ended request stays
	 * ended (a clock dying later must not bring it back). Boots of a
	 * file with no requests need no counting, nor a file made. */
	changed = note_boot(r, now) && r->count > 0;
	changed |= prune(r, now);
	for (size_t i = 0; i < r->count; i++)
		changed |= observe(&r->entries[i], now);
	if (changed && !r->probing && (rc = save(r, err)) != 0) {
		atomic_lock_release(lock);
		return rc;
	}
	return 0;
}

static unsigned
day_of(const struct requests_clock *now)
{
	long long days = (long long)now->wall / 86400;

	if (!plausible(now, (long long)now->wall) || days > 65535)
		return 0;
	return (unsigned)days;
}

/* E is WHO's request: same store, name and id (an earlier account of
 * that name does not own it). */
static bool
entry_of(const struct entry *e, const struct account_key *who)
{
	return strcmp(e->store, who->store) == 0 &&
	    strcmp(e->account, who->name) == 0 && e->uid == who->uid;
}

/* The request E stands for, as it was sent. */
static void
request_of(const struct entry *e, const struct requests_device *dev,
    struct protocol_request *req)
{
	memset(req, 0, sizeof(*req));
	req->key_id = e->key_id;
	req->demo = dev->demo;
	memcpy(req->nonce, e->nonce, sizeof(req->nonce));
	/* The day it was made on (0 if the clock was not plausible then). */
	req->day = e->trusted && e->made / 86400 <= 65535 ?
	    (unsigned)(e->made / 86400) : 0;
	snprintf(req->serial, sizeof(req->serial), "%s", dev->serial);
	snprintf(req->account, sizeof(req->account), "%s", e->account);
	/* Version 1 (made before stores) has no store field. */
	req->version = e->version;
	req->store = e->version >= 2 ? e->index : 0;
}

/* WHO as the key of a request's owner. */
static void
key_of(const struct entry *e, struct account_key *who)
{
	memset(who, 0, sizeof(*who));
	snprintf(who->store, sizeof(who->store), "%s", e->store);
	snprintf(who->name, sizeof(who->name), "%s", e->account);
	who->uid = e->uid;
	who->index = e->index;
}

int
requests_make(struct requests *r, const struct requests_device *dev,
    const struct account_key *who, const struct requests_clock *now,
    char *text,
    size_t size, bool *dropped, struct nvr_error *err)
{
	struct protocol_request req;
	struct atomic_lock lock;
	struct entry *e;
	size_t pending = 0, oldest = SIZE_MAX;
	int rc;

	const char *account = who->name;

	*dropped = false;
	if (!store_id_ok(who->store) || who->index > PROTOCOL_STORE_MAX)
		return nvr_error_set(err, -EINVAL, "not a store's account");
	if (!protocol_name_ok(account) || !protocol_name_ok(dev->serial))
		return nvr_error_set(err, -EINVAL, "the account name or the "
		    "serial number has characters a request cannot carry "
		    "(letters, digits, '-' and '_' only, at most 31)");
	memset(&req, 0, sizeof(req));
	/* Version 2: the request, and so its code or file, names the
	 * account's store. */
	req.version = 2;
	req.store = who->index;
	req.key_id = dev->key_id;
	req.demo = dev->demo;
	randombytes_buf(req.nonce, sizeof(req.nonce));
	req.day = day_of(now);
	snprintf(req.serial, sizeof(req.serial), "%s", dev->serial);
	/* protocol_name_ok said it fits. */
	snprintf(req.account, sizeof(req.account), "%.*s", PROTOCOL_NAME_MAX,
	    account);
	rc = protocol_request_encode(&req, dev->request_key, text, size);
	if (rc < 0)
		return nvr_error_set(err, rc, "cannot encode the request");
	rc = lock_and_load(r, &lock, now, err);
	if (rc != 0) {
		text[0] = '\0';	/* not kept: not to be sent */
		return rc;
	}
	for (size_t i = 0; i < r->count; i++) {
		if (r->entries[i].used)
			continue;
		pending++;
		if (oldest == SIZE_MAX)
			oldest = i;	/* entries are kept oldest first */
	}
	if (pending >= REQUESTS_PENDING_MAX || r->count == ENTRIES_MAX) {
		size_t drop = oldest;

		/* Room for one more: the oldest used one goes (at most two of
		 * the ENTRIES_MAX are pending), never a pending one. */
		if (pending < REQUESTS_PENDING_MAX)
			for (drop = 0; !r->entries[drop].used; drop++)
				;

		memmove(&r->entries[drop], &r->entries[drop + 1],
		    (r->count - drop - 1) * sizeof(r->entries[0]));
		r->count--;
		*dropped = pending >= REQUESTS_PENDING_MAX;
	}
	e = &r->entries[r->count];
	memset(e, 0, sizeof(*e));
	memcpy(e->nonce, req.nonce, sizeof(e->nonce));
	e->key_id = dev->key_id;
	e->version = req.version;
	snprintf(e->store, sizeof(e->store), "%s", who->store);
	e->index = who->index;
	e->uid = who->uid;
	memcpy(e->account, req.account, sizeof(e->account));
	e->made = (long long)now->wall;
	e->trusted = plausible(now, e->made);
	snprintf(e->boot_id, sizeof(e->boot_id), "%s", now->boot_id);
	e->boottime = now->boottime;
	e->boots = r->boots;
	e->seen = e->made;
	snprintf(e->last_boot, sizeof(e->last_boot), "%s", now->boot_id);
	e->last_uptime = now->boottime;
	r->count++;
	rc = save(r, err);
	atomic_lock_release(&lock);
	if (rc != 0)
		text[0] = '\0';		/* not kept: not to be sent */
	return rc;
}

/* requests_redeem; with USE false, every check but nothing is marked
 * used. NONCE (when not NULL) gets the request the code answers. */
static int
redeem_code(struct requests *r, const struct requests_device *dev,
    const struct account_key *who, enum protocol_action action,
    const char *typed,
    const struct requests_clock *now, bool use,
    uint8_t nonce[PROTOCOL_NONCE_BYTES], struct nvr_error *err)
{
	struct atomic_lock lock;
	bool any = false, used_match = false;
	size_t bad_group = 0;
	int rc, result = -EACCES;
	const char *account = who != NULL ? who->name : NULL;

	rc = lock_and_load(r, &lock, now, err);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < r->count && result != 0; i++) {
		struct entry *e = &r->entries[i];
		struct protocol_request req;

		if ((who != NULL && !entry_of(e, who)) ||
		    e->key_id != dev->key_id)
			continue;
		request_of(e, dev, &req);
		rc = protocol_code_check(typed, &req, action, dev->code_key,
		    &bad_group);
		if (rc == -EINVAL || rc == -E2BIG) {
			result = rc;
			break;
		}
		if (e->used) {
			used_match |= rc == 0;
			continue;
		}
		any = true;
		if (rc == 0) {
			result = 0;
			if (nonce != NULL)
				memcpy(nonce, e->nonce, sizeof(e->nonce));
			/* Durably used before anything is done with it. */
			if (use) {
				e->used = true;
				result = save(r, err);
				if (result != 0)
					e->used = false;
			}
		}
	}
	atomic_lock_release(&lock);
	if (result == 0)
		return 0;
	if (result == -E2BIG)
		return nvr_error_set(err, -EINVAL, "one group too many: a "
		    "reset code has 5 groups, and group %zu is one more",
		    bad_group);
	if (result == -EINVAL)
		return bad_group > 0 ? nvr_error_set(err, -EINVAL, "group %zu "
		    "has a typo", bad_group) : nvr_error_set(err, -EINVAL, "a "
		    "reset code has 5 groups of 5 letters and digits");
	if (result != -EACCES)
		return result;
	if (used_match)
		return nvr_error_set(err, -EACCES, "that code was used already");
	if (!any && account == NULL)
		return nvr_error_set(err, -ENOENT, "no request is waiting for "
		    "a code (it was answered, or it expired)");
	if (!any)
		return nvr_error_set(err, -ENOENT, "no request for %s is "
		    "waiting for a code (it was answered, or it expired)",
		    account);
	if (account == NULL)
		return nvr_error_set(err, -EACCES, "not a code for any request "
		    "waiting on this recorder");
	return nvr_error_set(err, -EACCES, "not a code for any request of "
	    "%s", account);
}

int
requests_redeem(struct requests *r, const struct requests_device *dev,
    const struct account_key *who, enum protocol_action action,
    const char *typed, const struct requests_clock *now,
    struct nvr_error *err)
{
	return redeem_code(r, dev, who, action, typed, now, true, NULL, err);
}

/* Marks the request NONCE used (USED true) or pending again; the
 * request must be in reach and in the other state. */
static int
mark_request(struct requests *r, const struct requests_device *dev,
    const uint8_t nonce[PROTOCOL_NONCE_BYTES], bool used,
    const struct requests_clock *now, struct nvr_error *err)
{
	struct atomic_lock lock;
	struct entry *match = NULL;
	int rc = lock_and_load(r, &lock, now, err);

	if (rc != 0)
		return rc;
	for (size_t i = 0; i < r->count && match == NULL; i++)
		if (r->entries[i].key_id == dev->key_id &&
		    sodium_memcmp(r->entries[i].nonce, nonce,
		    PROTOCOL_NONCE_BYTES) == 0)
			match = &r->entries[i];
	if (match == NULL) {
		rc = nvr_error_set(err, -ENOENT, "its request has expired "
		    "meanwhile");
	} else if (match->used == used) {
		rc = used ? nvr_error_set(err, -EALREADY, "it was used "
		    "meanwhile, on another console perhaps") : 0;
	} else {
		match->used = used;
		rc = save(r, err);
		if (rc != 0)
			match->used = !used;
	}
	atomic_lock_release(&lock);
	return rc;
}

int
requests_spend(struct requests *r, const struct requests_device *dev,
    const uint8_t nonce[PROTOCOL_NONCE_BYTES],
    const struct requests_clock *now, struct nvr_error *err)
{
	return mark_request(r, dev, nonce, true, now, err);
}

int
requests_unspend(struct requests *r, const struct requests_device *dev,
    const uint8_t nonce[PROTOCOL_NONCE_BYTES],
    const struct requests_clock *now, struct nvr_error *err)
{
	return mark_request(r, dev, nonce, false, now, err);
}

/* The message for a reset file that does not parse. */
static int
unreadable_file(int rc, size_t bad_line, struct nvr_error *err)
{
	if (rc == -EFBIG)
		return nvr_error_set(err, -EFBIG, "the reset file is larger "
		    "than %ld bytes: it is no reset file", RESET_FILE_MAX);
	if (bad_line == 1)
		return nvr_error_set(err, -EBADMSG, "reset file line 1: not a "
		    "reset file of version 1 or 2");
	return nvr_error_set(err, -EBADMSG, "reset file line %zu: not what "
	    "a reset file has there (damaged or edited?)", bad_line);
}

/* Whether the signed file F answers the request E of its nonce: in the
 * request's version, for its store (version 2) and, to set a password,
 * for its account. */
static bool
file_answers(const struct reset_file *f, const struct entry *e)
{
	unsigned version = f->version != 0 ? f->version : 1;

	if (version != e->version ||
	    (version >= 2 && f->store != e->index))
		return false;
	return f->action != PROTOCOL_SET_PASSWORD ||
	    strcmp(e->account, f->account) == 0;
}

/* requests_redeem_file; with USE false, every check but nothing is
 * marked used (a proof shown before the owner's last word). */
static int
redeem_file(struct requests *r, const struct requests_device *dev,
    const uint8_t vendor_public[crypto_sign_PUBLICKEYBYTES],
    const char *data, size_t len, const struct requests_clock *now,
    bool use, struct reset_file *out, struct account_key *who,
    struct nvr_error *err)
{
	struct reset_file f;
	struct atomic_lock lock;
	struct entry *match = NULL;
	bool any = false;
	size_t bad_line = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (who != NULL)
		memset(who, 0, sizeof(*who));
	rc = reset_file_parse(data, len, &f, &bad_line);
	if (rc != 0)
		return unreadable_file(rc, bad_line, err);
	/* Named before the signature is checked: a file of another key set
	 * cannot be checked here, and saying so helps more. */
	if (f.key_id != dev->key_id)
		return nvr_error_set(err, -EACCES, "this reset file was signed "
		    "with key set %u, but this recorder uses key set %u",
		    f.key_id, dev->key_id);
	rc = reset_file_verify(data, len, vendor_public, &f, &bad_line);
	if (rc == -EACCES)
		return nvr_error_set(err, -EACCES, "the reset file's signature "
		    "is not the vendor's (forged, damaged, or signed with "
		    "another key set)");
	if (rc != 0)
		return unreadable_file(rc, bad_line, err);
	if (strcmp(f.serial, dev->serial) != 0)
		return nvr_error_set(err, -EACCES, "this reset file is for "
		    "recorder %s, not for this one (%s)", f.serial,
		    dev->serial);

	rc = lock_and_load(r, &lock, now, err);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < r->count; i++) {
		struct entry *e = &r->entries[i];

		if (e->key_id != dev->key_id)
			continue;
		any |= !e->used;
		if (match == NULL && sodium_memcmp(e->nonce, f.nonce,
		    sizeof(e->nonce)) == 0)
			match = e;
	}
	if (match == NULL || match->used || !file_answers(&f, match)) {
		atomic_lock_release(&lock);
		if (match != NULL && match->used)
			return nvr_error_set(err, -EACCES, "that reset file "
			    "was used already (or its request was answered "
			    "with a code)");
		if (match != NULL && strcmp(match->account, f.account) != 0 &&
		    f.action == PROTOCOL_SET_PASSWORD)
			return nvr_error_set(err, -EACCES, "this reset file "
			    "sets the password of %s, but its request was made "
			    "for %s", f.account, match->account);
		if (match != NULL)
			return nvr_error_set(err, -EACCES, "this reset file "
			    "was made for another account store than its "
			    "request");
		if (!any)
			return nvr_error_set(err, -ENOENT, "no request is "
			    "waiting for an answer (it was answered, or it "
			    "expired)");
		return nvr_error_set(err, -EACCES, "this reset file answers "
		    "none of the requests waiting on this recorder (an older "
		    "or expired one?)");
	}
	/* Durably used before anything is done with it. */
	rc = 0;
	if (use) {
		match->used = true;
		rc = save(r, err);
		if (rc != 0)
			match->used = false;
	}
	if (rc == 0 && who != NULL)
		key_of(match, who);
	atomic_lock_release(&lock);
	if (rc != 0)
		return rc;
	*out = f;
	return 0;
}

int
requests_redeem_file(struct requests *r, const struct requests_device *dev,
    const uint8_t vendor_public[crypto_sign_PUBLICKEYBYTES],
    const char *data, size_t len, const struct requests_clock *now,
    struct reset_file *out, struct account_key *who, struct nvr_error *err)
{
	return redeem_file(r, dev, vendor_public, data, len, now, true, out,
	    who, err);
}

/* How long E stays good at most: the lifetime less the longest age the
 * clocks can vouch for (uptime always, the wall clock while trusted). */
static long
seconds_left(const struct requests *r, const struct entry *e,
    const struct requests_clock *now)
{
	long long wall = (long long)now->wall, age = lived_now(e, now);

	if (e->trusted && plausible(now, wall) && wall >= e->made &&
	    wall - e->made > age)
		age = wall - e->made;
	return age >= r->settings.lifetime_s ? 0 :
	    (long)(r->settings.lifetime_s - age);
}

int
requests_current(struct requests *r, const struct requests_device *dev,
    const struct account_key *who, const struct requests_clock *now,
    char *text,
    size_t size, char *compact, size_t compact_size, long *left,
    struct nvr_error *err)
{
	const struct entry *newest = NULL;
	struct protocol_request req;
	int rc = load(r, err);

	text[0] = compact[0] = '\0';
	if (rc != 0)
		return rc;
	note_boot(r, now);
	for (size_t i = 0; i < r->count; i++) {
		const struct entry *e = &r->entries[i];

		if (!e->used && e->key_id == dev->key_id &&
		    entry_of(e, who) && still_good(r, e, now))
			newest = e;	/* entries are kept oldest first */
	}
	if (newest == NULL)
		return nvr_error_set(err, -ENOENT, "no request for %s is "
		    "pending", who->name);
	/* The same text as when it was made. */
	request_of(newest, dev, &req);
	if (protocol_request_encode(&req, dev->request_key, text, size) < 0 ||
	    protocol_request_encode_compact(&req, dev->request_key, compact,
	    compact_size) < 0)
		return nvr_error_set(err, -EINVAL, "cannot encode the request");
	if (left != NULL)
		*left = seconds_left(r, newest, now);
	return 0;
}

int
requests_status(struct requests *r, const struct requests_device *dev,
    const uint8_t nonce[PROTOCOL_NONCE_BYTES],
    const struct requests_clock *now, struct account_key *who,
    struct nvr_error *err)
{
	int rc = load(r, err);

	if (rc != 0)
		return rc;
	note_boot(r, now);
	for (size_t i = 0; i < r->count; i++) {
		const struct entry *e = &r->entries[i];

		if (e->key_id != dev->key_id ||
		    sodium_memcmp(e->nonce, nonce, sizeof(e->nonce)) != 0 ||
		    !still_good(r, e, now))
			continue;
		if (who != NULL)
			key_of(e, who);
		return e->used ? -EALREADY : 0;
	}
	return -ENOENT;
}

int
requests_note_boot(struct requests *r, const struct requests_clock *now,
    struct nvr_error *err)
{
	struct atomic_lock lock;
	int rc;

	if (access(r->path, F_OK) != 0)
		return 0;	/* nothing pending, nothing to count for */
	/* lock_and_load writes the file when it counted a boot (or let a
	 * request go); nothing else changes here. */
	rc = lock_and_load(r, &lock, now, err);
	if (rc != 0)
		return rc;
	atomic_lock_release(&lock);
	return 0;
}

int
requests_list(struct requests *r, const struct requests_clock *now,
    struct requests_pending *list, size_t *count, struct nvr_error *err)
{
	int rc = load(r, err);

	*count = 0;
	if (rc != 0)
		return rc;
	note_boot(r, now);
	for (size_t i = 0; i < r->count &&
	    *count < REQUESTS_PENDING_MAX; i++) {
		const struct entry *e = &r->entries[i];

		if (e->used || !still_good(r, e, now))
			continue;
		key_of(e, &list[*count].who);
		list[*count].made = (time_t)e->made;
		list[*count].clock_trusted = e->trusted &&
		    plausible(now, (long long)now->wall) &&
		    (long long)now->wall >= e->made;
		(*count)++;
	}
	return 0;
}

int
requests_migrate(struct requests *r, const char *store,
    const struct account *accounts, size_t count,
    const struct requests_clock *now, bool *done, struct nvr_error *err)
{
	struct atomic_lock lock;
	int rc;

	*done = false;
	if (access(r->path, F_OK) != 0)
		return 0;	/* nothing to bring up to date */
	r->old_store = store;
	r->old_accounts = accounts;
	r->old_account_count = count;
	r->probing = accounts == NULL;
	rc = lock_and_load(r, &lock, now, err);
	if (rc == 0) {
		if (r->old && accounts == NULL)
			rc = -EAGAIN;	/* a probe: the accounts are wanted */
		else if (r->old) {
			rc = save(r, err);
			*done = rc == 0;
		}
		atomic_lock_release(&lock);
	}
	r->old_store = NULL;
	r->old_accounts = NULL;
	r->old_account_count = 0;
	r->probing = false;
	return rc;
}

void
requests_close(struct requests *r)
{
	if (r == NULL)
		return;
	free(r->dir);
	free(r->path);
	free(r->lock_path);
	free(r);
}

/* Before a try: counts it as a wrong one (attempts_begin), so that one
 * that cannot be counted is never checked. 0, or -EAGAIN with *WAIT_S
 * (0 when it cannot be counted). */
static int
budget_begin(struct attempts *budget, struct attempts_try *t, long *wait_s,
    struct nvr_error *err)
{
	struct nvr_error why = { "" };
	int rc = attempts_begin(budget, REQUESTS_BUDGET_NAME, t, wait_s, &why);

	if (rc == -EAGAIN && *wait_s > 0)
		return nvr_error_set(err, -EAGAIN, "too many wrong codes: wait "
		    "%ld seconds", *wait_s);
	*wait_s = 0;
	if (rc != 0) {
		const char *reason = attempts_uncounted_reason(rc);

		return nvr_error_set(err, -EAGAIN, "this try cannot be counted "
		    "(%s), so nothing was checked", reason != NULL ? reason :
		    why.message);
	}
	return 0;
}

/* After the try T that gave RC: right takes its count back (and with
 * CLEAR the device's earlier wrong ones), wrong leaves it counted,
 * anything else (an unreadable file) costs nothing. */
static int
budget_settle(struct attempts *budget, struct attempts_try *t, int rc,
    bool clear, long *wait_s)
{
	struct nvr_error ignored;

	*wait_s = 0;
	if (rc == -EACCES) {
		*wait_s = attempts_wait_after(budget, t);
		return rc;
	}
	(void)attempts_take_back(budget, t, rc == 0 && clear, &ignored);
	return rc;
}

int
requests_try_code(struct requests *r, struct attempts *budget,
    const struct requests_device *dev, const struct account_key *who,
    enum protocol_action action, const char *typed,
    const struct requests_clock *now, bool use,
    uint8_t nonce[PROTOCOL_NONCE_BYTES], long *wait_s, struct nvr_error *err)
{
	struct attempts_try t;
	int rc;

	*wait_s = 0;
	/* A typo the check symbols catch is no try: said for free. */
	if (!protocol_code_well_typed(typed))
		return redeem_code(r, dev, who, action, typed, now, false,
		    NULL, err);
	rc = budget_begin(budget, &t, wait_s, err);
	if (rc != 0)
		return rc;
	rc = redeem_code(r, dev, who, action, typed, now, use, nonce, err);
	/* A code only checked (USE false) takes back its own count alone,
	 * as a file does. */
	return budget_settle(budget, &t, rc, use, wait_s);
}

int
requests_try_file(struct requests *r, struct attempts *budget,
    const struct requests_device *dev,
    const uint8_t vendor_public[crypto_sign_PUBLICKEYBYTES],
    const char *data, size_t len, const struct requests_clock *now,
    bool use, struct reset_file *out, struct account_key *who, long *wait_s,
    struct nvr_error *err)
{
	struct attempts_try t;
	int rc = budget_begin(budget, &t, wait_s, err);

	if (rc != 0)
		return rc;
	rc = redeem_file(r, dev, vendor_public, data, len, now, use, out, who,
	    err);
	/* A file only checked (USE false) takes back its own count alone:
	 * it is not used yet, so it proves nothing for the budget. */
	return budget_settle(budget, &t, rc, use, wait_s);
}
