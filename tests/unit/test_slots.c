/* test_slots.c: unit tests for child slots and per-IP counts (--max-clients, --max-per-ip). */
#include "slots.h"
#include "unit.h"

#include <string.h>

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

	addr_key(a, a4, 4);
	addr_key(b, b4, 4);
	memset(mem, 0x7f, sizeof(mem));
	slots_init(&l, mem, 3, 2);
	CHECK(l.active == 0 && l.cap == 3 && l.per_ip == 2);
	CHECK(mem[0].pid == 0 && mem[1].pid == 0 && mem[2].pid == 0);
	CHECK(!slots_full(&l));
	CHECK(slots_count(&l, a) == 0 && slots_ip_ok(&l, a));

	/* Per-IP: two from a are fine, a third is not; b is independent. */
	CHECK(slots_add(&l, 100, a));
	CHECK(slots_count(&l, a) == 1 && slots_ip_ok(&l, a));
	CHECK(slots_add(&l, 101, a));
	CHECK(slots_count(&l, a) == 2 && !slots_ip_ok(&l, a));
	CHECK(slots_ip_ok(&l, b) && slots_count(&l, b) == 0);
	CHECK(slots_add(&l, 200, b));
	CHECK(slots_full(&l) && l.active == 3);
	/* A full table refuses a fourth child. */
	CHECK(!slots_add(&l, 300, b));
	CHECK(l.active == 3 && slots_count(&l, b) == 1);

	/* Release: unknown pid and pid 0 are refused; a known one frees its slot. */
	CHECK(!slots_release(&l, 999));
	CHECK(!slots_release(&l, 0));
	CHECK(l.active == 3);
	CHECK(slots_release(&l, 100));
	CHECK(!slots_release(&l, 100));	/* twice: already gone */
	CHECK(l.active == 2 && !slots_full(&l));
	CHECK(slots_count(&l, a) == 1 && slots_ip_ok(&l, a));
	/* The freed slot is reused. */
	CHECK(slots_add(&l, 102, a));
	CHECK(slots_full(&l) && slots_count(&l, a) == 2);
	CHECK(slots_release(&l, 101) && slots_release(&l, 102) &&
	    slots_release(&l, 200));
	CHECK(l.active == 0 && slots_count(&l, a) == 0 && slots_count(&l, b) == 0);

	/* No per-IP limit (0): always ok. */
	slots_init(&l, mem, 3, 0);
	CHECK(slots_add(&l, 1, a) && slots_add(&l, 2, a) && slots_add(&l, 3, a));
	CHECK(slots_ip_ok(&l, a) && slots_count(&l, a) == 3 && slots_full(&l));

	/* Limit 1, one slot: the smallest table. */
	slots_init(&l, one, 1, 1);
	CHECK(!slots_full(&l) && slots_ip_ok(&l, a));
	CHECK(slots_add(&l, 2147483647, a));
	CHECK(slots_full(&l) && !slots_ip_ok(&l, a) && slots_ip_ok(&l, b));
	CHECK(slots_release(&l, 2147483647) && l.active == 0);

	/* IPv4 and its mapped IPv6 form count as one address. */
	{
		const uint8_t mapped[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		    0xff, 0xff, 10, 0, 0, 1 };
		uint8_t m[ADDR_KEY_LEN];

		addr_key(m, mapped, 16);
		slots_init(&l, mem, 3, 1);
		CHECK(slots_add(&l, 5, a));
		CHECK(!slots_ip_ok(&l, m) && slots_count(&l, m) == 1);
	}

	UNIT_DONE();
}
