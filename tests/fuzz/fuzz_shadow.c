/*
 * fuzz_shadow.c: the shadow store's reader (backends/accounts/shadow.c)
 * on any etc/passwd and etc/shadow, as a firmware or a hand could leave
 * them: the first two bytes (little-endian) say where the rest is cut
 * into the two files,
 * written under a root folder the store is configured with (made once,
 * with its config). Each input opens the store, lists its accounts and
 * checks a password, as the wizard does at start.
 *
 * Whatever it is given: it opens, or is refused with a message at the
 * config; a list is 0 or a negative errno, with at most the accounts
 * asked for, each named in printable ASCII; a check is 0, -EACCES or
 * another negative errno; and neither file is ever written (a store
 * that does not parse is refused, never rewritten).
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/accounts/accounts.h"
#include "backends/registry.h"
#include "config/config.h"
#include "tests/fuzz/fuzz.h"

static char dir[64], config_path[96], passwd[96], shadow[96];

static void
remove_dir(void)
{
	char path[128];

	unlink(passwd);
	unlink(shadow);
	unlink(config_path);
	snprintf(path, sizeof(path), "%s/root/etc", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/root", dir);
	rmdir(path);
	rmdir(dir);
}

static void
put(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
	FUZZ_CHECK(close(fd) == 0);
}

static void
set_up(void)
{
	static const char text[] = "device:\n"
	    "  backend: static\n  model: M\n  serial: S\n  firmware: F\n"
	    "accounts:\n  backend: shadow\n  root: root\n  admin: admin\n"
	    "  lock_timeout_ms: 0\n";
	char path[128];

	strcpy(dir, "/tmp/nvr-fuzz-shadow-XXXXXX");
	FUZZ_CHECK(mkdtemp(dir) != NULL);
	atexit(remove_dir);
	snprintf(path, sizeof(path), "%s/root", dir);
	FUZZ_CHECK(mkdir(path, 0755) == 0);
	snprintf(path, sizeof(path), "%s/root/etc", dir);
	FUZZ_CHECK(mkdir(path, 0755) == 0);
	snprintf(config_path, sizeof(config_path), "%s/config.yaml", dir);
	snprintf(passwd, sizeof(passwd), "%s/root/etc/passwd", dir);
	snprintf(shadow, sizeof(shadow), "%s/root/etc/shadow", dir);
	put(config_path, (const uint8_t *)text, sizeof(text) - 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct account accounts[8];
	struct accounts acc = { 0 };
	struct config cfg;
	struct nvr_error err = { "" };
	size_t cut, count = 0;
	int rc;

	if (size < 2 || size > 8192)
		return 0;
	if (dir[0] == '\0')
		set_up();
	cut = (size_t)data[0] | (size_t)data[1] << 8;
	data += 2;
	size -= 2;
	cut = cut < size ? cut : size;
	put(passwd, data, cut);
	put(shadow, data + cut, size - cut);

	memset(&cfg, 0, sizeof(cfg));
	FUZZ_CHECK(config_load(&cfg, config_path, registry_keys) == 0);
	rc = registry_open_accounts(&cfg.stores[0].section, &acc);
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(rc == 0 || cfg.diags.count > 0);
	if (rc == 0) {
		rc = acc.ops->list(acc.state, accounts, 8, &count, &err);
		FUZZ_CHECK(rc <= 0 && count <= 8);
		FUZZ_CHECK(rc == 0 || err.message[0] != '\0');
		for (size_t i = 0; rc == 0 && i < count; i++)
			for (const char *p = accounts[i].name; *p != '\0'; p++)
				FUZZ_CHECK(*p > ' ' && *p < 0x7f);
		rc = acc.ops->verify(acc.state, "admin", "Fuzz-Pass-1", &err);
		FUZZ_CHECK(rc <= 0);
		acc.ops->close(acc.state);
	}
	FUZZ_CHECK(fuzz_file_holds(passwd, data, cut));
	FUZZ_CHECK(fuzz_file_holds(shadow, data + cut, size - cut));
	config_free(&cfg);
	return 0;
}
