/*
 * schema.c: checks a YAML mapping against a key table.
 *
 * It reports every problem it finds, each at the node at fault: an unknown
 * or duplicated key at the key, a wrong value at the value, a missing key
 * at the mapping that should hold it.
 */
#include "config/schema.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct checker {
	const struct config_document *doc;
	schema_backend_keys_fn backend_keys;
	unsigned errors;
};

static void __attribute__((format(printf, 3, 4)))
report(struct checker *ck, const yaml_node_t *node, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(ck->doc->diags, document_line(node), document_col(node),
	    fmt, ap);
	va_end(ap);
	ck->errors++;
}

/* YAML spellings of "nothing": an empty plain scalar, ~ and null. */
static bool
is_null(const yaml_node_t *node)
{
	const char *v = document_scalar(node);

	if (v == NULL || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return v[0] == '\0' || strcmp(v, "~") == 0 ||
	    strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
	    strcmp(v, "NULL") == 0;
}

static const char *
node_kind(const yaml_node_t *node)
{
	switch (node->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return "text";
	}
}

/* Edit distance, to suggest the key the integrator probably meant. */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64];

	if (la >= 64 || lb >= 64)
		return 64;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (up + 1 < best)
				best = up + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* WHERE names a mapping in messages; "" is the file's top level. */
static const char *
place(const char *where)
{
	return where[0] ? where : "the top level";
}

static const struct schema_key *
find_key(const struct schema_key *keys, const char *name)
{
	for (const struct schema_key *k = keys; k->name != NULL; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

static void
report_unknown(struct checker *ck, const yaml_node_t *key_node,
    const char *name, const char *where, const struct schema_key *keys,
    const char *extra, const struct schema_key *more)
{
	const struct schema_key *tables[] = { keys, more };
	const char *best = NULL;
	size_t best_distance = 3;

	for (size_t t = 0; t < 2; t++)
		for (const struct schema_key *k = tables[t]; k != NULL &&
		    k->name != NULL; k++) {
			size_t d = distance(name, k->name);
			if (d < best_distance) {
				best = k->name;
				best_distance = d;
			}
		}
	if (extra != NULL && distance(name, extra) < best_distance)
		best = extra;
	if (best != NULL)
		report(ck, key_node, "unknown key '%s' in %s (did you mean "
		    "'%s'?)", name, place(where), best);
	else
		report(ck, key_node, "unknown key '%s' in %s", name,
		    place(where));
}

static void check_map(struct checker *ck, yaml_node_t *map, const char *where,
    const struct schema_key *keys, const char *extra_key,
    const struct schema_key *more);

/* A backend's mapping: its 'backend' key picks the table its other keys
 * are checked against; MORE are keys it may hold besides (a store's id
 * and label). */
static void
check_backend(struct checker *ck, yaml_node_t *map, const char *where,
    const struct schema_key *key, const struct schema_key *more)
{
	yaml_node_t *name_node = document_lookup(ck->doc, map, "backend", NULL);
	const char *name = document_scalar(name_node);
	const struct schema_key *keys;
	char known[256] = "";

	if (name_node == NULL) {
		report(ck, map, "%s is missing required key 'backend'", where);
		return;
	}
	if (name == NULL || is_null(name_node)) {
		report(ck, name_node, "%s.backend must name a %s backend",
		    where, key->concern);
		return;
	}
	keys = ck->backend_keys(key->concern, name, known, sizeof(known));
	if (keys == NULL) {
		report(ck, name_node, "unknown %s backend '%s' (known: %s)",
		    key->concern, name, known);
		return;
	}
	check_map(ck, map, where, keys, "backend", more);
}

/*
 * The mappings of the list VALUE, named PATH[N] in messages, each handed
 * to CHECK with KEY; an item that is no mapping is reported as one
 * should be (EXAMPLE shows what it holds: "keys (backend: ...)").
 */
static void
check_items(struct checker *ck, yaml_node_t *value, const char *path,
    const struct schema_key *key, const char *example,
    void (*check)(struct checker *ck, yaml_node_t *map, const char *where,
    const struct schema_key *key))
{
	yaml_document_t *yaml = (yaml_document_t *)&ck->doc->yaml;
	size_t index = 0;

	for (yaml_node_item_t *item = value->data.sequence.items.start;
	    item < value->data.sequence.items.top; item++, index++) {
		yaml_node_t *node = yaml_document_get_node(yaml, *item);
		char where[224];

		snprintf(where, sizeof(where), "%s[%zu]", path, index);
		if (node->type != YAML_MAPPING_NODE)
			report(ck, node, "each item of %s must be a mapping of "
			    "%s, not %s", path, example, is_null(node) ?
			    "empty" : node_kind(node));
		else
			check(ck, node, where, key);
	}
}

/* One store of accounts: as a list: a backend with an id and label. */
static void
check_store(struct checker *ck, yaml_node_t *map, const char *where,
    const struct schema_key *key)
{
	check_backend(ck, map, where, key, key->children);
}

/* A list of backend mappings (accounts: as several stores), each named
 * WHERE[N] and checked with KEY's children as its further keys. */
static void
check_backend_list(struct checker *ck, yaml_node_t *value, const char *path,
    const struct schema_key *key)
{
	if (value->data.sequence.items.start ==
	    value->data.sequence.items.top) {
		report(ck, value, "%s is an empty list: name at least one "
		    "store", path);
		return;
	}
	check_items(ck, value, path, key, "keys (backend: ...)", check_store);
}

static void
check_int(struct checker *ck, yaml_node_t *value, const char *path,
    const struct schema_key *key)
{
	const char *text = document_scalar(value);
	char *end;
	long long n;

	errno = 0;
	n = strtoll(text, &end, 10);
	if (errno == 0 && end != text && *end == '\0' && n >= key->min &&
	    n <= key->max)
		return;
	report(ck, value, "%s must be a whole number from %" PRId64 " to %"
	    PRId64 ", not '%s'", path, key->min, key->max, text);
}

static void
check_enum(struct checker *ck, yaml_node_t *value, const char *path,
    const struct schema_key *key)
{
	const char *text = document_scalar(value);
	char choices[256] = "";
	size_t used = 0;

	for (const char *const *c = key->choices; *c != NULL; c++) {
		if (strcmp(*c, text) == 0)
			return;
		int n = snprintf(choices + used, sizeof(choices) - used,
		    "%s%s", used ? ", " : "", *c);
		if (n > 0 && (size_t)n < sizeof(choices) - used)
			used += (size_t)n;
	}
	report(ck, value, "%s must be one of: %s (not '%s')", path, choices,
	    text);
}

/* A list of text items, each reported at its own position. */
static void
check_list(struct checker *ck, yaml_node_t *value, const char *path)
{
	yaml_document_t *yaml = (yaml_document_t *)&ck->doc->yaml;

	if (value->type != YAML_SEQUENCE_NODE) {
		report(ck, value, "%s must be a list (e.g. [a, b]), not %s",
		    path, node_kind(value));
		return;
	}
	for (yaml_node_item_t *item = value->data.sequence.items.start;
	    item < value->data.sequence.items.top; item++) {
		yaml_node_t *node = yaml_document_get_node(yaml, *item);
		const char *text = document_scalar(node);

		if (text == NULL || is_null(node) || text[0] == '\0')
			report(ck, node, "each item of %s must be text, not %s",
			    path, text == NULL ? node_kind(node) : "empty");
		else if (strlen(text) != node->data.scalar.length)
			report(ck, node, "an item of %s contains a NUL byte",
			    path);
	}
}

/* One item of a SCHEMA_MAP_LIST: its keys are KEY's children. */
static void
check_item(struct checker *ck, yaml_node_t *map, const char *where,
    const struct schema_key *key)
{
	check_map(ck, map, where, key->children, NULL, NULL);
}

/* A list of mappings, each checked against KEY's children; a problem
 * inside item N is named PATH[N] and reported at its own position. */
static void
check_map_list(struct checker *ck, yaml_node_t *value, const char *path,
    const struct schema_key *key)
{
	if (value->type != YAML_SEQUENCE_NODE) {
		report(ck, value, "%s must be a list of mappings (items "
		    "starting with '- key: value'), not %s", path,
		    node_kind(value));
		return;
	}
	check_items(ck, value, path, key, "keys", check_item);
}

static void
check_value(struct checker *ck, yaml_node_t *value, const char *where,
    const struct schema_key *key)
{
	char path[192];
	const char *text;

	snprintf(path, sizeof(path), "%s%s%s", where, where[0] ? "." : "",
	    key->name);
	if (is_null(value)) {
		report(ck, value, "%s has no value", path);
		return;
	}
	switch (key->type) {
	case SCHEMA_MAP:
		if (value->type != YAML_MAPPING_NODE)
			report(ck, value, "%s must be a mapping of keys, not "
			    "%s", path, node_kind(value));
		else
			check_map(ck, value, path, key->children, NULL, NULL);
		return;
	case SCHEMA_LIST:
		check_list(ck, value, path);
		return;
	case SCHEMA_MAP_LIST:
		check_map_list(ck, value, path, key);
		return;
	case SCHEMA_BACKEND:
		if (value->type == YAML_SEQUENCE_NODE && key->children != NULL)
			check_backend_list(ck, value, path, key);
		else if (value->type != YAML_MAPPING_NODE)
			report(ck, value, "%s must be a mapping of keys (e.g. "
			    "backend: ...)%s, not %s", path, key->children ?
			    " or a list of them" : "", node_kind(value));
		else
			check_backend(ck, value, path, key, key->children);
		return;
	default:
		break;
	}
	text = document_scalar(value);
	if (text == NULL) {
		report(ck, value, "%s must be %s, not %s",
		    path, key->type == SCHEMA_INT ? "a number" : "text",
		    node_kind(value));
		return;
	}
	switch (key->type) {
	case SCHEMA_INT:
		check_int(ck, value, path, key);
		break;
	case SCHEMA_BOOL:
		if (strcmp(text, "true") != 0 && strcmp(text, "false") != 0)
			report(ck, value, "%s must be true or false, not '%s'",
			    path, text);
		break;
	case SCHEMA_ENUM:
		check_enum(ck, value, path, key);
		break;
	case SCHEMA_STRING:
	case SCHEMA_PATH:
		if (text[0] == '\0')
			report(ck, value, "%s is empty", path);
		else if (strlen(text) != value->data.scalar.length)
			report(ck, value, "%s contains a NUL byte", path);
		break;
	default:
		break;
	}
}

static void
check_map(struct checker *ck, yaml_node_t *map, const char *where,
    const struct schema_key *keys, const char *extra_key,
    const struct schema_key *more)
{
	yaml_document_t *yaml = (yaml_document_t *)&ck->doc->yaml;

	for (yaml_node_pair_t *pair = map->data.mapping.pairs.start;
	    pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *key_node = yaml_document_get_node(yaml, pair->key);
		yaml_node_t *value = yaml_document_get_node(yaml, pair->value);
		const char *name = document_scalar(key_node);
		yaml_node_t *first_key = NULL;
		const struct schema_key *key;

		if (name == NULL) {
			report(ck, key_node, "keys in %s must be plain names, "
			    "not %s", place(where), node_kind(key_node));
			continue;
		}
		document_lookup(ck->doc, map, name, &first_key);
		if (first_key != key_node) {
			report(ck, key_node, "duplicate key '%s' in %s (first "
			    "given on line %u)", name, place(where),
			    document_line(first_key));
			continue;
		}
		if (extra_key != NULL && strcmp(name, extra_key) == 0)
			continue;
		key = find_key(keys, name);
		if (key == NULL && more != NULL)
			key = find_key(more, name);
		if (key == NULL) {
			report_unknown(ck, key_node, name, where, keys,
			    extra_key, more);
			continue;
		}
		check_value(ck, value, where, key);
	}
	for (const struct schema_key *k = keys; k->name != NULL; k++)
		if (k->required &&
		    document_lookup(ck->doc, map, k->name, NULL) == NULL)
			report(ck, map, "%s is missing required key '%s'",
			    where[0] ? where : "the config", k->name);
}

unsigned
schema_check(const struct config_document *doc, yaml_node_t *node,
    const char *where, const struct schema_key *keys,
    schema_backend_keys_fn backend_keys)
{
	struct checker ck = {
		.doc = doc,
		.backend_keys = backend_keys,
	};

	if (node == NULL || node->type != YAML_MAPPING_NODE) {
		unsigned line = node ? document_line(node) : 1;
		unsigned col = node ? document_col(node) : 1;
		diag_add(doc->diags, line, col, "%s must be a mapping of keys%s",
		    where[0] ? where : "the config",
		    node ? "" : " (the file is empty)");
		return 1;
	}
	check_map(&ck, node, where, keys, NULL, NULL);
	return ck.errors;
}
