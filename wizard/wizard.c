/*
 * wizard.c: the main loop, and the table of screens this build has.
 */
#include "wizard/wizard.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "backends/audit.h"
#include "backends/button/announce.h"
#include "screens/change_password.h"
#include "screens/events.h"
#include "screens/factory_reset.h"
#include "screens/forgot_password.h"
#include "screens/main_menu.h"
#include "screens/questions.h"
#include "screens/support.h"
#include "tui/draw.h"
#include "tui/term.h"

#define STACK_MAX 8
#define TICK_MAX_MS 60000
/* While keys typed ahead wait (a pasted password, a line delivering a
 * burst), frames nobody would see are not sent; one is sent at least
 * this often all the same, so that a stream of noise still shows. */
#define FRAME_HOLD_MS 200
/* How often the reset button's state is looked at: a person holding it
 * reads the status line within a second. */
#define BUTTON_LOOK_MS 500

/* The screens this build has, by id; NULL where a later issue adds one. */
static const struct screen_class *const classes[SCREEN_COUNT] = {
	[SCREEN_MAIN_MENU] = &main_menu_screen,
	[SCREEN_CHANGE_PASSWORD] = &change_password_screen,
	[SCREEN_FORGOT_PASSWORD] = &forgot_password_screen,
	[SCREEN_QUESTIONS] = &questions_screen,
	[SCREEN_SUPPORT] = &support_screen,
	[SCREEN_FACTORY_RESET] = &factory_reset_screen,
	[SCREEN_EVENTS] = &events_screen,
	[SCREEN_FIRST_BOOT] = &first_boot_screen,
};

void
wizard_built(bool built[SCREEN_COUNT])
{
	for (int i = 0; i < SCREEN_COUNT; i++)
		built[i] = classes[i] != NULL;
}

const struct screen_class *
wizard_screen(enum screen_id id)
{
	return id < SCREEN_COUNT ? classes[id] : NULL;
}

struct open_screen {
	const struct screen_class *class;
	void *state;
};

struct wizard {
	const struct screen_context *context;
	struct open_screen stack[STACK_MAX];
	size_t depth;
	struct device_info info;
	char time_text[64];
	int exit_code;
	int64_t held_since_ms;	/* when the first frame not sent since the
				 * last one sent was due; 0: none */
	const char *button_state_dir;	/* NULL: no reset button */
};

static int64_t
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


static bool
push(struct wizard *w, enum screen_id id)
{
	const struct screen_class *class = classes[id];
	void *state;

	if (class == NULL || w->depth == STACK_MAX)
		return false;
	state = class->create(w->context);
	if (state == NULL)
		return false;
	w->stack[w->depth].class = class;
	w->stack[w->depth].state = state;
	w->depth++;
	return true;
}

static void
pop(struct wizard *w)
{
	struct open_screen *top = &w->stack[--w->depth];

	top->class->destroy(top->state);
	memset(top, 0, sizeof(*top));
	/* Back at the menu, nobody has proved anything (the screens that
	 * set the handoff clear it too; this is the backstop). */
	if (w->depth <= 1)
		screen_handoff_clear(w->context->handoff);
}

/* Reads the device's clock; returns ms until the shown minute changes. */
static int
update_time(struct wizard *w)
{
	struct nvr_error err;
	struct timespec now;
	struct tm tm;

	if (device_read_time(w->context->device, &now, &err) != 0 ||
	    localtime_r(&now.tv_sec, &tm) == NULL) {
		snprintf(w->time_text, sizeof(w->time_text), "clock unreadable");
		return TICK_MAX_MS;
	}
	strftime(w->time_text, sizeof(w->time_text), "%Y-%m-%d %H:%M %Z",
	    &tm);
	return (int)((60L - tm.tm_sec) * 1000 - now.tv_nsec / 1000000) + 50;
}

/* Builds the top screen's view into VIEW and draws it, unless SKIPPABLE
 * and keys are waiting that will change it before anyone could read it
 * (each frame skipped is bytes a 9600-baud line does not carry: the new
 * password's verdict for every key of a pasted one). The view is built
 * either way: its key context reads the next key. */
static void
render(struct wizard *w, struct view *view, bool skippable)
{
	struct open_screen *top = &w->stack[w->depth - 1];
	struct view_header header = {
		.model = w->info.model,
		.serial = w->info.serial,
		.firmware = w->info.firmware,
		.time = w->time_text,
	};

	memset(view, 0, sizeof(*view));
	top->class->render(top->state, view);
	/* An event that could not be written to the log is said where the
	 * screen has nothing of its own to say (backends/audit.h). */
	if (view->status == NULL)
		view->status = audit_failure();
	/* The reset button held: what letting go would do comes first. */
	if (w->button_state_dir != NULL) {
		const char *line = button_announce_line(
		    button_announce_read(w->button_state_dir));

		if (line != NULL)
			view->status = line;
	}
	if (skippable && term_input_waiting()) {
		int64_t now = monotonic_ms();

		if (w->held_since_ms == 0)
			w->held_since_ms = now;
		if (now - w->held_since_ms < FRAME_HOLD_MS)
			return;
	}
	draw_view(&header, view);
	w->held_since_ms = 0;
}

static struct open_screen *
top_screen(struct wizard *w)
{
	return &w->stack[w->depth - 1];
}

/* Whether a store's administrator still has no usable password. */
static bool
admin_due(const struct screen_context *context)
{
	struct account admin;

	return context->stores != NULL &&
	    stores_admin_needing_password(context->stores, &admin);
}

/* Follows R and whatever the screens it reaches say next. */
static bool
follow(struct wizard *w, struct screen_result r)
{
	struct view view;

	for (;;) {
		struct open_screen *top = top_screen(w);

		switch (r.kind) {
		case SCREEN_OPEN:
			/* A missing screen is the menu's business to
			 * explain; here it can only mean out of memory, and
			 * staying put is safe. */
			push(w, r.target);
			return true;
		case SCREEN_CLOSE: {
			bool setup = top->class == &first_boot_screen;

			if (w->depth <= 1)
				return true;
			pop(w);
			/* Each store's administrator in turn: the next one
			 * without a password gets first-boot setup too. */
			if (setup && admin_due(w->context)) {
				push(w, SCREEN_FIRST_BOOT);
				return true;
			}
			top = top_screen(w);
			if (top->class->resume == NULL)
				return true;
			r = top->class->resume(top->state);
			continue;
		}
		case SCREEN_QUIT:
			w->exit_code = 0;
			return false;
		case SCREEN_WORK:
			render(w, &view, false);
			r = top->class->work != NULL ?
			    top->class->work(top->state) :
			    (struct screen_result){ .kind = SCREEN_STAY };
			term_discard_input();
			continue;
		default:
			return true;
		}
	}
}

/* Whether first-boot setup is open (over the menu, or after a factory
 * reset). */
static bool
first_boot_open(const struct wizard *w)
{
	for (size_t i = 1; i < w->depth; i++)
		if (w->stack[i].class == &first_boot_screen)
			return true;
	return false;
}

/* Whether Factory reset is open: after it, the admin has no password. */
static bool
reset_open(const struct wizard *w)
{
	for (size_t i = 1; i < w->depth; i++)
		if (w->stack[i].class == &factory_reset_screen)
			return true;
	return false;
}

int
wizard_run(const struct screen_context *context, int idle_timeout_s,
    const char *button_state_dir)
{
	struct wizard w = { .context = context,
	    .button_state_dir = button_state_dir };
	int64_t idle_ms = (int64_t)idle_timeout_s * 1000;
	int64_t last_key = monotonic_ms();
	struct nvr_error err;
	struct view view;
	bool running = true;

	if (device_read_info(context->device, &w.info, &err) != 0) {
		snprintf(w.info.serial, sizeof(w.info.serial), "unreadable");
		fprintf(stderr, "nvr-recovery: %s\n", err.message);
	}
	if (!push(&w, SCREEN_MAIN_MENU))
		return WIZARD_EXIT_SOFTWARE;
	/* First-boot setup sits on the menu: until it is done, Esc and the
	 * idle timeout cannot reach the menu, only Ctrl-C leaves. A reset
	 * found unfinished comes first: it is finished before anything. */
	if (context->reset_unfinished ? !push(&w, SCREEN_FACTORY_RESET) :
	    context->first_boot && !push(&w, SCREEN_FIRST_BOOT)) {
		while (w.depth > 0)
			pop(&w);
		return WIZARD_EXIT_SOFTWARE;
	}

	while (running) {
		struct term_event ev;
		int tick = update_time(&w);
		int64_t idle_left = last_key + idle_ms - monotonic_ms();

		if (idle_left <= 0 && w.depth > 1) {
			/* Whoever comes next to the console or the serial line
			 * sees the main menu, or a fresh first-boot form, and
			 * nothing that was typed. */
			bool setup = first_boot_open(&w) ||
			    reset_open(&w);

			while (w.depth > 1)
				pop(&w);
			/* A half-reset recorder offers only to finish the
			 * reset. First-boot setup comes back only while the
			 * password is still missing: once set, the next
			 * person must not get a form that sets it without
			 * knowing it. */
			if (factory_reset_unfinished(context->reset))
				push(&w, SCREEN_FACTORY_RESET);
			else if (setup && admin_due(context))
				push(&w, SCREEN_FIRST_BOOT);
			last_key = monotonic_ms();
			continue;
		}
		if (w.depth > 1 && idle_left < tick)
			tick = (int)idle_left;
		render(&w, &view, true);
		if (view.redraw_in_ms > 0 && view.redraw_in_ms < tick)
			tick = view.redraw_in_ms;
		/* A frame held for keys that then never come is drawn soon
		 * all the same. */
		if (w.held_since_ms != 0 && tick > FRAME_HOLD_MS)
			tick = FRAME_HOLD_MS;
		if (button_state_dir != NULL && tick > BUTTON_LOOK_MS)
			tick = BUTTON_LOOK_MS;
		term_next_event(&ev, tick < TICK_MAX_MS ? tick : TICK_MAX_MS);
		if (ev.kind == TERM_EVENT_KEY)
			last_key = monotonic_ms();
		switch (ev.kind) {
		case TERM_EVENT_SIGNAL:
			w.exit_code = WIZARD_EXIT_SIGNAL_BASE + ev.signal;
			running = false;
			break;
		case TERM_EVENT_HANGUP:
			w.exit_code = WIZARD_EXIT_HANGUP;
			running = false;
			break;
		case TERM_EVENT_KEY: {
			struct keys_action_event act =
			    keys_action(view.context, &ev.key);

			if (act.action == ACTION_INTERRUPT) {
				w.exit_code = WIZARD_EXIT_SIGNAL_BASE + SIGINT;
				running = false;
			} else if (act.action == ACTION_REDRAW) {
				term_repaint();
			} else if (draw_fits() && act.action != ACTION_NONE) {
				struct open_screen *top = top_screen(&w);
				running = follow(&w, top->class->handle(
				    top->state, &act));
			}
			break;
		}
		default:	/* a tick or a resize: just draw again */
			break;
		}
	}
	while (w.depth > 0)
		pop(&w);
	return w.exit_code;
}
