/*
 * The application's start: argv and environment from the boot command
 * line, the rump kernel, main(), and exit() with its status (which
 * powers off).
 *
 * rump_init() brings up the rump kernel and runs autoconfiguration
 * (mainbus, then the busses it finds, PCI among them) before main.
 * Autoconfiguration never fails the boot: a bus or driver that fails
 * reports it on the console and the rest goes on. Only a kernel that
 * cannot run at all (rump_init returns an error: no memory for its
 * CPUs or lwp0, a hypervisor of another interface version) is fatal,
 * since the program's system calls would have nothing to run on: that
 * is reported and the machine powers off with status 1.
 *
 * An application that tests the layer below the rump kernel, or is a
 * rump kernel client of the hypercalls itself (the conformance suite's
 * fake kernel), defines rumpmetal_app_norump to a nonzero value: then
 * no rump kernel is started (two kernels cannot share one hypervisor's
 * upcalls and per-thread lwps).
 *
 * Drivers are found by autoconf through a linker set, which does not
 * pull an archive member in by itself: the Makefile links all of
 * librump.a (--whole-archive).
 */
#include <stdio.h>
#include <stdlib.h>

#include <bmk/bmk.h>
#include <bmk/cons.h>
#include <kern/rump.h>

extern char **environ;
int main(int argc, char **argv);

extern const int rumpmetal_app_norump __attribute__((__weak__));

void
bmk_app_entry(void)
{
	int argc, rv;
	char **argv = bmk_argv(&argc);

	environ = bmk_environ();
	if (&rumpmetal_app_norump != NULL && rumpmetal_app_norump)
		exit(main(argc, argv));
	if ((rv = rump_init()) != 0) {
		fprintf(stderr, "rumpmetal: the rump kernel cannot start "
		    "(error %d)\n", rv);
		exit(1);
	}
	cons_logf("rumpmetal: %lu us from first instruction to main()\n",
	    (unsigned long)(bmk_clock_monotonic() / 1000));
	exit(main(argc, argv));
}

void
_exit(int status)
{
	bmk_exit(status);
}
