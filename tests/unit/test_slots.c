/* SPDX-License-Identifier: ISC */
/* test_slots.c: unit tests for the admission rule, child slots and per-IP counts (--max-clients, --max-per-ip). */
#include "core/slots.h"
#include "unit.h"

#include <string.h>

/* Admit key and bind pid to its slot; the result of slots_admit(). */
static enum admit
add(struct slots *l, int32_t pid, const uint8_t key[ADDR_KEY_LEN])
{
	uint32_t idx;
	enum admit a;

	idx = 999;
	a = slots_admit(l, key, &idx);
	if (a == ADMIT_OK)
		slots_bind(l, idx, pid);
	return a;
}

int
main(void)
{
	struct slot mem[3];
	struct slot one[1];
	struct slots l;
	uint8_t a[ADDR_KEY_LEN];
	uint8_t b[ADDR_KEY_LEN];
	const uint8_t a4[4] = { 10, 0, 0, 1 };
	const uint8_t b4[4] = { 10, 0, 0, 2 };
	uint32_t idx;
	uint32_t i;
	uint32_t live;

	addr_key(a, a4, 4);
	addr_key(b, b4, 4);
	memset(mem, 0x7f, sizeof(mem));
	slots_init(&l, mem, 3, 2);
	CHECK(slots_active(&l) == 0 && slots_cap(&l) == 3 && l.per_ip == 2);
	CHECK(mem[0].pid == 0 && mem[1].pid == 0 && mem[2].pid == 0);
	CHECK(!slots_full(&l));
	CHECK(slots_count(&l, a) == 0);

	/* Per-IP: two from a are fine, a third is not; b is independent. */
	CHECK(add(&l, 100, a) == ADMIT_OK);
	CHECK(slots_count(&l, a) == 1);
	CHECK(add(&l, 101, a) == ADMIT_OK);
	CHECK(slots_count(&l, a) == 2);
	CHECK(add(&l, 102, a) == ADMIT_PER_IP && slots_active(&l) == 2);
	CHECK(slots_count(&l, b) == 0);
	CHECK(add(&l, 200, b) == ADMIT_OK);
	CHECK(slots_full(&l) && slots_active(&l) == 3);
	/* A full table refuses a fourth child; per-IP is decided first. */
	CHECK(add(&l, 300, b) == ADMIT_FULL);
	CHECK(add(&l, 300, a) == ADMIT_PER_IP);
	CHECK(slots_active(&l) == 3 && slots_count(&l, b) == 1);

	/* Release: an unknown pid is refused; a known one frees its slot. */
	CHECK(!slots_release(&l, 999));
	CHECK(slots_active(&l) == 3);
	CHECK(slots_release(&l, 100));
	CHECK(!slots_release(&l, 100));	/* twice: already gone */
	CHECK(slots_active(&l) == 2 && !slots_full(&l));
	CHECK(slots_count(&l, a) == 1);
	/* The freed slot is reused. */
	CHECK(add(&l, 103, a) == ADMIT_OK);
	CHECK(slots_full(&l) && slots_count(&l, a) == 2);
	/* slots_pid walks the children, as the grace-period kill does. */
	live = 0;
	for (i = 0; i < slots_cap(&l); i++)
		live += slots_pid(&l, i) > 0;
	CHECK(live == 3);
	CHECK(slots_release(&l, 101) && slots_release(&l, 103) &&
	    slots_release(&l, 200));
	CHECK(slots_active(&l) == 0 && slots_count(&l, a) == 0 &&
	    slots_count(&l, b) == 0);

	/* A reserved slot counts (fork pending) but has no pid yet; cancel frees it. */
	idx = 999;
	CHECK(slots_admit(&l, a, &idx) == ADMIT_OK && idx < 3);
	CHECK(slots_active(&l) == 1 && slots_count(&l, a) == 1);
	CHECK(slots_pid(&l, idx) == 0);
	slots_vacate(&l, idx);
	CHECK(slots_active(&l) == 0 && slots_count(&l, a) == 0);

	/* No per-IP limit (0): only the table's size limits. */
	slots_init(&l, mem, 3, 0);
	CHECK(add(&l, 1, a) == ADMIT_OK && add(&l, 2, a) == ADMIT_OK &&
	    add(&l, 3, a) == ADMIT_OK);
	CHECK(slots_count(&l, a) == 3 && slots_full(&l));
	CHECK(add(&l, 4, a) == ADMIT_FULL);

	/* Limit 1, one slot: the smallest table. */
	slots_init(&l, one, 1, 1);
	CHECK(!slots_full(&l));
	CHECK(add(&l, 2147483647, a) == ADMIT_OK);
	CHECK(slots_full(&l) && add(&l, 5, a) == ADMIT_PER_IP &&
	    add(&l, 5, b) == ADMIT_FULL);
	CHECK(slots_release(&l, 2147483647) && slots_active(&l) == 0);

	/* IPv4 and its mapped IPv6 form count as one address. */
	{
		const uint8_t mapped[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		    0xff, 0xff, 10, 0, 0, 1 };
		uint8_t m[ADDR_KEY_LEN];

		addr_key(m, mapped, 16);
		slots_init(&l, mem, 3, 1);
		CHECK(add(&l, 5, a) == ADMIT_OK);
		CHECK(add(&l, 6, m) == ADMIT_PER_IP && slots_count(&l, m) == 1);
	}

	UNIT_DONE();
}
