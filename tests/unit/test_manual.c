/*
 * test_manual.c: nvr-recovery.yaml(5) (man/nvr-recovery.yaml.5) documents
 * every key the config's schemas know, and no key they do not.
 *
 * The schemas are walked from config_schema(): nested mappings and lists
 * of mappings by their children, a backend section (device:, accounts:,
 * recovery:) by its backend: key and the keys of every implementation the
 * registry has for it. Each key is a dotted path (accounts.policy.
 * min_length; reset.steps.remove for a key of each step). The page gives
 * each key as a tagged paragraph whose tag is that path in bold:
 *   .TP
 *   .B accounts.policy.min_length
 * so a key added to a schema without a paragraph, or a paragraph left for
 * a key taken away, fails here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "backends/registry.h"
#include "config/config.h"
#include "config/schema.h"

#define MANUAL "man/nvr-recovery.yaml.5"
#define PATHS_MAX 512
#define PATH_LEN 128

struct paths {
	char path[PATHS_MAX][PATH_LEN];
	size_t count;
};

static void
paths_add(struct paths *p, const char *path)
{
	for (size_t i = 0; i < p->count; i++)
		if (strcmp(p->path[i], path) == 0)
			return;
	assert_true(p->count < PATHS_MAX);
	assert_true(strlen(path) < PATH_LEN - 1);
	strcpy(p->path[p->count++], path);
}

static bool
paths_have(const struct paths *p, const char *path)
{
	for (size_t i = 0; i < p->count; i++)
		if (strcmp(p->path[i], path) == 0)
			return true;
	return false;
}

static void walk(struct paths *p, const char *prefix,
    const struct schema_key *keys);

struct backend_walk {
	struct paths *paths;
	const char *concern;
	const char *prefix;
};

static void
walk_impl(const struct backend_impl *impl, void *arg)
{
	struct backend_walk *w = arg;

	if (strcmp(impl->concern, w->concern) == 0 && impl->keys != NULL)
		walk(w->paths, w->prefix, impl->keys);
}

static void
walk(struct paths *p, const char *prefix, const struct schema_key *keys)
{
	for (const struct schema_key *k = keys; k->name != NULL; k++) {
		char path[PATH_LEN];

		snprintf(path, sizeof(path), "%s%s%s", prefix,
		    prefix[0] ? "." : "", k->name);
		paths_add(p, path);
		if (k->type == SCHEMA_MAP || k->type == SCHEMA_MAP_LIST)
			walk(p, path, k->children);
		if (k->type == SCHEMA_BACKEND) {
			struct backend_walk w = { .paths = p,
			    .concern = k->concern, .prefix = path };
			char backend[PATH_LEN + 16];

			snprintf(backend, sizeof(backend), "%s.backend", path);
			paths_add(p, backend);
			registry_each(walk_impl, &w);
			/* A list of them (accounts:) adds each item's keys. */
			if (k->children != NULL)
				walk(p, path, k->children);
		}
	}
}

/* The bold tags of the page's tagged paragraphs (.TP or .TQ, then
 * .B PATH). */
static void
read_manual(struct paths *p)
{
	FILE *in = fopen(MANUAL, "r");
	char line[512];
	bool after_tp = false;

	assert_non_null(in);
	while (fgets(line, sizeof(line), in) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (after_tp && strncmp(line, ".B ", 3) == 0) {
			char *path = line + 3;

			path[strcspn(path, " ")] = '\0';
			paths_add(p, path);
		}
		after_tp = strcmp(line, ".TP") == 0 || strcmp(line, ".TQ") == 0;
	}
	fclose(in);
}

static void
test_manual_ok_every_key_documented(void **state)
{
	static struct paths schema, manual;
	unsigned missing = 0;

	(void)state;
	walk(&schema, "", config_schema());
	read_manual(&manual);
	assert_true(schema.count > 50);
	for (size_t i = 0; i < schema.count; i++)
		if (!paths_have(&manual, schema.path[i])) {
			print_error("%s: no paragraph for %s\n", MANUAL,
			    schema.path[i]);
			missing++;
		}
	assert_int_equal(missing, 0);
}

static void
test_manual_nok_no_unknown_key(void **state)
{
	static struct paths schema, manual;
	unsigned unknown = 0;

	(void)state;
	walk(&schema, "", config_schema());
	read_manual(&manual);
	for (size_t i = 0; i < manual.count; i++)
		if (!paths_have(&schema, manual.path[i])) {
			print_error("%s: %s is no key of the config\n",
			    MANUAL, manual.path[i]);
			unknown++;
		}
	assert_int_equal(unknown, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manual_ok_every_key_documented),
		cmocka_unit_test(test_manual_nok_no_unknown_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
