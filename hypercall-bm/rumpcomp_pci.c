/*
 * PCI hypercalls on bare metal, minimal for now: configuration space
 * access is arch specific (port I/O mechanism #1 on x86, ECAM elsewhere)
 * and needs a platform contract function that does not exist yet, so
 * the bus is empty, as on hypercall-posix: configuration reads see all
 * ones (what an empty slot answers), writes go nowhere, there is nothing
 * to map or to interrupt.
 *
 * DMA memory is real: memory is identity mapped (virtual == physical)
 * and every allocation of the small-object allocator lies inside one
 * buddy block, so it is physically contiguous; virt_to_mach is the
 * identity. One segment maps at its own address; several separate
 * allocations cannot be made contiguous (EOPNOTSUPP), as on posix.
 */
#include <stddef.h>

#include <rump/rumpcomp_pci.h>

#include <bmk/errno.h>
#include <bmk/memalloc.h>

#include "rumpuser_impl.h"

#define DMA_MINALIGN 16

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

	if (size == 0 || (align & (align - 1)) != 0)
		return EINVAL;
	if (align < DMA_MINALIGN)
		align = DMA_MINALIGN;
	if ((p = memalloc(size, align)) == NULL)
		return ENOMEM;
	*pap = (unsigned long)p;
	*vap = (unsigned long)p;
	return 0;
}

void
rumpcomp_pci_dmafree(unsigned long mem, size_t size)
{
	(void)size;
	memfree((void *)mem);
}

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
