/* suite_thread.c of the hypercall conformance suite, built into this app. */
#include "../../hypercall/suite_thread.c"
