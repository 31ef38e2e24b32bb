/*
 * Clocks. ABSMONO is the platform's monotonic clock (nanoseconds since
 * boot); RELWALL is wall time, monotonic time plus the offset the
 * platform read from its real-time clock at boot. A RELWALL sleep lasts
 * at least (sec, nsec) of monotonic time (a duration, immune to wall
 * clock steps); an ABSMONO sleep lasts until the monotonic clock reaches
 * (sec, nsec). Every sleep releases the rump kernel CPU exactly once,
 * even one that is already due: it then yields, so that a zero sleep
 * lets the other runnable threads go first. Unknown ids give EINVAL.
 */
#include <stdint.h>

#include <bmk/bmk.h>
#include <bmk/errno.h>
#include <bmk/sched.h>

#include "rumpuser_impl.h"

#define NS_PER_SEC 1000000000LL

int
rumpuser_clock_gettime(int enum_rumpclock, int64_t *sec, long *nsec)
{
	int64_t ns;

	switch (enum_rumpclock) {
	case RUMPUSER_CLOCK_RELWALL:
		ns = bmk_clock_wall();
		break;
	case RUMPUSER_CLOCK_ABSMONO:
		ns = (int64_t)bmk_clock_monotonic();
		break;
	default:
		return EINVAL;
	}
	*sec = ns / NS_PER_SEC;
	*nsec = (long)(ns % NS_PER_SEC);
	if (*nsec < 0) {	/* a wall clock before 1970: floor, not trunc */
		*nsec += NS_PER_SEC;
		(*sec)--;
	}
	return 0;
}

/* (sec, nsec) as nanoseconds, clamped to [0, INT64_MAX]. */
static uint64_t
to_ns(int64_t sec, long nsec)
{
	if (sec < 0 || nsec < 0)
		return 0;
	if (sec >= INT64_MAX / NS_PER_SEC - 1)
		return INT64_MAX;
	return (uint64_t)sec * NS_PER_SEC + (uint64_t)nsec;
}

int
rumpuser_clock_sleep(int enum_rumpclock, int64_t sec, long nsec)
{
	uint64_t now = bmk_clock_monotonic(), deadline;
	int nlocks;

	switch (enum_rumpclock) {
	case RUMPUSER_CLOCK_RELWALL:
		deadline = now + to_ns(sec, nsec);
		break;
	case RUMPUSER_CLOCK_ABSMONO:
		deadline = to_ns(sec, nsec);
		break;
	default:
		return EINVAL;
	}
	ru_cpu_release(&nlocks, NULL);
	if (deadline <= now)
		sched_yield();
	else
		sched_sleep_until(deadline);
	ru_cpu_take(nlocks, NULL);
	return 0;
}
