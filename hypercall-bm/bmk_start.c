/*
 * The portable core's entry: turns the boot information into a running
 * scheduler with the application's main thread.
 *
 * Order matters: the page allocator needs the memory map minus reserved
 * ranges; every later subsystem allocates from it; the scheduler must
 * exist before anything creates a thread (interrupt lines, console input).
 */
#include <bmk/bmk.h>
#include <bmk/bootinfo.h>
#include <bmk/cmdline.h>
#include <bmk/cons.h>
#include <bmk/intr.h>
#include <bmk/memalloc.h>
#include <bmk/pgalloc.h>
#include <bmk/platform.h>
#include <bmk/sched.h>

#define MIN_MEMORY (2UL << 20)	/* usable RAM after the kernel image */
#define MAIN_STACK (124UL * 1024)	/* + guard page = 128 KiB block */

static struct cmdline cmdline;
static char *app_argv[CMDLINE_MAXARGS + 2];
static int app_argc;
static char *app_env[CMDLINE_MAXARGS + 1];

static const char *const known_options[] = {
	"hostname", "loglevel", "net", "quiet", "semihosting", NULL,
};
/* Families of options, known by the start of their name:
 * "net.<ifname>" (sys/netinet/netconfig.c). */
static const char *const known_prefixes[] = { "net.", NULL };

/*
 * Give [base, end) minus the reserved ranges from index r on to the page
 * allocator. Each reserved range splits the rest in at most two.
 */
static void
add_free(const struct bootinfo *bi, uint64_t base, uint64_t end, int r)
{
	for (; r < bi->bi_nrsv && base < end; r++) {
		uint64_t rb = bi->bi_rsv[r].br_base;
		uint64_t re = rb + bi->bi_rsv[r].br_len;
		if (re <= base || rb >= end)
			continue;
		if (rb > base)
			add_free(bi, base, rb, r + 1);
		base = re;
	}
	if (base < end && end - base >= PGALLOC_PAGE_SIZE)
		pgalloc_add_range((uintptr_t)base, (size_t)(end - base));
}

static void
memory_init(const struct bootinfo *bi)
{
	struct pgalloc_stats ps;
	int i;

	pgalloc_init();
	for (i = 0; i < bi->bi_nmem; i++)
		add_free(bi, bi->bi_mem[i].br_base,
		    bi->bi_mem[i].br_base + bi->bi_mem[i].br_len, 0);
	pgalloc_get_stats(&ps);
	if (ps.ps_free_pages * PGALLOC_PAGE_SIZE < MIN_MEMORY) {
		cons_printf("rumpmetal: only %lu KiB of usable memory; at least"
		    " %lu KiB are needed beyond the kernel image\n",
		    (unsigned long)(ps.ps_free_pages * PGALLOC_PAGE_SIZE / 1024),
		    MIN_MEMORY / 1024);
		plat_halt("not enough memory");
	}
	cons_logf("rumpmetal: %lu KiB of memory available\n",
	    (unsigned long)(ps.ps_free_pages * PGALLOC_PAGE_SIZE / 1024));
	memalloc_init();
}

static void
args_init(void)
{
	int i, n = 0;

	app_argv[app_argc++] = (char *)bmk_app_name;
	for (i = 0; i < cmdline.cl_argc; i++)
		app_argv[app_argc++] = cmdline.cl_argv[i];
	app_argv[app_argc] = NULL;
	for (i = 0; i < cmdline.cl_nopt; i++)
		if (cmdline.cl_opt[i][0] >= 'A' && cmdline.cl_opt[i][0] <= 'Z')
			app_env[n++] = cmdline.cl_opt[i];
	app_env[n] = NULL;
}

static bool
has_known_prefix(const char *opt)
{
	int k, i;

	for (k = 0; known_prefixes[k] != NULL; k++) {
		for (i = 0; known_prefixes[k][i] != '\0'; i++)
			if (opt[i] != known_prefixes[k][i])
				break;
		if (known_prefixes[k][i] == '\0')
			return true;
	}
	return false;
}

/*
 * cmdline_check_known matches whole names: it checks a copy of the
 * option list without the options that have a known prefix.
 */
static void
check_options(void)
{
	static struct cmdline rest;
	int i;

	rest.cl_nopt = 0;
	for (i = 0; i < cmdline.cl_nopt; i++)
		if (!has_known_prefix(cmdline.cl_opt[i]))
			rest.cl_opt[rest.cl_nopt++] = cmdline.cl_opt[i];
	rest.cl_silent = cmdline.cl_silent;
	rest.cl_warnings = 0;
	cmdline_check_known(&rest, known_options);
	cmdline.cl_warnings += rest.cl_warnings;
}

static void
main_thread(void *arg)
{
	(void)arg;
	bmk_app_entry();
	bmk_exit(0);
}

void
bmk_start(const struct bootinfo *bi)
{
	cmdline_parse(&cmdline, bi->bi_cmdline);
	cons_set_quiet(cmdline_get(&cmdline, "quiet") != NULL);
	check_options();
	args_init();
	memory_init(bi);
	sched_init();
	intr_init();
	cons_input_init();
	if (sched_create("main", main_thread, NULL, MAIN_STACK, 0) == NULL)
		plat_halt("cannot create the main thread: out of memory");
	sched_run();
}

char **
bmk_argv(int *argc)
{
	*argc = app_argc;
	return app_argv;
}

char **
bmk_environ(void)
{
	return app_env;
}

const char *
bmk_getparam(const char *name)
{
	return cmdline_get(&cmdline, name);
}

uint64_t
bmk_clock_monotonic(void)
{
	return plat_clock_monotonic();
}

int64_t
bmk_clock_wall(void)
{
	return (int64_t)plat_clock_monotonic() + plat_clock_epochoffset();
}

void
bmk_exit(int status)
{
	cons_logf("rumpmetal: exit status %d, powering off\n", status);
	plat_poweroff(status);
}
