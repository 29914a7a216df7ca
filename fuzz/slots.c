/* SPDX-License-Identifier: ISC */
/* fuzz/slots.c: the admission rule and child-slot table driven by admit/bind/cancel/release sequences, checked against a plain list of live children. */
/*
 * Input: byte 0 the table size (1..16), byte 1 the per-IP limit (0..3),
 * then one byte per operation: bits 0-1 the operation (0 admit and bind,
 * as a fork that worked; 1 admit and cancel, as a fork that failed; 2
 * release a live child; 3 release a pid never added or already gone),
 * bits 2-7 choose a key among four (two of them an IPv4 address and its
 * IPv4-mapped form, which must count as one) or a live child. Pids are
 * unique, as fork makes them. Oracle after every step: the admission
 * verdict is exactly the model's (per-IP first, then full), and full,
 * active, the per-key counts and release's verdicts agree with the list.
 */
#include "core/slots.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXCAP	16

static void
fail(const char *why)
{
	fprintf(stderr, "slots oracle: %s\n", why);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t v4[4] = { 192, 0, 2, 1 };
	static const uint8_t mapped[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff, 192, 0, 2, 1 };
	static const uint8_t v6a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t v4b[4] = { 10, 0, 0, 7 };
	uint8_t keys[4][ADDR_KEY_LEN];
	struct slot mem[MAXCAP];
	struct slots l;
	int32_t pid[MAXCAP];	/* the model: live children and their key */
	int kid[MAXCAP];
	uint32_t cap;
	uint32_t per_ip;
	uint32_t live;
	uint32_t n;
	uint32_t i;
	uint32_t idx;
	enum admit a;
	enum admit want;
	int32_t next;
	size_t at;
	int k;
	int op;

	if (size < 2)
		return 0;
	if (size > 2 + 512)
		size = 2 + 512;	/* longer sequences only repeat states */
	cap = (uint32_t)(data[0] % MAXCAP) + 1;
	per_ip = data[1] & 3;
	addr_key(keys[0], v4, 4);
	addr_key(keys[1], mapped, 16);
	addr_key(keys[2], v6a, 16);
	addr_key(keys[3], v4b, 4);
	slots_init(&l, mem, cap, per_ip);
	live = 0;
	next = 100;
	for (at = 2; at <= size; at++) {
		if (at < size) {
			op = data[at] & 3;
			k = (data[at] >> 2) & 3;
			if (op <= 1) {
				n = 0;
				for (i = 0; i < live; i++)
					if (kid[i] == k || (kid[i] <= 1 && k <= 1))
						n++;
				want = per_ip != 0 && n >= per_ip ? ADMIT_PER_IP :
				    live == cap ? ADMIT_FULL : ADMIT_OK;
				idx = MAXCAP;
				a = slots_admit(&l, keys[k], &idx);
				if (a != want)
					fail("admission verdict differs");
				if (a == ADMIT_OK && (idx >= cap ||
				    slots_active(&l) != live + 1 ||
				    slots_count(&l, keys[k]) != n + 1))
					fail("admitted, but the counts did not grow by one");
				if (a == ADMIT_OK && op == 0) {
					slots_bind(&l, idx, next);
					pid[live] = next;
					kid[live] = k;
					live++;
				} else if (a == ADMIT_OK) {
					slots_vacate(&l, idx);
				}
				next++;
			} else if (op == 2 && live > 0) {
				i = (uint32_t)(data[at] >> 2) % live;
				if (!slots_release(&l, pid[i]))
					fail("release of a live child failed");
				pid[i] = pid[live - 1];
				kid[i] = kid[live - 1];
				live--;
			} else if (slots_release(&l, op == 2 ? 1 : next + 7) ||
			    (live == 0 && slots_release(&l, 99))) {
				fail("release of an unknown pid succeeded");
			}
		}
		if (slots_full(&l) != (live == cap) || slots_active(&l) != live)
			fail("full or active differs");
		for (k = 0; k < 4; k++) {
			n = 0;
			for (i = 0; i < live; i++)
				if (kid[i] == k || (kid[i] <= 1 && k <= 1))
					n++;	/* keys 0 and 1 are one address */
			if (slots_count(&l, keys[k]) != n)
				fail("per-IP count differs");
		}
	}
	(void)memset(mem, 0, sizeof(mem));
	return 0;
}
