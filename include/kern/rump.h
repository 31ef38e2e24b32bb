/*
 * Bringing up the rump kernel, and its scheduling context.
 *
 * rump_init() hands our upcalls to the hypervisor (rumpuser_init, version
 * 17), creates NCPU virtual CPUs (_RUMPUSER_NCPU, at most RUMP_MAXCPU),
 * gives the calling thread lwp0, starts the subsystems and runs autoconf.
 * It returns with the caller bound to lwp0 but holding no CPU.
 *
 * A thread runs kernel code only between rump_schedule() and
 * rump_unschedule(): that takes and gives back a virtual CPU. A host
 * thread without an lwp gets a temporary one for the duration. Hypercalls
 * that block release the CPU themselves through the upcalls; nothing
 * else in sys/ may block in the host while holding a CPU.
 *
 * There is no big kernel lock: every subsystem has its own locks, so the
 * lock count that the backend upcalls pass through is always 0.
 */
#ifndef KERN_RUMP_H
#define KERN_RUMP_H

#define RUMP_MAXCPU 64

int rump_init(void);
void rump_schedule(void);
void rump_unschedule(void);
unsigned rump_ncpu(void);

/* Counts of the scheduler, for tests and statistics. */
struct rump_sched_stats {
	unsigned long rss_schedule;	/* CPUs taken */
	unsigned long rss_waits;	/* of which had to wait for a CPU */
	unsigned long rss_backend;	/* released by a blocking hypercall */
	unsigned rss_busy;		/* CPUs held right now */
	unsigned rss_maxbusy;		/* most CPUs ever held at once */
};
void rump_sched_get_stats(struct rump_sched_stats *st);

/*
 * Subsystems outside sys/kern hook into rump_init through two linker
 * sets, so that sys/kern links without them: "early" functions run
 * before autoconfiguration (drivers may use what they set up), "late"
 * ones after it. Each returns 0 or an errno value; a failure is logged
 * and rump_init goes on without that subsystem.
 */
struct rump_subsys {
	const char *rs_name;
	int (*rs_init)(void);
};
#define RUMP_SUBSYS_EARLY(name, fn) RUMP__SUBSYS(rump_subsys_early, name, fn)
#define RUMP_SUBSYS_LATE(name, fn) RUMP__SUBSYS(rump_subsys_late, name, fn)
#define RUMP__SUBSYS(set, name, fn) \
	static const struct rump_subsys __##set##_##fn = { name, fn }; \
	static const struct rump_subsys *const __##set##_p_##fn \
	    __attribute__((__section__(#set), __used__)) = &__##set##_##fn

#endif
