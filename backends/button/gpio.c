/*
 * gpio.c: a GPIO line's edges to a hold's (gpio.h). Edges are handled in
 * the order the kernel queued them, each once; a rising edge is a press
 * (the line was requested active low where the button pulls it down).
 */
#include "backends/button/gpio.h"

#include <errno.h>
#include <string.h>

#include "backends/button/gpiod_lib.h"

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
 * -ENODEV at the source's end, another negative errno. */
static int
refill(struct button_gpio *g)
{
	struct gpiod_line_event ev[BUTTON_GPIO_BATCH];
	int n = gpiod_line_event_read_fd_multiple(g->fd, ev,
	    BUTTON_GPIO_BATCH);

	g->have = g->next = 0;
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 :
		    errno == EIO || errno == ENODEV ? -ENODEV : -errno;
	for (int i = 0; i < n; i++) {
		g->at[i] = button_gpio_event_ms(g, &ev[i].ts);
		g->press[i] = ev[i].event_type == GPIOD_LINE_EVENT_RISING_EDGE;
	}
	g->have = (size_t)n;
	return n > 0 ? 1 : 0;
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
