/*
 * A scripted TCP peer for the TCP host tests (test_tcp_*.c): the test
 * plays the remote end, 10.0.0.2, through a fake interface. It builds
 * its own segments (header, options, checksum: nothing from
 * sys/netinet/tcp_output.c) and parses what our stack sent with its own
 * option parser.
 *
 * Timers run by hand (tcp_timers_manual): ttp_advance moves the stack's
 * clock and runs them, so every test is deterministic.
 */
#ifndef TESTS_NET_TEST_TCP_H
#define TESTS_NET_TEST_TCP_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include <net/socket.h>

#include "../../sys/netinet/tcp_var.h"
#include "inet_nt.h"

#define TTP_PORT 40000		/* the peer's port (host order) */

struct ttp {
	struct ifnet *ifp;
	uint16_t pport;		/* the peer's port, host order */
	uint16_t lport;		/* our stack's port, host order */
	uint32_t snd_nxt;	/* the peer's next sequence number */
	uint32_t rcv_nxt;	/* what the peer expects from us next */
	uint16_t win;		/* the peer's window field */
	bool ts;		/* the peer sends timestamps */
	uint32_t tsval;
	uint32_t tsecr;		/* the last TSval we sent */
};

/* One segment our stack sent, parsed by the test. */
struct ttp_seg {
	in_addr_t src, dst;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	unsigned dlen;
	uint8_t data[2048];
	bool sum_ok;
	int mss, ws;		/* -1: absent */
	bool sackok, has_ts;
	uint32_t tsval, tsecr;
	unsigned nsack;		/* SACK blocks we reported */
	uint32_t sack[4][2];
};

static inline uint32_t
ttp_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline void
ttp_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* TCP checksum over pseudo header + segment (the test's own). */
static inline uint16_t
ttp_sum(in_addr_t src, in_addr_t dst, const uint8_t *seg, unsigned len)
{
	static uint8_t tmp[12 + 65536];

	memcpy(tmp, &src, 4);
	memcpy(tmp + 4, &dst, 4);
	tmp[8] = 0;
	tmp[9] = IPPROTO_TCP;
	tmp[10] = (uint8_t)(len >> 8);
	tmp[11] = (uint8_t)len;
	memcpy(tmp + 12, seg, len);
	return in_cksum_buf(tmp, 12 + len);
}

/*
 * A raw segment from src:sport to dst:dport into frame f; returns the
 * frame length. opts/olen must be a multiple of 4 unless the test wants
 * a bad offset (off_override != 0 sets the data offset field).
 */
static inline unsigned
ttp_build(uint8_t *f, in_addr_t src, uint16_t sport, in_addr_t dst,
    uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
    const uint8_t *opts, unsigned olen, const void *data, unsigned dlen)
{
	static uint8_t seg[65536];
	struct nti_ip ip = {.src = src, .dst = dst, .proto = IPPROTO_TCP,
	    .id = 7};
	unsigned hl = 20 + olen;
	uint16_t s;

	memset(seg, 0, hl);
	seg[0] = (uint8_t)(sport >> 8);
	seg[1] = (uint8_t)sport;
	seg[2] = (uint8_t)(dport >> 8);
	seg[3] = (uint8_t)dport;
	ttp_put32(seg + 4, seq);
	ttp_put32(seg + 8, ack);
	seg[12] = (uint8_t)(((hl + 3) / 4) << 4);
	seg[13] = flags;
	seg[14] = (uint8_t)(win >> 8);
	seg[15] = (uint8_t)win;
	if (olen > 0)
		memcpy(seg + 20, opts, olen);
	if (dlen > 0)
		memcpy(seg + hl, data, dlen);
	s = ttp_sum(src, dst, seg, hl + dlen);
	memcpy(seg + 16, &s, 2);
	return nti_ipv4(f, nt_my_mac, &ip, seg, hl + dlen);
}

/* A segment from the peer on p's connection; options: timestamps if
 * p->ts, plus extra ones. */
static inline void
ttp_inject(struct ttp *p, uint8_t flags, uint32_t seq, uint32_t ack,
    const uint8_t *extra, unsigned elen, const void *data, unsigned dlen)
{
	static uint8_t f[70000];
	uint8_t o[40];
	unsigned olen = 0, n;

	if (p->ts) {
		o[0] = 1, o[1] = 1, o[2] = 8, o[3] = 10;
		ttp_put32(o + 4, ++p->tsval);
		ttp_put32(o + 8, (flags & TH_ACK) != 0 ? p->tsecr : 0);
		olen = 12;
	}
	if (elen > 0)
		memcpy(o + olen, extra, elen);
	olen += elen;
	n = ttp_build(f, NT_PEER_IP, p->pport, NT_MY_IP, p->lport, flags, seq,
	    ack, p->win, o, olen, data, dlen);
	fakeif_inject(p->ifp, f, n);
}

/* Data from the peer in order, with ACK; advances snd_nxt. */
static inline void
ttp_send(struct ttp *p, const void *data, unsigned len)
{
	ttp_inject(p, TH_ACK, p->snd_nxt, p->rcv_nxt, NULL, 0, data, len);
	p->snd_nxt += len;
}

static inline void
ttp_ack(struct ttp *p)
{
	ttp_inject(p, TH_ACK, p->snd_nxt, p->rcv_nxt, NULL, 0, NULL, 0);
}

/* The test's option parser for what we sent. */
static inline bool
ttp_parse_opts(struct ttp_seg *s, const uint8_t *o, unsigned len)
{
	unsigned i = 0;

	while (i < len) {
		if (o[i] == 0)
			break;
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len || o[i + 1] < 2 || i + o[i + 1] > len)
			return false;
		if (o[i] == 2 && o[i + 1] == 4)
			s->mss = o[i + 2] << 8 | o[i + 3];
		else if (o[i] == 3 && o[i + 1] == 3)
			s->ws = o[i + 2];
		else if (o[i] == 4 && o[i + 1] == 2)
			s->sackok = true;
		else if (o[i] == 5 && (o[i + 1] - 2) % 8 == 0 &&
		    o[i + 1] <= 34) {
			s->nsack = (o[i + 1] - 2) / 8u;
			for (unsigned k = 0; k < s->nsack; k++) {
				s->sack[k][0] = ttp_get32(o + i + 2 + 8 * k);
				s->sack[k][1] = ttp_get32(o + i + 6 + 8 * k);
			}
		}
		else if (o[i] == 8 && o[i + 1] == 10) {
			s->has_ts = true;
			s->tsval = ttp_get32(o + i + 2);
			s->tsecr = ttp_get32(o + i + 6);
		} else
			return false;
		i += o[i + 1];
	}
	return true;
}

/* The next TCP segment the stack sent (ARP and others skipped);
 * false if there is none. Checks checksums and the addresses. */
static inline bool
ttp_take(struct ifnet *ifp, struct ttp_seg *s)
{
	static uint8_t f[NT_FRAME_MAX];
	const uint8_t *t;
	size_t n;
	unsigned ihl, off, tlen;

	for (;;) {
		n = fakeif_take_sent_buf(ifp, f, sizeof(f));
		if (n == 0)
			return false;
		if (nti_etype(f) == ETHERTYPE_IP && nti_iph(f)->ip_p ==
		    IPPROTO_TCP)
			break;
	}
	memset(s, 0, sizeof(*s));
	s->mss = s->ws = -1;
	ihl = (unsigned)(nti_iph(f)->ip_vhl & 0x0f) * 4;
	tlen = net_ntohs(nti_iph(f)->ip_len) - ihl;
	NT_CHECK_EQ(in_cksum_buf(f + 14, ihl), 0);
	NT_CHECK(memcmp(f, nt_peer_mac, 6) == 0);
	t = f + 14 + ihl;
	s->src = nti_iph(f)->ip_src;
	s->dst = nti_iph(f)->ip_dst;
	s->sport = (uint16_t)(t[0] << 8 | t[1]);
	s->dport = (uint16_t)(t[2] << 8 | t[3]);
	s->seq = ttp_get32(t + 4);
	s->ack = ttp_get32(t + 8);
	off = (unsigned)(t[12] >> 4) * 4;
	s->flags = t[13];
	s->win = (uint16_t)(t[14] << 8 | t[15]);
	s->sum_ok = ttp_sum(s->src, s->dst, t, tlen) == 0;
	NT_CHECK(s->sum_ok);
	NT_CHECK(off >= 20 && off <= tlen);
	NT_CHECK(ttp_parse_opts(s, t + 20, off - 20));
	s->dlen = tlen - off;
	NT_CHECK(s->dlen <= sizeof(s->data));
	if (s->dlen <= sizeof(s->data))
		memcpy(s->data, t + off, s->dlen);
	return true;
}

/* Like ttp_take for p's connection: checks ports, tracks TSval. */
static inline bool
ttp_recv(struct ttp *p, struct ttp_seg *s)
{
	if (!ttp_take(p->ifp, s))
		return false;
	NT_CHECK(s->src == NT_MY_IP && s->dst == NT_PEER_IP);
	NT_CHECK_EQ(s->dport, p->pport);
	if (p->lport != 0)
		NT_CHECK_EQ(s->sport, p->lport);
	if (s->has_ts)
		p->tsecr = s->tsval;
	if (getenv("TTP_TRACE") != NULL)
		printf("  < seq %u ack %u flags %02x win %u len %u\n", s->seq,
		    s->ack, s->flags, s->win, s->dlen);
	return true;
}

/* Moves the clock by ms and runs the TCP (and ARP) timers. */
static inline void
ttp_advance(uint64_t ms)
{
	nti_advance_ms(ms);
	mutex_enter(&net_lock);
	tcp_timer_run();
	mutex_exit(&net_lock);
}

/* Interface with our address, the peer's MAC learnt, timers by hand. */
static inline struct ifnet *
ttp_ifcreate(const char *name)
{
	struct ifnet *ifp = nti_ifcreate(name);

	tcp_timers_manual = true;
	nti_learn_peer(ifp);
	return ifp;
}

/* The interface goes; TCP timers run on their own again. */
static inline void
ttp_ifdestroy(struct ifnet *ifp)
{
	fakeif_destroy(ifp);
	tcp_timers_manual = false;
}

static inline struct socket *
ttp_socket(void)
{
	struct socket *so = NULL;

	NT_CHECK_EQ(so_create(AF_INET_K, SOCK_STREAM_K, 0, &so), 0);
	return so;
}

static inline struct sockaddr_in_k
ttp_sin(in_addr_t a, uint16_t port)
{
	struct sockaddr_in_k sin = {.sin_len = sizeof(sin),
	    .sin_family = AF_INET_K, .sin_port = net_htons(port),
	    .sin_addr = a};

	return sin;
}

/* The state of so's connection block (-1 if it has none). */
static inline int
ttp_state(struct socket *so)
{
	int st;

	mutex_enter(&net_lock);
	st = so->so_pcb != NULL ? ((struct tcpcb *)so->so_pcb)->t_state : -1;
	mutex_exit(&net_lock);
	return st;
}

/* Number of connection blocks now. */
static inline uint64_t
ttp_pcbs(void)
{
	struct tcpstat st;

	tcp_getstat(&st);
	return st.tcps_pcbs;
}

/*
 * Active open of a non-blocking socket to the peer's port with the
 * options opts (NULL: MSS 1460, WS 7, TS, SACK-permitted). Leaves the
 * connection established; returns the socket.
 */
static inline struct socket *
ttp_connect(struct ttp *p, struct ifnet *ifp, bool ts)
{
	struct sockaddr_in_k sin = ttp_sin(NT_PEER_IP, TTP_PORT);
	uint8_t o[12] = {2, 4, 1460 >> 8, 1460 & 0xff, 1, 3, 3, 7, 1, 1, 4, 2};
	struct socket *so = ttp_socket();
	struct ttp_seg s;

	memset(p, 0, sizeof(*p));
	p->ifp = ifp;
	p->pport = TTP_PORT;
	p->win = 65535;
	p->ts = ts;
	p->tsval = 1000;
	so_setnbio(so, true);
	NT_CHECK_EQ(so_connect(so, &sin, sizeof(sin)), EINPROGRESS);
	NT_CHECK(ttp_recv(p, &s));
	NT_CHECK(s.flags == TH_SYN && s.dlen == 0);
	p->lport = s.sport;
	p->rcv_nxt = s.seq + 1;
	p->snd_nxt = 0x10000000u;
	ttp_inject(p, TH_SYN | TH_ACK, p->snd_nxt, p->rcv_nxt, o, 12, NULL, 0);
	p->snd_nxt++;
	NT_CHECK(ttp_recv(p, &s));
	NT_CHECK(s.flags == TH_ACK && s.ack == p->snd_nxt &&
	    s.seq == p->rcv_nxt);
	NT_CHECK_EQ(ttp_state(so), TCPS_ESTABLISHED);
	return so;
}

/* A listener on port (host order) with backlog. */
static inline struct socket *
ttp_listen(uint16_t port, int backlog)
{
	struct sockaddr_in_k sin = ttp_sin(0, port);
	struct socket *so = ttp_socket();

	NT_CHECK_EQ(so_bind(so, &sin, sizeof(sin)), 0);
	NT_CHECK_EQ(so_listen(so, backlog), 0);
	so_setnbio(so, true);
	return so;
}

/* The peer connects to listener port lport from p->pport; the
 * connection is accepted and returned. */
static inline struct socket *
ttp_accept(struct ttp *p, struct ifnet *ifp, struct socket *ls,
    uint16_t lport, bool ts)
{
	uint8_t o[12] = {2, 4, 1460 >> 8, 1460 & 0xff, 1, 3, 3, 7, 1, 1, 4, 2};
	struct socket *ns = NULL;
	struct sockaddr_in_k peer;
	unsigned alen = sizeof(peer);
	struct ttp_seg s;

	memset(p, 0, sizeof(*p));
	p->ifp = ifp;
	p->pport = TTP_PORT;
	p->lport = lport;
	p->win = 65535;
	p->ts = ts;
	p->tsval = 5000;
	p->snd_nxt = 0x20000000u;
	ttp_inject(p, TH_SYN, p->snd_nxt, 0, o, 12, NULL, 0);
	p->snd_nxt++;
	NT_CHECK(ttp_recv(p, &s));
	NT_CHECK(s.flags == (TH_SYN | TH_ACK) && s.ack == p->snd_nxt);
	p->rcv_nxt = s.seq + 1;
	ttp_ack(p);
	NT_CHECK_EQ(so_accept(ls, &ns, &peer, &alen), 0);
	NT_CHECK(ns != NULL);
	if (ns == NULL)
		return NULL;
	NT_CHECK(peer.sin_addr == NT_PEER_IP &&
	    peer.sin_port == net_htons(p->pport));
	so_setnbio(ns, true);
	return ns;
}

/* Closes so with a reset (SO_LINGER 0): nothing of it stays behind. */
static inline void
ttp_abort(struct socket *so)
{
	struct so_linger l = {1, 0};

	NT_CHECK_EQ(so_setsockopt(so, SOL_SOCKET_K, SO_LINGER_K, &l,
	    sizeof(l)), 0);
	NT_CHECK_EQ(so_close(so), 0);
}

/* so_sendto of len bytes; returns what was queued. */
static inline size_t
ttp_app_send(struct socket *so, const void *buf, size_t len)
{
	size_t sent = 0;

	(void)so_sendto(so, buf, len, 0, NULL, 0, &sent);
	return sent;
}

/* so_recvfrom; returns the count, or -errno. */
static inline long
ttp_app_recv(struct socket *so, void *buf, size_t len)
{
	size_t got = 0;
	int rv = so_recvfrom(so, buf, len, 0, NULL, NULL, &got);

	return rv != 0 ? -(long)rv : (long)got;
}

#endif
