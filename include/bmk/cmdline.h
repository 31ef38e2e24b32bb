/*
 * Boot command line: kernel options first, then "--", then the program's
 * arguments. Without "--" every word is a kernel option.
 *
 * Words are separated by blanks; '...' and "..." quote, backslash escapes
 * the next character. A kernel option is NAME or NAME=value. Names in
 * lower case are kernel options and must be known (unknown ones get a
 * warning); names starting with an upper-case letter are environment
 * values for the program and for rumpuser_getparam().
 */
#ifndef BMK_CMDLINE_H
#define BMK_CMDLINE_H

#include <stdbool.h>

#include <bmk/bootinfo.h>

#define CMDLINE_MAXARGS 64

struct cmdline {
	char *cl_opt[CMDLINE_MAXARGS];	/* "name" or "name=value" */
	int cl_nopt;
	char *cl_argv[CMDLINE_MAXARGS + 1];	/* NULL-terminated, no argv[0] */
	int cl_argc;
	int cl_warnings;
	bool cl_silent;		/* count problems without printing them */
	char cl_buf[BOOTINFO_CMDLINE_MAX];
};

/* Split line into cl; prints a warning per problem, never fails. */
void cmdline_parse(struct cmdline *cl, const char *line);
/*
 * Value of option name: the text after '=', "" for a bare NAME, NULL if
 * absent. The last occurrence wins.
 */
const char *cmdline_get(const struct cmdline *cl, const char *name);
/*
 * Whether line has kernel option name, without printing anything: for
 * boot code that must know (for example "quiet") before the real parse.
 */
bool cmdline_peek(const char *line, const char *name);
/* Warn about lower-case options not in the NULL-terminated known list. */
void cmdline_check_known(struct cmdline *cl, const char *const *known);

#endif
