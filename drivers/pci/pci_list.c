/*
 * The lspci-style listing and the names it uses. Format, one line per
 * function, then one per BAR and bridge window, then the capabilities:
 *
 *	pci 00:03.0 8086:100e rev 03 class 02:00:00 ethernet, INTA irq 11: wm0
 *	pci 00:03.0   bar0 mem32 0xfebc0000 size 128K
 *	pci 00:03.0   bar1 io 0xc000 size 64
 *	pci 00:03.0   caps: pm msi pcie
 *
 * "irq N" is the platform interrupt line (x86: ISA IRQ or GSI; ARM: GIC
 * SPI N). After the colon comes the device attached to the function, or
 * else the demo table's name for it, if any (nothing: unknown and not
 * attached). The boot listing comes before any attach, so it shows the
 * names; lsdev's, later, shows the devices.
 *
 * Every line is built whole in a struct line (at most KLOG_LINEMAX - 1
 * bytes, longer text is cut) and handed to the output function once.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <stdarg.h>

#include <kern/klog.h>

#include "pci_impl.h"

struct line {
	char l_buf[KLOG_LINEMAX];
	size_t l_len;		/* < sizeof(l_buf); l_buf[l_len] == NUL */
};

static void line_add(struct line *l, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));

static void
line_add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	size_t room = sizeof(l->l_buf) - l->l_len;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(l->l_buf + l->l_len, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->l_len += (size_t)n < room ? (size_t)n : room - 1;
}

/* A line that starts with "pci BB:DD.F". */
static void
line_start(struct line *l, const struct pci_dev *pd)
{
	l->l_len = 0;
	l->l_buf[0] = '\0';
	line_add(l, "pci %02x:%02x.%x", pd->pd_bus, pd->pd_dev, pd->pd_fn);
}

struct sink {
	pci_out_t s_out;
	void *s_arg;
};

static void
emit(const struct sink *k, struct line *l)
{
	k->s_out(k->s_arg, l->l_buf);
}

struct known {
	uint16_t k_vendor, k_device;
	const char *k_name;
};

/* Names only, for the listing and "not configured" lines. */
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
bar_print(const struct sink *k, const struct pci_dev *pd,
    const struct pci_bar *b)
{
	static const char *const kind[] = { "none", "io", "mem32", "mem64" };
	const char *u;
	unsigned long long sz = size_scale(b->pb_size, &u);
	struct line l;

	line_start(&l, pd);
	line_add(&l, "   bar%d %s%s ", b->pb_reg, kind[b->pb_kind & 3],
	    b->pb_prefetch ? " prefetch" : "");
	if (!b->pb_assigned)
		line_add(&l, "unassigned size %llu%s", sz, u);
	else if (b->pb_cpu != b->pb_bus)
		line_add(&l, "0x%llx size %llu%s (cpu 0x%llx)",
		    (unsigned long long)b->pb_bus, sz, u,
		    (unsigned long long)b->pb_cpu);
	else
		line_add(&l, "0x%llx size %llu%s",
		    (unsigned long long)b->pb_bus, sz, u);
	emit(k, &l);
}

/* A bridge's programmed window, if open. */
static void
window_print(const struct sink *k, const struct pci_dev *pd,
    const char *name, uint64_t base, uint64_t limit)
{
	struct line l;

	if (base > limit)
		return;
	line_start(&l, pd);
	line_add(&l, "   window %s 0x%llx-0x%llx", name,
	    (unsigned long long)base, (unsigned long long)limit);
	emit(k, &l);
}

static void
windows_print(const struct sink *k, const struct pci_dev *pd)
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
	window_print(k, pd, "io", b, l);
	window_print(k, pd, "mem", (uint64_t)(mem & 0xfff0) << 16,
	    (uint64_t)(mem & 0xfff00000) | 0xfffff);
	b = (uint64_t)(pm & 0xfff0) << 16;
	l = (uint64_t)(pm & 0xfff00000) | 0xfffff;
	if ((pm & 0xf) == PCI_PPB_PMEM_64) {
		b |= (uint64_t)pci_conf_read(pd, PCI_PPB_PMEM_BASE_HI) << 32;
		l |= (uint64_t)pci_conf_read(pd, PCI_PPB_PMEM_LIMIT_HI) << 32;
	}
	window_print(k, pd, "prefetch", b, l);
}

static void
caps_print(const struct sink *k, const struct pci_dev *pd)
{
	const char *n;
	struct line l;

	if (pd->pd_ncap == 0)
		return;
	line_start(&l, pd);
	line_add(&l, "   caps:");
	for (int i = 0; i < pd->pd_ncap && i < PCI_CAP_MAX; i++) {
		if ((n = pci_cap_name(pd->pd_capid[i])) != NULL)
			line_add(&l, " %s", n);
		else
			line_add(&l, " 0x%02x", pd->pd_capid[i]);
	}
	emit(k, &l);
}

/* ": wm0", or ": e1000 (82540EM)" before anything attached, or nothing. */
static void
owner_add(struct line *l, const struct pci_dev *pd)
{
	const char *k = pci_known_name(pd->pd_vendor, pd->pd_device);

	if (pd->pd_self != NULL)
		line_add(l, ": %s", device_xname(pd->pd_self));
	else if (k != NULL)
		line_add(l, ": %s", k);
}

/* ", buses 01-02" of a bridge and ", INTA irq 11" of a pin. */
static void
routing_add(struct line *l, const struct pci_dev *pd)
{
	if (pd->pd_hdrtype == PCI_HDRTYPE_PPB) {
		if (pd->pd_flags & PCI_DEVF_BRIDGE_OFF)
			line_add(l, ", buses not scanned");
		else
			line_add(l, ", buses %02x-%02x", pd->pd_secbus,
			    pd->pd_subbus);
	}
	if (pd->pd_pin == 0)
		return;
	line_add(l, ", INT%c", 'A' + pd->pd_pin - 1);
	if (pd->pd_irq >= 0)
		line_add(l, " irq %d", pd->pd_irq);
	else
		line_add(l, " not routed");
}

static void
func_print(const struct sink *k, const struct pci_dev *pd)
{
	struct line l;

	line_start(&l, pd);
	line_add(&l, " %04x:%04x rev %02x class %02x:%02x:%02x %s",
	    pd->pd_vendor, pd->pd_device, PCI_REVISION(pd->pd_class),
	    PCI_CLASS(pd->pd_class), PCI_SUBCLASS(pd->pd_class),
	    PCI_INTERFACE(pd->pd_class), pci_class_name(pd->pd_class));
	routing_add(&l, pd);
	owner_add(&l, pd);
	emit(k, &l);
	for (int r = 0; r < pd->pd_nbar && r < PCI_NBAR_DEVICE; r++)
		if (pd->pd_bar[r].pb_kind != PCI_BAR_KIND_NONE)
			bar_print(k, pd, &pd->pd_bar[r]);
	if (pd->pd_hdrtype == PCI_HDRTYPE_PPB &&
	    !(pd->pd_flags & PCI_DEVF_BRIDGE_OFF))
		windows_print(k, pd);
	caps_print(k, pd);
}

static void
host_print(const struct sink *k)
{
	const struct rumpcomp_pci_host *h = &pci_state.ps_host;
	struct line l = { .l_len = 0 };

	line_add(&l, "pci: host bridge: %s, buses %02x-%02x, %s", h->ph_desc,
	    h->ph_busmin, h->ph_busmax, h->ph_assign ?
	    "no firmware: bus numbers and BARs assigned here" :
	    "bus numbers and BARs as the firmware assigned them");
	emit(k, &l);
	for (int i = 0; i < h->ph_nwin && i < RUMPCOMP_PCI_MAXWIN; i++) {
		const struct rumpcomp_pci_window *w = &h->ph_win[i];
		l.l_len = 0;
		line_add(&l, "pci: window %s%s 0x%lx-0x%lx at cpu 0x%lx",
		    (w->pw_flags & RUMPCOMP_PCI_WIN_IO) ? "io" :
		    (w->pw_flags & RUMPCOMP_PCI_WIN_64) ? "mem64" : "mem32",
		    (w->pw_flags & RUMPCOMP_PCI_WIN_PREFETCH) ? " prefetch" :
		    "", w->pw_bus, w->pw_bus + w->pw_size - 1, w->pw_cpu);
		emit(k, &l);
	}
}

void
pci_list_to(pci_out_t out, void *arg)
{
	const struct sink k = { out, arg };
	struct line l = { .l_len = 0 };

	if (!pci_state.ps_have_host) {
		line_add(&l, "pci: no PCI host bridge");
		emit(&k, &l);
		return;
	}
	host_print(&k);
	for (int i = 0; i < pci_state.ps_nfunc; i++)
		func_print(&k, &pci_state.ps_func[i]);
	line_add(&l, "pci: %d functions", pci_state.ps_nfunc);
	emit(&k, &l);
}

static void
klog_out(void *arg, const char *line)
{
	(void)arg;
	klog(LOG_INFO, "%s", line);
}

void
pci_list(void)
{
	pci_list_to(klog_out, NULL);
}
