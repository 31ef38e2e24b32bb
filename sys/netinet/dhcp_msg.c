/*
 * DHCP messages: building the client's DISCOVER and REQUEST, and parsing
 * what servers send (RFC 2131 section 2 for the header, RFC 2132 for the
 * options).
 *
 * dhcp_parse trusts nothing in the message: every read is bounded by the
 * length given, every option we use must have the length RFC 2132 gives
 * it, and anything else is EINVAL, which the client counts as
 * IFS_DHCP_BAD. Options we do not use are skipped over (still bounded).
 * The option overload (52) is not followed: sname and file are not read.
 * Matching the reply to our transaction (xid, chaddr) is the caller's.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <net/mbuf.h>
#include <netinet/dhcp.h>
#include <netinet/inet.h>

#include "dhcp_impl.h"

const uint8_t dhcp_cookie[4] = { 99, 130, 83, 99 };

/* Options the client asks for (option 55). */
static const uint8_t param_req[] = {
	DHO_SUBNET_MASK, DHO_ROUTERS, DHO_DNS, DHO_DOMAIN,
	DHO_LEASE_TIME, DHO_SERVER_ID, DHO_T1, DHO_T2,
};

#define HOSTNAME_MAX 63		/* one DNS label */
/* The longest message dhcp_build writes: header, cookie, type, client
 * id, requested address, server id, size, host name, list, END. */
_Static_assert(DHCP_OPT_OFF + 3 + 9 + 6 + 6 + 4 + 2 + HOSTNAME_MAX + 2 + 8 +
    1 <= DHCP_BUILD_MAX, "dhcp_build buffer");

/* ---- building ----------------------------------------------------------- */

static unsigned
put_opt(uint8_t *buf, unsigned off, uint8_t code, const void *val,
    unsigned len)
{
	buf[off] = code;
	buf[off + 1] = (uint8_t)len;
	memcpy(buf + off + 2, val, len);
	return off + 2 + len;
}

/* Host name up to its first dot, printable characters only. */
static unsigned
put_hostname(uint8_t *buf, unsigned off, const char *name)
{
	unsigned n = 0;

	while (n < HOSTNAME_MAX && name[n] != '\0' && name[n] != '.' &&
	    name[n] > ' ' && name[n] < 0x7f)
		n++;
	if (n == 0)
		return off;
	return put_opt(buf, off, DHO_HOSTNAME, name, n);
}

static void
put_header(const struct dhcp_req *dr, uint8_t *buf)
{
	struct dhcp_hdr h;

	memset(&h, 0, sizeof(h));
	h.dh_op = BOOTREQUEST;
	h.dh_htype = DHCP_HTYPE_ETHER;
	h.dh_hlen = ETHER_ADDR_LEN;
	h.dh_xid = net_htonl(dr->dr_xid);
	h.dh_secs = net_htons(dr->dr_secs);
	h.dh_flags = dr->dr_broadcast ? net_htons(DHCP_FLAG_BROADCAST) : 0;
	h.dh_ciaddr = dr->dr_ciaddr;
	memcpy(h.dh_chaddr, dr->dr_chaddr, ETHER_ADDR_LEN);
	memcpy(h.dh_cookie, dhcp_cookie, sizeof(h.dh_cookie));
	memcpy(buf, &h, sizeof(h));
}

unsigned
dhcp_build(const struct dhcp_req *dr, uint8_t *buf)
{
	uint8_t clid[1 + ETHER_ADDR_LEN], maxsz[2];
	unsigned off;

	put_header(dr, buf);
	off = put_opt(buf, DHCP_OPT_OFF, DHO_MSG_TYPE, &dr->dr_type, 1);
	clid[0] = DHCP_HTYPE_ETHER;
	memcpy(clid + 1, dr->dr_chaddr, ETHER_ADDR_LEN);
	off = put_opt(buf, off, DHO_CLIENT_ID, clid, sizeof(clid));
	if (dr->dr_reqaddr != 0)
		off = put_opt(buf, off, DHO_REQUESTED_ADDR, &dr->dr_reqaddr, 4);
	if (dr->dr_server != 0)
		off = put_opt(buf, off, DHO_SERVER_ID, &dr->dr_server, 4);
	maxsz[0] = (1500 >> 8) & 0xff;
	maxsz[1] = 1500 & 0xff;
	off = put_opt(buf, off, DHO_MAX_MSG_SIZE, maxsz, 2);
	if (dr->dr_hostname != NULL)
		off = put_hostname(buf, off, dr->dr_hostname);
	off = put_opt(buf, off, DHO_PARAM_REQ, param_req, sizeof(param_req));
	buf[off++] = DHO_END;
	if (off < DHCP_MIN_SEND) {
		memset(buf + off, DHO_PAD, DHCP_MIN_SEND - off);
		off = DHCP_MIN_SEND;
	}
	return off;
}

struct mbuf *
dhcp_build_mbuf(const struct dhcp_req *dr)
{
	uint8_t buf[DHCP_BUILD_MAX];
	unsigned len = dhcp_build(dr, buf);

	/* Room for Ethernet, IPv4 and UDP headers in front. */
	return m_devget(buf, len, 64, NULL);
}

/* ---- parsing ------------------------------------------------------------ */

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static in_addr_t
getaddr(const uint8_t *p)
{
	in_addr_t a;

	memcpy(&a, p, 4);
	return a;
}

/* mask (network order) is contiguous ones then zeroes. */
static bool
mask_ok(in_addr_t mask)
{
	uint32_t h = net_ntohl(mask);

	return h != 0 && ((~h + 1) & ~h) == 0;
}

static int
opt_addrs(const uint8_t *v, unsigned len, in_addr_t *out, unsigned max,
    unsigned *n)
{
	unsigned i;

	if (len < 4 || len % 4 != 0)
		return EINVAL;
	for (i = 0; i < len / 4 && i < max; i++)
		out[i] = getaddr(v + 4 * i);
	if (n != NULL)
		*n = i;
	return 0;
}

/* One option we know; others are skipped. */
static int
parse_opt(uint8_t code, const uint8_t *v, unsigned len,
    struct dhcp_parsed *dp)
{
	struct dhcp_lease *l = &dp->dp_lease;

	switch (code) {
	case DHO_SUBNET_MASK:
		if (len != 4 || !mask_ok(getaddr(v)))
			return EINVAL;
		l->dl_mask = getaddr(v);
		return 0;
	case DHO_ROUTERS:
		return opt_addrs(v, len, &l->dl_router, 1, NULL);
	case DHO_DNS:
		return opt_addrs(v, len, l->dl_dns, DHCP_MAXDNS, &l->dl_ndns);
	case DHO_SERVER_ID:
		if (len != 4)
			return EINVAL;
		dp->dp_server = l->dl_server = getaddr(v);
		return 0;
	case DHO_MSG_TYPE:
		if (len != 1 || v[0] < DHCPDISCOVER || v[0] > DHCPINFORM)
			return EINVAL;
		dp->dp_type = v[0];
		return 0;
	case DHO_OVERLOAD:
		return len == 1 ? 0 : EINVAL;
	case DHO_LEASE_TIME:
	case DHO_T1:
	case DHO_T2:
		if (len != 4)
			return EINVAL;
		if (code == DHO_LEASE_TIME)
			l->dl_lease_s = get32(v);
		else if (code == DHO_T1)
			l->dl_t1_s = get32(v);
		else
			l->dl_t2_s = get32(v);
		return 0;
	default:
		return 0;
	}
}

/* Walks the options from DHCP_OPT_OFF; the END option must be there. */
static int
parse_opts(const uint8_t *msg, unsigned len, struct dhcp_parsed *dp)
{
	unsigned off = DHCP_OPT_OFF, olen;
	int error;

	while (off < len) {
		uint8_t code = msg[off];
		if (code == DHO_PAD) {
			off++;
			continue;
		}
		if (code == DHO_END)
			return 0;
		if (len - off < 2)
			return EINVAL;
		olen = msg[off + 1];
		if (len - off - 2 < olen)
			return EINVAL;
		if ((error = parse_opt(code, msg + off + 2, olen, dp)) != 0)
			return error;
		off += 2 + olen;
	}
	return EINVAL;
}

/*
 * Fills *dp from a server's message. Fields of dp_lease that the message
 * does not carry are 0 (dl_lease_s, dl_t1_s, dl_t2_s and dl_mask
 * included: the caller picks defaults); dl_addr is yiaddr.
 */
int
dhcp_parse(const uint8_t *msg, unsigned len, struct dhcp_parsed *dp)
{
	struct dhcp_hdr h;

	memset(dp, 0, sizeof(*dp));
	if (msg == NULL || len < DHCP_OPT_OFF)
		return EINVAL;
	memcpy(&h, msg, sizeof(h));
	if (h.dh_op != BOOTREPLY || h.dh_htype != DHCP_HTYPE_ETHER ||
	    h.dh_hlen != ETHER_ADDR_LEN ||
	    memcmp(h.dh_cookie, dhcp_cookie, sizeof(dhcp_cookie)) != 0)
		return EINVAL;
	dp->dp_xid = net_ntohl(h.dh_xid);
	dp->dp_yiaddr = dp->dp_lease.dl_addr = h.dh_yiaddr;
	memcpy(dp->dp_chaddr, h.dh_chaddr, ETHER_ADDR_LEN);
	if (parse_opts(msg, len, dp) != 0) {
		memset(dp, 0, sizeof(*dp));
		return EINVAL;
	}
	return 0;
}
