/*
 * PCI hypercalls on Linux: a bus with no devices. Configuration reads
 * see nothing (all ones, as an empty slot answers), writes go nowhere,
 * there is nothing to map or to interrupt. DMA memory is ordinary memory
 * whose "physical" address is its virtual address, so drivers' bus_dma
 * code can still be exercised. The rumpmetal extensions answer as a
 * machine without PCI: no host bridge, no MSI.
 */
#include <errno.h>
#include <stdlib.h>

#include <rump/rumpcomp_pci.h>

#include "hp.h"

int
rumpcomp_pci_iospace_init(void)
{
	return 0;
}

void *
rumpcomp_pci_map(unsigned long addr, unsigned long len)
{
	(void)addr;
	(void)len;
	return NULL;
}

int
rumpcomp_pci_confread(unsigned bus, unsigned dev, unsigned fun, int reg,
    unsigned int *value)
{
	(void)bus;
	(void)dev;
	(void)fun;
	(void)reg;
	*value = 0xffffffffu;
	return 0;
}

int
rumpcomp_pci_confwrite(unsigned bus, unsigned dev, unsigned fun, int reg,
    unsigned int value)
{
	(void)bus;
	(void)dev;
	(void)fun;
	(void)reg;
	(void)value;
	return 0;
}

int
rumpcomp_pci_irq_map(unsigned bus, unsigned dev, unsigned fun, int intrline,
    unsigned cookie)
{
	(void)bus;
	(void)dev;
	(void)fun;
	(void)intrline;
	(void)cookie;
	return ENODEV;
}

void *
rumpcomp_pci_irq_establish(unsigned cookie, int (*handler)(void *),
    void *data)
{
	(void)cookie;
	(void)handler;
	(void)data;
	return NULL;
}

int
rumpcomp_pci_dmalloc(size_t size, size_t align, unsigned long *pap,
    unsigned long *vap)
{
	void *p;
	int rv;

	if (size == 0 || (align & (align - 1)) != 0)
		return EINVAL;
	if (align < sizeof(void *))
		align = sizeof(void *);
	if ((rv = posix_memalign(&p, align, size)) != 0)
		return rv;
	*pap = (unsigned long)p;
	*vap = (unsigned long)p;
	return 0;
}

void
rumpcomp_pci_dmafree(unsigned long mem, size_t size)
{
	(void)size;
	free((void *)mem);	/* mem is the virtual address */
}

/* Separate allocations cannot be made contiguous: one segment only. */
int
rumpcomp_pci_dmamem_map(struct rumpcomp_pci_dmaseg *segs, size_t nseg,
    size_t totlen, void **vap)
{
	if (nseg != 1)
		return EOPNOTSUPP;
	if (totlen > segs[0].ds_len)
		return EINVAL;
	*vap = (void *)segs[0].ds_vacookie;
	return 0;
}

unsigned long
rumpcomp_pci_virt_to_mach(void *virt)
{
	return (unsigned long)virt;
}

int
rumpcomp_pci_host_info(struct rumpcomp_pci_host *host)
{
	(void)host;
	return ENODEV;
}

int
rumpcomp_pci_irq_line(unsigned cookie, int *linep)
{
	(void)cookie;
	(void)linep;
	return ENOENT;
}

int
rumpcomp_pci_msi_map(unsigned bus, unsigned dev, unsigned fun,
    unsigned cookie, unsigned long *addrp, unsigned int *datap)
{
	(void)bus;
	(void)dev;
	(void)fun;
	(void)cookie;
	(void)addrp;
	(void)datap;
	return EOPNOTSUPP;
}
