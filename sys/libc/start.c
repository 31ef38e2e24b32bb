/*
 * The application's start: argv and environment from the boot command
 * line, main(), and exit() with its status (which powers off).
 */
#include <stdlib.h>

#include <bmk/bmk.h>

extern char **environ;
int main(int argc, char **argv);

void
bmk_app_entry(void)
{
	int argc;
	char **argv = bmk_argv(&argc);

	environ = bmk_environ();
	exit(main(argc, argv));
}

void
_exit(int status)
{
	bmk_exit(status);
}
