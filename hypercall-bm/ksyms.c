/*
 * Symbol lookup over the table that tools/mksyms.sh generates: entries
 * sorted by address, the last one marking the end of text.
 */
#include <stddef.h>

#include <bmk/ksyms.h>

extern const uint64_t ksyms_count;
extern const struct ksym ksyms_table[];
extern const char ksyms_strings[];

const char *
ksyms_lookup(uintptr_t addr, uintptr_t *off)
{
	uint64_t lo = 0, hi = ksyms_count;

	/* Invariant: the answer, if any, is in [lo, hi). */
	if (hi < 2 || addr < ksyms_table[0].ks_addr ||
	    addr >= ksyms_table[hi - 1].ks_addr)
		return NULL;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (ksyms_table[mid].ks_addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*off = addr - ksyms_table[lo].ks_addr;
	return &ksyms_strings[ksyms_table[lo].ks_name];
}
