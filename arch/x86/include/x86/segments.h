/*
 * Segment selectors, GDT layout and IST stack assignment. Shared between
 * C and assembly: plain #defines only.
 *
 * GDT:	0 null | 1 kernel code (64-bit) | 2 kernel data | 3-4 TSS (16 bytes)
 */
#ifndef X86_SEGMENTS_H
#define X86_SEGMENTS_H

#define GDT_NULL	0
#define GDT_KCODE	1
#define GDT_KDATA	2
#define GDT_TSS		3	/* occupies slots 3 and 4 */
#define GDT_NENTRIES	5

#define SEL_KCODE	(GDT_KCODE << 3)	/* 0x08 */
#define SEL_KDATA	(GDT_KDATA << 3)	/* 0x10 */
#define SEL_TSS		(GDT_TSS << 3)		/* 0x18 */

/*
 * Interrupt stack table slots (1-based, as the IDT gate field wants).
 * Every vector runs on an IST stack: the interrupted stack is never
 * written below its RSP, so code that uses the red zone (libgcc, newlib)
 * is safe, and a thread stack overflow still gets a fault report.
 */
#define IST_DOUBLEFAULT	1
#define IST_NMI		2
#define IST_MCHECK	3
#define IST_EXCEPTION	4	/* every other exception */
#define IST_INTR	5	/* device, timer and spurious interrupts */
#define IST_COUNT	5

#endif
