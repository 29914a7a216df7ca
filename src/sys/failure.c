/* SPDX-License-Identifier: ISC */
/* failure.c: records a start-up failure for main to report. Never prints. */
#include "sys/failure.h"

#include <stdio.h>

int
failure_set(struct failure *f, int status, int errnum, const char *what,
    const char *why)
{
	f->status = status;
	f->errnum = errnum;
	(void)snprintf(f->what, sizeof(f->what), "%s", what);
	(void)snprintf(f->why, sizeof(f->why), "%s", why != NULL ? why : "");
	return -1;
}
