/* Address conversion (sys/libc/inet.c). */
#ifndef _ARPA_INET_H_
#define _ARPA_INET_H_

#include <netinet/in.h>

in_addr_t inet_addr(const char *s);
int inet_aton(const char *s, struct in_addr *a);
/* Not reentrant: one static buffer, as everywhere. */
char *inet_ntoa(struct in_addr a);
int inet_pton(int af, const char *src, void *dst);
const char *inet_ntop(int af, const void *src, char *dst, socklen_t len);

#endif
