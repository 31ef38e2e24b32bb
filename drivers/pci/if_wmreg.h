/*
 * Registers and descriptors of the Intel 8254x (82540EM) and 8257x
 * (82574L) gigabit Ethernet controllers, as far as the wm driver uses
 * them. Offsets are bytes into BAR0 (memory); the two chips share this
 * layout for everything here except the EERD field positions and the
 * 82574-only MSI-X registers (IAM, IVAR, EITR) and ICR queue bits.
 *
 * Sources: Intel PCI/PCI-X Family of Gigabit Ethernet Controllers
 * Software Developer's Manual (8254x), chapter 13 (registers) and 3
 * (descriptors); Intel 82574 GbE Controller Datasheet, chapter 10 and 7.
 */
#ifndef IF_WMREG_H
#define IF_WMREG_H

#include <stdint.h>

/* ---- general ---- */
#define WM_CTRL 0x0000		/* device control */
#define WM_CTRL_FD 0x00000001u	/* full duplex (when forced) */
#define WM_CTRL_LRST 0x00000008u	/* link reset (82540) */
#define WM_CTRL_ASDE 0x00000020u	/* auto speed detection */
#define WM_CTRL_SLU 0x00000040u	/* set link up */
#define WM_CTRL_ILOS 0x00000080u	/* invert loss of signal */
#define WM_CTRL_FRCSPD 0x00000800u
#define WM_CTRL_FRCDPLX 0x00001000u
#define WM_CTRL_RST 0x04000000u	/* device reset, self-clearing */
#define WM_CTRL_VME 0x40000000u
#define WM_CTRL_PHY_RST 0x80000000u

#define WM_STATUS 0x0008
#define WM_STATUS_FD 0x00000001u
#define WM_STATUS_LU 0x00000002u	/* link up */
#define WM_STATUS_SPEED(s) (((s) >> 6) & 3u)	/* 0: 10, 1: 100, 2/3: 1000 */

#define WM_EECD 0x0010
#define WM_EECD_AUTO_RD 0x00000200u	/* NVM auto-read done */

/* EEPROM/NVM read: the fields moved between the two families. */
#define WM_EERD 0x0014
#define WM_EERD_START 0x00000001u
#define WM_EERD_DONE_8254X 0x00000010u
#define WM_EERD_ADDR_SHIFT_8254X 8
#define WM_EERD_DONE_82574 0x00000002u
#define WM_EERD_ADDR_SHIFT_82574 2
#define WM_EERD_DATA(v) ((uint16_t)((v) >> 16))

#define WM_CTRL_EXT 0x0018

/* ---- interrupts ---- */
#define WM_ICR 0x00c0		/* cause read (and write-1-to-clear) */
#define WM_ITR 0x00c4		/* throttling, in 256 ns units */
#define WM_ICS 0x00c8		/* cause set */
#define WM_IMS 0x00d0		/* mask set (enable) */
#define WM_IMC 0x00d8		/* mask clear (disable) */
#define WM_IAM 0x00e0		/* 82574: auto mask */
#define WM_IVAR 0x00e4		/* 82574: MSI-X vector allocation */
#define WM_EITR(n) (0x00e8 + 4 * (n))	/* 82574: per-vector ITR */

#define WM_ICR_TXDW 0x00000001u		/* transmit descriptor written back */
#define WM_ICR_TXQE 0x00000002u		/* transmit queue empty */
#define WM_ICR_LSC 0x00000004u		/* link status change */
#define WM_ICR_RXSEQ 0x00000008u
#define WM_ICR_RXDMT0 0x00000010u	/* receive descriptors low */
#define WM_ICR_RXO 0x00000040u		/* receive overrun */
#define WM_ICR_RXT0 0x00000080u		/* receive timer */
#define WM_ICR_RXQ0 0x00100000u		/* 82574 MSI-X causes */
#define WM_ICR_TXQ0 0x00400000u
#define WM_ICR_OTHER 0x01000000u
#define WM_ICR_ASSERTED 0x80000000u

/* IVAR (82574): 4-bit fields, vector in bits 2:0, bit 3 valid. */
#define WM_IVAR_VALID 0x8u
#define WM_IVAR_RXQ0(v) (((v) | WM_IVAR_VALID) << 0)
#define WM_IVAR_TXQ0(v) (((v) | WM_IVAR_VALID) << 8)
#define WM_IVAR_OTHER(v) (((v) | WM_IVAR_VALID) << 16)

/* ---- receive ---- */
#define WM_RCTL 0x0100
#define WM_RCTL_EN 0x00000002u
#define WM_RCTL_SBP 0x00000004u
#define WM_RCTL_UPE 0x00000008u		/* unicast promiscuous */
#define WM_RCTL_MPE 0x00000010u		/* multicast promiscuous */
#define WM_RCTL_LPE 0x00000020u		/* long packets */
#define WM_RCTL_RDMTS_HALF 0x00000000u
#define WM_RCTL_MO_SHIFT 12		/* multicast offset: 00 = bits 47:36 */
#define WM_RCTL_BAM 0x00008000u		/* accept broadcast */
#define WM_RCTL_BSIZE_2048 0x00000000u	/* with BSEX clear */
#define WM_RCTL_SECRC 0x04000000u	/* strip Ethernet CRC */

#define WM_RDBAL 0x2800
#define WM_RDBAH 0x2804
#define WM_RDLEN 0x2808
#define WM_RDH 0x2810
#define WM_RDT 0x2818
#define WM_RDTR 0x2820		/* receive delay timer, 1.024 us units */
#define WM_RADV 0x282c		/* absolute receive delay, 1.024 us units */

#define WM_RXCSUM 0x5000
#define WM_RXCSUM_IPOFLD 0x00000100u
#define WM_RXCSUM_TUOFLD 0x00000200u

#define WM_MTA 0x5200		/* 128 words of multicast hash */
#define WM_MTA_WORDS 128
#define WM_RAL0 0x5400
#define WM_RAH0 0x5404
#define WM_RAH_AV 0x80000000u	/* address valid */

/* ---- transmit ---- */
#define WM_TCTL 0x0400
#define WM_TCTL_EN 0x00000002u
#define WM_TCTL_PSP 0x00000008u		/* pad short packets */
#define WM_TCTL_CT(n) ((uint32_t)(n) << 4)	/* collision threshold */
#define WM_TCTL_COLD(n) ((uint32_t)(n) << 12)	/* collision distance */
#define WM_TCTL_RTLC 0x01000000u

#define WM_TIPG 0x0410
/* IPGT, IPGR1, IPGR2 for copper (8254x SDM 13.4.34; 82574 10.2.5.x). */
#define WM_TIPG_VAL(t, r1, r2) \
	((uint32_t)(t) | (uint32_t)(r1) << 10 | (uint32_t)(r2) << 20)
#define WM_TIPG_82540 WM_TIPG_VAL(10, 8, 6)
#define WM_TIPG_82574 WM_TIPG_VAL(8, 8, 6)

#define WM_TDBAL 0x3800
#define WM_TDBAH 0x3804
#define WM_TDLEN 0x3808
#define WM_TDH 0x3810
#define WM_TDT 0x3818
#define WM_TIDV 0x3820

/* ---- descriptors (legacy format), little-endian in memory ---- */
struct wm_rxdesc {
	uint64_t rd_addr;
	uint16_t rd_len;
	uint16_t rd_csum;
	uint8_t rd_status;
	uint8_t rd_errors;
	uint16_t rd_special;
};
_Static_assert(sizeof(struct wm_rxdesc) == 16, "rx descriptor");

#define WM_RXS_DD 0x01		/* descriptor done */
#define WM_RXS_EOP 0x02		/* end of packet */
#define WM_RXS_IXSM 0x04	/* ignore checksum indication */
#define WM_RXS_UDPCS 0x10
#define WM_RXS_TCPCS 0x20
#define WM_RXS_IPCS 0x40
#define WM_RXE_CE 0x01		/* CRC or alignment error */
#define WM_RXE_SE 0x02		/* symbol error */
#define WM_RXE_SEQ 0x04
#define WM_RXE_CXE 0x10
#define WM_RXE_TCPE 0x20	/* TCP/UDP checksum error */
#define WM_RXE_IPE 0x40		/* IPv4 header checksum error */
#define WM_RXE_RXE 0x80
#define WM_RXE_FRAME (WM_RXE_CE | WM_RXE_SE | WM_RXE_SEQ | WM_RXE_CXE | \
	WM_RXE_RXE)

struct wm_txdesc {
	uint64_t td_addr;
	uint16_t td_len;
	uint8_t td_cso;
	uint8_t td_cmd;
	uint8_t td_status;
	uint8_t td_css;
	uint16_t td_special;
};
_Static_assert(sizeof(struct wm_txdesc) == 16, "tx descriptor");

#define WM_TXC_EOP 0x01		/* end of packet */
#define WM_TXC_IFCS 0x02	/* insert FCS */
#define WM_TXC_RS 0x08		/* report status */
#define WM_TXS_DD 0x01

/* NVM words. */
#define WM_NVM_MAC 0x00		/* words 0..2: the MAC, low byte first */
#define WM_NVM_CSUM_WORDS 0x40	/* words 0..0x3f sum to ... */
#define WM_NVM_CSUM 0xbaba

/* PCI IDs. */
#define WM_VENDOR_INTEL 0x8086
#define WM_PRODUCT_82540EM 0x100e
#define WM_PRODUCT_82574L 0x10d3

#endif
