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

/* What CODE (a negative errno from writing a file) means for the
 * recorder, in the owner's words, when its storage is full: ENOSPC ("the
 * recorder's storage is full") and EDQUOT. NULL for any other code,
 * whose message says it better: EROFS and EIO are also what a database
 * server's store says of the server (read-only, not answering). */
const char *nvr_error_storage(int code);

#ifdef __clang_analyzer__
/* clang's static analyzer (make lint) sees one file at a time: without
 * this it takes `rc = nvr_error_set(...)` for a possible 0 (or, with
 * -errno, a positive value) and follows paths no run can take. CODE is
 * always a negative errno. */
#define nvr_error_set(err, code, ...) __extension__ ({ \
	int nvr_code_ = (code); \
	if (nvr_code_ >= 0) \
		__builtin_unreachable(); \
	(void)(nvr_error_set)((err), nvr_code_, __VA_ARGS__); \
	nvr_code_; \
})
#endif

#endif
