/*
 * Conformance cases: memory (malloc with alignment, free with length,
 * anonmmap/unmap) and the PCI hypercalls that do not need a device
 * (DMA memory, address translation, configuration reads of an empty
 * slot).
 */
#include <errno.h>
#include <string.h>

#include <rump/rumpcomp_pci.h>

#include "suite.h"

static int
aligned(const void *p, size_t align)
{
	return ((uintptr_t)p & (align - 1)) == 0;
}

/* Every power of two from 1 to 64 KiB, for a small and a larger size. */
static int
t_malloc_alignment(void)
{
	size_t align, sizes[2];
	void *p;
	int i, rv;

	for (align = 1; align <= 65536; align *= 2) {
		sizes[0] = 24;
		sizes[1] = align + 100;
		for (i = 0; i < 2; i++) {
			rv = rumpuser_malloc(sizes[i], (int)align, &p);
			if (rv != 0)
				return hc_failv("malloc, align", (long long)align);
			if (!aligned(p, align))
				return hc_failv("misaligned", (long long)align);
			memset(p, 0xa5, sizes[i]);
			rumpuser_free(p, sizes[i]);
		}
	}
	return HC_PASS;
}

static int
t_malloc_zero_alignment(void)
{
	void *p;
	size_t len;

	for (len = 1; len <= 4096; len = len * 3 + 1) {
		if (rumpuser_malloc(len, 0, &p) != 0)
			return hc_failv("malloc align 0, len", (long long)len);
		memset(p, 1, len);
		rumpuser_free(p, len);
	}
	return HC_PASS;
}

#define NBLOCKS 512

/* Blocks do not overlap: fill each with its index, check all after. */
static int
t_malloc_distinct(void)
{
	static unsigned char *blk[NBLOCKS];
	size_t i, j, len;
	int rv = HC_PASS;

	for (i = 0; i < NBLOCKS; i++) {
		len = 16 + (i % 37) * 8;
		if (rumpuser_malloc(len, 0, (void **)&blk[i]) != 0)
			return hc_failv("malloc, block", (long long)i);
		memset(blk[i], (int)(i & 0xff), len);
	}
	for (i = 0; i < NBLOCKS; i++) {
		len = 16 + (i % 37) * 8;
		for (j = 0; j < len; j++)
			if (blk[i][j] != (unsigned char)(i & 0xff))
				rv = hc_failv("block changed", (long long)i);
		rumpuser_free(blk[i], len);
	}
	return rv;
}

static int
t_malloc_large(void)
{
	size_t len = 16u << 20;
	unsigned char *p;

	if (rumpuser_malloc(len, 4096, (void **)&p) != 0)
		return hc_fail("16 MiB allocation failed");
	p[0] = 1;
	p[len / 2] = 2;
	p[len - 1] = 3;
	if (p[0] + p[len / 2] + p[len - 1] != 6)
		return hc_fail("memory does not hold values");
	rumpuser_free(p, len);
	return HC_PASS;
}

static int
t_malloc_huge_fails(void)
{
	void *p = NULL;
	int rv = rumpuser_malloc((size_t)-1 / 2, 0, &p);

	if (rv == 0)
		return hc_fail("an impossible allocation succeeded");
	if (rv != ENOMEM)
		return hc_failv("want ENOMEM", rv);
	return HC_PASS;
}

struct mt_arg {
	int ma_bad;
};

static void
malloc_worker(void *arg)
{
	struct mt_arg *ma = arg;
	void *p[16];
	int i, k;

	for (i = 0; i < 200; i++) {
		for (k = 0; k < 16; k++) {
			if (rumpuser_malloc(64, 64, &p[k]) != 0 ||
			    !aligned(p[k], 64)) {
				ma->ma_bad = 1;
				return;
			}
			memset(p[k], k, 64);
		}
		for (k = 0; k < 16; k++)
			rumpuser_free(p[k], 64);
		if (i % 50 == 0)
			hc_sleep_ns(0);
	}
}

static int
t_malloc_threads(void)
{
	struct mt_arg ma[4];
	void *ck[4];
	int i;

	fk_set_ncpu(4);
	for (i = 0; i < 4; i++) {
		ma[i].ma_bad = 0;
		if (hc_spawn(malloc_worker, &ma[i], &ck[i]) != 0)
			return hc_fail("thread_create");
	}
	for (i = 0; i < 4; i++)
		rumpuser_thread_join(ck[i]);
	for (i = 0; i < 4; i++)
		if (ma[i].ma_bad)
			return hc_fail("allocation failed in a thread");
	return HC_PASS;
}

static int
t_anonmmap(void)
{
	size_t len = 64 * 1024, i;
	unsigned char *p;
	int rv = rumpuser_anonmmap(NULL, len, 0, 0, (void **)&p);

	if (rv != 0)
		return hc_failv("anonmmap", rv);
	for (i = 0; i < len; i++)
		if (p[i] != 0)
			return hc_fail("anonymous memory not zeroed");
	memset(p, 0x5a, len);
	rumpuser_unmap(p, len);
	return HC_PASS;
}

static int
t_anonmmap_aligned(void)
{
	size_t len = 8192;
	void *p;
	int rv = rumpuser_anonmmap(NULL, len, 16, 0, &p);

	if (rv != 0)
		return hc_failv("anonmmap alignbit 16", rv);
	if (!aligned(p, 65536))
		return hc_fail("not aligned to 64 KiB");
	memset(p, 1, len);
	rumpuser_unmap(p, len);
	return HC_PASS;
}

static int
t_pci_dmalloc(void)
{
	unsigned long pa, va;
	int rv = rumpcomp_pci_dmalloc(8192, 4096, &pa, &va);

	if (rv != 0)
		return hc_failv("dmalloc", rv);
	if (pa % 4096 != 0 || va % 4096 != 0)
		return hc_fail("DMA memory not aligned");
	if (rumpcomp_pci_virt_to_mach((void *)va) != pa)
		return hc_fail("virt_to_mach(va) != pa");
	if (rumpcomp_pci_virt_to_mach((char *)va + 4100) != pa + 4100)
		return hc_fail("virt_to_mach not linear inside the block");
	memset((void *)va, 0x3c, 8192);
	rumpcomp_pci_dmafree(va, 8192);
	return HC_PASS;
}

static int
t_pci_dmamem_map(void)
{
	struct rumpcomp_pci_dmaseg seg;
	unsigned long pa, va;
	void *map = NULL;
	int rv;

	if ((rv = rumpcomp_pci_dmalloc(4096, 4096, &pa, &va)) != 0)
		return hc_failv("dmalloc", rv);
	seg.ds_pa = pa;
	seg.ds_len = 4096;
	seg.ds_vacookie = va;
	rv = rumpcomp_pci_dmamem_map(&seg, 1, 4096, &map);
	rumpcomp_pci_dmafree(va, 4096);
	if (rv != 0)
		return hc_failv("dmamem_map of one segment", rv);
	if (map != (void *)va)
		return hc_fail("one segment maps at its own address");
	return HC_PASS;
}

/* Bus 255, device 31, function 7 is empty on QEMU and on any host. */
static int
t_pci_empty_slot(void)
{
	unsigned int v = 0;
	int rv = rumpcomp_pci_confread(255, 31, 7, 0, &v);

	if (rv == 0 && v != 0xffffffffu)
		return hc_failv("empty slot reads", v);
	return HC_PASS;
}

const struct hc_case hc_cases_mem[] = {
	{"malloc_alignment_1_to_64k", t_malloc_alignment},
	{"malloc_alignment_0", t_malloc_zero_alignment},
	{"malloc_blocks_distinct", t_malloc_distinct},
	{"malloc_16mib", t_malloc_large},
	{"malloc_impossible_enomem", t_malloc_huge_fails},
	{"malloc_from_threads", t_malloc_threads},
	{"anonmmap_zeroed", t_anonmmap},
	{"anonmmap_alignbit", t_anonmmap_aligned},
	{"pci_dmalloc_virt_to_mach", t_pci_dmalloc},
	{"pci_dmamem_map_one_segment", t_pci_dmamem_map},
	{"pci_confread_empty_slot", t_pci_empty_slot},
	{NULL, NULL},
};
