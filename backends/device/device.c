/* device.c: calls through the device ops, and the shared field copy. */
#include "backends/device/device.h"

#include <errno.h>
#include <string.h>

int
device_read_info(const struct device *dev, struct device_info *info,
    struct nvr_error *err)
{
	memset(info, 0, sizeof(*info));
	return dev->ops->read_info(dev->state, info, err);
}

int
device_read_time(const struct device *dev, struct timespec *now,
    struct nvr_error *err)
{
	return dev->ops->read_time(dev->state, now, err);
}

void
device_close(struct device *dev)
{
	if (dev->ops != NULL)
		dev->ops->close(dev->state);
	dev->ops = NULL;
	dev->state = NULL;
}

int
device_copy_field(char *dst, const char *src, size_t len)
{
	size_t start = 0, end = len, n;

	while (start < end && (src[start] == ' ' || src[start] == '\t'))
		start++;
	while (end > start && (src[end - 1] == ' ' || src[end - 1] == '\t'))
		end--;
	n = end - start;
	if (n >= DEVICE_FIELD_MAX)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[start + i];
		dst[i] = (char)((c >= 0x20 && c < 0x7f) ? c : '?');
	}
	dst[n] = '\0';
	return (int)n;
}

int
device_system_time(void *state, struct timespec *now, struct nvr_error *err)
{
	(void)state;
	if (clock_gettime(CLOCK_REALTIME, now) != 0)
		return nvr_error_set(err, -errno, "cannot read the clock");
	return 0;
}
