/* SPDX-License-Identifier: ISC */
/* failure.h: how a start-up step says what failed, so only main prints and exits. */
#ifndef FAILURE_H
#define FAILURE_H

/* Filled by the step that failed; main prints "echod: what: strerror(errnum)". */
struct failure {
	int	status;		/* exit status (echod.h) */
	int	errnum;		/* errno, or 0 when why says it */
	char	what[128];
	char	why[128];	/* used when errnum is 0 */
};

/* Record a failure; returns -1 for "return failure_set(...)" call sites. */
int	failure_set(struct failure *f, int status, int errnum, const char *what,
	    const char *why);

#endif
