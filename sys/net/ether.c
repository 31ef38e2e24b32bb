/*
 * Ethernet: attaching an Ethernet interface, output (the 14-byte header
 * in front of a packet), input (filtering by destination, dispatch by
 * ethertype to the protocols registered with ether_register), the
 * multicast filter membership, and the helpers drivers share (address
 * printing, CRC-32 for multicast hash filters).
 *
 * Input policy, every drop counted:
 *   - shorter than the header: IFS_RUNT;
 *   - interface not up, or no memory to make the header contiguous:
 *     IFS_IQDROPS;
 *   - not for us: unicast to another address (unless IFF_PROMISC) or
 *     multicast outside the filter (unless IFF_ALLMULTI or IFF_PROMISC):
 *     IFS_IQDROPS, and not counted in IFS_IPACKETS (such frames only get
 *     here when the hardware filter is loose: promiscuous or hashed);
 *   - 802.3 length field (type < 0x0600), VLAN tags, and types nobody
 *     registered: IFS_NOPROTO (after IPACKETS: they were for us).
 * Taps see every received frame first, whatever happens to it.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <kern/kassert.h>
#include <kern/klog.h>
#include <kern/kmem.h>
#include <kern/mutex.h>
#include <net/mbuf.h>
#include <net/netif.h>

#define ETHER_PROTOS_MAX 8
#define ETHERTYPE_MIN 0x0600	/* below: an 802.3 length field */

const uint8_t etherbroadcastaddr[ETHER_ADDR_LEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};

/* One multicast filter entry; the list is guarded by net_lock. */
struct if_mcast {
	uint8_t im_addr[ETHER_ADDR_LEN];
	unsigned im_refcnt;
	struct if_mcast *im_next;
};

/* Registered at init (net_lock held), read by ether_input under it. */
static struct {
	uint16_t ep_type;
	ether_input_t ep_fn;
} ether_protos[ETHER_PROTOS_MAX];
static unsigned ether_nprotos;

static uint16_t
ether_swap16(uint16_t v)
{
	return __builtin_bswap16(v);	/* our targets are little-endian */
}

static int ether_output(struct ifnet *ifp, struct mbuf *m, uint16_t type,
    const uint8_t *lladdr);

void
ether_ifattach(struct ifnet *ifp, const uint8_t lladdr[ETHER_ADDR_LEN])
{
	char buf[18];

	ifp->if_addrlen = ETHER_ADDR_LEN;
	ifp->if_hdrlen = ETHER_HDR_LEN;
	ifp->if_mtu = ETHERMTU;
	if (ifp->if_mtu_max < ETHERMTU)
		ifp->if_mtu_max = ETHERMTU;
	ifp->if_flags |= IFF_BROADCAST | IFF_MULTICAST;
	memcpy(ifp->if_lladdr, lladdr, ETHER_ADDR_LEN);
	ifp->if_output = ether_output;
	if_attach(ifp);
	klog(LOG_INFO, "%s: Ethernet address %s", ifp->if_xname,
	    ether_sprintf(buf, lladdr));
}

void
ether_ifdetach(struct ifnet *ifp)
{
	struct if_mcast *im;
	bool taken = net_lock_cond();

	if_detach(ifp);
	while ((im = ifp->if_mcasts) != NULL) {
		ifp->if_mcasts = im->im_next;
		kmem_free(im, sizeof(*im));
	}
	net_unlock_cond(taken);
}

/* net_lock held; consumes m. The payload must fit the MTU. */
static int
ether_output(struct ifnet *ifp, struct mbuf *m, uint16_t type,
    const uint8_t *lladdr)
{
	struct ether_header *eh;

	KASSERT((m->m_flags & M_PKTHDR) != 0);
	if ((ifp->if_flags & (IFF_UP | IFF_RUNNING)) !=
	    (IFF_UP | IFF_RUNNING)) {
		m_freem(m);
		if_stat_add(ifp, IFS_OERRORS, 1);
		return ENETDOWN;
	}
	if (m->m_pkthdr.len > ifp->if_mtu) {
		m_freem(m);
		if_stat_add(ifp, IFS_OERRORS, 1);
		return EMSGSIZE;
	}
	if ((m = m_prepend(m, ETHER_HDR_LEN, M_NOWAIT)) == NULL) {
		if_stat_add(ifp, IFS_OQDROPS, 1);
		return ENOBUFS;
	}
	eh = mtod(m, struct ether_header *);
	memcpy(eh->ether_dhost, lladdr, ETHER_ADDR_LEN);
	memcpy(eh->ether_shost, ifp->if_lladdr, ETHER_ADDR_LEN);
	eh->ether_type = ether_swap16(type);
	if ((lladdr[0] & 1) != 0)
		if_stat_add(ifp, IFS_OMCASTS, 1);
	return if_transmit(ifp, m);
}

int
ether_register(uint16_t ethertype, ether_input_t fn)
{
	bool taken = net_lock_cond();
	int rv = 0;

	for (unsigned i = 0; i < ether_nprotos; i++)
		if (ether_protos[i].ep_type == ethertype)
			rv = EEXIST;
	if (rv == 0 && ether_nprotos == ETHER_PROTOS_MAX)
		rv = ENOSPC;
	if (rv == 0) {
		ether_protos[ether_nprotos].ep_type = ethertype;
		ether_protos[ether_nprotos].ep_fn = fn;
		ether_nprotos++;
	}
	net_unlock_cond(taken);
	return rv;
}

static ether_input_t
ether_proto(uint16_t type)
{
	for (unsigned i = 0; i < ether_nprotos; i++)
		if (ether_protos[i].ep_type == type)
			return ether_protos[i].ep_fn;
	return NULL;
}

static struct if_mcast *
ether_multi_find(struct ifnet *ifp, const uint8_t addr[ETHER_ADDR_LEN])
{
	struct if_mcast *im;

	for (im = ifp->if_mcasts; im != NULL; im = im->im_next)
		if (memcmp(im->im_addr, addr, ETHER_ADDR_LEN) == 0)
			break;
	return im;
}

/*
 * Is the frame with destination dst for us? Sets M_BCAST/M_MCAST on m.
 * net_lock held.
 */
static bool
ether_accept(struct ifnet *ifp, struct mbuf *m, const uint8_t *dst)
{
	if ((dst[0] & 1) == 0) {
		return (ifp->if_flags & IFF_PROMISC) != 0 ||
		    memcmp(dst, ifp->if_lladdr, ETHER_ADDR_LEN) == 0;
	}
	if (memcmp(dst, etherbroadcastaddr, ETHER_ADDR_LEN) == 0) {
		m->m_flags |= M_BCAST;
		return true;
	}
	m->m_flags |= M_MCAST;
	return (ifp->if_flags & (IFF_ALLMULTI | IFF_PROMISC)) != 0 ||
	    ether_multi_find(ifp, dst) != NULL;
}

/* The frame is for us and its header contiguous: dispatch. net_lock held. */
static void
ether_dispatch(struct ifnet *ifp, struct mbuf *m)
{
	struct ether_header *eh = mtod(m, struct ether_header *);
	uint16_t type = ether_swap16(eh->ether_type);
	ether_input_t fn;

	if_stat_add(ifp, IFS_IPACKETS, 1);
	if_stat_add(ifp, IFS_IBYTES, m->m_pkthdr.len);
	if ((m->m_flags & (M_BCAST | M_MCAST)) != 0)
		if_stat_add(ifp, IFS_IMCASTS, 1);
	if (type < ETHERTYPE_MIN || type == ETHERTYPE_VLAN ||
	    (fn = ether_proto(type)) == NULL) {
		if_stat_add(ifp, IFS_NOPROTO, 1);
		m_freem(m);
		return;
	}
	m_adj(m, ETHER_HDR_LEN);
	fn(ifp, m);
}

static void
ether_input_locked(struct ifnet *ifp, struct mbuf *m)
{
	m->m_pkthdr.rcvif = ifp;
	m->m_flags &= ~(M_BCAST | M_MCAST);
	if (ifp->if_taps != NULL)
		if_tap_run(ifp, m, IF_TAP_IN);
	if (m->m_pkthdr.len < ETHER_HDR_LEN) {
		if_stat_add(ifp, IFS_RUNT, 1);
		m_freem(m);
		return;
	}
	if ((ifp->if_flags & IFF_UP) == 0) {
		if_stat_add(ifp, IFS_IQDROPS, 1);
		m_freem(m);
		return;
	}
	if ((m = m_pullup(m, ETHER_HDR_LEN)) == NULL) {
		if_stat_add(ifp, IFS_IQDROPS, 1);
		return;
	}
	if (!ether_accept(ifp, m, mtod(m, const uint8_t *))) {
		if_stat_add(ifp, IFS_IQDROPS, 1);
		m_freem(m);
		return;
	}
	ether_dispatch(ifp, m);
}

void
ether_input(struct ifnet *ifp, struct mbuf *m)
{
	bool taken;

	KASSERT((m->m_flags & M_PKTHDR) != 0);
	KASSERT(m->m_pkthdr.len == m_length(m));
	taken = net_lock_cond();
	ether_input_locked(ifp, m);
	net_unlock_cond(taken);
}

void
ether_input_list(struct ifnet *ifp, struct mbuf *list)
{
	struct mbuf *m;
	bool taken;

	if (list == NULL)
		return;
	taken = net_lock_cond();
	if_batch_begin();
	while ((m = list) != NULL) {
		list = m->m_nextpkt;
		m->m_nextpkt = NULL;
		KASSERT((m->m_flags & M_PKTHDR) != 0);
		ether_input_locked(ifp, m);
	}
	if_batch_end();
	net_unlock_cond(taken);
}

/* net_lock held. An entry that cannot be programmed is taken back. */
int
ether_addmulti(struct ifnet *ifp, const uint8_t addr[ETHER_ADDR_LEN])
{
	struct if_mcast *im;
	int rv = 0;

	if ((addr[0] & 1) == 0)
		return EINVAL;
	if ((im = ether_multi_find(ifp, addr)) != NULL) {
		im->im_refcnt++;
		return 0;
	}
	if ((im = kmem_zalloc(sizeof(*im), KM_NOSLEEP)) == NULL)
		return ENOMEM;
	memcpy(im->im_addr, addr, ETHER_ADDR_LEN);
	im->im_refcnt = 1;
	im->im_next = ifp->if_mcasts;
	ifp->if_mcasts = im;
	if (ifp->if_mcast_update != NULL &&
	    (rv = ifp->if_mcast_update(ifp)) != 0) {
		ifp->if_mcasts = im->im_next;
		kmem_free(im, sizeof(*im));
		(void)ifp->if_mcast_update(ifp);
	}
	return rv;
}

int
ether_delmulti(struct ifnet *ifp, const uint8_t addr[ETHER_ADDR_LEN])
{
	struct if_mcast **pp, *im;

	for (pp = &ifp->if_mcasts; (im = *pp) != NULL; pp = &im->im_next)
		if (memcmp(im->im_addr, addr, ETHER_ADDR_LEN) == 0)
			break;
	if (im == NULL)
		return ENOENT;
	if (--im->im_refcnt > 0)
		return 0;
	*pp = im->im_next;
	kmem_free(im, sizeof(*im));
	if (ifp->if_mcast_update != NULL)
		return ifp->if_mcast_update(ifp);
	return 0;
}

void
ether_multi_foreach(struct ifnet *ifp,
    void (*fn)(void *arg, const uint8_t addr[ETHER_ADDR_LEN]), void *arg)
{
	for (struct if_mcast *im = ifp->if_mcasts; im != NULL;
	    im = im->im_next)
		fn(arg, im->im_addr);
}

unsigned
ether_multi_count(struct ifnet *ifp)
{
	unsigned n = 0;

	for (struct if_mcast *im = ifp->if_mcasts; im != NULL;
	    im = im->im_next)
		n++;
	return n;
}

char *
ether_sprintf(char *buf, const uint8_t addr[ETHER_ADDR_LEN])
{
	static const char hex[] = "0123456789abcdef";
	char *p = buf;

	for (int i = 0; i < ETHER_ADDR_LEN; i++) {
		if (i > 0)
			*p++ = ':';
		*p++ = hex[addr[i] >> 4];
		*p++ = hex[addr[i] & 0xf];
	}
	*p = '\0';
	return buf;
}

/* IEEE 802.3 polynomial x^32 + x^26 + ... + 1, and its bit reversal. */
#define CRC32_POLY 0x04c11db7u
#define CRC32_POLY_REV 0xedb88320u

uint32_t
ether_crc32_le(const uint8_t *buf, unsigned len)
{
	uint32_t crc = 0xffffffffu;

	for (unsigned i = 0; i < len; i++) {
		crc ^= buf[i];
		for (int b = 0; b < 8; b++)
			crc = (crc >> 1) ^ ((crc & 1) != 0 ? CRC32_POLY_REV : 0);
	}
	return ~crc;
}

uint32_t
ether_crc32_be(const uint8_t *buf, unsigned len)
{
	uint32_t crc = 0xffffffffu;

	for (unsigned i = 0; i < len; i++) {
		crc ^= (uint32_t)buf[i] << 24;
		for (int b = 0; b < 8; b++)
			crc = (crc << 1) ^
			    ((crc & 0x80000000u) != 0 ? CRC32_POLY : 0);
	}
	return ~crc;
}
