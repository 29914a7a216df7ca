/* SPDX-License-Identifier: ISC */
/* pattern.h: seeded, seekable pseudo-random byte streams for the load generator; never allocates. */
#ifndef BENCH_PATTERN_H
#define BENCH_PATTERN_H

#include <stddef.h>
#include <stdint.h>

/* Fill dst[0..len) with bytes off..off+len of stream key (splitmix64 words). */
void	pattern_fill(uint8_t *dst, uint64_t key, uint64_t off, size_t len);

/*
 * Compare got[0..len) with bytes off.. of stream key. Returns -1 when equal,
 * else the index of the first differing byte (and *want is that byte).
 */
long	pattern_check(const uint8_t *got, uint64_t key, uint64_t off, size_t len,
	    uint8_t *want);

#endif
