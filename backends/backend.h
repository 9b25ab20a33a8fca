/*
 * backend.h: what every backend implementation declares about itself, so
 * that the registry can map a YAML name to it and the config check can
 * validate its settings before anything is opened.
 */
#ifndef NVR_BACKENDS_BACKEND_H
#define NVR_BACKENDS_BACKEND_H

#include "config/schema.h"

struct backend_impl {
	const char *concern;		/* the YAML section: "device" */
	const char *name;		/* the value of its backend: key */
	const char *summary;		/* one line for --help and docs */
	const struct schema_key *keys;	/* its settings, besides backend: */
	const void *ops;		/* the concern's ops struct */
};

#endif
