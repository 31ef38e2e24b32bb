/*
 * The Internet checksum (RFC 1071) over mbuf chains and buffers.
 *
 * Sums are kept in "native load" order: the 16-bit words of the data are
 * read with ordinary (host order) loads and added with end-around carry.
 * Ones' complement addition commutes with byte swapping, so a folded sum
 * stored back with an ordinary 16-bit store gives the right bytes on the
 * wire on either endianness (RFC 1071 section 2(B)).
 *
 * A region may start at an odd byte of an mbuf and mbufs may hold odd
 * lengths: each piece is summed as if it started on a word boundary, and
 * a piece that starts at an odd position of the region has its sum byte
 * swapped before it is added (RFC 1071 section 2(B) again).
 */
#include <string.h>

#include <kern/kassert.h>
#include <net/mbuf.h>
#include <netinet/inet.h>

static uint32_t
cksum_fold(uint64_t sum)
{
	while ((sum >> 16) != 0)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint32_t)sum;
}

/*
 * Sum of a buffer as if it started on an even byte; folded to 16 bits.
 * The bulk is added in 64-bit words: 2^64 is 1 modulo 2^16 - 1, so a
 * word's four 16-bit halves add up the same as the word, and every
 * carry out of bit 63 counts as one more (end-around carry).
 */
static uint32_t
cksum_piece(const uint8_t *p, unsigned len)
{
	uint64_t sum = 0, w64;
	uint32_t w32;
	uint16_t w16;
	unsigned carries = 0;

	while (len >= 32) {
		for (int i = 0; i < 4; i++) {
			memcpy(&w64, p + 8 * i, 8);
			carries += __builtin_add_overflow(sum, w64, &sum);
		}
		p += 32;
		len -= 32;
	}
	while (len >= 8) {
		memcpy(&w64, p, 8);
		carries += __builtin_add_overflow(sum, w64, &sum);
		p += 8;
		len -= 8;
	}
	sum = (sum & 0xffffffff) + (sum >> 32) + carries;
	if (len >= 4) {
		memcpy(&w32, p, 4);
		sum += w32;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&w16, p, 2);
		sum += w16;
		p += 2;
		len -= 2;
	}
	if (len == 1) {
		/* The last byte is the first half of a word padded with 0. */
		uint8_t pad[2] = {p[0], 0};

		memcpy(&w16, pad, 2);
		sum += w16;
	}
	return cksum_fold(sum);
}

static uint32_t
cksum_swap(uint32_t s)
{
	return ((s & 0xff) << 8) | ((s >> 8) & 0xff);
}

uint32_t
in_cksum_partial(const struct mbuf *m, unsigned off, unsigned len,
    uint32_t sum)
{
	uint64_t acc = sum;
	bool odd = false;
	unsigned n;
	uint32_t s;

	while (m != NULL && off >= m->m_len) {
		off -= m->m_len;
		m = m->m_next;
	}
	for (; m != NULL && len > 0; m = m->m_next, off = 0) {
		n = m->m_len - off;
		if (n > len)
			n = len;
		s = cksum_piece(m->m_data + off, n);
		acc += odd ? cksum_swap(s) : s;
		if (n & 1)
			odd = !odd;
		len -= n;
	}
	KASSERT(len == 0);
	return cksum_fold(acc);
}

uint16_t
in_cksum(const struct mbuf *m, unsigned off, unsigned len)
{
	return (uint16_t)~in_cksum_partial(m, off, len, 0);
}

uint16_t
in4_cksum(const struct mbuf *m, uint8_t proto, in_addr_t src, in_addr_t dst,
    unsigned off, unsigned len)
{
	uint64_t sum;

	/* Pseudo header: source, destination, zero, protocol, length. */
	sum = (uint64_t)(src & 0xffff) + (src >> 16) + (dst & 0xffff) +
	    (dst >> 16) + net_htons(proto) + net_htons((uint16_t)len);
	return (uint16_t)~in_cksum_partial(m, off, len, cksum_fold(sum));
}

uint16_t
in_cksum_buf(const void *buf, unsigned len)
{
	return (uint16_t)~cksum_piece(buf, len);
}
