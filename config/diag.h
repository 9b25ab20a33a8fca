/*
 * diag.h: a list of located diagnostics, printed as FILE:LINE:COL: message.
 *
 * The config loader and the backends report every problem they find into
 * one list, so the integrator sees all of them at once; the caller then
 * refuses to run if the list is not empty (like doas' parse_errors).
 */
#ifndef NVR_CONFIG_DIAG_H
#define NVR_CONFIG_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct diag {
	unsigned line;		/* 1-based */
	unsigned col;		/* 1-based */
	char *message;
};

struct diag_list {
	char *file;		/* the path as the user gave it */
	struct diag *items;
	size_t count;
	size_t capacity;
	size_t dropped;		/* lost to out-of-memory; still errors */
};

/* Starts an empty list for FILE (copied). */
void diag_init(struct diag_list *list, const char *file);

/* Adds a message at LINE:COL (1-based). Never fails: on out-of-memory
 * the message is replaced by a fixed one. */
void diag_add(struct diag_list *list, unsigned line, unsigned col,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_vadd(struct diag_list *list, unsigned line, unsigned col,
    const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

/* Prints every diagnostic in order of position, one per line. Bytes that
 * a terminal would act on (controls, C1, broken UTF-8) are printed as
 * \xNN: a config's keys and values are not trusted to draw. */
void diag_print(const struct diag_list *list, FILE *out);

void diag_free(struct diag_list *list);

/* Empties LIST (its file stays): for a long-running program that reports
 * a problem and goes on. */
void diag_clear(struct diag_list *list);

#endif
