/*
 * PCI enumeration: every function on every bus, depth first, through
 * every PCI-to-PCI bridge (type 1 header; PCI-to-PCI Bridge Architecture
 * 1.2, 3.2.5: primary, secondary and subordinate bus numbers).
 *
 * Bus numbers: where the firmware numbered the buses (x86) we keep its
 * numbers and check them: a bridge's range must lie behind its own bus,
 * inside its parent's range and apart from its siblings'. One that
 * fails overlaps another: it is reported and nothing behind it scanned.
 * An unnumbered bridge (secondary 0), and every bridge on a machine
 * without firmware (ARM virt), gets the next free number; its
 * subordinate is the host's last bus while its subtree is scanned, then
 * the last number that subtree used.
 *
 * Invariants: the function table holds functions in scan order, a
 * bridge before everything behind it; pd_parent of a function is the
 * index of the bridge its bus hangs off. Every loop is bounded by bus,
 * device and function counts, or PCI_MAXDEPTH.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <errno.h>

#include "pci_impl.h"

struct pci_state pci_state;
static unsigned next_bus;	/* first free bus number */

uint32_t
pci_conf_bdf(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
	unsigned int v = 0xffffffffu;

	if (rumpcomp_pci_confread(bus, dev, fn, (int)reg, &v) != 0)
		return 0xffffffffu;
	return v;
}

void
pci_conf_bdf_write(unsigned bus, unsigned dev, unsigned fn, unsigned reg,
    uint32_t v)
{
	(void)rumpcomp_pci_confwrite(bus, dev, fn, (int)reg, v);
}

uint32_t
pci_conf_read(const struct pci_dev *pd, unsigned reg)
{
	return pci_conf_bdf(pd->pd_bus, pd->pd_dev, pd->pd_fn, reg);
}

void
pci_conf_write(const struct pci_dev *pd, unsigned reg, uint32_t v)
{
	pci_conf_bdf_write(pd->pd_bus, pd->pd_dev, pd->pd_fn, reg, v);
}

void
pci_warn(const struct pci_dev *pd, const char *what)
{
	pci_warnf("pci %02x:%02x.%x: %s\n", pd->pd_bus, pd->pd_dev, pd->pd_fn,
	    what);
}

int
pci_nfuncs(void)
{
	return pci_state.ps_nfunc;
}

struct pci_dev *
pci_func(int i)
{
	if (i < 0 || i >= pci_state.ps_nfunc)
		return NULL;
	return &pci_state.ps_func[i];
}

struct pci_dev *
pci_find(unsigned bus, unsigned dev, unsigned fn)
{
	for (int i = 0; i < pci_state.ps_nfunc; i++) {
		struct pci_dev *pd = &pci_state.ps_func[i];
		if (pd->pd_bus == bus && pd->pd_dev == dev && pd->pd_fn == fn)
			return pd;
	}
	return NULL;
}

struct pci_dev *
pci_dev_of(device_t dev)
{
	for (int i = 0; dev != NULL && i < pci_state.ps_nfunc; i++)
		if (pci_state.ps_func[i].pd_self == dev)
			return &pci_state.ps_func[i];
	return NULL;
}

static bool
id_present(uint32_t id)
{
	return PCI_VENDOR(id) != PCI_VENDOR_INVALID &&
	    PCI_VENDOR(id) != PCI_VENDOR_NONE;
}

static struct pci_dev *
func_alloc(unsigned bus, unsigned dev, unsigned fn, int parent)
{
	struct pci_dev *pd;

	if (pci_state.ps_nfunc == PCI_MAXFUNCS) {
		if (!pci_state.ps_full_reported)
			pci_warnf("pci: more than %d functions; the rest "
			    "are ignored\n", PCI_MAXFUNCS);
		pci_state.ps_full_reported = true;
		return NULL;
	}
	pd = &pci_state.ps_func[pci_state.ps_nfunc];
	*pd = (struct pci_dev){ .pd_bus = (uint8_t)bus, .pd_dev = (uint8_t)dev,
	    .pd_fn = (uint8_t)fn, .pd_parent = parent, .pd_irq = -1,
	    .pd_index = pci_state.ps_nfunc };
	pci_state.ps_nfunc++;
	return pd;
}

/* The bus range a bridge's children must fit in: (lo, hi]. */
static void
parent_range(int parent, unsigned *lo, unsigned *hi)
{
	if (parent < 0) {
		*lo = pci_state.ps_host.ph_busmin;
		*hi = pci_state.ps_host.ph_busmax;
		return;
	}
	*lo = pci_state.ps_func[parent].pd_secbus;
	*hi = pci_state.ps_func[parent].pd_subbus;
}

/* Do the firmware's numbers of bridge pd fit? (It is not yet scanned.) */
static bool
bridge_numbers_ok(const struct pci_dev *pd, unsigned sec, unsigned sub)
{
	unsigned lo, hi;

	parent_range(pd->pd_parent, &lo, &hi);
	if (sec <= pd->pd_bus || sec > sub || sec <= lo || sub > hi)
		return false;
	for (int i = 0; i < pd->pd_index; i++) {
		const struct pci_dev *o = &pci_state.ps_func[i];
		if (o->pd_hdrtype != PCI_HDRTYPE_PPB || o->pd_secbus == 0 ||
		    (o->pd_flags & PCI_DEVF_BRIDGE_OFF) ||
		    o->pd_parent != pd->pd_parent)
			continue;
		if (sec <= o->pd_subbus && o->pd_secbus <= sub)
			return false;	/* a sibling's range */
	}
	return true;
}

static void bus_scan(unsigned bus, int parent, int depth);

static void
bridge_write_buses(const struct pci_dev *pd)
{
	uint32_t r = pci_conf_read(pd, PCI_PPB_BUS_REG);

	r = (r & ~PCI_PPB_BUS_MASK) | pd->pd_bus | (uint32_t)pd->pd_secbus << 8 |
	    (uint32_t)pd->pd_subbus << 16;
	pci_conf_write(pd, PCI_PPB_BUS_REG, r);
}

/* Number an unnumbered bridge and scan behind it. */
static void
bridge_number(struct pci_dev *pd, int depth)
{
	unsigned lo, hi;

	parent_range(pd->pd_parent, &lo, &hi);
	if (next_bus <= lo)
		next_bus = lo + 1;
	if (next_bus > hi || next_bus > 255) {
		pci_warn(pd, "bridge: no bus number left; nothing behind it "
		    "scanned");
		pd->pd_flags |= PCI_DEVF_BRIDGE_OFF;
		return;
	}
	pd->pd_secbus = (uint8_t)next_bus++;
	pd->pd_subbus = (uint8_t)hi;
	bridge_write_buses(pd);
	bus_scan(pd->pd_secbus, pd->pd_index, depth + 1);
	pd->pd_subbus = (uint8_t)(next_bus - 1);
	bridge_write_buses(pd);
}

static void
bridge_scan(struct pci_dev *pd, int depth)
{
	uint32_t r = pci_conf_read(pd, PCI_PPB_BUS_REG);
	unsigned sec = PCI_PPB_SECONDARY(r), sub = PCI_PPB_SUBORDINATE(r);

	if (depth >= PCI_MAXDEPTH) {
		pci_warn(pd, "bridge: nested too deep; nothing behind it "
		    "scanned");
		pd->pd_flags |= PCI_DEVF_BRIDGE_OFF;
		return;
	}
	if (pci_state.ps_host.ph_assign || (sec == 0 && sub == 0)) {
		bridge_number(pd, depth);
		return;
	}
	if (!bridge_numbers_ok(pd, sec, sub)) {
		pci_warnf("pci %02x:%02x.%x: bridge: bus numbers %02x-%02x "
		    "overlap another bridge's or its parent's; nothing behind "
		    "it scanned\n", pd->pd_bus, pd->pd_dev, pd->pd_fn, sec,
		    sub);
		pd->pd_flags |= PCI_DEVF_BRIDGE_OFF;
		return;
	}
	pd->pd_secbus = (uint8_t)sec;
	pd->pd_subbus = (uint8_t)sub;
	if (next_bus <= sub)
		next_bus = sub + 1;
	bus_scan(sec, pd->pd_index, depth + 1);
}

/* Header registers of a present function; false if they are garbage. */
static bool
func_header(struct pci_dev *pd, uint32_t id)
{
	uint32_t class = pci_conf_read(pd, PCI_CLASS_REG);
	uint32_t bhlc = pci_conf_read(pd, PCI_BHLC_REG);

	pd->pd_vendor = (uint16_t)PCI_VENDOR(id);
	pd->pd_device = (uint16_t)PCI_DEVICE(id);
	if (class == 0xffffffffu || bhlc == 0xffffffffu) {
		pci_warnf("pci %02x:%02x.%x: %04x:%04x: configuration space "
		    "reads all ones; skipped\n", pd->pd_bus, pd->pd_dev,
		    pd->pd_fn, pd->pd_vendor, pd->pd_device);
		return false;
	}
	pd->pd_class = class;
	pd->pd_hdrtype = (uint8_t)PCI_HDRTYPE(bhlc);
	if (pd->pd_hdrtype > PCI_HDRTYPE_CARDBUS) {
		pci_warnf("pci %02x:%02x.%x: %04x:%04x: unknown header type "
		    "%u; skipped\n", pd->pd_bus, pd->pd_dev, pd->pd_fn,
		    pd->pd_vendor, pd->pd_device, pd->pd_hdrtype);
		return false;
	}
	return true;
}

static void
func_scan(unsigned bus, unsigned dev, unsigned fn, uint32_t id, int parent,
    int depth)
{
	struct pci_dev *pd = func_alloc(bus, dev, fn, parent);
	uint32_t intr;

	if (pd == NULL)
		return;
	if (!func_header(pd, id)) {
		pci_state.ps_nfunc--;	/* it was the last one */
		return;
	}
	if (pd->pd_hdrtype != PCI_HDRTYPE_CARDBUS) {
		intr = pci_conf_read(pd, PCI_INTERRUPT_REG);
		pd->pd_pin = (uint8_t)PCI_INTR_PIN(intr);
		pd->pd_line = (uint8_t)PCI_INTR_LINE(intr);
		if (pd->pd_pin > 4)
			pd->pd_pin = 0;
	}
	pci_caps_walk(pd);
	pci_bars_size(pd);
	if (pd->pd_hdrtype == PCI_HDRTYPE_PPB)
		bridge_scan(pd, depth);
}

static void
slot_scan(unsigned bus, unsigned dev, int parent, int depth)
{
	uint32_t id = pci_conf_bdf(bus, dev, 0, PCI_ID_REG);
	unsigned nfn;

	if (!id_present(id))
		return;
	nfn = PCI_HDRTYPE_MULTIFN(pci_conf_bdf(bus, dev, 0, PCI_BHLC_REG)) ?
	    PCI_MAXFUNC : 1;
	func_scan(bus, dev, 0, id, parent, depth);
	for (unsigned fn = 1; fn < nfn; fn++) {
		id = pci_conf_bdf(bus, dev, fn, PCI_ID_REG);
		if (id_present(id))
			func_scan(bus, dev, fn, id, parent, depth);
	}
}

static void
bus_scan(unsigned bus, int parent, int depth)
{
	for (unsigned dev = 0; dev < PCI_MAXDEV; dev++)
		slot_scan(bus, dev, parent, depth);
}

/* Once: a second scan would renumber buses under attached drivers. */
int
pci_scan(void)
{
	struct pci_state *ps = &pci_state;

	if (ps->ps_scanned)
		return ps->ps_have_host ? 0 : ENODEV;
	ps->ps_scanned = true;
	ps->ps_nfunc = 0;
	ps->ps_full_reported = false;
	if (rumpcomp_pci_host_info(&ps->ps_host) != 0)
		return ENODEV;
	if (ps->ps_host.ph_busmin > ps->ps_host.ph_busmax ||
	    ps->ps_host.ph_busmax > 255) {
		pci_warnf("pci: host bridge reports buses %02x-%02x; not "
		    "scanned", ps->ps_host.ph_busmin, ps->ps_host.ph_busmax);
		return ENODEV;
	}
	ps->ps_have_host = true;
	next_bus = ps->ps_host.ph_busmin + 1;
	bus_scan(ps->ps_host.ph_busmin, -1, 0);
	if (ps->ps_host.ph_assign)
		pci_assign();
	for (int i = 0; i < ps->ps_nfunc; i++)
		pci_intx_map(&ps->ps_func[i]);
	return 0;
}

void
pci_scan_reset(void)
{
	pci_state.ps_scanned = false;
	pci_state.ps_have_host = false;
	pci_state.ps_nfunc = 0;
}

void
pci_command_set(struct pci_dev *pd, uint32_t bits)
{
	uint32_t r = pci_conf_read(pd, PCI_COMMAND_STATUS_REG);

	/* Status bits are write-one-to-clear: write them back as zero. */
	pci_conf_write(pd, PCI_COMMAND_STATUS_REG, (r & 0xffff) | bits);
}
