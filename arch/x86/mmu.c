/*
 * Page tables: an identity map of physical memory, built once the boot
 * information is known, replacing entry.S's boot map.
 *
 *	[0, 4 KiB)		not mapped: NULL dereferences fault
 *	kernel text		read-only, executable
 *	kernel rodata		read-only, no-execute
 *	kernel data, bss	read-write, no-execute
 *	arch stack guard pages	not mapped
 *	RAM			read-write, no-execute, write-back
 *	rest of [0, 4 GiB)	read-write, no-execute, uncached (MMIO, ROMs)
 *	framebuffer		write-combining
 *	RAM above 4 GiB		as RAM; MMIO there on request (mmu_map_mmio)
 *
 * 2 MiB pages everywhere except the 2 MiB regions holding page 0 and the
 * kernel image, which get 4 KiB pages. Table pages come from a static
 * pool in .bss (inside the reserved kernel image) and, once the page
 * allocator runs, from pgalloc_alloc(0). RAM that the pool cannot map is
 * removed from the boot information, so nothing will allocate it.
 *
 * Invariant: intermediate entries are present+writable and never NX;
 * the permissions live in the leaf entries only.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/bootinfo.h>
#include <bmk/cons.h>
#include <bmk/errno.h>
#include <bmk/pgalloc.h>
#include <bmk/platform.h>
#include <x86/arch.h>
#include <x86/cpu.h>
#include <x86/layout.h>
#include <x86/pte.h>

#define PT_POOL_PAGES 64
#define MAP_LOW_TOP (4ULL * GIB_SIZE)	/* always mapped, RAM or not */
#define VA_LIMIT (1ULL << 47)		/* canonical lower half */
#define TABLE_FLAGS (PTE_P | PTE_RW)

_Static_assert(PLAT_PAGE_SIZE == PAGE_SIZE, "one page size");

static uint64_t pt_pool[PT_POOL_PAGES][PT_ENTRIES]
    __attribute__((aligned(PAGE_SIZE)));
static unsigned pt_pool_used;
static uint64_t *pml4;
static uint64_t pte_nx;
static const struct bootinfo *mmu_bi;

static uint64_t *
pt_alloc(void)
{
	uint64_t *t;

	if (pt_pool_used < PT_POOL_PAGES)
		return pt_pool[pt_pool_used++];	/* zero: .bss */
	t = pgalloc_alloc(0);
	if (t != NULL)
		x86_fill(t, 0, PAGE_SIZE);
	return t;
}

/* The table an entry points to, making it if alloc; NULL if none. */
static uint64_t *
table_next(uint64_t *e, bool alloc)
{
	uint64_t *t;

	if (*e & PTE_P) {
		if (*e & PTE_PS)
			return NULL;
		return (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
	}
	if (!alloc || (t = pt_alloc()) == NULL)
		return NULL;
	*e = (uintptr_t)t | TABLE_FLAGS;
	return t;
}

static uint64_t *
pd_entry(uint64_t *root, uint64_t va, bool alloc)
{
	uint64_t *pdpt, *pd;

	if (va >= VA_LIMIT)
		return NULL;
	if ((pdpt = table_next(&root[PML4_INDEX(va)], alloc)) == NULL)
		return NULL;
	if ((pd = table_next(&pdpt[PDPT_INDEX(va)], alloc)) == NULL)
		return NULL;
	return &pd[PD_INDEX(va)];
}

static bool
overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static bool
is_ram(uint64_t pa, uint64_t len)
{
	for (int i = 0; i < mmu_bi->bi_nmem; i++)
		if (overlaps(pa, len, mmu_bi->bi_mem[i].br_base,
		    mmu_bi->bi_mem[i].br_len))
			return true;
	return false;
}

static uint64_t
cache_attr(uint64_t pa, uint64_t len)
{
	const struct bootinfo_fb *fb = &mmu_bi->bi_fb;

	uint64_t fb_size = (uint64_t)fb->fb_pitch * fb->fb_height;

	if (fb->fb_type == BOOTINFO_FB_RGB &&
	    overlaps(pa, len, fb->fb_addr, fb_size))
		return x86_cpu.xc_pat ? PTE_CACHE_WC : PTE_CACHE_UC;
	return is_ram(pa, len) ? PTE_CACHE_WB : PTE_CACHE_UC;
}

static bool
is_stack_guard(uint64_t pa)
{
	uintptr_t g;

	for (unsigned i = 0; (g = stack_guard_page(i)) != 0; i++)
		if (g == pa)
			return true;
	return false;
}

/*
 * Leaf flags of the 4 KiB page at pa (in a 4 KiB-mapped region). The
 * arch stacks are static (stacks.c), so their guard pages lie in the
 * kernel's data and bss: only pages there need the guard check.
 */
static uint64_t
page_flags(uint64_t pa)
{
	if (pa < PAGE_SIZE)
		return 0;
	if (pa >= (uintptr_t)_text_start && pa < (uintptr_t)_text_end)
		return PTE_P;
	if (pa >= (uintptr_t)_text_end && pa < (uintptr_t)_rodata_end)
		return PTE_P | pte_nx;
	if (pa >= (uintptr_t)_data_start && pa < (uintptr_t)_kernel_end)
		return is_stack_guard(pa) ? 0 : PTE_P | PTE_RW | pte_nx;
	return PTE_P | PTE_RW | pte_nx | cache_attr(pa, PAGE_SIZE);
}

static bool
region_needs_pages(uint64_t base)
{
	return base == 0 || overlaps(base, LARGE_SIZE,
	    (uintptr_t)_kernel_start,
	    (uintptr_t)_kernel_end - (uintptr_t)_kernel_start);
}

/* Map the 2 MiB region at base (aligned). Returns 0 or ENOMEM. */
static int
map_region(uint64_t base, uint64_t cache)
{
	uint64_t *pde = pd_entry(pml4, base, true), *pt;

	if (pde == NULL)
		return ENOMEM;
	if (!region_needs_pages(base)) {
		*pde = base | PTE_P | PTE_RW | PTE_PS | pte_nx | cache;
		return 0;
	}
	if ((pt = table_next(pde, true)) == NULL)
		return ENOMEM;
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t pa = base + i * PAGE_SIZE;
		pt[i] = pa | page_flags(pa);
	}
	return 0;
}

static int
map_low(void)
{
	for (uint64_t base = 0; base < MAP_LOW_TOP; base += LARGE_SIZE)
		if (map_region(base, cache_attr(base, LARGE_SIZE)) != 0)
			return ENOMEM;
	return 0;
}

static uint64_t mapped_top = MAP_LOW_TOP;	/* for the boot message */

/*
 * Map RAM above 4 GiB. Returns the address below which all RAM is
 * mapped (UINT64_MAX when everything is).
 */
static uint64_t
map_high_ram(void)
{
	for (int i = 0; i < mmu_bi->bi_nmem; i++) {
		const struct bootinfo_range *r = &mmu_bi->bi_mem[i];
		uint64_t end = r->br_base + r->br_len;
		uint64_t base = r->br_base & ~(LARGE_SIZE - 1);

		for (base = base < MAP_LOW_TOP ? MAP_LOW_TOP : base;
		    base < end; base += LARGE_SIZE)
			if (map_region(base, PTE_CACHE_WB) != 0)
				return base;
			else if (base + LARGE_SIZE > mapped_top)
				mapped_top = base + LARGE_SIZE;
	}
	return UINT64_MAX;
}

/* Drop RAM at or above top from the boot information. */
static void
clip_ram(struct bootinfo *bi, uint64_t top)
{
	cons_printf("mmu: out of page-table pages; ignoring RAM above "
	    "0x%llx\n", (unsigned long long)top);
	for (int i = 0; i < bi->bi_nmem; i++) {
		struct bootinfo_range *r = &bi->bi_mem[i];
		if (r->br_base >= top)
			r->br_len = 0;
		else if (r->br_base + r->br_len > top)
			r->br_len = top - r->br_base;
	}
}

static int
map_large(uint64_t pa, uint64_t len, uint64_t cache)
{
	uint64_t end = pa + len;

	for (uint64_t base = pa & ~(LARGE_SIZE - 1); base < end;
	    base += LARGE_SIZE) {
		uint64_t *pde = pd_entry(pml4, base, true);
		if (pde == NULL)
			return ENOMEM;
		if (!(*pde & PTE_P))
			*pde = base | PTE_P | PTE_RW | PTE_PS | pte_nx | cache;
	}
	return 0;
}

void
mmu_init(struct bootinfo *bi)
{
	const struct bootinfo_fb *fb = &bi->bi_fb;
	uint64_t top;

	mmu_bi = bi;
	pte_nx = x86_cpu.xc_nx ? PTE_NX : 0;
	pml4 = pt_alloc();
	if (map_low() != 0)
		plat_halt("mmu: page-table pool too small for the first 4 GiB");
	if ((top = map_high_ram()) != UINT64_MAX)
		clip_ram(bi, top);
	if (fb->fb_type == BOOTINFO_FB_RGB && fb->fb_addr >= MAP_LOW_TOP &&
	    map_large(fb->fb_addr, (uint64_t)fb->fb_pitch * fb->fb_height,
	    x86_cpu.xc_pat ? PTE_CACHE_WC : PTE_CACHE_UC) != 0)
		cons_printf("mmu: cannot map the framebuffer\n");
	write_cr3((uintptr_t)pml4);
	cons_logf("mmu: identity map up to 0x%llx, %u of %u boot "
	    "page-table pages used\n", (unsigned long long)mapped_top,
	    pt_pool_used, PT_POOL_PAGES);
}

int
mmu_map_mmio(uint64_t pa, uint64_t len)
{
	unsigned long s;
	int rv;

	if (pml4 == NULL || len == 0 || pa + len > VA_LIMIT || pa + len < pa)
		return EINVAL;
	s = plat_intr_disable();
	rv = map_large(pa, len, PTE_CACHE_UC);
	plat_intr_restore(s);
	return rv;
}

/* Walks the live tables (CR3), so it works before mmu_init too. */
bool
mmu_is_mapped(uintptr_t va)
{
	uint64_t *root = (uint64_t *)(uintptr_t)(read_cr3() & PTE_ADDR);
	uint64_t *pde = pd_entry(root, va, false), *pt;

	if (pde == NULL || !(*pde & PTE_P))
		return false;
	if (*pde & PTE_PS)
		return true;
	pt = (uint64_t *)(uintptr_t)(*pde & PTE_ADDR);
	return (pt[PT_INDEX(va)] & PTE_P) != 0;
}

/* Replace a 2 MiB leaf by a table of 512 equivalent 4 KiB leaves. */
static int
split_large(uint64_t *pde)
{
	uint64_t base = *pde & PTE_ADDR & ~(LARGE_SIZE - 1);
	uint64_t flags = *pde & (PTE_P | PTE_RW | PTE_CACHE_MASK | PTE_NX);
	uint64_t *pt = pt_alloc();

	if (pt == NULL)
		return ENOMEM;
	for (unsigned i = 0; i < PT_ENTRIES; i++)
		pt[i] = (base + i * PAGE_SIZE) | flags;
	*pde = (uintptr_t)pt | TABLE_FLAGS;
	write_cr3(read_cr3());	/* drop the large and any fractured entries */
	return 0;
}

static int
mmu_set_present(uintptr_t va, bool present)
{
	uint64_t *pde, *pte;
	int rv = 0;

	if (pml4 == NULL || (va & (PAGE_SIZE - 1)) != 0)
		return EINVAL;
	pde = pd_entry(pml4, va, false);
	if (pde == NULL || !(*pde & PTE_P))
		return EFAULT;
	if ((*pde & PTE_PS) && (rv = split_large(pde)) != 0)
		return rv;
	pte = &((uint64_t *)(uintptr_t)(*pde & PTE_ADDR))[PT_INDEX(va)];
	if (present)
		*pte = va | PTE_P | PTE_RW | pte_nx | (*pte & PTE_CACHE_MASK);
	else
		*pte &= ~PTE_P;
	invlpg(va);
	return 0;
}

int
plat_mmu_guard(uintptr_t va)
{
	unsigned long s = plat_intr_disable();
	int rv = mmu_set_present(va, false);

	plat_intr_restore(s);
	return rv;
}

int
plat_mmu_unguard(uintptr_t va)
{
	unsigned long s = plat_intr_disable();
	int rv = mmu_set_present(va, true);

	plat_intr_restore(s);
	return rv;
}
