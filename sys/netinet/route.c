/*
 * The IPv4 routing table of a host: connected routes (one per interface
 * address, RTF_CONNECTED), a default route 0/0 through a gateway, and
 * whatever else is added. A small fixed table searched linearly: a host
 * has a handful of routes, and lookups pick the longest matching prefix
 * (the first in the table among equals).
 *
 * Invariant: rt_dst has no bits outside rt_mask, rt_mask is contiguous,
 * and an entry is in use iff rt_ifp != NULL.
 */
#include <errno.h>
#include <string.h>

#include <net/netif.h>
#include <netinet/inet.h>

#include "in_var.h"

#define RT_MAX 64

static struct rtentry rt_table[RT_MAX];

static struct rtentry *
rt_find(in_addr_t dst, in_addr_t mask)
{
	for (unsigned i = 0; i < RT_MAX; i++) {
		struct rtentry *rt = &rt_table[i];

		if (rt->rt_ifp != NULL && rt->rt_dst == dst &&
		    rt->rt_mask == mask)
			return rt;
	}
	return NULL;
}

/* The interface through which a gateway is directly reachable. */
static struct ifnet *
rt_gateway_ifp(in_addr_t gw)
{
	const struct rtentry *rt = rt_lookup(gw);

	if (rt == NULL || (rt->rt_flags & RTF_GATEWAY) != 0)
		return NULL;
	return rt->rt_ifp;
}

int
rt_add(in_addr_t dst, in_addr_t mask, in_addr_t gw, struct ifnet *ifp,
    unsigned flags)
{
	struct rtentry *rt = NULL;

	if (in_masklen(mask) < 0 || (dst & ~mask) != 0)
		return EINVAL;
	if ((flags & RTF_GATEWAY) != 0) {
		if (gw == 0 || IN_MULTICAST_N(gw) || gw == INADDR_BROADCAST_N)
			return EINVAL;
		if (ifp == NULL && (ifp = rt_gateway_ifp(gw)) == NULL)
			return EINVAL;
	} else {
		gw = 0;
	}
	if (ifp == NULL)
		return EINVAL;
	if (rt_find(dst, mask) != NULL)
		return EEXIST;
	for (unsigned i = 0; i < RT_MAX && rt == NULL; i++)
		if (rt_table[i].rt_ifp == NULL)
			rt = &rt_table[i];
	if (rt == NULL)
		return ENOMEM;
	rt->rt_dst = dst;
	rt->rt_mask = mask;
	rt->rt_gw = gw;
	rt->rt_ifp = ifp;
	rt->rt_flags = flags & (RTF_GATEWAY | RTF_CONNECTED);
	rt->rt_use = 0;
	return 0;
}

int
rt_delete(in_addr_t dst, in_addr_t mask)
{
	struct rtentry *rt = rt_find(dst, mask);

	if (rt == NULL)
		return ESRCH;
	memset(rt, 0, sizeof(*rt));
	return 0;
}

void
rt_purge_ifp(struct ifnet *ifp)
{
	for (unsigned i = 0; i < RT_MAX; i++)
		if (rt_table[i].rt_ifp == ifp)
			memset(&rt_table[i], 0, sizeof(rt_table[i]));
}

const struct rtentry *
rt_lookup(in_addr_t dst)
{
	struct rtentry *best = NULL;
	int bestlen = -1, len;

	for (unsigned i = 0; i < RT_MAX; i++) {
		struct rtentry *rt = &rt_table[i];

		if (rt->rt_ifp == NULL || (dst & rt->rt_mask) != rt->rt_dst)
			continue;
		len = in_masklen(rt->rt_mask);
		if (len > bestlen) {
			best = rt;
			bestlen = len;
		}
	}
	if (best != NULL)
		best->rt_use++;
	return best;
}

void
rt_foreach(void (*fn)(void *arg, const struct rtentry *), void *arg)
{
	for (unsigned i = 0; i < RT_MAX; i++)
		if (rt_table[i].rt_ifp != NULL)
			fn(arg, &rt_table[i]);
}
