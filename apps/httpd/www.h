/*
 * The files httpd serves. Those under apps/httpd/www/ are compiled in
 * by tools/mkwww.sh (www_files.c, committed: regenerate it after
 * changing www/). The large test files are not stored: their bytes are
 * made on the fly, byte i being i mod 251 (www_gen_fill), so a client
 * can check them (python3: bytes(i % 251 for i in range(n))).
 */
#ifndef HTTPD_WWW_H
#define HTTPD_WWW_H

#include <stddef.h>
#include <stdint.h>

struct www_file {
	const char *wf_path;		/* "/index.html" */
	const char *wf_type;		/* Content-Type */
	const unsigned char *wf_data;	/* NULL: generated */
	size_t wf_len;
};

extern const struct www_file www_files[];
extern const size_t www_nfiles;
extern const struct www_file www_generated[];
extern const size_t www_ngenerated;

/* The bytes [off, off + len) of a generated file. */
void www_gen_fill(uint8_t *dst, size_t off, size_t len);
/* The file at path ("/" and ".../" mean their index.html), or NULL. */
const struct www_file *www_find(const char *path);

#endif
