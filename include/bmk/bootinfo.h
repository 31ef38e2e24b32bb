/*
 * What the boot loader told us, in a form that does not depend on the
 * boot protocol. Filled by boot/ (Multiboot2 on x86, the device tree on
 * ARM) and consumed by hypercall-bm.
 */
#ifndef BMK_BOOTINFO_H
#define BMK_BOOTINFO_H

#include <stddef.h>
#include <stdint.h>

#define BOOTINFO_MAXMEM 64
#define BOOTINFO_MAXRSV 32
#define BOOTINFO_CMDLINE_MAX 1024

struct bootinfo_range {
	uint64_t br_base;
	uint64_t br_len;
};

struct bootinfo_fb {
	uint64_t fb_addr;	/* physical address, 0 if none */
	uint32_t fb_pitch;	/* bytes per line */
	uint32_t fb_width;
	uint32_t fb_height;
	uint8_t fb_bpp;
	uint8_t fb_type;	/* BOOTINFO_FB_* */
	uint8_t fb_red_pos, fb_red_size;
	uint8_t fb_green_pos, fb_green_size;
	uint8_t fb_blue_pos, fb_blue_size;
};
#define BOOTINFO_FB_NONE 0
#define BOOTINFO_FB_RGB 1
#define BOOTINFO_FB_EGATEXT 2

struct bootinfo {
	/* Usable RAM, as reported; not yet minus the reserved ranges. */
	struct bootinfo_range bi_mem[BOOTINFO_MAXMEM];
	int bi_nmem;
	/* Ranges inside RAM that must not be allocated (kernel, modules...). */
	struct bootinfo_range bi_rsv[BOOTINFO_MAXRSV];
	int bi_nrsv;
	char bi_cmdline[BOOTINFO_CMDLINE_MAX];
	uint64_t bi_rsdp;	/* physical address of the ACPI RSDP copy, or 0 */
	struct bootinfo_fb bi_fb;
	const char *bi_loader;	/* boot loader name, or "" */
};

/* Add a range; returns 0 or ENOSPC when the table is full. */
int bootinfo_add_mem(struct bootinfo *bi, uint64_t base, uint64_t len);
int bootinfo_add_rsv(struct bootinfo *bi, uint64_t base, uint64_t len);

/*
 * Fill bi from a Multiboot2 (magic 0x36d76289) or Multiboot1 (magic
 * 0x2badb002) information structure at info. Every tag is bounds-checked
 * against the structure's own size; malformed input is reported on the
 * console and parsing stops at the first bad tag. Reserves the
 * information structure, the command line and any boot modules.
 * Returns 0, or EINVAL when nothing usable was found.
 */
int multiboot_parse(uint32_t magic, uintptr_t info, struct bootinfo *bi);

#endif
