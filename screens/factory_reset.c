/*
 * factory_reset.c: Factory reset. Says what will be erased and kept,
 * asks for proof of authority if the config wants it, then a typed word
 * and one more confirmation; runs the reset a step at a time, showing
 * each; then restarts the recorder or says to switch it off and on. It
 * also finishes a reset found unfinished when the wizard starts.
 *
 * Invariants:
 * 1. Nothing is changed before "Erase now" is chosen: Esc (or a wrong
 *    word) at any earlier point leaves every file as it was.
 * 2. Once the journal is written, the screen cannot be left for the menu
 *    until the reset has finished: only Ctrl-C, and the next start (or
 *    nvr-recovery --resume at boot) finishes it.
 */
#include "screens/factory_reset.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backends/audit.h"
#include "backends/reset/factory_reset.h"
#include "common/secret.h"
#include "screens/account_menu.h"
#include "screens/file_list.h"
#include "screens/input.h"
#include "screens/proof.h"

enum fr_state {
	FR_SUMMARY,		/* what is erased and kept */
	FR_PROOF_CHOOSE,	/* which proof of authority */
	FR_PASSWORD,		/* the administrator's password */
	FR_PASSWORD_CHECKING,	/* (work) */
	FR_ANSWERS,		/* the administrator's security questions */
	FR_ANSWERS_CHECKING,	/* (work) */
	FR_FILES,		/* factory-reset files on USB storage */
	FR_FILE_CHECKING,	/* (work) */
	FR_CODE,		/* a factory-reset code from support */
	FR_CODE_CHECKING,	/* (work) */
	FR_TYPE,		/* the typed word */
	FR_CONFIRM,		/* the last confirmation */
	FR_RUNNING,		/* (work) one step after another */
	FR_RESTARTING,		/* (work) the restart command */
	FR_DONE,
	FR_STOPPED,		/* a step failed: retry or finish at boot */
	FR_UNFINISHED,		/* found at start: offer to finish it */
	FR_REFUSED,		/* ... with steps the config no longer
				 * allows: finish without them if SKIP is
				 * typed */
	FR_FAILED,		/* cannot go on; nothing was changed */
};

enum {
	PROOF_PASSWORD, PROOF_QUESTIONS, PROOF_FILE, PROOF_CODE, PROOF_COUNT
};

#define LOG_LINES FACTORY_RESET_ITEMS_MAX
#define SHOWN_MAX 8		/* lines of what is erased, on 24 rows */
#define KEPT_SHOWN_MAX 3

struct fr_screen {
	enum fr_state state;
	bool passwords_only;		/* the unfinished one is the reset
					 * button's password reset */
	const struct screen_context *context;
	struct factory_reset_summary summary;
	struct factory_reset_progress progress;
	struct screen_account admin;	/* the first store's; name "" if
					 * none */
	char word[8];			/* what must be typed */
	struct secret typed;		/* the word, or the password */
	bool reveal;
	size_t proof_count, proof_selected;
	int proof_kind[PROOF_COUNT];
	struct view_menu_item proof_items[PROOF_COUNT];
	char proof_keys[PROOF_COUNT][2];
	struct recovery_enrollment enrolled;	/* the admin's questions */
	struct secret answers[RECOVERY_QUESTIONS_MAX];
	size_t step;			/* the question being answered */
	struct file_list files;
	size_t confirm_selected;	/* 0: Cancel (the default) */
	struct view_menu_item confirm_items[2];
	char done_log[LOG_LINES][FACTORY_RESET_LABEL_MAX + 16];
	size_t done_count;
	bool restart_failed;
	bool restarting;	/* the restart command has run: the recorder
				 * restarts by itself (not so when the
				 * reset was finished at boot meanwhile) */
	bool quit_on_close;	/* a half-reset recorder: no menu */
	/* The reset code or file that proved it: the request it answers,
	 * held and used up only when the reset begins (support_spend). */
	bool proof_held;
	uint8_t proof_nonce[PROTOCOL_NONCE_BYTES];
	struct view_field field;
	char note[400];
	char status[400];
	char intro[600];
	char text[4096];
};

static const struct view_hint code_hints[] = {
	{ ACTION_CONFIRM, NULL, "check", NULL },
	{ ACTION_ERASE_LEFT, NULL, "erase", NULL },
	{ ACTION_ERASE_ALL, NULL, "clear", NULL },
	{ ACTION_BACK, NULL, "back", NULL },
};

static const struct view_hint summary_hints[] = {
	{ ACTION_CONFIRM, NULL, "continue", NULL },
	{ ACTION_BACK, NULL, "cancel", NULL },
};

static const struct view_hint type_hints[] = {
	{ ACTION_CONFIRM, NULL, "check", NULL },
	{ ACTION_ERASE_LEFT, NULL, "delete a letter", NULL },
	{ ACTION_BACK, NULL, "cancel", NULL },
};

static const struct view_hint password_hints[] = {
	{ ACTION_CONFIRM, NULL, "check", NULL },
	{ ACTION_ERASE_ALL, NULL, "clear", NULL },
	{ ACTION_REVEAL, NULL, "show/hide", NULL },
	{ ACTION_BACK, NULL, "cancel", NULL },
};

static const struct view_hint confirm_hints[] = {
	{ ACTION_DOWN, NULL, "down", NULL },
	{ ACTION_UP, NULL, "up", NULL },
	{ ACTION_CONFIRM, NULL, "choose", NULL },
	{ ACTION_BACK, NULL, "cancel", NULL },
};

static const struct view_hint go_hints[] = {
	{ ACTION_CONFIRM, NULL, "first-time setup", NULL },
	{ ACTION_INTERRUPT, NULL, "leave (it finishes at the next start)",
	    NULL },
};

static const struct view_hint refused_hints[] = {
	{ ACTION_CONFIRM, NULL, "check", NULL },
	{ ACTION_ERASE_LEFT, NULL, "delete a letter", NULL },
	{ ACTION_INTERRUPT, NULL, "leave", NULL },
};

static const struct view_hint done_hints[] = {
	{ ACTION_CONFIRM, NULL, "first-time setup", NULL },
};

static void __attribute__((format(printf, 2, 3)))
fail(struct fr_screen *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->text, sizeof(s->text), fmt, ap);
	va_end(ap);
	s->state = FR_FAILED;
}

/* The word to type: RESET, or the serial number's last 4 characters. */
static bool
choose_word(struct fr_screen *s)
{
	struct device_info info;
	struct nvr_error err = { "" };
	size_t len;

	if (s->context->reset_config->confirm != RESET_CONFIRM_SERIAL) {
		snprintf(s->word, sizeof(s->word), "RESET");
		return true;
	}
	if (device_read_info(s->context->device, &info, &err) != 0) {
		fail(s, "The serial number, whose last 4 characters confirm "
		    "a reset, cannot be read: %s. Nothing was changed.",
		    err.message);
		return false;
	}
	len = strlen(info.serial);
	if (len < 4) {
		fail(s, "The serial number (%s) is too short to confirm a "
		    "reset with its last 4 characters (reset.confirm: "
		    "serial). Nothing was changed.", info.serial);
		return false;
	}
	snprintf(s->word, sizeof(s->word), "%s", info.serial + len - 4);
	return true;
}

/* The summary: what goes, what stays, what happens after. */
static void
build_summary(struct fr_screen *s)
{
	const struct factory_reset_summary *m = &s->summary;
	size_t used = 0, size = sizeof(s->text);

#define ADD(...) input_text_add(s->text, size, &used, __VA_ARGS__)
	ADD("A factory reset puts this recorder back as it left the "
	    "factory. It cannot be undone; nothing changes until you confirm "
	    "twice.\n\nErased:");
	for (size_t i = 0; i < m->erase_count; i++) {
		/* What fits on 24 lines: the rest in one line. */
		if (i == SHOWN_MAX - 1 && m->erase_count > SHOWN_MAX) {
			ADD("\n  - and %zu more", m->erase_count - i);
			break;
		}
		ADD("\n  - %s%s%s", m->erase[i].label, m->erase[i].detail[0] ?
		    ": " : "", m->erase[i].detail);
	}
	if (m->keep_count > 0) {
		ADD("\n\nKept:");
		for (size_t i = 0; i < m->keep_count; i++) {
			if (i == KEPT_SHOWN_MAX - 1 &&
			    m->keep_count > KEPT_SHOWN_MAX) {
				ADD("\n  - and %zu more", m->keep_count - i);
				break;
			}
			ADD("\n  - %s%s%s", m->keep[i].label,
			    m->keep[i].detail[0] ? ": " : "",
			    m->keep[i].detail);
		}
	}
	ADD("\n\nAfterwards %s", m->restarts ? "the recorder restarts, and "
	    "first-time setup asks for a new administrator password." :
	    "first-time setup asks for a new administrator password; then "
	    "switch the recorder off and on.");
	if (s->proof_count > 0)
		ADD(" You will be asked to prove you may reset it.");
#undef ADD
}

static void
to_type(struct fr_screen *s)
{
	secret_clear(&s->typed);
	s->reveal = true;
	s->note[0] = '\0';
	s->state = FR_TYPE;
}

/* Factory reset takes a file for a factory reset; one that sets a
 * password is listed as such. */
#define FR_FILE_USABLE "factory reset, signed for this recorder"
#define FR_FILE_OTHER "sets a password: use it in Support & reset code"

static void
list_files(struct fr_screen *s)
{
	file_list_find(&s->files, s->context->support, PROTOCOL_FACTORY_RESET,
	    FR_FILE_USABLE, FR_FILE_OTHER);
	s->state = FR_FILES;
	if (s->files.count == 0)
		snprintf(s->status, sizeof(s->status), "No reset file "
		    "(*.nvrreset) found on a USB stick.");
}

static void
clear_answers(struct fr_screen *s)
{
	for (size_t i = 0; i < RECOVERY_QUESTIONS_MAX; i++)
		secret_clear(&s->answers[i]);
	s->step = 0;
	s->reveal = false;
}

/* The administrator's questions; false (with STATUS) if there are none
 * to answer. */
static bool
open_questions(struct fr_screen *s)
{
	const struct recovery *rec = s->context->recovery;
	struct nvr_error err;

	if (s->admin.key.name[0] == '\0' || rec->ops->enrollment(rec->state,
	    &s->admin.key,
	    &s->enrolled, &err) != 0 || s->enrolled.question_count == 0) {
		snprintf(s->status, sizeof(s->status), "The administrator has "
		    "no security questions set up: choose another proof.");
		return false;
	}
	clear_answers(s);
	s->state = FR_ANSWERS;
	return true;
}

static void
open_proof(struct fr_screen *s, int kind)
{
	s->note[0] = '\0';
	if (s->admin.key.name[0] != '\0')
		proof_lock_refresh(s->context, &s->admin.key);
	if (kind == PROOF_PASSWORD) {
		secret_clear(&s->typed);
		s->reveal = false;
		s->state = FR_PASSWORD;
	} else if (kind == PROOF_QUESTIONS) {
		if (!open_questions(s))
			s->state = FR_PROOF_CHOOSE;
	} else if (kind == PROOF_CODE) {
		secret_clear(&s->typed);
		s->state = FR_CODE;
	} else {
		list_files(s);
	}
}

/* After the summary: the proof, if one is asked for, else the word. */
static void
after_summary(struct fr_screen *s)
{
	if (s->proof_count == 0)
		to_type(s);
	else if (s->proof_count == 1)
		open_proof(s, s->proof_kind[0]);
	else
		s->state = FR_PROOF_CHOOSE;
}

static void
set_proofs(struct fr_screen *s)
{
	unsigned proofs = s->context->reset_config->proofs;

	if ((proofs & RESET_PROOF_PASSWORD) && s->context->stores != NULL) {
		s->proof_kind[s->proof_count] = PROOF_PASSWORD;
		s->proof_items[s->proof_count] = (struct view_menu_item){
		    .key = "1", .label = "The administrator's password" };
		s->proof_count++;
	}
	if ((proofs & RESET_PROOF_QUESTIONS) && s->context->recovery != NULL) {
		s->proof_kind[s->proof_count] = PROOF_QUESTIONS;
		s->proof_items[s->proof_count] = (struct view_menu_item){
		    .label = "The administrator's security questions" };
		s->proof_count++;
	}
	if ((proofs & RESET_PROOF_RESET_CODE) && s->context->support != NULL) {
		s->proof_kind[s->proof_count] = PROOF_CODE;
		s->proof_items[s->proof_count] = (struct view_menu_item){
		    .label = "A factory-reset code from support (typed)" };
		s->proof_count++;
	}
	if ((proofs & RESET_PROOF_RESET_FILE) && s->context->support != NULL) {
		s->proof_kind[s->proof_count] = PROOF_FILE;
		s->proof_items[s->proof_count] = (struct view_menu_item){
		    .label = "A factory-reset file from support (USB stick)" };
		s->proof_count++;
	}
	for (size_t i = 0; i < s->proof_count; i++) {
		s->proof_keys[i][0] = (char)('1' + i);
		s->proof_items[i].key = s->proof_keys[i];
	}
}

/* An unfinished reset whose journal names places the config no longer
 * lets a reset touch: says which, and that it can finish without them
 * once SKIP is typed. */
static void
show_refused(struct fr_screen *s, const struct reset_journal_status *st)
{
	size_t used = 0, size = sizeof(s->text);

#define ADD(...) input_text_add(s->text, size, &used, __VA_ARGS__)
	ADD("A factory reset was interrupted after %zu of its %zu steps. It "
	    "would also change places this recorder's settings no longer let "
	    "a reset touch (they changed since it began, by a firmware "
	    "update perhaps):\n", st->done, st->total);
	for (size_t i = 0; i < st->refused_count; i++) {
		if (i == RESET_REFUSED_MAX || (i == 3 &&
		    st->refused_count > 4)) {
			ADD("\n  - and %zu more", st->refused_count - i);
			break;
		}
		ADD("\n  - step %zu, %s: %s", st->refused[i].index + 1,
		    st->refused[i].label, st->refused[i].path);
	}
	ADD("\n\nThose are NOT touched. The rest of the reset, passwords and "
	    "security questions among it, must still finish. To finish it "
	    "without them, type SKIP and press Enter. Ctrl-C leaves; nothing "
	    "changes until then.");
#undef ADD
	snprintf(s->word, sizeof(s->word), "SKIP");
	secret_clear(&s->typed);
	s->reveal = true;
	s->note[0] = '\0';
	s->progress.done = st->done;
	s->progress.total = st->total;
	s->state = FR_REFUSED;
}

/* If a reset's journal is there (found at start, or by a start that
 * failed: another console's reset, or ours written before a later
 * failure), it must be finished: shows it and returns true. */
static bool
show_unfinished(struct fr_screen *s)
{
	struct reset_journal_status status;
	struct nvr_error err = { "" };
	int rc = factory_reset_pending(s->context->reset, &status, &err);

	if (rc == -ENOENT)
		return false;
	if (rc == 0 && status.refused_count > 0) {
		show_refused(s, &status);
		return true;
	}
	s->passwords_only = rc == 0 && status.passwords_only;
	if (s->passwords_only) {
		snprintf(s->text, sizeof(s->text), "A password reset from the "
		    "reset button was interrupted (a power cut, or a store "
		    "that did not answer) after %zu of its %zu steps.\n\nIt "
		    "must finish before anything else can be done here. "
		    "Finishing it clears the administrator passwords; nothing "
		    "else is erased.\n\nPress Enter to finish it now.",
		    status.done, status.total);
	} else if (rc == 0) {
		snprintf(s->text, sizeof(s->text), "A factory reset was "
		    "interrupted (a power cut, or the recorder was switched "
		    "off) after %zu of its %zu steps.\n\nIt must finish before "
		    "anything else can be done here. Finishing it erases what "
		    "the reset erases; what it keeps stays.\n\nPress Enter to "
		    "finish it now.", status.done, status.total);
	}
	if (rc == 0) {
		s->progress.done = status.done;
		s->progress.total = status.total;
		s->state = FR_UNFINISHED;
		return true;
	}
	snprintf(s->text, sizeof(s->text), "A factory reset was interrupted, "
	    "and its journal cannot be read:\n\n%s\n\nIt was NOT run: the "
	    "recorder may be half reset. Call support; do not switch it off "
	    "meanwhile.", err.message);
	s->quit_on_close = true;
	s->state = FR_FAILED;
	return true;
}

static void *
fr_create(const struct screen_context *context)
{
	struct fr_screen *s = calloc(1, sizeof(*s));
	struct nvr_error err = { "" };

	if (s == NULL)
		return NULL;
	s->context = context;
	secret_init(&s->typed);
	for (size_t i = 0; i < RECOVERY_QUESTIONS_MAX; i++)
		secret_init(&s->answers[i]);
	s->confirm_items[0] = (struct view_menu_item){ .key = "",
	    .label = "Cancel: keep everything" };
	s->confirm_items[1] = (struct view_menu_item){ .key = "",
	    .label = "Erase now", .note = "cannot be undone" };
	/* The first store's administrator proves the authority to reset
	 * the whole recorder. */
	(void)screen_first_admin(s->context, &s->admin);
	if (show_unfinished(s))
		return s;
	set_proofs(s);
	if (context->reset_config->proofs != 0 && s->proof_count == 0) {
		fail(s, "%s", "This recorder asks for a proof of authority "
		    "before a factory reset that cannot be given here (no "
		    "accounts or support set up). Nothing was changed.");
		return s;
	}
	if (!choose_word(s))
		return s;
	(void)factory_reset_describe(context->reset, &s->summary, &err);
	build_summary(s);
	s->state = FR_SUMMARY;
	return s;
}

static struct screen_result
check_password(struct fr_screen *s)
{
	s->state = FR_PASSWORD;
	if (s->admin.key.name[0] == '\0') {
		secret_clear(&s->typed);
		snprintf(s->note, sizeof(s->note), "There is no administrator "
		    "account to check.");
		return (struct screen_result){ .kind = SCREEN_STAY };
	}
	if (proof_check_password(s->context, &s->admin.key, &s->typed,
	    s->note, sizeof(s->note)) == 0)
		to_type(s);
	return (struct screen_result){ .kind = SCREEN_STAY };
}

static struct screen_result
check_answers(struct fr_screen *s)
{
	const struct recovery *rec = s->context->recovery;
	struct attempts_try t;
	struct nvr_error err;
	int rc;

	s->state = FR_ANSWERS;
	if (!proof_begin(s->context, &s->admin.key, &t, s->note,
	    sizeof(s->note))) {
		clear_answers(s);
		return (struct screen_result){ .kind = SCREEN_STAY };
	}
	rc = rec->ops->check_answers(rec->state, &s->admin.key, s->answers,
	    s->enrolled.question_count, &err);
	clear_answers(s);
	if (rc == 0) {
		proof_right(s->context, &t);
		to_type(s);
	} else if (rc == -EACCES) {
		audit_log(AUDIT_WRONG_ANSWERS, &s->admin.key, 0, NULL);
		proof_wrong(s->context, &s->admin.key, &t,
		    "One or more answers are wrong.",
		    s->note, sizeof(s->note));
	} else {
		proof_void(s->context, &t);
		snprintf(s->note, sizeof(s->note), "Cannot check: %s",
		    err.message);
	}
	return (struct screen_result){ .kind = SCREEN_STAY };
}

static struct screen_result
check_file(struct fr_screen *s)
{
	const struct support_file *f = &s->files.files[s->files.selected];
	struct reset_file rf;
	struct nvr_error err;
	char wait_text[32];
	long wait = 0;
	int rc;

	s->state = FR_FILES;
	/* Checked now, used up only when the reset begins: Esc or Cancel
	 * before then leaves support's file good. */
	rc = support_try_file(s->context->support, f->path,
	    PROTOCOL_FACTORY_RESET, false, &rf, NULL, &wait, &err);
	if (rc == 0) {
		audit_log(AUDIT_FILE_ACCEPTED, &s->admin.key, 0, NULL);
		s->proof_held = true;
		memcpy(s->proof_nonce, rf.nonce, sizeof(s->proof_nonce));
		to_type(s);
		return (struct screen_result){ .kind = SCREEN_STAY };
	}
	audit_log(AUDIT_FILE_REFUSED, &s->admin.key, 0, err.message);
	if (rc == -EACCES && wait > 0) {
		proof_format_wait(wait, wait_text, sizeof(wait_text));
		snprintf(s->status, sizeof(s->status), "Refused: %s. Wait %s "
		    "before the next try.", err.message, wait_text);
	} else {
		snprintf(s->status, sizeof(s->status), "Refused: %s.",
		    err.message);
	}
	return (struct screen_result){ .kind = SCREEN_STAY };
}

/* A typed factory-reset code: checked now (any pending request's, under
 * the reset-code budget), used up only when the reset begins. */
static struct screen_result
check_code(struct fr_screen *s)
{
	struct nvr_error err;
	long wait = 0;
	int rc;

	s->state = FR_CODE;
	rc = support_try_code(s->context->support, NULL,
	    PROTOCOL_FACTORY_RESET, secret_text(&s->typed), s->proof_nonce,
	    &wait, &err);
	if (rc == 0) {
		audit_log(AUDIT_CODE_ACCEPTED, &s->admin.key, 0, NULL);
		secret_clear(&s->typed);
		s->proof_held = true;
		to_type(s);
		return (struct screen_result){ .kind = SCREEN_STAY };
	}
	proof_code_note(rc, wait, err.message, s->note, sizeof(s->note));
	if (rc != -EINVAL) {	/* a typo is kept as typed, to fix */
		audit_log(AUDIT_CODE_REFUSED, &s->admin.key, 0,
		    err.message);
		secret_clear(&s->typed);
	}
	return (struct screen_result){ .kind = SCREEN_STAY };
}

/* Whether what was typed is the word: case, and spaces around it, do
 * not matter. */
static bool
word_matches(const struct fr_screen *s)
{
	const char *t = secret_text(&s->typed);
	size_t len;

	while (*t == ' ')
		t++;
	len = strlen(t);
	while (len > 0 && t[len - 1] == ' ')
		len--;
	return len == strlen(s->word) && strncasecmp(t, s->word, len) == 0;
}

/* Runs the next step (the first call writes the journal). */
static struct screen_result
run_step(struct fr_screen *s)
{
	struct screen_result more = { .kind = SCREEN_WORK };
	struct nvr_error err;
	int rc;

	rc = factory_reset_next(s->context->reset, &s->progress, &err);
	if (rc >= 0 && s->progress.label[0] != '\0' &&
	    s->done_count < LOG_LINES)
		snprintf(s->done_log[s->done_count++],
		    sizeof(s->done_log[0]), "%s %s", s->progress.skipped ?
		    "[not touched]" : "[done]", s->progress.label);
	if (rc == 1)
		return more;
	if (rc == 0) {
		audit_log(AUDIT_RESET_FINISHED, NULL, 0, NULL);
		if (s->context->reset_config->after[0] != NULL) {
			s->state = FR_RESTARTING;
			return more;
		}
		s->state = FR_DONE;
		return (struct screen_result){ .kind = SCREEN_STAY };
	}
	if (rc == -ENOENT) {
		/* Finished meanwhile (nvr-recovery --resume at boot). */
		s->state = FR_DONE;
		return (struct screen_result){ .kind = SCREEN_STAY };
	}
	if (rc == -EPERM && show_unfinished(s))
		return (struct screen_result){ .kind = SCREEN_STAY };
	if (rc == -EBUSY) {
		snprintf(s->text, sizeof(s->text), "Another factory reset is "
		    "running (on another console, or at boot). Let it finish; "
		    "this wizard closes now.");
		s->quit_on_close = true;
		s->state = FR_FAILED;
		return (struct screen_result){ .kind = SCREEN_STAY };
	}
	audit_log(AUDIT_RESET_FAILED, NULL, 0, err.message);
	snprintf(s->text, sizeof(s->text), "The reset stopped at a step that "
	    "failed:\n\n%s\n\nThe reset is half done. Press Enter to try "
	    "that step again. If it keeps failing, call support; the reset "
	    "also goes on at the next start.", err.message);
	s->state = FR_STOPPED;
	return (struct screen_result){ .kind = SCREEN_STAY };
}

static struct screen_result
begin(struct fr_screen *s)
{
	struct screen_result stay = { .kind = SCREEN_STAY };
	struct nvr_error err = { "" }, ignored;
	const char *lost = "";
	bool spent = false;
	int rc;

	secret_clear(&s->typed);
	/* Spent now, under the requests' lock: of two consoles, the first
	 * to begin wins. */
	if (s->proof_held) {
		rc = support_spend(s->context->support, s->proof_nonce, &err);
		if (rc != 0) {
			fail(s, "The reset code or file from support can no "
			    "longer be used: %s. Nothing was changed.",
			    err.message);
			return stay;
		}
		s->proof_held = false;
		spent = true;
	}
	rc = factory_reset_start(s->context->reset, &s->progress.total, &err);
	/* Nothing erased: what proved it is made good again. */
	if (rc != 0 && spent && support_unspend(s->context->support,
	    s->proof_nonce, &ignored) != 0)
		lost = " The reset code or file from support is used up.";
	if (rc == -EBUSY) {
		fail(s, "%s. Let it finish; this wizard closes now.%s",
		    err.message, lost);
		s->quit_on_close = true;
		return stay;
	}
	if (rc != 0) {
		char said[sizeof(err.message) + 128];

		if (show_unfinished(s))
			return stay;
		if (input_storage_failure(said, sizeof(said), rc,
		    "The reset could not begin", "nothing was changed",
		    err.message))
			fail(s, "%s%s", said, lost);
		else
			fail(s, "The reset could not begin: %s. Nothing was "
			    "changed.%s", err.message, lost);
		return stay;
	}
	audit_log(AUDIT_RESET_STARTED, &s->admin.key, 0, NULL);
	s->progress.done = 0;
	s->state = FR_RUNNING;
	return (struct screen_result){ .kind = SCREEN_WORK };
}

/* Where Enter leads once the reset is over: first-time setup, which
 * cannot be left until the new password is set. */
static struct screen_result
after_done(struct fr_screen *s)
{
	struct account admin;

	if (s->context->stores != NULL &&
	    stores_admin_needing_password(s->context->stores, &admin))
		return (struct screen_result){ .kind = SCREEN_OPEN,
		    .target = SCREEN_FIRST_BOOT };
	return (struct screen_result){ .kind = SCREEN_CLOSE };
}

/* Typing the answer to question STEP; Esc goes a question back. */
static struct screen_result
handle_answer(struct fr_screen *s, const struct keys_action_event *ev)
{
	struct screen_result stay = { .kind = SCREEN_STAY };

	switch (ev->action) {
	case ACTION_CONFIRM:
		if (s->answers[s->step].length == 0)
			break;
		s->note[0] = '\0';
		s->reveal = false;
		if (s->step + 1 < s->enrolled.question_count) {
			s->step++;
			break;
		}
		s->state = FR_ANSWERS_CHECKING;
		return (struct screen_result){ .kind = SCREEN_WORK };
	case ACTION_REVEAL:
		s->reveal = !s->reveal;
		break;
	case ACTION_BACK:
		secret_clear(&s->answers[s->step]);
		s->reveal = false;
		if (s->step > 0) {
			s->step--;
		} else {
			clear_answers(s);
			if (s->proof_count > 1)
				s->state = FR_PROOF_CHOOSE;
			else
				return (struct screen_result){
				    .kind = SCREEN_CLOSE };
		}
		break;
	default:
		input_edit(&s->answers[s->step], ev);
		s->note[0] = '\0';
		break;
	}
	return stay;
}

static struct screen_result
fr_handle(void *self, const struct keys_action_event *ev)
{
	struct fr_screen *s = self;
	struct screen_result stay = { .kind = SCREEN_STAY };
	struct screen_result close = { .kind = SCREEN_CLOSE };
	bool back = ev->action == ACTION_BACK;

	s->status[0] = '\0';
	switch (s->state) {
	case FR_SUMMARY:
		if (back || ev->action == ACTION_QUIT)
			return close;
		if (ev->action == ACTION_CONFIRM)
			after_summary(s);
		return stay;
	case FR_PROOF_CHOOSE:
		if (back)
			return close;
		if (input_menu_move(&s->proof_selected, s->proof_count, ev))
			open_proof(s, s->proof_kind[s->proof_selected]);
		return stay;
	case FR_PASSWORD:
		/* While the administrator must wait, no input. */
		if (proof_lock_blocks(s->context, &s->admin.key, ev))
			return stay;
		if (back && s->proof_count > 1) {
			secret_clear(&s->typed);
			s->state = FR_PROOF_CHOOSE;
			return stay;
		}
		if (back)
			return close;
		if (ev->action == ACTION_REVEAL)
			s->reveal = !s->reveal;
		else if (ev->action == ACTION_CONFIRM && s->typed.length > 0)
			s->state = FR_PASSWORD_CHECKING;
		else
			input_edit(&s->typed, ev);
		if (ev->action != ACTION_CONFIRM)
			s->note[0] = '\0';
		if (s->state == FR_PASSWORD_CHECKING)
			return (struct screen_result){ .kind = SCREEN_WORK };
		return stay;
	case FR_ANSWERS:
		if (proof_lock_blocks(s->context, &s->admin.key, ev))
			return stay;
		return handle_answer(s, ev);
	case FR_CODE:
		if (back) {
			secret_clear(&s->typed);
			s->note[0] = '\0';
			if (s->proof_count > 1) {
				s->state = FR_PROOF_CHOOSE;
				return stay;
			}
			return close;
		}
		if (ev->action == ACTION_CONFIRM) {
			if (s->typed.length == 0)
				return stay;
			s->state = FR_CODE_CHECKING;
			return (struct screen_result){ .kind = SCREEN_WORK };
		}
		input_edit(&s->typed, ev);
		s->note[0] = '\0';
		return stay;
	case FR_FILES:
		if (back && s->proof_count > 1) {
			s->state = FR_PROOF_CHOOSE;
			return stay;
		}
		if (back)
			return close;
		switch (file_list_handle(&s->files, s->context->support,
		    PROTOCOL_FACTORY_RESET, FR_FILE_USABLE, FR_FILE_OTHER,
		    ev)) {
		case FILE_LIST_LOOKED:
			if (s->files.count == 0)
				snprintf(s->status, sizeof(s->status), "No "
				    "reset file (*.nvrreset) found on a USB "
				    "stick.");
			break;
		case FILE_LIST_CHOSEN:
			if (!s->files.files[s->files.selected].usable) {
				snprintf(s->status, sizeof(s->status), "%s",
				    s->files.files[s->files.selected].problem);
				break;
			}
			s->state = FR_FILE_CHECKING;
			return (struct screen_result){ .kind = SCREEN_WORK };
		default:
			break;
		}
		return stay;
	case FR_TYPE:
		if (back)
			return close;
		if (ev->action == ACTION_CONFIRM) {
			if (word_matches(s)) {
				s->confirm_selected = 0;
				s->state = FR_CONFIRM;
			} else {
				snprintf(s->note, sizeof(s->note),
				    "That is not "
				    "%s. Nothing was changed; type %s, or press "
				    ""
				    "Esc to cancel.", s->word, s->word);
				secret_clear(&s->typed);
			}
		} else {
			input_edit(&s->typed, ev);
			s->note[0] = '\0';
		}
		return stay;
	case FR_CONFIRM:
		if (back || ev->action == ACTION_QUIT)
			return close;
		/* Moved to and chosen with Enter only: a digit typed on
		 * after the word must not erase anything. */
		if (ev->action != ACTION_HOTKEY &&
		    input_menu_move(&s->confirm_selected, 2, ev)) {
			if (s->confirm_selected == 0)
				return close;
			return begin(s);
		}
		return stay;
	case FR_REFUSED:
		if (ev->action == ACTION_CONFIRM && word_matches(s)) {
			secret_clear(&s->typed);
			factory_reset_skip_refused(s->context->reset);
			s->state = FR_RUNNING;
			return (struct screen_result){ .kind = SCREEN_WORK };
		}
		if (ev->action == ACTION_CONFIRM) {
			snprintf(s->note, sizeof(s->note), "That is not SKIP. "
			    "Nothing was changed.");
			secret_clear(&s->typed);
		} else if (back) {
			snprintf(s->status, sizeof(s->status), "The reset must "
			    "finish first (Ctrl-C leaves; it is asked again at "
			    "the next start).");
		} else {
			input_edit(&s->typed, ev);
			s->note[0] = '\0';
		}
		return stay;
	case FR_UNFINISHED:
	case FR_STOPPED:
		if (ev->action == ACTION_CONFIRM) {
			s->state = FR_RUNNING;
			return (struct screen_result){ .kind = SCREEN_WORK };
		}
		snprintf(s->status, sizeof(s->status), "The reset must finish "
		    "first: press Enter (Ctrl-C leaves; it finishes at the "
		    "next start).");
		return stay;
	case FR_DONE:
		if (ev->action == ACTION_CONFIRM)
			return after_done(s);
		return stay;
	case FR_FAILED:
		if ((ev->action == ACTION_CONFIRM || back) && s->quit_on_close)
			return (struct screen_result){ .kind = SCREEN_QUIT };
		if (ev->action == ACTION_CONFIRM || back)
			return close;
		return stay;
	default:
		return stay;
	}
}

static struct screen_result
fr_work(void *self)
{
	struct fr_screen *s = self;
	struct nvr_error err;

	switch (s->state) {
	case FR_PASSWORD_CHECKING:
		return check_password(s);
	case FR_FILE_CHECKING:
		return check_file(s);
	case FR_CODE_CHECKING:
		return check_code(s);
	case FR_ANSWERS_CHECKING:
		return check_answers(s);
	case FR_RUNNING:
		return run_step(s);
	case FR_RESTARTING:
		/* A restart that works ends this process with the system. */
		s->restart_failed = factory_reset_restart(s->context->reset,
		    &err) != 0;
		s->restarting = !s->restart_failed;
		if (s->restart_failed)
			snprintf(s->note, sizeof(s->note), "%s", err.message);
		s->state = FR_DONE;
		return (struct screen_result){ .kind = SCREEN_STAY };
	default:
		return (struct screen_result){ .kind = SCREEN_STAY };
	}
}

/* The steps done so far, then the one under way. */
static void
build_progress(struct fr_screen *s, const char *last)
{
	size_t used = 0, size = sizeof(s->text);

	used += (size_t)snprintf(s->text, size, "%s\n", s->state == FR_DONE ?
	    "Done:" : "Resetting. Do not switch the recorder off.");
	size_t first = s->done_count > SHOWN_MAX ? s->done_count - SHOWN_MAX :
	    0;

	if (first > 0)
		used += (size_t)snprintf(s->text + used, size - used,
		    "\n  [done] %zu steps before these", first);
	for (size_t i = first; i < s->done_count && used < size; i++)
		used += (size_t)snprintf(s->text + used, size - used,
		    "\n  %s", s->done_log[i]);
	if (last != NULL && used < size)
		snprintf(s->text + used, size - used, "\n\n%s", last);
}

static void
render_field(struct fr_screen *s, struct view *view, const char *label,
    bool secret)
{
	/* The administrator's wait shows under the password only. */
	if (secret)
		(void)proof_lock_note(s->context, &s->admin.key, s->note,
		    sizeof(s->note), view);
	input_field_view(view, &s->field, label, &s->typed, secret,
	    s->reveal, s->note);
}

static void
fr_render(void *self, struct view *view)
{
	struct fr_screen *s = self;
	char *intro = s->intro;
	const size_t size = sizeof(s->intro);

	view->title = "Factory reset";
	view->status = s->status[0] ? s->status : NULL;
	view->context = KEYS_CONTEXT_MESSAGE;
	switch (s->state) {
	case FR_SUMMARY:
		view->intro = s->text;
		INPUT_HINTS(view, summary_hints);
		return;
	case FR_PROOF_CHOOSE:
		view->intro = "Before a factory reset, prove that you may do "
		    "it, with one of these:";
		input_menu_view(view, s->proof_items, s->proof_count,
		    s->proof_selected);
		return;
	case FR_PASSWORD:
		snprintf(intro, size, "Type the password of the "
		    "administrator (%s) to allow the factory reset.%s",
		    s->admin.key.name[0] ? s->admin.shown : "none",
		        s->proof_count > 1 ?
		    " Forgotten? Press Esc and choose another proof." : "");
		view->intro = intro;
		render_field(s, view, "Password", true);
		INPUT_HINTS(view, password_hints);
		return;
	case FR_FILES:
		view->intro = "Reset files found on USB storage (*.nvrreset). "
		    "Choose the factory-reset file support sent for this "
		    "recorder. Using it does not erase anything yet.";
		file_list_view(&s->files, view);
		return;
	case FR_ANSWERS:
		snprintf(intro, size, "Question %zu of %zu: %s", s->step + 1,
		    s->enrolled.question_count,
		    s->enrolled.questions[s->step]);
		view->intro = intro;
		memset(&s->field, 0, sizeof(s->field));
		s->field.label = "Answer";
		s->field.wide = true;
		s->field.focused = true;
		s->field.masked = s->answers[s->step].chars;
		s->field.text = s->reveal ? secret_text(&s->answers[s->step]) :
		    NULL;
		view->secret_shown = s->reveal;
		(void)proof_lock_note(s->context, &s->admin.key, s->note,
		    sizeof(s->note), view);
		s->field.note = s->note[0] ? s->note : NULL;
		s->field.note_is_problem = true;
		view->fields = &s->field;
		view->field_count = 1;
		view->context = KEYS_CONTEXT_TEXT;
		INPUT_HINTS(view, input_answer_hints);
		if (s->reveal)
			view->status = "The answer is shown: ^T hides it.";
		return;
	case FR_PASSWORD_CHECKING:
	case FR_FILE_CHECKING:
	case FR_CODE_CHECKING:
	case FR_ANSWERS_CHECKING:
		view->intro = "Checking...";
		return;
	case FR_CODE:
		snprintf(intro, size,
		    "Type the factory-reset code support gave "
		    "you: 25 letters and digits in 5 groups. Small or capital "
		    "letters, spaces and dashes do not matter. Nothing is "
		    "erased yet.");
		view->intro = intro;
		render_field(s, view, "Reset code", false);
		view->secret_shown = s->typed.length > 0;
		s->field.wide = true;
		INPUT_HINTS(view, code_hints);
		return;
	case FR_TYPE:
		snprintf(intro, size, "To erase this recorder, type "
		    "%s%s and press Enter. Esc cancels; nothing has been "
		    "changed.", s->word, s->context->reset_config->confirm ==
		    RESET_CONFIRM_SERIAL ? " (the last 4 characters of the "
		    "serial number)" : "");
		view->intro = intro;
		render_field(s, view, "Confirm", false);
		INPUT_HINTS(view, type_hints);
		return;
	case FR_CONFIRM:
		view->intro = "Last question: erase this recorder now? This "
		    "cannot be undone. To erase, move down to Erase now and "
		    "press Enter; Enter on Cancel, or Esc, keeps everything.";
		view->menu.items = s->confirm_items;
		view->menu.count = 2;
		view->menu.selected = s->confirm_selected;
		INPUT_HINTS(view, confirm_hints);
		view->context = KEYS_CONTEXT_MENU;
		return;
	case FR_RUNNING:
		snprintf(intro, size, "Step %zu of %zu...",
		    s->progress.done + 1, s->progress.total);
		build_progress(s, intro);
		view->intro = s->text;
		return;
	case FR_RESTARTING:
		build_progress(s, "Factory reset finished. Restarting the "
		    "recorder...");
		view->intro = s->text;
		return;
	case FR_DONE:
		/* One thing to do: wait for the restart, or press Enter. */
		if (s->restart_failed)
			snprintf(intro, size, "Factory reset finished, but the "
			    "recorder could not restart itself (%s).\n\nPress "
			    "Enter for first-time setup; afterwards, switch "
			    "the recorder off and on.", s->note);
		else if (s->restarting)
			snprintf(intro, size, "Factory reset finished. The "
			    "recorder restarts now; first-time setup "
			    "follows.");
		else
			snprintf(intro, size, "Factory reset finished.\n\n"
			    "Press Enter for first-time setup: it asks for the "
			    "administrator's new password. Afterwards, switch "
			    "the recorder off and on.");
		build_progress(s, intro);
		view->intro = s->text;
		INPUT_HINTS(view, done_hints);
		return;
	case FR_REFUSED:
		view->intro = s->text;
		render_field(s, view, "Type SKIP", false);
		INPUT_HINTS(view, refused_hints);
		return;
	case FR_UNFINISHED:
	case FR_STOPPED:
		view->notice.title = s->state == FR_STOPPED ? "Reset stopped" :
		    s->passwords_only ? "Unfinished password reset" :
		    "Unfinished factory reset";
		view->notice.text = s->text;
		INPUT_HINTS(view, go_hints);
		return;
	case FR_FAILED:
		view->notice.title = "Not done";
		view->notice.text = s->text;
		INPUT_HINTS(view, input_back_hints);
		return;
	}
}

static struct screen_result
fr_resume(void *self)
{
	(void)self;
	/* Back from first-time setup: the reset is over. */
	return (struct screen_result){ .kind = SCREEN_CLOSE };
}

static void
fr_destroy(void *self)
{
	struct fr_screen *s = self;

	secret_release(&s->typed);
	for (size_t i = 0; i < RECOVERY_QUESTIONS_MAX; i++)
		secret_release(&s->answers[i]);
	free(s);
}

const struct screen_class factory_reset_screen = {
	.create = fr_create,
	.handle = fr_handle,
	.render = fr_render,
	.destroy = fr_destroy,
	.work = fr_work,
	.resume = fr_resume,
};
