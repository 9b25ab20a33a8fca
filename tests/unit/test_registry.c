/*
 * test_registry.c: the backend registry (backends/registry.c), the device
 * calls and field copy (backends/device/device.c) and the static device backend
 * (backends/device/static.c).
 *
 * Configs are written into a fresh folder from mkdtemp(3), removed in
 * teardown; every diagnostic is checked at its exact line and column.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "backends/registry.h"
#include "config/config.h"
#include "config/diag.h"
#include "config/document.h"
#include "tests/unit/support.h"

/* ------------------------------------------------------------------ */
/* Fixture                                                             */

static int
fx_setup(void **state)
{
	return support_fx_setup(state, "registry");
}

/* A config section parsed from TEXT without the schema check, to reach
 * registry_open_device with settings config_load would refuse. */
struct raw {
	struct diag_list diags;
	struct config_document doc;
	struct config_section device;
};

static void
raw_parse(struct raw *raw, const char *text)
{
	FILE *in = fmemopen((void *)(uintptr_t)text, strlen(text), "r");

	assert_non_null(in);
	diag_init(&raw->diags, "raw.yaml");
	assert_int_equal(document_parse(&raw->doc, in, "raw.yaml",
	    &raw->diags), 0);
	fclose(in);
	raw->device.doc = &raw->doc;
	raw->device.map = document_lookup(&raw->doc,
	    document_root(&raw->doc), "device", NULL);
	raw->device.name = "device";
	assert_non_null(raw->device.map);
}

static void
raw_free(struct raw *raw)
{
	document_free(&raw->doc);
	diag_free(&raw->diags);
}

/* ------------------------------------------------------------------ */
/* registry_find, registry_names, registry_keys, registry_each         */

static void
test_registry_find_ok_static(void **state)
{
	const struct backend_impl *impl;

	(void)state;
	impl = registry_find("device", "static");
	assert_non_null(impl);
	assert_ptr_equal(impl, &device_static_impl);
	assert_string_equal(impl->concern, "device");
	assert_string_equal(impl->name, "static");
	assert_non_null(impl->summary);
	assert_non_null(impl->keys);
	assert_non_null(impl->ops);
}

static void
test_registry_find_ok_files(void **state)
{
	const struct backend_impl *impl;

	(void)state;
	impl = registry_find("device", "files");
	assert_non_null(impl);
	assert_ptr_equal(impl, &device_files_impl);
	assert_string_equal(impl->name, "files");
}

static void
test_registry_find_nok_unknown_name(void **state)
{
	(void)state;
	assert_null(registry_find("device", "sysfs"));
	assert_null(registry_find("device", ""));
	assert_null(registry_find("device", "Static"));
	assert_null(registry_find("device", "static "));
	assert_null(registry_find("device", "stat"));
}

static void
test_registry_find_nok_unknown_concern(void **state)
{
	(void)state;
	assert_null(registry_find("auth", "static"));
	assert_null(registry_find("", "files"));
}

static void
test_registry_names_ok_device(void **state)
{
	char buf[64];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	registry_names("device", buf, sizeof(buf));
	assert_string_equal(buf, "static, files");
}

static void
test_registry_names_ok_exact_fit(void **state)
{
	char buf[sizeof("static, files")];

	(void)state;
	registry_names("device", buf, sizeof(buf));
	assert_string_equal(buf, "static, files");
}

static void
test_registry_names_ok_unknown_concern_is_empty(void **state)
{
	char buf[16];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	registry_names("auth", buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void
test_registry_names_ok_small_buffer_terminated(void **state)
{
	char buf[8];

	(void)state;
	for (size_t size = 1; size <= sizeof(buf); size++) {
		memset(buf, 'x', sizeof(buf));
		registry_names("device", buf, size);
		assert_non_null(memchr(buf, '\0', size));
		assert_int_equal(strncmp(buf, "static, files", strlen(buf)),
		    0);
		/* Nothing written past SIZE. */
		for (size_t i = size; i < sizeof(buf); i++)
			assert_int_equal(buf[i], 'x');
	}
}

static void
test_registry_names_ok_zero_size_untouched(void **state)
{
	char buf[4] = "abc";

	(void)state;
	registry_names("device", buf, 0);
	assert_string_equal(buf, "abc");
}

static bool
has_key(const struct schema_key *keys, const char *name, bool required,
    enum schema_type type)
{
	for (const struct schema_key *k = keys; k->name != NULL; k++)
		if (strcmp(k->name, name) == 0)
			return k->required == required && k->type == type;
	return false;
}

static void
test_registry_keys_ok_static(void **state)
{
	char known[64] = "untouched";
	const struct schema_key *keys;

	(void)state;
	keys = registry_keys("device", "static", known, sizeof(known));
	assert_non_null(keys);
	assert_ptr_equal(keys, device_static_impl.keys);
	assert_true(has_key(keys, "model", true, SCHEMA_STRING));
	assert_true(has_key(keys, "serial", true, SCHEMA_STRING));
	assert_true(has_key(keys, "firmware", true, SCHEMA_STRING));
	assert_string_equal(known, "untouched");
}

static void
test_registry_keys_ok_files(void **state)
{
	char known[64] = "untouched";
	const struct schema_key *keys;

	(void)state;
	keys = registry_keys("device", "files", known, sizeof(known));
	assert_non_null(keys);
	assert_true(has_key(keys, "serial_file", true, SCHEMA_PATH));
	assert_true(has_key(keys, "serial_key", false, SCHEMA_STRING));
	assert_true(has_key(keys, "model", false, SCHEMA_STRING));
	assert_true(has_key(keys, "model_file", false, SCHEMA_PATH));
	assert_true(has_key(keys, "model_key", false, SCHEMA_STRING));
	assert_true(has_key(keys, "firmware", false, SCHEMA_STRING));
	assert_true(has_key(keys, "firmware_file", false, SCHEMA_PATH));
	assert_true(has_key(keys, "firmware_key", false, SCHEMA_STRING));
	assert_false(has_key(keys, "serial", false, SCHEMA_STRING));
	assert_string_equal(known, "untouched");
}

static void
test_registry_keys_nok_unknown_name(void **state)
{
	char known[64] = "";

	(void)state;
	assert_null(registry_keys("device", "sysfs", known, sizeof(known)));
	assert_string_equal(known, "static, files");
}

static void
test_registry_keys_nok_unknown_concern(void **state)
{
	char known[64] = "junk";

	(void)state;
	assert_null(registry_keys("auth", "static", known, sizeof(known)));
	assert_string_equal(known, "");
}

struct seen {
	unsigned count;
	bool is_static, is_files, is_shadow, is_recovery_file;
	int sqlite_stores;
};

static void
count_impl(const struct backend_impl *impl, void *arg)
{
	struct seen *seen = arg;

	seen->count++;
	assert_non_null(impl->keys);
	assert_non_null(impl->ops);
	assert_non_null(impl->summary);
	assert_ptr_equal(registry_find(impl->concern, impl->name), impl);
	if (strcmp(impl->name, "static") == 0)
		seen->is_static = true;
	if (strcmp(impl->name, "files") == 0)
		seen->is_files = true;
	if (strcmp(impl->concern, "accounts") == 0 &&
	    strcmp(impl->name, "shadow") == 0)
		seen->is_shadow = true;
	if (strcmp(impl->concern, "recovery") == 0 &&
	    strcmp(impl->name, "file") == 0)
		seen->is_recovery_file = true;
	if (strcmp(impl->concern, "accounts") == 0 &&
	    (strcmp(impl->name, "sqlite") == 0 ||
	    strcmp(impl->name, "frigate") == 0))
		seen->sqlite_stores++;
}

static void
test_registry_each_ok(void **state)
{
	struct seen seen = { 0 };

	(void)state;
	registry_each(count_impl, &seen);
	/* static, files, shadow, sqlite, frigate, motioneye, htpasswd,
	 * mariadb, zoneminder, file */
	assert_int_equal(seen.count, 10);
	assert_int_equal(seen.sqlite_stores, 2);
	assert_true(seen.is_static);
	assert_true(seen.is_files);
	assert_true(seen.is_shadow);
	assert_true(seen.is_recovery_file);
}

/* ------------------------------------------------------------------ */
/* registry_open_device and the device calls, with the static backend  */

static void
test_registry_open_device_ok_round_trip(void **state)
{
	struct support_fx *fx = *state;
	struct device_info info;
	struct nvr_error err = { "" };
	struct timespec before, now, after;

	assert_int_equal(support_open_text(fx,
	    "device:\n"
	    "  backend: static\n"
	    "  model: NVR-8CH\n"
	    "  serial: SN0012345678\n"
	    "  firmware: 4.2.1\n"), 0);
	assert_diag_count(&fx->cfg.diags, 0);
	assert_ptr_equal(fx->dev.ops, device_static_impl.ops);
	assert_non_null(fx->dev.state);

	memset(&info, 'x', sizeof(info));
	assert_int_equal(device_read_info(&fx->dev, &info, &err), 0);
	assert_string_equal(info.model, "NVR-8CH");
	assert_string_equal(info.serial, "SN0012345678");
	assert_string_equal(info.firmware, "4.2.1");
	/* Read again: the same answer. */
	assert_int_equal(device_read_info(&fx->dev, &info, &err), 0);
	assert_string_equal(info.serial, "SN0012345678");

	assert_int_equal(clock_gettime(CLOCK_REALTIME, &before), 0);
	assert_int_equal(device_read_time(&fx->dev, &now, &err), 0);
	assert_int_equal(clock_gettime(CLOCK_REALTIME, &after), 0);
	assert_true(now.tv_sec >= before.tv_sec);
	assert_true(now.tv_sec <= after.tv_sec);
	assert_in_range(now.tv_nsec, 0, 999999999);

	device_close(&fx->dev);
	assert_null(fx->dev.ops);
	assert_null(fx->dev.state);
	/* Closing twice is harmless. */
	device_close(&fx->dev);
	assert_null(fx->dev.ops);
}

static void
test_registry_open_device_ok_demo(void **state)
{
	struct support_fx *fx = *state;
	struct device_info info;
	struct nvr_error err;

	assert_int_equal(support_open_text(fx,
	    "device:\n"
	    "  backend: static\n"
	    "  model: DEMO-NVR-8\n"
	    "  serial: DEMO-0042-7731\n"
	    "  firmware: 1.0.0-demo\n"), 0);
	assert_int_equal(device_read_info(&fx->dev, &info, &err), 0);
	assert_string_equal(info.model, "DEMO-NVR-8");
	assert_string_equal(info.serial, "DEMO-0042-7731");
	assert_string_equal(info.firmware, "1.0.0-demo");
}

/* The schema, not YAML, types the values. */
static void
test_registry_open_device_ok_values_typed_by_schema(void **state)
{
	struct support_fx *fx = *state;
	struct device_info info;
	struct nvr_error err;

	assert_int_equal(support_open_text(fx,
	    "device:\n"
	    "  backend: static\n"
	    "  model: no\n"
	    "  serial: 0012\n"
	    "  firmware: 1.10\n"), 0);
	assert_int_equal(device_read_info(&fx->dev, &info, &err), 0);
	assert_string_equal(info.model, "no");
	assert_string_equal(info.serial, "0012");
	assert_string_equal(info.firmware, "1.10");
	device_close(&fx->dev);
	config_free(&fx->cfg);

	assert_int_equal(support_open_text(fx,
	    "device:\n"
	    "  backend: static\n"
	    "  model: \"yes\"\n"
	    "  serial: 0x1F\n"
	    "  firmware: '~'\n"), 0);
	assert_int_equal(device_read_info(&fx->dev, &info, &err), 0);
	assert_string_equal(info.model, "yes");
	assert_string_equal(info.serial, "0x1F");
	assert_string_equal(info.firmware, "~");
}

static void
test_registry_open_device_ok_63_chars(void **state)
{
	struct support_fx *fx = *state;
	struct device_info info;
	struct nvr_error err;
	char serial[64], *text;

	memset(serial, 'S', 63);
	serial[63] = '\0';
	assert_true(asprintf(&text,
	    "device:\n"
	    "  backend: static\n"
	    "  model: M\n"
	    "  serial: %s\n"
	    "  firmware: F\n", serial) > 0);
	assert_int_equal(support_open_text(fx, text), 0);
	free(text);
	assert_int_equal(device_read_info(&fx->dev, &info, &err), 0);
	assert_string_equal(info.serial, serial);
}

/* Blanks around a value are trimmed; control characters become '?'. */
static void
test_registry_open_device_ok_printable_only(void **state)
{
	struct support_fx *fx = *state;
	struct device_info info;
	struct nvr_error err;

	assert_int_equal(support_open_text(fx,
	    "device:\n"
	    "  backend: static\n"
	    "  model: \"  NVR 8  \"\n"
	    "  serial: \"SN\\x01\\e[31mX\\x7f\"\n"
	    "  firmware: \"1.0\\u00e9\"\n"), 0);
	assert_int_equal(device_read_info(&fx->dev, &info, &err), 0);
	assert_string_equal(info.model, "NVR 8");
	assert_string_equal(info.serial, "SN??[31mX?");
	/* U+00E9 is two UTF-8 bytes, each shown as '?'. */
	assert_string_equal(info.firmware, "1.0??");
}

static void
test_registry_open_device_nok_serial_too_long(void **state)
{
	struct support_fx *fx = *state;
	char serial[101], *text;

	memset(serial, '7', 100);
	serial[100] = '\0';
	assert_true(asprintf(&text,
	    "device:\n"
	    "  backend: static\n"
	    "  model: M\n"
	    "  serial: %s\n"
	    "  firmware: F\n", serial) > 0);
	assert_int_equal(support_open_text(fx, text), -1);
	free(text);
	assert_null(fx->dev.ops);
	assert_null(fx->dev.state);
	assert_diag_count(&fx->cfg.diags, 1);
	assert_diag(&fx->cfg.diags, 4, 11,
	    "device.serial: longer than 63 characters");
}

/* A quoted blank passes YAML and the schema, but is no model name. */
static void
test_registry_open_device_nok_blank_value(void **state)
{
	struct support_fx *fx = *state;

	assert_int_equal(support_open_text(fx,
	    "device:\n"
	    "  backend: static\n"
	    "  model: \"  \"\n"
	    "  serial: S\n"
	    "  firmware: F\n"), -1);
	assert_null(fx->dev.ops);
	assert_diag_count(&fx->cfg.diags, 1);
	assert_diag(&fx->cfg.diags, 3, 10, "device.model: is blank");
}

static void
test_registry_open_device_nok_64_chars(void **state)
{
	struct support_fx *fx = *state;
	char value[65], *text;

	memset(value, 'M', 64);
	value[64] = '\0';
	assert_true(asprintf(&text,
	    "device:\n"
	    "  backend: static\n"
	    "  model: \"%s\"\n"
	    "  serial: S\n"
	    "  firmware: F\n", value) > 0);
	assert_int_equal(support_open_text(fx, text), -1);
	free(text);
	assert_diag_count(&fx->cfg.diags, 1);
	assert_diag(&fx->cfg.diags, 3, 10,
	    "device.model: longer than 63 characters");
}

/* Every field is checked; all problems are reported in one run. */
static void
test_registry_open_device_nok_all_too_long(void **state)
{
	struct support_fx *fx = *state;
	char value[70], *text, *out, *want;

	memset(value, 'x', 69);
	value[69] = '\0';
	assert_true(asprintf(&text,
	    "device:\n"
	    "  backend: static\n"
	    "  firmware: %s\n"
	    "  serial: %s\n"
	    "  model: %s\n", value, value, value) > 0);
	assert_int_equal(support_open_text(fx, text), -1);
	free(text);
	assert_diag_count(&fx->cfg.diags, 3);
	out = support_printed(&fx->cfg.diags);
	assert_true(asprintf(&want,
	    "%1$s:3:13: device.firmware: longer than 63 characters\n"
	    "%1$s:4:11: device.serial: longer than 63 characters\n"
	    "%1$s:5:10: device.model: longer than 63 characters\n",
	    fx->path) > 0);
	assert_string_equal(out, want);
	free(out);
	free(want);
}

static void
test_registry_open_device_nok_unknown_backend(void **state)
{
	struct raw raw;
	struct device dev = { (const struct device_ops *)1, (void *)1 };

	(void)state;
	raw_parse(&raw,
	    "device:\n"
	    "  backend: sysfs\n");
	assert_int_equal(registry_open_device(&raw.device, &dev), -1);
	assert_null(dev.ops);
	assert_null(dev.state);
	assert_diag_count(&raw.diags, 1);
	assert_diag(&raw.diags, 2, 12, "device.backend: unknown backend");
	device_close(&dev);
	raw_free(&raw);
}

static void
test_registry_open_device_nok_no_backend(void **state)
{
	struct raw raw;
	struct device dev;

	(void)state;
	raw_parse(&raw,
	    "device:\n"
	    "    model: M\n");
	assert_int_equal(registry_open_device(&raw.device, &dev), -1);
	assert_null(dev.ops);
	assert_diag_count(&raw.diags, 1);
	assert_diag(&raw.diags, 2, 5, "device.backend: unknown backend");
	raw_free(&raw);
}

/* ------------------------------------------------------------------ */
/* device_copy_field and device_system_time                            */

static void
test_device_copy_field_ok_trims_blanks(void **state)
{
	char dst[DEVICE_FIELD_MAX];

	(void)state;
	assert_int_equal(device_copy_field(dst, " \t SN 12 \t ", 11), 5);
	assert_string_equal(dst, "SN 12");
	assert_int_equal(device_copy_field(dst, "   ", 3), 0);
	assert_string_equal(dst, "");
	assert_int_equal(device_copy_field(dst, "", 0), 0);
	assert_string_equal(dst, "");
	/* Only LEN bytes are used. */
	assert_int_equal(device_copy_field(dst, "ABCDEF", 3), 3);
	assert_string_equal(dst, "ABC");
}

static void
test_device_copy_field_ok_non_printable(void **state)
{
	static const char src[] = "a\x01\x1b[2J\x7f\x80\xff\n\rb\0c";
	char dst[DEVICE_FIELD_MAX];

	(void)state;
	assert_int_equal(device_copy_field(dst, src, sizeof(src) - 1), 14);
	assert_string_equal(dst, "a??[2J?????b?c");
}

static void
test_device_copy_field_ok_63(void **state)
{
	char src[80], dst[DEVICE_FIELD_MAX];

	(void)state;
	memset(src, 'Z', sizeof(src));
	assert_int_equal(device_copy_field(dst, src, 63), 63);
	assert_int_equal(strlen(dst), 63);
	/* Blanks around do not count. */
	src[0] = ' ';
	src[64] = '\t';
	assert_int_equal(device_copy_field(dst, src, 65), 63);
	assert_int_equal(strlen(dst), 63);
}

static void
test_device_copy_field_nok_64(void **state)
{
	char src[128], dst[DEVICE_FIELD_MAX];

	(void)state;
	memset(src, 'Z', sizeof(src));
	assert_int_equal(device_copy_field(dst, src, 64), -ENAMETOOLONG);
	assert_int_equal(device_copy_field(dst, src, 100), -ENAMETOOLONG);
	assert_int_equal(device_copy_field(dst, src, sizeof(src)),
	    -ENAMETOOLONG);
}

static void
test_device_system_time_ok(void **state)
{
	struct timespec before, now;
	struct nvr_error err;

	(void)state;
	assert_int_equal(clock_gettime(CLOCK_REALTIME, &before), 0);
	assert_int_equal(device_system_time(NULL, &now, &err), 0);
	assert_true(now.tv_sec >= before.tv_sec);
	assert_true(now.tv_sec - before.tv_sec < 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_find_ok_static),
		cmocka_unit_test(test_registry_find_ok_files),
		cmocka_unit_test(test_registry_find_nok_unknown_name),
		cmocka_unit_test(test_registry_find_nok_unknown_concern),
		cmocka_unit_test(test_registry_names_ok_device),
		cmocka_unit_test(test_registry_names_ok_exact_fit),
		cmocka_unit_test(
		    test_registry_names_ok_unknown_concern_is_empty),
		cmocka_unit_test(
		    test_registry_names_ok_small_buffer_terminated),
		cmocka_unit_test(test_registry_names_ok_zero_size_untouched),
		cmocka_unit_test(test_registry_keys_ok_static),
		cmocka_unit_test(test_registry_keys_ok_files),
		cmocka_unit_test(test_registry_keys_nok_unknown_name),
		cmocka_unit_test(test_registry_keys_nok_unknown_concern),
		cmocka_unit_test(test_registry_each_ok),
#define T(name) \
	cmocka_unit_test_setup_teardown(name, fx_setup, support_fx_teardown)
		T(test_registry_open_device_ok_round_trip),
		T(test_registry_open_device_ok_demo),
		T(test_registry_open_device_ok_values_typed_by_schema),
		T(test_registry_open_device_ok_63_chars),
		T(test_registry_open_device_ok_printable_only),
		T(test_registry_open_device_nok_serial_too_long),
		T(test_registry_open_device_nok_blank_value),
		T(test_registry_open_device_nok_64_chars),
		T(test_registry_open_device_nok_all_too_long),
#undef T
		cmocka_unit_test(test_registry_open_device_nok_unknown_backend),
		cmocka_unit_test(test_registry_open_device_nok_no_backend),
		cmocka_unit_test(test_device_copy_field_ok_trims_blanks),
		cmocka_unit_test(test_device_copy_field_ok_non_printable),
		cmocka_unit_test(test_device_copy_field_ok_63),
		cmocka_unit_test(test_device_copy_field_nok_64),
		cmocka_unit_test(test_device_system_time_ok),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
