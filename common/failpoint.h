/*
 * failpoint.h: named points in the write path where a test can have the
 * process killed, to prove that a crash at any step leaves a store either
 * wholly old or wholly new. Compiled in only when NVR_FAILPOINTS is
 * defined (the crash tests' own build); otherwise every failpoint() is
 * nothing at all.
 */
#ifndef NVR_COMMON_FAILPOINT_H
#define NVR_COMMON_FAILPOINT_H

#ifdef NVR_FAILPOINTS
#include <signal.h>
#include <string.h>

/* The point at which to die; set by the test in a forked child. */
extern const char *failpoint_target;

static inline void
failpoint(const char *name)
{
	if (failpoint_target != NULL && strcmp(failpoint_target, name) == 0)
		raise(SIGKILL);
}
#else
#define failpoint(name) ((void)0)
#endif

#endif
