/*
 * provisioning.h: the file a device keeps, made by `nvr-support
 * provision` from a key set and the device's serial number, mode 0600:
 *     # nvr-recovery provisioning 1
 *     serial=SN
 *     key_id=N
 *     demo=yes|no
 *     device_key=<64 hex>          protocol_device_key(master, N, SN)
 *     vendor_public_key=<64 hex>   the key set's sign_public
 *
 * Invariants:
 * 1. It holds one device's key and nothing from which the master or
 *    another device's key could be found.
 * 2. It is read only after its folder and file pass private_file.h's
 *    checks, and only if it parses strictly; it is never overwritten.
 * 3. The caller wipes a struct provisioning with provisioning_wipe.
 */
#ifndef NVR_COMMON_PROVISIONING_H
#define NVR_COMMON_PROVISIONING_H

#include <stdbool.h>
#include <stdint.h>
#include <sodium.h>

#include "common/nvr_error.h"
#include "common/protocol.h"

#define PROVISIONING_HEADER "# nvr-recovery provisioning 1"

struct provisioning {
	char serial[PROTOCOL_NAME_MAX + 1];
	unsigned key_id;
	bool demo;
	uint8_t device_key[PROTOCOL_KEY_BYTES];
	uint8_t vendor_public_key[crypto_sign_PUBLICKEYBYTES];
};

/* Writes P to PATH, which must not exist. Returns 0, -EEXIST or another
 * negative errno. */
int provisioning_write(const char *path, const struct provisioning *p,
    struct nvr_error *err);

/* Reads PATH into P. Returns 0, -ENOENT, -EPERM, -EBADMSG ("FILE:LINE:
 * message") or another negative errno. */
int provisioning_read(const char *path, struct provisioning *p,
    struct nvr_error *err);

/* Wipes P. */
void provisioning_wipe(struct provisioning *p);

#endif
