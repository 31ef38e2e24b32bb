/*
 * GICv3 LPIs and the Interrupt Translation Service (Arm IHI 0069, GIC
 * Architecture Specification v3/v4: chapter 5 "Locality-specific
 * Peripheral Interrupts and the ITS", chapter 12 register descriptions).
 *
 * An LPI (INTID 8192 and up) has one byte in the redistributor's LPI
 * configuration table (GICR_PROPBASER: priority and enable) and one bit
 * in its pending table (GICR_PENDBASER). A PCI function raises one by
 * writing an event ID to GITS_TRANSLATER; the ITS looks the (device ID,
 * event ID) pair up in the device's interrupt translation table (ITT,
 * set up by MAPD and MAPTI commands) and gets an LPI and a collection,
 * which MAPC ties to a redistributor.
 *
 * gic3.c owns the redistributor side (gic3_lpi_*), gic3_its.c the ITS
 * (its_*); arch/arm/pci.c uses both for MSI.
 */
#ifndef ARM_ITS_H
#define ARM_ITS_H

#include <stdbool.h>
#include <stdint.h>

#include <arm/bits.h>

struct fdt;

#define GIC_LPI_BASE 8192

/* Redistributor, RD_base frame. */
#define GICR_CTLR 0x0000
#define  GICR_CTLR_ENABLE_LPIS 0x1
#define GICR_TYPER_PLPIS ARM_BIT(0)
#define GICR_TYPER_PROCNUM(t) (((t) >> 8) & 0xffff)
#define GICR_PROPBASER 0x0070
#define GICR_PENDBASER 0x0078
/* PROPBASER / PENDBASER: IDbits [4:0] (PROPBASER), attributes, PA. */
#define GICR_BASER_INNER_WBWA (ARM_UL(7) << 7)	/* RaWaWb */
#define GICR_BASER_INNER_NC (ARM_UL(1) << 7)
#define GICR_BASER_SH_INNER (ARM_UL(1) << 10)
#define GICR_BASER_SH_MASK (ARM_UL(3) << 10)
#define GICR_PENDBASER_PTZ ARM_BIT(62)
#define GICR_PENDBASER_ALIGN 0x10000		/* PA bits [51:16] */

/* GICD_TYPER: LPIs implemented, INTID bits - 1. */
#define GICD_TYPER_LPIS ARM_BIT(17)
#define GICD_TYPER_IDBITS(t) ((((t) >> 19) & 0x1f) + 1)

/* LPI configuration table byte: priority [7:2], enable [0]. */
#define LPI_CONF_ENABLE 0x1

/* ITS control frame (ITS_base), then the translation frame. */
#define GITS_CTLR 0x0000
#define  GITS_CTLR_ENABLED 0x1
#define  GITS_CTLR_QUIESCENT 0x80000000u
#define GITS_TYPER 0x0008
#define  GITS_TYPER_PHYSICAL ARM_BIT(0)
#define  GITS_TYPER_ITT_ESIZE(t) ((((t) >> 4) & 0xf) + 1)
#define  GITS_TYPER_IDBITS(t) ((((t) >> 8) & 0x1f) + 1)
#define  GITS_TYPER_DEVBITS(t) ((((t) >> 13) & 0x1f) + 1)
#define  GITS_TYPER_PTA ARM_BIT(19)
#define  GITS_TYPER_HCC(t) (((t) >> 24) & 0xff)
#define GITS_CBASER 0x0080
#define GITS_CWRITER 0x0088
#define GITS_CREADR 0x0090
#define  GITS_CREADR_STALLED 0x1
#define  GITS_CQ_OFFSET_MASK 0xfffe0		/* [19:5] */
#define GITS_BASER(n) (0x0100 + 8 * (n))
#define GITS_NBASER 8
#define GITS_FRAME_SIZE 0x10000
#define GITS_TRANSLATER (GITS_FRAME_SIZE + 0x0040)
#define GITS_SIZE (2 * GITS_FRAME_SIZE)

/*
 * GITS_BASER<n> and GITS_CBASER share these fields: Valid [63],
 * InnerCache [61:59], OuterCache [55:53] (0: as inner), Shareability
 * [11:10], Size [7:0] (pages - 1), PA [47:12]. BASER only: Indirect
 * [62], Type [58:56], Entry_Size [52:48] (bytes - 1), Page_Size [9:8].
 */
#define GITS_BASER_VALID ARM_BIT(63)
#define GITS_BASER_INDIRECT ARM_BIT(62)
#define GITS_BASER_INNER_WBWA (ARM_UL(7) << 59)	/* RaWaWb */
#define GITS_BASER_INNER_NC (ARM_UL(1) << 59)
#define GITS_BASER_TYPE(b) (((b) >> 56) & 0x7)
#define  GITS_BASER_TYPE_NONE 0
#define  GITS_BASER_TYPE_DEVICE 1
#define  GITS_BASER_TYPE_COLLECTION 4
#define GITS_BASER_ESIZE(b) ((((b) >> 48) & 0x1f) + 1)
#define GITS_BASER_SH_INNER (ARM_UL(1) << 10)
#define GITS_BASER_SH_MASK (ARM_UL(3) << 10)
#define GITS_BASER_PSZ_SHIFT 8
#define GITS_BASER_PSZ_MASK (ARM_UL(3) << 8)
#define  GITS_BASER_PSZ_4K 0
#define  GITS_BASER_PSZ_16K 1
#define  GITS_BASER_PSZ_64K 2
#define GITS_BASER_PA_MASK ARM_UL(0x0000fffffffff000)
#define GITS_BASER_MAXPAGES 256

/* Commands: 32 bytes, command number in DW0 [7:0]. */
#define ITS_CMD_SIZE 32
#define ITS_CMD_SYNC 0x05	/* DW2 [51:16] RDbase */
#define ITS_CMD_MAPD 0x08	/* DW0 [63:32] DeviceID, DW1 [4:0] Size,
				   DW2 [51:8] ITT_addr, [63] V */
#define ITS_CMD_MAPC 0x09	/* DW2 [15:0] ICID, [51:16] RDbase, [63] V */
#define ITS_CMD_MAPTI 0x0a	/* DW0 DeviceID, DW1 [31:0] EventID,
				   [63:32] pINTID, DW2 [15:0] ICID */
#define ITS_CMD_INVALL 0x0d	/* DW2 [15:0] ICID */
#define ITS_CMD_VALID ARM_BIT(63)
#define ITS_ITT_ALIGN 256

/* gic3.c: LPIs of this CPU's redistributor. */

/*
 * Allocate and program the configuration and pending tables for LPIs
 * GIC_LPI_BASE .. GIC_LPI_BASE + nlpis - 1 (all disabled) and enable
 * LPIs. Once: later calls return the first result. Thread context.
 */
int gic3_lpi_init(unsigned nlpis);
/* Set an LPI's enable bit in the configuration table (then: INVALL). */
void gic3_lpi_conf(unsigned intid, bool on);
/* MAPC / SYNC target: the redistributor's PA or processor number. */
uint64_t gic3_rdbase(bool pta);

/* gic3_its.c: the ITS. */

/* Set up the ITS at node (tables, command queue, collection). */
int its_init(const struct fdt *fdt, int node);
/* Where MSIs go: GITS_TRANSLATER's physical address. */
uint64_t its_doorbell(void);
/* A fresh event ID and its LPI; ENOSPC when all are taken. */
int its_event_alloc(uint32_t *eventp, unsigned *intidp);
/* Translate (devid, event) to the event's LPI: MAPD if new, MAPTI. */
int its_map(uint32_t devid, uint32_t event);
/* Enable or disable an LPI (configuration table, then INVALL). */
void its_lpi_enable(unsigned intid, bool on);

#endif
