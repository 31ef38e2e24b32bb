/*
 * Kernel symbol table for fault reports. The table is generated from the
 * first link pass (tools/mksyms.sh) and linked into the final image.
 */
#ifndef BMK_KSYMS_H
#define BMK_KSYMS_H

#include <stdint.h>

struct ksym {
	uint64_t ks_addr;
	uint32_t ks_name;	/* offset into ksyms_strings */
	uint32_t ks_pad;
};
_Static_assert(sizeof(struct ksym) == 16, "tools/mksyms.sh emits 16-byte entries");

/*
 * Name of the function containing addr and the offset into it, or NULL
 * when addr is outside the known text.
 */
const char *ksyms_lookup(uintptr_t addr, uintptr_t *off);

#endif
