/* SPDX-License-Identifier: ISC */
/* fdflags.c: descriptor flags and options (O_NONBLOCK, FD_CLOEXEC, SO_OOBINLINE, timeouts), inherited descriptors closed, fds 0-2 made to exist. */
#define _DEFAULT_SOURCE	/* syscall(2) */
#include "sys/fdflags.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#ifndef SYS_close_range
#define SYS_close_range	436	/* one number on every Linux ABI since 5.9 */
#endif

int
fd_nonblock_cloexec(int fd)
{
	int fl;

	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

int
fd_oobinline(int fd)
{
	int on;

	on = 1;
	return setsockopt(fd, SOL_SOCKET, SO_OOBINLINE, &on, sizeof(on));
}

int
fd_blocking_timeout(int fd, unsigned int seconds)
{
	struct timeval tv;
	int fl;

	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || ((fl & O_NONBLOCK) != 0 &&
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0))
		return -1;
	tv.tv_sec = (time_t)seconds;
	tv.tv_usec = 0;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -1;
	return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

int
fd_close_from(int lowfd)
{
	struct rlimit rl;
	rlim_t fd;

	/* musl has no close_range(3) wrapper; the system call is the same. */
	if (syscall(SYS_close_range, (unsigned int)lowfd, ~0u, 0u) == 0)
		return 0;
	if (errno != ENOSYS)
		return -1;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	/* Bounded: the hard limit can be huge; descriptors past 65536 are rare. */
	for (fd = (rlim_t)lowfd; fd < rl.rlim_max && fd < 65536; fd++)
		(void)close((int)fd);
	return 0;
}

int
fd_std_open(void)
{
	int fd;

	for (fd = 0; fd <= STDERR_FILENO; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* The lowest free number: fd itself. */
		if (open("/dev/null", O_RDWR) < 0)
			return -1;
	}
	return 0;
}
