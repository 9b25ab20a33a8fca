/*
 * keyset.h: a vendor key set, kept as DIR/keyset-N (N its id, 1-65535),
 * mode 0600, in a folder of mode 0700:
 *     # nvr-recovery key set 1
 *     key_id=N
 *     demo=yes|no
 *     master=<64 hex>        32 random bytes; device keys derive from it
 *     sign_public=<64 hex>   Ed25519 (for signed reset files)
 *     sign_secret=<128 hex>
 *
 * Invariants:
 * 1. A key set is read only after its folder and file pass
 *    private_file.h's checks, and only if it parses strictly, its key_id
 *    is the N in its name and sign_public belongs to sign_secret.
 * 2. A key set file is never overwritten.
 * 3. The caller holds a struct keyset in its own memory and wipes it
 *    with keyset_wipe on every path.
 */
#ifndef NVR_SUPPORT_KEYSET_H
#define NVR_SUPPORT_KEYSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sodium.h>

#include "common/nvr_error.h"
#include "common/protocol.h"
#include "common/provisioning.h"

#define KEYSET_HEADER "# nvr-recovery key set 1"
#define KEYSET_ID_MAX 65535
/* The name of the lock keygen holds while it picks an id and writes. */
#define KEYSET_LOCK_NAME "keyset.lock"

struct keyset {
	unsigned id;		/* 1..KEYSET_ID_MAX */
	bool demo;		/* for demonstrations and tests only */
	uint8_t master[PROTOCOL_KEY_BYTES];
	uint8_t sign_public[crypto_sign_PUBLICKEYBYTES];
	uint8_t sign_secret[crypto_sign_SECRETKEYBYTES];
};

/* Makes a new key set ID from fresh randomness. sodium_init() first. */
void keyset_generate(struct keyset *ks, unsigned id, bool demo);

/* Writes DIR/keyset-ID into OUT (SIZE bytes); 0 or -ENAMETOOLONG. */
int keyset_path(const char *dir, unsigned id, char *out, size_t size);

/*
 * Reads key set ID from DIR. Returns 0; -ENOENT ("no key set N in DIR",
 * or no such folder); -EPERM (invariant 1's ownership and modes);
 * -EBADMSG ("FILE:LINE: message"); or another negative errno.
 */
int keyset_read(const char *dir, unsigned id, struct keyset *ks,
    struct nvr_error *err);

/* Writes KS as DIR/keyset-ID. Returns 0, -EEXIST, or another negative
 * errno. The caller checks DIR and holds its lock (KEYSET_LOCK_NAME). */
int keyset_write(const char *dir, const struct keyset *ks,
    struct nvr_error *err);

/* Sets *ID to the highest N of a DIR/keyset-N, 0 if there is none. DIR
 * must pass private_file_check_folder. Returns 0 or a negative errno. */
int keyset_highest_id(const char *dir, unsigned *id, struct nvr_error *err);

/* Wipes KS. */
void keyset_wipe(struct keyset *ks);

/* Fills P for the device SERIAL under key set KS: its device key, the
 * key set's id, demo mark and public key. Returns 0, or -EINVAL if SERIAL
 * cannot travel in a request (protocol_name_ok). */
int keyset_provision(const struct keyset *ks, const char *serial,
    struct provisioning *p);

#endif
