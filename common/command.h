/*
 * command.h: running a program the config names (a factory reset's step
 * or its restart, what a store's software must be told after a change):
 * its argv as given, no shell, argv[0] an absolute path, and an
 * environment of PATH alone, so nothing of the wizard's own environment
 * reaches it.
 */
#ifndef NVR_COMMON_COMMAND_H
#define NVR_COMMON_COMMAND_H

#include "common/nvr_error.h"

/*
 * Runs ARGV (NULL-terminated) and waits for it. SPAWNED, when not NULL,
 * is called between starting it and waiting (a test's failpoint).
 * Returns 0 if it exited with status 0; else a negative errno with ERR
 * saying "ARGV0 exited with status N", "ARGV0 was killed by signal N" or
 * why it could not be started.
 */
int command_run(const char *const *argv, void (*spawned)(void),
    struct nvr_error *err);

#endif
