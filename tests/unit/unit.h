/* unit.h: a tiny assertion macro and counters for unit tests. */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>

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

#endif
