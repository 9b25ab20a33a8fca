/* document.c: libyaml document loading and section accessors. */
#include "config/document.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The deepest nesting of mappings and lists a config may have; the
 * schema needs a handful. */
#define DOCUMENT_DEPTH_MAX 64

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/* Turns a byte offset into a 1-based line and column by reading IN again:
 * libyaml gives only an offset for errors found while decoding bytes
 * (control characters, invalid UTF-8). */
static void
offset_position(FILE *in, size_t offset, unsigned *line, unsigned *col)
{
	*line = 1;
	*col = 1;
	if (fseek(in, 0, SEEK_SET) != 0)
		return;
	for (size_t i = 0; i < offset; i++) {
		int c = getc(in);
		if (c == EOF)
			break;
		if (c == '\n') {
			(*line)++;
			*col = 1;
		} else if ((c & 0xc0) != 0x80) {
			(*col)++;	/* columns count characters, not bytes */
		}
	}
}

/* Reports libyaml's error at the most useful position. */
static void
report_parse_error(const yaml_parser_t *parser, FILE *in,
    struct diag_list *diags)
{
	const char *problem = parser->problem ? parser->problem : "unreadable";
	yaml_mark_t mark = parser->problem_mark;
	unsigned line, col;

	if (parser->error == YAML_READER_ERROR) {
		offset_position(in, parser->problem_offset, &line, &col);
	} else if (parser->context != NULL &&
	    strstr(problem, "end of stream") != NULL) {
		/* "unexpected end of stream" points past the last line; where
		 * the unclosed construct began is what needs fixing. */
		line = (unsigned)parser->context_mark.line + 1;
		col = (unsigned)parser->context_mark.column + 1;
	} else {
		line = (unsigned)mark.line + 1;
		col = (unsigned)mark.column + 1;
	}
	diag_add(diags, line, col, "invalid YAML: %s%s%s", problem,
	    parser->context ? " " : "", parser->context ? parser->context : "");
}

/*
 * Reads IN's events to the end of the stream, or to the first error, and
 * reports a mapping or list nested deeper than DOCUMENT_DEPTH_MAX where it
 * starts. Returns -1 after such a report, else 0: a syntax error is left
 * to the loader, which meets the same one and reports it as usual.
 * Why a pass of its own: libyaml's document loader takes time quadratic
 * in the depth (40,000 levels, 80 KB, took 9 s), and the loader cannot
 * be stopped halfway, while counting events costs little and stops at
 * the first level too deep.
 */
static int
check_depth(FILE *in, struct diag_list *diags)
{
	yaml_parser_t parser;
	yaml_event_t event;
	unsigned depth = 0;
	bool done = false;
	int rc = 0;

	if (!yaml_parser_initialize(&parser)) {
		diag_add(diags, 1, 1, "out of memory");
		return -1;
	}
	yaml_parser_set_input_file(&parser, in);
	while (!done && yaml_parser_parse(&parser, &event)) {
		if (event.type == YAML_SEQUENCE_START_EVENT ||
		    event.type == YAML_MAPPING_START_EVENT) {
			if (++depth > DOCUMENT_DEPTH_MAX) {
				diag_add(diags,
				    (unsigned)event.start_mark.line + 1,
				    (unsigned)event.start_mark.column + 1,
				    "invalid YAML: nested more than %d levels "
				    "deep", DOCUMENT_DEPTH_MAX);
				rc = -1;
				done = true;
			}
		} else if (event.type == YAML_SEQUENCE_END_EVENT ||
		    event.type == YAML_MAPPING_END_EVENT) {
			depth--;
		} else if (event.type == YAML_STREAM_END_EVENT) {
			done = true;
		}
		yaml_event_delete(&event);
	}
	yaml_parser_delete(&parser);
	return rc;
}

int
document_parse(struct config_document *doc, FILE *in, const char *path,
    struct diag_list *diags)
{
	yaml_parser_t parser;
	yaml_document_t extra;
	int rc = 0;

	memset(doc, 0, sizeof(*doc));
	doc->diags = diags;
	doc->dir = dir_of(path);
	if (doc->dir == NULL) {
		diag_add(diags, 1, 1, "out of memory");
		return -1;
	}
	if (check_depth(in, diags) != 0)
		return -1;
	if (fseek(in, 0, SEEK_SET) != 0) {
		diag_add(diags, 1, 1, "cannot read the config again: %s",
		    strerror(errno));
		return -1;
	}
	if (!yaml_parser_initialize(&parser)) {
		diag_add(diags, 1, 1, "out of memory");
		return -1;
	}
	yaml_parser_set_input_file(&parser, in);
	if (!yaml_parser_load(&parser, &doc->yaml)) {
		report_parse_error(&parser, in, diags);
		yaml_parser_delete(&parser);
		return -1;
	}
	doc->loaded = true;

	/* A second document would be silently ignored by the loader: refuse
	 * it, since the integrator clearly meant something by it. */
	if (yaml_parser_load(&parser, &extra)) {
		yaml_node_t *root = yaml_document_get_root_node(&extra);
		if (root != NULL) {
			diag_add(diags, document_line(root), document_col(root),
			    "a config file holds one YAML document; "
			    "remove this second one");
			rc = -1;
		}
		yaml_document_delete(&extra);
	} else {
		report_parse_error(&parser, in, diags);
		rc = -1;
	}
	yaml_parser_delete(&parser);
	return rc;
}

void
document_free(struct config_document *doc)
{
	if (doc->loaded)
		yaml_document_delete(&doc->yaml);
	free(doc->dir);
	memset(doc, 0, sizeof(*doc));
}

yaml_node_t *
document_root(const struct config_document *doc)
{
	if (!doc->loaded)
		return NULL;
	/* libyaml's API takes a non-const document for read access. */
	return yaml_document_get_root_node((yaml_document_t *)&doc->yaml);
}

unsigned
document_line(const yaml_node_t *node)
{
	return (unsigned)node->start_mark.line + 1;
}

unsigned
document_col(const yaml_node_t *node)
{
	return (unsigned)node->start_mark.column + 1;
}

const char *
document_scalar(const yaml_node_t *node)
{
	if (node == NULL || node->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)node->data.scalar.value;
}

yaml_node_t *
document_lookup(const struct config_document *doc, yaml_node_t *map,
    const char *key, yaml_node_t **key_node)
{
	yaml_document_t *yaml = (yaml_document_t *)&doc->yaml;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *pair = map->data.mapping.pairs.start;
	    pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(yaml, pair->key);
		const char *name = document_scalar(k);

		if (name != NULL && strcmp(name, key) == 0) {
			if (key_node != NULL)
				*key_node = k;
			return yaml_document_get_node(yaml, pair->value);
		}
	}
	return NULL;
}

const char *
config_section_string(const struct config_section *sec, const char *key)
{
	return document_scalar(document_lookup(sec->doc, sec->map, key, NULL));
}

char *
config_section_path(const struct config_section *sec, const char *key)
{
	const char *value = config_section_string(sec, key);
	char *path = NULL;

	if (value == NULL)
		return NULL;
	if (value[0] == '/')
		path = strdup(value);
	else if (asprintf(&path, "%s/%s", sec->doc->dir, value) < 0)
		path = NULL;
	if (path == NULL)
		config_section_error(sec, key, "out of memory");
	return path;
}

int64_t
config_section_int(const struct config_section *sec, const char *key,
    int64_t fallback)
{
	const char *value = config_section_string(sec, key);
	char *end;
	long long n;

	if (value == NULL)
		return fallback;
	errno = 0;
	n = strtoll(value, &end, 10);
	if (errno != 0 || *end != '\0' || end == value)
		return fallback;
	return n;
}

bool
config_section_bool(const struct config_section *sec, const char *key,
    bool fallback)
{
	const char *value = config_section_string(sec, key);

	if (value == NULL)
		return fallback;
	return strcmp(value, "true") == 0;
}

size_t
config_section_list(const struct config_section *sec, const char *key,
    const char **items, size_t max)
{
	yaml_node_t *node = document_lookup(sec->doc, sec->map, key, NULL);
	yaml_document_t *yaml = (yaml_document_t *)&sec->doc->yaml;
	size_t count = 0;

	if (node == NULL || node->type != YAML_SEQUENCE_NODE)
		return 0;
	for (yaml_node_item_t *item = node->data.sequence.items.start;
	    item < node->data.sequence.items.top; item++) {
		if (count < max)
			items[count] = document_scalar(
			    yaml_document_get_node(yaml, *item));
		count++;
	}
	return count;
}

bool
config_section_child(const struct config_section *sec, const char *key,
    struct config_section *child)
{
	yaml_node_t *node = document_lookup(sec->doc, sec->map, key, NULL);

	if (node == NULL || node->type != YAML_MAPPING_NODE)
		return false;
	child->doc = sec->doc;
	child->map = node;
	child->name = key;
	return true;
}

void
config_section_error(const struct config_section *sec, const char *key,
    const char *fmt, ...)
{
	yaml_node_t *node = NULL;
	char *msg = NULL;
	va_list ap;

	if (key != NULL)
		node = document_lookup(sec->doc, sec->map, key, NULL);
	if (node == NULL)
		node = sec->map;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	diag_add(sec->doc->diags, document_line(node), document_col(node),
	    "%s%s%s: %s", sec->name, key ? "." : "", key ? key : "",
	    msg ? msg : "out of memory");
	free(msg);
}
