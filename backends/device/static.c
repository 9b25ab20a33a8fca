/*
 * static.c: device information written in the config itself, for
 * the demo device and for firmware that has nowhere better to read it.
 */
#include "backends/device/device.h"

#include <stdlib.h>
#include <string.h>

static const struct schema_key static_keys[] = {
	{ .name = "model", .type = SCHEMA_STRING, .required = true,
	  .help = "model name shown in the header" },
	{ .name = "serial", .type = SCHEMA_STRING, .required = true,
	  .help = "serial number" },
	{ .name = "firmware", .type = SCHEMA_STRING, .required = true,
	  .help = "firmware version" },
	{ 0 },
};

static void *
static_open(const struct config_section *settings)
{
	static const char *const keys[] = { "model", "serial", "firmware" };
	struct device_info *info = calloc(1, sizeof(*info));
	bool ok = true;

	if (info == NULL) {
		config_section_error(settings, NULL, "out of memory");
		return NULL;
	}
	char *fields[] = { info->model, info->serial, info->firmware };
	for (size_t i = 0; i < 3; i++) {
		const char *value = config_section_string(settings, keys[i]);
		int len = device_copy_field(fields[i], value, strlen(value));
		if (len < 0) {
			config_section_error(settings, keys[i], "longer than "
			    "%d characters", DEVICE_FIELD_MAX - 1);
			ok = false;
		} else if (len == 0) {
			config_section_error(settings, keys[i], "is blank");
			ok = false;
		}
	}
	if (!ok) {
		free(info);
		return NULL;
	}
	return info;
}

static int
static_read_info(void *state, struct device_info *info,
    struct nvr_error *err)
{
	(void)err;
	*info = *(const struct device_info *)state;
	return 0;
}

static void
static_close(void *state)
{
	free(state);
}

static const struct device_ops static_ops = {
	.open = static_open,
	.read_info = static_read_info,
	.read_time = device_system_time,
	.close = static_close,
};

const struct backend_impl device_static_impl = {
	.concern = "device",
	.name = "static",
	.summary = "model, serial and firmware written in the config",
	.keys = static_keys,
	.ops = &static_ops,
};
