/*
 * config.c: the config loader and the top-level schema.
 *
 * Invariants:
 * 1. Nothing in a config is trusted before the whole file has passed the
 *    schema check: one error means the wizard does not start.
 * 2. A file someone else could have written is refused: when we run as
 *    root it must be owned by root, and it is never group- or
 *    other-writable (doas' checkconfig rule).
 */
#include "config/config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unistr.h>
#include <uniwidth.h>

#include "common/trust.h"
#include "config/schema.h"

static const char *const color_choices[] = { "auto", "never", NULL };
static const char *const parity_choices[] = { "none", "odd", "even", NULL };
static const char *const flow_choices[] = { "none", "xonxoff", "rtscts",
	NULL };
static const char *const charset_choices[] = { "auto", "utf-8", "ascii",
	NULL };

static const struct schema_key console_keys[] = {
	{ .name = "baud", .type = SCHEMA_INT, .min = 1200, .max = 921600,
	  .help = "a serial port's speed (with --port; default 115200)" },
	{ .name = "parity", .type = SCHEMA_ENUM, .choices = parity_choices,
	  .help = "a serial port's parity: none (default), odd, even" },
	{ .name = "flow_control", .type = SCHEMA_ENUM, .choices = flow_choices,
	  .help = "a serial port's flow control: none (default), xonxoff, "
	  "rtscts" },
	{ .name = "escdelay_ms", .type = SCHEMA_INT,
	  .min = CONFIG_ESCDELAY_MIN, .max = CONFIG_ESCDELAY_MAX,
	  .help = "how long a lone Esc waits for the rest of a key sequence" },
	{ .name = "idle_timeout_s", .type = SCHEMA_INT, .min = 5,
	  .max = 86400, .help = "seconds without a key before any open form "
	  "is wiped and the main menu shown" },
	{ .name = "color", .type = SCHEMA_ENUM, .choices = color_choices,
	  .help = "auto, or never for bold and reverse only" },
	{ .name = "charset", .type = SCHEMA_ENUM, .choices = charset_choices,
	  .help = "auto (the locale says), utf-8 or ascii" },
	{ 0 },
};

static const struct schema_key attempts_keys[] = {
	{ .name = "free_tries", .type = SCHEMA_INT, .min = 1, .max = 100,
	  .help = "wrong tries before any wait (default 3)" },
	{ .name = "first_wait_s", .type = SCHEMA_INT, .min = 1,
	  .max = 86400, .help = "the first wait, doubled at each failure "
	  "after it (default 30)" },
	{ .name = "max_wait_s", .type = SCHEMA_INT, .min = 1,
	  .max = 604800, .help = "the longest wait (default 3600)" },
	{ 0 },
};

static const struct schema_key audit_keys[] = {
	{ .name = "log", .type = SCHEMA_BOOL,
	  .help = "keep the event log in state_dir, shown on the main menu "
	  "(default true; false: syslog only)" },
	{ .name = "max_kib", .type = SCHEMA_INT, .min = 4, .max = 4096,
	  .help = "the event log's size in KiB before it starts a new file, "
	  "keeping one older (default 64)" },
	{ 0 },
};

static const struct schema_key contact_keys[] = {
	{ .name = "vendor", .type = SCHEMA_STRING, .help = "who to ask" },
	{ .name = "email", .type = SCHEMA_STRING, .help = "support e-mail" },
	{ .name = "phone", .type = SCHEMA_STRING, .help = "support phone" },
	{ .name = "web", .type = SCHEMA_STRING, .help = "support web page" },
	{ .name = "hours", .type = SCHEMA_STRING, .help = "opening hours" },
	{ .name = "answer_time", .type = SCHEMA_STRING,
	  .help = "how soon support answers, e.g. \"within 2 working days\"" },
	{ 0 },
};

static const struct schema_key support_keys[] = {
	{ .name = "provisioning", .type = SCHEMA_PATH, .required = true,
	  .help = "the recorder's provisioning file from nvr-support "
	  "provision" },
	{ .name = "demo", .type = SCHEMA_BOOL,
	  .help = "accept a demo key set (default false; never on a "
	  "product)" },
	{ .name = "request_lifetime_days", .type = SCHEMA_INT, .min = 1,
	  .max = 90, .help = "how long a recovery request stays good "
	  "(default 7)" },
	{ .name = "url", .type = SCHEMA_STRING,
	  .help = "the support page the QR code opens; {request} stands for "
	  "the request" },
	{ .name = "contact", .type = SCHEMA_MAP, .children = contact_keys,
	  .help = "how to reach support, shown on the Support screen" },
	{ .name = "reset_folders", .type = SCHEMA_LIST,
	  .help = "where reset files are looked for (default /media/*, "
	  "/run/media/*/*, /mnt/usb*)" },
	{ .name = "request_max_boots", .type = SCHEMA_INT, .min = 1,
	  .max = 1000, .help = "reboots a request survives when the clock "
	  "cannot be trusted (default 20)" },
	{ 0 },
};

static const struct schema_key reset_step_keys[] = {
	{ .name = "remove", .type = SCHEMA_STRING,
	  .help = "remove this file or folder tree" },
	{ .name = "restore", .type = SCHEMA_STRING,
	  .help = "copy the factory file 'from' over this file" },
	{ .name = "mkdir", .type = SCHEMA_STRING,
	  .help = "make this an empty folder" },
	{ .name = "truncate", .type = SCHEMA_STRING,
	  .help = "make this file empty" },
	{ .name = "command", .type = SCHEMA_LIST,
	  .help = "run this program: [/absolute/program, arguments...]" },
	{ .name = "label", .type = SCHEMA_STRING,
	  .help = "what the step does, shown on screen" },
	{ .name = "from", .type = SCHEMA_STRING,
	  .help = "restore: the factory copy" },
	{ .name = "mode", .type = SCHEMA_STRING,
	  .help = "mkdir: the folder's mode in octal, default 0700" },
	{ .name = "idempotent", .type = SCHEMA_BOOL,
	  .help = "command: must be true (it may run again on resume)" },
	{ 0 },
};

static const struct schema_key reset_keep_keys[] = {
	{ .name = "path", .type = SCHEMA_STRING, .required = true,
	  .help = "what a reset keeps" },
	{ .name = "label", .type = SCHEMA_STRING,
	  .help = "how the screen names it" },
	{ 0 },
};

static const char *const reset_backend_choices[] = { "files", "command",
	NULL };
static const char *const reset_confirm_choices[] = { "word", "serial",
	NULL };

static const struct schema_key reset_keys[] = {
	{ .name = "backend", .type = SCHEMA_ENUM,
	  .choices = reset_backend_choices, .help = "files (the steps, the "
	  "default) or command (one vendor program)" },
	{ .name = "allowed", .type = SCHEMA_LIST,
	  .help = "files: the folders a reset may touch" },
	{ .name = "steps", .type = SCHEMA_MAP_LIST,
	  .children = reset_step_keys, .help = "files: what a reset does, "
	  "in order" },
	{ .name = "command", .type = SCHEMA_LIST,
	  .help = "command: [/absolute/program, arguments...]" },
	{ .name = "idempotent", .type = SCHEMA_BOOL,
	  .help = "command: must be true (it may run again on resume)" },
	{ .name = "label", .type = SCHEMA_STRING,
	  .help = "command: what it erases, shown on screen" },
	{ .name = "after", .type = SCHEMA_LIST,
	  .help = "the program that restarts the recorder afterwards, e.g. "
	  "[/sbin/reboot]; absent: the screen asks to switch it off and on" },
	{ .name = "confirm", .type = SCHEMA_ENUM,
	  .choices = reset_confirm_choices, .help = "what the owner types: "
	  "word (RESET, the default) or serial (its last 4 characters)" },
	{ .name = "proof", .type = SCHEMA_LIST,
	  .help = "any one of: password (the administrator's), questions "
	  "(the administrator's security questions), reset_file (a "
	  "factory-reset file from support); default none" },
	{ .name = "keep", .type = SCHEMA_MAP_LIST, .children = reset_keep_keys,
	  .help = "what a reset keeps, shown on screen" },
	{ 0 },
};

static const char *const button_backend_choices[] = { "evdev", "gpio",
	NULL };

static const struct schema_key button_keys[] = {
	{ .name = "backend", .type = SCHEMA_ENUM, .required = true,
	  .choices = button_backend_choices, .help = "evdev: the button is a "
	  "key of an input device (a gpio-keys node); gpio: a GPIO line "
	  "read with libgpiod" },
	{ .name = "device", .type = SCHEMA_PATH,
	  .help = "evdev: the input device, by a name that does not change, "
	  "e.g. /dev/input/by-path/platform-gpio-keys-event (required)" },
	{ .name = "key", .type = SCHEMA_STRING, .help = "evdev: the key it "
	  "sends, by name (default " CONFIG_BUTTON_KEY_DEFAULT ")" },
	{ .name = "chip", .type = SCHEMA_STRING, .help = "gpio: the GPIO "
	  "chip, by name (gpiochip0), number, label or path (required)" },
	{ .name = "line", .type = SCHEMA_STRING, .help = "gpio: the line, by "
	  "its offset on the chip or its name (required)" },
	{ .name = "active_low", .type = SCHEMA_BOOL, .help = "gpio: a press "
	  "pulls the line low (default true)" },
	{ .name = "password_after_s", .type = SCHEMA_INT, .min = 1,
	  .max = 600, .help = "held this long (and less than "
	  "factory_after_s): the administrators' passwords reset "
	  "(default 4)" },
	{ .name = "factory_after_s", .type = SCHEMA_INT, .min = 2,
	  .max = 600, .help = "held this long, up to ignore_after_s: a "
	  "factory reset (default 10)" },
	{ .name = "ignore_after_s", .type = SCHEMA_INT, .min = 2,
	  .max = 3600, .help = "held longer than this: nothing, a stuck "
	  "button (default 30)" },
	{ .name = "debounce_ms", .type = SCHEMA_INT, .min = 0, .max = 1000,
	  .help = "a release shorter than this is a bounce (default 50)" },
	{ .name = "led", .type = SCHEMA_STRING, .help = "an LED that blinks "
	  "while the button is held: its name under " CONFIG_LEDS_DIR
	  ", or the path of its brightness file" },
	{ .name = "proof", .type = SCHEMA_BOOL, .help = "true: the button "
	  "acts only while a recovery request made on the Support screen "
	  "is pending (default false: holding it is the proof)" },
	{ 0 },
};

/* What each account store may say besides its backend's own keys. */
static const struct schema_key store_keys[] = {
	{ .name = "id", .type = SCHEMA_STRING,
	  .help = "the store's id in the wizard's own files, a-z, 0-9, "
	  "'-', '_', at most 16 (required in a list; default system)" },
	{ .name = "after_change", .type = SCHEMA_LIST,
	  .help = "a program to run (argv, no shell) once a password of "
	  "the store is changed, e.g. [/usr/bin/docker, restart, frigate]" },
	{ .name = "label", .type = SCHEMA_STRING,
	  .help = "how screens name it, over its accounts, e.g. "
	  "\"Web UI (Frigate)\" (required in a list)" },
	{ 0 },
};

static const struct schema_key top_keys[] = {
	{ .name = "device", .type = SCHEMA_BACKEND, .concern = "device",
	  .required = true, .help = "where model, serial and firmware "
	  "come from" },
	{ .name = "accounts", .type = SCHEMA_BACKEND, .concern = "accounts",
	  .children = store_keys,
	  .help = "where the accounts and their passwords are kept: one "
	  "store, or a list of them" },
	{ .name = "recovery", .type = SCHEMA_BACKEND, .concern = "recovery",
	  .help = "security questions and recovery keys" },
	{ .name = "support", .type = SCHEMA_MAP, .children = support_keys,
	  .help = "reset codes from the vendor's support desk" },
	{ .name = "reset", .type = SCHEMA_MAP, .children = reset_keys,
	  .help = "the factory reset plan" },
	{ .name = "state_dir", .type = SCHEMA_PATH,
	  .help = "where the wizard keeps its state (default "
	  CONFIG_DEFAULT_STATE_DIR ")" },
	{ .name = "attempts", .type = SCHEMA_MAP, .children = attempts_keys,
	  .help = "the budget of wrong tries per account" },
	{ .name = "console", .type = SCHEMA_MAP, .children = console_keys,
	  .help = "terminal settings" },
	{ .name = "audit", .type = SCHEMA_MAP, .children = audit_keys,
	  .help = "the log of security events kept on the recorder" },
	{ .name = "button", .type = SCHEMA_MAP, .children = button_keys,
	  .help = "the reset button, watched by nvr-recovery --watch-button" },
	{ 0 },
};

const struct schema_key *
config_schema(void)
{
	return top_keys;
}

/* Opens PATH and checks that only root (or we) could have written it. */
static FILE *
open_checked(const char *path, struct diag_list *diags)
{
	struct stat st;
	FILE *in;
	int fd;

	/* O_NONBLOCK: a FIFO with no writer must be refused, not waited on. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		diag_add(diags, 1, 1, "cannot open config: %s",
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		diag_add(diags, 1, 1, "cannot stat config: %s",
		    strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_add(diags, 1, 1, "config is not a regular file");
		close(fd);
		return NULL;
	}
	if (st.st_size > CONFIG_MAX_BYTES) {
		diag_add(diags, 1, 1, "config is larger than %ld bytes",
		    CONFIG_MAX_BYTES);
		close(fd);
		return NULL;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		diag_add(diags, 1, 1, "refusing a config writable by group or "
		    "others (mode %04o); run chmod go-w on it",
		    (unsigned)(st.st_mode & 07777));
		close(fd);
		return NULL;
	}
	if (geteuid() == 0 && st.st_uid != 0) {
		diag_add(diags, 1, 1, "refusing a config not owned by root "
		    "(owner uid %u); run chown root on it",
		    (unsigned)st.st_uid);
		close(fd);
		return NULL;
	}
	in = fdopen(fd, "r");
	if (in == NULL) {
		diag_add(diags, 1, 1, "cannot read config: %s",
		    strerror(errno));
		close(fd);
	}
	return in;
}

static void
read_console(struct config *cfg, yaml_node_t *root)
{
	struct config_section top = { .doc = &cfg->doc, .map = root,
	    .name = "config" };
	struct config_section console;
	const char *color;

	cfg->console.baud = 115200;
	cfg->console.parity = "none";
	cfg->console.flow_control = "none";
	cfg->console.escdelay_ms = 100;
	cfg->console.idle_timeout_s = 300;
	cfg->console.color = CONFIG_COLOR_AUTO;
	if (!config_section_child(&top, "console", &console))
		return;
	cfg->console.baud = (int)config_section_int(&console, "baud",
	    cfg->console.baud);
	if (config_section_string(&console, "parity") != NULL)
		cfg->console.parity = config_section_string(&console,
		    "parity");
	if (config_section_string(&console, "flow_control") != NULL)
		cfg->console.flow_control = config_section_string(&console,
		    "flow_control");
	cfg->console.escdelay_ms = (int)config_section_int(&console,
	    "escdelay_ms", cfg->console.escdelay_ms);
	cfg->console.idle_timeout_s = (int)config_section_int(&console,
	    "idle_timeout_s", cfg->console.idle_timeout_s);
	cfg->console.charset = config_section_string(&console, "charset");
	color = config_section_string(&console, "color");
	if (color != NULL && strcmp(color, "never") == 0)
		cfg->console.color = CONFIG_COLOR_NEVER;
}

/* The columns TEXT takes on the terminal: a CJK character two, and
 * anything the screen shows as '?' (a control character, a byte that is
 * not UTF-8) one. */
static int
screen_columns(const char *text)
{
	const uint8_t *p = (const uint8_t *)text;
	int width = 0;

	while (*p != '\0') {
		ucs4_t uc;
		int len = u8_mbtouc(&uc, p, u8_strlen(p));
		int w = uc_width(uc, "UTF-8");

		width += w < 0 ? 1 : w;
		p += len > 0 ? len : 1;
	}
	return width;
}

/* support.contact.KEY into *OUT; false (reported at its place) if it is
 * wider than COLUMNS on the terminal, where it is one line beside the QR
 * code and would be cut, or longer than twice that in bytes. */
static bool
contact_line(const struct config_section *contact, const char *key,
    size_t columns, const char **out)
{
	const char *text = config_section_string(contact, key);
	int width;

	*out = text;
	if (text == NULL)
		return true;
	width = screen_columns(text);
	if (width > (int)columns) {
		config_section_error(contact, key, "%d columns wide, but at "
		    "most %zu fit on one line of the Support screen", width,
		    columns);
		return false;
	}
	/* A terminal without UTF-8 shows each byte of a character that is
	 * not ASCII as '?'. */
	if (strlen(text) > 2 * columns) {
		config_section_error(contact, key, "%zu bytes, but at most %zu "
		    "fit on one line of a terminal without UTF-8",
		    strlen(text), 2 * columns);
		return false;
	}
	return true;
}

/* support.url, .contact and .reset_folders. */
static int
read_support_extras(struct config *cfg)
{
	static const char *const defaults[] = {
		"/media/*", "/run/media/*/*", "/mnt/usb*",
	};
	struct support_config *s = &cfg->support;
	struct config_section contact;
	const char *url = config_section_string(&s->section, "url");

	if (url != NULL && strstr(url, "{request}") == NULL) {
		config_section_error(&s->section, "url", "support.url must "
		    "hold {request}, where the request goes");
		return -1;
	}
	s->url = url;
	if (config_section_child(&s->section, "contact", &contact)) {
		struct support_contact *c = &s->contact;
		bool ok = contact_line(&contact, "vendor",
		    CONFIG_CONTACT_COLUMNS, &c->vendor);

		ok &= contact_line(&contact, "email", CONFIG_CONTACT_COLUMNS,
		    &c->email);
		ok &= contact_line(&contact, "phone", CONFIG_CONTACT_COLUMNS,
		    &c->phone);
		ok &= contact_line(&contact, "web", CONFIG_CONTACT_COLUMNS,
		    &c->web);
		ok &= contact_line(&contact, "hours", CONFIG_CONTACT_COLUMNS,
		    &c->hours);
		ok &= contact_line(&contact, "answer_time",
		    CONFIG_ANSWER_TIME_COLUMNS, &c->answer_time);
		if (!ok)
			return -1;
	}
	const char *given[CONFIG_RESET_FOLDERS_MAX + 1];
	size_t n = config_section_list(&s->section, "reset_folders", given,
	    CONFIG_RESET_FOLDERS_MAX + 1);

	if (n > CONFIG_RESET_FOLDERS_MAX) {
		config_section_error(&s->section, "reset_folders", "at most %d "
		    "folders", CONFIG_RESET_FOLDERS_MAX);
		return -1;
	}
	if (n == 0) {
		for (n = 0; n < 3; n++)
			given[n] = defaults[n];
	}
	/* Relative ones start at the config's folder, as every path. */
	for (size_t i = 0; i < n; i++) {
		if (given[i][0] == '/' || cfg->doc.dir == NULL)
			s->folders[i] = strdup(given[i]);
		else if (asprintf(&s->folders[i], "%s/%s", cfg->doc.dir,
		    given[i]) < 0)
			s->folders[i] = NULL;
		if (s->folders[i] == NULL)
			return -1;
		s->folder_count++;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* reset:                                                              */

/* What config_reset_plan allocates, in one block; steps comes first so
 * that plan->steps is the block. */
struct reset_storage {
	struct reset_step steps[CONFIG_RESET_STEPS_MAX];
	const char *argv[CONFIG_RESET_STEPS_MAX][RESET_ARGV_MAX + 1];
	const char *allowed[CONFIG_RESET_ALLOWED_MAX];
	char labels[CONFIG_RESET_STEPS_MAX][160];
	/* Relative paths resolved against the config's folder. */
	char *owned[2 * CONFIG_RESET_STEPS_MAX + CONFIG_RESET_ALLOWED_MAX];
	size_t n_owned;
};

/* TEXT made absolute against the config's folder (resolved, so that no
 * "." or ".." is left: the journal runs again at boot, from another
 * folder, and reset paths refuse those); malloc'd, NULL with errno. */
static char *
absolute_path(const struct config_document *doc, const char *text)
{
	char base[PATH_MAX], *path;

	if (text[0] == '/')
		return strdup(text);
	if (realpath(doc->dir, base) == NULL)
		return NULL;
	if (asprintf(&path, "%s/%s", strcmp(base, "/") == 0 ? "" : base,
	    text) < 0)
		return NULL;
	return path;
}

/* TEXT, or TEXT made absolute (kept in ST) if it is relative; NULL with
 * errno. */
static const char *
resolve(struct reset_storage *st, const struct config_document *doc,
    const char *text)
{
	char *path;

	if (text == NULL || text[0] == '/' || text[0] == '\0')
		return text;
	if (st->n_owned == sizeof(st->owned) / sizeof(st->owned[0])) {
		errno = E2BIG;
		return NULL;
	}
	path = absolute_path(doc, text);
	if (path != NULL)
		st->owned[st->n_owned++] = path;
	return path;
}

static const char *const reset_kinds[] = {
	[RESET_REMOVE] = "remove",
	[RESET_RESTORE] = "restore",
	[RESET_MKDIR] = "mkdir",
	[RESET_TRUNCATE] = "truncate",
	[RESET_COMMAND] = "command",
};

static void __attribute__((format(printf, 3, 4)))
node_error(const struct config_document *doc, const yaml_node_t *node,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(doc->diags, document_line(node), document_col(node), fmt,
	    ap);
	va_end(ap);
}

/* The I-th item node of the list KEY in SEC. */
static yaml_node_t *
list_item(const struct config_section *sec, const char *key, size_t i)
{
	yaml_node_t *list = document_lookup(sec->doc, sec->map, key, NULL);
	yaml_document_t *yaml = (yaml_document_t *)&sec->doc->yaml;

	return yaml_document_get_node(yaml,
	    list->data.sequence.items.start[i]);
}

/* Checks the path KEY of SEC against the allowed folders and sets *OUT
 * to it, resolved. */
static int
reset_path(const struct config_section *sec, struct reset_storage *st,
    const char *key, const char *const *allowed, size_t n, const char **out)
{
	const char *path = resolve(st, sec->doc, config_section_string(sec,
	    key));
	struct nvr_error err = { "" };

	*out = path;
	if (path == NULL)
		nvr_error_set(&err, -errno, "cannot resolve it against %s: %s",
		    sec->doc->dir, strerror(errno));
	else if (reset_plan_check_path(path, allowed, n, &err) == 0)
		return 0;
	config_section_error(sec, key, "%s", err.message);
	return -1;
}

/* An octal mode from 0 to 7777. */
static int
parse_mode(const char *text, mode_t *mode)
{
	unsigned long n = 0;

	if (text == NULL || text[0] == '\0' || strlen(text) > 5)
		return -1;
	for (const char *c = text; *c != '\0'; c++) {
		if (*c < '0' || *c > '7')
			return -1;
		n = n * 8 + (unsigned long)(*c - '0');
	}
	if (n > 07777)
		return -1;
	*mode = (mode_t)n;
	return 0;
}

/* Reads step SEC (reset.steps[I]) into STEP. */
static int
read_step(const struct config_section *sec, struct reset_storage *st,
    size_t i, const char *const *allowed, size_t n_allowed)
{
	struct reset_step *step = &st->steps[i];
	const char *first = NULL;
	const char *label;
	int kind = -1, rc = 0;

	for (int k = RESET_REMOVE; k <= RESET_COMMAND; k++) {
		if (document_lookup(sec->doc, sec->map, reset_kinds[k],
		    NULL) == NULL)
			continue;
		if (kind >= 0) {
			config_section_error(sec, reset_kinds[k], "a step does "
			    "one thing: give '%s' or '%s', not both", first,
			    reset_kinds[k]);
			return -1;
		}
		kind = k;
		first = reset_kinds[k];
	}
	if (kind < 0) {
		config_section_error(sec, NULL, "a step needs one of remove, "
		    "restore, mkdir, truncate, command");
		return -1;
	}
	step->kind = (enum reset_kind)kind;
	if (kind != RESET_RESTORE && document_lookup(sec->doc, sec->map,
	    "from", NULL) != NULL) {
		config_section_error(sec, "from", "'from' goes only with "
		    "restore");
		rc = -1;
	}
	if (kind != RESET_MKDIR && document_lookup(sec->doc, sec->map,
	    "mode", NULL) != NULL) {
		config_section_error(sec, "mode", "'mode' goes only with "
		    "mkdir");
		rc = -1;
	}
	if (kind != RESET_COMMAND && document_lookup(sec->doc, sec->map,
	    "idempotent", NULL) != NULL) {
		config_section_error(sec, "idempotent", "'idempotent' goes "
		    "only with command");
		rc = -1;
	}
	if (kind == RESET_COMMAND) {
		const char **argv = st->argv[i];
		size_t argc = config_section_list(sec, "command", argv,
		    RESET_ARGV_MAX);
		yaml_node_t *idem = document_lookup(sec->doc, sec->map,
		    "idempotent", NULL);

		if (argc == 0) {
			config_section_error(sec, "command", "name the "
			    "program to run: [/absolute/program, ...]");
			return -1;
		}
		if (argc > RESET_ARGV_MAX) {
			config_section_error(sec, "command", "at most %d "
			    "arguments, the program included",
			    RESET_ARGV_MAX);
			return -1;
		}
		argv[argc] = NULL;
		if (argv[0][0] != '/') {
			node_error(sec->doc, list_item(sec, "command", 0),
			    "%s.command: the program must be an absolute "
			    "path, not '%s'", sec->name, argv[0]);
			rc = -1;
		}
		if (idem == NULL) {
			config_section_error(sec, "command", "a command may "
			    "run again when a reset resumes; add "
			    "'idempotent: true' once it is safe to");
			rc = -1;
		} else if (!config_section_bool(sec, "idempotent", false)) {
			config_section_error(sec, "idempotent", "a command "
			    "may run again when a reset resumes, so it must "
			    "be idempotent: true");
			rc = -1;
		}
		step->argv = argv;
		step->idempotent = true;
		label = config_section_string(sec, "label");
		if (label == NULL) {
			snprintf(st->labels[i], sizeof(st->labels[i]),
			    "running %s", argv[0]);
			label = st->labels[i];
		}
		step->label = label;
		return rc;
	}
	if (reset_path(sec, st, first, allowed, n_allowed, &step->path) != 0)
		rc = -1;
	if (kind == RESET_RESTORE) {
		if (config_section_string(sec, "from") == NULL) {
			config_section_error(sec, "restore", "restore needs "
			    "'from', the factory copy");
			rc = -1;
		} else if (reset_path(sec, st, "from", allowed, n_allowed,
		    &step->from) != 0) {
			rc = -1;
		}
	}
	if (kind == RESET_MKDIR) {
		const char *mode = config_section_string(sec, "mode");

		step->mode = 0700;
		if (mode != NULL && parse_mode(mode, &step->mode) != 0) {
			config_section_error(sec, "mode", "the mode must be "
			    "octal from 0 to 7777 (e.g. \"0750\"), not '%s'",
			    mode);
			rc = -1;
		}
	}
	label = config_section_string(sec, "label");
	if (label == NULL) {
		static const char *const verbs[] = {
			[RESET_REMOVE] = "removing",
			[RESET_RESTORE] = "restoring",
			[RESET_MKDIR] = "emptying folder",
			[RESET_TRUNCATE] = "emptying",
		};
		snprintf(st->labels[i], sizeof(st->labels[i]), "%s %s",
		    verbs[kind], step->path);
		label = st->labels[i];
	}
	step->label = label;
	return rc;
}

/* reset.allowed, resolved, into ST; the number, or 0 after an error. */
static size_t
read_allowed(const struct config_section *sec, struct reset_storage *st)
{
	const char *given[CONFIG_RESET_ALLOWED_MAX];
	size_t n = config_section_list(sec, "allowed", given,
	    CONFIG_RESET_ALLOWED_MAX);
	int rc = 0;

	if (n == 0 || n > CONFIG_RESET_ALLOWED_MAX) {
		config_section_error(sec, document_lookup(sec->doc, sec->map,
		    "allowed", NULL) ? "allowed" : NULL, "give the folders a "
		    "reset may touch in 'allowed' (from 1 to %d)",
		    CONFIG_RESET_ALLOWED_MAX);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct nvr_error err = { "" };

		st->allowed[i] = resolve(st, sec->doc, given[i]);
		if (st->allowed[i] == NULL)
			nvr_error_set(&err, -errno, "cannot resolve %s against "
			    "%s: %s", given[i], sec->doc->dir, strerror(errno));
		else if (reset_plan_check_path(st->allowed[i], &st->allowed[i],
		    1, &err) == 0 && trust_check_path(st->allowed[i],
		    &err) == 0)
			continue;
		node_error(sec->doc, list_item(sec, "allowed", i),
		    "reset.allowed: %s", err.message);
		rc = -1;
	}
	return rc == 0 ? n : 0;
}

static void
storage_free(struct reset_storage *st)
{
	for (size_t i = 0; i < st->n_owned; i++)
		free(st->owned[i]);
	free(st);
}

int
config_reset_plan(const struct config *cfg, struct reset_plan *plan)
{
	const struct config_section *sec = &cfg->reset.section;
	const struct config_document *doc = &cfg->doc;
	struct reset_storage *st;
	yaml_node_t *steps;
	size_t n_allowed = 0, n_steps;
	int rc = 0;

	memset(plan, 0, sizeof(*plan));
	if (!cfg->reset.present)
		return 0;
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		config_section_error(sec, NULL, "out of memory");
		return -1;
	}
	if (cfg->reset.backend == RESET_BACKEND_COMMAND) {
		/* The section itself is the one command step. */
		if (document_lookup(doc, sec->map, "steps", NULL) != NULL ||
		    document_lookup(doc, sec->map, "allowed", NULL) != NULL) {
			const char *key = document_lookup(doc, sec->map,
			    "steps", NULL) != NULL ? "steps" : "allowed";

			config_section_error(sec, key, "the command backend "
			    "runs 'command' alone; '%s' goes with backend: "
			    "files", key);
			rc = -1;
		} else if (document_lookup(doc, sec->map, "command",
		    NULL) == NULL) {
			config_section_error(sec, NULL, "backend: command needs "
			    "'command: [/absolute/program, arguments...]'");
			rc = -1;
		} else {
			rc = read_step(sec, st, 0, NULL, 0);
		}
		n_steps = 1;
	} else {
		const char *stray[] = { "command", "idempotent", "label" };

		for (size_t i = 0; i < 3; i++)
			if (document_lookup(doc, sec->map, stray[i],
			    NULL) != NULL) {
				config_section_error(sec, stray[i], "'%s' goes "
				    "with backend: command; the files backend "
				    "has steps", stray[i]);
				rc = -1;
			}
		steps = document_lookup(doc, sec->map, "steps", NULL);
		n_steps = steps == NULL ? 0 : (size_t)(steps->data.sequence.
		    items.top - steps->data.sequence.items.start);
		n_allowed = read_allowed(sec, st);
		if (n_allowed == 0) {
			storage_free(st);
			return -1;
		}
		if (n_steps == 0 || n_steps > CONFIG_RESET_STEPS_MAX) {
			config_section_error(sec, steps ? "steps" : NULL, "give "
			    "from 1 to %d steps, not %zu",
			    CONFIG_RESET_STEPS_MAX, n_steps);
			storage_free(st);
			return -1;
		}
		for (size_t i = 0; i < n_steps; i++) {
			char name[48];
			struct config_section item = { .doc = doc,
			    .name = name, .map = list_item(sec, "steps", i) };

			snprintf(name, sizeof(name), "reset.steps[%zu]", i);
			if (read_step(&item, st, i, st->allowed,
			    n_allowed) != 0)
				rc = -1;
		}
	}
	if (rc != 0) {
		storage_free(st);
		return -1;
	}
	plan->steps = st->steps;
	plan->n_steps = n_steps;
	plan->allowed = st->allowed;
	plan->n_allowed = n_allowed;

	struct nvr_error err = { "" };
	if (reset_plan_check(plan, &err) != 0) {
		config_section_error(sec, cfg->reset.backend ==
		    RESET_BACKEND_COMMAND ? "command" : "steps", "%s",
		    err.message);
		config_reset_plan_free(plan);
		return -1;
	}
	return 0;
}

void
config_reset_plan_free(struct reset_plan *plan)
{
	/* steps is the first member of the storage block. */
	if (plan->steps != NULL)
		storage_free((struct reset_storage *)(void *)plan->steps);
	memset(plan, 0, sizeof(*plan));
}

/* reset.keep, for the screen. */
static int
read_reset_keep(struct config *cfg)
{
	struct reset_config *r = &cfg->reset;
	yaml_node_t *keep = document_lookup(&cfg->doc, r->section.map, "keep",
	    NULL);
	size_t n;

	if (keep == NULL)
		return 0;
	n = (size_t)(keep->data.sequence.items.top -
	    keep->data.sequence.items.start);
	if (n > CONFIG_RESET_KEEP_MAX) {
		config_section_error(&r->section, "keep", "at most %d items",
		    CONFIG_RESET_KEEP_MAX);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		char name[48];
		struct config_section item = { .doc = &cfg->doc, .name = name,
		    .map = list_item(&r->section, "keep", i) };

		snprintf(name, sizeof(name), "reset.keep[%zu]", i);
		const char *text = config_section_string(&item, "path");

		r->keep[i].path = absolute_path(&cfg->doc, text);
		if (r->keep[i].path == NULL) {
			config_section_error(&item, "path", "cannot resolve %s "
			    "against %s: %s", text, cfg->doc.dir,
			    strerror(errno));
			return -1;
		}
		r->keep_count = i + 1;
		r->keep[i].label = config_section_string(&item, "label");
		if (r->keep[i].label == NULL)
			r->keep[i].label = r->keep[i].path;
	}
	return 0;
}

/* SEC.KEY as a program's argv into ARGV (RESET_ARGV_MAX + 1, ended by
 * NULL; {NULL} if absent): the program an absolute path, no shell. */
static int
read_argv(const struct config_section *sec, const char *key,
    const char **argv)
{
	size_t n = config_section_list(sec, key, argv, RESET_ARGV_MAX);
	int rc = 0;

	if (n > RESET_ARGV_MAX) {
		config_section_error(sec, key, "at most %d arguments, the "
		    "program included", RESET_ARGV_MAX);
		rc = -1;
		n = 0;
	} else if (n > 0 && argv[0][0] != '/') {
		node_error(sec->doc, list_item(sec, key, 0), "%s.%s: the "
		    "program must be an absolute path, not '%s'", sec->name,
		    key, argv[0]);
		rc = -1;
	}
	argv[n] = NULL;
	return rc;
}

/* reset.after, .confirm, .proof and .backend. */
static int
read_reset_choices(struct config *cfg)
{
	struct reset_config *r = &cfg->reset;
	const struct config_section *sec = &r->section;
	const char *text, *proofs[8];
	size_t n;
	int rc = 0;

	text = config_section_string(sec, "backend");
	r->backend = text != NULL && strcmp(text, "command") == 0 ?
	    RESET_BACKEND_COMMAND : RESET_BACKEND_FILES;
	text = config_section_string(sec, "confirm");
	r->confirm = text != NULL && strcmp(text, "serial") == 0 ?
	    RESET_CONFIRM_SERIAL : RESET_CONFIRM_WORD;
	if (read_argv(sec, "after", r->after) != 0)
		rc = -1;
	n = config_section_list(sec, "proof", proofs, 8);
	for (size_t i = 0; i < n && i < 8; i++) {
		if (strcmp(proofs[i], "password") == 0) {
			r->proofs |= RESET_PROOF_PASSWORD;
		} else if (strcmp(proofs[i], "reset_file") == 0) {
			r->proofs |= RESET_PROOF_RESET_FILE;
		} else if (strcmp(proofs[i], "reset_code") == 0) {
			r->proofs |= RESET_PROOF_RESET_CODE;
		} else if (strcmp(proofs[i], "questions") == 0) {
			r->proofs |= RESET_PROOF_QUESTIONS;
		} else if (strcmp(proofs[i], "none") != 0) {
			node_error(sec->doc, list_item(sec, "proof", i),
			    "reset.proof: '%s' is not a proof; give password, "
			    "questions, reset_file, reset_code or none",
			    proofs[i]);
			rc = -1;
		}
	}
	if (n > 8) {
		config_section_error(sec, "proof", "at most 8 items");
		rc = -1;
	}
	return rc;
}

/* Whether A is B or inside it, component by component. */
static bool
path_within(const char *a, const char *b)
{
	size_t len = strlen(b);

	return strncmp(a, b, len) == 0 && (a[len] == '\0' || a[len] == '/');
}

/* A kept path must not be touched by any step (the screen promises it),
 * nor hold a path a step touches. */
static int
check_keep_apart(struct config *cfg, const struct reset_plan *plan)
{
	struct reset_config *r = &cfg->reset;
	int rc = 0;

	for (size_t k = 0; k < r->keep_count; k++) {
		char name[48];
		struct config_section item = { .doc = &cfg->doc, .name = name,
		    .map = list_item(&r->section, "keep", k) };

		snprintf(name, sizeof(name), "reset.keep[%zu]", k);
		for (size_t i = 0; i < plan->n_steps; i++) {
			const struct reset_step *st = &plan->steps[i];

			if (!reset_kind_has_path(st->kind) ||
			    (!path_within(r->keep[k].path, st->path) &&
			    !path_within(st->path, r->keep[k].path)))
				continue;
			config_section_error(&item, "path", "%s is kept, but "
			    "reset.steps[%zu] (%s %s) changes it or something "
			    "in it", r->keep[k].path, i,
			    reset_kind_name(st->kind), st->path);
			rc = -1;
			break;
		}
	}
	return rc;
}

static int
read_reset(struct config *cfg, const struct config_section *top)
{
	struct reset_plan plan;
	int rc = 0;

	if (!config_section_child(top, "reset", &cfg->reset.section))
		return 0;
	cfg->reset.present = true;
	/* Every reader runs, so every mistake is reported in one go. */
	if (read_reset_choices(cfg) != 0)
		rc = -1;
	if (read_reset_keep(cfg) != 0)
		rc = -1;
	if (config_reset_plan(cfg, &plan) != 0)
		return -1;
	if (rc == 0)
		rc = check_keep_apart(cfg, &plan);
	config_reset_plan_free(&plan);
	return rc;
}

/* Whether the hold LONGER (ms) is longer than SHORTER (STRICT) or at
 * least it; if not, says so at the one of the two the file gives. */
static bool
tiers_in_order(const struct config_section *sec, const char *shorter,
    int64_t shorter_ms, const char *longer, int64_t longer_ms, bool strict)
{
	if (strict ? longer_ms > shorter_ms : longer_ms >= shorter_ms)
		return true;
	if (config_section_string(sec, longer) != NULL)
		config_section_error(sec, longer, "must be %s %s (%lld s)",
		    strict ? "longer than" : "at least", shorter,
		    (long long)shorter_ms / 1000);
	else
		config_section_error(sec, shorter, "must be %s %s (%lld s)",
		    strict ? "shorter than" : "at most", longer,
		    (long long)longer_ms / 1000);
	return false;
}

/* The keys one button backend needs are there, and the other's are
 * not (a gpio line's chip beside an input device would be ignored). */
static int
button_keys_of_backend(const struct config_section *sec, bool gpio)
{
	static const char *const evdev_keys[] = { "device", "key" };
	static const char *const gpio_keys[] = { "chip", "line",
		"active_low" };
	const char *const *other = gpio ? evdev_keys : gpio_keys;
	size_t n = gpio ? 2 : 3;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		if (document_lookup(sec->doc, sec->map, other[i], NULL)) {
			config_section_error(sec, other[i], "is for backend %s",
			    gpio ? "evdev" : "gpio");
			rc = -1;
		}
	if (!gpio && config_section_string(sec, "device") == NULL) {
		config_section_error(sec, NULL, "backend evdev needs device: "
		    "the input device");
		rc = -1;
	}
	if (gpio && (config_section_string(sec, "chip") == NULL ||
	    config_section_string(sec, "line") == NULL)) {
		config_section_error(sec, NULL, "backend gpio needs chip: and "
		    "line:");
		rc = -1;
	}
	return rc;
}

/* The button: section, if there is one. */
static int
read_button(struct config *cfg, const struct config_section *top)
{
	struct button_config *b = &cfg->button;
	struct config_section *sec = &b->section;
	const char *led;

	if (!config_section_child(top, "button", sec))
		return 0;
	b->present = true;
	b->gpio = strcmp(config_section_string(sec, "backend"), "gpio") == 0;
	if (button_keys_of_backend(sec, b->gpio) != 0)
		return -1;
	if (b->gpio) {
		b->chip = config_section_string(sec, "chip");
		b->line = config_section_string(sec, "line");
		b->active_low = config_section_bool(sec, "active_low", true);
	} else {
		b->device = config_section_path(sec, "device");
		if (b->device == NULL)
			return -1;
		b->key = config_section_string(sec, "key");
		if (b->key == NULL)
			b->key = CONFIG_BUTTON_KEY_DEFAULT;
	}
	b->password_ms = config_section_int(sec, "password_after_s", 4) * 1000;
	b->factory_ms = config_section_int(sec, "factory_after_s", 10) * 1000;
	b->ignore_after_ms = config_section_int(sec, "ignore_after_s", 30) *
	    1000;
	b->debounce_ms = config_section_int(sec, "debounce_ms", 50);
	b->proof = config_section_bool(sec, "proof", false);
	if (b->proof && !cfg->support.present) {
		config_section_error(sec, "proof", "needs a support: section: "
		    "the button waits for a request made on the Support "
		    "screen");
		return -1;
	}
	if (!tiers_in_order(sec, "password_after_s", b->password_ms,
	    "factory_after_s", b->factory_ms, true) ||
	    !tiers_in_order(sec, "factory_after_s", b->factory_ms,
	    "ignore_after_s", b->ignore_after_ms, false))
		return -1;
	led = config_section_string(sec, "led");
	if (led == NULL)
		return 0;
	/* A name: the kernel's LED class; a path: its brightness file,
	 * by that name (written as root: a slip must not name another). */
	if (strchr(led, '/') != NULL) {
		const char *base = strrchr(led, '/') + 1;

		if (strcmp(base, "brightness") != 0) {
			config_section_error(sec, "led", "a path must name an "
			    "LED's brightness file (.../brightness)");
			return -1;
		}
		b->led = config_section_path(sec, "led");
	} else if (strcmp(led, ".") == 0 || strcmp(led, "..") == 0 ||
	    asprintf(&b->led, CONFIG_LEDS_DIR "/%s/brightness", led) < 0)
		b->led = NULL;
	if (b->led == NULL) {
		config_section_error(sec, "led", "not an LED's name");
		return -1;
	}
	return 0;
}

static int
read_top(struct config *cfg, yaml_node_t *root)
{
	struct config_section top = { .doc = &cfg->doc, .map = root,
	    .name = "config" };
	struct config_section attempts, audit;

	cfg->audit.log = true;
	cfg->audit.max_kib = CONFIG_AUDIT_MAX_KIB;
	if (config_section_child(&top, "audit", &audit)) {
		cfg->audit.log = config_section_bool(&audit, "log", true);
		cfg->audit.max_kib = (int)config_section_int(&audit, "max_kib",
		    cfg->audit.max_kib);
	}
	cfg->attempts.free_tries = 3;
	cfg->attempts.first_wait_s = 30;
	cfg->attempts.max_wait_s = 3600;
	if (config_section_child(&top, "attempts", &attempts)) {
		cfg->attempts.free_tries = (int)config_section_int(&attempts,
		    "free_tries", cfg->attempts.free_tries);
		cfg->attempts.first_wait_s = (int)config_section_int(
		    &attempts, "first_wait_s", cfg->attempts.first_wait_s);
		cfg->attempts.max_wait_s = (int)config_section_int(&attempts,
		    "max_wait_s", cfg->attempts.max_wait_s);
	}
	if (config_section_child(&top, "support", &cfg->support.section)) {
		cfg->support.present = true;
		cfg->support.provisioning = config_section_path(
		    &cfg->support.section, "provisioning");
		cfg->support.demo = config_section_bool(&cfg->support.section,
		    "demo", false);
		cfg->support.lifetime_days = (int)config_section_int(
		    &cfg->support.section, "request_lifetime_days", 7);
		cfg->support.max_boots = (int)config_section_int(
		    &cfg->support.section, "request_max_boots", 20);
		if (cfg->support.provisioning == NULL)
			return -1;
		if (read_support_extras(cfg) != 0)
			return -1;
	}
	if (read_reset(cfg, &top) != 0)
		return -1;
	if (read_button(cfg, &top) != 0)
		return -1;
	cfg->state_dir = config_section_string(&top, "state_dir") ?
	    config_section_path(&top, "state_dir") :
	    strdup(CONFIG_DEFAULT_STATE_DIR);
	if (cfg->state_dir == NULL)
		return -1;
	/* Whoever could write a folder above it could move it aside: the
	 * counts of wrong tries and the used codes would go with it. */
	struct nvr_error err = { "" };

	if (trust_check_path(cfg->state_dir, &err) != 0) {
		config_section_error(&top, config_section_string(&top,
		    "state_dir") ? "state_dir" : NULL, "%s",
		    err.message);
		return -1;
	}
	return 0;
}

/* Why LABEL cannot name a store on screen, or NULL: it heads the
 * store's accounts in every account list, a menu row of its own. */
static const char *
label_problem(const char *label)
{
	static char why[120];
	const uint8_t *p = (const uint8_t *)label;

	if (u8_check(p, u8_strlen(p)) != NULL)
		return "a store's label must be UTF-8 text";
	for (; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return "a store's label is one line, without control "
			    "characters";
	if (screen_columns(label) > CONFIG_STORE_LABEL_COLUMNS ||
	    strlen(label) > (size_t)2 * CONFIG_STORE_LABEL_COLUMNS) {
		snprintf(why, sizeof(why), "a store's label is at most %d "
		    "columns (and twice that in bytes): it heads its accounts "
		    "in every account list", CONFIG_STORE_LABEL_COLUMNS);
		return why;
	}
	return NULL;
}

/* One store's id and label, at its place in the list (INDEX, or -1 for
 * a single mapping); problems go to the diagnostics. */
static int
read_store(struct config *cfg, yaml_node_t *map, int index)
{
	struct config_store *st = &cfg->stores[cfg->store_count];
	const char *id, *label;

	st->section.doc = &cfg->doc;
	st->section.map = map;
	st->section.name = "accounts";
	if (index >= 0)
		snprintf(st->name, sizeof(st->name), "accounts[%d]", index);
	else
		snprintf(st->name, sizeof(st->name), "accounts");
	st->section.name = st->name;
	id = config_section_string(&st->section, "id");
	label = config_section_string(&st->section, "label");
	if (index >= 0 && (id == NULL || label == NULL)) {
		config_section_error(&st->section, NULL, "needs %s when "
		    "accounts: is a list", id == NULL && label == NULL ?
		    "an id and a label" : id == NULL ? "an id (the store's "
		    "name in the wizard's own files)" : "a label (how the "
		    "screens name the store)");
		return -1;
	}
	if (read_argv(&st->section, "after_change", st->after_change) != 0)
		return -1;
	st->id = id != NULL ? id : CONFIG_STORE_DEFAULT_ID;
	st->label = label != NULL ? label : CONFIG_STORE_DEFAULT_LABEL;
	if (!config_store_id_ok(st->id)) {
		config_section_error(&st->section, "id", "a store's id is 1 to "
		    "%d of a-z, 0-9, '-' and '_' (not '%s'): it names the "
		    "store in the wizard's own files", CONFIG_STORE_ID_MAX,
		    st->id);
		return -1;
	}
	if (label_problem(st->label) != NULL) {
		config_section_error(&st->section, "label", "%s",
		    label_problem(st->label));
		return -1;
	}
	for (size_t i = 0; i < cfg->store_count; i++) {
		if (strcmp(cfg->stores[i].id, st->id) == 0) {
			config_section_error(&st->section, "id", "the id '%s' "
			    "is %s's already: each store needs its own",
			    st->id, cfg->stores[i].name);
			return -1;
		}
		if (strcmp(cfg->stores[i].label, st->label) == 0) {
			config_section_error(&st->section, "label", "the label "
			    "'%s' is %s's already: the screens could not tell "
			    "them apart", st->label, cfg->stores[i].name);
			return -1;
		}
	}
	cfg->store_count++;
	return 0;
}

/* accounts: one mapping (one store), or a list of them. */
static int
read_stores(struct config *cfg, yaml_node_t *root)
{
	yaml_document_t *yaml = &cfg->doc.yaml;
	yaml_node_t *accounts = document_lookup(&cfg->doc, root, "accounts",
	    NULL);
	int rc = 0, index = 0;

	cfg->store_count = 0;
	if (accounts == NULL)
		return 0;
	if (accounts->type == YAML_MAPPING_NODE)
		return read_store(cfg, accounts, -1);
	for (yaml_node_item_t *item = accounts->data.sequence.items.start;
	    item < accounts->data.sequence.items.top; item++, index++) {
		if (cfg->store_count == CONFIG_STORES_MAX) {
			diag_add(&cfg->diags, document_line(accounts),
			    document_col(accounts), "accounts: lists more than "
			    "%d stores (a request names its store in 4 bits)",
			    CONFIG_STORES_MAX);
			return -1;
		}
		if (read_store(cfg, yaml_document_get_node(yaml, *item),
		    index) != 0)
			rc = -1;
	}
	return rc;
}

int
config_load(struct config *cfg, const char *path,
    schema_backend_keys_fn backend_keys)
{
	yaml_node_t *root;
	FILE *in;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	diag_init(&cfg->diags, path);
	in = open_checked(path, &cfg->diags);
	if (in == NULL)
		return -1;
	rc = document_parse(&cfg->doc, in, path, &cfg->diags);
	fclose(in);
	if (rc != 0)
		return -1;

	root = document_root(&cfg->doc);
	if (schema_check(&cfg->doc, root, "", top_keys, backend_keys) != 0)
		return -1;

	cfg->device.doc = &cfg->doc;
	cfg->device.map = document_lookup(&cfg->doc, root, "device", NULL);
	cfg->device.name = "device";
	/* Every problem in one run: the rest is read even if a store is
	 * wrong. */
	rc = read_stores(cfg, root);
	cfg->recovery.doc = &cfg->doc;
	cfg->recovery.map = document_lookup(&cfg->doc, root, "recovery", NULL);
	cfg->recovery.name = "recovery";
	read_console(cfg, root);
	if (read_top(cfg, root) != 0)
		rc = -1;
	return rc;
}

void
config_free(struct config *cfg)
{
	free(cfg->state_dir);
	cfg->state_dir = NULL;
	free(cfg->support.provisioning);
	cfg->support.provisioning = NULL;
	for (size_t i = 0; i < cfg->support.folder_count; i++)
		free(cfg->support.folders[i]);
	cfg->support.folder_count = 0;
	for (size_t i = 0; i < cfg->reset.keep_count; i++)
		free(cfg->reset.keep[i].path);
	cfg->reset.keep_count = 0;
	free(cfg->button.device);
	free(cfg->button.led);
	cfg->button.device = cfg->button.led = NULL;
	document_free(&cfg->doc);
	diag_free(&cfg->diags);
}
