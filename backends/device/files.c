/*
 * files.c: device information read from files the firmware already
 * has, such as /proc/device-tree/serial-number,
 * /sys/class/dmi/id/product_serial or /etc/os-release.
 *
 * A field is either given literally (model: NVR-8) or read from a file
 * (model_file: ...). A file is read whole up to its first NUL (device-tree
 * strings end in one) and its first line is the value, unless FIELD_key
 * names a variable in a KEY=value file such as os-release.
 */
#include "backends/device/device.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_READ_MAX 4096	/* bytes; these are one-line files */

static const struct schema_key files_keys[] = {
	{ .name = "serial_file", .type = SCHEMA_PATH, .required = true,
	  .help = "file holding the serial number" },
	{ .name = "serial_key", .type = SCHEMA_STRING,
	  .help = "variable to read if serial_file is KEY=value lines" },
	{ .name = "model", .type = SCHEMA_STRING,
	  .help = "model name, if no file holds it" },
	{ .name = "model_file", .type = SCHEMA_PATH,
	  .help = "file holding the model name" },
	{ .name = "model_key", .type = SCHEMA_STRING,
	  .help = "variable to read if model_file is KEY=value lines" },
	{ .name = "firmware", .type = SCHEMA_STRING,
	  .help = "firmware version, if no file holds it" },
	{ .name = "firmware_file", .type = SCHEMA_PATH,
	  .help = "file holding the firmware version" },
	{ .name = "firmware_key", .type = SCHEMA_STRING,
	  .help = "variable to read if firmware_file is KEY=value lines" },
	{ 0 },
};

/* Reads up to FILE_READ_MAX bytes of PATH into BUF, stopping at a NUL. */
static int
read_small_file(const char *path, char *buf, size_t *len,
    struct nvr_error *err)
{
	/* Checked before the open, not only after: opening a device node
	 * (a watchdog, a tape) can act on it. O_NONBLOCK covers a FIFO that
	 * appears in between. */
	struct stat st;
	int fd = stat(path, &st) != 0 ? -1 : !S_ISREG(st.st_mode) ? -2 :
	    open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	size_t used = 0;

	if (fd == -2)
		return nvr_error_set(err, -EINVAL, "%s is not a regular file",
		    path);
	if (fd < 0)
		return nvr_error_set(err, -errno, "cannot open %s: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return nvr_error_set(err, -EINVAL, "%s is not a regular file",
		    path);
	}
	while (used < FILE_READ_MAX) {
		ssize_t n = read(fd, buf + used, FILE_READ_MAX - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;
			close(fd);
			return nvr_error_set(err, -saved, "cannot read %s: %s",
			    path, strerror(saved));
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	buf[used] = '\0';
	*len = strlen(buf);
	return 0;
}

/* Finds KEY=value in TEXT and returns the value with os-release quoting
 * removed, in place. NULL if KEY is not there. */
static char *
find_variable(char *text, const char *key, size_t *len)
{
	size_t key_len = strlen(key);

	for (char *line = text; line != NULL && *line != '\0';) {
		char *next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		line[strcspn(line, "\r")] = '\0';	/* CRLF files */
		if (strncmp(line, key, key_len) == 0 && line[key_len] == '=') {
			char *value = line + key_len + 1;
			size_t n = strlen(value);
			if (n >= 2 && (value[0] == '"' || value[0] == '\'') &&
			    value[n - 1] == value[0]) {
				value++;
				n -= 2;
			}
			*len = n;
			return value;
		}
		line = next;
	}
	return NULL;
}

/* Fills DST from the literal NAME or the file NAME_file, as configured. */
static bool
load_field(const struct config_section *settings, const char *name,
    char *dst)
{
	char file_key[32], var_key[32], buf[FILE_READ_MAX + 1];
	const char *literal = config_section_string(settings, name);
	const char *variable, *value = buf;
	struct nvr_error err;
	char *path;
	size_t len;

	snprintf(file_key, sizeof(file_key), "%s_file", name);
	snprintf(var_key, sizeof(var_key), "%s_key", name);
	variable = config_section_string(settings, var_key);
	path = config_section_path(settings, file_key);

	if (literal != NULL && path != NULL) {
		config_section_error(settings, name, "give %s or %s, not both",
		    name, file_key);
		free(path);
		return false;
	}
	if (literal != NULL) {
		if (variable != NULL) {
			config_section_error(settings, var_key, "needs %s",
			    file_key);
			return false;
		}
		value = literal;
		len = strlen(literal);
	} else if (path == NULL) {
		config_section_error(settings, NULL, "give %s or %s", name,
		    file_key);
		return false;
	} else if (read_small_file(path, buf, &len, &err) < 0) {
		config_section_error(settings, file_key, "%s", err.message);
		free(path);
		return false;
	} else if (variable != NULL) {
		value = find_variable(buf, variable, &len);
		if (value == NULL) {
			config_section_error(settings, var_key, "%s has no "
			    "variable %s", path, variable);
			free(path);
			return false;
		}
	} else {
		len = strcspn(buf, "\r\n");
	}

	if (device_copy_field(dst, value, len) < 0) {
		config_section_error(settings, literal ? name : file_key,
		    "%s is longer than %d characters", name,
		    DEVICE_FIELD_MAX - 1);
		free(path);
		return false;
	}
	if (dst[0] == '\0') {
		config_section_error(settings, literal ? name : file_key,
		    "%s%s%s is empty", name, path ? " from " : "",
		    path ? path : "");
		free(path);
		return false;
	}
	free(path);
	return true;
}

static void *
files_open(const struct config_section *settings)
{
	struct device_info *info = calloc(1, sizeof(*info));
	bool ok;

	if (info == NULL) {
		config_section_error(settings, NULL, "out of memory");
		return NULL;
	}
	/* Non-short-circuit: every field is checked, so the integrator sees
	 * every problem in one run. */
	ok = load_field(settings, "serial", info->serial);
	ok &= load_field(settings, "model", info->model);
	ok &= load_field(settings, "firmware", info->firmware);
	if (!ok) {
		free(info);
		return NULL;
	}
	return info;
}

static int
files_read_info(void *state, struct device_info *info, struct nvr_error *err)
{
	(void)err;
	/* Read once at open: these files do not change while the wizard
	 * runs, and a file that vanished later must not blank the header. */
	*info = *(const struct device_info *)state;
	return 0;
}

static void
files_close(void *state)
{
	free(state);
}

static const struct device_ops files_ops = {
	.open = files_open,
	.read_info = files_read_info,
	.read_time = device_system_time,
	.close = files_close,
};

const struct backend_impl device_files_impl = {
	.concern = "device",
	.name = "files",
	.summary = "serial, model and firmware read from firmware files",
	.keys = files_keys,
	.ops = &files_ops,
};
