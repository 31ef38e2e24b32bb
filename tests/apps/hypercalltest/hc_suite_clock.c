/* suite_clock.c of the hypercall conformance suite, built into this app. */
#include "../../hypercall/suite_clock.c"
