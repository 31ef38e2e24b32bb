/*
 * Console input from keyboards: a keyboard driver (ukbd) turns key
 * presses into characters (US layout, with the usual control sequences
 * for arrows and function keys) and hands them to ttyin_deliver; they
 * reach the application's standard input together with what arrives
 * on the serial console.
 *
 * Who takes them is the sink: on bare metal the libc glue installs one
 * that feeds the console's input ring; host tests install their own.
 * Without a sink, characters are counted and dropped.
 *
 * ttyin_deliver may be called from any context (it is called from USB
 * completion callbacks): the sink must not sleep.
 */
#ifndef KERN_TTYIN_H
#define KERN_TTYIN_H

#include <stddef.h>

typedef void (*ttyin_sink_t)(const char *buf, size_t len);

void ttyin_set_sink(ttyin_sink_t sink);
void ttyin_deliver(const char *buf, size_t len);
unsigned long ttyin_dropped(void);

#endif
