/*
 * x86_64 boot entry: the Multiboot 1 and Multiboot2 headers, and the
 * 32-bit code that both protocols enter (protected mode, paging off,
 * eax = boot magic, ebx = physical address of the information structure).
 *
 * Steps: zero .bss, set up the boot stack, check CPUID and long mode
 * (report on COM1 and VGA text and halt if missing), identity-map the
 * first 4 GiB with 2 MiB pages, enable PAE, EFER.LME (and NXE when the
 * CPU has it), paging, load a 64-bit GDT, jump to 64-bit code, enable SSE
 * and call arch_x86_main(magic, info). arch/x86/mmu.c replaces these page
 * tables with the final ones.
 *
 * Both headers sit at the start of the image (.boot.header comes first in
 * kernel.ld): Multiboot 1 wants its header in the first 8 KiB of the file
 * and Multiboot2 in the first 32 KiB. The Multiboot 1 header carries the
 * address fields (flag 16) so QEMU -kernel loads our elf32-i386 copy as a
 * flat image; that works because kernel.ld lays the file out contiguously.
 */
#include <x86/multiboot_hdr.h>
#include <x86/regs.h>
#include <x86/segments.h>
#include <x86/stacks.h>
#include <x86/uart16550.h>
#include <x86/vga.h>

#define MB1_FLAGS \
	(MB1_FLAG_PAGE_ALIGN | MB1_FLAG_MEMINFO | MB1_FLAG_AOUT_KLUDGE)
#define EARLY_PDS 4			/* 4 x 1 GiB */
#define EARLY_PDE (0x1 | 0x2 | 0x80)	/* present, writable, 2 MiB page */
#define EARLY_TABLE (0x1 | 0x2)		/* present, writable */
#define BOOT_STACK_TOP (x86_boot_stack_area + BOOT_STACK_TOP_OFFSET)

	.section .boot.header, "a"
	.balign 8
mb1_header:
	.long MB1_HEADER_MAGIC
	.long MB1_FLAGS
	.long 0x100000000 - (MB1_HEADER_MAGIC + MB1_FLAGS)
	.long mb1_header		/* header_addr */
	.long _kernel_start		/* load_addr: file image starts here */
	.long _data_end			/* load_end_addr */
	.long _kernel_end		/* bss_end_addr */
	.long _start			/* entry_addr */

	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long 0x100000000 - (MB2_HEADER_MAGIC + MB2_ARCH_I386 + \
	    (mb2_header_end - mb2_header))
	/* Framebuffer, optional: width, height, depth 0 = no preference. */
	.balign 8
	.short MB2_TAG_FRAMEBUFFER, MB2_TAG_OPTIONAL
	.long 20
	.long 0, 0, 0
	.balign 8
	.short MB2_TAG_END, 0
	.long 8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.globl _start
	.type _start, @function
_start:
	cli
	cld
	movl	%eax, %ebp		/* boot magic */
	movl	%ebx, %esi		/* information structure */

	/* Loaders zero what follows the file image; do it anyway. */
	movl	$_data_end, %edi
	movl	$_kernel_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb

	movl	$BOOT_STACK_TOP, %esp
	pushl	$0
	popfl

	call	check_long_mode
	rdtsc				/* origin of the monotonic clock */
	movl	%eax, x86_boot_tsc
	movl	%edx, x86_boot_tsc + 4
	call	build_early_tables

	movl	$early_pml4, %eax
	movl	%eax, %cr3
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4

	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	testl	$CPUID_EXT_EDX_NX, early_ext_edx
	jz	1f
	orl	$EFER_NXE, %eax
1:	wrmsr

	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_PE), %eax
	movl	%eax, %cr0

	lgdt	boot_gdt_ptr
	ljmp	$SEL_KCODE, $start64
	.size _start, . - _start

/* Halt with a message unless CPUID reports long mode. Keeps ebp, esi. */
	.type check_long_mode, @function
check_long_mode:
	/* CPUID exists iff RFLAGS.ID can be toggled. */
	pushfl
	popl	%eax
	movl	%eax, %ecx
	xorl	$RFLAGS_ID, %eax
	pushl	%eax
	popfl
	pushfl
	popl	%eax
	pushl	%ecx
	popfl
	cmpl	%eax, %ecx
	je	no_cpuid

	movl	$CPUID_EXT_MAX, %eax
	cpuid
	cmpl	$CPUID_EXT_FEATURES, %eax
	jb	no_long_mode
	movl	$CPUID_EXT_FEATURES, %eax
	cpuid
	movl	%edx, early_ext_edx
	testl	$CPUID_EXT_EDX_LM, %edx
	jz	no_long_mode
	ret
	.size check_long_mode, . - check_long_mode

no_cpuid:
	movl	$msg_no_cpuid, %ebx
	jmp	early_fail
no_long_mode:
	movl	$msg_no_long_mode, %ebx
	jmp	early_fail

/*
 * Identity map [0, 4 GiB): PML4[0] -> PDPT, PDPT[0..3] -> four page
 * directories of 2 MiB pages. The tables are in .bss, already zero.
 */
	.type build_early_tables, @function
build_early_tables:
	movl	$(early_pdpt + EARLY_TABLE), early_pml4

	movl	$(early_pd + EARLY_TABLE), %eax
	movl	$early_pdpt, %edi
	movl	$EARLY_PDS, %ecx
1:	movl	%eax, (%edi)
	addl	$0x1000, %eax
	addl	$8, %edi
	loop	1b

	movl	$EARLY_PDE, %eax
	movl	$early_pd, %edi
	movl	$(EARLY_PDS * 512), %ecx
2:	movl	%eax, (%edi)
	addl	$0x200000, %eax
	addl	$8, %edi
	loop	2b
	ret
	.size build_early_tables, . - build_early_tables

/*
 * Print the NUL-terminated message at ebx on VGA text (white on red) and
 * on COM1 (bounded wait for the transmitter), then halt forever.
 */
	.type early_fail, @function
early_fail:
	movl	%ebx, %esi
	movl	$VGA_TEXT_BASE, %edi
1:	lodsb
	testb	%al, %al
	jz	2f
	movb	$0x4f, %ah
	movw	%ax, (%edi)
	addl	$2, %edi
	jmp	1b

2:	movl	%ebx, %esi
3:	lodsb
	testb	%al, %al
	jz	6f
	movb	%al, %bl
	movl	$100000, %ecx
	movw	$(COM1_BASE + UART_LSR), %dx
4:	inb	%dx, %al
	testb	$LSR_THRE, %al
	jnz	5f
	loop	4b
5:	movb	%bl, %al
	movw	$(COM1_BASE + UART_THR), %dx
	outb	%al, %dx
	jmp	3b

6:	cli
	hlt
	jmp	6b
	.size early_fail, . - early_fail

	.code64
	.type start64, @function
start64:
	movw	$SEL_KDATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorl	%eax, %eax
	movw	%ax, %fs
	movw	%ax, %gs
	movq	$BOOT_STACK_TOP, %rsp

	/* SSE for the application and newlib: CR0.MP|NE, !EM; CR4.OSFXSR. */
	movq	%cr0, %rax
	andq	$~CR0_EM, %rax
	orq	$(CR0_MP | CR0_NE), %rax
	movq	%rax, %cr0
	movq	%cr4, %rax
	orq	$(CR4_OSFXSR | CR4_OSXMMEXCPT), %rax
	movq	%rax, %cr4
	fninit
	ldmxcsr	boot_mxcsr

	movl	%ebp, %edi		/* arch_x86_main(magic, info) */
	/* esi already holds info; its upper half is zero in 64-bit mode */
	xorl	%ebp, %ebp		/* end of the frame-pointer chain */
	call	arch_x86_main
1:	cli
	hlt
	jmp	1b
	.size start64, . - start64

	.section .rodata
	.balign 16
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* SEL_KCODE: 64-bit code, DPL 0 */
	.quad	0x00cf92000000ffff	/* SEL_KDATA: data, writable */
boot_gdt_end:
boot_gdt_ptr:
	.short	boot_gdt_end - boot_gdt - 1
	.quad	boot_gdt
boot_mxcsr:
	.long	MXCSR_DEFAULT
msg_no_cpuid:
	.ascii	"rumpmetal: no CPUID instruction; a 64-bit (long mode) "
	.asciz	"x86 CPU is required. Halted.\r\n"
msg_no_long_mode:
	.ascii	"rumpmetal: this CPU does not support 64-bit long mode; "
	.asciz	"cannot boot. Halted.\r\n"

	.section .bss
	.balign 4096
early_pml4:
	.space	4096
early_pdpt:
	.space	4096
early_pd:
	.space	4096 * EARLY_PDS
early_ext_edx:
	.space	4

	.section .note.GNU-stack, "", @progbits
