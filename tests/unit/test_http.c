/*
 * Host tests of httpd's request-head reader (apps/httpd/http.c):
 * complete and partial heads, keep-alive rules of HTTP/1.0 and 1.1,
 * pipelining, and each error status; random bytes under ASan.
 * unit-sources: apps/httpd/http.c
 * unit-cflags: -Iapps/httpd
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "http.h"

static struct http_req r;
static int st;

static size_t
p(const char *s)
{
	st = -1;
	return http_parse(s, strlen(s), &r, &st);
}

static void
test_get(void)
{
	const char *s = "GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n";

	CHECK(p(s) == strlen(s) && st == 0);
	CHECK(r.hr_method == HM_GET && r.hr_minor == 1 && r.hr_keepalive);
	CHECK(strcmp(r.hr_path, "/index.html") == 0 && !r.hr_body);
	CHECK(p("HEAD /a%20b?x=1 HTTP/1.1\nHost: a\n\n") > 0 && st == 0);
	CHECK(r.hr_method == HM_HEAD && strcmp(r.hr_path, "/a b") == 0);
	CHECK(p("\r\nGET http://h:80/x HTTP/1.1\r\nHost: h\r\n\r\n") > 0);
	CHECK(st == 0 && strcmp(r.hr_path, "/x") == 0);
}

static void
test_partial(void)
{
	const char *s = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
	char buf[64];

	for (size_t n = 0; n < strlen(s); n++) {
		memcpy(buf, s, n);
		CHECKMSG(http_parse(buf, n, &r, &st) == 0, "prefix %zu", n);
	}
}

static void
test_keepalive(void)
{
	CHECK(p("GET / HTTP/1.0\r\n\r\n") > 0 && st == 0 && !r.hr_keepalive);
	CHECK(p("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") > 0 &&
	    r.hr_keepalive);
	CHECK(p("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, close\r\n\r\n")
	    > 0 && st == 0 && !r.hr_keepalive);
	CHECK(p("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n") > 0
	    && st == 0 && r.hr_body);
	CHECK(p("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n") > 0
	    && st == 0 && !r.hr_body);
}

static void
test_pipelined(void)
{
	const char *s = "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\n";
	size_t n = p(s);

	CHECK(n == strlen("GET /a HTTP/1.1\r\nHost: a\r\n\r\n") && st == 0);
	CHECK(http_parse(s + n, strlen(s) - n, &r, &st) == 0);
}

static void
test_errors(void)
{
	char big[HTTP_HEADMAX + 100];

	CHECK(p("GET / HTTP/1.1\r\n\r\n") > 0 && st == 400);	/* no Host */
	CHECK(p("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") > 0 &&
	    st == 400);
	CHECK(p("GET /\r\n\r\n") > 0 && st == 400);
	CHECK(p("GET  / HTTP/1.1\r\nHost: a\r\n\r\n") > 0 && st == 400);
	CHECK(p("GET / HTTP/1.1\r\nHost : a\r\n\r\n") > 0 && st == 400);
	CHECK(p("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n") > 0 &&
	    st == 400);
	CHECK(p("GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n") > 0 && st == 400);
	CHECK(p("GET /%00 HTTP/1.1\r\nHost: a\r\n\r\n") > 0 && st == 400);
	CHECK(p("GET x HTTP/1.1\r\nHost: a\r\n\r\n") > 0 && st == 400);
	CHECK(p("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n") > 0
	    && st == 400);
	CHECK(p("GET / HTTP/2.0\r\nHost: a\r\n\r\n") > 0 && st == 505);
	CHECK(p("POST / HTTP/1.1\r\nHost: a\r\n\r\n") > 0 && st == 405 &&
	    r.hr_keepalive);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "GET /", 5);
	CHECK(p(big) == strlen(big) && st == 414);
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	CHECK(p(big) == strlen(big) && st == 431);
	big[HTTP_HEADMAX] = '\0';	/* a full buffer without an end */
	CHECK(p(big) == strlen(big) && st == 431);
	big[HTTP_HEADMAX - 1] = '\0';	/* one byte of room left */
	CHECK(p(big) == 0);
}

static void
test_many_fields(void)
{
	static char buf[HTTP_HEADMAX];
	size_t n = (size_t)snprintf(buf, sizeof(buf),
	    "GET / HTTP/1.1\r\nHost: a\r\n");

	for (int i = 0; i < HTTP_FIELDMAX; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "X%d: y\r\n", i);
	snprintf(buf + n, sizeof(buf) - n, "\r\n");
	CHECK(p(buf) > 0 && st == 431);
}

static void
test_random(void)
{
	static char buf[600];

	srand(3);
	for (int i = 0; i < 100000; i++) {
		size_t n = (size_t)rand() % sizeof(buf), k;

		for (size_t j = 0; j < n; j++)
			buf[j] = "GET /HTP1.\r\n: a%"[rand() % 17];
		k = http_parse(buf, n, &r, &st);
		CHECK(k <= n);
		CHECK(k == 0 || st == 0 || (st >= 400 && st <= 505));
	}
}

int
main(void)
{
	RUN(test_get);
	RUN(test_partial);
	RUN(test_keepalive);
	RUN(test_pipelined);
	RUN(test_errors);
	RUN(test_many_fields);
	RUN(test_random);
	return unit_done();
}
