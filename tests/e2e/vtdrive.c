/*
 * vtdrive - end-to-end test driver for full-screen terminal programs.
 *
 * Runs PROGRAM on a pseudo-terminal behind a libvterm terminal emulator,
 * feeds it keys and checks what a person would see on the screen, as told
 * by a small line-oriented SCRIPT.  Every wait has a timeout; nothing is
 * timed with fixed sleeps unless the script says `sleep`.
 *
 *   vtdrive [--rows R] [--cols C] [--timeout SECONDS] [--term TERM]
 *           [--log FILE] [--typed FILE]
 *           [--env NAME=VALUE]... [--unsetenv NAME]... [--dump-on-fail]
 *           SCRIPT -- PROGRAM [ARGS...]
 *
 * Script commands (one per line; blank lines and lines starting with `#`
 * are ignored). TEXT is found on one row or wrapped over several (a row's
 * end and the next row's start read as one space; a blank row ends the
 * paragraph), so a sentence is found however the width wrapped it:
 *   wait TEXT, wait-gone TEXT, assert TEXT, assert-not TEXT,
 *   wait-row N TEXT, wait-attr TEXT reverse|bold|underline|color,
 *   send TEXT, key NAME [COUNT], resize ROWS COLS, signal NAME,
 *   noise SECONDS SEED [rate BYTES_PER_S] [exclude BYTES], sleep MS, expect-exit CODE|signal:NAME,
 *   chaos SECONDS SEED [exclude BYTES] (noise and a storm of resizes,
 *   below 80x24 and back, then SIGINT, SIGTERM or SIGHUP at a moment
 *   between half and nine tenths of SECONDS, all chosen by SEED; the
 *   child must then exit 128+N; NVR_CHAOS_SECONDS and NVR_CHAOS_SEED
 *   override the script's, and a failure names the seed),
 *   expect-tty-restored (every terminal mode at exit as at the start),
 *   assert-not-written TEXT (not in anything the child ever wrote: the
 *   terminal's scrollback included),
 *   expect-running, expect-tty-sane, screen FILE, dump, bytes,
 *   bytes-reset, expect-bytes-max N, set-timeout SECONDS,
 *   settle MS (until MS ms pass without output), mark LABEL (bytes since
 *   the last mark, the screen's floor, ms since start, ms from the last
 *   key to the last byte written after it), rss (the exited
 *   child's peak RSS in KiB), rss-now LABEL (the running child's RSS and
 *   its peak so far, in KiB),
 *   grab-all REGEX (every row's match, or its first group, joined by '-'),
 *   run-grab CMD (sh -c CMD with $GRABBED; keeps its last output line),
 *   grab REGEX (waits for a row matching the POSIX extended REGEX and keeps
 *   the match), send-grabbed [lower] [nodash] (types what grab kept),
 *   qr-image FILE (waits for a QR code drawn in half blocks and writes it,
 *   with two cells of the screen around it, to FILE as a PBM image),
 *   expect-qr TEXT (waits until that QR code, decoded by zbarimg from
 *   zbar-tools, reads TEXT; on failure the image is kept and named),
 *   expect-qr-box ROW COL ROWS COLS (waits until the QR code's cells are
 *   exactly that box, with nothing else inside it)
 * TEXT is bare (to the end of the line, trailing blanks dropped) or in
 * double quotes; both forms understand \r \n \t \e \\ \" \xHH.  Keys:
 * up down left right home end pgup pgdn enter tab shift-tab backspace
 * escape delete insert space f1..f12 ctrl-a..ctrl-z.  In a screen FILE,
 * `{*}` matches any text.  A wait fails at once if the child has exited
 * and all its output has been read, as the screen cannot change any more.
 * --dump-on-fail adds the terminal state and a map of cell attributes to
 * the screen that every failure prints.
 *
 * Exit status: 0 all commands passed, 1 an assertion failed, 2 usage or
 * setup error.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <regex.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <utmp.h>
#include <vterm.h>

enum op {
	OP_WAIT, OP_WAIT_GONE, OP_ASSERT, OP_ASSERT_NOT, OP_WAIT_ROW,
	OP_WAIT_ATTR, OP_SEND, OP_KEY, OP_RESIZE, OP_SIGNAL, OP_NOISE,
	OP_SLEEP, OP_EXPECT_EXIT, OP_EXPECT_RUNNING, OP_TTY_SANE, OP_SCREEN,
	OP_DUMP, OP_BYTES, OP_BYTES_RESET, OP_BYTES_MAX, OP_SET_TIMEOUT,
	OP_GRAB, OP_GRAB_ALL, OP_RUN_GRAB, OP_SEND_GRABBED, OP_QR_IMAGE, OP_EXPECT_QR, OP_QR_BOX,
	OP_SETTLE, OP_MARK, OP_RSS, OP_RSS_NOW, OP_CHAOS, OP_TTY_RESTORED, OP_NOT_WRITTEN,
};

enum attr { ATTR_REVERSE, ATTR_BOLD, ATTR_UNDERLINE, ATTR_COLOR };
static const char *const attr_names[] = { "reverse", "bold", "underline", "color" };

struct cmd {
	enum op op;
	int line;
	char *src;		/* arguments as written, for messages */
	char *text;		/* TEXT, or the contents of a screen FILE */
	size_t len;
	long a, b;		/* row/attr/rows/cols/signal/seed/ms/code/count */
	long qr[4];		/* expect-qr-box: row, column, rows, columns */
	double secs;		/* noise, set-timeout */
	int key, mod;		/* key: a VTermKey, or 0 for the character uni */
	uint32_t uni;
	regex_t *re;		/* grab */
};

struct envop {
	char *arg;		/* NAME=VALUE for --env, NAME for --unsetenv */
	int unset;
};

struct session {
	VTerm *vt;
	VTermScreen *screen;
	int rows, cols;
	int altscreen, cursor_visible;
	pid_t pid;
	int master, slave, pidfd;
	int exited, status, eof;
	struct termios exit_tios;	/* slave termios when the child exited */
	struct termios start_tios;	/* ... when it was started */
	char *written;		/* everything the child wrote */
	size_t written_len, written_cap;
	int have_tios;
	char *out;		/* bytes queued for the pty: keys, answers */
	size_t outlen, outcap;
	int writable;		/* last poll saw POLLOUT on the master */
	unsigned long long bytes;
	long timeout_ms;
	int dump_on_fail;
	const char *script, *dir;
	int line;
	char *rowbuf;		/* one rendered row and its byte -> column map */
	int *rowcol;
	char grabbed[256];	/* what the last grab matched */
	FILE *log;		/* --log: every byte the child wrote */
	FILE *typed;		/* --typed: what send typed, a line a piece */
	long start_ms;		/* when the child was started */
	long long sent_us;	/* when keys were last written to it */
	long long out_us;	/* when it last wrote */
	long long start_us;	/* when the child was started */
	long maxrss_kb;		/* its peak resident set, once reaped */
};

/* The child, for the watchdog's signal handler only. */
static pid_t watchdog_child;

static const struct { const char *name; int sig; } signals[] = {
	{ "INT", SIGINT }, { "TERM", SIGTERM }, { "HUP", SIGHUP },
	{ "WINCH", SIGWINCH }, { "KILL", SIGKILL }, { "QUIT", SIGQUIT },
	{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "PIPE", SIGPIPE },
	{ "ALRM", SIGALRM }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
	{ "TSTP", SIGTSTP }, { "ABRT", SIGABRT }, { "SEGV", SIGSEGV },
};

/* ---------------------------------------------------------------- utils */

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("vtdrive: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

static char *
xstrndup(const char *s, size_t n)
{
	char *d = xrealloc(NULL, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* Microseconds, for mark's paint time: a screen can come in less than
 * a millisecond. 64 bits: a 32-bit long would wrap after 35 minutes. */
static long long
now_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		abort();
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		abort();	/* cannot happen on Linux; timeouts would be meaningless */
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
sys_error(const struct session *s, const char *what)
{
	if (s->line > 0)
		fprintf(stderr, "%s:%d: %s: %s\n", s->script, s->line, what, strerror(errno));
	else
		fprintf(stderr, "vtdrive: %s: %s\n", what, strerror(errno));
	return 2;
}

static int
signal_by_name(const char *name)
{
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
		if (strcasecmp(name, signals[i].name) == 0)
			return signals[i].sig;
	return -1;
}

static const char *
signal_name(int sig)
{
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return "?";
}

static void
describe_status(int status, char *buf, size_t cap)
{
	if (WIFEXITED(status))
		snprintf(buf, cap, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, cap, "killed by signal %s (%d)",
		    signal_name(WTERMSIG(status)), WTERMSIG(status));
	else
		snprintf(buf, cap, "wait status 0x%x", status);
}

/* ------------------------------------------------------------ rendering */

static size_t
put_utf8(char *p, uint32_t c)
{
	size_t n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;

	if (c > 0x10ffff)
		return put_utf8(p, 0xfffd);
	if (n == 1) {
		p[0] = (char)c;
		return 1;
	}
	for (size_t i = n - 1; i > 0; i--, c >>= 6)
		p[i] = (char)(0x80 | (c & 0x3f));
	p[0] = (char)((0xf00 >> n) | c);	/* 0xc0, 0xe0 or 0xf0 lead byte */
	return n;
}

static void
alloc_rowbuf(struct session *s)
{
	size_t cap = (size_t)s->cols * VTERM_MAX_CHARS_PER_CELL * 4 + 1;

	s->rowbuf = xrealloc(s->rowbuf, cap);
	s->rowcol = xrealloc(s->rowcol, cap * sizeof s->rowcol[0]);
}

/*
 * Render one row into s->rowbuf as UTF-8 with trailing blanks trimmed and
 * remember for each byte the column it came from (for attribute checks).
 */
static size_t
render_row(struct session *s, int row)
{
	size_t n = 0;

	for (int col = 0; col < s->cols; col++) {
		VTermScreenCell cell;
		VTermPos pos = { row, col };
		size_t start = n;

		vterm_screen_get_cell(s->screen, pos, &cell);
		if (cell.chars[0] == (uint32_t)-1)
			continue;	/* right half of a wide character */
		if (cell.chars[0] == 0)
			s->rowbuf[n++] = ' ';
		for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i]; i++)
			n += put_utf8(s->rowbuf + n, cell.chars[i]);
		for (size_t i = start; i < n; i++)
			s->rowcol[i] = col;
	}
	while (n > 0 && s->rowbuf[n - 1] == ' ')
		n--;
	s->rowbuf[n] = '\0';
	return n;
}

/* The screen as text, framed by lines of dashes as wide as the screen. */
static void
dump_screen(struct session *s, FILE *f)
{
	for (int row = -1; row <= s->rows; row++) {
		if (row < 0 || row == s->rows) {
			for (int i = 0; i < s->cols; i++)
				fputc('-', f);
		} else {
			fwrite(s->rowbuf, 1, render_row(s, row), f);
		}
		fputc('\n', f);
	}
}

static int
cell_has_attr(const VTermScreenCell *c, int attr)
{
	switch (attr) {
	case ATTR_REVERSE:
		return c->attrs.reverse;
	case ATTR_BOLD:
		return c->attrs.bold;
	case ATTR_UNDERLINE:
		return c->attrs.underline != 0;
	default:
		return !VTERM_COLOR_IS_DEFAULT_FG(&c->fg) ||
		    !VTERM_COLOR_IS_DEFAULT_BG(&c->bg);
	}
}

/* --dump-on-fail extras: terminal state and a map of cell attributes. */
static void
dump_details(struct session *s, FILE *f)
{
	VTermPos cur;

	vterm_state_get_cursorpos(vterm_obtain_state(s->vt), &cur);
	fprintf(f, "cursor %d,%d %s, %s screen, %llu bytes read\n", cur.row,
	    cur.col, s->cursor_visible ? "visible" : "hidden",
	    s->altscreen ? "alternate" : "normal", s->bytes);
	fputs("attributes (r=reverse b=bold u=underline c=color):\n", f);
	for (int row = 0; row < s->rows; row++) {
		char line[1024];
		int any = 0, n = s->cols < 1000 ? s->cols : 1000;

		for (int col = 0; col < n; col++) {
			VTermScreenCell c;
			VTermPos pos = { row, col };

			vterm_screen_get_cell(s->screen, pos, &c);
			line[col] = (char)(cell_has_attr(&c, ATTR_REVERSE) ?
			    'r' : cell_has_attr(&c, ATTR_BOLD) ? 'b' :
			    cell_has_attr(&c, ATTR_UNDERLINE) ? 'u' :
			    cell_has_attr(&c, ATTR_COLOR) ? 'c' : '.');
			any |= line[col] != '.';
		}
		if (any)
			fprintf(f, "%3d %.*s\n", row, n, line);
	}
}

/* Report a failed assertion: message, optional extra text, screen, status. */
static int
fail(struct session *s, const char *extra, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", s->script, s->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (extra)
		fputs(extra, stderr);
	dump_screen(s, stderr);
	if (s->dump_on_fail)
		dump_details(s, stderr);
	if (s->exited) {
		char buf[64];

		describe_status(s->status, buf, sizeof buf);
		fprintf(stderr, "child %s\n", buf);
	}
	return 1;
}

/* Is TEXT on row `row`; with attr >= 0, does one occurrence start on such a cell? */
static int
row_contains(struct session *s, int row, const char *text, size_t len, int attr)
{
	size_t n = render_row(s, row), off = 0;
	const char *p;

	while (off < n && (p = memmem(s->rowbuf + off, n - off, text, len))) {
		size_t at = (size_t)(p - s->rowbuf);
		VTermScreenCell cell;
		VTermPos pos = { row, s->rowcol[at] };

		if (attr < 0)
			return 1;
		vterm_screen_get_cell(s->screen, pos, &cell);
		if (cell_has_attr(&cell, attr))
			return 1;
		off = at + 1;
	}
	return 0;
}

static int
screen_contains(struct session *s, const char *text, size_t len, int attr)
{
	for (int row = 0; row < s->rows; row++)
		if (row_contains(s, row, text, len, attr))
			return 1;
	return 0;
}

/*
 * Is TEXT on the screen as a wrapped paragraph reads: the blanks at the
 * end of a row and at the start of the next taken as SEPARATOR (a space;
 * or nothing, for a word broken where it did not fit), a blank row
 * ending the paragraph. So a sentence is found however the screen's
 * width wrapped it, and a secret split over two rows is found too.
 */
static int
wrapped_contains(struct session *s, const char *text, size_t len,
    const char *separator)
{
	static char *all;
	static size_t cap;
	size_t used = 0;

	if (all == NULL) {
		cap = 4096;
		all = xrealloc(NULL, cap);
	}
	for (int row = 0; row < s->rows; row++) {
		size_t n = render_row(s, row), start = 0;

		while (start < n && s->rowbuf[start] == ' ')
			start++;
		if (used + (n - start) + 2 > cap) {
			cap = (used + (n - start) + 2) * 2;
			all = xrealloc(all, cap);
		}
		if (start == n) {
			if (used > 0 && all[used - 1] != '\n')
				all[used++] = '\n';
			continue;
		}
		if (used > 0 && all[used - 1] != '\n' && *separator != '\0')
			all[used++] = *separator;
		memcpy(all + used, s->rowbuf + start, n - start);
		used += n - start;
	}
	return used > 0 && memmem(all, used, text, len) != NULL;
}

/* Is TEXT on the screen: on one row, or wrapped over several. */
static int
text_shown(struct session *s, const char *text, size_t len)
{
	return screen_contains(s, text, len, -1) ||
	    wrapped_contains(s, text, len, " ") ||
	    wrapped_contains(s, text, len, "");
}

/* ------------------------------------------------------- pty and child */

/* libvterm output: answers to queries (ESC[6n, DA) and encoded keys. */
static void
on_output(const char *bytes, size_t len, void *user)
{
	struct session *s = user;

	if (s->outlen + len > s->outcap) {
		s->outcap = (s->outlen + len) * 2;
		s->out = xrealloc(s->out, s->outcap);
	}
	memcpy(s->out + s->outlen, bytes, len);
	s->outlen += len;
}

static int
on_termprop(VTermProp prop, VTermValue *val, void *user)
{
	struct session *s = user;

	if (prop == VTERM_PROP_ALTSCREEN)
		s->altscreen = val->boolean;
	else if (prop == VTERM_PROP_CURSORVISIBLE)
		s->cursor_visible = val->boolean;
	return 1;
}

/*
 * libvterm 0.1.4 loops forever on some output (REP, ESC[b, with nothing
 * printed before).  Rather than hang a CI run, give up loudly.
 */
static void
on_watchdog(int sig)
{
	static const char msg[] = "vtdrive: libvterm hangs on the child's output, giving up\n";
	ssize_t r = write(STDERR_FILENO, msg, sizeof msg - 1);

	(void)sig;
	(void)r;
	if (watchdog_child > 0) {
		kill(watchdog_child, SIGKILL);
		waitpid(watchdog_child, NULL, 0);
	}
	_exit(2);
}

/*
 * Feed the child's output to libvterm.  Bounded, so that a flooding child
 * cannot starve our writes.  libvterm 0.1.4 strncpy()s past the end of its
 * input inside some malformed OSC/DCS strings, so the data is followed by
 * a NUL, which stops that read.
 */
/* Keeps what the child wrote, for assert-not-written. */
static void
keep_written(struct session *s, const char *buf, size_t n)
{
	if (s->written_len + n > s->written_cap) {
		s->written_cap = (s->written_len + n) * 2;
		s->written = xrealloc(s->written, s->written_cap);
	}
	memcpy(s->written + s->written_len, buf, n);
	s->written_len += n;
}

static int
read_master(struct session *s)
{
	char buf[4096 + 1];

	for (int i = 0; i < 4 && !s->eof; i++) {
		ssize_t n = read(s->master, buf, sizeof buf - 1);

		if (n > 0) {
			buf[n] = '\0';
			s->bytes += (unsigned long long)n;
			s->out_us = now_us();
			if (s->log != NULL)
				fwrite(buf, 1, (size_t)n, s->log);
			keep_written(s, buf, (size_t)n);
			alarm(10);
			vterm_input_write(s->vt, buf, (size_t)n);
			alarm(0);
		} else if (n == 0 || errno == EIO) {
			s->eof = 1;	/* every slave fd is closed */
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			break;
		} else if (errno != EINTR) {
			return sys_error(s, "read from pty");
		}
	}
	return 0;
}

static int
flush_out(struct session *s)
{
	while (s->outlen > 0) {
		ssize_t n;

		if (s->exited) {
			s->outlen = 0;	/* nobody left to read it */
			break;
		}
		n = write(s->master, s->out, s->outlen);
		if (n > 0) {
			s->outlen -= (size_t)n;
			memmove(s->out, s->out + n, s->outlen);
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			break;
		} else if (errno == EIO) {
			s->outlen = 0;
		} else if (errno != EINTR) {
			return sys_error(s, "write to pty");
		}
	}
	return 0;
}

/*
 * Reap the child if it has exited.  The termios is saved first, then our
 * slave fd is closed so that reading the master ends in EIO once the
 * remaining output has been consumed.
 */
static int
check_child(struct session *s)
{
	pid_t r;

	struct rusage ru;

	if (s->exited)
		return 0;
	r = wait4(s->pid, &s->status, WNOHANG, &ru);
	if (r == 0 || (r < 0 && errno == EINTR))
		return 0;
	if (r < 0)
		return sys_error(s, "waitpid");
	s->exited = 1;
	s->maxrss_kb = ru.ru_maxrss;
	watchdog_child = 0;
	s->have_tios = tcgetattr(s->slave, &s->exit_tios) == 0;
	close(s->slave);
	s->slave = -1;
	if (s->pidfd >= 0)
		close(s->pidfd);
	s->pidfd = -1;
	return 0;
}

/*
 * Wait up to wait_ms for anything to happen (output, room to write, child
 * exit) and handle it.  want_out asks for POLLOUT even with nothing queued.
 */
static int
pump(struct session *s, long wait_ms, int want_out)
{
	struct pollfd p[2];
	nfds_t n = 0;
	int r;

	if (wait_ms < 0)
		wait_ms = 0;
	if (!s->eof) {
		p[n].fd = s->master;
		p[n].events = POLLIN;
		if ((s->outlen > 0 || want_out) && !s->exited)
			p[n].events |= POLLOUT;
		n++;
	}
	if (!s->exited && s->pidfd >= 0) {
		p[n].fd = s->pidfd;
		p[n].events = POLLIN;
		n++;
	} else if (!s->exited && wait_ms > 20) {
		wait_ms = 20;	/* no pidfd: look for the exit regularly */
	}
	s->writable = 0;
	r = poll(p, n, (int)(wait_ms > INT32_MAX ? INT32_MAX : wait_ms));
	if (r < 0 && errno != EINTR)
		return sys_error(s, "poll");
	if (r > 0 && !s->eof && p[0].revents) {
		s->writable = (p[0].revents & POLLOUT) != 0;
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
			if (read_master(s))
				return 2;
	}
	if (check_child(s))
		return 2;
	return flush_out(s);
}

/*
 * Consume the output available right now, without blocking.  Bounded in
 * time, so that a child printing without pause cannot keep us here.
 */
static int
drain(struct session *s)
{
	long end = now_ms() + 100;
	unsigned long long before;

	do {
		before = s->bytes;
		if (pump(s, 0, 0))
			return 2;
	} while (s->bytes != before && !s->eof && now_ms() < end);
	return 0;
}

_Noreturn static void
child_exec(const struct session *s, int slave, int errfd, char **argv,
    const char *term, const struct envop *env, int nenv)
{
	sigset_t all;
	int err;

	/* Signals ignored by whoever started us must not stay ignored. */
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	close(s->master);
	if (login_tty(slave) != 0)
		goto out;
	if (unsetenv("COLUMNS") || unsetenv("LINES") || setenv("TERM", term, 1))
		goto out;
	for (int i = 0; i < nenv; i++)
		if (env[i].unset ? unsetenv(env[i].arg) : putenv(env[i].arg))
			goto out;
	execvp(argv[0], argv);
out:
	err = errno;
	if (write(errfd, &err, sizeof err) < 0)
		_exit(126);
	_exit(127);
}

/*
 * openpty + fork + login_tty rather than forkpty: the parent keeps a slave
 * fd, so the child's final termios can still be read after it exits.
 */
static int
session_start(struct session *s, char **argv, const char *term,
    const struct envop *env, int nenv)
{
	struct winsize ws = { .ws_row = (unsigned short)s->rows,
	    .ws_col = (unsigned short)s->cols };
	int ep[2], err = 0, flags;
	ssize_t n;

	if (openpty(&s->master, &s->slave, NULL, NULL, &ws) != 0)
		return sys_error(s, "openpty");
	if (tcgetattr(s->slave, &s->start_tios) != 0)
		return sys_error(s, "tcgetattr");
	if (fcntl(s->master, F_SETFD, FD_CLOEXEC) || fcntl(s->slave, F_SETFD, FD_CLOEXEC))
		return sys_error(s, "fcntl");
	if (pipe2(ep, O_CLOEXEC) != 0)
		return sys_error(s, "pipe");
	fflush(NULL);
	s->start_ms = now_ms();
	s->start_us = now_us();
	s->pid = fork();
	if (s->pid < 0) {
		close(ep[0]);
		close(ep[1]);
		return sys_error(s, "fork");
	}
	if (s->pid == 0)
		child_exec(s, s->slave, ep[1], argv, term, env, nenv);
	close(ep[1]);
	while ((n = read(ep[0], &err, sizeof err)) < 0 && errno == EINTR)
		;
	close(ep[0]);
	if (n > 0) {
		while (waitpid(s->pid, &s->status, 0) < 0 && errno == EINTR)
			;
		s->exited = 1;
		fprintf(stderr, "vtdrive: cannot start %s: %s\n", argv[0], strerror(err));
		return 2;
	}
	watchdog_child = s->pid;
#ifdef SYS_pidfd_open
	s->pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
#endif
	if ((flags = fcntl(s->master, F_GETFL)) < 0 ||
	    fcntl(s->master, F_SETFL, flags | O_NONBLOCK) < 0)
		return sys_error(s, "fcntl");
	return 0;
}

static void
session_end(struct session *s)
{
	if (s->pid > 0 && !s->exited) {
		kill(s->pid, SIGKILL);
		while (waitpid(s->pid, &s->status, 0) < 0 && errno == EINTR)
			;
	}
	if (s->master >= 0)
		close(s->master);
	if (s->slave >= 0)
		close(s->slave);
	if (s->pidfd >= 0)
		close(s->pidfd);
	if (s->vt)
		vterm_free(s->vt);
	free(s->out);
	free(s->rowbuf);
	free(s->rowcol);
	free(s->written);
}

/* ------------------------------------------------------------- QR codes */

/*
 * A QR code drawn in half blocks: each cell is one module wide and two
 * tall; U+2580 lights the upper half, U+2584 the lower, U+2588 both. Its
 * box is the smallest rectangle holding every such glyph. An image of it
 * shows each half as a person would see it: light if the colour painting
 * it (the cell's foreground where the glyph lights it, else its
 * background, swapped by reverse video) is at least half as bright as
 * white, with libvterm's default colours (light on black) for the rest.
 */
struct qr_box {
	int top, left, rows, cols;
};

#define QR_MARGIN 2	/* cells of the screen around the box in an image */
#define QR_SCALE 4	/* pixels per module */

/* The halves of a cell its glyph lights (1 upper, 2 lower, 3 both; 0 a
 * blank), or -1 for any other character. */
static int
qr_glyph(const VTermScreenCell *c)
{
	if (c->chars[0] != 0 && c->chars[1] != 0)
		return -1;	/* with a combining mark */
	switch (c->chars[0]) {
	case 0:
	case ' ':
		return 0;
	case 0x2580:
		return 1;
	case 0x2584:
		return 2;
	case 0x2588:
		return 3;
	default:
		return -1;
	}
}

/*
 * Finds the box: 1 with BOX set; 0 if no half block is on the screen; -1
 * with BOX set and BAD the first cell inside it that shows something else
 * (text drawn into the code).
 */
static int
qr_find(struct session *s, struct qr_box *box, VTermPos *bad)
{
	int top = -1, bottom = -1, left = s->cols, right = -1;
	VTermScreenCell c;

	for (int row = 0; row < s->rows; row++)
		for (int col = 0; col < s->cols; col++) {
			VTermPos pos = { row, col };

			vterm_screen_get_cell(s->screen, pos, &c);
			if (qr_glyph(&c) <= 0)
				continue;
			if (top < 0)
				top = row;
			bottom = row;
			left = col < left ? col : left;
			right = col > right ? col : right;
		}
	if (top < 0)
		return 0;
	*box = (struct qr_box){ top, left, bottom - top + 1, right - left + 1 };
	for (int row = top; row <= bottom; row++)
		for (int col = left; col <= right; col++) {
			VTermPos pos = { row, col };

			vterm_screen_get_cell(s->screen, pos, &c);
			if (qr_glyph(&c) < 0) {
				*bad = pos;
				return -1;
			}
		}
	return 1;
}

/* Is the half of cell C that its glyph lights (LIT) or not light? */
static int
qr_half_light(struct session *s, const VTermScreenCell *c, int lit)
{
	VTermColor col = !lit != !c->attrs.reverse ? c->fg : c->bg;

	vterm_screen_convert_color_to_rgb(s->screen, &col);
	return 299 * col.rgb.red + 587 * col.rgb.green + 114 * col.rgb.blue >=
	    128 * 1000;
}

/* Writes BOX and QR_MARGIN cells around it (as far as the screen goes) to
 * PATH as a binary PBM, QR_SCALE pixels to a module. */
static int
qr_write_image(struct session *s, const struct qr_box *b, const char *path)
{
	int top = b->top > QR_MARGIN ? b->top - QR_MARGIN : 0;
	int left = b->left > QR_MARGIN ? b->left - QR_MARGIN : 0;
	int bottom = b->top + b->rows + QR_MARGIN;
	int right = b->left + b->cols + QR_MARGIN;
	int width, stride, ok;
	unsigned char *line;
	FILE *f;

	bottom = bottom < s->rows ? bottom : s->rows;
	right = right < s->cols ? right : s->cols;
	width = (right - left) * QR_SCALE;
	stride = (width + 7) / 8;
	if (!(f = fopen(path, "w")))
		return sys_error(s, path);
	line = xrealloc(NULL, (size_t)stride);
	fprintf(f, "P4\n%d %d\n", width, (bottom - top) * 2 * QR_SCALE);
	for (int row = top; row < bottom; row++)
		for (int half = 0; half < 2; half++) {
			memset(line, 0, (size_t)stride);
			for (int col = left; col < right; col++) {
				VTermScreenCell c;
				VTermPos pos = { row, col };
				int g, x0 = (col - left) * QR_SCALE;

				vterm_screen_get_cell(s->screen, pos, &c);
				g = qr_glyph(&c);
				if (qr_half_light(s, &c, g > 0 && (g >> half & 1)))
					continue;
				for (int x = x0; x < x0 + QR_SCALE; x++)	/* 1 is black */
					line[x / 8] |= (unsigned char)(0x80 >> (x % 8));
			}
			for (int k = 0; k < QR_SCALE; k++)
				fwrite(line, 1, (size_t)stride, f);
		}
	free(line);
	ok = !ferror(f);
	if (fclose(f) != 0 || !ok)
		return sys_error(s, path);
	return 0;
}

/*
 * Runs zbarimg on the image at PATH, QR codes only. Returns its exit
 * status (0 read, 4 nothing found) with what it printed in OUT, less the
 * newline after each code; -1 with errno set if it could not be run.
 */
static int
qr_decode(const char *path, char *out, size_t cap)
{
	char a0[] = "zbarimg", a1[] = "--raw", a2[] = "-q", a3[] = "--nodbus",
	    a4[] = "-Sdisable", a5[] = "-Sqrcode.enable";
	char *argv[] = { a0, a1, a2, a3, a4, a5, (char *)path, NULL };
	posix_spawn_file_actions_t fa;
	size_t n = 0;
	int p[2], status, err;
	pid_t pid;
	ssize_t k;

	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (err != 0) {
		close(p[0]);
		errno = err;
		return -1;
	}
	while ((k = read(p[0], out + n, cap - 1 - n)) != 0) {
		if (k > 0)
			n += (size_t)k;
		else if (errno != EINTR)
			break;
		if (n == cap - 1) {
			char sink[256];	/* more than a code holds: drop it */

			while ((k = read(p[0], sink, sizeof sink)) > 0 ||
			    (k < 0 && errno == EINTR))
				;
			break;
		}
	}
	close(p[0]);
	out[n] = '\0';
	if (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/*
 * run-grab CMD: runs `sh -c CMD` with what grab kept in $GRABBED, and
 * keeps the last line it prints instead (what a person would copy from
 * one program into the other). Fails if CMD fails.
 */
static int
run_grab(struct session *s, const struct cmd *c)
{
	char a0[] = "sh", a1[] = "-c", out[4096], *last;
	char *argv[] = { a0, a1, c->text, NULL };
	posix_spawn_file_actions_t fa;
	size_t n = 0;
	int p[2], status, err;
	pid_t pid;
	ssize_t k;

	if (setenv("GRABBED", s->grabbed, 1) != 0 || pipe2(p, O_CLOEXEC) != 0)
		return sys_error(s, "run-grab");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (err != 0) {
		close(p[0]);
		errno = err;
		return sys_error(s, "run-grab");
	}
	while (n < sizeof out - 1 && ((k = read(p[0], out + n,
	    sizeof out - 1 - n)) > 0 || (k < 0 && errno == EINTR)))
		if (k > 0)
			n += (size_t)k;
	close(p[0]);
	out[n] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return sys_error(s, "run-grab");
	unsetenv("GRABBED");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return fail(s, NULL, "run-grab: `%s` failed (status %d): %s",
		    c->src, WIFEXITED(status) ? WEXITSTATUS(status) : -1, out);
	while (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
	last = strrchr(out, '\n');
	last = last ? last + 1 : out;
	if (strlen(last) >= sizeof s->grabbed)
		return fail(s, NULL, "run-grab: its last line is too long");
	memcpy(s->grabbed, last, strlen(last) + 1);
	return 0;
}

static int
qr_fail_box(struct session *s, const char *why, int found,
    const struct qr_box *b, VTermPos bad)
{
	if (found == 0)
		return fail(s, NULL, "%s: no QR code on screen", why);
	return fail(s, NULL, "%s: the QR code's box (rows %d-%d, columns "
	    "%d-%d) shows something else at row %d, column %d", why, b->top,
	    b->top + b->rows - 1, b->left, b->left + b->cols - 1, bad.row,
	    bad.col);
}

/* expect-qr: waits until the QR code on screen decodes to c->text,
 * decoding again whenever the screen has changed. */
static int
expect_qr(struct session *s, const struct cmd *c)
{
	long deadline = now_ms() + s->timeout_ms;
	unsigned long long decoded_at = ULLONG_MAX;
	const char *tmp = getenv("TMPDIR"), *why;
	char path[4096], got[1024] = "";
	struct qr_box box = { 0, 0, 0, 0 };
	VTermPos bad = { 0, 0 };
	int fd, found = 0, status = -1, r;

	snprintf(path, sizeof path, "%s/vtdrive-qr-XXXXXX.pbm",
	    tmp && *tmp ? tmp : "/tmp");
	if ((fd = mkstemps(path, 4)) < 0)
		return sys_error(s, "mkstemps");
	close(fd);
	for (;;) {
		if ((r = drain(s)))
			goto out;
		if (s->bytes != decoded_at && (found = qr_find(s, &box, &bad)) > 0) {
			decoded_at = s->bytes;
			if ((r = qr_write_image(s, &box, path)))
				goto out;
			status = qr_decode(path, got, sizeof got);
			if (status < 0) {
				r = sys_error(s, "cannot run zbarimg (from zbar-tools)");
				goto out;
			}
			if (status == 0 && strcmp(got, c->text) == 0)
				goto out;	/* r is 0 */
		}
		if (s->exited && s->eof) {
			why = "child exited";
			break;
		}
		if (now_ms() >= deadline) {
			why = "timeout";
			break;
		}
		if ((r = pump(s, deadline - now_ms(), 0)))
			goto out;
	}
	if (found <= 0) {
		r = qr_fail_box(s, why, found, &box, bad);
		goto out;
	}
	if (status != 0)
		return fail(s, NULL, "%s: zbarimg read no QR code (exit %d) in "
		    "the image of rows %d-%d, columns %d-%d, kept in %s", why,
		    status, box.top, box.top + box.rows - 1, box.left,
		    box.left + box.cols - 1, path);
	return fail(s, NULL, "%s: the QR code reads \"%s\", not \"%s\" (image "
	    "kept in %s)", why, got, c->src, path);
out:
	unlink(path);
	return r;
}

/* -------------------------------------------------------------- commands */

static int
condition(struct session *s, const struct cmd *c)
{
	switch (c->op) {
	case OP_WAIT_GONE:
	case OP_ASSERT_NOT:
		return !text_shown(s, c->text, c->len);
	case OP_WAIT_ROW:
		return c->a < s->rows && row_contains(s, (int)c->a, c->text, c->len, -1);
	case OP_WAIT_ATTR:
		return screen_contains(s, c->text, c->len, (int)c->a);
	case OP_GRAB_ALL: {
		/* Every row's match (its first group, if it has one), joined
		 * by '-': a request shown over several rows. */
		size_t n = 0;

		s->grabbed[0] = '\0';
		for (int row = 0; row < s->rows; row++) {
			regmatch_t m[2];
			int g;

			render_row(s, row);
			if (regexec(c->re, s->rowbuf, 2, m, 0) != 0)
				continue;
			g = m[1].rm_so >= 0 ? 1 : 0;
			n += (size_t)snprintf(s->grabbed + n, sizeof s->grabbed - n,
			    "%s%.*s", n ? "-" : "", (int)(m[g].rm_eo - m[g].rm_so),
			    s->rowbuf + m[g].rm_so);
			if (n >= sizeof s->grabbed)
				return 0;
		}
		return n > 0;
	}
	case OP_GRAB:
		for (int row = 0; row < s->rows; row++) {
			regmatch_t m[1];

			render_row(s, row);
			if (regexec(c->re, s->rowbuf, 1, m, 0) == 0) {
				snprintf(s->grabbed, sizeof s->grabbed, "%.*s",
				    (int)(m[0].rm_eo - m[0].rm_so),
				    s->rowbuf + m[0].rm_so);
				return 1;
			}
		}
		return 0;
	case OP_QR_IMAGE: {
		struct qr_box box;
		VTermPos bad;

		return qr_find(s, &box, &bad) != 0;
	}
	case OP_QR_BOX: {
		struct qr_box box;
		VTermPos bad;

		return qr_find(s, &box, &bad) > 0 && box.top == c->qr[0] &&
		    box.left == c->qr[1] && box.rows == c->qr[2] &&
		    box.cols == c->qr[3];
	}
	default:
		return text_shown(s, c->text, c->len);
	}
}

static int
wait_for(struct session *s, const struct cmd *c)
{
	long deadline = now_ms() + s->timeout_ms;
	const char *why;

	for (;;) {
		if (drain(s))
			return 2;
		if (condition(s, c))
			return 0;
		if (s->exited && s->eof) {
			why = "child exited";	/* the screen cannot change any more */
			break;
		}
		if (now_ms() >= deadline) {
			why = "timeout";
			break;
		}
		if (pump(s, deadline - now_ms(), 0))
			return 2;
	}
	switch (c->op) {
	case OP_WAIT_GONE:
		return fail(s, NULL, "%s: still on screen: %s", why, c->src);
	case OP_WAIT_ROW:
		return fail(s, NULL, "%s: row %ld does not show: %s", why, c->a, c->src);
	case OP_WAIT_ATTR:
		return fail(s, NULL, "%s: not on screen with attribute %s: %s%s", why,
		    attr_names[c->a], c->src,
		    screen_contains(s, c->text, c->len, -1) ? " (present without it)" : "");
	case OP_QR_IMAGE:
		return fail(s, NULL, "%s: no QR code on screen", why);
	case OP_QR_BOX: {
		struct qr_box box;
		VTermPos bad;
		int found = qr_find(s, &box, &bad);

		if (found <= 0)
			return qr_fail_box(s, why, found, &box, bad);
		return fail(s, NULL, "%s: the QR code is %d rows by %d columns at "
		    "row %d, column %d, not %ld by %ld at %ld, %ld", why, box.rows,
		    box.cols, box.top, box.left, c->qr[2], c->qr[3], c->qr[0],
		    c->qr[1]);
	}
	default:
		return fail(s, NULL, "%s: not on screen: %s", why, c->src);
	}
}

/* Write everything queued to the pty, draining output meanwhile. */
static int
send_all(struct session *s)
{
	long deadline = now_ms() + s->timeout_ms;

	if (flush_out(s))
		return 2;
	while (s->outlen > 0) {
		if (s->exited)
			return fail(s, NULL, "child exited before its input was written");
		if (now_ms() >= deadline)
			return fail(s, NULL, "timeout: pty accepted no input (%zu bytes left)",
			    s->outlen);
		if (pump(s, deadline - now_ms(), 0))
			return 2;
	}
	return 0;
}

/* Writes the keys queued, and keeps when: mark's paint= counts from
 * there (not from an answer vtdrive gives to a query). */
static int
send_keys(struct session *s)
{
	s->sent_us = now_us();
	return send_all(s);
}

static int
press_key(struct session *s, const struct cmd *c)
{
	char ctl = (char)(c->uni & 0x1f);

	for (long i = 0; i < c->b; i++) {
		if (c->key)
			vterm_keyboard_key(s->vt, (VTermKey)c->key, (VTermModifier)c->mod);
		else if (c->mod == VTERM_MOD_CTRL && strchr("ijm", (int)c->uni))
			on_output(&ctl, 1, s);	/* libvterm would send CSI 105;5u */
		else
			vterm_keyboard_unichar(s->vt, c->uni, (VTermModifier)c->mod);
	}
	return send_keys(s);
}

static int
do_resize(struct session *s, int rows, int cols)
{
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };

	if (drain(s))
		return 2;
	vterm_set_size(s->vt, rows, cols);
	s->rows = rows;
	s->cols = cols;
	alloc_rowbuf(s);
	if (ioctl(s->master, TIOCSWINSZ, &ws) != 0)
		return sys_error(s, "TIOCSWINSZ");
	return 0;
}

static uint64_t
splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* One burst of 1..64 hostile bytes: random, or built from tricky pieces. */
static size_t
noise_burst(uint64_t *rng, char *buf)
{
	static const char *const frags[] = {
		"\x1b[", "\x1bO", "\x1b[1;5", "\x1b[200~", "\x1b[201~", "\x1b",
		"\x1b[M", "\x1b[<", "\x1b]", "\xc3", "\xe2\x94", "\xf0\x9f\x98",
	};
	static const unsigned char odd[] = {
		0x00, 0x7f, 0x9b, 0x11, 0x13, 0x1b, 0x8f, 0xff, ';', '~', '0', '9',
	};
	size_t len = 1 + splitmix64(rng) % 64, n = 0;
	int mixed = (int)(splitmix64(rng) % 2);

	while (n < len) {
		uint64_t r = splitmix64(rng);

		if (!mixed || r % 3 == 0) {
			buf[n++] = (char)(r >> 8);
		} else if (r % 3 == 1) {
			buf[n++] = (char)odd[(r >> 8) % sizeof odd];
		} else {
			const char *f = frags[(r >> 8) % (sizeof frags / sizeof frags[0])];
			size_t k = strlen(f);

			if (k > len - n)
				k = len - n;
			/* Noise bytes, not a string: no NUL is wanted. */
			/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
			memcpy(buf + n, f, k);
			n += k;
		}
	}
	return len;
}

/*
 * Write noise for c->secs seconds, leaving out the bytes in c->text.  Bursts go straight to the master, only
 * when poll says there is room and no real bytes are queued; the unwritten
 * part of a short write is dropped.  Output is drained all the while.
 */
static int
run_noise(struct session *s, const struct cmd *c)
{
	uint64_t rng = (uint64_t)c->a;
	long start = now_ms(), end = start + (long)(c->secs * 1000);
	unsigned long long sent = 0;
	char burst[64];

	while (now_ms() < end) {
		if (s->exited)
			return fail(s, NULL, "child exited during noise");
		/* With a rate, no faster than a serial line would carry. */
		if (c->b > 0 && sent > (unsigned long long)((now_ms() - start) *
		    c->b / 1000)) {
			if (pump(s, 5, 1))
				return 2;
			continue;
		}
		if (s->writable && s->outlen == 0) {
			size_t n = 0, len = noise_burst(&rng, burst);

			for (size_t i = 0; i < len; i++)	/* drop excluded bytes */
				if (!c->text || !memchr(c->text, burst[i], c->len))
					burst[n++] = burst[i];
			ssize_t w = write(s->master, burst, n);

			if (w < 0 && errno != EAGAIN &&
			    errno != EWOULDBLOCK && errno != EINTR && errno != EIO)
				return sys_error(s, "write to pty");
			if (w > 0)
				sent += (unsigned long long)w;
		}
		if (pump(s, end - now_ms(), 1))
			return 2;
	}
	if (drain(s))
		return 2;
	if (s->exited)
		return fail(s, NULL, "child exited during noise");
	return 0;
}

static int wait_exit(struct session *s, const char *what);
static int vterm_open(struct session *s);

/*
 * A resize in chaos. libvterm 0.1.4 (Debian 12's) crashes in
 * vterm_input_write after vterm_set_size lands in the middle of the
 * child's output (make chaos SECONDS=60, seed 4116804996, 5 of 18 runs;
 * replaying the wizard's output with resizes crashes it alone), so a
 * chaos resize starts a fresh emulator of the new size instead: nothing
 * is read off the screen during chaos, and the child repaints after a
 * resize. The resize command keeps vterm_set_size (and its contents).
 */
static int
chaos_resize(struct session *s, int rows, int cols)
{
	struct winsize ws = { .ws_row = (unsigned short)rows,
	    .ws_col = (unsigned short)cols };
	int r;

	if (drain(s))
		return 2;
	vterm_free(s->vt);
	s->rows = rows;
	s->cols = cols;
	if ((r = vterm_open(s)))
		return r;
	alloc_rowbuf(s);
	if (ioctl(s->master, TIOCSWINSZ, &ws) != 0)
		return sys_error(s, "TIOCSWINSZ");
	return 0;
}

/* The seed and length of a chaos run: the script's, unless
 * NVR_CHAOS_SEED or NVR_CHAOS_SECONDS say otherwise (make chaos). */
static void
chaos_params(const struct cmd *c, uint64_t *seed, double *secs)
{
	const char *e = getenv("NVR_CHAOS_SEED");

	*seed = (uint64_t)c->a;
	*secs = c->secs;
	if (e != NULL && *e != '\0')
		*seed = strtoull(e, NULL, 10);
	e = getenv("NVR_CHAOS_SECONDS");
	if (e != NULL && *e != '\0' && strtod(e, NULL) > 0)
		*secs = strtod(e, NULL);
}

/*
 * Noise as run_noise, and now and then a resize (half of them below the
 * start size, down to 3x10, half back to it), until a moment between
 * half and nine tenths of the run; then SIGINT, SIGTERM or SIGHUP, and
 * the child must exit 128+N, as the wizard does on each.
 */
static int
run_chaos(struct session *s, const struct cmd *c)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	static const char *const sig_names[] = { "INT", "TERM", "HUP" };
	int rows0 = s->rows, cols0 = s->cols, which, r;
	unsigned long long sent = 0, resizes = 0;
	uint64_t seed, rng;
	long start, at_sig;
	char burst[64], got[64];
	double secs;

	chaos_params(c, &seed, &secs);
	rng = seed;
	which = (int)(splitmix64(&rng) % 3);
	start = now_ms();
	at_sig = start + (long)(secs * 1000 *
	    (0.5 + (double)(splitmix64(&rng) % 1000) / 2500.0));
	printf("chaos: seed %llu (NVR_CHAOS_SEED=%llu replays it), %.1f s, "
	    "SIG%s at %.1f s\n", (unsigned long long)seed,
	    (unsigned long long)seed, secs, sig_names[which],
	    (double)(at_sig - start) / 1000);
	fflush(stdout);
	while (now_ms() < at_sig) {
		uint64_t x = splitmix64(&rng);

		if (s->exited)
			return fail(s, NULL, "child exited during chaos (seed "
			    "%llu)", (unsigned long long)seed);
		if (x % 100 < 3) {
			int small = (int)((x >> 8) % 2);
			int rows = small ? 3 + (int)((x >> 16) % 21) : rows0;
			int cols = small ? 10 + (int)((x >> 32) % 70) : cols0;

			if (chaos_resize(s, rows, cols))
				return 2;
			resizes++;
			continue;
		}
		if (s->writable && s->outlen == 0) {
			size_t n = 0, len = noise_burst(&rng, burst);
			ssize_t w;

			for (size_t i = 0; i < len; i++)
				if (!c->text || !memchr(c->text, burst[i], c->len))
					burst[n++] = burst[i];
			w = write(s->master, burst, n);
			if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != EIO)
				return sys_error(s, "write to pty");
			if (w > 0)
				sent += (unsigned long long)w;
		}
		if (pump(s, 5, 1))
			return 2;
	}
	if (s->exited)
		return fail(s, NULL, "child exited during chaos (seed %llu)",
		    (unsigned long long)seed);
	if (kill(s->pid, sigs[which]) != 0)
		return sys_error(s, "kill");
	if ((r = wait_exit(s, "chaos")) != 0)
		return r;
	printf("chaos: %llu bytes of noise, %llu resizes\n", sent, resizes);
	fflush(stdout);
	if (!WIFEXITED(s->status) ||
	    WEXITSTATUS(s->status) != 128 + sigs[which]) {
		describe_status(s->status, got, sizeof got);
		return fail(s, NULL, "after SIG%s the child %s, not exit %d "
		    "(chaos seed %llu)", sig_names[which], got,
		    128 + sigs[which], (unsigned long long)seed);
	}
	return 0;
}

/* Every terminal mode at exit as the child found it (stty -a alike). */
static int
expect_tty_restored(struct session *s)
{
	const struct termios *a = &s->start_tios, *b = &s->exit_tios;
	int r = wait_exit(s, "expect-tty-restored");

	if (r)
		return r;
	if (!s->have_tios)
		return fail(s, NULL, "could not read the terminal modes at exit");
	if (a->c_iflag != b->c_iflag || a->c_oflag != b->c_oflag ||
	    a->c_cflag != b->c_cflag || a->c_lflag != b->c_lflag ||
	    memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc)) != 0 ||
	    cfgetispeed(a) != cfgetispeed(b) ||
	    cfgetospeed(a) != cfgetospeed(b))
		return fail(s, NULL, "terminal modes not as at the start: "
		    "iflag %#lo/%#lo oflag %#lo/%#lo cflag %#lo/%#lo lflag "
		    "%#lo/%#lo%s", (unsigned long)a->c_iflag,
		    (unsigned long)b->c_iflag, (unsigned long)a->c_oflag,
		    (unsigned long)b->c_oflag, (unsigned long)a->c_cflag,
		    (unsigned long)b->c_cflag, (unsigned long)a->c_lflag,
		    (unsigned long)b->c_lflag,
		    memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc)) != 0 ?
		    ", control characters differ" : "");
	return 0;
}

/* TEXT is nowhere in what the child wrote: not on the screen, not in
 * the scrollback, not in a title or an escape sequence. */
static int
assert_not_written(struct session *s, const struct cmd *c)
{
	if (drain(s))
		return 2;
	if (c->len > 0 && s->written_len >= c->len &&
	    memmem(s->written, s->written_len, c->text, c->len) != NULL)
		return fail(s, NULL, "the child wrote \"%s\"", c->text);
	return 0;
}

static int
run_sleep(struct session *s, long ms)
{
	long end = now_ms() + ms;

	while (now_ms() < end)
		if (pump(s, end - now_ms(), 0))
			return 2;
	return 0;
}

/* Pumps until MS milliseconds pass without output: a paint is over. */
static int
run_settle(struct session *s, long ms)
{
	for (;;) {
		unsigned long long before = s->bytes;

		if (run_sleep(s, ms))
			return 2;
		if (s->bytes == before || s->exited)
			return 0;
	}
}

/*
 * The floor of the screen: the fewest bytes any program could paint it
 * with from blank. For each row, the UTF-8 bytes of its text from the
 * first to the last visible character, where a run of N blanks inside
 * counts min(N, 4) (past 4, a cursor-forward sequence, ESC [ N C, is as
 * cheap); moving between rows and attributes count nothing.
 */
static unsigned long
screen_floor(struct session *s)
{
	unsigned long floor = 0;
	char utf8[8];

	for (int row = 0; row < s->rows; row++) {
		unsigned long blanks = 0;
		int seen = 0;

		for (int col = 0; col < s->cols; col++) {
			VTermScreenCell cell;
			VTermPos pos = { row, col };

			vterm_screen_get_cell(s->screen, pos, &cell);
			if (cell.chars[0] == (uint32_t)-1)
				continue;
			if (cell.chars[0] == 0 || cell.chars[0] == ' ') {
				blanks++;
				continue;
			}
			if (seen)
				floor += blanks < 4 ? blanks : 4;
			seen = 1;
			blanks = 0;
			for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL &&
			    cell.chars[i]; i++)
				floor += put_utf8(utf8, cell.chars[i]);
		}
	}
	return floor;
}

/*
 * mark LABEL: prints the bytes the child wrote since the last mark, the
 * screen's floor (screen_floor), the milliseconds since the child
 * started and those from the last key to the child's last byte after
 * it; then counts afresh.
 */
static int
run_mark(struct session *s, const struct cmd *c)
{
	long long from = s->sent_us > s->start_us ? s->sent_us : s->start_us;

	/* paint: from the last key written (or the start) to the last byte
	 * the child wrote after it, the wait a person has for the screen. */
	printf("mark %s bytes=%llu floor=%lu ms=%ld paint=%.1f\n", c->text,
	    s->bytes, screen_floor(s), now_ms() - s->start_ms,
	    s->out_us > from ? (double)(s->out_us - from) / 1000 : 0.0);
	fflush(stdout);
	s->bytes = 0;
	return 0;
}

/*
 * rss-now LABEL: the running child's resident memory now (VmRSS) and its
 * peak so far (VmHWM), in KiB, from /proc: what it holds while a screen
 * is shown, which `rss` (the peak, after exit) cannot tell.
 */
static int
run_rss_now(struct session *s, const struct cmd *c)
{
	char path[64], line[256];
	long rss = -1, hwm = -1;
	FILE *f;

	if (drain(s))
		return 2;
	if (s->exited)
		return fail(s, NULL, "rss-now: the child has exited");
	snprintf(path, sizeof path, "/proc/%ld/status", (long)s->pid);
	if ((f = fopen(path, "r")) == NULL)
		return sys_error(s, path);
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			rss = strtol(line + 6, NULL, 10);
		else if (strncmp(line, "VmHWM:", 6) == 0)
			hwm = strtol(line + 6, NULL, 10);
	}
	fclose(f);
	if (rss < 0 || hwm < 0)
		return fail(s, NULL, "rss-now: no VmRSS in %s", path);
	printf("rss-now %s rss=%ld hwm=%ld\n", c->text, rss, hwm);
	fflush(stdout);
	return 0;
}

/* Wait for the child to exit, then for the rest of its output. */
static int
wait_exit(struct session *s, const char *what)
{
	long deadline = now_ms() + s->timeout_ms;

	while (!s->exited) {
		if (now_ms() >= deadline)
			return fail(s, NULL, "timeout: child still running (%s)", what);
		if (pump(s, deadline - now_ms(), 0))
			return 2;
	}
	/* Read what is left, until EIO: then the final screen is complete. */
	deadline = now_ms() + s->timeout_ms;
	while (!s->eof && now_ms() < deadline)
		if (pump(s, deadline - now_ms(), 0))
			return 2;
	return 0;
}

static int
expect_exit(struct session *s, const struct cmd *c)
{
	char got[64];
	int r = wait_exit(s, c->src);

	if (r)
		return r;
	if (c->b ? WIFSIGNALED(s->status) && WTERMSIG(s->status) == c->a :
	    WIFEXITED(s->status) && WEXITSTATUS(s->status) == c->a)
		return 0;
	describe_status(s->status, got, sizeof got);
	return fail(s, NULL, "expected exit %s, but child %s", c->src, got);
}

/* The terminal must be left as found: cooked mode, cursor, normal screen. */
static int
expect_tty_sane(struct session *s)
{
	int r = wait_exit(s, "expect-tty-sane");
	tcflag_t lf = s->exit_tios.c_lflag;

	if (r)
		return r;
	if (!s->have_tios)
		return fail(s, NULL, "could not read the terminal modes at exit");
	if (!(lf & ICANON) || !(lf & ECHO))
		return fail(s, NULL, "terminal modes not restored:%s%s",
		    lf & ICANON ? "" : " -icanon", lf & ECHO ? "" : " -echo");
	if (!s->cursor_visible)
		return fail(s, NULL, "cursor left invisible");
	if (s->altscreen)
		return fail(s, NULL, "alternate screen still active");
	return 0;
}

/* Does one screen line match an expected line; `{*}` matches any text. */
static int
line_match(const char *pat, const char *str)
{
	const char *star = strstr(pat, "{*}");
	size_t n;

	if (!star)
		return strcmp(pat, str) == 0;
	n = (size_t)(star - pat);
	if (strncmp(pat, str, n) != 0)
		return 0;
	for (str += n; ; str++) {
		if (line_match(star + 3, str))
			return 1;
		if (!*str)
			return 0;
	}
}

static char **
split_expected(const struct cmd *c, int *count)
{
	char **v = NULL;
	int n = 0;

	for (const char *p = c->text, *end = c->text + c->len; p < end; ) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t k = nl ? (size_t)(nl - p) : (size_t)(end - p);

		v = xrealloc(v, (size_t)(n + 1) * sizeof *v);
		v[n] = xstrndup(p, k);
		p += k + 1;
		while (k > 0 && (v[n][k - 1] == ' ' || v[n][k - 1] == '\r'))
			v[n][--k] = '\0';
		n++;
	}
	while (n > 0 && v[n - 1][0] == '\0')
		free(v[--n]);
	*count = n;
	return v;
}

/* True if the screen matches the NWANT lines of WANT; with DIFF set,
 * writes a line diff (expected -, actual +) there. */
static int
screen_matches(struct session *s, char **want, int nwant, FILE *diff)
{
	int nhave = 0, bad = 0;
	char **have = xrealloc(NULL, (size_t)s->rows * sizeof *have);

	for (int row = 0; row < s->rows; row++) {
		size_t n = render_row(s, row);

		have[row] = xstrndup(s->rowbuf, n);
		if (n > 0)
			nhave = row + 1;
	}
	for (int i = 0; i < nwant || i < nhave; i++) {
		if (i < nwant && i < nhave && line_match(want[i], have[i])) {
			if (diff)
				fprintf(diff, " %s\n", have[i]);
			continue;
		}
		bad = 1;
		if (diff && i < nwant)
			fprintf(diff, "-%s\n", want[i]);
		if (diff && i < nhave)
			fprintf(diff, "+%s\n", have[i]);
	}
	for (int i = 0; i < s->rows; i++)
		free(have[i]);
	free(have);
	return !bad;
}

/* Wait until the screen matches a FILE, as wait does for text (output may
 * still be arriving); on timeout fail with a line diff. */
static int
compare_screen(struct session *s, const struct cmd *c)
{
	long deadline = now_ms() + s->timeout_ms;
	char **want, *diff = NULL;
	int nwant, r = 0;
	size_t difflen;
	FILE *f;

	want = split_expected(c, &nwant);
	for (;;) {
		if (drain(s)) {
			r = 2;
			goto out;
		}
		if (screen_matches(s, want, nwant, NULL))
			goto out;
		if ((s->exited && s->eof) || now_ms() >= deadline)
			break;
		if (pump(s, deadline - now_ms(), 0)) {
			r = 2;
			goto out;
		}
	}
	if (!(f = open_memstream(&diff, &difflen))) {
		r = sys_error(s, "open_memstream");
		goto out;
	}
	fprintf(f, "--- %s (expected)\n+++ screen (actual)\n", c->src);
	screen_matches(s, want, nwant, f);
	if (fclose(f) == 0)
		r = fail(s, diff, "screen does not match %s", c->src);
	else
		r = sys_error(s, "open_memstream");
	free(diff);
out:
	for (int i = 0; i < nwant; i++)
		free(want[i]);
	free(want);
	return r;
}

/*
 * --typed: what send and send-grabbed typed, cut at control characters
 * (Enter, ^U) into one line a piece, "send\tPIECE", or "grabbed\tPIECE"
 * and "seen\tPIECE" for one that was on the screen before it was typed
 * (a code read off it, a word it asks for), so that
 * tests/e2e/typed-not-recorded can look for each password, answer and code
 * in the logs and on the screen.
 */
static void
note_typed(struct session *s, const char *how, const char *text, size_t n)
{
	size_t start = 0;

	if (s->typed == NULL)
		return;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && (unsigned char)text[i] >= 0x20 && text[i] != 0x7f)
			continue;
		if (i > start)
			fprintf(s->typed, "%s\t%.*s\n", screen_contains(s,
			    text + start, i - start, -1) ? "seen" : how,
			    (int)(i - start), text + start);
		start = i + 1;
	}
	fflush(s->typed);
}

static int
run_cmd(struct session *s, const struct cmd *c)
{
	s->line = c->line;
	switch (c->op) {
	case OP_WAIT:
	case OP_WAIT_GONE:
	case OP_WAIT_ROW:
	case OP_WAIT_ATTR:
	case OP_GRAB:
	case OP_GRAB_ALL:
	case OP_QR_BOX:
		return wait_for(s, c);
	case OP_RUN_GRAB:
		return run_grab(s, c);
	case OP_QR_IMAGE: {
		struct qr_box box;
		VTermPos bad;
		int r = wait_for(s, c);

		if (r)
			return r;
		if (qr_find(s, &box, &bad) == 0)
			return fail(s, NULL, "qr-image: no QR code on screen");
		return qr_write_image(s, &box, c->text);
	}
	case OP_EXPECT_QR:
		return expect_qr(s, c);
	case OP_SEND_GRABBED: {
		char text[sizeof s->grabbed];
		size_t n = 0;

		if (s->exited)
			return fail(s, NULL, "child has exited, cannot send");
		for (const char *g = s->grabbed; *g; g++) {
			if ((c->a & 2) && *g == '-')
				continue;
			text[n++] = (char)((c->a & 1) ?
			    tolower((unsigned char)*g) : *g);
		}
		note_typed(s, "grabbed", text, n);
		on_output(text, n, s);
		return send_keys(s);
	}
	case OP_ASSERT:
	case OP_ASSERT_NOT:
		if (drain(s))
			return 2;
		if (condition(s, c))
			return 0;
		return fail(s, NULL, c->op == OP_ASSERT ? "not on screen: %s" :
		    "on screen: %s", c->src);
	case OP_SEND:
		if (s->exited)
			return fail(s, NULL, "child has exited, cannot send");
		note_typed(s, "send", c->text, c->len);
		on_output(c->text, c->len, s);
		return send_keys(s);
	case OP_KEY:
		if (s->exited)
			return fail(s, NULL, "child has exited, cannot press keys");
		return press_key(s, c);
	case OP_RESIZE:
		return do_resize(s, (int)c->a, (int)c->b);
	case OP_SIGNAL:
		if (drain(s))
			return 2;
		if (s->exited)
			return fail(s, NULL, "child has exited, cannot signal it");
		if (kill(s->pid, (int)c->a) != 0)
			return sys_error(s, "kill");
		return 0;
	case OP_NOISE:
		return run_noise(s, c);
	case OP_CHAOS:
		return run_chaos(s, c);
	case OP_TTY_RESTORED:
		return expect_tty_restored(s);
	case OP_NOT_WRITTEN:
		return assert_not_written(s, c);
	case OP_SLEEP:
		return run_sleep(s, c->a);
	case OP_SETTLE:
		return run_settle(s, c->a);
	case OP_MARK:
		return run_mark(s, c);
	case OP_RSS_NOW:
		return run_rss_now(s, c);
	case OP_RSS:
		if (!s->exited)
			return fail(s, NULL, "rss: the child has not exited");
		printf("rss %ld\n", s->maxrss_kb);
		fflush(stdout);
		return 0;
	case OP_EXPECT_EXIT:
		return expect_exit(s, c);
	case OP_EXPECT_RUNNING:
		if (drain(s))
			return 2;
		return s->exited ? fail(s, NULL, "child is not running") : 0;
	case OP_TTY_SANE:
		return expect_tty_sane(s);
	case OP_SCREEN:
		return compare_screen(s, c);
	case OP_SET_TIMEOUT:
		s->timeout_ms = (long)(c->secs * 1000);
		return 0;
	default:
		break;
	}
	if (drain(s))
		return 2;
	if (c->op == OP_DUMP)
		dump_screen(s, stdout);
	else if (c->op == OP_BYTES)
		printf("bytes: %llu\n", s->bytes);
	else if (c->op == OP_BYTES_RESET)
		s->bytes = 0;
	else if (s->bytes > (unsigned long long)c->a)
		return fail(s, NULL, "child wrote %llu bytes, more than %ld", s->bytes, c->a);
	fflush(stdout);
	return 0;
}

/* --------------------------------------------------------------- parsing */

static const struct { const char *name; enum op op; } commands[] = {
	{ "wait", OP_WAIT }, { "wait-gone", OP_WAIT_GONE },
	{ "assert", OP_ASSERT }, { "assert-not", OP_ASSERT_NOT },
	{ "wait-row", OP_WAIT_ROW }, { "wait-attr", OP_WAIT_ATTR },
	{ "send", OP_SEND }, { "key", OP_KEY }, { "resize", OP_RESIZE },
	{ "signal", OP_SIGNAL }, { "noise", OP_NOISE }, { "sleep", OP_SLEEP },
	{ "expect-exit", OP_EXPECT_EXIT }, { "expect-running", OP_EXPECT_RUNNING },
	{ "expect-tty-sane", OP_TTY_SANE }, { "screen", OP_SCREEN },
	{ "dump", OP_DUMP }, { "bytes", OP_BYTES }, { "bytes-reset", OP_BYTES_RESET },
	{ "expect-bytes-max", OP_BYTES_MAX }, { "set-timeout", OP_SET_TIMEOUT },
	{ "grab", OP_GRAB }, { "send-grabbed", OP_SEND_GRABBED },
	{ "grab-all", OP_GRAB_ALL }, { "run-grab", OP_RUN_GRAB },
	{ "settle", OP_SETTLE }, { "mark", OP_MARK }, { "rss", OP_RSS },
	{ "rss-now", OP_RSS_NOW },
	{ "qr-image", OP_QR_IMAGE }, { "expect-qr", OP_EXPECT_QR },
	{ "expect-qr-box", OP_QR_BOX }, { "chaos", OP_CHAOS },
	{ "expect-tty-restored", OP_TTY_RESTORED },
	{ "assert-not-written", OP_NOT_WRITTEN },
};

static const struct { const char *name; int key; } keys[] = {
	{ "up", VTERM_KEY_UP }, { "down", VTERM_KEY_DOWN },
	{ "left", VTERM_KEY_LEFT }, { "right", VTERM_KEY_RIGHT },
	{ "home", VTERM_KEY_HOME }, { "end", VTERM_KEY_END },
	{ "pgup", VTERM_KEY_PAGEUP }, { "pgdn", VTERM_KEY_PAGEDOWN },
	{ "enter", VTERM_KEY_ENTER }, { "tab", VTERM_KEY_TAB },
	{ "backspace", VTERM_KEY_BACKSPACE }, { "escape", VTERM_KEY_ESCAPE },
	{ "delete", VTERM_KEY_DEL }, { "insert", VTERM_KEY_INS },
};

/* Decode C escapes in src[0..n); returns NULL with *err set on a bad one. */
static char *
unescape(const char *src, size_t n, size_t *len, const char **err)
{
	char *out = xrealloc(NULL, n + 1);
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (src[i] != '\\') {
			out[k++] = src[i];
			continue;
		}
		if (++i == n) {
			free(out);
			*err = "string ends with a lone backslash";
			return NULL;
		}
		switch (src[i]) {
		case 'r': out[k++] = '\r'; break;
		case 'n': out[k++] = '\n'; break;
		case 't': out[k++] = '\t'; break;
		case 'e': out[k++] = '\x1b'; break;
		case '\\': out[k++] = '\\'; break;
		case '"': out[k++] = '"'; break;
		case 'x':
			if (i + 2 < n && isxdigit((unsigned char)src[i + 1]) &&
			    isxdigit((unsigned char)src[i + 2])) {
				char hex[3] = { src[i + 1], src[i + 2], '\0' };

				out[k++] = (char)strtol(hex, NULL, 16);
				i += 2;
				break;
			}
			/* fall through */
		default:
			free(out);
			*err = "bad escape sequence in string";
			return NULL;
		}
	}
	out[k] = '\0';
	*len = k;
	return out;
}

static const char *
skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Next whitespace-separated word into buf; returns its length (0: none). */
static size_t
next_word(const char **pp, char *buf, size_t cap)
{
	const char *p = skip_blanks(*pp), *start = p;
	size_t n;

	while (*p && *p != ' ' && *p != '\t')
		p++;
	n = (size_t)(p - start);
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, start, n);
	buf[n] = '\0';
	*pp = p;
	return n;
}

/*
 * A TEXT argument: quoted (ends at the closing quote) or bare (to the end
 * of the line, or before the last `keep_last` words).
 */
static int
parse_text(const char **pp, struct cmd *c, int keep_last, const char **err)
{
	const char *p = skip_blanks(*pp), *end;

	if (*p == '"') {
		for (end = ++p; *end && *end != '"'; end++)
			if (*end == '\\' && end[1])
				end++;
		if (*end != '"') {
			*err = "unterminated string";
			return -1;
		}
		*pp = end + 1;
	} else {
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		for (int i = 0; i < keep_last; i++) {
			while (end > p && end[-1] != ' ' && end[-1] != '\t')
				end--;
			while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
				end--;
		}
		*pp = end;
	}
	c->src = xstrndup(p, (size_t)(end - p));
	c->text = unescape(p, (size_t)(end - p), &c->len, err);
	if (c->text && c->len == 0)
		*err = "empty TEXT";
	return c->text && c->len > 0 ? 0 : -1;
}

static int
parse_long(const char *w, long min, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(w, &end, 10);
	return *w && !*end && !errno && *out >= min && *out <= max ? 0 : -1;
}

static int
parse_secs(const char *w, double *out)
{
	char *end;

	*out = strtod(w, &end);
	return *w && !*end && *out > 0 && *out <= 86400 ? 0 : -1;
}

static char *
read_file(FILE *f, size_t *len)
{
	char *buf = NULL;
	size_t n = 0, cap = 0, k;

	do {
		if (cap - n < 4096)
			buf = xrealloc(buf, cap = cap * 2 + 4096);
		k = fread(buf + n, 1, cap - n - 1, f);
		n += k;
	} while (k > 0);
	if (ferror(f)) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int
parse_key(struct cmd *c, const char *name)
{
	c->mod = 0;
	if (strcasecmp(name, "shift-tab") == 0) {
		c->key = VTERM_KEY_TAB;
		c->mod = VTERM_MOD_SHIFT;
		return 0;
	}
	if (strncasecmp(name, "ctrl-", 5) == 0 && strlen(name) == 6 &&
	    ((name[5] | 0x20) >= 'a' && (name[5] | 0x20) <= 'z')) {
		c->key = 0;
		c->uni = (uint32_t)(name[5] | 0x20);
		c->mod = VTERM_MOD_CTRL;
		return 0;
	}
	if (strcasecmp(name, "space") == 0) {
		c->key = 0;
		c->uni = ' ';
		return 0;
	}
	if ((name[0] | 0x20) == 'f') {
		long n;

		if (parse_long(name + 1, 1, 12, &n) == 0) {
			c->key = VTERM_KEY_FUNCTION((int)n);
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcasecmp(name, keys[i].name) == 0) {
			c->key = keys[i].key;
			return 0;
		}
	return -1;
}

/* Parse the arguments of one command (p points past the command name). */
static const char *
parse_args(struct session *s, struct cmd *c, const char *p, char *errbuf)
{
	const char *err = NULL;
	char w1[256], w2[256];
	bool more;

	switch (c->op) {
	case OP_WAIT_ROW:
		if (!next_word(&p, w1, sizeof w1) || parse_long(w1, 0, 9999, &c->a))
			return "wait-row needs a row number";
		/* fall through */
	case OP_WAIT: case OP_WAIT_GONE: case OP_ASSERT: case OP_ASSERT_NOT:
	case OP_SEND: case OP_QR_IMAGE: case OP_EXPECT_QR: case OP_NOT_WRITTEN:
		if (parse_text(&p, c, 0, &err))
			return err;
		break;
	case OP_QR_BOX:
		for (int k = 0; k < 4; k++)
			if (!next_word(&p, w1, sizeof w1) ||
			    parse_long(w1, k < 2 ? 0 : 1, 1000, &c->qr[k]))
				return "expect-qr-box needs ROW COL ROWS COLS";
		break;
	case OP_WAIT_ATTR:
		if (parse_text(&p, c, *skip_blanks(p) != '"', &err))
			return err;
		next_word(&p, w1, sizeof w1);
		for (c->a = 0; c->a < 4 && strcmp(w1, attr_names[c->a]) != 0;
		    c->a++)
			;
		if (c->a == 4)
			return "wait-attr needs TEXT and reverse, bold, underline or color";
		break;
	case OP_SCREEN: {
		char path[4096];
		FILE *f;

		if (parse_text(&p, c, 0, &err))
			return err;
		snprintf(path, sizeof path, "%s%s", c->text[0] == '/' ? "" : s->dir, c->text);
		free(c->text);
		c->text = NULL;
		if ((f = fopen(path, "r"))) {
			c->text = read_file(f, &c->len);
			fclose(f);
		}
		if (!c->text) {
			snprintf(errbuf, 256, "%.200s: %s", path, strerror(errno));
			return errbuf;
		}
		break;
	}
	case OP_KEY:
		if (!next_word(&p, w1, sizeof w1) || parse_key(c, w1))
			return "unknown key name";
		c->b = 1;
		if (next_word(&p, w2, sizeof w2) && parse_long(w2, 1, 100000, &c->b))
			return "bad key count";
		break;
	case OP_RESIZE:
		if (!next_word(&p, w1, sizeof w1) || parse_long(w1, 2, 1000, &c->a) ||
		    !next_word(&p, w2, sizeof w2) || parse_long(w2, 2, 1000, &c->b))
			return "resize needs ROWS COLS";
		break;
	case OP_SIGNAL:
		next_word(&p, w1, sizeof w1);
		if ((c->a = signal_by_name(w1)) < 0)
			return "unknown signal name";
		break;
	case OP_CHAOS:
		if (!next_word(&p, w1, sizeof w1) || parse_secs(w1, &c->secs) ||
		    !next_word(&p, w2, sizeof w2) ||
		    parse_long(w2, 0, LONG_MAX, &c->a))
			return "chaos needs SECONDS SEED [exclude BYTES]";
		more = next_word(&p, w1, sizeof w1);
		if (more &&
		    (strcmp(w1, "exclude") != 0 || parse_text(&p, c, 0, &err)))
			return err ? err : "chaos needs SECONDS SEED [exclude BYTES]";
		break;
	case OP_NOISE:
		c->b = 0;
		if (!next_word(&p, w1, sizeof w1) || parse_secs(w1, &c->secs) ||
		    !next_word(&p, w2, sizeof w2) || parse_long(w2, 0, LONG_MAX, &c->a))
			return "noise needs SECONDS SEED [exclude BYTES]";
		more = next_word(&p, w1, sizeof w1);
		if (more && strcmp(w1, "rate") == 0) {
			if (!next_word(&p, w2, sizeof w2) ||
			    parse_long(w2, 1, LONG_MAX, &c->b))
				return "noise rate needs bytes per second";
			more = next_word(&p, w1, sizeof w1);
		}
		if (more &&
		    (strcmp(w1, "exclude") != 0 || parse_text(&p, c, 0, &err)))
			return err ? err : "noise needs SECONDS SEED [rate BYTES_PER_S] [exclude BYTES]";
		break;
	case OP_SLEEP:
	case OP_SETTLE:
		if (!next_word(&p, w1, sizeof w1) || parse_long(w1, 0, 3600000, &c->a))
			return "sleep and settle need milliseconds";
		break;
	case OP_MARK: case OP_RSS_NOW:
		if (parse_text(&p, c, 0, &err))
			return err;
		break;
	case OP_EXPECT_EXIT:
		next_word(&p, w1, sizeof w1);
		c->src = xstrndup(w1, strlen(w1));
		if (strncmp(w1, "signal:", 7) == 0) {
			c->b = 1;
			if ((c->a = signal_by_name(w1 + 7)) < 0)
				return "unknown signal name";
		} else if (parse_long(w1, 0, 255, &c->a)) {
			return "expect-exit needs an exit code or signal:NAME";
		}
		break;
	case OP_BYTES_MAX:
		if (!next_word(&p, w1, sizeof w1) || parse_long(w1, 0, LONG_MAX, &c->a))
			return "expect-bytes-max needs a number";
		break;
	case OP_SET_TIMEOUT:
		if (!next_word(&p, w1, sizeof w1) || parse_secs(w1, &c->secs))
			return "set-timeout needs seconds";
		break;
	case OP_RUN_GRAB:
		if (parse_text(&p, c, 0, &err))
			return err;
		break;
	case OP_GRAB:
	case OP_GRAB_ALL:
		if (parse_text(&p, c, 0, &err))
			return err;
		c->re = xrealloc(NULL, sizeof *c->re);
		if (regcomp(c->re, c->text, REG_EXTENDED) != 0)
			return "grab needs a POSIX extended regular expression";
		break;
	case OP_SEND_GRABBED:
		while (next_word(&p, w1, sizeof w1)) {
			if (strcmp(w1, "lower") == 0)
				c->a |= 1;
			else if (strcmp(w1, "nodash") == 0)
				c->a |= 2;
			else
				return "send-grabbed takes lower and nodash";
		}
		break;
	default:
		break;
	}
	if (*skip_blanks(p))
		return "unexpected text after the arguments";
	return NULL;
}

/* Parse the whole script up front so syntax errors never start the child. */
static int
parse_script(struct session *s, char *text, struct cmd **cmds, int *ncmds)
{
	char *line = text, *next;

	for (int lineno = 1; line; lineno++, line = next) {
		struct cmd c = { .line = lineno };
		char name[64];
		const char *p = line, *err;
		char errbuf[256];
		size_t i;

		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		line[strcspn(line, "\r")] = '\0';
		if (*skip_blanks(line) == '#' || !*skip_blanks(line))
			continue;
		next_word(&p, name, sizeof name);
		for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
			if (strcmp(name, commands[i].name) == 0)
				break;
		if (i == sizeof commands / sizeof commands[0])
			err = "unknown command";
		else {
			c.op = commands[i].op;
			err = parse_args(s, &c, p, errbuf);
		}
		*cmds = xrealloc(*cmds, (size_t)(*ncmds + 1) * sizeof **cmds);
		(*cmds)[(*ncmds)++] = c;	/* kept even on error, so it is freed */
		if (err) {
			fprintf(stderr, "%s:%d: %s: %s\n", s->script, lineno, name, err);
			return 2;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ main */

static int
usage(void)
{
	fputs("usage: vtdrive [--rows R] [--cols C] [--timeout SECONDS] [--term TERM]\n"
	    "               [--log FILE] [--typed FILE]\n"
	    "               [--env NAME=VALUE]... [--unsetenv NAME]... [--dump-on-fail]\n"
	    "               SCRIPT -- PROGRAM [ARGS...]\n", stderr);
	return 2;
}

static const VTermScreenCallbacks screen_callbacks = {
	.settermprop = on_termprop,
};

/* A fresh emulator of s->rows x s->cols into s->vt and s->screen. */
static int
vterm_open(struct session *s)
{
	s->vt = vterm_new(s->rows, s->cols);
	if (!s->vt) {
		fputs("vtdrive: vterm_new failed\n", stderr);
		return 2;
	}
	vterm_set_utf8(s->vt, 1);
	vterm_output_set_callback(s->vt, on_output, s);
	s->screen = vterm_obtain_screen(s->vt);
	vterm_screen_set_callbacks(s->screen, &screen_callbacks, s);
	vterm_screen_enable_altscreen(s->screen, 1);
	vterm_screen_reset(s->screen, 1);
	return 0;
}

static int
run(struct session *s, char **prog, const char *term, const struct envop *env,
    int nenv, struct cmd *cmds, int ncmds)
{
	struct sigaction sa = { .sa_handler = on_watchdog };
	int r;

	if (sigaction(SIGALRM, &sa, NULL) != 0)
		return sys_error(s, "sigaction");
	if ((r = vterm_open(s)))
		return r;
	s->cursor_visible = 1;
	alloc_rowbuf(s);
	if ((r = session_start(s, prog, term, env, nenv)))
		return r;
	for (int i = 0; i < ncmds; i++)
		if ((r = run_cmd(s, &cmds[i])))
			return r;
	return 0;
}

int
main(int argc, char **argv)
{
	struct session s = { .rows = 24, .cols = 80, .timeout_ms = 10000,
	    .master = -1, .slave = -1, .pidfd = -1 };
	struct envop *env = xrealloc(NULL, (size_t)argc * sizeof *env);
	struct cmd *cmds = NULL;
	const char *term = "vt100";
	char *text = NULL, *dir = NULL;
	int i, nenv = 0, ncmds = 0, r = 2;
	size_t len;
	FILE *f;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		long n;
		double secs;

		if (strcmp(opt, "--dump-on-fail") == 0) {
			s.dump_on_fail = 1;
			continue;
		}
		if (strncmp(opt, "--", 2) != 0) {
			if (s.script)
				goto out;
			s.script = opt;
			continue;
		}
		if (!val)
			goto out;
		i++;
		if (strcmp(opt, "--log") == 0 || strcmp(opt, "--typed") == 0) {
			FILE **fp = opt[2] == 'l' ? &s.log : &s.typed;

			if (*fp != NULL || (*fp = fopen(val, "w")) == NULL)
				goto out;
			continue;
		}
		if (strcmp(opt, "--rows") == 0 && !parse_long(val, 2, 1000, &n))
			s.rows = (int)n;
		else if (strcmp(opt, "--cols") == 0 && !parse_long(val, 2, 1000, &n))
			s.cols = (int)n;
		else if (strcmp(opt, "--timeout") == 0 && !parse_secs(val, &secs))
			s.timeout_ms = (long)(secs * 1000);
		else if (strcmp(opt, "--term") == 0)
			term = val;
		else if (strcmp(opt, "--env") == 0 && strchr(val, '=') > val)
			env[nenv++] = (struct envop){ argv[i], 0 };
		else if (strcmp(opt, "--unsetenv") == 0 && *val && !strchr(val, '='))
			env[nenv++] = (struct envop){ argv[i], 1 };
		else
			goto out;
	}
	if (!s.script || i + 1 >= argc)
		goto out;

	f = strcmp(s.script, "-") == 0 ? stdin : fopen(s.script, "r");
	if (!f) {
		fprintf(stderr, "vtdrive: %s: %s\n", s.script, strerror(errno));
		goto done;
	}
	text = read_file(f, &len);
	if (f != stdin)
		fclose(f);
	if (!text) {
		fprintf(stderr, "vtdrive: cannot read %s\n", s.script);
		goto done;
	}
	/* screen FILEs are relative to the script's folder */
	dir = xstrndup(s.script, strcmp(s.script, "-") != 0 &&
	    strrchr(s.script, '/') ?
	    (size_t)(strrchr(s.script, '/') - s.script + 1) : 0);
	s.dir = dir;
	if (parse_script(&s, text, &cmds, &ncmds) == 0)
		r = run(&s, argv + i + 1, term, env, nenv, cmds, ncmds);
done:
	session_end(&s);
	for (int k = 0; k < ncmds; k++) {
		free(cmds[k].src);
		free(cmds[k].text);
	}
	free(cmds);
	free(text);
	free(dir);
	free(env);
	return r;
out:
	free(env);
	return usage();
}
