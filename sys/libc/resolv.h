/*
 * The DNS stub resolver's query loop (resolv_query.c) and its platform
 * side (resolv.c). The loop only sees a datagram transport and a clock
 * through struct res_transport, so the host unit tests run it against a
 * fake server; resolv.c gives it the application's UDP sockets, the
 * kernel's random numbers and its DNS server list. Private to sys/libc.
 */
#ifndef SYS_LIBC_RESOLV_H
#define SYS_LIBC_RESOLV_H

#include <stdint.h>

#include "resolv_msg.h"

#define RES_MAXSERVERS 3
#define RES_TIMEOUT_MS 2000	/* per try */
#define RES_TRIES 2		/* per server */

struct res_conf {
	uint32_t rc_servers[RES_MAXSERVERS];	/* network order */
	unsigned rc_nservers;
	uint16_t rc_port;		/* host order, normally DNS_PORT */
	unsigned rc_timeout_ms;
	unsigned rc_tries;
};

/*
 * One lookup opens one socket (a fresh random source port), sends each
 * try from it, and closes it. Functions return errno values.
 */
struct res_transport {
	void *rt_arg;
	int (*rt_open)(void *arg);
	void (*rt_close)(void *arg);
	int (*rt_send)(void *arg, uint32_t addr, uint16_t port,
	    const void *buf, unsigned len);
	/* One datagram, waiting until deadline_ms at most: 0 with *len,
	 * *from (network order) and *fromport (host order); ETIMEDOUT. */
	int (*rt_recv)(void *arg, void *buf, unsigned cap, unsigned *len,
	    uint32_t *from, uint16_t *fromport, uint64_t deadline_ms);
	uint64_t (*rt_now_ms)(void *arg);
	uint16_t (*rt_random16)(void *arg);
};

enum res_error {
	RES_OK,
	RES_NONAME,		/* NXDOMAIN, or not a valid name */
	RES_NODATA,		/* the name has no record of the type */
	RES_AGAIN,		/* no answer (timeouts, failed sends, SERVFAIL) */
	RES_FAIL,		/* refused, truncated, malformed, no servers */
	RES_SYSTEM,		/* no socket; *errp holds why */
};

/* Counters of one lookup, for tests and diagnostics. */
struct res_stats {
	unsigned rs_sent;		/* queries sent */
	unsigned rs_ignored;		/* datagrams that were not answers */
	unsigned rs_rejected;		/* answers refused as malformed etc. */
};

/*
 * Looks up name (text) for qtype (DNS_T_A or DNS_T_PTR), following
 * CNAMEs also across queries when a server answers with a chain that
 * ends without records. stats may be NULL.
 */
enum res_error res_lookup(const struct res_conf *rc,
    const struct res_transport *t, const uint8_t *qname, unsigned qlen,
    uint16_t qtype, struct dns_result *r, int *errp,
    struct res_stats *stats);

/* The platform lookup (resolv.c): the kernel's servers, UDP sockets. */
enum res_error res_platform_lookup(const uint8_t *qname, unsigned qlen,
    uint16_t qtype, struct dns_result *r, int *errp);

#endif
