/* SPDX-License-Identifier: ISC */
/* inetd.h: --inetd: serve the one connection on standard input/output, then exit. */
#ifndef INETD_H
#define INETD_H

#include "core/acl.h"
#include "core/args.h"

/* Serve fd 0 (a connected stream socket) and exit; returns the exit status only when fd 0 cannot be served, or acl refuses its peer. */
int	inetd_run(const struct config *cfg, const struct acl *acl);

#endif
