/* SPDX-License-Identifier: ISC */
/* srctab.h: the UDP per-source limit as a keyed count-min table of token buckets, and the one verdict on a datagram. Pure: time and the seed are passed in. */
#ifndef SRCTAB_H
#define SRCTAB_H

#include <stdbool.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/rate.h"

/*
 * SRCTAB_ROWS rows of SRCTAB_SIZE buckets. Each row maps a source key to one
 * of its buckets by a keyed hash: simple tabulation, the sum of one random
 * 16-bit entry per key byte (seed[row][byte position][byte value]), mod
 * SRCTAB_SIZE. Two keys meet in a row with probability 1/SRCTAB_SIZE for a
 * seed the sender cannot know (getrandom at start), in every row with
 * probability 1/SRCTAB_SIZE^SRCTAB_ROWS. Buckets are shared by every key
 * that lands on them: a key is served only when each of its buckets holds a
 * token, so a collision can only tighten a source's limit, never loosen it.
 */
#define SRCTAB_ROWS	2
#define SRCTAB_SIZE	4096u

struct srctab {
	uint16_t	seed[SRCTAB_ROWS][ADDR_KEY_LEN][256];
	struct bucket	b[SRCTAB_ROWS][SRCTAB_SIZE];
	struct bucket	global;		/* every source together */
	uint32_t	rate;		/* per source: tokens per second */
	uint32_t	burst;		/* per source: bucket size */
	uint32_t	grate;		/* global: tokens per second, and bucket size */
};

/*@ logic integer srctab_sum{L}(struct srctab *t, integer r, uint8_t *key,
        integer n) =
      n <= 0 ? 0 :
        srctab_sum(t, r, key, n - 1) + t->seed[r][n - 1][key[n - 1]];

    // The bucket of key in row r: a function of the seed and the key only.
    logic integer srctab_index{L}(struct srctab *t, integer r, uint8_t *key) =
      srctab_sum(t, r, key, ADDR_KEY_LEN) % SRCTAB_SIZE;

    predicate srctab_rows_ok{L}(struct srctab *t) =
      \forall integer r, j; 0 <= r < SRCTAB_ROWS && 0 <= j < SRCTAB_SIZE ==>
        rate_bucket_ok(t->b[r][j], t->burst);
    predicate srctab_ok{L}(struct srctab *t) =
      rate_bucket_ok(t->global, t->grate) && srctab_rows_ok(t);

    // After the refill for now, every one of key's buckets holds a token.
    predicate srctab_has{L}(struct srctab *t, uint8_t *key, integer now) =
      \forall integer r; 0 <= r < SRCTAB_ROWS ==>
        rate_refilled(t->b[r][srctab_index(t, r, key)].tokens,
          t->b[r][srctab_index(t, r, key)].last, now, t->rate, t->burst) > 0;

    // Each of key's buckets went from its state at A to exactly its refill
    // for now, less cost tokens.
    predicate srctab_charged{A, B}(struct srctab *t, uint8_t *key,
        integer now, integer cost) =
      \forall integer r; 0 <= r < SRCTAB_ROWS ==>
        \at(t->b[r][srctab_index{A}(t, r, key)].tokens, B) ==
          rate_refilled(\at(t->b[r][srctab_index{A}(t, r, key)].tokens, A),
            \at(t->b[r][srctab_index{A}(t, r, key)].last, A), now,
            \at(t->rate, A), \at(t->burst, A)) - cost &&
        \at(t->b[r][srctab_index{A}(t, r, key)].last, B) ==
          rate_refilled_last(\at(t->b[r][srctab_index{A}(t, r, key)].last, A),
            now, \at(t->rate, A));

    // Every bucket that is not one of key's is as it was at A.
    predicate srctab_others_same{A, B}(struct srctab *t, uint8_t *key) =
      \forall integer r, j; 0 <= r < SRCTAB_ROWS && 0 <= j < SRCTAB_SIZE &&
        j != srctab_index{A}(t, r, key) ==>
          \at(t->b[r][j].tokens, B) == \at(t->b[r][j].tokens, A) &&
          \at(t->b[r][j].last, B) == \at(t->b[r][j].last, A);

    predicate srctab_global_same{A, B}(struct srctab *t) =
      \at(t->global.tokens, B) == \at(t->global.tokens, A) &&
      \at(t->global.last, B) == \at(t->global.last, A);
*/

/*
 * Every bucket full as of now (ms): the only time a bucket is filled other
 * than by elapsed time. The seed (already written by the caller) is kept.
 */
/*@ requires \valid(t) && now >= 0;
    assigns t->b[0 .. SRCTAB_ROWS - 1][0 .. SRCTAB_SIZE - 1], t->global,
            t->rate, t->burst, t->grate;
    ensures t->rate == rate && t->burst == burst && t->grate == grate;
    ensures \forall integer r, j; 0 <= r < SRCTAB_ROWS && 0 <= j < SRCTAB_SIZE ==>
      t->b[r][j].tokens == burst && t->b[r][j].last == now;
    ensures t->global.tokens == grate && t->global.last == now;
    ensures srctab_ok(t);
*/
void	srctab_init(struct srctab *t, int64_t now, uint32_t rate, uint32_t burst,
	    uint32_t grate);

/*
 * The per-source limit: refill each of key's buckets for the time elapsed,
 * then take one token from each if every one has a token. Returns whether
 * it did.
 *
 * This contract is the per-source bound. Only key's buckets change (assigns
 * and srctab_others_same), each exactly to its refill by elapsed time, less
 * one when key is served (srctab_charged); the index is a logic function of
 * the seed and the key, and the seed never changes. So whatever other keys
 * do (colliding or spoofed ones included: their takes can only empty a
 * shared bucket), no operation increases the tokens available to a key
 * except refill by elapsed time, and a key is served at most its burst
 * plus rate x elapsed / 1000 times (the clock is monotonic).
 */
/*@ requires \valid(t) && srctab_ok(t) && now >= 0;
    requires \valid_read(key + (0 .. ADDR_KEY_LEN - 1));
    requires \separated(key + (0 .. ADDR_KEY_LEN - 1), t);
    assigns t->b[0][srctab_index(t, 0, key)], t->b[1][srctab_index(t, 1, key)];
    ensures srctab_ok(t);
    ensures \result <==> srctab_has{Pre}(t, key, now);
    ensures srctab_charged{Pre, Post}(t, key, now, \result ? 1 : 0);
    ensures srctab_others_same{Pre, Post}(t, key);
*/
bool	srctab_take(struct srctab *t, const uint8_t key[ADDR_KEY_LEN], int64_t now);

/* What becomes of a datagram; udp.c echoes only UDP_ECHO, counts the rest as dropped. */
enum udp_verdict {
	UDP_ECHO,
	UDP_DROP_TRUNC,		/* longer than the buffer: never echoed cut */
	UDP_DROP_GUARD,		/* rate_source_ok refused: loop guard */
	UDP_DROP_SOURCE,	/* over its source's limit */
	UDP_DROP_GLOBAL		/* over the global limit */
};

/*
 * The verdict on one datagram from key and source port, received on a
 * socket bound to local_port at now (ms), truncated or not, in this order:
 * truncation, loop guard, per-source limit, global limit. The global limit
 * is charged only for a datagram its source's limit let through, so one
 * flooding source cannot spend what the others are owed. Whatever the
 * verdict, only key's two buckets and the global one may change (assigns).
 */
/*@ requires \valid(t) && srctab_ok(t) && now >= 0;
    requires \valid_read(key + (0 .. ADDR_KEY_LEN - 1));
    requires \separated(key + (0 .. ADDR_KEY_LEN - 1), t);
    assigns t->b[0][srctab_index(t, 0, key)], t->b[1][srctab_index(t, 1, key)],
            t->global;
    ensures srctab_ok(t);
    behavior truncated:
      assumes truncated;
      assigns \nothing;
      ensures \result == UDP_DROP_TRUNC;
    behavior guard:
      assumes !truncated && !rate_guard_ok(key, port, local_port);
      assigns \nothing;
      ensures \result == UDP_DROP_GUARD;
    behavior source:
      assumes !truncated && rate_guard_ok(key, port, local_port);
      assumes !srctab_has(t, key, now);
      assigns t->b[0][srctab_index(t, 0, key)], t->b[1][srctab_index(t, 1, key)];
      ensures \result == UDP_DROP_SOURCE;
      ensures srctab_charged{Pre, Post}(t, key, now, 0);
      ensures srctab_others_same{Pre, Post}(t, key);
      ensures srctab_global_same{Pre, Post}(t);
    behavior global:
      assumes !truncated && rate_guard_ok(key, port, local_port);
      assumes srctab_has(t, key, now);
      assumes rate_refilled(t->global.tokens, t->global.last, now, t->grate,
        t->grate) == 0;
      ensures \result == UDP_DROP_GLOBAL;
      ensures srctab_charged{Pre, Post}(t, key, now, 1);
      ensures t->global.tokens == 0;
    behavior echo:
      assumes !truncated && rate_guard_ok(key, port, local_port);
      assumes srctab_has(t, key, now);
      assumes rate_refilled(t->global.tokens, t->global.last, now, t->grate,
        t->grate) > 0;
      ensures \result == UDP_ECHO;
      ensures srctab_charged{Pre, Post}(t, key, now, 1);
      ensures t->global.tokens == rate_refilled(\old(t->global.tokens),
        \old(t->global.last), now, t->grate, t->grate) - 1;
    complete behaviors;
    disjoint behaviors;
*/
enum udp_verdict srctab_verdict(struct srctab *t, const uint8_t key[ADDR_KEY_LEN],
	    uint32_t port, uint32_t local_port, bool truncated, int64_t now);

#endif
