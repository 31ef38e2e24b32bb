/*
 * Bus hypercalls, the rumpcomp_bus_* family: what sys/kern's bus_space
 * and bus_dma need from the machine beyond rumpcomp_pci.h. An extension
 * of the hypercall contract made for rumpmetal (not part of NetBSD's
 * rump kernels); hypercall-bm and hypercall-posix both implement it.
 *
 * Port I/O is the x86 I/O address space (PCI I/O BARs). An
 * implementation without one (Linux, ARM for now) refuses the mapping
 * with ENODEV, reads all ones and ignores writes. Memory-mapped I/O
 * needs no hypercall: sys/ accesses the address rumpcomp_pci_map gave.
 *
 * DMA synchronization: rumpcomp_bus_dma_sync does what the CPU's caches
 * need around a device access to [va, va + len):
 *	PREWRITE   the device will read: write dirty lines back
 *	PREREAD    the device will write: write back and invalidate
 *	POSTREAD   the device wrote: invalidate (lines the CPU fetched
 *	           speculatively meanwhile)
 *	POSTWRITE  nothing
 * With cache-coherent DMA (x86, Linux) only the ordering remains. In
 * every case it ends with a full barrier: the CPU's earlier accesses
 * to memory are visible to devices before any later access (such as a
 * doorbell register write). DMA buffers should be whole cache lines: a
 * line shared with other data may lose that data on POSTREAD.
 * Thread context; never releases the rump kernel CPU.
 */
#ifndef RUMP_RUMPCOMP_BUS_H
#define RUMP_RUMPCOMP_BUS_H

#include <stddef.h>
#include <stdint.h>

/* 0 if ports [port, port + size) can be accessed, else ENODEV/EINVAL. */
int rumpcomp_bus_io_map(unsigned long port, unsigned long size);
uint8_t rumpcomp_bus_io_read8(unsigned long port);
uint16_t rumpcomp_bus_io_read16(unsigned long port);
uint32_t rumpcomp_bus_io_read32(unsigned long port);
void rumpcomp_bus_io_write8(unsigned long port, uint8_t value);
void rumpcomp_bus_io_write16(unsigned long port, uint16_t value);
void rumpcomp_bus_io_write32(unsigned long port, uint32_t value);

#define RUMPCOMP_BUS_DMA_PREREAD 0x01
#define RUMPCOMP_BUS_DMA_POSTREAD 0x02
#define RUMPCOMP_BUS_DMA_PREWRITE 0x04
#define RUMPCOMP_BUS_DMA_POSTWRITE 0x08
void rumpcomp_bus_dma_sync(void *va, size_t len, int ops);

#endif
