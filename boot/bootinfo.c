/*
 * Building the protocol-independent boot information (bmk/bootinfo.h).
 */
#include <bmk/bootinfo.h>
#include <bmk/errno.h>

static int
add_range(struct bootinfo_range *tab, int *n, int max, uint64_t base,
    uint64_t len)
{
	if (len == 0)
		return 0;
	if (*n >= max)
		return ENOSPC;
	/* Clamp ranges that would wrap around the address space. */
	if (base + len < base)
		len = UINT64_MAX - base + 1;
	tab[*n].br_base = base;
	tab[*n].br_len = len;
	(*n)++;
	return 0;
}

int
bootinfo_add_mem(struct bootinfo *bi, uint64_t base, uint64_t len)
{
	return add_range(bi->bi_mem, &bi->bi_nmem, BOOTINFO_MAXMEM, base, len);
}

int
bootinfo_add_rsv(struct bootinfo *bi, uint64_t base, uint64_t len)
{
	return add_range(bi->bi_rsv, &bi->bi_nrsv, BOOTINFO_MAXRSV, base, len);
}
