/*
 * The Internet checksum (sys/netinet/in_cksum.c) against a byte-at-a-time
 * reference (RFC 1071 taken literally: big-endian 16-bit words, a zero
 * pad byte at an odd end), over random buffers and over mbuf chains cut
 * at random places (odd lengths, odd offsets, odd data alignment).
 */
#include <string.h>

#include <net/mbuf.h>
#include <netinet/inet.h>

#include "nt.h"

/* The reference: ones' complement sum of big-endian words, inverted. */
static uint16_t
ref_cksum(const uint8_t *p, unsigned len, uint32_t init)
{
	uint64_t sum = init;

	for (unsigned i = 0; i < len; i++)
		sum += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Our result as stored on the wire equals the big-endian reference. */
static bool
same(uint16_t ours, uint16_t ref)
{
	uint8_t b[2];

	memcpy(b, &ours, 2);
	return b[0] == (ref >> 8) && b[1] == (ref & 0xff);
}

/* A chain holding buf, cut at random points, data at random alignments. */
static struct mbuf *
random_chain(const uint8_t *buf, unsigned len, uint64_t *rnd)
{
	struct mbuf *head = m_gethdr(M_NOWAIT), *tail = head, *m;
	unsigned off = 0, n;

	NT_CHECK(head != NULL);
	head->m_data += nt_randn(rnd, 3);
	head->m_pkthdr.len = len;
	while (off < len) {
		n = 1 + nt_randn(rnd, nt_randn(rnd, 4) == 0 ? 100 : 9);
		if (n > len - off)
			n = len - off;
		if (tail == head && head->m_len == 0) {
			m = head;
		} else {
			m = m_get(M_NOWAIT);
			NT_CHECK(m != NULL);
			m->m_data += nt_randn(rnd, 3);
			tail->m_next = m;
			tail = m;
		}
		memcpy(m->m_data, buf + off, n);
		m->m_len = n;
		off += n;
	}
	return head;
}

NT_CASE(cksum_buffers_match_reference)
{
	static uint8_t buf[4096 + 8];
	uint64_t rnd = 11;
	unsigned len, align;

	for (int i = 0; i < 2000; i++) {
		len = nt_randn(&rnd, i < 200 ? 40 : 4096);
		align = nt_randn(&rnd, 8);
		for (unsigned j = 0; j < len; j++)
			buf[align + j] = (uint8_t)nt_rand(&rnd);
		if (i % 7 == 0)	/* runs of 0xff exercise the carries */
			memset(buf + align, 0xff, len);
		NT_CHECK(same(in_cksum_buf(buf + align, len),
		    ref_cksum(buf + align, len, 0)));
	}
}

NT_CASE(cksum_chains_match_reference)
{
	static uint8_t buf[3000];
	struct nt_leak lk;
	uint64_t rnd = 12;
	struct mbuf *m;
	unsigned len, off, n;

	nt_leak_start(&lk);
	for (int i = 0; i < 1000; i++) {
		len = 1 + nt_randn(&rnd, sizeof(buf) - 1);
		for (unsigned j = 0; j < len; j++)
			buf[j] = (uint8_t)nt_rand(&rnd);
		m = random_chain(buf, len, &rnd);
		NT_CHECK(same(in_cksum(m, 0, len), ref_cksum(buf, len, 0)));
		off = nt_randn(&rnd, len);
		n = nt_randn(&rnd, len - off + 1);
		NT_CHECK(same(in_cksum(m, off, n), ref_cksum(buf + off, n, 0)));
		m_freem(m);
	}
	nt_leak_check(&lk);
}

NT_CASE(cksum_pseudo_header)
{
	static uint8_t buf[1600];
	uint8_t ph[12];
	uint64_t rnd = 13;
	in_addr_t src, dst;
	struct mbuf *m;
	unsigned len, hdr;
	uint32_t init;

	for (int i = 0; i < 500; i++) {
		len = nt_randn(&rnd, 1500);
		hdr = nt_randn(&rnd, 60);
		src = (in_addr_t)nt_rand(&rnd);
		dst = (in_addr_t)nt_rand(&rnd);
		for (unsigned j = 0; j < hdr + len; j++)
			buf[j] = (uint8_t)nt_rand(&rnd);
		memcpy(ph, &src, 4);
		memcpy(ph + 4, &dst, 4);
		ph[8] = 0;
		ph[9] = IPPROTO_UDP;
		ph[10] = (uint8_t)(len >> 8);
		ph[11] = (uint8_t)len;
		/* The pseudo header's sum, folded, seeds the reference. */
		init = (uint16_t)~ref_cksum(ph, 12, 0);
		m = random_chain(buf, hdr + len, &rnd);
		NT_CHECK(same(in4_cksum(m, IPPROTO_UDP, src, dst, hdr, len),
		    ref_cksum(buf + hdr, len, init)));
		m_freem(m);
	}
}

NT_CASE(cksum_verifies_to_zero)
{
	/* RFC 1071 example bytes, then a header with its sum filled in. */
	uint8_t b[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	uint8_t h[20] = {0x45, 0, 0, 20, 0, 1, 0, 0, 64, 17, 0, 0,
	    10, 0, 0, 1, 10, 0, 0, 2};
	uint16_t s;

	NT_CHECK(same(in_cksum_buf(b, 8), (uint16_t)~0xddf2));
	s = in_cksum_buf(h, 20);
	memcpy(h + 10, &s, 2);
	NT_CHECK_EQ(in_cksum_buf(h, 20), 0);
}
