/*
 * Constants for the Multiboot 1 (0.6.96) and Multiboot2 (2.0) headers that
 * boot/x86_64/entry.S emits, and the magic values loaders pass in eax.
 */
#ifndef X86_MULTIBOOT_HDR_H
#define X86_MULTIBOOT_HDR_H

#define MB1_HEADER_MAGIC	0x1badb002
#define MB1_BOOT_MAGIC		0x2badb002
#define MB1_FLAG_PAGE_ALIGN	(1 << 0)	/* modules page aligned */
#define MB1_FLAG_MEMINFO	(1 << 1)	/* mem_* and mmap fields */
#define MB1_FLAG_AOUT_KLUDGE	(1 << 16)	/* address fields valid */

#define MB2_HEADER_MAGIC	0xe85250d6
#define MB2_BOOT_MAGIC		0x36d76289
#define MB2_ARCH_I386		0
#define MB2_TAG_END		0
#define MB2_TAG_FRAMEBUFFER	5
#define MB2_TAG_OPTIONAL	1

#endif
