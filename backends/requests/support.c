/* support.c: the recorder's side of Support & reset code. */
#include "backends/requests/support.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#define RESET_FILE_SUFFIX ".nvrreset"

struct support {
	struct support_settings settings;
	struct requests *requests;
	struct requests_device dev;
	uint8_t vendor_public[crypto_sign_PUBLICKEYBYTES];
	struct attempts *budget;
};

int
support_open(struct support **out, const struct support_settings *settings,
    const struct requests_device *dev,
    const uint8_t vendor_public[crypto_sign_PUBLICKEYBYTES],
    struct attempts *budget, struct nvr_error *err)
{
	struct support *s = calloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	if (s == NULL)
		return nvr_error_set(err, -ENOMEM, "out of memory");
	rc = requests_open(&s->requests, settings->state_dir,
	    &settings->requests, err);
	if (rc != 0) {
		free(s);
		return rc;
	}
	s->settings = *settings;
	s->dev = *dev;
	memcpy(s->vendor_public, vendor_public, sizeof(s->vendor_public));
	s->budget = budget;
	*out = s;
	return 0;
}

/* The URL template with {request} replaced by COMPACT, or COMPACT. */
static void
qr_text(const struct support *s, const char *compact, char *qr)
{
	const char *url = s->settings.url, *at;

	if (url == NULL || (at = strstr(url, "{request}")) == NULL) {
		snprintf(qr, SUPPORT_QR_TEXT_MAX, "%s", compact);
		return;
	}
	snprintf(qr, SUPPORT_QR_TEXT_MAX, "%.*s%s%s", (int)(at - url), url,
	    compact, at + strlen("{request}"));
}

int
support_request(struct support *s, const struct account_key *who,
    bool fresh,
    bool make_if_none, char *text, char *qr, bool *made, bool *dropped,
    long *seconds_left, struct nvr_error *err)
{
	char compact[PROTOCOL_REQUEST_TEXT_MAX];
	struct requests_clock now;
	int rc;

	*made = *dropped = false;
	qr[0] = '\0';
	rc = requests_clock_read(&now, err);
	if (rc != 0)
		return rc;
	rc = fresh ? -ENOENT : requests_current(s->requests, &s->dev, who,
	    &now, text, PROTOCOL_REQUEST_TEXT_MAX, compact, sizeof(compact),
	    seconds_left, err);
	if (rc == -ENOENT && !fresh && !make_if_none)
		return rc;
	if (rc == -ENOENT) {
		rc = requests_make(s->requests, &s->dev, who, &now, text,
		    PROTOCOL_REQUEST_TEXT_MAX, dropped, err);
		if (rc != 0)
			return rc;
		*made = true;
		rc = requests_current(s->requests, &s->dev, who, &now,
		    text, PROTOCOL_REQUEST_TEXT_MAX, compact, sizeof(compact),
		    seconds_left, err);
	}
	if (rc == 0)
		qr_text(s, compact, qr);
	return rc;
}

int
support_try_code(struct support *s, const struct account_key *who,
    enum protocol_action action, const char *typed,
    uint8_t nonce[PROTOCOL_NONCE_BYTES], long *wait_s,
    struct nvr_error *err)
{
	struct requests_clock now;
	int rc = requests_clock_read(&now, err);

	*wait_s = 0;
	if (rc != 0)
		return rc;
	return requests_try_code(s->requests, s->budget, &s->dev, who,
	    action, typed, &now, false, nonce, wait_s, err);
}

int
support_spend(struct support *s, const uint8_t nonce[PROTOCOL_NONCE_BYTES],
    struct nvr_error *err)
{
	struct nvr_error ignored;
	struct requests_clock now;
	int rc = requests_clock_read(&now, err);

	if (rc == 0)
		rc = requests_spend(s->requests, &s->dev, nonce, &now, err);
	/* Proven and used: the wrong codes before it were the owner's. */
	if (rc == 0)
		(void)attempts_succeeded(s->budget, REQUESTS_BUDGET_NAME,
		    &ignored);
	return rc;
}

int
support_unspend(struct support *s, const uint8_t nonce[PROTOCOL_NONCE_BYTES],
    struct nvr_error *err)
{
	struct requests_clock now;
	int rc = requests_clock_read(&now, err);

	if (rc != 0)
		return rc;
	return requests_unspend(s->requests, &s->dev, nonce, &now, err);
}

/* Reads a reset file safely: a regular file, not through a symlink, not
 * a FIFO that blocks, at most RESET_FILE_MAX bytes. *DATA is malloc'd. */
static int
read_reset_file(const char *path, char **data, size_t *len,
    struct nvr_error *err)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
	    O_NOCTTY);
	struct stat st;
	ssize_t n;

	*data = NULL;
	if (fd < 0)
		return nvr_error_set(err, -errno, "cannot open it: %s",
		    strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return nvr_error_set(err, -EINVAL, "not a regular file");
	}
	if (st.st_size > RESET_FILE_MAX) {
		close(fd);
		return nvr_error_set(err, -EFBIG, "too large to be a reset "
		    "file");
	}
	*data = malloc((size_t)st.st_size + 1);
	if (*data == NULL) {
		close(fd);
		return nvr_error_set(err, -ENOMEM, "out of memory");
	}
	n = read(fd, *data, (size_t)st.st_size + 1);
	close(fd);
	if (n < 0 || n > st.st_size) {
		free(*data);
		*data = NULL;
		return nvr_error_set(err, -EIO, "cannot read it");
	}
	*len = (size_t)n;
	(*data)[n] = '\0';
	return 0;
}

/* Whether the request named by NONCE is pending: 0, -EALREADY (used),
 * or another negative errno (unknown, expired, unreadable); WHO gets
 * its account. */
static int
pending(const struct support *s, const uint8_t *nonce,
    struct account_key *who)
{
	struct requests_clock now;
	struct nvr_error err;

	if (requests_clock_read(&now, &err) != 0)
		return -EIO;
	return requests_status(s->requests, &s->dev, nonce, &now, who, &err);
}

/* Whether the file at PATH is signed for this recorder, and if not why. */
static void
examine(const struct support *s, struct support_file *f)
{
	struct nvr_error err;
	struct reset_file rf;
	size_t len, bad_line = 0;
	char *data;
	int rc;

	f->usable = false;
	if (read_reset_file(f->path, &data, &len, &err) != 0) {
		snprintf(f->problem, sizeof(f->problem), "unreadable: %s",
		    err.message);
		return;
	}
	rc = reset_file_verify(data, len, s->vendor_public, &rf, &bad_line);
	free(data);
	if (rc == -EACCES)
		snprintf(f->problem, sizeof(f->problem), "bad signature: not "
		    "from this recorder's vendor");
	else if (rc != 0)
		snprintf(f->problem, sizeof(f->problem), "not a reset file "
		    "(line %zu)", bad_line);
	else if (strcmp(rf.serial, s->dev.serial) != 0)
		snprintf(f->problem, sizeof(f->problem), "for another recorder "
		    "(serial %s)", rf.serial);
	else if (rf.key_id != s->dev.key_id)
		snprintf(f->problem, sizeof(f->problem), "made with key set "
		    "%u; this recorder uses %u", rf.key_id, s->dev.key_id);
	else if ((rc = pending(s, rf.nonce, &f->who)) == -EALREADY)
		snprintf(f->problem, sizeof(f->problem), "already used");
	else if (rc != 0)
		snprintf(f->problem, sizeof(f->problem), "no such request is "
		    "waiting (it expired, or was made elsewhere)");
	else {
		f->usable = true;
		f->action = rf.action;
	}
}

int
support_find_files(struct support *s, struct support_file *files,
    size_t max, size_t *count, struct nvr_error *err)
{
	*count = 0;
	for (size_t i = 0; i < s->settings.folder_count; i++) {
		char pattern[PATH_MAX];
		glob_t g;

		if (snprintf(pattern, sizeof(pattern), "%s/*" RESET_FILE_SUFFIX,
		    s->settings.folders[i]) >= (int)sizeof(pattern))
			continue;
		if (glob(pattern, 0, NULL, &g) != 0)
			continue;
		for (size_t k = 0; k < g.gl_pathc && *count < max; k++) {
			struct support_file *f = &files[*count];
			const char *base = strrchr(g.gl_pathv[k], '/');
			size_t n;

			memset(f, 0, sizeof(*f));
			if (snprintf(f->path, sizeof(f->path), "%s",
			    g.gl_pathv[k]) >= (int)sizeof(f->path))
				continue;
			base = base != NULL ? base + 1 : g.gl_pathv[k];
			for (n = 0; base[n] != '\0' && n + 1 < sizeof(f->name);
			    n++)
				f->name[n] = (char)(base[n] > 0x20 &&
				    base[n] < 0x7f ? base[n] : '?');
			f->name[n] = '\0';
			examine(s, f);
			(*count)++;
		}
		globfree(&g);
	}
	(void)err;
	return 0;
}

int
support_try_file(struct support *s, const char *path,
    enum protocol_action want, bool use, struct reset_file *out,
    struct account_key *who, long *wait_s, struct nvr_error *err)
{
	struct requests_clock now;
	size_t len, bad_line = 0;
	char *data;
	int rc;

	*wait_s = 0;
	rc = requests_clock_read(&now, err);
	if (rc != 0)
		return rc;
	rc = read_reset_file(path, &data, &len, err);
	if (rc != 0)
		return rc;
	/* Only what the screen can carry out may be used up: the bytes
	 * checked here are the ones redeemed below. */
	if (reset_file_parse(data, len, out, &bad_line) == 0 &&
	    out->action != want) {
		free(data);
		return nvr_error_set(err, -EPERM, out->action ==
		    PROTOCOL_FACTORY_RESET ? "that file is for a factory "
		    "reset; it was not used" : "that file sets a password "
		    "(Support & reset code); it was not used");
	}
	rc = requests_try_file(s->requests, s->budget, &s->dev,
	    s->vendor_public, data, len, &now, use, out, who, wait_s, err);
	free(data);
	return rc;
}

void
support_close(struct support *s)
{
	if (s == NULL)
		return;
	requests_close(s->requests);
	sodium_memzero(&s->dev, sizeof(s->dev));
	free(s);
}
