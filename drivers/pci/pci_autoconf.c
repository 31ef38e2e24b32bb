/*
 * PCI as an autoconf bus: the "pci" device at mainbus, the "ppb" device
 * of each PCI-to-PCI bridge, and what they hand to PCI drivers.
 *
 *	mainbus0
 *	  pci0 at mainbus0		scans, logs the listing once
 *	    wm0 at pci0 dev 3 function 0
 *	    ppb0 at pci0 dev 7 function 0
 *	      wm1 at ppb0 dev 1 function 0
 *
 * Both offer the bus attribute "pci" and attach the functions of the
 * bus below them, in scan order: pci0 those with pd_parent -1, ppbN
 * those whose pd_parent is its bridge. The scan already numbered the
 * buses and placed the BARs; nothing here changes them.
 *
 * Invariants:
 * - a function's decoding and bus mastering are turned on only after a
 *   driver matched it and before that driver's attach runs; a function
 *   no driver matched is only read, never written;
 * - pd_self is the device attached to the function while it is
 *   attached (set when config_attach returns, cleared by the parent's
 *   cd_childdetached), NULL otherwise.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/device.h>
#include <kern/klog.h>

#include "pci_impl.h"

int
pci_match_ids(const struct pci_id *ids, const struct pci_attach_args *pa)
{
	for (int i = 0; ids[i].pi_vendor != 0 && i < 1024; i++)
		if (ids[i].pi_vendor == pa->pa_vendor &&
		    (ids[i].pi_device == PCI_ID_ANY ||
		    ids[i].pi_device == pa->pa_product))
			return 1;
	return 0;
}

/* pnp NULL: " dev 3 function 0"; else "ethernet 8086:100e NAME at pnp ...". */
static void
pci_print(void *aux, const char *pnp, char *buf, size_t len)
{
	const struct pci_attach_args *pa = aux;
	const char *k;

	if (pnp == NULL) {
		ksnprintf(buf, len, " dev %u function %u", pa->pa_device,
		    pa->pa_function);
		return;
	}
	k = pci_known_name(pa->pa_vendor, pa->pa_product);
	ksnprintf(buf, len, "%s %04x:%04x%s%s at %s dev %u function %u",
	    pci_class_name(pa->pa_class), pa->pa_vendor, pa->pa_product,
	    k != NULL ? " " : "", k != NULL ? k : "", pnp, pa->pa_device,
	    pa->pa_function);
}

static void
attach_args(struct pci_attach_args *pa, struct pci_dev *pd)
{
	*pa = (struct pci_attach_args){
		.pa_bus = pd->pd_bus, .pa_device = pd->pd_dev,
		.pa_function = pd->pd_fn, .pa_vendor = pd->pd_vendor,
		.pa_product = pd->pd_device, .pa_class = pd->pd_class,
		.pa_intrpin = pd->pd_pin, .pa_intrline = pd->pd_line,
		.pa_irq = pd->pd_irq, .pa_nbar = pd->pd_nbar,
		.pa_bar = pd->pd_bar, .pa_pd = pd,
	};
}

/* A BAR that was sized but has no address, or -1. */
static int
unassigned_bar(const struct pci_dev *pd)
{
	for (int r = 0; r < pd->pd_nbar && r < PCI_NBAR_DEVICE; r++)
		if (pd->pd_bar[r].pb_kind != PCI_BAR_KIND_NONE &&
		    !pd->pd_bar[r].pb_assigned)
			return r;
	return -1;
}

/* Offer one function to the drivers of bus self. */
static void
func_attach(device_t self, struct pci_dev *pd)
{
	const struct cfdriver *cd;
	struct pci_attach_args pa;
	int r;

	attach_args(&pa, pd);
	if ((cd = config_match(self, &pa)) == NULL) {
		config_unconfigured(self, &pa, pci_print);
		return;
	}
	if ((r = unassigned_bar(pd)) >= 0) {
		klog(LOG_WARNING, "pci %02x:%02x.%x: bar%d has no address; not "
		    "given to %s", pd->pd_bus, pd->pd_dev, pd->pd_fn, r,
		    cd->cd_name);
		config_unconfigured(self, &pa, pci_print);
		return;
	}
	pci_command_set(pd, PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER);
	pd->pd_flags |= PCI_DEVF_ENABLED;
	pd->pd_self = config_attach(self, cd, &pa, pci_print);
}

/* Attach the functions whose parent bridge is bridge (-1: root bus). */
static void
bus_attach(device_t self, int bridge)
{
	for (int i = 0; i < pci_nfuncs(); i++) {
		struct pci_dev *pd = pci_func(i);
		if (pd->pd_parent == bridge && pd->pd_self == NULL)
			func_attach(self, pd);
	}
}

static void
child_detached(device_t self, device_t child)
{
	struct pci_dev *pd = pci_dev_of(child);

	(void)self;
	if (pd != NULL)
		pd->pd_self = NULL;
}

/* Children are gone by now (config_detach): nothing of ours to undo. */
static int
bus_detach(device_t self, int flags)
{
	(void)self;
	(void)flags;
	return 0;
}

/* ---- pci: the root bus, at mainbus ---- */

static int
pci_bus_match(device_t parent, void *aux)
{
	struct rumpcomp_pci_host h;

	(void)parent;
	(void)aux;
	return rumpcomp_pci_host_info(&h) == 0 ? 1 : 0;
}

static void
pci_bus_attach(device_t parent, device_t self, void *aux)
{
	const struct rumpcomp_pci_host *h = &pci_state.ps_host;
	int rv;

	(void)parent;
	(void)aux;
	if ((rv = pci_scan()) != 0) {
		aprint_error(self, "unusable host bridge (error %d); no devices",
		    rv);
		return;
	}
	aprint_normal(self, "%s, buses %02x-%02x, %d functions", h->ph_desc,
	    h->ph_busmin, h->ph_busmax, pci_nfuncs());
	pci_list();
	bus_attach(self, -1);
}

static const struct cfdriver pci_cd = {
	.cd_name = "pci",
	.cd_attachto = "mainbus",
	.cd_busattr = "pci",
	.cd_match = pci_bus_match,
	.cd_attach = pci_bus_attach,
	.cd_detach = bus_detach,
	.cd_childdetached = child_detached,
};
CFDRIVER_DECLARE(pci_cd);

/* ---- ppb: a PCI-to-PCI bridge, at pci ---- */

static int
ppb_match(device_t parent, void *aux)
{
	const struct pci_attach_args *pa = aux;

	(void)parent;
	return pa->pa_pd->pd_hdrtype == PCI_HDRTYPE_PPB ? 1 : 0;
}

static void
ppb_attach(device_t parent, device_t self, void *aux)
{
	const struct pci_dev *pd = ((struct pci_attach_args *)aux)->pa_pd;

	(void)parent;
	if (pd->pd_flags & PCI_DEVF_BRIDGE_OFF) {
		aprint_normal(self, "PCI bridge, buses not scanned; no devices");
		return;
	}
	aprint_normal(self, "PCI bridge, buses %02x-%02x", pd->pd_secbus,
	    pd->pd_subbus);
	bus_attach(self, pd->pd_index);
}

static const struct cfdriver ppb_cd = {
	.cd_name = "ppb",
	.cd_attachto = "pci",
	.cd_busattr = "pci",
	.cd_match = ppb_match,
	.cd_attach = ppb_attach,
	.cd_detach = bus_detach,
	.cd_childdetached = child_detached,
};
CFDRIVER_DECLARE(ppb_cd);
