/*
 * VMSAv8-64 translation table descriptors, 4 KiB granule (Arm ARM D8.3).
 * Levels 0..3 resolve VA bits [47:39], [38:30], [29:21], [20:12]; a
 * level 1 block maps 1 GiB, a level 2 block 2 MiB, a level 3 page 4 KiB.
 */
#ifndef ARM_PTE_H
#define ARM_PTE_H

#include <arm/bits.h>

#define PT_ENTRIES 512
#define PT_LEVELS 4
#define PAGE_SHIFT 12
#define PAGE_SIZE ARM_BIT(PAGE_SHIFT)
/* Bytes one entry at level l maps, and its VA index. */
#define LEVEL_SHIFT(l) (PAGE_SHIFT + 9 * (3 - (l)))
#define LEVEL_SIZE(l) (ARM_UL(1) << LEVEL_SHIFT(l))
#define LEVEL_INDEX(va, l) (((va) >> LEVEL_SHIFT(l)) & (PT_ENTRIES - 1))

#define PTE_VALID ARM_BIT(0)
#define PTE_TABLE ARM_BIT(1)	/* levels 0-2: next table; level 3: page */
#define PTE_PAGE ARM_BIT(1)
#define PTE_ATTRIDX(i) (ARM_UL(i) << 2)
#define PTE_ATTRIDX_MASK (ARM_UL(7) << 2)
#define PTE_AP_RO ARM_BIT(7)	/* AP[2]: read-only */
#define PTE_AP_EL0 ARM_BIT(6)	/* AP[1]: EL0 access (never set here) */
#define PTE_SH_INNER (ARM_UL(3) << 8)
#define PTE_AF ARM_BIT(10)	/* access flag: set, or the access faults */
#define PTE_NG ARM_BIT(11)
#define PTE_PXN ARM_BIT(53)
#define PTE_UXN ARM_BIT(54)
#define PTE_ADDR ARM_UL(0x0000fffffffff000)
/* The attribute bits a block keeps when split into smaller entries. */
#define PTE_LEAF_ATTRS (PTE_ATTRIDX_MASK | PTE_AP_RO | PTE_AP_EL0 | \
	PTE_SH_INNER | PTE_AF | PTE_NG | PTE_PXN | PTE_UXN)

#endif
