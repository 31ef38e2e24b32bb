/*
 * Multiboot information parsing (Multiboot2 specification 2.0 and the
 * Multiboot 0.6.96 specification), portable C.
 *
 * The structure comes from a boot loader we do not control. Every read is
 * checked against the size the structure declares for itself (Multiboot2)
 * or against fixed limits (Multiboot1, which has no overall size); at the
 * first inconsistency parsing stops with a message and whatever was found
 * before it is kept.
 */
#include <bmk/bootinfo.h>
#include <bmk/cmdline.h>
#include <bmk/cons.h>
#include <bmk/errno.h>

#define MB2_MAGIC 0x36d76289u
#define MB1_MAGIC 0x2badb002u
#define MB2_MAXSIZE (1u << 20)	/* larger info structures are not believed */
#define MB1_MAXMMAP (64u * 1024)

enum mb2_tag {
	MB2_END = 0, MB2_CMDLINE = 1, MB2_LOADER = 2, MB2_MODULE = 3,
	MB2_MMAP = 6, MB2_FB = 8, MB2_RSDP_OLD = 14, MB2_RSDP_NEW = 15,
};

/* Unaligned-safe little-endian reads from a physical (identity) address. */
static uint32_t
rd32(uintptr_t a)
{
	const volatile uint8_t *p = (const volatile uint8_t *)a;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
rd64(uintptr_t a)
{
	return rd32(a) | (uint64_t)rd32(a + 4) << 32;
}

static uint8_t
rd8(uintptr_t a)
{
	return *(const volatile uint8_t *)a;
}

static char bootloader_name[64];

/* Copy a NUL-terminated string of at most max bytes (including NUL). */
static int
copy_str(char *dst, size_t dstlen, uintptr_t src, size_t max)
{
	size_t i;

	for (i = 0; i < max; i++) {
		char c = (char)rd8(src + i);
		if (c == '\0')
			break;
		if (i + 1 < dstlen)
			dst[i] = c;
	}
	dst[i < dstlen ? i : dstlen - 1] = '\0';
	if (i == max)
		return EINVAL;	/* not terminated inside its container */
	return i >= dstlen ? E2BIG : 0;
}

static void
note_cmdline(struct bootinfo *bi, int error)
{
	if (error == E2BIG)
		cons_printf("boot: command line longer than %d bytes, truncated\n",
		    BOOTINFO_CMDLINE_MAX - 1);
	else if (error)
		cons_printf("boot: command line not terminated, truncated\n");
	(void)bi;
}

static void
mb2_mmap(struct bootinfo *bi, uintptr_t tag, uint32_t size)
{
	uint32_t esize = rd32(tag + 8);
	uintptr_t e;

	if (esize < 24 || esize % 8 != 0) {
		cons_printf("boot: multiboot2 memory map entry size %u invalid,"
		    " map ignored\n", esize);
		return;
	}
	for (e = tag + 16; e + 24 <= tag + size; e += esize) {
		if (rd32(e + 16) != 1)	/* 1 = available RAM */
			continue;
		if (bootinfo_add_mem(bi, rd64(e), rd64(e + 8)) != 0) {
			cons_printf("boot: more than %d memory ranges, rest ignored\n",
			    BOOTINFO_MAXMEM);
			return;
		}
	}
}

static void
mb2_fb(struct bootinfo *bi, uintptr_t tag, uint32_t size)
{
	struct bootinfo_fb *fb = &bi->bi_fb;
	uint8_t type;

	if (size < 32)
		return;
	type = rd8(tag + 29);
	fb->fb_addr = rd64(tag + 8);
	fb->fb_pitch = rd32(tag + 16);
	fb->fb_width = rd32(tag + 20);
	fb->fb_height = rd32(tag + 24);
	fb->fb_bpp = rd8(tag + 28);
	if (type == 1 && size >= 38) {
		fb->fb_type = BOOTINFO_FB_RGB;
		fb->fb_red_pos = rd8(tag + 32);
		fb->fb_red_size = rd8(tag + 33);
		fb->fb_green_pos = rd8(tag + 34);
		fb->fb_green_size = rd8(tag + 35);
		fb->fb_blue_pos = rd8(tag + 36);
		fb->fb_blue_size = rd8(tag + 37);
	} else if (type == 2) {
		fb->fb_type = BOOTINFO_FB_EGATEXT;
	} else {
		fb->fb_type = BOOTINFO_FB_NONE;
	}
}

/* One tag; returns nonzero when the tag list ends. */
static int
mb2_tag(struct bootinfo *bi, uintptr_t tag, uint32_t type, uint32_t size)
{
	switch (type) {
	case MB2_END:
		return 1;
	case MB2_CMDLINE:
		note_cmdline(bi, copy_str(bi->bi_cmdline, sizeof(bi->bi_cmdline),
		    tag + 8, size - 8));
		break;
	case MB2_LOADER:
		copy_str(bootloader_name, sizeof(bootloader_name), tag + 8,
		    size - 8);
		break;
	case MB2_MODULE:
		if (size >= 16 && rd32(tag + 12) > rd32(tag + 8))
			bootinfo_add_rsv(bi, rd32(tag + 8),
			    rd32(tag + 12) - rd32(tag + 8));
		break;
	case MB2_MMAP:
		if (size >= 16)
			mb2_mmap(bi, tag, size);
		break;
	case MB2_FB:
		mb2_fb(bi, tag, size);
		break;
	case MB2_RSDP_OLD:
	case MB2_RSDP_NEW:
		/* The tag holds a copy of the RSDP; prefer the ACPI 2.0 one. */
		if (size >= 8 + 20 && (bi->bi_rsdp == 0 || type == MB2_RSDP_NEW))
			bi->bi_rsdp = tag + 8;
		break;
	default:
		break;
	}
	return 0;
}

static int
mb2_parse(uintptr_t info, struct bootinfo *bi)
{
	uint32_t total = rd32(info);
	uintptr_t end, tag;

	if (total < 16 || total > MB2_MAXSIZE) {
		cons_printf("boot: multiboot2 information size %u is not"
		    " believable\n", total);
		return EINVAL;
	}
	end = info + total;
	bootinfo_add_rsv(bi, info, total);
	for (tag = info + 8; tag + 8 <= end;) {
		uint32_t type = rd32(tag), size = rd32(tag + 4);

		if (size < 8 || size > end - tag) {
			cons_printf("boot: multiboot2 tag type %u at offset %lu has"
			    " size %u beyond the information structure;"
			    " ignoring the rest\n", type,
			    (unsigned long)(tag - info), size);
			return 0;
		}
		if (mb2_tag(bi, tag, type, size))
			return 0;
		tag += (size + 7) & ~7u;
	}
	cons_printf("boot: multiboot2 tag list has no end tag\n");
	return 0;
}

static void
mb1_mmap(struct bootinfo *bi, uintptr_t base, uint32_t len)
{
	uintptr_t e;

	if (len > MB1_MAXMMAP) {
		cons_printf("boot: multiboot memory map length %u too large,"
		    " ignored\n", len);
		return;
	}
	bootinfo_add_rsv(bi, base, len);
	for (e = base; e + 24 <= base + len; e += rd32(e) + 4) {
		if (rd32(e) < 20) {
			cons_printf("boot: multiboot memory map entry size %u"
			    " invalid, rest ignored\n", rd32(e));
			return;
		}
		if (rd32(e + 20) == 1 &&
		    bootinfo_add_mem(bi, rd64(e + 4), rd64(e + 12)) != 0)
			return;
	}
}

/* Multiboot1 passes "image-path args...": drop the path. */
static void
drop_first_word(char *s)
{
	char *p = s, *d = s;

	while (*p != '\0' && *p != ' ')
		p++;
	while (*p == ' ')
		p++;
	while ((*d++ = *p++) != '\0')
		;
}

static int
mb1_parse(uintptr_t info, struct bootinfo *bi)
{
	uint32_t flags = rd32(info);

	bootinfo_add_rsv(bi, info, 120);
	if (flags & (1u << 2)) {
		note_cmdline(bi, copy_str(bi->bi_cmdline, sizeof(bi->bi_cmdline),
		    rd32(info + 16), 4096));
		drop_first_word(bi->bi_cmdline);
	}
	if (flags & (1u << 9))
		copy_str(bootloader_name, sizeof(bootloader_name),
		    rd32(info + 64), 256);
	if (flags & (1u << 6))
		mb1_mmap(bi, rd32(info + 48), rd32(info + 44));
	else if (flags & (1u << 0)) {
		bootinfo_add_mem(bi, 0, (uint64_t)rd32(info + 4) * 1024);
		bootinfo_add_mem(bi, 1u << 20, (uint64_t)rd32(info + 8) * 1024);
	}
	if ((flags & (1u << 3)) && rd32(info + 20) <= 64) {
		uint32_t i, n = rd32(info + 20), mods = rd32(info + 24);
		bootinfo_add_rsv(bi, mods, n * 16);
		for (i = 0; i < n; i++)
			if (rd32(mods + i * 16 + 4) > rd32(mods + i * 16))
				bootinfo_add_rsv(bi, rd32(mods + i * 16),
				    rd32(mods + i * 16 + 4) - rd32(mods + i * 16));
	}
	return 0;
}

int
multiboot_parse(uint32_t magic, uintptr_t info, struct bootinfo *bi)
{
	int error;

	bi->bi_loader = bootloader_name;
	if (info == 0 || (magic == MB2_MAGIC && info % 8 != 0)) {
		cons_printf("boot: multiboot information pointer %#lx invalid\n",
		    (unsigned long)info);
		return EINVAL;
	}
	if (magic == MB2_MAGIC)
		error = mb2_parse(info, bi);
	else if (magic == MB1_MAGIC)
		error = mb1_parse(info, bi);
	else {
		cons_printf("boot: not started by a multiboot loader"
		    " (magic %#x)\n", magic);
		return EINVAL;
	}
	cons_set_quiet(cmdline_peek(bi->bi_cmdline, "quiet"));
	if (error == 0 && bi->bi_nmem == 0) {
		cons_printf("boot: the boot loader gave no memory map\n");
		return EINVAL;
	}
	return error;
}
