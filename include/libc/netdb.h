/*
 * Name and service resolution for the application (sys/libc/netdb.c,
 * the DNS stub resolver in sys/libc/resolv*.c). IPv4 only.
 *
 * Host names: dotted quads are converted without DNS; other names are
 * looked up with DNS A queries (RFC 1035) over UDP to the servers that
 * DHCP or the net= option gave (rumpmetal_dns_servers). "localhost" is
 * refused (EAI_NONAME / HOST_NOT_FOUND): the stack has no loopback
 * interface. Services: decimal port numbers and a few names (echo 7,
 * discard 9, ftp 21, ssh 22, telnet 23, smtp 25, domain 53, http/www 80,
 * ntp 123, https 443).
 *
 * Layouts are POSIX's. The EAI_* values are negative, as glibc numbers
 * them; only the names are portable.
 */
#ifndef _NETDB_H_
#define _NETDB_H_

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>

struct hostent {
	char *h_name;		/* official name */
	char **h_aliases;	/* NULL-terminated */
	int h_addrtype;		/* AF_INET */
	int h_length;		/* 4 */
	char **h_addr_list;	/* NULL-terminated, network order */
};
#define h_addr h_addr_list[0]

struct servent {
	char *s_name;
	char **s_aliases;
	int s_port;		/* network order */
	char *s_proto;
};

struct addrinfo {
	int ai_flags;
	int ai_family;
	int ai_socktype;
	int ai_protocol;
	socklen_t ai_addrlen;
	struct sockaddr *ai_addr;
	char *ai_canonname;
	struct addrinfo *ai_next;
};

/* ai_flags */
#define AI_PASSIVE 0x0001	/* node NULL: the wildcard address */
#define AI_CANONNAME 0x0002
#define AI_NUMERICHOST 0x0004	/* no DNS */
#define AI_V4MAPPED 0x0008	/* accepted, no effect (no IPv6) */
#define AI_ALL 0x0010		/* accepted, no effect */
#define AI_ADDRCONFIG 0x0020	/* accepted, no effect */
#define AI_NUMERICSERV 0x0400	/* no service names */

/* getnameinfo flags */
#define NI_NOFQDN 0x0001
#define NI_NUMERICHOST 0x0002
#define NI_NAMEREQD 0x0004
#define NI_NUMERICSERV 0x0008
#define NI_NUMERICSCOPE 0x0010
#define NI_DGRAM 0x0020
#define NI_MAXHOST 1025
#define NI_MAXSERV 32

/* getaddrinfo/getnameinfo results */
#define EAI_BADFLAGS (-1)
#define EAI_NONAME (-2)
#define EAI_AGAIN (-3)
#define EAI_FAIL (-4)
#define EAI_FAMILY (-6)
#define EAI_SOCKTYPE (-7)
#define EAI_SERVICE (-8)
#define EAI_MEMORY (-10)
#define EAI_SYSTEM (-11)	/* errno says why */
#define EAI_OVERFLOW (-12)

/* h_errno */
#define NETDB_INTERNAL (-1)	/* errno says why */
#define NETDB_SUCCESS 0
#define HOST_NOT_FOUND 1
#define TRY_AGAIN 2
#define NO_RECOVERY 3
#define NO_DATA 4
#define NO_ADDRESS NO_DATA

extern int h_errno;

int getaddrinfo(const char *node, const char *service,
    const struct addrinfo *hints, struct addrinfo **res);
void freeaddrinfo(struct addrinfo *ai);
const char *gai_strerror(int error);
int getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host,
    socklen_t hostlen, char *serv, socklen_t servlen, int flags);

/* Not reentrant: the result lives in static storage until the next call. */
struct hostent *gethostbyname(const char *name);
struct hostent *gethostbyaddr(const void *addr, socklen_t len, int type);
struct servent *getservbyname(const char *name, const char *proto);
struct servent *getservbyport(int port, const char *proto);
const char *hstrerror(int error);
void herror(const char *s);

#endif
