/* VGA text mode: buffer, geometry and CRT controller cursor registers. */
#ifndef X86_VGA_H
#define X86_VGA_H

#define VGA_TEXT_BASE	0xb8000
#define VGA_COLS	80
#define VGA_ROWS	25
#define VGA_ATTR	0x07	/* light grey on black */
#define VGA_CRTC_INDEX	0x3d4
#define VGA_CRTC_DATA	0x3d5
#define  CRTC_CURSOR_HI	0x0e
#define  CRTC_CURSOR_LO	0x0f

#endif
