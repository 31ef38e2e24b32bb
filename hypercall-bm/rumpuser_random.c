/*
 * rumpuser_getrandom: a ChaCha20 CSPRNG (the block function of RFC 8439,
 * section 2.3) seeded and reseeded from the platform's hardware entropy
 * (plat_entropy: RDSEED/RDRAND on x86) and, always, from timer jitter.
 *
 * Generator ("fast key erasure"): the state is a 256-bit key. A request
 * runs ChaCha20 with that key, a fresh nonce and counters 0, 1, ...; the
 * first 32 bytes of block 0 become the next key at once and the rest of
 * the keystream is the output. The key that produced some output is
 * gone before the output is returned, so a later compromise of the state
 * does not reveal earlier output.
 *
 * Mixing entropy in: for each 32-byte chunk e, key = first half of
 * ChaCha20(key XOR e, nonce "mix"). ChaCha20's feed-forward makes that a
 * one-way compression of old key and input; without any entropy the key
 * still changes with every mix, and it is never a constant because the
 * jitter samples and the clocks differ from boot to boot.
 *
 * Timer jitter: the low bits of the monotonic clock read around a short
 * ChaCha computation; under an emulator and on hardware they wander
 * with cache, pipeline and host effects. Counted as a bonus, not as the
 * only safeguard: on a CPU without RDRAND/RDSEED (QEMU's default TCG
 * model) the output is only as unpredictable as that jitter.
 *
 * Reseeding: before the first request, every RESEED_BYTES bytes of
 * output, every RESEED_NS of time, and before every RUMPUSER_RANDOM_HARD
 * request. NOWAIT is accepted: nothing here ever blocks, so every request
 * is filled completely. The rump kernel CPU is not released (no waiting).
 */
#include <stddef.h>
#include <stdint.h>

#include <bmk/bmk.h>
#include <bmk/errno.h>
#include <bmk/platform.h>

#include "rumpuser_impl.h"

#define CHACHA_BLOCK 64
#define KEY_BYTES 32
#define KEY_WORDS 8
#define RESEED_BYTES (1UL << 20)
#define RESEED_NS (60ULL * 1000000000ULL)
#define JITTER_SAMPLES 128
#define HW_BYTES 64

struct rng {
	uint32_t r_key[KEY_WORDS];
	uint64_t r_nonce;	/* one per generate request */
	uint64_t r_since;	/* output bytes since the last reseed */
	uint64_t r_seeded_at;	/* monotonic ns of the last reseed */
	int r_seeded;
};

static struct rng ru_rng;

/* --- ChaCha20 block function, RFC 8439 section 2.3 ------------------- */

static uint32_t
rotl(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static void
quarter(uint32_t *x, int a, int b, int c, int d)
{
	x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 16);
	x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 12);
	x[a] += x[b]; x[d] = rotl(x[d] ^ x[a], 8);
	x[c] += x[d]; x[b] = rotl(x[b] ^ x[c], 7);
}

/* out = 16 words of keystream for (key, counter, nonce). */
static void
chacha20_block(const uint32_t key[KEY_WORDS], uint32_t counter,
    const uint32_t nonce[3], uint32_t out[16])
{
	static const uint32_t sigma[4] = {
		0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,
	};
	uint32_t in[16];
	int i;

	for (i = 0; i < 4; i++)
		in[i] = sigma[i];
	for (i = 0; i < KEY_WORDS; i++)
		in[4 + i] = key[i];
	in[12] = counter;
	for (i = 0; i < 3; i++)
		in[13 + i] = nonce[i];
	for (i = 0; i < 16; i++)
		out[i] = in[i];
	for (i = 0; i < 10; i++) {	/* 20 rounds: column + diagonal */
		quarter(out, 0, 4, 8, 12);
		quarter(out, 1, 5, 9, 13);
		quarter(out, 2, 6, 10, 14);
		quarter(out, 3, 7, 11, 15);
		quarter(out, 0, 5, 10, 15);
		quarter(out, 1, 6, 11, 12);
		quarter(out, 2, 7, 8, 13);
		quarter(out, 3, 4, 9, 14);
	}
	for (i = 0; i < 16; i++)
		out[i] += in[i];
}

static void
wipe(void *p, size_t len)
{
	volatile uint8_t *b = p;

	while (len-- > 0)
		*b++ = 0;
}

/* Little-endian words, as RFC 8439 serializes them. */
static uint32_t
load32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* --- entropy in ------------------------------------------------------ */

/* key = H(key ^ chunk), chunk KEY_BYTES long (zero padded by caller). */
static void
mix_chunk(struct rng *r, const uint8_t chunk[KEY_BYTES])
{
	static const uint32_t mix_nonce[3] = {0x78696d00, 0, 0};	/* "mix" */
	uint32_t k[KEY_WORDS], blk[16];
	int i;

	for (i = 0; i < KEY_WORDS; i++)
		k[i] = r->r_key[i] ^ load32(chunk + 4 * i);
	chacha20_block(k, 0, mix_nonce, blk);
	for (i = 0; i < KEY_WORDS; i++)
		r->r_key[i] = blk[i];
	wipe(k, sizeof(k));
	wipe(blk, sizeof(blk));
}

static void
mix(struct rng *r, const uint8_t *data, size_t len)
{
	uint8_t chunk[KEY_BYTES];
	size_t i, n;

	while (len > 0) {
		n = len < KEY_BYTES ? len : KEY_BYTES;
		for (i = 0; i < KEY_BYTES; i++)
			chunk[i] = i < n ? data[i] : 0;
		mix_chunk(r, chunk);
		data += n;
		len -= n;
	}
	wipe(chunk, sizeof(chunk));
}

static void
mix_u64(struct rng *r, uint64_t v)
{
	uint8_t b[8];
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	mix(r, b, sizeof(b));
}

/*
 * One byte per sample: the low bits of the clock and of the time a
 * ChaCha block took, folded together.
 */
static void
mix_jitter(struct rng *r)
{
	static const uint32_t zero[KEY_WORDS], nonce[3];
	uint8_t samples[JITTER_SAMPLES];
	uint32_t scratch[16];
	uint64_t t0, t1;
	int i;

	for (i = 0; i < JITTER_SAMPLES; i++) {
		t0 = bmk_clock_monotonic();
		chacha20_block(zero, (uint32_t)(t0 ^ (uint32_t)i), nonce,
		    scratch);
		t1 = bmk_clock_monotonic();
		samples[i] = (uint8_t)(t1 ^ (t1 >> 8) ^ ((t1 - t0) << 3) ^
		    scratch[i & 15]);
	}
	mix(r, samples, sizeof(samples));
	wipe(samples, sizeof(samples));
}

static void
reseed(struct rng *r)
{
	uint8_t hw[HW_BYTES];
	int n = plat_entropy(hw, sizeof(hw));

	if (n > 0)
		mix(r, hw, (size_t)n);
	wipe(hw, sizeof(hw));
	mix_u64(r, bmk_clock_monotonic());
	mix_u64(r, (uint64_t)bmk_clock_wall());
	mix_jitter(r);
	r->r_since = 0;
	r->r_seeded_at = bmk_clock_monotonic();
	r->r_seeded = 1;
}

static int
reseed_due(const struct rng *r, int flags)
{
	return !r->r_seeded || (flags & RUMPUSER_RANDOM_HARD) ||
	    r->r_since >= RESEED_BYTES ||
	    bmk_clock_monotonic() - r->r_seeded_at >= RESEED_NS;
}

/* --- output ---------------------------------------------------------- */

static void
put_block(const uint32_t blk[16], size_t from, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(blk[(from + i) / 4] >> (8 * ((from + i) % 4)));
}

/* Fill buf with len bytes; the key used is replaced before returning. */
static void
generate(struct rng *r, uint8_t *buf, size_t len)
{
	uint32_t key[KEY_WORDS], blk[16], nonce[3], ctr = 0;
	size_t from = KEY_BYTES, n;
	int i;

	for (i = 0; i < KEY_WORDS; i++)
		key[i] = r->r_key[i];
	nonce[0] = (uint32_t)r->r_nonce;
	nonce[1] = (uint32_t)(r->r_nonce >> 32);
	nonce[2] = 0x676e7200;	/* "rng" */
	r->r_nonce++;
	chacha20_block(key, ctr++, nonce, blk);
	for (i = 0; i < KEY_WORDS; i++)
		r->r_key[i] = blk[i];
	for (;;) {
		n = CHACHA_BLOCK - from < len ? CHACHA_BLOCK - from : len;
		put_block(blk, from, buf, n);
		buf += n;
		len -= n;
		if (len == 0)
			break;
		chacha20_block(key, ctr++, nonce, blk);
		from = 0;
	}
	wipe(key, sizeof(key));
	wipe(blk, sizeof(blk));
}

/* Requests are cut so that one key never produces 2^32 blocks. */
#define GENERATE_MAX (1UL << 16)

int
rumpuser_getrandom(void *buf, size_t buflen, int flags, size_t *retp)
{
	struct rng *r = &ru_rng;
	uint8_t *out = buf;
	size_t done = 0, n;

	if (reseed_due(r, flags))
		reseed(r);
	while (done < buflen) {
		n = buflen - done < GENERATE_MAX ? buflen - done : GENERATE_MAX;
		generate(r, out + done, n);
		done += n;
		r->r_since += n;
	}
	*retp = done;
	return 0;
}
