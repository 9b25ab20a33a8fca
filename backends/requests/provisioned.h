/*
 * provisioned.h: the recorder's side of its provisioning file: loading
 * its key and serial for the recovery protocol, and refusing a demo key
 * set unless the config explicitly accepts one (the demo's key set is
 * public: on a product it would let anyone make codes).
 */
#ifndef NVR_BACKENDS_REQUESTS_PROVISIONED_H
#define NVR_BACKENDS_REQUESTS_PROVISIONED_H

#include <stdbool.h>
#include <stdint.h>
#include <sodium.h>

#include "common/nvr_error.h"
#include "backends/requests/requests.h"

/* Reads PATH (mode 0600, in a folder nobody else can write in) and fills
 * DEV with its key id, serial, demo mark and subkeys, and VENDOR_PUBLIC
 * with the key that signs reset files. Returns 0, -EPERM (permissions,
 * or a demo key set without ALLOW_DEMO), -ENOENT, -EBADMSG (FILE:LINE) or
 * another negative errno, with ERR filled. The caller wipes DEV with
 * sodium_memzero. */
int provisioned_load(const char *path, bool allow_demo,
    struct requests_device *dev,
    uint8_t vendor_public[crypto_sign_PUBLICKEYBYTES],
    struct nvr_error *err);

#endif
