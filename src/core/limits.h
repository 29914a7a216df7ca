/* SPDX-License-Identifier: ISC */
/* limits.h: one echo session's limits: filled by args_parse, set up by the child (socket timeouts, the lifetime timer) for the forked child and --inetd alike. */
#ifndef LIMITS_H
#define LIMITS_H

#include <stdint.h>

struct session_limits {
	uint32_t	idle_timeout;	/* seconds without a byte moving; 0 = none */
	uint32_t	max_lifetime;	/* seconds in total; 0 = none */
};

#endif
