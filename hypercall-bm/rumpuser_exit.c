/*
 * Termination, and errno for rump system call clients.
 *
 * rumpuser_exit(n) powers the machine off with status n (under QEMU it
 * reaches the host). RUMPUSER_PANIC asks for "something akin to a core
 * dump": the closest thing here is a message and a backtrace on every
 * console, then the machine halts (it does not power off, so the
 * report stays on the screen).
 *
 * seterrno: the rump kernel calls it for its system call clients. Those
 * are the application, whose errno belongs to libc, which this layer
 * does not see; sys/libc sets errno from each call's own return value.
 * The value is kept here for a debugger.
 */
#include <bmk/backtrace.h>
#include <bmk/bmk.h>
#include <bmk/cons.h>
#include <bmk/platform.h>

#include "rumpuser_impl.h"

static volatile int ru_lasterrno;

void
rumpuser_exit(int value)
{
	if (value == RUMPUSER_PANIC) {
		cons_printf("rumpuser: rump kernel panic\n");
		bmk_backtrace_here();
		plat_halt("rump kernel panic");
	}
	bmk_exit(value);
}

void
rumpuser_seterrno(int error)
{
	ru_lasterrno = error;
}
