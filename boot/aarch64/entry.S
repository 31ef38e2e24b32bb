/*
 * aarch64 boot entry.
 *
 * The image starts with the arm64 Linux image header (Documentation/
 * arm64/booting.rst in Linux describes the format), so the same bytes,
 * copied to a raw file, boot through QEMU -kernel Image, U-Boot booti and
 * the Raspberry Pi firmware; the ELF boots through QEMU -kernel too.
 *
 * Boot protocol: MMU off, x0 = physical address of the device tree (0
 * when QEMU boots the ELF: arm_main.c then looks at the start of RAM),
 * entered at EL3, EL2 or EL1. The image is position-dependent: it must
 * run where it was linked (kernel.ld), else it parks.
 *
 * Steps: read the virtual counter first of all (time zero of the
 * monotonic clock); park every CPU but the one with affinity 0; drop to
 * EL1 (from EL3 through EL2); zero .bss; point SP_EL1 at the exception
 * stack, switch to SP_EL0 (see arm/layout.h) on the boot stack; enable
 * FP/SIMD; call arch_arm_main(dtb).
 *
 * Registers kept across the steps: x19 boot count, x20 dtb, x21 entry EL.
 */
#include <arm/layout.h>
#include <arm/sysreg.h>
#include <arm/gic.h>

/* Image header flags: little-endian, 4 KiB pages, placed 2 MiB-aligned
 * near the base of RAM (bit 3 clear: we are not relocatable). */
#define IMAGE_FLAGS ((0 << 0) | (1 << 1) | (0 << 3))
#define IMAGE_MAGIC 0x644d5241		/* "ARM\x64" */
#define SCTLR_EL1_BOOT SCTLR_EL1_RES1	/* MMU, caches off; little-endian */
#define SPSR_EL1H_MASKED (PSR_DAIF | PSR_MODE_EL1H)
#define SPSR_EL2H_MASKED (PSR_DAIF | PSR_MODE_EL2H)

	.section .boot.header, "ax"
	.globl _start
_start:
	b	boot_entry		/* code0 */
	.long	0			/* code1 */
	.quad	_image_text_offset	/* kernel.ld */
	.quad	_image_size
	.quad	IMAGE_FLAGS
	.quad	0, 0, 0			/* reserved */
	.long	IMAGE_MAGIC
	.long	0			/* reserved (PE/COFF header offset) */

	.section .boot.text, "ax"
boot_entry:
	mrs	x19, cntvct_el0
	mov	x20, x0
	mrs	x1, mpidr_el1
	ldr	x2, =MPIDR_AFF_MASK
	tst	x1, x2
	b.ne	park
	adr	x1, _start		/* where we run ... */
	ldr	x2, =_start		/* ... and where we were linked */
	cmp	x1, x2
	b.ne	park
	mrs	x21, CurrentEL
	lsr	x21, x21, #CURRENTEL_SHIFT
	cmp	x21, #3
	b.eq	from_el3
	cmp	x21, #2
	b.eq	from_el2
	b	at_el1

/*
 * EL3 without firmware: everything below non-secure AArch64; on to EL2,
 * or straight to EL1 if the CPU has no EL2.
 */
from_el3:
	ldr	x1, =(SCR_NS | SCR_RES1 | SCR_HCE | SCR_RW)
	msr	scr_el3, x1
	msr	cptr_el3, xzr
	mrs	x1, id_aa64pfr0_el1
	ubfx	x1, x1, #ID_PFR0_GIC_SHIFT, #4
	cbz	x1, 1f
	mov	x1, #(ICC_SRE_SRE | ICC_SRE_ENABLE)
	msr	ICC_SRE_EL3, x1
	isb
1:	mrs	x1, id_aa64pfr0_el1
	ubfx	x1, x1, #ID_PFR0_EL2_SHIFT, #4
	cbz	x1, 2f
	mov	x1, #SPSR_EL2H_MASKED
	msr	spsr_el3, x1
	adr	x1, from_el2
	msr	elr_el3, x1
	eret
2:	ldr	x1, =SCTLR_EL1_BOOT
	msr	sctlr_el1, x1
	mov	x1, #SPSR_EL1H_MASKED
	msr	spsr_el3, x1
	adr	x1, at_el1
	msr	elr_el3, x1
	eret

/*
 * EL2: no virtualization; EL1 is AArch64, sees the physical counter and
 * timer, its own MIDR/MPIDR, untrapped FP and GICv3 system registers.
 * The counter read at entry was CNTPCT - CNTVOFF_EL2: rebase it, since
 * CNTVOFF_EL2 becomes 0.
 */
from_el2:
	mov	x1, #HCR_RW
	msr	hcr_el2, x1
	isb
	mrs	x1, cntvoff_el2
	add	x19, x19, x1
	msr	cntvoff_el2, xzr
	mrs	x1, cnthctl_el2
	orr	x1, x1, #(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN)
	msr	cnthctl_el2, x1
	mov	x1, #CPTR_EL2_RES1
	msr	cptr_el2, x1
	msr	hstr_el2, xzr
	mrs	x1, midr_el1
	msr	vpidr_el2, x1
	mrs	x1, mpidr_el1
	msr	vmpidr_el2, x1
	mrs	x1, id_aa64pfr0_el1
	ubfx	x1, x1, #ID_PFR0_GIC_SHIFT, #4
	cbz	x1, 1f
	mrs	x1, ICC_SRE_EL2
	mov	x2, #(ICC_SRE_SRE | ICC_SRE_ENABLE)
	orr	x1, x1, x2
	msr	ICC_SRE_EL2, x1
	isb
	msr	ICH_HCR_EL2, xzr
1:	ldr	x1, =SCTLR_EL1_BOOT
	msr	sctlr_el1, x1
	mov	x1, #SPSR_EL1H_MASKED
	msr	spsr_el2, x1
	adr	x1, at_el1
	msr	elr_el2, x1
	eret

at_el1:
	msr	daifset, #DAIF_IMM_ALL
	ldr	x1, =SCTLR_EL1_BOOT
	msr	sctlr_el1, x1
	isb
	ldr	x1, =_bss_start
	ldr	x2, =_kernel_end	/* .bss ends page-aligned */
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	ldr	x1, =arm_boot_count
	str	x19, [x1]
	ldr	x1, =arm_boot_el
	str	x21, [x1]
	ldr	x1, =arm_exc_stack + EXC_STACK_TOP_OFFSET
	mov	sp, x1			/* SP_EL1: the exception stack */
	msr	spsel, #0
	ldr	x1, =arm_boot_stack + BOOT_STACK_TOP_OFFSET
	mov	sp, x1			/* SP_EL0: the boot stack */
	mov	x1, #CPACR_FPEN
	msr	cpacr_el1, x1
	isb
	mov	x29, #0
	mov	x30, #0
	mov	x0, x20
	bl	arch_arm_main
park:
	wfe
	b	park

	.ltorg

	.section .bss
	.balign 8
	.globl arm_boot_count, arm_boot_el
arm_boot_count:
	.quad	0
arm_boot_el:
	.quad	0

	.section .note.GNU-stack, "", @progbits
