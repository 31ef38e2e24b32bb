/*
 * Symbols from boot/x86_64/kernel.ld bounding the image's regions. All
 * are page aligned except _data_end.
 */
#ifndef X86_LAYOUT_H
#define X86_LAYOUT_H

extern char _kernel_start[], _text_start[], _text_end[], _rodata_end[];
extern char _data_start[], _data_end[], _bss_start[], _kernel_end[];

#endif
