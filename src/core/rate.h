/* SPDX-License-Identifier: ISC */
/* rate.h: token buckets and the UDP loop guard for --udp. Pure: time is passed in. */
#ifndef RATE_H
#define RATE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/addr.h"

/* A token bucket: at most burst tokens, refilled at rate per second. */
struct bucket {
	int64_t		last;	/* ms of the last refill */
	uint32_t	tokens;
};

/*
 * The refill rule, exactly: the time since last (ms), clamped to 0..1000 s
 * (a clock stepped back gives nothing; 1000 s bounds the product, and any
 * bucket is full by then for rate >= burst / 1000), gives elapsed * rate /
 * 1000 tokens, rounded down, capped at burst. last moves to now only when
 * tokens were added (so no fraction is credited twice) or when the clock
 * went back (so a stepped-back clock cannot wedge the bucket).
 */
/*@ logic integer rate_elapsed(integer last, integer now) =
      now - last < 0 ? 0 : (now - last > 1000000 ? 1000000 : now - last);
    logic integer rate_add(integer last, integer now, integer rate) =
      rate_elapsed(last, now) * rate / 1000;
    logic integer rate_refilled(integer tokens, integer last, integer now,
        integer rate, integer burst) =
      rate_add(last, now, rate) > 0 ?
        (burst - tokens <= rate_add(last, now, rate) ? burst :
         tokens + rate_add(last, now, rate)) :
        tokens;
    logic integer rate_refilled_last(integer last, integer now, integer rate) =
      rate_add(last, now, rate) > 0 || last > now ? now : last;

    predicate rate_bucket_ok(struct bucket b, integer burst) =
      b.last >= 0 && b.tokens <= burst;
*/

/* A full bucket as of now (ms). */
/*@ requires \valid(b) && now >= 0;
    assigns *b;
    ensures b->last == now && b->tokens == burst;
*/
void	rate_fill(struct bucket *b, int64_t now, uint32_t burst);

/* Refill b for the time since b->last (now >= 0, ms): exactly rate_refilled. */
/*@ requires \valid(b) && now >= 0 && rate_bucket_ok(*b, burst);
    assigns *b;
    ensures b->tokens == rate_refilled(\old(b->tokens), \old(b->last), now, rate, burst);
    ensures b->last == rate_refilled_last(\old(b->last), now, rate);
    ensures rate_bucket_ok(*b, burst);
*/
void	rate_refill(struct bucket *b, int64_t now, uint32_t rate, uint32_t burst);

/*
 * Refill for the time since b->last (now >= 0, ms), then take one token.
 * Returns false (nothing taken) when the bucket is empty after the refill.
 */
/*@ requires \valid(b) && now >= 0 && rate_bucket_ok(*b, burst);
    assigns *b;
    ensures b->last == rate_refilled_last(\old(b->last), now, rate);
    ensures \result <==>
      rate_refilled(\old(b->tokens), \old(b->last), now, rate, burst) > 0;
    ensures \result ==> b->tokens ==
      rate_refilled(\old(b->tokens), \old(b->last), now, rate, burst) - 1;
    ensures !\result ==> b->tokens == 0 &&
      b->tokens == rate_refilled(\old(b->tokens), \old(b->last), now, rate, burst);
    ensures rate_bucket_ok(*b, burst);
    ensures \result ==> b->tokens < burst;
*/
bool	rate_take(struct bucket *b, int64_t now, uint32_t rate, uint32_t burst);

/*
 * The UDP loop guard, as a rule: a datagram may be echoed unless its source
 * port is a service that answers anything (0, echo 7, systat 11, daytime 13,
 * qotd 17, chargen 19, time 37), or the receiving socket's own port (another
 * echo server, whatever its port), or its source cannot be a real sender:
 * IPv4 (IPv4-mapped key) 0.0.0.0/8, 224.0.0.0/4 multicast, 240.0.0.0/4
 * reserved (255.255.255.255 broadcast included); IPv6 ff00::/8 multicast.
 */
/*@ predicate rate_service_port(integer p) =
      p == 0 || p == 7 || p == 11 || p == 13 || p == 17 || p == 19 || p == 37;
    predicate rate_v4mapped{L}(uint8_t *k) =
      (\forall integer i; 0 <= i < 10 ==> k[i] == 0) &&
      k[10] == 0xff && k[11] == 0xff;
    predicate rate_bad_source{L}(uint8_t *k) =
      rate_v4mapped(k) ? (k[12] == 0 || k[12] >= 224) : k[0] == 0xff;
    predicate rate_guard_ok{L}(uint8_t *k, integer port, integer local_port) =
      !rate_service_port(port) && port != local_port && !rate_bad_source(k);
*/

/*
 * May a datagram from key (addr_key form) and source port, received on a
 * socket bound to local_port, be echoed? Exactly rate_guard_ok.
 */
/*@ requires \valid_read(key + (0 .. ADDR_KEY_LEN - 1));
    assigns \nothing;
    ensures \result <==> rate_guard_ok(key, port, local_port);
*/
bool	rate_source_ok(const uint8_t key[ADDR_KEY_LEN], uint32_t port,
	    uint32_t local_port);

#endif
