/*
 * PCI hypercalls, the rumpcomp_pci_* family: what a rump kernel's PCI bus
 * and bus_dma need from the machine. Same signatures as the PCI component
 * of NetBSD's rump kernels, so a PCI-enabled rump kernel built elsewhere
 * links against hypercall-bm. hypercall-posix implements an empty bus.
 *
 * Addresses are unsigned long (bus = physical on our platforms); int
 * results are errno values, 0 on success.
 *
 * Not covered yet: MSI and MSI-X. When added, they go here as new
 * rumpcomp_pci_* functions, implemented on both hypercall-bm and
 * hypercall-posix.
 */
#ifndef RUMP_RUMPCOMP_PCI_H
#define RUMP_RUMPCOMP_PCI_H

#include <stddef.h>

/* Prepare port I/O space access (x86). */
int rumpcomp_pci_iospace_init(void);

/* Virtual address for the bus address range [addr, addr + len). */
void *rumpcomp_pci_map(unsigned long addr, unsigned long len);

/* Configuration space, 32-bit access at byte offset reg. */
int rumpcomp_pci_confread(unsigned bus, unsigned dev, unsigned fun, int reg,
    unsigned int *value);
int rumpcomp_pci_confwrite(unsigned bus, unsigned dev, unsigned fun, int reg,
    unsigned int value);

/* Interrupts: bind a function's line to cookie, then attach handler. */
int rumpcomp_pci_irq_map(unsigned bus, unsigned dev, unsigned fun,
    int intrline, unsigned cookie);
void *rumpcomp_pci_irq_establish(unsigned cookie, int (*handler)(void *),
    void *data);

/* DMA-safe memory: physical (*pap) and virtual (*vap) address. */
int rumpcomp_pci_dmalloc(size_t size, size_t align, unsigned long *pap,
    unsigned long *vap);
/* mem is the *vap that rumpcomp_pci_dmalloc returned, size its size. */
void rumpcomp_pci_dmafree(unsigned long mem, size_t size);

struct rumpcomp_pci_dmaseg {
	unsigned long ds_pa;
	unsigned long ds_len;
	unsigned long ds_vacookie;	/* *vap from rumpcomp_pci_dmalloc */
};
/* Map nseg segments, totlen bytes in all, contiguously at *vap. */
int rumpcomp_pci_dmamem_map(struct rumpcomp_pci_dmaseg *segs, size_t nseg,
    size_t totlen, void **vap);

unsigned long rumpcomp_pci_virt_to_mach(void *virt);

#endif
