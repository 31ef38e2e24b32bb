/*
 * Bus access for the platform contract (bmk/platform.h), x86: port I/O
 * with in/out, and no data cache maintenance, since PCI DMA on x86 is
 * cache coherent; the barrier (mfence) keeps the ordering promise.
 */
#include <stddef.h>
#include <stdint.h>

#include <bmk/errno.h>
#include <bmk/platform.h>

#include <x86/cpu.h>

#define X86_NPORTS 0x10000UL

int
plat_io_check(unsigned long port, unsigned long size)
{
	if (size == 0 || port >= X86_NPORTS || size > X86_NPORTS - port)
		return EINVAL;
	return 0;
}

uint8_t
plat_io_read8(unsigned long port)
{
	return inb((uint16_t)port);
}

uint16_t
plat_io_read16(unsigned long port)
{
	return inw((uint16_t)port);
}

uint32_t
plat_io_read32(unsigned long port)
{
	return inl((uint16_t)port);
}

void
plat_io_write8(unsigned long port, uint8_t v)
{
	outb((uint16_t)port, v);
}

void
plat_io_write16(unsigned long port, uint16_t v)
{
	outw((uint16_t)port, v);
}

void
plat_io_write32(unsigned long port, uint32_t v)
{
	outl((uint16_t)port, v);
}

void
plat_dcache_wb_range(uintptr_t va, size_t len)
{
	(void)va;
	(void)len;
	__asm__ volatile("mfence" : : : "memory");
}

void
plat_dcache_wbinv_range(uintptr_t va, size_t len)
{
	(void)va;
	(void)len;
	__asm__ volatile("mfence" : : : "memory");
}
