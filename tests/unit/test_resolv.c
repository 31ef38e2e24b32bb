/*
 * Host tests of the DNS stub resolver (sys/libc/resolv_msg.c and
 * resolv_query.c): names, queries, the checks on answers (ids,
 * questions, flags, compression pointers, CNAME chains, bounds),
 * mutated and truncated answers under ASan, the query loop's retries
 * and server order against an in-process fake server with a fake
 * clock, and the loop over real UDP sockets against a fake DNS server
 * thread on 127.0.0.1.
 * unit-sources: sys/libc/resolv_msg.c sys/libc/resolv_query.c
 * unit-cflags: -Isys/libc -pthread
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "resolv.h"

/* ---- building answers ------------------------------------------------- */

struct msg {
	uint8_t m_b[1500];
	unsigned m_len;
};

static void
put8(struct msg *m, unsigned v)
{
	m->m_b[m->m_len++] = (uint8_t)v;
}

static void
put16(struct msg *m, unsigned v)
{
	put8(m, v >> 8);
	put8(m, v & 0xff);
}

static void
put32(struct msg *m, uint32_t v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

static void
putname(struct msg *m, const char *text)
{
	unsigned len;

	if (dns_name_from_text(text, m->m_b + m->m_len,
	    (unsigned)sizeof(m->m_b) - m->m_len, &len) != 0)
		abort();
	m->m_len += len;
}

static void
header(struct msg *m, unsigned id, unsigned flags, unsigned an)
{
	m->m_len = 0;
	put16(m, id);
	put16(m, flags);
	put16(m, 1);
	put16(m, an);
	put16(m, 0);
	put16(m, 0);
}

/* Header and question for name, qtype A. The question's name is at 12. */
static void
response(struct msg *m, unsigned id, unsigned flags, unsigned an,
    const char *name)
{
	header(m, id, DNS_F_QR | DNS_F_RD | DNS_F_RA | flags, an);
	putname(m, name);
	put16(m, DNS_T_A);
	put16(m, DNS_C_IN);
}

static void
rr_a(struct msg *m, const char *owner, uint32_t ttl, const char *addr)
{
	struct in_addr a;

	if (owner == NULL)
		put16(m, 0xc00c);
	else
		putname(m, owner);
	put16(m, DNS_T_A);
	put16(m, DNS_C_IN);
	put32(m, ttl);
	put16(m, 4);
	inet_pton(AF_INET, addr, &a);
	memcpy(m->m_b + m->m_len, &a, 4);
	m->m_len += 4;
}

static void
rr_cname(struct msg *m, const char *owner, const char *target)
{
	unsigned at;

	putname(m, owner);
	put16(m, DNS_T_CNAME);
	put16(m, DNS_C_IN);
	put32(m, 300);
	at = m->m_len;
	put16(m, 0);
	putname(m, target);
	m->m_b[at] = (uint8_t)((m->m_len - at - 2) >> 8);
	m->m_b[at + 1] = (uint8_t)(m->m_len - at - 2);
}

static uint8_t qwire[DNS_MAXNAME];
static unsigned qlen;

static enum dns_status
parse(const struct msg *m, unsigned id, const char *qname,
    struct dns_result *r)
{
	if (dns_name_from_text(qname, qwire, sizeof(qwire), &qlen) != 0)
		abort();
	return dns_response_parse(m->m_b, m->m_len, (uint16_t)id, qwire,
	    qlen, DNS_T_A, r);
}

static uint32_t
ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

/* ---- names and queries ----------------------------------------------- */

static void
test_names(void)
{
	uint8_t w[DNS_MAXNAME + 8];
	char text[300], label[70], big[300];
	unsigned len;

	CHECK(dns_name_from_text("www.Example.com", w, sizeof(w), &len) == 0);
	CHECK(len == 17 && memcmp(w, "\3www\7Example\3com", 17) == 0);
	CHECK(dns_name_from_text("www.Example.com.", w, sizeof(w), &len) == 0);
	CHECK(len == 17);
	CHECK(dns_name_to_text(w, len, text, sizeof(text)) == 0);
	CHECK(strcmp(text, "www.Example.com") == 0);
	CHECK(dns_name_to_text(w, len, text, 15) == -1);
	CHECK(dns_name_to_text(w, len, text, 16) == 0);
	CHECK(dns_name_from_text("", w, sizeof(w), &len) == -1);
	CHECK(dns_name_from_text(".", w, sizeof(w), &len) == -1);
	CHECK(dns_name_from_text("a..b", w, sizeof(w), &len) == -1);
	CHECK(dns_name_from_text(".a", w, sizeof(w), &len) == -1);
	CHECK(dns_name_from_text("a b", w, sizeof(w), &len) == -1);
	CHECK(dns_name_from_text("a\\b", w, sizeof(w), &len) == -1);
	CHECK(dns_name_from_text("a\001", w, sizeof(w), &len) == -1);
	memset(label, 'x', 63);
	label[63] = '\0';
	CHECK(dns_name_from_text(label, w, sizeof(w), &len) == 0 && len == 65);
	label[63] = 'x';
	label[64] = '\0';
	CHECK(dns_name_from_text(label, w, sizeof(w), &len) == -1);
	/* 253 text characters make 255 wire bytes; one more is too many. */
	memset(big, 'a', 253);
	for (int i = 1; i < 253; i += 2)
		big[i] = '.';
	big[253] = '\0';
	CHECK(dns_name_from_text(big, w, sizeof(w), &len) == 0 && len == 255);
	big[253] = '.';
	big[254] = 'b';
	big[255] = '\0';
	CHECK(dns_name_from_text(big, w, sizeof(w), &len) == -1);
	CHECK(dns_name_from_text("abc", w, 4, &len) == -1);
	CHECK(dns_name_from_text("abc", w, 5, &len) == 0);
}

static void
test_query(void)
{
	static const uint8_t want[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0,
	    0, 0, 0, 0, 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o',
	    'm', 0, 0, 1, 0, 1 };
	uint8_t w[DNS_MAXNAME], buf[600];
	unsigned wl, len;

	CHECK(dns_name_from_text("example.com", w, sizeof(w), &wl) == 0);
	CHECK(dns_query_build(0x1234, w, wl, DNS_T_A, buf, sizeof(buf),
	    &len) == 0);
	CHECK(len == sizeof(want) && memcmp(buf, want, len) == 0);
	CHECK(dns_query_build(1, w, wl, DNS_T_A, buf, len - 1, &len) == -1);
}

static void
test_ptr_name(void)
{
	uint8_t w[DNS_MAXNAME];
	char text[64];
	unsigned wl;

	CHECK(dns_ptr_name(ip("10.0.2.3"), w, sizeof(w), &wl) == 0);
	CHECK(dns_name_to_text(w, wl, text, sizeof(text)) == 0);
	CHECK(strcmp(text, "3.2.0.10.in-addr.arpa") == 0);
	CHECK(dns_ptr_name(ip("192.168.100.255"), w, sizeof(w), &wl) == 0);
	CHECK(dns_name_to_text(w, wl, text, sizeof(text)) == 0);
	CHECK(strcmp(text, "255.100.168.192.in-addr.arpa") == 0);
}

/* ---- answers ------------------------------------------------------------ */

static void
test_answer_a(void)
{
	struct dns_result r;
	struct msg m;

	response(&m, 0xbeef, 0, 3, "host.example");
	rr_a(&m, NULL, 300, "192.0.2.1");
	rr_a(&m, "other.example", 300, "192.0.2.99");	/* not ours: skipped */
	rr_a(&m, "HOST.example.", 60, "192.0.2.2");	/* case differs */
	CHECK(parse(&m, 0xbeef, "host.example", &r) == DNS_OK);
	CHECK(r.dr_naddr == 2 && r.dr_addr[0] == ip("192.0.2.1") &&
	    r.dr_addr[1] == ip("192.0.2.2"));
	CHECK(r.dr_ttl == 60 && r.dr_ncname == 0);
	/* DNS 0x20: the server may echo the question in another case. */
	response(&m, 7, 0, 1, "HoSt.ExAmPlE");
	rr_a(&m, NULL, 300, "192.0.2.1");
	CHECK(parse(&m, 7, "host.example", &r) == DNS_OK);
}

static void
test_answer_not_ours(void)
{
	struct dns_result r;
	struct msg m;

	response(&m, 0x1111, 0, 1, "host.example");
	rr_a(&m, NULL, 300, "192.0.2.1");
	CHECK(parse(&m, 0x1112, "host.example", &r) == DNS_NOTOURS);
	CHECK(parse(&m, 0x1111, "host2.example", &r) == DNS_NOTOURS);
	m.m_b[2] &= (uint8_t)~0x80;	/* QR clear: a query */
	CHECK(parse(&m, 0x1111, "host.example", &r) == DNS_NOTOURS);
	response(&m, 0x1111, 0, 0, "host.example");
	m.m_b[m.m_len - 3] = DNS_T_PTR;	/* another qtype */
	CHECK(parse(&m, 0x1111, "host.example", &r) == DNS_NOTOURS);
}

static void
test_answer_flags(void)
{
	struct dns_result r;
	struct msg m;

	response(&m, 1, DNS_F_TC, 0, "a.example");
	CHECK(parse(&m, 1, "a.example", &r) == DNS_TRUNCATED);
	response(&m, 1, DNS_R_NXDOMAIN, 0, "a.example");
	CHECK(parse(&m, 1, "a.example", &r) == DNS_NXDOMAIN);
	response(&m, 1, DNS_R_SERVFAIL, 0, "a.example");
	CHECK(parse(&m, 1, "a.example", &r) == DNS_SERVFAIL);
	response(&m, 1, DNS_R_REFUSED, 0, "a.example");
	CHECK(parse(&m, 1, "a.example", &r) == DNS_REFUSED);
	response(&m, 1, DNS_R_FORMERR, 0, "a.example");
	CHECK(parse(&m, 1, "a.example", &r) == DNS_REFUSED);
	response(&m, 1, 0, 0, "a.example");
	CHECK(parse(&m, 1, "a.example", &r) == DNS_NODATA);
	response(&m, 1, 0x0800, 0, "a.example");	/* opcode 1 */
	CHECK(parse(&m, 1, "a.example", &r) == DNS_MALFORMED);
	response(&m, 1, 0, 0, "a.example");
	m.m_b[5] = 2;					/* two questions */
	CHECK(parse(&m, 1, "a.example", &r) == DNS_MALFORMED);
}

static void
test_cname_chain(void)
{
	struct dns_result r;
	char text[64];
	struct msg m;

	/* In reverse order: the chain is followed, not the record order. */
	response(&m, 2, 0, 3, "www.example");
	rr_a(&m, "c2.example", 30, "198.51.100.7");
	rr_cname(&m, "c1.example", "c2.example");
	rr_cname(&m, "www.example", "c1.example");
	CHECK(parse(&m, 2, "www.example", &r) == DNS_OK);
	CHECK(r.dr_naddr == 1 && r.dr_addr[0] == ip("198.51.100.7"));
	CHECK(r.dr_ncname == 2 && r.dr_ttl == 30);
	CHECK(dns_name_to_text(r.dr_name, r.dr_namelen, text,
	    sizeof(text)) == 0 && strcmp(text, "c2.example") == 0);
	/* A chain that stops: NODATA, and where it stopped. */
	response(&m, 2, 0, 1, "www.example");
	rr_cname(&m, "www.example", "elsewhere.example");
	CHECK(parse(&m, 2, "www.example", &r) == DNS_NODATA);
	CHECK(r.dr_ncname == 1);
	CHECK(dns_name_to_text(r.dr_name, r.dr_namelen, text,
	    sizeof(text)) == 0 && strcmp(text, "elsewhere.example") == 0);
}

static void
test_cname_loops(void)
{
	struct dns_result r;
	char a[32], b[32];
	struct msg m;

	response(&m, 3, 0, 2, "x.example");
	rr_cname(&m, "x.example", "y.example");
	rr_cname(&m, "y.example", "x.example");
	CHECK(parse(&m, 3, "x.example", &r) == DNS_MALFORMED);
	/* DNS_MAXCNAME links are followed, one more is refused. */
	for (unsigned n = DNS_MAXCNAME; n <= DNS_MAXCNAME + 1; n++) {
		response(&m, 3, 0, n + 1, "c0.example");
		for (unsigned i = 0; i < n; i++) {
			snprintf(a, sizeof(a), "c%u.example", i);
			snprintf(b, sizeof(b), "c%u.example", i + 1);
			rr_cname(&m, a, b);
		}
		rr_a(&m, b, 5, "192.0.2.5");
		CHECK(parse(&m, 3, "c0.example", &r) ==
		    (n == DNS_MAXCNAME ? DNS_OK : DNS_MALFORMED));
	}
}

static void
test_bad_records(void)
{
	struct dns_result r;
	struct msg m;

	response(&m, 4, 0, 1, "a.example");
	rr_a(&m, NULL, 1, "192.0.2.1");
	m.m_b[m.m_len - 5] = 5;		/* rdlength 5 past the end */
	CHECK(parse(&m, 4, "a.example", &r) == DNS_MALFORMED);
	response(&m, 4, 0, 1, "a.example");
	put16(&m, 0xc00c);
	put16(&m, DNS_T_A);
	put16(&m, DNS_C_IN);
	put32(&m, 1);
	put16(&m, 5);			/* an A record of 5 bytes */
	put32(&m, 0x01020304);
	put8(&m, 5);
	CHECK(parse(&m, 4, "a.example", &r) == DNS_MALFORMED);
	response(&m, 4, 0, 2, "a.example");	/* ANCOUNT says 2, one there */
	rr_a(&m, NULL, 1, "192.0.2.1");
	CHECK(parse(&m, 4, "a.example", &r) == DNS_MALFORMED);
	/* An A record of another class is not an address. */
	response(&m, 4, 0, 1, "a.example");
	rr_a(&m, NULL, 1, "192.0.2.1");
	m.m_b[m.m_len - 11] = 3;	/* class CH */
	CHECK(parse(&m, 4, "a.example", &r) == DNS_NODATA);
}

static void
test_pointers(void)
{
	uint8_t out[DNS_MAXNAME];
	unsigned len, next;
	struct msg m;

	/* A pointer to itself, forwards, and a reserved label type. */
	header(&m, 5, DNS_F_QR, 0);
	put16(&m, 0xc00c);
	CHECK(dns_name_read(m.m_b, m.m_len, 12, out, &len, &next) == -1);
	m.m_len = 12;
	put16(&m, 0xc00e);
	put8(&m, 0);
	CHECK(dns_name_read(m.m_b, m.m_len, 12, out, &len, &next) == -1);
	m.m_len = 12;
	put8(&m, 0x41);
	put8(&m, 0);
	CHECK(dns_name_read(m.m_b, m.m_len, 12, out, &len, &next) == -1);
	/* A pointer cut in half, and a label running past the end. */
	m.m_len = 12;
	put8(&m, 0xc0);
	CHECK(dns_name_read(m.m_b, m.m_len, 12, out, &len, &next) == -1);
	m.m_len = 12;
	put8(&m, 5);
	put8(&m, 'a');
	CHECK(dns_name_read(m.m_b, m.m_len, 12, out, &len, &next) == -1);
	/* "a" then a pointer back to it: "a.a"; next is after the pointer. */
	m.m_len = 12;
	putname(&m, "a");
	put8(&m, 1);
	put8(&m, 'a');
	put16(&m, 0xc00c);
	CHECK(dns_name_read(m.m_b, m.m_len, 15, out, &len, &next) == 0);
	CHECK(len == 5 && memcmp(out, "\1a\1a", 5) == 0 && next == 19);
}

/* Pointers that each add a label: the name grows past 255 bytes. */
static void
test_pointer_too_long(void)
{
	uint8_t out[DNS_MAXNAME];
	unsigned len, next, prev = 12;
	struct msg m;

	header(&m, 5, DNS_F_QR, 0);
	put8(&m, 0);
	for (int i = 0; i < 70; i++) {
		unsigned at = m.m_len;

		put8(&m, 3);
		put8(&m, 'a');
		put8(&m, 'b');
		put8(&m, 'c');
		put16(&m, 0xc000 | prev);
		prev = at;
	}
	CHECK(dns_name_read(m.m_b, m.m_len, prev, out, &len, &next) == -1);
}

/* Every prefix of a good answer, and many mutations: no crash, and a
 * result only from what is there. */
static void
test_truncated_and_mutated(void)
{
	struct dns_result r;
	struct msg m, x;
	unsigned ok = 0;

	response(&m, 9, 0, 3, "www.example");
	rr_cname(&m, "www.example", "c.example");
	rr_a(&m, "c.example", 30, "198.51.100.7");
	rr_a(&m, "c.example", 30, "198.51.100.8");
	CHECK(parse(&m, 9, "www.example", &r) == DNS_OK && r.dr_naddr == 2);
	for (unsigned len = 0; len < m.m_len; len++) {
		enum dns_status st = dns_response_parse(m.m_b, len, 9, qwire,
		    qlen, DNS_T_A, &r);

		CHECKMSG(st == DNS_MALFORMED || st == DNS_NOTOURS,
		    "prefix %u gave %d", len, st);
	}
	srand(11);
	for (int i = 0; i < 200000; i++) {
		x = m;
		for (int k = rand() % 4; k >= 0; k--)
			x.m_b[(unsigned)rand() % x.m_len] = (uint8_t)rand();
		if (rand() % 4 == 0)
			x.m_len = (unsigned)rand() % (x.m_len + 1);
		if (dns_response_parse(x.m_b, x.m_len, 9, qwire, qlen,
		    DNS_T_A, &r) == DNS_OK) {
			CHECK(r.dr_naddr >= 1 && r.dr_naddr <= DNS_MAXADDRS);
			ok++;
		}
	}
	CHECK(ok > 0);
}

static void
test_many_addresses(void)
{
	struct dns_result r;
	char a[20];
	struct msg m;

	response(&m, 6, 0, 40, "big.example");
	for (int i = 0; i < 40; i++) {
		snprintf(a, sizeof(a), "192.0.2.%d", i + 1);
		rr_a(&m, NULL, 100, a);
	}
	CHECK(parse(&m, 6, "big.example", &r) == DNS_OK);
	CHECK(r.dr_naddr == DNS_MAXADDRS && r.dr_addr[15] == ip("192.0.2.16"));
}


/* ---- the query loop against an in-process fake server ------------------ */

enum fake_mode {
	F_SILENT, F_ANSWER, F_SPOOF_FIRST, F_SERVFAIL_FIRST, F_NXDOMAIN,
	F_CNAME_SPLIT, F_CNAME_LOOP, F_TRUNC, F_FIRST_SILENT,
};

struct fake {
	enum fake_mode f_mode;
	uint64_t f_now;
	int f_opens, f_closes, f_open;
	int f_send_err;
	unsigned f_nsent;
	uint32_t f_to[64];
	uint16_t f_id[64];
	struct msg f_q[8];
	uint32_t f_qfrom[8];
	uint16_t f_qport[8];
	unsigned f_nq;
};

static void
fake_queue(struct fake *f, const struct msg *m, uint32_t from, uint16_t port)
{
	if (f->f_nq < 8) {
		f->f_q[f->f_nq] = *m;
		f->f_qfrom[f->f_nq] = from;
		f->f_qport[f->f_nq++] = port;
	}
}

/* The answer skeleton for query q: its header and question echoed. */
static void
fake_reply(struct msg *m, const uint8_t *q, unsigned len, unsigned rcode,
    unsigned an)
{
	memcpy(m->m_b, q, len);
	m->m_len = len;
	m->m_b[2] |= 0x80;
	m->m_b[3] = (uint8_t)(0x80 | rcode);
	m->m_b[7] = (uint8_t)an;
}

static int
qname_is(const uint8_t *q, unsigned len, const char *text)
{
	uint8_t w[DNS_MAXNAME];
	unsigned wl;

	dns_name_from_text(text, w, sizeof(w), &wl);
	return len >= 12 + wl && dns_name_equal(q + 12, wl, w, wl);
}

static void
fake_answer(struct fake *f, const uint8_t *q, unsigned len, uint32_t to)
{
	struct msg m;

	fake_reply(&m, q, len, 0, 1);
	rr_a(&m, NULL, 60, "192.0.2.1");
	fake_queue(f, &m, to, DNS_PORT);
}

/* What the fake server does with the n-th query (sent to `to`). */
static void
fake_behave(struct fake *f, unsigned n, uint32_t to, const uint8_t *q,
    unsigned len)
{
	struct msg m;

	switch (f->f_mode) {
	case F_SILENT:
		break;
	case F_ANSWER:
		fake_answer(f, q, len, to);
		break;
	case F_SPOOF_FIRST:
		fake_reply(&m, q, len, 0, 1);
		rr_a(&m, NULL, 60, "6.6.6.6");
		m.m_b[1] ^= 1;				/* wrong id */
		fake_queue(f, &m, to, DNS_PORT);
		m.m_b[1] ^= 1;
		fake_queue(f, &m, ip("6.6.6.6"), DNS_PORT);	/* wrong host */
		fake_queue(f, &m, to, 5353);		/* wrong port */
		fake_answer(f, q, len, to);
		break;
	case F_SERVFAIL_FIRST:
	case F_TRUNC:
	case F_NXDOMAIN:
		if (f->f_mode == F_SERVFAIL_FIRST && n > 0) {
			fake_answer(f, q, len, to);
			break;
		}
		fake_reply(&m, q, len, f->f_mode == F_NXDOMAIN ?
		    DNS_R_NXDOMAIN : f->f_mode == F_TRUNC ? 0 :
		    DNS_R_SERVFAIL, 0);
		if (f->f_mode == F_TRUNC)
			m.m_b[2] |= 0x02;
		fake_queue(f, &m, to, DNS_PORT);
		break;
	case F_CNAME_SPLIT:
	case F_CNAME_LOOP:
		if (f->f_mode == F_CNAME_SPLIT && qname_is(q, len, "c.example")) {
			fake_answer(f, q, len, to);
			break;
		}
		fake_reply(&m, q, len, 0, 1);
		rr_cname(&m, qname_is(q, len, "www.example") ? "www.example" :
		    "c.example", qname_is(q, len, "www.example") ?
		    "c.example" : "www.example");
		fake_queue(f, &m, to, DNS_PORT);
		break;
	case F_FIRST_SILENT:
		if (n > 0)
			fake_answer(f, q, len, to);
		break;
	}
}

static int
fake_open(void *arg)
{
	struct fake *f = arg;

	f->f_opens++;
	f->f_open = 1;
	return 0;
}

static void
fake_close(void *arg)
{
	struct fake *f = arg;

	f->f_closes++;
	f->f_open = 0;
	f->f_nq = 0;
}

static int
fake_send(void *arg, uint32_t addr, uint16_t port, const void *buf,
    unsigned len)
{
	struct fake *f = arg;
	const uint8_t *q = buf;

	if (!f->f_open || port != DNS_PORT)
		abort();
	if (f->f_send_err != 0)
		return f->f_send_err;
	if (f->f_nsent < 64) {
		f->f_to[f->f_nsent] = addr;
		f->f_id[f->f_nsent] = (uint16_t)(q[0] << 8 | q[1]);
	}
	fake_behave(f, f->f_nsent++, addr, q, len);
	return 0;
}

static int
fake_recv(void *arg, void *buf, unsigned cap, unsigned *len, uint32_t *from,
    uint16_t *fromport, uint64_t deadline)
{
	struct fake *f = arg;

	if (f->f_nq == 0) {
		if (deadline > f->f_now)
			f->f_now = deadline;
		return ETIMEDOUT;
	}
	if (f->f_q[0].m_len > cap)
		abort();
	memcpy(buf, f->f_q[0].m_b, f->f_q[0].m_len);
	*len = f->f_q[0].m_len;
	*from = f->f_qfrom[0];
	*fromport = f->f_qport[0];
	f->f_nq--;
	memmove(f->f_q, f->f_q + 1, f->f_nq * sizeof(f->f_q[0]));
	memmove(f->f_qfrom, f->f_qfrom + 1, f->f_nq * sizeof(uint32_t));
	memmove(f->f_qport, f->f_qport + 1, f->f_nq * sizeof(uint16_t));
	return 0;
}

static uint64_t
fake_now(void *arg)
{
	return ((struct fake *)arg)->f_now;
}

static uint16_t
fake_random16(void *arg)
{
	(void)arg;
	return (uint16_t)rand();
}

static struct fake fk;
static struct res_stats fstats;
static struct dns_result fres;

static enum res_error
fake_lookup(enum fake_mode mode, unsigned nservers, const char *name,
    int *err)
{
	struct res_transport t = { &fk, fake_open, fake_close, fake_send,
	    fake_recv, fake_now, fake_random16 };
	struct res_conf rc = { { ip("10.0.0.1"), ip("10.0.0.2") }, nservers,
	    DNS_PORT, 2000, 2 };
	uint8_t w[DNS_MAXNAME];
	unsigned wl;

	memset(&fk, 0, sizeof(fk));
	memset(&fstats, 0, sizeof(fstats));
	fk.f_mode = mode;
	*err = 0;
	if (dns_name_from_text(name, w, sizeof(w), &wl) != 0)
		abort();
	return res_lookup(&rc, &t, w, wl, DNS_T_A, &fres, err, &fstats);
}

static void
test_loop_timeouts(void)
{
	int err;

	CHECK(fake_lookup(F_SILENT, 2, "a.example", &err) == RES_AGAIN);
	CHECK(fk.f_nsent == 4 && fk.f_now == 4 * 2000);
	CHECK(fk.f_to[0] == ip("10.0.0.1") && fk.f_to[1] == ip("10.0.0.2") &&
	    fk.f_to[2] == ip("10.0.0.1") && fk.f_to[3] == ip("10.0.0.2"));
	CHECK(fk.f_opens == 1 && fk.f_closes == 1);
	CHECK(fk.f_id[0] != fk.f_id[1] || fk.f_id[1] != fk.f_id[2]);
	CHECK(fake_lookup(F_FIRST_SILENT, 2, "a.example", &err) == RES_OK);
	CHECK(fk.f_nsent == 2 && fk.f_now == 2000 &&
	    fres.dr_addr[0] == ip("192.0.2.1"));
}

static void
test_loop_spoofs(void)
{
	int err;

	CHECK(fake_lookup(F_SPOOF_FIRST, 1, "a.example", &err) == RES_OK);
	CHECK(fres.dr_naddr == 1 && fres.dr_addr[0] == ip("192.0.2.1"));
	CHECK(fstats.rs_ignored == 3 && fk.f_nsent == 1 && fk.f_now == 0);
}

static void
test_loop_errors(void)
{
	int err;

	CHECK(fake_lookup(F_SERVFAIL_FIRST, 2, "a.example", &err) == RES_OK);
	CHECK(fk.f_nsent == 2 && fstats.rs_rejected == 1);
	CHECK(fake_lookup(F_SERVFAIL_FIRST, 1, "a.example", &err) == RES_OK);
	CHECK(fk.f_nsent == 2);
	CHECK(fake_lookup(F_NXDOMAIN, 2, "a.example", &err) == RES_NONAME);
	CHECK(fk.f_nsent == 1);
	CHECK(fake_lookup(F_TRUNC, 2, "a.example", &err) == RES_FAIL);
	CHECK(fk.f_nsent == 4 && fstats.rs_rejected == 4);
	CHECK(fake_lookup(F_ANSWER, 0, "a.example", &err) == RES_FAIL);
	CHECK(fk.f_nsent == 0);
}

static void
test_loop_send_errors(void)
{
	struct res_transport t = { &fk, fake_open, fake_close, fake_send,
	    fake_recv, fake_now, fake_random16 };
	struct res_conf rc = { { ip("10.0.0.1") }, 1, DNS_PORT, 2000, 2 };
	uint8_t w[DNS_MAXNAME];
	unsigned wl;
	int err = 0;

	memset(&fk, 0, sizeof(fk));
	fk.f_send_err = ENETUNREACH;
	dns_name_from_text("a.example", w, sizeof(w), &wl);
	CHECK(res_lookup(&rc, &t, w, wl, DNS_T_A, &fres, &err, NULL) ==
	    RES_AGAIN);
	CHECK(err == ENETUNREACH && fk.f_closes == 1);
}

static void
test_loop_cnames(void)
{
	char text[64];
	int err;

	CHECK(fake_lookup(F_CNAME_SPLIT, 1, "www.example", &err) == RES_OK);
	CHECK(fres.dr_ncname == 1 && fk.f_nsent == 2 && fk.f_opens == 2);
	CHECK(dns_name_to_text(fres.dr_name, fres.dr_namelen, text,
	    sizeof(text)) == 0 && strcmp(text, "c.example") == 0);
	CHECK(fake_lookup(F_CNAME_LOOP, 1, "www.example", &err) == RES_FAIL);
	CHECK(fk.f_nsent == DNS_MAXCNAME + 1 && fk.f_opens == fk.f_closes);
}

/* ---- the loop over real UDP sockets, against a server thread ------------ */

struct realsrv {
	int rs_fd;
	uint16_t rs_port;
	volatile int rs_stop;
	unsigned rs_queries;
};

static void
realsrv_answer(struct realsrv *s, const uint8_t *q, unsigned len,
    const struct sockaddr_in *from)
{
	struct msg m;

	if (qname_is(q, len, "silent.example"))
		return;
	if (qname_is(q, len, "real.example")) {
		fake_reply(&m, q, len, 0, 2);
		rr_a(&m, NULL, 60, "203.0.113.5");
		rr_a(&m, NULL, 60, "203.0.113.6");
	} else {
		fake_reply(&m, q, len, DNS_R_NXDOMAIN, 0);
	}
	sendto(s->rs_fd, m.m_b, m.m_len, 0, (const struct sockaddr *)from,
	    sizeof(*from));
}

static void *
realsrv_run(void *arg)
{
	struct realsrv *s = arg;
	struct pollfd p = { .fd = s->rs_fd, .events = POLLIN };
	uint8_t buf[1500];

	while (!s->rs_stop) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n;

		if (poll(&p, 1, 50) <= 0)
			continue;
		n = recvfrom(s->rs_fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&from, &fl);
		if (n < 12 || n > 600)
			continue;
		s->rs_queries++;
		realsrv_answer(s, buf, (unsigned)n, &from);
	}
	return NULL;
}

static int
udp_open(void *arg)
{
	int *fd = arg;
	struct sockaddr_in a = { .sin_family = AF_INET };

	if ((*fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return errno;
	if (bind(*fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		return errno;
	return 0;
}

static void
udp_close(void *arg)
{
	close(*(int *)arg);
}

static int
udp_send(void *arg, uint32_t addr, uint16_t port, const void *buf,
    unsigned len)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
	    .sin_port = htons(port), .sin_addr.s_addr = addr };

	if (sendto(*(int *)arg, buf, len, 0, (struct sockaddr *)&to,
	    sizeof(to)) < 0)
		return errno;
	return 0;
}

static uint64_t
udp_now(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int
udp_recv(void *arg, void *buf, unsigned cap, unsigned *len, uint32_t *from,
    uint16_t *fromport, uint64_t deadline)
{
	struct pollfd p = { .fd = *(int *)arg, .events = POLLIN };
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	uint64_t now = udp_now(NULL);
	ssize_t n;

	if (now >= deadline || poll(&p, 1, (int)(deadline - now)) <= 0)
		return ETIMEDOUT;
	if ((n = recvfrom(p.fd, buf, cap, 0, (struct sockaddr *)&sin,
	    &sl)) < 0)
		return errno;
	*len = (unsigned)n;
	*from = sin.sin_addr.s_addr;
	*fromport = ntohs(sin.sin_port);
	return 0;
}

static enum res_error
real_lookup(struct realsrv *s, const char *name)
{
	int fd = -1, err = 0;
	struct res_transport t = { &fd, udp_open, udp_close, udp_send,
	    udp_recv, udp_now, fake_random16 };
	struct res_conf rc = { { ip("127.0.0.1") }, 1, s->rs_port, 150, 2 };
	uint8_t w[DNS_MAXNAME];
	unsigned wl;

	dns_name_from_text(name, w, sizeof(w), &wl);
	return res_lookup(&rc, &t, w, wl, DNS_T_A, &fres, &err, NULL);
}

static void
test_real_udp(void)
{
	struct realsrv s = { 0 };
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	pthread_t th;
	uint64_t t0, dt;
	enum res_error e1, e2, e3;
	unsigned n1;
	uint32_t a1;

	CHECK((s.rs_fd = socket(AF_INET, SOCK_DGRAM, 0)) >= 0);
	CHECK(bind(s.rs_fd, (struct sockaddr *)&a, sizeof(a)) == 0);
	CHECK(getsockname(s.rs_fd, (struct sockaddr *)&a, &al) == 0);
	s.rs_port = ntohs(a.sin_port);
	CHECK(pthread_create(&th, NULL, realsrv_run, &s) == 0);
	e1 = real_lookup(&s, "real.example");
	n1 = fres.dr_naddr;
	a1 = fres.dr_addr[1];
	e2 = real_lookup(&s, "nope.example");
	t0 = udp_now(NULL);
	e3 = real_lookup(&s, "silent.example");
	dt = udp_now(NULL) - t0;
	s.rs_stop = 1;
	pthread_join(th, NULL);
	close(s.rs_fd);
	CHECK(e1 == RES_OK && n1 == 2 && a1 == ip("203.0.113.6"));
	CHECK(e2 == RES_NONAME);
	CHECKMSG(e3 == RES_AGAIN && dt >= 290 && dt < 2000,
	    "silent: %d after %llu ms", e3, (unsigned long long)dt);
	CHECK(s.rs_queries == 4);
}

static void
run_loop_tests(void)
{
	RUN(test_loop_timeouts);
	RUN(test_loop_spoofs);
	RUN(test_loop_errors);
	RUN(test_loop_send_errors);
	RUN(test_loop_cnames);
	RUN(test_real_udp);
}

int
main(void)
{
	RUN(test_names);
	RUN(test_query);
	RUN(test_ptr_name);
	RUN(test_answer_a);
	RUN(test_answer_not_ours);
	RUN(test_answer_flags);
	RUN(test_cname_chain);
	RUN(test_cname_loops);
	RUN(test_bad_records);
	RUN(test_pointers);
	RUN(test_pointer_too_long);
	RUN(test_truncated_and_mutated);
	RUN(test_many_addresses);
	run_loop_tests();
	return unit_done();
}
