/*
 * IPv4 (sys/netinet/): addresses and routes, ARP (RFC 826), IPv4 input,
 * output, fragmentation and reassembly (RFC 791), ICMP (RFC 792), UDP
 * (RFC 768), and the protocol control blocks through which the kernel
 * (DHCP) and sockets send and receive.
 *
 * Addresses (in_addr_t) and ports are kept in network byte order
 * everywhere, as they are on the wire. Everything here runs with net_lock
 * held (<net/netif.h>) unless it says otherwise.
 */
#ifndef NETINET_INET_H
#define NETINET_INET_H

#include <stdbool.h>
#include <stdint.h>

#include <net/mbuf.h>
#include <net/netif.h>

typedef uint32_t in_addr_t;	/* network order */
typedef uint16_t in_port_t;	/* network order */

static inline uint16_t
net_htons(uint16_t v)
{
	return __builtin_bswap16(v);
}
static inline uint32_t
net_htonl(uint32_t v)
{
	return __builtin_bswap32(v);
}
#define net_ntohs net_htons
#define net_ntohl net_htonl
/* a.b.c.d in network order. */
#define INET_ADDR(a, b, c, d) \
	net_htonl(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
	    ((uint32_t)(c) << 8) | (uint32_t)(d))

#define INADDR_ANY_N 0u
#define INADDR_BROADCAST_N 0xffffffffu
/* a (network order) is 224.0.0.0/4 */
#define IN_MULTICAST_N(a) ((net_ntohl(a) & 0xf0000000u) == 0xe0000000u)
#define IN_LOOPBACK_N(a) ((net_ntohl(a) >> 24) == 127)

#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17

/* ---- wire formats ------------------------------------------------------ */

struct ip_hdr {
	uint8_t ip_vhl;		/* version << 4 | header length in words */
	uint8_t ip_tos;
	uint16_t ip_len;	/* total length */
	uint16_t ip_id;
	uint16_t ip_off;	/* flags and fragment offset in 8-byte units */
	uint8_t ip_ttl;
	uint8_t ip_p;
	uint16_t ip_sum;
	in_addr_t ip_src;
	in_addr_t ip_dst;
} __attribute__((__packed__));
_Static_assert(sizeof(struct ip_hdr) == 20, "ip header");
#define IP_RF 0x8000
#define IP_DF 0x4000
#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff
#define IP_MAXPACKET 65535
#define IP_DEFTTL 64

struct icmp_hdr {
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint16_t icmp_cksum;
	uint16_t icmp_id;	/* echo; else the first half of "rest" */
	uint16_t icmp_seq;
} __attribute__((__packed__));
_Static_assert(sizeof(struct icmp_hdr) == 8, "icmp header");
#define ICMP_ECHOREPLY 0
#define ICMP_UNREACH 3
#define ICMP_UNREACH_NET 0
#define ICMP_UNREACH_HOST 1
#define ICMP_UNREACH_PROTOCOL 2
#define ICMP_UNREACH_PORT 3
#define ICMP_UNREACH_NEEDFRAG 4
#define ICMP_ECHO 8
#define ICMP_TIMXCEED 11
#define ICMP_TIMXCEED_INTRANS 0
#define ICMP_TIMXCEED_REASS 1
#define ICMP_PARAMPROB 12

struct udp_hdr {
	in_port_t uh_sport;
	in_port_t uh_dport;
	uint16_t uh_ulen;
	uint16_t uh_sum;
} __attribute__((__packed__));
_Static_assert(sizeof(struct udp_hdr) == 8, "udp header");

/* ---- checksums (RFC 1071) ---------------------------------------------- */

/* Ones' complement sum of [off, off + len) of the chain, folded, not
 * inverted. */
uint32_t in_cksum_partial(const struct mbuf *m, unsigned off, unsigned len,
    uint32_t sum);
/* The Internet checksum of [off, off + len): 0 when a received header
 * with its checksum field included is intact. */
uint16_t in_cksum(const struct mbuf *m, unsigned off, unsigned len);
/* UDP/TCP: pseudo header plus [off, off + len). */
uint16_t in4_cksum(const struct mbuf *m, uint8_t proto, in_addr_t src,
    in_addr_t dst, unsigned off, unsigned len);
uint16_t in_cksum_buf(const void *buf, unsigned len);

/* ---- addresses and routes ---------------------------------------------- */

/* One IPv4 address per interface. addr 0: unconfigured. */
int in_ifaddr_set(struct ifnet *ifp, in_addr_t addr, in_addr_t mask);
void in_ifaddr_clear(struct ifnet *ifp);
/* false if the interface has no address. */
bool in_ifaddr_get(struct ifnet *ifp, in_addr_t *addr, in_addr_t *mask);
/* The interface owning addr, or NULL. */
struct ifnet *in_ifaddr_find(in_addr_t addr);
/* addr is a broadcast address of ifp's network (or all ones). */
bool in_broadcast(in_addr_t addr, struct ifnet *ifp);
/* Prefix length of a contiguous mask, -1 if not contiguous. */
int in_masklen(in_addr_t mask);
in_addr_t in_lenmask(unsigned len);

#define RTF_GATEWAY 0x1
#define RTF_CONNECTED 0x2	/* added with an interface address */
struct rtentry {
	in_addr_t rt_dst;
	in_addr_t rt_mask;
	in_addr_t rt_gw;	/* RTF_GATEWAY */
	struct ifnet *rt_ifp;
	unsigned rt_flags;
	uint64_t rt_use;
};
/* 0, EEXIST, EINVAL, ENOMEM. dst/mask 0/0 is the default route. */
int rt_add(in_addr_t dst, in_addr_t mask, in_addr_t gw, struct ifnet *ifp,
    unsigned flags);
int rt_delete(in_addr_t dst, in_addr_t mask);
/* Every route through ifp goes (interface address removed, detach). */
void rt_purge_ifp(struct ifnet *ifp);
/* Longest prefix match; NULL: unreachable. */
const struct rtentry *rt_lookup(in_addr_t dst);
void rt_foreach(void (*fn)(void *arg, const struct rtentry *), void *arg);

/* ---- ARP --------------------------------------------------------------- */

#define ARP_TIMEOUT_S 1200	/* a complete entry lives 20 minutes */
#define ARP_RETRY_MS 1000	/* requests for an incomplete entry */
#define ARP_MAXTRIES 5		/* then the entry and its packets go */
#define ARP_MAXHOLD 16		/* packets held for one incomplete entry */
#define ARP_MAXENTRIES 256

void arp_input(struct ifnet *ifp, struct mbuf *m);
/*
 * Link address of next hop nh on ifp. 0: lladdr filled, send now.
 * EWOULDBLOCK: m was queued and goes out when the reply comes. Other
 * errno: m was freed (EHOSTDOWN: no reply after ARP_MAXTRIES).
 */
int arp_resolve(struct ifnet *ifp, in_addr_t nh, struct mbuf *m,
    uint8_t lladdr[ETHER_ADDR_LEN]);
/* Announce ifp's address (after configuration and on link up). */
void arp_announce(struct ifnet *ifp);
/* Entries for ifp go; held packets are freed. */
void arp_purge_ifp(struct ifnet *ifp);
/* Cache lookup for tests and listings: true if complete. */
bool arp_lookup(in_addr_t addr, uint8_t lladdr[ETHER_ADDR_LEN]);
void arp_foreach(void (*fn)(void *arg, in_addr_t, const uint8_t *lladdr,
    struct ifnet *, bool complete), void *arg);
unsigned arp_held_packets(void);

/* ---- IPv4 -------------------------------------------------------------- */

#define IP_REASS_MAXPKTS 32	/* datagrams being reassembled at once */
#define IP_REASS_MAXFRAGS 64	/* fragments of one datagram */
#define IP_REASS_TIMEOUT_S 30

void ip_input(struct ifnet *ifp, struct mbuf *m);

#define IPO_DF 0x01		/* set Don't Fragment; EMSGSIZE if too big */
#define IPO_BROADCAST 0x02	/* may send to a broadcast address */
#define IPO_IFP 0x04		/* out io_ifp to link broadcast, no route
				   (DHCP before an address exists) */
struct ip_out {
	in_addr_t io_src;	/* 0: the outgoing interface's address */
	in_addr_t io_dst;
	uint8_t io_proto;
	uint8_t io_ttl;		/* 0: IP_DEFTTL */
	uint8_t io_tos;
	unsigned io_flags;
	struct ifnet *io_ifp;	/* IPO_IFP */
};
/*
 * Prepends the IPv4 header to m (the transport header and payload),
 * routes, fragments if needed and sends. Consumes m. 0 or errno
 * (ENETUNREACH, EHOSTUNREACH, EMSGSIZE, ENOBUFS, EACCES for a broadcast
 * without IPO_BROADCAST). EWOULDBLOCK from ARP counts as success.
 */
int ip_output(struct mbuf *m, const struct ip_out *io);
/* Source address that ip_output would use for dst; 0 if no route. */
in_addr_t ip_select_source(in_addr_t dst);
unsigned ip_reass_pending(void);

/* ---- ICMP -------------------------------------------------------------- */

#define ICMP_ERRPPS 100		/* error messages per second at most */

void icmp_input(struct ifnet *ifp, struct mbuf *m, unsigned hlen);
/*
 * An error about received datagram m (its IP header first): type, code;
 * rate limited, and never about ICMP errors, broadcasts or fragments
 * other than the first. Consumes m.
 */
void icmp_error(struct ifnet *ifp, struct mbuf *m, int type, int code);

/* ---- protocol control blocks (UDP and ICMP echo) ------------------------ */

struct inpcb;
struct inpcb_from {
	in_addr_t if_src;
	in_port_t if_sport;	/* UDP; ICMP: the echo identifier */
	in_addr_t if_dst;	/* the destination the datagram had */
	struct ifnet *if_ifp;
	uint8_t if_ttl;
};
/*
 * Delivery: called with net_lock held and m holding the payload (UDP
 * data, or the whole ICMP message). Consumes m. Returns false if the
 * receiver's queue is full (counted as IFS_UDP_FULL).
 */
typedef bool (*inpcb_input_t)(struct inpcb *, struct mbuf *m,
    const struct inpcb_from *from);

#define INP_BROADCAST 0x01	/* may send to broadcast addresses */
#define INP_BOUNDIF 0x02	/* send and receive only on inp_ifp */
struct inpcb {
	uint8_t inp_proto;	/* IPPROTO_UDP or IPPROTO_ICMP (echo) */
	unsigned inp_flags;
	in_addr_t inp_laddr;
	in_port_t inp_lport;	/* ICMP: the echo identifier */
	in_addr_t inp_faddr;	/* 0: not connected */
	in_port_t inp_fport;
	uint8_t inp_ttl;	/* 0: default */
	struct ifnet *inp_ifp;	/* INP_BOUNDIF */
	inpcb_input_t inp_input;
	void *inp_arg;
	struct inpcb *inp_next;
};

/* Zeroes and registers inp. */
void inpcb_init(struct inpcb *inp, uint8_t proto, inpcb_input_t input,
    void *arg);
/* lport 0: an ephemeral port (random start). EADDRINUSE, EADDRNOTAVAIL. */
int inpcb_bind(struct inpcb *inp, in_addr_t laddr, in_port_t lport);
int inpcb_connect(struct inpcb *inp, in_addr_t faddr, in_port_t fport);
void inpcb_disconnect(struct inpcb *inp);
void inpcb_destroy(struct inpcb *inp);

/* UDP datagram of the payload m to dst:dport (0: the connected peer).
 * Binds an ephemeral port first if needed. Consumes m. */
int udp_send(struct inpcb *inp, struct mbuf *m, in_addr_t dst,
    in_port_t dport);
/* ICMP echo request whose message (header first) is m: the identifier is
 * set to inp_lport, the checksum computed. Consumes m. */
int icmp_echo_send(struct inpcb *inp, struct mbuf *m, in_addr_t dst);

void udp_input(struct ifnet *ifp, struct mbuf *m, unsigned hlen);

/* ---- TCP (RFC 9293; sys/netinet/tcp_*.c) -------------------------------- */

struct tcp_hdr {
	in_port_t th_sport;
	in_port_t th_dport;
	uint32_t th_seq;	/* network order */
	uint32_t th_ack;	/* network order */
	uint8_t th_off;		/* data offset in 32-bit words, << 4 */
	uint8_t th_flags;
	uint16_t th_win;
	uint16_t th_sum;
	uint16_t th_urp;
} __attribute__((__packed__));
_Static_assert(sizeof(struct tcp_hdr) == 20, "tcp header");
#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PUSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20
#define TH_ECE 0x40
#define TH_CWR 0x80

/* Option kinds and lengths (RFC 9293, RFC 7323, RFC 2018). */
#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MAXSEG 2
#define TCPOLEN_MAXSEG 4
#define TCPOPT_WINDOW 3
#define TCPOLEN_WINDOW 3
#define TCPOPT_SACK_PERMITTED 4
#define TCPOLEN_SACK_PERMITTED 2
#define TCPOPT_SACK 5
#define TCPOPT_TIMESTAMP 8
#define TCPOLEN_TIMESTAMP 10
#define TCP_MAXWIN 65535	/* largest unscaled window */
#define TCP_MAX_WINSHIFT 14

/* A segment (IP header first, hlen long) for us; consumes m. */
void tcp_input(struct ifnet *ifp, struct mbuf *m, unsigned hlen);
/*
 * An ICMP error (type, code; mtu: the next-hop MTU of "fragmentation
 * needed", 0 if not given) quoting ip, the header of a segment we sent,
 * and th8, the first 8 bytes of its TCP header (ports, sequence number).
 */
void tcp_ctlinput(int type, int code, unsigned mtu, const struct ip_hdr *ip,
    const uint8_t th8[8]);

/* Global TCP statistics (since boot). */
struct tcpstat {
	uint64_t tcps_connattempt;	/* active opens (SYN sent) */
	uint64_t tcps_accepts;		/* passive opens completed */
	uint64_t tcps_connects;		/* connections established */
	uint64_t tcps_drops;		/* established connections dropped */
	uint64_t tcps_conndrops;	/* embryonic connections dropped */
	uint64_t tcps_closed;		/* connections closed (any reason) */
	uint64_t tcps_timeoutdrop;	/* dropped by retransmit timeout */
	uint64_t tcps_keepdrops;	/* dropped by keepalive */
	uint64_t tcps_rexmttimeo;	/* retransmit timeouts */
	uint64_t tcps_persisttimeo;	/* zero-window probes sent */
	uint64_t tcps_keepprobe;	/* keepalive probes sent */
	uint64_t tcps_fastrexmt;	/* fast retransmits */
	uint64_t tcps_tlp;		/* tail loss probes sent */
	uint64_t tcps_sndtotal;		/* segments sent */
	uint64_t tcps_sndbyte;		/* data bytes sent (first time) */
	uint64_t tcps_sndrexmitpack;	/* segments retransmitted */
	uint64_t tcps_sndrexmitbyte;
	uint64_t tcps_sndacks;		/* pure ACKs sent */
	uint64_t tcps_sndrst;		/* resets sent */
	uint64_t tcps_rstlimited;	/* resets to closed ports not sent */
	uint64_t tcps_rcvtotal;		/* segments received */
	uint64_t tcps_rcvbyte;		/* in-sequence data bytes */
	uint64_t tcps_rcvduppack;	/* duplicate-only segments */
	uint64_t tcps_rcvoopack;	/* out-of-order segments queued */
	uint64_t tcps_rcvbad;		/* dropped: header, sum, option, flag */
	uint64_t tcps_rcvafterclose;	/* data after close: reset */
	uint64_t tcps_challengeack;	/* RFC 5961 challenge ACKs sent */
	uint64_t tcps_synrcvd;		/* SYNs accepted by listeners */
	uint64_t tcps_syndrop;		/* SYNs dropped: queue full, oldest */
	uint64_t tcps_rttupdated;	/* RTT samples taken */
	uint64_t tcps_pcbs;		/* connection blocks now */
	uint64_t tcps_established;	/* connections now ESTABLISHED */
};
void tcp_getstat(struct tcpstat *st);
/* The name of a TCP state ("ESTABLISHED"). */
const char *tcp_state_name(int state);

/* Called by net_init. */
void inet_init(void);

/* "10.0.2.15" into buf (>= 16 bytes); returns buf. */
char *inet_ntoa_r(in_addr_t a, char *buf);
/* Dotted quad to address; false if malformed. */
bool inet_aton_n(const char *s, in_addr_t *a);

#endif
