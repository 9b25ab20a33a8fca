/*
 * port.c: opening the serial port, with libserialport where it can and
 * termios where it cannot (pseudo-terminals).
 */
#include "tui/port.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "tui/serialport_lib.h"

static struct {
	struct sp_port *sp;	/* a real port, or NULL */
	int fd;			/* our own descriptor: it holds the lock,
				 * and is the line itself for a pty; or -1 */
} port = { .fd = -1 };

static const struct {
	int baud;
	speed_t speed;
} speeds[] = {
	{ 1200, B1200 }, { 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 },
	{ 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 },
	{ 115200, B115200 }, { 230400, B230400 }, { 460800, B460800 },
	{ 921600, B921600 },
};

int
port_baud_ok(int baud)
{
	for (size_t i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
		if (speeds[i].baud == baud)
			return 1;
	return 0;
}

/* Whether PATH is a tty libserialport knows: it looks ports up in
 * /sys/class/tty/NAME/device, which pseudo-terminals do not have. */
static bool
in_sysfs(const char *path)
{
	char resolved[PATH_MAX], sys[PATH_MAX + 64];
	struct stat st;

	if (realpath(path, resolved) == NULL)
		return false;
	snprintf(sys, sizeof(sys), "/sys/class/tty/%s/device",
	    basename(resolved));
	return stat(sys, &st) == 0;
}

/* termios for a line libserialport cannot open (a pty). */
static int
setup_termios(int fd, const struct port_settings *s, struct nvr_error *err)
{
	struct termios t;
	speed_t speed = B115200;

	for (size_t i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
		if (speeds[i].baud == s->baud)
			speed = speeds[i].speed;
	if (tcgetattr(fd, &t) != 0)
		return nvr_error_set(err, -errno, "cannot read the line's "
		    "settings: %s", strerror(errno));
	cfmakeraw(&t);
	cfsetspeed(&t, speed);
	t.c_cflag &= ~(tcflag_t)(CSIZE | CSTOPB | PARENB | PARODD | CRTSCTS);
	t.c_cflag |= CS8 | CREAD | CLOCAL;
	if (s->parity != PORT_PARITY_NONE)
		t.c_cflag |= PARENB | (s->parity == PORT_PARITY_ODD ? PARODD :
		    0);
	t.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
	if (s->flow == PORT_FLOW_XONXOFF)
		t.c_iflag |= IXON | IXOFF;
	else if (s->flow == PORT_FLOW_RTSCTS)
		t.c_cflag |= CRTSCTS;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSANOW, &t) != 0)
		return nvr_error_set(err, -errno, "cannot set the line up: %s",
		    strerror(errno));
	return 0;
}

/* libserialport's message for the last failure, as an errno. */
static int
sp_failed(enum sp_return rc, const char *path, const char *what,
    struct nvr_error *err)
{
	int code = rc == SP_ERR_FAIL ? sp_last_error_code() : EINVAL;
	char *message = rc == SP_ERR_FAIL ? sp_last_error_message() : NULL;
	int result;

	if (code == 0)
		code = EIO;
	result = nvr_error_set(err, code == EBUSY ? -EBUSY : -code,
	    "%s: cannot %s: %s", path, what, message != NULL ? message :
	    strerror(code));
	if (message != NULL)
		sp_free_error_message(message);
	return result;
}

static int
open_sp(const char *path, const struct port_settings *s, int *fd,
    struct nvr_error *err)
{
	enum sp_parity parity = s->parity == PORT_PARITY_ODD ? SP_PARITY_ODD :
	    s->parity == PORT_PARITY_EVEN ? SP_PARITY_EVEN : SP_PARITY_NONE;
	enum sp_flowcontrol flow = s->flow == PORT_FLOW_XONXOFF ?
	    SP_FLOWCONTROL_XONXOFF : s->flow == PORT_FLOW_RTSCTS ?
	    SP_FLOWCONTROL_RTSCTS : SP_FLOWCONTROL_NONE;
	enum sp_return rc;
	int flags;

	if (serialport_lib_load(err) != 0)
		return -ENOENT;
	rc = sp_get_port_by_name(path, &port.sp);
	if (rc != SP_OK)
		return sp_failed(rc, path, "find the port", err);
	rc = sp_open(port.sp, SP_MODE_READ_WRITE);
	if (rc != SP_OK) {
		int r = sp_failed(rc, path, "open the port", err);

		sp_free_port(port.sp);
		port.sp = NULL;
		return r;
	}
	if ((rc = sp_set_baudrate(port.sp, s->baud)) != SP_OK ||
	    (rc = sp_set_bits(port.sp, 8)) != SP_OK ||
	    (rc = sp_set_parity(port.sp, parity)) != SP_OK ||
	    (rc = sp_set_stopbits(port.sp, 1)) != SP_OK ||
	    (rc = sp_set_flowcontrol(port.sp, flow)) != SP_OK ||
	    (rc = sp_get_port_handle(port.sp, fd)) != SP_OK)
		return sp_failed(rc, path, "set the port up", err);
	/* libserialport opens with O_NONBLOCK and without O_CLOEXEC: curses
	 * would spin on a full output buffer at 9600 baud, and a program
	 * the wizard runs (a restart command) would inherit the line. */
	if ((flags = fcntl(*fd, F_GETFL)) < 0 ||
	    fcntl(*fd, F_SETFL, flags & ~O_NONBLOCK) < 0 ||
	    fcntl(*fd, F_SETFD, FD_CLOEXEC) < 0)
		return nvr_error_set(err, -errno, "%s: cannot set the port up: "
		    "%s", path, strerror(errno));
	return 0;
}

int
port_open(const char *path, const struct port_settings *s, int *fd,
    struct nvr_error *err)
{
	char resolved[PATH_MAX];
	struct stat st;
	int rc, flags;

	*fd = -1;
	if (stat(path, &st) != 0)
		return nvr_error_set(err, -errno, "%s: %s", path,
		    errno == ENOENT ? "no such port" : strerror(errno));
	if (!S_ISCHR(st.st_mode))
		return nvr_error_set(err, -ENOTTY, "%s is not a serial port",
		    path);
	if (!port_baud_ok(s->baud))
		return nvr_error_set(err, -EINVAL, "%d is not a baud rate this "
		    "port can use", s->baud);
	/* /dev/serial/by-id/... and other links: libserialport wants the
	 * device's own name. */
	if (realpath(path, resolved) == NULL)
		return nvr_error_set(err, -errno, "%s: %s", path,
		    strerror(errno));
	/* Locked before anything is set: a second program refused here must
	 * not change the line the first one uses. picocom takes the same
	 * lock (minicom uses UUCP lock files instead). */
	port.fd = open(resolved, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (port.fd < 0)
		return nvr_error_set(err, -errno, "%s: cannot open: %s", path,
		    strerror(errno));
	if (flock(port.fd, LOCK_EX | LOCK_NB) != 0) {
		rc = errno == EWOULDBLOCK ? -EBUSY : -errno;
		port_close();
		return nvr_error_set(err, rc, "%s is in use by another program",
		    path);
	}
	if (!isatty(port.fd)) {
		port_close();
		return nvr_error_set(err, -ENOTTY, "%s is not a terminal",
		    path);
	}
	if (in_sysfs(resolved)) {
		rc = open_sp(resolved, s, fd, err);
	} else {
		/* A pseudo-terminal: libserialport cannot find it (no
		 * /sys/class/tty entry), so termios does the same job on
		 * our own descriptor. */
		flags = fcntl(port.fd, F_GETFL);
		rc = flags < 0 || fcntl(port.fd, F_SETFL, flags &
		    ~O_NONBLOCK) < 0 ? nvr_error_set(err, -errno, "%s: %s",
		    path, strerror(errno)) : setup_termios(port.fd, s, err);
		*fd = port.fd;
	}
	if (rc != 0) {
		port_close();
		*fd = -1;
	}
	return rc;
}

void
port_close(void)
{
	if (port.sp != NULL) {
		sp_close(port.sp);
		sp_free_port(port.sp);
		port.sp = NULL;
	}
	if (port.fd >= 0)
		close(port.fd);
	port.fd = -1;
}

int
port_list(FILE *out, struct nvr_error *err)
{
	struct sp_port **list;
	enum sp_return rc;
	int n = 0;

	if (serialport_lib_load(err) != 0)
		return -ENOENT;
	rc = sp_list_ports(&list);
	if (rc != SP_OK)
		return sp_failed(rc, "serial ports", "list them", err);
	for (; list[n] != NULL; n++) {
		const char *desc = sp_get_port_description(list[n]);

		fprintf(out, "%s\t%s\n", sp_get_port_name(list[n]),
		    desc != NULL ? desc : "");
	}
	sp_free_port_list(list);
	return n;
}
