/*
 * The application's descriptor table: 0, 1 and 2 are the console; the
 * others are sockets of the rump kernel or disks (/dev/sd0). Private to
 * sys/libc.
 */
#ifndef SYS_LIBC_FD_H
#define SYS_LIBC_FD_H

#include <stdbool.h>

struct socket;

#define FD_MAX 1024	/* sockets and the console; select() sees FD_SETSIZE */
#define FD_CONSOLE_LAST 2

bool fd_is_console(int fd);
/* The socket behind fd, or NULL (errno EBADF or ENOTSOCK set). */
struct socket *fd_socket(int fd);
/* A free descriptor for so; -1 with errno EMFILE. */
int fd_alloc(struct socket *so);
void fd_release(int fd);
/* Whether fd_alloc would succeed now (the table is only touched by the
 * application, one thread of control, so the answer holds until it
 * next allocates). */
bool fd_has_free(void);
/* Disk descriptors (/dev/sd0, devdisk.c): the disk behind fd, or NULL
 * (errno untouched); a free descriptor for dd, -1 with errno EMFILE. */
struct devdisk;
struct devdisk *fd_disk(int fd);
int fd_alloc_disk(struct devdisk *dd);
/* O_NONBLOCK etc. of a socket descriptor. */
int fd_getfl(int fd);
void fd_setfl(int fd, int fl);

/* Socket descriptors in the generic calls (socket.c). */
int sock_close(int fd, struct socket *so);
int sock_fcntl(int fd, struct socket *so, int cmd, int arg);

/* A kernel result as libc returns it: 0, or -1 with errno set. */
int fd_kcall_result(int error);

#endif
