/*
 * Symbolized frame-pointer backtraces for fault reports and panics. Both
 * arches keep a frame record [saved frame pointer, return address] at
 * the frame pointer (SysV x86_64 with -fno-omit-frame-pointer, AAPCS64).
 */
#ifndef BMK_BACKTRACE_H
#define BMK_BACKTRACE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Print "backtrace:" and one line per frame, starting at pc with frame
 * pointer fp. pc_is_ret: pc is a return address (symbolize its call).
 * The walk stops at a frame pointer that is misaligned, unmapped
 * (plat_addr_mapped) or not moving up the stack; recursion collapses
 * into one line.
 */
void bmk_backtrace(uintptr_t pc, uintptr_t fp, bool pc_is_ret);

/* The backtrace of the caller (a panic, not a fault). */
void bmk_backtrace_here(void);

/* Print " name+0xoff" for addr (looked up at lookup) and a newline. */
void bmk_print_symbol(uintptr_t addr, uintptr_t lookup);

#endif
