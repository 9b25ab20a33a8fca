/* secret.c: typed secrets, wiped and kept out of swap. */
#include "common/secret.h"

#include <sodium.h>
#include <string.h>

void
secret_init(struct secret *s)
{
	(void)sodium_mlock(s, sizeof(*s));
	sodium_memzero(s, sizeof(*s));
}

bool
secret_append(struct secret *s, uint32_t cp)
{
	unsigned char buf[4];
	size_t n;

	if (cp < 0x80) {
		buf[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		buf[0] = (unsigned char)(0xc0 | (cp >> 6));
		buf[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		buf[0] = (unsigned char)(0xe0 | (cp >> 12));
		buf[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		buf[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else if (cp <= 0x10ffff) {
		buf[0] = (unsigned char)(0xf0 | (cp >> 18));
		buf[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		buf[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		buf[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	} else {
		return false;
	}
	if (cp == 0 || s->length + n >= SECRET_MAX) {
		sodium_memzero(buf, sizeof(buf));
		return false;
	}
	memcpy(s->bytes + s->length, buf, n);
	s->length += n;
	s->bytes[s->length] = '\0';
	s->chars++;
	sodium_memzero(buf, sizeof(buf));
	return true;
}

void
secret_erase_last(struct secret *s)
{
	if (s->length == 0)
		return;
	/* Back over continuation bytes to the character's first byte. */
	do {
		s->length--;
	} while (s->length > 0 &&
	    ((unsigned char)s->bytes[s->length] & 0xc0) == 0x80);
	sodium_memzero(s->bytes + s->length, SECRET_MAX - s->length);
	s->chars--;
}

void
secret_clear(struct secret *s)
{
	sodium_memzero(s, sizeof(*s));
}

void
secret_release(struct secret *s)
{
	sodium_munlock(s, sizeof(*s));	/* wipes, then unlocks */
}

bool
secret_equal(const struct secret *a, const struct secret *b)
{
	return a->length == b->length &&
	    sodium_memcmp(a->bytes, b->bytes, a->length) == 0;
}
