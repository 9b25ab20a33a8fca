/*
 * nvr_error.h: one short, lower-case line saying what failed and on what
 * (a file, an account, a key), for errors strerror alone cannot explain.
 * A function that can fail returns 0 or a negative errno and fills the
 * caller's struct nvr_error.
 */
#ifndef NVR_COMMON_NVR_ERROR_H
#define NVR_COMMON_NVR_ERROR_H

struct nvr_error {
	char message[256];
};

/* Formats the message and returns CODE (a negative errno), so that
 * `return nvr_error_set(err, -errno, "cannot read %s", path);` reads
 * naturally. ERR may be NULL. */
int nvr_error_set(struct nvr_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
