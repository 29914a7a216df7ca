/* SPDX-License-Identifier: ISC */
/* fdflags.h: descriptor flags and options: the parent's sockets and pipes, a child's client socket, inherited descriptors. */
#ifndef FDFLAGS_H
#define FDFLAGS_H

/*
 * Make fd non-blocking and close-on-exec, keeping its other status flags.
 * 0, or -1 with errno.
 */
int	fd_nonblock_cloexec(int fd);

/* SO_OOBINLINE on a client socket: urgent bytes are echoed in order. 0, or -1 with errno. */
int	fd_oobinline(int fd);

/*
 * Make a client socket blocking, with every read and write waiting at most
 * seconds (SO_RCVTIMEO, SO_SNDTIMEO; 0: no limit) for a byte to move; a
 * call that times out fails with EAGAIN. 0, or -1 with errno.
 */
int	fd_blocking_timeout(int fd, unsigned int seconds);

/*
 * Close every descriptor from lowfd up (close_range(2), or one by one
 * where the kernel lacks it), so nothing the invoker left open reaches the
 * server or its children. 0, or -1 with errno.
 */
int	fd_close_from(int lowfd);

/*
 * Open /dev/null on whichever of fds 0-2 is closed, so no socket or pipe is
 * ever opened as one of them. 0, or -1 with errno (no /dev/null to open).
 */
int	fd_std_open(void);

#endif
