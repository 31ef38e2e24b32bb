/*
 * HTTP/1.x request heads (RFC 9112 sections 2-5, RFC 9110 for the
 * semantics httpd needs): finding the end of a head in a buffer and
 * reading the request line and the few header fields that matter to a
 * static server. Pure functions over a buffer (http.c).
 */
#ifndef HTTPD_HTTP_H
#define HTTPD_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_HEADMAX 8192	/* request line and fields: beyond, 431 */
#define HTTP_URIMAX 2048	/* request target: beyond, 414 */
#define HTTP_FIELDMAX 100	/* header fields: beyond, 431 */
#define HTTP_PATHMAX 1024	/* decoded path kept */

enum http_method {
	HM_GET,
	HM_HEAD,
	HM_OTHER,		/* a valid token we do not serve: 405 */
};

struct http_req {
	enum http_method hr_method;
	int hr_minor;		/* HTTP/1.0 or 1.1 (1.x above 1 counts as 1) */
	bool hr_keepalive;	/* from the version and Connection */
	bool hr_body;		/* Content-Length > 0 or Transfer-Encoding */
	char hr_path[HTTP_PATHMAX + 1];	/* percent-decoded, no query */
};

/*
 * Looks at buf[0, len): returns 0 if the head is not complete yet (and
 * may still fit in HTTP_HEADMAX), else the number of bytes the head
 * takes (the next request starts there) with *status 0 when *r is a
 * request to serve, or the error status to answer (400, 405, 414, 431,
 * 505; *r is then filled as far as it could be, hr_keepalive false).
 * For 405 the request is otherwise valid and r->hr_keepalive holds.
 */
size_t http_parse(const char *buf, size_t len, struct http_req *r,
    int *status);

/* "OK", "Not Found", ... */
const char *http_reason(int status);

#endif
