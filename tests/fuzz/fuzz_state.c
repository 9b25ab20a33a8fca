/*
 * fuzz_state.c: the wizard's own state files, as a power cut, a bad disk
 * or a curious hand could leave them: the wrong-try counts (attempts),
 * the pending support requests (requests) and the factory reset's
 * journal. The first byte picks the file; the rest is written as it, in
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
#include "backends/requests/requests.h"
#include "backends/reset/journal.h"
#include "tests/fuzz/fuzz.h"

static char dir[64];

static void
remove_dir(void)
{
	static const char *const names[] = { "attempts", "attempts.lock",
	    "requests", "requests.lock", RESET_JOURNAL_NAME };
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
	    RESET_JOURNAL_NAME };
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
	which = data[0] % 3;
	data++;
	size--;
	snprintf(path, sizeof(path), "%s/%s", dir, names[which]);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
	FUZZ_CHECK(close(fd) == 0);

	rc = which == 0 ? read_attempts(&err) : which == 1 ?
	    read_requests(&err) : read_journal(&err);
	FUZZ_CHECK(rc <= 0);
	FUZZ_CHECK(rc == 0 || err.message[0] != '\0');
	if (rc != 0)
		FUZZ_CHECK(fuzz_file_holds(path, data, size));
	unlink(path);
	return 0;
}
