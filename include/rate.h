/* rate.h: token buckets and the UDP loop guard for --udp. Pure: time is passed in. */
#ifndef RATE_H
#define RATE_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

/* A token bucket: at most burst tokens, refilled at rate per second. */
struct bucket {
	int64_t		last;	/* ms of the last refill */
	uint32_t	tokens;
};

/* A full bucket as of now (ms). */
/*@ requires \valid(b) && now >= 0;
    assigns *b;
    ensures b->last == now && b->tokens == burst;
*/
void	rate_fill(struct bucket *b, int64_t now, uint32_t burst);

/*
 * Refill for the time since b->last (now >= 0, ms), then take one token.
 * Returns false (nothing taken) when the bucket is empty.
 */
/*@ requires \valid(b) && now >= 0 && b->last >= 0 && b->tokens <= burst;
    assigns *b;
    ensures b->tokens <= burst && b->last >= 0;
    ensures \result ==> b->tokens < burst;
    ensures !\result ==> b->tokens == 0;
*/
bool	rate_take(struct bucket *b, int64_t now, uint32_t rate, uint32_t burst);

/*
 * May a datagram from key (addr_key form) and source port be echoed?
 * False for ports 0, 7, 13, 17, 19, 37 (services that answer anything, so two
 * of them would ping-pong) and for broadcast or multicast sources.
 */
/*@ requires \valid_read(key + (0 .. ADDR_KEY_LEN - 1));
    assigns \nothing;
    behavior service_port:
      assumes port == 0 || port == 7 || port == 13 || port == 17 || port == 19 || port == 37;
      ensures !\result;
    behavior other_port:
      assumes port != 0 && port != 7 && port != 13 && port != 17 && port != 19 && port != 37;
      ensures \result ==> key[0] != 0xff || (key[10] == 0xff && key[11] == 0xff);
    complete behaviors;
    disjoint behaviors;
*/
bool	rate_source_ok(const uint8_t key[ADDR_KEY_LEN], uint32_t port);

#endif
