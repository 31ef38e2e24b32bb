/* suite_misc.c of the hypercall conformance suite, built into this app. */
#include "../../hypercall/suite_misc.c"
