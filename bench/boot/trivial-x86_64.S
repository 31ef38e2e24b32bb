/*
 * The baseline for bench/boot: a Multiboot1 kernel that exits QEMU
 * through isa-debug-exit at its first instruction. Whatever hello takes
 * beyond this is our boot path.
 */
	.section .text
	.code32
	.balign 4
mb1_header:
	.long 0x1badb002
	.long 0x00010000
	.long -(0x1badb002 + 0x00010000)
	.long mb1_header	/* header_addr */
	.long mb1_header	/* load_addr */
	.long 0			/* load_end_addr: whole file */
	.long 0			/* bss_end_addr: none */
	.long _start		/* entry_addr */
	.globl _start
_start:
	movw $0xf4, %dx
	xorl %eax, %eax
	outl %eax, %dx
1:	hlt
	jmp 1b
	.section .note.GNU-stack,"",@progbits
