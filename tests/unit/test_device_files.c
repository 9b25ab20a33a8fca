/*
 * test_device_files.c: the files device backend (backends/device/files.c),
 * opened through config_load() and registry_open_device().
 *
 * Each test writes its config and the files it names into a fresh folder
 * from mkdtemp(3), removed in teardown, and checks every diagnostic at
 * its exact line and column.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "backends/registry.h"
#include "config/config.h"
#include "config/diag.h"
#include "tests/unit/support.h"

/* ------------------------------------------------------------------ */
/* Fixture                                                             */

static int
fx_setup(void **state)
{
	return support_fx_setup(state, "files");
}

/* Writes the string LITERAL as NAME in the fixture's folder. */
#define PUT(fx, name, literal) support_put_file((fx), (name), (literal), \
	sizeof(literal) - 1, 0644)

/* Loads TEXT as config.yaml (it must pass the schema check) and opens
 * its device; on success reads the info into fx->info. */
static int
open_text(struct support_fx *fx, const char *text)
{
	struct nvr_error err;
	int rc;

	rc = support_open_text(fx, text);
	if (rc == 0) {
		assert_non_null(fx->dev.state);
		assert_int_equal(device_read_info(&fx->dev, &fx->info, &err),
		    0);
	} else {
		assert_null(fx->dev.ops);
		assert_null(fx->dev.state);
	}
	return rc;
}

/* Like open_text, for a config that must open; shows why if not. */
static void
open_ok(struct support_fx *fx, const char *text, const char *file,
    int line)
{
	if (open_text(fx, text) == 0 && fx->cfg.diags.count == 0)
		return;
	print_error("the device did not open:\n");
	diag_print(&fx->cfg.diags, stderr);
	_fail(file, line);
}

#define OPEN_OK(fx, text) open_ok((fx), (text), __FILE__, __LINE__)

/* ------------------------------------------------------------------ */
/* Diagnostic assertions                                               */

/* The open must fail with the one diagnostic at L:C reading MSG, where
 * a "%s" in MSG stands for the fixture's folder. */
#define assert_open_fails_once(fixture, text, l, c, msg) do { \
	struct support_fx *of_fx = (fixture); \
	char *of_msg; \
	assert_int_equal(open_text(of_fx, (text)), -1); \
	of_msg = support_expand((msg), of_fx->dir); \
	assert_diag_count(&of_fx->cfg.diags, 1); \
	assert_diag(&of_fx->cfg.diags, (l), (c), of_msg); \
	free(of_msg); \
} while (0)

/* ------------------------------------------------------------------ */
/* Accepted configs                                                    */

/* serial_file: serial.txt is the serial.txt next to the config. */
static void
test_files_open_ok_relative_path(void **state)
{
	struct support_fx *fx = *state;

	PUT(fx, "serial.txt", "SN-REL-0001\n");
	OPEN_OK(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial.txt\n"
	    "  model: NVR-8\n"
	    "  firmware: 4.2.1\n");
	assert_ptr_equal(fx->dev.ops, device_files_impl.ops);
	assert_string_equal(fx->info.serial, "SN-REL-0001");
	assert_string_equal(fx->info.model, "NVR-8");
	assert_string_equal(fx->info.firmware, "4.2.1");
}

static void
test_files_open_ok_relative_subfolder(void **state)
{
	struct support_fx *fx = *state;
	char *sub = support_in_dir(fx, "id");

	assert_int_equal(mkdir(sub, 0700), 0);
	free(sub);
	PUT(fx, "id/serial", "SN-SUB\n");
	PUT(fx, "id/model", "NVR-SUB\n");
	OPEN_OK(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: id/serial\n"
	    "  model_file: ./id/model\n"
	    "  firmware: 1\n");
	assert_string_equal(fx->info.serial, "SN-SUB");
	assert_string_equal(fx->info.model, "NVR-SUB");
	assert_string_equal(fx->info.firmware, "1");
}

/* A config named relative to the working folder: paths in it are still
 * relative to the config's own folder. */
static void
test_files_open_ok_config_path_relative(void **state)
{
	struct support_fx *fx = *state;
	struct nvr_error err;
	int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	const char *text =
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial.txt\n"
	    "  model: M\n"
	    "  firmware: F\n";
	int rc;

	assert_true(here >= 0);
	PUT(fx, "serial.txt", "SN-CWD\n");
	support_write_file(fx->path, text, strlen(text), 0600);
	assert_int_equal(chdir(fx->dir), 0);
	rc = support_load_path(fx, "config.yaml");
	if (rc == 0)
		rc = registry_open_device(&fx->cfg.device, &fx->dev);
	assert_int_equal(fchdir(here), 0);
	close(here);
	assert_int_equal(rc, 0);
	assert_int_equal(device_read_info(&fx->dev, &fx->info, &err), 0);
	assert_string_equal(fx->info.serial, "SN-CWD");
}

static void
test_files_open_ok_absolute_paths(void **state)
{
	struct support_fx *fx = *state;
	char *text;

	PUT(fx, "a-serial", "SN-ABS\n");
	PUT(fx, "a-fw", "9.9.9\n");
	assert_true(asprintf(&text,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: %1$s/a-serial\n"
	    "  model: M\n"
	    "  firmware_file: %1$s/a-fw\n", fx->dir) > 0);
	OPEN_OK(fx, text);
	free(text);
	assert_string_equal(fx->info.serial, "SN-ABS");
	assert_string_equal(fx->info.firmware, "9.9.9");
}

/* An os-release file: firmware_key and model_key pick variables, quotes
 * are removed, and a variable is not found by a prefix of its name. */
static void
test_files_open_ok_os_release(void **state)
{
	struct support_fx *fx = *state;

	PUT(fx, "os-release",
	    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
	    "NAME=\"Debian GNU/Linux\"\n"
	    "VERSION=\"12 (bookworm)\"\n"
	    "VERSION_ID=\"12\"\n"
	    "ID=debian\n"
	    "BUILD_ID='2024-05-01'\n");
	OPEN_OK(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: os-release\n"
	    "  serial_key: BUILD_ID\n"
	    "  model_file: os-release\n"
	    "  model_key: NAME\n"
	    "  firmware_file: os-release\n"
	    "  firmware_key: VERSION_ID\n");
	assert_string_equal(fx->info.serial, "2024-05-01");
	assert_string_equal(fx->info.model, "Debian GNU/Linux");
	assert_string_equal(fx->info.firmware, "12");
}

static void
test_files_open_ok_key_value_unquoted_last_line(void **state)
{
	struct support_fx *fx = *state;

	/* VERSION_ID before VERSION: VERSION must not match VERSION_ID. */
	PUT(fx, "release",
	    "VERSION_ID=\"12.5\"\n"
	    "ID=debian\n"
	    "VERSION=12.5 (test)");
	OPEN_OK(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: release\n"
	    "  serial_key: ID\n"
	    "  model: M\n"
	    "  firmware_file: release\n"
	    "  firmware_key: VERSION\n");
	assert_string_equal(fx->info.serial, "debian");
	assert_string_equal(fx->info.firmware, "12.5 (test)");
}

/* Device-tree strings end in a NUL: the value stops there. */
static void
test_files_open_ok_device_tree(void **state)
{
	struct support_fx *fx = *state;

	PUT(fx, "serial-number", "SN123\0");
	PUT(fx, "model", "Acme NVR-8\0acme,nvr8\0");
	OPEN_OK(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial-number\n"
	    "  model_file: model\n"
	    "  firmware: F\n");
	assert_string_equal(fx->info.serial, "SN123");
	assert_string_equal(fx->info.model, "Acme NVR-8");
}

/* Only the first line counts; CR LF and surrounding blanks go. */
static void
test_files_open_ok_first_line_trimmed(void **state)
{
	struct support_fx *fx = *state;

	PUT(fx, "serial", "SN-FIRST\nSN-SECOND\n");
	PUT(fx, "model", "  NVR 8 \t\r\nother\r\n");
	PUT(fx, "firmware", "4.2.1");
	OPEN_OK(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial\n"
	    "  model_file: model\n"
	    "  firmware_file: firmware\n");
	assert_string_equal(fx->info.serial, "SN-FIRST");
	assert_string_equal(fx->info.model, "NVR 8");
	assert_string_equal(fx->info.firmware, "4.2.1");
}

static void
test_files_open_ok_control_characters(void **state)
{
	struct support_fx *fx = *state;

	PUT(fx, "serial", "SN\x01\x1b[31mX\x7f\xc3\xa9\n");
	OPEN_OK(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial\n"
	    "  model: M\n"
	    "  firmware: F\n");
	assert_string_equal(fx->info.serial, "SN??[31mX???");
}

static void
test_files_open_ok_63_chars(void **state)
{
	struct support_fx *fx = *state;
	char serial[65];

	memset(serial, 'S', 63);
	serial[63] = '\n';
	serial[64] = '\0';
	support_put_file(fx, "serial", serial, 64, 0644);
	serial[63] = '\0';
	OPEN_OK(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial\n"
	    "  model: M\n"
	    "  firmware: F\n");
	assert_string_equal(fx->info.serial, serial);
}

/* A long file is fine as long as its first line is short. */
static void
test_files_open_ok_long_file(void **state)
{
	struct support_fx *fx = *state;
	char big[10000];

	memset(big, 'x', sizeof(big));
	memcpy(big, "SN-BIG\n", 7);
	support_put_file(fx, "serial", big, sizeof(big), 0644);
	OPEN_OK(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial\n"
	    "  model: M\n"
	    "  firmware: F\n");
	assert_string_equal(fx->info.serial, "SN-BIG");
}

/* Literal values are typed by the schema, not by YAML. */
static void
test_files_open_ok_values_typed_by_schema(void **state)
{
	struct support_fx *fx = *state;

	PUT(fx, "serial", "0012\n");
	OPEN_OK(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial\n"
	    "  model: no\n"
	    "  firmware: 1.10\n");
	assert_string_equal(fx->info.serial, "0012");
	assert_string_equal(fx->info.model, "no");
	assert_string_equal(fx->info.firmware, "1.10");
}

/* The values are read at open: a file removed later does not matter. */
static void
test_files_read_info_ok_after_file_removed(void **state)
{
	struct support_fx *fx = *state;
	struct device_info info;
	struct nvr_error err;
	struct timespec now;
	char *serial = support_in_dir(fx, "serial");

	PUT(fx, "serial", "SN-KEPT\n");
	OPEN_OK(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial\n"
	    "  model: M\n"
	    "  firmware: F\n");
	assert_int_equal(unlink(serial), 0);
	free(serial);
	assert_int_equal(device_read_info(&fx->dev, &info, &err), 0);
	assert_string_equal(info.serial, "SN-KEPT");
	assert_int_equal(device_read_time(&fx->dev, &now, &err), 0);
	assert_true(now.tv_sec > 0);
	device_close(&fx->dev);
	assert_null(fx->dev.ops);
	device_close(&fx->dev);
}

/* ------------------------------------------------------------------ */
/* Refused configs: what the backend finds when it opens               */

/*
 * A missing file is reported on the serial_file line, at its value (the
 * path at fault), with the resolved path in the message.
 */
static void
test_files_open_nok_missing_serial_file(void **state)
{
	assert_open_fails_once(*state,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: no-such-serial\n"
	    "  model: M\n"
	    "  firmware: F\n",
	    3, 16, "device.serial_file: cannot open %s/no-such-serial: No "
	    "such file or directory");
}

static void
test_files_open_nok_missing_model_file(void **state)
{
	struct support_fx *fx = *state;

	PUT(fx, "serial", "SN\n");
	assert_open_fails_once(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial\n"
	    "  firmware: F\n"
	    "  model_file:   gone/model\n",
	    5, 17, "device.model_file: cannot open %s/gone/model: No such "
	    "file or directory");
}

/* KEY=value files written on Windows still give clean values. */
static void
test_files_open_ok_os_release_crlf(void **state)
{
	struct support_fx *fx = *state;

	PUT(fx, "os-release", "NAME=\"NVR OS\"\r\nVERSION_ID=\"4.2\"\r\n");
	OPEN_OK(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: os-release\n"
	    "  serial_key: NAME\n"
	    "  model: M\n"
	    "  firmware_file: os-release\n"
	    "  firmware_key: VERSION_ID\n");
	assert_string_equal(fx->info.serial, "NVR OS");
	assert_string_equal(fx->info.firmware, "4.2");
}

/* A FIFO nobody writes to must be refused at once, not waited on. */
static void
test_files_open_nok_serial_file_is_fifo(void **state)
{
	struct support_fx *fx = *state;
	char *fifo = support_in_dir(fx, "serial");

	assert_int_equal(mkfifo(fifo, 0600), 0);
	free(fifo);
	alarm(5);	/* a hang fails the test instead of the whole run */
	assert_open_fails_once(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial\n"
	    "  model: M\n"
	    "  firmware: F\n",
	    3, 16, "device.serial_file: %s/serial is not a regular file");
	alarm(0);
}

static void
test_files_open_nok_serial_file_is_folder(void **state)
{
	struct support_fx *fx = *state;
	char *sub = support_in_dir(fx, "sub");

	assert_int_equal(mkdir(sub, 0700), 0);
	free(sub);
	assert_open_fails_once(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: sub\n"
	    "  model: M\n"
	    "  firmware: F\n",
	    3, 16, "device.serial_file: %s/sub is not a regular file");
}

static void
test_files_open_nok_model_and_model_file(void **state)
{
	struct support_fx *fx = *state;

	PUT(fx, "serial", "SN\n");
	PUT(fx, "model", "NVR\n");
	assert_open_fails_once(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial\n"
	    "  model_file: model\n"
	    "  model: NVR-8\n"
	    "  firmware: F\n",
	    5, 10, "device.model: give model or model_file, not both");
}

static void
test_files_open_nok_firmware_and_firmware_file(void **state)
{
	struct support_fx *fx = *state;

	PUT(fx, "serial", "SN\n");
	assert_open_fails_once(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial\n"
	    "  model: M\n"
	    "  firmware: 1.0\n"
	    "  firmware_file: /etc/os-release\n",
	    5, 13, "device.firmware: give firmware or firmware_file, not "
	    "both");
}

/* Neither is given: reported at the device mapping. */
static void
test_files_open_nok_neither_model_nor_model_file(void **state)
{
	struct support_fx *fx = *state;

	PUT(fx, "serial", "SN\n");
	assert_open_fails_once(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial\n"
	    "  firmware: F\n",
	    2, 3, "device: give model or model_file");
}

static void
test_files_open_nok_neither_firmware(void **state)
{
	struct support_fx *fx = *state;

	PUT(fx, "serial", "SN\n");
	assert_open_fails_once(fx,
	    "\n"
	    "device:\n"
	    "    backend: files\n"
	    "    serial_file: serial\n"
	    "    model: M\n"
	    "    firmware_key: VERSION_ID\n",
	    3, 5, "device: give firmware or firmware_file");
}

static void
test_files_open_nok_serial_100_chars(void **state)
{
	struct support_fx *fx = *state;
	char serial[101];

	memset(serial, '7', 100);
	serial[100] = '\n';
	support_put_file(fx, "serial", serial, sizeof(serial), 0644);
	assert_open_fails_once(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial\n"
	    "  model: M\n"
	    "  firmware: F\n",
	    3, 16, "device.serial_file: serial is longer than 63 characters");
}

static void
test_files_open_nok_serial_64_chars(void **state)
{
	struct support_fx *fx = *state;
	char serial[64];

	memset(serial, 'S', sizeof(serial));
	support_put_file(fx, "serial", serial, sizeof(serial), 0644);
	assert_open_fails_once(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial\n"
	    "  model: M\n"
	    "  firmware: F\n",
	    3, 16, "device.serial_file: serial is longer than 63 characters");
}

static void
test_files_open_nok_literal_too_long(void **state)
{
	struct support_fx *fx = *state;
	char model[81], *text;

	PUT(fx, "serial", "SN\n");
	memset(model, 'M', 80);
	model[80] = '\0';
	assert_true(asprintf(&text,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial\n"
	    "  model: %s\n"
	    "  firmware: F\n", model) > 0);
	assert_open_fails_once(fx, text, 4, 10,
	    "device.model: model is longer than 63 characters");
	free(text);
}

static void
test_files_open_nok_empty_file(void **state)
{
	struct support_fx *fx = *state;

	PUT(fx, "serial", "");
	assert_open_fails_once(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial\n"
	    "  model: M\n"
	    "  firmware: F\n",
	    3, 16, "device.serial_file: serial from %s/serial is empty");
}

/* Blank first line, or a NUL first: nothing to show. */
static void
test_files_open_nok_blank_first_line(void **state)
{
	struct support_fx *fx = *state;

	PUT(fx, "serial", " \t \nSN-ON-LINE-2\n");
	PUT(fx, "model", "\0NVR");
	assert_int_equal(open_text(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial\n"
	    "  model_file: model\n"
	    "  firmware: F\n"), -1);
	assert_diag_count(&fx->cfg.diags, 2);
	{
		char *serial = support_in_dir(fx, "serial");
		char *model = support_in_dir(fx, "model");
		char *msg1, *msg2;

		assert_true(asprintf(&msg1, "device.serial_file: serial from "
		    "%s is empty", serial) > 0);
		assert_true(asprintf(&msg2, "device.model_file: model from "
		    "%s is empty", model) > 0);
		assert_diag(&fx->cfg.diags, 3, 16, msg1);
		assert_diag(&fx->cfg.diags, 4, 15, msg2);
		free(serial);
		free(model);
		free(msg1);
		free(msg2);
	}
}

static void
test_files_open_nok_missing_variable(void **state)
{
	struct support_fx *fx = *state;

	PUT(fx, "serial", "SN\n");
	PUT(fx, "os-release", "VERSION_ID=12\nID=debian\n");
	assert_open_fails_once(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial\n"
	    "  model: M\n"
	    "  firmware_file: os-release\n"
	    "  firmware_key: VERSION\n",
	    6, 17, "device.firmware_key: %s/os-release has no variable "
	    "VERSION");
}

static void
test_files_open_nok_empty_variable(void **state)
{
	struct support_fx *fx = *state;

	PUT(fx, "serial", "SN\n");
	PUT(fx, "os-release", "VERSION_ID=\"\"\n");
	assert_open_fails_once(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial\n"
	    "  model: M\n"
	    "  firmware_file: os-release\n"
	    "  firmware_key: VERSION_ID\n",
	    5, 18, "device.firmware_file: firmware from %s/os-release is "
	    "empty");
}

static void
test_files_open_nok_key_without_file(void **state)
{
	struct support_fx *fx = *state;

	PUT(fx, "serial", "SN\n");
	assert_open_fails_once(fx,
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial\n"
	    "  model: M\n"
	    "  model_key: NAME\n"
	    "  firmware: F\n",
	    5, 14, "device.model_key: needs model_file");
}

/* Every field is checked: all problems in one run, in line order. */
static void
test_files_open_nok_all_errors_collected(void **state)
{
	struct support_fx *fx = *state;
	char *out, *want;

	PUT(fx, "model", "NVR\n");
	assert_int_equal(open_text(fx,
	    "device:\n"				/* 1 */
	    "  backend: files\n"		/* 2 */
	    "  serial_file: missing\n"		/* 3 */
	    "  model: NVR-8\n"			/* 4 */
	    "  model_file: model\n"),		/* 5 */
	    -1);
	assert_diag_count(&fx->cfg.diags, 3);
	out = support_printed(&fx->cfg.diags);
	assert_true(asprintf(&want,
	    "%1$s:2:3: device: give firmware or firmware_file\n"
	    "%1$s:3:16: device.serial_file: cannot open %2$s/missing: No "
	    "such file or directory\n"
	    "%1$s:4:10: device.model: give model or model_file, not both\n",
	    fx->path, fx->dir) > 0);
	assert_string_equal(out, want);
	free(out);
	free(want);
}

/* ------------------------------------------------------------------ */
/* Refused configs: the schema check of the files backend              */

static void
test_files_config_load_nok_missing_serial_file(void **state)
{
	struct support_fx *fx = *state;
	const char *text =
	    "device:\n"
	    "  backend: files\n"
	    "  model: M\n"
	    "  firmware: F\n";

	assert_int_equal(support_load_text(fx, text), -1);
	assert_diag_count(&fx->cfg.diags, 1);
	assert_diag(&fx->cfg.diags, 2, 3,
	    "device is missing required key 'serial_file'");
}

/* The files backend has no literal serial: it must be read. */
static void
test_files_config_load_nok_literal_serial(void **state)
{
	struct support_fx *fx = *state;
	const char *text =
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file: serial\n"
	    "  serial: SN\n"
	    "  model: M\n"
	    "  firmware: F\n";

	assert_int_equal(support_load_text(fx, text), -1);
	assert_diag_count(&fx->cfg.diags, 1);
	assert_diag(&fx->cfg.diags, 4, 3, "unknown key 'serial' in device");
}

static void
test_files_config_load_nok_empty_values(void **state)
{
	struct support_fx *fx = *state;
	const char *text =
	    "device:\n"
	    "  backend: files\n"
	    "  serial_file:\n"
	    "  model_file: ''\n"
	    "  firmware_file: [a, b]\n"
	    "  firmware_key: {a: b}\n";

	assert_int_equal(support_load_text(fx, text), -1);
	assert_diag_count(&fx->cfg.diags, 4);
	assert_diag(&fx->cfg.diags, 3, 15, "device.serial_file has no value");
	assert_diag(&fx->cfg.diags, 4, 15, "device.model_file is empty");
	assert_diag(&fx->cfg.diags, 5, 18,
	    "device.firmware_file must be text, not a list");
	assert_diag(&fx->cfg.diags, 6, 17,
	    "device.firmware_key must be text, not a mapping");
}

int
main(void)
{
#define T(name) \
	cmocka_unit_test_setup_teardown(name, fx_setup, support_fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_files_open_ok_relative_path),
		T(test_files_open_ok_relative_subfolder),
		T(test_files_open_ok_config_path_relative),
		T(test_files_open_ok_absolute_paths),
		T(test_files_open_ok_os_release),
		T(test_files_open_ok_key_value_unquoted_last_line),
		T(test_files_open_ok_device_tree),
		T(test_files_open_ok_first_line_trimmed),
		T(test_files_open_ok_control_characters),
		T(test_files_open_ok_63_chars),
		T(test_files_open_ok_long_file),
		T(test_files_open_ok_values_typed_by_schema),
		T(test_files_read_info_ok_after_file_removed),
		T(test_files_open_nok_missing_serial_file),
		T(test_files_open_nok_missing_model_file),
		T(test_files_open_ok_os_release_crlf),
		T(test_files_open_nok_serial_file_is_fifo),
		T(test_files_open_nok_serial_file_is_folder),
		T(test_files_open_nok_model_and_model_file),
		T(test_files_open_nok_firmware_and_firmware_file),
		T(test_files_open_nok_neither_model_nor_model_file),
		T(test_files_open_nok_neither_firmware),
		T(test_files_open_nok_serial_100_chars),
		T(test_files_open_nok_serial_64_chars),
		T(test_files_open_nok_literal_too_long),
		T(test_files_open_nok_empty_file),
		T(test_files_open_nok_blank_first_line),
		T(test_files_open_nok_missing_variable),
		T(test_files_open_nok_empty_variable),
		T(test_files_open_nok_key_without_file),
		T(test_files_open_nok_all_errors_collected),
		T(test_files_config_load_nok_missing_serial_file),
		T(test_files_config_load_nok_literal_serial),
		T(test_files_config_load_nok_empty_values),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
