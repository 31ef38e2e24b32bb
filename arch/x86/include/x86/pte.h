/*
 * 4-level page table entries (SDM vol. 3, 4.5). The same bits serve at
 * every level except PS (large page, PDPT/PD only).
 */
#ifndef X86_PTE_H
#define X86_PTE_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#endif

#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_US		(1ULL << 2)
#define PTE_PWT		(1ULL << 3)
#define PTE_PCD		(1ULL << 4)
#define PTE_A		(1ULL << 5)
#define PTE_D		(1ULL << 6)
#define PTE_PS		(1ULL << 7)
#define PTE_NX		(1ULL << 63)
#define PTE_ADDR	0x000ffffffffff000ULL

/* Memory types through the PAT as programmed in cpu.c (regs.h PAT_VALUE). */
#define PTE_CACHE_WB	0
#define PTE_CACHE_WC	PTE_PWT
#define PTE_CACHE_UC	(PTE_PCD | PTE_PWT)
#define PTE_CACHE_MASK	(PTE_PCD | PTE_PWT)

#define PT_ENTRIES	512
#define PAGE_SHIFT	12
#define PAGE_SIZE	(1ULL << PAGE_SHIFT)
#define LARGE_SHIFT	21
#define LARGE_SIZE	(1ULL << LARGE_SHIFT)	/* 2 MiB */
#define GIB_SHIFT	30
#define GIB_SIZE	(1ULL << GIB_SHIFT)

#define PML4_INDEX(va)	(((va) >> 39) & 511)
#define PDPT_INDEX(va)	(((va) >> 30) & 511)
#define PD_INDEX(va)	(((va) >> 21) & 511)
#define PT_INDEX(va)	(((va) >> 12) & 511)

#endif
