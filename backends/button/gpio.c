/*
 * gpio.c: a GPIO line's edges to a hold's (gpio.h). Edges are handled in
 * the order the kernel queued them, each once; a rising edge is a press
 * (the line was requested active low where the button pulls it down).
 */
#include "backends/button/gpio.h"

#include <errno.h>
#include <linux/gpio.h>
#include <string.h>
#include <unistd.h>

static int64_t
system_now_ms(void *ctx, clockid_t clock)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
button_gpio_init(struct button_gpio *g, int fd)
{
	memset(g, 0, sizeof(*g));
	g->fd = fd;
	g->now_ms = system_now_ms;
}

static int64_t
distance(int64_t a, int64_t b)
{
	return a > b ? a - b : b - a;
}

int64_t
button_gpio_event_ms(const struct button_gpio *g, const struct timespec *ts)
{
	int64_t at = (int64_t)ts->tv_sec * 1000 + ts->tv_nsec / 1000000;
	int64_t mono = g->now_ms(g->now_ctx, CLOCK_MONOTONIC);
	int64_t real = g->now_ms(g->now_ctx, CLOCK_REALTIME);
	int64_t boot = g->now_ms(g->now_ctx, CLOCK_BOOTTIME);
	int64_t base = distance(real, at) < distance(mono, at) ? real : mono;
	int64_t age = base > at ? base - at : 0;

	return boot - age;
}

/* Reads the next batch of edges. 1 with some, 0 with none ready,
 * -ENODEV at the source's end (or a record cut short, which the kernel
 * never writes), another negative errno. */
static int
refill(struct button_gpio *g)
{
	struct gpioevent_data ev[BUTTON_GPIO_BATCH];
	ssize_t n;

	g->have = g->next = 0;
	do
		n = read(g->fd, ev, sizeof(ev));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 :
		    errno == ENODEV ? -ENODEV : -errno;
	if (n == 0 || n % (ssize_t)sizeof(ev[0]) != 0)
		return -ENODEV;
	g->have = (size_t)n / sizeof(ev[0]);
	for (size_t i = 0; i < g->have; i++) {
		struct timespec ts = {
			.tv_sec = (time_t)(ev[i].timestamp / 1000000000u),
			.tv_nsec = (long)(ev[i].timestamp % 1000000000u),
		};

		g->at[i] = button_gpio_event_ms(g, &ts);
		g->press[i] = ev[i].id == GPIOEVENT_EVENT_RISING_EDGE;
	}
	return 1;
}

int
button_gpio_read(struct button_gpio *g, struct button_hold *h,
    enum button_tier *tier)
{
	*tier = BUTTON_TIER_NONE;
	for (;;) {
		while (g->next < g->have) {
			size_t i = g->next++;

			bool again = g->press[i] && g->last_press;

			g->last_press = g->press[i];
			if (!g->press[i]) {
				button_hold_release(h, g->at[i]);
				continue;
			}
			/* A release was lost: this press starts afresh. */
			if (again)
				button_hold_abandon(h);
			*tier = button_hold_press(h, g->at[i]);
			if (*tier != BUTTON_TIER_NONE)
				return 1;
		}
		int rc = refill(g);

		if (rc == -ENODEV)
			button_hold_source_gone(h);
		if (rc <= 0)
			return rc;
	}
}
