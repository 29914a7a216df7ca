/* SPDX-License-Identifier: ISC */
/* child.h: one connection's process, forked by the parent or started by a super-server (--inetd): confine, echo, log the close line, exit. */
#ifndef CHILD_H
#define CHILD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/limits.h"
#include "sys/sockaddr.h"

/*
 * One flag per slot, shared with the children (MAP_SHARED): a child sets
 * its own just before it exits, the parent reads them only before refusing
 * a connection under --max-per-ip. The client sees the session end when
 * the socket closes as the child exits, and may reconnect before the
 * parent can reap that child; the flag says the session is over sooner.
 * Frama-C 25 cannot parse _Atomic; its analyses see the volatile form.
 */
#ifdef __FRAMAC__
typedef volatile unsigned char	done_flag;
#else
typedef _Atomic unsigned char	done_flag;
#endif

/* What a child needs, and nothing of its parent's. */
struct child {
	int				 fd;	  /* the client's connected socket */
	int				 sigfd;	  /* the parent's signal pipe (sig_child); -1: --inetd */
	const union sockaddr_any	*peer;	  /* for the close line; NULL: not an IP peer */
	const struct session_limits	*limits;
	bool				 confine; /* false: --no-sandbox */
	char				*buf;	  /* child_buffer() */
	done_flag			*done;	  /* set as the session ends; NULL: none */
};

/*
 * The echo buffer, ECHOD_BUFSIZE bytes, mapped: the parent maps it once and
 * never touches it, so each child faults in only the pages its client fills
 * (a stack array would be probed page by page by -fstack-clash-protection:
 * 16 page faults per connection). NULL with errno.
 */
char	*child_buffer(void);

/*
 * Serve c->fd: SO_OOBINLINE, the parent's signal handling undone, confine
 * (the last step before any client byte), echo until the session ends, log
 * the close line at -v, exit 0 after the client's EOF, 1 otherwise.
 */
_Noreturn void	child_serve(struct child *c);

/* End a child (or --inetd) with status; confined: the sandbox is on. */
_Noreturn void	child_exit(bool confined, int status);

/*
 * Can a child confine itself here? Forks one that runs sandbox_child and
 * exits. -1 with its errno when it could not (EINVAL where the kernel or
 * an emulator has no seccomp filter), so that the server refuses to start
 * instead of resetting every client; 0 when it could, or when no child
 * could be forked to ask.
 */
int	child_probe(void);

/* A wait status for a log line: "killed by signal N (NAME)" or "exited with status N". */
void	child_status_text(int status, char *out, size_t size);

#endif
