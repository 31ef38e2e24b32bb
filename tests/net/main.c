/*
 * Runner of the network stack host tests: rump_init (which brings up the
 * network stack as an early subsystem), then every NT_CASE in the order
 * of the linker set, each with a CPU held. An argument (or NT_ONLY) runs
 * only the cases whose names start with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rumpuser.h>

#include <kern/klog.h>
#include <kern/rump.h>
#include <net/mbuf.h>

#include "nt.h"

/* <netinet/dhcp.h>; weak: the core tests are built without netinet */
extern bool netconfig_hotplug __attribute__((__weak__));

extern const struct nt_case *const __start_nt_cases[];
extern const struct nt_case *const __stop_nt_cases[];

static int nt_failed;

void
nt_check(int ok, const char *expr, const char *file, int line)
{
	if (ok)
		return;
	printf("    check failed: %s at %s:%d\n", expr, file, line);
	fflush(stdout);
	__atomic_store_n(&nt_failed, 1, __ATOMIC_RELAXED);
}

void
nt_check_eq(uint64_t a, uint64_t b, const char *ea, const char *eb,
    const char *file, int line)
{
	if (a == b)
		return;
	printf("    check failed: %s == %s (%llu != %llu) at %s:%d\n", ea, eb,
	    (unsigned long long)a, (unsigned long long)b, file, line);
	fflush(stdout);
	__atomic_store_n(&nt_failed, 1, __ATOMIC_RELAXED);
}

void
nt_sleep_ms(int ms)
{
	rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, ms / 1000,
	    (long)(ms % 1000) * 1000000L);
}

int
nt_dmesg_has(const char *s)
{
	static char buf[KLOG_RINGSIZE + 1];

	klog_dmesg(buf, sizeof(buf));
	return strstr(buf, s) != NULL;
}

void
nt_leak_start(struct nt_leak *lk)
{
	mbuf_get_stats(&lk->nl_start);
}

void
nt_leak_check_at(const struct nt_leak *lk, const char *file, int line)
{
	struct mbuf_stats now;

	mbuf_get_stats(&now);
	nt_check_eq(now.ms_mbufs, lk->nl_start.ms_mbufs, "mbufs now",
	    "mbufs at start", file, line);
	nt_check_eq(now.ms_clusters, lk->nl_start.ms_clusters,
	    "clusters now", "clusters at start", file, line);
	nt_check_eq(now.ms_ext, lk->nl_start.ms_ext, "ext now",
	    "ext at start", file, line);
}

uint64_t
nt_rand(uint64_t *state)
{
	uint64_t x = *state != 0 ? *state : 0x9e3779b97f4a7c15ull;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dull;
}

unsigned
nt_randn(uint64_t *state, unsigned n)
{
	return (unsigned)((nt_rand(state) >> 11) % n);
}

int
main(int argc, char **argv)
{
	int passed = 0, failed = 0, rv;
	const char *only = argc > 1 ? argv[1] : getenv("NT_ONLY");
	struct mbuf_stats st;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* the cases attach and configure their interfaces themselves (the
	 * core build has no netinet: weak) */
	if (&netconfig_hotplug != NULL)
		netconfig_hotplug = false;
	if ((rv = rump_init()) != 0) {
		printf("rump_init: error %d\n0 passed, 1 failed\n", rv);
		return 1;
	}
	for (const struct nt_case *const *c = __start_nt_cases;
	    c < __stop_nt_cases; c++) {
		if (only != NULL && strncmp((*c)->nc_name, only,
		    strlen(only)) != 0)
			continue;
		nt_failed = 0;
		rump_schedule();
		(*c)->nc_fn();
		rump_unschedule();
		if (__atomic_load_n(&nt_failed, __ATOMIC_RELAXED)) {
			printf("FAIL %s\n", (*c)->nc_name);
			failed++;
		} else {
			printf("pass %s\n", (*c)->nc_name);
			passed++;
		}
	}
	mbuf_get_stats(&st);
	printf("mbufs outstanding at exit: %llu mbufs, %llu clusters, "
	    "%llu ext (peak %llu mbufs)\n", (unsigned long long)st.ms_mbufs,
	    (unsigned long long)st.ms_clusters, (unsigned long long)st.ms_ext,
	    (unsigned long long)st.ms_mbufs_max);
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
