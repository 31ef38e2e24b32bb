/*
 * newlib's system calls. Descriptors 0, 1 and 2 are the console, the
 * others sockets (fd.h, socket.c) or disks under /dev (devdisk.c); there
 * is no file system yet, so opening other files fails with ENOENT, and the
 * process calls that make no sense in a single-program image fail with
 * ENOSYS rather than pretending.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <sys/socket.h>

#include <bmk/cons.h>

#include "devdisk.h"
#include "fd.h"

/*
 * The socket calls live in the network part of the glue, which is linked
 * only into applications that use the network (Makefile, NET=). A
 * descriptor can only be a socket if socket() was linked, so these weak
 * references are only ever called when they resolved.
 */
#pragma weak send
#pragma weak recv
#pragma weak sock_close
#pragma weak sock_fcntl

static int
is_console(int fd)
{
	return fd_is_console(fd);
}

/* A socket descriptor (true), or false with errno EBADF for others. */
static bool
is_socket(int fd)
{
	if (is_console(fd) || fd_socket(fd) == NULL) {
		errno = EBADF;
		return false;
	}
	return true;
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	if (fd_disk(fd) != NULL)
		return devdisk_write(fd, buf, len);
	if (!is_console(fd) && is_socket(fd))
		return send(fd, buf, len, 0);
	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	cons_write(buf, len);
	return (ssize_t)len;
}

/*
 * Console input as a terminal's line discipline gives it by default
 * (ICRNL): Enter arrives as a carriage return from a serial terminal and
 * from a USB keyboard alike, and reaches the application as a newline,
 * so that fgets and friends see the end of the line.
 */
static ssize_t
console_read(char *buf, size_t len)
{
	size_t n = cons_read(buf, len);

	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\r')
			buf[i] = '\n';
	return (ssize_t)n;
}

ssize_t
read(int fd, void *buf, size_t len)
{
	if (fd_disk(fd) != NULL)
		return devdisk_read(fd, buf, len);
	if (!is_console(fd) && is_socket(fd))
		return recv(fd, buf, len, 0);
	if (fd != 0) {
		errno = EBADF;
		return -1;
	}
	if (len == 0)
		return 0;
	return console_read(buf, len);
}

int
open(const char *path, int flags, ...)
{
	if (devdisk_path != NULL && devdisk_path(path))
		return devdisk_open(path, flags);
	errno = ENOENT;
	return -1;
}

int
close(int fd)
{
	if (is_console(fd))
		return 0;
	if (fd_disk(fd) != NULL)
		return devdisk_close(fd);
	if (is_socket(fd))
		return sock_close(fd, fd_socket(fd));
	return -1;
}

int
fstat(int fd, struct stat *st)
{
	if (fd_disk(fd) != NULL)
		return devdisk_fstat(fd, st);
	if (!is_console(fd) && is_socket(fd)) {
		*st = (struct stat){ .st_mode = S_IFSOCK | 0666,
		    .st_blksize = 1024 };
		return 0;
	}
	if (!is_console(fd)) {
		errno = EBADF;
		return -1;
	}
	*st = (struct stat){ .st_mode = S_IFCHR | 0620, .st_blksize = 1024 };
	return 0;
}

int
stat(const char *path, struct stat *st)
{
	if (devdisk_path != NULL && devdisk_path(path))
		return devdisk_stat(path, st);
	errno = ENOENT;
	return -1;
}

int
isatty(int fd)
{
	if (is_console(fd))
		return 1;
	if (fd_disk(fd) != NULL || is_socket(fd))
		errno = ENOTTY;
	return 0;
}

off_t
lseek(int fd, off_t off, int whence)
{
	if (fd_disk(fd) != NULL)
		return devdisk_lseek(fd, off, whence);
	errno = is_console(fd) || is_socket(fd) ? ESPIPE : EBADF;
	return -1;
}

int
fcntl(int fd, int cmd, ...)
{
	if (fd_disk(fd) != NULL)
		return devdisk_fcntl(fd, cmd, 0);
	if (!is_console(fd) && is_socket(fd)) {
		va_list ap;
		int arg;

		va_start(ap, cmd);
		arg = cmd == F_SETFL || cmd == F_SETFD ? va_arg(ap, int) : 0;
		va_end(ap);
		return sock_fcntl(fd, fd_socket(fd), cmd, arg);
	}
	if (!is_console(fd)) {
		errno = EBADF;
		return -1;
	}
	if (cmd == F_GETFL)
		return fd == 0 ? O_RDONLY : O_WRONLY;
	if (cmd == F_GETFD || cmd == F_SETFD)
		return 0;
	errno = EINVAL;
	return -1;
}

int
link(const char *old, const char *new)
{
	(void)old;
	(void)new;
	errno = ENOSYS;
	return -1;
}

int
unlink(const char *path)
{
	(void)path;
	errno = ENOENT;
	return -1;
}

int
mkdir(const char *path, mode_t mode)
{
	(void)path;
	(void)mode;
	errno = ENOSYS;
	return -1;
}

pid_t
getpid(void)
{
	return 1;
}

int
kill(pid_t pid, int sig)
{
	if (pid != 1 && pid != 0) {
		errno = ESRCH;
		return -1;
	}
	if (sig == 0)
		return 0;
	/* No signal handling: a signal to ourselves ends the program. */
	_exit(128 + sig);
}

int
sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	(void)how;
	(void)set;
	if (old != NULL)
		*old = 0;
	return 0;
}

pid_t
fork(void)
{
	errno = ENOSYS;
	return -1;
}

int
execve(const char *path, char *const argv[], char *const envp[])
{
	(void)path;
	(void)argv;
	(void)envp;
	errno = ENOSYS;
	return -1;
}

pid_t
wait(int *status)
{
	(void)status;
	errno = ECHILD;
	return -1;
}

void *
sbrk(ptrdiff_t incr)
{
	/* The heap is memalloc (sys/libc/malloc.c); nothing may grow a break. */
	(void)incr;
	errno = ENOMEM;
	return (void *)-1;
}

int
getentropy(void *buf, size_t len)
{
	/* No entropy source yet: refuse rather than hand out predictable bytes. */
	(void)buf;
	(void)len;
	errno = ENOSYS;
	return -1;
}
