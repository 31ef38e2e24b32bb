/*
 * Internet addresses for the application (<sys/socket.h> says which
 * layout and why). Both supported arches are little-endian; the byte
 * order functions swap.
 */
#ifndef _NETINET_IN_H_
#define _NETINET_IN_H_

#include <stdint.h>
#include <sys/socket.h>

typedef uint32_t in_addr_t;
typedef uint16_t in_port_t;

struct in_addr {
	in_addr_t s_addr;
};

struct sockaddr_in {
	uint8_t sin_len;
	sa_family_t sin_family;
	in_port_t sin_port;
	struct in_addr sin_addr;
	char sin_zero[8];
};

#define INADDR_ANY ((in_addr_t)0x00000000)
#define INADDR_BROADCAST ((in_addr_t)0xffffffff)
#define INADDR_NONE ((in_addr_t)0xffffffff)
#define INADDR_LOOPBACK ((in_addr_t)0x7f000001)
#define INET_ADDRSTRLEN 16

#define IPPROTO_IP 0
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17

#define IP_TOS 3
#define IP_TTL 4

#define IN_MULTICAST(a) (((uint32_t)(a) & 0xf0000000u) == 0xe0000000u)

static inline uint16_t
htons(uint16_t v)
{
	return __builtin_bswap16(v);
}
static inline uint16_t
ntohs(uint16_t v)
{
	return __builtin_bswap16(v);
}
static inline uint32_t
htonl(uint32_t v)
{
	return __builtin_bswap32(v);
}
static inline uint32_t
ntohl(uint32_t v)
{
	return __builtin_bswap32(v);
}

#endif
