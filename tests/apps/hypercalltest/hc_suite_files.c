/* suite_files.c of the hypercall conformance suite, built into this app. */
#include "../../hypercall/suite_files.c"
