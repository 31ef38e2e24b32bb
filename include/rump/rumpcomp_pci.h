/*
 * PCI hypercalls, the rumpcomp_pci_* family: what a rump kernel's PCI bus
 * and bus_dma need from the machine. Same signatures as the PCI component
 * of NetBSD's rump kernels, so a PCI-enabled rump kernel built elsewhere
 * links against hypercall-bm. hypercall-posix implements an empty bus.
 *
 * Addresses are unsigned long; int results are errno values, 0 on
 * success. rumpcomp_pci_map takes a CPU physical address: a BAR's bus
 * address translates through the host window holding it (identical for
 * memory on our platforms; I/O on ARM differs).
 *
 * Extensions of ours, at the end of this file (not in NetBSD's set; a
 * rump kernel built elsewhere does not call them): the host bridge's
 * bus numbers and windows, the platform line an interrupt cookie reached,
 * and MSI / MSI-X messages. Both hypercall-bm and hypercall-posix
 * implement them (posix: no host bridge, no MSI).
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

/*
 * Interrupts: bind a function's line to cookie, then attach handler.
 * intrline is the Interrupt Line register as the firmware left it; a
 * platform that routes INTx itself (device tree interrupt-map) ignores
 * it and follows the function's pin and the bridges above it. ENODEV if
 * the pin reaches no line. Cookies are the caller's small integers; a
 * second map of the same cookie replaces the first.
 */
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

/* ---- Extensions (rumpmetal) ---- */

/* An address window of the host bridge; type flags may be combined. */
#define RUMPCOMP_PCI_WIN_IO 0x1
#define RUMPCOMP_PCI_WIN_MEM 0x2
#define RUMPCOMP_PCI_WIN_PREFETCH 0x4
#define RUMPCOMP_PCI_WIN_64 0x8
struct rumpcomp_pci_window {
	unsigned pw_flags;
	unsigned long pw_bus;		/* first address on the PCI side */
	unsigned long pw_cpu;		/* where the CPU sees it */
	unsigned long pw_size;
};

#define RUMPCOMP_PCI_MAXWIN 8
struct rumpcomp_pci_host {
	unsigned ph_busmin;		/* buses behind the host bridge */
	unsigned ph_busmax;
	int ph_assign;			/* nonzero: nothing is assigned yet */
	unsigned ph_conf_size;		/* 256 or 4096 */
	int ph_nwin;
	struct rumpcomp_pci_window ph_win[RUMPCOMP_PCI_MAXWIN];
	char ph_desc[64];		/* how configuration space is reached */
};

/*
 * The host bridge: its bus numbers, whether the firmware assigned bus
 * numbers and BARs (x86) or left that to the bus driver (ph_assign, ARM
 * virt: assign from ph_win), and the windows. ENODEV: no PCI.
 */
int rumpcomp_pci_host_info(struct rumpcomp_pci_host *host);

/* The platform interrupt line cookie is bound to (irq_map, msi_map). */
int rumpcomp_pci_irq_line(unsigned cookie, int *linep);

/*
 * MSI / MSI-X: bind cookie to a new message-signalled interrupt of
 * function bus:dev.fun and return the message to program into its MSI
 * capability or MSI-X table entry (one vector per call). Then
 * rumpcomp_pci_irq_establish(cookie, ...) attaches the handler.
 * EOPNOTSUPP if the machine has no MSI, ENOSPC if no vector is left.
 */
int rumpcomp_pci_msi_map(unsigned bus, unsigned dev, unsigned fun,
    unsigned cookie, unsigned long *addrp, unsigned int *datap);

#endif
