/* SPDX-License-Identifier: ISC */
/* fuzz/rate.c: token buckets against their promise (never more than burst + rate x time) and the UDP source guard against a reference. */
/*
 * Input: bytes 0-1 rate (0..65535 per second), bytes 2-3 burst, then one
 * byte per step: the clock moves by (b & 0x7f) squared ms (or back by that
 * much when bit 7 is set, as a clock stepped back would), then one token is
 * taken. Oracle: tokens never exceed burst; over any run the tokens taken
 * are at most burst + rate * (time advanced) / 1000 + the steps' rounding;
 * a bucket left alone for burst/rate seconds is full again (when that is
 * at most 1000 s: one refill is capped there). Then
 * rate_source_ok on an address, a source port and the socket's own port
 * from the input against a reference written from the rule.
 */
#include "core/rate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *why)
{
	fprintf(stderr, "rate oracle: %s\n", why);
	abort();
}

/* The rule: drop ports 0 7 11 13 17 19 37, the socket's own port, broadcast and multicast sources. */
static int
ref_ok(const uint8_t key[ADDR_KEY_LEN], uint32_t port, uint32_t local)
{
	static const uint32_t bad[] = { 0, 7, 11, 13, 17, 19, 37 };
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	size_t i;
	int v4;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (port == bad[i])
			return 0;
	if (port == local)
		return 0;
	v4 = 1;
	for (i = 0; i < 12; i++)
		v4 &= key[i] == prefix[i];
	if (v4)	/* 0/8, 224/4 multicast, 240/4 and 255.255.255.255 */
		return key[12] != 0 && (key[12] & 0xf0) != 0xe0 && (key[12] & 0xf0) != 0xf0;
	return key[0] != 0xff;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bucket b;
	uint8_t key[ADDR_KEY_LEN];
	uint32_t rate;
	uint32_t burst;
	uint32_t port;
	uint32_t local;
	int64_t now;
	int64_t advanced;
	uint64_t taken;
	size_t i;
	int64_t d;

	if (size < 4)
		return 0;
	rate = (uint32_t)data[0] | (uint32_t)data[1] << 8;
	burst = (uint32_t)data[2] | (uint32_t)data[3] << 8;
	now = 5000;
	rate_fill(&b, now, burst);
	advanced = 0;
	taken = 0;
	for (i = 4; i < size && i < 4 + 256; i++) {
		d = (int64_t)(data[i] & 0x7f) * (data[i] & 0x7f);
		if (data[i] & 0x80 && now - d >= 0) {
			now -= d;
		} else {
			now += d;
			advanced += d;
		}
		if (rate_take(&b, now, rate, burst))
			taken++;
		if (b.tokens > burst)
			fail("more tokens than the burst");
		/* Each refill may round in the taker's favour by less than one token. */
		if ((double)taken > (double)burst + (double)rate * (double)advanced / 1000.0 + 1.0)
			fail("took more than burst + rate x time");
	}
	/* rate_take caps one refill at 1000 s of tokens: full again when burst <= 1000 x rate. */
	if (rate > 0 && burst > 0 && burst <= 1000u * rate) {
		now += (int64_t)burst * 1000 / rate + 1000;
		(void)rate_take(&b, now, rate, burst);
		if (b.tokens != burst - 1)
			fail("a bucket left alone did not refill");
	}
	for (i = 0; i < ADDR_KEY_LEN; i++)
		key[i] = i + 4 < size ? data[size - 1 - i] : 0;
	if (size > 20 && (data[4] & 1)) {	/* an IPv4-mapped source */
		for (i = 0; i < 10; i++)
			key[i] = 0;
		key[10] = 0xff;
		key[11] = 0xff;
	}
	port = size > 6 ? ((uint32_t)data[5] | (uint32_t)data[6] << 8) % 64 : 7;
	if (size > 7 && (data[7] & 1))
		port = (uint32_t)data[5] | (uint32_t)data[6] << 8;
	/* The socket's own port: one of the small ports, or any, from the input. */
	local = size > 9 ? ((uint32_t)data[8] | (uint32_t)data[9] << 8) % 64 : 7007;
	if (size > 10 && (data[10] & 1))
		local = (uint32_t)data[8] | (uint32_t)data[9] << 8;
	if (rate_source_ok(key, port, local) != (ref_ok(key, port, local) != 0))
		fail("rate_source_ok differs from the rule");
	return 0;
}
