/* SPDX-License-Identifier: ISC */
/* fuzz/srctab.c: the UDP verdict (srctab_verdict) under a schedule of sources and clock steps, against a reference model of every source's echoes. */
/*
 * Input: byte 0 per-source rate (x4 per second), byte 1 burst (% 32), byte 2
 * global rate and burst (% 64), bytes 3-6 seed a generator for the hash
 * tables, byte 7 masks their entries (mask 0: every key collides in every
 * row; wider masks: fewer collisions). Then two bytes per datagram: byte A
 * picks the source (bits 0-2, of 8: six ordinary ones, IPv4 and IPv6, a
 * multicast and a 0.0.0.0/8 one), its port (bits 3-4: its own ordinary
 * port, a service port chosen by bits 5-7, the socket's own port, or
 * 1024 + byte B) and truncation (bits 5-6 both set); byte B moves the clock
 * forward by (B & 0x7f) ms, or by 100 x that when bit 7 is set (the clock
 * is monotonic, as io_now() is).
 *
 * Oracle, from a model holding each source's exact count of datagrams its
 * per-source limit let through: that count never exceeds burst + rate x
 * elapsed / 1000 (elapsed since the table was filled, whatever the other
 * sources sent, colliding ones included); the echoes in all never exceed
 * the global burst + global rate x elapsed / 1000; a datagram refused by
 * its source's limit leaves the global bucket as it was; a truncated one is
 * UDP_DROP_TRUNC; and the guard verdict agrees with a reference written
 * from the rule (ports 0 7 11 13 17 19 37, the own port, bad sources).
 */
#include "core/srctab.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NSRC	8
#define LOCAL	7007u	/* the receiving socket's own port */

static struct srctab tab;

static void
fail(const char *why)
{
	fprintf(stderr, "srctab oracle: %s\n", why);
	abort();
}

/* The guard rule, written again: service ports, the own port, bad sources. */
static int
ref_guard(const uint8_t key[ADDR_KEY_LEN], uint32_t port)
{
	static const uint32_t bad[] = { 0, 7, 11, 13, 17, 19, 37, LOCAL };
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (port == bad[i])
			return 0;
	if (memcmp(key, prefix, sizeof(prefix)) == 0)
		return key[12] != 0 && key[12] < 224;
	return key[0] != 0xff;
}

static void
make_key(uint8_t key[ADDR_KEY_LEN], int s)
{
	static const uint8_t v4[NSRC][4] = {
		{ 10, 0, 0, 1 }, { 10, 0, 0, 2 }, { 192, 0, 2, 7 }, { 0, 0, 0, 0 },
		{ 0, 0, 0, 0 }, { 198, 51, 100, 9 }, { 224, 0, 0, 1 }, { 0, 1, 2, 3 },
	};
	uint8_t raw6[16];

	if (s == 3 || s == 4) {		/* IPv6 sources: 2001:db8::3, 2001:db8::4 */
		memset(raw6, 0, sizeof(raw6));
		raw6[0] = 0x20;
		raw6[1] = 0x01;
		raw6[2] = 0x0d;
		raw6[3] = 0xb8;
		raw6[15] = (uint8_t)s;
		addr_key(key, raw6, 16);
	} else {
		addr_key(key, v4[s], 4);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t service[8] = { 0, 7, 11, 13, 17, 19, 37, 12 };
	uint8_t keys[NSRC][ADDR_KEY_LEN];
	uint64_t passed[NSRC];
	uint64_t echoed;
	uint32_t rate, burst, grate, x, mask;
	uint32_t port;
	int64_t start, now;
	enum udp_verdict v;
	struct bucket before;
	size_t i, r, k, b;
	int s, trunc;

	if (size < 8)
		return 0;
	rate = (uint32_t)data[0] * 4;
	burst = data[1] % 32u;
	grate = data[2] % 64u;
	x = (uint32_t)data[3] | (uint32_t)data[4] << 8 | (uint32_t)data[5] << 16 |
	    (uint32_t)data[6] << 24 | 1u;
	mask = (1u << (data[7] % 17u)) - 1u;
	for (r = 0; r < SRCTAB_ROWS; r++)
		for (k = 0; k < ADDR_KEY_LEN; k++)
			for (b = 0; b < 256; b++) {
				x ^= x << 13;
				x ^= x >> 17;
				x ^= x << 5;
				tab.seed[r][k][b] = (uint16_t)(x & mask);
			}
	for (s = 0; s < NSRC; s++)
		make_key(keys[s], s);
	start = now = 1000;
	srctab_init(&tab, now, rate, burst, grate);
	memset(passed, 0, sizeof(passed));
	echoed = 0;
	for (i = 8; i + 1 < size && i < 8 + 2 * 2048; i += 2) {
		s = data[i] & 7;
		trunc = (data[i] & 0x60) == 0x60;
		switch ((data[i] >> 3) & 3) {
		case 0:
			port = 5000u + (uint32_t)s;
			break;
		case 1:
			port = service[data[i] >> 5];
			break;
		case 2:
			port = LOCAL;
			break;
		default:
			port = 1024u + data[i + 1];
			break;
		}
		now += (int64_t)(data[i + 1] & 0x7f) * ((data[i + 1] & 0x80) ? 100 : 1);
		before = tab.global;
		v = srctab_verdict(&tab, keys[s], port, LOCAL, trunc != 0, now);
		if (trunc) {
			if (v != UDP_DROP_TRUNC)
				fail("a truncated datagram was not UDP_DROP_TRUNC");
			continue;
		}
		if ((v == UDP_DROP_GUARD) != !ref_guard(keys[s], port))
			fail("the guard differs from the rule");
		if (v == UDP_DROP_SOURCE &&
		    (tab.global.tokens != before.tokens ||
		    tab.global.last != before.last))
			fail("a datagram refused by its source's limit cost the global bucket");
		if (v == UDP_ECHO || v == UDP_DROP_GLOBAL)
			passed[s]++;
		if (v == UDP_ECHO)
			echoed++;
		/* Exact integers: a bucket never gains more than rate x elapsed / 1000. */
		if (passed[s] > (uint64_t)burst + (uint64_t)rate * (uint64_t)(now - start) / 1000)
			fail("a source got more than burst + rate x elapsed");
		if (echoed > (uint64_t)grate + (uint64_t)grate * (uint64_t)(now - start) / 1000)
			fail("the echoes exceed the global burst + rate x elapsed");
	}
	return 0;
}
