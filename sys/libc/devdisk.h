/*
 * /dev/<disk>: the disks of the kernel's disk layer (include/kern/disk.h,
 * "sd0" ...) as files of the application (devdisk.c). syscalls.c hands
 * these the calls on paths under /dev/ and on disk descriptors
 * (fd_disk). Each returns as the libc call does: -1 with errno set.
 * Private to sys/libc.
 */
#ifndef SYS_LIBC_DEVDISK_H
#define SYS_LIBC_DEVDISK_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

/*
 * Weak: devdisk.c is linked only into images with the USB stack (the
 * Makefile's USB=auto). Without it devdisk_path is NULL, which open and
 * stat check; the others are reached only through a descriptor that
 * devdisk_open made.
 */
#define DEVDISK_WEAK __attribute__((__weak__))
DEVDISK_WEAK bool devdisk_path(const char *path);	/* under /dev/ */
DEVDISK_WEAK int devdisk_open(const char *path, int flags);
DEVDISK_WEAK int devdisk_stat(const char *path, struct stat *st);
/* The descriptor calls; fd is a disk descriptor (fd_disk != NULL). */
DEVDISK_WEAK ssize_t devdisk_read(int fd, void *buf, size_t len);
DEVDISK_WEAK ssize_t devdisk_write(int fd, const void *buf, size_t len);
DEVDISK_WEAK off_t devdisk_lseek(int fd, off_t off, int whence);
DEVDISK_WEAK int devdisk_fstat(int fd, struct stat *st);
DEVDISK_WEAK int devdisk_fcntl(int fd, int cmd, int arg);
DEVDISK_WEAK int devdisk_close(int fd);

#endif
