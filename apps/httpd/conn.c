/*
 * One HTTP connection (httpd.h): read a request head into c_in, answer
 * it, and go on with the next one (keep-alive, pipelining) or close.
 *
 * Memory per connection is bounded: the head buffer (HTTP_HEADMAX), the
 * response head (HTTPD_HDRMAX, which also carries the short bodies of
 * error responses) and, only while /status is being sent, its text.
 * File bodies are sent from the image's read-only data or generated
 * per send into one scratch buffer shared by all connections (send
 * copies what it takes, so nothing in it has to outlive the call).
 *
 * While a response is being sent the connection does not read: a
 * pipelined request waits in the socket (or in c_in) until then.
 * After an error that ends the connection, or a request with a body
 * (which httpd does not read), it shuts down its sending side and reads
 * until the peer closes (CS_DRAIN), so the peer sees the response
 * rather than a reset.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "httpd.h"

#define DRAIN_MS 2000

static uint8_t scratch[HTTPD_SCRATCH];

struct conn *
conn_new(int fd, uint64_t now, unsigned idle_ms)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	if ((c->c_in = malloc(HTTP_HEADMAX)) == NULL) {
		free(c);
		return NULL;
	}
	c->c_fd = fd;
	c->c_state = CS_READ;
	c->c_deadline_ms = now + idle_ms;
	return c;
}

void
conn_free(struct conn *c)
{
	free(c->c_dyn);
	free(c->c_in);
	free(c);
}

/* RFC 9110 5.6.7 IMF-fixdate, computed once a second. */
static const char *
http_date(void)
{
	static char buf[40];
	static time_t last = -1;
	time_t t = time(NULL);
	struct tm tm;

	if (t != last) {
		gmtime_r(&t, &tm);
		strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		last = t;
	}
	return buf;
}

/* The response head into c_hdr; body (short, or NULL) follows it. */
static void
set_head(struct httpd *h, struct conn *c, int status, const char *type,
    size_t len, const char *body)
{
	int n;

	n = snprintf(c->c_hdr, sizeof(c->c_hdr), "HTTP/1.1 %d %s\r\n"
	    "Server: rumpmetal-httpd\r\nDate: %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\n%sConnection: %s\r\n\r\n%s", status,
	    http_reason(status), http_date(), type, len,
	    status == 405 ? "Allow: GET, HEAD\r\n" : "",
	    c->c_close ? "close" : "keep-alive", body != NULL ? body : "");
	c->c_hdrlen = n < 0 ? 0 : (size_t)n >= sizeof(c->c_hdr) ?
	    sizeof(c->c_hdr) - 1 : (size_t)n;
	c->c_hdroff = 0;
	if (status < 300)
		h->h_st.hs_2xx++;
	else if (status < 500)
		h->h_st.hs_4xx++;
	else
		h->h_st.hs_5xx++;
}

static void
answer_error(struct httpd *h, struct conn *c, int status, bool head)
{
	char body[64];

	snprintf(body, sizeof(body), "%d %s\n", status, http_reason(status));
	set_head(h, c, status, "text/plain; charset=utf-8", strlen(body),
	    head ? NULL : body);
}

static void
answer(struct httpd *h, struct conn *c, const struct http_req *r, int status)
{
	bool head = r->hr_method == HM_HEAD;
	const struct www_file *f;
	size_t len;

	h->h_st.hs_requests++;
	c->c_close = !r->hr_keepalive || r->hr_body;
	c->c_file = NULL;
	c->c_bodylen = c->c_bodyoff = 0;
	if (status != 0) {
		answer_error(h, c, status, head);
	} else if (strcmp(r->hr_path, "/status") == 0) {
		if ((c->c_dyn = status_page(h, &len)) == NULL) {
			c->c_close = true;
			answer_error(h, c, 503, head);
			return;
		}
		set_head(h, c, 200, "text/plain; charset=utf-8", len, NULL);
		c->c_bodylen = head ? 0 : len;
	} else if ((f = www_find(r->hr_path)) == NULL) {
		answer_error(h, c, 404, head);
	} else {
		set_head(h, c, 200, f->wf_type, f->wf_len, NULL);
		c->c_file = f;
		c->c_bodylen = head ? 0 : f->wf_len;
	}
}

/* What goes out next, into scratch: the rest of the head, then body. */
static size_t
fill(struct conn *c)
{
	size_t n = c->c_hdrlen - c->c_hdroff, b;

	memcpy(scratch, c->c_hdr + c->c_hdroff, n);
	b = c->c_bodylen - c->c_bodyoff;
	if (b > sizeof(scratch) - n)
		b = sizeof(scratch) - n;
	if (c->c_dyn != NULL)
		memcpy(scratch + n, c->c_dyn + c->c_bodyoff, b);
	else if (c->c_file != NULL && c->c_file->wf_data != NULL)
		memcpy(scratch + n, c->c_file->wf_data + c->c_bodyoff, b);
	else if (c->c_file != NULL)
		www_gen_fill(scratch + n, c->c_bodyoff, b);
	return n + b;
}

/* 1: all sent, 0: the socket is full, -1: the connection is gone. */
static int
write_some(struct httpd *h, struct conn *c)
{
	while (c->c_hdroff < c->c_hdrlen || c->c_bodyoff < c->c_bodylen) {
		size_t len = fill(c), hd;
		ssize_t n = send(c->c_fd, scratch, len, MSG_DONTWAIT);

		if (n < 0)
			return errno == EWOULDBLOCK || errno == EAGAIN ? 0 : -1;
		h->h_st.hs_bytes += (uint64_t)n;
		c->c_deadline_ms = now_ms() + h->h_idle_ms;
		hd = c->c_hdrlen - c->c_hdroff;
		if ((size_t)n <= hd) {
			c->c_hdroff += (size_t)n;
		} else {
			c->c_hdroff = c->c_hdrlen;
			c->c_bodyoff += (size_t)n - hd;
		}
	}
	return 1;
}

/* Into c_in (or discarded when draining): >0, 0 would block, -1 EOF/error. */
static int
read_some(struct httpd *h, struct conn *c)
{
	size_t room = HTTP_HEADMAX - c->c_inlen;
	ssize_t n;

	if (c->c_state == CS_DRAIN) {
		n = recv(c->c_fd, scratch, sizeof(scratch), MSG_DONTWAIT);
	} else {
		n = recv(c->c_fd, c->c_in + c->c_inlen, room, MSG_DONTWAIT);
		if (n > 0) {
			c->c_inlen += (size_t)n;
			c->c_deadline_ms = now_ms() + h->h_idle_ms;
		}
	}
	if (n < 0 && (errno == EWOULDBLOCK || errno == EAGAIN))
		return 0;
	return n > 0 ? 1 : -1;
}

/* The response went out: next request, or shut down and drain. */
static void
response_done(struct conn *c)
{
	free(c->c_dyn);
	c->c_dyn = NULL;
	if (c->c_close) {
		shutdown(c->c_fd, SHUT_WR);
		c->c_state = CS_DRAIN;
		c->c_inlen = 0;
		c->c_deadline_ms = now_ms() + DRAIN_MS;
		return;
	}
	memmove(c->c_in, c->c_in + c->c_headlen, c->c_inlen - c->c_headlen);
	c->c_inlen -= c->c_headlen;
	c->c_state = CS_READ;
}

bool
conn_run(struct httpd *h, struct conn *c, short revents, short *events)
{
	struct http_req r;
	int st, rv;

	if ((revents & POLLNVAL) != 0)
		return false;
	for (;;) {
		if (c->c_state == CS_WRITE) {
			if ((rv = write_some(h, c)) <= 0) {
				*events = POLLOUT;
				return rv == 0;
			}
			response_done(c);
			continue;
		}
		if (c->c_state == CS_READ &&
		    (c->c_headlen = http_parse(c->c_in, c->c_inlen, &r,
		    &st)) != 0) {
			answer(h, c, &r, st);
			c->c_state = CS_WRITE;
			continue;
		}
		if ((rv = read_some(h, c)) <= 0) {
			*events = POLLIN;
			return rv == 0;
		}
	}
}
