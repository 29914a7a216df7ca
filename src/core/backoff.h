/* SPDX-License-Identifier: ISC */
/* backoff.h: the accept(2) back-off sequence after resource exhaustion. Pure: the caller owns the clock. */
#ifndef BACKOFF_H
#define BACKOFF_H

#include <stdint.h>

/* The first pause after a success, and the longest, in milliseconds. */
#define BACKOFF_FIRST_MS	100u
#define BACKOFF_MAX_MS		1000u

/*
 * The pause after a failure, given the previous one (0: none since the
 * last successful accept): 100 ms first, then doubled, never over 1000 ms.
 * A previous pause below 100 ms (never made) counts as none. Literal
 * numbers on purpose, so a changed macro fails the proof.
 */
/*@ logic integer backoff_after(integer prev) =
      prev < 100 ? 100 : (2 * prev > 1000 ? 1000 : 2 * prev);
*/

/* The pause after one more failure; backoff_next(0) starts a new episode. */
/*@ assigns \nothing;
    ensures \result == backoff_after(prev);
    ensures 100 <= \result <= 1000;
*/
uint32_t	backoff_next(uint32_t prev);

#endif
