/*
 * The platform contract on Linux for host unit tests (see fakeplat.h).
 *
 * Context records: plat_ctx is too small for a ucontext_t, so pc_regs[0]
 * points to a struct fake_ctx. For a context made by plat_ctx_init the
 * record sits at the top of the thread's own stack (it dies with the
 * stack); a context that was never initialised (the scheduler loop)
 * gets one from a small static pool on its first switch.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <bmk/cons.h>
#include <bmk/intr.h>
#include <bmk/memalloc.h>
#include <bmk/pgalloc.h>
#include <bmk/platform.h>
#include <bmk/sched.h>

#include "fakeplat.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define ASAN 1
#else
#define ASAN 0
#endif

struct fake_ctx {
	ucontext_t fc_uc;
	const void *fc_stack;	/* stack bounds, for ASan */
	size_t fc_stacksize;
	void *fc_fakestack;
	void (*fc_entry)(void *);
	void *fc_arg;
};

#define FAKE_POOL 8
#define FAKE_MAXGUARDS 4096
#define FAKE_MAXEVENTS 256
#define FAKE_BOOTSTACK (256 * 1024)

uint64_t fake_clock;
uint64_t fake_idle_calls;
char fake_cons_out[65536];
size_t fake_cons_outlen;
int fake_cons_irqline = -1;
sigjmp_buf fake_halt_env;
bool fake_halt_armed;
char fake_halt_msg[256];

static struct fake_ctx fake_pool[FAKE_POOL];
static unsigned fake_poolnext;
static struct fake_ctx *fake_prev, *fake_next;

static struct { uintptr_t g_va, g_top; } fake_guards[FAKE_MAXGUARDS];
static unsigned fake_nguards;

static struct { uint64_t e_time; int e_irq; } fake_events[FAKE_MAXEVENTS];
static unsigned fake_nevents;

static bool fake_intr_on;
static uint64_t fake_irq_pending, fake_irq_masked = ~0ULL;

static char fake_cons_in[4096];
static size_t fake_cons_inhead, fake_cons_intail;

static ucontext_t fake_main_uc;
static const void *fake_main_stack;
static size_t fake_main_stacksize;
static char *fake_bootstack;

/* ---- memory ---- */

void *
fake_mmap(size_t len, size_t align)
{
	size_t total = len + align;
	char *p = mmap(NULL, total, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED) {
		perror("mmap");
		abort();
	}
	a = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
	return (void *)a;
}

/* ---- halting ---- */

void
plat_halt(const char *msg)
{
	snprintf(fake_halt_msg, sizeof(fake_halt_msg), "%s",
	    msg ? msg : "(null)");
	if (fake_halt_armed) {
		fake_halt_armed = false;
		siglongjmp(fake_halt_env, 1);
	}
	fprintf(stderr, "plat_halt: %s\n", fake_halt_msg);
	abort();
}

void
plat_poweroff(int status)
{
	exit(status);
}


/* ---- interrupts ---- */

static void
deliver_pending(void)
{
	while (fake_intr_on && (fake_irq_pending & ~fake_irq_masked)) {
		int irq = __builtin_ctzll(fake_irq_pending & ~fake_irq_masked);

		fake_irq_pending &= ~(1ULL << irq);
		fake_irq_masked |= 1ULL << irq;	/* the arch masks the line */
		fake_intr_on = false;
		intr_raise(irq);
		fake_intr_on = true;
	}
}

unsigned long
plat_intr_disable(void)
{
	unsigned long was = fake_intr_on;

	fake_intr_on = false;
	return was;
}

void
plat_intr_restore(unsigned long cookie)
{
	fake_intr_on = cookie != 0;
	deliver_pending();
}

void
plat_intr_mask(int irq)
{
	fake_irq_masked |= 1ULL << irq;
}

void
plat_intr_unmask(int irq)
{
	fake_irq_masked &= ~(1ULL << irq);
	deliver_pending();
}

bool
fake_intr_masked(int irq)
{
	return (fake_irq_masked >> irq) & 1;
}

bool
fake_intr_enabled(void)
{
	return fake_intr_on;
}

void
fake_interrupt(int irq)
{
	fake_irq_pending |= 1ULL << irq;
	deliver_pending();
}

void
fake_event_at(uint64_t t, int irq)
{
	unsigned i = fake_nevents++;

	if (fake_nevents > FAKE_MAXEVENTS)
		abort();
	/* Keep the table sorted by time, FIFO among equal times. */
	while (i > 0 && fake_events[i - 1].e_time > t) {
		fake_events[i] = fake_events[i - 1];
		i--;
	}
	fake_events[i].e_time = t;
	fake_events[i].e_irq = irq;
}

/* ---- clock and idling ---- */

uint64_t
plat_clock_monotonic(void)
{
	return fake_clock;
}

int64_t
plat_clock_epochoffset(void)
{
	return 0;
}

static void
back_to_main(void)
{
	ucontext_t dead;

#if ASAN
	__sanitizer_start_switch_fiber(NULL, fake_main_stack,
	    fake_main_stacksize);
#endif
	swapcontext(&dead, &fake_main_uc);
	abort();
}

/* Interrupts disabled on entry and on return, enabled while "halted". */
void
plat_block_until(uint64_t deadline)
{
	if (fake_intr_on)
		plat_halt("plat_block_until with interrupts enabled");
	fake_idle_calls++;
	if (fake_irq_pending & ~fake_irq_masked) {
		/* an interrupt is already waiting: no time passes */
	} else if (fake_nevents > 0 && fake_events[0].e_time <= deadline) {
		if (fake_events[0].e_time > fake_clock)
			fake_clock = fake_events[0].e_time;
		fake_irq_pending |= 1ULL << fake_events[0].e_irq;
		fake_nevents--;
		memmove(&fake_events[0], &fake_events[1],
		    fake_nevents * sizeof(fake_events[0]));
	} else if (deadline != UINT64_MAX) {
		if (deadline > fake_clock)
			fake_clock = deadline;
		return;
	} else {
		back_to_main();
	}
	fake_intr_on = true;
	deliver_pending();
	fake_intr_on = false;
}

/* ---- console ---- */

void
plat_cons_write(const char *buf, size_t len)
{
	size_t room = sizeof(fake_cons_out) - 1 - fake_cons_outlen;

	if (len > room)
		len = room;
	memcpy(fake_cons_out + fake_cons_outlen, buf, len);
	fake_cons_outlen += len;
	fake_cons_out[fake_cons_outlen] = '\0';
}

void
fake_cons_clear(void)
{
	fake_cons_outlen = 0;
	fake_cons_out[0] = '\0';
}

int
plat_cons_getc(void)
{
	if (fake_cons_intail == fake_cons_inhead)
		return -1;
	return (unsigned char)fake_cons_in[fake_cons_intail++];
}

int
plat_cons_irq(void)
{
	return fake_cons_irqline;
}

void
fake_cons_input(const char *s)
{
	size_t n = strlen(s);

	if (fake_cons_inhead + n > sizeof(fake_cons_in))
		abort();
	memcpy(fake_cons_in + fake_cons_inhead, s, n);
	fake_cons_inhead += n;
	if (fake_cons_irqline >= 0)
		fake_interrupt(fake_cons_irqline);
}

/* ---- MMU ---- */

int
plat_mmu_guard(uintptr_t va)
{
	if (fake_nguards == FAKE_MAXGUARDS)
		abort();
	if (mprotect((void *)va, PLAT_PAGE_SIZE, PROT_NONE) != 0)
		return 22;	/* EINVAL */
	fake_guards[fake_nguards].g_va = va;
	fake_guards[fake_nguards].g_top = 0;
	fake_nguards++;
	return 0;
}

/*
 * Unguarding means the stack above is about to be freed: forget the
 * ASan poisoning its dead frames left behind, or the memory's next
 * owner would trip over it.
 */
int
plat_mmu_unguard(uintptr_t va)
{
	unsigned i;

	for (i = 0; i < fake_nguards; i++)
		if (fake_guards[i].g_va == va)
			break;
	if (i == fake_nguards)
		return 22;
	if (mprotect((void *)va, PLAT_PAGE_SIZE, PROT_READ | PROT_WRITE))
		return 22;
#if ASAN
	if (fake_guards[i].g_top != 0)
		__asan_unpoison_memory_region((void *)(va + PLAT_PAGE_SIZE),
		    fake_guards[i].g_top - va - PLAT_PAGE_SIZE);
#endif
	fake_guards[i] = fake_guards[--fake_nguards];
	return 0;
}

/* Bottom of the stack whose top is top: just above its guard page. */
static uintptr_t
stack_bottom(uintptr_t top)
{
	uintptr_t best = 0;
	unsigned i, bi = 0;

	for (i = 0; i < fake_nguards; i++)
		if (fake_guards[i].g_va < top && fake_guards[i].g_va >= best) {
			best = fake_guards[i].g_va;
			bi = i;
		}
	if (best == 0)
		return top - 16384;
	fake_guards[bi].g_top = top;
	return best + PLAT_PAGE_SIZE;
}

/* ---- contexts ---- */

static struct fake_ctx *
ctx_record(struct plat_ctx *ctx)
{
	if (ctx->pc_regs[0] == 0) {
		struct fake_ctx *fc = &fake_pool[fake_poolnext++ % FAKE_POOL];

		memset(fc, 0, sizeof(*fc));
		ctx->pc_regs[0] = (uintptr_t)fc;
	}
	return (struct fake_ctx *)ctx->pc_regs[0];
}

/* Learn the bounds of the stack we just left, if still unknown. */
static void
switch_finished(void *fakestack)
{
	const void *bottom = NULL;
	size_t size = 0;

#if ASAN
	__sanitizer_finish_switch_fiber(fakestack, &bottom, &size);
#else
	(void)fakestack;
#endif
	if (fake_prev != NULL && fake_prev->fc_stack == NULL) {
		fake_prev->fc_stack = bottom;
		fake_prev->fc_stacksize = size;
	}
}

static void
ctx_trampoline(void)
{
	struct fake_ctx *fc = fake_next;

	switch_finished(NULL);
	/* Contract: a new context starts with interrupts enabled. */
	plat_intr_restore(1);
	fc->fc_entry(fc->fc_arg);
	plat_halt("plat_ctx_init entry returned");
}

void
plat_ctx_init(struct plat_ctx *ctx, void *stack_top, void (*entry)(void *),
    void *arg)
{
	uintptr_t top = (uintptr_t)stack_top;
	uintptr_t rec = (top - sizeof(struct fake_ctx)) & ~(uintptr_t)63;
	struct fake_ctx *fc = (struct fake_ctx *)rec;
	uintptr_t bottom;

	memset(fc, 0, sizeof(*fc));
	getcontext(&fc->fc_uc);
	bottom = stack_bottom(top);
	fc->fc_uc.uc_stack.ss_sp = (void *)bottom;
	fc->fc_uc.uc_stack.ss_size = rec - bottom;
	fc->fc_uc.uc_link = NULL;
	fc->fc_stack = (void *)bottom;
	fc->fc_stacksize = rec - bottom;
	fc->fc_entry = entry;
	fc->fc_arg = arg;
	makecontext(&fc->fc_uc, ctx_trampoline, 0);
	memset(ctx, 0, sizeof(*ctx));
	ctx->pc_regs[0] = (uintptr_t)fc;
}

void
plat_ctx_switch(struct plat_ctx *from, struct plat_ctx *to)
{
	struct fake_ctx *f = ctx_record(from), *t = ctx_record(to);

	if (fake_intr_on)
		plat_halt("plat_ctx_switch with interrupts enabled");
	fake_prev = f;
	fake_next = t;
#if ASAN
	__sanitizer_start_switch_fiber(&f->fc_fakestack, t->fc_stack,
	    t->fc_stacksize);
#endif
	swapcontext(&f->fc_uc, &t->fc_uc);
	switch_finished(f->fc_fakestack);
}

/* ---- running the scheduler ---- */

static void
boot_entry(void)
{
	const void *bottom = NULL;
	size_t size = 0;

#if ASAN
	__sanitizer_finish_switch_fiber(NULL, &bottom, &size);
#endif
	fake_main_stack = bottom;
	fake_main_stacksize = size;
	fake_intr_on = false;	/* bmk_start runs with interrupts off */
	sched_run();
}

void
fake_run(void)
{
	static ucontext_t boot_uc;
	void *fakestack = NULL;

	if (fake_bootstack == NULL)
		fake_bootstack = fake_mmap(FAKE_BOOTSTACK, 4096);
#if ASAN
	/* Frames of the previous, abandoned run. */
	__asan_unpoison_memory_region(fake_bootstack, FAKE_BOOTSTACK);
#endif
	getcontext(&boot_uc);
	boot_uc.uc_stack.ss_sp = fake_bootstack;
	boot_uc.uc_stack.ss_size = FAKE_BOOTSTACK;
	boot_uc.uc_link = NULL;
	makecontext(&boot_uc, boot_entry, 0);
	fake_prev = NULL;
#if ASAN
	__sanitizer_start_switch_fiber(&fakestack, fake_bootstack,
	    FAKE_BOOTSTACK);
#endif
	swapcontext(&fake_main_uc, &boot_uc);
#if ASAN
	__sanitizer_finish_switch_fiber(fakestack, NULL, NULL);
#endif
	fake_intr_on = true;
}

void
fake_reset(size_t mem_bytes)
{
	const size_t align = 4 << 20;
	void *mem = fake_mmap(mem_bytes, align);

	fake_clock = 1000000000ULL;
	fake_idle_calls = 0;
	fake_nevents = 0;
	fake_irq_pending = 0;
	fake_irq_masked = ~0ULL;
	fake_intr_on = true;
	fake_nguards = 0;
	fake_cons_inhead = fake_cons_intail = 0;
	fake_cons_irqline = -1;
	fake_cons_clear();
	pgalloc_init();
	pgalloc_add_range((uintptr_t)mem, mem_bytes);
	memalloc_init();
	sched_init();
	intr_init();
}
