/*
 * A stand-in for hypercall-posix/pci.c with scattered "physical" pages
 * and an interrupt line the test can raise:
 * - virt_to_mach maps virtual page p to physical page 2p + 1, so no two
 *   neighbouring pages are physically contiguous;
 * - irq_establish records the handler, and fakepci_raise() calls it the
 *   way a hypervisor's interrupt thread does: from a host thread with no
 *   lwp and no rump kernel CPU.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <rump/rumpcomp_pci.h>

#include "fakepci.h"

static int (*fp_handler)(void *);
static void *fp_arg;

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
	return 0;
}

void *
rumpcomp_pci_irq_establish(unsigned cookie, int (*handler)(void *),
    void *data)
{
	(void)cookie;
	fp_handler = handler;
	fp_arg = data;
	return &fp_handler;
}

static void *
raiser(void *arg)
{
	*(int *)arg = fp_handler(fp_arg);
	return NULL;
}

int
fakepci_raise(void)
{
	pthread_t t;
	int rv = -1;

	pthread_create(&t, NULL, raiser, &rv);
	pthread_join(t, NULL);
	return rv;
}

int
rumpcomp_pci_dmalloc(size_t size, size_t align, unsigned long *pap,
    unsigned long *vap)
{
	void *p;

	if (align < sizeof(void *))
		align = sizeof(void *);
	if (posix_memalign(&p, align, size) != 0)
		return ENOMEM;
	*vap = (unsigned long)p;
	*pap = rumpcomp_pci_virt_to_mach(p);
	return 0;
}

void
rumpcomp_pci_dmafree(unsigned long mem, size_t size)
{
	(void)size;
	free((void *)mem);
}

int
rumpcomp_pci_dmamem_map(struct rumpcomp_pci_dmaseg *segs, size_t nseg,
    size_t totlen, void **vap)
{
	(void)totlen;
	if (nseg != 1)
		return EOPNOTSUPP;
	*vap = (void *)segs[0].ds_vacookie;
	return 0;
}

unsigned long
rumpcomp_pci_virt_to_mach(void *virt)
{
	unsigned long va = (unsigned long)virt;

	return ((va >> 12) * 2 + 1) << 12 | (va & 0xfff);
}
