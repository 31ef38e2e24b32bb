/*
 * The application's view of the network configuration
 * (include/libc/rumpmetal/net.h): readiness, addresses and routes, DNS
 * servers, counters.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include <rumpmetal/net.h>

#include <kern/kmem.h>
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

size_t
rumpmetal_dns_servers(struct in_addr *servers, size_t max)
{
	in_addr_t dns[DHCP_MAXDNS];
	unsigned n;

	rump_schedule();
	n = netconfig_dns(dns, DHCP_MAXDNS);
	rump_unschedule();
	if (n > max)
		n = (unsigned)max;
	for (unsigned i = 0; i < n; i++)
		memcpy(&servers[i], &dns[i], sizeof(dns[i]));
	return n;
}

static const struct {
	const char *name;
	size_t off;
} tcpstat_fields[] = {
	{ "connattempt", offsetof(struct tcpstat, tcps_connattempt) },
	{ "accepts", offsetof(struct tcpstat, tcps_accepts) },
	{ "connects", offsetof(struct tcpstat, tcps_connects) },
	{ "drops", offsetof(struct tcpstat, tcps_drops) },
	{ "conndrops", offsetof(struct tcpstat, tcps_conndrops) },
	{ "closed", offsetof(struct tcpstat, tcps_closed) },
	{ "timeoutdrop", offsetof(struct tcpstat, tcps_timeoutdrop) },
	{ "keepdrops", offsetof(struct tcpstat, tcps_keepdrops) },
	{ "rexmttimeo", offsetof(struct tcpstat, tcps_rexmttimeo) },
	{ "persisttimeo", offsetof(struct tcpstat, tcps_persisttimeo) },
	{ "keepprobe", offsetof(struct tcpstat, tcps_keepprobe) },
	{ "fastrexmt", offsetof(struct tcpstat, tcps_fastrexmt) },
	{ "tlp", offsetof(struct tcpstat, tcps_tlp) },
	{ "sndtotal", offsetof(struct tcpstat, tcps_sndtotal) },
	{ "sndbyte", offsetof(struct tcpstat, tcps_sndbyte) },
	{ "sndrexmitpack", offsetof(struct tcpstat, tcps_sndrexmitpack) },
	{ "sndrexmitbyte", offsetof(struct tcpstat, tcps_sndrexmitbyte) },
	{ "sndacks", offsetof(struct tcpstat, tcps_sndacks) },
	{ "sndrst", offsetof(struct tcpstat, tcps_sndrst) },
	{ "rcvtotal", offsetof(struct tcpstat, tcps_rcvtotal) },
	{ "rcvbyte", offsetof(struct tcpstat, tcps_rcvbyte) },
	{ "rcvduppack", offsetof(struct tcpstat, tcps_rcvduppack) },
	{ "rcvoopack", offsetof(struct tcpstat, tcps_rcvoopack) },
	{ "rcvbad", offsetof(struct tcpstat, tcps_rcvbad) },
	{ "rcvafterclose", offsetof(struct tcpstat, tcps_rcvafterclose) },
	{ "challengeack", offsetof(struct tcpstat, tcps_challengeack) },
	{ "rstlimited", offsetof(struct tcpstat, tcps_rstlimited) },
	{ "synrcvd", offsetof(struct tcpstat, tcps_synrcvd) },
	{ "syndrop", offsetof(struct tcpstat, tcps_syndrop) },
	{ "rttupdated", offsetof(struct tcpstat, tcps_rttupdated) },
	{ "pcbs", offsetof(struct tcpstat, tcps_pcbs) },
	{ "established", offsetof(struct tcpstat, tcps_established) },
};

/* Every TCP counter, zero or not (the set is small and fixed). */
static void
out_tcpstats(struct outbuf *ob, const struct tcpstat *ts)
{
	for (size_t i = 0; i < sizeof(tcpstat_fields) / sizeof(tcpstat_fields[0]);
	    i++) {
		uint64_t v;

		memcpy(&v, (const char *)ts + tcpstat_fields[i].off, sizeof(v));
		out(ob, "tcp %s %llu\n", tcpstat_fields[i].name,
		    (unsigned long long)v);
	}
}

static void
out_ifstats(struct outbuf *ob, struct ifnet *ifp)
{
	for (int s = 0; s < IFS_MAX; s++) {
		uint64_t v = if_stat_get(ifp, (enum if_stat)s);

		if (v != 0)
			out(ob, "%s %s %llu\n", ifp->if_xname,
			    if_stat_names[s], (unsigned long long)v);
	}
}

size_t
rumpmetal_netstats(char *buf, size_t len)
{
	struct outbuf ob = { buf, len, 0 };
	struct mbuf_stats ms;
	struct tcpstat ts;
	struct kmem_stats ks;

	if (len == 0)
		return 0;
	buf[0] = '\0';
	rump_schedule();
	mutex_enter(&net_lock);
	for (struct ifnet *ifp = if_first(); ifp != NULL; ifp = ifp->if_next)
		out_ifstats(&ob, ifp);
	mutex_exit(&net_lock);
	tcp_getstat(&ts);
	mbuf_get_stats(&ms);
	kmem_get_stats(&ks);
	rump_unschedule();
	out_tcpstats(&ob, &ts);
	out(&ob, "mbuf mbufs %llu\nmbuf clusters %llu\nmbuf ext %llu\n"
	    "mbuf fail %llu\nmbuf mbufs_max %llu\n",
	    (unsigned long long)ms.ms_mbufs, (unsigned long long)ms.ms_clusters,
	    (unsigned long long)ms.ms_ext, (unsigned long long)ms.ms_fail,
	    (unsigned long long)ms.ms_mbufs_max);
	out(&ob, "kmem inuse %llu\nkmem allocs %llu\nkmem fails %llu\n",
	    (unsigned long long)ks.ks_inuse, (unsigned long long)ks.ks_nalloc,
	    (unsigned long long)ks.ks_nfail);
	return ob.ob_used;
}
