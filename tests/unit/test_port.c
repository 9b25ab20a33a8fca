/*
 * test_port.c: opening a serial line (tui/port.c) on a real
 * pseudo-terminal pair: the line set up raw at the speed asked for with
 * CLOCAL, a second opener refused before it changes anything, a link
 * followed, and the clear refusals for what is no port.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <cmocka.h>

#include "tui/port.h"

struct fx {
	int master, slave;
	char name[64];
	char link[96];
	char dir[64];
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL || openpty(&fx->master, &fx->slave, fx->name, NULL,
	    NULL) != 0)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/nvr-test-port-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->link, sizeof(fx->link), "%s/ttyNVR", fx->dir);
	if (symlink(fx->name, fx->link) != 0)
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	port_close();
	unlink(fx->link);
	rmdir(fx->dir);
	close(fx->slave);
	close(fx->master);
	free(fx);
	return 0;
}

static void
test_port_opens_raw_at_speed(void **state)
{
	struct fx *fx = *state;
	struct port_settings s = { .baud = 9600 };
	struct nvr_error err;
	struct termios t;
	int fd, flags;

	assert_int_equal(port_open(fx->link, &s, &fd, &err), 0);
	assert_true(fd >= 0);
	assert_int_equal(tcgetattr(fd, &t), 0);
	assert_int_equal(cfgetospeed(&t), B9600);
	assert_true(t.c_cflag & CLOCAL);
	assert_int_equal(t.c_cflag & CSIZE, CS8);
	assert_false(t.c_cflag & (PARENB | CSTOPB | CRTSCTS));
	assert_false(t.c_lflag & (ICANON | ECHO | ISIG));
	assert_false(t.c_iflag & (IXON | IXOFF | ICRNL));
	flags = fcntl(fd, F_GETFL);
	assert_false(flags & O_NONBLOCK);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	port_close();
}

static void
test_port_settings(void **state)
{
	struct fx *fx = *state;
	struct port_settings s = { .baud = 115200, .parity = PORT_PARITY_EVEN,
	    .flow = PORT_FLOW_XONXOFF };
	struct nvr_error err;
	struct termios t;
	int fd;

	assert_int_equal(port_open(fx->name, &s, &fd, &err), 0);
	assert_int_equal(tcgetattr(fd, &t), 0);
	assert_int_equal(cfgetospeed(&t), B115200);
	/* Parity is a UART's: a pty keeps no such hardware bits, so only
	 * the software flow control can be seen here. */
	assert_true(t.c_iflag & IXON);
	assert_true(t.c_iflag & IXOFF);
	port_close();
}

/* A second program is refused before it touches the line. */
static void
test_port_busy(void **state)
{
	struct fx *fx = *state;
	struct port_settings s = { .baud = 115200 };
	struct nvr_error err;
	struct termios t;
	pid_t pid;
	int fd, status;

	assert_int_equal(port_open(fx->name, &s, &fd, &err), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct port_settings slow = { .baud = 9600 };
		int other;
		int rc = port_open(fx->link, &slow, &other, &err);

		_exit(rc == -EBUSY && strstr(err.message, "in use by another "
		    "program") != NULL ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(tcgetattr(fd, &t), 0);
	assert_int_equal(cfgetospeed(&t), B115200);
	port_close();
}

static void
test_port_refusals(void **state)
{
	struct fx *fx = *state;
	struct port_settings s = { .baud = 115200 };
	struct nvr_error err;
	int fd;

	assert_int_equal(port_open("/dev/ttyNOPE9", &s, &fd, &err), -ENOENT);
	assert_string_equal(err.message, "/dev/ttyNOPE9: no such port");
	assert_int_equal(port_open(fx->dir, &s, &fd, &err), -ENOTTY);
	assert_int_equal(port_open("/dev/null", &s, &fd, &err), -ENOTTY);
	s.baud = 12345;
	assert_int_equal(port_open(fx->name, &s, &fd, &err), -EINVAL);
	assert_int_equal(fd, -1);
	assert_false(port_baud_ok(12345));
	assert_true(port_baud_ok(9600));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_port_opens_raw_at_speed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_settings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_port_busy, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_port_refusals, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
