/*
 * fuzz_config.c: the config loader (libyaml, then the schema with every
 * backend's keys from the registry) on any bytes, written as the config
 * file an integrator would give (mode 0600 in a private folder made once;
 * the loader reads files, as the wizard does).
 *
 * Whatever it is given: it loads (0) with nothing to say, or refuses (-1)
 * with at least one message, each at a line and column of the file (1 or
 * more, and no line past the file's), in words: never a crash, a hang or
 * a leak; the config frees either way.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/registry.h"
#include "config/config.h"
#include "tests/fuzz/fuzz.h"

static char dir[64], path[96];

static void
remove_dir(void)
{
	unlink(path);
	rmdir(dir);
}

static unsigned
lines_in(const uint8_t *data, size_t size)
{
	unsigned n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n' || data[i] == '\r';
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	int fd, rc;

	if (dir[0] == '\0') {
		strcpy(dir, "/tmp/nvr-fuzz-config-XXXXXX");
		FUZZ_CHECK(mkdtemp(dir) != NULL);
		snprintf(path, sizeof(path), "%s/config.yaml", dir);
		atexit(remove_dir);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
	FUZZ_CHECK(close(fd) == 0);

	memset(&cfg, 0, sizeof(cfg));
	rc = config_load(&cfg, path, registry_keys);
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK((rc == 0) == (cfg.diags.count == 0));
	for (size_t i = 0; i < cfg.diags.count; i++) {
		const struct diag *d = &cfg.diags.items[i];

		FUZZ_CHECK(d->message != NULL && d->message[0] != '\0');
		FUZZ_CHECK(d->line >= 1 && d->col >= 1);
		FUZZ_CHECK(d->line <= lines_in(data, size) + 1);
	}
	config_free(&cfg);
	return 0;
}
