/*
 * Layout of struct plat_ctx (bmk/platform.h) as arch/x86/switch.S uses
 * it: the callee-saved registers of the SysV ABI, including the x87
 * control word and MXCSR. Checked against the public size in x86_main.c.
 */
#ifndef X86_CTX_H
#define X86_CTX_H

#define CTX_RSP		0
#define CTX_RBX		8
#define CTX_RBP		16
#define CTX_R12		24
#define CTX_R13		32
#define CTX_R14		40
#define CTX_R15		48
#define CTX_FCW		56	/* 16 bits */
#define CTX_MXCSR	60	/* 32 bits */
#define CTX_SIZE	64

#endif
