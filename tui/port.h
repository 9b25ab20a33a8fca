/*
 * port.h: the serial port a technician's laptop is on. A real port (a
 * UART, a USB-serial adapter) is opened and set up with libserialport; a
 * pseudo-terminal (socat's, in the tests) with termios, as libserialport
 * finds ports through /sys/class/tty, which ptys lack.
 *
 * Either way the line ends up raw, 8 data bits, one stop bit, at the
 * given speed, parity and flow control, with CLOCAL (most NVR consoles
 * are 3-wire: no carrier to wait for), and locked with flock(2) so that
 * two programs never share it.
 */
#ifndef NVR_TUI_PORT_H
#define NVR_TUI_PORT_H

#include <stdio.h>

#include "common/nvr_error.h"

enum port_parity { PORT_PARITY_NONE, PORT_PARITY_ODD, PORT_PARITY_EVEN };
enum port_flow { PORT_FLOW_NONE, PORT_FLOW_XONXOFF, PORT_FLOW_RTSCTS };

struct port_settings {
	int baud;			/* e.g. 115200, 9600 */
	enum port_parity parity;
	enum port_flow flow;
};

/* Whether BAUD is a speed termios can set. */
int port_baud_ok(int baud);

/*
 * Opens PATH and sets it up as SETTINGS say; *FD is the open line, valid
 * until port_close. Returns 0, -ENOENT (no such port), -EBUSY (another
 * program has it) or another negative errno, with ERR a one-line reason.
 */
int port_open(const char *path, const struct port_settings *settings,
    int *fd, struct nvr_error *err);

/* Closes what port_open opened; safe if nothing is open. */
void port_close(void);

/* Prints the serial ports libserialport finds, a line each with its
 * description, to OUT. Returns how many, or a negative errno. */
int port_list(FILE *out, struct nvr_error *err);

#endif
