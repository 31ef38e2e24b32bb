/*
 * The stub resolver's query loop (resolv.h): RES_TRIES rounds over the
 * configured servers, RES_TIMEOUT_MS per try, a fresh random query id
 * per try, and only answers that come from the server asked, from its
 * port, with our id and our question are looked at (others are counted
 * and ignored while the wait goes on). NXDOMAIN and an answer end the
 * lookup; SERVFAIL, REFUSED, truncation and malformed answers move on
 * to the next server. A failed send counts as no answer (RES_AGAIN,
 * the errno kept in *errp); only a socket that cannot be opened is
 * RES_SYSTEM.
 *
 * Portable: no sockets or clocks of its own (struct res_transport).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "resolv.h"

#define RES_BUFSZ 1500

struct res_query {
	const struct res_conf *q_rc;
	const struct res_transport *q_t;
	const uint8_t *q_name;
	unsigned q_namelen;
	uint16_t q_type;
	struct res_stats *q_stats;
};

/*
 * Waits for the answer to query id from server: 0 with *st, ETIMEDOUT
 * at the deadline, or a transport errno.
 */
static int
await_answer(const struct res_query *q, uint32_t server, uint16_t id,
    uint64_t deadline, struct dns_result *r, enum dns_status *st)
{
	const struct res_transport *t = q->q_t;
	uint8_t buf[RES_BUFSZ];

	for (;;) {
		uint32_t from;
		uint16_t port;
		unsigned len;
		int rv;

		rv = t->rt_recv(t->rt_arg, buf, sizeof(buf), &len, &from, &port,
		    deadline);
		if (rv != 0)
			return rv;
		if (from != server || port != q->q_rc->rc_port) {
			q->q_stats->rs_ignored++;
			continue;
		}
		*st = dns_response_parse(buf, len, id, q->q_name,
		    q->q_namelen, q->q_type, r);
		if (*st != DNS_NOTOURS)
			return 0;
		q->q_stats->rs_ignored++;
	}
}

/* One query to one server: ETIMEDOUT, an errno, or 0 with *st. */
static int
ask(const struct res_query *q, uint32_t server, struct dns_result *r,
    enum dns_status *st)
{
	const struct res_transport *t = q->q_t;
	uint8_t msg[DNS_HDRLEN + DNS_MAXNAME + 4];
	uint16_t id = t->rt_random16(t->rt_arg);
	unsigned len;
	int rv;

	if (dns_query_build(id, q->q_name, q->q_namelen, q->q_type, msg,
	    sizeof(msg), &len) != 0)
		return EINVAL;
	rv = t->rt_send(t->rt_arg, server, q->q_rc->rc_port, msg, len);
	if (rv != 0)
		return rv;
	q->q_stats->rs_sent++;
	return await_answer(q, server, id,
	    t->rt_now_ms(t->rt_arg) + q->q_rc->rc_timeout_ms, r, st);
}

/* What a final answer means for the lookup; RES_AGAIN/FAIL go on. */
static enum res_error
status_result(enum dns_status st)
{
	switch (st) {
	case DNS_OK:
		return RES_OK;
	case DNS_NODATA:
		return RES_NODATA;
	case DNS_NXDOMAIN:
		return RES_NONAME;
	case DNS_SERVFAIL:
		return RES_AGAIN;
	default:
		return RES_FAIL;
	}
}

/* One name: every server, every try, until an answer ends it. */
static enum res_error
query_once(const struct res_query *q, struct dns_result *r, int *errp)
{
	const struct res_conf *rc = q->q_rc;
	enum res_error last = RES_AGAIN, e;
	enum dns_status st;
	int rv;

	if (rc->rc_nservers == 0)
		return RES_FAIL;
	if ((rv = q->q_t->rt_open(q->q_t->rt_arg)) != 0) {
		*errp = rv;
		return RES_SYSTEM;
	}
	*errp = 0;
	for (unsigned i = 0; i < rc->rc_tries * rc->rc_nservers; i++) {
		rv = ask(q, rc->rc_servers[i % rc->rc_nservers], r, &st);
		if (rv != 0) {
			/* No answer: a timeout, or the send failed (no route,
			 * ARP gave up); *errp keeps the last reason. */
			if (rv != ETIMEDOUT)
				*errp = rv;
			continue;
		}
		e = status_result(st);
		if (e != RES_AGAIN && e != RES_FAIL) {
			last = e;
			break;
		}
		q->q_stats->rs_rejected++;
		last = e;
	}
	q->q_t->rt_close(q->q_t->rt_arg);
	return last;
}

enum res_error
res_lookup(const struct res_conf *rc, const struct res_transport *t,
    const uint8_t *qname, unsigned qlen, uint16_t qtype,
    struct dns_result *r, int *errp, struct res_stats *stats)
{
	struct res_stats local = { 0 };
	uint8_t name[DNS_MAXNAME];
	struct res_query q = { rc, t, name, qlen, qtype,
	    stats != NULL ? stats : &local };
	unsigned links = 0;
	enum res_error e;

	if (qlen == 0 || qlen > DNS_MAXNAME)
		return RES_NONAME;
	memcpy(name, qname, qlen);
	memset(r, 0, sizeof(*r));
	for (;;) {
		e = query_once(&q, r, errp);
		links += r->dr_ncname;
		if (e != RES_NODATA || r->dr_ncname == 0)
			break;
		/* The chain ended without records: ask for its end. */
		if (links > DNS_MAXCNAME)
			return RES_FAIL;
		memcpy(name, r->dr_name, r->dr_namelen);
		q.q_namelen = r->dr_namelen;
	}
	r->dr_ncname = links;
	return e;
}
