/* sandbox.c: per-child resource limits and syscall confinement. Runs after fork, before any client byte. */
#include "sandbox.h"

#include <sys/resource.h>

static int
limit(int resource, rlim_t value)
{
	struct rlimit rl;

	rl.rlim_cur = value;
	rl.rlim_max = value;
	return setrlimit(resource, &rl);
}

int
sandbox_child(void)
{
	/*
	 * No core files: a dump could hold client bytes. RLIMIT_FSIZE stays:
	 * stderr may be a log file, and a zero limit would kill the child
	 * with SIGXFSZ at its close line.
	 */
	if (limit(RLIMIT_CORE, 0) < 0)
		return -1;
	return 0;
}
