/*
 * secret.h: a buffer for a password or an answer while it is typed.
 *
 * Invariants:
 * 1. The bytes live in the buffer itself, locked in memory (sodium_mlock)
 *    so they are not written to swap, and are wiped (sodium_memzero) when
 *    cleared or released; nothing else keeps a copy.
 * 2. The contents are whole UTF-8 characters, NUL-terminated, so they can
 *    be handed to a backend as a C string.
 * 3. Only the number of characters leaves the buffer for display.
 */
#ifndef NVR_COMMON_SECRET_H
#define NVR_COMMON_SECRET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SECRET_MAX 512	/* bytes with the NUL: libxcrypt's limit */

struct secret {
	char bytes[SECRET_MAX];
	size_t length;		/* bytes, without the NUL */
	size_t chars;		/* characters, for the mask */
};

/* Empties S and locks its memory (best effort: a failed mlock, e.g. over
 * RLIMIT_MEMLOCK, still leaves a wiped, working buffer). */
void secret_init(struct secret *s);

/* Appends codepoint CP as UTF-8; false if it would not fit. */
bool secret_append(struct secret *s, uint32_t cp);

/* Removes the last character. */
void secret_erase_last(struct secret *s);

/* Wipes S, leaving it empty and usable. */
void secret_clear(struct secret *s);

/* Wipes S and unlocks its memory; call before S's memory is freed. */
void secret_release(struct secret *s);

/* Constant-time comparison (for equal lengths; a differing length is not
 * secret, since the mask shows it). */
bool secret_equal(const struct secret *a, const struct secret *b);

/* The contents as a C string, for a backend call. */
static inline const char *
secret_text(const struct secret *s)
{
	return s->bytes;
}

#endif
