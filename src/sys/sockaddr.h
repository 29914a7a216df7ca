/* SPDX-License-Identifier: ISC */
/* sockaddr.h: a socket address of either family: parse, format, key, port. */
#ifndef SOCKADDR_H
#define SOCKADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "core/addr.h"

/*
 * Any socket address echod handles. The kernel fills it through .sa; code
 * reads the member .sa.sa_family names, so no pointer cast puns one address
 * type as another (the storage member only sizes the union).
 */
union sockaddr_any {
	struct sockaddr		sa;
	struct sockaddr_in	in;
	struct sockaddr_in6	in6;
	struct sockaddr_storage	ss;
};

/* Is text a numeric IPv4 or IPv6 address? Fills *sa and *len when it is. */
bool	sockaddr_parse(const char *text, unsigned int port,
	    union sockaddr_any *sa, socklen_t *len);

/* "ADDR:PORT" or "[ADDR]:PORT" into out; "?:0" for another family. */
void	sockaddr_text(const union sockaddr_any *sa, char *out, size_t size);

/* The address's key (addr_key); false, key untouched, for another family. */
bool	sockaddr_key(const union sockaddr_any *sa, uint8_t key[ADDR_KEY_LEN]);

/* Do a and b name the same address (family and bytes; ports aside)? */
bool	sockaddr_same(const union sockaddr_any *a, const union sockaddr_any *b);

/* The port, host order; 0 for another family. */
unsigned int	sockaddr_port(const union sockaddr_any *sa);

/* Set the port of an IPv4 or IPv6 address. */
void	sockaddr_set_port(union sockaddr_any *sa, unsigned int port);

#endif
