/*
 * sha256.h: SHA-256 (FIPS 180-4), used to derive token_id from a token value:
 * a token's id is the lower-case hex SHA-256 of its value (token-api.md).
 */
#ifndef PATROL_SHA256_H
#define PATROL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN 64

struct sha256_ctx {
	uint32_t state[8];
	uint64_t bits;
	uint8_t block[64];
	size_t used;
};

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, uint8_t out[SHA256_DIGEST_LEN]);
/* Hash data and write 64 lower-case hex characters plus a NUL to out. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);

#endif
