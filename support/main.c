/*
 * main.c: nvr-support, the vendor's side of recovery. It makes key sets
 * and the provisioning files devices keep, reads a device's recovery
 * request and answers it with a reset code or a signed reset file, and
 * keeps a log of every code and file issued.
 *
 * It reads top to bottom, as signify does: harden the process; take the
 * command; parse every option into one struct; check which options that
 * command allows or needs (a usage error says which); then call the
 * command's own function, which returns the exit status.
 *
 * Invariants:
 * 1. Key material comes only from files that pass support/private_file.h's
 *    checks, never from argv or the environment, and every copy of it is
 *    wiped (sodium_memzero) before the command returns, on every path.
 * 2. Verify first, then act: a code or reset file is made only for a
 *    request whose MAC checks out under the key set it names, whose demo
 *    flag matches that key set's, and whose date (if the device knew it)
 *    is recent; and it is shown or written only after its line is safely
 *    in the issue log.
 * 3. Requests are not secret; they are printed and quoted freely.
 * 4. A request is answered in its own version (common/protocol.h): a
 *    version-1 one as ever, byte for byte; a version-2 one with a code or
 *    file of version 2, bound to the account store it names.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/harden.h"
#include "common/atomic_file.h"
#include "common/protocol.h"
#include "support/issue_log.h"
#include "support/keyset.h"
#include "common/private_file.h"
#include "common/provisioning.h"
#include "common/reset_file.h"

#ifndef NVR_VERSION
#define NVR_VERSION "0.1.0"
#endif

/* sysexits.h values, spelled out so each use says what it means. */
#define EXIT_USAGE 64
#define EXIT_DATAERR 65
#define EXIT_NOINPUT 66
#define EXIT_SOFTWARE 70
#define EXIT_CANTCREAT 73
#define EXIT_IOERR 74
#define EXIT_NOPERM 77
#define EXIT_CONFIG 78

#define DAY_SECONDS 86400
/* The recorder's request lifetime (request_lifetime_days, 7 by default):
 * a code for an older request would be refused there anyway. */
#define MAX_AGE_DEFAULT 7
#define MAX_AGE_LIMIT 3650
/* A request dated this many days after today is refused. */
#define FUTURE_DAYS 2
#define LOCK_TIMEOUT_MS 2000
#define REQUEST_INPUT_MAX 1024

/* Options, as bits, so each command can say which it takes. */
enum {
	OPT_OUT = 1 << 0,
	OPT_KEYS = 1 << 1,
	OPT_ID = 1 << 2,
	OPT_DEMO = 1 << 3,
	OPT_SERIAL = 1 << 4,
	OPT_ACTION = 1 << 5,
	OPT_MAX_AGE = 1 << 6,
};

static const struct {
	unsigned bit;
	const char *name;
} option_names[] = {
	{ OPT_OUT, "--out" }, { OPT_KEYS, "--keys" }, { OPT_ID, "--id" },
	{ OPT_DEMO, "--demo" }, { OPT_SERIAL, "--serial" },
	{ OPT_ACTION, "--action" }, { OPT_MAX_AGE, "--max-age-days" },
};

struct command;

struct options {
	const struct command *command;
	unsigned given;			/* OPT_ bits seen */
	const char *out;		/* --out DIR or FILE */
	const char *keys;		/* --keys DIR */
	const char *serial;		/* --serial SN */
	unsigned id;			/* --id N, 0 if not given */
	bool demo;			/* --demo */
	enum protocol_action action;	/* --action, default set-password */
	const char *action_name;
	unsigned max_age_days;		/* --max-age-days D */
	const char *request;		/* the REQUEST operand, or "-" */
};

struct command {
	const char *name;
	int (*run)(const struct options *opt);
	unsigned allowed;	/* OPT_ bits this command takes */
	unsigned required;	/* OPT_ bits it cannot do without */
	bool request;		/* takes one REQUEST operand */
	const char *synopsis;	/* after "nvr-support " */
	const char *summary;
};

/* Key material a command holds: wiped in one place on every path. */
struct secrets {
	struct keyset ks;
	uint8_t request_key[PROTOCOL_KEY_BYTES];
	uint8_t code_key[PROTOCOL_KEY_BYTES];
};

static void
secrets_wipe(struct secrets *s)
{
	sodium_memzero(s, sizeof(*s));
}

static int
fail(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints "nvr-support: MESSAGE" and returns CODE, the exit status. */
static int
fail(int code, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("nvr-support: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

/* The exit status for RC, a negative errno from reading a key folder or
 * file. */
static int
exit_for_read(int rc)
{
	switch (rc) {
	case -ENOENT:
	case -ENOTDIR:
		return EXIT_NOINPUT;
	case -EPERM:
	case -EACCES:
		return EXIT_NOPERM;
	case -EBADMSG:
	case -EINVAL:
		return EXIT_CONFIG;
	default:
		return EXIT_IOERR;
	}
}

/* ------------------------------------------------------------ requests */

/* The device date DAY (days since 1970-01-01) as YYYY-MM-DD. */
static const char *
format_day(long day, char out[32])
{
	time_t t = (time_t)day * DAY_SECONDS;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%d", &tm) == 0)
		snprintf(out, 32, "day %ld", day);
	return out;
}

/* Reads the REQUEST operand (or one line of standard input for "-") and
 * decodes it into R and MAC. Returns 0 or an exit status, said why. */
static int
read_request(const char *operand, struct protocol_request *r,
    uint8_t mac[PROTOCOL_MAC_BYTES])
{
	char line[REQUEST_INPUT_MAX];
	const char *text = operand;
	size_t bad_group = 0, n;
	int rc;

	if (strcmp(operand, "-") == 0) {
		if (fgets(line, sizeof(line), stdin) == NULL)
			return fail(EXIT_NOINPUT, "no request on standard "
			    "input");
		n = strcspn(line, "\r\n");
		if (line[n] == '\0' && !feof(stdin))
			return fail(EXIT_DATAERR, "the request on standard "
			    "input is too long to be one");
		line[n] = '\0';
		text = line;
	}
	/* The QR code's URL as scanned: the request is its last part. */
	if (strrchr(text, '/') != NULL)
		text = strrchr(text, '/') + 1;
	rc = protocol_request_decode(text, r, mac, &bad_group);
	if (rc == -E2BIG)
		return fail(EXIT_DATAERR, "one group too many: the request "
		    "ends with group %zu, so leave out group %zu",
		    bad_group - 1, bad_group);
	if (rc == -EINVAL && bad_group > 0)
		return fail(EXIT_DATAERR, "group %zu has a typo: ask for it "
		    "again, character by character", bad_group);
	if (rc == -EINVAL)
		return fail(EXIT_DATAERR, "this is not a whole request: it has "
		    "too few or too many characters (was a group left out?)");
	if (rc == -EPROTO)
		return fail(EXIT_DATAERR, "this is not a version-%d or "
		    "version-%d recovery request: is a group missing, or is it "
		    "from newer firmware?", PROTOCOL_VERSION,
		    PROTOCOL_VERSION_MAX);
	if (rc != 0)
		return fail(EXIT_DATAERR, "cannot read this request: %s",
		    strerror(-rc));
	return 0;
}

static void
print_request(const struct protocol_request *r)
{
	char nonce[2 * PROTOCOL_NONCE_BYTES + 1], day[32];

	sodium_bin2hex(nonce, sizeof(nonce), r->nonce, sizeof(r->nonce));
	printf("version: %u\n", r->version);
	printf("key id: %u%s\n", r->key_id, r->demo ? " (demo)" : "");
	printf("serial: %s\n", r->serial);
	printf("account: %s\n", r->account);
	/* Version 1 has no store: its output stays what it always was. */
	if (r->version >= 2)
		printf("store: %u\n", r->store);
	printf("nonce: %s\n", nonce);
	if (r->day == 0)
		printf("device date: unknown (the device clock was not "
		    "plausible)\n");
	else
		printf("device date: %s\n", format_day((long)r->day, day));
}

/* R's account as an answer names it, into OUT: "admin", or in version 2
 * "admin in store 1", since the same name in another store is another
 * account that the answer does not reach. */
static const char *
account_name(const struct protocol_request *r, char out[64])
{
	if (r->version >= 2)
		snprintf(out, 64, "%s in store %u", r->account, r->store);
	else
		snprintf(out, 64, "%s", r->account);
	return out;
}

/* Reads the key set R names from KEYS and derives R's device's request
 * and code keys into S. Returns 0 or an exit status, said why. */
static int
load_request_keys(const char *keys, const struct protocol_request *r,
    struct secrets *s)
{
	uint8_t device_key[PROTOCOL_KEY_BYTES];
	struct nvr_error err;
	int rc = keyset_read(keys, r->key_id, &s->ks, &err);

	if (rc != 0)
		return fail(exit_for_read(rc), "%s", err.message);
	rc = protocol_device_key(s->ks.master, r->key_id, r->serial,
	    device_key);
	if (rc == 0)
		protocol_subkeys(device_key, s->request_key, s->code_key);
	sodium_memzero(device_key, sizeof(device_key));
	if (rc != 0)
		return fail(EXIT_DATAERR, "cannot derive the key of device %s",
		    r->serial);
	return 0;
}

/* Refuses (with the exit status) a request the vendor should not answer
 * today: made more than MAX_AGE days ago, or dated in the future. */
static int
check_date(const struct protocol_request *r, unsigned max_age, time_t now)
{
	long today = (long)(now / DAY_SECONDS), day = (long)r->day;
	char made[32], now_text[32];

	if (r->day == 0) {
		fprintf(stderr, "nvr-support: note: the device did not know "
		    "the date, so the request's age cannot be checked\n");
		return 0;
	}
	if (day + (long)max_age < today)
		return fail(EXIT_DATAERR, "the request was made on %s, %ld "
		    "days ago; requests older than %u days are refused: ask "
		    "the owner to make a new one", format_day(day, made),
		    today - day, max_age);
	if (day > today + FUTURE_DAYS)
		return fail(EXIT_DATAERR, "the request is dated %s, %ld days "
		    "after today (%s): the device clock is wrong or the "
		    "request is not genuine; ask the owner to set the clock "
		    "and make a new one", format_day(day, made), day - today,
		    format_day(today, now_text));
	return 0;
}

/* ------------------------------------------------------------ commands */

static int
cmd_keygen(const struct options *opt)
{
	struct atomic_lock lock = { .held = false };
	struct nvr_error err;
	struct keyset ks;
	char lock_path[4096], path[4096];
	unsigned id = opt->id;
	int rc, code = 0;

	if (mkdir(opt->out, 0700) != 0 && errno != EEXIST)
		return fail(EXIT_CANTCREAT, "cannot make folder %s: %s",
		    opt->out, strerror(errno));
	rc = private_file_check_folder(opt->out, &err);
	if (rc != 0)
		return fail(rc == -EPERM ? EXIT_NOPERM : EXIT_CANTCREAT, "%s",
		    err.message);
	if (snprintf(lock_path, sizeof(lock_path), "%s/%s", opt->out,
	    KEYSET_LOCK_NAME) >= (int)sizeof(lock_path))
		return fail(EXIT_CANTCREAT, "%s: name too long", opt->out);
	/* Held while the id is chosen and the file written, so that two
	 * keygens never write the same key set. */
	if (atomic_lock_take(&lock, lock_path, NULL, LOCK_TIMEOUT_MS,
	    &err) != 0)
		return fail(EXIT_CANTCREAT, "%s", err.message);
	if (id == 0) {
		rc = keyset_highest_id(opt->out, &id, &err);
		if (rc != 0)
			code = fail(EXIT_IOERR, "%s", err.message);
		else if (id == KEYSET_ID_MAX)
			code = fail(EXIT_CANTCREAT, "%s has key set %d, the "
			    "highest id; give one with --id", opt->out,
			    KEYSET_ID_MAX);
		id++;
	}
	if (code == 0) {
		keyset_generate(&ks, id, opt->demo);
		rc = keyset_write(opt->out, &ks, &err);
		keyset_wipe(&ks);
		if (rc != 0)
			code = fail(EXIT_CANTCREAT, "%s", err.message);
	}
	atomic_lock_release(&lock);
	if (code != 0)
		return code;
	keyset_path(opt->out, id, path, sizeof(path));
	printf("%skey set %u written to %s\n", opt->demo ? "demo " : "", id,
	    path);
	return 0;
}

static int
cmd_provision(const struct options *opt)
{
	struct provisioning p;
	struct nvr_error err;
	struct keyset ks;
	unsigned id = opt->id;
	bool demo;
	int rc;

	if (!protocol_name_ok(opt->serial))
		return fail(EXIT_DATAERR, "serial number '%s' cannot be used: "
		    "it must be 1 to %d characters, each a letter A-Z or a-z, "
		    "a digit, '-' or '_'", opt->serial, PROTOCOL_NAME_MAX);
	rc = private_file_check_folder(opt->keys, &err);
	if (rc != 0)
		return fail(exit_for_read(rc), "%s", err.message);
	if (id == 0) {
		rc = keyset_highest_id(opt->keys, &id, &err);
		if (rc != 0)
			return fail(EXIT_IOERR, "%s", err.message);
		if (id == 0)
			return fail(EXIT_NOINPUT, "no key set in %s; make one "
			    "with: nvr-support keygen --out %s", opt->keys,
			    opt->keys);
	}
	rc = keyset_read(opt->keys, id, &ks, &err);
	if (rc != 0)
		return fail(exit_for_read(rc), "%s", err.message);
	demo = ks.demo;
	rc = keyset_provision(&ks, opt->serial, &p);
	keyset_wipe(&ks);
	if (rc != 0)
		return fail(EXIT_DATAERR, "cannot derive the key of device %s",
		    opt->serial);
	rc = provisioning_write(opt->out, &p, &err);
	provisioning_wipe(&p);
	if (rc != 0)
		return fail(EXIT_CANTCREAT, "%s", err.message);
	printf("provisioning file for %s (key set %u%s) written to %s\n",
	    opt->serial, id, demo ? ", demo" : "", opt->out);
	return 0;
}

static int
cmd_decode(const struct options *opt)
{
	struct protocol_request r = { 0 };
	uint8_t mac[PROTOCOL_MAC_BYTES];
	struct secrets s;
	int code = read_request(opt->request, &r, mac);

	if (code != 0)
		return code;
	print_request(&r);
	if (opt->keys == NULL)
		return 0;
	memset(&s, 0, sizeof(s));
	code = load_request_keys(opt->keys, &r, &s);
	if (code == 0 && protocol_request_verify(&r, mac,
	    s.request_key) == 0) {
		printf("genuine: yes\n");
		if (r.demo != s.ks.demo)
			printf("note: a %s request, but key set %u is a %s "
			    "one: no code will be issued for it\n",
			    r.demo ? "demo" : "real", r.key_id,
			    s.ks.demo ? "demo" : "real");
	} else if (code == 0) {
		printf("genuine: NO (forged, damaged, or made with another "
		    "key set)\n");
		code = EXIT_DATAERR;
	}
	secrets_wipe(&s);
	return code;
}

/*
 * Reads the REQUEST operand into R and the key set it names into S, and
 * refuses (with the exit status; NOTHING says what was not done) a
 * request that is not genuine, whose demo flag does not match the key
 * set's, or whose date is out of the window. The caller wipes S.
 */
static int
read_answerable(const struct options *opt, time_t now,
    struct protocol_request *r, struct secrets *s, const char *nothing)
{
	uint8_t mac[PROTOCOL_MAC_BYTES];
	int code = read_request(opt->request, r, mac);

	if (code != 0)
		return code;
	code = load_request_keys(opt->keys, r, s);
	if (code != 0)
		return code;
	if (protocol_request_verify(r, mac, s->request_key) != 0)
		return fail(EXIT_DATAERR, "the request is not genuine (forged, "
		    "damaged, or made with another key set than %s/keyset-%u);"
		    " %s", opt->keys, r->key_id, nothing);
	if (r->demo != s->ks.demo)
		return fail(EXIT_DATAERR, "the request is from a %s device but "
		    "key set %u is a %s one; %s", r->demo ? "demo" : "real",
		    r->key_id, s->ks.demo ? "demo" : "real", nothing);
	return check_date(r, opt->max_age_days, now);
}

/* Appends R's line with ACTION to the issue log; 0 or an exit status,
 * said why (NOTHING: what was not done). */
static int
log_issue(const struct options *opt, const struct protocol_request *r,
    const char *action, time_t now, const char *nothing)
{
	char who[ISSUE_LOG_OPERATOR_MAX];
	struct issue_log_entry entry;
	struct nvr_error err;

	issue_log_operator(who);
	entry = (struct issue_log_entry){ .when = now, .key_id = r->key_id,
	    .serial = r->serial, .account = r->account,
	    .has_store = r->version >= 2, .store = r->store, .action = action,
	    .nonce = r->nonce, .operator_name = who };
	if (issue_log_append(opt->keys, &entry, &err) != 0)
		return fail(EXIT_IOERR, "%s; %s", err.message, nothing);
	return 0;
}

static int
cmd_issue_code(const struct options *opt)
{
	struct protocol_request r = { 0 };
	char code_text[PROTOCOL_CODE_TEXT_MAX], account[64];
	struct secrets s;
	time_t now = time(NULL);
	int code, rc;

	memset(&s, 0, sizeof(s));
	memset(code_text, 0, sizeof(code_text));
	code = read_answerable(opt, now, &r, &s, "no code issued");
	if (code != 0)
		goto out;
	rc = protocol_code_make(&r, opt->action, s.code_key, code_text,
	    sizeof(code_text));
	if (rc < 0) {
		code = fail(EXIT_SOFTWARE, "cannot make the code: %s",
		    strerror(-rc));
		goto out;
	}
	/* Logged first: a code that cannot be logged is not shown. The code
	 * is of the request's version (protocol_code_make). */
	code = log_issue(opt, &r, opt->action_name, now, "no code issued");
	if (code != 0)
		goto out;
	printf("reset code for account %s on %s (%s):\n%s\n",
	    account_name(&r, account), r.serial, opt->action_name, code_text);
out:
	sodium_memzero(code_text, sizeof(code_text));
	secrets_wipe(&s);
	return code;
}

/* Makes PATH, which must not exist, readable by all (mode 0644): a reset
 * file goes on a USB stick, whose file system may keep no owner. */
static int
create_public_file(const char *path, const char *data, size_t len,
    struct nvr_error *err)
{
	const struct atomic_write_options options = {
		.uid = geteuid(), .gid = getegid(), .mode = 0644,
	};
	struct stat st;

	if (lstat(path, &st) == 0)
		return nvr_error_set(err, -EEXIST, "%s exists; not overwriting "
		    "it", path);
	if (errno != ENOENT)
		return nvr_error_set(err, -errno, "cannot use %s: %s", path,
		    strerror(errno));
	return atomic_file_replace(path, data, len, &options, err);
}

static int
cmd_issue_file(const struct options *opt)
{
	static const char nothing[] = "no reset file written";
	struct protocol_request r = { 0 };
	struct reset_file f;
	struct nvr_error err;
	struct secrets s;
	struct stat st;
	char text[RESET_FILE_TEXT_MAX], action[32], account[64];
	time_t now = time(NULL);
	int code, len;

	memset(&s, 0, sizeof(s));
	code = read_answerable(opt, now, &r, &s, nothing);
	if (code != 0)
		goto out;
	/* Refused before anything is logged; create_public_file checks
	 * again. */
	if (lstat(opt->out, &st) == 0) {
		code = fail(EXIT_CANTCREAT, "%s exists; not overwriting it; %s",
		    opt->out, nothing);
		goto out;
	}
	/* The file answers in the request's version, bound to its store. */
	memset(&f, 0, sizeof(f));
	f.version = r.version;
	f.store = r.store;
	f.key_id = r.key_id;
	memcpy(f.serial, r.serial, sizeof(f.serial));
	memcpy(f.nonce, r.nonce, sizeof(f.nonce));
	if (opt->action == PROTOCOL_SET_PASSWORD)
		memcpy(f.account, r.account, sizeof(f.account));
	f.action = opt->action;
	f.issued = now;
	len = reset_file_write(&f, s.ks.sign_secret, text, sizeof(text));
	if (len < 0) {
		code = fail(EXIT_SOFTWARE, "cannot make the reset file: %s",
		    strerror(-len));
		goto out;
	}
	/* The log has no field of its own for the form: "-file" after the
	 * action says a signed file answered, not a code. Logged first: a
	 * file that cannot be logged is not written. */
	snprintf(action, sizeof(action), "%s-file", opt->action_name);
	code = log_issue(opt, &r, action, now, nothing);
	if (code != 0)
		goto out;
	if (create_public_file(opt->out, text, (size_t)len, &err) != 0) {
		code = fail(EXIT_CANTCREAT, "%s", err.message);
		goto out;
	}
	account_name(&r, account);
	if (opt->action == PROTOCOL_SET_PASSWORD)
		printf("reset file for account %s on %s (%s) written to %s\n",
		    account, r.serial, opt->action_name, opt->out);
	else
		printf("reset file for %s (%s, answering the request of "
		    "account %s) written to %s\n", r.serial, opt->action_name,
		    account, opt->out);
out:
	/* Not secret, but it answers the request: no copy is left. */
	sodium_memzero(text, sizeof(text));
	secrets_wipe(&s);
	return code;
}

static int
cmd_log(const struct options *opt)
{
	struct nvr_error err;
	size_t lines;
	int rc = issue_log_print(opt->keys, stdout, &lines, &err);

	if (rc != 0)
		return fail(exit_for_read(rc), "%s", err.message);
	if (lines == 0)
		printf("nothing issued yet\n");
	return 0;
}

static const struct command commands[] = {
	{
		.name = "keygen", .run = cmd_keygen,
		.allowed = OPT_OUT | OPT_ID | OPT_DEMO, .required = OPT_OUT,
		.synopsis = "keygen --out DIR [--id N] [--demo]",
		.summary = "make a new key set in DIR",
	},
	{
		.name = "provision", .run = cmd_provision,
		.allowed = OPT_KEYS | OPT_SERIAL | OPT_OUT | OPT_ID,
		.required = OPT_KEYS | OPT_SERIAL | OPT_OUT,
		.synopsis = "provision --keys DIR --serial SN --out FILE "
		    "[--id N]",
		.summary = "write the provisioning file of device SN",
	},
	{
		.name = "decode", .run = cmd_decode,
		.allowed = OPT_KEYS, .request = true,
		.synopsis = "decode [--keys DIR] REQUEST",
		.summary = "show what a recovery request says (and, with "
		    "--keys, whether it is genuine)",
	},
	{
		.name = "issue-code", .run = cmd_issue_code,
		.allowed = OPT_KEYS | OPT_ACTION | OPT_MAX_AGE,
		.required = OPT_KEYS, .request = true,
		.synopsis = "issue-code --keys DIR [--action set-password|"
		    "factory-reset]\n                   [--max-age-days D] "
		    "REQUEST",
		.summary = "answer a request with a reset code, and log it",
	},
	{
		.name = "issue-file", .run = cmd_issue_file,
		.allowed = OPT_KEYS | OPT_ACTION | OPT_MAX_AGE | OPT_OUT,
		.required = OPT_KEYS | OPT_OUT, .request = true,
		.synopsis = "issue-file --keys DIR [--action set-password|"
		    "factory-reset]\n                   [--max-age-days D] "
		    "--out FILE REQUEST",
		.summary = "answer a request with a signed reset file, and "
		    "log it",
	},
	{
		.name = "log", .run = cmd_log,
		.allowed = OPT_KEYS, .required = OPT_KEYS,
		.synopsis = "log --keys DIR",
		.summary = "show the codes issued from the key sets in DIR",
	},
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

/* ------------------------------------------------------- command line */

static void
usage(FILE *out)
{
	fprintf(out, "usage:");
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		fprintf(out, "%s nvr-support %s\n", i == 0 ? "" : "      ",
		    commands[i].synopsis);
	fprintf(out,
	    "       nvr-support --help | --version\n"
	    "\n"
	    "Answer NVR recovery requests with reset codes or signed reset "
	    "files\n(the vendor's side).\n\n");
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		fprintf(out, "  %-11s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(out,
	    "\n"
	    "REQUEST is the request as one argument, or - to read one line\n"
	    "from standard input: the grouped text, the compact form of the\n"
	    "QR code (starting with U), or the QR code's whole URL.\n"
	    "--max-age-days (default 7) refuses a request older than that:\n"
	    "keep it to the recorders' request lifetime\n"
	    "(request_lifetime_days, 7 by default), which refuses older\n"
	    "codes anyway.\n"
	    "Key folders must be mode 0700 and key files 0600, owned by the\n"
	    "user running nvr-support.\n"
	    "\n"
	    "Exit status: 0 done, 64 bad usage, 65 bad, forged or mistyped\n"
	    "request, 66 key folder or file missing, 70 internal error,\n"
	    "73 cannot create a file, 74 I/O error, 77 a key folder or file\n"
	    "others could use, 78 a key file that does not parse.\n"
	    "See nvr-support(1).\n");
}

static const char *
option_name(unsigned bit)
{
	for (size_t i = 0; i < sizeof(option_names) / sizeof(option_names[0]);
	    i++)
		if (option_names[i].bit == bit)
			return option_names[i].name;
	return "?";
}

/* Reads TEXT as a decimal number in MIN..MAX into *OUT. */
static bool
parse_number(const char *text, unsigned min, unsigned max, unsigned *out)
{
	unsigned long n = 0;

	if (text[0] == '\0')
		return false;
	for (const char *p = text; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return false;
		n = n * 10 + (unsigned long)(*p - '0');
		if (n > max)
			return false;
	}
	if (n < min)
		return false;
	*out = (unsigned)n;
	return true;
}

/* Records option BIT; false (with REASON) if it was given already. */
static bool
note_option(struct options *opt, unsigned bit, char *reason, size_t size)
{
	if (opt->given & bit) {
		snprintf(reason, size, "%s given twice", option_name(bit));
		return false;
	}
	opt->given |= bit;
	return true;
}

static bool
parse_action(struct options *opt, const char *text)
{
	if (strcmp(text, "set-password") == 0)
		opt->action = PROTOCOL_SET_PASSWORD;
	else if (strcmp(text, "factory-reset") == 0)
		opt->action = PROTOCOL_FACTORY_RESET;
	else
		return false;
	opt->action_name = text;
	return true;
}

/* Parses one option CH with OPTARG (ARGV_AT_ERROR is the argument it
 * came from); false with REASON on a bad one. */
static bool
parse_option(struct options *opt, int ch, const char *argv_at_error,
    char *reason, size_t size)
{
	switch (ch) {
	case 'o':
		opt->out = optarg;
		return note_option(opt, OPT_OUT, reason, size);
	case 'k':
		opt->keys = optarg;
		return note_option(opt, OPT_KEYS, reason, size);
	case 's':
		opt->serial = optarg;
		return note_option(opt, OPT_SERIAL, reason, size);
	case 'd':
		opt->demo = true;
		return note_option(opt, OPT_DEMO, reason, size);
	case 'i':
		if (!parse_number(optarg, 1, KEYSET_ID_MAX, &opt->id)) {
			snprintf(reason, size, "--id must be a number from 1 "
			    "to %d", KEYSET_ID_MAX);
			return false;
		}
		return note_option(opt, OPT_ID, reason, size);
	case 'a':
		if (!parse_action(opt, optarg)) {
			snprintf(reason, size, "--action must be set-password "
			    "or factory-reset");
			return false;
		}
		return note_option(opt, OPT_ACTION, reason, size);
	case 'm':
		if (!parse_number(optarg, 0, MAX_AGE_LIMIT,
		    &opt->max_age_days)) {
			snprintf(reason, size, "--max-age-days must be a number "
			    "from 0 to %d", MAX_AGE_LIMIT);
			return false;
		}
		return note_option(opt, OPT_MAX_AGE, reason, size);
	case ':':
		snprintf(reason, size, "%s needs a value", argv_at_error);
		return false;
	default:
		snprintf(reason, size, "unknown option '%s'", argv_at_error);
		return false;
	}
}

/* Checks the options given against those OPT's command allows and needs,
 * and its operands; false with REASON. */
static bool
check_combination(struct options *opt, int argc, char **argv,
    char *reason, size_t size)
{
	const struct command *c = opt->command;
	int operands = argc - optind;

	for (size_t i = 0; i < sizeof(option_names) / sizeof(option_names[0]);
	    i++) {
		unsigned bit = option_names[i].bit;

		if ((opt->given & bit) && !(c->allowed & bit)) {
			snprintf(reason, size, "%s takes no %s", c->name,
			    option_names[i].name);
			return false;
		}
		if (!(opt->given & bit) && (c->required & bit)) {
			snprintf(reason, size, "%s needs %s", c->name,
			    option_names[i].name);
			return false;
		}
	}
	if (c->request && operands != 1) {
		snprintf(reason, size, "%s takes one REQUEST (quote it, or use "
		    "- to read it from standard input)", c->name);
		return false;
	}
	if (!c->request && operands != 0) {
		snprintf(reason, size, "unexpected argument '%s'",
		    argv[optind]);
		return false;
	}
	opt->request = c->request ? argv[optind] : NULL;
	return true;
}

enum parsed { PARSED_RUN, PARSED_HELP, PARSED_VERSION, PARSED_BAD };

static enum parsed
parse_options(int argc, char **argv, struct options *opt, char *reason,
    size_t size)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "keys", required_argument, NULL, 'k' },
		{ "id", required_argument, NULL, 'i' },
		{ "demo", no_argument, NULL, 'd' },
		{ "serial", required_argument, NULL, 's' },
		{ "action", required_argument, NULL, 'a' },
		{ "max-age-days", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = argc > 1 ? argv[1] : NULL;
	int ch;

	*opt = (struct options){ .action = PROTOCOL_SET_PASSWORD,
	    .action_name = "set-password",
	    .max_age_days = MAX_AGE_DEFAULT };
	if (name == NULL) {
		snprintf(reason, size, "no command given");
		return PARSED_BAD;
	}
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
		return PARSED_HELP;
	if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0)
		return PARSED_VERSION;
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		if (strcmp(name, commands[i].name) == 0)
			opt->command = &commands[i];
	if (opt->command == NULL) {
		snprintf(reason, size, "unknown command '%s'", name);
		return PARSED_BAD;
	}
	/* Options come after the command, in any order with the operand;
	 * getopt's own messages are off (":" first), ours name the option. */
	optind = 2;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":o:k:i:ds:a:m:hV", longopts,
	    NULL)) != -1) {
		if (ch == 'h')
			return PARSED_HELP;
		if (ch == 'V')
			return PARSED_VERSION;
		if (!parse_option(opt, ch, argv[optind - 1], reason, size))
			return PARSED_BAD;
	}
	return check_combination(opt, argc, argv, reason, size) ?
	    PARSED_RUN : PARSED_BAD;
}

int
main(int argc, char **argv)
{
	struct options opt;
	char reason[160];
	int code;

	harden_process(EXIT_IOERR);
	if (sodium_init() < 0) {
		fprintf(stderr, "nvr-support: cannot start libsodium\n");
		return EXIT_SOFTWARE;
	}
	switch (parse_options(argc, argv, &opt, reason, sizeof(reason))) {
	case PARSED_HELP:
		usage(stdout);
		return 0;
	case PARSED_VERSION:
		printf("nvr-support %s\n", NVR_VERSION);
		return 0;
	case PARSED_BAD:
		fprintf(stderr, "nvr-support: %s\n", reason);
		usage(stderr);
		return EXIT_USAGE;
	case PARSED_RUN:
		code = opt.command->run(&opt);
		if (fflush(stdout) != 0 && code == 0)
			code = fail(EXIT_IOERR, "cannot write the output: %s",
			    strerror(errno));
		return code;
	}
	return EXIT_SOFTWARE;	/* not reached */
}
