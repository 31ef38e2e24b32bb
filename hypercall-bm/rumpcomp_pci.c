/*
 * PCI hypercalls on bare metal, over the platform's PCI contract
 * (<bmk/platform_pci.h>): configuration space through the arch's access
 * method (mechanism #1 or ECAM), host bridge windows, INTx routing and
 * MSI messages.
 *
 * Interrupt cookies: irq_map and msi_map bind the caller's cookie to a
 * platform line in a small table; irq_establish looks it up. INTx on a
 * function behind bridges is swizzled here (PCI-to-PCI Bridge
 * Architecture 1.2, 9.1: pin' = (pin - 1 + device) mod 4 + 1 at every
 * bridge), walking up from the function's bus by the bridges' bus
 * number registers, so that the platform sees the function and pin on
 * the host's first bus (what a device tree interrupt-map is keyed by).
 *
 * DMA memory is real: memory is identity mapped (virtual == physical)
 * and every allocation of the small-object allocator lies inside one
 * buddy block, so it is physically contiguous; virt_to_mach is the
 * identity. One segment maps at its own address; several separate
 * allocations cannot be made contiguous (EOPNOTSUPP), as on posix.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rump/rumpcomp_pci.h>

#include <bmk/cons.h>
#include <bmk/errno.h>
#include <bmk/intr.h>
#include <bmk/memalloc.h>
#include <bmk/platform.h>
#include <bmk/platform_pci.h>
#include <pci/pcireg.h>

#include "rumpuser_impl.h"

#define DMA_MINALIGN 16
#define NCOOKIE 256		/* interrupt cookies bound at once */
#define MAX_BRIDGE_DEPTH 32	/* bridges between a function and the host */

struct intr_cookie {
	bool ic_used;
	unsigned ic_cookie;
	int ic_line;
};
static struct intr_cookie cookies[NCOOKIE];

int
rumpcomp_pci_iospace_init(void)
{
	return 0;
}

/* On our platforms bus memory addresses are CPU physical addresses. */
void *
rumpcomp_pci_map(unsigned long addr, unsigned long len)
{
	if (addr == 0 || len == 0 || plat_mmu_map_device(addr, len) != 0)
		return NULL;
	return (void *)addr;
}

static bool
conf_args_ok(unsigned bus, unsigned dev, unsigned fun, int reg)
{
	return bus < PCI_MAXBUS && dev < PCI_MAXDEV && fun < PCI_MAXFUNC &&
	    reg >= 0 && reg < 4096 && (reg & 3) == 0;
}

int
rumpcomp_pci_confread(unsigned bus, unsigned dev, unsigned fun, int reg,
    unsigned int *value)
{
	uint32_t v;

	*value = 0xffffffffu;
	if (!conf_args_ok(bus, dev, fun, reg))
		return EINVAL;
	if (plat_pci_conf_read(bus, dev, fun, (unsigned)reg, &v) == 0)
		*value = v;
	return 0;	/* outside the host's buses: an empty slot */
}

int
rumpcomp_pci_confwrite(unsigned bus, unsigned dev, unsigned fun, int reg,
    unsigned int value)
{
	if (!conf_args_ok(bus, dev, fun, reg))
		return EINVAL;
	(void)plat_pci_conf_write(bus, dev, fun, (unsigned)reg, value);
	return 0;
}

int
rumpcomp_pci_host_info(struct rumpcomp_pci_host *h)
{
	const struct plat_pci_host *ph = plat_pci_host();

	if (ph == NULL)
		return ENODEV;
	h->ph_busmin = ph->ph_busmin;
	h->ph_busmax = ph->ph_busmax;
	h->ph_assign = ph->ph_assign;
	h->ph_conf_size = ph->ph_conf_size;
	h->ph_nwin = 0;
	for (int i = 0; i < ph->ph_nwin && i < RUMPCOMP_PCI_MAXWIN; i++) {
		const struct plat_pci_window *pw = &ph->ph_win[i];
		struct rumpcomp_pci_window *w = &h->ph_win[h->ph_nwin++];
		w->pw_flags = pw->pw_flags;	/* same bit values */
		w->pw_bus = pw->pw_bus;
		w->pw_cpu = pw->pw_cpu;
		w->pw_size = pw->pw_size;
	}
	cons_snprintf(h->ph_desc, sizeof(h->ph_desc), "%s",
	    ph->ph_desc != NULL ? ph->ph_desc : "");
	return 0;
}
_Static_assert(RUMPCOMP_PCI_WIN_IO == PLAT_PCI_WIN_IO &&
    RUMPCOMP_PCI_WIN_MEM == PLAT_PCI_WIN_MEM &&
    RUMPCOMP_PCI_WIN_PREFETCH == PLAT_PCI_WIN_PREFETCH &&
    RUMPCOMP_PCI_WIN_64 == PLAT_PCI_WIN_64, "window flags agree");

static uint32_t
conf(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
	uint32_t v;

	(void)plat_pci_conf_read(bus, dev, fn, reg, &v);
	return v;
}

/*
 * The bridge on bus 'from' or below it whose secondary bus is 'bus':
 * follows the bridges whose bus range holds it. 0 or ENOENT.
 */
static int
bridge_above(unsigned from, unsigned bus, unsigned *bp, unsigned *dp,
    unsigned *fp)
{
	for (int depth = 0; depth < MAX_BRIDGE_DEPTH; depth++) {
		bool down = false;
		for (unsigned d = 0; d < PCI_MAXDEV && !down; d++)
			for (unsigned f = 0; f < PCI_MAXFUNC && !down; f++) {
				uint32_t hdr, br;
				if (PCI_VENDOR(conf(from, d, f, PCI_ID_REG)) ==
				    PCI_VENDOR_INVALID)
					continue;
				hdr = conf(from, d, f, PCI_BHLC_REG);
				if (PCI_HDRTYPE(hdr) != PCI_HDRTYPE_PPB)
					continue;
				br = conf(from, d, f, PCI_PPB_BUS_REG);
				if (PCI_PPB_SECONDARY(br) == bus) {
					*bp = from;
					*dp = d;
					*fp = f;
					return 0;
				}
				if (PCI_PPB_SECONDARY(br) > from &&
				    PCI_PPB_SECONDARY(br) < bus &&
				    PCI_PPB_SUBORDINATE(br) >= bus) {
					from = PCI_PPB_SECONDARY(br);
					down = true;
				}
			}
		if (!down)
			return ENOENT;
	}
	return ENOENT;
}

/* Swizzle pi's pin up to the host's first bus. 0 or ENOENT. */
static int
intx_swizzle(struct plat_pci_intx *pi, unsigned busmin)
{
	unsigned bus = pi->pi_bus, dev = pi->pi_dev, fn = pi->pi_fn;
	unsigned pin = pi->pi_pin, pb, pd, pf;

	for (int depth = 0; bus != busmin; depth++) {
		if (depth == MAX_BRIDGE_DEPTH ||
		    bridge_above(busmin, bus, &pb, &pd, &pf) != 0)
			return ENOENT;
		pin = PCI_SWIZZLE(pin, dev);
		bus = pb;
		dev = pd;
		fn = pf;
	}
	pi->pi_rootdev = dev;
	pi->pi_rootfn = fn;
	pi->pi_rootpin = pin;
	return 0;
}

static struct intr_cookie *
cookie_slot(unsigned cookie, bool alloc)
{
	struct intr_cookie *free = NULL;

	for (int i = 0; i < NCOOKIE; i++) {
		if (cookies[i].ic_used && cookies[i].ic_cookie == cookie)
			return &cookies[i];
		if (!cookies[i].ic_used && free == NULL)
			free = &cookies[i];
	}
	if (!alloc || free == NULL)
		return NULL;
	free->ic_used = true;
	free->ic_cookie = cookie;
	free->ic_line = -1;	/* bound, no line yet */
	return free;
}

int
rumpcomp_pci_irq_map(unsigned bus, unsigned dev, unsigned fun, int intrline,
    unsigned cookie)
{
	const struct plat_pci_host *ph = plat_pci_host();
	struct plat_pci_intx pi;
	struct intr_cookie *ic;
	int line;

	if (ph == NULL || !conf_args_ok(bus, dev, fun, 0))
		return ENODEV;
	pi.pi_bus = bus;
	pi.pi_dev = dev;
	pi.pi_fn = fun;
	pi.pi_pin = PCI_INTR_PIN(conf(bus, dev, fun, PCI_INTERRUPT_REG));
	pi.pi_line = (unsigned)intrline & 0xff;
	if (pi.pi_pin < 1 || pi.pi_pin > 4 ||
	    intx_swizzle(&pi, ph->ph_busmin) != 0 ||
	    (line = plat_pci_intx_line(&pi)) < 0)
		return ENODEV;
	if ((ic = cookie_slot(cookie, true)) == NULL)
		return ENOSPC;
	ic->ic_line = line;
	return 0;
}

int
rumpcomp_pci_msi_map(unsigned bus, unsigned dev, unsigned fun,
    unsigned cookie, unsigned long *addrp, unsigned int *datap)
{
	struct intr_cookie *ic;
	uint64_t addr;
	uint32_t data;
	int line, rv;

	if (!conf_args_ok(bus, dev, fun, 0))
		return EINVAL;
	if (cookie_slot(cookie, false) == NULL &&
	    cookie_slot(cookie, true) == NULL)
		return ENOSPC;	/* full: fail before taking a vector */
	ic = cookie_slot(cookie, false);
	if ((rv = plat_pci_msi_alloc(bus, dev, fun, &line, &addr, &data)) != 0)
		return rv;	/* the cookie keeps its old line, if any */
	ic->ic_line = line;
	*addrp = addr;
	*datap = data;
	return 0;
}

int
rumpcomp_pci_irq_line(unsigned cookie, int *linep)
{
	struct intr_cookie *ic = cookie_slot(cookie, false);

	if (ic == NULL || ic->ic_line < 0)
		return ENOENT;
	*linep = ic->ic_line;
	return 0;
}

/* Returns the cookie's table entry as the handle, NULL on failure. */
void *
rumpcomp_pci_irq_establish(unsigned cookie, int (*handler)(void *),
    void *data)
{
	struct intr_cookie *ic = cookie_slot(cookie, false);

	if (ic == NULL || ic->ic_line < 0 || handler == NULL ||
	    intr_establish(ic->ic_line, handler, data) != 0)
		return NULL;
	return ic;
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
