/*
 * errno values used below libc. They are newlib's values (sys/errno.h),
 * so an error returned by the kernel reaches the application unchanged.
 */
#ifndef BMK_ERRNO_H
#define BMK_ERRNO_H

#define ENOENT		2
#define EIO		5
#define E2BIG		7
#define EBADF		9
#define EAGAIN		11
#define ENOMEM		12
#define EFAULT		14
#define EBUSY		16
#define EEXIST		17
#define EINVAL		22
#define ENOSPC		28
#define ERANGE		34
#define EDEADLK		45
#define ENOSYS		88
#define ETIMEDOUT	116

#endif
