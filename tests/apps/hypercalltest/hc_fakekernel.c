/* fakekernel.c of the hypercall conformance suite, built into this app. */
#include "../../hypercall/fakekernel.c"
