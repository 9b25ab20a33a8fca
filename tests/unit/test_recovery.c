/*
 * test_recovery.c: the recovery concern: its shared settings, the check of
 * a question's text and the reading of a typed key
 * (backends/recovery/recovery.c),
 * and the file store of questions and one-time keys
 * (backends/recovery/file.c), opened from YAML through the registry.
 *
 * Each test works in a fresh folder from mkdtemp(3), removed in teardown;
 * the state folder is its "state" subfolder. Hashes use a low argon2 cost
 * (1 pass, 64 KiB) to stay fast. The lock test forks a child that is
 * always reaped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "backends/recovery/answer.h"
#include "backends/recovery/recovery.h"
#include "backends/registry.h"
#include "common/nvr_error.h"
#include "common/secret.h"
#include "common/code32.h"
#include "config/config.h"
#include "config/diag.h"
#include "tests/unit/support.h"

#define HEADER "# nvr-recovery recovery 2\n"
/* How a hash made with the tests' cost (64 KiB, 1 pass) begins. */
#define LOW_PREFIX "$argon2id$v=19$m=64,t=1,p=1$"

/* Every test's config up to recovery:'s own settings (lines 1-9); a test
 * adds lines 10 on. */
#define BASE \
	"device:\n" \
	"  backend: static\n" \
	"  model: M\n" \
	"  serial: S\n" \
	"  firmware: F\n" \
	"state_dir: state\n" \
	"recovery:\n" \
	"  backend: file\n" \
	"  answer_cost: {ops: 1, memory_kib: 64}\n"

static const struct answer_cost LOW = { 1, 64 * 1024 };

static const char *const Q3[] = {
	"What was the name of your first school?",
	"In which town did your parents meet?",
	"Wie hieß dein erstes Haustier?",
};
static const char *const A3[] = {
	"Springfield Elementary",
	"Café  Central",
	"Straße",
};

/* ------------------------------------------------------------------ */
/* Fixture and helpers                                                 */

struct rec_fx {
	struct support_fx *fx;	/* the folder, the config */
	struct recovery rec;	/* closed in teardown */
	char *state;		/* DIR/state */
	char *store;		/* DIR/state/recovery */
	char *lock;		/* DIR/state/recovery.lock */
	pid_t holder;		/* a child holding the lock, or 0 */
};

static int fx_teardown(void **state);

static int
fx_setup(void **state)
{
	struct support_fx *inner = NULL;
	struct rec_fx *t = support_fx_wrap(sizeof(*t), "recovery", &inner);

	if (t == NULL)
		return -1;
	t->fx = inner;
	if (asprintf(&t->state, "%s/state", t->fx->dir) < 0 ||
	    asprintf(&t->store, "%s/recovery", t->state) < 0 ||
	    asprintf(&t->lock, "%s/recovery.lock", t->state) < 0) {
		fx_teardown((void **)&t);
		return -1;
	}
	*state = t;
	return 0;
}

static void
reap_holder(struct rec_fx *t, int *status)
{
	int local;

	if (t->holder <= 0)
		return;
	while (waitpid(t->holder, status ? status : &local, 0) < 0 &&
	    errno == EINTR)
		;
	t->holder = 0;
}

static void
close_rec(struct rec_fx *t)
{
	if (t->rec.ops != NULL)
		t->rec.ops->close(t->rec.state);
	t->rec.ops = NULL;
	t->rec.state = NULL;
}

static int
fx_teardown(void **state)
{
	struct rec_fx *t = *state;
	void *inner = t->fx;

	if (t->holder > 0) {
		kill(t->holder, SIGKILL);
		reap_holder(t, NULL);
	}
	close_rec(t);
	free(t->state);
	free(t->store);
	free(t->lock);
	free(t);
	return inner != NULL ? support_fx_teardown(&inner) : 0;
}

/* Loads BASE followed by EXTRA; config_load's result. */
static int
load(struct rec_fx *t, const char *extra)
{
	char *text;
	int rc;

	assert_true(asprintf(&text, "%s%s", BASE, extra) > 0);
	rc = support_load_text(t->fx, text);
	free(text);
	return rc;
}

/* Loads BASE + EXTRA (which must pass the schema check) and opens its
 * recovery backend into t->rec; registry_open_recovery's result. */
static int
open_rec(struct rec_fx *t, const char *extra)
{
	close_rec(t);
	if (load(t, extra) != 0) {
		print_error("config_load failed:\n");
		diag_print(&t->fx->cfg.diags, stderr);
		fail();
	}
	return registry_open_recovery(&t->fx->cfg.recovery,
	    t->fx->cfg.state_dir, &t->rec);
}

/* open_rec that must succeed without a diagnostic. */
static void
open_ok(struct rec_fx *t, const char *extra)
{
	int rc = open_rec(t, extra);

	if (rc != 0)
		diag_print(&t->fx->cfg.diags, stderr);
	assert_int_equal(rc, 0);
	assert_diag_count(&t->fx->cfg.diags, 0);
	assert_ptr_equal(t->rec.ops, recovery_file_impl.ops);
	assert_non_null(t->rec.state);
}

static const struct recovery_settings *
settings_of(struct rec_fx *t)
{
	return t->rec.ops->settings(t->rec.state);
}

/* Fills S with the bytes of TEXT (a C string). */
static void
put_secret(struct secret *s, const char *text)
{
	size_t len = strlen(text);

	secret_init(s);
	assert_true(len < SECRET_MAX);
	memcpy(s->bytes, text, len + 1);
	s->length = len;
	s->chars = len;
}

static void
release_secrets(struct secret *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		secret_release(&s[i]);
}

static int
set_questions(struct rec_fx *t, const char *name, size_t n,
    const char *const *questions, const char *const *answers,
    struct nvr_error *err)
{
	struct secret s[RECOVERY_QUESTIONS_MAX];
	int rc;

	assert_true(n <= RECOVERY_QUESTIONS_MAX);
	for (size_t i = 0; i < n; i++)
		put_secret(&s[i], answers[i]);
	rc = t->rec.ops->set_questions(t->rec.state, support_key(name), n,
	    questions, s,
	    err);
	release_secrets(s, n);
	return rc;
}

/* set_questions that must succeed. */
static void
set_ok(struct rec_fx *t, const char *name, size_t n,
    const char *const *questions, const char *const *answers)
{
	struct nvr_error err = { "" };
	int rc = set_questions(t, name, n, questions, answers, &err);

	if (rc != 0)
		print_error("set_questions(%s): %d %s\n", name, rc,
		    err.message);
	assert_int_equal(rc, 0);
}

static int
check_answers(struct rec_fx *t, const char *name, size_t n,
    const char *const *answers)
{
	struct secret s[RECOVERY_QUESTIONS_MAX + 1];
	struct nvr_error err = { "" };
	int rc;

	assert_true(n <= RECOVERY_QUESTIONS_MAX + 1);
	for (size_t i = 0; i < n; i++)
		put_secret(&s[i], answers[i]);
	rc = t->rec.ops->check_answers(t->rec.state, support_key(name), s, n,
	    &err);
	release_secrets(s, n);
	return rc;
}

static void
enrollment(struct rec_fx *t, const char *name, struct recovery_enrollment *e)
{
	struct nvr_error err = { "" };
	int rc;

	memset(e, 'x', sizeof(*e));
	rc = t->rec.ops->enrollment(t->rec.state, support_key(name), e, &err);
	if (rc != 0)
		print_error("enrollment(%s): %d %s\n", name, rc, err.message);
	assert_int_equal(rc, 0);
}

/* Makes a key for NAME; its text into TEXT (RECOVERY_KEY_TEXT_MAX). */
static void
create_key(struct rec_fx *t, const char *name, char *text)
{
	struct secret key;
	struct nvr_error err = { "" };
	int rc;

	secret_init(&key);
	assert_int_equal(recovery_key_make(&key), 0);
	rc = t->rec.ops->keep_key(t->rec.state, support_key(name), &key, &err);
	if (rc != 0)
		print_error("keep_key(%s): %d %s\n", name, rc, err.message);
	assert_int_equal(rc, 0);
	assert_true(key.length < RECOVERY_KEY_TEXT_MAX);
	assert_int_equal(strlen(secret_text(&key)), key.length);
	memcpy(text, secret_text(&key), key.length + 1);
	secret_release(&key);
}

/* The canonical form of the typed key TEXT, which must parse. */
static void
canonical_of(const char *text, char out[RECOVERY_KEY_SYMBOLS + 1])
{
	struct secret c;
	size_t bad = 99;

	secret_init(&c);
	assert_int_equal(recovery_key_parse(text, &c, &bad), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(c.length, RECOVERY_KEY_SYMBOLS);
	memcpy(out, secret_text(&c), RECOVERY_KEY_SYMBOLS + 1);
	secret_release(&c);
}

static int
use_key(struct rec_fx *t, const char *name, const char *canonical,
    struct nvr_error *err)
{
	return t->rec.ops->use_key(t->rec.state, support_key(name), canonical,
	    true, err);
}

/* use_key with the canonical form of the typed TEXT. */
static int
use_typed(struct rec_fx *t, const char *name, const char *text)
{
	char canonical[RECOVERY_KEY_SYMBOLS + 1];
	struct nvr_error err = { "" };

	canonical_of(text, canonical);
	return use_key(t, name, canonical, &err);
}

static bool
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static void
check_mode(const char *path, mode_t mode, const char *file, int line)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 07777) == mode && st.st_uid == geteuid())
		return;
	print_error("%s: expected a file of mode %04o\n", path,
	    (unsigned)mode);
	_fail(file, line);
}

#define assert_file_mode(path, mode) \
	check_mode((path), (mode), __FILE__, __LINE__)

/* Whether NEEDLE's bytes appear anywhere in LEN bytes of HAY. */
static bool
holds(const char *hay, size_t len, const char *needle)
{
	return memmem(hay, len, needle, strlen(needle)) != NULL;
}

/* A hash of TEXT at the tests' cost. */
static void
hash_of(const char *text, char hash[ANSWER_HASH_MAX])
{
	struct nvr_error err = { "" };

	assert_int_equal(answer_hash(&LOW, text, strlen(text), hash, &err), 0);
}

/* Writes TEXT as the store, making the state folder. */
static void
put_store(struct rec_fx *t, const char *text)
{
	if (!exists(t->state))
		assert_int_equal(mkdir(t->state, 0700), 0);
	support_write_file(t->store, text, strlen(text), 0600);
}

/* ------------------------------------------------------------------ */
/* Settings                                                            */

static void
test_settings_ok_defaults(void **state)
{
	struct rec_fx *t = *state;
	const struct recovery_settings *s;

	assert_int_equal(support_load_text(t->fx,
	    "device:\n"
	    "  backend: static\n"
	    "  model: M\n"
	    "  serial: S\n"
	    "  firmware: F\n"
	    "state_dir: state\n"
	    "recovery:\n"
	    "  backend: file\n"), 0);
	assert_int_equal(registry_open_recovery(&t->fx->cfg.recovery,
	    t->fx->cfg.state_dir, &t->rec), 0);
	assert_diag_count(&t->fx->cfg.diags, 0);
	s = settings_of(t);
	assert_int_equal(s->question_count, 3);
	assert_true(s->own_questions);
	assert_int_equal(s->choice_count, 8);
	assert_string_equal(s->choices[0],
	    "What was the name of your first school?");
	assert_string_equal(s->choices[7],
	    "What was the name of your first employer?");
	for (size_t i = 0; i < s->choice_count; i++)
		assert_null(recovery_question_problem(s->choices[i]));
	assert_int_equal(s->cost.ops, 3);
	assert_int_equal(s->cost.ops, ANSWER_COST_DEFAULT_OPS);
	assert_int_equal(s->cost.memory_bytes, 64u << 20);
	assert_int_equal(s->cost.memory_bytes, ANSWER_COST_DEFAULT_MEMORY);
	assert_int_equal(s->key_folder_count, 0);
	/* Opening neither makes the state folder nor a store. */
	assert_false(exists(t->state));
}

static void
test_settings_ok_explicit(void **state)
{
	struct rec_fx *t = *state;
	const struct recovery_settings *s;
	char *usb;

	open_ok(t,
	    "  questions:\n"
	    "    count: 4\n"
	    "    own_questions: false\n"
	    "    choices:\n"
	    "      - Where were you born?\n"
	    "      - \"Café préféré ?\"\n"
	    "      - 你第一所学校叫什么名字？\n"
	    "      - What was your first phone?\n"
	    "      - Who was your best friend?\n"
	    "  key_folders: [usb, /media/stick, ./a/../b]\n");
	s = settings_of(t);
	assert_int_equal(s->question_count, 4);
	assert_false(s->own_questions);
	assert_int_equal(s->choice_count, 5);
	assert_string_equal(s->choices[0], "Where were you born?");
	assert_string_equal(s->choices[1], "Café préféré ?");
	assert_string_equal(s->choices[2], "你第一所学校叫什么名字？");
	assert_string_equal(s->choices[4], "Who was your best friend?");
	assert_int_equal(s->cost.ops, 1);
	assert_int_equal(s->cost.memory_bytes, 64 * 1024);
	assert_int_equal(s->key_folder_count, 3);
	usb = support_in_dir(t->fx, "usb");
	assert_string_equal(s->key_folders[0], usb);
	free(usb);
	assert_string_equal(s->key_folders[1], "/media/stick");
	usb = support_in_dir(t->fx, "./a/../b");
	assert_string_equal(s->key_folders[2], usb);
	free(usb);
}

/* own_questions true: fewer choices than count is fine. */
static void
test_settings_ok_few_choices_own_questions(void **state)
{
	struct rec_fx *t = *state;
	const struct recovery_settings *s;

	open_ok(t,
	    "  questions:\n"
	    "    count: 5\n"
	    "    choices: [Where were you born?]\n");
	s = settings_of(t);
	assert_int_equal(s->question_count, 5);
	assert_true(s->own_questions);
	assert_int_equal(s->choice_count, 1);
	assert_string_equal(s->choices[0], "Where were you born?");
}

/* own_questions false with exactly count choices is fine. */
static void
test_settings_ok_exact_choices(void **state)
{
	struct rec_fx *t = *state;

	open_ok(t,
	    "  questions:\n"
	    "    count: 2\n"
	    "    own_questions: false\n"
	    "    choices: [One?, Two?]\n");
	assert_int_equal(settings_of(t)->choice_count, 2);
}

/* Without choices, own_questions false is measured against the 8
 * built-in ones. */
static void
test_settings_nok_own_questions_false_too_few(void **state)
{
	struct rec_fx *t = *state;

	assert_int_equal(open_rec(t,
	    "  questions:\n"
	    "    count: 3\n"
	    "    own_questions: false\n"
	    "    choices: [One?, Two?]\n"), -1);
	assert_null(t->rec.ops);
	assert_null(t->rec.state);
	assert_diag_count(&t->fx->cfg.diags, 1);
	assert_diag(&t->fx->cfg.diags, 11, 5, "recovery.questions: 3 "
	    "questions are to be enrolled but only 2 are offered and "
	    "own_questions is false");

	assert_int_equal(open_rec(t,
	    "  questions:\n"
	    "    count: 9\n"
	    "    own_questions: false\n"), -1);
	assert_diag_count(&t->fx->cfg.diags, 1);
	assert_diag(&t->fx->cfg.diags, 11, 5, "recovery.questions: 9 "
	    "questions are to be enrolled but only 8 are offered and "
	    "own_questions is false");

	open_ok(t,
	    "  questions:\n"
	    "    count: 8\n"
	    "    own_questions: false\n");
	assert_int_equal(settings_of(t)->choice_count, 8);
}

static void
test_settings_nok_choice_control_character(void **state)
{
	struct rec_fx *t = *state;

	assert_int_equal(open_rec(t,
	    "  questions:\n"
	    "    choices:\n"
	    "      - Where were you born?\n"
	    "      - \"Your first\\tpet?\"\n"), -1);
	assert_null(t->rec.ops);
	assert_diag_count(&t->fx->cfg.diags, 1);
	assert_diag(&t->fx->cfg.diags, 13, 9, "recovery.questions.choices: "
	    "question 2: a question must be one line of text");

	assert_int_equal(open_rec(t,
	    "  questions:\n"
	    "    choices: [\"a\\e[2Jb\"]\n"), -1);
	assert_diag_count(&t->fx->cfg.diags, 1);
	assert_diag(&t->fx->cfg.diags, 11, 15, "recovery.questions.choices: "
	    "question 1: a question must be one line of text");

	/* Offered twice would count twice towards count:, and the last
	 * step could offer nothing. */
	assert_int_equal(open_rec(t,
	    "  questions:\n"
	    "    choices: [One?, Two?, One?]\n"), -1);
	assert_diag_count(&t->fx->cfg.diags, 1);
	assert_diag(&t->fx->cfg.diags, 11, 27, "recovery.questions.choices: "
	    "question 3: offered twice");
}

static void
test_settings_nok_choice_too_long(void **state)
{
	struct rec_fx *t = *state;
	char long_q[200], *extra;

	/* 160 bytes is the most. */
	memset(long_q, 'q', 160);
	long_q[160] = '\0';
	assert_true(asprintf(&extra,
	    "  questions:\n"
	    "    choices: [Short?, %s]\n", long_q) > 0);
	open_ok(t, extra);
	free(extra);
	assert_int_equal(strlen(settings_of(t)->choices[1]), 160);

	long_q[160] = 'q';
	long_q[161] = '\0';
	assert_true(asprintf(&extra,
	    "  questions:\n"
	    "    choices:\n"
	    "      - Short?\n"
	    "      - Also short?\n"
	    "      - %s\n", long_q) > 0);
	assert_int_equal(open_rec(t, extra), -1);
	free(extra);
	assert_null(t->rec.ops);
	assert_diag_count(&t->fx->cfg.diags, 1);
	assert_diag(&t->fx->cfg.diags, 14, 9, "recovery.questions.choices: "
	    "question 3: a question can be at most 160 bytes long");
}

static void
test_settings_nok_unknown_key(void **state)
{
	struct rec_fx *t = *state;

	assert_int_equal(load(t,
	    "  key_folder: [usb]\n"
	    "  questions:\n"
	    "    cont: 3\n"), -1);
	assert_diag_count(&t->fx->cfg.diags, 2);
	assert_diag(&t->fx->cfg.diags, 10, 3, "unknown key 'key_folder' in "
	    "recovery (did you mean 'key_folders'?)");
	assert_diag(&t->fx->cfg.diags, 12, 5, "unknown key 'cont' in "
	    "recovery.questions (did you mean 'count'?)");
}

static void
test_settings_nok_schema_ranges(void **state)
{
	struct rec_fx *t = *state;

	assert_int_equal(load(t,
	    "  questions: {count: 11}\n"
	    "  key_folders: usb\n"), -1);
	assert_diag_count(&t->fx->cfg.diags, 2);
	assert_diag(&t->fx->cfg.diags, 10, 22, "recovery.questions.count "
	    "must be a whole number from 1 to 10, not '11'");
	assert_diag_has(&t->fx->cfg.diags, 11, 16, "recovery.key_folders "
	    "must be a list");
}

/* ------------------------------------------------------------------ */
/* recovery_question_problem                                           */

#define ONE_LINE "a question must be one line of text"
#define BLANK "a question cannot be blank"
#define TOO_LONG "a question can be at most 160 bytes long"
#define NOT_UTF8 "a question must be valid UTF-8 text"

static void
check_problem(const char *text, const char *want, const char *file,
    int line)
{
	const char *got = recovery_question_problem(text);

	if (want == NULL && got == NULL)
		return;
	if (want != NULL && got != NULL && strcmp(want, got) == 0)
		return;
	print_error("recovery_question_problem(\"%s\"): got %s, want %s\n",
	    text, got ? got : "NULL", want ? want : "NULL");
	_fail(file, line);
}

#define assert_problem(text, want) \
	check_problem((text), (want), __FILE__, __LINE__)

static void
test_question_problem_nok_blank(void **state)
{
	(void)state;
	assert_problem("", BLANK);
	assert_problem(" ", BLANK);
	assert_problem("    ", BLANK);
	assert_problem("\xc2\xa0", BLANK);		/* no-break space */
	assert_problem("\xe3\x80\x80 \xe3\x80\x80", BLANK); /* ideographic */
}

static void
test_question_problem_nok_control(void **state)
{
	(void)state;
	assert_problem("a\tb?", ONE_LINE);
	assert_problem("\t", ONE_LINE);
	assert_problem("Who?\x01", ONE_LINE);
	assert_problem("\x1b[31mRed?", ONE_LINE);
	assert_problem("DEL\x7f?", ONE_LINE);
	assert_problem("C1 \xc2\x85 next line", ONE_LINE);	/* U+0085 */
	assert_problem("C1 \xc2\x9b csi", ONE_LINE);		/* U+009B */
	assert_problem("line\xe2\x80\xa8sep", ONE_LINE);	/* U+2028 */
	assert_problem("para\xe2\x80\xa9sep", ONE_LINE);	/* U+2029 */
	/* U+202E right-to-left override, U+200B zero width space. */
	assert_problem("Pet\xe2\x80\xae?", "a question cannot hold "
	    "invisible format characters");
	assert_problem("Pet\xe2\x80\x8b?", "a question cannot hold "
	    "invisible format characters");
}

static void
test_question_problem_nok_newline(void **state)
{
	(void)state;
	assert_problem("First line?\nSecond line?", ONE_LINE);
	assert_problem("Trailing?\n", ONE_LINE);
	assert_problem("\r\n", ONE_LINE);
	assert_problem("Carriage\rreturn?", ONE_LINE);
}

static void
test_question_problem_length(void **state)
{
	char text[200];

	(void)state;
	memset(text, 'a', sizeof(text));
	text[160] = '\0';
	assert_problem(text, NULL);
	text[160] = 'a';
	text[161] = '\0';
	assert_problem(text, TOO_LONG);
	/* Bytes count, not characters: 158 + "é" is 160, 159 + "é" 161. */
	memcpy(text + 158, "\xc3\xa9", 3);
	assert_problem(text, NULL);
	memset(text, 'a', 159);
	memcpy(text + 159, "\xc3\xa9", 3);
	assert_problem(text, TOO_LONG);
	/* 54 CJK characters: 162 bytes. */
	text[0] = '\0';
	for (int i = 0; i < 54; i++)
		strcat(text, "\xe5\xad\xa6");
	assert_int_equal(strlen(text), 162);
	assert_problem(text, TOO_LONG);
	text[159] = '\0';
	assert_problem(text, NULL);
}

static void
test_question_problem_nok_invalid_utf8(void **state)
{
	(void)state;
	assert_problem("\xff", NOT_UTF8);
	assert_problem("Caf\xe9?", NOT_UTF8);		/* Latin-1 é */
	assert_problem("cut \xc3", NOT_UTF8);
	assert_problem("overlong \xc0\xaf", NOT_UTF8);
	assert_problem("surrogate \xed\xa0\x80", NOT_UTF8);
	assert_problem("beyond \xf4\x90\x80\x80", NOT_UTF8);
	assert_problem("\x80 lone continuation", NOT_UTF8);
}

static void
test_question_problem_ok_utf8(void **state)
{
	(void)state;
	assert_problem("What was the name of your first school?", NULL);
	assert_problem("Wie hieß dein erstes Haustier?", NULL);
	assert_problem("Où tes parents se sont-ils rencontrés ?", NULL);
	assert_problem("你第一所学校叫什么名字？", NULL);
	assert_problem("最初のペットの名前は？", NULL);
	assert_problem("Как звали вашего первого учителя?", NULL);
	assert_problem("Favourite food? \xf0\x9f\x8d\x95", NULL);
	assert_problem(" leading and trailing blanks ", NULL);
	assert_problem("?", NULL);
}

/* ------------------------------------------------------------------ */
/* recovery_key_parse                                                  */

/* A key text of known symbols: values 0, 1, ..., 19. */
static void
known_key(char text[RECOVERY_KEY_TEXT_MAX], char canonical[21])
{
	uint8_t symbols[RECOVERY_KEY_SYMBOLS];

	for (size_t i = 0; i < RECOVERY_KEY_SYMBOLS; i++) {
		symbols[i] = (uint8_t)i;
		canonical[i] = CODE32_ALPHABET[i];
	}
	canonical[RECOVERY_KEY_SYMBOLS] = '\0';
	assert_int_equal(code32_format(symbols, RECOVERY_KEY_SYMBOLS,
	    RECOVERY_KEY_GROUP, text, RECOVERY_KEY_TEXT_MAX), 29);
}

/* Fails unless TYPED parses to WANT. */
static void
check_parses(const char *typed, const char *want, const char *file,
    int line)
{
	struct secret c;
	size_t bad = 99;
	int rc;

	secret_init(&c);
	rc = recovery_key_parse(typed, &c, &bad);
	if (rc != 0 || bad != 0 || strcmp(secret_text(&c), want) != 0 ||
	    c.length != strlen(want)) {
		print_error("recovery_key_parse(\"%s\"): %d, group %zu, "
		    "\"%s\"; want \"%s\"\n", typed, rc, bad, secret_text(&c),
		    want);
		secret_release(&c);
		_fail(file, line);
	}
	secret_release(&c);
}

/* Fails unless TYPED is refused with -EINVAL naming GROUP, the canonical
 * secret (which held something) left empty. */
static void
check_refused(const char *typed, size_t group, const char *file, int line)
{
	struct secret c;
	size_t bad = 99;
	int rc;

	put_secret(&c, "LEFTOVER");
	rc = recovery_key_parse(typed, &c, &bad);
	if (rc != -EINVAL || bad != group || c.length != 0 ||
	    c.bytes[0] != '\0') {
		print_error("recovery_key_parse(\"%s\"): %d, group %zu, "
		    "length %zu; want -EINVAL, group %zu\n", typed, rc, bad,
		    c.length, group);
		secret_release(&c);
		_fail(file, line);
	}
	secret_release(&c);
}

#define assert_parses(typed, want) \
	check_parses((typed), (want), __FILE__, __LINE__)
#define assert_key_refused(typed, group) \
	check_refused((typed), (group), __FILE__, __LINE__)

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static void
test_key_parse_ok_forms(void **state)
{
	char text[RECOVERY_KEY_TEXT_MAX], canonical[21], typed[80];
	size_t j = 0;

	(void)state;
	known_key(text, canonical);
	assert_string_equal(canonical, "0123456789ABCDEFGHJK");
	assert_parses(text, canonical);
	/* Lower case. */
	strcpy(typed, text);
	lower(typed);
	assert_parses(typed, canonical);
	/* Without dashes. */
	for (size_t i = 0; text[i] != '\0'; i++)
		if (text[i] != '-')
			typed[j++] = text[i];
	typed[j] = '\0';
	assert_int_equal(strlen(typed), 25);
	assert_parses(typed, canonical);
	/* With spaces in place of dashes, and around. */
	strcpy(typed, "  ");
	strcat(typed, text);
	strcat(typed, " ");
	for (char *p = typed; *p != '\0'; p++)
		if (*p == '-')
			*p = ' ';
	assert_parses(typed, canonical);
	/* O for 0 and I or L for 1. */
	strcpy(typed, text);
	assert_int_equal(typed[0], '0');
	assert_int_equal(typed[1], '1');
	typed[0] = 'O';
	typed[1] = 'l';
	assert_parses(typed, canonical);
	typed[0] = 'o';
	typed[1] = 'I';
	assert_parses(typed, canonical);
}

/* An answer of one character after normalising, or two answers that
 * normalise alike (which would make two questions one), are refused
 * with which; two characters are enough (common in Chinese). */
static void
test_set_nok_short_or_same_answers(void **state)
{
	struct rec_fx *t = *state;
	static const char *const one_letter[] = { "one", " X ", "three" };
	static const char *const same[] = { "Paris", "two", "  PARIS " };
	static const char *const two_chars[] = { "\xe5\x8c\x97\xe4\xba\xac",
		"ab", "three" };
	struct recovery_enrollment e;
	struct nvr_error err = { "" };

	open_ok(t, "");
	assert_int_equal(set_questions(t, "admin", 3, Q3, one_letter, &err),
	    -EINVAL);
	assert_string_equal(err.message, "answer 2 is shorter than 2 "
	    "characters");
	assert_int_equal(set_questions(t, "admin", 3, Q3, same, &err),
	    -EINVAL);
	assert_string_equal(err.message, "answer 3 is the same as answer 1");
	enrollment(t, "admin", &e);
	assert_int_equal(e.question_count, 0);
	set_ok(t, "admin", 3, Q3, two_chars);
}

/* The owner confirms a new key by typing its last group back, read as a
 * key is; any other group, or a typo, is not it. */
static void
test_key_last_group(void **state)
{
	struct secret key;
	char text[RECOVERY_KEY_TEXT_MAX], last[8], lower[8], first[8];

	(void)state;
	secret_init(&key);
	assert_int_equal(recovery_key_make(&key), 0);
	memcpy(text, secret_text(&key), key.length + 1);
	snprintf(last, sizeof(last), "%s", strrchr(text, '-') + 1);
	snprintf(first, sizeof(first), "%.5s", text);
	for (size_t i = 0; i <= strlen(last); i++)
		lower[i] = (char)(last[i] >= 'A' && last[i] <= 'Z' ?
		    last[i] - 'A' + 'a' : last[i]);
	assert_true(recovery_key_last_group_is(&key, last));
	assert_true(recovery_key_last_group_is(&key, lower));
	if (strcmp(first, last) != 0)
		assert_false(recovery_key_last_group_is(&key, first));
	last[0] = last[0] == 'Z' ? 'Y' : 'Z';
	assert_false(recovery_key_last_group_is(&key, last));
	assert_false(recovery_key_last_group_is(&key, ""));
	assert_false(recovery_key_last_group_is(&key, text));
	secret_release(&key);
}

static void
test_key_parse_ok_made_by_create_key(void **state)
{
	struct rec_fx *t = *state;
	char text[RECOVERY_KEY_TEXT_MAX], typed[80], canonical[26];
	size_t j = 0;

	open_ok(t, "");
	create_key(t, "admin", text);
	for (size_t i = 0; text[i] != '\0'; i++)
		if (text[i] != '-')
			canonical[j++] = text[i];
	canonical[j] = '\0';
	assert_int_equal(j, 25);
	/* Drop each group's check symbol (every fifth) for the canonical. */
	j = 0;
	for (size_t i = 0; i < 25; i++)
		if (i % 5 != 4)
			canonical[j++] = canonical[i];
	canonical[j] = '\0';
	assert_int_equal(j, RECOVERY_KEY_SYMBOLS);
	assert_parses(text, canonical);
	strcpy(typed, text);
	lower(typed);
	assert_parses(typed, canonical);
	j = 0;
	for (size_t i = 0; text[i] != '\0'; i++) {
		typed[j++] = text[i] == '-' ? ' ' : text[i];
		if (i % 3 == 0 && text[i] != '-')
			typed[j++] = ' ';
	}
	typed[j] = '\0';
	assert_parses(typed, canonical);
}

/* Every single substituted symbol, in every position, is caught and
 * blamed on its own group. */
static void
test_key_parse_nok_substitution(void **state)
{
	char text[RECOVERY_KEY_TEXT_MAX], canonical[21], typed[40];
	size_t tried = 0;

	(void)state;
	known_key(text, canonical);
	for (size_t pos = 0; text[pos] != '\0'; pos++) {
		if (text[pos] == '-')
			continue;
		for (const char *sym = CODE32_ALPHABET; *sym != '\0'; sym++) {
			if (*sym == text[pos])
				continue;
			strcpy(typed, text);
			typed[pos] = *sym;
			assert_key_refused(typed, pos / 6 + 1);
			tried++;
		}
	}
	assert_int_equal(tried, 25 * 31);
	/* A character outside the alphabet, in group 4. */
	strcpy(typed, text);
	typed[19] = 'U';
	assert_key_refused(typed, 4);
	strcpy(typed, text);
	typed[2] = '*';
	assert_key_refused(typed, 1);
}

static void
test_key_parse_nok_length(void **state)
{
	char text[RECOVERY_KEY_TEXT_MAX], canonical[21], typed[80];

	(void)state;
	known_key(text, canonical);
	assert_key_refused("", 0);
	assert_key_refused("   -  ", 0);
	/* One symbol short, one too many. */
	strcpy(typed, text);
	typed[strlen(typed) - 1] = '\0';
	assert_key_refused(typed, 0);
	strcpy(typed, text);
	strcat(typed, "0");
	assert_key_refused(typed, 0);
	/* Four groups, valid as far as they go. */
	strcpy(typed, text);
	typed[23] = '\0';
	assert_key_refused(typed, 0);
	/* Six groups. */
	strcpy(typed, text);
	strcat(typed, "-");
	memcpy(typed + strlen(typed), text, 5);
	typed[35] = '\0';
	assert_int_equal(strlen(typed), 35);
	assert_key_refused(typed, 0);
}

/* ------------------------------------------------------------------ */
/* The store: questions and answers                                    */

static void
test_store_ok_unknown_account_is_empty(void **state)
{
	struct rec_fx *t = *state;
	struct recovery_enrollment e;

	open_ok(t, "");
	enrollment(t, "admin", &e);
	assert_int_equal(e.question_count, 0);
	assert_false(e.has_key);
	/* Asking writes nothing. */
	assert_false(exists(t->store));

	set_ok(t, "admin", 3, Q3, A3);
	enrollment(t, "operator", &e);
	assert_int_equal(e.question_count, 0);
	assert_false(e.has_key);
	/* A prefix of a name is another name. */
	enrollment(t, "admi", &e);
	assert_int_equal(e.question_count, 0);
}

static void
test_store_ok_set_then_enrollment(void **state)
{
	struct rec_fx *t = *state;
	struct recovery_enrollment e;

	open_ok(t, "");
	set_ok(t, "admin", 3, Q3, A3);
	enrollment(t, "admin", &e);
	assert_int_equal(e.question_count, 3);
	assert_string_equal(e.questions[0], Q3[0]);
	assert_string_equal(e.questions[1], Q3[1]);
	assert_string_equal(e.questions[2], Q3[2]);
	assert_false(e.has_key);

	/* Another backend opened on the same store sees the same. */
	close_rec(t);
	open_ok(t, "");
	enrollment(t, "admin", &e);
	assert_int_equal(e.question_count, 3);
	assert_string_equal(e.questions[2], "Wie hieß dein erstes Haustier?");
}

static void
test_store_ok_ten_questions_of_160_bytes(void **state)
{
	struct rec_fx *t = *state;
	struct recovery_enrollment e;
	char texts[RECOVERY_QUESTIONS_MAX][RECOVERY_QUESTION_MAX + 1];
	const char *q[RECOVERY_QUESTIONS_MAX], *a[RECOVERY_QUESTIONS_MAX];
	const char *answers[] = { "a0", "a1", "a2", "a3", "a4", "a5", "a6",
	    "a7", "a8", "a9" };

	open_ok(t, "");
	for (size_t i = 0; i < RECOVERY_QUESTIONS_MAX; i++) {
		memset(texts[i], 'A' + (int)i, RECOVERY_QUESTION_MAX);
		texts[i][RECOVERY_QUESTION_MAX] = '\0';
		q[i] = texts[i];
		a[i] = answers[i];
	}
	set_ok(t, "admin", RECOVERY_QUESTIONS_MAX, q, a);
	enrollment(t, "admin", &e);
	assert_int_equal(e.question_count, RECOVERY_QUESTIONS_MAX);
	for (size_t i = 0; i < RECOVERY_QUESTIONS_MAX; i++)
		assert_string_equal(e.questions[i], texts[i]);
	assert_int_equal(check_answers(t, "admin", RECOVERY_QUESTIONS_MAX, a),
	    0);
}

static void
test_store_ok_check_answers_variants(void **state)
{
	struct rec_fx *t = *state;
	const char *exact[] = { A3[0], A3[1], A3[2] };
	const char *variant[] = {
		"  springfield   ELEMENTARY ",
		"CAFE\xcc\x81 central",		/* E + combining acute */
		"STRASSE",
	};

	open_ok(t, "");
	set_ok(t, "admin", 3, Q3, A3);
	assert_int_equal(check_answers(t, "admin", 3, exact), 0);
	assert_int_equal(check_answers(t, "admin", 3, variant), 0);
	/* Checking changes nothing: still right. */
	assert_int_equal(check_answers(t, "admin", 3, exact), 0);
}

static void
test_store_nok_check_answers_wrong(void **state)
{
	struct rec_fx *t = *state;
	const char *answers[3];

	open_ok(t, "");
	set_ok(t, "admin", 3, Q3, A3);
	for (size_t wrong = 0; wrong < 3; wrong++) {
		for (size_t i = 0; i < 3; i++)
			answers[i] = i == wrong ? "Shelbyville" : A3[i];
		assert_int_equal(check_answers(t, "admin", 3, answers),
		    -EACCES);
	}
	/* The right answers in the wrong order. */
	answers[0] = A3[1];
	answers[1] = A3[0];
	answers[2] = A3[2];
	assert_int_equal(check_answers(t, "admin", 3, answers), -EACCES);
	/* An answer that cannot even be normalised is just wrong. */
	answers[0] = A3[0];
	answers[1] = "   ";
	assert_int_equal(check_answers(t, "admin", 3, answers), -EACCES);
	answers[1] = "\xff";
	assert_int_equal(check_answers(t, "admin", 3, answers), -EACCES);
}

static void
test_store_nok_check_answers_count(void **state)
{
	struct rec_fx *t = *state;
	const char *more[] = { A3[0], A3[1], A3[2], "extra" };

	open_ok(t, "");
	set_ok(t, "admin", 3, Q3, A3);
	assert_int_equal(check_answers(t, "admin", 2, A3), -EACCES);
	assert_int_equal(check_answers(t, "admin", 1, A3), -EACCES);
	assert_int_equal(check_answers(t, "admin", 0, A3), -EACCES);
	assert_int_equal(check_answers(t, "admin", 4, more), -EACCES);
	assert_int_equal(check_answers(t, "admin", 3, A3), 0);
}

static void
test_store_nok_check_answers_no_questions(void **state)
{
	struct rec_fx *t = *state;
	struct nvr_error err = { "" };
	struct secret s;
	char key[RECOVERY_KEY_TEXT_MAX];

	open_ok(t, "");
	/* No store at all. */
	assert_int_equal(check_answers(t, "admin", 3, A3), -ENOENT);
	set_ok(t, "admin", 3, Q3, A3);
	assert_int_equal(check_answers(t, "operator", 3, A3), -ENOENT);
	/* A key is no question. */
	create_key(t, "viewer", key);
	put_secret(&s, "x");
	assert_int_equal(t->rec.ops->check_answers(t->rec.state,
	    support_key("viewer"), &s,
	    1, &err), -ENOENT);
	assert_string_equal(err.message, "viewer has no security questions");
	secret_release(&s);
}

static void
test_store_ok_replace_keeps_key(void **state)
{
	struct rec_fx *t = *state;
	struct recovery_enrollment e;
	char key[RECOVERY_KEY_TEXT_MAX];
	const char *q2[] = { "New one?", "New two?" };
	const char *a2[] = { "uno", "dos" };

	open_ok(t, "");
	set_ok(t, "admin", 3, Q3, A3);
	create_key(t, "admin", key);
	set_ok(t, "admin", 2, q2, a2);
	enrollment(t, "admin", &e);
	assert_int_equal(e.question_count, 2);
	assert_string_equal(e.questions[0], "New one?");
	assert_string_equal(e.questions[1], "New two?");
	assert_true(e.has_key);
	assert_int_equal(check_answers(t, "admin", 3, A3), -EACCES);
	assert_int_equal(check_answers(t, "admin", 2, A3), -EACCES);
	assert_int_equal(check_answers(t, "admin", 2, a2), 0);
	assert_int_equal(use_typed(t, "admin", key), 0);
	enrollment(t, "admin", &e);
	assert_int_equal(e.question_count, 2);
	assert_false(e.has_key);
}

static void
test_store_nok_set_questions_refused(void **state)
{
	struct rec_fx *t = *state;
	struct nvr_error err = { "" };
	const char *bad_q[] = { Q3[0], "Two\nlines?", Q3[2] };
	const char *empty_a[] = { "one", "", "three" };
	const char *blank_a[] = { "one", "two", " \t " };
	const char *binary_a[] = { "\x1b[2J", "two", "three" };
	char name[40];

	open_ok(t, "");
	assert_int_equal(set_questions(t, "admin", 3, bad_q, A3, &err),
	    -EINVAL);
	assert_string_equal(err.message,
	    "question 2: a question must be one line of text");
	assert_int_equal(set_questions(t, "admin", 3, Q3, empty_a, &err),
	    -EINVAL);
	assert_string_equal(err.message, "answer 2 is empty");
	assert_int_equal(set_questions(t, "admin", 3, Q3, blank_a, &err),
	    -EINVAL);
	assert_string_equal(err.message, "answer 3 is empty");
	assert_int_equal(set_questions(t, "admin", 3, Q3, binary_a, &err),
	    -EINVAL);
	assert_string_equal(err.message, "answer 1 is not text");
	/* U+FDFA is 3 bytes that NFKC makes 33: 170 of them fit a secret,
	 * their normal form does not. */
	{
		char huge[SECRET_MAX];
		const char *huge_a[] = { "one", huge, "three" };

		huge[0] = '\0';
		for (int i = 0; i < 170; i++)
			strcat(huge, "\xef\xb7\xba");
		assert_int_equal(set_questions(t, "admin", 3, Q3, huge_a,
		    &err), -EINVAL);
		assert_string_equal(err.message, "answer 2 is too long");
	}
	assert_int_equal(set_questions(t, "admin", 0, Q3, A3, &err),
	    -EINVAL);
	{
		const char *many_q[RECOVERY_QUESTIONS_MAX + 1];
		struct secret many_a[RECOVERY_QUESTIONS_MAX + 1];

		for (size_t i = 0; i <= RECOVERY_QUESTIONS_MAX; i++) {
			many_q[i] = Q3[i % 3];
			put_secret(&many_a[i], A3[i % 3]);
		}
		assert_int_equal(t->rec.ops->set_questions(t->rec.state,
		    support_key("admin"), RECOVERY_QUESTIONS_MAX + 1, many_q,
		        many_a, &err),
		    -EINVAL);
		assert_string_equal(err.message,
		    "between 1 and 10 questions");
		release_secrets(many_a, RECOVERY_QUESTIONS_MAX + 1);
	}
	assert_int_equal(set_questions(t, "", 3, Q3, A3, &err), -EINVAL);
	assert_int_equal(set_questions(t, "ad min", 3, Q3, A3, &err),
	    -EINVAL);
	assert_int_equal(set_questions(t, "ad\tmin", 3, Q3, A3, &err),
	    -EINVAL);
	/* A key holds at most 32 bytes of name; a store id that cannot be
	 * a field of the file is refused like a name. */
	{
		struct secret three[3];

		for (size_t i = 0; i < 3; i++)
			put_secret(&three[i], A3[i]);
		assert_int_equal(t->rec.ops->set_questions(t->rec.state,
		    support_key_in("Not an id", 0, "admin", ACCOUNT_UID_NONE),
		    3, Q3, three, &err), -EINVAL);
		release_secrets(three, 3);
	}
	memset(name, 'n', 33);
	/* Nothing was written, not even the folder. */
	assert_false(exists(t->state));
	name[32] = '\0';
	set_ok(t, name, 3, Q3, A3);
	assert_int_equal(check_answers(t, name, 3, A3), 0);
}

/* Accounts' lines stay together, in the order they came. */
static void
test_store_ok_file_format(void **state)
{
	struct rec_fx *t = *state;
	char key[RECOVERY_KEY_TEXT_MAX], canonical[21];
	const char *q1[] = { "Bob's question?" };
	const char *a1[] = { "bob answer" };
	char *text, *line, *next;
	size_t len, lines = 0;
	const char *want[][3] = {
		{ "admin", "question", Q3[0] },
		{ "admin", "question", Q3[1] },
		{ "admin", "question", Q3[2] },
		{ "admin", "key", NULL },
		{ "bob", "question", "Bob's question?" },
	};

	open_ok(t, "");
	set_ok(t, "admin", 3, Q3, A3);
	set_ok(t, "bob", 1, q1, a1);
	create_key(t, "admin", key);
	canonical_of(key, canonical);

	assert_file_mode(t->store, 0600);
	text = support_slurp(t->store, &len);
	assert_int_equal(strncmp(text, HEADER, strlen(HEADER)), 0);
	/* No answer, normal or typed, and no key is in the file. */
	for (size_t i = 0; i < 3; i++)
		assert_false(holds(text, len, A3[i]));
	assert_false(holds(text, len, "springfield"));
	assert_false(holds(text, len, "Springfield"));
	assert_false(holds(text, len, "caf"));
	assert_false(holds(text, len, "Caf"));
	assert_false(holds(text, len, "strasse"));
	assert_false(holds(text, len, "bob answer"));
	assert_false(holds(text, len, key));
	assert_false(holds(text, len, canonical));
	for (line = text + strlen(HEADER); *line != '\0'; line = next) {
		char *f[7] = { line };
		size_t n = 1;

		next = strchr(line, '\n');
		assert_non_null(next);
		*next++ = '\0';
		assert_true(lines < 5);
		for (char *p = line; *p != '\0'; p++)
			if (*p == '\t') {
				assert_true(n < 7);
				*p = '\0';
				f[n++] = p + 1;
			}
		/* The store and the account's id (not known here) first. */
		assert_string_equal(f[0], "system");
		assert_string_equal(f[1], "-");
		assert_string_equal(f[2], want[lines][0]);
		assert_string_equal(f[3], want[lines][1]);
		if (want[lines][2] != NULL) {
			assert_int_equal(n, 6);
			assert_string_equal(f[4], want[lines][2]);
		} else {
			assert_int_equal(n, 5);
		}
		assert_int_equal(strncmp(f[n - 1], LOW_PREFIX,
		    strlen(LOW_PREFIX)), 0);
		assert_true(answer_hash_valid(f[n - 1]));
		lines++;
	}
	assert_int_equal(lines, 5);
	free(text);
	/* The state folder holds the store and its lock, nothing else. */
	{
		char *plus;

		assert_true(asprintf(&plus, "%s+", t->store) > 0);
		assert_false(exists(plus));
		free(plus);
	}
	assert_true(exists(t->lock));
}

/* The store's folder is made 0700 when first written. */
static void
test_store_ok_state_folder_made(void **state)
{
	struct rec_fx *t = *state;
	struct stat st;

	open_ok(t, "");
	assert_false(exists(t->state));
	set_ok(t, "admin", 3, Q3, A3);
	assert_int_equal(lstat(t->state, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_file_mode(t->store, 0600);
}

/* file: puts the store elsewhere, relative to the config's folder. */
static void
test_store_ok_file_setting(void **state)
{
	struct rec_fx *t = *state;
	char *path;

	assert_int_equal(mkdir(t->state, 0700), 0);
	open_ok(t, "  file: elsewhere.txt\n");
	set_ok(t, "admin", 3, Q3, A3);
	path = support_in_dir(t->fx, "elsewhere.txt");
	assert_file_mode(path, 0600);
	free(path);
	path = support_in_dir(t->fx, "elsewhere.txt.lock");
	assert_true(exists(path));
	free(path);
	assert_false(exists(t->store));
}

/* ------------------------------------------------------------------ */
/* The one-time key                                                    */

static void
test_key_ok_format(void **state)
{
	struct rec_fx *t = *state;
	struct recovery_enrollment e;
	char key[RECOVERY_KEY_TEXT_MAX], other[RECOVERY_KEY_TEXT_MAX];

	open_ok(t, "");
	create_key(t, "admin", key);
	assert_int_equal(strlen(key), 29);
	for (size_t i = 0; i < 29; i++) {
		if (i % 6 == 5)
			assert_int_equal(key[i], '-');
		else
			assert_non_null(strchr(CODE32_ALPHABET, key[i]));
	}
	enrollment(t, "admin", &e);
	assert_true(e.has_key);
	assert_int_equal(e.question_count, 0);
	/* A key for another account is another key. */
	create_key(t, "operator", other);
	assert_string_not_equal(key, other);
}

static void
test_key_ok_works_once(void **state)
{
	struct rec_fx *t = *state;
	struct recovery_enrollment e;
	struct nvr_error err = { "" };
	char key[RECOVERY_KEY_TEXT_MAX], canonical[21];

	open_ok(t, "");
	set_ok(t, "admin", 3, Q3, A3);
	create_key(t, "admin", key);
	canonical_of(key, canonical);
	/* Only checked (held until a new password is saved): still there,
	 * however often. */
	for (int i = 0; i < 2; i++)
		assert_int_equal(t->rec.ops->use_key(t->rec.state,
		    support_key("admin"),
		    canonical, false, &err), 0);
	enrollment(t, "admin", &e);
	assert_true(e.has_key);
	assert_int_equal(use_key(t, "admin", canonical, &err), 0);
	enrollment(t, "admin", &e);
	assert_false(e.has_key);
	/* The questions stay. */
	assert_int_equal(e.question_count, 3);
	assert_int_equal(use_key(t, "admin", canonical, &err), -ENOENT);
	assert_string_equal(err.message, "admin has no recovery key");
}

static void
test_key_nok_wrong_key(void **state)
{
	struct rec_fx *t = *state;
	struct recovery_enrollment e;
	struct nvr_error err = { "" };
	char key[RECOVERY_KEY_TEXT_MAX], canonical[21], wrong[21];
	char text[RECOVERY_KEY_TEXT_MAX];

	open_ok(t, "");
	create_key(t, "admin", key);
	canonical_of(key, canonical);
	known_key(text, wrong);
	assert_int_equal(use_key(t, "admin", wrong, &err), -EACCES);
	assert_string_equal(err.message, "not the recovery key of admin");
	/* Off by the last symbol. */
	strcpy(wrong, canonical);
	wrong[19] = wrong[19] == 'Z' ? 'Y' : 'Z';
	assert_int_equal(use_key(t, "admin", wrong, &err), -EACCES);
	/* Not canonical: lower case is for recovery_key_parse to fix. */
	strcpy(wrong, canonical);
	lower(wrong);
	if (strcmp(wrong, canonical) != 0)
		assert_int_equal(use_key(t, "admin", wrong, &err), -EACCES);
	assert_int_equal(use_key(t, "admin", "", &err), -EACCES);
	/* Another account's key. */
	assert_int_equal(use_key(t, "operator", canonical, &err), -ENOENT);
	enrollment(t, "admin", &e);
	assert_true(e.has_key);
	assert_int_equal(use_key(t, "admin", canonical, &err), 0);
}

static void
test_key_ok_new_key_replaces_old(void **state)
{
	struct rec_fx *t = *state;
	struct nvr_error err = { "" };
	char first[RECOVERY_KEY_TEXT_MAX], second[RECOVERY_KEY_TEXT_MAX];
	char c1[21], c2[21];
	size_t len, keys = 0;
	char *text;

	open_ok(t, "");
	create_key(t, "admin", first);
	create_key(t, "admin", second);
	assert_string_not_equal(first, second);
	canonical_of(first, c1);
	canonical_of(second, c2);
	/* One key line, not two. */
	text = support_slurp(t->store, &len);
	for (const char *p = text; (p = strstr(p, "\tkey\t")) != NULL; p++)
		keys++;
	free(text);
	assert_int_equal(keys, 1);
	assert_int_equal(use_key(t, "admin", c1, &err), -EACCES);
	assert_int_equal(use_key(t, "admin", c2, &err), 0);
	assert_int_equal(use_key(t, "admin", c1, &err), -ENOENT);
}

/* ------------------------------------------------------------------ */
/* A store that does not parse                                         */

enum corrupt_case {
	BAD_HEADER,
	BAD_HASH,
	CUT_SHORT,
	UNKNOWN_KIND,
	TAB_DOUBLED,
	TAB_TRAILING,
	NAME_WITH_SPACE,
	EMPTY_FILE,
	NUL_BYTE,
	TOO_MANY_QUESTIONS,
	TWO_KEYS,
	CORRUPT_CASES
};

/* The text of a store broken as WHICH; *LINE is where it breaks and
 * *MESSAGE what load says there. malloc'd. */
static char *
corrupt_store(enum corrupt_case which, unsigned *line, const char **message)
{
	char h1[ANSWER_HASH_MAX], h2[ANSWER_HASH_MAX], *text = NULL;
	const char *record = "not a question or key record; the file was left "
	    "as it is";
	int n = -1;

	hash_of("one", h1);
	hash_of("two", h2);
	*message = record;
	*line = 3;
	switch (which) {
	case BAD_HEADER:
		*line = 1;
		*message = "not a recovery store of this version; it was left "
		    "as it is";
		n = asprintf(&text, "# nvr-recovery recovery 3\n"
		    "system\t-\tadmin\tquestion\tQ?\t%s\n", h1);
		break;
	case BAD_HASH:
		h2[strlen(h2) - 3] = '*';
		n = asprintf(&text,
		    HEADER "system\t-\tadmin\tquestion\tQ?\t%s\n"
		    "system\t-\tadmin\tquestion\tR?\t%s\n", h1, h2);
		break;
	case CUT_SHORT:
		*message = "the last line is cut short; it was left as it is";
		n = asprintf(&text,
		    HEADER "system\t-\tadmin\tquestion\tQ?\t%s\n"
		    "system\t-\tadmin\tquestion\tR?\t%s", h1, h2);
		break;
	case UNKNOWN_KIND:
		n = asprintf(&text,
		    HEADER "system\t-\tadmin\tquestion\tQ?\t%s\n"
		    "system\t-\tadmin\tpin\t%s\n", h1, h2);
		break;
	case TAB_DOUBLED:
		n = asprintf(&text,
		    HEADER "system\t-\tadmin\tquestion\tQ?\t%s\n"
		    "system\t-\tadmin\tquestion\t\tR?\t%s\n", h1, h2);
		break;
	case TAB_TRAILING:
		n = asprintf(&text,
		    HEADER "system\t-\tadmin\tquestion\tQ?\t%s\n"
		    "system\t-\tadmin\tkey\t%s\t\n", h1, h2);
		break;
	case NAME_WITH_SPACE:
		n = asprintf(&text,
		    HEADER "system\t-\tadmin\tquestion\tQ?\t%s\n"
		    "system\t-\tad min\tkey\t%s\n", h1, h2);
		break;
	case EMPTY_FILE:
		*line = 1;
		*message = "not a recovery store of this version; it was left "
		    "as it is";
		n = asprintf(&text, "%s", "");
		break;
	case NUL_BYTE:
		/* Written with its length by the caller: "\0" ends TEXT. */
		*line = 1;
		*message = "not a recovery store of this version; it was left "
		    "as it is";
		n = asprintf(&text,
		    HEADER "system\t-\tadmin\tquestion\tQ?\t%s\n", h1);
		break;
	case TOO_MANY_QUESTIONS: {
		char *more = NULL;

		/* Ten are the most; the eleventh, on line 12, is refused. */
		*line = 12;
		*message = "too many questions for admin; the file was left as "
		    "it is";
		n = asprintf(&text, HEADER);
		for (int i = 0; n >= 0 && i < 11; i++) {
			n = asprintf(&more,
			    "%ssystem\t-\tadmin\tquestion\tQ%d?\t%s\n",
			    text, i, h1);
			free(text);
			text = more;
		}
		break;
	}
	case TWO_KEYS:
		*message = "a second key for admin; the file was left as it is";
		n = asprintf(&text, HEADER "system\t-\tadmin\tkey\t%s\n"
		    "system\t-\tadmin\tkey\t%s\n", h1, h2);
		break;
	default:
		fail();
	}
	assert_true(n >= 0);
	return text;
}

static void
put_corrupt(struct rec_fx *t, enum corrupt_case which, unsigned *line,
    const char **message, char **bytes, size_t *len)
{
	char *text = corrupt_store(which, line, message);

	*len = strlen(text);
	if (which == NUL_BYTE)
		text[*len - 5] = '\0';	/* inside the hash */
	if (!exists(t->state))
		assert_int_equal(mkdir(t->state, 0700), 0);
	support_write_file(t->store, text, *len, 0600);
	*bytes = text;
}

/* Fails unless the store holds LEN bytes of WANT, with mode 0600. */
static void
check_untouched(struct rec_fx *t, const char *want, size_t len,
    const char *file, int line)
{
	size_t got_len;
	char *got = support_slurp(t->store, &got_len);

	_assert_int_equal(got_len, len, file, line);
	_assert_true(memcmp(got, want, len) == 0, "store bytes", file, line);
	free(got);
	check_mode(t->store, 0600, file, line);
}

/* A broken store does not stop the wizard from starting (Change
 * password must still work); the first call that reads it says where it
 * breaks. */
static void
test_corrupt_ok_open_then_refused(void **state)
{
	struct rec_fx *t = *state;

	for (enum corrupt_case c = 0; c < CORRUPT_CASES; c++) {
		struct recovery_enrollment e;
		struct nvr_error err = { "" };
		unsigned line;
		const char *message;
		char *bytes, *want;
		size_t len;

		put_corrupt(t, c, &line, &message, &bytes, &len);
		assert_int_equal(open_rec(t, ""), 0);
		assert_diag_count(&t->fx->cfg.diags, 0);
		assert_int_equal(t->rec.ops->enrollment(t->rec.state,
		    support_key("admin"),
		    &e, &err), -EPROTO);
		assert_true(asprintf(&want, "%s:%u: %s", t->store, line,
		    message) > 0);
		assert_string_equal(err.message, want);
		free(want);
		check_untouched(t, bytes, len, __FILE__, __LINE__);
		free(bytes);
	}
}

/* A store broken after open is refused by every call, never rewritten. */
static void
test_corrupt_nok_at_run_time(void **state)
{
	struct rec_fx *t = *state;
	char good_key[RECOVERY_KEY_TEXT_MAX], canonical[21];

	open_ok(t, "");
	set_ok(t, "admin", 3, Q3, A3);
	create_key(t, "admin", good_key);
	canonical_of(good_key, canonical);
	for (enum corrupt_case c = 0; c < CORRUPT_CASES; c++) {
		struct recovery_enrollment e;
		struct nvr_error err = { "" };
		struct secret key;
		unsigned line;
		const char *message;
		char *bytes, *want;
		size_t len;

		put_corrupt(t, c, &line, &message, &bytes, &len);
		assert_true(asprintf(&want, "%s:%u: %s", t->store, line,
		    message) > 0);

		memset(&e, 'x', sizeof(e));
		assert_int_equal(t->rec.ops->enrollment(t->rec.state,
		    support_key("admin"),
		    &e, &err), -EPROTO);
		assert_string_equal(err.message, want);
		assert_int_equal(e.question_count, 0);
		assert_false(e.has_key);

		err.message[0] = '\0';
		assert_int_equal(set_questions(t, "admin", 3, Q3, A3, &err),
		    -EPROTO);
		assert_string_equal(err.message, want);
		err.message[0] = '\0';
		assert_int_equal(set_questions(t, "newcomer", 3, Q3, A3, &err),
		    -EPROTO);
		assert_string_equal(err.message, want);

		assert_int_equal(check_answers(t, "admin", 3, A3), -EPROTO);

		secret_init(&key);
		err.message[0] = '\0';
		assert_int_equal(recovery_key_make(&key), 0);
		assert_int_equal(t->rec.ops->keep_key(t->rec.state,
		    support_key("admin"),
		    &key, &err), -EPROTO);
		assert_string_equal(err.message, want);
		secret_release(&key);

		err.message[0] = '\0';
		assert_int_equal(use_key(t, "admin", canonical, &err), -EPROTO);
		assert_string_equal(err.message, want);

		check_untouched(t, bytes, len, __FILE__, __LINE__);
		free(want);
		free(bytes);
	}
}

/* A question line whose text the store could not have written. */
static void
test_corrupt_nok_question_text(void **state)
{
	struct rec_fx *t = *state;
	struct recovery_enrollment e;
	struct nvr_error err = { "" };
	char h[ANSWER_HASH_MAX], *text, *want;
	char long_q[170];

	memset(long_q, 'q', 161);
	long_q[161] = '\0';
	hash_of("x", h);
	for (int i = 0; i < 3; i++) {
		const char *q = i == 0 ? "Red\x1b[31m?" : i == 1 ? long_q :
		    "Caf\xe9?";

		assert_true(asprintf(&text,
		    HEADER "system\t-\tadmin\tquestion\t%s\t%s\n",
		    q, h) > 0);
		put_store(t, text);
		open_ok(t, "");
		assert_int_equal(t->rec.ops->enrollment(t->rec.state,
		    support_key("admin"),
		    &e, &err), -EPROTO);
		assert_true(asprintf(&want, "%s:2: not a question or key "
		    "record; the file was left as it is", t->store) > 0);
		assert_string_equal(err.message, want);
		free(want);
		check_untouched(t, text, strlen(text), __FILE__, __LINE__);
		free(text);
	}
}

/* A store the tests wrote by hand in the documented format is read. */
static void
test_store_ok_hand_written(void **state)
{
	struct rec_fx *t = *state;
	struct recovery_enrollment e;
	char h1[ANSWER_HASH_MAX], h2[ANSWER_HASH_MAX], *text;
	const char *answers[] = { "Blue", "42" };
	const char *wrong[] = { "Blue", "43" };

	hash_of("blue", h1);
	hash_of("42", h2);
	assert_true(asprintf(&text, HEADER
	    "system\t-\tadmin\tquestion\tFavourite colour?\t%s\n"
	    "system\t-\tadmin\tquestion\tLucky number?\t%s\n", h1, h2) > 0);
	put_store(t, text);
	free(text);
	open_ok(t, "");
	enrollment(t, "admin", &e);
	assert_int_equal(e.question_count, 2);
	assert_string_equal(e.questions[0], "Favourite colour?");
	assert_string_equal(e.questions[1], "Lucky number?");
	assert_false(e.has_key);
	assert_int_equal(check_answers(t, "admin", 2, answers), 0);
	assert_int_equal(check_answers(t, "admin", 2, wrong), -EACCES);
}

/* ------------------------------------------------------------------ */
/* export_key                                                          */

static void
test_export_ok_first_existing_folder(void **state)
{
	struct rec_fx *t = *state;
	struct nvr_error err = { "" };
	struct secret key;
	char text[RECOVERY_KEY_TEXT_MAX], where[300], *usb, *want, *body;
	char *not_dir;
	size_t len;

	open_ok(t, "  key_folders: [missing, plainfile, usb, usb2]\n"
	    "  key_folders_need_mount: false\n");
	usb = support_in_dir(t->fx, "usb");
	assert_int_equal(mkdir(usb, 0755), 0);
	not_dir = support_in_dir(t->fx, "usb2");
	assert_int_equal(mkdir(not_dir, 0755), 0);
	free(not_dir);
	support_put_file(t->fx, "plainfile", "x", 1, 0644);
	create_key(t, "admin", text);
	put_secret(&key, text);
	assert_int_equal(t->rec.ops->export_key(t->rec.state,
	    support_key("admin"),
	    "SN0012345678", &key, where, sizeof(where), &err), 0);
	secret_release(&key);
	assert_true(asprintf(&want, "%s/nvr-recovery-key-SN0012345678-"
	    "admin.txt", usb) > 0);
	assert_string_equal(where, want);
	assert_file_mode(where, 0600);
	body = support_slurp(where, &len);
	assert_true(holds(body, len, text));
	assert_true(holds(body, len, "SN0012345678"));
	assert_true(holds(body, len, "admin"));
	assert_int_equal(strncmp(body, "Recovery key of account admin on the "
	    "recorder with serial number SN0012345678:\n\n    ", 77), 0);
	free(body);
	/* Nothing in the later folder. */
	not_dir = support_in_dir(t->fx, "usb2/nvr-recovery-key-SN0012345678-"
	    "admin.txt");
	assert_false(exists(not_dir));
	free(not_dir);
	/* The key still works: exporting is not using. */
	assert_int_equal(use_typed(t, "admin", text), 0);
	free(want);
	free(usb);
}

static void
test_export_nok_no_folder(void **state)
{
	struct rec_fx *t = *state;
	struct nvr_error err = { "" };
	struct secret key;
	char where[300] = "untouched", *want;

	put_secret(&key, "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA");
	open_ok(t, "  key_folders: [missing, gone]\n");
	assert_int_equal(t->rec.ops->export_key(t->rec.state,
	    support_key("admin"),
	    "SN1", &key, where, sizeof(where), &err), -ENOENT);
	assert_true(asprintf(&want, "no USB stick is there (looked in "
	    "%s/missing and others)", t->fx->dir) > 0);
	assert_string_equal(err.message, want);
	free(want);

	open_ok(t, "  key_folders: [missing]\n");
	assert_int_equal(t->rec.ops->export_key(t->rec.state,
	    support_key("admin"),
	    "SN1", &key, where, sizeof(where), &err), -ENOENT);
	assert_true(asprintf(&want, "no USB stick is there (looked in "
	    "%s/missing)", t->fx->dir) > 0);
	assert_string_equal(err.message, want);
	free(want);

	open_ok(t, "");
	assert_int_equal(t->rec.ops->export_key(t->rec.state,
	    support_key("admin"),
	    "SN1", &key, where, sizeof(where), &err), -ENOENT);
	assert_string_equal(err.message,
	    "no USB stick is there (looked in no folder)");
	secret_release(&key);
}

/* By default only a folder where a file system is mounted counts: an
 * empty mount point with no stick in is the recorder's own disk. */
static void
test_export_ok_only_mounted_folders(void **state)
{
	struct rec_fx *t = *state;
	struct nvr_error err = { "" };
	struct secret key;
	struct stat shm, dev;
	char where[300], *usb;

	if (stat("/dev/shm", &shm) != 0 || stat("/dev", &dev) != 0 ||
	    shm.st_dev == dev.st_dev || access("/dev/shm", W_OK) != 0)
		skip();	/* no tmpfs on /dev/shm to stand in for a stick */
	open_ok(t, "  key_folders: [usb]\n");
	usb = support_in_dir(t->fx, "usb");
	assert_int_equal(mkdir(usb, 0700), 0);
	put_secret(&key, "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA");
	assert_int_equal(t->rec.ops->export_key(t->rec.state,
	    support_key("admin"),
	    "SN1", &key, where, sizeof(where), &err), -ENOENT);
	open_ok(t, "  key_folders: [usb, /dev/shm]\n");
	assert_int_equal(t->rec.ops->export_key(t->rec.state,
	    support_key("admin"),
	    "SN-TEST-MOUNT", &key, where, sizeof(where), &err), 0);
	assert_string_equal(where,
	    "/dev/shm/nvr-recovery-key-SN-TEST-MOUNT-admin.txt");
	assert_int_equal(unlink(where), 0);
	secret_release(&key);
	free(usb);
}

static void
test_export_ok_unsafe_serial(void **state)
{
	struct rec_fx *t = *state;
	struct nvr_error err = { "" };
	struct secret key;
	char where[300], *usb, *want, *body;
	size_t len;

	open_ok(t, "  key_folders: [usb]\n  key_folders_need_mount: false\n");
	usb = support_in_dir(t->fx, "usb");
	assert_int_equal(mkdir(usb, 0700), 0);
	put_secret(&key, "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA");
	assert_int_equal(t->rec.ops->export_key(t->rec.state,
	    support_key("admin"),
	    "../x", &key, where, sizeof(where), &err), 0);
	assert_true(asprintf(&want, "%s/nvr-recovery-key-.._x-admin.txt",
	    usb) > 0);
	assert_string_equal(where, want);
	assert_null(strchr(where + strlen(usb) + 1, '/'));
	assert_file_mode(where, 0600);
	body = support_slurp(where, &len);
	assert_true(holds(body, len, "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA"));
	free(body);
	free(want);

	assert_int_equal(t->rec.ops->export_key(t->rec.state,
	    support_key("ad/../min"),
	    "/etc/passwd \x1b[2J", &key, where, sizeof(where), &err), 0);
	assert_true(asprintf(&want, "%s/nvr-recovery-key-_etc_passwd_"
	    "__2J-ad_.._min.txt", usb) > 0);
	assert_string_equal(where, want);
	assert_file_mode(where, 0600);
	free(want);
	secret_release(&key);
	/* Nothing outside the folder. */
	want = support_in_dir(t->fx, "x");
	assert_false(exists(want));
	free(want);
	free(usb);
}

/* A WHERE too small for the path writes nowhere. */
static void
test_export_nok_where_too_small(void **state)
{
	struct rec_fx *t = *state;
	struct nvr_error err = { "" };
	struct secret key;
	char where[300], *usb, *want;
	size_t small;

	open_ok(t, "  key_folders: [usb]\n  key_folders_need_mount: false\n");
	usb = support_in_dir(t->fx, "usb");
	assert_int_equal(mkdir(usb, 0700), 0);
	put_secret(&key, "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA");
	/* Room for "USB/nvr-recovery-key-SN1" only. */
	small = strlen(usb) + 25;
	assert_int_equal(t->rec.ops->export_key(t->rec.state,
	    support_key("admin"),
	    "SN1", &key, where, small, &err), -ENAMETOOLONG);
	assert_true(asprintf(&want, "the path of the key file in %s is too "
	    "long", usb) > 0);
	assert_string_equal(err.message, want);
	free(want);
	/* One byte more is enough. */
	small = strlen(usb) + strlen("/nvr-recovery-key-SN1-admin.txt") + 1;
	assert_int_equal(t->rec.ops->export_key(t->rec.state,
	    support_key("admin"),
	    "SN1", &key, where, small, &err), 0);
	assert_int_equal(strlen(where), small - 1);
	assert_int_equal(unlink(where), 0);
	secret_release(&key);
	assert_int_equal(rmdir(usb), 0);	/* it is still empty */
	free(usb);
}

/* A store that holds as many records as it can refuses more with
 * EOVERFLOW, which no screen tells as a full disk (it was ENOSPC, which
 * they do: "the recorder's storage is full"), and is left as it was. */
static void
test_store_nok_records_full(void **state)
{
	struct rec_fx *t = *state;
	struct nvr_error err = { "" };
	char h[ANSWER_HASH_MAX], *text, *before;
	size_t size, len;
	int rc;

	hash_of("one", h);
	size = sizeof(HEADER) + 1024 * (strlen(h) + 32);
	text = malloc(size);
	assert_non_null(text);
	len = (size_t)snprintf(text, size, "%s", HEADER);
	for (int i = 0; i < 1024; i++)
		len += (size_t)snprintf(text + len, size - len,
		    "system\t-\tu%d\tkey\t%s\n", i, h);
	assert_true(len < size);
	put_store(t, text);
	open_ok(t, "");
	rc = set_questions(t, "admin", 3, Q3, A3, &err);
	assert_int_equal(rc, -EOVERFLOW);
	assert_null(nvr_error_storage(rc));
	assert_non_null(strstr(err.message, "is full"));
	before = text;
	check_untouched(t, before, len, __FILE__, __LINE__);
	free(text);
}

/* ------------------------------------------------------------------ */
/* The lock                                                            */

/*
 * A child takes STATE/recovery.lock as another wizard would (an fcntl
 * write lock) and lets it go HOLD_MS after saying it holds it. Reading
 * does not wait for it; set_questions waits and then succeeds.
 */
#define HOLD_MS 800

static void
test_lock_ok_waits_for_holder(void **state)
{
	struct rec_fx *t = *state;
	struct recovery_enrollment e;
	struct nvr_error err = { "" };
	struct timespec start;
	int ready[2], status = -1;
	char c = 0;
	double waited;
	pid_t pid;

	open_ok(t, "");
	set_ok(t, "admin", 3, Q3, A3);
	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		struct timespec hold = { HOLD_MS / 1000,
		    (HOLD_MS % 1000) * 1000000L };
		int fd = open(t->lock, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

		close(ready[0]);
		c = fd >= 0 && fcntl(fd, F_SETLK, &fl) == 0 ? 'y' : 'n';
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		while (nanosleep(&hold, &hold) != 0 && errno == EINTR)
			;
		_exit(0);	/* the lock goes with the process */
	}
	t->holder = pid;
	close(ready[1]);
	while (read(ready[0], &c, 1) < 0 && errno == EINTR)
		;
	close(ready[0]);
	assert_int_equal(c, 'y');

	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &start), 0);
	enrollment(t, "admin", &e);
	assert_int_equal(e.question_count, 3);
	assert_int_equal(check_answers(t, "admin", 3, A3), 0);
	assert_true(support_ms_since(&start) < HOLD_MS / 2);

	set_ok(t, "operator", 3, Q3, A3);
	waited = support_ms_since(&start);
	assert_true(waited >= HOLD_MS - 100);
	assert_true(waited < 10000);
	reap_holder(t, &status);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	enrollment(t, "operator", &e);
	assert_int_equal(e.question_count, 3);

	/* Free again: no wait. */
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &start), 0);
	assert_int_equal(set_questions(t, "viewer", 3, Q3, A3, &err), 0);
	assert_true(support_ms_since(&start) < HOLD_MS / 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) \
	cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
		T(test_settings_ok_defaults),
		T(test_settings_ok_explicit),
		T(test_settings_ok_few_choices_own_questions),
		T(test_settings_ok_exact_choices),
		T(test_settings_nok_own_questions_false_too_few),
		T(test_settings_nok_choice_control_character),
		T(test_settings_nok_choice_too_long),
		T(test_settings_nok_unknown_key),
		T(test_settings_nok_schema_ranges),
		cmocka_unit_test(test_question_problem_nok_blank),
		cmocka_unit_test(test_question_problem_nok_control),
		cmocka_unit_test(test_question_problem_nok_newline),
		cmocka_unit_test(test_question_problem_length),
		cmocka_unit_test(test_question_problem_nok_invalid_utf8),
		cmocka_unit_test(test_question_problem_ok_utf8),
		cmocka_unit_test(test_key_parse_ok_forms),
		T(test_key_parse_ok_made_by_create_key),
		T(test_key_last_group),
		T(test_set_nok_short_or_same_answers),
		cmocka_unit_test(test_key_parse_nok_substitution),
		cmocka_unit_test(test_key_parse_nok_length),
		T(test_store_ok_unknown_account_is_empty),
		T(test_store_ok_set_then_enrollment),
		T(test_store_ok_ten_questions_of_160_bytes),
		T(test_store_ok_check_answers_variants),
		T(test_store_nok_check_answers_wrong),
		T(test_store_nok_check_answers_count),
		T(test_store_nok_check_answers_no_questions),
		T(test_store_ok_replace_keeps_key),
		T(test_store_nok_set_questions_refused),
		T(test_store_ok_file_format),
		T(test_store_ok_state_folder_made),
		T(test_store_ok_file_setting),
		T(test_store_ok_hand_written),
		T(test_key_ok_format),
		T(test_key_ok_works_once),
		T(test_key_nok_wrong_key),
		T(test_key_ok_new_key_replaces_old),
		T(test_corrupt_ok_open_then_refused),
		T(test_corrupt_nok_at_run_time),
		T(test_store_nok_records_full),
		T(test_corrupt_nok_question_text),
		T(test_export_ok_first_existing_folder),
		T(test_export_nok_no_folder),
		T(test_export_ok_only_mounted_folders),
		T(test_export_ok_unsafe_serial),
		T(test_export_nok_where_too_small),
		T(test_lock_ok_waits_for_holder),
#undef T
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
