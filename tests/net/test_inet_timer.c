/*
 * The stack's timers (inet_timer): one callout armed for the earliest
 * deadline it was given. Tests move the stack's clock forward
 * (inet_clock_skew_ns); a timer armed far ahead before such a jump must
 * still take an earlier deadline given after it.
 */
#include <kern/callout.h>

#include "inet_nt.h"

static unsigned itimer_fired;

static void
itimer_fn(void)
{
	__atomic_fetch_add(&itimer_fired, 1, __ATOMIC_RELAXED);
}

NT_CASE(inet_timer_earlier_deadline_after_clock_jump)
{
	static struct inet_timer t;

	inet_timer_init(&t, itimer_fn);
	mutex_enter(&net_lock);
	inet_timer_arm(&t, inet_now_ns() + 60 * INET_NS_PER_S);
	mutex_exit(&net_lock);
	/* the stack's clock jumps past that deadline; the callout under
	 * it still has a minute to go */
	__atomic_fetch_add(&inet_clock_skew_ns, 120 * INET_NS_PER_S,
	    __ATOMIC_RELAXED);
	mutex_enter(&net_lock);
	inet_timer_arm(&t, inet_now_ns() + 10 * INET_NS_PER_MS);
	mutex_exit(&net_lock);
	for (int i = 0; i < 200 && __atomic_load_n(&itimer_fired,
	    __ATOMIC_RELAXED) == 0; i++)
		nt_sleep_ms(10);
	NT_CHECK_EQ(__atomic_load_n(&itimer_fired, __ATOMIC_RELAXED), 1u);
	callout_halt(&t.it_co);
	callout_destroy(&t.it_co);
}
