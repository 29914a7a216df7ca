/* SPDX-License-Identifier: ISC */
/* srctab.c: the UDP per-source limit (keyed count-min token buckets) and the verdict on a datagram. Pure: never resets a bucket but at init. */
#include "core/srctab.h"

#if SRCTAB_ROWS != 2
#error "srctab_take serves exactly two rows"
#endif

/* The bucket of key in row r: the sum of 16 entries < 2^16, so < 2^20, no wrap. */
/*@ requires \valid_read(t) && 0 <= r < SRCTAB_ROWS;
    requires \valid_read(key + (0 .. ADDR_KEY_LEN - 1));
    assigns \nothing;
    ensures \result == srctab_index(t, r, key);
    ensures 0 <= \result < SRCTAB_SIZE;
*/
static uint32_t
srctab_slot(const struct srctab *t, int r, const uint8_t key[ADDR_KEY_LEN])
{
	uint32_t h;
	int i;

	h = 0;
	/*@ loop invariant 0 <= i <= ADDR_KEY_LEN;
	    loop invariant h == srctab_sum(t, r, key, i);
	    loop invariant h <= i * 65535;
	    loop assigns i, h;
	    loop variant ADDR_KEY_LEN - i;
	*/
	for (i = 0; i < ADDR_KEY_LEN; i++)
		h += t->seed[r][i][key[i]];
	return h % SRCTAB_SIZE;
}

void
srctab_init(struct srctab *t, int64_t now, uint32_t rate, uint32_t burst,
    uint32_t grate)
{
	uint32_t j;
	int r;

	t->rate = rate;
	t->burst = burst;
	t->grate = grate;
	rate_fill(&t->global, now, grate);
	/*@ loop invariant 0 <= r <= SRCTAB_ROWS;
	    loop invariant \forall integer q, k; 0 <= q < r && 0 <= k < SRCTAB_SIZE ==>
	      t->b[q][k].tokens == burst && t->b[q][k].last == now;
	    loop assigns r, j, t->b[0 .. SRCTAB_ROWS - 1][0 .. SRCTAB_SIZE - 1];
	    loop variant SRCTAB_ROWS - r;
	*/
	for (r = 0; r < SRCTAB_ROWS; r++) {
		/*@ loop invariant 0 <= j <= SRCTAB_SIZE;
		    loop invariant \forall integer q, k; 0 <= q < r && 0 <= k < SRCTAB_SIZE ==>
		      t->b[q][k].tokens == burst && t->b[q][k].last == now;
		    loop invariant \forall integer k; 0 <= k < j ==>
		      t->b[r][k].tokens == burst && t->b[r][k].last == now;
		    loop assigns j, t->b[r][0 .. SRCTAB_SIZE - 1];
		    loop variant SRCTAB_SIZE - j;
		*/
		for (j = 0; j < SRCTAB_SIZE; j++)
			rate_fill(&t->b[r][j], now, burst);
	}
}

bool
srctab_take(struct srctab *t, const uint8_t key[ADDR_KEY_LEN], int64_t now)
{
	struct bucket *b0;
	struct bucket *b1;

	b0 = &t->b[0][srctab_slot(t, 0, key)];
	b1 = &t->b[1][srctab_slot(t, 1, key)];
	/* Refill by elapsed time only; a token is taken from each, or from none. */
	rate_refill(b0, now, t->rate, t->burst);
	rate_refill(b1, now, t->rate, t->burst);
	if (b0->tokens == 0 || b1->tokens == 0)
		return false;
	b0->tokens--;
	b1->tokens--;
	return true;
}

enum udp_verdict
srctab_verdict(struct srctab *t, const uint8_t key[ADDR_KEY_LEN], uint32_t port,
    uint32_t local_port, bool truncated, int64_t now)
{
	if (truncated)
		return UDP_DROP_TRUNC;
	if (!rate_source_ok(key, port, local_port))
		return UDP_DROP_GUARD;
	if (!srctab_take(t, key, now))
		return UDP_DROP_SOURCE;	/* the global bucket is not touched */
	/* For the provers: what srctab_take left, before the global take. */
	//@ assert srctab_rows_ok(t);
	//@ assert srctab_charged{Pre, Here}(t, key, now, 1);
	if (!rate_take(&t->global, now, t->grate, t->grate))
		return UDP_DROP_GLOBAL;
	return UDP_ECHO;
}
