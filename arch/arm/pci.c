/*
 * The PCI host bridge of a device tree machine (<bmk/platform_pci.h>):
 * the first enabled node compatible with "pci-host-ecam-generic" (QEMU
 * virt; Devicetree binding pci/host-generic-pci, and the PCI bus binding,
 * IEEE 1275 PCI supplement):
 *
 *	reg		the ECAM window; bus b at (b - busmin) << 20
 *	bus-range	<busmin busmax>, default 0 .. what reg covers
 *	ranges		<pci-addr(3) cpu-addr(parent cells) size(2)>, the
 *			space in pci-addr's phys.hi bits 24-25 (1 I/O, 2
 *			32-bit memory, 3 64-bit memory), bit 30 prefetchable
 *	interrupt-map	<pci-addr(3) pin(1) parent parent-addr parent-spec>
 *	  -mask		ANDed with the child side before comparing
 *
 * No firmware ran: bus numbers and BARs are unassigned (ph_assign).
 * INTx: the interrupt-map entry of (root function, swizzled pin) names a
 * GIC SPI, which is the platform line (gic.c).
 *
 * MSI: a GICv2m frame ("arm,gic-v2m-frame", QEMU virt with GICv2): a
 * write of an SPI's INTID to its MSI_SETSPI_NS register raises that SPI.
 * Only SPIs that are also platform lines (INTID < 32 + PLAT_NIRQ) are
 * used. The frame pulses the SPI, so the SPIs must be edge-triggered:
 * v2m_edge asks the GIC layer for that while they are still disabled.
 *
 * MSI: else a GICv3 ITS ("arm,gic-v3-its" with "msi-controller", QEMU
 * virt with GICv3; gic3_its.c). The message is GITS_TRANSLATER and an
 * event ID, which the ITS turns into an LPI by the writer's device ID:
 * its requester ID (bus << 8 | dev << 3 | fn) through the host's
 * "msi-map" <rid-base its-phandle devid-base length> (and msi-map-mask),
 * or the requester ID itself with just "msi-parent". The ITS is set up
 * on the first MSI request, so its tables cost nothing elsewhere. The
 * LPI gets a platform line that nothing in the device tree uses (no
 * node's "interrupts", not the host's interrupt-map), from line 63
 * down, and gic.c raises that line for it (gic_line_lpi).
 *
 * pci_host_fdt() records the tree at boot (arm_main.c); the parsing
 * happens on first use.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/errno.h>
#include <bmk/fdt.h>
#include <bmk/platform.h>
#include <bmk/platform_pci.h>
#include <arm/arch.h>
#include <arm/gic.h>
#include <arm/its.h>
#include <arm/mmio.h>

#define ECAM_BUS_SHIFT 20
#define PCI_ADDR_CELLS 3
#define PCI_SIZE_CELLS 2
#define PHYS_HI_SPACE(h) (((h) >> 24) & 0x3)
#define  SPACE_IO 1
#define  SPACE_MEM32 2
#define  SPACE_MEM64 3
#define PHYS_HI_PREFETCH (1u << 30)
#define IMAP_MAX_CELLS 16		/* one interrupt-map entry */
#define V2M_TYPER 0x008
#define  V2M_TYPER_BASE(t) (((t) >> 16) & 0x3ff)
#define  V2M_TYPER_NUM(t) ((t) & 0x3ff)
#define V2M_SETSPI_NS 0x040

static const struct fdt *pci_fdt;
static int pci_node = -1;
static struct plat_pci_host host;
static bool host_probed, host_found;
static uintptr_t ecam_base;
static uint64_t ecam_size;
static char host_desc[64];
static uint64_t v2m_base;		/* 0: no MSI */
static unsigned v2m_next, v2m_end;	/* INTIDs left: [next, end) */
static int its_node = -1;		/* -1: no ITS MSI */
static bool its_up, its_failed;		/* its_msi_start */
static uint64_t its_lines;		/* bit n: line n free for MSI */

static int phandle_node(uint32_t ph);
static int imap_entry(const uint8_t *e, int left, const uint32_t key[4],
    const uint32_t mask[4], int *linep);

void
pci_host_fdt(const struct fdt *fdt)
{
	pci_fdt = fdt;
}

/* cells big-endian 32-bit cells at p as one number (at most 2 cells). */
static uint64_t
cells_get(const uint8_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = v << 32 | fdt_be32(p + 4 * i);
	return v;
}

static int
node_cells(int node, const char *name, uint32_t dflt)
{
	uint32_t v;

	if (fdt_getu32(pci_fdt, node, name, &v) != 0)
		return (int)dflt;
	return v > IMAP_MAX_CELLS ? -1 : (int)v;
}

static void
range_add(const uint8_t *e, int pac)
{
	struct plat_pci_window *w;
	uint32_t hi = fdt_be32(e);
	unsigned space = PHYS_HI_SPACE(hi);

	if (space == 0 || host.ph_nwin == PLAT_PCI_MAXWIN)
		return;
	w = &host.ph_win[host.ph_nwin];
	w->pw_bus = cells_get(e + 4, 2);
	w->pw_cpu = cells_get(e + 4 * PCI_ADDR_CELLS, pac);
	w->pw_size = cells_get(e + 4 * (PCI_ADDR_CELLS + pac), PCI_SIZE_CELLS);
	if (w->pw_size == 0 || w->pw_cpu + w->pw_size < w->pw_cpu)
		return;
	w->pw_flags = space == SPACE_IO ? PLAT_PCI_WIN_IO : PLAT_PCI_WIN_MEM;
	if (space == SPACE_MEM64)
		w->pw_flags |= PLAT_PCI_WIN_64;
	if (hi & PHYS_HI_PREFETCH)
		w->pw_flags |= PLAT_PCI_WIN_PREFETCH;
	host.ph_nwin++;
}

static void
ranges_parse(void)
{
	int len, pac = node_cells(fdt_parent(pci_fdt, pci_node),
	    "#address-cells", 2), ent;
	const uint8_t *r = fdt_getprop(pci_fdt, pci_node, "ranges", &len);

	if (r == NULL || pac < 1 || pac > 2)
		return;
	ent = 4 * (PCI_ADDR_CELLS + pac + PCI_SIZE_CELLS);
	for (int off = 0; off + ent <= len; off += ent)
		range_add(r + off, pac);
}

static void
busrange_parse(void)
{
	int len;
	const uint8_t *p = fdt_getprop(pci_fdt, pci_node, "bus-range", &len);
	uint64_t buses = ecam_size >> ECAM_BUS_SHIFT;

	host.ph_busmin = 0;
	host.ph_busmax = buses > 256 ? 255 : (unsigned)buses - 1;
	if (p == NULL || len != 8)
		return;
	if (fdt_be32(p) <= fdt_be32(p + 4) && fdt_be32(p + 4) <= 255) {
		host.ph_busmin = fdt_be32(p);
		host.ph_busmax = fdt_be32(p + 4);
	}
	if (host.ph_busmax - host.ph_busmin + 1 > buses)
		host.ph_busmax = host.ph_busmin + (unsigned)buses - 1;
}

/* Make INTIDs [first, end) edge-triggered. */
static bool
v2m_edge(unsigned first, unsigned end)
{
	for (unsigned id = first; id < end; id++)
		if (gic_set_edge(id) != 0)
			return false;
	return true;
}

static void
v2m_probe(void)
{
	uint64_t base, size;
	uint32_t typer, b, n;
	int node = fdt_find_compatible(pci_fdt, -1, "arm,gic-v2m-frame");

	if (node < 0 || !fdt_node_enabled(pci_fdt, node) ||
	    fdt_reg(pci_fdt, node, 0, &base, &size) != 0 || size < 0x1000 ||
	    plat_mmu_map_device(base, size) != 0)
		return;
	typer = mmio_read32(base + V2M_TYPER);
	b = V2M_TYPER_BASE(typer);
	n = V2M_TYPER_NUM(typer);
	(void)fdt_getu32(pci_fdt, node, "arm,msi-base-spi", &b);
	(void)fdt_getu32(pci_fdt, node, "arm,msi-num-spis", &n);
	if (b < GIC_SPI_BASE || n == 0 || b >= GIC_SPI_BASE + PLAT_NIRQ)
		return;
	if (b + n > GIC_SPI_BASE + PLAT_NIRQ)
		n = GIC_SPI_BASE + PLAT_NIRQ - b;
	if (!v2m_edge(b, b + n))
		return;
	v2m_base = base;
	v2m_next = b;
	v2m_end = b + n;
}

/* Mark the SPIs of every node's "interrupts" as taken. */
static void
its_lines_dt(void)
{
	struct fdt_irq irq;

	for (int n = fdt_next_node(pci_fdt, -1); n >= 0;
	    n = fdt_next_node(pci_fdt, n))
		for (int i = 0; fdt_irq(pci_fdt, n, i, &irq) == 0; i++)
			if (irq.fi_type == FDT_IRQ_SPI && irq.fi_num < PLAT_NIRQ)
				its_lines &= ~(1ULL << irq.fi_num);
}

/* Mark the SPIs of the host's interrupt-map as taken. */
static void
its_lines_imap(void)
{
	static const uint32_t any[4];
	const uint8_t *map;
	int len, off = 0, sz, line;

	if ((map = fdt_getprop(pci_fdt, pci_node, "interrupt-map",
	    &len)) == NULL)
		return;
	for (; off < len; off += sz) {
		line = -1;
		if ((sz = imap_entry(map + off, len - off, any, any,
		    &line)) == 0)
			return;
		if (line >= 0)
			its_lines &= ~(1ULL << line);
	}
}

/* The enabled ITS the host's msi-map or msi-parent names, or -1. */
static int
its_find(void)
{
	int len, node = -1;
	const uint8_t *m = fdt_getprop(pci_fdt, pci_node, "msi-map", &len);
	uint32_t ph;

	if (m != NULL && len >= 16)
		node = phandle_node(fdt_be32(m + 4));
	else if (fdt_getu32(pci_fdt, pci_node, "msi-parent", &ph) == 0)
		node = phandle_node(ph);
	if (node < 0 || !fdt_prop_has(pci_fdt, node, "compatible",
	    "arm,gic-v3-its") || !fdt_node_enabled(pci_fdt, node) ||
	    fdt_getprop(pci_fdt, node, "msi-controller", &len) == NULL)
		return -1;
	return node;
}

/* The ITS and its tables on first use (their memory only if needed). */
static int
its_msi_start(void)
{
	int err;

	if (its_up)
		return 0;
	if (its_failed || (err = its_init(pci_fdt, its_node)) != 0) {
		if (!its_failed)
			cons_printf("pci: GICv3 ITS unusable (error %d): no "
			    "MSI\n", err);
		its_failed = true;
		return EOPNOTSUPP;
	}
	its_lines = ~0ULL >> (64 - PLAT_NIRQ);
	its_lines_dt();
	its_lines_imap();
	its_up = true;
	cons_logf("pci: MSI through the GICv3 ITS at 0x%lx, %d platform "
	    "lines free for it\n", (unsigned long)its_doorbell() -
	    GITS_TRANSLATER, __builtin_popcountll(its_lines));
	return 0;
}

static bool
host_parse(void)
{
	int node = -1;

	if (pci_fdt == NULL)
		return false;
	while ((node = fdt_find_compatible(pci_fdt, node,
	    "pci-host-ecam-generic")) >= 0 && !fdt_node_enabled(pci_fdt, node))
		;
	if (node < 0 || fdt_reg(pci_fdt, node, 0, &ecam_base, &ecam_size) != 0
	    || ecam_size < (1u << ECAM_BUS_SHIFT) ||
	    node_cells(node, "#address-cells", 0) != PCI_ADDR_CELLS ||
	    node_cells(node, "#size-cells", 0) != PCI_SIZE_CELLS ||
	    plat_mmu_map_device(ecam_base, ecam_size) != 0)
		return false;
	pci_node = node;
	busrange_parse();
	ranges_parse();
	v2m_probe();
	if (v2m_base == 0)
		its_node = its_find();
	host.ph_assign = true;
	host.ph_conf_size = 4096;
	cons_snprintf(host_desc, sizeof(host_desc), "ECAM at 0x%lx (device "
	    "tree)", (unsigned long)ecam_base);
	host.ph_desc = host_desc;
	return true;
}

const struct plat_pci_host *
plat_pci_host(void)
{
	if (!host_probed) {
		host_probed = true;
		host_found = host_parse();
	}
	return host_found ? &host : NULL;
}

static int
ecam_addr(unsigned bus, unsigned dev, unsigned fn, unsigned reg,
    uintptr_t *ap)
{
	if (plat_pci_host() == NULL || bus < host.ph_busmin ||
	    bus > host.ph_busmax || dev >= 32 || fn >= 8 ||
	    reg >= host.ph_conf_size || (reg & 3) != 0)
		return ENODEV;
	*ap = ecam_base + ((uintptr_t)(bus - host.ph_busmin) << 20) +
	    (dev << 15) + (fn << 12) + reg;
	return 0;
}

int
plat_pci_conf_read(unsigned bus, unsigned dev, unsigned fn, unsigned reg,
    uint32_t *v)
{
	uintptr_t a;

	*v = 0xffffffffu;
	if (ecam_addr(bus, dev, fn, reg, &a) != 0)
		return ENODEV;
	*v = mmio_read32(a);
	return 0;
}

int
plat_pci_conf_write(unsigned bus, unsigned dev, unsigned fn, unsigned reg,
    uint32_t v)
{
	uintptr_t a;

	if (ecam_addr(bus, dev, fn, reg, &a) != 0)
		return ENODEV;
	mmio_write32(a, v);
	return 0;
}

/* The node whose phandle is ph, or -1. Bounded by the tree's size. */
static int
phandle_node(uint32_t ph)
{
	uint32_t v;

	for (int n = fdt_next_node(pci_fdt, -1); n >= 0;
	    n = fdt_next_node(pci_fdt, n))
		if (fdt_getu32(pci_fdt, n, "phandle", &v) == 0 && v == ph)
			return n;
	return -1;
}

/*
 * Entry at e (at most left bytes): match the key, find its parent and
 * return the entry's size in bytes (0: malformed). *linep is the SPI of
 * a matching entry, else stays.
 */
static int
imap_entry(const uint8_t *e, int left, const uint32_t key[4],
    const uint32_t mask[4], int *linep)
{
	int par, pac, pic, size = 4 * 5;
	bool match = true;

	if (left < size)
		return 0;
	for (int i = 0; i < 4; i++)
		if ((fdt_be32(e + 4 * i) & mask[i]) != (key[i] & mask[i]))
			match = false;
	if ((par = phandle_node(fdt_be32(e + 16))) < 0 ||
	    (pac = node_cells(par, "#address-cells", 0)) < 0 ||
	    (pic = node_cells(par, "#interrupt-cells", 0)) < 1)
		return 0;
	size += 4 * (pac + pic);
	if (left < size)
		return 0;
	/* GIC specifier: <type number flags>, type 0 = SPI. */
	if (match && pic == 3 && fdt_be32(e + 20 + 4 * pac) == FDT_IRQ_SPI) {
		uint32_t spi = fdt_be32(e + 24 + 4 * pac);
		if (spi < PLAT_NIRQ)
			*linep = (int)spi;
	}
	return size;
}

int
plat_pci_intx_line(const struct plat_pci_intx *pi)
{
	uint32_t key[4], mask[4] = { ~0u, ~0u, ~0u, ~0u };
	const uint8_t *map, *m;
	int len, mlen, line = -1, off = 0, sz;

	if (plat_pci_host() == NULL || pi->pi_rootpin < 1 || pi->pi_rootpin > 4
	    || (map = fdt_getprop(pci_fdt, pci_node, "interrupt-map",
	    &len)) == NULL)
		return -1;
	if ((m = fdt_getprop(pci_fdt, pci_node, "interrupt-map-mask",
	    &mlen)) != NULL && mlen == 16)
		for (int i = 0; i < 4; i++)
			mask[i] = fdt_be32(m + 4 * i);
	key[0] = host.ph_busmin << 16 | pi->pi_rootdev << 11 |
	    pi->pi_rootfn << 8;
	key[1] = key[2] = 0;
	key[3] = pi->pi_rootpin;
	while (off < len && line < 0) {
		if ((sz = imap_entry(map + off, len - off, key, mask,
		    &line)) == 0)
			return -1;
		off += sz;
	}
	return line;
}

/* Requester ID rid as the ITS's device ID; false if unmapped. */
static bool
rid_devid(uint32_t rid, uint32_t *devidp)
{
	int len;
	const uint8_t *m = fdt_getprop(pci_fdt, pci_node, "msi-map", &len);
	uint32_t mask = 0xffffffffu, base, n;

	if (m == NULL) {
		*devidp = rid;		/* msi-parent: the identity */
		return true;
	}
	(void)fdt_getu32(pci_fdt, pci_node, "msi-map-mask", &mask);
	rid &= mask;
	for (int off = 0; off + 16 <= len; off += 16) {
		base = fdt_be32(m + off);
		n = fdt_be32(m + off + 12);
		if (phandle_node(fdt_be32(m + off + 4)) == its_node &&
		    rid >= base && rid - base < n) {
			*devidp = fdt_be32(m + off + 8) + (rid - base);
			return true;
		}
	}
	return false;
}

/* Map event for the function with requester ID rid; 0 or an errno. */
static int
its_map_fn(uint32_t rid, uint32_t event)
{
	uint32_t devid;

	if (!rid_devid(rid, &devid))
		return ENODEV;	/* the host's msi-map does not cover it */
	return its_map(devid, event);
}

static int
its_msi_alloc(uint32_t rid, int *linep, uint64_t *addrp, uint32_t *datap)
{
	uint32_t event;
	unsigned intid;
	int line, err;

	if ((err = its_msi_start()) != 0)
		return err;
	if (its_lines == 0)
		return ENOSPC;
	line = 63 - __builtin_clzll(its_lines);		/* the highest */
	if ((err = its_event_alloc(&event, &intid)) != 0 ||
	    (err = its_map_fn(rid, event)) != 0 ||
	    (err = gic_line_lpi(line, intid)) != 0)
		return err;
	its_lines &= ~(1ULL << line);
	*linep = line;
	*addrp = its_doorbell();
	*datap = event;
	return 0;
}

int
plat_pci_msi_alloc(unsigned bus, unsigned dev, unsigned fn, int *linep,
    uint64_t *addrp, uint32_t *datap)
{
	if (plat_pci_host() != NULL && its_node >= 0)
		return its_msi_alloc(bus << 8 | dev << 3 | fn, linep, addrp,
		    datap);
	if (plat_pci_host() == NULL || v2m_base == 0)
		return EOPNOTSUPP;
	if (v2m_next >= v2m_end)
		return ENOSPC;
	*linep = (int)(v2m_next - GIC_SPI_BASE);
	*addrp = v2m_base + V2M_SETSPI_NS;
	*datap = v2m_next++;
	return 0;
}

int
plat_mmu_map_device(uint64_t pa, uint64_t len)
{
	if (len == 0 || pa + len < pa)
		return EINVAL;
	if (mmu_is_mapped(pa) && mmu_is_mapped(pa + len - 1) &&
	    pa + len <= (4ULL << 30))
		return 0;	/* the boot map has [0, 4 GiB) as device */
	return mmu_map_device(pa, len);
}
