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
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/schema.h"

static const char *const color_choices[] = { "auto", "never", NULL };
static const char *const charset_choices[] = { "auto", "utf-8", "ascii",
	NULL };

static const struct schema_key console_keys[] = {
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

static const struct schema_key top_keys[] = {
	{ .name = "device", .type = SCHEMA_BACKEND, .concern = "device",
	  .required = true, .help = "where model, serial and firmware "
	  "come from" },
	{ .name = "accounts", .type = SCHEMA_BACKEND, .concern = "accounts",
	  .help = "where the accounts and their passwords are kept" },
	{ .name = "recovery", .type = SCHEMA_BACKEND, .concern = "recovery",
	  .help = "security questions and recovery keys" },
	{ .name = "support", .type = SCHEMA_MAP, .children = support_keys,
	  .help = "reset codes from the vendor's support desk" },
	{ .name = "state_dir", .type = SCHEMA_PATH,
	  .help = "where the wizard keeps its state (default "
	  CONFIG_DEFAULT_STATE_DIR ")" },
	{ .name = "attempts", .type = SCHEMA_MAP, .children = attempts_keys,
	  .help = "the budget of wrong tries per account" },
	{ .name = "console", .type = SCHEMA_MAP, .children = console_keys,
	  .help = "terminal settings" },
	{ 0 },
};

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
		diag_add(diags, 1, 1, "config is larger than %d bytes",
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

	cfg->console.escdelay_ms = 100;
	cfg->console.idle_timeout_s = 300;
	cfg->console.color = CONFIG_COLOR_AUTO;
	if (!config_section_child(&top, "console", &console))
		return;
	cfg->console.escdelay_ms = (int)config_section_int(&console,
	    "escdelay_ms", cfg->console.escdelay_ms);
	cfg->console.idle_timeout_s = (int)config_section_int(&console,
	    "idle_timeout_s", cfg->console.idle_timeout_s);
	cfg->console.charset = config_section_string(&console, "charset");
	color = config_section_string(&console, "color");
	if (color != NULL && strcmp(color, "never") == 0)
		cfg->console.color = CONFIG_COLOR_NEVER;
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
		s->contact.vendor = config_section_string(&contact, "vendor");
		s->contact.email = config_section_string(&contact, "email");
		s->contact.phone = config_section_string(&contact, "phone");
		s->contact.web = config_section_string(&contact, "web");
		s->contact.hours = config_section_string(&contact, "hours");
		s->contact.answer_time = config_section_string(&contact,
		    "answer_time");
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

static int
read_top(struct config *cfg, yaml_node_t *root)
{
	struct config_section top = { .doc = &cfg->doc, .map = root,
	    .name = "config" };
	struct config_section attempts;

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
	cfg->state_dir = config_section_string(&top, "state_dir") ?
	    config_section_path(&top, "state_dir") :
	    strdup(CONFIG_DEFAULT_STATE_DIR);
	return cfg->state_dir != NULL ? 0 : -1;
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
	cfg->accounts.doc = &cfg->doc;
	cfg->accounts.map = document_lookup(&cfg->doc, root, "accounts", NULL);
	cfg->accounts.name = "accounts";
	cfg->recovery.doc = &cfg->doc;
	cfg->recovery.map = document_lookup(&cfg->doc, root, "recovery", NULL);
	cfg->recovery.name = "recovery";
	read_console(cfg, root);
	return read_top(cfg, root);
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
	document_free(&cfg->doc);
	diag_free(&cfg->diags);
}
