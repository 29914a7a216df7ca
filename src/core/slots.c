/* SPDX-License-Identifier: ISC */
/* slots.c: child slots, per-IP counts and the admission rule in one fixed table. Pure: no syscalls, no allocation. */
#include "core/slots.h"

/*
 * The contracts count slots with logic functions defined by recursion over
 * the table (held, count_key). After a slot changes, a ghost loop walks the
 * table once to carry each count from the old state to the new: the step
 * the provers cannot take alone is that induction. Ghost code is for the
 * proof only; the compiler never sees it.
 */

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
	    loop invariant \forall integer j; 0 <= j < i ==> mem[j].pid == SLOT_FREE;
	    loop assigns i, mem[0 .. cap - 1].pid;
	    loop variant cap - i;
	*/
	for (i = 0; i < cap; i++)
		mem[i].pid = SLOT_FREE;
	/*@ ghost
	  uint32_t j;
	  /@ loop invariant 0 <= j <= cap && held(mem, j) == 0;
	     loop assigns j;
	     loop variant cap - j;
	  @/
	  for (j = 0; j < cap; j++)
	    ;
	*/
}

bool
slots_full(const struct slots *l)
{
	return l->active == l->cap;
}

uint32_t
slots_active(const struct slots *l)
{
	return l->active;
}

uint32_t
slots_cap(const struct slots *l)
{
	return l->cap;
}

int32_t
slots_pid(const struct slots *l, uint32_t i)
{
	return l->slot[i].pid > 0 ? l->slot[i].pid : 0;
}

/* Same per-IP key? */
/*@ requires \valid_read(a + (0 .. ADDR_KEY_LEN - 1)) && \valid_read(b + (0 .. ADDR_KEY_LEN - 1));
    assigns \nothing;
    ensures \result <==> same_key(a, b);
    ensures \result <==> key_eq(a, b);
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
	/*@ loop invariant 0 <= i <= l->cap && 0 <= n <= i;
	    loop invariant n == count_key(l->slot, i, key);
	    loop assigns i, n;
	    loop variant l->cap - i;
	*/
	for (i = 0; i < l->cap; i++)
		if (l->slot[i].pid != SLOT_FREE && key_equal(l->slot[i].key, key))
			n++;
	return n;
}

/* The first free slot. Exists: fewer than cap slots are held. */
/*@ requires slots_inv_r(l) && l->active < l->cap;
    assigns \nothing;
    ensures 0 <= \result < l->cap && l->slot[\result].pid == SLOT_FREE;
*/
static uint32_t
first_free(const struct slots *l)
{
	uint32_t i;

	/*@ loop invariant 0 <= i < l->cap;
	    loop invariant \forall integer j; 0 <= j < i ==> l->slot[j].pid != SLOT_FREE;
	    loop invariant held(l->slot, i) == i;
	    loop assigns i;
	    loop variant l->cap - i;
	*/
	for (i = 0; i + 1 < l->cap; i++)
		if (l->slot[i].pid == SLOT_FREE)
			return i;
	/* All before the last are held, and held < cap: the last is free. */
	return i;
}

/* dst[] = src[], as a key. */
/*@ requires \valid(dst + (0 .. ADDR_KEY_LEN - 1));
    requires \valid_read(src + (0 .. ADDR_KEY_LEN - 1));
    requires \separated(dst + (0 .. ADDR_KEY_LEN - 1), src + (0 .. ADDR_KEY_LEN - 1));
    assigns dst[0 .. ADDR_KEY_LEN - 1];
    ensures same_key(dst, src) && key_eq(dst, src);
*/
static void
key_copy(uint8_t dst[ADDR_KEY_LEN], const uint8_t src[ADDR_KEY_LEN])
{
	int k;

	/*@ loop invariant 0 <= k <= ADDR_KEY_LEN;
	    loop invariant \forall integer j; 0 <= j < k ==> dst[j] == src[j];
	    loop assigns k, dst[0 .. ADDR_KEY_LEN - 1];
	    loop variant ADDR_KEY_LEN - k;
	*/
	for (k = 0; k < ADDR_KEY_LEN; k++)
		dst[k] = src[k];
}

enum admit
slots_admit(struct slots *l, const uint8_t key[ADDR_KEY_LEN], uint32_t *idx)
{
	uint32_t f;
	//@ ghost uint32_t j;

	if (l->per_ip != 0 && slots_count(l, key) >= l->per_ip)
		return ADMIT_PER_IP;
	if (l->active == l->cap)
		return ADMIT_FULL;
	f = first_free(l);
	l->slot[f].pid = SLOT_RESERVED;
	key_copy(l->slot[f].key, key);
	/*@ ghost
	  /@ loop invariant 0 <= j <= l->cap;
	     loop invariant held(l->slot, j) == held{Pre}(l->slot, j) + (j > f ? 1 : 0);
	     loop assigns j;
	     loop variant l->cap - j;
	  @/
	  for (j = 0; j < l->cap; j++) {
	    /@ assert \let s = l->slot + j; j != f ==> s->pid == \at(s->pid, Pre); @/
	  }
	  /@ loop invariant 0 <= j <= l->cap;
	     loop invariant count_key(l->slot, j, key) ==
	       count_key{Pre}(l->slot, j, key) + (j > f ? 1 : 0);
	     loop assigns j;
	     loop variant l->cap - j;
	  @/
	  for (j = 0; j < l->cap; j++) {
	    /@ assert \let s = l->slot + j; j != f ==> s->pid == \at(s->pid, Pre); @/
	    /@ assert \let s = l->slot + j; j != f ==> \forall integer q;
	         0 <= q < ADDR_KEY_LEN ==> s->key[q] == \at(s->key[q], Pre); @/
	    /@ assert \let s = l->slot + j; j != f ==>
	         key_eq(&s->key[0], key) == key_eq{Pre}(&s->key[0], key); @/
	  }
	*/
	l->active++;
	*idx = f;
	return ADMIT_OK;
}

void
slots_bind(struct slots *l, uint32_t idx, int32_t pid)
{
	l->slot[idx].pid = pid;
	/*@ ghost
	  uint32_t j;
	  /@ loop invariant 0 <= j <= l->cap;
	     loop invariant held(l->slot, j) == held{Pre}(l->slot, j);
	     loop assigns j;
	     loop variant l->cap - j;
	  @/
	  for (j = 0; j < l->cap; j++)
	    ;
	*/
}

void
slots_vacate(struct slots *l, uint32_t idx)
{
	l->slot[idx].pid = SLOT_FREE;
	/*@ ghost
	  uint32_t j;
	  /@ loop invariant 0 <= j <= l->cap;
	     loop invariant held(l->slot, j) == held{Pre}(l->slot, j) - (j > idx ? 1 : 0);
	     loop invariant 0 <= held(l->slot, j) <= j;
	     loop assigns j;
	     loop variant l->cap - j;
	  @/
	  for (j = 0; j < l->cap; j++)
	    ;
	*/
	l->active--;
}

bool
slots_release(struct slots *l, int32_t pid)
{
	uint32_t i;

	/*@ loop invariant 0 <= i <= l->cap;
	    loop invariant \forall integer j; 0 <= j < i ==> l->slot[j].pid != pid;
	    loop assigns i;
	    loop variant l->cap - i;
	*/
	for (i = 0; i < l->cap; i++) {
		if (l->slot[i].pid == pid) {
			slots_vacate(l, i);
			return true;
		}
	}
	return false;
}
