/*
 * Arm semihosting (Arm "Semihosting for AArch32 and AArch64", v2/v3):
 * on AArch64 the call is HLT #0xf000 with the operation in w0 and a
 * parameter block address in x1.
 */
#ifndef ARM_SEMIHOSTING_H
#define ARM_SEMIHOSTING_H

#define SH_SYS_EXIT 0x18
#define SH_SYS_EXIT_EXTENDED 0x20
#define SH_ADP_STOPPED_APPLICATION_EXIT 0x20026

#endif
