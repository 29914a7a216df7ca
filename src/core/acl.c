/* SPDX-License-Identifier: ISC */
/* acl.c: --allow/--deny rules as key prefixes, and the verdict. Pure: no syscalls. */
#include "core/acl.h"

/* The leading k bits of a byte, k in 0..8 (acl_partial). */
static const uint8_t partial[9] = {
	0x00, 0x80, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc, 0xfe, 0xff
};

/* The mask of byte i for a prefix of bits bits (acl_mask). */
/*@ requires bits <= 128 && i < 16;
    assigns \nothing;
    ensures \result == acl_mask(bits, i);
*/
static uint8_t
mask(uint32_t bits, uint32_t i)
{
	if (i < bits / 8)
		return 0xff;
	if (i == bits / 8)
		return partial[bits % 8];
	return 0;
}

/* Does key match the prefix rk/bits? */
/*@ requires bits <= 128 && \valid_read(rk + (0 .. 15)) && \valid_read(key + (0 .. 15));
    assigns \nothing;
    ensures \result <==> acl_match(rk, bits, key);
*/
static bool
match(const uint8_t *rk, uint32_t bits, const uint8_t *key)
{
	uint32_t i;
	uint8_t m;

	/*@ loop invariant 0 <= i <= 16;
	    loop invariant \forall integer j; 0 <= j < i ==>
	      (rk[j] & acl_mask(bits, j)) == (key[j] & acl_mask(bits, j));
	    loop assigns i, m;
	    loop variant 16 - i;
	*/
	for (i = 0; i < 16; i++) {
		m = mask(bits, i);
		if ((rk[i] & m) != (key[i] & m))
			return false;
	}
	return true;
}

int
acl_add(struct acl *a, const uint8_t key[ADDR_KEY_LEN], bool v4, uint32_t len,
    bool deny)
{
	struct acl_rule *r;
	uint32_t bits;
	uint32_t i;

	if (len > (v4 ? 32u : 128u))
		return ACL_PREFIX;
	bits = v4 ? 96 + len : len;
	/*@ loop invariant 0 <= i <= 16;
	    loop invariant \forall integer j; 0 <= j < i ==>
	      (key[j] & acl_mask(bits, j)) == key[j];
	    loop assigns i;
	    loop variant 16 - i;
	*/
	for (i = 0; i < 16; i++)
		if ((key[i] & mask(bits, i)) != key[i])
			return ACL_HOSTBITS;
	r = &a->rule[a->n];
	/*@ loop invariant 0 <= i <= 16;
	    loop invariant \forall integer j; 0 <= j < i ==> r->key[j] == key[j];
	    loop assigns i, r->key[0 .. 15];
	    loop variant 16 - i;
	*/
	for (i = 0; i < 16; i++)
		r->key[i] = key[i];
	r->bits = bits;
	r->deny = deny;
	a->n++;
	return ACL_OK;
}

bool
acl_allows(const struct acl *a, const uint8_t key[ADDR_KEY_LEN])
{
	bool any_allow;
	bool allowed;
	uint32_t j;

	any_allow = false;
	allowed = false;
	/*@ loop invariant 0 <= j <= a->n;
	    loop invariant \forall integer k; 0 <= k < j && a->rule[k].deny ==>
	      !acl_match((uint8_t *)a->rule[k].key, a->rule[k].bits, key);
	    loop invariant any_allow <==>
	      (\exists integer k; 0 <= k < j && !a->rule[k].deny);
	    loop invariant allowed <==> (\exists integer k; 0 <= k < j &&
	      !a->rule[k].deny &&
	      acl_match((uint8_t *)a->rule[k].key, a->rule[k].bits, key));
	    loop assigns j, any_allow, allowed;
	    loop variant a->n - j;
	*/
	for (j = 0; j < a->n; j++) {
		if (a->rule[j].deny) {
			if (match(a->rule[j].key, a->rule[j].bits, key))
				return false;	/* deny wins over allow */
			continue;
		}
		any_allow = true;
		if (!allowed && match(a->rule[j].key, a->rule[j].bits, key))
			allowed = true;
	}
	return !any_allow || allowed;
}
