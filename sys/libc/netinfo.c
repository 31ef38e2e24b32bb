/*
 * The application's view of the network configuration
 * (include/libc/rumpmetal/net.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include <rumpmetal/net.h>

#include <kern/rump.h>
#include <net/netif.h>
#include <netinet/dhcp.h>
#include <netinet/inet.h>

int
rumpmetal_netwait(int timeout_ms)
{
	bool ok;

	rump_schedule();
	ok = netconfig_wait(timeout_ms < 0 ? 0u : (unsigned)timeout_ms);
	rump_unschedule();
	if (ok)
		return 0;
	errno = ETIMEDOUT;
	return -1;
}

struct outbuf {
	char *ob_buf;
	size_t ob_len;
	size_t ob_used;
};

static void
out(struct outbuf *ob, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ob->ob_used + 1 >= ob->ob_len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(ob->ob_buf + ob->ob_used, ob->ob_len - ob->ob_used, fmt,
	    ap);
	va_end(ap);
	if (n < 0)
		return;
	ob->ob_used += (size_t)n;
	if (ob->ob_used >= ob->ob_len)
		ob->ob_used = ob->ob_len - 1;
}

static void
out_route(void *arg, const struct rtentry *rt)
{
	char gw[16];

	if (rt->rt_dst != 0 || rt->rt_mask != 0)
		return;
	out(arg, "default via %s dev %s\n", inet_ntoa_r(rt->rt_gw, gw),
	    rt->rt_ifp->if_xname);
}

static void
out_arp(void *arg, in_addr_t addr, const uint8_t *lladdr, struct ifnet *ifp,
    bool complete)
{
	char a[16], mac[18];

	if (complete)
		out(arg, "neighbor %s lladdr %s dev %s\n", inet_ntoa_r(addr, a),
		    ether_sprintf(mac, lladdr), ifp->if_xname);
	else
		out(arg, "neighbor %s incomplete dev %s\n",
		    inet_ntoa_r(addr, a), ifp->if_xname);
}

size_t
rumpmetal_netinfo(char *buf, size_t len)
{
	struct outbuf ob = { buf, len, 0 };
	char mac[18], a[16];
	in_addr_t addr, mask;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	rump_schedule();
	mutex_enter(&net_lock);
	for (struct ifnet *ifp = if_first(); ifp != NULL; ifp = ifp->if_next) {
		out(&ob, "%s %s %s", ifp->if_xname,
		    ether_sprintf(mac, ifp->if_lladdr),
		    (ifp->if_flags & IFF_UP) != 0 ? "up" : "down");
		if (in_ifaddr_get(ifp, &addr, &mask))
			out(&ob, " %s/%d", inet_ntoa_r(addr, a),
			    in_masklen(mask));
		out(&ob, "\n");
	}
	rt_foreach(out_route, &ob);
	arp_foreach(out_arp, &ob);
	mutex_exit(&net_lock);
	rump_unschedule();
	return ob.ob_used;
}
