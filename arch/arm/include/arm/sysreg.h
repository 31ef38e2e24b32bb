/*
 * AArch64 system register fields used by rumpmetal (Arm Architecture
 * Reference Manual for A-profile, chapter D19 "AArch64 System Register
 * Descriptions"), and C accessors for them.
 */
#ifndef ARM_SYSREG_H
#define ARM_SYSREG_H

#include <arm/bits.h>

/* CurrentEL: the exception level in bits [3:2]. */
#define CURRENTEL_SHIFT 2

/* MPIDR_EL1: affinity fields Aff3 [39:32], Aff2..Aff0 [23:0]. */
#define MPIDR_AFF_MASK ARM_UL(0xff00ffffff)

/* SPSR_ELx / PSTATE. */
#define PSR_MODE_EL1T 0x4		/* EL1 with SP_EL0 */
#define PSR_MODE_EL1H 0x5		/* EL1 with SP_EL1 */
#define PSR_MODE_EL2H 0x9
#define PSR_F ARM_BIT(6)
#define PSR_I ARM_BIT(7)
#define PSR_A ARM_BIT(8)
#define PSR_D ARM_BIT(9)
#define PSR_DAIF (PSR_D | PSR_A | PSR_I | PSR_F)
/* Immediates of msr daifset / daifclr. */
#define DAIF_IMM_I 0x2
#define DAIF_IMM_ALL 0xf

/* SCTLR_EL1. RES1 bits are those of ARMv8.0 (11, 20, 22, 23, 28, 29). */
#define SCTLR_M ARM_BIT(0)		/* stage 1 MMU */
#define SCTLR_A ARM_BIT(1)		/* alignment check */
#define SCTLR_C ARM_BIT(2)		/* data caches */
#define SCTLR_SA ARM_BIT(3)		/* SP alignment check, EL1 */
#define SCTLR_SA0 ARM_BIT(4)
#define SCTLR_I ARM_BIT(12)		/* instruction caches */
#define SCTLR_WXN ARM_BIT(19)		/* writable implies XN */
#define SCTLR_EE ARM_BIT(25)		/* big-endian at EL1 when set */
#define SCTLR_EL1_RES1 (ARM_BIT(11) | ARM_BIT(20) | ARM_BIT(22) | \
	ARM_BIT(23) | ARM_BIT(28) | ARM_BIT(29))

/* CPACR_EL1.FPEN [21:20] = 0b11: FP/SIMD not trapped at EL0/EL1. */
#define CPACR_FPEN (ARM_UL(3) << 20)

/* HCR_EL2. */
#define HCR_RW ARM_BIT(31)		/* EL1 is AArch64 */
/* CNTHCTL_EL2 (E2H = 0): EL1 may read the physical counter and timer. */
#define CNTHCTL_EL1PCTEN ARM_BIT(0)
#define CNTHCTL_EL1PCEN ARM_BIT(1)
/* CPTR_EL2 (E2H = 0): RES1 bits; TFP (bit 10) clear = no FP trap. */
#define CPTR_EL2_RES1 ARM_UL(0x33ff)

/* SCR_EL3: non-secure, lower levels AArch64, HVC enabled, RES1 4..5. */
#define SCR_NS ARM_BIT(0)
#define SCR_RES1 (ARM_BIT(4) | ARM_BIT(5))
#define SCR_HCE ARM_BIT(8)
#define SCR_RW ARM_BIT(10)

/* ICC_SRE_ELx: system register interface on, lower level may use it. */
#define ICC_SRE_SRE ARM_BIT(0)
#define ICC_SRE_ENABLE ARM_BIT(3)

/* ID_AA64PFR0_EL1.GIC [27:24]: GIC system register interface present. */
#define ID_PFR0_GIC_SHIFT 24
/* ID_AA64PFR0_EL1.EL2 [11:8]: zero when EL2 is not implemented. */
#define ID_PFR0_EL2_SHIFT 8
/* ID_AA64ISAR0_EL1.RNDR [63:60]: RNDR and RNDRRS present when 1. */
#define ID_ISAR0_RNDR_SHIFT 60
/* ID_AA64MMFR0_EL1.PARange [3:0]. */
#define ID_MMFR0_PARANGE_MASK ARM_UL(0xf)
#define PARANGE_40BIT 2

/* TCR_EL1: TTBR0 only, 4 KiB granule, inner shareable write-back walks. */
#define TCR_T0SZ(bits) (ARM_UL(64) - (bits))
#define TCR_IRGN0_WBWA (ARM_UL(1) << 8)
#define TCR_ORGN0_WBWA (ARM_UL(1) << 10)
#define TCR_SH0_INNER (ARM_UL(3) << 12)
#define TCR_TG0_4K (ARM_UL(0) << 14)
#define TCR_EPD1 ARM_BIT(23)		/* no walks through TTBR1 */
#define TCR_IPS_SHIFT 32

/*
 * MAIR_EL1: the memory types, by attribute index.
 *	0  Device-nGnRnE	(unused, the reset-safe default)
 *	1  Device-nGnRE		MMIO
 *	2  Normal, inner/outer write-back, read/write-allocate: RAM
 *	3  Normal, non-cacheable
 */
#define MAIR_IDX_DEVICE_NGNRNE 0
#define MAIR_IDX_DEVICE 1
#define MAIR_IDX_NORMAL 2
#define MAIR_IDX_NORMAL_NC 3
#define MAIR_VALUE ((ARM_UL(0x00) << 0) | (ARM_UL(0x04) << 8) | \
	(ARM_UL(0xff) << 16) | (ARM_UL(0x44) << 24))

/* PAR_EL1 after an AT instruction: F (bit 0) set = the walk failed. */
#define PAR_F ARM_BIT(0)

/* ESR_ELx: exception class and instruction-specific syndrome. */
#define ESR_EC_SHIFT 26
#define ESR_EC_MASK ARM_UL(0x3f)
#define ESR_ISS_MASK ARM_UL(0x1ffffff)
#define EC_UNKNOWN 0x00
#define EC_FP_ACCESS 0x07
#define EC_ILLEGAL_STATE 0x0e
#define EC_SVC64 0x15
#define EC_HVC64 0x16
#define EC_SMC64 0x17
#define EC_SYSREG 0x18
#define EC_IABORT_LOWER 0x20
#define EC_IABORT 0x21
#define EC_PC_ALIGN 0x22
#define EC_DABORT_LOWER 0x24
#define EC_DABORT 0x25
#define EC_SP_ALIGN 0x26
#define EC_FP_EXC64 0x2c
#define EC_SERROR 0x2f
#define EC_BREAKPOINT 0x31
#define EC_STEP 0x33
#define EC_WATCHPOINT 0x35
#define EC_BRK64 0x3c
/* Abort ISS fields. */
#define ISS_WNR ARM_BIT(6)		/* data abort: write */
#define ISS_FNV ARM_BIT(10)		/* FAR not valid */
#define ISS_FSC_MASK ARM_UL(0x3f)

/* CNTV_CTL_EL0. */
#define CNTV_CTL_ENABLE ARM_BIT(0)
#define CNTV_CTL_IMASK ARM_BIT(1)
#define CNTV_CTL_ISTATUS ARM_BIT(2)

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Two levels, so that a register named by a macro (arm/gic.h) expands. */
#define sysreg_read(reg) sysreg_read_(reg)
#define sysreg_read_(reg) ({						\
	uint64_t sysreg_v_;						\
	__asm__ volatile("mrs %0, " #reg : "=r"(sysreg_v_));		\
	sysreg_v_;							\
})
#define sysreg_write(reg, v) sysreg_write_(reg, v)
#define sysreg_write_(reg, v)						\
	__asm__ volatile("msr " #reg ", %0" : : "r"((uint64_t)(v)) : "memory")

static inline void
isb(void)
{
	__asm__ volatile("isb" : : : "memory");
}

static inline void
dsb_sy(void)
{
	__asm__ volatile("dsb sy" : : : "memory");
}

static inline void
dsb_ish(void)
{
	__asm__ volatile("dsb ish" : : : "memory");
}

static inline void
dsb_ishst(void)
{
	__asm__ volatile("dsb ishst" : : : "memory");
}
#endif

#endif
