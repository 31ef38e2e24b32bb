/*
 * virt: Ethernet interfaces over the host network interface hypercalls
 * (rump/rumpcomp_netif.h), sys/net/if_virt.c. When the rump kernel runs
 * as a Linux process, each one is a tap device of the host.
 *
 * They are made at rump_init (an early subsystem) from the parameter
 * "tap": a comma-separated list of host interface names, "tap0" or
 * "tap0,tap1", giving virt0, virt1, ... in that order. On bare metal
 * there is no host, and the parameter is normally absent.
 */
#ifndef NET_IF_VIRT_H
#define NET_IF_VIRT_H

#include <net/netif.h>

/* Most interfaces the parameter may name. */
#define VIRT_MAXUNITS 8

/*
 * Stop a virt interface and free it: its receive thread is woken and
 * joined, the interface detached, the host interface released. Called
 * without net_lock (the receive thread may be waiting for it). EINVAL:
 * not a virt interface.
 */
int virt_detach(struct ifnet *ifp);
/* Detach every virt interface; returns how many there were. */
int virt_detach_all(void);

#endif
