/* SPDX-License-Identifier: ISC */
/* server.h: the parent: accept loop, fork, reaping, limits, shutdown, stats. */
#ifndef SERVER_H
#define SERVER_H

#include <stddef.h>

#include "core/acl.h"
#include "core/args.h"
#include "sys/listen.h"

/*
 * Serve the listeners until SIGTERM/SIGINT and the end of the grace period.
 * acl is the compiled --allow/--deny rules (main's, for the server's
 * life). sigfd is sig_install()'s pipe. Prints the listening lines first.
 * Returns the exit status.
 */
int	server_run(const struct config *cfg, const struct acl *acl,
	    struct listener *lis, int nlis, int sigfd);

#endif
