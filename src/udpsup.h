/* SPDX-License-Identifier: ISC */
/* udpsup.h: the parent's side of UDP echo: start the UDP child, restart it when it dies, stop it, read its counters. */
#ifndef UDPSUP_H
#define UDPSUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/acl.h"
#include "sys/listen.h"
#include "udp.h"

struct udpsup {
	bool			 on;		/* a datagram socket is served */
	pid_t			 pid;		/* 0: not running */
	int64_t			 restart;	/* when to (re)start it; -1: not due */
	struct udp_counters	*counters;	/* shared with the child */
	const struct acl	*acl;		/* --allow/--deny, for the child */
};

/* Serve UDP if lis[0..nlis) holds a datagram socket: map the counters, start on the first turn; the child drops what acl refuses. 0, or -1 with errno. */
int	udpsup_setup(struct udpsup *u, const struct listener *lis, int nlis,
	    const struct acl *acl);

/* Start the child if it is due at now. Its signal pipe is sigfd. */
void	udpsup_tick(struct udpsup *u, int64_t now, const struct listener *lis,
	    int nlis, int sigfd, bool confine);

/*
 * Is pid the UDP child? Then it ended with status: log why (unless the
 * parent sent the signal: stopping, killing) and, unless stopping,
 * schedule the restart.
 */
bool	udpsup_reaped(struct udpsup *u, pid_t pid, int status, bool stopping,
	    bool killing);

/* Send the child signo, if it runs. */
void	udpsup_signal(const struct udpsup *u, int signo);

/* " udp_echoed=N udp_dropped=N" for the stats line, or "" without UDP. */
void	udpsup_stats(const struct udpsup *u, char *out, size_t size);

#endif
