/* inetd.h: --inetd: serve the one connection on standard input/output, then exit. */
#ifndef INETD_H
#define INETD_H

#include "core/args.h"

/* Serve fd 0 (a connected stream socket). Returns the exit status. */
int	inetd_run(const struct config *cfg);

#endif
