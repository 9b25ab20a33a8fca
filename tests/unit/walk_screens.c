/*
 * walk_screens: every screen's every message, drawn at 80x24, must fit.
 *
 * Opens a copy of the demo device (build/demo, made by make check) with
 * the real backends, as nvr-recovery does, and walks the screens: scripted
 * paths to the messages a person meets (wrong passwords and codes, a
 * lockout, nothing set up, the support request, a factory reset to its
 * end, first-boot setup) and then random keys from several seeds. Every
 * frame is drawn by tui/draw.c into a 24x80 curses screen, under TERM=vt100
 * in the C locale (no UTF-8, no QR code) and under TERM=linux with UTF-8,
 * with the demo's contact and with the longest one the config allows
 * (and twenty more accounts, whose menus scroll); a
 * frame with anything cut (draw_cut) fails the test and names it, with
 * the keys that led there.
 *
 * Not a test_* unit test: it needs build/demo, which only the native
 * make check builds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/code32.h"
#include "tui/draw.h"
#include "tests/unit/support.h"
#include "wizard/backends.h"
#include "wizard/wizard.h"

#define STACK_MAX 8
#define TRAIL_MAX 48

/* The longest contact block support.contact allows: every field at its
 * limit (config/config.c). */
static const char long_contact[] =
    "  contact:\n"
    "    vendor: \"Vendor Name With A Long Title Ltd.\"\n"
    "    email: \"recorder-support@vendor-sample.com\"\n"
    "    phone: \"+44 20 7946 0000 ext 1234 or 5678x\"\n"
    "    web: \"https://support.vendor-sample.com/\"\n"
    "    hours: \"Monday to Friday 08:00-18:00 CET+1\"\n"
    "    answer_time: \"within 2 working days, or\"\n";

/* The demo's own contact block, as config/demo.yaml has it. */
static const char demo_contact[] =
    "  contact:\n"
    "    vendor: Demo Vision support\n"
    "    email: support@demo.example\n"
    "    phone: \"+1 555 0100\"\n"
    "    hours: Mon-Fri 8-18\n"
    "    answer_time: within 2 working days\n";

/* Replaces the first OLD in the file at PATH with NEW. */
static void
edit(const char *path, const char *old, const char *new)
{
	size_t len;
	char *text = support_slurp(path, &len);
	char *at = strstr(text, old);
	char *out;

	assert_non_null(at);
	assert_true(asprintf(&out, "%.*s%s%s", (int)(at - text), text, new,
	    at + strlen(old)) > 0);
	support_write_file(path, out, strlen(out), 0600);
	free(out);
	free(text);
}

/* The shadow file at PATH with admin's hash "!": first-boot setup. */
static void
unset_admin_password(const char *path)
{
	size_t len;
	char *text = support_slurp(path, &len);
	char *at = strstr(text, "\nadmin:");
	char *end, *out;

	assert_non_null(at);
	at += strlen("\nadmin:");
	end = strchr(at, ':');
	assert_non_null(end);
	assert_true(asprintf(&out, "%.*s!%s", (int)(at - text), text,
	    end) > 0);
	support_write_file(path, out, strlen(out), 0640);
	free(out);
	free(text);
}

/* What the scripted walk must have shown at least once: without it the
 * walk would pass by never reaching the messages it is meant to draw. */
static const char *const must_see[] = {
	"Main menu", "Change password", "Forgot password",
	"Support & reset code", "Security questions and recovery key",
	"Factory reset", "First-time setup: administrator password",
	"Nothing set up", "Support can still help",
	"Question 1 of 3 for admin.", "3 security questions saved for admin.",
	"The recovery key of admin:", "type its last group",
	"How do you want to prove that admin is yours?",
	"The new password is set.", "Group 1 has a typo",
	"Refused: not a code for any request of admin.",
	"That is not the current password of admin.",
	"Too many wrong tries: wait", "That is not RESET.",
	"Last question: erase this recorder now?",
	"Factory reset finished.", "Do not use the recorder's serial number",
	"The two did not match.", "No reset file (*.nvrreset)",
	"The two answers did not match.",
};
#define MUST_SEE_COUNT (sizeof(must_see) / sizeof(must_see[0]))

struct walk {
	char dir[64];
	struct config cfg;
	struct wizard_backends b;
	struct screen_handoff handoff;
	struct screen_lock lock;
	struct screen_context ctx;
	struct device_info info;
	struct {
		const struct screen_class *class;
		void *state;
	} stack[STACK_MAX];
	size_t depth;
	struct view view;	/* the frame drawn last */
	char trail[TRAIL_MAX][24];	/* the last keys, for a failure */
	size_t keys;
	unsigned frames;
	bool seen[MUST_SEE_COUNT];
	char request[200];	/* the last support request shown */
};

static void
push(struct walk *w, enum screen_id id)
{
	const struct screen_class *class = wizard_screen(id);
	void *state;

	if (class == NULL || w->depth == STACK_MAX)
		return;
	state = class->create(&w->ctx);
	assert_non_null(state);
	w->stack[w->depth].class = class;
	w->stack[w->depth].state = state;
	w->depth++;
}

static void
pop(struct walk *w)
{
	w->depth--;
	w->stack[w->depth].class->destroy(w->stack[w->depth].state);
	if (w->depth <= 1)
		screen_handoff_clear(&w->handoff);
}

/* The wizard's start: the menu, and first-boot setup or an unfinished
 * reset over it. */
static void
start(struct walk *w)
{
	while (w->depth > 0)
		pop(w);
	struct account admin;

	w->ctx.first_boot = w->ctx.stores != NULL &&
	    stores_admin_needing_password(w->ctx.stores, &admin);
	push(w, SCREEN_MAIN_MENU);
	if (factory_reset_unfinished(w->ctx.reset))
		push(w, SCREEN_FACTORY_RESET);
	else if (w->ctx.first_boot)
		push(w, SCREEN_FIRST_BOOT);
}

static void
fail_frame(struct walk *w, const char *cut)
{
	print_error("frame %u of %s (%s, %s) cuts %s\nkeys before it:",
	    w->frames, w->dir, termname(), w->ctx.utf8 ? "UTF-8" : "C",
	    cut);
	for (size_t i = w->keys > TRAIL_MAX ? w->keys - TRAIL_MAX : 0;
	    i < w->keys; i++)
		print_error(" %s", w->trail[i % TRAIL_MAX]);
	print_error("\n");
	/* What the screen was to show, for the one who must fix it. */
	for (int row = 0; row < LINES; row++) {
		char line[256];

		if (mvinnstr(row, 0, line, COLS < 255 ? COLS : 255) != ERR)
			print_error("|%s\n", line);
	}
	fail();
}

static bool
holds(const char *text, const char *part)
{
	return text != NULL && strstr(text, part) != NULL;
}

/* Marks what the frame shows of must_see, and keeps the request. */
static void
note_seen(struct walk *w)
{
	const struct view *v = &w->view;
	const char *intro = v->intro;

	for (size_t i = 0; i < MUST_SEE_COUNT; i++) {
		bool in_fields = false;

		for (size_t f = 0; f < v->field_count; f++)
			in_fields |= holds(v->fields[f].note, must_see[i]);
		w->seen[i] |= holds(v->title, must_see[i]) ||
		    holds(intro, must_see[i]) || holds(v->status,
		        must_see[i]) ||
		    holds(v->notice.title, must_see[i]) ||
		    holds(v->notice.text, must_see[i]) || in_fields;
	}
	/* The request's groups: the rows of six letters and digits. */
	if (holds(intro, "Send this request for")) {
		size_t used = 0;

		for (const char *p = intro; *p != '\0'; p++) {
			size_t n = strspn(p,
			    "0123456789ABCDEFGHJKMNPQRSTVWXYZ");

			if (n == 6 && (p == intro || p[-1] == ' ' ||
			    p[-1] == '-') && (p[6] == '-' || p[6] == ' ' ||
			    p[6] == '\n' || p[6] == '\0') &&
			    used + 8 < sizeof(w->request))
				used += (size_t)snprintf(w->request + used,
				    sizeof(w->request) - used, "%s%.6s",
				    used ? "-" : "", p);
			p += n > 0 ? n - 1 : 0;
		}
	}
}

/* Draws the top screen, as the wizard does, and fails on a cut. */
static void
draw(struct walk *w)
{
	struct view_header header = {
		.model = w->info.model, .serial = w->info.serial,
		.firmware = w->info.firmware, .time = "2026-12-06 12:00 UTC",
	};
	const char *cut;

	memset(&w->view, 0, sizeof(w->view));
	w->stack[w->depth - 1].class->render(w->stack[w->depth - 1].state,
	    &w->view);
	draw_view(&header, &w->view);
	w->frames++;
	note_seen(w);
	cut = draw_cut();
	if (cut != NULL)
		fail_frame(w, cut);
	/* Only a list as long as the accounts or files found may scroll;
	 * a screen's own menu (at most 9 entries, chosen by digit) is in
	 * sight whole. */
	if (draw_menu_scrolls() && w->view.menu.count <= 9)
		fail_frame(w, "a menu of at most 9 entries, which scrolls");
}

static void
follow(struct walk *w, struct screen_result r)
{
	for (;;) {
		switch (r.kind) {
		case SCREEN_OPEN:
			push(w, r.target);
			return;
		case SCREEN_CLOSE: {
			struct account admin;
			bool setup = w->stack[w->depth - 1].class ==
			    wizard_screen(SCREEN_FIRST_BOOT);

			if (w->depth <= 1)
				return;
			pop(w);
			/* As the wizard does: each store's admin in turn. */
			if (setup && stores_admin_needing_password(
			    w->ctx.stores, &admin)) {
				push(w, SCREEN_FIRST_BOOT);
				return;
			}
			if (w->stack[w->depth - 1].class->resume == NULL)
				return;
			r = w->stack[w->depth - 1].class->resume(
			    w->stack[w->depth - 1].state);
			continue;
		}
		case SCREEN_QUIT:
			start(w);
			return;
		case SCREEN_WORK:
			draw(w);
			r = w->stack[w->depth - 1].class->work != NULL ?
			    w->stack[w->depth - 1].class->work(
			    w->stack[w->depth - 1].state) :
			    (struct screen_result){ .kind = SCREEN_STAY };
			continue;
		default:
			return;
		}
	}
}

/* One key, as the wizard takes it in the context the frame asked for. */
static void
key(struct walk *w, enum keys_code code, uint32_t ch, const char *name)
{
	struct keys_event ev = { .code = code, .ch = ch };
	struct keys_action_event act = keys_action(w->view.context, &ev);

	snprintf(w->trail[w->keys++ % TRAIL_MAX], sizeof(w->trail[0]), "%s",
	    name);
	if (act.action == ACTION_INTERRUPT) {
		start(w);
	} else if (act.action != ACTION_NONE &&
	    act.action != ACTION_REDRAW) {
		follow(w, w->stack[w->depth - 1].class->handle(
		    w->stack[w->depth - 1].state, &act));
	}
	draw(w);
}

static void
type(struct walk *w, const char *text)
{
	for (const char *p = text; *p != '\0'; p++) {
		char name[4] = { *p, '\0' };

		key(w, KEYS_CHAR, (unsigned char)*p, name);
	}
}

static void
enter(struct walk *w)
{
	key(w, KEYS_ENTER, 0, "Enter");
}

static void
esc(struct walk *w)
{
	key(w, KEYS_ESC, 0, "Esc");
}

/* Twenty more accounts, so that the account menus scroll. */
static void
add_crowd(const struct walk *w)
{
	char path[128], line[160];
	FILE *passwd, *shadow;

	snprintf(path, sizeof(path), "%s/root/etc/passwd", w->dir);
	passwd = fopen(path, "a");
	snprintf(path, sizeof(path), "%s/root/etc/shadow", w->dir);
	shadow = fopen(path, "a");
	assert_non_null(passwd);
	assert_non_null(shadow);
	for (int i = 0; i < 20; i++) {
		snprintf(line, sizeof(line), "camera%02d:x:%d:%d:Camera user "
		    "%d:/home/camera%02d:/bin/sh\n", i, 1100 + i, 1100 + i, i,
		    i);
		fputs(line, passwd);
		fprintf(shadow, "camera%02d:!:20417:0:99999:7:::\n", i);
	}
	assert_int_equal(fclose(passwd), 0);
	assert_int_equal(fclose(shadow), 0);
}

/* What a walk runs on: the terminal, and how the demo is changed. */
struct variant {
	const char *term;
	bool utf8;
	bool contact;		/* the longest contact, and more accounts */
	bool first_boot;	/* admin without a password */
	bool no_support;	/* no support: section */
	bool proof;		/* the reset asks for a proof, and restarts */
	bool longest;		/* the longest serial the protocol takes and
				 * an account with the longest name */
	bool wide;		/* with contact: lines of two-byte and
				 * two-column characters at their limits */
	bool stores;		/* two account stores, the same names in
				 * both, the second's label at its longest */
};

/* The longest account name and serial a request carries (31 characters
 * each, PROTOCOL_NAME_MAX): the longest request. */
#define LONG_NAME "a-very-long-account-name-abcdef"
#define LONG_SERIAL "DEMO-0042-7731-ABCDEFGHIJKLMNOP"

/* An account with the longest name, with a password, fourth in the
 * menus. */
static void
add_long_account(const struct walk *w)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/root/etc/passwd", w->dir);
	f = fopen(path, "a");
	assert_non_null(f);
	fprintf(f, LONG_NAME ":x:1050:1050::/home/long:/bin/sh\n");
	assert_int_equal(fclose(f), 0);
	snprintf(path, sizeof(path), "%s/root/etc/shadow", w->dir);
	f = fopen(path, "a");
	assert_non_null(f);
	/* A hash of no known password: only "has a password" matters. */
	fprintf(f, LONG_NAME ":$y$j9T$2Bfu/fK2aF1p.uFDlYhPr0$af4ihJKsrvNHP7"
	    "Ysorm0UWwuX0HnTsZRg5vxAXsqhG5:20417:0:99999:7:::\n");
	assert_int_equal(fclose(f), 0);
}

/* Cuts from the file at PATH the text from FROM up to (not including)
 * UNTIL. */
static void
cut_out(const char *path, const char *from, const char *until)
{
	size_t len;
	char *text = support_slurp(path, &len);
	char *start = strstr(text, from), *end;

	assert_non_null(start);
	end = strstr(start, until);
	assert_non_null(end);
	memmove(start, end, strlen(end) + 1);
	support_write_file(path, text, strlen(text), 0600);
	free(text);
}

static void
walk_open(struct walk *w, const struct variant *v, bool patient)
{
	char cmd[512], path[128];

	memset(w, 0, sizeof(*w));
	snprintf(w->dir, sizeof(w->dir), "/tmp/nvr-walk-XXXXXX");
	assert_non_null(mkdtemp(w->dir));
	snprintf(cmd, sizeof(cmd), "cp -a build/demo/. %s/", w->dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/config.yaml", w->dir);
	if (v->longest) {
		edit(path, "serial: DEMO-0042-7731", "serial: " LONG_SERIAL);
		/* The request carries the provisioned serial. */
		snprintf(cmd, sizeof(cmd), "rm -f %s/provisioning && "
		    "build/nvr-support provision --keys %s/vendor --serial "
		    LONG_SERIAL " --out %s/provisioning >/dev/null", w->dir,
		    w->dir, w->dir);
		assert_int_equal(system(cmd), 0);
		add_long_account(w);
	}
	if (v->contact) {
		edit(path, demo_contact, long_contact);
		add_crowd(w);
	}
	if (v->wide) {
		/* 34 Cyrillic letters (68 bytes), 17 CJK characters (34
		 * columns): shown whole with UTF-8, as '?'s without. */
		edit(path, "Vendor Name With A Long Title Ltd.",
		    "\xd0\x9f\xd0\xbe\xd0\xb4\xd0\xb4\xd0\xb5\xd1\x80"
		    "\xd0\xb6\xd0\xba\xd0\xb0\xd0\x94\xd0\xb5\xd0\xbc"
		    "\xd0\xbe\xd0\x92\xd0\xb8\xd0\xb6\xd0\xbd\xd0\x98"
		    "\xd0\xbd\xd0\xb6\xd0\xb5\xd0\xbd\xd0\xb5\xd1\x80"
		    "\xd1\x8b\xd0\xa1\xd0\xb5\xd1\x80\xd0\xb2\xd0\xb8"
		    "\xd1\x81\xd0\x90\xd0\x91\xd0\x92");
		edit(path, "Monday to Friday 08:00-18:00 CET+1",
		    "\xe6\x98\x9f\xe6\x9c\x9f\xe4\xb8\x80\xe8\x87\xb3"
		    "\xe6\x98\x9f\xe6\x9c\x9f\xe4\xba\x94\xe4\xb8\x8a"
		    "\xe5\x8d\x88\xe5\x85\xab\xe7\x82\xb9\xe8\x87\xb3"
		    "\xe4\xb8\x8b\xe5\x8d\x88\xe5\x85\xad\xe7\x82\xb9"
		    "\xe6\x95\xb4");
	}
	if (v->no_support)
		cut_out(path, "\nsupport:\n", "\n\n");
	if (v->proof)
		edit(path, "  keep:\n", "  proof: [password, questions, "
		    "reset_file, reset_code]\n  after: [/bin/true]\n  keep:\n");
	if (v->stores) {
		/* The e2e tests' two stores, the second labelled with 24
		 * columns, the most a label may have. */
		snprintf(cmd, sizeof(cmd), "tests/e2e/stores/two-stores-config "
		    "%s", w->dir);
		assert_int_equal(system(cmd), 0);
		snprintf(path, sizeof(path), "%s/stores.yaml", w->dir);
		edit(path, "label: Web UI (NVR)",
		    "label: Web UI of the NVR (v2.0)");
	}
	/* Cheap answers: the walk is about what is drawn, not Argon2. */
	edit(path, "recovery:\n", "recovery:\n  answer_cost: {ops: 1, "
	    "memory_kib: 8}\n");
	/* Random keys soon meet the wait after wrong tries; a patient
	 * recorder lets them go further. */
	if (patient)
		edit(path, "state_dir:", "attempts:\n  free_tries: 100\n"
		    "state_dir:");
	if (v->first_boot) {
		snprintf(path, sizeof(path), "%s/root/etc/shadow", w->dir);
		unset_admin_password(path);
		if (v->stores) {
			snprintf(path, sizeof(path), "%s/web/etc/shadow",
			    w->dir);
			unset_admin_password(path);
		}
		snprintf(path, sizeof(path), "%s/%s", w->dir, v->stores ?
		    "stores.yaml" : "config.yaml");
	}
	assert_int_equal(wizard_backends_open(path, &w->cfg, &w->b), 0);
	w->ctx.handoff = &w->handoff;
	w->ctx.lock = &w->lock;
	secret_init(&w->handoff.key);
	wizard_backends_context(&w->cfg, &w->b, &w->ctx, v->utf8);
	assert_int_equal(device_read_info(w->ctx.device, &w->info,
	    &(struct nvr_error){ 0 }), 0);

	setlocale(LC_ALL, v->utf8 ? "C.UTF-8" : "C");
	setenv("LINES", "24", 1);
	setenv("COLUMNS", "80", 1);
	FILE *out = fopen("/dev/null", "w");
	FILE *in = fopen("/dev/null", "r");

	assert_non_null(newterm(v->term, out, in));
	start(w);
	draw(w);
}

static void
walk_close(struct walk *w)
{
	char cmd[128];

	while (w->depth > 0)
		pop(w);
	screen_handoff_clear(&w->handoff);
	secret_release(&w->handoff.key);
	draw_release();
	endwin();
	delscreen(set_term(NULL));
	wizard_backends_close(&w->cfg, &w->b);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", w->dir);
	assert_int_equal(system(cmd), 0);
}

/* A reset code for the request last shown, from nvr-support. */
static void
type_code(struct walk *w)
{
	char cmd[512], code[64] = "";
	FILE *p;

	assert_true(w->request[0] != '\0');
	snprintf(cmd, sizeof(cmd), "build/nvr-support issue-code --keys "
	    "%s/vendor %s | tail -n 1", w->dir, w->request);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(code, sizeof(code), p));
	pclose(p);
	code[strcspn(code, "\n")] = '\0';
	type(w, code);
	enter(w);
}

/* A code whose check characters are right but which no request made:
 * counted as wrong, and refused. */
static void
type_wrong_code(struct walk *w)
{
	uint8_t symbols[20];
	char code[32];

	memset(symbols, 7, sizeof(symbols));
	assert_true(code32_format(symbols, sizeof(symbols), 4, code,
	    sizeof(code)) > 0);
	type(w, code);
	enter(w);
}

/* Enrolls three questions for admin (its PASSWORD typed first) and
 * looks at a recovery key. */
static void
enroll_with(struct walk *w, const char *password)
{
	type(w, "4");
	type(w, "1");
	type(w, password);
	enter(w);
	type(w, "1");
	for (int i = 0; i < 3; i++) {
		static const char *const answers[] = { "Paris", "Lyon",
		    "Nice" };

		type(w, "1");
		if (i == 0) {	/* a repeat that does not match */
			type(w, "Paris");
			enter(w);
			type(w, "London");
			enter(w);
		}
		type(w, answers[i]);
		enter(w);
		type(w, answers[i]);
		enter(w);
	}
	enter(w);
	/* A recovery key too: shown, then its last group typed wrong,
	 * which shows it again. */
	type(w, "2");
	enter(w);
	type(w, "ZZZZZ");
	enter(w);
	esc(w);
	esc(w);
	esc(w);
}

/* The paths a person takes, to the messages on them. */
static void
scripted(struct walk *w)
{
	/* Forgot password for an account with nothing set up: Enter goes
	 * to Support, where a typo, a wrong code and a right one meet. */
	type(w, "2");
	type(w, "1");
	enter(w);
	type(w, "1");
	type(w, "ABCDE-FGHJK-MNPQR-STVWX-YZ012");
	enter(w);
	key(w, KEYS_CTRL, 'u', "Ctrl-U");
	type_wrong_code(w);
	type(w, "1111");
	enter(w);
	key(w, KEYS_CTRL, 'u', "Ctrl-U");
	type_code(w);
	/* The new password: the serial refused, a mismatch, then set. */
	type(w, "Xq7-DEMO-0042-7731");
	enter(w);
	key(w, KEYS_CTRL, 'u', "Ctrl-U");
	type(w, "Walk-Screens-Pass-7");
	enter(w);
	type(w, "Walk-Screens-Pass-8");
	enter(w);
	type(w, "Walk-Screens-Pass-7");
	enter(w);
	type(w, "Walk-Screens-Pass-7");
	enter(w);
	enter(w);
	type(w, "3");
	/* The files (none), another account's request. */
	type(w, "3");
	type(w, "2");
	type(w, "r");
	esc(w);
	type(w, "4");
	key(w, KEYS_DOWN, 0, "Down");
	enter(w);
	esc(w);
	esc(w);
	/* Questions and a key, then Forgot password with them. */
	enroll_with(w, "Walk-Screens-Pass-7");
	type(w, "2");
	type(w, "1");
	esc(w);
	esc(w);
	esc(w);
	/* Change password: wrong ones until the wait, then back. */
	type(w, "1");
	type(w, "1");
	for (int i = 0; i < 5; i++) {
		type(w, "wrong-password");
		enter(w);
	}
	esc(w);
	esc(w);
	/* Factory reset to its end, then first-boot setup. */
	type(w, "5");
	enter(w);
	type(w, "WRONG");
	enter(w);
	key(w, KEYS_CTRL, 'u', "Ctrl-U");
	type(w, "RESET");
	enter(w);
	key(w, KEYS_DOWN, 0, "Down");
	enter(w);
	enter(w);
	type(w, "DEMO-0042-7731x");
	key(w, KEYS_TAB, 0, "Tab");
	enter(w);
	key(w, KEYS_CTRL, 'u', "Ctrl-U");
	type(w, "Walk-Screens-Pass-9");
	enter(w);
	type(w, "Walk-Screens-Pass-9");
	enter(w);
	esc(w);
	for (size_t i = 0; i < MUST_SEE_COUNT; i++)
		if (!w->seen[i])
			print_error("never shown: %s\n", must_see[i]);
	for (size_t i = 0; i < MUST_SEE_COUNT; i++)
		if (!w->seen[i])
			fail_msg("the scripted walk never showed \"%s\"",
			    must_see[i]);
}

/* The longest request: the account with the longest name, on the
 * recorder with the longest serial. */
static void
longest_request(struct walk *w)
{
	type(w, "3");
	type(w, "4");
	type(w, "4");
	type(w, "3");
	assert_non_null(strstr(w->view.qr.plain_intro != NULL ?
	    w->view.qr.plain_intro : w->view.intro, LONG_NAME));
	type(w, "2");
	esc(w);
	esc(w);
}

/* Random keys: what a person, a cat or line noise types. */
static void
random_keys(struct walk *w, unsigned seed, int count)
{
	static const char *const words[] = {
		"Demo-Recovery-1", "admin", "operator", "RESET", "7731",
		"wrong", "Green", "x", "1", "2", "3", "4", "5", "6", "r", "y",
		"DEMO-0042-7731",
	};

	srand(seed);
	for (int i = 0; i < count; i++) {
		int pick = rand() % 20;

		if (pick < 6)
			type(w, words[(size_t)rand() % (sizeof(words) /
			    sizeof(words[0]))]);
		else if (pick < 10)
			enter(w);
		else if (pick < 12)
			esc(w);
		else if (pick < 14)
			key(w, KEYS_DOWN, 0, "Down");
		else if (pick < 15)
			key(w, KEYS_UP, 0, "Up");
		else if (pick < 16)
			key(w, KEYS_TAB, 0, "Tab");
		else if (pick < 17)
			key(w, KEYS_BACKTAB, 0, "Shift-Tab");
		else if (pick < 18)
			key(w, KEYS_BACKSPACE, 0, "Backspace");
		else if (pick < 19)
			key(w, KEYS_CTRL, 'u', "Ctrl-U");
		else
			key(w, KEYS_CTRL, 't', "Ctrl-T");
	}
}

static void
run_variant(const struct variant *v)
{
	struct walk *w = calloc(1, sizeof(*w));

	assert_non_null(w);
	/* The script follows the demo as shipped, with support. */
	if (!v->first_boot && !v->no_support && !v->proof && !v->longest &&
	    !v->stores) {
		walk_open(w, v, false);
		scripted(w);
		walk_close(w);
	}
	if (v->longest) {
		walk_open(w, v, false);
		longest_request(w);
		walk_close(w);
	}
	for (unsigned seed = 1; seed <= 6; seed++) {
		walk_open(w, v, true);
		random_keys(w, seed, 300);
		walk_close(w);
	}
	free(w);
}

static void
test_vt100_c(void **state)
{
	(void)state;
	run_variant(&(struct variant){ .term = "vt100" });
}

static void
test_linux_utf8(void **state)
{
	(void)state;
	run_variant(&(struct variant){ .term = "linux", .utf8 = true });
}

static void
test_vt100_long_contact(void **state)
{
	(void)state;
	run_variant(&(struct variant){ .term = "vt100",
	    .contact = true });
}

static void
test_linux_long_contact(void **state)
{
	(void)state;
	run_variant(&(struct variant){ .term = "linux", .utf8 = true,
	    .contact = true });
}

static void
test_first_boot(void **state)
{
	(void)state;
	run_variant(&(struct variant){ .term = "vt100",
	    .first_boot = true });
	run_variant(&(struct variant){ .term = "linux", .utf8 = true,
	    .first_boot = true });
}

/* Without support: Nothing set up says what is left; a reset that
 * asks for a proof and restarts. */
static void
test_other_configs(void **state)
{
	(void)state;
	run_variant(&(struct variant){ .term = "vt100",
	    .no_support = true });
	run_variant(&(struct variant){ .term = "linux", .utf8 = true,
	    .proof = true });
	run_variant(&(struct variant){ .term = "vt100", .proof = true,
	    .contact = true });
	run_variant(&(struct variant){ .term = "vt100", .no_support = true,
	    .proof = true });
}

/* The longest request (name and serial), with the longest contact: the
 * plain form where the QR code leaves no room. */
static void
test_longest(void **state)
{
	(void)state;
	run_variant(&(struct variant){ .term = "vt100", .longest = true,
	    .contact = true });
	run_variant(&(struct variant){ .term = "linux", .utf8 = true,
	    .longest = true, .contact = true });
	run_variant(&(struct variant){ .term = "linux", .utf8 = true,
	    .longest = true });
	run_variant(&(struct variant){ .term = "vt100", .longest = true,
	    .contact = true, .wide = true });
	run_variant(&(struct variant){ .term = "linux", .utf8 = true,
	    .longest = true, .contact = true, .wide = true });
}

/* Two account stores: every screen's account list, with the store
 * beside each account; first-time setup of each store's admin in turn;
 * the reset's summary a line per store. */
static void
test_stores(void **state)
{
	(void)state;
	run_variant(&(struct variant){ .term = "vt100", .stores = true });
	run_variant(&(struct variant){ .term = "linux", .utf8 = true,
	    .stores = true, .longest = true, .contact = true });
	run_variant(&(struct variant){ .term = "vt100", .stores = true,
	    .first_boot = true, .proof = true });
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vt100_c),
		cmocka_unit_test(test_linux_utf8),
		cmocka_unit_test(test_vt100_long_contact),
		cmocka_unit_test(test_linux_long_contact),
		cmocka_unit_test(test_first_boot),
		cmocka_unit_test(test_other_configs),
		cmocka_unit_test(test_stores),
		cmocka_unit_test(test_longest),
	};

	if (access("build/demo/config.yaml", R_OK) != 0) {
		fprintf(stderr, "walk_screens: build/demo is missing (make "
		    "check builds it)\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
