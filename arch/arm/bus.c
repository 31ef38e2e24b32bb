/*
 * Bus access for the platform contract (bmk/platform.h), AArch64.
 *
 * No port I/O space: a PCI host bridge's I/O window would be memory
 * mapped, and none is set up yet, so plat_io_check answers ENODEV,
 * reads return all ones and writes are dropped.
 *
 * Cache maintenance by virtual address to the point of coherency
 * (DC CVAC: clean, DC CIVAC: clean and invalidate), one line at a time,
 * with the smallest data cache line size from CTR_EL0.DminLine, then
 * DSB SY: the maintenance and every earlier access complete before any
 * later one, device register writes included. Clean-and-invalidate is
 * used where an invalidate is wanted: a plain DC IVAC would discard a
 * dirty neighbour sharing a partial line at either end.
 */
#include <stddef.h>
#include <stdint.h>

#include <bmk/errno.h>
#include <bmk/platform.h>

#define CTR_DMINLINE_SHIFT 16
#define CTR_DMINLINE_MASK 0xfUL

int
plat_io_check(unsigned long port, unsigned long size)
{
	(void)port;
	(void)size;
	return ENODEV;
}

uint8_t
plat_io_read8(unsigned long port)
{
	(void)port;
	return 0xff;
}

uint16_t
plat_io_read16(unsigned long port)
{
	(void)port;
	return 0xffff;
}

uint32_t
plat_io_read32(unsigned long port)
{
	(void)port;
	return 0xffffffffu;
}

void
plat_io_write8(unsigned long port, uint8_t v)
{
	(void)port;
	(void)v;
}

void
plat_io_write16(unsigned long port, uint16_t v)
{
	(void)port;
	(void)v;
}

void
plat_io_write32(unsigned long port, uint32_t v)
{
	(void)port;
	(void)v;
}

/* Smallest data cache line in bytes: 4 << CTR_EL0.DminLine. */
static uintptr_t
dcache_line(void)
{
	uint64_t ctr;

	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	return (uintptr_t)4 << ((ctr >> CTR_DMINLINE_SHIFT) & CTR_DMINLINE_MASK);
}

void
plat_dcache_wb_range(uintptr_t va, size_t len)
{
	uintptr_t line = dcache_line();
	uintptr_t end = va + len;

	for (uintptr_t p = va & ~(line - 1); p < end; p += line)
		__asm__ volatile("dc cvac, %0" : : "r"(p) : "memory");
	__asm__ volatile("dsb sy" : : : "memory");
}

void
plat_dcache_wbinv_range(uintptr_t va, size_t len)
{
	uintptr_t line = dcache_line();
	uintptr_t end = va + len;

	for (uintptr_t p = va & ~(line - 1); p < end; p += line)
		__asm__ volatile("dc civac, %0" : : "r"(p) : "memory");
	__asm__ volatile("dsb sy" : : : "memory");
}
