/* nvr_error.c: filling a struct nvr_error. The name is in parentheses
 * where it is defined: nvr_error.h makes it a macro for the analyzer. */
#include "common/nvr_error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

int
(nvr_error_set)(struct nvr_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

const char *
nvr_error_storage(int code)
{
	switch (code) {
	case -ENOSPC:
		return "the recorder's storage is full";
	case -EDQUOT:
		return "the recorder's storage quota is used up";
	default:
		return NULL;
	}
}
