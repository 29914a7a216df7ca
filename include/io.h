/* io.h: the thin syscall seam: retry EINTR and nothing else; errno set on failure, untouched on success. */
#ifndef IO_H
#define IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Receive at most len (> 0) bytes from socket fd without blocking.
 * Returns the count (> 0), 0 at EOF, or -1 with errno (EAGAIN: nothing yet).
 */
ssize_t	io_recv(int fd, char *buf, size_t len);

/*
 * Send at most len (> 0) bytes to socket fd without blocking and without
 * SIGPIPE. Returns the count (> 0, possibly short) or -1 with errno.
 */
ssize_t	io_send(int fd, const char *buf, size_t len);

/*
 * Wait until fd reports one of events or the monotonic clock reaches
 * deadline (milliseconds, io_now(); -1 for none). Returns the revents
 * (> 0), 0 at the deadline, or -1 with errno.
 */
int	io_wait(int fd, short events, int64_t deadline);

/* Monotonic clock in milliseconds. */
int64_t	io_now(void);

/*
 * Write all len bytes to fd (blocking), retrying EINTR and short writes.
 * Returns how many bytes were written: len on success, less with errno set.
 */
size_t	io_write_all(int fd, const char *buf, size_t len);

#endif
