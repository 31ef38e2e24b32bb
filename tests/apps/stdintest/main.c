/*
 * Console input test, run inside the guest: reads lines from stdin (the
 * serial console, interrupt driven) and echoes them until "quit".
 */
#include <stdio.h>
#include <string.h>

int
main(void)
{
	char line[128];
	int n = 0;

	printf("stdin: ready\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strcmp(line, "quit") == 0) {
			printf("stdin: %d lines, bye\n", n);
			return 0;
		}
		printf("stdin: got \"%s\"\n", line);
		n++;
	}
	printf("stdin: end of file\n");
	return 1;
}
