/* registry.c: every backend implementation this build has, by name. */
#include "backends/registry.h"

#include <stdio.h>
#include <string.h>

static const struct backend_impl *const implementations[] = {
	&device_static_impl,
	&device_files_impl,
	&accounts_shadow_impl,
	&accounts_sqlite_impl,
	&accounts_frigate_impl,
	&accounts_motioneye_impl,
	&accounts_htpasswd_impl,
	&accounts_mariadb_impl,
	&accounts_zoneminder_impl,
	&recovery_file_impl,
};

#define IMPLEMENTATION_COUNT \
	(sizeof(implementations) / sizeof(implementations[0]))

const struct backend_impl *
registry_find(const char *concern, const char *name)
{
	for (size_t i = 0; i < IMPLEMENTATION_COUNT; i++) {
		const struct backend_impl *impl = implementations[i];
		if (strcmp(impl->concern, concern) == 0 &&
		    strcmp(impl->name, name) == 0)
			return impl;
	}
	return NULL;
}

void
registry_names(const char *concern, char *buf, size_t size)
{
	size_t used = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < IMPLEMENTATION_COUNT; i++) {
		const struct backend_impl *impl = implementations[i];
		int n;

		if (strcmp(impl->concern, concern) != 0)
			continue;
		n = snprintf(buf + used, size - used, "%s%s",
		    used ? ", " : "", impl->name);
		if (n < 0 || (size_t)n >= size - used)
			return;
		used += (size_t)n;
	}
}

const struct schema_key *
registry_keys(const char *concern, const char *name, char *known,
    size_t known_size)
{
	const struct backend_impl *impl = registry_find(concern, name);

	if (impl != NULL)
		return impl->keys;
	registry_names(concern, known, known_size);
	return NULL;
}

void
registry_each(void (*fn)(const struct backend_impl *impl, void *arg),
    void *arg)
{
	for (size_t i = 0; i < IMPLEMENTATION_COUNT; i++)
		fn(implementations[i], arg);
}

/* The implementation SETTINGS' backend: key names for CONCERN. */
static const struct backend_impl *
impl_for(const struct config_section *settings, const char *concern)
{
	const char *name = config_section_string(settings, "backend");
	const struct backend_impl *impl = name ? registry_find(concern, name) :
	    NULL;

	if (impl == NULL)
		config_section_error(settings, "backend", "unknown backend");
	return impl;
}

int
registry_open_device(const struct config_section *settings,
    struct device *dev)
{
	const struct backend_impl *impl = impl_for(settings, "device");

	dev->ops = NULL;
	dev->state = NULL;
	if (impl == NULL)
		return -1;
	dev->ops = impl->ops;
	dev->state = dev->ops->open(settings);
	if (dev->state == NULL) {
		dev->ops = NULL;
		return -1;
	}
	return 0;
}

int
registry_open_accounts(const struct config_section *settings,
    struct accounts *accounts)
{
	const struct backend_impl *impl = impl_for(settings, "accounts");

	accounts->ops = NULL;
	accounts->state = NULL;
	if (impl == NULL)
		return -1;
	accounts->ops = impl->ops;
	accounts->state = accounts->ops->open(settings);
	if (accounts->state == NULL) {
		accounts->ops = NULL;
		return -1;
	}
	return 0;
}

int
registry_open_recovery(const struct config_section *settings,
    const char *state_dir, struct recovery *recovery)
{
	const struct backend_impl *impl = impl_for(settings, "recovery");

	recovery->ops = NULL;
	recovery->state = NULL;
	if (impl == NULL)
		return -1;
	recovery->ops = impl->ops;
	recovery->state = recovery->ops->open(settings, state_dir);
	if (recovery->state == NULL) {
		recovery->ops = NULL;
		return -1;
	}
	return 0;
}
