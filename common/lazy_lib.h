/*
 * lazy_lib.h: a shared library loaded when the code that needs it first
 * runs, not at every start. The wizard links about fifteen libraries;
 * loading them is most of its start-up and of its memory before the first
 * screen, and several serve one store or one screen (libmariadb and the
 * OpenSSL it brings for a ZoneMinder store, libsqlite3 for Frigate's,
 * libqrencode for the support request's QR code, libserialport for
 * --port). Each such library has a header of its own (mariadb_lib.h, ...)
 * with a table of its functions and names that call through it, so the
 * code calls the library as its manual writes it.
 */
#ifndef NVR_COMMON_LAZY_LIB_H
#define NVR_COMMON_LAZY_LIB_H

#include <stdbool.h>
#include <stddef.h>

#include "common/nvr_error.h"

struct lazy_symbol {
	const char *name;
	size_t offset;		/* of its pointer in the library's table */
};

struct lazy_lib {
	const char *soname;	/* the build's, from the Makefile */
	const char *package;	/* the Debian package that has it */
	const char *needed_by;	/* "a ZoneMinder store": for the message */
	const struct lazy_symbol *symbols;
	size_t count;
	void *table;		/* a struct of function pointers */
	void *handle;		/* once loaded */
	bool failed;		/* tried, and FAILURE says why: a screen
				 * drawn again does not try again */
	struct nvr_error failure;
};

/* For a library's header: a table member for function NAME, and its
 * entry in the symbol list of TYPE (the table's struct). */
#define LAZY_LIB_POINTER(name) __typeof__(&(name)) (name);
#define LAZY_LIB_SYMBOL(type, name) { #name, offsetof(type, name) },

/*
 * For a library's .c file, with LAZY_LIB_TYPE defined as its table's
 * struct: the table TABLE of the functions FUNCTIONS(F) names, and LOAD,
 * which loads SONAME (from the Debian package PACKAGE; NEEDED_BY says
 * what for) into it.
 */
#define LAZY_LIB_ENTRY(name) LAZY_LIB_SYMBOL(LAZY_LIB_TYPE, name)
#define LAZY_LIB_DEFINE(table, functions, load, soname, package,	\
    needed_by)								\
	LAZY_LIB_TYPE table;						\
	static const struct lazy_symbol table##_symbols[] = {		\
		functions(LAZY_LIB_ENTRY)				\
	};								\
	static struct lazy_lib table##_lib = { soname, package,	\
	    needed_by, table##_symbols, sizeof(table##_symbols) /	\
	    sizeof(table##_symbols[0]), &(table), NULL, false, { "" } };	\
	int								\
	load(struct nvr_error *err)					\
	{								\
		return lazy_lib_load(&table##_lib, err);		\
	}

/* Loads LIB and fills its table, once (later calls return at once).
 * Returns 0, or -ENOENT with ERR saying which library is missing, what
 * needs it and which package has it. */
int lazy_lib_load(struct lazy_lib *lib, struct nvr_error *err);

#endif
