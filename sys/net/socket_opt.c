/*
 * Socket options: level SOL_SOCKET here, other levels passed to the
 * protocol (include/net/socket.h). Values are the application's: int
 * flags and sizes, struct timeval (two 64-bit fields on both arches and
 * on the host) for the timeouts, struct linger.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <net/netif.h>
#include <net/socket.h>

#include "socket_impl.h"

#define SB_MIN 512

struct so_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};

static int
opt_int(const void *val, unsigned len, int *v)
{
	if (val == NULL || len < sizeof(int))
		return EINVAL;
	memcpy(v, val, sizeof(int));
	return 0;
}

static int
opt_timeo(const void *val, unsigned len, uint64_t *ns)
{
	struct so_timeval tv;

	if (val == NULL || len < sizeof(tv))
		return EINVAL;
	memcpy(&tv, val, sizeof(tv));
	if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return EDOM;
	*ns = (uint64_t)tv.tv_sec * 1000000000u + (uint64_t)tv.tv_usec * 1000u;
	return 0;
}

static int
opt_bufsize(const void *val, unsigned len, unsigned *hiwat)
{
	int v, rv;

	if ((rv = opt_int(val, len, &v)) != 0)
		return rv;
	if (v <= 0)
		return EINVAL;
	*hiwat = v < SB_MIN ? SB_MIN : v > SB_MAX ? SB_MAX : (unsigned)v;
	return 0;
}

static int
opt_linger(struct socket *so, const void *val, unsigned len)
{
	struct so_linger l;

	if (val == NULL || len < sizeof(l))
		return EINVAL;
	memcpy(&l, val, sizeof(l));
	if (l.l_onoff != 0 && l.l_linger < 0)
		return EINVAL;
	so->so_linger = l.l_onoff != 0 ? l.l_linger : -1;
	return 0;
}

static int
so_setopt_sol(struct socket *so, int name, const void *val, unsigned len)
{
	int v, rv;

	switch (name) {
	case SO_REUSEADDR_K:
	case SO_REUSEPORT_K:
	case SO_KEEPALIVE_K:
	case SO_BROADCAST_K:
	case SO_DEBUG_K:
		if ((rv = opt_int(val, len, &v)) != 0)
			return rv;
		if (v != 0)
			so->so_options |= (unsigned)name;
		else
			so->so_options &= ~(unsigned)name;
		return 0;
	case SO_LINGER_K:
		return opt_linger(so, val, len);
	case SO_SNDBUF_K:
		return opt_bufsize(val, len, &so->so_snd.sb_hiwat);
	case SO_RCVBUF_K:
		return opt_bufsize(val, len, &so->so_rcv.sb_hiwat);
	case SO_SNDTIMEO_K:
		return opt_timeo(val, len, &so->so_snd.sb_timeo_ns);
	case SO_RCVTIMEO_K:
		return opt_timeo(val, len, &so->so_rcv.sb_timeo_ns);
	default:
		return ENOPROTOOPT;
	}
}

int
so_setsockopt(struct socket *so, int level, int name, const void *val,
    unsigned len)
{
	int rv;

	so_call_begin(so);
	if (level == SOL_SOCKET_K) {
		rv = so_setopt_sol(so, name, val, len);
		/* the protocol may want to see it too (keepalive, buffers) */
		if (rv == 0 && so->so_proto->sp_setopt != NULL)
			(void)so->so_proto->sp_setopt(so, level, name, val,
			    len);
	} else if (so->so_proto->sp_setopt != NULL) {
		rv = so->so_proto->sp_setopt(so, level, name, val, len);
	} else {
		rv = ENOPROTOOPT;
	}
	so_call_end(so);
	return rv;
}

static int
put_int(void *val, unsigned *len, int v)
{
	if (val == NULL || len == NULL || *len < sizeof(int))
		return EINVAL;
	memcpy(val, &v, sizeof(int));
	*len = sizeof(int);
	return 0;
}

static int
put_timeo(void *val, unsigned *len, uint64_t ns)
{
	struct so_timeval tv = {
		.tv_sec = (int64_t)(ns / 1000000000u),
		.tv_usec = (int64_t)(ns % 1000000000u / 1000u),
	};

	if (val == NULL || len == NULL || *len < sizeof(tv))
		return EINVAL;
	memcpy(val, &tv, sizeof(tv));
	*len = sizeof(tv);
	return 0;
}

static int
put_linger(struct socket *so, void *val, unsigned *len)
{
	struct so_linger l = {
		.l_onoff = so->so_linger >= 0,
		.l_linger = so->so_linger >= 0 ? so->so_linger : 0,
	};

	if (val == NULL || len == NULL || *len < sizeof(l))
		return EINVAL;
	memcpy(val, &l, sizeof(l));
	*len = sizeof(l);
	return 0;
}

static int
so_getopt_sol(struct socket *so, int name, void *val, unsigned *len)
{
	int e;

	switch (name) {
	case SO_REUSEADDR_K:
	case SO_REUSEPORT_K:
	case SO_KEEPALIVE_K:
	case SO_BROADCAST_K:
	case SO_DEBUG_K:
		return put_int(val, len, (so->so_options & (unsigned)name) != 0);
	case SO_ACCEPTCONN_K:
		return put_int(val, len,
		    (so->so_options & SO_ACCEPTCONN_K) != 0);
	case SO_LINGER_K:
		return put_linger(so, val, len);
	case SO_SNDBUF_K:
		return put_int(val, len, (int)so->so_snd.sb_hiwat);
	case SO_RCVBUF_K:
		return put_int(val, len, (int)so->so_rcv.sb_hiwat);
	case SO_SNDTIMEO_K:
		return put_timeo(val, len, so->so_snd.sb_timeo_ns);
	case SO_RCVTIMEO_K:
		return put_timeo(val, len, so->so_rcv.sb_timeo_ns);
	case SO_TYPE_K:
		return put_int(val, len, so->so_type);
	case SO_ERROR_K:
		e = so->so_error;
		so->so_error = 0;
		return put_int(val, len, e);
	default:
		return ENOPROTOOPT;
	}
}

int
so_getsockopt(struct socket *so, int level, int name, void *val,
    unsigned *len)
{
	int rv;

	so_call_begin(so);
	if (level == SOL_SOCKET_K)
		rv = so_getopt_sol(so, name, val, len);
	else if (so->so_proto->sp_getopt != NULL)
		rv = so->so_proto->sp_getopt(so, level, name, val, len);
	else
		rv = ENOPROTOOPT;
	so_call_end(so);
	return rv;
}

