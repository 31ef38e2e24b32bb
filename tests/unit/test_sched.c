/*
 * Host tests of the scheduler, interrupt dispatch, console input and
 * fault descriptions, on the fake platform: a fake clock that jumps to
 * deadlines, simulated interrupts, ucontext thread switching, real
 * mprotect guard pages.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bmk/cons.h>
#include <bmk/errno.h>
#include <bmk/intr.h>
#include <bmk/memalloc.h>
#include <bmk/pgalloc.h>
#include <bmk/platform.h>
#include <bmk/sched.h>

#include "fakeplat.h"
#include "unit.h"

#define MIB (1024UL * 1024)

static char tlog[4096];
static size_t tloglen;

static void
logc(char c)
{
	if (tloglen < sizeof(tlog) - 1)
		tlog[tloglen++] = c;
	tlog[tloglen] = '\0';
}

static void
reset(void)
{
	fake_reset(64 * MIB);
	tloglen = 0;
	tlog[0] = '\0';
}

/* Everything the threads took has come back. */
static bool
all_returned(void)
{
	struct memalloc_stats ms;
	struct sched_stats ss;

	memalloc_get_stats(&ms);
	sched_get_stats(&ss);
	pgalloc_verify();
	return ms.ms_bytes_in_use == 0 && ss.ss_threads == 0;
}

/* ---- yield order, many threads ---- */

static void
yielder(void *arg)
{
	int i;

	for (i = 0; i < 3; i++) {
		logc(*(const char *)arg);
		sched_yield();
	}
}

static void
test_yield_order(void)
{
	struct sched_stats ss;

	reset();
	CHECK(sched_current() == NULL);
	sched_create("a", yielder, "A", 0, 0);
	sched_create("b", yielder, "B", 0, 0);
	sched_create("c", yielder, "C", 0, 0);
	fake_run();
	CHECK(strcmp(tlog, "ABCABCABC") == 0);
	sched_get_stats(&ss);
	CHECK(ss.ss_switches == 12);
	CHECK(all_returned());
}

static int counter;

static void
counting(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 5; i++) {
		counter++;
		sched_yield();
	}
}

static void
test_many_threads(void)
{
	struct pgalloc_stats p0, p1;
	int i;

	reset();
	pgalloc_get_stats(&p0);
	counter = 0;
	for (i = 0; i < 500; i++)
		CHECK(sched_create("many", counting, NULL, 8192, 0) != NULL);
	fake_run();
	CHECK(counter == 500 * 5);
	CHECK(all_returned());
	pgalloc_get_stats(&p1);
	CHECK(p0.ps_free_pages - p1.ps_free_pages <= 8 * 8);	/* spare slabs */
}

static void
test_create_nomem(void)
{
	struct sched_thread *t;
	int n = 0;

	reset();
	while ((t = sched_create("big", counting, NULL, 4 * MIB, 0)) != NULL)
		n++;
	CHECK(n > 0 && n < 16);
	fake_run();
	CHECK(all_returned());
}

/* ---- sleeping ---- */

static uint64_t t0;
static uint64_t wake_at[64];

static void
sleeper(void *arg)
{
	int id = (int)(intptr_t)arg;

	sched_sleep_until(t0 + (uint64_t)(id / 2) * 1000 % 7000);
	wake_at[id] = plat_clock_monotonic();
	logc((char)('a' + id));
}

static void
test_sleep_order(void)
{
	uint64_t prev = 0;
	int i, prev_id = -1;

	reset();
	t0 = fake_clock;
	/* deadlines (id/2*1000) % 7000: repeats, out of order, equal pairs */
	for (i = 0; i < 20; i++)
		sched_create("sleeper", sleeper, (void *)(intptr_t)i, 0, 0);
	fake_run();
	CHECK(tloglen == 20);
	for (i = 0; i < 20; i++) {
		int id = tlog[i] - 'a';
		uint64_t dl = t0 + (uint64_t)(id / 2) * 1000 % 7000;

		CHECKMSG(wake_at[id] == dl, "thread %d woke at +%llu", id,
		    (unsigned long long)(wake_at[id] - t0));
		CHECKMSG(dl > prev || (dl == prev && id > prev_id),
		    "wake order %s", tlog);
		prev = dl;
		prev_id = id;
	}
	CHECK(all_returned());
}

static void
sleep_ns_thread(void *arg)
{
	(void)arg;
	sched_sleep_ns(12345);
	wake_at[0] = plat_clock_monotonic();
	sched_sleep_ns(0);
	sched_sleep_until(0);
	wake_at[1] = plat_clock_monotonic();
}

static void
test_sleep_ns(void)
{
	struct sched_stats ss;

	reset();
	t0 = fake_clock;
	sched_create("s", sleep_ns_thread, NULL, 0, 0);
	fake_run();
	CHECK(wake_at[0] == t0 + 12345);
	CHECK(wake_at[1] == t0 + 12345);
	sched_get_stats(&ss);
	CHECK(ss.ss_idle_halts >= 1);
	CHECK(all_returned());
}

/* ---- join ---- */

static void
exit_with(void *arg)
{
	logc('w');
	sched_exit(arg);
}

static void
just_return(void *arg)
{
	(void)arg;
	logc('r');
}

static void
mark_x(void *arg)
{
	(void)arg;
	logc('X');
}

static struct sched_thread *joiner_self;

static void
joiner(void *arg)
{
	struct sched_thread *a, *b, *c;
	void *rv = (void *)1;

	(void)arg;
	joiner_self = sched_current();
	a = sched_create("a", exit_with, (void *)42, 0, SCHED_JOINABLE);
	b = sched_create("b", just_return, NULL, 0, SCHED_JOINABLE);
	c = sched_create("c", just_return, NULL, 0, 0);
	/* c has not run yet: joining it is legal to ask, and refused. */
	if (sched_join(c, NULL) != EINVAL || sched_join(NULL, NULL) !=
	    EINVAL || sched_join(joiner_self, NULL) != EINVAL)
		return;
	if (sched_join(a, &rv) != 0 || rv != (void *)42)
		return;
	logc('1');
	/* b has exited by now: joining it must not block. */
	sched_sleep_ns(1000);
	sched_create("x", mark_x, NULL, 0, 0);
	if (sched_join(b, &rv) != 0 || rv != NULL)
		return;
	logc('2');
}

static void
test_join(void)
{
	reset();
	sched_create("joiner", joiner, NULL, 0, 0);
	fake_run();
	CHECKMSG(strcmp(tlog, "wrr12X") == 0, "log %s", tlog);
	CHECK(all_returned());
}

/* ---- block, wake, timeouts ---- */

static struct sched_thread *blocked;
static int block_rv[4];

static void
block_timeout(void *arg)
{
	int i = (int)(intptr_t)arg;

	blocked = sched_current();
	sched_blockprepare();
	sched_blockprepare_timeout(plat_clock_monotonic() + 5000);
	block_rv[i] = sched_block();
	wake_at[i] = plat_clock_monotonic();
}

static void
waker(void *arg)
{
	(void)arg;
	sched_wake(blocked);
}

static void
test_block_timeout(void)
{
	reset();
	t0 = fake_clock;
	block_rv[0] = block_rv[1] = -1;
	sched_create("t", block_timeout, (void *)0, 0, 0);
	fake_run();
	CHECK(block_rv[0] == ETIMEDOUT);
	CHECK(wake_at[0] == t0 + 5000);
	CHECK(all_returned());

	reset();
	t0 = fake_clock;
	sched_create("t", block_timeout, (void *)1, 0, 0);
	sched_create("w", waker, NULL, 0, 0);
	fake_run();
	CHECK(block_rv[1] == 0);
	CHECK(wake_at[1] == t0);
	CHECK(all_returned());
}

static bool lost_done;

static void
prepare_yield_block(void *arg)
{
	(void)arg;
	blocked = sched_current();
	sched_blockprepare();
	sched_yield();		/* the waker runs here */
	if (sched_block() != 0)
		return;
	/* A wake of ourselves, as an interrupt might do it. */
	sched_blockprepare();
	sched_blockprepare_timeout(plat_clock_monotonic() + 100);
	sched_wake(sched_current());
	if (sched_block() != 0)
		return;
	lost_done = true;
}

static void
test_wake_not_lost(void)
{
	reset();
	lost_done = false;
	sched_create("p", prepare_yield_block, NULL, 0, 0);
	sched_create("w", waker, NULL, 0, 0);
	fake_run();
	CHECK(lost_done);
	CHECK(all_returned());
}

/* A wake without a prepared block is ignored; block still needs one. */
static void
spurious_then_sleep(void *arg)
{
	(void)arg;
	sched_wake(sched_current());
	sched_blockprepare();
	sched_blockprepare_timeout(plat_clock_monotonic() + 700);
	block_rv[2] = sched_block();
}

static void
test_spurious_wake(void)
{
	reset();
	block_rv[2] = -1;
	sched_create("s", spurious_then_sleep, NULL, 0, 0);
	fake_run();
	CHECK(block_rv[2] == ETIMEDOUT);
	CHECK(all_returned());
}

/* ---- interrupts ---- */

struct irqrec {
	int ir_calls;
	char ir_thread[SCHED_NAMELEN];
	bool ir_intr_enabled;
	bool ir_masked_during;
	uint64_t ir_clock;
};
static struct irqrec irqrec[2];
static int irq_steps;

static int
handler(void *arg)
{
	struct irqrec *r = arg;

	r->ir_calls++;
	snprintf(r->ir_thread, sizeof(r->ir_thread), "%s",
	    sched_name(sched_current()));
	r->ir_intr_enabled = fake_intr_enabled();
	r->ir_masked_during = fake_intr_masked(5);
	r->ir_clock = plat_clock_monotonic();
	return 1;
}

static void
intr_driver(void *arg)
{
	uint64_t now;

	(void)arg;
	if (intr_establish(5, handler, &irqrec[0]) != 0 || fake_intr_masked(5))
		return;
	irq_steps++;
	fake_interrupt(5);	/* arrives now, in this thread's time */
	if (!fake_intr_masked(5) || irqrec[0].ir_calls != 0)
		return;		/* must wait for the line thread */
	irq_steps++;
	sched_yield();
	if (irqrec[0].ir_calls != 1 || fake_intr_masked(5) ||
	    intr_count(5) != 1)
		return;
	irq_steps++;
	/* Second handler on the line; an interrupt while the CPU idles. */
	if (intr_establish(5, handler, &irqrec[1]) != 0)
		return;
	now = plat_clock_monotonic();
	fake_event_at(now + 500, 5);
	sched_sleep_until(now + 1000);
	if (irqrec[0].ir_calls != 2 || irqrec[1].ir_calls != 1 ||
	    irqrec[1].ir_clock != now + 500 || intr_count(5) != 2)
		return;
	irq_steps++;
}

static void
test_intr(void)
{
	int i;

	reset();
	irq_steps = 0;
	memset(irqrec, 0, sizeof(irqrec));
	CHECK(intr_establish(-1, handler, NULL) == EINVAL);
	CHECK(intr_establish(PLAT_NIRQ, handler, NULL) == EINVAL);
	sched_create("driver", intr_driver, NULL, 0, 0);
	fake_run();
	CHECKMSG(irq_steps == 4, "stopped after step %d", irq_steps);
	CHECK(strcmp(irqrec[0].ir_thread, "irq5") == 0);
	CHECK(irqrec[0].ir_intr_enabled);	/* thread context */
	CHECK(irqrec[0].ir_masked_during);
	CHECK(!fake_intr_masked(5));
	for (i = 0; i < 2; i++)
		CHECK(intr_establish(5, handler, NULL) == 0);
	CHECK(intr_establish(5, handler, NULL) == ENOSPC);
	CHECK(intr_count(5) == 2 && intr_count(6) == 0);
	CHECK(intr_count(-3) == 0);
}

/* ---- console input ---- */

static char readbuf[64];
static size_t readlen;

static void
reader(void *arg)
{
	(void)arg;
	cons_input_init();
	readlen = cons_read(readbuf, sizeof(readbuf) - 1);
	readbuf[readlen] = '\0';
	wake_at[0] = plat_clock_monotonic();
}

static void
typist(void *arg)
{
	sched_sleep_ns(25000000);	/* 25 ms */
	fake_cons_input(arg);
}

static void
test_cons_read_irq(void)
{
	reset();
	fake_cons_irqline = 4;
	t0 = fake_clock;
	sched_create("reader", reader, NULL, 0, 0);
	sched_create("typist", typist, "hello", 0, 0);
	fake_run();
	CHECK(readlen == 5 && strcmp(readbuf, "hello") == 0);
	CHECK(wake_at[0] == t0 + 25000000);
	CHECK(intr_count(4) == 1);
}

static void
test_cons_read_poll(void)
{
	reset();
	t0 = fake_clock;
	sched_create("reader", reader, NULL, 0, 0);
	sched_create("typist", typist, "xy", 0, 0);
	fake_run();
	CHECK(readlen == 2 && strcmp(readbuf, "xy") == 0);
	CHECK(wake_at[0] == t0 + 30000000);	/* next 10 ms poll */
	CHECK(all_returned());
}

/* ---- guard pages and fault descriptions ---- */

static uintptr_t guard_addr;

static void
find_guard(void *arg)
{
	volatile char local = 0;
	uintptr_t page = (uintptr_t)&local & ~(PLAT_PAGE_SIZE - 1);
	int k;

	(void)arg;
	for (k = 1; k < 64; k++) {
		uintptr_t a = page - (uintptr_t)k * PLAT_PAGE_SIZE;

		if (sched_guard_owner(a) == sched_current()) {
			guard_addr = a;
			return;
		}
	}
}

static void
test_guard_owner(void)
{
	struct sched_thread *t;
	const char *d;

	reset();
	guard_addr = 0;
	t = sched_create("guardy", find_guard, NULL, 0, SCHED_JOINABLE);
	CHECK(t != NULL && strcmp(sched_name(t), "guardy") == 0);
	sched_set_cookie(t, &guard_addr);
	CHECK(sched_get_cookie(t) == &guard_addr);
	fake_run();
	CHECK(guard_addr != 0);
	/* Exited and its stack freed: no longer an owner. */
	CHECK(sched_guard_owner(guard_addr) == NULL);
	d = bmk_fault_describe(8);
	CHECK(d != NULL && strstr(d, "NULL"));
	CHECK(bmk_fault_describe((uintptr_t)&guard_addr) == NULL);
}

static void
test_name_truncated(void)
{
	struct sched_thread *t;

	reset();
	t = sched_create("a-very-long-thread-name-indeed-yes", counting,
	    NULL, 0, 0);
	CHECK(strlen(sched_name(t)) == SCHED_NAMELEN - 1);
	CHECK(strncmp(sched_name(t), "a-very-long", 11) == 0);
	fake_run();
}

/*
 * A real stack overflow in a child process: the guard page faults, and
 * the fault handler names the thread.
 */
static void
on_segv(int sig, siginfo_t *si, void *uc)
{
	const char *d = bmk_fault_describe((uintptr_t)si->si_addr);

	(void)sig;
	(void)uc;
	if (d != NULL)
		(void)!write(1, d, strlen(d));
	_exit(d != NULL ? 0 : 3);
}

static int
recurse(int n)
{
	volatile char pad[512];

	pad[0] = (char)n;
	return n == 0 ? 0 : recurse(n - 1) + pad[0];
}

static void
overflower(void *arg)
{
	(void)arg;
	recurse(1000000);
}

static void
child_overflow(void)
{
	static char altstack[65536];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa;

	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	reset();
	sched_create("deep", overflower, NULL, 16384, 0);
	fake_run();
	_exit(4);
}

static void
test_guard_fault(void)
{
	char out[256] = "";
	int pfd[2], status;
	ssize_t n;
	pid_t pid;

	CHECK(pipe(pfd) == 0);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		dup2(pfd[1], 1);
		child_overflow();
	}
	close(pfd[1]);
	n = read(pfd[0], out, sizeof(out) - 1);
	out[n > 0 ? n : 0] = '\0';
	close(pfd[0]);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECKMSG(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "child status %#x, said '%s'", status, out);
	CHECKMSG(strcmp(out, "stack overflow: guard page of thread 'deep'")
	    == 0, "said '%s'", out);
}

int
main(void)
{
	RUN(test_yield_order);
	RUN(test_many_threads);
	RUN(test_create_nomem);
	RUN(test_sleep_order);
	RUN(test_sleep_ns);
	RUN(test_join);
	RUN(test_block_timeout);
	RUN(test_wake_not_lost);
	RUN(test_spurious_wake);
	RUN(test_intr);
	RUN(test_cons_read_irq);
	RUN(test_cons_read_poll);
	RUN(test_guard_owner);
	RUN(test_name_truncated);
	RUN(test_guard_fault);
	return unit_done();
}
