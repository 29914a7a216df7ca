/* fdflags.h: descriptor flags the parent sets on the sockets and pipes it keeps. */
#ifndef FDFLAGS_H
#define FDFLAGS_H

/*
 * Make fd non-blocking and close-on-exec, keeping its other status flags.
 * 0, or -1 with errno.
 */
int	fd_nonblock_cloexec(int fd);

#endif
