/*
 * Host tests of the boot command line splitter (boot/cmdline.c).
 * unit-sources: boot/cmdline.c
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conscapture.h"

#include <bmk/cmdline.h>


static struct cmdline cl;

static void
parse(const char *line)
{
	consbuf[0] = '\0';
	cmdline_parse(&cl, line);
}

static void
test_split(void)
{
	parse("quiet hostname=box Foo=bar -- a 'b c' \"d\\\"e\" f\\ g");
	NCHECK("split: options", cl.cl_nopt == 3 &&
	    strcmp(cl.cl_opt[1], "hostname=box") == 0);
	NCHECK("split: argc", cl.cl_argc == 4);
	NCHECK("split: single quotes", strcmp(cl.cl_argv[1], "b c") == 0);
	NCHECK("split: escaped double quote", strcmp(cl.cl_argv[2], "d\"e") == 0);
	NCHECK("split: escaped blank", strcmp(cl.cl_argv[3], "f g") == 0);
	NCHECK("split: argv NULL-terminated", cl.cl_argv[4] == NULL);
	NCHECK("split: no warnings", cl.cl_warnings == 0 && consbuf[0] == '\0');
	NCHECK("get: value", strcmp(cmdline_get(&cl, "hostname"), "box") == 0);
	NCHECK("get: bare flag", strcmp(cmdline_get(&cl, "quiet"), "") == 0);
	NCHECK("get: absent", cmdline_get(&cl, "host") == NULL);
	NCHECK("get: prefix is not a match", cmdline_get(&cl, "hostnamex") == NULL);
}

static void
test_edges(void)
{
	parse("");
	NCHECK("empty line", cl.cl_nopt == 0 && cl.cl_argc == 0 &&
	    cl.cl_argv[0] == NULL);
	parse("   \t  ");
	NCHECK("blank line", cl.cl_nopt == 0 && cl.cl_argc == 0);
	parse("--");
	NCHECK("only separator", cl.cl_nopt == 0 && cl.cl_argc == 0);
	parse("a -- b -- c");
	NCHECK("second -- is an argument", cl.cl_argc == 3 &&
	    strcmp(cl.cl_argv[1], "--") == 0);
	parse("x=1 x=2");
	NCHECK("last occurrence wins", strcmp(cmdline_get(&cl, "x"), "2") == 0);
	parse("-- ''");
	NCHECK("empty quoted argument kept", cl.cl_argc == 1 &&
	    cl.cl_argv[0][0] == '\0');
	parse("trailing\\");
	NCHECK("trailing backslash kept", strcmp(cl.cl_opt[0], "trailing\\") == 0);
}

static void
test_garbage(void)
{
	char line[BOOTINFO_CMDLINE_MAX];
	int i;

	parse("a \"open -- b");
	NCHECK("unterminated quote warns", cl.cl_warnings == 1 &&
	    strstr(consbuf, "unterminated quote") != NULL);
	NCHECK("unterminated quote runs to the end", cl.cl_nopt == 2 &&
	    strcmp(cl.cl_opt[1], "open -- b") == 0 && cl.cl_argc == 0);
	parse("a\001b");
	NCHECK("control character replaced", strcmp(cl.cl_opt[0], "a?b") == 0 &&
	    cl.cl_warnings == 1);
	parse("=v ok");
	NCHECK("nameless option dropped", cl.cl_nopt == 1 && cl.cl_warnings == 1);
	for (i = 0; i + 2 < (int)sizeof(line); i += 2) {
		line[i] = 'w';
		line[i + 1] = ' ';
	}
	line[i] = '\0';
	parse(line);
	NCHECK("too many words warns", cl.cl_nopt == CMDLINE_MAXARGS &&
	    strstr(consbuf, "too many words") != NULL);
}

static void
test_peek(void)
{
	consbuf[0] = '\0';
	NCHECK("peek finds an option silently",
	    cmdline_peek("a \"b quiet", "b quiet") && consbuf[0] == '\0');
	NCHECK("peek ignores program arguments", !cmdline_peek("-- quiet", "quiet"));
}

static void
test_known(void)
{
	static const char *const known[] = { "quiet", "hostname", NULL };

	parse("quiet frob=1 HOME=/ hostname=x frob");
	cmdline_check_known(&cl, known);
	NCHECK("unknown options warned once each", cl.cl_warnings == 2 &&
	    strstr(consbuf, "unknown kernel option ignored: frob=1") != NULL);
	NCHECK("upper-case names are environment values",
	    strstr(consbuf, "HOME") == NULL);
}

/* Random bytes must never crash the parser or overrun cl_buf. */
static void
test_random(void)
{
	char line[BOOTINFO_CMDLINE_MAX];
	unsigned seed = 12345;
	int i, j, n, ok = 1;
	const char alphabet[] = "ab =-\"'\\\t\001Z";

	for (i = 0; i < 20000; i++) {
		n = (int)(rand_r(&seed) % (sizeof(line) - 1));
		for (j = 0; j < n; j++)
			line[j] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
		line[n] = '\0';
		parse(line);
		ok &= cl.cl_argc <= CMDLINE_MAXARGS && cl.cl_nopt <= CMDLINE_MAXARGS;
		ok &= cl.cl_argv[cl.cl_argc] == NULL;
	}
	NCHECK("20000 random lines", ok);
}

int
main(void)
{
	test_split();
	test_edges();
	test_garbage();
	test_known();
	test_peek();
	test_random();
	return unit_done();
}
