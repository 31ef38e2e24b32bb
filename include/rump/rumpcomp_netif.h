/*
 * Host network interface hypercalls, the rumpcomp_netif_* family: an
 * Ethernet link to the machine underneath, for a rump kernel that runs
 * as a host process (sys/net/if_virt.c drives it). An extension of the
 * hypercall contract made for rumpmetal; hypercall-posix implements it
 * with a Linux tap device, hypercall-bm has no host and refuses the open
 * with ENODEV.
 *
 * Frames are whole Ethernet frames, header first, without CRC or any
 * host prefix. The host interface has a MAC address of its own; the
 * kernel side chooses a different one for itself and the host link
 * delivers every frame it sees (no filtering by address here).
 *
 * Lifecycle of a handle:
 *	open  ->  send / recv (any threads, concurrently)
 *	      ->  shutdown    (every blocked and later recv returns
 *	                       ECANCELED, send too)
 *	      ->  close       (no thread may be inside a call on the handle,
 *	                       nor call one afterwards)
 * shutdown is separate from close so that the receiving thread can be
 * woken, leave recv and be joined before the handle's memory goes.
 *
 * int results are errno values of the libc the caller runs with, 0 on
 * success. Only rumpcomp_netif_recv blocks in the host: it releases the
 * rump kernel CPU while it waits (hyp_backend_unschedule) and takes it
 * back before returning. The others never release it.
 */
#ifndef RUMP_RUMPCOMP_NETIF_H
#define RUMP_RUMPCOMP_NETIF_H

#include <stddef.h>

#include <rump/rumpuser.h>

/*
 * Attach to the host interface called name ("tap0"): *handlep receives
 * the handle, *mtup the host interface's MTU (payload bytes, not
 * counting the 14-byte Ethernet header). ENODEV: no such host facility
 * (bare metal); EINVAL: bad name; other errno values from the host
 * (EPERM, EBUSY: in use by another process, ...).
 */
int rumpcomp_netif_open(const char *name, void **handlep, unsigned *mtup);

/*
 * Send one frame, the concatenation of iovcnt segments. Does not block.
 * ENOBUFS: the host queue is full (frame dropped); ECANCELED after
 * shutdown; EMSGSIZE: larger than the host accepts; EIO and others from
 * the host (e.g. the host side of the interface is down).
 */
int rumpcomp_netif_send(void *handle, const struct rumpuser_iovec *iov,
    size_t iovcnt);

/*
 * Receive one frame into buf (buflen bytes) and set *lenp to its length.
 * Blocks until a frame comes or shutdown is called, releasing the rump
 * kernel CPU meanwhile. ECANCELED: the handle is being closed, leave;
 * EMSGSIZE: the frame was longer than buflen and has been dropped (buf
 * holds its first buflen bytes), call again; other errno values from the
 * host.
 */
int rumpcomp_netif_recv(void *handle, void *buf, size_t buflen,
    size_t *lenp);

/* Wake every receiver and fail every later recv/send with ECANCELED.
 * Idempotent; does not block. */
void rumpcomp_netif_shutdown(void *handle);

/* Release the handle (see the lifecycle above). */
void rumpcomp_netif_close(void *handle);

#endif
