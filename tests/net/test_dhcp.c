/*
 * The DHCP client (sys/netinet/dhcp.c, dhcp_msg.c): dhcp_parse on
 * well-formed replies, on every truncation and hundreds of malformed
 * ones, and under a random fuzz loop (each message in a buffer of its
 * exact size, so ASan sees any over-read); then the state machine on a
 * fake interface against a DHCP server played by this file: DISCOVER,
 * OFFER, REQUEST, ACK, the configured address, route and DNS; replies
 * to be ignored; NAK; renewal, rebinding and expiry with a lease of
 * seconds; link down and up (INIT-REBOOT); retransmission; two
 * interfaces at once.
 *
 * The server side builds its messages with its own code, from RFC 2131
 * and 2132, not with the client's builder.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kern/callout.h>
#include <kern/mutex.h>
#include <net/mbuf.h>
#include <net/netif.h>
#include <netinet/dhcp.h>
#include <netinet/inet.h>

#include "fakeif.h"
#include "nt.h"

/* RFC 2131 / 2132 numbers, written here again on purpose. */
enum { T_DISCOVER = 1, T_OFFER = 2, T_REQUEST = 3, T_ACK = 5, T_NAK = 6 };
enum {
	O_MASK = 1, O_ROUTER = 3, O_DNS = 6, O_HOSTNAME = 12, O_DOMAIN = 15,
	O_REQADDR = 50, O_LEASE = 51, O_OVERLOAD = 52, O_TYPE = 53,
	O_SERVER = 54, O_PARAMS = 55, O_T1 = 58, O_T2 = 59, O_CLIENTID = 61,
};

static const uint8_t srv_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
#define A(a, b, c, d) INET_ADDR(a, b, c, d)
#define SRV A(10, 0, 2, 2)
#define YIADDR A(10, 0, 2, 15)

/* ---- the server's message builder ---------------------------------------- */

struct smsg {
	uint8_t b[1400];
	unsigned n;
};

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
s_begin(struct smsg *s, uint32_t xid, const uint8_t *chaddr, in_addr_t yi)
{
	memset(s, 0, sizeof(*s));
	s->b[0] = 2;		/* BOOTREPLY */
	s->b[1] = 1;
	s->b[2] = 6;
	put32(s->b + 4, xid);
	memcpy(s->b + 16, &yi, 4);
	memcpy(s->b + 28, chaddr, 6);
	s->b[236] = 99;
	s->b[237] = 130;
	s->b[238] = 83;
	s->b[239] = 99;
	s->n = 240;
}

static void
s_opt(struct smsg *s, uint8_t code, const void *v, unsigned len)
{
	s->b[s->n++] = code;
	s->b[s->n++] = (uint8_t)len;
	memcpy(s->b + s->n, v, len);
	s->n += len;
}

static void
s_opt8(struct smsg *s, uint8_t code, uint8_t v)
{
	s_opt(s, code, &v, 1);
}

static void
s_opt32(struct smsg *s, uint8_t code, uint32_t v)
{
	uint8_t b[4];

	put32(b, v);
	s_opt(s, code, b, 4);
}

static void
s_addr(struct smsg *s, uint8_t code, in_addr_t a)
{
	s_opt(s, code, &a, 4);
}

static void
s_end(struct smsg *s)
{
	s->b[s->n++] = 255;
}

/* A full reply: type, server, mask /24, router, DNS, lease times. */
static void
s_reply(struct smsg *s, uint8_t type, uint32_t xid, const uint8_t *chaddr,
    uint32_t lease, uint32_t t1, uint32_t t2)
{
	in_addr_t dns[2] = { A(10, 0, 2, 3), A(10, 0, 2, 4) };

	s_begin(s, xid, chaddr, type == T_NAK ? 0 : YIADDR);
	s_opt8(s, O_TYPE, type);
	s_addr(s, O_SERVER, SRV);
	if (type != T_NAK) {
		s_addr(s, O_MASK, A(255, 255, 255, 0));
		s_addr(s, O_ROUTER, SRV);
		s_opt(s, O_DNS, dns, 8);
		s_opt(s, O_DOMAIN, "example", 7);
		s_opt32(s, O_LEASE, lease);
		if (t1 != 0)
			s_opt32(s, O_T1, t1);
		if (t2 != 0)
			s_opt32(s, O_T2, t2);
	}
	s_end(s);
}

/* Parses a copy of exactly len bytes, so that ASan sees over-reads. */
static int
parse_exact(const uint8_t *msg, unsigned len, struct dhcp_parsed *dp)
{
	uint8_t *copy = malloc(len > 0 ? len : 1);
	int rv;

	memcpy(copy, msg, len);
	rv = dhcp_parse(copy, len, dp);
	free(copy);
	return rv;
}

/* ---- parsing -------------------------------------------------------------- */

static const uint8_t cli_mac[6] = { 0x02, 0x00, 0x00, 0xdc, 0x00, 0x01 };

NT_CASE(dhcp_parse_wellformed)
{
	struct dhcp_parsed dp;
	struct smsg s;

	s_reply(&s, T_ACK, 0x12345678, cli_mac, 86400, 1000, 2000);
	NT_CHECK_EQ(parse_exact(s.b, s.n, &dp), 0);
	NT_CHECK_EQ(dp.dp_type, T_ACK);
	NT_CHECK_EQ(dp.dp_xid, 0x12345678);
	NT_CHECK(dp.dp_yiaddr == YIADDR && dp.dp_lease.dl_addr == YIADDR);
	NT_CHECK(dp.dp_server == SRV && dp.dp_lease.dl_server == SRV);
	NT_CHECK(dp.dp_lease.dl_mask == A(255, 255, 255, 0));
	NT_CHECK(dp.dp_lease.dl_router == SRV);
	NT_CHECK_EQ(dp.dp_lease.dl_ndns, 2);
	NT_CHECK(dp.dp_lease.dl_dns[1] == A(10, 0, 2, 4));
	NT_CHECK_EQ(dp.dp_lease.dl_lease_s, 86400);
	NT_CHECK_EQ(dp.dp_lease.dl_t1_s, 1000);
	NT_CHECK_EQ(dp.dp_lease.dl_t2_s, 2000);
	NT_CHECK(memcmp(dp.dp_chaddr, cli_mac, 6) == 0);

	/* Pads, unknown options, more DNS servers than kept, two routers,
	 * overload (ignored), bytes after END: all fine. */
	s_begin(&s, 7, cli_mac, YIADDR);
	s.b[s.n++] = 0;
	s_opt8(&s, O_TYPE, T_OFFER);
	s_opt(&s, 200, "xyz", 3);
	s_opt(&s, 201, "", 0);
	s_opt(&s, O_DNS, "\1\1\1\1\2\2\2\2\3\3\3\3\4\4\4\4", 16);
	s_opt(&s, O_ROUTER, "\12\0\2\1\12\0\2\2", 8);
	s_opt8(&s, O_OVERLOAD, 3);
	s.b[s.n++] = 0;
	s_end(&s);
	s.n += 20;	/* trailing garbage (zeroes) after END */
	NT_CHECK_EQ(parse_exact(s.b, s.n, &dp), 0);
	NT_CHECK_EQ(dp.dp_type, T_OFFER);
	NT_CHECK_EQ(dp.dp_lease.dl_ndns, DHCP_MAXDNS);
	NT_CHECK(dp.dp_lease.dl_router == A(10, 0, 2, 1));
	NT_CHECK(dp.dp_lease.dl_dns[2] == A(3, 3, 3, 3));
	NT_CHECK(dp.dp_server == 0 && dp.dp_lease.dl_lease_s == 0);

	/* A BOOTP reply: no message type. */
	s_begin(&s, 7, cli_mac, YIADDR);
	s_end(&s);
	NT_CHECK_EQ(parse_exact(s.b, s.n, &dp), 0);
	NT_CHECK_EQ(dp.dp_type, 0);
}

/* Every proper prefix of a message whose last byte is END is malformed. */
NT_CASE(dhcp_parse_truncated)
{
	struct dhcp_parsed dp;
	struct smsg s;
	unsigned len, bad = 0;

	s_reply(&s, T_OFFER, 1, cli_mac, 3600, 0, 0);
	for (len = 0; len < s.n; len++)
		bad += parse_exact(s.b, len, &dp) == EINVAL;
	NT_CHECK_EQ(bad, s.n);
	NT_CHECK(dhcp_parse(NULL, 0, &dp) == EINVAL);
	NT_CHECK_EQ(dp.dp_type, 0);
}

static unsigned
expect_bad(const struct smsg *s)
{
	struct dhcp_parsed dp;

	if (parse_exact(s->b, s->n, &dp) == EINVAL)
		return 1;
	printf("    accepted: %u bytes, options %02x %02x %02x %02x %02x\n",
	    s->n, s->b[240], s->b[241], s->b[242], s->b[243], s->b[244]);
	return 0;
}

/* A message with one option code/length/value, then END. */
static void
one_opt(struct smsg *s, uint8_t code, unsigned len, uint8_t fill)
{
	uint8_t v[255];

	memset(v, fill, sizeof(v));
	s_begin(s, 1, cli_mac, YIADDR);
	s_opt8(s, O_TYPE, T_OFFER);
	s_opt(s, code, v, len);
	s_end(s);
}

NT_CASE(dhcp_parse_malformed)
{
	static const struct { uint8_t code; unsigned good; bool mult; } ol[] = {
		{ O_MASK, 4, false }, { O_ROUTER, 4, true }, { O_DNS, 4, true },
		{ O_LEASE, 4, false }, { O_TYPE, 1, false },
		{ O_SERVER, 4, false }, { O_T1, 4, false }, { O_T2, 4, false },
		{ O_OVERLOAD, 1, false },
	};
	struct smsg s, good;
	unsigned i, len, n = 0, bad = 0, off;

	/* Wrong length for every option we use: 0..40 bytes. */
	for (i = 0; i < sizeof(ol) / sizeof(ol[0]); i++) {
		for (len = 0; len <= 40; len++) {
			if (ol[i].mult ? len >= 4 && len % 4 == 0 :
			    len == ol[i].good)
				continue;
			one_opt(&s, ol[i].code, len, 0xff);
			n++;
			bad += expect_bad(&s);
		}
	}
	/* Values that cannot be: message types 0 and 9..255, holes in
	 * a mask, a zero mask. */
	for (i = 0; i < 256; i++) {
		if (i >= 1 && i <= 8)
			continue;
		s_begin(&s, 1, cli_mac, YIADDR);
		s_opt8(&s, O_TYPE, (uint8_t)i);
		s_end(&s);
		n++;
		bad += expect_bad(&s);
	}
	for (i = 0; i < 32; i++) {
		s_begin(&s, 1, cli_mac, YIADDR);
		s_addr(&s, O_MASK, net_htonl(0xffffff00u ^ (1u << i)));
		s_end(&s);
		/* A hole in the ones, or a one among the zeroes; bits 7
		 * and 8 only move the edge (0xffffff80, 0xfffffe00). */
		if (i == 7 || i == 8)
			continue;
		n++;
		bad += expect_bad(&s);
	}
	s_begin(&s, 1, cli_mac, YIADDR);
	s_addr(&s, O_MASK, 0);
	s_end(&s);
	n++;
	bad += expect_bad(&s);

	/* Header: op, htype, hlen, each cookie byte. */
	s_reply(&good, T_OFFER, 1, cli_mac, 3600, 0, 0);
	for (off = 0; off < 3; off++) {
		s = good;
		s.b[off] ^= 0x10;
		n++;
		bad += expect_bad(&s);
	}
	for (off = 236; off < 240; off++) {
		s = good;
		s.b[off] ^= 0x01;
		n++;
		bad += expect_bad(&s);
	}
	/* No END; an option whose length runs past the end (each length
	 * from one beyond to 255); a code byte with no length byte. */
	s = good;
	s.n--;
	n++;
	bad += expect_bad(&s);
	for (len = 1; len <= 255; len++) {
		s = good;
		s.n--;
		s.b[s.n++] = 200;
		s.b[s.n++] = (uint8_t)len;
		memset(s.b + s.n, 0, len - 1);
		s.n += len - 1;
		n++;
		bad += expect_bad(&s);
	}
	s = good;
	s.b[s.n - 1] = O_DNS;
	n++;
	bad += expect_bad(&s);
	NT_CHECK_EQ(bad, n);
	NT_CHECK(n > 600);
	printf("    %u malformed messages rejected\n", n);
}

NT_CASE(dhcp_parse_fuzz)
{
	uint64_t rnd = 0xdc0fu;
	struct dhcp_parsed dp;
	struct smsg s;
	unsigned iter, k, ok = 0;

	for (iter = 0; iter < 30000; iter++) {
		s_reply(&s, (uint8_t)(1 + nt_randn(&rnd, 8)), 9, cli_mac,
		    nt_randn(&rnd, 100000), nt_randn(&rnd, 3),
		    nt_randn(&rnd, 3));
		for (k = nt_randn(&rnd, 8) + 1; k > 0; k--)
			s.b[236 + nt_randn(&rnd, s.n - 236)] =
			    (uint8_t)nt_rand(&rnd);
		if (nt_randn(&rnd, 4) == 0)
			s.n = nt_randn(&rnd, s.n + 1);
		else if (nt_randn(&rnd, 4) == 0)
			s.n += nt_randn(&rnd, sizeof(s.b) - s.n);
		if (iter % 10 == 0) {	/* garbage with a valid header */
			for (k = 240; k < sizeof(s.b); k++)
				s.b[k] = (uint8_t)nt_rand(&rnd);
			s.n = 240 + nt_randn(&rnd, sizeof(s.b) - 240);
		}
		if (parse_exact(s.b, s.n, &dp) == 0) {
			ok++;
			NT_CHECK(dp.dp_type <= 8);
			NT_CHECK(dp.dp_lease.dl_ndns <= DHCP_MAXDNS);
			NT_CHECK(dp.dp_xid == 9);
		} else {
			NT_CHECK(dp.dp_type == 0 && dp.dp_xid == 0);
		}
	}
	printf("    fuzz: %u of 30000 parsed, the rest rejected\n", ok);
	NT_CHECK(ok > 100 && ok < 29000);
}

/* ---- the client against a fake server ------------------------------------- */

/* One message the client sent, with where it went. */
struct cmsg {
	uint8_t f[1600];
	const uint8_t *d;	/* the DHCP message in f */
	unsigned dlen;
	in_addr_t src, dst;
	uint8_t ethdst[6];
};

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* Option code of c's message (its value and length), or NULL. */
static const uint8_t *
c_opt(const struct cmsg *c, uint8_t code, unsigned *len)
{
	unsigned off = 240;

	while (off < c->dlen && c->d[off] != 255) {
		if (c->d[off] == 0) {
			off++;
			continue;
		}
		if (off + 2 > c->dlen || off + 2 + c->d[off + 1] > c->dlen)
			return NULL;
		if (c->d[off] == code) {
			*len = c->d[off + 1];
			return c->d + off + 2;
		}
		off += 2 + c->d[off + 1];
	}
	return NULL;
}

static int
c_type(const struct cmsg *c)
{
	unsigned len;
	const uint8_t *v = c_opt(c, O_TYPE, &len);

	return v != NULL && len == 1 ? v[0] : -1;
}

static in_addr_t
c_addropt(const struct cmsg *c, uint8_t code)
{
	unsigned len;
	const uint8_t *v = c_opt(c, code, &len);
	in_addr_t a = 0;

	if (v != NULL && len == 4)
		memcpy(&a, v, 4);
	return a;
}

static uint32_t
c_xid(const struct cmsg *c)
{
	return get32(c->d + 4);
}

static unsigned
c_secs(const struct cmsg *c)
{
	return (unsigned)c->d[8] << 8 | c->d[9];
}

static bool
c_bcastflag(const struct cmsg *c)
{
	return (c->d[10] & 0x80) != 0;
}

static in_addr_t
c_ciaddr(const struct cmsg *c)
{
	in_addr_t a;

	memcpy(&a, c->d + 12, 4);
	return a;
}

/* The server answers ARP requests for its address. */
static void
answer_arp(struct ifnet *ifp, const uint8_t *f, unsigned len)
{
	static const uint8_t hdr[8] = { 0, 1, 8, 0, 6, 4, 0, 2 };
	in_addr_t srv = SRV;
	uint8_t r[60];

	if (len < 42 || f[12] != 0x08 || f[13] != 0x06 || f[21] != 1 ||
	    memcmp(f + 38, &srv, 4) != 0)
		return;
	memset(r, 0, sizeof(r));
	memcpy(r, f + 6, 6);
	memcpy(r + 6, srv_mac, 6);
	r[12] = 0x08;
	r[13] = 0x06;
	memcpy(r + 14, hdr, 8);
	memcpy(r + 22, srv_mac, 6);
	memcpy(r + 28, &srv, 4);
	memcpy(r + 32, f + 22, 10);	/* their MAC and address */
	fakeif_inject(ifp, r, sizeof(r));
}

/* The next DHCP message the client sends within ms; false if none. */
static bool
next_msg(struct ifnet *ifp, struct cmsg *c, int ms)
{
	unsigned len, ihl;

	for (; ms >= 0; ms -= 5) {
		len = (unsigned)fakeif_take_sent_buf(ifp, c->f, sizeof(c->f));
		if (len == 0) {
			nt_sleep_ms(5);
			continue;
		}
		answer_arp(ifp, c->f, len);
		if (len < 14 + 20 + 8 || c->f[12] != 0x08 || c->f[13] != 0)
			continue;
		ihl = (c->f[14] & 0x0fu) * 4;
		if (c->f[23] != 17 || len < 14 + ihl + 8 + 240 ||
		    c->f[14 + ihl + 2] != 0 || c->f[14 + ihl + 3] != 67)
			continue;
		NT_CHECK(c->f[14 + ihl] == 0 && c->f[14 + ihl + 1] == 68);
		memcpy(&c->src, c->f + 26, 4);
		memcpy(&c->dst, c->f + 30, 4);
		memcpy(c->ethdst, c->f, 6);
		c->d = c->f + 14 + ihl + 8;
		c->dlen = len - 14 - ihl - 8;
		return true;
	}
	return false;
}

static uint16_t
ip_sum(const uint8_t *p, unsigned len)
{
	uint32_t sum = 0;

	for (unsigned i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The server's message s in a frame from port sport to dst:68. */
static void
srv_send_port(struct ifnet *ifp, const struct smsg *s, in_addr_t dst,
    unsigned sport)
{
	uint8_t f[1600];
	unsigned iplen = 20 + 8 + s->n;
	in_addr_t src = SRV;
	uint16_t sum;

	memset(f, 0, sizeof(f));
	if (dst == INADDR_BROADCAST_N)
		memset(f, 0xff, 6);
	else
		memcpy(f, ifp->if_lladdr, 6);
	memcpy(f + 6, srv_mac, 6);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (uint8_t)(iplen >> 8);
	f[17] = (uint8_t)iplen;
	f[22] = 64;
	f[23] = 17;
	memcpy(f + 26, &src, 4);
	memcpy(f + 30, &dst, 4);
	sum = ip_sum(f + 14, 20);
	f[24] = (uint8_t)(sum >> 8);
	f[25] = (uint8_t)sum;
	f[34] = (uint8_t)(sport >> 8);
	f[35] = (uint8_t)sport;
	f[37] = 68;
	f[38] = (uint8_t)((8 + s->n) >> 8);
	f[39] = (uint8_t)(8 + s->n);
	memcpy(f + 42, s->b, s->n);
	fakeif_inject(ifp, f, 14 + iplen);
}

static void
srv_send(struct ifnet *ifp, const struct smsg *s)
{
	srv_send_port(ifp, s, INADDR_BROADCAST_N, 67);
}

static enum dhcp_state
state_of(struct ifnet *ifp)
{
	enum dhcp_state st;

	mutex_enter(&net_lock);
	st = dhcp_state(ifp);
	mutex_exit(&net_lock);
	return st;
}

static in_addr_t
addr_of(struct ifnet *ifp)
{
	in_addr_t a = 0, m;

	mutex_enter(&net_lock);
	if (!in_ifaddr_get(ifp, &a, &m))
		a = 0;
	mutex_exit(&net_lock);
	return a;
}

static struct ifnet *
start_client(const char *name, const uint8_t *mac)
{
	struct ifnet *ifp = fakeif_create(name, mac);

	fakeif_drop_sent(ifp);
	mutex_enter(&net_lock);
	NT_CHECK_EQ(dhcp_start(ifp), 0);
	mutex_exit(&net_lock);
	return ifp;
}

/* DISCOVER, OFFER, REQUEST, ACK with the given lease; true if bound. */
static bool
get_lease(struct ifnet *ifp, uint32_t lease, uint32_t t1, uint32_t t2)
{
	struct cmsg c;
	struct smsg s;

	if (!next_msg(ifp, &c, 1000) || c_type(&c) != T_DISCOVER)
		return false;
	s_reply(&s, T_OFFER, c_xid(&c), ifp->if_lladdr, lease, t1, t2);
	srv_send(ifp, &s);
	if (!next_msg(ifp, &c, 1000) || c_type(&c) != T_REQUEST)
		return false;
	s_reply(&s, T_ACK, c_xid(&c), ifp->if_lladdr, lease, t1, t2);
	srv_send(ifp, &s);
	return state_of(ifp) == DHCP_BOUND && addr_of(ifp) == YIADDR;
}

static void
check_discover(struct ifnet *ifp, const struct cmsg *c)
{
	static const uint8_t want[] = { 1, 3, 6, 15, 51, 54, 58, 59 };
	const uint8_t *v;
	unsigned len, i, found = 0;

	NT_CHECK_EQ(c_type(c), T_DISCOVER);
	NT_CHECK(c->d[0] == 1 && c->d[1] == 1 && c->d[2] == 6);
	NT_CHECK(memcmp(c->d + 28, ifp->if_lladdr, 6) == 0);
	NT_CHECK(memcmp(c->d + 236, "\143\202\123\143", 4) == 0);
	NT_CHECK(c_bcastflag(c) && c_ciaddr(c) == 0);
	NT_CHECK(c->src == 0 && c->dst == INADDR_BROADCAST_N);
	NT_CHECK(memcmp(c->ethdst, "\377\377\377\377\377\377", 6) == 0);
	NT_CHECK(c->dlen >= 300);
	v = c_opt(c, O_CLIENTID, &len);
	NT_CHECK(v != NULL && len == 7 && v[0] == 1 &&
	    memcmp(v + 1, ifp->if_lladdr, 6) == 0);
	v = c_opt(c, O_PARAMS, &len);
	NT_CHECK(v != NULL);
	for (i = 0; v != NULL && i < len; i++)
		found += memchr(want, v[i], sizeof(want)) != NULL;
	NT_CHECK_EQ(found, sizeof(want));
	v = c_opt(c, O_HOSTNAME, &len);
	NT_CHECK(v != NULL && len > 0 && memchr(v, '.', len) == NULL);
	NT_CHECK(c_opt(c, O_REQADDR, &len) == NULL);
}

NT_CASE(dhcp_client_exchange)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0xdc, 0, 0x10 };
	struct nt_leak lk;
	struct ifnet *ifp;
	const struct rtentry *rt;
	struct dhcp_lease l;
	in_addr_t dns[4];
	struct cmsg c, d;
	struct smsg s;
	uint32_t xid;

	nt_leak_start(&lk);
	ifp = start_client("dhc0", mac);
	NT_CHECK(next_msg(ifp, &c, 1000));
	check_discover(ifp, &c);
	NT_CHECK_EQ(state_of(ifp), DHCP_SELECTING);
	xid = c_xid(&c);

	s_reply(&s, T_OFFER, xid, mac, 86400, 0, 0);
	srv_send(ifp, &s);
	NT_CHECK(next_msg(ifp, &d, 1000));
	NT_CHECK_EQ(c_type(&d), T_REQUEST);
	NT_CHECK_EQ(c_xid(&d), xid);
	NT_CHECK_EQ(c_secs(&d), c_secs(&c));
	NT_CHECK(c_addropt(&d, O_REQADDR) == YIADDR);
	NT_CHECK(c_addropt(&d, O_SERVER) == SRV);
	NT_CHECK(c_bcastflag(&d) && c_ciaddr(&d) == 0);
	NT_CHECK(d.src == 0 && d.dst == INADDR_BROADCAST_N);
	NT_CHECK_EQ(state_of(ifp), DHCP_REQUESTING);
	NT_CHECK(addr_of(ifp) == 0);

	s_reply(&s, T_ACK, xid, mac, 86400, 0, 0);
	srv_send(ifp, &s);
	NT_CHECK_EQ(state_of(ifp), DHCP_BOUND);
	NT_CHECK(addr_of(ifp) == YIADDR);
	mutex_enter(&net_lock);
	rt = rt_lookup(A(8, 8, 8, 8));
	NT_CHECK(rt != NULL && rt->rt_gw == SRV && rt->rt_ifp == ifp &&
	    (rt->rt_flags & RTF_GATEWAY) != 0);
	NT_CHECK(dhcp_lease_get(ifp, &l));
	mutex_exit(&net_lock);
	NT_CHECK(l.dl_mask == A(255, 255, 255, 0) && l.dl_server == SRV);
	NT_CHECK(l.dl_lease_s == 86400 && l.dl_t1_s == 43200 &&
	    l.dl_t2_s == 75600);
	NT_CHECK_EQ(netconfig_dns(dns, 4), 2);
	NT_CHECK(dns[0] == A(10, 0, 2, 3) && dns[1] == A(10, 0, 2, 4));
	NT_CHECK(netconfig_wait(0));
	NT_CHECK(nt_dmesg_has("dhc0: DHCP lease 10.0.2.15/24 from 10.0.2.2, "
	    "router 10.0.2.2, DNS 10.0.2.3 10.0.2.4, 86400 s"));
	NT_CHECK(strcmp(dhcp_state_name(DHCP_BOUND), "BOUND") == 0);

	mutex_enter(&net_lock);
	dhcp_stop(ifp);
	NT_CHECK(dhcp_state(ifp) == DHCP_OFF && !dhcp_lease_get(ifp, &l));
	NT_CHECK(rt_lookup(A(8, 8, 8, 8)) == NULL);
	mutex_exit(&net_lock);
	NT_CHECK(addr_of(ifp) == 0);
	NT_CHECK_EQ(netconfig_dns(dns, 4), 0);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

/* Replies that are not for us, not acceptable or malformed change
 * nothing; the malformed ones are counted. */
NT_CASE(dhcp_client_ignores)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0xdc, 0, 0x11 };
	static const uint8_t other[6] = { 0x02, 0, 0, 0xdc, 0, 0x99 };
	struct nt_leak lk;
	struct ifnet *ifp;
	struct cmsg c, d;
	struct smsg s;
	uint32_t xid;

	nt_leak_start(&lk);
	ifp = start_client("dhc1", mac);
	NT_CHECK(next_msg(ifp, &c, 1000));
	xid = c_xid(&c);
	s_reply(&s, T_OFFER, xid + 1, mac, 600, 0, 0);		/* xid */
	srv_send(ifp, &s);
	s_reply(&s, T_OFFER, xid, other, 600, 0, 0);		/* chaddr */
	srv_send(ifp, &s);
	s_reply(&s, T_ACK, xid, mac, 600, 0, 0);	/* ACK, no REQUEST */
	srv_send(ifp, &s);
	s_begin(&s, xid, mac, YIADDR);		/* OFFER without server id */
	s_opt8(&s, O_TYPE, T_OFFER);
	s_end(&s);
	srv_send(ifp, &s);
	s_begin(&s, xid, mac, A(224, 0, 0, 5));	/* unusable address */
	s_opt8(&s, O_TYPE, T_OFFER);
	s_addr(&s, O_SERVER, SRV);
	s_end(&s);
	srv_send(ifp, &s);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_DHCP_BAD), 0);
	s_reply(&s, T_OFFER, xid, mac, 600, 0, 0);
	s.b[236] = 98;						/* cookie */
	srv_send(ifp, &s);
	s.b[236] = 99;
	s.b[0] = 1;						/* op */
	srv_send(ifp, &s);
	s.b[0] = 2;
	s.b[s.n - 1] = O_DNS;			/* runs off the end */
	srv_send(ifp, &s);
	s.b[s.n - 1] = 255;
	srv_send_port(ifp, &s, INADDR_BROADCAST_N, 1067); /* not port 67 */
	NT_CHECK_EQ(if_stat_get(ifp, IFS_DHCP_BAD), 4);
	NT_CHECK(!next_msg(ifp, &d, 50));
	NT_CHECK_EQ(state_of(ifp), DHCP_SELECTING);
	/* A unicast reply to the offered address is taken too. */
	srv_send_port(ifp, &s, YIADDR, 67);
	NT_CHECK(next_msg(ifp, &d, 1000) && c_type(&d) == T_REQUEST);
	NT_CHECK_EQ(state_of(ifp), DHCP_REQUESTING);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(dhcp_client_nak)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0xdc, 0, 0x12 };
	struct nt_leak lk;
	struct ifnet *ifp;
	struct cmsg c;
	struct smsg s;
	uint32_t xid;

	nt_leak_start(&lk);
	ifp = start_client("dhc2", mac);
	NT_CHECK(next_msg(ifp, &c, 1000));
	xid = c_xid(&c);
	s_reply(&s, T_OFFER, xid, mac, 600, 0, 0);
	srv_send(ifp, &s);
	NT_CHECK(next_msg(ifp, &c, 1000) && c_type(&c) == T_REQUEST);
	s_reply(&s, T_NAK, xid, mac, 0, 0, 0);
	srv_send(ifp, &s);
	/* Back to INIT: a new DISCOVER at once, with a new xid. */
	NT_CHECK(next_msg(ifp, &c, 1000) && c_type(&c) == T_DISCOVER);
	NT_CHECK(c_xid(&c) != xid);
	NT_CHECK_EQ(state_of(ifp), DHCP_SELECTING);
	NT_CHECK(addr_of(ifp) == 0);
	NT_CHECK(nt_dmesg_has("dhc2: DHCP NAK from 10.0.2.2"));
	/* Bound, then a NAK to a renewal-like REQUEST (link up): the
	 * address goes. */
	xid = c_xid(&c);
	s_reply(&s, T_OFFER, xid, mac, 600, 0, 0);
	srv_send(ifp, &s);
	NT_CHECK(next_msg(ifp, &c, 1000) && c_type(&c) == T_REQUEST);
	s_reply(&s, T_ACK, xid, mac, 600, 0, 0);
	srv_send(ifp, &s);
	NT_CHECK(addr_of(ifp) == YIADDR);
	fakeif_set_link(ifp, false);
	fakeif_set_link(ifp, true);
	NT_CHECK(next_msg(ifp, &c, 1000) && c_type(&c) == T_REQUEST);
	s_reply(&s, T_NAK, c_xid(&c), mac, 0, 0, 0);
	srv_send(ifp, &s);
	NT_CHECK(addr_of(ifp) == 0);
	NT_CHECK(next_msg(ifp, &c, 1000) && c_type(&c) == T_DISCOVER);
	/* A second NAK in a row: the client waits before it asks again. */
	s_reply(&s, T_OFFER, c_xid(&c), mac, 600, 0, 0);
	srv_send(ifp, &s);
	NT_CHECK(next_msg(ifp, &c, 1000) && c_type(&c) == T_REQUEST);
	s_reply(&s, T_NAK, c_xid(&c), mac, 0, 0, 0);
	srv_send(ifp, &s);
	NT_CHECK(!next_msg(ifp, &c, 500));
	NT_CHECK_EQ(state_of(ifp), DHCP_INIT);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

/* Lease 4 s, T1 2 s, T2 3 s: renewal (unicast), then no answers:
 * renewal again, rebinding (broadcast), expiry. */
NT_CASE(dhcp_client_renew_expire)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0xdc, 0, 0x13 };
	struct nt_leak lk;
	struct ifnet *ifp;
	struct cmsg c;
	struct smsg s;
	unsigned len;

	nt_leak_start(&lk);
	ifp = start_client("dhc3", mac);
	NT_CHECK(get_lease(ifp, 4, 2, 3));
	NT_CHECK(!next_msg(ifp, &c, 1500));
	NT_CHECK(next_msg(ifp, &c, 1500) && c_type(&c) == T_REQUEST);
	NT_CHECK_EQ(state_of(ifp), DHCP_RENEWING);
	NT_CHECK(c_ciaddr(&c) == YIADDR && !c_bcastflag(&c));
	NT_CHECK(c.src == YIADDR && c.dst == SRV);
	NT_CHECK(memcmp(c.ethdst, srv_mac, 6) == 0);
	NT_CHECK(c_opt(&c, O_REQADDR, &len) == NULL &&
	    c_opt(&c, O_SERVER, &len) == NULL);
	s_reply(&s, T_ACK, c_xid(&c), mac, 4, 2, 3);
	srv_send_port(ifp, &s, YIADDR, 67);
	NT_CHECK_EQ(state_of(ifp), DHCP_BOUND);
	NT_CHECK(nt_dmesg_has("dhc3: DHCP lease 10.0.2.15/24 renewed from"));
	/* Silence from now on. */
	NT_CHECK(next_msg(ifp, &c, 2500) && c_type(&c) == T_REQUEST);
	NT_CHECK(c.dst == SRV && c_ciaddr(&c) == YIADDR);
	NT_CHECK(next_msg(ifp, &c, 1500) && c_type(&c) == T_REQUEST);
	NT_CHECK_EQ(state_of(ifp), DHCP_REBINDING);
	NT_CHECK(c.dst == INADDR_BROADCAST_N && c_ciaddr(&c) == YIADDR);
	NT_CHECK(addr_of(ifp) == YIADDR);
	NT_CHECK(next_msg(ifp, &c, 1500) && c_type(&c) == T_DISCOVER);
	NT_CHECK(addr_of(ifp) == 0);
	NT_CHECK(nt_dmesg_has("dhc3: DHCP lease 10.0.2.15 expired"));
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

/* Link down and up: INIT-REBOOT asks for the address it holds. */
NT_CASE(dhcp_client_link_reboot)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0xdc, 0, 0x14 };
	struct nt_leak lk;
	struct ifnet *ifp;
	struct cmsg c;
	struct smsg s;
	unsigned len;

	nt_leak_start(&lk);
	ifp = start_client("dhc4", mac);
	NT_CHECK(get_lease(ifp, 3600, 0, 0));
	fakeif_set_link(ifp, false);
	NT_CHECK_EQ(state_of(ifp), DHCP_INIT_REBOOT);
	NT_CHECK(addr_of(ifp) == YIADDR);
	fakeif_set_link(ifp, true);
	NT_CHECK(next_msg(ifp, &c, 1000) && c_type(&c) == T_REQUEST);
	NT_CHECK_EQ(state_of(ifp), DHCP_REBOOTING);
	NT_CHECK(c_addropt(&c, O_REQADDR) == YIADDR);
	NT_CHECK(c_opt(&c, O_SERVER, &len) == NULL);
	NT_CHECK(c_ciaddr(&c) == 0 && c_bcastflag(&c));
	s_reply(&s, T_ACK, c_xid(&c), mac, 3600, 0, 0);
	srv_send(ifp, &s);
	NT_CHECK_EQ(state_of(ifp), DHCP_BOUND);
	NT_CHECK(addr_of(ifp) == YIADDR);
	/* Down without a lease: INIT; up: DISCOVER at once. */
	mutex_enter(&net_lock);
	dhcp_stop(ifp);
	NT_CHECK_EQ(dhcp_start(ifp), 0);
	mutex_exit(&net_lock);
	NT_CHECK(next_msg(ifp, &c, 1000) && c_type(&c) == T_DISCOVER);
	fakeif_set_link(ifp, false);
	NT_CHECK_EQ(state_of(ifp), DHCP_INIT);
	fakeif_set_link(ifp, true);
	NT_CHECK(next_msg(ifp, &c, 1000) && c_type(&c) == T_DISCOVER);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

/* No answer: DISCOVER again after 4 s +-1 s, same xid, secs counting. */
NT_CASE(dhcp_client_retransmit)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0xdc, 0, 0x15 };
	struct nt_leak lk;
	struct ifnet *ifp;
	struct cmsg c, d;
	unsigned long long ms;
	uint64_t t0;

	nt_leak_start(&lk);
	ifp = start_client("dhc5", mac);
	NT_CHECK(next_msg(ifp, &c, 1000));
	t0 = kclock_ns();
	NT_CHECK(next_msg(ifp, &d, 6000));
	ms = (kclock_ns() - t0) / 1000000u;
	if (ms < 2900 || ms > 5200)
		printf("    retransmission after %llu ms\n", ms);
	NT_CHECK(ms >= 2900 && ms <= 5200);
	NT_CHECK_EQ(c_type(&d), T_DISCOVER);
	NT_CHECK_EQ(c_xid(&d), c_xid(&c));
	NT_CHECK(c_secs(&d) >= 2 && c_secs(&d) <= 5);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

/* Two interfaces, each with its own client on port 68. */
NT_CASE(dhcp_client_two_interfaces)
{
	static const uint8_t mac1[6] = { 0x02, 0, 0, 0xdc, 0, 0x16 };
	static const uint8_t mac2[6] = { 0x02, 0, 0, 0xdc, 0, 0x17 };
	struct nt_leak lk;
	struct ifnet *a, *b;
	struct cmsg c, d;
	struct smsg s;

	nt_leak_start(&lk);
	a = start_client("dhc6", mac1);
	b = start_client("dhc7", mac2);
	NT_CHECK(next_msg(a, &c, 1000) && c_type(&c) == T_DISCOVER);
	NT_CHECK(next_msg(b, &d, 1000) && c_type(&d) == T_DISCOVER);
	NT_CHECK(memcmp(d.d + 28, mac2, 6) == 0);
	s_reply(&s, T_OFFER, c_xid(&d), mac2, 600, 0, 0);
	srv_send(b, &s);
	NT_CHECK(next_msg(b, &d, 1000) && c_type(&d) == T_REQUEST);
	NT_CHECK(!next_msg(a, &c, 20));
	NT_CHECK_EQ(state_of(a), DHCP_SELECTING);
	NT_CHECK_EQ(state_of(b), DHCP_REQUESTING);
	fakeif_destroy(a);
	fakeif_destroy(b);
	nt_leak_check(&lk);
}
