/* I/O APIC (82093AA) indirect registers and redirection entry bits. */
#ifndef X86_IOAPIC_H
#define X86_IOAPIC_H

#define IOAPIC_REGSEL	0x00
#define IOAPIC_WIN	0x10
#define IOAPIC_MMIO_SIZE 0x20
#define IOAPIC_REG_ID	0x00
#define IOAPIC_REG_VER	0x01
#define  IOAPIC_VER_MAXREDIR(v)	(((v) >> 16) & 0xff)
#define IOAPIC_REG_RTE(pin)	(0x10 + 2 * (pin))	/* low; high is +1 */
#define  RTE_DELIV_FIXED	(0 << 8)
#define  RTE_DEST_PHYS		(0 << 11)
#define  RTE_ACTIVE_LOW		(1 << 13)
#define  RTE_LEVEL		(1 << 15)
#define  RTE_MASKED		(1 << 16)
#define  RTE_DEST_SHIFT		24	/* in the high dword */

#endif
