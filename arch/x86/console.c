/*
 * The console multiplexer behind plat_cons_*: output goes to every
 * console present (COM1, VGA text, framebuffer); input comes from COM1.
 * Serial comes up first in arch_x86_main; the screens once the boot
 * information says what the display is.
 */
#include <stdbool.h>
#include <stddef.h>

#include <bmk/bootinfo.h>
#include <bmk/cons.h>
#include <bmk/errno.h>
#include <bmk/platform.h>
#include <x86/arch.h>

static size_t
str_len(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

static bool screen_on;

/*
 * EGA text if the loader says so, or by default under Multiboot 1 from a
 * BIOS (QEMU -kernel), which reports no framebuffer and leaves text mode.
 * Called again after mmu_init: a framebuffer above the boot map's 4 GiB
 * can only be drawn on then.
 */
void
console_screen_init(const struct bootinfo *bi, bool mb1)
{
	const struct bootinfo_fb *fb = &bi->bi_fb;
	static bool fb_reported;
	int err;

	if (screen_on)
		return;
	if (fb->fb_type == BOOTINFO_FB_RGB) {
		if ((err = fbcons_init(fb)) != 0) {
			if (err == EINVAL && !fb_reported)
				cons_printf("console: framebuffer %ux%u with "
				    "%u bpp not supported\n", fb->fb_width,
				    fb->fb_height, fb->fb_bpp);
			fb_reported = true;
			return;
		}
		screen_on = true;
		cons_logf("console: framebuffer %ux%u, %u bpp at 0x%llx\n",
		    fb->fb_width, fb->fb_height, fb->fb_bpp,
		    (unsigned long long)fb->fb_addr);
	} else if (fb->fb_type == BOOTINFO_FB_EGATEXT ||
	    (mb1 && fb->fb_type == BOOTINFO_FB_NONE)) {
		vga_init();
		screen_on = true;
	}
}

void
plat_cons_write(const char *buf, size_t len)
{
	serial_write(buf, len);
	vga_write(buf, len);
	fbcons_write(buf, len);
}

void
console_screen_puts(const char *s)
{
	size_t len = str_len(s);

	vga_write(s, len);
	fbcons_write(s, len);
}

void
console_puts_raw(const char *s)
{
	plat_cons_write(s, str_len(s));
}

int
plat_cons_getc(void)
{
	return serial_getc();
}

int
plat_cons_irq(void)
{
	return serial_enable_rx_intr();
}
