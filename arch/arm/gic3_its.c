/*
 * GICv3 Interrupt Translation Service (Arm IHI 0069, chapters 5 and 12;
 * register and command layout in arm/its.h): MSI on a GICv3 (QEMU virt,
 * gic-version=3), for arch/arm/pci.c.
 *
 * The ITS is the "arm,gic-v3-its" node (a child of the GICv3 node, with
 * "msi-controller"): a 64 KiB control frame and the translation frame
 * with GITS_TRANSLATER, where a function's MSI writes its event ID.
 *
 * Set up on first use (its_init, thread context): LPIs on in this CPU's
 * redistributor (gic3_lpi_init), a table for every GITS_BASER<n> of
 * type device or collection (its Entry_Size, the smallest page size the
 * ITS takes, at most 256 pages: device IDs past the table are refused;
 * the device table two-level when the ITS can, its second-level pages
 * allocated by MAPD as devices appear, else flat), a one-page command
 * queue, the ITS enabled, collection 0 mapped to our
 * redistributor (MAPC; GITS_TYPER.PTA: by address or processor number).
 *
 * Events: ITS_EVENTS event IDs, one namespace for all devices; event e
 * is LPI GIC_LPI_BASE + e in collection 0. its_map(devid, e) gives the
 * device an ITT (MAPD, room for every event) on first use, then MAPTI.
 * LPIs start disabled; its_lpi_enable sets the configuration byte and
 * sends INVALL (it remembers the state, so the unmask after every
 * interrupt costs nothing).
 *
 * Commands go in batches ending with SYNC; a batch waits (bounded, with
 * a message naming the ITS) until GITS_CREADR reaches GITS_CWRITER, so
 * the queue is empty between batches. Interrupts are off meanwhile: the
 * callers are threads. Tables and the queue are Inner Shareable
 * write-back (non-cacheable if the ITS reads non-shareable back); every
 * CPU write to them is cleaned to the point of coherency anyway.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/errno.h>
#include <bmk/fdt.h>
#include <bmk/pgalloc.h>
#include <bmk/platform.h>
#include <bmk/platform_pci.h>
#include <arm/its.h>
#include <arm/mmio.h>

#define ITS_EVENT_BITS 6
#define ITS_EVENTS (1u << ITS_EVENT_BITS)
#define ITS_MAX_DEVICES 32
#define ITS_QUEUE_SIZE PGALLOC_PAGE_SIZE	/* 128 commands */
#define ITS_SPINS 1000000
#define ITS_ICID 0
#define ITS_L1_ESIZE 8			/* two-level table: L1 entry */
#define ITS_L1_VALID (1ULL << 63)

static uintptr_t its_base;
static uint64_t its_typer;
static uint64_t *its_queue;
static unsigned its_cwriter;		/* byte offset of the next command */
static bool its_ready;
static unsigned its_nevents, its_evbits;
static uint64_t its_maxdev;		/* device IDs the device table holds */
static void *its_devtab;
static uint64_t its_dev_per_page;	/* device table entries per page */
static uint64_t its_dev_psz;		/* two-level: its page size, else 0 */
static struct {
	uint32_t devid;
	uint64_t events;		/* bit e: event e mapped */
} its_devs[ITS_MAX_DEVICES];
static unsigned its_ndevs;
static bool its_lpi_on[ITS_EVENTS];

/* Zeroed, naturally aligned pages for len bytes, cleaned; or NULL. */
static void *
its_alloc(size_t len)
{
	unsigned order = pgalloc_order(len);
	void *p = pgalloc_alloc(order);

	if (p != NULL) {
		__builtin_memset(p, 0, PGALLOC_PAGE_SIZE << order);
		plat_dcache_wbinv_range((uintptr_t)p, PGALLOC_PAGE_SIZE <<
		    order);
	}
	return p;
}

/* Write a BASER/CBASER; non-cacheable if the ITS will not share it. */
static uint64_t
its_baser_write(unsigned reg, uint64_t v)
{
	mmio_write64(its_base + reg, v | GITS_BASER_INNER_WBWA |
	    GITS_BASER_SH_INNER);
	if (!(mmio_read64(its_base + reg) & GITS_BASER_SH_MASK))
		mmio_write64(its_base + reg, v | GITS_BASER_INNER_NC);
	return mmio_read64(its_base + reg);
}

/* The smallest page size BASER<n> takes (GITS_BASER_PSZ_*), in bytes. */
static uint64_t
its_page_size(unsigned n, unsigned *codep)
{
	static const uint64_t size[] = { 0x1000, 0x4000, 0x10000 };
	unsigned c;

	for (c = GITS_BASER_PSZ_4K; c < GITS_BASER_PSZ_64K; c++) {
		mmio_write64(its_base + GITS_BASER(n), (uint64_t)c <<
		    GITS_BASER_PSZ_SHIFT);
		if (((mmio_read64(its_base + GITS_BASER(n)) &
		    GITS_BASER_PSZ_MASK) >> GITS_BASER_PSZ_SHIFT) == c)
			break;
	}
	*codep = c;
	return size[c];
}

/* Does BASER<n> take two-level tables? */
static bool
its_indirect_ok(unsigned n, unsigned code)
{
	mmio_write64(its_base + GITS_BASER(n), GITS_BASER_INDIRECT |
	    (uint64_t)code << GITS_BASER_PSZ_SHIFT);
	return (mmio_read64(its_base + GITS_BASER(n)) &
	    GITS_BASER_INDIRECT) != 0;
}

/*
 * The table for BASER<n>: every device ID (two-level if the ITS can, so
 * that only the pages of devices in use are allocated, its_dev_page),
 * or one collection.
 */
static int
its_table(unsigned n, uint64_t baser)
{
	unsigned type = GITS_BASER_TYPE(baser), code;
	uint64_t esize = GITS_BASER_ESIZE(baser), psz, pages, ind = 0;
	uint64_t want = esize;
	void *t;

	psz = its_page_size(n, &code);
	if (type == GITS_BASER_TYPE_DEVICE) {
		its_dev_per_page = psz / esize;
		want = esize << GITS_TYPER_DEVBITS(its_typer);
		if (want > psz && its_indirect_ok(n, code)) {
			ind = GITS_BASER_INDIRECT;
			want = (want / psz + 1) * ITS_L1_ESIZE;
		}
	}
	pages = (want + psz - 1) / psz;
	if (pages > GITS_BASER_MAXPAGES)
		pages = GITS_BASER_MAXPAGES;
	if ((t = its_alloc(pages * psz)) == NULL) {
		cons_printf("gic: ITS at 0x%lx: no memory for table %u\n",
		    (unsigned long)its_base, n);
		return ENOMEM;
	}
	if (type == GITS_BASER_TYPE_DEVICE) {
		its_devtab = t;
		its_dev_psz = ind ? psz : 0;
		its_maxdev = ind ? pages * psz / ITS_L1_ESIZE *
		    its_dev_per_page : pages * psz / esize;
		if (its_maxdev > 1ULL << GITS_TYPER_DEVBITS(its_typer))
			its_maxdev = 1ULL << GITS_TYPER_DEVBITS(its_typer);
	}
	baser = its_baser_write(GITS_BASER(n), GITS_BASER_VALID | ind |
	    ((uintptr_t)t & GITS_BASER_PA_MASK) | (uint64_t)code <<
	    GITS_BASER_PSZ_SHIFT | (pages - 1));
	if (!(baser & GITS_BASER_VALID)) {
		cons_printf("gic: ITS at 0x%lx: table %u not accepted\n",
		    (unsigned long)its_base, n);
		return EIO;
	}
	return 0;
}

/* Two-level device table: the page for devid, allocated on first use. */
static int
its_dev_page(uint32_t devid)
{
	uint64_t *l1 = (uint64_t *)its_devtab + devid / its_dev_per_page;
	void *p;

	if (its_dev_psz == 0 || (*l1 & ITS_L1_VALID))
		return 0;
	if ((p = its_alloc(its_dev_psz)) == NULL)
		return ENOMEM;
	*l1 = ITS_L1_VALID | (uintptr_t)p;
	plat_dcache_wb_range((uintptr_t)l1, sizeof(*l1));
	return 0;
}

static int
its_tables(void)
{
	int err;

	for (unsigned n = 0; n < GITS_NBASER; n++) {
		uint64_t b = mmio_read64(its_base + GITS_BASER(n));
		unsigned type = GITS_BASER_TYPE(b);

		if (type != GITS_BASER_TYPE_DEVICE &&
		    type != GITS_BASER_TYPE_COLLECTION)
			continue;
		if ((err = its_table(n, b)) != 0)
			return err;
	}
	if (its_maxdev == 0) {
		cons_printf("gic: ITS at 0x%lx: no device table\n",
		    (unsigned long)its_base);
		return ENODEV;
	}
	return 0;
}

/* Wait, bounded, until the ITS has read every command written. */
static int
its_drain(void)
{
	uint64_t r = 0;

	for (unsigned n = 0; n < ITS_SPINS; n++) {
		r = mmio_read64(its_base + GITS_CREADR);
		if (r & GITS_CREADR_STALLED)
			break;
		if ((r & GITS_CQ_OFFSET_MASK) == its_cwriter)
			return 0;
	}
	cons_printf("gic: ITS at 0x%lx: command queue %s (CREADR 0x%lx, "
	    "CWRITER 0x%x)\n", (unsigned long)its_base,
	    (r & GITS_CREADR_STALLED) ? "stalled on an error" : "stuck",
	    (unsigned long)r, its_cwriter);
	return EIO;
}

/* Send n commands (4 doublewords each) and a SYNC; wait for them. */
static int
its_send(const uint64_t (*cmds)[4], unsigned n)
{
	unsigned long s = plat_intr_disable();
	uint64_t sync[4] = { ITS_CMD_SYNC, 0,
	    gic3_rdbase(its_typer & GITS_TYPER_PTA), 0 };
	int err;

	for (unsigned i = 0; i <= n; i++) {
		uint64_t *slot = its_queue + its_cwriter / 8;

		for (unsigned w = 0; w < 4; w++)
			slot[w] = i < n ? cmds[i][w] : sync[w];
		plat_dcache_wb_range((uintptr_t)slot, ITS_CMD_SIZE);
		its_cwriter = (its_cwriter + ITS_CMD_SIZE) % ITS_QUEUE_SIZE;
	}
	mmio_write64(its_base + GITS_CWRITER, its_cwriter);
	err = its_drain();
	plat_intr_restore(s);
	return err;
}

static int
its_queue_init(void)
{
	uint64_t cb;

	if ((its_queue = its_alloc(ITS_QUEUE_SIZE)) == NULL) {
		cons_printf("gic: ITS at 0x%lx: no memory for the command "
		    "queue\n", (unsigned long)its_base);
		return ENOMEM;
	}
	cb = its_baser_write(GITS_CBASER, GITS_BASER_VALID |
	    ((uintptr_t)its_queue & GITS_BASER_PA_MASK) |
	    (ITS_QUEUE_SIZE / PGALLOC_PAGE_SIZE - 1));
	if (!(cb & GITS_BASER_VALID))
		return EIO;
	its_cwriter = 0;
	mmio_write64(its_base + GITS_CWRITER, 0);
	return 0;
}

/* Disable the ITS (firmware may have left it on) and wait for quiet. */
static int
its_quiesce(void)
{
	mmio_write32(its_base + GITS_CTLR, 0);
	for (unsigned n = 0; n < ITS_SPINS; n++)
		if (mmio_read32(its_base + GITS_CTLR) & GITS_CTLR_QUIESCENT)
			return 0;
	cons_printf("gic: ITS at 0x%lx does not quiesce\n",
	    (unsigned long)its_base);
	return EIO;
}

static int
its_start(void)
{
	uint64_t mapc[1][4] = { { ITS_CMD_MAPC, 0, ITS_CMD_VALID |
	    gic3_rdbase(its_typer & GITS_TYPER_PTA) | ITS_ICID, 0 } };

	mmio_write32(its_base + GITS_CTLR, GITS_CTLR_ENABLED);
	return its_send(mapc, 1);
}

int
its_init(const struct fdt *fdt, int node)
{
	uint64_t base, size;
	int err;

	if (its_ready)
		return 0;
	if (fdt_reg(fdt, node, 0, &base, &size) != 0 || size < GITS_SIZE ||
	    plat_mmu_map_device(base, size) != 0)
		return ENODEV;
	its_base = (uintptr_t)base;
	its_typer = mmio_read64(its_base + GITS_TYPER);
	if (!(its_typer & GITS_TYPER_PHYSICAL))
		return ENODEV;
	its_evbits = GITS_TYPER_IDBITS(its_typer);
	if (its_evbits > ITS_EVENT_BITS)
		its_evbits = ITS_EVENT_BITS;
	if ((err = gic3_lpi_init(ITS_EVENTS)) != 0 ||
	    (err = its_quiesce()) != 0 || (err = its_tables()) != 0 ||
	    (err = its_queue_init()) != 0 || (err = its_start()) != 0)
		return err;
	its_ready = true;
	return 0;
}

uint64_t
its_doorbell(void)
{
	return its_base + GITS_TRANSLATER;
}

int
its_event_alloc(uint32_t *eventp, unsigned *intidp)
{
	if (!its_ready)
		return EOPNOTSUPP;
	if (its_nevents >= (1u << its_evbits))
		return ENOSPC;
	*eventp = its_nevents;
	*intidp = GIC_LPI_BASE + its_nevents++;
	return 0;
}

/* Slot of devid, MAPD with a new ITT if it is new; -1 on failure. */
static int
its_device(uint32_t devid)
{
	size_t ittlen = (size_t)GITS_TYPER_ITT_ESIZE(its_typer) <<
	    its_evbits;
	uint64_t mapd[1][4] = { { ITS_CMD_MAPD | (uint64_t)devid << 32,
	    its_evbits - 1, ITS_CMD_VALID, 0 } };
	void *itt;

	for (unsigned i = 0; i < its_ndevs; i++)
		if (its_devs[i].devid == devid)
			return (int)i;
	if (its_ndevs == ITS_MAX_DEVICES || devid >= its_maxdev ||
	    its_dev_page(devid) != 0 || (itt = its_alloc(ittlen < ITS_ITT_ALIGN ? ITS_ITT_ALIGN :
	    ittlen)) == NULL)
		return -1;
	mapd[0][2] |= (uintptr_t)itt;
	if (its_send(mapd, 1) != 0)
		return -1;
	its_devs[its_ndevs].devid = devid;
	its_devs[its_ndevs].events = 0;
	return (int)its_ndevs++;
}

int
its_map(uint32_t devid, uint32_t event)
{
	uint64_t mapti[1][4] = { { ITS_CMD_MAPTI | (uint64_t)devid << 32,
	    event | (uint64_t)(GIC_LPI_BASE + event) << 32, ITS_ICID, 0 } };
	int d;

	if (!its_ready || event >= its_nevents)
		return EINVAL;
	if ((d = its_device(devid)) < 0)
		return ENOSPC;
	if (its_devs[d].events & (1ULL << event))
		return 0;
	if (its_send(mapti, 1) != 0)
		return EIO;
	its_devs[d].events |= 1ULL << event;
	return 0;
}

void
its_lpi_enable(unsigned intid, bool on)
{
	uint64_t invall[1][4] = { { ITS_CMD_INVALL, 0, ITS_ICID, 0 } };
	unsigned e = intid - GIC_LPI_BASE;

	if (!its_ready || intid < GIC_LPI_BASE || e >= its_nevents ||
	    its_lpi_on[e] == on)
		return;
	its_lpi_on[e] = on;
	gic3_lpi_conf(intid, on);
	(void)its_send(invall, 1);
}
