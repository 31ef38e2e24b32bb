/*
 * VGA text console (80x25 at 0xb8000), used when the loader left the
 * display in EGA text mode. Invariant: 0 <= row < VGA_ROWS and
 * 0 <= col < VGA_COLS between calls; the hardware cursor follows.
 */
#include <stdbool.h>
#include <stdint.h>

#include <x86/arch.h>
#include <x86/cpu.h>
#include <x86/vga.h>

static volatile uint16_t *const vga_buf = (volatile uint16_t *)VGA_TEXT_BASE;
static bool vga_on;
static unsigned row, col;

static inline uint16_t
vga_cell(char c)
{
	return (uint16_t)(VGA_ATTR << 8 | (uint8_t)c);
}

static void
vga_clear_row(unsigned r)
{
	for (unsigned c = 0; c < VGA_COLS; c++)
		vga_buf[r * VGA_COLS + c] = vga_cell(' ');
}

static void
vga_scroll(void)
{
	for (unsigned i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
		vga_buf[i] = vga_buf[i + VGA_COLS];
	vga_clear_row(VGA_ROWS - 1);
}

static void
vga_update_cursor(void)
{
	unsigned pos = row * VGA_COLS + col;

	outb(VGA_CRTC_INDEX, CRTC_CURSOR_HI);
	outb(VGA_CRTC_DATA, (pos >> 8) & 0xff);
	outb(VGA_CRTC_INDEX, CRTC_CURSOR_LO);
	outb(VGA_CRTC_DATA, pos & 0xff);
}

static void
vga_newline(void)
{
	col = 0;
	if (++row == VGA_ROWS) {
		vga_scroll();
		row = VGA_ROWS - 1;
	}
}

static void
vga_putc(char c)
{
	switch (c) {
	case '\n':
		vga_newline();
		return;
	case '\r':
		col = 0;
		return;
	case '\b':
		if (col > 0)
			col--;
		return;
	case '\t':
		do
			vga_putc(' ');
		while (col % 8 != 0);
		return;
	}
	vga_buf[row * VGA_COLS + col] = vga_cell(c);
	if (++col == VGA_COLS)
		vga_newline();
}

void
vga_init(void)
{
	for (unsigned r = 0; r < VGA_ROWS; r++)
		vga_clear_row(r);
	row = col = 0;
	vga_on = true;
	vga_update_cursor();
}

void
vga_write(const char *buf, size_t len)
{
	if (!vga_on)
		return;
	for (size_t i = 0; i < len; i++)
		vga_putc(buf[i]);
	vga_update_cursor();
}
