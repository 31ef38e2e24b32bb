/*
 * Interface configuration (sys/netinet/netconfig.c) and the DHCP client
 * (sys/netinet/dhcp.c, RFC 2131 and 2132).
 *
 * Configuration comes from kernel options on the boot command line,
 * through rumpuser_getparam:
 *	net=dhcp			every Ethernet interface by DHCP (default)
 *	net=none			configure nothing
 *	net=10.0.2.15/24,gw=10.0.2.2	static, on the first interface
 *	net.vioif1=dhcp			one interface by name (wins over net=)
 *	net.wm0=192.168.1.5/24,gw=192.168.1.1,dns=192.168.1.1
 * A malformed value is reported and that interface left unconfigured.
 *
 * The DHCP client runs in callouts: DISCOVER with exponential backoff
 * (4, 8, 16, 32, 64 s, +-1 s randomised), REQUEST, then RENEWING at T1
 * and REBINDING at T2; at expiry the address is removed and it starts
 * over. A link that goes down and up restarts it (INIT-REBOOT).
 */
#ifndef NETINET_DHCP_H
#define NETINET_DHCP_H

#include <stdbool.h>
#include <stdint.h>

#include <netinet/inet.h>

#define DHCP_MAXDNS 3

enum dhcp_state {
	DHCP_OFF,
	DHCP_INIT,
	DHCP_SELECTING,
	DHCP_REQUESTING,
	DHCP_INIT_REBOOT,
	DHCP_REBOOTING,
	DHCP_BOUND,
	DHCP_RENEWING,
	DHCP_REBINDING,
};

struct dhcp_lease {
	in_addr_t dl_addr;
	in_addr_t dl_mask;
	in_addr_t dl_router;		/* 0 if none */
	in_addr_t dl_server;
	in_addr_t dl_dns[DHCP_MAXDNS];
	unsigned dl_ndns;
	uint32_t dl_lease_s;		/* lease time */
	uint32_t dl_t1_s, dl_t2_s;
	uint64_t dl_obtained_ns;	/* kclock_ns() when acked */
};

/* Starts (or restarts) DHCP on ifp; 0 or errno. net_lock held. */
int dhcp_start(struct ifnet *ifp);
void dhcp_stop(struct ifnet *ifp);
enum dhcp_state dhcp_state(struct ifnet *ifp);
const char *dhcp_state_name(enum dhcp_state st);
/* true and *l filled if ifp holds a lease. */
bool dhcp_lease_get(struct ifnet *ifp, struct dhcp_lease *l);

/*
 * Parses a DHCP message (the UDP payload) into *l and the message type;
 * for tests and the client. 0, or EINVAL for malformed options.
 */
struct dhcp_parsed {
	uint8_t dp_type;		/* DHCPOFFER, ... ; 0 if absent */
	uint32_t dp_xid;
	in_addr_t dp_yiaddr;
	in_addr_t dp_server;		/* option 54 */
	struct dhcp_lease dp_lease;
	uint8_t dp_chaddr[6];
};
int dhcp_parse(const uint8_t *msg, unsigned len, struct dhcp_parsed *dp);

/* ---- configuration ------------------------------------------------------ */

/* Applies the boot options to every attached interface. Called after
 * autoconfiguration; returns the number of interfaces configured or
 * being configured. */
int netconfig_apply(void);
/* Interfaces that attach after netconfig_apply (hot plug) are configured
 * the same way a moment later; true by default. Host tests that drive
 * their interfaces by hand turn it off before rump_init. */
extern bool netconfig_hotplug;
/*
 * Parses one value ("dhcp", "none", "a.b.c.d/len[,gw=a.b.c.d][,dns=...]")
 * into *nc; 0 or EINVAL with a reason in err.
 */
struct netconfig {
	bool nc_dhcp;
	bool nc_none;
	in_addr_t nc_addr, nc_mask, nc_gw;
	in_addr_t nc_dns[DHCP_MAXDNS];
	unsigned nc_ndns;
};
int netconfig_parse(const char *val, struct netconfig *nc, char *err,
    unsigned errlen);
/*
 * Waits (sleeping) until some interface has an address, at most
 * timeout_ms; true if one has. Called without net_lock.
 */
bool netconfig_wait(unsigned timeout_ms);
/* DNS servers learnt (DHCP) or configured; returns the count. */
unsigned netconfig_dns(in_addr_t *dns, unsigned max);

#endif
