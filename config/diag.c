/* diag.c: located diagnostics for config files. */
#include "config/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
diag_init(struct diag_list *list, const char *file)
{
	memset(list, 0, sizeof(*list));
	list->file = strdup(file ? file : "(config)");
}

void
diag_add(struct diag_list *list, unsigned line, unsigned col,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(list, line, col, fmt, ap);
	va_end(ap);
}

void
diag_vadd(struct diag_list *list, unsigned line, unsigned col,
    const char *fmt, va_list ap)
{
	char *msg = NULL;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;

	if (list->count == list->capacity) {
		size_t cap = list->capacity ? list->capacity * 2 : 8;
		struct diag *grown = realloc(list->items, cap * sizeof(*grown));
		if (grown == NULL) {
			free(msg);
			list->dropped++;
			return;
		}
		list->items = grown;
		list->capacity = cap;
	}
	list->items[list->count].line = line ? line : 1;
	list->items[list->count].col = col ? col : 1;
	list->items[list->count].message = msg;
	list->count++;
}

static int
diag_compare(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return 0;
}

/* Writes TEXT with every byte a terminal would act on escaped. */
static void
put_escaped(const char *text, FILE *out)
{
	const unsigned char *p = (const unsigned char *)text;

	while (*p != '\0') {
		size_t n = 1;

		if (*p >= 0xc2 && *p <= 0xf4) {
			/* A whole, valid UTF-8 character is printed as is,
			 * unless it is a C1 control (U+0080 to U+009F). */
			size_t want = *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
			while (n < want && (p[n] & 0xc0) == 0x80)
				n++;
			if (n == want && !(*p == 0xc2 && p[1] < 0xa0)) {
				fwrite(p, 1, n, out);
				p += n;
				continue;
			}
			n = 1;
		}
		if (*p < 0x20 || *p >= 0x7f)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
		p += n;
	}
}

void
diag_print(const struct diag_list *list, FILE *out)
{
	/* A stable order by position reads like a compiler's output. */
	struct diag *sorted = malloc(list->count * sizeof(*sorted) + 1);
	const struct diag *items = list->items;

	if (sorted != NULL && list->count > 0) {
		memcpy(sorted, list->items, list->count * sizeof(*sorted));
		/* Insertion sort: stable, so errors at one position keep
		 * the order they were found in; the lists are short. */
		for (size_t i = 1; i < list->count; i++) {
			struct diag d = sorted[i];
			size_t j = i;
			while (j > 0 && diag_compare(&sorted[j - 1], &d) > 0) {
				sorted[j] = sorted[j - 1];
				j--;
			}
			sorted[j] = d;
		}
		items = sorted;
	}
	for (size_t i = 0; i < list->count; i++) {
		put_escaped(list->file, out);
		fprintf(out, ":%u:%u: ", items[i].line, items[i].col);
		put_escaped(items[i].message ? items[i].message :
		    "out of memory while reporting an error", out);
		fputc('\n', out);
	}
	if (list->dropped > 0) {
		put_escaped(list->file, out);
		fprintf(out, ": %zu more errors not shown (out of memory)\n",
		    list->dropped);
	}
	free(sorted);
}

void
diag_clear(struct diag_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i].message);
	list->count = 0;
	list->dropped = 0;
}

void
diag_free(struct diag_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i].message);
	free(list->items);
	free(list->file);
	memset(list, 0, sizeof(*list));
}
