/* lazy_lib.c: a shared library loaded on first use (lazy_lib.h). */
#include "common/lazy_lib.h"

#include <dlfcn.h>
#include <errno.h>
#include <string.h>

int
lazy_lib_load(struct lazy_lib *lib, struct nvr_error *err)
{
	const char *why;
	void *handle;

	if (lib->handle != NULL)
		return 0;
	if (lib->failed)
		return nvr_error_set(err, -ENOENT, "%s", lib->failure.message);
	handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL) {
		why = dlerror();
		lib->failed = true;
		nvr_error_set(&lib->failure, -ENOENT, "cannot load %s, which "
		    "%s needs (install %s): %s", lib->soname, lib->needed_by,
		    lib->package, why != NULL ? why : "no reason given");
		return nvr_error_set(err, -ENOENT, "%s", lib->failure.message);
	}
	for (size_t i = 0; i < lib->count; i++) {
		void *p = dlsym(handle, lib->symbols[i].name);

		if (p == NULL) {
			why = dlerror();
			lib->failed = true;
			nvr_error_set(&lib->failure, -ENOENT, "%s has no %s, "
			    "which %s needs: %s", lib->soname,
			    lib->symbols[i].name, lib->needed_by, why != NULL ?
			    why : "no reason given");
			dlclose(handle);
			return nvr_error_set(err, -ENOENT, "%s",
			    lib->failure.message);
		}
		/* POSIX: a function's address may pass through void *. */
		memcpy((char *)lib->table + lib->symbols[i].offset, &p,
		    sizeof(p));
	}
	lib->handle = handle;
	return 0;
}
