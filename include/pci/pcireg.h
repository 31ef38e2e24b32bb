/*
 * PCI configuration space registers: the type 0 (device) and type 1
 * (PCI-to-PCI bridge) headers, the capability list, MSI and MSI-X.
 * From the PCI Local Bus Specification 3.0 (chapter 6), the PCI-to-PCI
 * Bridge Architecture Specification 1.2 (chapter 3) and the PCI Express
 * Base Specification (chapter 7). Offsets are bytes into the function's
 * configuration space; every access in this tree is 32 bits wide, so
 * narrower fields are given with the dword holding them and a shift.
 */
#ifndef PCI_PCIREG_H
#define PCI_PCIREG_H

#define PCI_MAXBUS 256
#define PCI_MAXDEV 32
#define PCI_MAXFUNC 8
#define PCI_CONF_SIZE 256		/* conventional space; ECAM has 4096 */

/* 0x00: vendor ID [15:0], device ID [31:16]. */
#define PCI_ID_REG 0x00
#define  PCI_VENDOR(id) ((id) & 0xffff)
#define  PCI_DEVICE(id) (((id) >> 16) & 0xffff)
#define  PCI_VENDOR_INVALID 0xffff	/* nothing answers */
#define  PCI_VENDOR_NONE 0x0000		/* also never valid */

/* 0x04: command [15:0], status [31:16]. */
#define PCI_COMMAND_STATUS_REG 0x04
#define  PCI_CMD_IO 0x0001		/* I/O space decoding */
#define  PCI_CMD_MEM 0x0002		/* memory space decoding */
#define  PCI_CMD_MASTER 0x0004		/* bus master */
#define  PCI_CMD_INTX_DISABLE 0x0400
#define  PCI_STATUS_CAPLIST (0x0010u << 16)

/* 0x08: revision [7:0], programming interface, subclass, class [31:24]. */
#define PCI_CLASS_REG 0x08
#define  PCI_REVISION(c) ((c) & 0xff)
#define  PCI_INTERFACE(c) (((c) >> 8) & 0xff)
#define  PCI_SUBCLASS(c) (((c) >> 16) & 0xff)
#define  PCI_CLASS(c) (((c) >> 24) & 0xff)
#define  PCI_CLASS_BRIDGE 0x06
#define  PCI_SUBCLASS_BRIDGE_PCI 0x04

/* 0x0c: cache line [7:0], latency, header type [23:16], BIST. */
#define PCI_BHLC_REG 0x0c
#define  PCI_HDRTYPE(r) (((r) >> 16) & 0x7f)
#define  PCI_HDRTYPE_MULTIFN(r) (((r) >> 23) & 1)
#define  PCI_HDRTYPE_DEVICE 0
#define  PCI_HDRTYPE_PPB 1
#define  PCI_HDRTYPE_CARDBUS 2

/* Base address registers: 6 in a device header, 2 in a bridge header. */
#define PCI_BAR0 0x10
#define PCI_BAR(n) (PCI_BAR0 + 4 * (n))
#define PCI_NBAR_DEVICE 6
#define PCI_NBAR_PPB 2
#define  PCI_BAR_IO 0x1			/* bit 0: I/O space */
#define  PCI_BAR_IO_MASK 0xfffffffcu
#define  PCI_BAR_MEM_TYPE(b) (((b) >> 1) & 0x3)
#define   PCI_BAR_MEM_32 0x0
#define   PCI_BAR_MEM_1M 0x1		/* legacy, below 1 MiB */
#define   PCI_BAR_MEM_64 0x2
#define  PCI_BAR_MEM_PREFETCH 0x8
#define  PCI_BAR_MEM_MASK 0xfffffff0u

/* Device header: subsystem IDs, ROM, capability pointer, interrupt. */
#define PCI_SUBSYS_REG 0x2c
#define PCI_CAPPTR_REG 0x34		/* [7:0]; bridges too */
#define PCI_INTERRUPT_REG 0x3c
#define  PCI_INTR_LINE(r) ((r) & 0xff)	/* firmware's routing; 0xff none */
#define  PCI_INTR_PIN(r) (((r) >> 8) & 0xff)	/* 0 none, 1..4 INTA..D */
#define  PCI_INTR_LINE_NONE 0xff

/* Bridge (type 1) header. */
#define PCI_PPB_BUS_REG 0x18
#define  PCI_PPB_PRIMARY(r) ((r) & 0xff)
#define  PCI_PPB_SECONDARY(r) (((r) >> 8) & 0xff)
#define  PCI_PPB_SUBORDINATE(r) (((r) >> 16) & 0xff)
#define  PCI_PPB_BUS_MASK 0x00ffffffu	/* the latency timer stays */
#define PCI_PPB_IO_REG 0x1c		/* base [7:0], limit [15:8], status */
#define  PCI_PPB_IO_32 0x1		/* low nibble: 32-bit decoding */
#define PCI_PPB_MEM_REG 0x20		/* base [15:0], limit [31:16] */
#define PCI_PPB_PMEM_REG 0x24		/* same, prefetchable */
#define  PCI_PPB_PMEM_64 0x1		/* low nibble: 64-bit */
#define PCI_PPB_PMEM_BASE_HI 0x28
#define PCI_PPB_PMEM_LIMIT_HI 0x2c
#define PCI_PPB_IO_HI_REG 0x30		/* base [15:0], limit [31:16] */
#define PCI_PPB_CAPPTR_REG 0x34
#define PCI_PPB_INTERRUPT_REG 0x3c	/* [15:0] as a device; control */
#define  PCI_PPB_IO_GRANULE 0x1000	/* 4 KiB */
#define  PCI_PPB_MEM_GRANULE 0x100000	/* 1 MiB */

/* Capability list: each entry has its ID [7:0] and next pointer [15:8]. */
#define PCI_CAP_ID(r) ((r) & 0xff)
#define PCI_CAP_NEXT(r) (((r) >> 8) & 0xfc)	/* low 2 bits reserved */
#define PCI_CAP_MIN_OFFSET 0x40		/* below is the header */
#define PCI_CAP_MAX 48			/* (256 - 64) / 4 entries at most */
#define PCI_CAP_PM 0x01
#define PCI_CAP_AGP 0x02
#define PCI_CAP_VPD 0x03
#define PCI_CAP_SLOTID 0x04
#define PCI_CAP_MSI 0x05
#define PCI_CAP_VENDOR 0x09
#define PCI_CAP_PCIX 0x07
#define PCI_CAP_HOTPLUG 0x0c		/* standard hot-plug controller */
#define PCI_CAP_SUBVENDOR 0x0d
#define PCI_CAP_PCIE 0x10
#define PCI_CAP_MSIX 0x11
#define PCI_CAP_SATA 0x12

/*
 * MSI capability: dword 0 has the message control in [31:16]; then the
 * address (low), the address high (64-bit capable only), the data
 * [15:0], and mask/pending bits (per-vector masking only).
 */
#define PCI_MSI_CTL(r) (((r) >> 16) & 0xffff)
#define  PCI_MSI_CTL_ENABLE 0x0001
#define  PCI_MSI_CTL_MMC(c) (((c) >> 1) & 0x7)	/* log2 vectors asked */
#define  PCI_MSI_CTL_MME_MASK 0x0070	/* log2 vectors granted */
#define  PCI_MSI_CTL_64BIT 0x0080
#define  PCI_MSI_CTL_PVMASK 0x0100
#define PCI_MSI_ADDR_LO 0x04
#define PCI_MSI_ADDR_HI 0x08		/* 64-bit only */
#define PCI_MSI_DATA_32 0x08		/* data, 32-bit address form */
#define PCI_MSI_DATA_64 0x0c		/* data, 64-bit address form */
#define PCI_MSI_MASK_32 0x0c
#define PCI_MSI_MASK_64 0x10

/*
 * MSI-X capability: control in [31:16] of dword 0, then the table and
 * the pending bit array locations: BAR indicator [2:0], offset [31:3].
 * Each table entry is 16 bytes: address low, high, data, vector control.
 */
#define PCI_MSIX_CTL(r) (((r) >> 16) & 0xffff)
#define  PCI_MSIX_CTL_ENABLE 0x8000
#define  PCI_MSIX_CTL_FMASK 0x4000	/* function mask */
#define  PCI_MSIX_CTL_TBLSIZE(c) (((c) & 0x7ff) + 1)
#define PCI_MSIX_TABLE 0x04
#define PCI_MSIX_PBA 0x08
#define  PCI_MSIX_BIR(r) ((r) & 0x7)
#define  PCI_MSIX_OFFSET(r) ((r) & ~0x7u)
#define PCI_MSIX_ENTRY_SIZE 16
#define PCI_MSIX_ENTRY_ADDR_LO 0x0
#define PCI_MSIX_ENTRY_ADDR_HI 0x4
#define PCI_MSIX_ENTRY_DATA 0x8
#define PCI_MSIX_ENTRY_VCTL 0xc
#define  PCI_MSIX_VCTL_MASK 0x1

/* PCI Express capability: port type in the capabilities register. */
#define PCI_PCIE_XCAP(r) (((r) >> 16) & 0xffff)
#define  PCI_PCIE_XCAP_TYPE(x) (((x) >> 4) & 0xf)
#define   PCI_PCIE_TYPE_ENDPOINT 0x0
#define   PCI_PCIE_TYPE_LEGACY 0x1
#define   PCI_PCIE_TYPE_ROOT_PORT 0x4
#define   PCI_PCIE_TYPE_UPSTREAM 0x5
#define   PCI_PCIE_TYPE_DOWNSTREAM 0x6
#define   PCI_PCIE_TYPE_PCI_BRIDGE 0x7
#define   PCI_PCIE_TYPE_RC_ENDPOINT 0x9

/* INTx swizzle across a bridge (PCI-to-PCI Bridge spec 1.2, 9.1). */
#define PCI_SWIZZLE(pin, dev) ((((pin) - 1 + (dev)) % 4) + 1)

#endif
