/*
 * document.h: a parsed YAML config file, and read access to its sections.
 *
 * The file is read with libyaml's document API, whose marks give the exact
 * line and column of every node, so each message can point at the key or
 * value at fault. A first pass over its events refuses nesting deeper
 * than 64 levels before the loader (quadratic in the depth) runs, so IN
 * must be seekable. Scalars are kept as text and typed by the schema, never
 * by YAML's implicit rules (so serial: 0012 stays "0012" and model: no
 * stays "no").
 */
#ifndef NVR_CONFIG_DOCUMENT_H
#define NVR_CONFIG_DOCUMENT_H

#include <stdbool.h>
#include <stdint.h>
#include <yaml.h>

#include "config/diag.h"

struct config_document {
	yaml_document_t yaml;
	bool loaded;		/* yaml holds a document to delete */
	char *dir;		/* folder of the file: relative paths start here */
	struct diag_list *diags;
};

/* One mapping in the document, e.g. the device: section, as handed to a
 * backend. Valid while the document lives. */
struct config_section {
	const struct config_document *doc;
	yaml_node_t *map;	/* a YAML_MAPPING_NODE */
	const char *name;	/* for messages: "device", "console" */
};

/*
 * Parses the file open as IN, named PATH. Syntax errors go to DIAGS with
 * their position; returns 0, or -1 if no document could be built.
 */
int document_parse(struct config_document *doc, FILE *in, const char *path,
    struct diag_list *diags);

void document_free(struct config_document *doc);

/* The root node, or NULL for an empty file. */
yaml_node_t *document_root(const struct config_document *doc);

/* 1-based position of NODE, for diag_add. */
unsigned document_line(const yaml_node_t *node);
unsigned document_col(const yaml_node_t *node);

/* The scalar text of NODE, or NULL if it is not a scalar. */
const char *document_scalar(const yaml_node_t *node);

/* Looks KEY up in the mapping MAP; NULL if absent. The first occurrence
 * wins (the schema check reports duplicates). */
yaml_node_t *document_lookup(const struct config_document *doc,
    yaml_node_t *map, const char *key, yaml_node_t **key_node);

/*
 * Section accessors for backends. The schema check has already run, so a
 * present value has the declared type; absent optional keys give NULL or
 * the default.
 */
const char *config_section_string(const struct config_section *sec,
    const char *key);
/* A path setting resolved against the config file's folder; malloc'd,
 * NULL if absent (or out of memory, which is reported). */
char *config_section_path(const struct config_section *sec, const char *key);
/* An integer setting: 64 bits on every machine, as the schema's bounds. */
int64_t config_section_int(const struct config_section *sec, const char *key,
    int64_t fallback);
bool config_section_bool(const struct config_section *sec, const char *key,
    bool fallback);
/* The items of a list setting, in order: fills up to MAX pointers into
 * the document (valid while it lives) and returns how many there are
 * (0 if absent). */
size_t config_section_list(const struct config_section *sec, const char *key,
    const char **items, size_t max);
/* A nested mapping; false if absent. */
bool config_section_child(const struct config_section *sec, const char *key,
    struct config_section *child);

/* Reports a problem with KEY's value (or with the section if KEY is NULL
 * or absent) at its position in the file. */
void config_section_error(const struct config_section *sec, const char *key,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
