/* SPDX-License-Identifier: ISC */
/* unit.h: a tiny assertion macro and counters for unit tests. */
#ifndef UNIT_H
#define UNIT_H

#include <errno.h>
#include <stdio.h>
#include <time.h>

static int unit_pass;
static int unit_fail;

/* Check one condition; report the failing line, go on with the next check. */
#define CHECK(cond) do {						\
	if (cond) {							\
		unit_pass++;						\
	} else {							\
		unit_fail++;						\
		(void)fprintf(stderr, "%s:%d: CHECK failed: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
	}								\
} while (0)

/* End of main: print the counts for tests/unit/run.sh and set the status. */
#define UNIT_DONE() do {						\
	(void)printf("%d passed, %d failed\n", unit_pass, unit_fail);	\
	return unit_fail == 0 ? 0 : 1;					\
} while (0)

/* Sleep ms milliseconds, whatever signals arrive meanwhile. */
static inline void
unit_sleep_ms(long ms)
{
	struct timespec ts;
	int r;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	do	/* after EINTR, ts holds the rest of the interval */
		r = nanosleep(&ts, &ts);
	while (r < 0 && errno == EINTR);
}

#endif
