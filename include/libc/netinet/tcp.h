/*
 * TCP socket options for the application (level IPPROTO_TCP of
 * setsockopt/getsockopt; the kernel side is sys/netinet/tcp_usrreq.c).
 * The numbers are Linux's.
 */
#ifndef _NETINET_TCP_H_
#define _NETINET_TCP_H_

#define TCP_NODELAY 1	/* int: no Nagle (send small segments at once) */
#define TCP_MAXSEG 2	/* int: largest segment to send (only lowers it) */
#define TCP_KEEPIDLE 4	/* int seconds: idle time before keepalives */
#define TCP_KEEPINTVL 5	/* int seconds: between keepalive probes */
#define TCP_KEEPCNT 6	/* int: unanswered probes before the reset */

#endif
