/*
 * Boot-time interface configuration (sys/netinet/netconfig.c):
 * netconfig_parse on good and bad values; netconfig_apply reading the
 * options from the environment (hypercall-posix answers getparam with
 * getenv, and RUMP_NET / RUMP_NET_<IF> for net / net.<if>): static,
 * malformed, none, the DHCP default; netconfig_wait timing out and being
 * woken by an address.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kern/callout.h>
#include <kern/kthread.h>
#include <kern/mutex.h>
#include <net/netif.h>
#include <netinet/dhcp.h>
#include <netinet/inet.h>

#include "fakeif.h"
#include "nt.h"

#define A(a, b, c, d) INET_ADDR(a, b, c, d)

NT_CASE(netconfig_parse_good)
{
	struct netconfig nc;
	char err[96];

	NT_CHECK(netconfig_parse("dhcp", &nc, err, sizeof(err)) == 0 &&
	    nc.nc_dhcp && !nc.nc_none);
	NT_CHECK(netconfig_parse("none", &nc, err, sizeof(err)) == 0 &&
	    nc.nc_none && !nc.nc_dhcp);
	NT_CHECK(netconfig_parse("10.0.2.15/24", &nc, err, sizeof(err)) == 0);
	NT_CHECK(nc.nc_addr == A(10, 0, 2, 15) &&
	    nc.nc_mask == A(255, 255, 255, 0) && nc.nc_gw == 0 &&
	    nc.nc_ndns == 0 && !nc.nc_dhcp && !nc.nc_none);
	NT_CHECK(netconfig_parse("192.168.1.5/24,gw=192.168.1.1,dns=192.168.1.1",
	    &nc, err, sizeof(err)) == 0);
	NT_CHECK(nc.nc_gw == A(192, 168, 1, 1) && nc.nc_ndns == 1 &&
	    nc.nc_dns[0] == A(192, 168, 1, 1));
	NT_CHECK(netconfig_parse("10.1.2.3/8,dns=1.1.1.1,gw=10.255.255.254,"
	    "dns=8.8.8.8,dns=9.9.9.9", &nc, err, sizeof(err)) == 0);
	NT_CHECK(nc.nc_mask == A(255, 0, 0, 0) &&
	    nc.nc_gw == A(10, 255, 255, 254) && nc.nc_ndns == 3 &&
	    nc.nc_dns[2] == A(9, 9, 9, 9));
	NT_CHECK(netconfig_parse("172.16.0.1/32", &nc, err, sizeof(err)) == 0 &&
	    nc.nc_mask == 0xffffffffu);
	NT_CHECK(netconfig_parse("10.0.0.0/31", &nc, err, sizeof(err)) == 0);
	NT_CHECK(netconfig_parse("010.000.002.015/024", &nc, err,
	    sizeof(err)) == 0 && nc.nc_addr == A(10, 0, 2, 15));
}

NT_CASE(netconfig_parse_bad)
{
	static const char *const bad[] = {
		"", "dhcpx", "DHCP", "dhcp,gw=10.0.2.2", "nonE", "static",
		"10.0.2.15", "10.0.2.15/", "10.0.2.15/33", "10.0.2.15/0",
		"10.0.2.15/-1", "10.0.2.15/2a", "10.0.2.256/24", "10.0.2/24",
		"10.0.2.15.1/24", "10..2.15/24", ".10.0.2.15/24",
		"0010.0.2.15/24", "10.0.2.15/0024", "10.0.2.15/24,",
		"10.0.2.15/24,gw=", "10.0.2.15/24,gw=10.0.3.1",
		"10.0.2.15/24,gw=10.0.2.15", "10.0.2.15/24,gw=10.0.2.2,gw=10.0.2.3",
		"10.0.2.15/24,foo=1", "10.0.2.15/24,GW=10.0.2.2",
		"10.0.2.15/24,dns=1.1.1.1,dns=2.2.2.2,dns=3.3.3.3,dns=4.4.4.4",
		"10.0.2.15/24,dns=224.0.0.1", "10.0.2.15/24,dns=1.1.1",
		"10.0.2.0/24", "10.0.2.255/24", "127.0.0.1/8", "224.0.0.1/4",
		"0.0.0.0/0", "0.1.2.3/8", "255.255.255.255/32", "240.0.0.1/8",
		" 10.0.2.15/24", "10.0.2.15/24 ", "10.0.2.15 /24",
		"10.0.2.15/24;gw=10.0.2.2", "10.0.2.15/24,gw=10.0.2.2x",
		"10.0.2.15/24,,gw=10.0.2.2", "10.0.2.15/24,gw10.0.2.2",
	};
	struct netconfig nc;
	char err[96];
	unsigned i, n = 0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&nc, 0x5a, sizeof(nc));
		err[0] = '\0';
		if (netconfig_parse(bad[i], &nc, err, sizeof(err)) == EINVAL &&
		    err[0] != '\0' && nc.nc_addr == 0 && !nc.nc_dhcp &&
		    !nc.nc_none)
			n++;
		else
			printf("    accepted or no reason: \"%s\"\n", bad[i]);
	}
	NT_CHECK_EQ(n, sizeof(bad) / sizeof(bad[0]));
	/* A tiny error buffer is enough not to overflow. */
	NT_CHECK(netconfig_parse("x", &nc, err, 4) == EINVAL &&
	    strlen(err) == 3);
	NT_CHECK(netconfig_parse("x", &nc, NULL, 0) == EINVAL);
}

static in_addr_t
addr_of(struct ifnet *ifp, in_addr_t *mask)
{
	in_addr_t a = 0, m = 0;

	mutex_enter(&net_lock);
	if (!in_ifaddr_get(ifp, &a, &m))
		a = 0;
	mutex_exit(&net_lock);
	if (mask != NULL)
		*mask = m;
	return a;
}

NT_CASE(netconfig_apply_static)
{
	struct nt_leak lk;
	struct ifnet *ifp;
	const struct rtentry *rt;
	in_addr_t dns[4], m;

	nt_leak_start(&lk);
	ifp = fakeif_create("ncf0", NULL);
	setenv("net.ncf0", "10.9.0.7/16,gw=10.9.0.1,dns=10.9.0.2", 1);
	NT_CHECK_EQ(netconfig_apply(), 1);
	unsetenv("net.ncf0");
	NT_CHECK(addr_of(ifp, &m) == A(10, 9, 0, 7) &&
	    m == A(255, 255, 0, 0));
	mutex_enter(&net_lock);
	rt = rt_lookup(A(1, 2, 3, 4));
	NT_CHECK(rt != NULL && rt->rt_gw == A(10, 9, 0, 1) &&
	    rt->rt_ifp == ifp);
	NT_CHECK_EQ(dhcp_state(ifp), DHCP_OFF);
	mutex_exit(&net_lock);
	NT_CHECK_EQ(netconfig_dns(dns, 4), 1);
	NT_CHECK(dns[0] == A(10, 9, 0, 2));
	NT_CHECK(nt_dmesg_has("ncf0: 10.9.0.7/16, gateway 10.9.0.1 (static)"));
	NT_CHECK(netconfig_wait(0));
	fakeif_destroy(ifp);
	NT_CHECK_EQ(netconfig_dns(dns, 4), 0);
	NT_CHECK(!netconfig_wait(0));
	nt_leak_check(&lk);
}

NT_CASE(netconfig_apply_bad_none_default)
{
	struct nt_leak lk;
	struct ifnet *a, *b, *c;

	nt_leak_start(&lk);
	a = fakeif_create("ncf1", NULL);
	b = fakeif_create("ncf2", NULL);
	c = fakeif_create("ncf3", NULL);
	fakeif_drop_sent(c);
	setenv("net.ncf1", "10.0.0.1/33", 1);
	setenv("RUMP_NET_NCF2", "none", 1);
	NT_CHECK_EQ(netconfig_apply(), 1);	/* ncf3: DHCP by default */
	unsetenv("net.ncf1");
	unsetenv("RUMP_NET_NCF2");
	NT_CHECK(nt_dmesg_has("ncf1: net.ncf1=10.0.0.1/33: "));
	NT_CHECK(nt_dmesg_has("interface left unconfigured"));
	NT_CHECK(nt_dmesg_has("ncf2: not configured (net=none)"));
	NT_CHECK(nt_dmesg_has("ncf3: configuring by DHCP"));
	NT_CHECK(addr_of(a, NULL) == 0 && addr_of(b, NULL) == 0);
	mutex_enter(&net_lock);
	NT_CHECK_EQ(dhcp_state(a), DHCP_OFF);
	NT_CHECK_EQ(dhcp_state(b), DHCP_OFF);
	NT_CHECK_EQ(dhcp_state(c), DHCP_SELECTING);
	mutex_exit(&net_lock);
	NT_CHECK(fakeif_sent_count(c) >= 1);	/* the DISCOVER */

	/* net= for all; a static net= is for the first interface only. */
	mutex_enter(&net_lock);
	dhcp_stop(c);
	mutex_exit(&net_lock);
	setenv("net", "10.7.0.5/24", 1);
	NT_CHECK_EQ(netconfig_apply(), 1);
	unsetenv("net");
	NT_CHECK(addr_of(a, NULL) == A(10, 7, 0, 5));
	NT_CHECK(addr_of(b, NULL) == 0 && addr_of(c, NULL) == 0);
	NT_CHECK(nt_dmesg_has("ncf2: not configured (a static net= is for"));
	setenv("RUMP_NET", "none", 1);
	NT_CHECK_EQ(netconfig_apply(), 0);
	unsetenv("RUMP_NET");
	fakeif_destroy(a);
	fakeif_destroy(b);
	fakeif_destroy(c);
	nt_leak_check(&lk);
}

static void
configure_later(void *arg)
{
	(void)arg;
	nt_sleep_ms(100);
	setenv("net.ncf4", "10.4.0.2/24", 1);
	netconfig_apply();
	unsetenv("net.ncf4");
}

NT_CASE(netconfig_wait_times_out_and_wakes)
{
	struct nt_leak lk;
	struct ifnet *ifp;
	struct lwp *l;
	uint64_t t0;

	nt_leak_start(&lk);
	t0 = kclock_ns();
	NT_CHECK(!netconfig_wait(150));
	NT_CHECK(kclock_ns() - t0 >= 150000000ull);
	ifp = fakeif_create("ncf4", NULL);
	NT_CHECK_EQ(kthread_create(configure_later, ifp, "nccfg",
	    KTHREAD_MUSTJOIN, &l), 0);
	t0 = kclock_ns();
	NT_CHECK(netconfig_wait(5000));
	NT_CHECK(kclock_ns() - t0 < 4000000000ull);
	kthread_join(l);
	NT_CHECK(addr_of(ifp, NULL) == A(10, 4, 0, 2));
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}
