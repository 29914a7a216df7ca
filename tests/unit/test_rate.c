/* SPDX-License-Identifier: ISC */
/* test_rate.c: unit tests for token buckets and the UDP loop guard (rate_*). */
#include "core/rate.h"
#include "unit.h"

#include <string.h>

static void
key4(uint8_t key[ADDR_KEY_LEN], uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t raw[4] = { a, b, c, d };

	addr_key(key, raw, 4);
}

int
main(void)
{
	struct bucket b;
	uint8_t k[ADDR_KEY_LEN];
	uint8_t raw6[16];
	int i;
	int taken;

	/* A full bucket gives burst tokens, then none. */
	rate_fill(&b, 1000, 3);
	CHECK(b.tokens == 3 && b.last == 1000);
	CHECK(rate_take(&b, 1000, 10, 3));
	CHECK(rate_take(&b, 1000, 10, 3));
	CHECK(rate_take(&b, 1000, 10, 3));
	CHECK(!rate_take(&b, 1000, 10, 3));
	CHECK(b.tokens == 0);
	/* 10/s: 99 ms refill nothing, 100 ms one token. */
	CHECK(!rate_take(&b, 1099, 10, 3));
	CHECK(rate_take(&b, 1100, 10, 3));
	CHECK(!rate_take(&b, 1100, 10, 3));
	/* A long pause refills up to burst, never beyond. */
	taken = 0;
	for (i = 0; i < 10; i++)
		taken += rate_take(&b, 1000000, 10, 3) ? 1 : 0;
	CHECK(taken == 3);
	/* Time far in the future: no overflow, still capped at burst. */
	taken = 0;
	for (i = 0; i < 10; i++)
		taken += rate_take(&b, INT64_MAX / 2, 4294967295u, 5) ? 1 : 0;
	CHECK(taken == 5);
	/* Clock going backwards gives nothing extra and does not wedge it. */
	rate_fill(&b, 5000, 1);
	CHECK(rate_take(&b, 5000, 1000, 1));
	CHECK(!rate_take(&b, 4000, 1000, 1));
	CHECK(b.last == 4000);
	CHECK(rate_take(&b, 4001, 1000, 1));
	/* Rate 0: never refills. Burst 0: never gives. */
	rate_fill(&b, 0, 1);
	CHECK(rate_take(&b, 0, 0, 1));
	CHECK(!rate_take(&b, 1000000000, 0, 1));
	rate_fill(&b, 0, 0);
	CHECK(!rate_take(&b, 0, 100, 0));
	CHECK(!rate_take(&b, 100000, 100, 0));
	/* rate_refill alone: adds for the time elapsed, takes nothing. */
	rate_fill(&b, 0, 10);
	b.tokens = 2;
	rate_refill(&b, 250, 10, 10);	/* 2.5 tokens: 2 added, last moves */
	CHECK(b.tokens == 4 && b.last == 250);
	rate_refill(&b, 299, 10, 10);	/* under one token: last stays */
	CHECK(b.tokens == 4 && b.last == 250);
	rate_refill(&b, 100000, 10, 10);
	CHECK(b.tokens == 10 && b.last == 100000);
	/* Maximum burst. */
	rate_fill(&b, 0, 4294967295u);
	CHECK(rate_take(&b, 0, 1, 4294967295u) && b.tokens == 4294967294u);

	/* Loop guard: the echo-like source ports. */
	key4(k, 192, 0, 2, 1);
	CHECK(rate_source_ok(k, 1024, 7007));
	CHECK(rate_source_ok(k, 65535, 7007));
	CHECK(rate_source_ok(k, 1, 7007));
	CHECK(!rate_source_ok(k, 0, 7007));
	CHECK(!rate_source_ok(k, 7, 7007));
	CHECK(!rate_source_ok(k, 13, 7007));
	CHECK(!rate_source_ok(k, 17, 7007));
	CHECK(!rate_source_ok(k, 19, 7007));
	CHECK(!rate_source_ok(k, 37, 7007));
	CHECK(!rate_source_ok(k, 11, 7007));	/* systat */
	CHECK(rate_source_ok(k, 10, 7007) && rate_source_ok(k, 12, 7007));
	/* The socket's own port: another echo server. */
	CHECK(!rate_source_ok(k, 7007, 7007));
	CHECK(rate_source_ok(k, 7008, 7007));
	CHECK(!rate_source_ok(k, 5000, 5000));
	CHECK(rate_source_ok(k, 8, 7007));
	CHECK(rate_source_ok(k, 36, 7007));
	/* Broadcast, multicast, reserved, "this network" IPv4 sources. */
	key4(k, 255, 255, 255, 255);
	CHECK(!rate_source_ok(k, 5000, 7007));
	key4(k, 224, 0, 0, 1);
	CHECK(!rate_source_ok(k, 5000, 7007));
	key4(k, 239, 255, 255, 250);
	CHECK(!rate_source_ok(k, 5000, 7007));
	key4(k, 240, 0, 0, 1);
	CHECK(!rate_source_ok(k, 5000, 7007));
	key4(k, 0, 0, 0, 0);
	CHECK(!rate_source_ok(k, 5000, 7007));
	key4(k, 223, 255, 255, 255);
	CHECK(rate_source_ok(k, 5000, 7007));
	key4(k, 127, 0, 0, 1);
	CHECK(rate_source_ok(k, 5000, 7007));
	/* IPv6: ff00::/8 multicast refused, ::1 and fe80:: fine. */
	memset(raw6, 0, sizeof(raw6));
	raw6[15] = 1;
	addr_key(k, raw6, 16);
	CHECK(rate_source_ok(k, 5000, 7007));
	CHECK(!rate_source_ok(k, 7, 7007));
	raw6[0] = 0xff;
	raw6[1] = 0x02;
	addr_key(k, raw6, 16);
	CHECK(!rate_source_ok(k, 5000, 7007));
	raw6[0] = 0xfe;
	raw6[1] = 0x80;
	addr_key(k, raw6, 16);
	CHECK(rate_source_ok(k, 5000, 7007));

	UNIT_DONE();
}
