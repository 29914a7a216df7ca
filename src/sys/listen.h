/* SPDX-License-Identifier: ISC */
/* listen.h: the listening sockets: numeric address, dual stack, socket activation, readiness text. */
#ifndef LISTEN_H
#define LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/args.h"
#include "sys/failure.h"
#include "sys/sockaddr.h"

struct listener {
	int	fd;
	int	type;			/* SOCK_STREAM or SOCK_DGRAM */
	char	text[ADDR_TEXT_MAX];	/* "ADDR:PORT" as bound */
};

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
