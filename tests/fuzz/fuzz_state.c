/*
 * fuzz_state.c: the wizard's own state files, as a power cut, a bad disk
 * or a curious hand could leave them: the wrong-try counts (attempts),
 * the pending support requests (requests), the factory reset's journal
 * and the recovery store (security questions and keys, read through the
 * recovery backend as a config opens it). The first byte picks the file; the rest is written as it, in
 * a private state folder made once, and read through the backend as the
 * wizard reads it at start.
 *
 * Whatever it is given: the reader answers 0 or a negative errno with a
 * message, never crashes or hangs; and a file it refuses is left byte for
 * byte as it was (refused, never rewritten).
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/attempts.h"
#include "backends/recovery/recovery.h"
#include "backends/registry.h"
#include "config/config.h"
#include "backends/requests/requests.h"
#include "backends/reset/journal.h"
#include "tests/fuzz/fuzz.h"

static char dir[64];

static void
remove_dir(void)
{
	static const char *const names[] = { "attempts", "attempts.lock",
	    "requests", "requests.lock", RESET_JOURNAL_NAME, "recovery",
	    "recovery.lock", "config.yaml" };
	char path[128];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static int
read_attempts(struct nvr_error *err)
{
	const struct attempts_settings settings = { 5, 30, 3600 };
	struct attempts *a = NULL;
	long wait = 0;
	int rc = attempts_open(&a, dir, &settings, err);

	if (rc == 0)
		rc = attempts_wait(a, "system/admin", &wait, err);
	FUZZ_CHECK(rc != 0 || wait >= 0);
	attempts_close(a);
	return rc;
}

static int
read_requests(struct nvr_error *err)
{
	const struct requests_settings settings = { 7 * 86400, 5 };
	struct requests_pending list[REQUESTS_PENDING_MAX];
	struct requests_clock now;
	struct requests *r = NULL;
	size_t count = 0;
	int rc = requests_open(&r, dir, &settings, err);

	if (rc == 0)
		rc = requests_clock_read(&now, err);
	if (rc == 0)
		rc = requests_list(r, &now, list, &count, err);
	FUZZ_CHECK(count <= REQUESTS_PENDING_MAX);
	requests_close(r);
	return rc;
}

/* The recovery backend, opened once from a config whose state folder is
 * DIR: the store itself is read by each call. */
static struct config cfg;
static struct recovery rec;

static void
close_recovery(void)
{
	if (rec.ops != NULL)
		rec.ops->close(rec.state);
	config_free(&cfg);
}

static int
read_recovery(struct nvr_error *err)
{
	struct recovery_enrollment out;
	struct account_key who = { .store = "system", .name = "admin",
	    .uid = ACCOUNT_UID_NONE };
	int rc;

	if (rec.ops == NULL) {
		char path[128];
		int fd;

		snprintf(path, sizeof(path), "%s/config.yaml", dir);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		FUZZ_CHECK(fd >= 0);
		FUZZ_CHECK(dprintf(fd, "device:\n  backend: static\n"
		    "  model: M\n  serial: S\n  firmware: F\n"
		    "state_dir: %s\nrecovery:\n  backend: file\n", dir) > 0);
		FUZZ_CHECK(close(fd) == 0);
		FUZZ_CHECK(config_load(&cfg, path, registry_keys) == 0);
		FUZZ_CHECK(registry_open_recovery(&cfg.recovery, cfg.state_dir,
		    &rec) == 0);
		atexit(close_recovery);
	}
	rc = rec.ops->enrollment(rec.state, &who, &out, err);
	FUZZ_CHECK(rc != 0 || out.question_count <= RECOVERY_QUESTIONS_MAX);
	return rc;
}

static int
read_journal(struct nvr_error *err)
{
	const char *allowed[] = { "/nonexistent-nvr-fuzz" };
	struct reset_journal_status status;

	return reset_journal_peek(dir, allowed, 1, &status, err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "attempts", "requests",
	    RESET_JOURNAL_NAME, "recovery" };
	struct nvr_error err = { "" };
	char path[128];
	unsigned which;
	int fd, rc;

	if (size == 0 || size > 4096)
		return 0;
	if (dir[0] == '\0') {
		strcpy(dir, "/tmp/nvr-fuzz-state-XXXXXX");
		FUZZ_CHECK(mkdtemp(dir) != NULL);
		atexit(remove_dir);
	}
	which = data[0] % 4;
	data++;
	size--;
	snprintf(path, sizeof(path), "%s/%s", dir, names[which]);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
	FUZZ_CHECK(close(fd) == 0);

	rc = which == 0 ? read_attempts(&err) : which == 1 ?
	    read_requests(&err) : which == 2 ? read_journal(&err) :
	    read_recovery(&err);
	FUZZ_CHECK(rc <= 0);
	FUZZ_CHECK(rc == 0 || err.message[0] != '\0');
	if (rc != 0)
		FUZZ_CHECK(fuzz_file_holds(path, data, size));
	unlink(path);
	return 0;
}
