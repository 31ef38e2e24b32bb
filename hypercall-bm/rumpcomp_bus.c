/*
 * Bus hypercalls on bare metal (rump/rumpcomp_bus.h): port I/O and DMA
 * cache maintenance, passed to the platform contract (bmk/platform.h),
 * which does them per arch.
 *
 * DMA sync: memory is identity mapped, so the virtual range is the one
 * to maintain. PREREAD and POSTREAD write back and invalidate (the
 * device's data must not be hidden by, or overwritten from, the cache);
 * PREWRITE writes back; POSTWRITE needs only the ordering. Every call
 * ends with the platform's full barrier.
 */
#include <stddef.h>
#include <stdint.h>

#include <rump/rumpcomp_bus.h>

#include <bmk/platform.h>

int
rumpcomp_bus_io_map(unsigned long port, unsigned long size)
{
	return plat_io_check(port, size);
}

uint8_t
rumpcomp_bus_io_read8(unsigned long port)
{
	return plat_io_read8(port);
}

uint16_t
rumpcomp_bus_io_read16(unsigned long port)
{
	return plat_io_read16(port);
}

uint32_t
rumpcomp_bus_io_read32(unsigned long port)
{
	return plat_io_read32(port);
}

void
rumpcomp_bus_io_write8(unsigned long port, uint8_t value)
{
	plat_io_write8(port, value);
}

void
rumpcomp_bus_io_write16(unsigned long port, uint16_t value)
{
	plat_io_write16(port, value);
}

void
rumpcomp_bus_io_write32(unsigned long port, uint32_t value)
{
	plat_io_write32(port, value);
}

void
rumpcomp_bus_dma_sync(void *va, size_t len, int ops)
{
	const int inval = RUMPCOMP_BUS_DMA_PREREAD | RUMPCOMP_BUS_DMA_POSTREAD;

	if ((ops & inval) != 0)
		plat_dcache_wbinv_range((uintptr_t)va, len);
	else if ((ops & RUMPCOMP_BUS_DMA_PREWRITE) != 0)
		plat_dcache_wb_range((uintptr_t)va, len);
	else
		plat_dcache_wb_range((uintptr_t)va, 0);
}
