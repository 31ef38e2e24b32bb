/*
 * Bus hypercalls on Linux (rump/rumpcomp_bus.h): there is no port I/O
 * space to reach, so mapping ports fails with ENODEV, reads return all
 * ones (what an absent device answers) and writes go nowhere. DMA
 * memory is ordinary process memory, coherent with the CPU: a sync is
 * only a full memory fence.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <rump/rumpcomp_bus.h>

#include "hp.h"

int
rumpcomp_bus_io_map(unsigned long port, unsigned long size)
{
	(void)port;
	(void)size;
	return ENODEV;
}

uint8_t
rumpcomp_bus_io_read8(unsigned long port)
{
	(void)port;
	return 0xff;
}

uint16_t
rumpcomp_bus_io_read16(unsigned long port)
{
	(void)port;
	return 0xffff;
}

uint32_t
rumpcomp_bus_io_read32(unsigned long port)
{
	(void)port;
	return 0xffffffffu;
}

void
rumpcomp_bus_io_write8(unsigned long port, uint8_t value)
{
	(void)port;
	(void)value;
}

void
rumpcomp_bus_io_write16(unsigned long port, uint16_t value)
{
	(void)port;
	(void)value;
}

void
rumpcomp_bus_io_write32(unsigned long port, uint32_t value)
{
	(void)port;
	(void)value;
}

void
rumpcomp_bus_dma_sync(void *va, size_t len, int ops)
{
	(void)va;
	(void)len;
	(void)ops;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
