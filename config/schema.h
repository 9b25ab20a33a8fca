/*
 * schema.h: what keys a config mapping may hold, and the check that every
 * key is known, every value has its declared type and every required key
 * is there. Tables are arrays of struct schema_key ended by {0}, written
 * with designated initializers beside the code that reads the values.
 */
#ifndef NVR_CONFIG_SCHEMA_H
#define NVR_CONFIG_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "config/document.h"

enum schema_type {
	SCHEMA_STRING = 1,	/* non-empty text */
	SCHEMA_PATH,		/* text; relative to the config's folder */
	SCHEMA_INT,		/* whole number within [min, max] */
	SCHEMA_BOOL,		/* true or false */
	SCHEMA_ENUM,		/* one of choices */
	SCHEMA_MAP,		/* nested mapping checked against children */
	SCHEMA_LIST,		/* a list of non-empty text items */
	SCHEMA_BACKEND,		/* mapping whose 'backend' key picks the
				 * implementation that gives its keys; with
				 * children, also a list of such mappings,
				 * each of which may hold those keys too */
	SCHEMA_MAP_LIST,	/* a list of mappings, each checked against
				 * children and named WHERE.KEY[N] */
};

struct schema_key {
	const char *name;
	enum schema_type type;
	bool required;
	const char *help;		/* one line, for messages and docs */
	const char *const *choices;	/* SCHEMA_ENUM, NULL-terminated */
	int64_t min, max;		/* SCHEMA_INT: 64 bits on every
					 * machine (a uid bound does not
					 * fit a 32-bit long) */
	const struct schema_key *children;	/* SCHEMA_MAP, _MAP_LIST */
	const char *concern;		/* SCHEMA_BACKEND: "device", ... */
};

/*
 * For SCHEMA_BACKEND: gives the key table of backend NAME for CONCERN, or
 * NULL if there is none, in which case it writes the known names, comma
 * separated, into KNOWN.
 */
typedef const struct schema_key *(*schema_backend_keys_fn)(
    const char *concern, const char *name, char *known, size_t known_size);

/*
 * Checks NODE (named WHERE in messages, "" for the file's top level)
 * against KEYS, recursively.
 * Every problem is added to the document's diagnostics; returns the number
 * found.
 */
unsigned schema_check(const struct config_document *doc, yaml_node_t *node,
    const char *where, const struct schema_key *keys,
    schema_backend_keys_fn backend_keys);

#endif
