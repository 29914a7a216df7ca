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
void	rate_fill(struct bucket *b, int64_t now, uint32_t burst);

/*
 * Refill for the time since b->last (now >= 0, ms), then take one token.
 * Returns false (nothing taken) when the bucket is empty.
 */
bool	rate_take(struct bucket *b, int64_t now, uint32_t rate, uint32_t burst);

/*
 * May a datagram from key (addr_key form) and source port be echoed?
 * False for ports 0, 7, 13, 17, 19, 37 (services that answer anything, so two
 * of them would ping-pong) and for broadcast or multicast sources.
 */
bool	rate_source_ok(const uint8_t key[ADDR_KEY_LEN], uint32_t port);

#endif
