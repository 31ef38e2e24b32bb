/* suite_mutex.c of the hypercall conformance suite, built into this app. */
#include "../../hypercall/suite_mutex.c"
