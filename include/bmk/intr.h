/*
 * Interrupt dispatch. Hardware handlers (arch) only record the line and
 * wake its interrupt thread; driver handlers run in thread context.
 */
#ifndef BMK_INTR_H
#define BMK_INTR_H

#include <stdint.h>

/* Handler: returns nonzero if the interrupt was for it. */
typedef int (*intr_handler_t)(void *arg);

void intr_init(void);
/* Attach a handler to a device line; creates the line's thread. */
int intr_establish(int irq, intr_handler_t fn, void *arg);
/* Called by the arch in interrupt context, interrupts disabled. */
void intr_raise(int irq);
/* Count of interrupts seen on a line. */
uint64_t intr_count(int irq);

#endif
