/*
 * Host tests of apps/nc's SHA-256 against FIPS 180-2 appendix B's
 * examples (the same digests FIPS 180-4's example page gives) and
 * against itself fed in random pieces.
 * unit-sources: apps/nc/sha256.c
 * unit-cflags: -Iapps/nc
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "sha256.h"

static void
digest_hex(const void *data, size_t len, char hex[65])
{
	struct sha256 s;
	uint8_t d[SHA256_LEN];

	sha256_init(&s);
	sha256_update(&s, data, len);
	sha256_final(&s, d);
	sha256_hex(d, hex);
}

static void
test_abc(void)
{
	char hex[65];

	digest_hex("abc", 3, hex);
	CHECK(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad") == 0);
}

static void
test_empty(void)
{
	char hex[65];

	digest_hex("", 0, hex);
	CHECK(strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855") == 0);
}

static void
test_448bits(void)
{
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char hex[65];

	digest_hex(m, strlen(m), hex);
	CHECK(strcmp(hex, "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1") == 0);
}

static void
test_896bits(void)
{
	const char *m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	char hex[65];

	digest_hex(m, strlen(m), hex);
	CHECK(strcmp(hex, "cf5b16a778af8380036ce59e7b0492370"
	    "b249b11e8f07a51afac45037afee9d1") == 0);
}

static void
test_million_a(void)
{
	static char a[1000];
	struct sha256 s;
	uint8_t d[SHA256_LEN];
	char hex[65];

	memset(a, 'a', sizeof(a));
	sha256_init(&s);
	for (int i = 0; i < 1000; i++)
		sha256_update(&s, a, sizeof(a));
	sha256_final(&s, d);
	sha256_hex(d, hex);
	CHECK(strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0") == 0);
}

/* Every length 0..300, fed whole and in random pieces, agree. */
static void
test_pieces(void)
{
	static uint8_t buf[300];

	srand(7);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand();
	for (size_t len = 0; len <= sizeof(buf); len++) {
		struct sha256 s;
		uint8_t d[SHA256_LEN];
		char whole[65], pieces[65];
		size_t off = 0;

		digest_hex(buf, len, whole);
		sha256_init(&s);
		while (off < len) {
			size_t n = (size_t)rand() % 70;

			if (n > len - off)
				n = len - off;
			sha256_update(&s, buf + off, n);
			off += n;
		}
		sha256_final(&s, d);
		sha256_hex(d, pieces);
		CHECKMSG(strcmp(whole, pieces) == 0, "length %zu", len);
	}
}

/* 55, 56 and 64 bytes straddle the padding's block boundary. */
static void
test_pad_edges(void)
{
	char hex[65];
	char m[64];

	memset(m, 'a', sizeof(m));
	digest_hex(m, 55, hex);
	CHECK(strcmp(hex, "9f4390f8d30c2dd92ec9f095b65e2b9a"
	    "e9b0a925a5258e241c9f1e910f734318") == 0);
	digest_hex(m, 56, hex);
	CHECK(strcmp(hex, "b35439a4ac6f0948b6d6f9e3c6af0f5f"
	    "590ce20f1bde7090ef7970686ec6738a") == 0);
	digest_hex(m, 64, hex);
	CHECK(strcmp(hex, "ffe054fe7ae0cb6dc65c3af9b61d5209"
	    "f439851db43d0ba5997337df154668eb") == 0);
}

int
main(void)
{
	RUN(test_abc);
	RUN(test_empty);
	RUN(test_448bits);
	RUN(test_896bits);
	RUN(test_million_a);
	RUN(test_pieces);
	RUN(test_pad_edges);
	return unit_done();
}
