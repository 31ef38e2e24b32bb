/*
 * Interrupt vector assignment.
 *
 *	0x00-0x1f	CPU exceptions
 *	0x20-0x2f	8259 PIC (remapped; device lines in PIC fallback mode,
 *			otherwise only spurious IRQ 7 / 15 can arrive)
 *	0x30-0x6f	I/O APIC: platform line n uses vector 0x30 + n
 *	0xf0		local APIC timer
 *	0xff		local APIC spurious vector (low nibble must be 1111b)
 */
#ifndef X86_VECTORS_H
#define X86_VECTORS_H

#define VEC_EXCEPTIONS	32
#define VEC_PIC_BASE	0x20
#define VEC_PIC_END	0x30
#define VEC_IOAPIC_BASE	0x30
#define VEC_LAPIC_TIMER	0xf0
#define VEC_SPURIOUS	0xff
#define VEC_COUNT	256

/* Exceptions that push an error code (SDM vol. 3, table 6-1). */
#define VEC_DE	0
#define VEC_DB	1
#define VEC_NMI	2
#define VEC_BP	3
#define VEC_DF	8
#define VEC_TS	10
#define VEC_NP	11
#define VEC_SS	12
#define VEC_GP	13
#define VEC_PF	14
#define VEC_AC	17
#define VEC_MC	18
#define VEC_CP	21
#define VEC_VC	29
#define VEC_SX	30

#endif
