/*
 * Base address registers (PCI Local Bus 3.0, 6.2.5.1): sizing, and the
 * assignment of addresses and bridge windows on machines where no
 * firmware did it (the host says ph_assign).
 *
 * Sizing: with the function's decoding off, write all ones, read back
 * the writable bits, restore. The size is the lowest writable address
 * bit. A BAR reading back 0 is not implemented (normal). A BAR with no
 * writable address bits, or one larger than the address space of its
 * kind (I/O: 64 KiB; 64-bit memory: 2^40), is reported and skipped.
 *
 * Assignment walks the buses depth first, with a cursor in each of three
 * pools: I/O, memory below 4 GiB, and prefetchable memory (the host's
 * prefetchable window, else its 64-bit one). A 64-bit prefetchable BAR
 * goes to the prefetchable pool, everything else to its kind's pool;
 * each is aligned to its size. A bridge's windows start at the parent's
 * cursors rounded to the window granule (I/O 4 KiB, memory 1 MiB), hold
 * everything behind it, and end rounded up again. A bridge without
 * 64-bit prefetchable decoding sends its subtree's prefetchable BARs to
 * the plain memory pool. What does not fit is reported and left
 * unassigned (and never enabled).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pci_impl.h"

#define FOUR_GIB (1ULL << 32)

struct pool {
	bool p_ok;
	uint64_t p_cur;		/* next free bus address */
	uint64_t p_end;		/* one past the last */
};

enum { POOL_IO, POOL_MEM, POOL_PMEM, NPOOL };

/* Translate a bus address through the host window that holds it. */
bool
pci_bus_to_cpu(uint64_t bus, bool io, uint64_t *cpu)
{
	const struct rumpcomp_pci_host *h = &pci_state.ps_host;

	for (int i = 0; i < h->ph_nwin && i < RUMPCOMP_PCI_MAXWIN; i++) {
		const struct rumpcomp_pci_window *w = &h->ph_win[i];
		bool wio = (w->pw_flags & RUMPCOMP_PCI_WIN_IO) != 0;
		if (wio == io && bus >= w->pw_bus &&
		    bus - w->pw_bus < w->pw_size) {
			*cpu = bus - w->pw_bus + w->pw_cpu;
			return true;
		}
	}
	*cpu = bus;
	return h->ph_nwin == 0;	/* no windows: identity (x86) */
}

static uint32_t
probe_reg(const struct pci_dev *pd, unsigned reg, uint32_t *orig)
{
	uint32_t m;

	*orig = pci_conf_read(pd, reg);
	pci_conf_write(pd, reg, 0xffffffffu);
	m = pci_conf_read(pd, reg);
	pci_conf_write(pd, reg, *orig);
	return m;
}

static void
bar_bad(struct pci_dev *pd, int reg, const char *why)
{
	pci_warnf("pci %02x:%02x.%x: bar%d %s; skipped\n", pd->pd_bus,
	    pd->pd_dev, pd->pd_fn, reg, why);
	pd->pd_flags |= PCI_DEVF_BADBAR;
}

/* I/O BAR from its read-back m: 0, or -1 if bad. */
static int
bar_io(struct pci_dev *pd, struct pci_bar *b, uint32_t orig, uint32_t m)
{
	uint32_t mask = m & PCI_BAR_IO_MASK;

	if ((mask & 0xffff0000u) == 0)
		mask |= 0xffff0000u;	/* a 16-bit decoder */
	if ((mask & 0xffff) == 0) {
		bar_bad(pd, b->pb_reg, mask == 0xffff0000u ? "sizes to zero" :
		    "sizes to more than the I/O space");
		return -1;
	}
	b->pb_kind = PCI_BAR_KIND_IO;
	b->pb_size = mask & -mask;
	b->pb_bus = orig & PCI_BAR_IO_MASK & mask;
	return 0;
}

/* Memory BAR; *nregp becomes 2 for a 64-bit one. 0, or -1 if bad. */
static int
bar_mem(struct pci_dev *pd, struct pci_bar *b, uint32_t orig, uint32_t m,
    int nbar, int *nregp)
{
	uint64_t mask = m & PCI_BAR_MEM_MASK, addr = orig & PCI_BAR_MEM_MASK;
	uint32_t ohi, mhi;
	unsigned type = PCI_BAR_MEM_TYPE(m);

	b->pb_prefetch = (m & PCI_BAR_MEM_PREFETCH) != 0;
	b->pb_kind = PCI_BAR_KIND_MEM32;
	if (type == PCI_BAR_MEM_64) {
		*nregp = 2;
		if (b->pb_reg + 1 >= nbar) {
			bar_bad(pd, b->pb_reg, "is 64-bit in the last slot");
			return -1;
		}
		mhi = probe_reg(pd, PCI_BAR(b->pb_reg + 1), &ohi);
		mask |= (uint64_t)mhi << 32;
		addr |= (uint64_t)ohi << 32;
		b->pb_kind = PCI_BAR_KIND_MEM64;
	} else if (type != PCI_BAR_MEM_32 && type != PCI_BAR_MEM_1M) {
		bar_bad(pd, b->pb_reg, "has a reserved memory type");
		return -1;
	} else {
		mask |= 0xffffffff00000000ULL;	/* 32 address bits */
	}
	if (b->pb_kind == PCI_BAR_KIND_MEM64 ? mask == 0 :
	    (mask & 0xffffffffULL) == 0) {
		bar_bad(pd, b->pb_reg, "sizes to zero");
		return -1;
	}
	if ((mask & -mask) > PCI_MAX64) {
		bar_bad(pd, b->pb_reg, "sizes to more than the address space");
		return -1;
	}
	b->pb_size = mask & -mask;
	b->pb_bus = addr & mask;
	return 0;
}

/* One BAR at register reg; returns the registers it occupies. */
static int
bar_size(struct pci_dev *pd, int reg, int nbar)
{
	struct pci_bar *b = &pd->pd_bar[reg];
	uint32_t orig, m = probe_reg(pd, PCI_BAR(reg), &orig);
	int nreg = 1, rv;

	*b = (struct pci_bar){ .pb_reg = (uint8_t)reg };
	if (m == 0)
		return 1;		/* not implemented */
	if (m == 0xffffffffu) {
		bar_bad(pd, reg, "reads all ones");
		return 1;
	}
	if (m & PCI_BAR_IO)
		rv = bar_io(pd, b, orig, m);
	else
		rv = bar_mem(pd, b, orig, m, nbar, &nreg);
	if (rv != 0) {
		b->pb_kind = PCI_BAR_KIND_NONE;
		return nreg;
	}
	b->pb_assigned = b->pb_bus != 0 && !pci_state.ps_host.ph_assign &&
	    pci_bus_to_cpu(b->pb_bus, b->pb_kind == PCI_BAR_KIND_IO,
	    &b->pb_cpu);
	return nreg;
}

void
pci_bars_size(struct pci_dev *pd)
{
	uint32_t cmd = pci_conf_read(pd, PCI_COMMAND_STATUS_REG);
	int nbar = pd->pd_hdrtype == PCI_HDRTYPE_DEVICE ? PCI_NBAR_DEVICE :
	    pd->pd_hdrtype == PCI_HDRTYPE_PPB ? PCI_NBAR_PPB : 0;

	pd->pd_nbar = nbar;
	if (nbar == 0)
		return;
	if (cmd & (PCI_CMD_IO | PCI_CMD_MEM))
		pci_conf_write(pd, PCI_COMMAND_STATUS_REG,
		    cmd & 0xffff & ~(uint32_t)(PCI_CMD_IO | PCI_CMD_MEM));
	for (int reg = 0; reg < nbar;)
		reg += bar_size(pd, reg, nbar);
	if (cmd & (PCI_CMD_IO | PCI_CMD_MEM))
		pci_conf_write(pd, PCI_COMMAND_STATUS_REG, cmd & 0xffff);
}

static uint64_t
align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Take size bytes aligned to size from pool p; false if full. */
static bool
pool_take(struct pool *p, uint64_t size, uint64_t *addrp)
{
	uint64_t a;

	if (!p->p_ok)
		return false;
	a = align_up(p->p_cur, size);
	if (a < p->p_cur || a + size < a || a + size > p->p_end)
		return false;
	*addrp = a;
	p->p_cur = a + size;
	return true;
}

static void
bar_write(const struct pci_dev *pd, const struct pci_bar *b)
{
	uint32_t lo = pci_conf_read(pd, PCI_BAR(b->pb_reg));

	lo = (lo & (b->pb_kind == PCI_BAR_KIND_IO ? 0x3 : 0xf)) |
	    (uint32_t)b->pb_bus;
	pci_conf_write(pd, PCI_BAR(b->pb_reg), lo);
	if (b->pb_kind == PCI_BAR_KIND_MEM64)
		pci_conf_write(pd, PCI_BAR(b->pb_reg + 1),
		    (uint32_t)(b->pb_bus >> 32));
}

static void
bar_assign(struct pci_dev *pd, struct pci_bar *b, struct pool *pools)
{
	struct pool *p = &pools[POOL_MEM];

	if (b->pb_kind == PCI_BAR_KIND_IO)
		p = &pools[POOL_IO];
	else if (b->pb_kind == PCI_BAR_KIND_MEM64 && b->pb_prefetch &&
	    pools[POOL_PMEM].p_ok)
		p = &pools[POOL_PMEM];
	if (!pool_take(p, b->pb_size, &b->pb_bus)) {
		pci_warnf("pci %02x:%02x.%x: bar%d (%llu bytes) does not fit "
		    "the host windows; left unassigned\n", pd->pd_bus,
		    pd->pd_dev, pd->pd_fn, b->pb_reg,
		    (unsigned long long)b->pb_size);
		b->pb_bus = 0;
		return;
	}
	bar_write(pd, b);
	b->pb_assigned = pci_bus_to_cpu(b->pb_bus,
	    b->pb_kind == PCI_BAR_KIND_IO, &b->pb_cpu);
}

static void assign_bus(unsigned bus, int parent, struct pool *pools);

/* Program a bridge's windows: [base, limit] per pool, empty if none. */
static void
bridge_windows(const struct pci_dev *pd, const uint64_t *base,
    const uint64_t *end)
{
	uint64_t b, l;
	bool io = end[POOL_IO] > base[POOL_IO];
	bool mem = end[POOL_MEM] > base[POOL_MEM];
	bool pm = end[POOL_PMEM] > base[POOL_PMEM];

	/* An empty window has its base above its limit. */
	b = io ? base[POOL_IO] : 0xf000;
	l = io ? end[POOL_IO] - 1 : 0;
	/* The secondary status above is write-one-to-clear: write 0s. */
	pci_conf_write(pd, PCI_PPB_IO_REG, (uint32_t)((b >> 8) & 0xf0) |
	    (uint32_t)(l & 0xf000));
	pci_conf_write(pd, PCI_PPB_IO_HI_REG, (uint32_t)((b >> 16) & 0xffff) |
	    (uint32_t)(l >> 16) << 16);
	b = mem ? base[POOL_MEM] : 0xfff00000;
	l = mem ? end[POOL_MEM] - 1 : 0;
	pci_conf_write(pd, PCI_PPB_MEM_REG, (uint32_t)((b >> 16) & 0xfff0) |
	    (uint32_t)(l & 0xfff00000));
	b = pm ? base[POOL_PMEM] : 0xfff00000;
	l = pm ? end[POOL_PMEM] - 1 : 0;
	pci_conf_write(pd, PCI_PPB_PMEM_REG, (uint32_t)((b >> 16) & 0xfff0) |
	    (uint32_t)(l & 0xfff00000));
	pci_conf_write(pd, PCI_PPB_PMEM_BASE_HI, (uint32_t)(b >> 32));
	pci_conf_write(pd, PCI_PPB_PMEM_LIMIT_HI, (uint32_t)(l >> 32));
}

static void
bridge_assign(struct pci_dev *pd, struct pool *pools)
{
	static const uint64_t gran[NPOOL] = { PCI_PPB_IO_GRANULE,
	    PCI_PPB_MEM_GRANULE, PCI_PPB_MEM_GRANULE };
	struct pool child[NPOOL];
	uint64_t base[NPOOL], end[NPOOL];
	uint32_t pm = pci_conf_read(pd, PCI_PPB_PMEM_REG);

	for (int i = 0; i < NPOOL; i++) {
		child[i] = pools[i];
		child[i].p_cur = align_up(pools[i].p_cur, gran[i]);
		base[i] = child[i].p_cur;
	}
	if ((pm & 0xf) != PCI_PPB_PMEM_64)
		child[POOL_PMEM].p_ok = false;	/* 32-bit only: use MEM */
	if (pd->pd_flags & PCI_DEVF_BRIDGE_OFF)
		return;
	assign_bus(pd->pd_secbus, pd->pd_index, child);
	for (int i = 0; i < NPOOL; i++) {
		end[i] = child[i].p_ok ? align_up(child[i].p_cur, gran[i]) :
		    base[i];
		if (end[i] > base[i])
			pools[i].p_cur = end[i];
	}
	bridge_windows(pd, base, end);
	pci_command_set(pd, PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER);
}

static void
assign_bus(unsigned bus, int parent, struct pool *pools)
{
	for (int i = 0; i < pci_state.ps_nfunc; i++) {
		struct pci_dev *pd = &pci_state.ps_func[i];
		if (pd->pd_bus != bus || pd->pd_parent != parent)
			continue;
		for (int r = 0; r < pd->pd_nbar; r++)
			if (pd->pd_bar[r].pb_kind != PCI_BAR_KIND_NONE)
				bar_assign(pd, &pd->pd_bar[r], pools);
	}
	for (int i = 0; i < pci_state.ps_nfunc; i++) {
		struct pci_dev *pd = &pci_state.ps_func[i];
		if (pd->pd_bus == bus && pd->pd_parent == parent &&
		    pd->pd_hdrtype == PCI_HDRTYPE_PPB)
			bridge_assign(pd, pools);
	}
}

/* The root pools from the host windows (the first of each kind). */
static void
root_pools(struct pool *pools)
{
	const struct rumpcomp_pci_host *h = &pci_state.ps_host;
	struct pool m64 = { 0 };

	for (int i = 0; i < NPOOL; i++)
		pools[i] = (struct pool){ 0 };
	for (int i = 0; i < h->ph_nwin && i < RUMPCOMP_PCI_MAXWIN; i++) {
		const struct rumpcomp_pci_window *w = &h->ph_win[i];
		struct pool p = { true, w->pw_bus, w->pw_bus + w->pw_size };
		if (w->pw_flags & RUMPCOMP_PCI_WIN_IO) {
			if (p.p_cur < PCI_IO_MIN)
				p.p_cur = PCI_IO_MIN;
			if (!pools[POOL_IO].p_ok)
				pools[POOL_IO] = p;
		} else if (w->pw_flags & RUMPCOMP_PCI_WIN_PREFETCH) {
			if (!pools[POOL_PMEM].p_ok)
				pools[POOL_PMEM] = p;
		} else if (p.p_end <= FOUR_GIB) {
			if (!pools[POOL_MEM].p_ok)
				pools[POOL_MEM] = p;
		} else if (!m64.p_ok) {
			m64 = p;
		}
	}
	if (!pools[POOL_PMEM].p_ok)
		pools[POOL_PMEM] = m64;
}

void
pci_assign(void)
{
	struct pool pools[NPOOL];

	root_pools(pools);
	assign_bus(pci_state.ps_host.ph_busmin, -1, pools);
}

void *
pci_bar_map(const struct pci_dev *pd, int reg)
{
	const struct pci_bar *b;

	if (reg < 0 || reg >= pd->pd_nbar)
		return NULL;
	b = &pd->pd_bar[reg];
	if (!b->pb_assigned || b->pb_kind == PCI_BAR_KIND_IO ||
	    b->pb_kind == PCI_BAR_KIND_NONE)
		return NULL;
	return rumpcomp_pci_map(b->pb_cpu, b->pb_size);
}
