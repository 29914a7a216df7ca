/* SPDX-License-Identifier: ISC */
/* acl.h: --allow/--deny: source rules by address prefix, and the verdict. Pure: the rule text is cidr.c's. */
#ifndef ACL_H
#define ACL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/addr.h"

/* Most rules, --allow and --deny together (ARGS_RULES_MAX). */
#define ACL_MAX	64

/*
 * A rule: a prefix of the 16-byte source key (addr_key: IPv4 as
 * ::ffff:a.b.c.d, so an IPv4 rule a.b.c.d/n is the key prefix of 96 + n
 * bits and matches IPv4 and IPv4-mapped IPv6 sources alike).
 */
struct acl_rule {
	uint8_t		key[ADDR_KEY_LEN];
	uint32_t	bits;		/* 0..128 leading bits that must match */
	bool		deny;
};

struct acl {
	struct acl_rule	rule[ACL_MAX];
	uint32_t	n;		/* rules in use, in command-line order */
};

enum acl_err {
	ACL_OK = 0,
	ACL_PREFIX,		/* prefix longer than the family's 32 or 128 */
	ACL_HOSTBITS		/* a bit set past the prefix */
};

/*@ // The mask of the leading k bits of a byte (k in 0..8): literal numbers.
    logic integer acl_partial(integer k) =
      k <= 0 ? 0 : k == 1 ? 0x80 : k == 2 ? 0xc0 : k == 3 ? 0xe0 :
      k == 4 ? 0xf0 : k == 5 ? 0xf8 : k == 6 ? 0xfc : k == 7 ? 0xfe : 0xff;
    // The mask of byte i of a key for a prefix of bits bits.
    logic integer acl_mask(integer bits, integer i) =
      i < bits / 8 ? 0xff : (i == bits / 8 ? acl_partial(bits % 8) : 0);
    // key matches the prefix of rule key rk: every byte equal under its mask.
    predicate acl_match{L}(uint8_t *rk, integer bits, uint8_t *key) =
      \forall integer i; 0 <= i < 16 ==>
        (rk[i] & acl_mask(bits, i)) == (key[i] & acl_mask(bits, i));
    // No bit of k is set past the prefix.
    predicate acl_clean{L}(uint8_t *k, integer bits) =
      \forall integer i; 0 <= i < 16 ==> (k[i] & acl_mask(bits, i)) == k[i];
    predicate acl_ok{L}(struct acl *a) =
      \valid_read(a) && a->n <= ACL_MAX &&
      \forall integer j; 0 <= j < a->n ==> a->rule[j].bits <= 128;
    // The rule of --allow/--deny: refused when any --deny matches, or when
    // there is at least one --allow and none matches.
    predicate acl_admits{L}(struct acl *a, uint8_t *key) =
      (\forall integer j; 0 <= j < a->n && a->rule[j].deny ==>
         !acl_match((uint8_t *)a->rule[j].key, a->rule[j].bits, key)) &&
      ((\exists integer j; 0 <= j < a->n && !a->rule[j].deny) ==>
       (\exists integer j; 0 <= j < a->n && !a->rule[j].deny &&
         acl_match((uint8_t *)a->rule[j].key, a->rule[j].bits, key)));
*/

/*
 * Append to a the rule for address key of family v4 (true: an IPv4
 * address in its ::ffff: form) with prefix len (that family's bits).
 * ACL_PREFIX if len is over 32 (v4) or 128, ACL_HOSTBITS if key has a bit
 * set past the prefix; a is then unchanged. The caller keeps a->n below
 * ACL_MAX (args_parse does: ARGS_RULES_MAX).
 */
/*@ requires \valid(a) && a->n < ACL_MAX && \valid_read(key + (0 .. 15));
    requires \separated(a, key + (0 .. 15));
    assigns a->rule[a->n], a->n;
    ensures \result == ACL_OK || \result == ACL_PREFIX || \result == ACL_HOSTBITS;
    behavior prefix:
      assumes len > (v4 ? 32 : 128);
      ensures \result == ACL_PREFIX && a->n == \old(a->n);
    behavior hostbits:
      assumes len <= (v4 ? 32 : 128) && !acl_clean(key, v4 ? 96 + len : len);
      ensures \result == ACL_HOSTBITS && a->n == \old(a->n);
    behavior made:
      assumes len <= (v4 ? 32 : 128) && acl_clean(key, v4 ? 96 + len : len);
      ensures \result == ACL_OK && a->n == \old(a->n) + 1;
      ensures a->rule[\old(a->n)].bits == (v4 ? 96 + len : len);
      ensures \forall integer i; 0 <= i < 16 ==> a->rule[\old(a->n)].key[i] == key[i];
      ensures a->rule[\old(a->n)].deny <==> deny;
    complete behaviors;
    disjoint behaviors;
*/
int	acl_add(struct acl *a, const uint8_t key[ADDR_KEY_LEN], bool v4,
	    uint32_t len, bool deny);

/* Is a source with this key admitted by a's rules? (No rules: yes.) */
/*@ requires acl_ok(a) && \valid_read(key + (0 .. 15));
    assigns \nothing;
    ensures \result <==> acl_admits(a, key);
*/
bool	acl_allows(const struct acl *a, const uint8_t key[ADDR_KEY_LEN]);

#endif
