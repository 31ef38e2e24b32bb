/*
 * ACPI table layouts used here (ACPI 6.x spec, ch. 5.2): RSDP, the common
 * header, MADT entries and the FADT fields for power-off, the RTC and
 * the PM timer.
 */
#ifndef X86_ACPI_H
#define X86_ACPI_H

#include <stddef.h>
#include <stdint.h>

struct acpi_rsdp {
	char rp_sig[8];			/* "RSD PTR " */
	uint8_t rp_checksum;		/* over the first 20 bytes */
	char rp_oem[6];
	uint8_t rp_revision;		/* 0: ACPI 1.0, 2: 2.0+ */
	uint32_t rp_rsdt;
	/* ACPI 2.0+ */
	uint32_t rp_length;
	uint64_t rp_xsdt;
	uint8_t rp_xchecksum;		/* over rp_length bytes */
	uint8_t rp_reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP size");
_Static_assert(offsetof(struct acpi_rsdp, rp_length) == 20, "RSDP v1 size");
#define ACPI_RSDP_V1_LEN 20

struct acpi_header {
	char ah_sig[4];
	uint32_t ah_length;
	uint8_t ah_revision;
	uint8_t ah_checksum;
	char ah_oem[6];
	char ah_oem_table[8];
	uint32_t ah_oem_rev;
	uint32_t ah_creator;
	uint32_t ah_creator_rev;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_header) == 36, "ACPI header size");

struct acpi_madt {
	struct acpi_header am_hdr;
	uint32_t am_lapic_addr;
	uint32_t am_flags;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT fixed part");
#define MADT_PCAT_COMPAT 0x1

struct madt_entry {
	uint8_t me_type;
	uint8_t me_length;
} __attribute__((packed));
#define MADT_IOAPIC		1
#define MADT_OVERRIDE		2
#define MADT_LAPIC_ADDR		5

struct madt_ioapic {
	struct madt_entry mi_hdr;
	uint8_t mi_id;
	uint8_t mi_reserved;
	uint32_t mi_addr;
	uint32_t mi_gsi_base;
} __attribute__((packed));
_Static_assert(sizeof(struct madt_ioapic) == 12, "MADT I/O APIC entry");

struct madt_override {
	struct madt_entry mo_hdr;
	uint8_t mo_bus;			/* 0: ISA */
	uint8_t mo_source;		/* ISA IRQ */
	uint32_t mo_gsi;
	uint16_t mo_flags;
} __attribute__((packed));
_Static_assert(sizeof(struct madt_override) == 10, "MADT override entry");
#define MPS_POLARITY_MASK	0x3
#define  MPS_POLARITY_HIGH	0x1
#define  MPS_POLARITY_LOW	0x3
#define MPS_TRIGGER_MASK	0xc
#define  MPS_TRIGGER_EDGE	0x4
#define  MPS_TRIGGER_LEVEL	0xc

struct madt_lapic_addr {
	struct madt_entry ml_hdr;
	uint16_t ml_reserved;
	uint64_t ml_addr;
} __attribute__((packed));
_Static_assert(sizeof(struct madt_lapic_addr) == 12, "MADT LAPIC override");

/* FADT: only the fields we read, by offset (they moved little). */
#define FADT_DSDT		40	/* u32 */
#define FADT_SMI_CMD		48	/* u32 port */
#define FADT_ACPI_ENABLE	52	/* u8 */
#define FADT_PM1A_CNT		64	/* u32 port */
#define FADT_PM1B_CNT		68	/* u32 port */
#define FADT_PM_TMR_BLK		76	/* u32 port */
#define FADT_PM_TMR_LEN		91	/* u8, 4 if there is a PM timer */
#define FADT_CENTURY		108	/* u8 CMOS index */
#define FADT_FLAGS		112	/* u32 */
#define  FADT_TMR_VAL_EXT	(1u << 8)	/* PM timer is 32 bits wide */
#define FADT_X_DSDT		140	/* u64, ACPI 2.0+ */
#define FADT_X_PM_TMR_BLK	208	/* generic address, ACPI 2.0+ */

/* Generic address structure (GAS). */
struct acpi_gas {
	uint8_t ag_space;		/* ACPI_GAS_IO, ... */
	uint8_t ag_bit_width;
	uint8_t ag_bit_offset;
	uint8_t ag_access_size;
	uint64_t ag_addr;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_gas) == 12, "ACPI generic address");
#define ACPI_GAS_IO		1
#define PM_TMR_HZ		3579545
#define PM1_SCI_EN		0x0001
#define PM1_SLP_TYP_SHIFT	10
#define PM1_SLP_EN		0x2000

/* AML opcodes needed to read the \_S5 package from the DSDT. */
#define AML_ZERO		0x00
#define AML_ONE			0x01
#define AML_NAME		0x08
#define AML_BYTE_PREFIX		0x0a
#define AML_PACKAGE		0x12

#endif
