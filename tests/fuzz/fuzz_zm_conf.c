/*
 * fuzz_zm_conf.c: zm_conf_apply on any bytes, as zm.conf and then a
 * conf.d file (the first byte says where the input is cut in two), and
 * zm_db_host_parse on whatever ZM_DB_HOST came out. Each part is handed
 * over in a buffer of exactly its length, with no NUL after it, so a
 * read past the end is an AddressSanitizer report.
 *
 * Whatever it is given: every value set names the file and a line that
 * exists, holds no line end and no trailing blank or quote, and fits (or
 * is marked too long and kept empty); the second file's values win over
 * the first's, exactly as if it were read alone; a host that parses has
 * a port of 0 to 65535 and a socket that is a path.
 */
#include <stdbool.h>

#include "backends/accounts/zm_conf.h"
#include "tests/fuzz/fuzz.h"

static unsigned
lines_in(const char *s, size_t len)
{
	unsigned n = 1;

	for (size_t i = 0; i + 1 < len; i++)
		n += s[i] == '\n';
	return n;
}

static void
check_value(const struct zm_conf_value *v, const char *shown, unsigned lines)
{
	size_t len = strnlen(v->text, sizeof(v->text));
	unsigned line;
	char file[16];

	FUZZ_CHECK(len < sizeof(v->text));
	if (!v->set) {
		FUZZ_CHECK(len == 0 && !v->too_long);
		return;
	}
	FUZZ_CHECK(!v->too_long || len == 0);
	FUZZ_CHECK(memchr(v->text, '\n', len) == NULL);
	FUZZ_CHECK(len == 0 || (v->text[len - 1] != ' ' &&
	    v->text[len - 1] != '\t' && v->text[len - 1] != '\'' &&
	    v->text[len - 1] != '"'));
	FUZZ_CHECK(sscanf(v->from, "%15[^:]:%u", file, &line) == 2);
	FUZZ_CHECK(strcmp(file, shown) == 0 || strcmp(file, "zm.conf") == 0);
	FUZZ_CHECK(line >= 1 && (strcmp(file, shown) != 0 || line <= lines));
}

static bool
same(const struct zm_conf_value *a, const struct zm_conf_value *b)
{
	return a->set == b->set && a->too_long == b->too_long &&
	    strcmp(a->text, b->text) == 0 && strcmp(a->from, b->from) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zm_conf both, first, second;
	const struct zm_conf_value *b[4], *f[4], *s[4];
	struct zm_db_host host;
	struct nvr_error err;
	size_t cut;
	char *one, *two;

	if (size == 0)
		return 0;
	cut = data[0] % (size);
	data++;
	size--;
	cut = cut < size ? cut : size;
	one = malloc(cut ? cut : 1);
	two = malloc(size - cut ? size - cut : 1);
	FUZZ_CHECK(one != NULL && two != NULL);
	memcpy(one, data, cut);
	memcpy(two, data + cut, size - cut);

	memset(&both, 0, sizeof(both));
	memset(&first, 0, sizeof(first));
	memset(&second, 0, sizeof(second));
	zm_conf_apply(one, cut, "zm.conf", &both);
	zm_conf_apply(two, size - cut, "99.conf", &both);
	zm_conf_apply(one, cut, "zm.conf", &first);
	zm_conf_apply(two, size - cut, "99.conf", &second);

	b[0] = &both.host, b[1] = &both.name, b[2] = &both.user;
	b[3] = &both.pass;
	f[0] = &first.host, f[1] = &first.name, f[2] = &first.user;
	f[3] = &first.pass;
	s[0] = &second.host, s[1] = &second.name, s[2] = &second.user;
	s[3] = &second.pass;
	for (int i = 0; i < 4; i++) {
		check_value(f[i], "zm.conf", lines_in(one, cut));
		check_value(s[i], "99.conf", lines_in(two, size - cut));
		/* Later files win; a key they do not set keeps zm.conf's. */
		FUZZ_CHECK(same(b[i], s[i]->set ? s[i] : f[i]));
	}

	if (both.host.set && !both.host.too_long &&
	    zm_db_host_parse(both.host.text, &host, &err) == 0) {
		FUZZ_CHECK(host.port <= 65535);
		FUZZ_CHECK(host.socket[0] == '\0' || host.socket[0] == '/');
		FUZZ_CHECK(strchr(host.host, ':') == NULL);
		FUZZ_CHECK(host.socket[0] == '\0' || host.port == 0);
	}
	free(one);
	free(two);
	return 0;
}
