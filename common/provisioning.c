/*
 * provisioning.c: making, writing and reading a device's provisioning
 * file (see provisioning.h for the file and its invariants).
 */
#include "common/provisioning.h"

#include <errno.h>
#include <string.h>

#include "common/keyfile.h"
#include "common/private_file.h"

#define TEXT_MAX 512

/* The fields of P, in the file's order. */
static size_t
fields_of(struct provisioning *p, struct keyfile_field fields[5])
{
	const struct keyfile_field all[5] = {
		{ "serial", KEYFILE_NAME, p->serial, sizeof(p->serial), 0 },
		{ "key_id", KEYFILE_ID, &p->key_id, 0, 0 },
		{ "demo", KEYFILE_YESNO, &p->demo, 0, 0 },
		{ "device_key", KEYFILE_HEX, p->device_key,
		    sizeof(p->device_key), 0 },
		{ "vendor_public_key", KEYFILE_HEX, p->vendor_public_key,
		    sizeof(p->vendor_public_key), 0 },
	};

	memcpy(fields, all, sizeof(all));
	return 5;
}

int
provisioning_write(const char *path, const struct provisioning *p,
    struct nvr_error *err)
{
	struct provisioning copy = *p;	/* the fields point at writable data */
	struct keyfile_field fields[5];
	char text[TEXT_MAX];
	size_t count = fields_of(&copy, fields);
	int len, rc;

	len = keyfile_format(PROVISIONING_HEADER, fields, count, text,
	    sizeof(text));
	provisioning_wipe(&copy);
	if (len < 0)
		rc = nvr_error_set(err, len, "cannot write %s: %s", path,
		    strerror(-len));
	else
		rc = private_file_create(path, text, (size_t)len, err);
	sodium_memzero(text, sizeof(text));
	return rc;
}

int
provisioning_read(const char *path, struct provisioning *p,
    struct nvr_error *err)
{
	struct keyfile_field fields[5];
	size_t len, count = fields_of(p, fields);
	char *text;
	int rc;

	memset(p, 0, sizeof(*p));
	/* It lives on the recorder, in a folder like /etc/nvr-recovery. */
	rc = private_file_read_system(path, PRIVATE_FILE_MAX, &text, &len,
	    err);
	if (rc != 0)
		return rc;
	rc = keyfile_parse(path, text, len, PROVISIONING_HEADER, fields,
	    count, err);
	private_file_free(text, len);
	if (rc != 0)
		provisioning_wipe(p);
	return rc;
}

void
provisioning_wipe(struct provisioning *p)
{
	sodium_memzero(p, sizeof(*p));
}
