/* suite_mem.c of the hypercall conformance suite, built into this app. */
#include "../../hypercall/suite_mem.c"
