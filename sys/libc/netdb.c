/*
 * Name and service resolution (include/libc/netdb.h): getaddrinfo,
 * getnameinfo and the older gethostbyname family over the DNS stub
 * resolver (resolv.h) and a small built-in service table.
 *
 * No loopback: the stack has no loopback interface (ip_output refuses
 * 127/8), so "localhost", and a NULL node without AI_PASSIVE, are
 * refused with EAI_NONAME rather than handing out 127.0.0.1, which
 * connect() could not reach.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "resolv.h"

#define AI_KNOWN (AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | \
	AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG | AI_NUMERICSERV)
#define NI_KNOWN (NI_NOFQDN | NI_NUMERICHOST | NI_NAMEREQD | \
	NI_NUMERICSERV | NI_NUMERICSCOPE | NI_DGRAM)

int h_errno;

/* Every entry is a service over both TCP and UDP (IANA assigns both). */
static const struct {
	const char *sv_name;
	uint16_t sv_port;
} services[] = {
	{ "echo", 7 }, { "discard", 9 }, { "daytime", 13 }, { "ftp", 21 },
	{ "ssh", 22 }, { "telnet", 23 }, { "smtp", 25 }, { "domain", 53 },
	{ "http", 80 }, { "www", 80 }, { "ntp", 123 }, { "https", 443 },
};
#define NSERVICES (sizeof(services) / sizeof(services[0]))

/* Where a host lookup ended. */
struct host_answer {
	uint32_t ha_addr[DNS_MAXADDRS];	/* network order */
	unsigned ha_naddr;
	char ha_canon[DNS_MAXNAME + 1];
};

static int
digits_only(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return 0;
	}
	return 1;
}

/* 0 with *port (host order), or EAI_NONAME / EAI_SERVICE. */
static int
service_port(const char *serv, int flags, uint16_t *port)
{
	if (serv == NULL) {
		*port = 0;
		return 0;
	}
	if (digits_only(serv)) {
		unsigned long v = strtoul(serv, NULL, 10);

		if (strlen(serv) > 5 || v > 65535)
			return EAI_SERVICE;
		*port = (uint16_t)v;
		return 0;
	}
	if ((flags & AI_NUMERICSERV) != 0)
		return EAI_NONAME;
	for (unsigned i = 0; i < NSERVICES; i++) {
		if (strcmp(services[i].sv_name, serv) == 0) {
			*port = services[i].sv_port;
			return 0;
		}
	}
	return EAI_SERVICE;
}

static const char *
service_name(uint16_t port)
{
	for (unsigned i = 0; i < NSERVICES; i++) {
		if (services[i].sv_port == port)
			return services[i].sv_name;
	}
	return NULL;
}

static int
is_localhost(const char *s)
{
	static const char lh[] = "localhost";

	for (unsigned i = 0; i < sizeof(lh) - 1; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c != lh[i])
			return 0;
	}
	s += sizeof(lh) - 1;
	return s[0] == '\0' || (s[0] == '.' && s[1] == '\0');
}

/* A resolver outcome as getaddrinfo's and h_errno's codes. */
static int
res_to_eai(enum res_error e, int err, int *herr)
{
	switch (e) {
	case RES_OK:
		*herr = NETDB_SUCCESS;
		return 0;
	case RES_NONAME:
		*herr = HOST_NOT_FOUND;
		return EAI_NONAME;
	case RES_NODATA:
		*herr = NO_DATA;
		return EAI_NONAME;
	case RES_AGAIN:
		*herr = TRY_AGAIN;
		return EAI_AGAIN;
	case RES_SYSTEM:
		*herr = NETDB_INTERNAL;
		errno = err;
		return EAI_SYSTEM;
	default:
		*herr = NO_RECOVERY;
		return EAI_FAIL;
	}
}

/* DNS A lookup of a name that is not numeric. */
static int
host_dns(const char *node, struct host_answer *ha, int *herr)
{
	uint8_t wire[DNS_MAXNAME];
	struct dns_result r;
	enum res_error e;
	unsigned wl;
	int err = 0, rv;

	if (dns_name_from_text(node, wire, sizeof(wire), &wl) != 0) {
		*herr = HOST_NOT_FOUND;
		return EAI_NONAME;
	}
	e = res_platform_lookup(wire, wl, DNS_T_A, &r, &err);
	if ((rv = res_to_eai(e, err, herr)) != 0)
		return rv;
	ha->ha_naddr = r.dr_naddr;
	memcpy(ha->ha_addr, r.dr_addr, r.dr_naddr * sizeof(r.dr_addr[0]));
	if (dns_name_to_text(r.dr_name, r.dr_namelen, ha->ha_canon,
	    sizeof(ha->ha_canon)) != 0)
		snprintf(ha->ha_canon, sizeof(ha->ha_canon), "%s", node);
	return 0;
}

/* A host name or address to addresses: 0 or EAI_*; *herr as h_errno. */
static int
host_lookup(const char *node, int flags, struct host_answer *ha, int *herr)
{
	struct in_addr a;

	memset(ha, 0, sizeof(*ha));
	if (inet_aton(node, &a)) {
		ha->ha_addr[0] = a.s_addr;
		ha->ha_naddr = 1;
		snprintf(ha->ha_canon, sizeof(ha->ha_canon), "%s", node);
		*herr = NETDB_SUCCESS;
		return 0;
	}
	if ((flags & AI_NUMERICHOST) != 0 || is_localhost(node)) {
		*herr = HOST_NOT_FOUND;
		return EAI_NONAME;
	}
	return host_dns(node, ha, herr);
}

/* The request getaddrinfo was given, checked. */
struct gai_req {
	int gr_flags;
	int gr_socktype;	/* 0: both stream and datagram */
	int gr_protocol;	/* 0: the socktype's default */
};

static int
hints_check(const struct addrinfo *hints, struct gai_req *g)
{
	*g = (struct gai_req){ 0 };
	if (hints == NULL)
		return 0;
	if ((hints->ai_flags & ~AI_KNOWN) != 0)
		return EAI_BADFLAGS;
	if (hints->ai_family != AF_UNSPEC && hints->ai_family != AF_INET)
		return EAI_FAMILY;
	g->gr_flags = hints->ai_flags;
	g->gr_socktype = hints->ai_socktype;
	g->gr_protocol = hints->ai_protocol;
	switch (g->gr_protocol) {
	case 0:
		break;
	case IPPROTO_TCP:
		if (g->gr_socktype == 0)
			g->gr_socktype = SOCK_STREAM;
		break;
	case IPPROTO_UDP:
	case IPPROTO_ICMP:
		if (g->gr_socktype == 0)
			g->gr_socktype = SOCK_DGRAM;
		break;
	default:
		return EAI_SOCKTYPE;
	}
	if (g->gr_socktype != 0 && g->gr_socktype != SOCK_STREAM &&
	    g->gr_socktype != SOCK_DGRAM)
		return EAI_SOCKTYPE;
	if ((g->gr_protocol == IPPROTO_TCP && g->gr_socktype != SOCK_STREAM) ||
	    (g->gr_protocol != IPPROTO_TCP && g->gr_protocol != 0 &&
	    g->gr_socktype != SOCK_DGRAM))
		return EAI_SOCKTYPE;
	return 0;
}

/* One result entry and its address, in one allocation. */
struct ai_block {
	struct addrinfo ab_ai;
	struct sockaddr_in ab_sin;
};

static struct addrinfo *
ai_new(uint32_t addr, uint16_t port, int socktype, int protocol)
{
	struct ai_block *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	b->ab_sin.sin_len = sizeof(b->ab_sin);
	b->ab_sin.sin_family = AF_INET;
	b->ab_sin.sin_port = htons(port);
	b->ab_sin.sin_addr.s_addr = addr;
	b->ab_ai.ai_family = AF_INET;
	b->ab_ai.ai_socktype = socktype;
	b->ab_ai.ai_protocol = protocol != 0 ? protocol :
	    socktype == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
	b->ab_ai.ai_addrlen = sizeof(b->ab_sin);
	b->ab_ai.ai_addr = (struct sockaddr *)&b->ab_sin;
	return &b->ab_ai;
}

void
freeaddrinfo(struct addrinfo *ai)
{
	while (ai != NULL) {
		struct addrinfo *next = ai->ai_next;

		free(ai->ai_canonname);
		free(ai);	/* the struct ai_block */
		ai = next;
	}
}

/* The list: each address once per socket type, in answer order. */
static int
ai_build(const struct gai_req *g, const struct host_answer *ha,
    uint16_t port, struct addrinfo **res)
{
	static const int both[] = { SOCK_STREAM, SOCK_DGRAM };
	struct addrinfo *head = NULL, **tail = &head;
	unsigned nst = g->gr_socktype != 0 ? 1 : 2;

	for (unsigned i = 0; i < ha->ha_naddr; i++) {
		for (unsigned k = 0; k < nst; k++) {
			int st = g->gr_socktype != 0 ? g->gr_socktype : both[k];

			if ((*tail = ai_new(ha->ha_addr[i], port, st,
			    g->gr_protocol)) == NULL)
				goto nomem;
			tail = &(*tail)->ai_next;
		}
	}
	if ((g->gr_flags & AI_CANONNAME) != 0 &&
	    (head->ai_canonname = strdup(ha->ha_canon)) == NULL)
		goto nomem;
	*res = head;
	return 0;
nomem:
	freeaddrinfo(head);
	return EAI_MEMORY;
}

int
getaddrinfo(const char *node, const char *service,
    const struct addrinfo *hints, struct addrinfo **res)
{
	struct host_answer ha;
	struct gai_req g;
	uint16_t port;
	int rv, herr;

	if (res == NULL)
		return EAI_FAIL;
	*res = NULL;
	if ((rv = hints_check(hints, &g)) != 0)
		return rv;
	if (node == NULL && service == NULL)
		return EAI_NONAME;
	if (node == NULL && (g.gr_flags & AI_CANONNAME) != 0)
		return EAI_BADFLAGS;
	if ((rv = service_port(service, g.gr_flags, &port)) != 0)
		return rv;
	if (node == NULL) {
		if ((g.gr_flags & AI_PASSIVE) == 0)
			return EAI_NONAME;	/* loopback: none here */
		memset(&ha, 0, sizeof(ha));
		ha.ha_addr[0] = htonl(INADDR_ANY);
		ha.ha_naddr = 1;
	} else if ((rv = host_lookup(node, g.gr_flags, &ha, &herr)) != 0) {
		return rv;
	}
	return ai_build(&g, &ha, port, res);
}

const char *
gai_strerror(int error)
{
	switch (error) {
	case 0: return "Success";
	case EAI_BADFLAGS: return "Invalid value for ai_flags";
	case EAI_NONAME: return "Name or service not known";
	case EAI_AGAIN: return "Temporary failure in name resolution";
	case EAI_FAIL: return "Non-recoverable failure in name resolution";
	case EAI_FAMILY: return "ai_family not supported";
	case EAI_SOCKTYPE: return "ai_socktype not supported";
	case EAI_SERVICE: return "Service not supported for ai_socktype";
	case EAI_MEMORY: return "Memory allocation failure";
	case EAI_SYSTEM: return "System error";
	case EAI_OVERFLOW: return "Argument buffer overflow";
	default: return "Unknown error";
	}
}

/* ---- address to name -------------------------------------------------- */

/* PTR lookup of addr into name: 0 or EAI_*. */
static int
addr_to_name(uint32_t addr, char *name, size_t len, int *herr)
{
	uint8_t wire[DNS_MAXNAME];
	struct dns_result r;
	enum res_error e;
	unsigned wl;
	int err = 0, rv;

	if (dns_ptr_name(addr, wire, sizeof(wire), &wl) != 0)
		return EAI_FAIL;
	e = res_platform_lookup(wire, wl, DNS_T_PTR, &r, &err);
	if ((rv = res_to_eai(e, err, herr)) != 0)
		return rv;
	if (dns_name_to_text(r.dr_name, r.dr_namelen, name,
	    (unsigned)len) != 0) {
		*herr = NO_RECOVERY;
		return EAI_FAIL;	/* a name we would not print */
	}
	return 0;
}

static int
copy_out(char *dst, socklen_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		return EAI_OVERFLOW;
	memcpy(dst, src, n + 1);
	return 0;
}

static int
ni_host(uint32_t addr, char *host, socklen_t hostlen, int flags)
{
	char name[DNS_MAXNAME + 1], *dot;
	int rv, herr;

	if ((flags & NI_NUMERICHOST) == 0) {
		rv = addr_to_name(addr, name, sizeof(name), &herr);
		if (rv == 0) {
			if ((flags & NI_NOFQDN) != 0 &&
			    (dot = strchr(name, '.')) != NULL)
				*dot = '\0';
			return copy_out(host, hostlen, name);
		}
		if ((flags & NI_NAMEREQD) != 0)
			return rv == EAI_FAIL ? EAI_NONAME : rv;
	}
	if (inet_ntop(AF_INET, &addr, name, sizeof(name)) == NULL)
		return EAI_FAIL;
	return copy_out(host, hostlen, name);
}

static int
ni_serv(uint16_t port, char *serv, socklen_t servlen, int flags)
{
	const char *name = NULL;
	char num[8];

	if ((flags & NI_NUMERICSERV) == 0)
		name = service_name(port);
	if (name == NULL) {
		snprintf(num, sizeof(num), "%u", port);
		name = num;
	}
	return copy_out(serv, servlen, name);
}

int
getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host,
    socklen_t hostlen, char *serv, socklen_t servlen, int flags)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
	int rv;

	if (sa == NULL || salen < sizeof(*sin) || sa->sa_family != AF_INET)
		return EAI_FAMILY;
	if ((flags & ~NI_KNOWN) != 0)
		return EAI_BADFLAGS;
	if ((host == NULL || hostlen == 0) && (serv == NULL || servlen == 0))
		return EAI_NONAME;
	if (host != NULL && hostlen != 0 &&
	    (rv = ni_host(sin->sin_addr.s_addr, host, hostlen, flags)) != 0)
		return rv;
	if (serv != NULL && servlen != 0 &&
	    (rv = ni_serv(ntohs(sin->sin_port), serv, servlen, flags)) != 0)
		return rv;
	return 0;
}

/* ---- the older interfaces (static results) ----------------------------- */

static struct {
	struct hostent h;
	char name[DNS_MAXNAME + 1];
	char alias[DNS_MAXNAME + 1];
	char *aliases[2];
	uint32_t addrs[DNS_MAXADDRS];
	char *addr_list[DNS_MAXADDRS + 1];
} hostbuf;

static struct hostent *
hostent_fill(const char *name, const char *alias, const uint32_t *addrs,
    unsigned n)
{
	memset(&hostbuf, 0, sizeof(hostbuf));
	snprintf(hostbuf.name, sizeof(hostbuf.name), "%s", name);
	if (alias != NULL && strcmp(alias, name) != 0) {
		snprintf(hostbuf.alias, sizeof(hostbuf.alias), "%s", alias);
		hostbuf.aliases[0] = hostbuf.alias;
	}
	for (unsigned i = 0; i < n; i++) {
		hostbuf.addrs[i] = addrs[i];
		hostbuf.addr_list[i] = (char *)&hostbuf.addrs[i];
	}
	hostbuf.h = (struct hostent){ hostbuf.name, hostbuf.aliases, AF_INET,
	    4, hostbuf.addr_list };
	return &hostbuf.h;
}

struct hostent *
gethostbyname(const char *name)
{
	struct host_answer ha;
	int herr;

	if (name == NULL) {
		h_errno = HOST_NOT_FOUND;
		return NULL;
	}
	if (host_lookup(name, 0, &ha, &herr) != 0) {
		h_errno = herr;
		return NULL;
	}
	h_errno = NETDB_SUCCESS;
	return hostent_fill(ha.ha_canon, name, ha.ha_addr, ha.ha_naddr);
}

struct hostent *
gethostbyaddr(const void *addr, socklen_t len, int type)
{
	char name[DNS_MAXNAME + 1];
	uint32_t a;
	int herr;

	if (addr == NULL || type != AF_INET || len != sizeof(a)) {
		h_errno = NETDB_INTERNAL;
		errno = EAFNOSUPPORT;
		return NULL;
	}
	memcpy(&a, addr, sizeof(a));
	if (addr_to_name(a, name, sizeof(name), &herr) != 0) {
		h_errno = herr;
		return NULL;
	}
	h_errno = NETDB_SUCCESS;
	return hostent_fill(name, NULL, &a, 1);
}

static struct servent *
servent_fill(const char *name, uint16_t port, const char *proto)
{
	static struct servent se;
	static char *noaliases[1];
	static char pname[4];

	snprintf(pname, sizeof(pname), "%s", proto != NULL ? proto : "tcp");
	se = (struct servent){ (char *)name, noaliases, htons(port), pname };
	return &se;
}

static int
proto_ok(const char *proto)
{
	return proto == NULL || strcmp(proto, "tcp") == 0 ||
	    strcmp(proto, "udp") == 0;
}

struct servent *
getservbyname(const char *name, const char *proto)
{
	if (name == NULL || !proto_ok(proto))
		return NULL;
	for (unsigned i = 0; i < NSERVICES; i++) {
		if (strcmp(services[i].sv_name, name) == 0)
			return servent_fill(services[i].sv_name,
			    services[i].sv_port, proto);
	}
	return NULL;
}

struct servent *
getservbyport(int port, const char *proto)
{
	const char *name = service_name(ntohs((uint16_t)port));

	if (name == NULL || !proto_ok(proto))
		return NULL;
	return servent_fill(name, ntohs((uint16_t)port), proto);
}

const char *
hstrerror(int error)
{
	switch (error) {
	case NETDB_INTERNAL: return "Resolver internal error";
	case NETDB_SUCCESS: return "Resolver Error 0 (no error)";
	case HOST_NOT_FOUND: return "Unknown host";
	case TRY_AGAIN: return "Host name lookup failure";
	case NO_RECOVERY: return "Unknown server error";
	case NO_DATA: return "No address associated with name";
	default: return "Unknown resolver error";
	}
}

void
herror(const char *s)
{
	if (s != NULL && *s != '\0')
		fprintf(stderr, "%s: ", s);
	fprintf(stderr, "%s\n", hstrerror(h_errno));
}
