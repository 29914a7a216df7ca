/* SPDX-License-Identifier: ISC */
/* policy.c: --allow/--deny and --rate-per-ip for TCP connections, on the proven acl and source table. */
#define _DEFAULT_SOURCE	/* MAP_ANONYMOUS, MADV_DONTFORK */
#include "policy.h"
#include "sys/seed.h"

#include <stddef.h>
#include <sys/mman.h>

/* One source table, for the parent alone. NULL with errno. */
static struct srctab *
table(int64_t now, uint32_t rate)
{
	struct srctab *t;

	t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED)
		return NULL;
	if (madvise(t, sizeof(*t), MADV_DONTFORK) < 0 ||
	    seed_fill(t->seed, sizeof(t->seed)) < 0) {
		(void)munmap(t, sizeof(*t));
		return NULL;
	}
	/* Per source only: srctab_take leaves the global bucket alone. */
	srctab_init(t, now, rate, rate, 0);
	return t;
}

int
policy_setup(struct policy *p, const struct acl *acl, uint32_t rate, int64_t now)
{
	p->acl = acl;
	p->rate = rate;
	p->tab = NULL;
	p->logs = NULL;
	if (rate == 0)
		return 0;
	p->tab = table(now, rate);
	p->logs = p->tab != NULL ? table(now, 1) : NULL;
	return p->logs != NULL ? 0 : -1;
}

enum source_verdict
policy_source(struct policy *p, const uint8_t key[ADDR_KEY_LEN], int64_t now,
    bool *log)
{
	*log = false;
	if (!acl_allows(p->acl, key))
		return SOURCE_ACL;
	if (p->rate == 0 || srctab_take(p->tab, key, now))
		return SOURCE_OK;
	*log = srctab_take(p->logs, key, now);
	return SOURCE_RATE;
}
