/*
 * term.c: curses start-up and teardown, input, signals.
 *
 * Invariants:
 * 1. The signal handlers write one sig_atomic_t and nothing else. The
 *    signals stay blocked except inside ppoll(), so one that arrives
 *    between the check of the flag and the wait still wakes the wait.
 * 2. term_end() is safe to call at any time, any number of times.
 * 3. Keys are read as raw bytes (raw mode, no curses keypad decoding) and
 *    decoded by tui/keys.c, so every terminal's sequences are handled the
 *    same way and noise is dropped whole.
 * 4. Input is read through a 1x1 pad: wgetch() refreshes an ordinary
 *    window first (even a fresh, empty one, which would blank the cell it
 *    covers), but never a pad.
 * 5. While the view drawn shows a secret (view.secret_shown), nothing
 *    clears the screen before it is blanked in place: a clear (Ctrl-L, a
 *    resize, the end) moves the screen into the history of a terminal
 *    without an alternate screen (vt100 on a serial line, under tmux,
 *    screen or PuTTY), where a recovery key would stay for the next
 *    person to scroll back to.
 */
#include "tui/term.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tui/draw.h"
#include "tui/theme.h"
#include "tui/view.h"

#define HELD_STDERR_MAX (64L * 1024)
#define SIZE_ANSWER_MS 30000	/* a size question expires (a slow line, a busy laptop) */
#define SIZE_PART_MS 1000	/* the rest of a split size answer */
#define SIZE_POLL_MS 3000	/* too small on a serial line: ask again
				 * this often (the laptop's window may have
				 * grown; nothing tells us) */
#define SIZE_POLL_MAX 20	/* questions left unanswered before the
				 * asking stops (until Ctrl-L) */
#define SIZE_ROWS_MAX 200	/* larger reports are drawn in this much */
#define SIZE_COLS_MAX 400

static volatile sig_atomic_t pending_signal;

static int64_t now_ms(void);

static struct {
	bool active;
	SCREEN *screen;
	FILE *in, *out;		/* for --tty; NULL on standard streams */
	int in_fd;
	bool serial;		/* on a serial line: no SIGWINCH, no size
				 * from the kernel; ask the terminal */
	int64_t size_asked_ms;	/* when a size question went out; only its
				 * answer within SIZE_ANSWER_MS may resize
				 * (line noise must not); 0: none out */
	int64_t size_polled_ms;	/* when the last size question went out */
	int size_polls_unanswered;	/* asked while too small, with no
					 * answer since */
	bool xonxoff;		/* the line's flow control is XON/XOFF */
	int key_gap_ms;		/* how long the next key of a burst may
				 * take to come: 3 characters' time on a
				 * serial line, 0 elsewhere */
	WINDOW *input;
	int escdelay_ms;
	int saved_stderr;	/* -1 if standard error is not held */
	int held_stderr;
	struct keys_decoder decoder;
	struct sigaction old_actions[3];
	sigset_t old_mask;	/* the mask before term_begin */
	sigset_t wait_mask;	/* the mask while waiting: ours unblocked */
} term = { .in_fd = -1, .saved_stderr = -1, .held_stderr = -1 };

static const int exit_signals[3] = { SIGINT, SIGTERM, SIGHUP };

static void
on_exit_signal(int sig)
{
	pending_signal = sig;
}

static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_exit_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal must wake the wait at once. */
	for (int i = 0; i < 3; i++)
		sigaction(exit_signals[i], &sa, &term.old_actions[i]);
}

/* Blocks our signals and curses' SIGWINCH outside ppoll(). */
static void
block_signals(void)
{
	sigset_t block;

	sigemptyset(&block);
	for (int i = 0; i < 3; i++)
		sigaddset(&block, exit_signals[i]);
	sigaddset(&block, SIGWINCH);
	sigprocmask(SIG_BLOCK, &block, &term.old_mask);
	term.wait_mask = term.old_mask;
	for (int i = 0; i < 3; i++)
		sigdelset(&term.wait_mask, exit_signals[i]);
	sigdelset(&term.wait_mask, SIGWINCH);
}

static void
restore_signals(void)
{
	for (int i = 0; i < 3; i++)
		sigaction(exit_signals[i], &term.old_actions[i], NULL);
	sigprocmask(SIG_SETMASK, &term.old_mask, NULL);
}

/* Sends standard error to an unnamed temporary file until term_end. */
static void
hold_stderr(void)
{
	int fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd < 0) {
		char name[] = "/tmp/nvr-recovery-stderr-XXXXXX";
		fd = mkostemp(name, O_CLOEXEC);
		if (fd < 0)
			return;	/* unheld is better than not starting */
		unlink(name);
	}
	fflush(stderr);
	term.saved_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (term.saved_stderr < 0 || dup2(fd, STDERR_FILENO) < 0) {
		if (term.saved_stderr >= 0)
			close(term.saved_stderr);
		term.saved_stderr = -1;
		close(fd);
		return;
	}
	term.held_stderr = fd;
}

static void
release_stderr(void)
{
	char buf[4096];
	size_t total = 0;
	ssize_t n;

	if (term.saved_stderr < 0)
		return;
	fflush(stderr);
	dup2(term.saved_stderr, STDERR_FILENO);
	close(term.saved_stderr);
	term.saved_stderr = -1;
	if (lseek(term.held_stderr, 0, SEEK_SET) == 0) {
		while (total < HELD_STDERR_MAX &&
		    (n = read(term.held_stderr, buf, sizeof(buf))) > 0) {
			if (write(STDERR_FILENO, buf, (size_t)n) != n)
				break;
			total += (size_t)n;
		}
	}
	close(term.held_stderr);
	term.held_stderr = -1;
}

static int
open_tty(const char *path, struct nvr_error *err)
{
	int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	int out_fd;

	if (fd < 0)
		return nvr_error_set(err, -errno, "cannot open %s: %s", path,
		    strerror(errno));
	if (!isatty(fd)) {
		close(fd);
		return nvr_error_set(err, -ENOTTY, "%s is not a terminal",
		    path);
	}
	out_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	term.in = out_fd >= 0 ? fdopen(fd, "r") : NULL;
	term.out = term.in != NULL ? fdopen(out_fd, "w") : NULL;
	if (term.out == NULL) {
		int saved = errno;
		if (term.in != NULL)
			fclose(term.in);	/* closes fd */
		else
			close(fd);
		if (out_fd >= 0)
			close(out_fd);
		term.in = NULL;
		return nvr_error_set(err, -saved, "cannot use %s: %s", path,
		    strerror(saved));
	}
	return 0;
}

/* Streams over the serial line FD (which port.c keeps open). */
static int
open_port_streams(int fd, struct nvr_error *err)
{
	int in_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	int out_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);

	term.in = in_fd >= 0 ? fdopen(in_fd, "r") : NULL;
	term.out = term.in != NULL && out_fd >= 0 ? fdopen(out_fd, "w") : NULL;
	if (term.out == NULL) {
		int saved = errno;

		if (term.in != NULL)
			fclose(term.in);
		else if (in_fd >= 0)
			close(in_fd);
		if (out_fd >= 0)
			close(out_fd);
		term.in = NULL;
		return nvr_error_set(err, -saved, "cannot use the serial line: "
		    "%s", strerror(saved));
	}
	return 0;
}

/* Asks the terminal at the other end of the line where the cursor ends
 * up when sent to row and column 999 (it stops at the last ones): its
 * size. Saves and restores the cursor around the question. */
static void
ask_size(int fd)
{
	static const char question[] = "\0337\033[999;999H\033[6n\0338";

	(void)!write(fd, question, sizeof(question) - 1);
}

/* Clamps a reported size to what is worth drawing (a huge report would
 * make curses allocate for millions of cells). */
static void
clamp_size(int *rows, int *cols)
{
	if (*rows > SIZE_ROWS_MAX)
		*rows = SIZE_ROWS_MAX;
	if (*cols > SIZE_COLS_MAX)
		*cols = SIZE_COLS_MAX;
}

/* Reads the answer to ask_size from FD for up to TIMEOUT_MS; 0 with
 * *ROWS and *COLS, or -1. Keys typed meanwhile are dropped: nobody has
 * seen the screen yet. The bytes go through term.decoder, so an answer
 * cut in two by the timeout is finished by term_next_event, and one
 * that comes late is still taken (the question stays out). */
static int
read_size(int fd, int timeout_ms, int *rows, int *cols)
{
	int64_t deadline = now_ms() + timeout_ms;
	struct keys_event ev;

	keys_init(&term.decoder);
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		unsigned char buf[64];
		int64_t left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			if (!keys_feed(&term.decoder, buf[i], &ev) ||
			    ev.code != KEYS_CURSOR_REPORT)
				continue;
			*rows = (int)(ev.ch >> 16);
			*cols = (int)(ev.ch & 0xffff);
			clamp_size(rows, cols);
			keys_init(&term.decoder);
			return 0;
		}
	}
	term.size_asked_ms = now_ms() - timeout_ms;
	return -1;
}

/* LINES and COLUMNS as curses will read them at start. */
static void
set_size_env(int rows, int cols)
{
	char text[16];

	snprintf(text, sizeof(text), "%d", rows);
	setenv("LINES", text, 1);
	snprintf(text, sizeof(text), "%d", cols);
	setenv("COLUMNS", text, 1);
}

/* A terminfo string capability, or NULL if the terminal has none. */
static const char *
capability(const char *name)
{
	const char *cap = tigetstr(name);

	return cap != NULL && cap != (char *)-1 && cap[0] != '\0' ? cap : NULL;
}

/* Writes one byte of a terminfo string to the terminal, for tputs. */
static int
put_byte(int c)
{
	return putc(c, term.out != NULL ? term.out : stdout);
}

/*
 * Overwrites every row of the terminal with blanks where it is, then asks
 * the terminal to drop its scrollback where terminfo says how (E3, e.g.
 * xterm's and linux's CSI 3 J; vt100 has none, so the blanking is what
 * counts there). See invariant 5. It writes to the terminal directly
 * (curses has sent all it queued: every update ends with a flush), so
 * curses' copy of the screen and of the cursor is stale afterwards: the
 * next update repaints from a clear, which now clears nothing secret.
 */
static void
scrub_secret(void)
{
	const char *cup = capability("cup"), *el = capability("el");
	const char *sgr0 = capability("sgr0"), *e3 = capability("E3");
	FILE *out = term.out != NULL ? term.out : stdout;

	if (sgr0 != NULL)	/* blanks in the terminal's own colours */
		tputs(sgr0, 1, put_byte);
	for (int r = 0; cup != NULL && r < LINES; r++) {
		tputs(tiparm(cup, r, 0), 1, put_byte);
		if (el != NULL) {
			tputs(el, 1, put_byte);
			continue;
		}
		/* The last cell of the last row is left: writing it would
		 * scroll a terminal with automatic margins. */
		for (int c = 0; c < COLS - (r == LINES - 1); c++)
			put_byte(' ');
	}
	if (e3 != NULL)
		tputs(e3, 1, put_byte);
	fflush(out);
	clearok(curscr, TRUE);
}

/* True if the terminal has an alternate screen that endwin leaves. */
static bool
has_alternate_screen(void)
{
	return capability("smcup") != NULL;
}

int
term_begin(const struct term_options *options, struct nvr_error *err)
{
	FILE *in = stdin, *out = stdout;
	const char *term_name;
	int rc, rows = VIEW_MIN_ROWS, cols = VIEW_MIN_COLS;

	if (term.active)
		return 0;
	term.serial = options->serial;
	if (term.serial) {
		rc = open_port_streams(options->port_fd, err);
		if (rc < 0)
			return rc;
		in = term.in;
		out = term.out;
		/* The kernel knows no size for a serial line, and LINES or
		 * COLUMNS describe another terminal: ask the one at the
		 * other end, else 24x80. The answer replaces them (rather
		 * than use_env(FALSE), which would fall back to terminfo,
		 * and TERM=linux has no size there: curses would not
		 * start). */
		term.xonxoff = options->xonxoff;
		ask_size(options->port_fd);
		if (read_size(options->port_fd, 1500, &rows, &cols) != 0) {
			rows = VIEW_MIN_ROWS;
			cols = VIEW_MIN_COLS;
		}
		set_size_env(rows, cols);
	} else if (options->tty_path != NULL) {
		rc = open_tty(options->tty_path, err);
		if (rc < 0)
			return rc;
		in = term.in;
		out = term.out;
	} else if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		return nvr_error_set(err, -ENOTTY, "standard input and output "
		    "must be a terminal (or give --tty DEVICE)");
	}
	term_name = getenv("TERM");
	if (term_name == NULL || term_name[0] == '\0')
		setenv("TERM", "vt100", 1);
	/* A stray LINES or COLUMNS must not override the size the terminal
	 * reports. (use_env(FALSE) would also ignore that report and fall
	 * back to terminfo, which for TERM=linux has no size at all.) */
	if (!term.serial) {
		unsetenv("LINES");
		unsetenv("COLUMNS");
	}
	/* The delays terminfo writes for hardware terminals (vt100's el,
	 * "\E[K$<3>") are never sent to a terminal with XON/XOFF, but
	 * curses counts them as bytes when it chooses how to paint, and
	 * writes six blanks where "\E[K" would do. */
	setenv("NCURSES_NO_PADDING", "1", 0);
	term.screen = newterm(NULL, out, in);
	if (term.screen == NULL) {
		if (term.in != NULL) {
			fclose(term.in);
			fclose(term.out);
			term.in = term.out = NULL;
		}
		return nvr_error_set(err, -EINVAL, "cannot start the terminal "
		    "(TERM=%s unknown?)", getenv("TERM"));
	}
	set_term(term.screen);
	if (term.serial && resizeterm(rows, cols) != OK)
		resizeterm(VIEW_MIN_ROWS, VIEW_MIN_COLS);
	term.in_fd = fileno(in);
	term.active = true;
	term.escdelay_ms = options->escdelay_ms;
	atexit(term_end);
	install_signals();
	block_signals();
	hold_stderr();

	raw();
	noecho();
	nonl();
	if (term.xonxoff) {
		/* raw() turned the line's XON/XOFF off: the laptop's XOFF
		 * must still pause what we send. */
		struct termios t;

		if (tcgetattr(term.in_fd, &t) == 0) {
			t.c_iflag |= IXON | IXOFF;
			tcsetattr(term.in_fd, TCSANOW, &t);
			def_prog_mode();
		}
	}
	curs_set(0);
	keypad(stdscr, FALSE);
	leaveok(stdscr, TRUE);
	theme_init(options->monochrome);
	term.input = newpad(1, 1);
	if (term.input == NULL) {
		term_end();
		return nvr_error_set(err, -ENOMEM, "cannot start the terminal: "
		    "out of memory");
	}
	nodelay(term.input, TRUE);
	/* A paste over a serial line comes a character at a time, at the
	 * line's speed: a frame is held that long for the next key. */
	term.key_gap_ms = term.serial && baudrate() > 0 ?
	    (30000 + baudrate() - 1) / baudrate() : 0;
	if (!term.serial)	/* read_size may have begun a sequence */
		keys_init(&term.decoder);
	return 0;
}

void
term_end(void)
{
	bool secret;

	if (!term.active)
		return;
	term.active = false;
	secret = draw_secret_shown();
	if (secret)
		scrub_secret();
	draw_release();
	/* Without an alternate screen the last picture would stay; after a
	 * scrub, the clear also tells curses where the cursor is. */
	if (secret || !has_alternate_screen()) {
		erase();
		wnoutrefresh(stdscr);
		doupdate();
	}
	curs_set(1);
	endwin();
	if (term.input != NULL)
		delwin(term.input);
	term.input = NULL;
	delscreen(term.screen);
	term.screen = NULL;
	if (term.in != NULL) {
		fclose(term.in);
		fclose(term.out);
		term.in = term.out = NULL;
	}
	restore_signals();
	release_stderr();
}

void
term_discard_input(void)
{
	if (!term.active)
		return;
	flushinp();
	keys_init(&term.decoder);
}

bool
term_input_waiting(void)
{
	struct pollfd pfd = { .fd = term.in_fd, .events = POLLIN };

	if (!term.active)
		return false;
	/* Curses reads a byte at a time: the rest stay in the kernel's
	 * queue, where poll sees them. */
	return keys_pending(&term.decoder) ||
	    (poll(&pfd, 1, term.key_gap_ms) > 0 && (pfd.revents & POLLIN));
}

/* Asks a serial line's terminal for its size, through the stream after
 * what curses has sent. */
static void
ask_size_now(void)
{
	if (!term.serial || term.out == NULL)
		return;
	fflush(term.out);
	ask_size(fileno(term.out));
	term.size_asked_ms = term.size_polled_ms = now_ms();
}

void
term_repaint(void)
{
	if (draw_secret_shown())
		scrub_secret();
	clearok(curscr, TRUE);
	/* Ctrl-L: a terminal that did not answer may now. */
	term.size_polls_unanswered = 0;
	ask_size_now();
}

/* While a serial line's screen is too small, asks its size every
 * SIZE_POLL_MS, so that enlarging the laptop's window is enough; returns
 * the ms until the next question (INT64_MAX when none is due). */
static int64_t
poll_size(void)
{
	int64_t now = now_ms(), next;

	/* A terminal that never answers is not asked for ever. */
	if (!term.serial || draw_fits() ||
	    term.size_polls_unanswered >= SIZE_POLL_MAX)
		return INT64_MAX;
	next = term.size_polled_ms + SIZE_POLL_MS;
	if (now >= next) {
		ask_size_now();
		term.size_polls_unanswered++;
		next = now + SIZE_POLL_MS;
	}
	return next - now;
}


/* 64 bits: a 32-bit long of milliseconds wraps after 24 days of uptime,
 * and NVRs run for years. */
static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether a size question is out and not expired. */
static bool
size_question_out(void)
{
	return term.serial && term.size_asked_ms != 0 &&
	    now_ms() - term.size_asked_ms <= SIZE_ANSWER_MS;
}

/* A cursor position report in EV: on a serial line it is the answer to
 * ask_size, and the screen takes that size (a RESIZE event). */
static bool
term_size_report(struct term_event *ev)
{
	int rows, cols;

	if (ev->kind != TERM_EVENT_KEY || ev->key.code != KEYS_CURSOR_REPORT)
		return false;
	if (!size_question_out())
		return false;
	term.size_asked_ms = 0;
	term.size_polls_unanswered = 0;
	rows = (int)(ev->key.ch >> 16);
	cols = (int)(ev->key.ch & 0xffff);
	clamp_size(&rows, &cols);
	memset(ev, 0, sizeof(*ev));
	if (rows != LINES || cols != COLS) {
		if (resizeterm(rows, cols) != OK)
			resizeterm(VIEW_MIN_ROWS, VIEW_MIN_COLS);
		if (draw_secret_shown())
			scrub_secret();
	}
	ev->kind = TERM_EVENT_RESIZE;
	return true;
}

/*
 * Our signals are blocked except in ppoll, which a queue of keys typed
 * ahead (a pasted password, line noise: each key judged by the password
 * rules on its way) does not reach until it is worked through. One that
 * came meanwhile is let in here, so it is acted on before the next key.
 */
static void
take_pending_signals(void)
{
	sigset_t pending, mask;

	if (sigpending(&pending) != 0 || sigisemptyset(&pending))
		return;
	if (sigprocmask(SIG_SETMASK, &term.wait_mask, &mask) == 0)
		(void)sigprocmask(SIG_SETMASK, &mask, NULL);
}

void
term_next_event(struct term_event *ev, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;
	int eof_reads = 0;
	bool swallowed = false;	/* bytes read that made no key */

	memset(ev, 0, sizeof(*ev));
	for (;;) {
		struct pollfd pfd = { .fd = term.in_fd, .events = POLLIN };
		struct timespec wait_ts;
		int64_t wait;
		int ch, r;

		take_pending_signals();
		if (pending_signal != 0) {
			ev->kind = TERM_EVENT_SIGNAL;
			ev->signal = pending_signal;
			return;
		}
		if (keys_next(&term.decoder, &ev->key)) {
			if (ev->key.code == KEYS_NONE) {
				swallowed = true;
				continue;
			}
			ev->kind = TERM_EVENT_KEY;
			return;
		}
		/* Non-blocking: also lets curses act on a pending SIGWINCH. */
		ch = wgetch(term.input);
		if (ch == KEY_RESIZE) {
			/* curses repaints all after a resize, with a clear. */
			if (draw_secret_shown())
				scrub_secret();
			ev->kind = TERM_EVENT_RESIZE;
			return;
		}
		if (ch != ERR && ch >= 0 && ch <= 0xff) {
			eof_reads = 0;
			if (keys_feed(&term.decoder, (unsigned char)ch,
			    &ev->key) && ev->key.code != KEYS_NONE) {
				ev->kind = TERM_EVENT_KEY;
				if (ev->key.code == KEYS_CURSOR_REPORT) {
					if (term_size_report(ev))
						return;
					memset(ev, 0, sizeof(*ev));
					swallowed = true;
					continue;
				}
				return;
			}
			swallowed = true;
			continue;
		}
		if (ch != ERR)
			continue;	/* a curses key code we never asked for */
		/* The bytes that were waiting made no key (the LF after a
		 * CR, a NUL, a sequence we drop): the caller held its frame
		 * for them (term_input_waiting), so it draws now, not at
		 * the next tick. */
		if (swallowed && !keys_pending(&term.decoder)) {
			ev->kind = TERM_EVENT_TICK;
			return;
		}

		wait = keys_pending(&term.decoder) ? term.escdelay_ms :
		    deadline - now_ms();
		if (!keys_pending(&term.decoder)) {
			int64_t poll_in = poll_size();

			if (poll_in < wait)
				wait = poll_in;
		}
		/* The answer to a size question, split on its way (a USB
		 * adapter, a busy laptop), must not be cut by the Esc delay
		 * and typed into the screen as digits. */
		if (keys_in_csi(&term.decoder) && size_question_out() &&
		    wait < SIZE_PART_MS)
			wait = SIZE_PART_MS;
		if (wait < 0)
			wait = 0;
		wait_ts.tv_sec = (time_t)(wait / 1000);
		wait_ts.tv_nsec = (long)(wait % 1000) * 1000000L;
		r = ppoll(&pfd, 1, &wait_ts, &term.wait_mask);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			if (keys_flush(&term.decoder, &ev->key)) {
				if (ev->key.code == KEYS_NONE)
					continue;
				ev->kind = TERM_EVENT_KEY;
				return;
			}
			ev->kind = TERM_EVENT_TICK;
			return;
		}
		if (r < 0 || (pfd.revents & (POLLERR | POLLNVAL)) ||
		    ((pfd.revents & POLLHUP) && !(pfd.revents & POLLIN)) ||
		    ++eof_reads > 2) {
			/* Readable but curses read nothing: end of file. */
			ev->kind = TERM_EVENT_HANGUP;
			return;
		}
	}
}
