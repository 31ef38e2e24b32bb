/*
 * Host entry of the hypercall conformance suite: runs it over
 * hypercall-posix. A bare-metal application calls hypercall_suite_main()
 * the same way. Exit status: 0 if no case failed.
 */
#include <stdlib.h>

#include "suite.h"

int
main(void)
{
	setenv("RUMPMETAL_TEST_PARAM", "hello-param", 1);
	return hypercall_suite_main() == 0 ? 0 : 1;
}
