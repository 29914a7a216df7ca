/* fdflags.c: O_NONBLOCK and FD_CLOEXEC on a descriptor the parent keeps (listeners, the signal pipe). */
#include "fdflags.h"

#include <fcntl.h>

int
fd_nonblock_cloexec(int fd)
{
	int fl;

	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}
