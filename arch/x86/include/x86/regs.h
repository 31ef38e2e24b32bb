/*
 * x86_64 architectural register bits used by the platform code: control
 * registers, EFER, model-specific registers, RFLAGS and CPUID feature
 * bits. Values from the Intel SDM vol. 3 (ch. 2, 4) and the AMD APM vol. 2.
 * Plain #defines only, so that assembly files can include this too.
 */
#ifndef X86_REGS_H
#define X86_REGS_H

/* CR0 */
#define CR0_PE		(1 << 0)	/* protected mode */
#define CR0_MP		(1 << 1)	/* monitor coprocessor */
#define CR0_EM		(1 << 2)	/* x87 emulation (must be 0 for SSE) */
#define CR0_TS		(1 << 3)	/* task switched */
#define CR0_NE		(1 << 5)	/* native x87 error reporting */
#define CR0_WP		(1 << 16)	/* supervisor honours read-only pages */
#define CR0_PG		0x80000000	/* paging */

/* CR4 */
#define CR4_PAE		(1 << 5)
#define CR4_PGE		(1 << 7)
#define CR4_OSFXSR	(1 << 9)	/* fxsave/fxrstor, SSE enabled */
#define CR4_OSXMMEXCPT	(1 << 10)	/* unmasked SSE exceptions -> #XM */

/* Model-specific registers */
#define MSR_APIC_BASE	0x0000001b
#define  APIC_BASE_BSP		(1 << 8)
#define  APIC_BASE_ENABLE	(1 << 11)
#define  APIC_BASE_ADDR_MASK	0x000ffffffffff000ULL
#define MSR_PAT		0x00000277
#define MSR_EFER	0xc0000080
#define  EFER_SCE	(1 << 0)
#define  EFER_LME	(1 << 8)	/* long mode enable */
#define  EFER_LMA	(1 << 10)	/* long mode active (read only) */
#define  EFER_NXE	(1 << 11)	/* no-execute page bit enable */

/*
 * PAT memory types (SDM 11.12). We reprogram entry 1 (selected by PWT=1,
 * PCD=0 in a leaf entry) from write-through to write-combining for the
 * framebuffer; entries 0 (WB) and 3 (UC) keep their reset meaning.
 */
#define PAT_UC		0x00
#define PAT_WC		0x01
#define PAT_WT		0x04
#define PAT_WB		0x06
#define PAT_UCMINUS	0x07
#define PAT_VALUE	((unsigned long long)PAT_WB << 0 | \
			 (unsigned long long)PAT_WC << 8 | \
			 (unsigned long long)PAT_UCMINUS << 16 | \
			 (unsigned long long)PAT_UC << 24 | \
			 (unsigned long long)PAT_WB << 32 | \
			 (unsigned long long)PAT_WT << 40 | \
			 (unsigned long long)PAT_UCMINUS << 48 | \
			 (unsigned long long)PAT_UC << 56)

/* RFLAGS */
#define RFLAGS_IF	(1 << 9)
#define RFLAGS_ID	(1 << 21)	/* writable iff CPUID exists */

/* CPUID leaves and bits */
#define CPUID_EXT_MAX		0x80000000
#define CPUID_EXT_FEATURES	0x80000001
#define  CPUID_EXT_EDX_NX	(1 << 20)
#define  CPUID_EXT_EDX_LM	(1 << 29)
#define CPUID_EXT_POWER		0x80000007
#define  CPUID_POWER_EDX_INVTSC	(1 << 8)
#define CPUID_FEATURES		0x00000001
#define  CPUID_EDX_TSC		(1 << 4)
#define  CPUID_EDX_PAE		(1 << 6)
#define  CPUID_EDX_APIC		(1 << 9)
#define  CPUID_EDX_PAT		(1 << 16)
#define  CPUID_ECX_TSCDEADLINE	(1 << 24)
#define  CPUID_ECX_HYPERVISOR	0x80000000
#define CPUID_HV_BASE		0x40000000

/* Initial x87 control word and MXCSR (SysV ABI defaults). */
#define X87_CW_DEFAULT	0x037f
#define MXCSR_DEFAULT	0x1f80

#endif
