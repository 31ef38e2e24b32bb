/*
 * Interrupt handlers of drivers. The hypervisor runs handlers in its
 * interrupt thread for the line, in thread context but without a rump
 * kernel CPU; kintr_establish wraps the handler so that it always runs
 * with an lwp and a CPU, like any other kernel code: it may take
 * adaptive mutexes and signal condition variables.
 *
 * The cookie is the one given to rumpcomp_pci_irq_map for the function.
 * The hypercall contract has no way to remove a handler: after
 * kintr_disestablish the handler is never called again, but the small
 * wrapper stays allocated.
 */
#ifndef KERN_INTR_H
#define KERN_INTR_H

struct kintr;

/* *ihp receives the handle; handler returns nonzero if it was its interrupt. */
int kintr_establish(unsigned cookie, int (*handler)(void *), void *arg,
    const char *xname, struct kintr **ihp);
void kintr_disestablish(struct kintr *ih);
/* Interrupts handled (handler returned nonzero) so far. */
unsigned long kintr_count(const struct kintr *ih);

#endif
