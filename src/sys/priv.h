/* SPDX-License-Identifier: ISC */
/* priv.h: --user: look the user up before binding, drop to it after. */
#ifndef PRIV_H
#define PRIV_H

#include <stdbool.h>
#include <sys/types.h>

#include "sys/failure.h"

struct priv {
	bool	set;		/* --user given */
	uid_t	uid;
	gid_t	gid;
	char	name[64];
};

/* Look name up in the user database. -1 with *f (EXIT_NOUSER) when absent. */
int	priv_lookup(const char *name, struct priv *p, struct failure *f);

/*
 * Drop to p's uid, gid and groups (initgroups, setgid, setuid, in that order),
 * check that root cannot be regained, and set no_new_privs. Nothing to do
 * when p->set is false except no_new_privs. -1 with *f (EXIT_OSERR) on failure.
 */
int	priv_drop(const struct priv *p, struct failure *f);

#endif
