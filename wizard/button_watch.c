/*
 * button_watch.c: the reset button's watcher (button_watch.h). One loop:
 * decide what a release asked for once its debounce time is over, show
 * on the LED what a release now would ask for, wait for the device or
 * for the next moment either of those can change, read what the device
 * sent. A device that is not there (yet, or any more) is tried again
 * once a second. The consoles' wizards learn what letting go now would
 * do from the state folder (backends/button/announce.h).
 */
#include "wizard/button_watch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "backends/audit.h"
#include "backends/button/announce.h"
#include "backends/button/evdev.h"
#include "backends/button/evdev_lib.h"
#include "backends/button/gpio.h"
#include "backends/button/gpiod_lib.h"
#include "backends/button/hold.h"
#include "backends/reset/factory_reset.h"

#define RETRY_MS 1000		/* a missing device is looked for again */
#define SLOW_BLINK_MS 500	/* a release clears the passwords */
#define FAST_BLINK_MS 125	/* a release resets the recorder */

struct watch {
	struct config *cfg;
	struct wizard_backends *b;
	unsigned key;			/* evdev: the key's code */
	int fd;				/* the source; -1 while missing */
	struct libevdev *dev;		/* an input device's, else NULL */
	struct button_evdev ev;
	struct gpiod_chip *chip;	/* gpio: the line's chip, */
	struct gpiod_line *line;	/* the line, requested */
	struct button_gpio gpio;	/* and its edges */
	struct button_hold hold;
	enum button_announce announced;	/* what the consoles were told */
	char max_brightness[16];	/* what the LED takes for on */
	int led_on;			/* last written: 1, 0, -1 not yet */
	bool missing_said;		/* "waiting for the device" logged */
};

static volatile sig_atomic_t stop_signal;

static void
on_stop(int sig)
{
	stop_signal = sig;
}

static int64_t
boot_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------------ */
/* The LED                                                             */

/* The LED's full brightness, from max_brightness beside its brightness
 * file (the kernel's LED class); "1" when there is none. */
static void
led_init(struct watch *w)
{
	const char *led = w->cfg->button.led;
	char path[4096];
	const char *slash;
	ssize_t n;
	int fd;

	snprintf(w->max_brightness, sizeof(w->max_brightness), "1");
	w->led_on = -1;
	if (led == NULL || (slash = strrchr(led, '/')) == NULL)
		return;
	snprintf(path, sizeof(path), "%.*s/max_brightness",
	    (int)(slash - led), led);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, w->max_brightness, sizeof(w->max_brightness) - 1);
	close(fd);
	if (n <= 0 || strspn(w->max_brightness, "0123456789") == 0) {
		snprintf(w->max_brightness, sizeof(w->max_brightness), "1");
		return;
	}
	w->max_brightness[strspn(w->max_brightness, "0123456789")] = '\0';
}

static void
led_set(struct watch *w, int on)
{
	const char *value = on ? w->max_brightness : "0";
	int fd;

	if (w->cfg->button.led == NULL || on == w->led_on)
		return;
	fd = open(w->cfg->button.led, O_WRONLY | O_TRUNC | O_CLOEXEC |
	    O_NOCTTY);
	if (fd < 0 || write(fd, value, strlen(value)) < 0) {
		/* Said once; the button works without its LED. */
		if (w->led_on != -2)
			syslog(LOG_WARNING, "cannot light the button's LED "
			    "(%s): %s", w->cfg->button.led, strerror(errno));
		w->led_on = -2;
	} else {
		w->led_on = on;
	}
	if (fd >= 0)
		close(fd);
}

/* What letting go at NOW would do (a bounce still counts as held). */
static enum button_announce
letting_go(const struct watch *w, int64_t now)
{
	switch (button_hold_reached(&w->hold, now)) {
	case BUTTON_TIER_PASSWORD:
		return BUTTON_ANNOUNCE_PASSWORD;
	case BUTTON_TIER_FACTORY:
		return BUTTON_ANNOUNCE_FACTORY;
	default:
		break;
	}
	if (w->hold.state == BUTTON_UP || w->hold.unmeasured)
		return BUTTON_ANNOUNCE_UP;
	/* Let go (a bounce, maybe): held until then, not until now. */
	if (w->hold.state == BUTTON_LET_GO)
		now = w->hold.up_ms;
	return now - w->hold.down_ms < w->hold.tiers.password_ms ?
	    BUTTON_ANNOUNCE_HELD : BUTTON_ANNOUNCE_TOO_LONG;
}

/* Tells the consoles' wizards A, when it is news. */
static void
announce(struct watch *w, enum button_announce a)
{
	struct nvr_error err;

	if (a == w->announced)
		return;
	if (button_announce_write(w->cfg->state_dir, a, &err) != 0)
		syslog(LOG_WARNING, "the consoles cannot be told the button "
		    "is held: %s", err.message);
	w->announced = a;
}

/* The LED and the consoles at NOW: on while held, blinking slowly once
 * a release would clear the passwords, fast once it would reset the
 * recorder, off past the longest hold. Returns the ms until the LED
 * changes, or -1. */
static int64_t
show(struct watch *w, int64_t now)
{
	enum button_announce a = letting_go(w, now);
	int64_t period;

	announce(w, a);
	if (a == BUTTON_ANNOUNCE_UP || a == BUTTON_ANNOUNCE_HELD ||
	    a == BUTTON_ANNOUNCE_TOO_LONG) {
		led_set(w, a == BUTTON_ANNOUNCE_HELD);
		return -1;
	}
	period = a == BUTTON_ANNOUNCE_PASSWORD ? SLOW_BLINK_MS :
	    FAST_BLINK_MS;
	led_set(w, (now / period) % 2 == 0);
	return w->cfg->button.led != NULL ? period - now % period : -1;
}

/* ------------------------------------------------------------------ */
/* The device                                                          */

/* EVIOCGKEY: whether the key is down now (after records were lost). */
static int
key_down_now(void *ctx, bool *down)
{
	const struct watch *w = ctx;
	unsigned char bits[KEY_MAX / 8 + 1];

	memset(bits, 0, sizeof(bits));
	if (ioctl(w->fd, EVIOCGKEY(sizeof(bits)), bits) < 0)
		return -errno;
	*down = (bits[w->key / 8] >> (w->key % 8)) & 1;
	return 0;
}

static void
close_source(struct watch *w)
{
	if (w->dev != NULL)
		libevdev_free(w->dev);
	w->dev = NULL;
	if (w->line != NULL)
		gpiod_line_release(w->line);	/* closes its descriptor */
	else if (w->fd >= 0)
		close(w->fd);
	if (w->chip != NULL)
		gpiod_chip_close(w->chip);
	w->line = NULL;
	w->chip = NULL;
	w->fd = -1;
}

/* The GPIO line, requested for both edges. Returns 0, -ENOENT (no such
 * chip yet: try again later), or -EINVAL (said). */
static int
open_gpio(struct watch *w, int64_t now)
{
	const struct button_config *bc = &w->cfg->button;
	int flags = bc->active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
	char *end;
	long offset = strtol(bc->line, &end, 10);
	int fd;

	w->chip = gpiod_chip_open_lookup(bc->chip);
	if (w->chip == NULL) {
		if (errno == ENOENT || errno == ENODEV)
			return -ENOENT;
		config_section_error(&bc->section, "chip", "cannot open GPIO "
		    "chip %s: %s", bc->chip, strerror(errno));
		return -EINVAL;
	}
	w->line = *end == '\0' && end != bc->line && offset >= 0 ?
	    gpiod_chip_get_line(w->chip, (unsigned)offset) :
	    gpiod_chip_find_line(w->chip, bc->line);
	if (w->line == NULL) {
		config_section_error(&bc->section, "line", "GPIO chip %s has "
		    "no line %s", gpiod_chip_name(w->chip), bc->line);
		return -EINVAL;
	}
	if (gpiod_line_request_both_edges_events_flags(w->line,
	    "nvr-recovery", flags) != 0) {
		int e = errno;

		config_section_error(&bc->section, "line", "line %s of %s "
		    "cannot be watched: %s%s", bc->line, gpiod_chip_name(
		    w->chip), strerror(e), e == EBUSY ? " (a driver such as "
		    "gpio-keys has it: use backend evdev)" : "");
		w->line = NULL;
		return -EINVAL;
	}
	fd = gpiod_line_event_get_fd(w->line);
	if (fd < 0 || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
	    != 0) {
		config_section_error(&bc->section, "line", "line %s of %s "
		    "gives no events: %s", bc->line, gpiod_chip_name(w->chip),
		    strerror(errno));
		return -EINVAL;
	}
	w->fd = fd;
	button_gpio_init(&w->gpio, fd);
	/* Held at power-on: counted from when the watcher starts. */
	if (gpiod_line_get_value(w->line) == 1) {
		button_hold_press(&w->hold, now);
		syslog(LOG_NOTICE, "the reset button is held as the watcher "
		    "starts: counting from now");
	}
	return 0;
}

/* An input device: the key checked, its clock the boot clock, a key
 * already down counted from now. Returns 0, or -EINVAL (said). */
static int
setup_input(struct watch *w, int64_t now)
{
	const struct button_config *bc = &w->cfg->button;
	int rc = libevdev_new_from_fd(w->fd, &w->dev);

	if (rc < 0) {
		config_section_error(&bc->section, "device", "%s is not an "
		    "input device: %s", bc->device, strerror(-rc));
		return -EINVAL;
	}
	if (!libevdev_has_event_code(w->dev, EV_KEY, w->key)) {
		config_section_error(&bc->section, "key", "%s (%s) has no key "
		    "%s", bc->device, libevdev_get_name(w->dev), bc->key);
		return -EINVAL;
	}
	rc = libevdev_set_clock_id(w->dev, CLOCK_BOOTTIME);
	if (rc < 0) {
		config_section_error(&bc->section, "device", "%s cannot give "
		    "its events the boot clock's time: %s", bc->device,
		    strerror(-rc));
		return -EINVAL;
	}
	/* Held at power-on: counted from when the watcher starts. */
	if (libevdev_get_event_value(w->dev, EV_KEY, w->key) == 1) {
		button_hold_press(&w->hold, now);
		syslog(LOG_NOTICE, "the reset button is held as the watcher "
		    "starts: counting from now");
	}
	w->ev.key_down = key_down_now;
	w->ev.key_down_ctx = w;
	return 0;
}

/* Opens the source. Returns 0, -ENOENT (not there: try again later), or
 * -EINVAL for what the config names wrongly (said). */
static int
open_source(struct watch *w, int64_t now)
{
	const struct button_config *bc = &w->cfg->button;
	struct stat st;
	int fd, rc;

	if (bc->gpio) {
		rc = open_gpio(w, now);
		if (rc != 0)
			close_source(w);
		return rc;
	}
	fd = open(bc->device, O_RDONLY | O_NONBLOCK | O_CLOEXEC |
	    O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
			return -ENOENT;
		config_section_error(&bc->section, "device", "cannot open %s: "
		    "%s", bc->device, strerror(errno));
		return -EINVAL;
	}
	if (fstat(fd, &st) != 0 || (!S_ISCHR(st.st_mode) &&
	    !S_ISFIFO(st.st_mode))) {
		close(fd);
		config_section_error(&bc->section, "device", "%s is not an "
		    "input device or a FIFO", bc->device);
		return -EINVAL;
	}
	if (S_ISFIFO(st.st_mode)) {
		/* Read and write: a FIFO without a writer then waits
		 * instead of ending at once (Linux). */
		close(fd);
		fd = open(bc->device, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			return -ENOENT;
	}
	w->fd = fd;
	button_evdev_init(&w->ev, fd, w->key);
	if (S_ISCHR(st.st_mode) && setup_input(w, now) != 0) {
		close_source(w);
		return -EINVAL;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* What a release asks for                                             */

static void
progress(void *ctx, size_t index, size_t total, const char *label,
    bool skipped)
{
	(void)ctx;
	syslog(LOG_NOTICE, "reset button: step %zu of %zu%s: %s", index + 1,
	    total, skipped ? " (left out)" : "", label);
}

/* Logs that the hold's TIER was not started, and WHY. */
static void
not_started(enum button_tier tier, long held_s, const char *why)
{
	char line[sizeof(((struct nvr_error *)0)->message) + 64];

	snprintf(line, sizeof(line), "%s not started: %s",
	    tier == BUTTON_TIER_PASSWORD ? "password reset" : "factory reset",
	    why);
	audit_log(AUDIT_BUTTON_IGNORED, NULL, held_s, line);
}

/* button.proof: whether a recovery request made on the Support screen
 * is pending (support has been asked); if not, that is logged. */
static bool
request_pending(struct watch *w, enum button_tier tier, long held_s)
{
	struct nvr_error err = { "" };
	size_t count = 0;
	int rc = wizard_backends_pending_requests(w->cfg, &count, &err);

	if (rc == 0 && count > 0)
		return true;
	not_started(tier, held_s, rc != 0 ? err.message : "no support "
	    "request is pending (button.proof)");
	return false;
}

static void
act(struct watch *w, enum button_tier tier)
{
	struct factory_reset *r = w->b->reset;
	long held_s = (long)((w->hold.up_ms - w->hold.down_ms) / 1000);
	struct nvr_error err = { "" };
	char detail[64];
	size_t total;
	int rc;

	/* Let go: the consoles stop saying what letting go would do. */
	led_set(w, 0);
	announce(w, BUTTON_ANNOUNCE_UP);
	if (tier == BUTTON_TIER_FACTORY && !w->cfg->reset.present) {
		audit_log(AUDIT_BUTTON_IGNORED, NULL, held_s, "factory reset: "
		    "the config has no reset: section");
		return;
	}
	if (w->cfg->button.proof && !request_pending(w, tier, held_s))
		return;
	if (tier == BUTTON_TIER_PASSWORD) {
		rc = factory_reset_start_passwords(r, &total, &err);
	} else {
		rc = factory_reset_start(r, &total, &err);
	}
	if (rc != 0) {
		not_started(tier, held_s, rc == -EEXIST ? "an unfinished reset "
		    "must be finished first (nvr-recovery --resume)" :
		    err.message);
		return;
	}
	/* In the logs before the first change, as from the screen; the
	 * passwords' line once they are cleared. */
	snprintf(detail, sizeof(detail), "the reset button, held %ld s",
	    held_s);
	if (tier == BUTTON_TIER_PASSWORD)
		syslog(LOG_WARNING, "reset button held %ld s: clearing the "
		    "administrators' passwords", held_s);
	else
		audit_log(AUDIT_RESET_STARTED, NULL, 0, detail);
	rc = factory_reset_finish(r, progress, NULL, &err);
	if (rc != 0) {
		audit_log(AUDIT_RESET_FAILED, NULL, 0, err.message);
		return;
	}
	if (tier == BUTTON_TIER_PASSWORD) {
		audit_log(AUDIT_BUTTON_PASSWORDS, NULL, held_s, NULL);
		return;
	}
	audit_log(AUDIT_RESET_FINISHED, NULL, 0, NULL);
	rc = factory_reset_restart(r, &err);
	if (rc != 0 && rc != -ENOENT)
		syslog(LOG_ERR, "reset button: the recorder did not restart: "
		    "%s", err.message);
}

/* ------------------------------------------------------------------ */
/* The loop                                                            */

/* "device /dev/input/...", "GPIO line 17 of gpiochip0": for the log. */
static const char *
source_name(const struct watch *w)
{
	static char name[512];
	const struct button_config *bc = &w->cfg->button;

	if (bc->gpio)
		snprintf(name, sizeof(name), "GPIO line %s of %s", bc->line,
		    bc->chip);
	else
		snprintf(name, sizeof(name), "device %s", bc->device);
	return name;
}

/* Reads what the source sent, acting on each hold it ends. False when
 * the source is gone. */
static bool
read_source(struct watch *w)
{
	enum button_tier tier;
	int rc;

	while ((rc = w->line != NULL ?
	    button_gpio_read(&w->gpio, &w->hold, &tier) :
	    button_evdev_read(&w->ev, &w->hold, &tier)) == 1)
		act(w, tier);
	if (rc == 0)
		return true;
	syslog(LOG_WARNING, "the reset button's %s %s; waiting for it",
	    source_name(w), rc == -ENODEV ? "is gone" : strerror(-rc));
	close_source(w);
	return false;
}

/* The ms to wait at NOW: until a debounce ends, a tier is reached or
 * the LED blinks; -1: until the device sends something. */
static int
wait_ms(struct watch *w, int64_t now)
{
	int64_t hold = button_hold_next_ms(&w->hold, now);
	int64_t led = show(w, now);
	int64_t ms = hold < 0 ? led : led < 0 ? hold :
	    hold < led ? hold : led;

	if (w->fd < 0)
		return RETRY_MS;
	return ms < 0 ? -1 : ms > 60000 ? 60000 : (int)ms;
}

static int
key_code(struct watch *w)
{
	const struct button_config *bc = &w->cfg->button;
	struct nvr_error err;
	int code;

	if (bc->gpio) {
		if (gpiod_lib_load(&err) == 0)
			return 0;
		fprintf(stderr, "nvr-recovery: %s\n", err.message);
		return -1;
	}
	if (evdev_lib_load(&err) != 0) {
		fprintf(stderr, "nvr-recovery: %s\n", err.message);
		return -1;
	}
	code = libevdev_event_code_from_name(EV_KEY, bc->key);
	if (code < 0 || (strncmp(bc->key, "KEY_", 4) != 0 &&
	    strncmp(bc->key, "BTN_", 4) != 0)) {
		config_section_error(&bc->section, "key", "%s is not a key's "
		    "name (KEY_RESTART, KEY_POWER, BTN_0, ...: see "
		    "linux/input-event-codes.h)", bc->key);
		return -1;
	}
	w->key = (unsigned)code;
	return 0;
}

int
button_watch_run(struct config *cfg, struct wizard_backends *b)
{
	struct watch w = { .cfg = cfg, .b = b, .fd = -1 };
	struct sigaction sa = { .sa_handler = on_stop };
	sigset_t stops, waiting;
	bool opened = false;	/* once: a problem later is retried */
	struct button_tiers tiers = {
		.password_ms = cfg->button.password_ms,
		.factory_ms = cfg->button.factory_ms,
		.ignore_after_ms = cfg->button.ignore_after_ms,
		.debounce_ms = cfg->button.debounce_ms,
	};

	/* The unit is enabled on every recorder: one without a button
	 * has nothing to do, and that is no failure. */
	if (!cfg->button.present) {
		printf("%s: no button: section; no reset button to watch\n",
		    cfg->diags.file);
		return 0;
	}
	if (key_code(&w) != 0) {
		diag_print(&cfg->diags, stderr);
		return BUTTON_WATCH_CONFIG;
	}
	/* Blocked but in ppoll: a stop is seen there at once, never lost
	 * just before it, and never cuts a reset's step short (EINTR). */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	sigprocmask(SIG_BLOCK, &stops, &waiting);
	sigdelset(&waiting, SIGTERM);
	sigdelset(&waiting, SIGINT);
	button_hold_init(&w.hold, &tiers);
	led_init(&w);
	/* A line a watcher killed while the button was held left. */
	if (mkdir(cfg->state_dir, 0700) != 0 && errno != EEXIST)
		syslog(LOG_WARNING, "cannot make %s: %s", cfg->state_dir,
		    strerror(errno));
	w.announced = BUTTON_ANNOUNCE_HELD;
	announce(&w, BUTTON_ANNOUNCE_UP);
	syslog(LOG_NOTICE, "watching the reset button (%s, %s): %lld s "
	    "clears the passwords, %lld s resets the recorder",
	    source_name(&w), cfg->button.gpio ? "gpio" : cfg->button.key,
	    (long long)tiers.password_ms / 1000,
	    (long long)tiers.factory_ms / 1000);
	while (stop_signal == 0) {
		int64_t now = boot_ms();
		enum button_tier tier;
		struct timespec timeout;
		struct pollfd p;
		int rc, ms;

		if (w.fd < 0) {
			rc = open_source(&w, now);
			/* A config it cannot use is said at start (78: not
			 * restarted); a device that comes back wrong later
			 * (another keyboard) is said and tried again. */
			if (rc == -EINVAL && !opened)
				break;
			if (rc == -EINVAL)
				diag_print(&cfg->diags, stderr);
			diag_clear(&cfg->diags);
			if (rc != 0 && !w.missing_said)
				syslog(LOG_WARNING, "the reset button's %s is not "
				    "there; waiting for it", source_name(&w));
			w.missing_said = rc != 0;
			opened = opened || rc == 0;
		}
		/* What the device has queued first: a press already there
		 * is a bounce, whatever time the loop took to get here. */
		if (w.fd >= 0)
			read_source(&w);
		tier = button_hold_tick(&w.hold, boot_ms());
		if (tier != BUTTON_TIER_NONE)
			act(&w, tier);
		p = (struct pollfd){ .fd = w.fd, .events = POLLIN };
		ms = wait_ms(&w, boot_ms());
		if (ms >= 0)
			timeout = (struct timespec){ .tv_sec = ms / 1000,
			    .tv_nsec = (long)(ms % 1000) * 1000000 };
		ppoll(&p, w.fd >= 0 ? 1 : 0, ms >= 0 ? &timeout : NULL,
		    &waiting);
	}
	if (stop_signal == 0) {
		diag_print(&cfg->diags, stderr);
		led_set(&w, 0);
		announce(&w, BUTTON_ANNOUNCE_UP);
		return BUTTON_WATCH_CONFIG;
	}
	led_set(&w, 0);
	announce(&w, BUTTON_ANNOUNCE_UP);
	close_source(&w);
	syslog(LOG_NOTICE, "stopped watching the reset button");
	return 0;
}
