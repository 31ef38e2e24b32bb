/*
 * Reading HTTP/1.x request heads (http.h), from RFC 9112: the request
 * line (method SP request-target SP HTTP-version), header fields
 * (field-name ":" OWS field-value OWS, no whitespace before the colon,
 * no obsolete line folding), bare LF accepted as a line end, empty
 * lines before the request line skipped (section 2.2). Only Host,
 * Connection, Content-Length and Transfer-Encoding are looked at.
 */
#include <string.h>

#include "http.h"

struct line {
	const char *l_p;
	size_t l_len;		/* without CR LF */
};

static bool
is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+-.^_`|~",
	    c) != NULL);
}

static bool
token_ok(const char *p, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!is_tchar(p[i]))
			return false;
	}
	return true;
}

static bool
ieq(const char *p, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n && word[i] != '\0'; i++) {
		char c = p[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c != word[i])
			return false;
	}
	return i == n && word[i] == '\0';
}

/* The line at *pos (ending before end), moving *pos past its LF. */
static bool
next_line(const char *b, size_t end, size_t *pos, struct line *l)
{
	const char *lf;

	if (*pos >= end || (lf = memchr(b + *pos, '\n', end - *pos)) == NULL)
		return false;
	l->l_p = b + *pos;
	l->l_len = (size_t)(lf - l->l_p);
	if (l->l_len > 0 && l->l_p[l->l_len - 1] == '\r')
		l->l_len--;
	*pos = (size_t)(lf - b) + 1;
	return true;
}

/* Where the head ends (after its empty line), or 0 if not in buf yet. */
static size_t
head_end(const char *b, size_t len, size_t start)
{
	for (size_t p = start; p < len; p++) {
		if (b[p] != '\n')
			continue;
		if (p + 1 < len && b[p + 1] == '\n')
			return p + 2;
		if (p + 2 < len && b[p + 1] == '\r' && b[p + 2] == '\n')
			return p + 3;
	}
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The path of the target, percent-decoded: 0 or a status. */
static int
target_path(const char *t, size_t n, char *out)
{
	size_t i = 0, o = 0;

	if (n > 7 && ieq(t, 7, "http://")) {
		for (i = 7; i < n && t[i] != '/'; i++)
			;
		if (i == n) {
			memcpy(out, "/", 2);
			return 0;
		}
	} else if (n == 0 || t[0] != '/') {
		return 400;
	}
	for (; i < n && t[i] != '?' && t[i] != '#'; i++) {
		int c = (unsigned char)t[i];

		if (c == '%') {
			int h, l;

			if (i + 2 >= n || (h = hexval(t[i + 1])) < 0 ||
			    (l = hexval(t[i + 2])) < 0 || (c = h * 16 + l) == 0)
				return 400;
			i += 2;
		}
		if (o == HTTP_PATHMAX)
			return 414;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
}

/* The request line: 0 or a status. */
static int
request_line(const struct line *l, struct http_req *r)
{
	const char *sp1, *sp2, *v;
	size_t vlen;

	sp1 = memchr(l->l_p, ' ', l->l_len);
	if (sp1 == NULL || !token_ok(l->l_p, (size_t)(sp1 - l->l_p)))
		return 400;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(l->l_p + l->l_len - sp1 - 1));
	if (sp2 == NULL || sp2 == sp1 + 1)
		return 400;
	v = sp2 + 1;
	vlen = (size_t)(l->l_p + l->l_len - v);
	if (vlen != 8 || memcmp(v, "HTTP/", 5) != 0 || v[5] < '0' ||
	    v[5] > '9' || v[6] != '.' || v[7] < '0' || v[7] > '9')
		return 400;
	if (v[5] != '1')
		return 505;
	r->hr_minor = v[7] == '0' ? 0 : 1;
	for (const char *p = sp1 + 1; p < sp2; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return 400;
	}
	if ((size_t)(sp2 - sp1 - 1) > HTTP_URIMAX)
		return 414;
	if ((size_t)(sp1 - l->l_p) == 3 && memcmp(l->l_p, "GET", 3) == 0)
		r->hr_method = HM_GET;
	else if ((size_t)(sp1 - l->l_p) == 4 && memcmp(l->l_p, "HEAD", 4) == 0)
		r->hr_method = HM_HEAD;
	else
		r->hr_method = HM_OTHER;
	return target_path(sp1 + 1, (size_t)(sp2 - sp1 - 1), r->hr_path);
}

/* What the fields said. */
struct fields {
	int f_hosts;
	bool f_close, f_keepalive;
};

static void
connection_tokens(const char *v, size_t n, struct fields *f)
{
	size_t i = 0;

	while (i < n) {
		size_t s, e;

		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		for (s = i; i < n && v[i] != ','; i++)
			;
		for (e = i; e > s && (v[e - 1] == ' ' || v[e - 1] == '\t');)
			e--;
		if (ieq(v + s, e - s, "close"))
			f->f_close = true;
		else if (ieq(v + s, e - s, "keep-alive"))
			f->f_keepalive = true;
	}
}

/* One field line: 0 or a status. */
static int
field(const struct line *l, struct http_req *r, struct fields *f)
{
	const char *colon = memchr(l->l_p, ':', l->l_len), *v;
	size_t nlen, vlen;

	if (l->l_len > 0 && (l->l_p[0] == ' ' || l->l_p[0] == '\t'))
		return 400;	/* obsolete line folding */
	if (colon == NULL || !token_ok(l->l_p, (size_t)(colon - l->l_p)))
		return 400;
	nlen = (size_t)(colon - l->l_p);
	v = colon + 1;
	vlen = l->l_len - nlen - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t'))
		v++, vlen--;
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	if (ieq(l->l_p, nlen, "host")) {
		f->f_hosts++;
	} else if (ieq(l->l_p, nlen, "connection")) {
		connection_tokens(v, vlen, f);
	} else if (ieq(l->l_p, nlen, "transfer-encoding")) {
		r->hr_body = true;
	} else if (ieq(l->l_p, nlen, "content-length")) {
		if (vlen == 0)
			return 400;
		for (size_t i = 0; i < vlen; i++) {
			if (v[i] < '0' || v[i] > '9')
				return 400;
			if (v[i] != '0')
				r->hr_body = true;
		}
	}
	return 0;
}

/* Request line and fields of the complete head buf[start, end). */
static int
parse_head(const char *buf, size_t start, size_t end, struct http_req *r)
{
	struct fields f = { 0 };
	struct line l;
	size_t pos = start;
	int st, n = 0;

	next_line(buf, end, &pos, &l);
	if ((st = request_line(&l, r)) != 0)
		return st;
	while (next_line(buf, end, &pos, &l) && l.l_len > 0) {
		if (++n > HTTP_FIELDMAX)
			return 431;
		if ((st = field(&l, r, &f)) != 0)
			return st;
	}
	if (f.f_hosts > 1 || (r->hr_minor >= 1 && f.f_hosts == 0))
		return 400;
	r->hr_keepalive = !f.f_close && (r->hr_minor >= 1 || f.f_keepalive);
	return r->hr_method == HM_OTHER ? 405 : 0;
}

size_t
http_parse(const char *buf, size_t len, struct http_req *r, int *status)
{
	size_t start = 0, end;
	const char *lf;

	memset(r, 0, sizeof(*r));
	while (start < len && start < 64 &&
	    (buf[start] == '\r' || buf[start] == '\n'))
		start++;
	lf = memchr(buf + start, '\n', len - start);
	if (lf == NULL && len - start > HTTP_URIMAX + 32) {
		*status = 414;
		return len;
	}
	end = head_end(buf, len, start);
	if (end == 0 || end > HTTP_HEADMAX) {
		if (len < HTTP_HEADMAX && end == 0)
			return 0;
		*status = 431;
		return len;
	}
	*status = parse_head(buf, start, end, r);
	if (*status != 0 && *status != 405)
		r->hr_keepalive = false;
	return end;
}

const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}
