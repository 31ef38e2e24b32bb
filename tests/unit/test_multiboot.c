/*
 * Host tests of the Multiboot2 information parser (boot/multiboot.c):
 * well-formed structures, and truncated, inconsistent and random ones.
 * Each structure lives in a heap block of exactly its declared size, so
 * AddressSanitizer catches any read past it.
 * unit-sources: boot/multiboot.c boot/bootinfo.c boot/cmdline.c
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conscapture.h"

#include <bmk/bootinfo.h>
#include <bmk/errno.h>

static bool quiet;

void
cons_set_quiet(bool q)
{
	quiet = q;
}


#define MB2 0x36d76289u

/* A structure being assembled. */
static uint8_t img[4096];
static size_t len;

static void
put32(size_t off, uint32_t v)
{
	memcpy(img + off, &v, 4);
}

static void
put64(size_t off, uint64_t v)
{
	memcpy(img + off, &v, 8);
}

static size_t
tag(uint32_t type, uint32_t size)
{
	size_t at = len;

	put32(at, type);
	put32(at + 4, size);
	len += (size + 7) & ~7u;
	return at;
}

static void
begin(void)
{
	memset(img, 0, sizeof(img));
	len = 8;
}

static void
mmap_entry(size_t at, uint64_t base, uint64_t l, uint32_t type)
{
	put64(at, base);
	put64(at + 8, l);
	put32(at + 16, type);
}

/* Copy into an exactly-sized, 8-aligned block and parse it. */
static int
parse(struct bootinfo *bi, size_t total)
{
	uint8_t *copy = aligned_alloc(8, (total + 7) & ~(size_t)7);
	int r;

	put32(0, (uint32_t)total);
	memcpy(copy, img, total);
	memset(bi, 0, sizeof(*bi));
	consbuf[0] = '\0';
	r = multiboot_parse(MB2, (uintptr_t)copy, bi);
	free(copy);
	return r;
}

static void
build_good(void)
{
	size_t t;

	begin();
	t = tag(1, 8 + 12);
	memcpy(img + t + 8, "quiet -- hi", 12);
	t = tag(6, 16 + 3 * 24);
	put32(t + 8, 24);
	mmap_entry(t + 16, 0, 0x9fc00, 1);
	mmap_entry(t + 40, 0xf0000, 0x10000, 2);
	mmap_entry(t + 64, 0x100000, 0x7f00000, 1);
	t = tag(8, 40);
	put64(t + 8, 0xfd000000);
	put32(t + 16, 4096);
	put32(t + 20, 1024);
	put32(t + 24, 768);
	img[t + 28] = 32;
	img[t + 29] = 1;
	img[t + 32] = 16;
	img[t + 33] = 8;
	t = tag(3, 16 + 4);
	put32(t + 8, 0x200000);
	put32(t + 12, 0x201000);
	t = tag(14, 8 + 20);
	memcpy(img + t + 8, "RSD PTR ", 8);
	tag(0, 8);
}

static void
test_good(void)
{
	struct bootinfo bi;
	int r;

	build_good();
	r = parse(&bi, len);
	NCHECK("good: parses", r == 0 && consbuf[0] == '\0');
	NCHECK("good: two RAM ranges", bi.bi_nmem == 2 &&
	    bi.bi_mem[1].br_base == 0x100000 && bi.bi_mem[1].br_len == 0x7f00000);
	NCHECK("good: command line", strcmp(bi.bi_cmdline, "quiet -- hi") == 0);
	NCHECK("good: framebuffer", bi.bi_fb.fb_addr == 0xfd000000 &&
	    bi.bi_fb.fb_width == 1024 && bi.bi_fb.fb_bpp == 32 &&
	    bi.bi_fb.fb_type == BOOTINFO_FB_RGB && bi.bi_fb.fb_red_pos == 16);
	NCHECK("good: info and module reserved", bi.bi_nrsv == 2 &&
	    bi.bi_rsv[1].br_base == 0x200000 && bi.bi_rsv[1].br_len == 0x1000);
	NCHECK("good: rsdp found", bi.bi_rsdp != 0);
	NCHECK("good: quiet on the command line silences boot messages", quiet);
}

static void
test_bad(void)
{
	struct bootinfo bi;
	size_t t;

	build_good();
	NCHECK("truncated: total size cuts the end tag",
	    parse(&bi, len - 8) == 0 && strstr(consbuf, "no end tag") != NULL);
	build_good();
	put32(8 + 4, 4000);	/* cmdline tag claims more than there is */
	NCHECK("inconsistent: tag beyond the structure",
	    parse(&bi, len) == EINVAL && strstr(consbuf, "beyond") != NULL);
	build_good();
	put32(8 + 4, 4);	/* tag smaller than its own header */
	NCHECK("inconsistent: tag size below 8", parse(&bi, len) == EINVAL);
	NCHECK("absurd total size", parse(&bi, 12) == EINVAL);
	begin();
	t = tag(6, 16 + 24);
	put32(t + 8, 0);	/* entry size 0 would loop forever */
	mmap_entry(t + 16, 0x100000, 0x100000, 1);
	tag(0, 8);
	NCHECK("mmap entry size 0 rejected", parse(&bi, len) == EINVAL &&
	    strstr(consbuf, "entry size 0") != NULL);
	begin();
	t = tag(1, 8 + 4);
	memcpy(img + t + 8, "abcd", 4);	/* no NUL inside the tag */
	t = tag(6, 16 + 24);
	put32(t + 8, 24);
	mmap_entry(t + 16, 0x100000, 0x100000, 1);
	tag(0, 8);
	NCHECK("unterminated command line", parse(&bi, len) == 0 &&
	    strcmp(bi.bi_cmdline, "abcd") == 0 &&
	    strstr(consbuf, "not terminated") != NULL);
	begin();
	tag(0, 8);
	NCHECK("no memory map", parse(&bi, len) == EINVAL &&
	    strstr(consbuf, "no memory map") != NULL);
	memset(&bi, 0, sizeof(bi));
	consbuf[0] = '\0';
	NCHECK("wrong magic", multiboot_parse(0x1badb002, 0x1000, &bi) == EINVAL &&
	    strstr(consbuf, "magic") != NULL);
}

/* Random tag soup inside a valid-looking header: no crash, no overread. */
static void
test_random(void)
{
	struct bootinfo bi;
	unsigned seed = 4242;
	int i, ok = 1;

	for (i = 0; i < 20000; i++) {
		size_t total = 16 + rand_r(&seed) % 1024, j;
		for (j = 8; j < total; j++)
			img[j] = (uint8_t)rand_r(&seed);
		/* Steer some tags towards interesting types and sizes. */
		for (j = 8; j + 8 <= total; j += 8 + (rand_r(&seed) % 6) * 8) {
			put32(j, rand_r(&seed) % 16);
			put32(j + 4, 8 + rand_r(&seed) % 128);
		}
		parse(&bi, total);
		ok &= bi.bi_nmem <= BOOTINFO_MAXMEM && bi.bi_nrsv <= BOOTINFO_MAXRSV;
	}
	NCHECK("20000 random tag lists", ok);
}

int
main(void)
{
	test_good();
	test_bad();
	test_random();
	return unit_done();
}
