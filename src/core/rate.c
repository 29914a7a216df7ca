/* SPDX-License-Identifier: ISC */
/* rate.c: token buckets and the UDP source guard. Pure: no clock, no syscalls. */
#include "core/rate.h"

void
rate_fill(struct bucket *b, int64_t now, uint32_t burst)
{
	b->last = now;
	b->tokens = burst;
}

void
rate_refill(struct bucket *b, int64_t now, uint32_t rate, uint32_t burst)
{
	int64_t elapsed;
	int64_t add;

	elapsed = now - b->last;
	if (elapsed < 0)
		elapsed = 0;
	if (elapsed > 1000000)
		elapsed = 1000000;	/* bounds the product; the bucket is full anyway */
	add = elapsed * (int64_t)rate / 1000;
	if (add > 0) {
		if ((int64_t)burst - (int64_t)b->tokens <= add)
			b->tokens = burst;
		else
			b->tokens += (uint32_t)add;
		b->last = now;
	} else if (b->last > now) {
		b->last = now;
	}
}

bool
rate_take(struct bucket *b, int64_t now, uint32_t rate, uint32_t burst)
{
	rate_refill(b, now, rate, burst);
	if (b->tokens == 0)
		return false;
	b->tokens--;
	return true;
}

/*@ requires \valid_read(key + (0 .. ADDR_KEY_LEN - 1));
    assigns \nothing;
    ensures \result <==> rate_v4mapped(key);
*/
static bool
is_v4mapped(const uint8_t key[ADDR_KEY_LEN])
{
	int i;

	/*@ loop invariant 0 <= i <= 10 && \forall integer j; 0 <= j < i ==> key[j] == 0;
	    loop assigns i;
	    loop variant 10 - i;
	*/
	for (i = 0; i < 10; i++)
		if (key[i] != 0)
			return false;
	return key[10] == 0xff && key[11] == 0xff;
}

bool
rate_source_ok(const uint8_t key[ADDR_KEY_LEN], uint32_t port,
    uint32_t local_port)
{
	if (port == 0 || port == 7 || port == 11 || port == 13 || port == 17 ||
	    port == 19 || port == 37)
		return false;
	if (port == local_port)
		return false;	/* another echo server on our own port */
	if (is_v4mapped(key)) {
		/* 224.0.0.0/4 multicast, 240.0.0.0/4 reserved, 255.255.255.255. */
		if (key[12] >= 224)
			return false;
		/* 0.0.0.0/8 "this network" cannot be a real sender. */
		return key[12] != 0;
	}
	return key[0] != 0xff;	/* ff00::/8 multicast */
}
