/* SPDX-License-Identifier: ISC */
/* seed.h: random bytes for the source tables' hash seeds. */
#ifndef SEED_H
#define SEED_H

#include <stddef.h>

/* Fill seed[0..len) from getrandom(2): a key senders cannot know. 0, or -1 with errno. */
int	seed_fill(void *seed, size_t len);

#endif
