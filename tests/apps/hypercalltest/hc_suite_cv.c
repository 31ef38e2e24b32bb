/* suite_cv.c of the hypercall conformance suite, built into this app. */
#include "../../hypercall/suite_cv.c"
