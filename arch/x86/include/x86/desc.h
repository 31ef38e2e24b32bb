/*
 * Hardware layouts of descriptor tables in 64-bit mode: segment and system
 * descriptors, the 64-bit TSS and IDT gates (SDM vol. 3, 3.4.5, 7.7, 6.14).
 */
#ifndef X86_DESC_H
#define X86_DESC_H

#include <stdint.h>

/* Code/data segment descriptor access and flag bits. */
#define SEG_ACCESSED	(1ULL << 40)
#define SEG_RW		(1ULL << 41)	/* data writable / code readable */
#define SEG_CODE	(1ULL << 43)
#define SEG_S		(1ULL << 44)	/* code or data, not system */
#define SEG_P		(1ULL << 47)
#define SEG_L		(1ULL << 53)	/* 64-bit code */
#define SEG_DB		(1ULL << 54)
#define SEG_G		(1ULL << 55)
#define SEG_LIMIT_MAX	(0xffffULL | 0xfULL << 48)

#define SYS_TYPE_TSS_AVAIL	0x9
#define GATE_TYPE_INTR		0xe	/* interrupt gate: clears IF */
#define GATE_P			0x80

struct tss64 {
	uint32_t ts_reserved0;
	uint64_t ts_rsp[3];
	uint64_t ts_reserved1;
	uint64_t ts_ist[7];		/* ts_ist[0] is IST1 */
	uint64_t ts_reserved2;
	uint16_t ts_reserved3;
	uint16_t ts_iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS is 104 bytes");

struct sysdesc64 {
	uint16_t sd_limit_lo;
	uint16_t sd_base_lo;
	uint8_t sd_base_mid;
	uint8_t sd_type;		/* type | DPL | P */
	uint8_t sd_limit_hi_flags;
	uint8_t sd_base_hi;
	uint32_t sd_base_top;
	uint32_t sd_reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct sysdesc64) == 16, "system descriptor size");

struct idt_gate {
	uint16_t ig_off_lo;
	uint16_t ig_sel;
	uint8_t ig_ist;			/* bits 0-2 */
	uint8_t ig_type;		/* type | DPL | P */
	uint16_t ig_off_mid;
	uint32_t ig_off_hi;
	uint32_t ig_reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate size");

struct desc_ptr {
	uint16_t dp_limit;
	uint64_t dp_base;
} __attribute__((packed));
_Static_assert(sizeof(struct desc_ptr) == 10, "lgdt/lidt operand size");

#endif
