/*
 * recovery.c: what every recovery backend shares: its settings in the
 * config, the check of a question's text, and reading a typed key.
 */
#include "backends/recovery/recovery.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>
#include <unictype.h>
#include <sodium.h>

#include "common/code32.h"

/* Offered when the config lists none: questions whose answers an owner
 * remembers for years and a stranger cannot read off a social profile. */
static const char *const default_choices[] = {
	"What was the name of your first school?",
	"In which town did your parents meet?",
	"What was the first concert you went to?",
	"What was the make of your first car or bicycle?",
	"What is the middle name of your oldest cousin?",
	"What was the name of the street you grew up on?",
	"What was your childhood nickname?",
	"What was the name of your first employer?",
};

#define DEFAULT_CHOICE_COUNT \
	(sizeof(default_choices) / sizeof(default_choices[0]))

const struct schema_key recovery_questions_keys[] = {
	{ .name = "count", .type = SCHEMA_INT, .min = 1,
	  .max = RECOVERY_QUESTIONS_MAX,
	  .help = "how many questions an owner enrolls (default 3)" },
	{ .name = "choices", .type = SCHEMA_LIST,
	  .help = "the questions offered (default: a built-in list)" },
	{ .name = "own_questions", .type = SCHEMA_BOOL,
	  .help = "whether an owner may write their own (default true)" },
	{ 0 },
};

const struct schema_key recovery_cost_keys[] = {
	{ .name = "ops", .type = SCHEMA_INT, .min = ANSWER_COST_MIN_OPS,
	  .max = ANSWER_COST_MAX_OPS,
	  .help = "argon2id passes over memory (default 3)" },
	{ .name = "memory_kib", .type = SCHEMA_INT,
	  .min = ANSWER_COST_MIN_MEMORY / 1024,
	  .max = ANSWER_COST_MAX_MEMORY / 1024,
	  .help = "argon2id memory per hash, KiB (default 65536)" },
	{ 0 },
};

const char *
recovery_question_problem(const char *text)
{
	size_t len = strlen(text);
	const uint8_t *p = (const uint8_t *)text, *end = p + len;
	bool blank = true;

	if (len > RECOVERY_QUESTION_MAX)
		return "a question can be at most 160 bytes long";
	if (u8_check(p, len) != NULL)
		return "a question must be valid UTF-8 text";
	while (p < end) {
		ucs4_t cp;
		int n = u8_mbtouc(&cp, p, (size_t)(end - p));

		if (uc_is_general_category(cp, UC_CATEGORY_Cc) ||
		    uc_is_general_category(cp, UC_CATEGORY_Zl) ||
		    uc_is_general_category(cp, UC_CATEGORY_Zp))
			return "a question must be one line of text";
		/* Format controls (a right-to-left override, say) would let
		 * one question show as another to whoever reads it. */
		if (uc_is_general_category(cp, UC_CATEGORY_Cf))
			return "a question cannot hold invisible format "
			    "characters";
		if (!uc_is_property_white_space(cp))
			blank = false;
		p += n;
	}
	return blank ? "a question cannot be blank" : NULL;
}

/* FOLDER resolved against the config file's folder; malloc'd. */
static char *
resolve(const struct config_section *section, const char *folder)
{
	char *path;

	if (folder[0] == '/' || section->doc->dir == NULL)
		return strdup(folder);
	if (asprintf(&path, "%s/%s", section->doc->dir, folder) < 0)
		return NULL;
	return path;
}

/* Reports PROBLEM with choice I at that item's own position, as the
 * schema check reports its items (config_section_error would point at
 * the list and name the section "questions" alone). */
static void
choice_error(const struct config_section *section,
    const struct config_section *questions, size_t i, const char *problem)
{
	yaml_node_t *node = document_lookup(questions->doc, questions->map,
	    "choices", NULL);

	node = yaml_document_get_node((yaml_document_t *)
	    &questions->doc->yaml, node->data.sequence.items.start[i]);
	diag_add(questions->doc->diags, document_line(node),
	    document_col(node), "%s.questions.choices: question %zu: %s",
	    section->name, i + 1, problem);
}

int
recovery_settings_read(const struct config_section *section,
    struct recovery_settings *out)
{
	struct config_section questions, cost;
	const char *folders[RECOVERY_FOLDERS_MAX + 1];
	size_t n;

	memset(out, 0, sizeof(*out));
	out->question_count = 3;
	out->own_questions = true;
	out->cost.ops = ANSWER_COST_DEFAULT_OPS;
	out->cost.memory_bytes = ANSWER_COST_DEFAULT_MEMORY;
	if (config_section_child(section, "questions", &questions)) {
		out->question_count = (int)config_section_int(&questions,
		    "count", out->question_count);
		out->own_questions = config_section_bool(&questions,
		    "own_questions", out->own_questions);
		n = config_section_list(&questions, "choices", out->choices,
		    RECOVERY_CHOICES_MAX);
		if (n > RECOVERY_CHOICES_MAX) {
			config_section_error(&questions, "choices", "at most "
			    "%d questions can be offered",
			    RECOVERY_CHOICES_MAX);
			return -1;
		}
		out->choice_count = n;
		for (size_t i = 0; i < n; i++) {
			const char *problem =
			    recovery_question_problem(out->choices[i]);

			for (size_t k = 0; k < i && problem == NULL; k++)
				if (strcmp(out->choices[k],
				    out->choices[i]) == 0)
					problem = "offered twice";
			if (problem != NULL) {
				choice_error(section, &questions, i, problem);
				return -1;
			}
		}
	}
	if (out->choice_count == 0) {
		for (size_t i = 0; i < DEFAULT_CHOICE_COUNT; i++)
			out->choices[i] = default_choices[i];
		out->choice_count = DEFAULT_CHOICE_COUNT;
	}
	if (!out->own_questions &&
	    out->choice_count < (size_t)out->question_count) {
		config_section_error(section, "questions", "%d questions are "
		    "to be enrolled but only %zu are offered and "
		    "own_questions is false", out->question_count,
		    out->choice_count);
		return -1;
	}
	if (config_section_child(section, "answer_cost", &cost)) {
		out->cost.ops = (unsigned long long)config_section_int(&cost,
		    "ops", (int64_t)out->cost.ops);
		out->cost.memory_bytes = (size_t)config_section_int(&cost,
		    "memory_kib", (int64_t)(out->cost.memory_bytes / 1024)) *
		    1024;
	}
	out->key_folders_need_mount = config_section_bool(section,
	    "key_folders_need_mount", true);
	n = config_section_list(section, "key_folders", folders,
	    RECOVERY_FOLDERS_MAX + 1);
	if (n > RECOVERY_FOLDERS_MAX) {
		config_section_error(section, "key_folders", "at most %d "
		    "folders", RECOVERY_FOLDERS_MAX);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		out->key_folders[i] = resolve(section, folders[i]);
		if (out->key_folders[i] == NULL) {
			config_section_error(section, "key_folders",
			    "out of memory");
			recovery_settings_free(out);
			return -1;
		}
		out->key_folder_count++;
	}
	return 0;
}

void
recovery_settings_free(struct recovery_settings *s)
{
	for (size_t i = 0; i < s->key_folder_count; i++)
		free(s->key_folders[i]);
	s->key_folder_count = 0;
}

int
recovery_key_parse(const char *typed, struct secret *canonical,
    size_t *bad_group)
{
	uint8_t symbols[RECOVERY_KEY_SYMBOLS];
	size_t count = 0, group = 0;
	int rc;

	*bad_group = 0;
	secret_clear(canonical);
	rc = code32_parse(typed, RECOVERY_KEY_GROUP, symbols,
	    RECOVERY_KEY_SYMBOLS, &count, &group);
	if (rc == CODE32_OK && count != RECOVERY_KEY_SYMBOLS)
		rc = CODE32_BAD_LENGTH;
	if (rc != CODE32_OK) {
		*bad_group = rc == CODE32_BAD_LENGTH ? 0 : group + 1;
		sodium_memzero(symbols, sizeof(symbols));
		return -EINVAL;
	}
	for (size_t i = 0; i < RECOVERY_KEY_SYMBOLS; i++)
		(void)secret_append(canonical,
		    (uint32_t)CODE32_ALPHABET[symbols[i]]);
	sodium_memzero(symbols, sizeof(symbols));
	return 0;
}

int
recovery_key_make(struct secret *key_text)
{
	uint8_t raw[(RECOVERY_KEY_SYMBOLS * 5 + 7) / 8];
	uint8_t symbols[RECOVERY_KEY_SYMBOLS];
	char text[RECOVERY_KEY_TEXT_MAX];
	int rc;

	randombytes_buf(raw, sizeof(raw));
	code32_from_bytes(raw, sizeof(raw), symbols, RECOVERY_KEY_SYMBOLS);
	rc = code32_format(symbols, RECOVERY_KEY_SYMBOLS, RECOVERY_KEY_GROUP,
	    text, sizeof(text)) < 0 ? -EINVAL : 0;
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(symbols, sizeof(symbols));
	secret_clear(key_text);
	for (const char *p = text; rc == 0 && *p != '\0'; p++)
		(void)secret_append(key_text, (unsigned char)*p);
	sodium_memzero(text, sizeof(text));
	return rc;
}

bool
recovery_key_last_group_is(const struct secret *key_text, const char *typed)
{
	uint8_t want[RECOVERY_KEY_GROUP], got[RECOVERY_KEY_GROUP];
	const char *last = strrchr(secret_text(key_text), '-');
	size_t count = 0;
	bool same;

	if (last == NULL)
		return false;
	/* Each group ends with its check symbol: parsing checks it. */
	same = code32_parse(last + 1, RECOVERY_KEY_GROUP, want, sizeof(want),
	    &count, NULL) == CODE32_OK && count == RECOVERY_KEY_GROUP &&
	    code32_parse(typed, RECOVERY_KEY_GROUP, got, sizeof(got), &count,
	    NULL) == CODE32_OK && count == RECOVERY_KEY_GROUP &&
	    sodium_memcmp(want, got, sizeof(want)) == 0;
	sodium_memzero(want, sizeof(want));
	sodium_memzero(got, sizeof(got));
	return same;
}
