/*
 * Clock test, run inside the guest: 100 ms sleeps measured by the
 * monotonic clock are within 10%, the clock never goes backwards, and
 * the wall clock from the RTC is a plausible date.
 */
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void
check(int ok, const char *what)
{
	printf("clock: %s: %s\n", what, ok ? "ok" : "FAILED");
	if (!ok)
		failures++;
}

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
main(void)
{
	long long t0, dt, prev, cur, worst = 0;
	struct timeval tv;
	struct timespec req = { 0, 100000000 };
	int i, ok = 1, backwards = 0;

	for (i = 0; i < 5; i++) {
		t0 = now_ns();
		if (i % 2 == 0)
			usleep(100000);
		else
			nanosleep(&req, NULL);
		dt = now_ns() - t0;
		printf("clock: slept %lld us for 100000 us\n", dt / 1000);
		ok &= dt >= 90000000 && dt <= 110000000;
	}
	check(ok, "100 ms sleeps within 10%");
	prev = now_ns();
	for (i = 0; i < 200000; i++) {
		cur = now_ns();
		if (cur < prev)
			backwards++;
		if (cur - prev > worst)
			worst = cur - prev;
		prev = cur;
	}
	printf("clock: 200000 reads, largest step %lld ns\n", worst);
	check(backwards == 0, "monotonic clock never goes backwards");
	gettimeofday(&tv, NULL);
	printf("clock: wall clock says %lld s since 1970\n", (long long)tv.tv_sec);
	/* 2024-01-01 .. 2100-01-01: the RTC was read and converted. */
	check(tv.tv_sec > 1704067200LL && tv.tv_sec < 4102444800LL,
	    "wall clock from the RTC is a plausible date");
	printf("clock: %s\n", failures ? "FAIL" : "PASS");
	return failures;
}
