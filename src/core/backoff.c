/* SPDX-License-Identifier: ISC */
/* backoff.c: the accept back-off sequence (backoff.h). Never reads a clock. */
#include "core/backoff.h"

uint32_t
backoff_next(uint32_t prev)
{
	if (prev < BACKOFF_FIRST_MS)
		return BACKOFF_FIRST_MS;
	if (prev >= BACKOFF_MAX_MS / 2)
		return BACKOFF_MAX_MS;
	return prev * 2;
}
