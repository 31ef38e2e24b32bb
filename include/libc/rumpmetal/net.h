/*
 * What an application may ask the kernel about its network
 * configuration (sys/libc/netinfo.c). Interfaces are configured at
 * boot from the net= options (README) while main() already runs.
 */
#ifndef _RUMPMETAL_NET_H_
#define _RUMPMETAL_NET_H_

#include <stddef.h>

/* Waits until an interface has an IPv4 address: 0, or -1 with errno
 * ETIMEDOUT after timeout_ms. */
int rumpmetal_netwait(int timeout_ms);
/*
 * One line per interface into buf: "vioif0 52:54:00:12:34:56 up
 * 10.0.2.15/24", then "default via 10.0.2.2 dev vioif0" if there is a
 * default route, and one "neighbor 10.0.2.2 lladdr 52:55:0a:00:02:02
 * dev vioif0" line per ARP cache entry. Returns the length (truncated to len - 1).
 */
size_t rumpmetal_netinfo(char *buf, size_t len);
/*
 * The DNS servers (DHCP or net=...,dns=), network order, at most max of
 * them, into servers; returns how many there are (<= max).
 */
struct in_addr;
size_t rumpmetal_dns_servers(struct in_addr *servers, size_t max);
/*
 * The kernel's network counters as text, one "name value" per line:
 * every nonzero interface counter ("vioif0 ipackets 42"), then every TCP
 * counter ("tcp connects 3", ...) and the mbuf counters ("mbuf mbufs
 * 12", ...). Returns the length (truncated to
 * len - 1, NUL-terminated).
 */
size_t rumpmetal_netstats(char *buf, size_t len);

#endif
