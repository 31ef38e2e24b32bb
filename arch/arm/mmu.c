/*
 * Translation tables: an identity map through TTBR0_EL1, 4 KiB granule,
 * 40-bit virtual addresses (four levels, the level 0 table uses two
 * entries), physical range clipped to what ID_AA64MMFR0_EL1 reports.
 *
 *	page 0			not mapped: NULL dereferences fault
 *	kernel text		read-only, executable at EL1
 *	kernel rodata		read-only, never executable
 *	kernel data, bss	read-write, never executable
 *	arch stack guards	not mapped
 *	RAM			read-write, never executable, write-back
 *	rest of [0, 4 GiB)	device-nGnRE, never executable (MMIO)
 *	PCIe host bridges	device-nGnRE: ECAM and windows above 4 GiB
 *	thread stack guards	unmapped and remapped on demand
 *
 * RAM is mapped with 2 MiB blocks (never 1 GiB ones), from tables taken
 * from a static pool in .bss. The kernel image is page-mapped. So
 * splitting a RAM block later (a thread's guard page) only ever writes a
 * level 2 entry that lives in the kernel image: the break-before-make
 * window (entry invalid, TLB invalidated, new entry written) touches no
 * memory that the block being split maps.
 *
 * Table pages come from the static pool, and after it from
 * pgalloc_alloc(0) (only once bmk_start has set the allocator up, which
 * is after mmu_init). The MMU comes on at the end of mmu_init; writes
 * before that need no TLB maintenance.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/bootinfo.h>
#include <bmk/cons.h>
#include <bmk/errno.h>
#include <bmk/fdt.h>
#include <bmk/pgalloc.h>
#include <bmk/platform.h>
#include <arm/arch.h>
#include <arm/pte.h>
#include <arm/sysreg.h>

#define PT_POOL_PAGES 64
#define VA_BITS 40
#define LOW_MMIO_TOP (4ULL << 30)
#define RAM_MIN_LEVEL 2			/* 2 MiB blocks at most */
#define DEV_MIN_LEVEL 1			/* 1 GiB blocks allowed */

#define ATTR_RAM (PTE_ATTRIDX(MAIR_IDX_NORMAL) | PTE_SH_INNER | PTE_AF | \
	PTE_PXN | PTE_UXN)
#define ATTR_TEXT (PTE_ATTRIDX(MAIR_IDX_NORMAL) | PTE_SH_INNER | PTE_AF | \
	PTE_AP_RO | PTE_UXN)
#define ATTR_RODATA (ATTR_RAM | PTE_AP_RO)
#define ATTR_DEVICE (PTE_ATTRIDX(MAIR_IDX_DEVICE) | PTE_AF | PTE_PXN | \
	PTE_UXN)
#define ATTR_NONE 0			/* not mapped */

_Static_assert(PLAT_PAGE_SIZE == PAGE_SIZE, "one page size");

static uint64_t pt_pool[PT_POOL_PAGES][PT_ENTRIES]
    __attribute__((aligned(PAGE_SIZE)));
static unsigned pt_pool_used;
static uint64_t *pt_root;
static uint64_t pa_limit;
static bool mmu_on, pgalloc_ready;

static uint64_t *
pt_alloc(void)
{
	uint64_t *t;

	if (pt_pool_used < PT_POOL_PAGES)
		return pt_pool[pt_pool_used++];		/* zero: .bss */
	if (!pgalloc_ready || (t = pgalloc_alloc(0)) == NULL)
		return NULL;
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		t[i] = 0;
	return t;
}

static bool
is_table(uint64_t e, int level)
{
	return level < 3 && (e & (PTE_VALID | PTE_TABLE)) ==
	    (PTE_VALID | PTE_TABLE);
}

static uint64_t *
table_of(uint64_t e)
{
	return (uint64_t *)(uintptr_t)(e & PTE_ADDR);
}

static uint64_t
leaf(uint64_t pa, uint64_t attrs, int level)
{
	if (attrs == ATTR_NONE)
		return 0;
	return pa | attrs | PTE_VALID | (level == 3 ? PTE_PAGE : 0);
}

/* Replace a live entry, with break-before-make once the MMU is on. */
static void
entry_replace(uint64_t *e, uint64_t new, uint64_t va)
{
	if (!mmu_on) {
		*e = new;
		return;
	}
	__asm__ volatile(
	    "str xzr, [%0]\n\t"
	    "dsb ishst\n\t"
	    "tlbi vaae1is, %2\n\t"
	    "dsb ish\n\t"
	    "isb\n\t"
	    "str %1, [%0]\n\t"
	    "dsb ishst\n\t"
	    "isb"
	    : : "r"(e), "r"(new), "r"(va >> PAGE_SHIFT) : "memory");
}

/* The next-level table behind *e, made (from a block or nothing). */
static uint64_t *
table_make(uint64_t *e, int level, uint64_t va)
{
	uint64_t base, size = LEVEL_SIZE(level + 1), *t;

	if (is_table(*e, level))
		return table_of(*e);
	if ((t = pt_alloc()) == NULL)
		return NULL;
	if (*e & PTE_VALID) {
		base = *e & PTE_ADDR & ~(LEVEL_SIZE(level) - 1);
		for (unsigned i = 0; i < PT_ENTRIES; i++)
			t[i] = leaf(base + i * size, *e & PTE_LEAF_ATTRS,
			    level + 1);
	}
	dsb_ishst();
	entry_replace(e, (uintptr_t)t | PTE_VALID | PTE_TABLE,
	    va & ~(LEVEL_SIZE(level) - 1));
	return t;
}

/*
 * Set [va, va + LEVEL_SIZE(target)) to attrs, as one entry at level
 * target, or entry by entry where a finer table already exists.
 */
static int
map_one(uint64_t *table, int level, uint64_t va, int target, uint64_t attrs)
{
	uint64_t *e = &table[LEVEL_INDEX(va, level)], *next;
	uint64_t size = LEVEL_SIZE(level + 1);

	if (level == target && !is_table(*e, level)) {
		entry_replace(e, leaf(va, attrs, level), va);
		return 0;
	}
	if ((next = table_make(e, level, va)) == NULL)
		return ENOMEM;
	if (level < target)
		return map_one(next, level + 1, va, target, attrs);
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		if (map_one(next, level + 1, va + i * size, level + 1,
		    attrs) != 0)
			return ENOMEM;
	return 0;
}

/* Identity-map [pa, pa + len) with attrs, in blocks of level >= minlevel. */
static int
map_range(uint64_t pa, uint64_t len, uint64_t attrs, int minlevel)
{
	uint64_t end = (pa + len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	int level;

	pa &= ~(PAGE_SIZE - 1);
	if (end > (1ULL << VA_BITS) || end > pa_limit || end < pa)
		return EINVAL;
	while (pa < end) {
		for (level = minlevel; level < 3; level++)
			if ((pa & (LEVEL_SIZE(level) - 1)) == 0 &&
			    end - pa >= LEVEL_SIZE(level))
				break;
		if (map_one(pt_root, 0, pa, level, attrs) != 0)
			return ENOMEM;
		pa += LEVEL_SIZE(level);
	}
	return 0;
}

static uint64_t
ram_end_below(const struct bootinfo *bi, uint64_t a, uint64_t *next)
{
	*next = UINT64_MAX;
	for (int i = 0; i < bi->bi_nmem; i++) {
		uint64_t b = bi->bi_mem[i].br_base, e = b + bi->bi_mem[i].br_len;
		if (a >= b && a < e)
			return e;	/* a is RAM: skip to its end */
		if (b > a && b < *next)
			*next = b;
	}
	return 0;
}

/* Device memory for everything in [PAGE_SIZE, 4 GiB) that is not RAM. */
static void
map_low_mmio(const struct bootinfo *bi)
{
	uint64_t a = PAGE_SIZE, next, end;

	while (a < LOW_MMIO_TOP) {
		if ((end = ram_end_below(bi, a, &next)) != 0) {
			a = end;
			continue;
		}
		end = next < LOW_MMIO_TOP ? next : LOW_MMIO_TOP;
		if (map_range(a, end - a, ATTR_DEVICE, DEV_MIN_LEVEL) != 0)
			plat_halt("mmu: page-table pool too small for MMIO");
		a = end;
	}
}

/* Map RAM; RAM the pool cannot map is dropped from the boot info. */
static void
map_ram(struct bootinfo *bi)
{
	for (int i = 0; i < bi->bi_nmem; i++) {
		struct bootinfo_range *r = &bi->bi_mem[i];

		if (r->br_base + r->br_len > pa_limit) {
			cons_printf("mmu: RAM above the %llu-bit physical "
			    "range ignored\n", (unsigned long long)
			    __builtin_ctzll(pa_limit));
			r->br_len = r->br_base >= pa_limit ? 0 :
			    pa_limit - r->br_base;
		}
		if (map_range(r->br_base, r->br_len, ATTR_RAM,
		    RAM_MIN_LEVEL) != 0) {
			cons_printf("mmu: out of page-table pages; ignoring "
			    "RAM at 0x%llx\n", (unsigned long long)r->br_base);
			r->br_len = 0;
		}
	}
}

static void
map_kernel(void)
{
	uintptr_t g;

	if (map_range((uintptr_t)_text_start, _text_end - _text_start,
	    ATTR_TEXT, 3) != 0 ||
	    map_range((uintptr_t)_text_end, _rodata_end - _text_end,
	    ATTR_RODATA, 3) != 0 ||
	    map_range((uintptr_t)_data_start, _kernel_end - _data_start,
	    ATTR_RAM, 3) != 0)
		plat_halt("mmu: cannot map the kernel image");
	for (unsigned i = 0; (g = stack_guard_page(i)) != 0; i++)
		if (map_range(g, PAGE_SIZE, ATTR_NONE, 3) != 0)
			plat_halt("mmu: cannot unmap a stack guard page");
	if (map_range(0, PAGE_SIZE, ATTR_NONE, 3) != 0)
		plat_halt("mmu: cannot unmap page 0");
}

/* PCIe host bridges: ECAM and the windows the ranges property names. */
static void
map_pci_hosts(const struct fdt *fdt)
{
	uint64_t base, size;
	int node = -1;

	while ((node = fdt_find_compatible(fdt, node,
	    "pci-host-ecam-generic")) >= 0) {
		for (int i = 0; fdt_reg(fdt, node, i, &base, &size) == 0; i++)
			if (base >= LOW_MMIO_TOP &&
			    mmu_map_device(base, size) != 0)
				cons_printf("mmu: cannot map PCIe ECAM at "
				    "0x%llx\n", (unsigned long long)base);
	}
}

/* Discard stale cache lines over what we wrote with the caches off. */
static void
dcache_inval_kernel(void)
{
	uint64_t line = 4ULL << (sysreg_read(ctr_el0) >> 16 & 0xf);

	for (uintptr_t a = (uintptr_t)_kernel_start & ~(line - 1);
	    a < (uintptr_t)_kernel_end; a += line)
		__asm__ volatile("dc ivac, %0" : : "r"(a) : "memory");
	dsb_sy();
}

static void
mmu_enable(void)
{
	uint64_t ips = sysreg_read(id_aa64mmfr0_el1) & ID_MMFR0_PARANGE_MASK;

	if (ips > PARANGE_40BIT)
		ips = PARANGE_40BIT;
	sysreg_write(mair_el1, MAIR_VALUE);
	sysreg_write(tcr_el1, TCR_T0SZ(VA_BITS) | TCR_IRGN0_WBWA |
	    TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_TG0_4K | TCR_EPD1 |
	    ips << TCR_IPS_SHIFT);
	sysreg_write(ttbr0_el1, (uintptr_t)pt_root);
	dcache_inval_kernel();
	__asm__ volatile("tlbi vmalle1\n\tdsb nsh\n\tic iallu\n\tdsb nsh\n\t"
	    "isb" : : : "memory");
	sysreg_write(sctlr_el1, sysreg_read(sctlr_el1) | SCTLR_M | SCTLR_C |
	    SCTLR_I | SCTLR_WXN | SCTLR_SA);
	isb();
	mmu_on = true;
}

static uint64_t
pa_range_limit(void)
{
	static const uint8_t bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	unsigned r = sysreg_read(id_aa64mmfr0_el1) & ID_MMFR0_PARANGE_MASK;
	unsigned b = r < sizeof(bits) ? bits[r] : 48;

	return 1ULL << (b < VA_BITS ? b : VA_BITS);
}

void
mmu_init(struct bootinfo *bi, const struct fdt *fdt)
{
	pa_limit = pa_range_limit();
	pt_root = pt_alloc();
	map_ram(bi);
	map_low_mmio(bi);
	map_kernel();
	if (fdt != NULL)
		map_pci_hosts(fdt);
	mmu_enable();
	pgalloc_ready = true;	/* bmk_start sets it up before any use */
	cons_logf("mmu: identity map, %u-bit PA, %u of %u boot page-table "
	    "pages used\n", (unsigned)__builtin_ctzll(pa_limit), pt_pool_used,
	    PT_POOL_PAGES);
}

int
mmu_map_device(uint64_t pa, uint64_t len)
{
	unsigned long s;
	int rv;

	if (pt_root == NULL || len == 0)
		return EINVAL;
	s = plat_intr_disable();
	rv = map_range(pa, len, ATTR_DEVICE, DEV_MIN_LEVEL);
	plat_intr_restore(s);
	return rv;
}

/* Asks the MMU itself (AT S1E1R), so it is right before mmu_init too. */
bool
mmu_is_mapped(uintptr_t va)
{
	uint64_t par;

	__asm__ volatile("at s1e1r, %1\n\tisb\n\tmrs %0, par_el1"
	    : "=r"(par) : "r"(va) : "memory");
	return (par & PAR_F) == 0;
}

/* The level 3 entry of va, splitting blocks on the way. */
static uint64_t *
pte_of(uintptr_t va)
{
	uint64_t *t = pt_root;

	for (int level = 0; level < 3; level++)
		if ((t = table_make(&t[LEVEL_INDEX(va, level)], level,
		    va)) == NULL)
			return NULL;
	return &t[LEVEL_INDEX(va, 3)];
}

static int
mmu_set_page(uintptr_t va, uint64_t attrs)
{
	unsigned long s;
	uint64_t *pte;
	int rv = 0;

	if (pt_root == NULL || (va & (PAGE_SIZE - 1)) != 0 || va >= pa_limit)
		return EINVAL;
	s = plat_intr_disable();
	if ((pte = pte_of(va)) == NULL)
		rv = ENOMEM;
	else
		entry_replace(pte, leaf(va, attrs, 3), va);
	plat_intr_restore(s);
	return rv;
}

int
plat_mmu_guard(uintptr_t va)
{
	return mmu_set_page(va, ATTR_NONE);
}

int
plat_mmu_unguard(uintptr_t va)
{
	return mmu_set_page(va, ATTR_RAM);
}
