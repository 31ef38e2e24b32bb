/*
 * The lspci-style listing, the device tree view, the driver table and
 * matching. Listing format, one line per function, then one per BAR and
 * bridge window, then the capabilities:
 *
 *	pci 00:03.0 8086:100e rev 03 class 02:00:00 ethernet, INTA irq 11: e1000, no driver
 *	pci 00:03.0   bar0 mem32 0xfebc0000 size 128K
 *	pci 00:03.0   bar1 io 0xc000 size 64
 *	pci 00:03.0   caps: pm msi pcie
 *
 * "irq N" is the platform interrupt line (x86: ISA IRQ or GSI; ARM: GIC
 * SPI N). A function a driver took ends with "driver NAME"; one that
 * none took names the demo table's guess, if any, and says "no driver".
 * Bridges belong to the bus driver itself ("pci bus driver").
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <errno.h>

#include "pci_impl.h"

static const struct pci_driver *drivers[PCI_MAXDRIVERS];
static int ndrivers;

struct known {
	uint16_t k_vendor, k_device;
	const char *k_name;
};

/* Names only: none of these has a driver yet. */
static const struct known known[] = {
	{ 0x8086, 0x100e, "e1000 (82540EM)" },
	{ 0x8086, 0x10d3, "e1000e (82574L)" },
	{ 0x1af4, 0x1000, "virtio-net (legacy)" },
	{ 0x1af4, 0x1041, "virtio-net" },
	{ 0x1af4, 0x1001, "virtio-blk (legacy)" },
	{ 0x1af4, 0x1042, "virtio-blk" },
	{ 0x10ec, 0x8139, "rtl8139" },
	{ 0x1b36, 0x000d, "xhci (qemu-xhci)" },
	{ 0x8086, 0x24cd, "ehci (usb-ehci)" },
	{ 0x8086, 0x7020, "uhci (PIIX3)" },
	{ 0x1b36, 0x0001, "pci-bridge" },
	{ 0x1b36, 0x000c, "pcie-root-port" },
	{ 0x1b36, 0x0008, "pcie host bridge" },
	{ 0x8086, 0x1237, "i440FX host bridge" },
	{ 0x8086, 0x7000, "PIIX3 ISA bridge" },
	{ 0x8086, 0x7010, "PIIX3 IDE" },
	{ 0x8086, 0x7113, "PIIX4 ACPI" },
	{ 0x8086, 0x29c0, "q35 host bridge" },
	{ 0x8086, 0x2918, "ICH9 LPC bridge" },
	{ 0x8086, 0x2922, "ICH9 AHCI" },
	{ 0x8086, 0x2930, "ICH9 SMBus" },
	{ 0x1234, 0x1111, "VGA" },
	{ 0, 0, NULL },
};

const char *
pci_known_name(uint16_t vendor, uint16_t device)
{
	for (const struct known *k = known; k->k_name != NULL; k++)
		if (k->k_vendor == vendor && k->k_device == device)
			return k->k_name;
	return NULL;
}

const char *
pci_class_name(uint32_t class)
{
	unsigned c = PCI_CLASS(class), s = PCI_SUBCLASS(class);

	switch (c) {
	case 0x01: return s == 0x06 ? "SATA" : s == 0x01 ? "IDE" : "storage";
	case 0x02: return s == 0x00 ? "ethernet" : "network";
	case 0x03: return s == 0x00 ? "VGA" : "display";
	case 0x04: return "multimedia";
	case 0x05: return "memory";
	case 0x06:
		switch (s) {
		case 0x00: return "host bridge";
		case 0x01: return "ISA bridge";
		case 0x04: return "PCI bridge";
		}
		return "bridge";
	case 0x07: return "communication";
	case 0x08: return "system";
	case 0x0c:
		if (s != 0x03)
			return s == 0x05 ? "SMBus" : "serial bus";
		switch (PCI_INTERFACE(class)) {
		case 0x00: return "USB UHCI";
		case 0x10: return "USB OHCI";
		case 0x20: return "USB EHCI";
		case 0x30: return "USB xHCI";
		}
		return "USB";
	}
	return "other";
}

/* size as a number and a binary unit suffix ("", K, M, G, T). */
static unsigned long long
size_scale(uint64_t size, const char **unit)
{
	static const char *const units[] = { "", "K", "M", "G", "T" };
	int u = 0;

	while (size >= 1024 && size % 1024 == 0 && u < 4) {
		size /= 1024;
		u++;
	}
	*unit = units[u];
	return (unsigned long long)size;
}

static void
bar_print(const struct pci_dev *pd, const struct pci_bar *b)
{
	static const char *const kind[] = { "none", "io", "mem32", "mem64" };
	const char *u;
	unsigned long long sz = size_scale(b->pb_size, &u);

	pci_printf("pci %02x:%02x.%x   bar%d %s%s ", pd->pd_bus, pd->pd_dev,
	    pd->pd_fn, b->pb_reg, kind[b->pb_kind & 3],
	    b->pb_prefetch ? " prefetch" : "");
	if (!b->pb_assigned)
		pci_printf("unassigned size %llu%s\n", sz, u);
	else if (b->pb_cpu != b->pb_bus)
		pci_printf("0x%llx size %llu%s (cpu 0x%llx)\n",
		    (unsigned long long)b->pb_bus, sz, u,
		    (unsigned long long)b->pb_cpu);
	else
		pci_printf("0x%llx size %llu%s\n",
		    (unsigned long long)b->pb_bus, sz, u);
}

/* A bridge's programmed window, if open. */
static void
window_print(const struct pci_dev *pd, const char *name, uint64_t base,
    uint64_t limit)
{
	if (base > limit)
		return;
	pci_printf("pci %02x:%02x.%x   window %s 0x%llx-0x%llx\n", pd->pd_bus,
	    pd->pd_dev, pd->pd_fn, name, (unsigned long long)base,
	    (unsigned long long)limit);
}

static void
windows_print(const struct pci_dev *pd)
{
	uint32_t io = pci_conf_read(pd, PCI_PPB_IO_REG);
	uint32_t iohi = pci_conf_read(pd, PCI_PPB_IO_HI_REG);
	uint32_t mem = pci_conf_read(pd, PCI_PPB_MEM_REG);
	uint32_t pm = pci_conf_read(pd, PCI_PPB_PMEM_REG);
	uint64_t b, l;

	b = (io & 0xf0) << 8;
	l = (io & 0xf000) | 0xfff;
	if ((io & 0xf) == PCI_PPB_IO_32) {
		b |= (uint64_t)(iohi & 0xffff) << 16;
		l |= (uint64_t)(iohi >> 16) << 16;
	}
	window_print(pd, "io", b, l);
	window_print(pd, "mem", (uint64_t)(mem & 0xfff0) << 16,
	    (uint64_t)(mem & 0xfff00000) | 0xfffff);
	b = (uint64_t)(pm & 0xfff0) << 16;
	l = (uint64_t)(pm & 0xfff00000) | 0xfffff;
	if ((pm & 0xf) == PCI_PPB_PMEM_64) {
		b |= (uint64_t)pci_conf_read(pd, PCI_PPB_PMEM_BASE_HI) << 32;
		l |= (uint64_t)pci_conf_read(pd, PCI_PPB_PMEM_LIMIT_HI) << 32;
	}
	window_print(pd, "prefetch", b, l);
}

static void
caps_print(const struct pci_dev *pd)
{
	const char *n;

	if (pd->pd_ncap == 0)
		return;
	pci_printf("pci %02x:%02x.%x   caps:", pd->pd_bus, pd->pd_dev,
	    pd->pd_fn);
	for (int i = 0; i < pd->pd_ncap && i < PCI_CAP_MAX; i++) {
		if ((n = pci_cap_name(pd->pd_capid[i])) != NULL)
			pci_printf(" %s", n);
		else
			pci_printf(" 0x%02x", pd->pd_capid[i]);
	}
	pci_printf("\n");
}

static void
owner_print(const struct pci_dev *pd)
{
	const char *k = pci_known_name(pd->pd_vendor, pd->pd_device);

	if (pd->pd_driver != NULL)
		pci_printf(": driver %s\n", pd->pd_driver->pdr_name);
	else if (pd->pd_hdrtype == PCI_HDRTYPE_PPB)
		pci_printf(": pci bus driver\n");
	else if (k != NULL)
		pci_printf(": %s, no driver\n", k);
	else
		pci_printf(": no driver\n");
}

static void
func_print(const struct pci_dev *pd)
{
	pci_printf("pci %02x:%02x.%x %04x:%04x rev %02x class %02x:%02x:%02x "
	    "%s", pd->pd_bus, pd->pd_dev, pd->pd_fn, pd->pd_vendor,
	    pd->pd_device, PCI_REVISION(pd->pd_class), PCI_CLASS(pd->pd_class),
	    PCI_SUBCLASS(pd->pd_class), PCI_INTERFACE(pd->pd_class),
	    pci_class_name(pd->pd_class));
	if (pd->pd_hdrtype == PCI_HDRTYPE_PPB) {
		if (pd->pd_flags & PCI_DEVF_BRIDGE_OFF)
			pci_printf(", buses not scanned");
		else
			pci_printf(", buses %02x-%02x", pd->pd_secbus,
			    pd->pd_subbus);
	}
	if (pd->pd_pin != 0) {
		pci_printf(", INT%c", 'A' + pd->pd_pin - 1);
		if (pd->pd_irq >= 0)
			pci_printf(" irq %d", pd->pd_irq);
		else
			pci_printf(" not routed");
	}
	owner_print(pd);
	for (int r = 0; r < pd->pd_nbar && r < PCI_NBAR_DEVICE; r++)
		if (pd->pd_bar[r].pb_kind != PCI_BAR_KIND_NONE)
			bar_print(pd, &pd->pd_bar[r]);
	if (pd->pd_hdrtype == PCI_HDRTYPE_PPB &&
	    !(pd->pd_flags & PCI_DEVF_BRIDGE_OFF))
		windows_print(pd);
	caps_print(pd);
}

static void
host_print(void)
{
	const struct rumpcomp_pci_host *h = &pci_state.ps_host;

	pci_printf("pci: host bridge: %s, buses %02x-%02x, %s\n", h->ph_desc,
	    h->ph_busmin, h->ph_busmax, h->ph_assign ?
	    "no firmware: bus numbers and BARs assigned here" :
	    "bus numbers and BARs as the firmware assigned them");
	for (int i = 0; i < h->ph_nwin && i < RUMPCOMP_PCI_MAXWIN; i++) {
		const struct rumpcomp_pci_window *w = &h->ph_win[i];
		pci_printf("pci: window %s%s 0x%lx-0x%lx at cpu 0x%lx\n",
		    (w->pw_flags & RUMPCOMP_PCI_WIN_IO) ? "io" :
		    (w->pw_flags & RUMPCOMP_PCI_WIN_64) ? "mem64" : "mem32",
		    (w->pw_flags & RUMPCOMP_PCI_WIN_PREFETCH) ? " prefetch" :
		    "", w->pw_bus, w->pw_bus + w->pw_size - 1, w->pw_cpu);
	}
}

void
pci_list(void)
{
	if (!pci_state.ps_have_host) {
		pci_printf("pci: no PCI host bridge\n");
		return;
	}
	host_print();
	for (int i = 0; i < pci_state.ps_nfunc; i++)
		func_print(&pci_state.ps_func[i]);
	pci_printf("pci: %d functions\n", pci_state.ps_nfunc);
}

/* Bridge nesting of a function: its depth below the host. */
static int
func_depth(const struct pci_dev *pd)
{
	int d = 0;

	for (int p = pd->pd_parent; p >= 0 && d < PCI_MAXDEPTH; d++)
		p = pci_state.ps_func[p].pd_parent;
	return d;
}

void
pci_list_tree(void)
{
	if (!pci_state.ps_have_host) {
		pci_printf("pci0: none\n");
		return;
	}
	pci_printf("mainbus0\n  pci0 at mainbus0: %s, bus %02x\n",
	    pci_state.ps_host.ph_desc, pci_state.ps_host.ph_busmin);
	for (int i = 0; i < pci_state.ps_nfunc; i++) {
		const struct pci_dev *pd = &pci_state.ps_func[i];
		const char *k = pci_known_name(pd->pd_vendor, pd->pd_device);
		int d = func_depth(pd);
		pci_printf("%*s%02x:%02x.%x %s%s%s", 4 + 4 * d, "", pd->pd_bus,
		    pd->pd_dev, pd->pd_fn, pci_class_name(pd->pd_class),
		    k != NULL ? " " : "", k != NULL ? k : "");
		if (pd->pd_hdrtype == PCI_HDRTYPE_PPB &&
		    !(pd->pd_flags & PCI_DEVF_BRIDGE_OFF))
			pci_printf(" -> bus %02x", pd->pd_secbus);
		pci_printf("\n");
	}
}

int
pci_driver_register(const struct pci_driver *drv)
{
	if (drv == NULL || drv->pdr_name == NULL || drv->pdr_ids == NULL ||
	    drv->pdr_attach == NULL)
		return EINVAL;
	if (ndrivers == PCI_MAXDRIVERS)
		return ENOSPC;
	drivers[ndrivers++] = drv;
	return 0;
}

void
pci_drivers_clear(void)
{
	ndrivers = 0;
}

static bool
ids_match(const struct pci_id *ids, const struct pci_dev *pd)
{
	for (int i = 0; ids[i].pi_vendor != 0 && i < 1024; i++)
		if (ids[i].pi_vendor == pd->pd_vendor &&
		    (ids[i].pi_device == PCI_ID_ANY ||
		    ids[i].pi_device == pd->pd_device))
			return true;
	return false;
}

/* Offer pd to the drivers; at most one attaches. */
static void
func_attach(struct pci_dev *pd)
{
	uint32_t cmd = pci_conf_read(pd, PCI_COMMAND_STATUS_REG) & 0xffff;

	for (int i = 0; i < ndrivers; i++) {
		const struct pci_driver *drv = drivers[i];
		int rv;
		if (!ids_match(drv->pdr_ids, pd) ||
		    (drv->pdr_match != NULL && drv->pdr_match(pd) == 0))
			continue;
		pci_command_set(pd, PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER);
		if ((rv = drv->pdr_attach(pd)) == 0) {
			pd->pd_driver = drv;
			pd->pd_flags |= PCI_DEVF_ENABLED;
			pci_printf("%s at pci %02x:%02x.%x: attached\n",
			    drv->pdr_name, pd->pd_bus, pd->pd_dev, pd->pd_fn);
			return;
		}
		pci_conf_write(pd, PCI_COMMAND_STATUS_REG, cmd);
		pci_printf("%s at pci %02x:%02x.%x: attach failed (error "
		    "%d)\n", drv->pdr_name, pd->pd_bus, pd->pd_dev, pd->pd_fn,
		    rv);
	}
}

/* A BAR that was sized but has no address: decoding it is unsafe. */
static int
unassigned_bar(const struct pci_dev *pd)
{
	for (int r = 0; r < pd->pd_nbar && r < PCI_NBAR_DEVICE; r++)
		if (pd->pd_bar[r].pb_kind != PCI_BAR_KIND_NONE &&
		    !pd->pd_bar[r].pb_assigned)
			return r;
	return -1;
}

/*
 * Endpoint functions only (bridges are ours), and only those whose
 * every BAR has an address: enabling decoding of an unassigned BAR
 * would claim whatever lies at its reset value.
 */
int
pci_attach_all(void)
{
	int n = 0, r;

	for (int i = 0; i < pci_state.ps_nfunc; i++) {
		struct pci_dev *pd = &pci_state.ps_func[i];
		if (pd->pd_hdrtype != PCI_HDRTYPE_DEVICE ||
		    pd->pd_driver != NULL || ndrivers == 0)
			continue;
		if ((r = unassigned_bar(pd)) >= 0) {
			pci_printf("pci %02x:%02x.%x: bar%d has no address; "
			    "not offered to drivers\n", pd->pd_bus,
			    pd->pd_dev, pd->pd_fn, r);
			continue;
		}
		func_attach(pd);
		if (pd->pd_driver != NULL)
			n++;
	}
	return n;
}

/* Attach first, so that the listing shows who took what. */
int
pci_init(void)
{
	int rv = pci_scan();

	if (rv == 0)
		(void)pci_attach_all();
	pci_list();
	return rv;
}
