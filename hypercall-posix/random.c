/*
 * rumpuser_getrandom over getrandom(2). The kernel's CSPRNG is what
 * RUMPUSER_RANDOM_HARD asks for, so HARD adds nothing; NOWAIT maps to
 * GRND_NONBLOCK and may return fewer bytes (EAGAIN if none). Without
 * NOWAIT the whole request is filled. getrandom only blocks before the
 * host pool is first seeded, so the CPU is not released around it.
 */
#include <errno.h>
#include <sys/random.h>

#include "hp.h"

int
rumpuser_getrandom(void *buf, size_t buflen, int flags, size_t *retp)
{
	unsigned gflags = (flags & RUMPUSER_RANDOM_NOWAIT) ? GRND_NONBLOCK : 0;
	size_t got = 0;
	ssize_t n;

	while (got < buflen) {
		n = getrandom((char *)buf + got, buflen - got, gflags);
		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (got > 0 && (flags & RUMPUSER_RANDOM_NOWAIT))
			break;
		*retp = 0;
		return n < 0 ? errno : EIO;
	}
	*retp = got;
	return 0;
}
