/*
 * fuzz_keyfile.c: keyfile_parse on any bytes, with the fields of a
 * provisioning file (every kind: a name, an id, yes/no, hex) and of a key
 * set (longer hex), each under its own header. The text is handed over
 * in a buffer of exactly its length, with no NUL after it, so a read
 * past the end is an AddressSanitizer report.
 *
 * Whatever it is given, it returns 0 or -EBADMSG with a one-line message
 * "fuzz:LINE: ..." in printable ASCII (invariant 2: unprintable bytes are
 * never quoted). A file it accepts has every field on its own line, and
 * keyfile_format writes back the same bytes once its lines are put in
 * the fields' order: the format has one spelling per value.
 */
#include <errno.h>
#include <stdbool.h>

#include "common/keyfile.h"
#include "common/private_file.h"
#include "common/protocol.h"
#include "common/provisioning.h"
#include "tests/fuzz/fuzz.h"

#define KEYSET_HEADER "# nvr-recovery key set 1"
#define FIELDS_MAX 5
#define OUT_MAX 1024

struct values {
	char serial[PROTOCOL_NAME_MAX + 1];
	unsigned key_id;
	bool demo;
	uint8_t device_key[32];
	uint8_t vendor_key[32];
	uint8_t master[32];
	uint8_t sign_public[32];
	uint8_t sign_secret[64];
};

static size_t
provisioning_fields(struct values *v, struct keyfile_field *f)
{
	const struct keyfile_field all[] = {
		{ "serial", KEYFILE_NAME, v->serial, sizeof(v->serial), 0 },
		{ "key_id", KEYFILE_ID, &v->key_id, 0, 0 },
		{ "demo", KEYFILE_YESNO, &v->demo, 0, 0 },
		{ "device_key", KEYFILE_HEX, v->device_key,
		    sizeof(v->device_key), 0 },
		{ "vendor_public_key", KEYFILE_HEX, v->vendor_key,
		    sizeof(v->vendor_key), 0 },
	};

	memcpy(f, all, sizeof(all));
	return sizeof(all) / sizeof(all[0]);
}

static size_t
keyset_fields(struct values *v, struct keyfile_field *f)
{
	const struct keyfile_field all[] = {
		{ "key_id", KEYFILE_ID, &v->key_id, 0, 0 },
		{ "demo", KEYFILE_YESNO, &v->demo, 0, 0 },
		{ "master", KEYFILE_HEX, v->master, sizeof(v->master), 0 },
		{ "sign_public", KEYFILE_HEX, v->sign_public,
		    sizeof(v->sign_public), 0 },
		{ "sign_secret", KEYFILE_HEX, v->sign_secret,
		    sizeof(v->sign_secret), 0 },
	};

	memcpy(f, all, sizeof(all));
	return sizeof(all) / sizeof(all[0]);
}

static void
check_message(const struct nvr_error *err)
{
	size_t n = strnlen(err->message, sizeof(err->message));

	FUZZ_CHECK(n > 0 && n < sizeof(err->message));
	FUZZ_CHECK(strncmp(err->message, "fuzz:", 5) == 0);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(err->message[i] >= 0x20 && err->message[i] < 0x7f);
}

/* The start of line LINE (1-based) of TEXT (LEN bytes, every line ending
 * in a newline) and its length with the newline, in *N. */
static const char *
line_at(const char *text, size_t len, unsigned line, size_t *n)
{
	const char *p = text, *end = text + len, *nl;

	for (unsigned i = 1; i < line; i++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		FUZZ_CHECK(nl != NULL);
		p = nl + 1;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	FUZZ_CHECK(nl != NULL);
	*n = (size_t)(nl - p) + 1;
	return p;
}

static void
check(const char *text, size_t len, const char *header,
    size_t (*fields_of)(struct values *, struct keyfile_field *))
{
	struct keyfile_field fields[FIELDS_MAX], again[FIELDS_MAX];
	struct values v, w;
	struct nvr_error err = { "" };
	char out[OUT_MAX], sorted[OUT_MAX];
	size_t count, used, n;
	int rc, len2;

	memset(&v, 0, sizeof(v));
	count = fields_of(&v, fields);
	rc = keyfile_parse("fuzz", text, len, header, fields, count, &err);
	FUZZ_CHECK(rc == 0 || rc == -EBADMSG);
	if (rc != 0) {
		check_message(&err);
		return;
	}
	/* The header, then each field on a line of its own. */
	FUZZ_CHECK(len < sizeof(sorted));
	used = strlen(header) + 1;
	FUZZ_CHECK(len >= used && memcmp(text, header, used - 1) == 0);
	memcpy(sorted, text, used);
	for (size_t i = 0; i < count; i++) {
		const char *p;

		FUZZ_CHECK(fields[i].line >= 2 && fields[i].line <= count + 1);
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(fields[i].line != fields[j].line);
		p = line_at(text, len, fields[i].line, &n);
		FUZZ_CHECK(used + n <= len);
		memcpy(sorted + used, p, n);
		used += n;
	}
	FUZZ_CHECK(used == len);
	len2 = keyfile_format(header, fields, count, out, sizeof(out));
	FUZZ_CHECK(len2 > 0 && (size_t)len2 == len);
	FUZZ_CHECK(memcmp(out, sorted, len) == 0);
	/* And what it wrote reads back to the same values. */
	memset(&w, 0, sizeof(w));
	fields_of(&w, again);
	FUZZ_CHECK(keyfile_parse("fuzz", out, (size_t)len2, header, again,
	    count, &err) == 0);
	FUZZ_CHECK(memcmp(&v, &w, sizeof(v)) == 0);
}

static char dir[64];

static void
remove_dir(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/provisioning", dir);
	unlink(path);
	rmdir(dir);
}

/* The provisioning file as the wizard reads it at start: written as
 * TEXT, mode 0600, in a private folder, then provisioning_read (the
 * folder's and file's checks, the parse, the wipe of what it read). It
 * is read whole or refused with a message naming the file, never
 * changed, and what it read has the fields' own bounds. */
static void
read_whole(const char *text, size_t size)
{
	struct provisioning p;
	struct nvr_error err = { "" };
	char path[128];
	int fd, rc;

	if (dir[0] == '\0') {
		strcpy(dir, "/tmp/nvr-fuzz-prov-XXXXXX");
		FUZZ_CHECK(mkdtemp(dir) != NULL);
		atexit(remove_dir);
	}
	snprintf(path, sizeof(path), "%s/provisioning", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(write(fd, text, size) == (ssize_t)size);
	FUZZ_CHECK(close(fd) == 0);
	rc = provisioning_read(path, &p, &err);
	FUZZ_CHECK(rc <= 0);
	if (rc == 0) {
		FUZZ_CHECK(strlen(p.serial) <= PROTOCOL_NAME_MAX);
	} else {
		FUZZ_CHECK(err.message[0] != '\0');
		FUZZ_CHECK(size > PRIVATE_FILE_MAX ||
		    strstr(err.message, path) != NULL);
	}
	provisioning_wipe(&p);
	FUZZ_CHECK(fuzz_file_holds(path, (const uint8_t *)text, size));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size > 0 ? size : 1);

	FUZZ_CHECK(text != NULL);
	fuzz_init();
	if (size > 0)
		memcpy(text, data, size);
	check(text, size, PROVISIONING_HEADER, provisioning_fields);
	check(text, size, KEYSET_HEADER, keyset_fields);
	if (size <= 2 * PRIVATE_FILE_MAX)
		read_whole(text, size);
	free(text);
	return 0;
}
