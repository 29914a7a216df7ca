/* SPDX-License-Identifier: ISC */
/* policy.h: the parent's source policy, before the slot table: --allow/--deny, then --rate-per-ip. */
#ifndef POLICY_H
#define POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/acl.h"
#include "core/srctab.h"

enum source_verdict {
	SOURCE_OK = 0,
	SOURCE_ACL,		/* refused by --allow/--deny */
	SOURCE_RATE		/* over --rate-per-ip */
};

struct policy {
	const struct acl	*acl;
	uint32_t		 rate;	/* --rate-per-ip; 0: off */
	struct srctab		*tab;	/* each source's connections: rate, burst rate */
	struct srctab		*logs;	/* each source's refusal lines: 1 a second */
};

/*
 * Set up the policy: acl as given (main's, for the server's life), and
 * for a rate, two source tables mapped for the parent alone (not in its
 * children: MADV_DONTFORK). 0, or -1 with errno.
 */
int	policy_setup(struct policy *p, const struct acl *acl, uint32_t rate, int64_t now);

/*
 * The verdict for a new connection from key at now: the rules first, then
 * the source's token bucket (srctab_take: never more than rate + rate x
 * elapsed seconds admitted). For SOURCE_RATE, *log says whether a line is
 * due (at most one per source per second).
 */
enum source_verdict	policy_source(struct policy *p, const uint8_t key[ADDR_KEY_LEN],
			    int64_t now, bool *log);

#endif
