/*
 * beneath.h: reaching what lies inside a folder a factory reset may
 * touch without ever following a symbolic link.
 *
 * Folders inside an allowed folder often belong to the NVR software's
 * account. Whoever owns one can swap it, or a folder above the target,
 * for a symlink at any moment; a root-run step that looked the path up
 * by name again after checking it could then change or delete a file
 * anywhere (a copy of /etc/shadow, say). So a step never acts on a path
 * by name: it walks down from a descriptor of the allowed folder itself
 * (whose own chain up to / is trusted: common/trust.h) to a descriptor
 * of the target's folder, and acts on that with mkdirat, unlinkat,
 * renameat, openat(O_NOFOLLOW), fchmod.
 *
 * The walk is one openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) where
 * the kernel has it (5.6 and later), else openat(O_NOFOLLOW |
 * O_DIRECTORY) one component at a time, which is the main path on the
 * 4.x kernels many recorders run. Both refuse a link anywhere on the way.
 */
#ifndef NVR_BACKENDS_RESET_BENEATH_H
#define NVR_BACKENDS_RESET_BENEATH_H

#include <stdbool.h>

#include "common/nvr_error.h"

/*
 * Opens the folder that holds PATH, which is ROOT or lies below it
 * (component by component; both plain absolute paths, as
 * reset_plan_check_path accepts them), and points *BASE at PATH's last
 * component. For PATH equal to ROOT that folder is ROOT's parent, which
 * is trusted as ROOT is. Returns the folder's descriptor (O_RDONLY |
 * O_DIRECTORY, close-on-exec), or -ENOENT (a folder on the way is not
 * there), -ELOOP (a symbolic link on the way: not followed), -ENOTDIR
 * (a file on the way) or another negative errno, with ERR saying which.
 */
int beneath_open_parent(const char *root, const char *path,
    const char **base, struct nvr_error *err);

/* Which walk beneath_open_parent uses: the kernel's (openat2) when it has
 * it, or the component-by-component one. Tests force the second to run
 * both; nothing else needs to. */
enum beneath_walk {
	BENEATH_WALK_OPENAT2,
	BENEATH_WALK_COMPONENTS,
};

void beneath_force_components(bool on);

/* The walk the last beneath_open_parent that walked anything used. */
enum beneath_walk beneath_last_walk(void);

#endif
