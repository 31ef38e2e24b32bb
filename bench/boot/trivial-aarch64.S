/*
 * The aarch64 baseline for bench/boot: a kernel that exits QEMU through
 * semihosting (SYS_EXIT_EXTENDED, status 0) at its first instruction.
 */
	.text
	.globl _start
_start:
	adr x1, exit_block
	mov w0, #0x20		/* SYS_EXIT_EXTENDED */
	hlt #0xf000
1:	wfi
	b 1b
	.balign 8
exit_block:
	.quad 0x20026		/* ADP_Stopped_ApplicationExit */
	.quad 0			/* exit status */
	.section .note.GNU-stack,"",%progbits
