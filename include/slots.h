/* slots.h: child-slot and per-IP bookkeeping for --max-clients and --max-per-ip. Pure: no syscalls. */
#ifndef SLOTS_H
#define SLOTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "addr.h"

/* One live child: its pid (0 when the slot is free) and its peer's key. */
struct slot {
	int32_t	pid;
	uint8_t	key[ADDR_KEY_LEN];
};

/* A table sized once at start (--max-clients slots); active counts used slots. */
struct slots {
	struct slot	*slot;
	uint32_t		 cap;
	uint32_t		 active;
	uint32_t		 per_ip;	/* 0: no per-IP limit */
};

/*@ predicate slots_inv_r{L}(struct slots *l) =
      \valid_read(l) && \valid(l->slot + (0 .. l->cap - 1)) &&
      \separated(l, l->slot + (0 .. l->cap - 1)) && l->active <= l->cap;
    // slots_inv_r is for const l: EVA holds \valid false on a pointer to const.
    predicate slots_inv{L}(struct slots *l) = \valid(l) && slots_inv_r(l);
    predicate slots_free{L}(struct slots *l) =
      \exists integer i; 0 <= i < l->cap && l->slot[i].pid == 0;
    predicate slots_holds{L}(struct slots *l, integer pid) =
      \exists integer i; 0 <= i < l->cap && l->slot[i].pid == pid;
*/

/* Start with every slot of mem[0..cap-1] free. */
/*@ requires \valid(l) && \valid(mem + (0 .. cap - 1));
    requires \separated(l, mem + (0 .. cap - 1));
    assigns *l, mem[0 .. cap - 1].pid;
    ensures slots_inv(l) && l->slot == mem && l->cap == cap;
    ensures l->active == 0 && l->per_ip == per_ip;
    ensures \forall integer i; 0 <= i < cap ==> mem[i].pid == 0;
*/
void	slots_init(struct slots *l, struct slot *mem, uint32_t cap,
	    uint32_t per_ip);

/* Every slot is taken: stop accepting until a child exits. */
/*@ requires slots_inv_r(l);
    assigns \nothing;
    ensures \result <==> l->active >= l->cap;
*/
bool	slots_full(const struct slots *l);

/* Live children serving key. */
/*@ requires slots_inv_r(l) && \valid_read(key + (0 .. ADDR_KEY_LEN - 1));
    assigns \nothing;
    ensures \result <= l->cap;
*/
uint32_t slots_count(const struct slots *l, const uint8_t key[ADDR_KEY_LEN]);

/* May one more connection from key be served under --max-per-ip? */
/*@ requires slots_inv_r(l) && \valid_read(key + (0 .. ADDR_KEY_LEN - 1));
    assigns \nothing;
    behavior unlimited:
      assumes l->per_ip == 0;
      ensures \result;
    behavior limited:
      assumes l->per_ip != 0;
      ensures \result ==> l->per_ip > 0;
    complete behaviors;
    disjoint behaviors;
*/
bool	slots_ip_ok(const struct slots *l, const uint8_t key[ADDR_KEY_LEN]);

/* Record child pid (> 0) serving key. Returns false when the table is full. */
/*@ requires slots_inv(l) && pid > 0 && \valid_read(key + (0 .. ADDR_KEY_LEN - 1));
    requires \separated(key + (0 .. ADDR_KEY_LEN - 1), l, l->slot + (0 .. l->cap - 1));
    assigns l->active, l->slot[0 .. l->cap - 1];
    ensures slots_inv(l);
    behavior full:
      assumes l->active >= l->cap;
      assigns \nothing;
      ensures !\result;
    behavior room:
      assumes l->active < l->cap;
      ensures \old(slots_free(l)) ==> \result;
      ensures \result ==> l->active == \old(l->active) + 1 &&
        (\exists integer i; 0 <= i < l->cap && \old(l->slot[i].pid) == 0 &&
          l->slot[i].pid == pid &&
          (\forall integer k; 0 <= k < ADDR_KEY_LEN ==> l->slot[i].key[k] == key[k]));
      ensures !\result ==> l->active == \old(l->active);
    complete behaviors;
    disjoint behaviors;
*/
bool	slots_add(struct slots *l, int32_t pid, const uint8_t key[ADDR_KEY_LEN]);

/* Forget child pid. Returns false when no slot held it. */
/*@ requires slots_inv(l);
    assigns l->active, l->slot[0 .. l->cap - 1].pid;
    ensures slots_inv(l);
    behavior held:
      assumes pid != 0 && slots_holds(l, pid);
      ensures \result && slots_free(l);
      ensures l->active == (\old(l->active) > 0 ? \old(l->active) - 1 : 0);
    behavior unknown:
      assumes pid == 0 || !slots_holds(l, pid);
      assigns \nothing;
      ensures !\result;
    complete behaviors;
    disjoint behaviors;
*/
bool	slots_release(struct slots *l, int32_t pid);

#endif
