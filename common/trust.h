/*
 * trust.h: whether a folder, and so what is in it, can be trusted.
 *
 * The rule (OpenSSH's StrictModes, doas' config check): the folder and
 * every folder above it up to / are owned by root or by the user the
 * wizard runs as, and none of them is writable by its group or by
 * others, unless it is sticky (as /tmp is: others may add names there,
 * but not rename or remove ours). Whoever could write one of them could
 * move the folder aside, or put a link in its place, and with it what a
 * root-run wizard acts on.
 */
#ifndef NVR_COMMON_TRUST_H
#define NVR_COMMON_TRUST_H

#include "common/nvr_error.h"

/*
 * Checks PATH (a relative one from the current folder) and every folder
 * above it by the rule above,
 * both as written and, where a symbolic link is on the way, as it
 * resolves (a link must itself be owned by root or us). Parts of PATH
 * that do not exist yet are skipped: the nearest existing folder and
 * those above it are checked. Returns 0, or -EPERM with ERR naming the
 * first folder at fault and the fix; another negative errno if a folder
 * cannot be looked at.
 */
int trust_check_path(const char *path, struct nvr_error *err);

/* trust_check_path for the folder PATH is in. */
int trust_check_folder_of(const char *path, struct nvr_error *err);

#endif
