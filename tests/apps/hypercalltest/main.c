/*
 * Bare-metal entry of the hypercall conformance suite (tests/hypercall):
 * runs every case over hypercall-bm inside the guest and exits with the
 * number of failed cases (0: all passed or skipped). The suite's sources
 * are compiled into this application by the one-line wrappers next to
 * this file (the build compiles every .c of an application directory).
 * tests/qemu/hypercall boots it with RUMPMETAL_TEST_PARAM=hello-param on
 * the command line, which the getparam case reads back.
 */
#include "../../hypercall/suite.h"

int
main(void)
{
	return hypercall_suite_main();
}

/* A fake rump kernel of its own: no real one is started. */
const int rumpmetal_app_norump = 1;
