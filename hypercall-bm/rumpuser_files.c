/*
 * Files and block I/O on a machine without host files: there is no file
 * system below the rump kernel on bare metal (disks arrive later as
 * drivers inside it). No name exists, so the calls that take a name
 * answer ENOENT; no descriptor is ever handed out, so the calls that
 * take one answer EBADF. The conformance suite sees ENOENT from open and
 * skips its file cases.
 *
 * rumpuser_bio completes at once, from the caller's context (which is in
 * the rump kernel, as biodone requires), with the error and 0 bytes.
 * Nothing here waits, so the rump kernel CPU is never released.
 */
#include <stddef.h>
#include <stdint.h>

#include <bmk/errno.h>

#include "rumpuser_impl.h"

int
rumpuser_open(const char *name, int mode, int *fdp)
{
	(void)name;
	(void)fdp;
	if ((mode & RUMPUSER_OPEN_ACCMODE) == RUMPUSER_OPEN_ACCMODE)
		return EINVAL;
	return ENOENT;
}

int
rumpuser_close(int fd)
{
	(void)fd;
	return EBADF;
}

int
rumpuser_getfileinfo(const char *name, uint64_t *size, int *type)
{
	(void)name;
	(void)size;
	(void)type;
	return ENOENT;
}

void
rumpuser_bio(int fd, int op, void *data, size_t dlen, int64_t off,
    rump_biodone_fn biodone, void *donearg)
{
	(void)fd;
	(void)op;
	(void)data;
	(void)dlen;
	(void)off;
	biodone(donearg, 0, EBADF);
}

int
rumpuser_iovread(int fd, struct rumpuser_iovec *ruiov, size_t iovlen,
    int64_t off, size_t *retv)
{
	(void)fd;
	(void)ruiov;
	(void)iovlen;
	(void)off;
	(void)retv;
	return EBADF;
}

int
rumpuser_iovwrite(int fd, const struct rumpuser_iovec *ruiov, size_t iovlen,
    int64_t off, size_t *retv)
{
	(void)fd;
	(void)ruiov;
	(void)iovlen;
	(void)off;
	(void)retv;
	return EBADF;
}

/* Flags are checked as on posix (EINVAL without READ or WRITE) first. */
int
rumpuser_syncfd(int fd, int flags, uint64_t start, uint64_t len)
{
	(void)fd;
	(void)start;
	(void)len;
	if ((flags & RUMPUSER_SYNCFD_BOTH) == 0)
		return EINVAL;
	return EBADF;
}
