/*
 * keyset.c: making, reading and writing vendor key sets (see keyset.h
 * for the file and its invariants).
 */
#include "support/keyset.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "common/keyfile.h"
#include "common/private_file.h"

/* readdir on a 32-bit machine without 64-bit file offsets fails with
 * EOVERFLOW on a file system with 64-bit inode numbers (the Makefile's
 * LFS_CFLAGS). */
_Static_assert(sizeof(ino_t) == 8 && sizeof(off_t) == 8,
    "build with -D_FILE_OFFSET_BITS=64");

#define NAME_PREFIX "keyset-"
#define TEXT_MAX 512

/* The fields of KS, in the file's order. */
static size_t
fields_of(struct keyset *ks, struct keyfile_field fields[5])
{
	const struct keyfile_field all[5] = {
		{ "key_id", KEYFILE_ID, &ks->id, 0, 0 },
		{ "demo", KEYFILE_YESNO, &ks->demo, 0, 0 },
		{ "master", KEYFILE_HEX, ks->master, sizeof(ks->master), 0 },
		{ "sign_public", KEYFILE_HEX, ks->sign_public,
		    sizeof(ks->sign_public), 0 },
		{ "sign_secret", KEYFILE_HEX, ks->sign_secret,
		    sizeof(ks->sign_secret), 0 },
	};

	memcpy(fields, all, sizeof(all));
	return 5;
}

void
keyset_generate(struct keyset *ks, unsigned id, bool demo)
{
	memset(ks, 0, sizeof(*ks));
	ks->id = id;
	ks->demo = demo;
	randombytes_buf(ks->master, sizeof(ks->master));
	crypto_sign_keypair(ks->sign_public, ks->sign_secret);
}

int
keyset_path(const char *dir, unsigned id, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/" NAME_PREFIX "%u", dir, id);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int
keyset_read(const char *dir, unsigned id, struct keyset *ks,
    struct nvr_error *err)
{
	struct keyfile_field fields[5];
	uint8_t public[crypto_sign_PUBLICKEYBYTES];
	char path[4096], *text;
	size_t len, count = fields_of(ks, fields);
	int rc;

	memset(ks, 0, sizeof(*ks));
	rc = private_file_check_folder(dir, err);
	if (rc != 0)
		return rc;
	if (keyset_path(dir, id, path, sizeof(path)) != 0)
		return nvr_error_set(err, -ENAMETOOLONG, "%s: name too long",
		    dir);
	rc = private_file_read(path, PRIVATE_FILE_MAX, &text, &len, err);
	if (rc == -ENOENT)
		return nvr_error_set(err, -ENOENT, "no key set %u in %s", id,
		    dir);
	if (rc != 0)
		return rc;
	rc = keyfile_parse(path, text, len, KEYSET_HEADER, fields, count,
	    err);
	private_file_free(text, len);
	if (rc == 0 && ks->id != id)
		rc = nvr_error_set(err, -EBADMSG, "%s:%u: key_id is %u but the "
		    "file is named for key set %u", path, fields[0].line,
		    ks->id, id);
	if (rc == 0 && (crypto_sign_ed25519_sk_to_pk(public,
	    ks->sign_secret) != 0 || sodium_memcmp(public, ks->sign_public,
	    sizeof(public)) != 0))
		rc = nvr_error_set(err, -EBADMSG, "%s:%u: sign_public does not "
		    "belong to sign_secret", path, fields[3].line);
	if (rc != 0)
		keyset_wipe(ks);
	return rc;
}

int
keyset_write(const char *dir, const struct keyset *ks,
    struct nvr_error *err)
{
	struct keyset copy = *ks;	/* the fields point at writable data */
	struct keyfile_field fields[5];
	char path[4096], text[TEXT_MAX];
	size_t count = fields_of(&copy, fields);
	int len, rc;

	if (keyset_path(dir, ks->id, path, sizeof(path)) != 0) {
		keyset_wipe(&copy);
		return nvr_error_set(err, -ENAMETOOLONG, "%s: name too long",
		    dir);
	}
	len = keyfile_format(KEYSET_HEADER, fields, count, text,
	    sizeof(text));
	keyset_wipe(&copy);
	if (len < 0)
		rc = nvr_error_set(err, len, "cannot write key set %u: %s",
		    ks->id, strerror(-len));
	else
		rc = private_file_create(path, text, (size_t)len, err);
	sodium_memzero(text, sizeof(text));
	return rc;
}

/* The N of a name "keyset-N" (decimal, no leading zero, 1..65535), or 0. */
static unsigned
id_of_name(const char *name)
{
	const char *p = name + strlen(NAME_PREFIX);
	unsigned long id = 0;

	if (strncmp(name, NAME_PREFIX, strlen(NAME_PREFIX)) != 0 ||
	    *p == '0' || *p == '\0')
		return 0;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		id = id * 10 + (unsigned long)(*p - '0');
		if (id > KEYSET_ID_MAX)
			return 0;
	}
	return (unsigned)id;
}

int
keyset_highest_id(const char *dir, unsigned *id, struct nvr_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *entry;

	*id = 0;
	if (d == NULL)
		return nvr_error_set(err, -errno, "cannot list %s: %s", dir,
		    strerror(errno));
	errno = 0;
	while ((entry = readdir(d)) != NULL) {
		unsigned n = id_of_name(entry->d_name);

		if (n > *id)
			*id = n;
	}
	if (errno != 0) {
		int saved = errno;

		closedir(d);
		return nvr_error_set(err, -saved, "cannot list %s: %s", dir,
		    strerror(saved));
	}
	closedir(d);
	return 0;
}

void
keyset_wipe(struct keyset *ks)
{
	sodium_memzero(ks, sizeof(*ks));
}

int
keyset_provision(const struct keyset *ks, const char *serial,
    struct provisioning *p)
{
	memset(p, 0, sizeof(*p));
	if (!protocol_name_ok(serial) ||
	    protocol_device_key(ks->master, ks->id, serial,
	    p->device_key) != 0) {
		provisioning_wipe(p);
		return -EINVAL;
	}
	memcpy(p->serial, serial, strlen(serial) + 1);
	p->key_id = ks->id;
	p->demo = ks->demo;
	memcpy(p->vendor_public_key, ks->sign_public,
	    sizeof(p->vendor_public_key));
	return 0;
}
