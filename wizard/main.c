/*
 * main.c: nvr-recovery's entry point. It reads top to bottom: harden the
 * process, parse the command line, load and check the config (errors
 * printed as FILE:LINE:COL, exit 78) and open the backends, all before the
 * terminal is touched; then run the wizard and restore the terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "common/harden.h"
#include "backends/attempts.h"
#include "backends/recovery/answer.h"
#include "backends/audit.h"
#include "backends/reset/factory_reset.h"
#include "backends/accounts/policy.h"
#include "backends/requests/provisioned.h"
#include "backends/reset/journal.h"
#include "backends/requests/support.h"
#include "backends/registry.h"
#include "config/config.h"
#include "tui/port.h"
#include "tui/term.h"
#include "wizard/backends.h"
#include "wizard/button_watch.h"
#include "wizard/wizard.h"

#ifndef NVR_VERSION
#define NVR_VERSION "0.1.0"
#endif

/* The locale the user gave us showed UTF-8 (before the C.UTF-8
 * fallback). */
static bool locale_was_utf8;

/* sysexits.h values, spelled out so each use says what it means. */
#define EXIT_USAGE 64
#define EXIT_NOINPUT 66
#define EXIT_SOFTWARE 70
#define EXIT_IOERR 74
#define EXIT_CONFIG 78
#define EXIT_DATAERR 65
#define EXIT_TEMPFAIL 75

enum verb {
	VERB_RUN,
	VERB_CHECK_CONFIG,
	VERB_MEASURE_KDF,
	VERB_RESUME,
	VERB_WATCH_BUTTON,
	VERB_LIST_PORTS,
	VERB_HELP,
	VERB_VERSION,
};

struct options {
	enum verb verb;
	const char *config_path;
	const char *tty_path;
	const char *port_path;		/* --port */
	int baud;			/* --baud, or 0: the config's */
	const char *term;		/* --term, or NULL */
};

/* The backends' table: its name column as wide as the longest name. */
struct backend_table {
	FILE *out;
	int name_width;
};

static void
widen_backend_column(const struct backend_impl *impl, void *arg)
{
	struct backend_table *t = arg;
	int len = (int)strlen(impl->name);

	if (len > t->name_width)
		t->name_width = len;
}

static void
print_backend(const struct backend_impl *impl, void *arg)
{
	struct backend_table *t = arg;

	fprintf(t->out, "  %-8s %-*s %s\n", impl->concern, t->name_width,
	    impl->name, impl->summary);
}

static void
usage(FILE *out)
{
	struct backend_table table = { out, 0 };

	fprintf(out,
	    "usage: nvr-recovery [--config FILE] [--tty DEVICE]\n"
	    "       nvr-recovery [--config FILE] --port PORT [--baud N] "
	    "[--term TERM]\n"
	    "       nvr-recovery --list-ports\n"
	    "       nvr-recovery --check-config FILE\n"
	    "       nvr-recovery [--config FILE] --measure-kdf\n"
	    "       nvr-recovery [--config FILE] --resume\n"
	    "       nvr-recovery [--config FILE] --watch-button\n"
	    "       nvr-recovery --help | --version\n"
	    "\n"
	    "Set up or recover the passwords of this video recorder.\n"
	    "\n"
	    "  -c, --config FILE        config to use (default %s)\n"
	    "  -t, --tty DEVICE         run on that terminal, e.g. /dev/tty1\n"
	    "  -p, --port PORT          run on that serial port, e.g.\n"
	    "                           /dev/ttyS0 (8N1, console: section)\n"
	    "  -b, --baud N             its speed (default 115200)\n"
	    "  -T, --term TERM          the laptop's terminal type on the\n"
	    "                           port (default vt100)\n"
	    "  -L, --list-ports         list the serial ports found, exit\n"
	    "  -C, --check-config FILE  check a config, print a summary, exit\n"
	    "  -M, --measure-kdf        time hashing one security answer at\n"
	    "                           the config's answer_cost, exit\n"
	    "  -R, --resume             finish an interrupted factory reset\n"
	    "                           (at boot, without a terminal), exit\n"
	    "  -W, --watch-button       watch the reset button (button:\n"
	    "                           section) until stopped\n"
	    "  -h, --help               show this help\n"
	    "  -V, --version            show the version\n"
	    "\n"
	    "Backends in this build:\n", CONFIG_DEFAULT_PATH);
	registry_each(widen_backend_column, &table);
	registry_each(print_backend, &table);
	fprintf(out,
	    "\n"
	    "Exit status: 0 done, 64 bad usage, 66 terminal device or port\n"
	    "missing, 70 internal error, 74 terminal or port unusable (or\n"
	    "busy), 78 config error,\n"
	    "128+N ended by signal N (130 for Ctrl-C, 129 for a hang-up);\n"
	    "--resume: 65 journal unreadable or outside reset.allowed (kept),\n"
	    "74 a step failed, 75 "
	    "another reset is running.\n"
	    "See nvr-recovery(8).\n");
}

static int
parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "tty", required_argument, NULL, 't' },
		{ "port", required_argument, NULL, 'p' },
		{ "baud", required_argument, NULL, 'b' },
		{ "term", required_argument, NULL, 'T' },
		{ "list-ports", no_argument, NULL, 'L' },
		{ "check-config", required_argument, NULL, 'C' },
		{ "measure-kdf", no_argument, NULL, 'M' },
		{ "resume", no_argument, NULL, 'R' },
		{ "watch-button", no_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	bool config_given = false;
	int ch;

	opt->verb = VERB_RUN;
	opt->config_path = CONFIG_DEFAULT_PATH;
	opt->tty_path = NULL;
	opt->port_path = NULL;
	opt->baud = 0;
	opt->term = NULL;
	while ((ch = getopt_long(argc, argv, "c:t:p:b:T:LC:MRWhV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			opt->config_path = optarg;
			config_given = true;
			break;
		case 't':
			opt->tty_path = optarg;
			break;
		case 'p':
			opt->port_path = optarg;
			break;
		case 'b': {
			char *end;
			long baud = strtol(optarg, &end, 10);

			if (end == optarg || *end != '\0' ||
			    !port_baud_ok((int)baud) || baud > 921600) {
				fprintf(stderr, "nvr-recovery: --baud %s: not a "
				    "speed a serial port can use (e.g. 9600, "
				    "115200)\n", optarg);
				return -1;
			}
			opt->baud = (int)baud;
			break;
		}
		case 'T':
			opt->term = optarg;
			break;
		case 'L':
			opt->verb = VERB_LIST_PORTS;
			break;
		case 'C':
			opt->verb = VERB_CHECK_CONFIG;
			opt->config_path = optarg;
			break;
		case 'M':
			opt->verb = VERB_MEASURE_KDF;
			break;
		case 'R':
			opt->verb = VERB_RESUME;
			break;
		case 'W':
			opt->verb = VERB_WATCH_BUTTON;
			break;
		case 'h':
			opt->verb = VERB_HELP;
			return 0;
		case 'V':
			opt->verb = VERB_VERSION;
			return 0;
		default:
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "nvr-recovery: unexpected argument '%s'\n",
		    argv[optind]);
		return -1;
	}
	if (opt->tty_path != NULL && opt->port_path != NULL) {
		fprintf(stderr, "nvr-recovery: give --tty or --port, not both\n");
		return -1;
	}
	if ((opt->baud != 0 || opt->term != NULL) && opt->port_path == NULL) {
		fprintf(stderr, "nvr-recovery: --baud and --term go with "
		    "--port\n");
		return -1;
	}
	if (opt->verb == VERB_CHECK_CONFIG && (opt->tty_path != NULL ||
	    config_given)) {
		/* --config would silently replace the file being checked. */
		fprintf(stderr, "nvr-recovery: --check-config takes no --tty "
		    "or --config\n");
		return -1;
	}
	return 0;
}

static bool
monochrome_wanted(const struct config *cfg)
{
	const char *no_color = getenv("NO_COLOR");

	return cfg->console.color == CONFIG_COLOR_NEVER ||
	    (no_color != NULL && no_color[0] != '\0');
}

/* Whether the terminal can show UTF-8 (QR codes in half blocks):
 * console.charset, else the locale's codeset as the user set it. */
static bool
utf8_wanted(const struct config *cfg)
{
	const char *c = cfg->console.charset;

	if (c != NULL && strcmp(c, "utf-8") == 0)
		return true;
	if (c != NULL && strcmp(c, "ascii") == 0)
		return false;
	return locale_was_utf8;
}

/* ESCDELAY in the environment wins, as it does for every curses program. */
static int
escdelay_ms(const struct config *cfg)
{
	const char *text = getenv("ESCDELAY");
	char *end;
	long ms;

	if (text == NULL)
		return cfg->console.escdelay_ms;
	ms = strtol(text, &end, 10);
	if (end == text || *end != '\0' || ms < CONFIG_ESCDELAY_MIN ||
	    ms > CONFIG_ESCDELAY_MAX)
		return cfg->console.escdelay_ms;
	return (int)ms;
}

/* Reads the recovery store, which the wizard reads only when a recovery
 * screen needs it, so that --check-config reports a broken one. */
static int
check_recovery_store(const struct wizard_backends *b)
{
	struct recovery_enrollment none;
	struct account_key nobody = { .uid = ACCOUNT_UID_NONE };
	struct nvr_error err;
	int rc;

	if (b->recovery.ops == NULL)
		return 0;
	rc = b->recovery.ops->enrollment(b->recovery.state, &nobody, &none,
	    &err);
	if (rc == 0)
		return 0;
	/* Written by the version with one store: good, and brought up to
	 * date when the wizard next starts. */
	if (rc == -ESTALE) {
		printf("%s\n", err.message);
		return 0;
	}
	fprintf(stderr, "%s\n", err.message);
	return EXIT_CONFIG;
}

static void
resume_progress(void *ctx, size_t index, size_t total, const char *label,
    bool skipped)
{
	const char *what = ctx;

	(void)skipped;	/* --resume skips nothing */
	printf("%s, step %zu of %zu: %s\n", what, index + 1, total, label);
	fflush(stdout);
	syslog(LOG_NOTICE, "%s resumed: step %zu of %zu: %s", what,
	    index + 1, total, label);
}

/* --resume: finishes a factory reset whose journal is still in the state
 * folder (a power cut or a crash stopped it), without a terminal. Exit 0
 * when done or when there was nothing to do, 65 for a journal that does
 * not parse or names a path the config does not allow (kept, not
 * executed), 75 when another reset holds the lock,
 * 74 when a step failed (kept: run again). */
static int
resume_reset(const struct config *cfg, struct wizard_backends *b)
{
	struct reset_journal_status status;
	const char *what = "factory reset";
	struct nvr_error err;
	int rc;

	if (!reset_journal_pending(cfg->state_dir)) {
		printf("no unfinished factory reset in %s\n", cfg->state_dir);
		return 0;
	}
	/* The reset button's password reset is journaled too: named as
	 * what it is. */
	if (factory_reset_pending(b->reset, &status, &err) == 0 &&
	    status.passwords_only)
		what = "password reset";
	syslog(LOG_NOTICE, "finishing an interrupted %s", what);
	rc = factory_reset_finish(b->reset, resume_progress, (void *)what,
	    &err);
	if (rc == 0) {
		printf("%s finished\n", what);
		syslog(LOG_NOTICE, "%s finished", what);
		return 0;
	}
	fprintf(stderr, "nvr-recovery: %s\n", err.message);
	if (rc == -EPERM)
		fprintf(stderr, "nvr-recovery: nothing was run; start the "
		    "wizard on the recorder's console to finish the reset "
		    "without the steps it may no longer touch\n");
	syslog(LOG_ERR, "%s not finished: %s", what, err.message);
	return rc == -EBADMSG || rc == -EPERM ? EXIT_DATAERR :
	    rc == -EBUSY ? EXIT_TEMPFAIL : EXIT_IOERR;
}

/* Prints what one answer costs on this device at the config's settings,
 * so an integrator can tune answer_cost for the NVR's CPU. */
static int
measure_kdf(const struct config *cfg, const struct wizard_backends *b)
{
	const struct recovery_settings *settings;
	double times[3], t;

	if (b->recovery.ops == NULL) {
		fprintf(stderr, "%s: no recovery: section, nothing to "
		    "measure\n", cfg->diags.file);
		return EXIT_CONFIG;
	}
	settings = b->recovery.ops->settings(b->recovery.state);
	for (int i = 0; i < 3; i++) {
		if (answer_measure(&settings->cost, &times[i]) != 0) {
			fprintf(stderr, "nvr-recovery: hashing failed (out of "
			    "memory?)\n");
			return EXIT_SOFTWARE;
		}
	}
	/* The median of three: one slow run (a cold cache) is ignored. */
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < 2 - i; k++)
			if (times[k] > times[k + 1]) {
				t = times[k];
				times[k] = times[k + 1];
				times[k + 1] = t;
			}
	printf("argon2id, %llu passes over %zu KiB: %.3f s per answer "
	    "(median of 3)\n%d questions: about %.1f s to enroll or to check "
	    "them\n", settings->cost.ops, settings->cost.memory_bytes / 1024,
	    times[1], settings->question_count,
	    times[1] * settings->question_count);
	return 0;
}

static int
list_ports(void)
{
	struct nvr_error err;
	int n = port_list(stdout, &err);

	if (n < 0) {
		fprintf(stderr, "nvr-recovery: %s\n", err.message);
		return EXIT_IOERR;
	}
	if (n == 0)
		printf("no serial ports found\n");
	return 0;
}

/* --port: the line set up from the options and the console: section
 * into SETTINGS. Returns the fd, or -1 with *CODE the exit status (66:
 * no such port, 74: cannot be used or busy, 78: a setting the port
 * cannot take). */
static int
open_port(const struct options *opt, struct config *cfg,
    struct port_settings *settings, int *code)
{
	struct nvr_error err;
	int fd, rc;

	*settings = (struct port_settings){
		.baud = opt->baud != 0 ? opt->baud : cfg->console.baud,
		.parity = strcmp(cfg->console.parity, "odd") == 0 ?
		    PORT_PARITY_ODD : strcmp(cfg->console.parity, "even") == 0 ?
		    PORT_PARITY_EVEN : PORT_PARITY_NONE,
		.flow = strcmp(cfg->console.flow_control, "xonxoff") == 0 ?
		    PORT_FLOW_XONXOFF : strcmp(cfg->console.flow_control,
		    "rtscts") == 0 ? PORT_FLOW_RTSCTS : PORT_FLOW_NONE,
	};
	if (!port_baud_ok(settings->baud)) {
		struct config_section console = { .doc = &cfg->doc,
		    .name = "console", .map = document_lookup(&cfg->doc,
		    document_root(&cfg->doc), "console", NULL) };

		config_section_error(&console, "baud", "%d is not a speed a "
		    "serial port can use (e.g. 9600, 115200)", settings->baud);
		diag_print(&cfg->diags, stderr);
		*code = EXIT_CONFIG;
		return -1;
	}
	rc = port_open(opt->port_path, settings, &fd, &err);
	if (rc != 0) {
		fprintf(stderr, "nvr-recovery: %s\n", err.message);
		*code = rc == -ENOENT ? EXIT_NOINPUT : EXIT_IOERR;
		return -1;
	}
	/* The laptop's terminal, not the one this was started from. */
	setenv("TERM", opt->term != NULL ? opt->term : "vt100", 1);
	return fd;
}

/* The console the event log names: the serial port or terminal as
 * /dev names it without "/dev/" (ttyS0, tty1, pts/3), "boot" for the
 * reset resumed at start. */
static void
start_audit(const struct options *opt, const struct config *cfg)
{
	struct audit_settings settings = { .log = cfg->audit.log,
	    .max_kib = cfg->audit.max_kib };
	const char *console = opt->verb == VERB_RESUME ? "boot" :
	    opt->verb == VERB_WATCH_BUTTON ? "button" :
	    opt->port_path != NULL ? opt->port_path :
	    opt->tty_path != NULL ? opt->tty_path : ttyname(STDIN_FILENO);

	if (console == NULL)
		console = "console";
	else if (strncmp(console, "/dev/", 5) == 0)
		console += 5;
	audit_start(cfg->state_dir, &settings, console);
}

static int
run(const struct options *opt)
{
	struct config cfg;
	struct wizard_backends b;
	struct screen_handoff handoff = { .held = HELD_NONE };
	struct screen_lock lock = { .name = "" };
	struct screen_context context = { .handoff = &handoff,
	    .lock = &lock };
	struct term_options term_opt = { .tty_path = opt->tty_path };
	struct nvr_error err;
	int code = 0;

	if (wizard_backends_open(opt->config_path, &cfg, &b) != 0)
		return EXIT_CONFIG;
	if (opt->verb == VERB_CHECK_CONFIG) {
		printf("%s: ok (device: %s", opt->config_path,
		    config_section_string(&cfg.device, "backend"));
		for (size_t i = 0; i < cfg.store_count; i++)
			printf("%s%s%s%s%s", i == 0 ? ", accounts: " : ", ",
			    config_section_string(&cfg.stores[i].section,
			    "backend"), cfg.store_count > 1 ? " (" : "",
			    cfg.store_count > 1 ? cfg.stores[i].id : "",
			    cfg.store_count > 1 ? ")" : "");
		if (b.recovery.ops != NULL)
			printf(", recovery: %s", config_section_string(
			    &cfg.recovery, "backend"));
		if (b.provisioned)
			printf(", support: key set %u%s", b.device_keys.key_id,
			    b.device_keys.demo ? " (demo)" : "");
		if (cfg.button.present)
			printf(", button: %s", cfg.button.gpio ? "gpio" :
			    "evdev");
		if (cfg.button.present && cfg.button.gpio)
			printf(" %s %s", cfg.button.chip, cfg.button.line);
		else if (cfg.button.present)
			printf(" %s", cfg.button.key);
		printf(")\n");
		/* The button bypasses what Factory reset asks: said, not
		 * refused (a vendor may want both ways). */
		if (cfg.button.present && !cfg.button.proof &&
		    cfg.reset.proofs != 0)
			printf("%s: note: the reset button needs no proof "
			    "(button.proof: false) while Factory reset asks for "
			    "one (reset.proof)\n", opt->config_path);
		code = check_recovery_store(&b);
		wizard_backends_close(&cfg, &b);
		return code;
	}

	start_audit(opt, &cfg);
	if (opt->verb == VERB_RESUME) {
		code = resume_reset(&cfg, &b);
		wizard_backends_close(&cfg, &b);
		return code;
	}
	if (opt->verb == VERB_WATCH_BUTTON) {
		code = button_watch_run(&cfg, &b);
		wizard_backends_close(&cfg, &b);
		return code;
	}
	if (opt->verb == VERB_MEASURE_KDF) {
		code = measure_kdf(&cfg, &b);
		wizard_backends_close(&cfg, &b);
		return code;
	}
	wizard_backends_migrate(&cfg, &b);
	wizard_backends_context(&cfg, &b, &context, utf8_wanted(&cfg));
	term_opt.escdelay_ms = escdelay_ms(&cfg);
	term_opt.monochrome = monochrome_wanted(&cfg);
	if (opt->port_path != NULL) {
		struct port_settings settings;

		term_opt.serial = true;
		term_opt.port_fd = open_port(opt, &cfg, &settings, &code);
		term_opt.xonxoff = settings.flow == PORT_FLOW_XONXOFF;
		if (term_opt.port_fd < 0) {
			wizard_backends_close(&cfg, &b);
			return code;
		}
	}
	code = term_begin(&term_opt, &err);
	if (code != 0) {
		fprintf(stderr, "nvr-recovery: %s\n", err.message);
		port_close();
		wizard_backends_close(&cfg, &b);
		return code == -ENOENT ? EXIT_NOINPUT : EXIT_IOERR;
	}
	secret_init(&handoff.key);
	code = wizard_run(&context, cfg.console.idle_timeout_s,
	    cfg.button.present ? cfg.state_dir : NULL);
	screen_handoff_clear(&handoff);
	secret_release(&handoff.key);
	term_end();
	port_close();
	wizard_backends_close(&cfg, &b);
	return code;
}

int
main(int argc, char **argv)
{
	struct options opt;

	harden_process(EXIT_IOERR);
	if (sodium_init() < 0) {
		fprintf(stderr, "nvr-recovery: cannot start libsodium\n");
		return EXIT_SOFTWARE;
	}
	setlocale(LC_ALL, "");
	/* Answers and questions are UTF-8 whatever the NVR's locale says
	 * (often none: C); glibc always has C.UTF-8. Whether the terminal
	 * shows UTF-8 is another matter: the user's locale says that. */
	locale_was_utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0 &&
	    setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		fprintf(stderr, "nvr-recovery: no UTF-8 locale (C.UTF-8): "
		    "letters outside ASCII will show as '?'\n");
	audit_open();
	if (parse_options(argc, argv, &opt) != 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	switch (opt.verb) {
	case VERB_HELP:
		usage(stdout);
		return 0;
	case VERB_VERSION:
		printf("nvr-recovery %s\n", NVR_VERSION);
		return 0;
	case VERB_LIST_PORTS:
		return list_ports();
	default:
		return run(&opt);
	}
	return EXIT_SOFTWARE;	/* not reached */
}
