/*
 * Network interfaces (sys/net/if.c) and Ethernet (sys/net/ether.c).
 *
 * Locking. The stack above the drivers (ARP, IP, ICMP, UDP, the
 * interface list and addresses) is guarded by one mutex, net_lock.
 * Drivers guard their rings with their own locks; the order is always
 * net_lock, then a driver lock, never the other way round. So:
 *   - ether_input() takes net_lock: a driver calls it from its interrupt
 *     thread with none of its own locks held (collect the received
 *     packets under the driver lock, drop it, then hand them up);
 *   - if_transmit() may be called with or without net_lock; it queues on
 *     if_snd and calls the driver's if_start, which takes the driver lock
 *     and moves packets from if_snd to the ring until the ring is full;
 *     the driver calls if_start itself again when descriptors come free.
 *   - if_snd has its own lock, so drivers dequeue without net_lock.
 *
 * Statistics are counters indexed by enum if_stat, updated with
 * if_stat_add from any context; every dropped packet is counted under
 * one of them. Drivers count IFS_OPACKETS/IFS_OBYTES when a frame goes
 * to the device (if_transmit counts only what it drops); ether_input
 * counts IFS_IPACKETS/IBYTES/IMCASTS for the frames it accepts.
 */
#ifndef NET_NETIF_H
#define NET_NETIF_H

#include <stdbool.h>
#include <stdint.h>

#include <kern/mutex.h>
#include <net/mbuf.h>

#define IFNAMSIZ 16
#define ETHER_ADDR_LEN 6
#define ETHER_HDR_LEN 14
#define ETHER_CRC_LEN 4
#define ETHER_MIN_LEN 64	/* with CRC */
#define ETHER_MAX_LEN 1518	/* with CRC */
#define ETHERMTU 1500
#define ETHERTYPE_IP 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100

struct ether_header {
	uint8_t ether_dhost[ETHER_ADDR_LEN];
	uint8_t ether_shost[ETHER_ADDR_LEN];
	uint16_t ether_type;	/* network order */
} __attribute__((__packed__));
_Static_assert(sizeof(struct ether_header) == ETHER_HDR_LEN, "ether hdr");

extern const uint8_t etherbroadcastaddr[ETHER_ADDR_LEN];

/* if_flags */
#define IFF_UP 0x0001		/* administratively up */
#define IFF_BROADCAST 0x0002
#define IFF_LOOPBACK 0x0008
#define IFF_RUNNING 0x0040	/* driver resources allocated */
#define IFF_PROMISC 0x0100
#define IFF_ALLMULTI 0x0200
#define IFF_MULTICAST 0x8000

/* if_link_state */
#define LINK_STATE_UNKNOWN 0
#define LINK_STATE_DOWN 1
#define LINK_STATE_UP 2

/* if_capenable: offloads the driver does (and the stack may use). */
#define IFCAP_CSUM_IPv4_Rx 0x01
#define IFCAP_CSUM_IPv4_Tx 0x02
#define IFCAP_CSUM_UDPv4_Rx 0x04
#define IFCAP_CSUM_UDPv4_Tx 0x08
#define IFCAP_CSUM_TCPv4_Rx 0x10
#define IFCAP_CSUM_TCPv4_Tx 0x20

/* Counters. Keep if_stat_names (if.c) in the same order. */
enum if_stat {
	IFS_IPACKETS,		/* frames received and accepted */
	IFS_IBYTES,
	IFS_IMCASTS,		/* ... of which multicast/broadcast */
	IFS_IERRORS,		/* receive errors the driver saw */
	IFS_IQDROPS,		/* dropped on input: no memory/queue */
	IFS_OPACKETS,
	IFS_OBYTES,
	IFS_OMCASTS,
	IFS_OERRORS,
	IFS_OQDROPS,		/* dropped on output: send queue full */
	IFS_COLLISIONS,
	IFS_NOPROTO,		/* no protocol for the ethertype/IP proto */
	IFS_RUNT,		/* truncated frame or header */
	IFS_BADDESC,		/* driver: descriptor or length from the device
				   that cannot be true */
	IFS_ARP_BAD,		/* malformed ARP */
	IFS_ARP_UNSOLICITED,	/* reply nobody asked for */
	IFS_ARP_DUPADDR,	/* someone else claims our address */
	IFS_IP_BADHDR,		/* version, header length, total length */
	IFS_IP_BADSUM,
	IFS_IP_NOTOURS,		/* not for us, and we do not forward */
	IFS_IP_FRAGDROP,	/* fragments dropped: limits, overlap, timeout */
	IFS_IP_TTL,		/* TTL expired */
	IFS_ICMP_BAD,		/* malformed ICMP, bad sum */
	IFS_ICMP_RATELIM,	/* ICMP errors suppressed by the rate limit */
	IFS_UDP_BAD,		/* short/bad length/bad sum */
	IFS_UDP_NOPORT,		/* nobody listening */
	IFS_UDP_FULL,		/* the receiver's queue was full */
	IFS_DHCP_BAD,		/* malformed DHCP message */
	IFS_TCP_BADHDR,		/* TCP: short, bad data offset, bad address */
	IFS_TCP_BADSUM,		/* TCP: bad checksum */
	IFS_TCP_BADOPT,		/* TCP: malformed options */
	IFS_TCP_BADFLAGS,	/* TCP: impossible flag combinations */
	IFS_TCP_BADSEQ,		/* TCP: outside the window, PAWS */
	IFS_TCP_BADACK,		/* TCP: acknowledges what was never sent */
	IFS_TCP_NOPORT,		/* TCP: no connection or listener (reset) */
	IFS_TCP_SYNDROP,	/* TCP: SYN dropped, listen queue full */
	IFS_TCP_RCVDROP,	/* TCP: data dropped, no room (window,
				   reassembly limits, memory) */
	IFS_MAX
};
extern const char *const if_stat_names[IFS_MAX];

struct ifnet;
struct if_mcast;
struct if_tap;

struct ifnet {
	char if_xname[IFNAMSIZ];	/* "vioif0" */
	void *if_softc;
	unsigned if_index;		/* 1, 2, ...; 0 is no interface */
	unsigned if_flags;
	unsigned if_mtu;		/* current */
	unsigned if_mtu_max;		/* what the driver supports */
	int if_link_state;
	uint64_t if_baudrate;		/* bits/s, 0 if unknown */
	unsigned if_capabilities;	/* IFCAP_* the device has */
	unsigned if_capenable;		/* IFCAP_* in use */
	uint8_t if_addrlen;
	uint8_t if_hdrlen;
	uint8_t if_lladdr[ETHER_ADDR_LEN];

	/* Driver entry points. */
	int (*if_init)(struct ifnet *);		/* start: 0 or errno */
	void (*if_stop)(struct ifnet *);
	void (*if_start)(struct ifnet *);	/* drain if_snd */
	/* Reprogram the multicast filter from if_mcasts/IFF_ALLMULTI. */
	int (*if_mcast_update)(struct ifnet *);

	/* Link-level output, set by ether_ifattach. net_lock held. */
	int (*if_output)(struct ifnet *, struct mbuf *, uint16_t ethertype,
	    const uint8_t *lladdr);

	kmutex_t if_snd_lock;
	struct mbuf_queue if_snd;

	uint64_t if_stats[IFS_MAX];
	struct if_mcast *if_mcasts;	/* net_lock */
	struct if_tap *if_taps;		/* net_lock */
	/* if_start owed at the end of the output batch (net_lock). */
	bool if_start_owed;
	struct ifnet *if_start_next;
	void *if_inet;			/* netinet's per-interface state */
	struct ifnet *if_next;
};

/* The stack's lock. */
extern kmutex_t net_lock;
/*
 * For entry points that may be called with or without net_lock (if_up,
 * if_link_state_change, if_transmit's taps, ether_input, ...): takes it
 * unless the calling thread already holds it, and says whether it did;
 * hand that to net_unlock_cond.
 */
bool net_lock_cond(void);
void net_unlock_cond(bool taken);
/* Brings up mbufs, the interface list and the protocols; once. */
int net_init(void);

/* Interfaces. ifp is zeroed by the caller, then filled. */
void if_attach(struct ifnet *ifp);
void if_detach(struct ifnet *ifp);
struct ifnet *if_find(const char *xname);
struct ifnet *if_byindex(unsigned index);
/* First interface, then each in attach order; net_lock held. */
struct ifnet *if_first(void);
/* Sets IFF_UP and calls if_init; 0 or errno. */
int if_up(struct ifnet *ifp);
void if_down(struct ifnet *ifp);
int if_set_mtu(struct ifnet *ifp, unsigned mtu);
/* The driver reports a change; logged, listeners told. */
void if_link_state_change(struct ifnet *ifp, int state);
/* Called (net_lock held) on every link state change of any interface. */
void if_link_hook(void (*fn)(struct ifnet *, int state));
/*
 * Called (net_lock held) by if_attach for every interface that comes,
 * once it is on the list; the driver may not be ready for if_up yet, so
 * a hook that wants to configure it defers that.
 */
void if_attach_hook(void (*fn)(struct ifnet *));
/*
 * Called (net_lock held) by if_detach for every interface that goes,
 * before it is stopped and unlinked: protocols drop their state for it.
 */
void if_detach_hook(void (*fn)(struct ifnet *));

/* Queue one frame for transmission and kick the driver. 0 or ENOBUFS. */
int if_transmit(struct ifnet *ifp, struct mbuf *m);
/*
 * Output batches. Between if_batch_begin and if_batch_end (net_lock held
 * throughout; they nest), if_transmit queues frames but calls each
 * interface's if_start once, at the outermost if_batch_end: a burst of
 * segments, or the answers to a burst of received frames, costs the
 * driver one doorbell instead of one per frame. Nothing may sleep
 * inside a batch (the frames would wait with it).
 */
void if_batch_begin(void);
void if_batch_end(void);
/* Inside a batch (net_lock held)? */
bool if_batch_active(void);
/* Called (net_lock held) at the end of every outermost batch, after the
 * owed if_start calls; one hook, set by the protocols at init. */
void if_batch_hook(void (*fn)(void));
/* ether_input for a list linked by m_nextpkt, as one output batch. */
void ether_input_list(struct ifnet *ifp, struct mbuf *list);
/* Driver side: next frame to send, or NULL. */
struct mbuf *if_dequeue(struct ifnet *ifp);
/* Driver side: put a frame back at the head (ring full). */
void if_requeue(struct ifnet *ifp, struct mbuf *m);

static inline void
if_stat_add(struct ifnet *ifp, enum if_stat s, uint64_t n)
{
	__atomic_fetch_add(&ifp->if_stats[s], n, __ATOMIC_RELAXED);
}
static inline uint64_t
if_stat_get(const struct ifnet *ifp, enum if_stat s)
{
	return __atomic_load_n(&ifp->if_stats[s], __ATOMIC_RELAXED);
}
/* Prints one line per nonzero counter through out(). */
void if_stats_print(struct ifnet *ifp, void (*out)(void *, const char *),
    void *arg);

/* Packet taps: fn sees every frame received (dir 0) and sent (dir 1). */
#define IF_TAP_IN 0
#define IF_TAP_OUT 1
struct if_tap {
	void (*it_fn)(void *arg, struct ifnet *, const struct mbuf *, int dir);
	void *it_arg;
	struct if_tap *it_next;
};
void if_tap_attach(struct ifnet *ifp, struct if_tap *t);
void if_tap_detach(struct ifnet *ifp, struct if_tap *t);
/* Called by ether_input and by if_transmit. */
void if_tap_run(struct ifnet *ifp, const struct mbuf *m, int dir);

/* ---- Ethernet ---------------------------------------------------------- */

/* Sets the Ethernet fields (type, lengths, MTU 1500, flags) and attaches. */
void ether_ifattach(struct ifnet *ifp, const uint8_t lladdr[ETHER_ADDR_LEN]);
void ether_ifdetach(struct ifnet *ifp);
/*
 * A received frame (Ethernet header first, no CRC). Takes net_lock;
 * consumes m. Counts and drops what is not acceptable.
 */
void ether_input(struct ifnet *ifp, struct mbuf *m);
/*
 * Protocols above Ethernet register their input function (netinet:
 * ARP and IPv4) at init; ether_input calls it with net_lock held and
 * the Ethernet header stripped. Unregistered types count IFS_NOPROTO.
 */
typedef void (*ether_input_t)(struct ifnet *ifp, struct mbuf *m);
int ether_register(uint16_t ethertype, ether_input_t fn);
/* Multicast filter membership, reference counted; net_lock held. */
int ether_addmulti(struct ifnet *ifp, const uint8_t addr[ETHER_ADDR_LEN]);
int ether_delmulti(struct ifnet *ifp, const uint8_t addr[ETHER_ADDR_LEN]);
/* Walk the filter: fn for each address; net_lock or driver context. */
void ether_multi_foreach(struct ifnet *ifp,
    void (*fn)(void *arg, const uint8_t addr[ETHER_ADDR_LEN]), void *arg);
unsigned ether_multi_count(struct ifnet *ifp);
/* "52:54:00:12:34:56" into buf (>= 18 bytes). */
char *ether_sprintf(char *buf, const uint8_t addr[ETHER_ADDR_LEN]);
/*
 * CRC-32 (IEEE 802.3 polynomial) for multicast hashes. Both start from
 * all ones and return the final complement, as the Ethernet FCS does:
 * _le processes bits least significant first (reflected; "123456789"
 * gives 0xcbf43926), _be most significant first ("123456789" gives
 * 0xfc891918). A chip whose hash takes bits of the uncomplemented
 * register uses ~ether_crc32_xx().
 */
uint32_t ether_crc32_le(const uint8_t *buf, unsigned len);
uint32_t ether_crc32_be(const uint8_t *buf, unsigned len);

#endif
