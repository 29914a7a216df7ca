/* SPDX-License-Identifier: ISC */
/* io.c: one-screen wrappers over read/write/poll. Retries EINTR until the lifetime is over; never interprets bytes. */
#include "echo/io.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

/*
 * Under Frama-C the system calls are their stated models (io.h, trusted):
 * the same arguments, so WP checks the flags and what the body does with the
 * bytes around each call. The compiler sees the libc calls.
 */
#ifdef __FRAMAC__
#define read(fd, buf, len)		io_model_read(fd, buf, len)
#define sock_write(fd, buf, len)	io_model_sock_write(fd, buf, len)
#define poll(fds, nfds, timeout)	io_model_poll(fds, nfds, timeout)
#define write(fd, buf, count)		io_model_write(fd, buf, count)
#else
/* write(2) on the client's socket: a name of its own for its own model. */
#define sock_write(fd, buf, len)	write(fd, buf, len)
#endif

/* The ghost stream positions (io.h); never exist in a compiled program. */
//@ ghost uint64_t io_rx_pos;
//@ ghost uint64_t io_tx_pos;
//@ ghost uint64_t io_wr_pos;

volatile sig_atomic_t io_expired;

void
io_on_expiry(int signo)
{
	(void)signo;
	io_expired = 1;
}

ssize_t
io_read(int fd, char *buf, size_t len)
{
	ssize_t n;
	int saved;

	saved = errno;
	/*@ loop invariant io_rx_pos == \at(io_rx_pos, Pre);
	    loop assigns n, buf[0 .. len - 1], io_rx_pos, errno, __fc_sockfds[fd];
	*/
	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR && io_expired == 0);
	if (n >= 0)
		errno = saved;	/* an EINTR retried is not the caller's business */
	return n;
}

ssize_t
io_write(int fd, const char *buf, size_t len)
{
	ssize_t n;
	int saved;

	saved = errno;
	/*@ loop invariant io_tx_pos == \at(io_tx_pos, Pre);
	    loop assigns n, io_tx_pos, errno, __fc_sockfds[fd];
	*/
	do
		n = sock_write(fd, buf, len);
	while (n < 0 && errno == EINTR && io_expired == 0);
	if (n == 0) {
		errno = EIO;	/* impossible for len > 0; never spin on it */
		return -1;
	}
	if (n > 0)
		errno = saved;
	return n;
}

int64_t
io_now(void)
{
	struct timespec ts;
	int64_t sec;
	int64_t ms;

	/* CLOCK_MONOTONIC cannot fail with a valid pointer. */
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	/* Clamped to what the deadline arithmetic is proven for (io.h). */
	/* Widened first: with a 32-bit time_t (armhf) the upper clamp never binds. */
	sec = (int64_t)ts.tv_sec;
	if (sec < 0)
		sec = 0;
	else if (sec > IO_NOW_SEC_MAX)
		sec = IO_NOW_SEC_MAX;
	ms = ts.tv_nsec < 0 || ts.tv_nsec > 999999999 ? 0 : (int64_t)(ts.tv_nsec / 1000000);
	return sec * 1000 + ms;
}

/*
 * Milliseconds from now to deadline for poll(2): -1 forever, 0 if past,
 * at most INT_MAX. now (io_now()) is an argument so the contract names it.
 */
/*@ requires 0 <= now;
    assigns \nothing;
    behavior forever:
      assumes deadline < 0;
      ensures \result == -1;
    behavior past:
      assumes 0 <= deadline <= now;
      ensures \result == 0;
    behavior soon:
      assumes 0 <= deadline && 0 < deadline - now <= INT_MAX;
      ensures \result == deadline - now;
    behavior far:
      assumes 0 <= deadline && deadline - now > INT_MAX;
      ensures \result == INT_MAX;
    complete behaviors;
    disjoint behaviors;
*/
static int
remaining(int64_t deadline, int64_t now)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = deadline - now;
	if (left <= 0)
		return 0;
	if (left > INT_MAX)
		return INT_MAX;
	return (int)left;
}

int
io_wait(int fd, short events, int64_t deadline)
{
	struct pollfd p;
	int n;
	int saved;

	saved = errno;
	p.fd = fd;
	p.events = events;
	p.revents = 0;
	/*@ loop assigns n, p.revents, errno, __fc_time, __fc_sockfds[fd]; */
	do
		n = poll(&p, 1, remaining(deadline, io_now()));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return n;
	errno = saved;
	if (n == 0)
		return 0;
	return p.revents;
}

size_t
io_write_all(int fd, const char *buf, size_t len)
{
	size_t done;
	ssize_t n;
	int saved;

	saved = errno;
	done = 0;
	/*@ loop invariant 0 <= done <= len;
	    loop invariant io_wr_pos ==
	      (\at(io_wr_pos, Pre) + done) % 18446744073709551616;
	    loop assigns done, n, io_wr_pos, errno, __fc_fds[fd];
	*/
	while (done < len) {
		n = write(fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			errno = EIO;	/* impossible for len > 0; never spin on it */
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (done == len)
		errno = saved;
	return done;
}
