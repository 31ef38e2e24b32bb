/*
 * Frame-pointer backtraces, the same on every arch: a frame record is
 * [saved frame pointer, return address] (see bmk/backtrace.h).
 */
#include <bmk/backtrace.h>
#include <bmk/cons.h>
#include <bmk/ksyms.h>
#include <bmk/platform.h>

#define BACKTRACE_MAX 64

void
bmk_print_symbol(uintptr_t addr, uintptr_t lookup)
{
	uintptr_t off;
	const char *name = ksyms_lookup(lookup, &off);

	if (name != NULL)
		cons_printf(" %s+0x%lx", name,
		    (unsigned long)(off + addr - lookup));
	cons_printf("\n");
}

static void
print_repeats(int n)
{
	if (n > 0)
		cons_printf("  ... the same frame %d more time%s\n", n,
		    n == 1 ? "" : "s");
}

/* Whether a frame record can be read at fp without faulting. */
static bool
frame_readable(uintptr_t fp)
{
	return fp != 0 && (fp & 7) == 0 && plat_addr_mapped(fp) &&
	    plat_addr_mapped(fp + sizeof(uintptr_t));
}

void
bmk_backtrace(uintptr_t pc, uintptr_t fp, bool pc_is_ret)
{
	uintptr_t last = 0;
	int repeats = 0;

	/* A return address minus one lies inside the call instruction. */
	cons_printf("backtrace:\n");
	cons_printf("  #0 0x%016lx", (unsigned long)pc);
	bmk_print_symbol(pc, pc_is_ret ? pc - 1 : pc);
	for (int n = 1; n < BACKTRACE_MAX && frame_readable(fp); n++) {
		const uintptr_t *frame = (const uintptr_t *)fp;
		uintptr_t next = frame[0], ret = frame[1];

		if (ret == 0)
			break;
		if (ret == last) {
			repeats++;	/* recursion: one line for the run */
		} else {
			print_repeats(repeats);
			repeats = 0;
			cons_printf("  #%d 0x%016lx", n, (unsigned long)ret);
			bmk_print_symbol(ret, ret - 1);
		}
		last = ret;
		if (next <= fp)
			break;	/* frames move up the stack, or the chain is bad */
		fp = next;
	}
	print_repeats(repeats);
}

void
bmk_backtrace_here(void)
{
	uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
	const uintptr_t *frame = (const uintptr_t *)fp;

	/* Start at our caller: its pc is our return address. */
	bmk_backtrace(frame[1], frame[0], true);
}
