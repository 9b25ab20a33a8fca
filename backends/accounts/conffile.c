/*
 * conffile.c: accounts kept as values in a web UI's own text file, in
 * two presets: motionEye's motion.conf (backend: motioneye, its admin and
 * normal user) and an htpasswd file (backend: htpasswd, every user of
 * the file). conffile_parse.c reads and rewrites the text; hash_scheme.c
 * checks and makes the hashes.
 *
 * Invariants:
 * 1. The file is reached through a descriptor of its folder, opened with
 *    O_DIRECTORY | O_NOFOLLOW and checked with fstat (owned by root or
 *    us, writable by no one else unless sticky); it is read, locked
 *    (flock on that descriptor) and replaced through it
 *    (atomic_file_replace_at, which keeps the file's owner and mode), and
 *    its path is never looked up again once checked.
 * 2. A file that does not parse is refused as FILE:LINE: message and
 *    never rewritten; a change rewrites the bytes of one value (or adds
 *    the one line motionEye would have had).
 * 3. New hashes are of the kind the config's version or hash: names,
 *    never of a kind guessed from the file, and never weaker than the
 *    hash they replace (such a change is refused and says why).
 * 4. An unknown account and a wrong password get the same answer after
 *    the same work: a hash is always computed.
 * 5. Buffers that held the file (it holds every hash), a password or a
 *    new hash are wiped.
 */
#include "backends/accounts/accounts.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backends/accounts/conffile_parse.h"
#include "backends/accounts/hash_scheme.h"
#include "backends/accounts/policy.h"
#include "common/atomic_file.h"
#include "common/trust.h"

_Static_assert(CONFFILE_NAME_MAX == ACCOUNT_NAME_MAX,
    "the parser's names are the accounts' names");

#define MOTIONEYE_DEFAULT_PATH "/etc/motioneye/motion.conf"
#define LOCK_RETRY_MS 50
#define FACTORY_HTPASSWD "!"	/* Apache: crypt() of nothing matches */

static const char *const motioneye_versions[] = { "0.43", "0.44", NULL };
static const char *const htpasswd_hashes[] = { "bcrypt", "yescrypt", NULL };

static const struct schema_key motioneye_keys[] = {
	{ .name = "path", .type = SCHEMA_PATH,
	  .help = "motionEye's motion.conf (default "
	  MOTIONEYE_DEFAULT_PATH ")" },
	{ .name = "version", .type = SCHEMA_ENUM, .required = true,
	  .choices = motioneye_versions,
	  .help = "the motionEye version that reads it: 0.43 (unsalted SHA1)"
	  " or 0.44 (argon2id)" },
	{ .name = "lock_timeout_ms", .type = SCHEMA_INT, .min = 0,
	  .max = 600000, .help = "how long to wait for the file's lock" },
	{ .name = "policy", .type = SCHEMA_MAP, .children = policy_keys,
	  .help = "password strength rules" },
	{ 0 },
};

static const struct schema_key htpasswd_keys[] = {
	{ .name = "path", .type = SCHEMA_PATH, .required = true,
	  .help = "the htpasswd file" },
	{ .name = "admin", .type = SCHEMA_STRING,
	  .help = "the user first-boot setup asks a password for" },
	{ .name = "hash", .type = SCHEMA_ENUM, .choices = htpasswd_hashes,
	  .help = "bcrypt (default, $2y$) or yescrypt" },
	{ .name = "hash_cost", .type = SCHEMA_INT, .min = 0, .max = 999999999,
	  .help = "the method's cost; 0 or absent: libxcrypt's default" },
	{ .name = "lock_timeout_ms", .type = SCHEMA_INT, .min = 0,
	  .max = 600000, .help = "how long to wait for the file's lock" },
	{ .name = "policy", .type = SCHEMA_MAP, .children = policy_keys,
	  .help = "password strength rules" },
	{ 0 },
};

struct conffile_store {
	enum conffile_format format;
	enum hash_rules rules;
	enum hash_kind writes;		/* what new passwords become */
	unsigned long cost;
	char *path;			/* for messages */
	char *folder;			/* opened anew for each operation */
	char *name;			/* the file in it */
	char admin[ACCOUNT_NAME_MAX + 1];	/* htpasswd's */
	int lock_timeout_ms;
	const char *weak;		/* said after a change, or NULL */
	char dummy[HASH_SCHEME_OUTPUT_MAX];	/* for unknown accounts */
	struct hash_form dummy_form;
};

/* The file as read through its held folder. */
struct held {
	int dir;
	bool locked;
	char *text;
	size_t len;
	struct stat info;
	struct conffile_parsed parsed;
};

static void
held_close(struct held *h)
{
	if (h->text != NULL)
		sodium_memzero(h->text, h->len);
	free(h->text);
	h->text = NULL;
	conffile_parsed_free(&h->parsed);
	if (h->dir >= 0)
		close(h->dir);	/* drops the flock too */
	h->dir = -1;
	h->locked = false;
}

/* Opens the file's folder without following a link, and checks what the
 * descriptor holds: a folder only root or we own and only its owner can
 * change (or sticky). */
static int
open_folder(const struct conffile_store *st, struct held *h,
    struct nvr_error *err)
{
	struct stat sb;

	h->dir = open(st->folder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (h->dir < 0)
		return nvr_error_set(err, -errno, "cannot open the folder of "
		    "%s: %s", st->path, strerror(errno));
	if (fstat(h->dir, &sb) != 0)
		return nvr_error_set(err, -errno, "cannot look at %s: %s",
		    st->folder, strerror(errno));
	if ((sb.st_uid != 0 && sb.st_uid != geteuid()) ||
	    ((sb.st_mode & 022) != 0 && (sb.st_mode & S_ISVTX) == 0))
		return nvr_error_set(err, -EPERM, "%s: another user could "
		    "change the files in it (owner uid %lu, mode %04o); "
		    "refusing to trust them; fix: chown root and chmod go-w %s",
		    st->folder, (unsigned long)sb.st_uid,
		    (unsigned)(sb.st_mode & 07777), st->folder);
	return 0;
}

static int
take_lock(const struct conffile_store *st, struct held *h,
    struct nvr_error *err)
{
	int waited = 0;

	while (flock(h->dir, LOCK_EX | LOCK_NB) != 0) {
		struct timespec ts = { 0, LOCK_RETRY_MS * 1000000L };

		if (errno != EWOULDBLOCK && errno != EINTR)
			return nvr_error_set(err, -errno, "cannot lock %s: %s",
			    st->path, strerror(errno));
		if (waited >= st->lock_timeout_ms)
			return nvr_error_set(err, -EBUSY, "%s is being changed "
			    "by another nvr-recovery; try again", st->path);
		nanosleep(&ts, NULL);
		waited += LOCK_RETRY_MS;
	}
	h->locked = true;
	return 0;
}

/* Reads and parses the file through H's folder. */
static int
read_file(const struct conffile_store *st, struct held *h,
    struct nvr_error *err)
{
	int rc = atomic_file_read_at(h->dir, st->name, st->path,
	    ATOMIC_FILE_MAX, &h->text, &h->len, &h->info, err);

	if (rc == 0)
		rc = conffile_parse(h->text, h->len, st->format, st->rules,
		    st->path, &h->parsed, err);
	return rc;
}

/* Opens, optionally locks, reads and parses: everything an operation
 * needs. H is closed by the caller either way. */
static int
load(const struct conffile_store *st, bool lock, struct held *h,
    struct nvr_error *err)
{
	int rc;

	memset(h, 0, sizeof(*h));
	h->dir = -1;
	rc = open_folder(st, h, err);
	if (rc == 0 && lock)
		rc = take_lock(st, h, err);
	if (rc == 0)
		rc = read_file(st, h, err);
	return rc;
}

/* The entry of NAME that list() offers, or NULL. */
static const struct conffile_entry *
offered(const struct conffile_parsed *p, const char *name)
{
	for (size_t i = 0; i < p->count; i++)
		if (p->entries[i].name_fits &&
		    strcmp(p->entries[i].name, name) == 0)
			return &p->entries[i];
	return NULL;
}

static bool
is_admin(const struct conffile_store *st, const struct conffile_entry *e)
{
	return st->format == CONFFILE_MOTIONEYE ? e->admin :
	    strcmp(e->name, st->admin) == 0;
}

static enum account_password
state_of(const struct conffile_entry *e)
{
	switch (e->form.kind) {
	case HASH_NONE:
		return ACCOUNT_PASSWORD_EMPTY;
	case HASH_LOCKED:
		return ACCOUNT_PASSWORD_LOCKED;
	default:
		return ACCOUNT_PASSWORD_SET;
	}
}

static int
conffile_list(void *state, struct account *accounts, size_t max,
    size_t *count, struct nvr_error *err)
{
	struct conffile_store *st = state;
	struct held h;
	int rc = load(st, false, &h, err);

	*count = 0;
	for (int pass = 0; rc == 0 && pass < 2; pass++) {
		for (size_t i = 0; i < h.parsed.count && *count < max; i++) {
			const struct conffile_entry *e = &h.parsed.entries[i];
			struct account *a;

			if (!e->name_fits || is_admin(st, e) != (pass == 0))
				continue;
			a = &accounts[(*count)++];
			memset(a, 0, sizeof(*a));
			memcpy(a->name, e->name, sizeof(a->name));
			a->uid = (uid_t)-1;
			a->admin = pass == 0;
			a->password = state_of(e);
		}
	}
	held_close(&h);
	return rc;
}

static int
conffile_verify(void *state, const char *name, const char *password,
    struct nvr_error *err)
{
	struct conffile_store *st = state;
	const struct conffile_entry *e = NULL;
	struct held h;
	int rc = load(st, false, &h, err);

	if (rc == 0)
		e = offered(&h.parsed, name);
	if (rc == 0 && e != NULL && account_password_checkable(state_of(e)))
		rc = hash_scheme_verify(&e->form, h.text + e->value_at,
		    e->value_len, password, err);
	else if (rc == 0) {
		(void)hash_scheme_verify(&st->dummy_form, st->dummy,
		    strlen(st->dummy), password, err);
		rc = nvr_error_set(err, -EACCES, "wrong password");
	}
	held_close(&h);
	return rc;
}

/* True if the file changed since H read it (motionEye itself may have
 * saved its settings meanwhile; it takes no lock). */
static bool
changed_since(const struct conffile_store *st, const struct held *h)
{
	struct stat now;

	return fstatat(h->dir, st->name, &now, AT_SYMLINK_NOFOLLOW) != 0 ||
	    now.st_ino != h->info.st_ino || now.st_dev != h->info.st_dev ||
	    now.st_size != h->info.st_size ||
	    now.st_mtim.tv_sec != h->info.st_mtim.tv_sec ||
	    now.st_mtim.tv_nsec != h->info.st_mtim.tv_nsec;
}

/* Writes TEXT (LEN bytes) over the file H read, through its folder. */
static int
write_file(const struct conffile_store *st, const struct held *h,
    const char *text, size_t len, struct nvr_error *err)
{
	/* A new file is never made here: the owner and mode are the
	 * file's own. */
	struct atomic_write_options options = { .mode = 0600 };

	if (changed_since(st, h))
		return nvr_error_set(err, -EAGAIN, "%s changed while it was "
		    "being read; try again", st->path);
	return atomic_file_replace_at(h->dir, st->name, st->path, text, len,
	    &options, err);
}

static int
conffile_set_password(void *state, const char *name, const char *password,
    struct nvr_error *err)
{
	struct conffile_store *st = state;
	char hash[HASH_SCHEME_OUTPUT_MAX];
	const struct conffile_entry *e;
	char *updated = NULL;
	size_t updated_len = 0;
	struct held h;
	int rc;

	if (strlen(password) > HASH_SCHEME_PASSWORD_MAX)
		return nvr_error_set(err, -EINVAL, "the password is longer "
		    "than %d bytes", HASH_SCHEME_PASSWORD_MAX);
	rc = load(st, false, &h, err);
	e = rc == 0 ? offered(&h.parsed, name) : NULL;
	if (rc == 0 && e == NULL)
		rc = nvr_error_set(err, -ENOENT, "no account %s here", name);
	if (rc == 0 && hash_form_rank(e->form.kind) >
	    hash_form_rank(st->writes))
		rc = nvr_error_set(err, -EPERM, "%s holds %s for %s, and this "
		    "config writes the weaker %s; set the version or hash: "
		    "that the software reads", st->path,
		    hash_form_name(e->form.kind), name,
		    hash_form_name(st->writes));
	held_close(&h);
	if (rc != 0)
		return rc;
	/* Hash before taking the lock: it is the slow part. */
	rc = hash_scheme_make(st->writes, st->cost, password, hash,
	    sizeof(hash), err);
	if (rc != 0)
		return rc;
	rc = load(st, true, &h, err);
	e = rc == 0 ? offered(&h.parsed, name) : NULL;
	if (rc == 0 && e == NULL)
		rc = nvr_error_set(err, -ENOENT, "no account %s here", name);
	if (rc == 0) {
		updated = conffile_replace(h.text, h.len, st->format, e, hash,
		    &updated_len);
		if (updated == NULL)
			rc = nvr_error_set(err, -ENOMEM, "out of memory");
	}
	if (rc == 0)
		rc = write_file(st, &h, updated, updated_len, err);
	held_close(&h);
	sodium_memzero(hash, sizeof(hash));
	if (updated != NULL)
		sodium_memzero(updated, updated_len);
	free(updated);
	return rc;
}

/* True if E already holds the factory value and nothing else. */
static bool
is_factory(const struct conffile_store *st, const struct held *h,
    const struct conffile_entry *e)
{
	const char *v = h->text + e->value_at;

	if (e->value_at == CONFFILE_NO_LINE)
		return false;
	if (st->format == CONFFILE_HTPASSWD)
		return e->value_len == strlen(FACTORY_HTPASSWD) &&
		    memcmp(v, FACTORY_HTPASSWD, e->value_len) == 0;
	return hash_form_is_reset(v, e->value_len) ||
	    (st->rules == HASH_RULES_MOTIONEYE_044 &&
	    e->value_len == strlen(HASH_LOCKED_ARGON2) &&
	    memcmp(v, HASH_LOCKED_ARGON2, e->value_len) == 0);
}

/* The value a factory reset writes (motionEye 0.43: a new random one). */
static void
factory_value(const struct conffile_store *st, char *out, size_t size)
{
	uint8_t noise[HASH_RESET_HEX / 2];
	size_t n = strlen(HASH_RESET_PREFIX);

	if (st->format == CONFFILE_HTPASSWD) {
		snprintf(out, size, "%s", FACTORY_HTPASSWD);
	} else if (st->rules == HASH_RULES_MOTIONEYE_044) {
		snprintf(out, size, "%s", HASH_LOCKED_ARGON2);
	} else {
		randombytes_buf(noise, sizeof(noise));
		snprintf(out, size, "%s", HASH_RESET_PREFIX);
		sodium_bin2hex(out + n, size - n, noise, sizeof(noise));
	}
}

static int
conffile_factory_reset(void *state, enum account_reset_scope scope,
    struct nvr_error *err)
{
	struct conffile_store *st = state;
	size_t changed = 0;
	struct held h;
	int rc = load(st, true, &h, err);

	/* Every account of the file, offered or not: they are all the web
	 * UI's users. One value at a time, the text parsed again after
	 * each (a line added moves the rest). */
	for (size_t i = 0; rc == 0 && i < h.parsed.count; i++) {
		const struct conffile_entry *e = &h.parsed.entries[i];
		char value[64];
		char *updated;
		size_t updated_len;

		if (is_factory(st, &h, e) || (scope == ACCOUNT_RESET_ADMIN &&
		    !(e->name_fits && is_admin(st, e))))
			continue;
		factory_value(st, value, sizeof(value));
		updated = conffile_replace(h.text, h.len, st->format, e, value,
		    &updated_len);
		if (updated == NULL) {
			rc = nvr_error_set(err, -ENOMEM, "out of memory");
			break;
		}
		sodium_memzero(h.text, h.len);
		free(h.text);
		h.text = updated;
		h.len = updated_len;
		conffile_parsed_free(&h.parsed);
		rc = conffile_parse(h.text, h.len, st->format, st->rules,
		    st->path, &h.parsed, err);
		changed++;
	}
	if (rc == 0 && changed > 0)
		rc = write_file(st, &h, h.text, h.len, err);
	held_close(&h);
	return rc;
}

static const char *
conffile_weak_note(void *state, const char *name)
{
	const struct conffile_store *st = state;

	(void)name;
	return st->weak;
}

static void
conffile_close(void *state)
{
	struct conffile_store *st = state;

	if (st == NULL)
		return;
	free(st->path);
	free(st->folder);
	free(st->name);
	free(st);
}

/* Splits st->path into its folder and name. */
static bool
split_path(struct conffile_store *st)
{
	const char *slash = strrchr(st->path, '/');

	if (slash == NULL)
		return (st->folder = strdup(".")) != NULL &&
		    (st->name = strdup(st->path)) != NULL;
	st->folder = slash == st->path ? strdup("/") :
	    strndup(st->path, (size_t)(slash - st->path));
	st->name = strdup(slash + 1);
	return st->folder != NULL && st->name != NULL;
}

/* What is common to both presets, once format and hash are known. */
static void *
open_store(struct conffile_store *st, const struct config_section *settings)
{
	struct held h;
	struct nvr_error err;
	bool ok = true;

	if (sodium_init() < 0) {
		config_section_error(settings, NULL, "cannot start libsodium");
		ok = false;
	}
	st->lock_timeout_ms = (int)config_section_int(settings,
	    "lock_timeout_ms", 15000);
	if (ok && (st->name == NULL || st->name[0] == '\0')) {
		config_section_error(settings, "path", "%s names a folder, not "
		    "a file", st->path);
		ok = false;
	}
	if (ok && trust_check_folder_of(st->path, &err) != 0) {
		config_section_error(settings, "path", "%s", err.message);
		ok = false;
	}
	/* The file must be there and parse now, not at first use. */
	if (ok) {
		if (load(st, false, &h, &err) != 0) {
			config_section_error(settings, "path", "%s",
			    err.message);
			ok = false;
		}
		held_close(&h);
	}
	/* A hash no password matches, spent on unknown accounts: made
	 * without hashing, checked at a real one's cost. */
	if (ok && (hash_scheme_fake(st->writes, st->cost, st->dummy,
	    sizeof(st->dummy), &err) != 0 || hash_form_read(st->dummy,
	    strlen(st->dummy), st->rules, &st->dummy_form) != NULL)) {
		config_section_error(settings, NULL, "cannot hash with %s: %s",
		    hash_form_name(st->writes), err.message);
		ok = false;
	}
	if (!ok) {
		conffile_close(st);
		return NULL;
	}
	return st;
}

static void *
motioneye_open(const struct config_section *settings)
{
	struct conffile_store *st = calloc(1, sizeof(*st));
	const char *version = config_section_string(settings, "version");

	if (st == NULL)
		return NULL;
	st->format = CONFFILE_MOTIONEYE;
	st->path = config_section_path(settings, "path");
	if (st->path == NULL)
		st->path = strdup(MOTIONEYE_DEFAULT_PATH);
	if (st->path == NULL || !split_path(st)) {
		config_section_error(settings, NULL, "out of memory");
		conffile_close(st);
		return NULL;
	}
	if (version != NULL && strcmp(version, "0.43") == 0) {
		st->rules = HASH_RULES_MOTIONEYE_043;
		st->writes = HASH_SHA1_HEX;
		st->weak = "motionEye 0.43 keeps it as an unsalted SHA1 hash, "
		    "which is weak: update motionEye to 0.44, set version: "
		    "0.44 in nvr-recovery's config, and change it again.";
	} else {
		st->rules = HASH_RULES_MOTIONEYE_044;
		st->writes = HASH_ARGON2;
	}
	return open_store(st, settings);
}

static void *
htpasswd_open(const struct config_section *settings)
{
	struct conffile_store *st = calloc(1, sizeof(*st));
	const char *admin = config_section_string(settings, "admin");
	const char *hash = config_section_string(settings, "hash");
	int64_t cost = config_section_int(settings, "hash_cost", 0);
	bool yescrypt = hash != NULL && strcmp(hash, "yescrypt") == 0;
	bool ok = true;

	if (st == NULL)
		return NULL;
	st->format = CONFFILE_HTPASSWD;
	st->rules = HASH_RULES_HTPASSWD;
	st->writes = yescrypt ? HASH_YESCRYPT : HASH_BCRYPT;
	st->path = config_section_path(settings, "path");
	if (st->path == NULL || !split_path(st)) {
		config_section_error(settings, "path", "cannot read the path");
		ok = false;
	}
	if (admin != NULL && strlen(admin) > ACCOUNT_NAME_MAX) {
		config_section_error(settings, "admin", "longer than %d bytes",
		    ACCOUNT_NAME_MAX);
		ok = false;
	}
	snprintf(st->admin, sizeof(st->admin), "%s", admin ? admin : "admin");
	if (cost != 0 && (yescrypt ? cost < 1 || cost > 11 : cost < 4 ||
	    cost > 31)) {
		config_section_error(settings, "hash_cost", "must be 0 (the "
		    "default) or from %d to %d for %s", yescrypt ? 1 : 4,
		    yescrypt ? 11 : 31, yescrypt ? "yescrypt" : "bcrypt");
		ok = false;
	}
	st->cost = (unsigned long)cost;
	if (!ok) {
		conffile_close(st);
		return NULL;
	}
	return open_store(st, settings);
}

static const struct accounts_ops motioneye_ops = {
	.open = motioneye_open,
	.list = conffile_list,
	.verify = conffile_verify,
	.set_password = conffile_set_password,
	.factory_reset = conffile_factory_reset,
	.close = conffile_close,
	.weak_note = conffile_weak_note,
};

static const struct accounts_ops htpasswd_ops = {
	.open = htpasswd_open,
	.list = conffile_list,
	.verify = conffile_verify,
	.set_password = conffile_set_password,
	.factory_reset = conffile_factory_reset,
	.close = conffile_close,
	.weak_note = conffile_weak_note,
};

const struct backend_impl accounts_motioneye_impl = {
	.concern = "accounts",
	.name = "motioneye",
	.summary = "motionEye's web UI users, in its motion.conf",
	.keys = motioneye_keys,
	.ops = &motioneye_ops,
};

const struct backend_impl accounts_htpasswd_impl = {
	.concern = "accounts",
	.name = "htpasswd",
	.summary = "an Apache htpasswd file's users (bcrypt)",
	.keys = htpasswd_keys,
	.ops = &htpasswd_ops,
};
