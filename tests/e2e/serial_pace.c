/*
 * serial-pace: a serial cable at a real speed, for make bench. socat's
 * pair of pseudo-terminals passes bytes as fast as they come whatever
 * baud rate either end sets; a 9600-baud line carries 960 bytes a second
 * (8N1: ten bits a byte). This makes two pseudo-terminals, links their
 * names to A and B, and copies bytes between them each way at most
 * BYTES_PER_S, as a UART would: a paint the wizard writes at once reaches
 * the far end over the time the line needs for it.
 *
 *   serial-pace BYTES_PER_S A B
 *
 * Runs until killed (pulling the cable) or until both far ends are gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define QUEUE_MAX 65536

struct way {
	int from, to;
	unsigned char queue[QUEUE_MAX];
	size_t len;
	double credit;		/* bytes the line may carry now */
};

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A new pseudo-terminal whose far end is raw and named LINK. */
static int
open_end(const char *link)
{
	struct termios t;
	const char *name;
	int fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK), far;

	if (fd < 0 || grantpt(fd) != 0 || unlockpt(fd) != 0 ||
	    (name = ptsname(fd)) == NULL) {
		perror("serial-pace: posix_openpt");
		exit(1);
	}
	/* Raw before anyone opens it, as socat's "raw,echo=0" sets it. */
	far = open(name, O_RDWR | O_NOCTTY);
	if (far < 0 || tcgetattr(far, &t) != 0) {
		perror("serial-pace: the far end");
		exit(1);
	}
	cfmakeraw(&t);
	tcsetattr(far, TCSANOW, &t);
	/* Kept open: the master would read EIO between the far end's
	 * closing and the next opening (picocom starts first). */
	(void)unlink(link);
	if (symlink(name, link) != 0) {
		perror("serial-pace: symlink");
		exit(1);
	}
	return fd;
}

/* Reads what WAY's source has into its queue; false at its end. */
static int
take(struct way *w)
{
	ssize_t n = read(w->from, w->queue + w->len, QUEUE_MAX - w->len);

	if (n > 0)
		w->len += (size_t)n;
	return n >= 0 || errno == EAGAIN || errno == EINTR || errno == EIO;
}

/* Passes on as many queued bytes as the line's credit allows. */
static void
give(struct way *w)
{
	size_t n = (size_t)w->credit;
	ssize_t done;

	if (n > w->len)
		n = w->len;
	if (n == 0)
		return;
	done = write(w->to, w->queue, n);
	if (done <= 0)
		return;
	memmove(w->queue, w->queue + done, w->len - (size_t)done);
	w->len -= (size_t)done;
	w->credit -= (double)done;
}

int
main(int argc, char **argv)
{
	static struct way ways[2];
	double rate;
	int a, b;
	int64_t last;

	if (argc != 4 || (rate = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: serial-pace BYTES_PER_S A B\n");
		return 2;
	}
	a = open_end(argv[2]);
	b = open_end(argv[3]);
	ways[0].from = a, ways[0].to = b;
	ways[1].from = b, ways[1].to = a;
	last = now_us();
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = a, .events = POLLIN },
			{ .fd = b, .events = POLLIN },
		};
		int64_t now;
		int busy = ways[0].len > 0 || ways[1].len > 0;

		/* A millisecond at a time while bytes wait: at 960 a second
		 * that is one byte per tick, as the wire has it. */
		if (poll(p, 2, busy ? 1 : 100) < 0 && errno != EINTR)
			return 1;
		now = now_us();
		for (int i = 0; i < 2; i++) {
			struct way *w = &ways[i];

			w->credit += rate * (double)(now - last) / 1e6;
			/* An idle line saves no credit (a burst after a
			 * pause still goes at the line's speed), nor does
			 * one whose far end reads slowly: at most a byte
			 * and 2 ms' worth. */
			if (w->len == 0 && w->credit > 1)
				w->credit = 1;
			if (w->credit > 1 + rate / 500)
				w->credit = 1 + rate / 500;
			if (w->len < QUEUE_MAX)
				(void)take(w);
			give(w);
		}
		last = now;
	}
}
