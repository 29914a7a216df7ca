/* server.h: the parent: accept loop, fork, reaping, limits, shutdown, stats. */
#ifndef SERVER_H
#define SERVER_H

#include <stddef.h>

#include "core/args.h"
#include "sys/listen.h"

/*
 * Serve the listeners until SIGTERM/SIGINT and the end of the grace period.
 * sigfd is sig_install()'s pipe. Prints the listening lines first.
 * Returns the exit status.
 */
int	server_run(const struct config *cfg, struct listener *lis, int nlis,
	    int sigfd);

#endif
