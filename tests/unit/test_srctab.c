/* SPDX-License-Identifier: ISC */
/* test_srctab.c: unit tests for the keyed count-min source table and the datagram verdict (srctab_*). */
#include "core/srctab.h"
#include "unit.h"

#include <string.h>

static struct srctab tab;

static void
key4(uint8_t key[ADDR_KEY_LEN], uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t raw[4] = { a, b, c, d };

	addr_key(key, raw, 4);
}

/* A seed from a fixed xorshift sequence: the tests are repeatable. */
static void
seed_with(uint32_t x)
{
	size_t r, i, v;

	for (r = 0; r < SRCTAB_ROWS; r++)
		for (i = 0; i < ADDR_KEY_LEN; i++)
			for (v = 0; v < 256; v++) {
				x ^= x << 13;
				x ^= x >> 17;
				x ^= x << 5;
				tab.seed[r][i][v] = (uint16_t)x;
			}
}

/* How many of n takes for key at now succeed. */
static int
takes(const uint8_t key[ADDR_KEY_LEN], int n, int64_t now)
{
	int got = 0;

	while (n-- > 0)
		got += srctab_take(&tab, key, now) ? 1 : 0;
	return got;
}

int
main(void)
{
	uint8_t a[ADDR_KEY_LEN], b[ADDR_KEY_LEN], m[ADDR_KEY_LEN];
	int i, got_a, got_b;
	size_t r, j;

	/* Init fills every bucket and the global one, keeps the seed. */
	seed_with(12345);
	srctab_init(&tab, 1000, 10, 5, 8);
	CHECK(tab.rate == 10 && tab.burst == 5 && tab.grate == 8);
	CHECK(tab.global.tokens == 8 && tab.global.last == 1000);
	for (r = 0; r < SRCTAB_ROWS; r++)
		for (j = 0; j < SRCTAB_SIZE; j += 511)
			CHECK(tab.b[r][j].tokens == 5 && tab.b[r][j].last == 1000);
	CHECK(tab.seed[1][15][255] != 0 || tab.seed[0][0][0] != 0);

	/* One key: burst, then rate x time. */
	key4(a, 192, 0, 2, 1);
	key4(b, 198, 51, 100, 7);
	CHECK(takes(a, 20, 1000) == 5);
	CHECK(takes(a, 20, 1099) == 0);
	CHECK(takes(a, 20, 1100) == 1);
	/* Another key (apart in both rows for this seed) is untouched by a's takes. */
	CHECK(takes(b, 20, 1100) == 5);

	/*
	 * Colliding keys: an all-zero seed sends every key to bucket 0 of each
	 * row. The old table gave a colliding newcomer a full bucket; here they
	 * share it: alternating a and b, the two together get one burst.
	 */
	memset(tab.seed, 0, sizeof(tab.seed));
	srctab_init(&tab, 0, 10, 5, 100);
	got_a = got_b = 0;
	for (i = 0; i < 100; i++) {
		got_a += srctab_take(&tab, a, 0) ? 1 : 0;
		got_b += srctab_take(&tab, b, 0) ? 1 : 0;
	}
	CHECK(got_a + got_b == 5 && got_a <= 5);
	/* ...and a refill by time is shared, never doubled by the collision. */
	got_a = takes(a, 10, 1000) + takes(b, 10, 1000);
	CHECK(got_a == 5);

	/* One row colliding is enough to tighten: a served only if both rows have a token. */
	seed_with(777);
	srctab_init(&tab, 0, 10, 3, 100);
	/* Find a key m that shares a's row-0 bucket but not its row-1 bucket. */
	for (i = 0; i < 65536; i++) {
		key4(m, 10, 0, (uint8_t)(i >> 8), (uint8_t)i);
		if (memcmp(m, a, sizeof(m)) == 0)
			continue;
		{
			uint32_t h0a = 0, h0m = 0, h1a = 0, h1m = 0;
			size_t k;

			for (k = 0; k < ADDR_KEY_LEN; k++) {
				h0a += tab.seed[0][k][a[k]];
				h0m += tab.seed[0][k][m[k]];
				h1a += tab.seed[1][k][a[k]];
				h1m += tab.seed[1][k][m[k]];
			}
			if (h0a % SRCTAB_SIZE == h0m % SRCTAB_SIZE &&
			    h1a % SRCTAB_SIZE != h1m % SRCTAB_SIZE)
				break;
		}
	}
	CHECK(i < 65536);
	CHECK(takes(m, 10, 0) == 3);	/* drains the shared row-0 bucket */
	CHECK(takes(a, 10, 0) == 0);	/* a's row-1 bucket is full, still refused */

	/* The verdict, in its order: truncation, guard, source, global. */
	seed_with(99);
	srctab_init(&tab, 0, 1000, 2, 3);
	CHECK(srctab_verdict(&tab, a, 5000, 7007, true, 0) == UDP_DROP_TRUNC);
	CHECK(srctab_verdict(&tab, a, 11, 7007, false, 0) == UDP_DROP_GUARD);
	CHECK(srctab_verdict(&tab, a, 7007, 7007, false, 0) == UDP_DROP_GUARD);
	key4(m, 224, 0, 0, 1);
	CHECK(srctab_verdict(&tab, m, 5000, 7007, false, 0) == UDP_DROP_GUARD);
	CHECK(tab.global.tokens == 3);	/* none of these cost anything */
	CHECK(srctab_verdict(&tab, a, 5000, 7007, false, 0) == UDP_ECHO);
	CHECK(srctab_verdict(&tab, a, 5000, 7007, false, 0) == UDP_ECHO);
	CHECK(tab.global.tokens == 1);
	/* a is over its own limit: refused without touching the global bucket. */
	for (i = 0; i < 50; i++)
		CHECK(srctab_verdict(&tab, a, 5000, 7007, false, 0) == UDP_DROP_SOURCE);
	CHECK(tab.global.tokens == 1);
	/* So another source still gets the global token left, then the global limit holds. */
	CHECK(srctab_verdict(&tab, b, 5000, 7007, false, 0) == UDP_ECHO);
	CHECK(tab.global.tokens == 0);
	CHECK(srctab_verdict(&tab, b, 5000, 7007, false, 0) == UDP_DROP_GLOBAL);

	UNIT_DONE();
}
