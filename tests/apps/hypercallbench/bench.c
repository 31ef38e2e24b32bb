/* The hypercall benchmark (bench/hypercall/bench.c), built into this app. */
#include "../../../bench/hypercall/bench.c"
