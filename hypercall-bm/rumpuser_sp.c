/*
 * The syscall proxy (rump_sp(7)) is not offered on bare metal: there is
 * no transport for remote clients. rumpuser_sp_init fails with ENOSYS,
 * so the others are never reached; they answer ENOSYS as well.
 */
#include <stddef.h>

#include <bmk/errno.h>

#include "rumpuser_impl.h"

int
rumpuser_sp_init(const char *url, const char *ostype, const char *osrelease,
    const char *machine)
{
	(void)url;
	(void)ostype;
	(void)osrelease;
	(void)machine;
	return ENOSYS;
}

int
rumpuser_sp_copyin(void *client, const void *raddr, void *laddr, size_t len)
{
	(void)client;
	(void)raddr;
	(void)laddr;
	(void)len;
	return ENOSYS;
}

int
rumpuser_sp_copyinstr(void *client, const void *raddr, void *laddr,
    size_t *lenp)
{
	(void)client;
	(void)raddr;
	(void)laddr;
	(void)lenp;
	return ENOSYS;
}

int
rumpuser_sp_copyout(void *client, const void *laddr, void *raddr, size_t len)
{
	(void)client;
	(void)laddr;
	(void)raddr;
	(void)len;
	return ENOSYS;
}

int
rumpuser_sp_copyoutstr(void *client, const void *laddr, void *raddr,
    size_t *lenp)
{
	(void)client;
	(void)laddr;
	(void)raddr;
	(void)lenp;
	return ENOSYS;
}

int
rumpuser_sp_anonmmap(void *client, size_t len, void **addrp)
{
	(void)client;
	(void)len;
	(void)addrp;
	return ENOSYS;
}

int
rumpuser_sp_raise(void *client, int sig)
{
	(void)client;
	(void)sig;
	return ENOSYS;
}

void
rumpuser_sp_fini(void *client)
{
	(void)client;
}
