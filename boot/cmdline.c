/*
 * Boot command line splitting (see bmk/cmdline.h for the syntax).
 *
 * The line comes from the boot loader and from whoever typed it: any byte
 * may appear. Control characters are replaced, quotes that do not close
 * and lines with too many words are reported, and parsing goes on with
 * what makes sense.
 */
#include <bmk/cmdline.h>
#include <bmk/cons.h>

static void
warn(struct cmdline *cl, const char *msg, const char *word)
{
	cl->cl_warnings++;
	if (cl->cl_silent)
		return;
	cons_printf("cmdline: warning: %s%s%s\n", msg, word ? ": " : "",
	    word ? word : "");
}

/*
 * Copy the next word of *sp into *dp, unquoting. Returns 0 at the end of
 * the line. Invariant: the output never grows faster than the input, so
 * cl_buf (as large as the line) cannot overflow.
 */
static int
next_word(struct cmdline *cl, const char **sp, char **dp)
{
	const char *s = *sp;
	char *d = *dp, quote = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		char c = *s;
		if (quote == 0 && (c == ' ' || c == '\t' || c == '\n' ||
		    c == '\r'))
			break;
		if (c == quote) {
			quote = 0;
			continue;
		}
		if (quote == 0 && (c == '"' || c == '\'')) {
			quote = c;
			continue;
		}
		if (c == '\\' && quote != '\'' && s[1] != '\0')
			c = *++s;
		if ((unsigned char)c < 0x20 || c == 0x7f) {
			warn(cl, "control character replaced by '?'", NULL);
			c = '?';
		}
		*d++ = c;
	}
	*d++ = '\0';
	if (quote != 0)
		warn(cl, "unterminated quote closed at end of line", *dp);
	*sp = s;
	*dp = d;
	return 1;
}

static void
split(struct cmdline *cl, const char *line)
{
	const char *s = line;
	char *d = cl->cl_buf, *word;
	int in_args = 0;

	cl->cl_nopt = cl->cl_argc = cl->cl_warnings = 0;
	for (word = d; next_word(cl, &s, &d); word = d) {
		if (!in_args && word[0] == '-' && word[1] == '-' &&
		    word[2] == '\0') {
			in_args = 1;
			continue;
		}
		if (in_args ? cl->cl_argc >= CMDLINE_MAXARGS :
		    cl->cl_nopt >= CMDLINE_MAXARGS) {
			warn(cl, "too many words, ignored from", word);
			break;
		}
		if (in_args)
			cl->cl_argv[cl->cl_argc++] = word;
		else if (word[0] == '=' || word[0] == '\0')
			warn(cl, "option without a name ignored", word);
		else
			cl->cl_opt[cl->cl_nopt++] = word;
	}
	cl->cl_argv[cl->cl_argc] = NULL;
}

void
cmdline_parse(struct cmdline *cl, const char *line)
{
	cl->cl_silent = false;
	split(cl, line);
}

/* Length of the name part of "name=value". */
static size_t
name_len(const char *opt)
{
	size_t n = 0;

	while (opt[n] != '\0' && opt[n] != '=')
		n++;
	return n;
}

static int
name_is(const char *opt, const char *name)
{
	size_t n = name_len(opt), i;

	for (i = 0; i < n; i++)
		if (name[i] != opt[i])
			return 0;
	return name[n] == '\0';
}

const char *
cmdline_get(const struct cmdline *cl, const char *name)
{
	int i;

	for (i = cl->cl_nopt - 1; i >= 0; i--) {
		const char *opt = cl->cl_opt[i];
		if (name_is(opt, name))
			return opt[name_len(opt)] == '=' ? opt + name_len(opt) + 1 :
			    "";
	}
	return NULL;
}

void
cmdline_check_known(struct cmdline *cl, const char *const *known)
{
	int i, k;

	for (i = 0; i < cl->cl_nopt; i++) {
		const char *opt = cl->cl_opt[i];
		if (opt[0] >= 'A' && opt[0] <= 'Z')
			continue;	/* environment value */
		for (k = 0; known[k] != NULL; k++)
			if (name_is(opt, known[k]))
				break;
		if (known[k] == NULL)
			warn(cl, "unknown kernel option ignored", opt);
	}
}

bool
cmdline_peek(const char *line, const char *name)
{
	static struct cmdline scratch;

	cmdline_parse(&scratch, "");
	scratch.cl_silent = true;
	split(&scratch, line);
	return cmdline_get(&scratch, name) != NULL;
}
