/*
 * Datagram sockets of the Internet family: UDP (SOCK_DGRAM, protocol 0
 * or IPPROTO_UDP) and ICMP echo (SOCK_DGRAM, IPPROTO_ICMP, the "ping
 * socket": the application writes an ICMP echo request, header first;
 * the kernel sets the identifier to the socket's and computes the
 * checksum; echo replies with that identifier come back whole).
 *
 * Each socket owns one inpcb (inet.h); received datagrams go straight
 * into the socket's receive buffer from the protocol's input path.
 */
#include <errno.h>
#include <string.h>

#include <kern/kmem.h>
#include <kern/rump.h>
#include <net/netif.h>
#include <net/socket.h>
#include <netinet/inet.h>

struct dgram_pcb {
	struct inpcb dp_inp;
	struct socket *dp_so;
};

static struct dgram_pcb *
sotodp(struct socket *so)
{
	return so->so_pcb;
}

static bool
dgram_input(struct inpcb *inp, struct mbuf *m, const struct inpcb_from *from)
{
	struct dgram_pcb *dp = inp->inp_arg;
	struct sockaddr_in_k sin = {
		.sin_len = sizeof(sin),
		.sin_family = AF_INET_K,
		.sin_port = inp->inp_proto == IPPROTO_UDP ? from->if_sport : 0,
		.sin_addr = from->if_src,
	};

	return sb_append_dgram(dp->dp_so, m, &sin);
}

static int
dgram_attach(struct socket *so)
{
	struct dgram_pcb *dp = kmem_zalloc(sizeof(*dp), KM_SLEEP);

	if (dp == NULL)
		return ENOBUFS;
	dp->dp_so = so;
	inpcb_init(&dp->dp_inp, (uint8_t)so->so_protocol, dgram_input, dp);
	so->so_pcb = dp;
	return 0;
}

static void
dgram_detach(struct socket *so)
{
	struct dgram_pcb *dp = sotodp(so);

	if (dp == NULL)
		return;
	inpcb_destroy(&dp->dp_inp);
	kmem_free(dp, sizeof(*dp));
	so->so_pcb = NULL;
}

static int
dgram_bind(struct socket *so, const struct sockaddr_in_k *sin)
{
	struct dgram_pcb *dp = sotodp(so);

	if (dp->dp_inp.inp_lport != 0)
		return EINVAL;
	return inpcb_bind(&dp->dp_inp, sin->sin_addr, sin->sin_port);
}

static int
dgram_connect(struct socket *so, const struct sockaddr_in_k *sin)
{
	struct dgram_pcb *dp = sotodp(so);
	int rv;

	if (so->so_protocol == IPPROTO_UDP && sin->sin_port == 0)
		return EADDRNOTAVAIL;
	if ((rv = inpcb_connect(&dp->dp_inp, sin->sin_addr,
	    sin->sin_port)) != 0)
		return rv;
	so->so_state |= SS_ISCONNECTED;
	return 0;
}

static int
dgram_disconnect(struct socket *so)
{
	inpcb_disconnect(&sotodp(so)->dp_inp);
	so->so_state &= ~SS_ISCONNECTED;
	return 0;
}

static int
dgram_shutdown(struct socket *so, int how)
{
	(void)so;
	(void)how;
	return 0;
}

static void
dgram_sync_flags(struct socket *so, struct inpcb *inp)
{
	if ((so->so_options & SO_BROADCAST_K) != 0)
		inp->inp_flags |= INP_BROADCAST;
	else
		inp->inp_flags &= ~INP_BROADCAST;
}

static int
dgram_send(struct socket *so, struct mbuf *m, const struct sockaddr_in_k *to)
{
	struct inpcb *inp = &sotodp(so)->dp_inp;
	in_addr_t dst = 0;
	in_port_t port = 0;

	if (to != NULL) {
		if ((so->so_state & SS_ISCONNECTED) != 0) {
			m_freem(m);
			return EISCONN;
		}
		dst = to->sin_addr;
		port = to->sin_port;
	} else if ((so->so_state & SS_ISCONNECTED) == 0) {
		m_freem(m);
		return EDESTADDRREQ;
	}
	dgram_sync_flags(so, inp);
	if (so->so_protocol == IPPROTO_ICMP) {
		if (dst == 0)
			dst = inp->inp_faddr;
		if (m_length(m) < sizeof(struct icmp_hdr)) {
			m_freem(m);
			return EINVAL;
		}
		return icmp_echo_send(inp, m, dst);
	}
	if (to != NULL && port == 0) {
		m_freem(m);
		return EADDRNOTAVAIL;
	}
	return udp_send(inp, m, dst, port);
}

static int
dgram_sockaddr(struct socket *so, struct sockaddr_in_k *sin)
{
	struct inpcb *inp = &sotodp(so)->dp_inp;

	sin->sin_len = sizeof(*sin);
	sin->sin_family = AF_INET_K;
	sin->sin_port = inp->inp_proto == IPPROTO_UDP ? inp->inp_lport : 0;
	sin->sin_addr = inp->inp_laddr;
	return 0;
}

static int
dgram_peeraddr(struct socket *so, struct sockaddr_in_k *sin)
{
	struct inpcb *inp = &sotodp(so)->dp_inp;

	if ((so->so_state & SS_ISCONNECTED) == 0)
		return ENOTCONN;
	sin->sin_len = sizeof(*sin);
	sin->sin_family = AF_INET_K;
	sin->sin_port = inp->inp_proto == IPPROTO_UDP ? inp->inp_fport : 0;
	sin->sin_addr = inp->inp_faddr;
	return 0;
}

static int
dgram_setopt(struct socket *so, int level, int name, const void *val,
    unsigned len)
{
	struct dgram_pcb *dp = sotodp(so);
	int v;

	if (level == SOL_SOCKET_K)
		return 0;
	if (level != IPPROTO_IP_K)
		return ENOPROTOOPT;
	if (val == NULL || len < sizeof(int))
		return EINVAL;
	memcpy(&v, val, sizeof(v));
	switch (name) {
	case IP_TTL_K:
		if (v < -1 || v > 255)
			return EINVAL;
		dp->dp_inp.inp_ttl = v == -1 ? 0 : (uint8_t)v;
		return 0;
	default:
		return ENOPROTOOPT;
	}
}

static int
dgram_getopt(struct socket *so, int level, int name, void *val,
    unsigned *len)
{
	struct dgram_pcb *dp = sotodp(so);
	int v;

	if (level != IPPROTO_IP_K)
		return ENOPROTOOPT;
	if (val == NULL || len == NULL || *len < sizeof(int))
		return EINVAL;
	if (name == IP_TTL_K)
		v = dp->dp_inp.inp_ttl != 0 ? dp->dp_inp.inp_ttl : IP_DEFTTL;
	else
		return ENOPROTOOPT;
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

#define DGRAM_OPS                                   \
	.sp_family = AF_INET_K, .sp_type = SOCK_DGRAM_K, \
	.sp_attach = dgram_attach, .sp_detach = dgram_detach, \
	.sp_bind = dgram_bind, .sp_connect = dgram_connect, \
	.sp_disconnect = dgram_disconnect, .sp_shutdown = dgram_shutdown, \
	.sp_send = dgram_send, .sp_sockaddr = dgram_sockaddr, \
	.sp_peeraddr = dgram_peeraddr, .sp_setopt = dgram_setopt, \
	.sp_getopt = dgram_getopt

static const struct sockproto udp_sockproto = {
	DGRAM_OPS,
	.sp_protocol = IPPROTO_UDP,
	.sp_default = true,
};

static const struct sockproto icmp_sockproto = {
	DGRAM_OPS,
	.sp_protocol = IPPROTO_ICMP,
};

static int
inet_sockets_init(void)
{
	int rv;

	if ((rv = sock_register(&udp_sockproto)) != 0)
		return rv;
	return sock_register(&icmp_sockproto);
}
RUMP_SUBSYS_EARLY("inet sockets", inet_sockets_init);
