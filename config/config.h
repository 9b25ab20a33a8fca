/*
 * config.h: loading the one YAML file that says which backend serves each
 * concern and with what settings.
 *
 * Loading checks everything that can be checked without opening a
 * backend: the file's owner and mode, YAML syntax, every key against the
 * schema. Every problem is collected with its FILE:LINE:COL; the caller
 * prints them and exits 78 (EX_CONFIG) before touching the terminal.
 */
#ifndef NVR_CONFIG_CONFIG_H
#define NVR_CONFIG_CONFIG_H

#include <string.h>

#include "config/reset_plan.h"
#include "config/diag.h"
#include "config/document.h"
#include "config/schema.h"

#define CONFIG_DEFAULT_PATH "/etc/nvr-recovery/config.yaml"
#define CONFIG_MAX_BYTES (1024L * 1024)
#define CONFIG_ESCDELAY_MIN 10		/* ms */
#define CONFIG_ESCDELAY_MAX 2000

enum config_color {
	CONFIG_COLOR_AUTO,	/* colour if the terminal has it */
	CONFIG_COLOR_NEVER,	/* bold and reverse only */
};

struct console_settings {
	int baud;		/* a serial port's speed (--port) */
	const char *parity;	/* "none", "odd", "even" */
	const char *flow_control;	/* "none", "xonxoff", "rtscts" */
	int escdelay_ms;	/* how long a lone Esc waits for more bytes */
	int idle_timeout_s;	/* no key this long: forms wiped, main menu */
	enum config_color color;
	const char *charset;	/* "auto" (or NULL), "utf-8", "ascii" */
};

#define CONFIG_DEFAULT_STATE_DIR "/var/lib/nvr-recovery"

/* The attempts: mapping: one budget of wrong tries per account. */
struct attempts_config {
	int free_tries;		/* failures before any wait */
	int first_wait_s;	/* the first wait, doubled after */
	int max_wait_s;		/* the longest wait */
};

/* The audit: mapping: the event log in state_dir (syslog is always
 * written). */
#define CONFIG_AUDIT_MAX_KIB 64		/* default of max_kib */
struct audit_config {
	bool log;		/* log: false turns the file off */
	int max_kib;		/* each of its two files at most */
};

#define CONFIG_RESET_FOLDERS_MAX 8

/* support.contact: how to reach the vendor (each NULL if not given).
 * Each is one line on the Support screen, beside the QR code: at most
 * CONFIG_CONTACT_COLUMNS wide, answer_time (shown after "Answers ")
 * CONFIG_ANSWER_TIME_COLUMNS, and at most twice that in bytes (without
 * UTF-8 each byte of a character that is not ASCII shows as '?'). */
#define CONFIG_CONTACT_COLUMNS 34
#define CONFIG_ANSWER_TIME_COLUMNS 25
struct support_contact {
	const char *vendor, *email, *phone, *web, *hours, *answer_time;
};

/* The support: mapping: reset codes from the vendor. */
struct support_config {
	bool present;
	struct config_section section;	/* for messages */
	char *provisioning;	/* resolved path; malloc'd */
	bool demo;		/* a demo key set is accepted */
	int lifetime_days;	/* a request's lifetime */
	int max_boots;		/* ... in boots, without a trusted clock */
	const char *url;	/* support page template with {request} */
	struct support_contact contact;
	char *folders[CONFIG_RESET_FOLDERS_MAX];	/* globs, resolved;
							 * malloc'd */
	size_t folder_count;
};

#define CONFIG_RESET_STEPS_MAX 64
#define CONFIG_RESET_ALLOWED_MAX 16
#define CONFIG_RESET_KEEP_MAX 16

/* reset.keep: something a factory reset leaves alone, for the screen. */
struct reset_keep {
	char *path;		/* resolved; malloc'd */
	const char *label;	/* the label, else the path */
};

enum reset_backend {
	RESET_BACKEND_FILES,	/* the declared steps */
	RESET_BACKEND_COMMAND,	/* one vendor program */
};

enum reset_confirm {
	RESET_CONFIRM_WORD,	/* type RESET */
	RESET_CONFIRM_SERIAL,	/* type the serial number's last 4 */
};

/* reset.proof: what may prove the authority to reset (any one of them);
 * none: physical access is the proof, as with a reset button. */
#define RESET_PROOF_PASSWORD	0x1u	/* the administrator's password */
#define RESET_PROOF_RESET_FILE	0x2u	/* a factory-reset file from support */
#define RESET_PROOF_QUESTIONS	0x4u	/* the administrator's security
					 * questions answered */
#define RESET_PROOF_RESET_CODE	0x8u	/* a factory-reset code from support,
					 * typed (read out on the phone) */

/* The reset: mapping: the factory reset plan (config_reset_plan builds
 * it), what it keeps, and how it is confirmed and ended. */
struct reset_config {
	bool present;
	struct config_section section;	/* for messages and the plan */
	enum reset_backend backend;
	struct reset_keep keep[CONFIG_RESET_KEEP_MAX];
	size_t keep_count;
	const char *after[RESET_ARGV_MAX + 1];	/* restart command or
						 * {NULL}: power-cycle */
	enum reset_confirm confirm;
	unsigned proofs;	/* RESET_PROOF_* */
};

/* The button: mapping: the recorder's reset button, watched by
 * nvr-recovery --watch-button. Held password_ms up to factory_ms: the
 * administrators' passwords reset; factory_ms up to ignore_after_ms
 * (inclusive): a factory reset; shorter or longer: nothing. */
#define CONFIG_BUTTON_KEY_DEFAULT "KEY_RESTART"
#define CONFIG_LEDS_DIR "/sys/class/leds"
struct button_config {
	bool present;
	struct config_section section;	/* for messages */
	bool gpio;		/* backend gpio, else evdev */
	/* evdev: */
	char *device;		/* the input device (or a FIFO of
				 * input_event records); malloc'd */
	const char *key;	/* its key's name, KEY_RESTART, ... */
	/* gpio: */
	const char *chip;	/* gpiochip0, 0, its label or /dev path */
	const char *line;	/* its offset on the chip, or its name */
	bool active_low;	/* pressed pulls the line down */
	int64_t password_ms, factory_ms, ignore_after_ms, debounce_ms;
	char *led;		/* the LED's brightness file, or NULL;
				 * malloc'd */
	bool proof;		/* acts only while a support request is
				 * pending */
};

/* One account store of accounts: (a single mapping is one store, id
 * CONFIG_STORE_DEFAULT_ID). */
#define CONFIG_STORES_MAX 16
#define CONFIG_STORE_ID_MAX 16
#define CONFIG_STORE_LABEL_COLUMNS 24
#define CONFIG_STORE_DEFAULT_ID "system"
#define CONFIG_STORE_DEFAULT_LABEL "System"
struct config_store {
	struct config_section section;	/* its mapping: backend and keys */
	char name[24];			/* "accounts[1]", for messages */
	const char *id;			/* [a-z0-9_-]{1,16} */
	const char *label;		/* heads its accounts in lists */
	/* Run once a password of the store is changed (the software told
	 * to read it again); {NULL}: nothing. */
	const char *after_change[RESET_ARGV_MAX + 1];
};

/* True if ID can name a store: 1 to CONFIG_STORE_ID_MAX of a-z, 0-9, '-'
 * and '_' (inline: the journal's reader, built alone in a test, checks
 * it too). */
static inline bool
config_store_id_ok(const char *id)
{
	size_t n = strlen(id);

	return n > 0 && n <= CONFIG_STORE_ID_MAX &&
	    strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

struct config {
	struct diag_list diags;
	struct config_document doc;
	struct config_section device;	/* device: */
	struct config_store stores[CONFIG_STORES_MAX];	/* accounts: */
	size_t store_count;		/* 0: no accounts: section */
	struct config_section recovery;	/* recovery:, map NULL if absent */
	struct console_settings console;
	char *state_dir;	/* state_dir:, resolved; malloc'd */
	struct attempts_config attempts;
	struct audit_config audit;
	struct support_config support;
	struct reset_config reset;
	struct button_config button;
};

/* The key table of a config's top level, ended by {0}: what every file
 * is checked against, and what nvr-recovery.yaml(5) must document
 * (tests/unit/test_manual.c). */
const struct schema_key *config_schema(void);

/* Loads and checks PATH; BACKEND_KEYS gives each backend's settings
 * (registry_keys: the config knows no backend itself). Returns 0, or -1
 * with cfg->diags filled. The config must be freed either way. */
int config_load(struct config *cfg, const char *path,
    schema_backend_keys_fn backend_keys);

void config_free(struct config *cfg);

/*
 * Builds the factory reset plan of the reset: section into PLAN, checking
 * every path against reset.allowed (reset_plan_check_path) and every step
 * (exactly one kind; restore with from; command idempotent; octal mode).
 * Returns 0 (PLAN to be freed with config_reset_plan_free), or -1 with
 * each problem added to cfg->diags at the key or value at fault and PLAN
 * empty. config_load has already run it once, so a loaded config fails
 * only when the file system has changed since, or without memory. Without
 * a reset: section it returns 0 with an empty plan (no steps).
 */
int config_reset_plan(const struct config *cfg, struct reset_plan *plan);

/* Frees what config_reset_plan allocated; PLAN becomes empty. */
void config_reset_plan_free(struct reset_plan *plan);

#endif
