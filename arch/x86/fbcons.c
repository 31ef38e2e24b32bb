/*
 * Framebuffer text console for linear RGB framebuffers (UEFI GOP, VBE),
 * 32, 24 or 16 bits per pixel, drawn with the built-in font (font.c).
 *
 * Invariant: cells[] holds the character shown in every cell, so
 * scrolling redraws only the cells whose character changes and never
 * reads the framebuffer (reads from write-combining memory are slow).
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/bootinfo.h>
#include <bmk/errno.h>
#include <x86/arch.h>

#define MAX_COLS 256
#define MAX_ROWS 128
#define FG_RGB 0xc0c0c0
#define BG_RGB 0x000000

static struct {
	bool on;
	uintptr_t base;
	uint32_t pitch;
	unsigned bytespp;
	unsigned cols, rows;
	unsigned col, row;
	uint32_t fg, bg;
} fbc;
static char cells[MAX_ROWS][MAX_COLS];

static uint32_t
fb_channel(uint32_t rgb, unsigned shift, uint8_t pos, uint8_t size)
{
	uint32_t v = (rgb >> shift) & 0xff;

	if (size == 0)
		return 0;
	if (size < 8)
		v >>= 8 - size;
	return v << pos;
}

static uint32_t
fb_color(const struct bootinfo_fb *fb, uint32_t rgb)
{
	return fb_channel(rgb, 16, fb->fb_red_pos, fb->fb_red_size) |
	    fb_channel(rgb, 8, fb->fb_green_pos, fb->fb_green_size) |
	    fb_channel(rgb, 0, fb->fb_blue_pos, fb->fb_blue_size);
}

static void
fb_put_pixel(uintptr_t p, uint32_t v)
{
	switch (fbc.bytespp) {
	case 4:
		*(volatile uint32_t *)p = v;
		break;
	case 3:
		((volatile uint8_t *)p)[0] = v & 0xff;
		((volatile uint8_t *)p)[1] = (v >> 8) & 0xff;
		((volatile uint8_t *)p)[2] = (v >> 16) & 0xff;
		break;
	case 2:
		*(volatile uint16_t *)p = (uint16_t)v;
		break;
	}
}

static void
fb_draw_cell(unsigned row, unsigned col)
{
	unsigned char c = (unsigned char)cells[row][col];
	uintptr_t line = fbc.base + (uintptr_t)row * FONT_H * fbc.pitch +
	    (uintptr_t)col * FONT_W * fbc.bytespp;

	for (unsigned y = 0; y < FONT_H; y++, line += fbc.pitch) {
		uint8_t bits = font_row(c, y);
		for (unsigned x = 0; x < FONT_W; x++)
			fb_put_pixel(line + x * fbc.bytespp,
			    (bits & (0x80 >> x)) ? fbc.fg : fbc.bg);
	}
}

static void
fb_set_cell(unsigned row, unsigned col, char c)
{
	if (cells[row][col] == c)
		return;
	cells[row][col] = c;
	fb_draw_cell(row, col);
}

static void
fb_scroll(void)
{
	for (unsigned r = 0; r + 1 < fbc.rows; r++)
		for (unsigned c = 0; c < fbc.cols; c++)
			fb_set_cell(r, c, cells[r + 1][c]);
	for (unsigned c = 0; c < fbc.cols; c++)
		fb_set_cell(fbc.rows - 1, c, ' ');
}

static void
fb_newline(void)
{
	fbc.col = 0;
	if (++fbc.row == fbc.rows) {
		fb_scroll();
		fbc.row = fbc.rows - 1;
	}
}

static void
fb_putc(char c)
{
	switch (c) {
	case '\n':
		fb_newline();
		return;
	case '\r':
		fbc.col = 0;
		return;
	case '\b':
		if (fbc.col > 0)
			fbc.col--;
		return;
	case '\t':
		do
			fb_putc(' ');
		while (fbc.col % 8 != 0);
		return;
	}
	fb_set_cell(fbc.row, fbc.col, c);
	if (++fbc.col == fbc.cols)
		fb_newline();
}

int
fbcons_init(const struct bootinfo_fb *fb)
{
	uint64_t size = (uint64_t)fb->fb_pitch * fb->fb_height;

	if (fb->fb_addr == 0 || (fb->fb_bpp != 32 && fb->fb_bpp != 24 &&
	    fb->fb_bpp != 16) || fb->fb_width < FONT_W ||
	    fb->fb_height < FONT_H ||
	    fb->fb_pitch < fb->fb_width * (fb->fb_bpp / 8))
		return EINVAL;
	if (!mmu_is_mapped(fb->fb_addr) ||
	    !mmu_is_mapped(fb->fb_addr + size - 1))
		return EFAULT;
	fbc.base = fb->fb_addr;
	fbc.pitch = fb->fb_pitch;
	fbc.bytespp = fb->fb_bpp / 8;
	fbc.cols = fb->fb_width / FONT_W;
	fbc.rows = fb->fb_height / FONT_H;
	if (fbc.cols > MAX_COLS)
		fbc.cols = MAX_COLS;
	if (fbc.rows > MAX_ROWS)
		fbc.rows = MAX_ROWS;
	fbc.fg = fb_color(fb, FG_RGB);
	fbc.bg = fb_color(fb, BG_RGB);
	fbc.col = fbc.row = 0;
	/* Paint every cell once; cells[] starts as NULs, so each differs. */
	for (unsigned r = 0; r < fbc.rows; r++)
		for (unsigned c = 0; c < fbc.cols; c++)
			fb_set_cell(r, c, ' ');
	fbc.on = true;
	return 0;
}

void
fbcons_write(const char *buf, size_t len)
{
	if (!fbc.on)
		return;
	for (size_t i = 0; i < len; i++)
		fb_putc(buf[i]);
}
