/*
 * nc's shared pieces: options (main.c) and the data loops (io.c).
 */
#ifndef NC_NC_H
#define NC_NC_H

#include <stdbool.h>
#include <stdint.h>

struct nc_opts {
	bool o_listen;
	bool o_udp;
	long o_lport;		/* -p: local port, 0 if none */
	double o_quit;		/* -q: seconds after our EOF; <0 none */
	double o_wait;		/* -w: connect and idle timeout; <0 none */
	long long o_send;	/* -s: bytes to generate; <0 off */
	bool o_discard;		/* -d: read, count, answer the count */
	double o_netwait;
	const char *o_host;	/* NULL: any (listen) */
	const char *o_port;
};

double nc_now(void);
/*
 * Copies the console to the socket and the socket to the console until
 * the peer closes (TCP), the -q time after the console's end (Ctrl-D)
 * passes, or -w idle time passes. Exit status.
 */
int nc_copy(int s, const struct nc_opts *o);
/*
 * Sends o_send bytes (byte i is i mod 251), ends sending (TCP: shuts
 * down its side), receives until the peer closes (UDP: until as many
 * bytes came back or -q/-w idle time passed) and prints
 * "nc: sent N bytes, received M bytes, sha256 HEX". Exit status.
 */
int nc_sendgen(int s, const struct nc_opts *o);
int nc_discard(int s, const struct nc_opts *o);

#endif
