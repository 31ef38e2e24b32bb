/*
 * xHCI register, TRB and context layouts (eXtensible Host Controller
 * Interface 1.2: chapter 5 registers, 6.2 contexts, 6.4 TRBs, 7
 * extended capabilities). Offsets are in bytes from the start of their
 * register space; bit fields are given as masks and shifts.
 *
 * Everything in host memory that the controller reads or writes (TRBs,
 * contexts, the DCBAA, the ERST) is little-endian: use xhci_le32/64.
 */
#ifndef XHCIREG_H
#define XHCIREG_H

#include <stdint.h>

/* ---- PCI ---------------------------------------------------------------- */

#define XHCI_PCI_CLASS 0x0c0330		/* serial bus, USB, xHCI prog-if */

/* ---- capability registers (5.3), from BAR0 ------------------------------ */

#define XHCI_CAPLENGTH 0x00		/* 8 bits */
#define XHCI_HCIVERSION 0x02		/* 16 bits, BCD */
#define XHCI_HCSPARAMS1 0x04
#define XHCI_HCS1_MAXSLOTS(v) ((v) & 0xff)
#define XHCI_HCS1_MAXINTRS(v) (((v) >> 8) & 0x7ff)
#define XHCI_HCS1_MAXPORTS(v) (((v) >> 24) & 0xff)
#define XHCI_HCSPARAMS2 0x08
#define XHCI_HCS2_ERSTMAX(v) (((v) >> 4) & 0xf)	/* 2^n entries */
#define XHCI_HCS2_SPB(v) ((((v) >> 21) & 0x1f) << 5 | (((v) >> 27) & 0x1f))
#define XHCI_HCSPARAMS3 0x0c
#define XHCI_HCCPARAMS1 0x10
#define XHCI_HCC_AC64 0x00000001	/* 64-bit addresses */
#define XHCI_HCC_CSZ 0x00000004		/* 64-byte contexts */
#define XHCI_HCC_PPC 0x00000008		/* port power control */
#define XHCI_HCC_XECP(v) (((v) >> 16) & 0xffff)	/* in dwords */
#define XHCI_DBOFF 0x14
#define XHCI_RTSOFF 0x18
#define XHCI_HCCPARAMS2 0x1c

/* ---- operational registers (5.4), from CAPLENGTH ----------------------- */

#define XHCI_USBCMD 0x00
#define XHCI_CMD_RS 0x00000001		/* run/stop */
#define XHCI_CMD_HCRST 0x00000002	/* controller reset */
#define XHCI_CMD_INTE 0x00000004	/* interrupter enable */
#define XHCI_CMD_HSEE 0x00000008	/* host system error enable */
#define XHCI_USBSTS 0x04
#define XHCI_STS_HCH 0x00000001		/* halted */
#define XHCI_STS_HSE 0x00000004		/* host system error (RW1C) */
#define XHCI_STS_EINT 0x00000008	/* event interrupt (RW1C) */
#define XHCI_STS_PCD 0x00000010		/* port change detect (RW1C) */
#define XHCI_STS_CNR 0x00000800		/* controller not ready */
#define XHCI_STS_HCE 0x00001000		/* host controller error */
#define XHCI_PAGESIZE 0x08		/* bit n: 2^(n+12) bytes */
#define XHCI_DNCTRL 0x14
#define XHCI_CRCR 0x18			/* 64 bits */
#define XHCI_CRCR_RCS 0x1		/* ring cycle state */
#define XHCI_CRCR_CS 0x2		/* command stop */
#define XHCI_CRCR_CA 0x4		/* command abort */
#define XHCI_CRCR_CRR 0x8		/* command ring running */
#define XHCI_DCBAAP 0x30		/* 64 bits */
#define XHCI_CONFIG 0x38		/* MaxSlotsEn in bits 7:0 */

/* Port register sets (5.4.8-11), port n = 1..MaxPorts */
#define XHCI_PORTSC(n) (0x400 + 0x10 * ((n) - 1))
#define XHCI_PS_CCS 0x00000001		/* current connect status */
#define XHCI_PS_PED 0x00000002		/* enabled; write 1 to disable */
#define XHCI_PS_OCA 0x00000008		/* over-current active */
#define XHCI_PS_PR 0x00000010		/* port reset */
#define XHCI_PS_PLS_SHIFT 5		/* port link state, 4 bits */
#define XHCI_PS_PLS_MASK (0xfu << XHCI_PS_PLS_SHIFT)
#define XHCI_PS_PLS(v) (((v) >> XHCI_PS_PLS_SHIFT) & 0xf)
#define XHCI_PS_PP 0x00000200		/* port power */
#define XHCI_PS_SPEED(v) (((v) >> 10) & 0xf)	/* protocol speed ID */
#define XHCI_PS_PIC 0x0000c000		/* port indicator control */
#define XHCI_PS_LWS 0x00010000		/* link state write strobe */
#define XHCI_PS_CSC 0x00020000		/* change bits, RW1C: */
#define XHCI_PS_PEC 0x00040000
#define XHCI_PS_WRC 0x00080000		/* warm reset change (USB 3) */
#define XHCI_PS_OCC 0x00100000
#define XHCI_PS_PRC 0x00200000
#define XHCI_PS_PLC 0x00400000
#define XHCI_PS_CEC 0x00800000		/* config error change (USB 3) */
#define XHCI_PS_CHANGES 0x00fe0000
#define XHCI_PS_WAKE 0x0e000000		/* WCE, WDE, WOE */
#define XHCI_PS_DR 0x40000000		/* device removable */
#define XHCI_PS_WPR 0x80000000		/* warm port reset (USB 3) */
/* Bits written back unchanged; the rest are written as 0 unless set
 * on purpose (RW1C change bits and PED would clear, PR/WPR reset). */
#define XHCI_PS_PRESERVE (XHCI_PS_PP | XHCI_PS_PIC | XHCI_PS_WAKE)

/* Link states (PLS) */
#define XHCI_PLS_U0 0
#define XHCI_PLS_U3 3
#define XHCI_PLS_DISABLED 4
#define XHCI_PLS_RXDETECT 5
#define XHCI_PLS_INACTIVE 6
#define XHCI_PLS_POLLING 7
#define XHCI_PLS_RECOVERY 8
#define XHCI_PLS_COMPLIANCE 10

/* ---- runtime registers (5.5), from RTSOFF ------------------------------ */

#define XHCI_MFINDEX 0x00
#define XHCI_IR(n) (0x20 + 0x20 * (n))	/* interrupter register set */
#define XHCI_IMAN 0x00
#define XHCI_IMAN_IP 0x1		/* interrupt pending (RW1C) */
#define XHCI_IMAN_IE 0x2		/* interrupt enable */
#define XHCI_IMOD 0x04			/* interval in 250 ns, bits 15:0 */
#define XHCI_ERSTSZ 0x08
#define XHCI_ERSTBA 0x10		/* 64 bits */
#define XHCI_ERDP 0x18			/* 64 bits */
#define XHCI_ERDP_EHB 0x8		/* event handler busy (RW1C) */

/* ---- doorbells (5.6), from DBOFF --------------------------------------- */

#define XHCI_DB(slot) (4 * (slot))	/* 0: the command ring */

/* ---- extended capabilities (7) ----------------------------------------- */

#define XHCI_XECP_ID(v) ((v) & 0xff)
#define XHCI_XECP_NEXT(v) (((v) >> 8) & 0xff)	/* dwords, 0: last */
#define XHCI_XECP_LEGACY 1
#define XHCI_XECP_PROTOCOL 2

/* USB Legacy Support (7.1) */
#define XHCI_LEGSUP_BIOS_OWNED 0x00010000
#define XHCI_LEGSUP_OS_OWNED 0x01000000
#define XHCI_LEGCTLSTS 0x04
#define XHCI_LEGCTL_SMI_ENABLES 0x0000e011	/* bits 0, 4, 13, 14, 15 */
#define XHCI_LEGCTL_SMI_EVENTS 0xe0000000	/* RW1C */

/* Supported Protocol (7.2) */
#define XHCI_SP_MAJOR(dw0) (((dw0) >> 24) & 0xff)
#define XHCI_SP_MINOR(dw0) (((dw0) >> 16) & 0xff)
#define XHCI_SP_NAME_USB 0x20425355	/* "USB " */
#define XHCI_SP_PORTOFF(dw2) ((dw2) & 0xff)
#define XHCI_SP_PORTCNT(dw2) (((dw2) >> 8) & 0xff)
#define XHCI_SP_PSIC(dw2) (((dw2) >> 28) & 0xf)
#define XHCI_SP_SLOTTYPE(dw3) ((dw3) & 0x1f)
/* Protocol Speed ID dwords, from dword 4 */
#define XHCI_PSI_PSIV(v) ((v) & 0xf)
#define XHCI_PSI_PSIE(v) (((v) >> 4) & 0x3)	/* 0 b/s .. 3 Gb/s */
#define XHCI_PSI_PLT(v) (((v) >> 6) & 0x3)	/* 0: symmetric */
#define XHCI_PSI_PSIM(v) (((v) >> 16) & 0xffff)

/* Default speed IDs, when a protocol lists no PSI dwords (7.2.2.1.1) */
#define XHCI_SPEED_FULL 1
#define XHCI_SPEED_LOW 2
#define XHCI_SPEED_HIGH 3
#define XHCI_SPEED_SUPER 4
#define XHCI_SPEED_SUPER_PLUS 5

/* ---- TRBs (6.4) ---------------------------------------------------------- */

struct xhci_trb {
	uint64_t trb_param;
	uint32_t trb_status;
	uint32_t trb_flags;
};
_Static_assert(sizeof(struct xhci_trb) == 16, "TRB");

/* trb_flags */
#define XHCI_TRB_C 0x00000001		/* cycle */
#define XHCI_TRB_TC 0x00000002		/* link: toggle cycle */
#define XHCI_TRB_ENT 0x00000002		/* evaluate next TRB */
#define XHCI_TRB_ISP 0x00000004		/* interrupt on short packet */
#define XHCI_TRB_CH 0x00000010		/* chain */
#define XHCI_TRB_IOC 0x00000020		/* interrupt on completion */
#define XHCI_TRB_IDT 0x00000040		/* immediate data */
#define XHCI_TRB_TYPE_SHIFT 10
#define XHCI_TRB_TYPE(v) (((v) >> XHCI_TRB_TYPE_SHIFT) & 0x3f)
#define XHCI_TRB_MKTYPE(t) ((uint32_t)(t) << XHCI_TRB_TYPE_SHIFT)
#define XHCI_TRB_DIR_IN 0x00010000	/* data/status stage */
#define XHCI_TRB_TRT_OUT 0x00020000	/* setup stage: transfer type */
#define XHCI_TRB_TRT_IN 0x00030000
#define XHCI_TRB_BSR 0x00000200		/* address device: block SET_ADDRESS */
#define XHCI_TRB_DC 0x00000200		/* configure endpoint: deconfigure */
#define XHCI_TRB_EP(dci) ((uint32_t)(dci) << 16)
#define XHCI_TRB_SLOT(id) ((uint32_t)(id) << 24)
#define XHCI_TRB_GET_SLOT(v) (((v) >> 24) & 0xff)
#define XHCI_TRB_GET_EP(v) (((v) >> 16) & 0x1f)
#define XHCI_TRB_ED 0x00000004		/* transfer event: event data */

/* trb_status of transfer TRBs */
#define XHCI_TRB_LEN(n) ((uint32_t)(n) & 0x1ffff)
#define XHCI_TRB_GET_LEN(v) ((v) & 0x1ffff)
#define XHCI_TRB_TDSIZE(n) ((uint32_t)((n) > 31 ? 31 : (n)) << 17)
/* trb_status of events */
#define XHCI_EV_CC(v) (((v) >> 24) & 0xff)
#define XHCI_EV_LEN(v) ((v) & 0xffffff)

#define XHCI_TRB_MAXLEN 65536		/* data per TRB, and no crossing
					   of a 64 KiB boundary */

/* TRB types */
#define XHCI_TRB_NORMAL 1
#define XHCI_TRB_SETUP 2
#define XHCI_TRB_DATA 3
#define XHCI_TRB_STATUS 4
#define XHCI_TRB_LINK 6
#define XHCI_TRB_NOOP 8
#define XHCI_CMD_ENABLE_SLOT 9
#define XHCI_CMD_DISABLE_SLOT 10
#define XHCI_CMD_ADDRESS_DEVICE 11
#define XHCI_CMD_CONFIGURE_EP 12
#define XHCI_CMD_EVALUATE_CTX 13
#define XHCI_CMD_RESET_EP 14
#define XHCI_CMD_STOP_EP 15
#define XHCI_CMD_SET_TR_DEQ 16
#define XHCI_CMD_NOOP 23
#define XHCI_EV_TRANSFER 32
#define XHCI_EV_CMD_COMPLETE 33
#define XHCI_EV_PORT_CHANGE 34
#define XHCI_EV_HC 37

/* Completion codes (6.4.5) */
#define XHCI_CC_SUCCESS 1
#define XHCI_CC_DATA_BUFFER 2
#define XHCI_CC_BABBLE 3
#define XHCI_CC_TRANSACTION 4
#define XHCI_CC_TRB 5
#define XHCI_CC_STALL 6
#define XHCI_CC_RESOURCE 7
#define XHCI_CC_BANDWIDTH 8
#define XHCI_CC_NO_SLOTS 9
#define XHCI_CC_SLOT_NOT_ENABLED 11
#define XHCI_CC_EP_NOT_ENABLED 12
#define XHCI_CC_SHORT_PACKET 13
#define XHCI_CC_PARAMETER 17
#define XHCI_CC_CONTEXT_STATE 19
#define XHCI_CC_EVENT_RING_FULL 21
#define XHCI_CC_CMD_RING_STOPPED 24
#define XHCI_CC_CMD_ABORTED 25
#define XHCI_CC_STOPPED 26
#define XHCI_CC_STOPPED_LEN_INVALID 27
#define XHCI_CC_STOPPED_SHORT 28
#define XHCI_CC_SPLIT_TRANSACTION 36

/* Event Ring Segment Table entry (6.5) */
struct xhci_erste {
	uint64_t erst_base;
	uint32_t erst_size;		/* TRBs, 16..4096 */
	uint32_t erst_rsvd;
};
_Static_assert(sizeof(struct xhci_erste) == 16, "ERST entry");

/* ---- contexts (6.2) -------------------------------------------------------
 * Each context is 32 bytes, or 64 with HCCPARAMS1.CSZ (the upper half
 * unused). A device context holds the slot context and 31 endpoint
 * contexts, indexed by DCI (1: ep0, 2n: ep n OUT, 2n+1: ep n IN); an
 * input context has the input control context first, so entry i of a
 * device context is entry i + 1 of an input context. Dwords: */

/* Slot context */
#define XHCI_SCTX_ROUTE(r) ((uint32_t)(r) & 0xfffff)	/* dword 0 */
#define XHCI_SCTX_SPEED(s) ((uint32_t)(s) << 20)
#define XHCI_SCTX_MTT 0x02000000
#define XHCI_SCTX_HUB 0x04000000
#define XHCI_SCTX_ENTRIES(n) ((uint32_t)(n) << 27)
#define XHCI_SCTX_ENTRIES_MASK 0xf8000000
#define XHCI_SCTX_RHPORT(p) ((uint32_t)(p) << 16)	/* dword 1 */
#define XHCI_SCTX_NPORTS(n) ((uint32_t)(n) << 24)
#define XHCI_SCTX_TT_SLOT(s) ((uint32_t)(s))		/* dword 2 */
#define XHCI_SCTX_TT_PORT(p) ((uint32_t)(p) << 8)
#define XHCI_SCTX_TTT(t) ((uint32_t)(t) << 16)
#define XHCI_SCTX_ADDR(v) ((v) & 0xff)			/* dword 3 */
#define XHCI_SCTX_STATE(v) (((v) >> 27) & 0x1f)

/* Endpoint context */
#define XHCI_EPCTX_STATE(v) ((v) & 0x7)			/* dword 0 */
#define XHCI_EPCTX_MULT(m) ((uint32_t)(m) << 8)
#define XHCI_EPCTX_INTERVAL(i) ((uint32_t)(i) << 16)
#define XHCI_EPCTX_ESIT_HI(p) ((uint32_t)((p) >> 16) << 24)
#define XHCI_EPCTX_CERR(c) ((uint32_t)(c) << 1)		/* dword 1 */
#define XHCI_EPCTX_TYPE(t) ((uint32_t)(t) << 3)
#define XHCI_EPCTX_BURST(b) ((uint32_t)(b) << 8)
#define XHCI_EPCTX_MPS(m) ((uint32_t)(m) << 16)
#define XHCI_EPCTX_DCS 0x1				/* dword 2 */
#define XHCI_EPCTX_AVGLEN(l) ((uint32_t)(l))		/* dword 4 */
#define XHCI_EPCTX_ESIT_LO(p) ((uint32_t)((p) & 0xffff) << 16)

/* Endpoint states */
#define XHCI_EPST_DISABLED 0
#define XHCI_EPST_RUNNING 1
#define XHCI_EPST_HALTED 2
#define XHCI_EPST_STOPPED 3
#define XHCI_EPST_ERROR 4

/* Endpoint types */
#define XHCI_EPT_ISOC_OUT 1
#define XHCI_EPT_BULK_OUT 2
#define XHCI_EPT_INTR_OUT 3
#define XHCI_EPT_CONTROL 4
#define XHCI_EPT_ISOC_IN 5
#define XHCI_EPT_BULK_IN 6
#define XHCI_EPT_INTR_IN 7

/* Input control context: dword 0 drop flags, dword 1 add flags */
#define XHCI_ICTX_DROP 0
#define XHCI_ICTX_ADD 1

#define XHCI_MAX_DCI 31

/* ---- byte order of host memory ------------------------------------------ */

static inline uint32_t
xhci_le32(uint32_t v)
{
	return __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ?
	    __builtin_bswap32(v) : v;
}

static inline uint64_t
xhci_le64(uint64_t v)
{
	return __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ?
	    __builtin_bswap64(v) : v;
}

#endif
