/*
 * The /status page: plain text with httpd's own counters, the uptime,
 * the network configuration and the kernel's counters (interfaces,
 * mbufs) as <rumpmetal/net.h> reports them.
 */
#include <stdio.h>
#include <stdlib.h>

#include <rumpmetal/net.h>

#include "httpd.h"

#define STATUS_MAX 16384

char *
status_page(const struct httpd *h, size_t *len)
{
	const struct httpd_stats *s = &h->h_st;
	char *buf = malloc(STATUS_MAX);
	uint64_t up = now_ms();
	size_t n;
	int k;

	if (buf == NULL)
		return NULL;
	k = snprintf(buf, STATUS_MAX, "rumpmetal httpd\n"
	    "uptime_ms %llu\nserving_ms %llu\n"
	    "connections_accepted %llu\nconnections_open %llu\n"
	    "connections_peak %llu\nconnections_timed_out %llu\n"
	    "connections_refused %llu\nrequests %llu\n"
	    "responses_2xx %llu\nresponses_4xx %llu\nresponses_5xx %llu\n"
	    "bytes_sent %llu\n\n",
	    (unsigned long long)up, (unsigned long long)(up - s->hs_start_ms),
	    (unsigned long long)s->hs_accepted,
	    (unsigned long long)s->hs_active, (unsigned long long)s->hs_peak,
	    (unsigned long long)s->hs_timeouts,
	    (unsigned long long)s->hs_refused,
	    (unsigned long long)s->hs_requests, (unsigned long long)s->hs_2xx,
	    (unsigned long long)s->hs_4xx, (unsigned long long)s->hs_5xx,
	    (unsigned long long)s->hs_bytes);
	n = k < 0 ? 0 : (size_t)k >= STATUS_MAX ? STATUS_MAX - 1 : (size_t)k;
	if (n < STATUS_MAX)
		n += rumpmetal_netinfo(buf + n, STATUS_MAX - n);
	if (n + 1 < STATUS_MAX) {
		buf[n++] = '\n';
		buf[n] = '\0';
	}
	if (n < STATUS_MAX)
		n += rumpmetal_netstats(buf + n, STATUS_MAX - n);
	*len = n;
	return buf;
}
