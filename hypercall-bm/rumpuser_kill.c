/*
 * Signals. The manual has rumpuser_kill "advise" the hypervisor to raise
 * a signal for the process containing the rump kernel. On bare metal
 * there is no such process and nobody to deliver a signal to, so every
 * signal, fatal ones included, is accepted and ignored: 0 is returned.
 * (hypercall-posix raises a few of them in the host process; a rump
 * kernel must not rely on either behaviour, as the manual says.)
 */
#include <stdint.h>

#include "rumpuser_impl.h"

int
rumpuser_kill(int64_t pid, int sig)
{
	(void)pid;
	(void)sig;
	return 0;
}
