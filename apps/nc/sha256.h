/*
 * SHA-256 (FIPS 180-4, section 6.2), incremental. Used by nc -s to
 * fingerprint what came back; tested against the standard's examples
 * in tests/unit/test_sha256.c.
 */
#ifndef NC_SHA256_H
#define NC_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

struct sha256 {
	uint32_t s_h[8];
	uint64_t s_bytes;	/* message length so far */
	uint8_t s_block[64];
	unsigned s_fill;	/* bytes in s_block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);
/* 64 lowercase hex digits and a NUL into hex. */
void sha256_hex(const uint8_t digest[SHA256_LEN], char hex[65]);

#endif
