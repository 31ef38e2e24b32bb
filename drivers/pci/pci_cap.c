/*
 * The capability list (PCI Local Bus 3.0, 6.7) and interrupts: INTx
 * through the rumpcomp_pci_irq_* hypercalls, MSI (6.8.1) and MSI-X
 * (6.8.2) through rumpcomp_pci_msi_map.
 *
 * The list walk is bounded: at most PCI_CAP_MAX entries, each at an
 * offset at or above 0x40 not seen before in this walk; a pointer into
 * the header or back to a visited entry is reported and cuts the list.
 *
 * MSI and MSI-X are set up one vector at a time: the message comes from
 * the hypercall, goes into the capability (MSI, single message) or the
 * table entry in the BAR (MSI-X), then the capability is enabled and
 * INTx is disabled in the command register.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <errno.h>

#include <kern/intr.h>

#include "pci_impl.h"

static void
cap_add(struct pci_dev *pd, uint8_t id, uint8_t off)
{
	pd->pd_capid[pd->pd_ncap] = id;
	pd->pd_capoff[pd->pd_ncap] = off;
	pd->pd_ncap++;
	if (id == PCI_CAP_MSI && pd->pd_msi == 0)
		pd->pd_msi = off;
	else if (id == PCI_CAP_MSIX && pd->pd_msix == 0)
		pd->pd_msix = off;
	else if (id == PCI_CAP_PCIE && pd->pd_pcie == 0)
		pd->pd_pcie = off;
}

static void
cap_cut(struct pci_dev *pd, const char *why, unsigned off)
{
	pci_warnf("pci %02x:%02x.%x: capability list %s at 0x%02x; list "
	    "cut\n", pd->pd_bus, pd->pd_dev, pd->pd_fn, why, off);
	pd->pd_flags |= PCI_DEVF_BADCAP;
}

void
pci_caps_walk(struct pci_dev *pd)
{
	uint64_t seen = 0;	/* bit n: dword n of the space visited */
	unsigned off;
	uint32_t r;

	pd->pd_ncap = 0;
	if (pd->pd_hdrtype == PCI_HDRTYPE_CARDBUS ||
	    !(pci_conf_read(pd, PCI_COMMAND_STATUS_REG) & PCI_STATUS_CAPLIST))
		return;
	off = pci_conf_read(pd, PCI_CAPPTR_REG) & 0xfc;
	while (off != 0) {
		if (off < PCI_CAP_MIN_OFFSET) {
			cap_cut(pd, "points into the header", off);
			return;
		}
		if (seen & (1ULL << (off / 4 - PCI_CAP_MIN_OFFSET / 4))) {
			cap_cut(pd, "loops", off);
			return;
		}
		if (pd->pd_ncap == PCI_CAP_MAX) {
			cap_cut(pd, "is too long", off);
			return;
		}
		seen |= 1ULL << (off / 4 - PCI_CAP_MIN_OFFSET / 4);
		r = pci_conf_read(pd, off);
		cap_add(pd, (uint8_t)PCI_CAP_ID(r), (uint8_t)off);
		off = PCI_CAP_NEXT(r);
	}
}

unsigned
pci_cap_find(const struct pci_dev *pd, uint8_t id)
{
	for (int i = 0; i < pd->pd_ncap && i < PCI_CAP_MAX; i++)
		if (pd->pd_capid[i] == id)
			return pd->pd_capoff[i];
	return 0;
}

const char *
pci_cap_name(uint8_t id)
{
	switch (id) {
	case PCI_CAP_PM: return "pm";
	case PCI_CAP_AGP: return "agp";
	case PCI_CAP_VPD: return "vpd";
	case PCI_CAP_SLOTID: return "slotid";
	case PCI_CAP_MSI: return "msi";
	case PCI_CAP_PCIX: return "pcix";
	case PCI_CAP_VENDOR: return "vendor";
	case PCI_CAP_HOTPLUG: return "hotplug";
	case PCI_CAP_SUBVENDOR: return "subvendor";
	case PCI_CAP_PCIE: return "pcie";
	case PCI_CAP_MSIX: return "msix";
	case PCI_CAP_SATA: return "sata";
	}
	return NULL;
}

/* Bind the function's INTx to its cookie and learn the platform line. */
void
pci_intx_map(struct pci_dev *pd)
{
	unsigned cookie = PCI_COOKIE(PCI_COOKIE_INTX, pd->pd_index, 0);
	int line;

	pd->pd_irq = -1;
	if (pd->pd_pin == 0)
		return;
	if (rumpcomp_pci_irq_map(pd->pd_bus, pd->pd_dev, pd->pd_fn,
	    pd->pd_line, cookie) != 0)
		return;
	if (rumpcomp_pci_irq_line(cookie, &line) == 0)
		pd->pd_irq = line;
}

/*
 * The handler goes through kintr: it runs in the line's interrupt thread
 * with an lwp and a rump kernel CPU, like any kernel code.
 */
static int
handler_attach(struct pci_dev *pd, unsigned cookie, int (*fn)(void *),
    void *arg)
{
	struct kintr *ih;
	const char *name = pd->pd_self != NULL ? device_xname(pd->pd_self) :
	    "pci";

	return kintr_establish(cookie, fn, arg, name, &ih) == 0 ? 0 : EIO;
}

int
pci_intr_establish(struct pci_dev *pd, int (*fn)(void *), void *arg)
{
	if (pd->pd_irq < 0)
		return ENODEV;
	return handler_attach(pd, PCI_COOKIE(PCI_COOKIE_INTX, pd->pd_index, 0),
	    fn, arg);
}

static void
intx_disable(struct pci_dev *pd)
{
	pci_command_set(pd, PCI_CMD_INTX_DISABLE);
}

/* Message for cookie, handler attached; the caller programs it. */
static int
msg_get(struct pci_dev *pd, unsigned cookie, int (*fn)(void *), void *arg,
    unsigned long *addr, unsigned int *data, int *linep)
{
	int rv, line = -1;

	if ((rv = rumpcomp_pci_msi_map(pd->pd_bus, pd->pd_dev, pd->pd_fn,
	    cookie, addr, data)) != 0)
		return rv;
	(void)rumpcomp_pci_irq_line(cookie, &line);
	if ((rv = handler_attach(pd, cookie, fn, arg)) != 0)
		return rv;
	if (linep != NULL)
		*linep = line;
	return 0;
}

int
pci_msi_establish(struct pci_dev *pd, int (*fn)(void *), void *arg,
    int *linep)
{
	unsigned off = pd->pd_msi, ctl;
	unsigned long addr;
	unsigned int data;
	int rv;

	if (off == 0)
		return ENODEV;
	ctl = PCI_MSI_CTL(pci_conf_read(pd, off));
	if ((rv = msg_get(pd, PCI_COOKIE(PCI_COOKIE_MSI, pd->pd_index, 0),
	    fn, arg, &addr, &data, linep)) != 0)
		return rv;
	if (!(ctl & PCI_MSI_CTL_64BIT) && ((uint64_t)addr >> 32) != 0)
		return EINVAL;
	pci_conf_write(pd, off + PCI_MSI_ADDR_LO, (uint32_t)addr);
	if (ctl & PCI_MSI_CTL_64BIT) {
		pci_conf_write(pd, off + PCI_MSI_ADDR_HI,
		    (uint32_t)((uint64_t)addr >> 32));
		pci_conf_write(pd, off + PCI_MSI_DATA_64, data & 0xffff);
	} else {
		pci_conf_write(pd, off + PCI_MSI_DATA_32, data & 0xffff);
	}
	ctl = (ctl & ~(unsigned)PCI_MSI_CTL_MME_MASK) | PCI_MSI_CTL_ENABLE;
	pci_conf_write(pd, off, (pci_conf_read(pd, off) & 0xffff) | ctl << 16);
	intx_disable(pd);
	return 0;
}

/* The MSI-X table, mapped; NULL if its BAR is not usable. */
static volatile uint32_t *
msix_table(const struct pci_dev *pd, unsigned nvec)
{
	uint32_t t = pci_conf_read(pd, pd->pd_msix + PCI_MSIX_TABLE);
	unsigned bir = PCI_MSIX_BIR(t);
	const struct pci_bar *b;
	uint64_t off = PCI_MSIX_OFFSET(t), len = nvec * PCI_MSIX_ENTRY_SIZE;

	if (bir >= (unsigned)pd->pd_nbar)
		return NULL;
	b = &pd->pd_bar[bir];
	if (!b->pb_assigned || b->pb_kind == PCI_BAR_KIND_IO ||
	    b->pb_kind == PCI_BAR_KIND_NONE || off + len > b->pb_size)
		return NULL;
	return rumpcomp_pci_map(b->pb_cpu + off, len);
}

int
pci_msix_establish(struct pci_dev *pd, unsigned vec, int (*fn)(void *),
    void *arg, int *linep)
{
	unsigned off = pd->pd_msix, ctl, nvec;
	volatile uint32_t *e;
	unsigned long addr;
	unsigned int data;
	int rv;

	if (off == 0)
		return ENODEV;
	ctl = PCI_MSIX_CTL(pci_conf_read(pd, off));
	nvec = PCI_MSIX_CTL_TBLSIZE(ctl);
	if (vec >= nvec || vec >= 0x1000)
		return EINVAL;
	if ((e = msix_table(pd, nvec)) == NULL)
		return ENODEV;
	if ((rv = msg_get(pd, PCI_COOKIE(PCI_COOKIE_MSIX, pd->pd_index, vec),
	    fn, arg, &addr, &data, linep)) != 0)
		return rv;
	e += vec * PCI_MSIX_ENTRY_SIZE / 4;
	e[PCI_MSIX_ENTRY_ADDR_LO / 4] = (uint32_t)addr;
	e[PCI_MSIX_ENTRY_ADDR_HI / 4] = (uint32_t)((uint64_t)addr >> 32);
	e[PCI_MSIX_ENTRY_DATA / 4] = data;
	e[PCI_MSIX_ENTRY_VCTL / 4] &= ~(uint32_t)PCI_MSIX_VCTL_MASK;
	ctl = (ctl | PCI_MSIX_CTL_ENABLE) & ~(unsigned)PCI_MSIX_CTL_FMASK;
	pci_conf_write(pd, off, (pci_conf_read(pd, off) & 0xffff) | ctl << 16);
	intx_disable(pd);
	return 0;
}
