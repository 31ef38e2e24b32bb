/*
 * /dev/<disk> for the application (devdisk.h): open, read, write,
 * pread, pwrite, lseek, fstat, stat, fcntl and close on the disks of
 * the kernel's disk layer. Offsets and lengths are multiples of the
 * block size (EINVAL otherwise); a read at the end returns 0, a write
 * there fails with ENOSPC, and a transfer that runs over the end is cut
 * short at it, as on other systems' block devices.
 *
 * An open descriptor remembers the disk's name and dk_serial, not a
 * reference: each call looks the disk up and holds a reference only
 * for its duration (disk_detach waits for references). A disk that is
 * gone, or was replaced by another of the same name, fails every call
 * but close with ENODEV, so an open file never holds up an unplug.
 *
 * The application is one thread of control; each call takes a rump
 * kernel CPU around its kernel part, like the socket calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <kern/disk.h>
#include <kern/rump.h>

#include "devdisk.h"
#include "fd.h"

#define DEVDISK_PREFIX "/dev/"
#define DEVDISK_PREFIX_LEN 5
#define DEVDISK_SSIZE_MAX (SIZE_MAX >> 1)

struct devdisk {
	char dd_name[16];
	uint64_t dd_serial;	/* the disk_attach this descriptor is for */
	uint32_t dd_blksize;
	uint64_t dd_nblks;
	bool dd_readonly;
	off_t dd_off;
	int dd_accmode;		/* O_RDONLY, O_WRONLY, O_RDWR */
};

static int
dd_fail(int error)
{
	errno = error;
	return -1;
}

bool
devdisk_path(const char *path)
{
	return path != NULL &&
	    strncmp(path, DEVDISK_PREFIX, DEVDISK_PREFIX_LEN) == 0;
}

/* Fill dd from the disk named by path; 0 or an errno value. */
static int
dd_lookup_path(const char *path, struct devdisk *dd)
{
	const char *name = path + DEVDISK_PREFIX_LEN;
	size_t len = strlen(name);
	struct disk *dk;

	if (len == 0 || len >= sizeof(dd->dd_name) || strchr(name, '/'))
		return ENOENT;
	rump_schedule();
	if ((dk = disk_lookup(name)) != NULL) {
		memcpy(dd->dd_name, name, len + 1);
		dd->dd_serial = dk->dk_serial;
		dd->dd_blksize = dk->dk_blksize;
		dd->dd_nblks = dk->dk_nblks;
		dd->dd_readonly = dk->dk_readonly;
		disk_release(dk);
	}
	rump_unschedule();
	return dk == NULL ? ENOENT : 0;
}

/* A reference to dd's disk, or NULL if it is gone; CPU held. */
static struct disk *
dd_get(const struct devdisk *dd)
{
	struct disk *dk = disk_lookup(dd->dd_name);

	if (dk != NULL && dk->dk_serial != dd->dd_serial) {
		disk_release(dk);
		dk = NULL;
	}
	return dk;
}

/* Is dd's disk still there? */
static bool
dd_present(const struct devdisk *dd)
{
	struct disk *dk;

	rump_schedule();
	if ((dk = dd_get(dd)) != NULL)
		disk_release(dk);
	rump_unschedule();
	return dk != NULL;
}

int
devdisk_open(const char *path, int flags)
{
	int acc = flags & O_ACCMODE, fd, rv;
	struct devdisk *dd;

	if (acc != O_RDONLY && acc != O_WRONLY && acc != O_RDWR)
		return dd_fail(EINVAL);
	if ((dd = calloc(1, sizeof(*dd))) == NULL)
		return dd_fail(ENOMEM);
	dd->dd_accmode = acc;
	if ((rv = dd_lookup_path(path, dd)) == 0) {
		if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
			rv = EEXIST;
		else if (dd->dd_readonly && acc != O_RDONLY)
			rv = EROFS;
	}
	if (rv != 0) {
		free(dd);
		return dd_fail(rv);
	}
	if ((fd = fd_alloc_disk(dd)) < 0)
		free(dd);
	return fd;
}

/* Move len bytes at off; the bytes moved, or -1 with errno. */
static ssize_t
dd_io(struct devdisk *dd, bool write, void *buf, size_t len, off_t off)
{
	uint64_t bs = dd->dd_blksize, blk, nblks;
	struct disk *dk;
	int rv;

	if (off < 0 || len > DEVDISK_SSIZE_MAX || (uint64_t)off % bs != 0 ||
	    len % bs != 0)
		return dd_fail(EINVAL);
	blk = (uint64_t)off / bs;
	nblks = len / bs;
	if (blk >= dd->dd_nblks) {
		if (write && nblks > 0 && dd_present(dd))
			return dd_fail(ENOSPC);
		blk = dd->dd_nblks;
		nblks = 0;
	} else if (nblks > dd->dd_nblks - blk) {
		nblks = dd->dd_nblks - blk;
	}
	rump_schedule();
	if ((dk = dd_get(dd)) == NULL) {
		rv = ENODEV;
	} else {
		rv = write ? disk_write(dk, blk, buf, (size_t)nblks) :
		    disk_read(dk, blk, buf, (size_t)nblks);
		disk_release(dk);
	}
	rump_unschedule();
	if (rv != 0)
		return dd_fail(rv);
	return (ssize_t)(nblks * bs);
}

/* The disk behind fd if it was opened for this direction. */
static struct devdisk *
dd_for(int fd, bool write)
{
	struct devdisk *dd = fd_disk(fd);

	if (dd == NULL || dd->dd_accmode == (write ? O_RDONLY : O_WRONLY)) {
		errno = EBADF;
		return NULL;
	}
	return dd;
}

ssize_t
devdisk_read(int fd, void *buf, size_t len)
{
	struct devdisk *dd = dd_for(fd, false);
	ssize_t n;

	if (dd == NULL)
		return -1;
	if ((n = dd_io(dd, false, buf, len, dd->dd_off)) > 0)
		dd->dd_off += n;
	return n;
}

ssize_t
devdisk_write(int fd, const void *buf, size_t len)
{
	struct devdisk *dd = dd_for(fd, true);
	ssize_t n;

	if (dd == NULL)
		return -1;
	/* disk_write only reads the buffer. */
	n = dd_io(dd, true, (void *)(uintptr_t)buf, len, dd->dd_off);
	if (n > 0)
		dd->dd_off += n;
	return n;
}

/* Not a disk: console and sockets cannot seek, anything else is bad. */
static int
dd_noseek(int fd)
{
	return dd_fail(fd_is_console(fd) || fd_socket(fd) != NULL ? ESPIPE :
	    EBADF);
}

ssize_t
pread(int fd, void *buf, size_t len, off_t off)
{
	struct devdisk *dd;

	if (fd_disk(fd) == NULL)
		return dd_noseek(fd);
	if ((dd = dd_for(fd, false)) == NULL)
		return -1;
	return dd_io(dd, false, buf, len, off);
}

ssize_t
pwrite(int fd, const void *buf, size_t len, off_t off)
{
	struct devdisk *dd;

	if (fd_disk(fd) == NULL)
		return dd_noseek(fd);
	if ((dd = dd_for(fd, true)) == NULL)
		return -1;
	return dd_io(dd, true, (void *)(uintptr_t)buf, len, off);
}

off_t
devdisk_lseek(int fd, off_t off, int whence)
{
	struct devdisk *dd = fd_disk(fd);
	int64_t base, size = (int64_t)(dd->dd_nblks * dd->dd_blksize);

	if (!dd_present(dd))
		return dd_fail(ENODEV);
	if (whence == SEEK_SET)
		base = 0;
	else if (whence == SEEK_CUR)
		base = dd->dd_off;
	else if (whence == SEEK_END)
		base = size;
	else
		return dd_fail(EINVAL);
	if ((off < 0 && base + off < 0) ||
	    (off > 0 && base > INT64_MAX - off))
		return dd_fail(EINVAL);
	dd->dd_off = base + off;
	return dd->dd_off;
}

static void
dd_fill_stat(const struct devdisk *dd, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFBLK | (dd->dd_readonly ? 0440 : 0660);
	st->st_nlink = 1;
	st->st_size = (off_t)(dd->dd_nblks * dd->dd_blksize);
	st->st_blksize = (blksize_t)dd->dd_blksize;
	st->st_blocks = (blkcnt_t)(dd->dd_nblks * (dd->dd_blksize / 512));
}

int
devdisk_fstat(int fd, struct stat *st)
{
	struct devdisk *dd = fd_disk(fd);

	if (!dd_present(dd))
		return dd_fail(ENODEV);
	dd_fill_stat(dd, st);
	return 0;
}

int
devdisk_stat(const char *path, struct stat *st)
{
	struct devdisk dd;
	int rv;

	memset(&dd, 0, sizeof(dd));
	if ((rv = dd_lookup_path(path, &dd)) != 0)
		return dd_fail(rv);
	dd_fill_stat(&dd, st);
	return 0;
}

int
devdisk_fcntl(int fd, int cmd, int arg)
{
	struct devdisk *dd = fd_disk(fd);

	(void)arg;
	if (cmd == F_GETFL)
		return dd->dd_accmode;
	if (cmd == F_SETFL || cmd == F_GETFD || cmd == F_SETFD)
		return 0;
	return dd_fail(EINVAL);
}

int
devdisk_close(int fd)
{
	struct devdisk *dd = fd_disk(fd);

	fd_release(fd);
	free(dd);
	return 0;
}
