/* listen.h: the listening sockets: numeric address, dual stack, socket activation, readiness text. */
#ifndef LISTEN_H
#define LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "core/addr.h"
#include "core/args.h"
#include "sys/failure.h"

/*
 * Any socket address echod handles. The kernel fills it through .sa; code
 * reads the member .sa.sa_family names, so no pointer cast puns one address
 * type as another (Frama-C checks these accesses; its libc's
 * sockaddr_storage has only ss_family, the union's size still covers all).
 */
union sockaddr_any {
	struct sockaddr		sa;
	struct sockaddr_in	in;
	struct sockaddr_in6	in6;
	struct sockaddr_storage	ss;
};

struct listener {
	int	fd;
	int	type;			/* SOCK_STREAM or SOCK_DGRAM */
	char	text[ADDR_TEXT_MAX];	/* "ADDR:PORT" as bound */
};

/* Is text a numeric IPv4 or IPv6 address? Fills *sa and *len when it is. */
bool	listen_parse(const char *text, unsigned int port,
	    union sockaddr_any *sa, socklen_t *len);

/* Format a socket address as "ADDR:PORT" / "[ADDR]:PORT" into out. */
void	listen_format(const union sockaddr_any *sa, char *out, size_t size);

/*
 * Open the listening sockets: those passed by socket activation
 * (LISTEN_PID/LISTEN_FDS), or one TCP socket on cfg's address and port,
 * plus the UDP one with --udp. Returns the count (> 0), or -1 with *f set.
 */
int	listen_open(const struct config *cfg, struct listener *out, size_t max,
	    struct failure *f);

/* Most sockets socket activation may name (LISTEN_FDS). */
#define LISTEN_FDS_MAX	1024u

/*
 * How many sockets the environment passed to this process (systemd
 * Accept=no: LISTEN_PID is ours), as fds 3 on; 0 when none.
 */
uint32_t listen_activated(void);

#endif
