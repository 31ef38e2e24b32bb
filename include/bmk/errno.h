/*
 * Error numbers returned by hypercall-bm (0 means success). The values
 * are newlib's (sys/errno.h), so an errno value travels unchanged from
 * here through the rump kernel to the application's libc. Check them
 * against newlib when adding one: newlib differs from Linux for several
 * (ETIMEDOUT is 116 in newlib, 110 in Linux).
 */
#ifndef BMK_ERRNO_H
#define BMK_ERRNO_H

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EIO 5
#define E2BIG 7
#define EBADF 9
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define ENODEV 19
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#define EDEADLK 45
#define ENOSYS 88
#define EOPNOTSUPP 95
#define ETIMEDOUT 116

#endif
