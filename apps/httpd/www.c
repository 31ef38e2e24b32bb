/*
 * Finding a file by path (www.h) and the generated test files.
 */
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "www.h"

const struct www_file www_generated[] = {
	{ "/1k.bin", "application/octet-stream", NULL, 1024 },
	{ "/100k.bin", "application/octet-stream", NULL, 100 * 1024 },
	{ "/1m.bin", "application/octet-stream", NULL, 1024 * 1024 },
	{ "/16m.bin", "application/octet-stream", NULL, 16 * 1024 * 1024 },
};
const size_t www_ngenerated = sizeof(www_generated) / sizeof(www_generated[0]);

void
www_gen_fill(uint8_t *dst, size_t off, size_t len)
{
	unsigned v = (unsigned)(off % 251);

	for (size_t i = 0; i < len; i++) {
		dst[i] = (uint8_t)v;
		if (++v == 251)
			v = 0;
	}
}

static const struct www_file *
lookup(const struct www_file *t, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(t[i].wf_path, path) == 0)
			return &t[i];
	}
	return NULL;
}

const struct www_file *
www_find(const char *path)
{
	char p[HTTP_PATHMAX + sizeof("index.html")];
	const struct www_file *f;
	size_t n = strlen(path);

	if (n == 0 || n > HTTP_PATHMAX)
		return NULL;
	snprintf(p, sizeof(p), "%s%s", path, path[n - 1] == '/' ?
	    "index.html" : "");
	if ((f = lookup(www_files, www_nfiles, p)) != NULL)
		return f;
	return lookup(www_generated, www_ngenerated, p);
}
