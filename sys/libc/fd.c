/*
 * The descriptor table (fd.h). The application is one thread of
 * control at a time (cooperative scheduling), and the table is only
 * touched from the application's side, so it needs no lock.
 */
#include <errno.h>
#include <stddef.h>

#include "fd.h"

struct fdent {
	struct socket *fe_so;
	struct devdisk *fe_disk;	/* or a disk (devdisk.c) */
	int fe_flags;
};

static struct fdent fd_table[FD_MAX];

bool
fd_is_console(int fd)
{
	return fd >= 0 && fd <= FD_CONSOLE_LAST;
}

struct socket *
fd_socket(int fd)
{
	if (fd < 0 || fd >= FD_MAX) {
		errno = EBADF;
		return NULL;
	}
	if (fd_is_console(fd)) {
		errno = ENOTSOCK;
		return NULL;
	}
	if (fd_table[fd].fe_so == NULL)
		errno = fd_table[fd].fe_disk != NULL ? ENOTSOCK : EBADF;
	return fd_table[fd].fe_so;
}

static int
fd_alloc_entry(struct socket *so, struct devdisk *dd)
{
	for (int fd = FD_CONSOLE_LAST + 1; fd < FD_MAX; fd++) {
		if (fd_table[fd].fe_so == NULL && fd_table[fd].fe_disk == NULL) {
			fd_table[fd].fe_so = so;
			fd_table[fd].fe_disk = dd;
			fd_table[fd].fe_flags = 0;
			return fd;
		}
	}
	errno = EMFILE;
	return -1;
}

int
fd_alloc(struct socket *so)
{
	return fd_alloc_entry(so, NULL);
}

int
fd_alloc_disk(struct devdisk *dd)
{
	return fd_alloc_entry(NULL, dd);
}

struct devdisk *
fd_disk(int fd)
{
	if (fd <= FD_CONSOLE_LAST || fd >= FD_MAX)
		return NULL;
	return fd_table[fd].fe_disk;
}

bool
fd_has_free(void)
{
	for (int fd = FD_CONSOLE_LAST + 1; fd < FD_MAX; fd++) {
		if (fd_table[fd].fe_so == NULL && fd_table[fd].fe_disk == NULL)
			return true;
	}
	return false;
}

void
fd_release(int fd)
{
	fd_table[fd].fe_so = NULL;
	fd_table[fd].fe_disk = NULL;
	fd_table[fd].fe_flags = 0;
}

int
fd_getfl(int fd)
{
	return fd_table[fd].fe_flags;
}

void
fd_setfl(int fd, int fl)
{
	fd_table[fd].fe_flags = fl;
}

int
fd_kcall_result(int error)
{
	if (error == 0)
		return 0;
	errno = error;
	return -1;
}
