/*
 * Bit constants usable from both C and assembly: the C spelling is
 * unsigned long, the assembler one a plain number (gas computes in 64
 * bits either way).
 */
#ifndef ARM_BITS_H
#define ARM_BITS_H

#ifdef __ASSEMBLER__
#define ARM_UL(x) (x)
#else
#define ARM_UL(x) (x##UL)
#endif
#define ARM_BIT(n) (ARM_UL(1) << (n))

#endif
