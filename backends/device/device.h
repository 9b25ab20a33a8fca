/*
 * device.h: the device-information concern. It tells the wizard the model,
 * serial number and firmware to show in the header (an owner who is locked
 * out must be able to read the serial without logging in) and the
 * device's own date and time, which support needs and which is often
 * wrong on an NVR.
 */
#ifndef NVR_BACKENDS_DEVICE_DEVICE_H
#define NVR_BACKENDS_DEVICE_DEVICE_H

#include <time.h>

#include "backends/backend.h"
#include "common/nvr_error.h"
#include "config/document.h"

#define DEVICE_FIELD_MAX 64	/* bytes, with the terminating NUL */

struct device_info {
	char model[DEVICE_FIELD_MAX];
	char serial[DEVICE_FIELD_MAX];
	char firmware[DEVICE_FIELD_MAX];
};

struct device_ops {
	/* Reads the already schema-checked SETTINGS and checks that what
	 * they name can be used (files exist and are readable), reporting
	 * each problem with config_section_error. Returns the backend's
	 * state, or NULL if anything was reported. */
	void *(*open)(const struct config_section *settings);
	/* Fills INFO with printable ASCII only. Returns 0 or a negative
	 * errno with ERR filled. */
	int (*read_info)(void *state, struct device_info *info,
	    struct nvr_error *err);
	/* The device's wall-clock time. Returns 0 or a negative errno. */
	int (*read_time)(void *state, struct timespec *now,
	    struct nvr_error *err);
	/* Frees STATE; NULL is allowed. */
	void (*close)(void *state);
};

/* An open device backend, as the wizard holds it. */
struct device {
	const struct device_ops *ops;
	void *state;
};

int device_read_info(const struct device *dev, struct device_info *info,
    struct nvr_error *err);
int device_read_time(const struct device *dev, struct timespec *now,
    struct nvr_error *err);
void device_close(struct device *dev);

/*
 * Copies SRC (LEN bytes) into a field of DEVICE_FIELD_MAX bytes, keeping
 * only printable ASCII (anything else becomes '?', so a serial read from
 * firmware cannot send escape sequences to the terminal) and trimming
 * surrounding blanks. Returns the length, or -ENAMETOOLONG if it does not
 * fit.
 */
int device_copy_field(char *dst, const char *src, size_t len);

/* A read_time for backends whose device clock is this system's. */
int device_system_time(void *state, struct timespec *now,
    struct nvr_error *err);

extern const struct backend_impl device_static_impl;
extern const struct backend_impl device_files_impl;

#endif
