/*
 * Clocks and sleeping for newlib: CLOCK_MONOTONIC and CLOCK_REALTIME from
 * the kernel's clocks; sleeps block the calling thread on the scheduler.
 */
#include <errno.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include <bmk/bmk.h>
#include <bmk/sched.h>

#define NSEC 1000000000LL

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	int64_t ns;

	if (id == CLOCK_MONOTONIC)
		ns = (int64_t)bmk_clock_monotonic();
	else if (id == CLOCK_REALTIME)
		ns = bmk_clock_wall();
	else {
		errno = EINVAL;
		return -1;
	}
	ts->tv_sec = ns / NSEC;
	ts->tv_nsec = ns % NSEC;
	return 0;
}

int
clock_getres(clockid_t id, struct timespec *ts)
{
	if (id != CLOCK_MONOTONIC && id != CLOCK_REALTIME) {
		errno = EINVAL;
		return -1;
	}
	if (ts != NULL) {
		ts->tv_sec = 0;
		ts->tv_nsec = 1;
	}
	return 0;
}

int
gettimeofday(struct timeval *tv, void *tz)
{
	int64_t ns = bmk_clock_wall();

	(void)tz;
	if (tv != NULL) {
		tv->tv_sec = ns / NSEC;
		tv->tv_usec = (ns % NSEC) / 1000;
	}
	return 0;
}

int
nanosleep(const struct timespec *req, struct timespec *rem)
{
	if (req->tv_nsec < 0 || req->tv_nsec >= NSEC || req->tv_sec < 0) {
		errno = EINVAL;
		return -1;
	}
	sched_sleep_ns((uint64_t)req->tv_sec * NSEC + (uint64_t)req->tv_nsec);
	if (rem != NULL)
		rem->tv_sec = rem->tv_nsec = 0;
	return 0;
}

unsigned
sleep(unsigned sec)
{
	sched_sleep_ns((uint64_t)sec * NSEC);
	return 0;
}

int
usleep(useconds_t usec)
{
	sched_sleep_ns((uint64_t)usec * 1000);
	return 0;
}

clock_t
times(struct tms *t)
{
	clock_t ticks = (clock_t)(bmk_clock_monotonic() /
	    (NSEC / CLOCKS_PER_SEC));

	/* One program, one CPU: all time is the program's user time. */
	if (t != NULL) {
		t->tms_utime = ticks;
		t->tms_stime = t->tms_cutime = t->tms_cstime = 0;
	}
	return ticks;
}
