/* SPDX-License-Identifier: ISC */
/* test_backoff.c: unit tests for the accept back-off sequence (backoff_next). */
#include "core/backoff.h"
#include "unit.h"

#include <stddef.h>

int
main(void)
{
	static const uint32_t want[] = { 100, 200, 400, 800, 1000, 1000 };
	uint32_t ms;
	size_t i;

	/* An episode: 100 ms, doubling, capped at 1000 ms. */
	ms = 0;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ms = backoff_next(ms);
		CHECK(ms == want[i]);
	}
	/* A new episode (after a success the caller passes 0) starts over. */
	CHECK(backoff_next(0) == 100);
	/* The cap holds from just below it. */
	CHECK(backoff_next(500) == 1000);
	CHECK(backoff_next(499) == 998);
	UNIT_DONE();
}
