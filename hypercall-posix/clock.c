/*
 * Clocks: RELWALL is CLOCK_REALTIME, ABSMONO is CLOCK_MONOTONIC. Sleeps
 * release the rump kernel CPU. A RELWALL sleep lasts at least (sec,
 * nsec); an ABSMONO sleep lasts until CLOCK_MONOTONIC reaches (sec, nsec).
 * Signals do not cut a sleep short. Unknown clock ids give EINVAL.
 */
#include <errno.h>
#include <time.h>

#include "hp.h"

static int
host_clock(int enum_rumpclock, clockid_t *id)
{
	switch (enum_rumpclock) {
	case RUMPUSER_CLOCK_RELWALL:
		*id = CLOCK_REALTIME;
		return 0;
	case RUMPUSER_CLOCK_ABSMONO:
		*id = CLOCK_MONOTONIC;
		return 0;
	default:
		return EINVAL;
	}
}

int
rumpuser_clock_gettime(int enum_rumpclock, int64_t *sec, long *nsec)
{
	struct timespec ts;
	clockid_t id;
	int rv;

	if ((rv = host_clock(enum_rumpclock, &id)) != 0)
		return rv;
	if (clock_gettime(id, &ts) != 0)
		return errno;
	*sec = ts.tv_sec;
	*nsec = ts.tv_nsec;
	return 0;
}

static struct timespec
make_ts(int64_t sec, long nsec)
{
	struct timespec ts;

	if (sec < 0 || nsec < 0) {
		sec = 0;
		nsec = 0;
	}
	ts.tv_sec = (time_t)(sec + nsec / 1000000000L);
	ts.tv_nsec = nsec % 1000000000L;
	return ts;
}

/* flags 0: relative to now; TIMER_ABSTIME: until the monotonic time. */
static void
host_sleep(clockid_t id, int flags, struct timespec ts)
{
	struct timespec rem;
	int rv;

	for (;;) {
		rv = clock_nanosleep(id, flags, &ts, &rem);
		if (rv != EINTR)
			return;
		if (flags == 0)
			ts = rem;
	}
}

int
rumpuser_clock_sleep(int enum_rumpclock, int64_t sec, long nsec)
{
	struct timespec ts = make_ts(sec, nsec);
	int nlocks, flags;
	clockid_t id;

	switch (enum_rumpclock) {
	case RUMPUSER_CLOCK_RELWALL:
		id = CLOCK_MONOTONIC;	/* a duration: immune to clock steps */
		flags = 0;
		break;
	case RUMPUSER_CLOCK_ABSMONO:
		id = CLOCK_MONOTONIC;
		flags = TIMER_ABSTIME;
		break;
	default:
		return EINVAL;
	}
	hp_cpu_release(&nlocks, NULL);
	host_sleep(id, flags, ts);
	hp_cpu_take(nlocks, NULL);
	return 0;
}
