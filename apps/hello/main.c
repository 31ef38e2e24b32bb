/*
 * hello: the default application. Prints a greeting, its arguments and
 * the time from boot to main(), then exits 0 (which powers the machine
 * off).
 */
#include <stdio.h>
#include <time.h>

int
main(int argc, char **argv)
{
	struct timespec ts;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* first: time to main() */
	printf("Hello, world! This is %s on rumpmetal.\n", argv[0]);
	printf("argc = %d\n", argc);
	for (i = 0; i < argc; i++)
		printf("argv[%d] = \"%s\"\n", i, argv[i]);
	printf("main() started %ld.%06ld s since boot\n", (long)ts.tv_sec,
	    (long)(ts.tv_nsec / 1000));
	return 0;
}
