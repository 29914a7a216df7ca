/* SPDX-License-Identifier: ISC */
/* priv.c: the privilege drop. Any failure is fatal to the caller; never a warning. */
#define _DEFAULT_SOURCE	/* initgroups(3) */
#include "sys/priv.h"
#include "echod.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int
priv_lookup(const char *name, struct priv *p, struct failure *f)
{
	struct passwd *pw;

	memset(p, 0, sizeof(*p));	/* set = false; no field left undefined */
	if (name == NULL)
		return 0;
	if (strlen(name) >= sizeof(p->name))
		return failure_set(f, EXIT_NOUSER, 0, name, "no such user");
	errno = 0;
	pw = getpwnam(name);
	/* getpwnam may set errno for a mere absence: the answer is the same. */
	if (pw == NULL)
		return failure_set(f, EXIT_NOUSER, 0, name, "no such user");
	p->set = true;
	p->uid = pw->pw_uid;
	p->gid = pw->pw_gid;
	(void)snprintf(p->name, sizeof(p->name), "%s", name);
	return 0;
}

static int
no_new_privs(struct failure *f)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0)
		return failure_set(f, EXIT_OSERR, errno, "prctl no_new_privs",
		    NULL);
	return 0;
}

int
priv_drop(const struct priv *p, struct failure *f)
{
	if (!p->set)
		return no_new_privs(f);
	/* Already that user, without privilege: there is nothing to drop. */
	if (geteuid() != 0 && getuid() == p->uid && geteuid() == p->uid &&
	    getgid() == p->gid && getegid() == p->gid)
		return no_new_privs(f);
	if (initgroups(p->name, p->gid) < 0)
		return failure_set(f, EXIT_OSERR, errno, "initgroups", NULL);
	if (setgid(p->gid) < 0)
		return failure_set(f, EXIT_OSERR, errno, "setgid", NULL);
	if (setuid(p->uid) < 0)
		return failure_set(f, EXIT_OSERR, errno, "setuid", NULL);
	/* The drop must be permanent: regaining root has to fail. */
	if (p->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		return failure_set(f, EXIT_OSERR, 0, "setuid",
		    "root could be regained after the drop");
	return no_new_privs(f);
}
