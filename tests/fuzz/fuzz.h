/*
 * fuzz.h: what the fuzz harnesses in tests/fuzz/ share: the libFuzzer
 * entry point's prototype (the harnesses are also built with gcc and the
 * project's warnings, for tests/fuzz/replay.c), a check that aborts, and
 * the fixed keys and request the harnesses and the seed generator use.
 *
 * Each harness is one LLVMFuzzerTestOneInput over the code under test;
 * anything it finds wrong ends in abort(), which libFuzzer and the replay
 * driver both report as a crash.
 */
#ifndef NVR_TESTS_FUZZ_H
#define NVR_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdbool.h>
#include <unistd.h>

#include "common/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts, naming the property, when COND does not hold. */
#define FUZZ_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: fuzz check failed: %s\n", \
		    __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* libsodium before any use (a no-op after the first call). */
static inline void
fuzz_init(void)
{
	FUZZ_CHECK(sodium_init() >= 0);
}

/* DATA (SIZE bytes) as a fresh NUL-terminated string (cut at the first
 * NUL it holds); the caller frees it. */
static inline char *
fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	FUZZ_CHECK(s != NULL);
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The fixed keys: request key 00 01 .. 1f, code key 80 81 .. 9f. */
static inline void
fuzz_keys(uint8_t request_key[PROTOCOL_KEY_BYTES],
    uint8_t code_key[PROTOCOL_KEY_BYTES])
{
	for (size_t i = 0; i < PROTOCOL_KEY_BYTES; i++) {
		request_key[i] = (uint8_t)i;
		code_key[i] = (uint8_t)(0x80 + i);
	}
}

/* The fixed Ed25519 key pair reset files are signed with, from the seed
 * 40 41 .. 5f. */
static inline void
fuzz_sign_keys(uint8_t public_key[crypto_sign_PUBLICKEYBYTES],
    uint8_t secret_key[crypto_sign_SECRETKEYBYTES])
{
	uint8_t seed[crypto_sign_SEEDBYTES];

	for (size_t i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(0x40 + i);
	FUZZ_CHECK(crypto_sign_seed_keypair(public_key, secret_key, seed) ==
	    0);
}

/* The fixed request fuzz_code checks codes against (version 1, as a
 * zeroed struct is). */
static inline void
fuzz_request(struct protocol_request *r)
{
	static const uint8_t nonce[PROTOCOL_NONCE_BYTES] = {
		0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe, 0x01, 0x23,
	};

	memset(r, 0, sizeof(*r));
	r->key_id = 3;
	r->demo = false;
	memcpy(r->nonce, nonce, sizeof(nonce));
	r->day = 19800;
	snprintf(r->serial, sizeof(r->serial), "%s", "NVR0012345678");
	snprintf(r->account, sizeof(r->account), "%s", "admin");
}

/* The fixed version-2 request: the same fields, in account store 7. */
#define FUZZ_STORE 7

static inline void
fuzz_request_v2(struct protocol_request *r)
{
	fuzz_request(r);
	r->version = 2;
	r->store = FUZZ_STORE;
}

/* Whether the file at PATH holds exactly DATA (SIZE bytes, at most
 * 8 KiB): what a reader that refused it must leave. */
static inline bool
fuzz_file_holds(const char *path, const uint8_t *data, size_t size)
{
	uint8_t buf[8192];
	size_t got = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	FUZZ_CHECK(fd >= 0);
	while (got < sizeof(buf) &&
	    (n = read(fd, buf + got, sizeof(buf) - got)) > 0)
		got += (size_t)n;
	close(fd);
	return got == size && memcmp(buf, data, size) == 0;
}

#endif
