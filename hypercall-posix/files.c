/*
 * Files: names are host paths, file descriptors are host descriptors.
 * Calls that may wait for a disk or a device (open, iovread, iovwrite,
 * syncfd) release the rump kernel CPU around the host call. Created files
 * get mode 0644. RUMPUSER_OPEN_BIO is advisory and ignored.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hp.h"

/* rumpuser_iovec is passed to readv/writev as is. */
_Static_assert(sizeof(struct rumpuser_iovec) == sizeof(struct iovec), "iov");
_Static_assert(offsetof(struct rumpuser_iovec, iov_base) ==
    offsetof(struct iovec, iov_base), "iov_base");
_Static_assert(offsetof(struct rumpuser_iovec, iov_len) ==
    offsetof(struct iovec, iov_len), "iov_len");

static int
host_open_flags(int mode, int *flags)
{
	switch (mode & RUMPUSER_OPEN_ACCMODE) {
	case RUMPUSER_OPEN_RDONLY:
		*flags = O_RDONLY;
		break;
	case RUMPUSER_OPEN_WRONLY:
		*flags = O_WRONLY;
		break;
	case RUMPUSER_OPEN_RDWR:
		*flags = O_RDWR;
		break;
	default:
		return EINVAL;
	}
	if (mode & RUMPUSER_OPEN_CREATE)
		*flags |= O_CREAT;
	if (mode & RUMPUSER_OPEN_EXCL)
		*flags |= O_EXCL;
	*flags |= O_CLOEXEC;
	return 0;
}

int
rumpuser_open(const char *name, int mode, int *fdp)
{
	int flags, fd, nlocks, rv;

	if ((rv = host_open_flags(mode, &flags)) != 0)
		return rv;
	hp_cpu_release(&nlocks, NULL);
	fd = open(name, flags, 0644);
	rv = fd == -1 ? errno : 0;
	hp_cpu_take(nlocks, NULL);
	if (rv == 0)
		*fdp = fd;
	return rv;
}

int
rumpuser_close(int fd)
{
	return close(fd) == 0 ? 0 : errno;
}

/* Size of a block device: where its end is. */
static int
blockdev_size(const char *name, uint64_t *size)
{
	off_t end;
	int fd, rv = 0;

	if ((fd = open(name, O_RDONLY | O_CLOEXEC)) == -1)
		return errno;
	if ((end = lseek(fd, 0, SEEK_END)) == -1)
		rv = errno;
	else
		*size = (uint64_t)end;
	close(fd);
	return rv;
}

static int
file_type(mode_t mode)
{
	if (S_ISDIR(mode))
		return RUMPUSER_FT_DIR;
	if (S_ISREG(mode))
		return RUMPUSER_FT_REG;
	if (S_ISBLK(mode))
		return RUMPUSER_FT_BLK;
	if (S_ISCHR(mode))
		return RUMPUSER_FT_CHR;
	return RUMPUSER_FT_OTHER;
}

int
rumpuser_getfileinfo(const char *name, uint64_t *size, int *type)
{
	struct stat st;
	uint64_t sz;
	int rv;

	if (stat(name, &st) == -1)
		return errno;
	sz = (uint64_t)st.st_size;
	if (S_ISBLK(st.st_mode) && (rv = blockdev_size(name, &sz)) != 0)
		return rv;
	if (size != NULL)
		*size = sz;
	if (type != NULL)
		*type = file_type(st.st_mode);
	return 0;
}

static ssize_t
host_iov(int fd, int write, const struct rumpuser_iovec *ruiov,
    size_t iovlen, int64_t off)
{
	const struct iovec *iov = (const struct iovec *)ruiov;
	int cnt = (int)iovlen;

	if (off == RUMPUSER_IOV_NOSEEK)
		return write ? writev(fd, iov, cnt) : readv(fd, iov, cnt);
	return write ? pwritev(fd, iov, cnt, (off_t)off) :
	    preadv(fd, iov, cnt, (off_t)off);
}

static int
do_iov(int fd, int write, const struct rumpuser_iovec *ruiov,
    size_t iovlen, int64_t off, size_t *retv)
{
	ssize_t n;
	int nlocks, rv = 0;

	if (iovlen > IOV_MAX || (off < 0 && off != RUMPUSER_IOV_NOSEEK))
		return EINVAL;
	hp_cpu_release(&nlocks, NULL);
	do {
		n = host_iov(fd, write, ruiov, iovlen, off);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		rv = errno;
	hp_cpu_take(nlocks, NULL);
	if (rv == 0)
		*retv = (size_t)n;
	return rv;
}

int
rumpuser_iovread(int fd, struct rumpuser_iovec *ruiov, size_t iovlen,
    int64_t off, size_t *retv)
{
	return do_iov(fd, 0, ruiov, iovlen, off, retv);
}

int
rumpuser_iovwrite(int fd, const struct rumpuser_iovec *ruiov, size_t iovlen,
    int64_t off, size_t *retv)
{
	return do_iov(fd, 1, ruiov, iovlen, off, retv);
}

/*
 * READ needs nothing on a host with a coherent page cache. WRITE,
 * BARRIER and SYNC all become fsync: it orders and completes everything.
 * Descriptors that cannot be synced (pipes, sockets) succeed trivially.
 */
int
rumpuser_syncfd(int fd, int flags, uint64_t start, uint64_t len)
{
	const int sync = RUMPUSER_SYNCFD_WRITE | RUMPUSER_SYNCFD_BARRIER |
	    RUMPUSER_SYNCFD_SYNC;
	int nlocks, rv = 0;

	(void)start;
	(void)len;
	if ((flags & RUMPUSER_SYNCFD_BOTH) == 0)
		return EINVAL;
	if ((flags & sync) == 0)
		return fcntl(fd, F_GETFD) == -1 ? errno : 0;
	hp_cpu_release(&nlocks, NULL);
	if (fsync(fd) == -1 && errno != EINVAL && errno != EROFS)
		rv = errno;
	hp_cpu_take(nlocks, NULL);
	return rv;
}
