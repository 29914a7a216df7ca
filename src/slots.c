/* slots.c: child slots and per-IP counts in one fixed table. Pure: no syscalls, no allocation. */
#include "slots.h"

void
slots_init(struct slots *l, struct slot *mem, uint32_t cap,
    uint32_t per_ip)
{
	uint32_t i;

	l->slot = mem;
	l->cap = cap;
	l->active = 0;
	l->per_ip = per_ip;
	/*@ loop invariant 0 <= i <= cap;
	    loop invariant \forall integer j; 0 <= j < i ==> mem[j].pid == 0;
	    loop assigns i, mem[0 .. cap - 1].pid;
	    loop variant cap - i;
	*/
	for (i = 0; i < cap; i++)
		mem[i].pid = 0;
}

bool
slots_full(const struct slots *l)
{
	return l->active >= l->cap;
}

/* Same per-IP key? */
/*@ requires \valid_read(a + (0 .. ADDR_KEY_LEN - 1)) && \valid_read(b + (0 .. ADDR_KEY_LEN - 1));
    assigns \nothing;
    ensures \result <==> (\forall integer k; 0 <= k < ADDR_KEY_LEN ==> a[k] == b[k]);
*/
static bool
key_equal(const uint8_t a[ADDR_KEY_LEN], const uint8_t b[ADDR_KEY_LEN])
{
	int i;

	/*@ loop invariant 0 <= i <= ADDR_KEY_LEN;
	    loop invariant \forall integer k; 0 <= k < i ==> a[k] == b[k];
	    loop assigns i;
	    loop variant ADDR_KEY_LEN - i;
	*/
	for (i = 0; i < ADDR_KEY_LEN; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

uint32_t
slots_count(const struct slots *l, const uint8_t key[ADDR_KEY_LEN])
{
	uint32_t i;
	uint32_t n;

	n = 0;
	/*@ loop invariant 0 <= i <= l->cap && n <= i;
	    loop assigns i, n;
	    loop variant l->cap - i;
	*/
	for (i = 0; i < l->cap; i++)
		if (l->slot[i].pid != 0 && key_equal(l->slot[i].key, key))
			n++;
	return n;
}

bool
slots_ip_ok(const struct slots *l, const uint8_t key[ADDR_KEY_LEN])
{
	if (l->per_ip == 0)
		return true;
	return slots_count(l, key) < l->per_ip;
}

bool
slots_add(struct slots *l, int32_t pid, const uint8_t key[ADDR_KEY_LEN])
{
	uint32_t i;
	int k;

	if (l->active >= l->cap)
		return false;
	/*@ loop invariant 0 <= i <= l->cap;
	    loop invariant \forall integer j; 0 <= j < i ==> l->slot[j].pid != 0;
	    loop assigns i;
	    loop variant l->cap - i;
	*/
	for (i = 0; i < l->cap; i++) {
		if (l->slot[i].pid == 0) {
			l->slot[i].pid = pid;
			/*@ loop invariant 0 <= k <= ADDR_KEY_LEN && l->slot[i].pid == pid;
			    loop invariant \forall integer j; 0 <= j < k ==> l->slot[i].key[j] == key[j];
			    loop assigns k, l->slot[i].key[0 .. ADDR_KEY_LEN - 1];
			    loop variant ADDR_KEY_LEN - k;
			*/
			for (k = 0; k < ADDR_KEY_LEN; k++)
				l->slot[i].key[k] = key[k];
			l->active++;
			return true;
		}
	}
	return false;
}

bool
slots_release(struct slots *l, int32_t pid)
{
	uint32_t i;

	/*@ loop invariant 0 <= i <= l->cap;
	    loop invariant \forall integer j; 0 <= j < i ==> (l->slot[j].pid != pid || pid == 0);
	    loop assigns i;
	    loop variant l->cap - i;
	*/
	for (i = 0; i < l->cap; i++) {
		if (l->slot[i].pid == pid && pid != 0) {
			l->slot[i].pid = 0;
			if (l->active > 0)
				l->active--;
			return true;
		}
	}
	return false;
}
