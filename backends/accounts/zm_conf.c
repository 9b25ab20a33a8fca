/*
 * zm_conf.c: ZoneMinder's database settings (zm_conf.h).
 *
 * Invariants:
 * 1. A line is read as ZoneMinder 1.36 reads it, so the wizard reaches
 *    the database ZoneMinder itself uses: what ZoneMinder skips is
 *    skipped here too, never refused.
 * 2. Files are opened from a held descriptor of their folder, without
 *    following links, and used only if root or we own them and nobody
 *    else can write them: whoever could change them could point the
 *    wizard at a database of their own.
 * 3. Every buffer that held a file (it holds ZM_DB_PASS) is wiped.
 */
#include "backends/accounts/zm_conf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/trust.h"

#define ZM_CONF_FILE_MAX (256 * 1024)

static bool
blank(char c)
{
	return c == ' ' || c == '\t';
}

static void
set_value(struct zm_conf_value *v, const char *s, size_t n,
    const char *shown, unsigned line)
{
	sodium_memzero(v->text, sizeof(v->text));
	v->set = true;
	v->too_long = n > ZM_CONF_VALUE_MAX;
	if (!v->too_long)
		memcpy(v->text, s, n);
	snprintf(v->from, sizeof(v->from), "%s:%u", shown, line);
}

/* One line (without its end), as process_configfile reads it. */
static void
apply_line(const char *s, size_t n, const char *shown, unsigned line,
    struct zm_conf *conf)
{
	static const struct {
		const char *name;
		size_t offset;
	} keys[] = {
		{ "ZM_DB_HOST", offsetof(struct zm_conf, host) },
		{ "ZM_DB_NAME", offsetof(struct zm_conf, name) },
		{ "ZM_DB_USER", offsetof(struct zm_conf, user) },
		{ "ZM_DB_PASS", offsetof(struct zm_conf, pass) },
	};
	const char *eq, *name_end, *value;

	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	while (n > 0 && blank(*s)) {
		s++;
		n--;
	}
	if (n == 0 || *s == '#')
		return;
	/* Trailing blanks and quotes go, then leading ones of the value. */
	while (n > 0 && (blank(s[n - 1]) || s[n - 1] == '\'' ||
	    s[n - 1] == '"'))
		n--;
	eq = memchr(s, '=', n);
	if (eq == NULL)
		return;
	name_end = eq;
	while (name_end > s && blank(name_end[-1]))
		name_end--;
	value = eq + 1;
	while (value < s + n && blank(*value))
		value++;
	while (value < s + n && (*value == '\'' || *value == '"'))
		value++;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if ((size_t)(name_end - s) == strlen(keys[k].name) &&
		    strncasecmp(s, keys[k].name, strlen(keys[k].name)) == 0)
			set_value((struct zm_conf_value *)((char *)conf +
			    keys[k].offset), value, (size_t)(s + n - value),
			    shown, line);
}

void
zm_conf_apply(const char *text, size_t len, const char *shown,
    struct zm_conf *conf)
{
	unsigned line = 0;

	while (len > 0) {
		const char *end = memchr(text, '\n', len);
		size_t n = end != NULL ? (size_t)(end - text) : len;

		line++;
		/* A NUL ends what fgets and Perl's regex see of a line. */
		apply_line(text, strnlen(text, n), shown, line, conf);
		if (end == NULL)
			break;
		text += n + 1;
		len -= n + 1;
	}
}

int
zm_db_host_parse(const char *value, struct zm_db_host *out,
    struct nvr_error *err)
{
	const char *colon = strchr(value, ':');
	char *end;
	unsigned long port;

	memset(out, 0, sizeof(*out));
	if (strlen(value) > ZM_CONF_VALUE_MAX)
		return nvr_error_set(err, -EINVAL, "ZM_DB_HOST is longer than "
		    "%d bytes", ZM_CONF_VALUE_MAX);
	if (colon == NULL) {
		snprintf(out->host, sizeof(out->host), "%s", value);
		return 0;
	}
	if (colon[1] == '/') {
		snprintf(out->socket, sizeof(out->socket), "%s", colon + 1);
		return 0;
	}
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || errno != 0 ||
	    port == 0 || port > 65535)
		return nvr_error_set(err, -EINVAL, "ZM_DB_HOST '%s': after "
		    "the ':' comes a port (1-65535) or a socket's path", value);
	snprintf(out->host, sizeof(out->host), "%.*s", (int)(colon - value),
	    value);
	out->port = (unsigned)port;
	return 0;
}

/* Whether the file just read (INFO) is one only root or we can change. */
static int
check_file(const char *shown, const struct stat *info,
    struct nvr_error *err)
{
	if ((info->st_uid != 0 && info->st_uid != geteuid()) ||
	    (info->st_mode & 022) != 0)
		return nvr_error_set(err, -EPERM, "%s: another user could "
		    "change it (owner uid %lu, mode %04o); refusing to trust "
		    "it; fix: chown root and chmod go-w %s", shown,
		    (unsigned long)info->st_uid,
		    (unsigned)(info->st_mode & 07777), shown);
	return 0;
}

/* The same for a folder held open as DIR. */
static int
check_folder(int dir, const char *shown, struct nvr_error *err)
{
	struct stat sb;

	if (fstat(dir, &sb) != 0)
		return nvr_error_set(err, -errno, "cannot look at %s: %s",
		    shown, strerror(errno));
	if ((sb.st_uid != 0 && sb.st_uid != geteuid()) ||
	    ((sb.st_mode & 022) != 0 && (sb.st_mode & S_ISVTX) == 0))
		return nvr_error_set(err, -EPERM, "%s: another user could "
		    "change the files in it (owner uid %lu, mode %04o); "
		    "refusing to trust them; fix: chown root and chmod go-w %s",
		    shown, (unsigned long)sb.st_uid,
		    (unsigned)(sb.st_mode & 07777), shown);
	return 0;
}

static int
read_one(int dir, const char *name, const char *shown, struct zm_conf *conf,
    struct nvr_error *err)
{
	struct stat info;
	char *text = NULL;
	size_t len = 0;
	int rc = atomic_file_read_at(dir, name, shown, ZM_CONF_FILE_MAX, &text,
	    &len, &info, err);

	if (rc == 0)
		rc = check_file(shown, &info, err);
	if (rc == 0)
		zm_conf_apply(text, len, shown, conf);
	if (text != NULL)
		sodium_memzero(text, len);
	free(text);
	return rc;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.conf names in the folder DIR (not starting with '.', as glob
 * skips them), sorted, into NAMES (malloc'd each); *COUNT set. */
static int
conf_names(int dir, const char *shown, char **names, size_t *count,
    struct nvr_error *err)
{
	int fd = dup(dir);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	int rc = 0;

	*count = 0;
	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return nvr_error_set(err, -errno, "cannot read %s: %s", shown,
		    strerror(errno));
	}
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (e->d_name[0] == '.' || n < 6 ||
		    strcmp(e->d_name + n - 5, ".conf") != 0)
			continue;
		if (*count == ZM_CONF_FILES_MAX) {
			rc = nvr_error_set(err, -E2BIG, "%s has more than %d "
			    ".conf files", shown, ZM_CONF_FILES_MAX);
			break;
		}
		names[*count] = strdup(e->d_name);
		if (names[*count] == NULL) {
			rc = nvr_error_set(err, -ENOMEM, "out of memory");
			break;
		}
		(*count)++;
	}
	closedir(d);
	qsort(names, *count, sizeof(names[0]), by_name);
	return rc;
}

/* The conf.d folder beside zm.conf, if there is one. */
static int
read_conf_d(int dir, const char *folder, struct zm_conf *conf,
    struct nvr_error *err)
{
	char shown[PATH_MAX], file_shown[PATH_MAX + 256 + 2];
	char *names[ZM_CONF_FILES_MAX];
	size_t count = 0;
	int sub, rc;

	snprintf(shown, sizeof(shown), "%s/conf.d", folder);
	sub = openat(dir, "conf.d", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (sub < 0)
		return errno == ENOENT ? 0 : nvr_error_set(err, -errno,
		    "cannot open %s: %s", shown, strerror(errno));
	rc = check_folder(sub, shown, err);
	if (rc == 0)
		rc = conf_names(sub, shown, names, &count, err);
	for (size_t i = 0; i < count; i++) {
		snprintf(file_shown, sizeof(file_shown), "%s/%s", shown,
		    names[i]);
		if (rc == 0)
			rc = read_one(sub, names[i], file_shown, conf, err);
		free(names[i]);
	}
	close(sub);
	return rc;
}

int
zm_conf_read(const char *path, struct zm_conf *conf, struct nvr_error *err)
{
	char folder[PATH_MAX];
	const char *slash = strrchr(path, '/'), *name;
	int dir, rc;

	memset(conf, 0, sizeof(*conf));
	if (strlen(path) >= sizeof(folder))
		return nvr_error_set(err, -ENAMETOOLONG, "%s: path too long",
		    path);
	if (slash == NULL) {
		strcpy(folder, ".");
		name = path;
	} else {
		snprintf(folder, sizeof(folder), "%.*s",
		    slash == path ? 1 : (int)(slash - path), path);
		name = slash + 1;
	}
	rc = trust_check_folder_of(path, err);
	if (rc != 0)
		return rc;
	dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return nvr_error_set(err, -errno, "cannot open %s: %s", folder,
		    strerror(errno));
	rc = check_folder(dir, folder, err);
	if (rc == 0)
		rc = read_one(dir, name, path, conf, err);
	if (rc == 0)
		rc = read_conf_d(dir, folder, conf, err);
	close(dir);
	if (rc != 0)
		sodium_memzero(conf, sizeof(*conf));
	return rc;
}
