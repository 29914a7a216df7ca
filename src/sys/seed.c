/* SPDX-License-Identifier: ISC */
/* seed.c: getrandom(2) until the seed is full (EINTR retried). */
#include "sys/seed.h"

#include <errno.h>
#include <sys/random.h>
#include <sys/types.h>

int
seed_fill(void *seed, size_t len)
{
	char *p;
	ssize_t n;
	size_t got;

	p = seed;
	for (got = 0; got < len; ) {
		n = getrandom(p + got, len - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}
