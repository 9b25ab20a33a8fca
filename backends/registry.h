/*
 * registry.h: the map from YAML backend names to implementations. The
 * config names a backend per concern (device: {backend: files}); an
 * unknown name is a config error, never a silent skip.
 */
#ifndef NVR_BACKENDS_REGISTRY_H
#define NVR_BACKENDS_REGISTRY_H

#include <stddef.h>

#include "backends/accounts/accounts.h"
#include "backends/backend.h"
#include "backends/device/device.h"
#include "backends/recovery/recovery.h"

/* The implementation NAME of CONCERN, or NULL. */
const struct backend_impl *registry_find(const char *concern,
    const char *name);

/* Writes the names known for CONCERN as "a, b, c" into BUF. */
void registry_names(const char *concern, char *buf, size_t size);

/* A schema_backend_keys_fn for the config check. */
const struct schema_key *registry_keys(const char *concern, const char *name,
    char *known, size_t known_size);

/* Calls FN for every implementation this build has, for --help. */
void registry_each(void (*fn)(const struct backend_impl *impl, void *arg),
    void *arg);

/*
 * Opens the device backend SETTINGS names. Problems go to the config's
 * diagnostics, at the key at fault. Returns 0 or -1.
 */
int registry_open_device(const struct config_section *settings,
    struct device *dev);

/* Opens the accounts backend SETTINGS names, likewise. */
int registry_open_accounts(const struct config_section *settings,
    struct accounts *accounts);

/* Opens the recovery backend SETTINGS names, likewise; its store
 * defaults to a file in STATE_DIR. */
int registry_open_recovery(const struct config_section *settings,
    const char *state_dir, struct recovery *recovery);

#endif
