/*
 * newlib calls its system calls by their plain names on some targets
 * (x86_64-elf) and by underscore names on others (aarch64-elf). Each is
 * defined once (syscalls.c, time.c) and reached by its other name
 * through these wrappers, so the glue is the same on every arch.
 */
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <unistd.h>

/* Underscore names newlib's headers do not declare. */
int _open(const char *path, int flags, ...);
int _fcntl(int fd, int cmd, ...);
int _fstat(int fd, struct stat *st);
int _stat(const char *path, struct stat *st);
int _mkdir(const char *path, mode_t mode);
int _kill(pid_t pid, int sig);
int _wait(int *status);
clock_t _times(struct tms *t);
int _gettimeofday(struct timeval *tv, void *tz);

ssize_t _write(int fd, const void *buf, size_t len) { return write(fd, buf, len); }
ssize_t _read(int fd, void *buf, size_t len) { return read(fd, buf, len); }
int _close(int fd) { return close(fd); }
int _fstat(int fd, struct stat *st) { return fstat(fd, st); }
int _stat(const char *path, struct stat *st) { return stat(path, st); }
int _isatty(int fd) { return isatty(fd); }
off_t _lseek(int fd, off_t off, int whence) { return lseek(fd, off, whence); }
int _link(const char *old, const char *new) { return link(old, new); }
int _unlink(const char *path) { return unlink(path); }
int _mkdir(const char *path, mode_t mode) { return mkdir(path, mode); }
pid_t _getpid(void) { return getpid(); }
int _kill(pid_t pid, int sig) { return kill(pid, sig); }
pid_t _fork(void) { return fork(); }
int _wait(int *status) { return wait(status); }
void *_sbrk(ptrdiff_t incr) { return sbrk(incr); }
clock_t _times(struct tms *t) { return times(t); }
int _gettimeofday(struct timeval *tv, void *tz) { return gettimeofday(tv, tz); }

int
_execve(const char *path, char *const argv[], char *const envp[])
{
	return execve(path, argv, envp);
}

/* Variadic calls: read the optional argument only when there is one. */
int
_open(const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	va_start(ap, flags);
	mode = (flags & O_CREAT) ? va_arg(ap, int) : 0;
	va_end(ap);
	return open(path, flags, mode);
}

int
_fcntl(int fd, int cmd, ...)
{
	va_list ap;
	int arg = 0;

	va_start(ap, cmd);
	if (cmd == F_DUPFD || cmd == F_SETFD || cmd == F_SETFL)
		arg = va_arg(ap, int);
	va_end(ap);
	return fcntl(fd, cmd, arg);
}
