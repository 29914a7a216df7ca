/* SPDX-License-Identifier: ISC */
/* sockaddr.c: socket addresses to and from text and keys; the one place that reads an address's family. */
#include "sys/sockaddr.h"

#include <arpa/inet.h>
#include <string.h>

bool
sockaddr_parse(const char *text, unsigned int port, union sockaddr_any *sa,
    socklen_t *len)
{
	memset(sa, 0, sizeof(*sa));
	if (inet_pton(AF_INET, text, &sa->in.sin_addr) == 1) {
		sa->in.sin_family = AF_INET;
		sa->in.sin_port = htons((uint16_t)port);
		*len = sizeof(sa->in);
		return true;
	}
	memset(sa, 0, sizeof(*sa));
	if (inet_pton(AF_INET6, text, &sa->in6.sin6_addr) == 1) {
		sa->in6.sin6_family = AF_INET6;
		sa->in6.sin6_port = htons((uint16_t)port);
		*len = sizeof(sa->in6);
		return true;
	}
	*len = 0;	/* defined on every path; no bind() accepts it */
	return false;
}

void
sockaddr_text(const union sockaddr_any *sa, char *out, size_t size)
{
	char host[INET6_ADDRSTRLEN];

	host[0] = '\0';
	if (sa->sa.sa_family == AF_INET)
		(void)inet_ntop(AF_INET, &sa->in.sin_addr, host, sizeof(host));
	else if (sa->sa.sa_family == AF_INET6)
		(void)inet_ntop(AF_INET6, &sa->in6.sin6_addr, host, sizeof(host));
	else {
		host[0] = '?';
		host[1] = '\0';
	}
	(void)addr_format(out, size, host, sockaddr_port(sa));
}

bool
sockaddr_key(const union sockaddr_any *sa, uint8_t key[ADDR_KEY_LEN])
{
	if (sa->sa.sa_family == AF_INET) {
		addr_key(key, (const uint8_t *)&sa->in.sin_addr, 4);
		return true;
	}
	if (sa->sa.sa_family == AF_INET6) {
		addr_key(key, sa->in6.sin6_addr.s6_addr, 16);
		return true;
	}
	return false;
}

unsigned int
sockaddr_port(const union sockaddr_any *sa)
{
	if (sa->sa.sa_family == AF_INET)
		return ntohs(sa->in.sin_port);
	if (sa->sa.sa_family == AF_INET6)
		return ntohs(sa->in6.sin6_port);
	return 0;
}

void
sockaddr_set_port(union sockaddr_any *sa, unsigned int port)
{
	if (sa->sa.sa_family == AF_INET)
		sa->in.sin_port = htons((uint16_t)port);
	else if (sa->sa.sa_family == AF_INET6)
		sa->in6.sin6_port = htons((uint16_t)port);
}

bool
sockaddr_same(const union sockaddr_any *a, const union sockaddr_any *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return memcmp(&a->in.sin_addr, &b->in.sin_addr,
		    sizeof(a->in.sin_addr)) == 0;
	if (a->sa.sa_family == AF_INET6)
		return memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr,
		    sizeof(a->in6.sin6_addr)) == 0;
	return false;
}
