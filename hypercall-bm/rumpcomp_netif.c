/*
 * Host network interface hypercalls on bare metal
 * (rump/rumpcomp_netif.h): there is no host underneath, so no interface
 * can be opened (ENODEV). No handle ever exists; the other calls are
 * there for the link and refuse politely should one be passed anyway.
 */
#include <stddef.h>

#include <rump/rumpcomp_netif.h>

#include <bmk/errno.h>

int
rumpcomp_netif_open(const char *name, void **handlep, unsigned *mtup)
{
	(void)name;
	(void)handlep;
	(void)mtup;
	return ENODEV;
}

int
rumpcomp_netif_send(void *handle, const struct rumpuser_iovec *iov,
    size_t iovcnt)
{
	(void)handle;
	(void)iov;
	(void)iovcnt;
	return ENODEV;
}

int
rumpcomp_netif_recv(void *handle, void *buf, size_t buflen, size_t *lenp)
{
	(void)handle;
	(void)buf;
	(void)buflen;
	*lenp = 0;
	return ENODEV;
}

void
rumpcomp_netif_shutdown(void *handle)
{
	(void)handle;
}

void
rumpcomp_netif_close(void *handle)
{
	(void)handle;
}
