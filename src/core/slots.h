/* SPDX-License-Identifier: ISC */
/* slots.h: child slots and the admission rule for --max-clients and --max-per-ip. Pure: no syscalls. */
#ifndef SLOTS_H
#define SLOTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "core/addr.h"

/* A slot's pid: free, admitted (fork not yet returned), or the child's pid. */
#define SLOT_FREE	0
#define SLOT_RESERVED	(-1)

/* One connection being served: its child's pid and its peer's key. */
struct slot {
	int32_t	pid;
	uint8_t	key[ADDR_KEY_LEN];
};

/* A table sized once at start (--max-clients slots); active counts held slots. */
struct slots {
	struct slot	*slot;
	uint32_t		 cap;
	uint32_t		 active;
	uint32_t		 per_ip;	/* 0: no per-IP limit */
};

/* What slots_admit() decided. */
enum admit {
	ADMIT_OK = 0,	/* a slot is reserved for the connection */
	ADMIT_FULL,	/* every slot is held */
	ADMIT_PER_IP	/* its source already holds per_ip slots */
};

/*@ // Two keys are equal, as a term (for counting) and as a predicate.
    logic boolean key_eq{L}(uint8_t *a, uint8_t *b) =
      a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3] &&
      a[4] == b[4] && a[5] == b[5] && a[6] == b[6] && a[7] == b[7] &&
      a[8] == b[8] && a[9] == b[9] && a[10] == b[10] && a[11] == b[11] &&
      a[12] == b[12] && a[13] == b[13] && a[14] == b[14] && a[15] == b[15];
    predicate same_key{L}(uint8_t *a, uint8_t *b) =
      \forall integer k; 0 <= k < ADDR_KEY_LEN ==> a[k] == b[k];

    // Held slots among s[0 .. n-1], and those of them serving key.
    logic integer held{L}(struct slot *s, integer n) =
      n <= 0 ? 0 : held(s, n - 1) + (s[n - 1].pid != SLOT_FREE ? 1 : 0);
    logic integer count_key{L}(struct slot *s, integer n, uint8_t *key) =
      n <= 0 ? 0 : count_key(s, n - 1, key) +
        ((s[n - 1].pid != SLOT_FREE && key_eq(&s[n - 1].key[0], key)) ? 1 : 0);

    // The over-the-limit rule of --max-per-ip, exactly.
    predicate over_per_ip{L}(struct slots *l, uint8_t *key) =
      l->per_ip != 0 && count_key(l->slot, l->cap, key) >= l->per_ip;

    predicate slots_inv_r{L}(struct slots *l) =
      \valid_read(l) && \valid(l->slot + (0 .. l->cap - 1)) &&
      \separated(l, l->slot + (0 .. l->cap - 1)) && l->active <= l->cap &&
      l->active == held(l->slot, l->cap);
    // slots_inv_r is for const l: EVA holds \valid false on a pointer to const.
    predicate slots_inv{L}(struct slots *l) = \valid(l) && slots_inv_r(l);
    predicate slots_holds{L}(struct slots *l, integer pid) =
      \exists integer i; 0 <= i < l->cap && l->slot[i].pid == pid;
    predicate slots_others{L1, L2}(struct slots *l, integer i) =
      \forall integer j; 0 <= j < \at(l->cap, L1) && j != i ==>
        \at(l->slot[j], L1) == \at(l->slot[j], L2);
*/

/* Start with every slot of mem[0..cap-1] free. */
/*@ requires \valid(l) && \valid(mem + (0 .. cap - 1));
    requires \separated(l, mem + (0 .. cap - 1));
    assigns *l, mem[0 .. cap - 1].pid;
    ensures slots_inv(l) && l->slot == mem && l->cap == cap;
    ensures l->active == 0 && l->per_ip == per_ip;
    ensures \forall integer i; 0 <= i < cap ==> mem[i].pid == SLOT_FREE;
*/
void	slots_init(struct slots *l, struct slot *mem, uint32_t cap,
	    uint32_t per_ip);

/* Every slot is held: stop accepting until a child exits. */
/*@ requires slots_inv_r(l);
    assigns \nothing;
    ensures \result <==> l->active == l->cap;
*/
bool	slots_full(const struct slots *l);

/* Slots held now (children alive or being forked). */
/*@ requires slots_inv_r(l);
    assigns \nothing;
    ensures \result == l->active;
*/
uint32_t slots_active(const struct slots *l);

/* Slots held by key's source. */
/*@ requires slots_inv_r(l) && \valid_read(key + (0 .. ADDR_KEY_LEN - 1));
    assigns \nothing;
    ensures \result == count_key(l->slot, l->cap, key);
*/
uint32_t slots_count(const struct slots *l, const uint8_t key[ADDR_KEY_LEN]);

/*
 * The admission rule: refuse a source that already holds per_ip slots
 * (when per_ip is not 0), wait when every slot is held, else reserve a free
 * slot for key and put its index in *idx (slots_bind() then records the
 * child's pid, slots_vacate() frees it if fork fails).
 */
/*@ requires slots_inv(l) && \valid_read(key + (0 .. ADDR_KEY_LEN - 1));
    requires \valid(idx);
    requires \separated(key + (0 .. ADDR_KEY_LEN - 1), l, l->slot + (0 .. l->cap - 1));
    requires \separated(idx, l, l->slot + (0 .. l->cap - 1), key + (0 .. ADDR_KEY_LEN - 1));
    assigns l->active, l->slot[0 .. l->cap - 1], *idx;
    ensures slots_inv(l) && l->cap == \old(l->cap) && l->slot == \old(l->slot) &&
      l->per_ip == \old(l->per_ip);
    behavior per_ip:
      assumes over_per_ip(l, key);
      assigns \nothing;
      ensures \result == ADMIT_PER_IP;
    behavior full:
      assumes !over_per_ip(l, key) && l->active == l->cap;
      assigns \nothing;
      ensures \result == ADMIT_FULL;
    behavior admitted:
      assumes !over_per_ip(l, key) && l->active < l->cap;
      ensures \result == ADMIT_OK;
      ensures 0 <= *idx < l->cap;
      ensures \let i = *idx; \at(l->slot[i].pid, Pre) == SLOT_FREE;
      ensures l->slot[*idx].pid == SLOT_RESERVED;
      ensures same_key(&l->slot[*idx].key[0], key);
      ensures slots_others{Pre, Post}(l, *idx);
      ensures l->active == \old(l->active) + 1;
      ensures count_key(l->slot, l->cap, key) ==
        \old(count_key(l->slot, l->cap, key)) + 1;
    complete behaviors;
    disjoint behaviors;
*/
enum admit slots_admit(struct slots *l, const uint8_t key[ADDR_KEY_LEN],
	    uint32_t *idx);

/* Record child pid (> 0) in the slot slots_admit() reserved at idx. */
/*@ requires slots_inv(l) && idx < l->cap && pid > 0;
    requires l->slot[idx].pid == SLOT_RESERVED;
    assigns l->slot[idx].pid;
    ensures slots_inv(l);
    ensures l->slot[idx].pid == pid && l->active == \old(l->active);
*/
void	slots_bind(struct slots *l, uint32_t idx, int32_t pid);

/*
 * Free held slot idx: its fork failed (still SLOT_RESERVED), or its child
 * has said its session is over and is still exiting.
 */
/*@ requires slots_inv(l) && idx < l->cap;
    requires l->slot[idx].pid != SLOT_FREE;
    assigns l->active, l->slot[idx].pid;
    ensures slots_inv(l);
    ensures l->slot[idx].pid == SLOT_FREE && l->active == \old(l->active) - 1;
*/
void	slots_vacate(struct slots *l, uint32_t idx);

/* Forget child pid (> 0): it has exited. Returns false when no slot held it. */
/*@ requires slots_inv(l) && pid > 0;
    assigns l->active, l->slot[0 .. l->cap - 1].pid;
    ensures slots_inv(l);
    behavior held:
      assumes slots_holds(l, pid);
      ensures \result;
      ensures l->active == \old(l->active) - 1;
      ensures \exists integer i; 0 <= i < l->cap && \old(l->slot[i].pid) == pid &&
        l->slot[i].pid == SLOT_FREE && slots_others{Pre, Post}(l, i);
    behavior unknown:
      assumes !slots_holds(l, pid);
      assigns \nothing;
      ensures !\result;
    complete behaviors;
    disjoint behaviors;
*/
bool	slots_release(struct slots *l, int32_t pid);

/* The child pid in slot i, or 0 when it holds none (free or still forking). */
/*@ requires slots_inv_r(l) && i < l->cap;
    assigns \nothing;
    ensures \result == (l->slot[i].pid > 0 ? l->slot[i].pid : 0);
*/
int32_t	slots_pid(const struct slots *l, uint32_t i);

/* The table's size (--max-clients). */
/*@ requires slots_inv_r(l);
    assigns \nothing;
    ensures \result == l->cap;
*/
uint32_t slots_cap(const struct slots *l);

#endif
