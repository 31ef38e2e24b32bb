/*
 * Private to the DHCP client (dhcp.c, dhcp_msg.c) and netconfig.c, and
 * to their host tests: the BOOTP/DHCP wire format (RFC 2131 section 2,
 * options from RFC 2132), the message builder and the hooks by which the
 * client tells netconfig about addresses and DNS servers.
 */
#ifndef NETINET_DHCP_IMPL_H
#define NETINET_DHCP_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include <net/mbuf.h>
#include <net/netif.h>
#include <netinet/dhcp.h>
#include <netinet/inet.h>

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68

/* The fixed BOOTP header, then the magic cookie, then options. */
struct dhcp_hdr {
	uint8_t dh_op;
	uint8_t dh_htype;
	uint8_t dh_hlen;
	uint8_t dh_hops;
	uint32_t dh_xid;		/* network order */
	uint16_t dh_secs;		/* network order */
	uint16_t dh_flags;		/* network order */
	in_addr_t dh_ciaddr;
	in_addr_t dh_yiaddr;
	in_addr_t dh_siaddr;
	in_addr_t dh_giaddr;
	uint8_t dh_chaddr[16];
	uint8_t dh_sname[64];
	uint8_t dh_file[128];
	uint8_t dh_cookie[4];
} __attribute__((__packed__));
_Static_assert(sizeof(struct dhcp_hdr) == 240, "dhcp header");

#define DHCP_FIXED_LEN 236	/* BOOTP header without the cookie */
#define DHCP_OPT_OFF 240	/* first option */
#define DHCP_MIN_SEND 300	/* BOOTP minimum; relays may want it */
#define DHCP_MAX_MSG 1472	/* 1500 minus IPv4 and UDP headers */

#define BOOTREQUEST 1
#define BOOTREPLY 2
#define DHCP_HTYPE_ETHER 1
#define DHCP_FLAG_BROADCAST 0x8000
extern const uint8_t dhcp_cookie[4];	/* 99.130.83.99 */

/* Message types (option 53). */
#define DHCPDISCOVER 1
#define DHCPOFFER 2
#define DHCPREQUEST 3
#define DHCPDECLINE 4
#define DHCPACK 5
#define DHCPNAK 6
#define DHCPRELEASE 7
#define DHCPINFORM 8

/* Options (RFC 2132). */
#define DHO_PAD 0
#define DHO_SUBNET_MASK 1
#define DHO_ROUTERS 3
#define DHO_DNS 6
#define DHO_HOSTNAME 12
#define DHO_DOMAIN 15
#define DHO_REQUESTED_ADDR 50
#define DHO_LEASE_TIME 51
#define DHO_OVERLOAD 52
#define DHO_MSG_TYPE 53
#define DHO_SERVER_ID 54
#define DHO_PARAM_REQ 55
#define DHO_MAX_MSG_SIZE 57
#define DHO_T1 58
#define DHO_T2 59
#define DHO_CLIENT_ID 61
#define DHO_END 255

#define DHCP_INFINITE 0xffffffffu	/* lease time that never ends */

/* What the client puts into one message (dhcp_build). */
struct dhcp_req {
	uint8_t dr_type;		/* DHCPDISCOVER or DHCPREQUEST */
	uint32_t dr_xid;		/* host order, like dp_xid */
	uint16_t dr_secs;		/* host order */
	bool dr_broadcast;		/* the BROADCAST flag */
	in_addr_t dr_ciaddr;		/* RENEWING, REBINDING */
	in_addr_t dr_reqaddr;		/* option 50; 0: none */
	in_addr_t dr_server;		/* option 54; 0: none */
	uint8_t dr_chaddr[ETHER_ADDR_LEN];
	const char *dr_hostname;	/* option 12; NULL or "": none */
};

/* Builds the message into buf (at least DHCP_BUILD_MAX bytes); returns
 * its length. */
#define DHCP_BUILD_MAX 576	/* RFC 2131's minimum; we need under 360 */
unsigned dhcp_build(const struct dhcp_req *dr, uint8_t *buf);
/* The message as a packet with room in front for the headers; NULL if
 * no memory. */
struct mbuf *dhcp_build_mbuf(const struct dhcp_req *dr);

/* netconfig.c, for dhcp.c; net_lock held. */
void netconfig_addr_changed(void);
void netconfig_dns_set(struct ifnet *ifp, const in_addr_t *dns, unsigned n);

#endif
