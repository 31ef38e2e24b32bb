/*
 * Boot-time interface configuration: the kernel options "net" and
 * "net.<ifname>" (syntax in <netinet/dhcp.h> and README.md), read with
 * rumpuser_getparam after autoconfiguration (a RUMP_SUBSYS_LATE hook),
 * applied to every Ethernet interface attached by then: brought up, then
 * configured statically or handed to the DHCP client. With no option at
 * all every Ethernet interface uses DHCP. Interfaces attached later are
 * not configured here; whoever attaches them calls dhcp_start or
 * in_ifaddr_set itself.
 *
 * Also kept here: the DNS servers each interface learnt (static or by
 * DHCP), for the resolver, and the condition variable on which
 * netconfig_wait sleeps until some interface has an address.
 *
 * Locking: nc_cv is used with net_lock. nc_dns is written with net_lock
 * and nc_dns_lock held (in that order) and read with nc_dns_lock alone,
 * so the resolver may ask with or without net_lock.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <kern/callout.h>
#include <kern/condvar.h>
#include <kern/klog.h>
#include <kern/mutex.h>
#include <kern/rump.h>
#include <net/netif.h>
#include <netinet/dhcp.h>
#include <netinet/inet.h>
#include <rump/rumpuser.h>

#include "dhcp_impl.h"

#define NC_VALMAX 160		/* longest option value we read */
#define NC_MAXIF 8		/* interfaces whose DNS servers we keep */
#define NC_ERRMAX 96

struct nc_dns {
	struct ifnet *nd_ifp;		/* NULL: free slot */
	in_addr_t nd_dns[DHCP_MAXDNS];
	unsigned nd_n;
};

static kmutex_t nc_dns_lock;
static struct nc_dns nc_dns[NC_MAXIF];
static kcondvar_t nc_cv;
static bool nc_booted;		/* netconfig_apply ran; net_lock */
bool netconfig_hotplug = true;

/* ---- parsing ------------------------------------------------------------ */

/* s starts with prefix. */
static bool
starts(const char *s, const char *prefix)
{
	while (*prefix != '\0')
		if (*s++ != *prefix++)
			return false;
	return true;
}

static bool
str_eq(const char *a, const char *b)
{
	return starts(a, b) && a[strlen(b)] == '\0';
}

static bool
parse_uint(const char **sp, unsigned max, unsigned *v)
{
	const char *s = *sp;
	unsigned n = 0, digits = 0;

	while (*s >= '0' && *s <= '9' && digits < 4) {
		n = n * 10 + (unsigned)(*s++ - '0');
		digits++;
	}
	if (digits == 0 || digits == 4 || n > max)
		return false;
	*sp = s;
	*v = n;
	return true;
}

/* a.b.c.d at *sp; *sp advances past it. */
static bool
parse_quad(const char **sp, in_addr_t *a)
{
	const char *s = *sp;
	unsigned part, i;
	uint32_t h = 0;

	for (i = 0; i < 4; i++) {
		if (i > 0 && *s++ != '.')
			return false;
		if (!parse_uint(&s, 255, &part))
			return false;
		h = h << 8 | part;
	}
	*sp = s;
	*a = net_htonl(h);
	return true;
}

static bool
host_usable(in_addr_t a)
{
	uint32_t h = net_ntohl(a);

	return (h >> 24) != 0 && !IN_MULTICAST_N(a) && !IN_LOOPBACK_N(a) &&
	    (h >> 28) != 0xf;
}

static in_addr_t
len_to_mask(unsigned len)
{
	return len == 0 ? 0 : net_htonl(0xffffffffu << (32 - len));
}

static int
fail(char *err, unsigned errlen, const char *why, const char *at)
{
	if (errlen > 0)
		ksnprintf(err, errlen, "%s%s%s", why, at != NULL ? " at: " : "",
		    at != NULL ? at : "");
	return EINVAL;
}

/* The address/len part; *sp advances past it. */
static int
parse_prefix(const char **sp, struct netconfig *nc, char *err,
    unsigned errlen)
{
	const char *s = *sp, *at;
	in_addr_t a, m;
	unsigned len;

	if (!parse_quad(&s, &a))
		return fail(err, errlen, "expected dhcp, none or address/prefix",
		    *sp);
	at = s;
	if (*s++ != '/' || !parse_uint(&s, 32, &len) || len == 0)
		return fail(err, errlen, "expected /prefix length 1-32", at);
	m = len_to_mask(len);
	if (!host_usable(a) || (len <= 30 && ((a & ~m) == 0 ||
	    (a & ~m) == ~m)))
		return fail(err, errlen, "not a host address", *sp);
	nc->nc_addr = a;
	nc->nc_mask = m;
	*sp = s;
	return 0;
}

/* One ",gw=a.b.c.d" or ",dns=a.b.c.d"; *sp at the comma. */
static int
parse_key(const char **sp, struct netconfig *nc, char *err, unsigned errlen)
{
	const char *s = *sp + 1, *key = s;
	bool gw = starts(s, "gw=");
	in_addr_t a;

	if (!gw && !starts(s, "dns="))
		return fail(err, errlen, "unknown key (gw= or dns=)", key);
	s += gw ? 3 : 4;
	if (!parse_quad(&s, &a) || !host_usable(a) ||
	    (*s != ',' && *s != '\0'))
		return fail(err, errlen, "bad address", key);
	if (gw) {
		if (nc->nc_gw != 0)
			return fail(err, errlen, "gw= given twice", key);
		if ((a & nc->nc_mask) != (nc->nc_addr & nc->nc_mask) ||
		    a == nc->nc_addr)
			return fail(err, errlen, "gateway not on the subnet",
			    key);
		nc->nc_gw = a;
	} else {
		if (nc->nc_ndns >= DHCP_MAXDNS)
			return fail(err, errlen, "too many dns= (at most 3)",
			    key);
		nc->nc_dns[nc->nc_ndns++] = a;
	}
	*sp = s;
	return 0;
}

int
netconfig_parse(const char *val, struct netconfig *nc, char *err,
    unsigned errlen)
{
	const char *s = val;
	int error;

	memset(nc, 0, sizeof(*nc));
	if (errlen > 0)
		err[0] = '\0';
	if (str_eq(val, "dhcp")) {
		nc->nc_dhcp = true;
		return 0;
	}
	if (str_eq(val, "none")) {
		nc->nc_none = true;
		return 0;
	}
	if ((error = parse_prefix(&s, nc, err, errlen)) != 0)
		goto bad;
	while (*s == ',')
		if ((error = parse_key(&s, nc, err, errlen)) != 0)
			goto bad;
	if (*s != '\0') {
		error = fail(err, errlen, "unexpected text", s);
		goto bad;
	}
	return 0;
bad:
	memset(nc, 0, sizeof(*nc));
	return error;
}

/* ---- DNS servers and waiting -------------------------------------------- */

void
netconfig_dns_set(struct ifnet *ifp, const in_addr_t *dns, unsigned n)
{
	struct nc_dns *slot = NULL;
	unsigned i;

	mutex_enter(&nc_dns_lock);
	for (i = 0; i < NC_MAXIF && slot == NULL; i++)
		if (nc_dns[i].nd_ifp == ifp)
			slot = &nc_dns[i];
	for (i = 0; i < NC_MAXIF && slot == NULL && n > 0; i++)
		if (nc_dns[i].nd_ifp == NULL)
			slot = &nc_dns[i];
	if (slot != NULL) {
		if (n > DHCP_MAXDNS)
			n = DHCP_MAXDNS;
		slot->nd_ifp = n > 0 ? ifp : NULL;
		slot->nd_n = n;
		for (i = 0; i < n; i++)
			slot->nd_dns[i] = dns[i];
	}
	mutex_exit(&nc_dns_lock);
}

unsigned
netconfig_dns(in_addr_t *dns, unsigned max)
{
	unsigned i, j, k, n = 0;

	mutex_enter(&nc_dns_lock);
	for (i = 0; i < NC_MAXIF; i++) {
		for (j = 0; j < nc_dns[i].nd_n && n < max; j++) {
			for (k = 0; k < n; k++)
				if (dns[k] == nc_dns[i].nd_dns[j])
					break;
			if (k == n)
				dns[n++] = nc_dns[i].nd_dns[j];
		}
	}
	mutex_exit(&nc_dns_lock);
	return n;
}

void
netconfig_addr_changed(void)
{
	cv_broadcast(&nc_cv);
}

/* Some interface other than loopback has an address; net_lock held. */
static bool
have_address(void)
{
	struct ifnet *ifp;
	in_addr_t a, m;

	for (ifp = if_first(); ifp != NULL; ifp = ifp->if_next)
		if ((ifp->if_flags & IFF_LOOPBACK) == 0 &&
		    in_ifaddr_get(ifp, &a, &m))
			return true;
	return false;
}

bool
netconfig_wait(unsigned timeout_ms)
{
	uint64_t deadline = kclock_ns() + (uint64_t)timeout_ms * 1000000u;
	uint64_t now;
	bool ok;

	mutex_enter(&net_lock);
	while (!(ok = have_address()) && (now = kclock_ns()) < deadline)
		cv_timedwait_ns(&nc_cv, &net_lock, deadline - now);
	mutex_exit(&net_lock);
	return ok;
}

/* ---- applying the boot options ------------------------------------------ */

static bool
is_ether(const struct ifnet *ifp)
{
	return ifp->if_addrlen == ETHER_ADDR_LEN &&
	    (ifp->if_flags & IFF_LOOPBACK) == 0;
}

/* net_lock held. */
static int
apply_static(struct ifnet *ifp, const struct netconfig *nc)
{
	char a[16], g[16], line[KLOG_LINEMAX];
	int error;

	if ((error = in_ifaddr_set(ifp, nc->nc_addr, nc->nc_mask)) != 0) {
		klog(LOG_ERR, "%s: address %s not set (error %d)",
		    ifp->if_xname, inet_ntoa_r(nc->nc_addr, a), error);
		return error;
	}
	line[0] = '\0';
	if (nc->nc_gw != 0) {
		error = rt_add(0, 0, nc->nc_gw, ifp, RTF_GATEWAY);
		ksnprintf(line, sizeof(line), ", gateway %s%s",
		    inet_ntoa_r(nc->nc_gw, g),
		    error == 0 ? "" : " (not added: a default route exists)");
	}
	netconfig_dns_set(ifp, nc->nc_dns, nc->nc_ndns);
	arp_announce(ifp);
	netconfig_addr_changed();
	klog(LOG_INFO, "%s: %s/%d%s (static)", ifp->if_xname,
	    inet_ntoa_r(nc->nc_addr, a), in_masklen(nc->nc_mask), line);
	return 0;
}

/* Brings ifp up and configures it as nc says; 1 if configured or being
 * configured, else 0. net_lock held. */
static int
apply_one(struct ifnet *ifp, const struct netconfig *nc)
{
	int error;

	if (nc->nc_none) {
		klog(LOG_INFO, "%s: not configured (net=none)", ifp->if_xname);
		return 0;
	}
	if ((error = if_up(ifp)) != 0) {
		klog(LOG_ERR, "%s: cannot bring the interface up (error %d)",
		    ifp->if_xname, error);
		return 0;
	}
	if (nc->nc_dhcp) {
		if ((error = dhcp_start(ifp)) != 0)
			return 0;
		klog(LOG_INFO, "%s: configuring by DHCP", ifp->if_xname);
		return 1;
	}
	return apply_static(ifp, nc) == 0 ? 1 : 0;
}

/*
 * The option that governs ifp: "net.<ifname>", else "net" (a static
 * address there only for the first Ethernet interface), else "dhcp".
 * Fills name and val; false if ifp is to be left alone.
 */
static bool
option_for(struct ifnet *ifp, bool first, char *name, unsigned namelen,
    char *val)
{
	int error;

	ksnprintf(name, namelen, "net.%s", ifp->if_xname);
	error = rumpuser_getparam(name, val, NC_VALMAX);
	if (error == ENOENT) {
		ksnprintf(name, namelen, "net");
		error = rumpuser_getparam(name, val, NC_VALMAX);
	}
	if (error == ENOENT) {
		ksnprintf(name, namelen, "default");
		memcpy(val, "dhcp", 5);
		return true;
	}
	if (error != 0) {
		klog(LOG_ERR, "%s: %s: %s; interface left unconfigured",
		    ifp->if_xname, name, error == ERANGE ? "value too long" :
		    "cannot read the option");
		return false;
	}
	/* net=a.b.c.d/len is for the first interface only. */
	if (first || name[3] != '\0' || str_eq(val, "dhcp") ||
	    str_eq(val, "none"))
		return true;
	klog(LOG_INFO, "%s: not configured (a static net= is for the first "
	    "interface; use net.%s=)", ifp->if_xname, ifp->if_xname);
	return false;
}

/* Configure ifp by its option; net_lock held. first: no other
 * Ethernet interface comes before it. 1 if it got configured. */
static int
configure(struct ifnet *ifp, bool first)
{
	char name[8 + IFNAMSIZ], val[NC_VALMAX], err[NC_ERRMAX];
	struct netconfig nc;

	if (!option_for(ifp, first, name, sizeof(name), val))
		return 0;
	if (netconfig_parse(val, &nc, err, sizeof(err)) != 0) {
		klog(LOG_ERR, "%s: %s=%s: %s; interface left unconfigured",
		    ifp->if_xname, name, val, err);
		return 0;
	}
	return apply_one(ifp, &nc);
}

int
netconfig_apply(void)
{
	struct ifnet *ifp;
	bool first = true;
	int n = 0;

	mutex_enter(&net_lock);
	for (ifp = if_first(); ifp != NULL; ifp = ifp->if_next) {
		if (!is_ether(ifp))
			continue;
		n += configure(ifp, first);
		first = false;
	}
	nc_booted = true;
	mutex_exit(&net_lock);
	return n;
}

/*
 * Interfaces that attach after boot (a USB adapter plugged in) are
 * configured like those present at boot, by their option; not from
 * inside if_attach (the driver is still attaching) but from a callout
 * a moment later, looked up again by index in case it went meanwhile.
 */
#define NC_HOTPLUG_MAX 8
static unsigned nc_hotplug[NC_HOTPLUG_MAX];	/* if_index; net_lock */
static unsigned nc_nhotplug;
static callout_t nc_hotplug_co;

static void
netconfig_hotplug_run(void *arg)
{
	struct ifnet *ifp, *o;
	bool first;

	(void)arg;
	mutex_enter(&net_lock);
	while (nc_nhotplug > 0) {
		ifp = if_byindex(nc_hotplug[--nc_nhotplug]);
		if (ifp == NULL || !is_ether(ifp))
			continue;
		first = true;
		for (o = if_first(); o != NULL && o != ifp; o = o->if_next)
			if (is_ether(o))
				first = false;
		klog(LOG_INFO, "%s: attached after boot", ifp->if_xname);
		(void)configure(ifp, first);
	}
	mutex_exit(&net_lock);
}

static void
netconfig_ifattach(struct ifnet *ifp)
{
	if (!nc_booted || !netconfig_hotplug)
		return;
	if (nc_nhotplug == NC_HOTPLUG_MAX) {
		klog(LOG_ERR, "%s: too many interfaces attaching at once; "
		    "not configured", ifp->if_xname);
		return;
	}
	nc_hotplug[nc_nhotplug++] = ifp->if_index;
	callout_reset_ns(&nc_hotplug_co, 100 * 1000 * 1000ull,
	    netconfig_hotplug_run, NULL);
}

/* Static configuration and DNS servers of an interface that goes. */
static void
netconfig_ifdetach(struct ifnet *ifp)
{
	netconfig_dns_set(ifp, NULL, 0);
}

static int
netconfig_init(void)
{
	mutex_init(&nc_dns_lock, MUTEX_SPIN);
	cv_init(&nc_cv, "netcfg");
	(void)net_init();
	callout_init(&nc_hotplug_co);
	if_detach_hook(netconfig_ifdetach);
	if_attach_hook(netconfig_ifattach);
	return 0;
}

static int
netconfig_late(void)
{
	(void)netconfig_apply();
	return 0;
}

RUMP_SUBSYS_EARLY("netconfig", netconfig_init);
RUMP_SUBSYS_LATE("netconfig", netconfig_late);
