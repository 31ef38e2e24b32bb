/*
 * GIC register offsets: GICv2 (Arm GIC Architecture Specification v2.0,
 * chapter 4) and GICv3 (GICv3/v4 Architecture Specification, chapter 12).
 *
 * INTIDs: 0-15 SGIs, 16-31 PPIs (per CPU), 32-1019 SPIs, 1020-1023
 * special (1023: spurious).
 */
#ifndef ARM_GIC_H
#define ARM_GIC_H

#define GIC_PPI_BASE 16
#define GIC_SPI_BASE 32
#define GIC_INTID_SPECIAL 1020
#define GIC_IAR_INTID_MASK 0xffffff	/* v3; v2 uses bits [9:0] */
#define GICC_IAR_INTID_MASK 0x3ff
#define GIC_PRIO_DEVICE 0xa0
#define GIC_PRIO_MASK_NONE 0xff		/* PMR: let every priority through */

/* Distributor (both versions). */
#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IGROUPR(n) (0x080 + 4 * (n))	/* 32 INTIDs per register */
#define GICD_ISENABLER(n) (0x100 + 4 * (n))
#define GICD_ICENABLER(n) (0x180 + 4 * (n))
#define GICD_ICPENDR(n) (0x280 + 4 * (n))
#define GICD_IPRIORITYR(n) (0x400 + 4 * (n))	/* 4 INTIDs per register */
#define GICD_ITARGETSR(n) (0x800 + 4 * (n))	/* v2: 4 INTIDs per register */
#define GICD_ICFGR(n) (0xc00 + 4 * (n))		/* 16 INTIDs per register */
#define GICD_IROUTER(intid) (0x6000 + 8 * (intid))	/* v3 */
#define GICD_TYPER_LINES(t) ((((t) & 0x1f) + 1) * 32)
/* GICD_CTLR: v2 EnableGrp0/1; v3 EnableGrp0|1 (or Grp1NS|Grp1A), ARE. */
#define GICD_CTLR_GRP0 0x1
#define GICD_CTLR_GRP1 0x2
#define GICD_CTLR_ARE 0x10
#define GICD_CTLR_RWP 0x80000000u

/* GICv2 CPU interface. */
#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10
#define GICC_CTLR_ENABLE 0x3	/* both groups (or Grp1 in the NS view) */

/* GICv3 redistributor: RD_base frame, then SGI_base frame 64 KiB on. */
#define GICR_FRAME_SIZE 0x10000
#define GICR_STRIDE_V3 0x20000
#define GICR_STRIDE_V4 0x40000
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_TYPER_VLPIS (1ULL << 1)
#define GICR_TYPER_LAST (1ULL << 4)
#define GICR_TYPER_AFF_SHIFT 32
#define GICR_WAKER_SLEEP 0x2		/* ProcessorSleep */
#define GICR_WAKER_ASLEEP 0x4		/* ChildrenAsleep */
#define GICR_SGI_IGROUPR0 (GICR_FRAME_SIZE + 0x080)
#define GICR_SGI_ISENABLER0 (GICR_FRAME_SIZE + 0x100)
#define GICR_SGI_ICENABLER0 (GICR_FRAME_SIZE + 0x180)
#define GICR_SGI_IPRIORITYR(n) (GICR_FRAME_SIZE + 0x400 + 4 * (n))

/* GICv3 CPU interface system registers, by encoding (gas-independent). */
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define ICC_CTLR_EL1 S3_0_C12_C12_4
#define ICC_SRE_EL1 S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_SRE_EL2 S3_4_C12_C9_5
#define ICH_HCR_EL2 S3_4_C12_C11_0
#define ICC_SRE_EL3 S3_6_C12_C12_5

#endif
