/*
 * IPv4 addresses: one address per interface (struct in_ifinfo behind
 * ifp->if_inet), broadcast and local-address tests, masks, and the text
 * forms of addresses.
 *
 * Setting an address adds the connected route of its network and
 * announces it (RFC 5227); clearing it removes every route through the
 * interface and forgets the ARP entries learnt on it.
 */
#include <errno.h>
#include <string.h>

#include <kern/kmem.h>
#include <kern/klog.h>
#include <kern/kassert.h>
#include <net/netif.h>
#include <netinet/inet.h>

#include "in_var.h"

static const uint8_t allhosts_ll[ETHER_ADDR_LEN] = {
	0x01, 0x00, 0x5e, 0x00, 0x00, 0x01
};

int
in_masklen(in_addr_t mask)
{
	uint32_t h = net_ntohl(mask);
	/* The leading ones; the rest must be zeros. */
	int len = h == 0xffffffffu ? 32 : __builtin_clz(~h);

	return len < 32 && (h << len) != 0 ? -1 : len;
}

in_addr_t
in_lenmask(unsigned len)
{
	if (len == 0)
		return 0;
	if (len >= 32)
		return 0xffffffffu;
	return net_htonl(~0u << (32 - len));
}

/* The per-interface state, created on first use; NULL if no memory. */
static struct in_ifinfo *
in_ifinfo_make(struct ifnet *ifp)
{
	struct in_ifinfo *ii = in_ifinfo(ifp);

	if (ii != NULL)
		return ii;
	if ((ii = kmem_zalloc(sizeof(*ii), KM_NOSLEEP)) == NULL)
		return NULL;
	ifp->if_inet = ii;
	/* Every IPv4 host belongs to the all-hosts group (RFC 1112). */
	if (ether_addmulti(ifp, allhosts_ll) == 0)
		ii->ii_allhosts = true;
	return ii;
}

/* Address and mask acceptable as an interface address. */
static bool
in_addr_usable(in_addr_t addr, in_addr_t mask)
{
	uint32_t h = net_ntohl(addr);

	if (in_masklen(mask) < 0 || addr == 0 || addr == INADDR_BROADCAST_N)
		return false;
	if (IN_MULTICAST_N(addr) || IN_LOOPBACK_N(addr) || (h >> 24) == 0 ||
	    (h >> 28) == 0xf)
		return false;
	/* Not the network or broadcast address of a subnet with hosts. */
	if (in_masklen(mask) <= 30 &&
	    ((addr & ~mask) == 0 || (addr & ~mask) == ~mask))
		return false;
	return true;
}

int
in_ifaddr_set(struct ifnet *ifp, in_addr_t addr, in_addr_t mask)
{
	struct in_ifinfo *ii;
	struct ifnet *other;
	char buf[16];
	int rv;

	if (addr == 0) {
		in_ifaddr_clear(ifp);
		return 0;
	}
	if (!in_addr_usable(addr, mask))
		return EINVAL;
	other = in_ifaddr_find(addr);
	if (other != NULL && other != ifp)
		return EEXIST;
	if ((ii = in_ifinfo_make(ifp)) == NULL)
		return ENOMEM;
	if (ii->ii_addr == addr && ii->ii_mask == mask)
		return 0;
	in_ifaddr_clear(ifp);
	ii->ii_addr = addr;
	ii->ii_mask = mask;
	ii->ii_net = addr & mask;
	ii->ii_bcast = in_masklen(mask) <= 30 ? (addr | ~mask) : 0;
	rv = rt_add(ii->ii_net, mask, 0, ifp, RTF_CONNECTED);
	if (rv != 0 && rv != EEXIST) {
		ii->ii_addr = ii->ii_mask = ii->ii_net = ii->ii_bcast = 0;
		return rv;
	}
	klog(LOG_INFO, "%s: inet %s/%d", ifp->if_xname, inet_ntoa_r(addr, buf),
	    in_masklen(mask));
	if ((ifp->if_flags & IFF_UP) != 0 &&
	    ifp->if_link_state != LINK_STATE_DOWN)
		arp_announce(ifp);
	return 0;
}

void
in_ifaddr_clear(struct ifnet *ifp)
{
	struct in_ifinfo *ii = in_ifinfo(ifp);

	if (ii == NULL || ii->ii_addr == 0)
		return;
	ii->ii_addr = ii->ii_mask = ii->ii_net = ii->ii_bcast = 0;
	rt_purge_ifp(ifp);
	arp_purge_ifp(ifp);
}

bool
in_ifaddr_get(struct ifnet *ifp, in_addr_t *addr, in_addr_t *mask)
{
	struct in_ifinfo *ii = in_ifinfo(ifp);

	if (ii == NULL || ii->ii_addr == 0)
		return false;
	if (addr != NULL)
		*addr = ii->ii_addr;
	if (mask != NULL)
		*mask = ii->ii_mask;
	return true;
}

struct ifnet *
in_ifaddr_find(in_addr_t addr)
{
	if (addr == 0)
		return NULL;
	for (struct ifnet *ifp = if_first(); ifp != NULL; ifp = ifp->if_next)
		if (in_ifaddr(ifp) == addr)
			return ifp;
	return NULL;
}

static bool
in_broadcast_one(in_addr_t addr, const struct ifnet *ifp)
{
	const struct in_ifinfo *ii = in_ifinfo(ifp);

	if (ii == NULL || ii->ii_addr == 0 || ii->ii_bcast == 0)
		return false;
	/* The all-zeros host part is the old (4.2BSD) broadcast form. */
	return addr == ii->ii_bcast || addr == ii->ii_net;
}

bool
in_broadcast(in_addr_t addr, struct ifnet *ifp)
{
	if (addr == INADDR_BROADCAST_N)
		return true;
	if (ifp != NULL)
		return in_broadcast_one(addr, ifp);
	for (ifp = if_first(); ifp != NULL; ifp = ifp->if_next)
		if (in_broadcast_one(addr, ifp))
			return true;
	return false;
}

char *
inet_ntoa_r(in_addr_t a, char *buf)
{
	uint32_t h = net_ntohl(a);

	ksnprintf(buf, 16, "%u.%u.%u.%u", (unsigned)(h >> 24),
	    (unsigned)(h >> 16) & 0xff, (unsigned)(h >> 8) & 0xff,
	    (unsigned)h & 0xff);
	return buf;
}

bool
inet_aton_n(const char *s, in_addr_t *a)
{
	uint32_t h = 0;
	unsigned part, digits;

	if (s == NULL)
		return false;
	for (int i = 0; i < 4; i++) {
		part = 0;
		digits = 0;
		while (*s >= '0' && *s <= '9' && digits < 4) {
			part = part * 10 + (unsigned)(*s - '0');
			digits++;
			s++;
		}
		if (digits == 0 || digits > 3 || part > 255)
			return false;
		h = (h << 8) | part;
		if (i < 3 && *s++ != '.')
			return false;
	}
	if (*s != '\0')
		return false;
	*a = net_htonl(h);
	return true;
}
