/*
 * DNS message encoding and checking (resolv_msg.h), from RFC 1035
 * sections 3.1, 4.1 and 4.1.4 (compression), with the answer checks a
 * stub resolver needs against spoofed or broken replies.
 *
 * Invariant relied on throughout: every read of msg is preceded by a
 * check that the bytes lie below len; offsets are unsigned and never
 * wrap because len is at most a UDP datagram.
 */
#include <stdint.h>
#include <string.h>

#include "resolv_msg.h"

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static bool
label_byte_ok(uint8_t c)
{
	return c > ' ' && c < 0x7f && c != '.' && c != '\\';
}

int
dns_name_from_text(const char *text, uint8_t *wire, unsigned cap,
    unsigned *len)
{
	unsigned n = 0, lab;
	const char *p = text;

	if (*p == '\0' || (p[0] == '.' && p[1] == '\0'))
		return -1;
	while (*p != '\0') {
		for (lab = 0; p[lab] != '\0' && p[lab] != '.'; lab++) {
			if (!label_byte_ok((uint8_t)p[lab]))
				return -1;
		}
		if (lab == 0 || lab > DNS_MAXLABEL || n + 1 + lab + 1 > cap ||
		    n + 1 + lab + 1 > DNS_MAXNAME)
			return -1;
		wire[n++] = (uint8_t)lab;
		memcpy(wire + n, p, lab);
		n += lab;
		p += lab;
		if (*p == '.')
			p++;
	}
	wire[n++] = 0;
	*len = n;
	return 0;
}

int
dns_name_to_text(const uint8_t *wire, unsigned len, char *text,
    unsigned cap)
{
	unsigned i = 0, o = 0;

	if (cap < 2)
		return -1;
	if (len == 1 && wire[0] == 0) {
		memcpy(text, ".", 2);
		return 0;
	}
	while (i < len && wire[i] != 0) {
		unsigned lab = wire[i++];

		if (lab > DNS_MAXLABEL || i + lab > len)
			return -1;
		if (o != 0)
			text[o++] = '.';
		if (o + lab + 1 > cap)
			return -1;
		for (unsigned k = 0; k < lab; k++) {
			if (!label_byte_ok(wire[i + k]))
				return -1;
			text[o++] = (char)wire[i + k];
		}
		i += lab;
	}
	if (i >= len)
		return -1;	/* no root byte */
	text[o] = '\0';
	return 0;
}

static uint8_t
fold(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* Length bytes are at most 63, below 'A', so folding them is harmless. */
bool
dns_name_equal(const uint8_t *a, unsigned alen, const uint8_t *b,
    unsigned blen)
{
	if (alen != blen)
		return false;
	for (unsigned i = 0; i < alen; i++) {
		if (fold(a[i]) != fold(b[i]))
			return false;
	}
	return true;
}

int
dns_name_read(const uint8_t *msg, unsigned len, unsigned off,
    uint8_t *out, unsigned *outlen, unsigned *next)
{
	unsigned n = 0, jumps = 0, end = 0;
	bool jumped = false;

	for (;;) {
		uint8_t c;

		if (off >= len)
			return -1;
		c = msg[off];
		if ((c & 0xc0) == 0xc0) {
			unsigned target;

			if (off + 1 >= len || ++jumps > DNS_MAXJUMPS)
				return -1;
			target = (unsigned)(c & 0x3f) << 8 | msg[off + 1];
			if (target >= off)
				return -1;	/* only backwards: no loops */
			if (!jumped)
				end = off + 2;
			jumped = true;
			off = target;
			continue;
		}
		if ((c & 0xc0) != 0)
			return -1;	/* 0x40 and 0x80: reserved */
		if (off + 1 + c > len || n + 1 + c > DNS_MAXNAME)
			return -1;
		memcpy(out + n, msg + off, 1u + c);
		n += 1u + c;
		off += 1u + c;
		if (c == 0)
			break;
	}
	*outlen = n;
	*next = jumped ? end : off;
	return 0;
}

int
dns_query_build(uint16_t id, const uint8_t *qname, unsigned qlen,
    uint16_t qtype, uint8_t *buf, unsigned cap, unsigned *len)
{
	unsigned n = DNS_HDRLEN + qlen + 4;

	if (n > cap || qlen == 0 || qlen > DNS_MAXNAME)
		return -1;
	memset(buf, 0, DNS_HDRLEN);
	wr16(buf, id);
	wr16(buf + 2, DNS_F_RD);
	wr16(buf + 4, 1);		/* QDCOUNT */
	memcpy(buf + DNS_HDRLEN, qname, qlen);
	wr16(buf + DNS_HDRLEN + qlen, qtype);
	wr16(buf + DNS_HDRLEN + qlen + 2, DNS_C_IN);
	*len = n;
	return 0;
}

/* One resource record's fixed part, located and bounds-checked. */
struct dns_rr {
	uint8_t rr_name[DNS_MAXNAME];
	unsigned rr_namelen;
	uint16_t rr_type, rr_class;
	uint32_t rr_ttl;
	unsigned rr_rdoff, rr_rdlen;
};

/* Reads the record at *off and moves *off past it; -1 if malformed. */
static int
rr_read(const uint8_t *msg, unsigned len, unsigned *off, struct dns_rr *rr)
{
	unsigned p;

	if (dns_name_read(msg, len, *off, rr->rr_name, &rr->rr_namelen,
	    &p) != 0 || p + 10 > len)
		return -1;
	rr->rr_type = rd16(msg + p);
	rr->rr_class = rd16(msg + p + 2);
	rr->rr_ttl = rd32(msg + p + 4);
	rr->rr_rdlen = rd16(msg + p + 8);
	rr->rr_rdoff = p + 10;
	if (rr->rr_rdoff + rr->rr_rdlen > len)
		return -1;
	*off = rr->rr_rdoff + rr->rr_rdlen;
	return 0;
}

/* The question must be ours; *off is moved past it. */
static enum dns_status
question_check(const uint8_t *msg, unsigned len, unsigned *off,
    const uint8_t *qname, unsigned qlen, uint16_t qtype)
{
	uint8_t name[DNS_MAXNAME];
	unsigned nlen, p;

	if (dns_name_read(msg, len, *off, name, &nlen, &p) != 0 ||
	    p + 4 > len)
		return DNS_MALFORMED;
	if (!dns_name_equal(name, nlen, qname, qlen) ||
	    rd16(msg + p) != qtype || rd16(msg + p + 2) != DNS_C_IN)
		return DNS_NOTOURS;
	*off = p + 4;
	return DNS_OK;
}

static enum dns_status
rcode_status(unsigned rcode)
{
	switch (rcode) {
	case DNS_R_NOERROR:
		return DNS_OK;
	case DNS_R_NXDOMAIN:
		return DNS_NXDOMAIN;
	case DNS_R_SERVFAIL:
		return DNS_SERVFAIL;
	default:
		return DNS_REFUSED;
	}
}

/* Header and question; *off is left at the answer section. */
static enum dns_status
header_check(const uint8_t *msg, unsigned len, uint16_t id,
    const uint8_t *qname, unsigned qlen, uint16_t qtype, unsigned *off)
{
	uint16_t flags;
	enum dns_status st;

	if (len < DNS_HDRLEN)
		return DNS_MALFORMED;
	flags = rd16(msg + 2);
	if (rd16(msg) != id || (flags & DNS_F_QR) == 0)
		return DNS_NOTOURS;
	if ((flags & DNS_F_OPCODE) != 0 || rd16(msg + 4) != 1)
		return DNS_MALFORMED;
	*off = DNS_HDRLEN;
	if ((st = question_check(msg, len, off, qname, qlen, qtype)) !=
	    DNS_OK)
		return st;
	if ((flags & DNS_F_TC) != 0)
		return DNS_TRUNCATED;
	return rcode_status(flags & DNS_F_RCODE);
}

/* Every answer record must parse; *end is where the section ends. */
static int
answers_check(const uint8_t *msg, unsigned len, unsigned off,
    unsigned count, unsigned *end)
{
	struct dns_rr rr;

	for (unsigned i = 0; i < count; i++) {
		if (rr_read(msg, len, &off, &rr) != 0)
			return -1;
	}
	*end = off;
	return 0;
}

static void
ttl_min(struct dns_result *r, uint32_t ttl)
{
	if (ttl < r->dr_ttl)
		r->dr_ttl = ttl;
}

/* The CNAME whose owner is r->dr_name, followed one step: 1 if found. */
static int
cname_step(const uint8_t *msg, unsigned len, unsigned off, unsigned count,
    struct dns_result *r)
{
	struct dns_rr rr;
	unsigned tlen, tnext;
	uint8_t target[DNS_MAXNAME];

	for (unsigned i = 0; i < count; i++) {
		if (rr_read(msg, len, &off, &rr) != 0)
			return -1;
		if (rr.rr_type != DNS_T_CNAME || rr.rr_class != DNS_C_IN ||
		    !dns_name_equal(rr.rr_name, rr.rr_namelen, r->dr_name,
		    r->dr_namelen))
			continue;
		if (dns_name_read(msg, len, rr.rr_rdoff, target, &tlen,
		    &tnext) != 0 || tnext != rr.rr_rdoff + rr.rr_rdlen)
			return -1;
		memcpy(r->dr_name, target, tlen);
		r->dr_namelen = tlen;
		ttl_min(r, rr.rr_ttl);
		return 1;
	}
	return 0;
}

/* One A or PTR record owned by r->dr_name: 0 used or skipped, -1 bad. */
static int
take_record(const uint8_t *msg, unsigned len, const struct dns_rr *rr,
    uint16_t qtype, struct dns_result *r, bool *ptr_done)
{
	uint8_t target[DNS_MAXNAME];
	unsigned tlen, tnext;

	if (qtype == DNS_T_A) {
		if (rr->rr_rdlen != 4)
			return -1;
		if (r->dr_naddr < DNS_MAXADDRS)
			memcpy(&r->dr_addr[r->dr_naddr++], msg + rr->rr_rdoff,
			    4);
	} else {
		if (dns_name_read(msg, len, rr->rr_rdoff, target, &tlen,
		    &tnext) != 0 || tnext != rr->rr_rdoff + rr->rr_rdlen)
			return -1;
		if (*ptr_done)
			return 0;
		memcpy(r->dr_name, target, tlen);
		r->dr_namelen = tlen;
		*ptr_done = true;
	}
	ttl_min(r, rr->rr_ttl);
	return 0;
}

/* The records of qtype owned by r->dr_name. */
static enum dns_status
records_take(const uint8_t *msg, unsigned len, unsigned off,
    unsigned count, uint16_t qtype, struct dns_result *r)
{
	uint8_t owner[DNS_MAXNAME];
	unsigned olen = r->dr_namelen;
	bool ptr_done = false;
	struct dns_rr rr;

	memcpy(owner, r->dr_name, olen);
	for (unsigned i = 0; i < count; i++) {
		if (rr_read(msg, len, &off, &rr) != 0)
			return DNS_MALFORMED;
		if (rr.rr_type != qtype || rr.rr_class != DNS_C_IN ||
		    !dns_name_equal(rr.rr_name, rr.rr_namelen, owner, olen))
			continue;
		if (take_record(msg, len, &rr, qtype, r, &ptr_done) != 0)
			return DNS_MALFORMED;
	}
	return r->dr_naddr > 0 || ptr_done ? DNS_OK : DNS_NODATA;
}

enum dns_status
dns_response_parse(const uint8_t *msg, unsigned len, uint16_t id,
    const uint8_t *qname, unsigned qlen, uint16_t qtype,
    struct dns_result *r)
{
	unsigned off, end, count;
	enum dns_status st;
	int step;

	memset(r, 0, sizeof(*r));
	r->dr_ttl = UINT32_MAX;
	if ((st = header_check(msg, len, id, qname, qlen, qtype, &off)) !=
	    DNS_OK)
		return st;
	count = rd16(msg + 6);
	if (answers_check(msg, len, off, count, &end) != 0)
		return DNS_MALFORMED;
	memcpy(r->dr_name, qname, qlen);
	r->dr_namelen = qlen;
	while ((step = cname_step(msg, len, off, count, r)) == 1) {
		if (++r->dr_ncname > DNS_MAXCNAME)
			return DNS_MALFORMED;
	}
	if (step < 0)
		return DNS_MALFORMED;
	return records_take(msg, len, off, count, qtype, r);
}

int
dns_ptr_name(uint32_t addr, uint8_t *wire, unsigned cap, unsigned *len)
{
	const uint8_t *b = (const uint8_t *)&addr;
	char text[32];
	unsigned o = 0;

	for (int i = 3; i >= 0; i--) {
		unsigned v = b[i];

		if (v >= 100)
			text[o++] = (char)('0' + v / 100);
		if (v >= 10)
			text[o++] = (char)('0' + v / 10 % 10);
		text[o++] = (char)('0' + v % 10);
		text[o++] = '.';
	}
	memcpy(text + o, "in-addr.arpa", sizeof("in-addr.arpa"));
	return dns_name_from_text(text, wire, cap, len);
}
