/* SPDX-License-Identifier: ISC */
/* io.h: the thin syscall seam: retry EINTR and nothing else; errno set on failure, untouched on success. */
#ifndef IO_H
#define IO_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __FRAMAC__
/* Frama-C's libc models (errno, __fc_sockfds, __fc_fds, __fc_time) for the contracts. */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#endif

/* Descriptors below this are the ones Frama-C's libc models (its __FC_MAX_OPEN_SOCKETS). */
#define IO_FD_MAX	1024

/* io_now() is clamped to [0, IO_NOW_MAX] ms (about 31 700 years of uptime). */
#define IO_NOW_SEC_MAX	1000000000000LL
#define IO_NOW_MAX	(IO_NOW_SEC_MAX * 1000 + 999)

/*
 * The ghost model of the byte streams (for the echo theorem, proofs/README.md).
 * io_rx_byte(k) is the k-th byte (from 0) this process received through
 * io_read, io_tx_byte(k) the k-th byte it sent through io_write; io_rx_pos and
 * io_tx_pos count them. Positions only grow, so each byte is fixed once.
 * io_wr_pos counts, modulo 2^64, the bytes write(2) took from io_write_all
 * (modulo, so no caller has to prove that a log line cannot overflow it).
 */
/*@ axiomatic io_stream {
      logic char io_rx_byte(integer k);
      logic char io_tx_byte(integer k);
    }
*/
//@ ghost extern uint64_t io_rx_pos;
//@ ghost extern uint64_t io_tx_pos;
//@ ghost extern uint64_t io_wr_pos;

#ifdef __FRAMAC__
/*
 * TRUSTED (proofs/README.md, "Trusted base"): the stated models of the
 * system calls, which io.c calls in their place under Frama-C (its macros
 * read, sock_write, poll, write). Each ensures below is a trusted line about
 * the kernel; each requires is checked at io.c's call. read and sock_write
 * are read(2) and write(2) on the client's blocking socket (the only calls
 * a session child may make besides exit: strict seccomp), write is write(2)
 * on the log's descriptor. errno may change on success (POSIX leaves it
 * unspecified), so io.c must restore it.
 * io_polled(s): what a poll of one socket reports when it returns with the
 * socket in (Frama-C's abstract) state s: 0 (timed out) or the revents
 * (> 0). poll assigns that state: the socket moves on while poll waits.
 */
/*@ axiomatic io_poll {
      logic integer io_polled(struct __fc_sockfds_type s);
    }
*/
/*@ requires 0 <= fd < __FC_MAX_OPEN_SOCKETS && \valid(buf + (0 .. len - 1));
    requires io_rx_pos <= UINT64_MAX - len;
    assigns buf[0 .. len - 1], io_rx_pos, errno, __fc_sockfds[fd];
    ensures -1 <= \result <= len;
    ensures \result == -1 ==> errno != 0 && io_rx_pos == \old(io_rx_pos);
    ensures \result >= 0 ==> io_rx_pos == \old(io_rx_pos) + \result &&
      \forall integer k; 0 <= k < \result ==>
        buf[k] == io_rx_byte(\old(io_rx_pos) + k);
*/
ssize_t	io_model_read(int fd, char *buf, size_t len);
/*@ requires 0 <= fd < __FC_MAX_OPEN_SOCKETS;
    requires \valid_read(buf + (0 .. len - 1));
    requires io_tx_pos <= UINT64_MAX - len;
    assigns io_tx_pos, errno, __fc_sockfds[fd];
    ensures -1 <= \result <= len;
    ensures \result == -1 ==> errno != 0 && io_tx_pos == \old(io_tx_pos);
    ensures \result >= 0 ==> io_tx_pos == \old(io_tx_pos) + \result &&
      \forall integer k; 0 <= k < \result ==>
        io_tx_byte(\old(io_tx_pos) + k) == buf[k];
*/
ssize_t	io_model_sock_write(int fd, const char *buf, size_t len);
/*@ requires one: nfds == 1 && \valid(fds);
    assigns fds->revents, errno, __fc_time, __fc_sockfds[fds->fd];
    ensures -1 <= \result <= 1 && (\result == 1 ==> fds->revents > 0);
    ensures 0 <= fds->fd < __FC_MAX_OPEN_SOCKETS && \result >= 0 ==>
      io_polled(__fc_sockfds[fds->fd]) == (\result == 0 ? 0 : fds->revents);
*/
int	io_model_poll(struct pollfd *fds, nfds_t nfds, int timeout);
/*@ requires 0 <= fd < __FC_MAX_OPEN_FILES;
    requires \valid_read(buf + (0 .. count - 1));
    assigns io_wr_pos, errno, __fc_fds[fd];
    ensures -1 <= \result <= count;
    ensures \result == -1 ==> errno != 0 && io_wr_pos == \old(io_wr_pos);
    ensures \result >= 0 ==>
      io_wr_pos == (\old(io_wr_pos) + \result) % 18446744073709551616;
*/
ssize_t	io_model_write(int fd, const char *buf, size_t count);
#endif

/*
 * Set (to 1) by io_on_expiry, the handler of the lifetime timer's signal
 * (sig_lifetime): io_read and io_write then pass EINTR to their caller
 * instead of retrying it. Never cleared.
 */
extern volatile sig_atomic_t	io_expired;

/* The lifetime timer's signal handler: async-signal-safe, sets io_expired. */
/*@ assigns io_expired; */
void	io_on_expiry(int signo);

/*
 * Read at most len (> 0) bytes from the blocking socket fd. Returns the
 * count (> 0), 0 at EOF, or -1 with errno: EAGAIN or EWOULDBLOCK when the
 * socket's receive timeout (SO_RCVTIMEO) expired, EINTR only once
 * io_expired is set (an EINTR before that is retried).
 */
/*@ requires 0 <= fd < IO_FD_MAX;
    requires 0 < len && \valid(buf + (0 .. len - 1));
    requires io_rx_pos <= UINT64_MAX - len;
    assigns buf[0 .. len - 1], io_rx_pos, errno, __fc_sockfds[fd];
    ensures -1 <= \result <= len;
    ensures failed: \result == -1 ==> errno != 0 && io_rx_pos == \old(io_rx_pos);
    ensures errno_kept: \result >= 0 ==> errno == \old(errno);
    ensures received: \result >= 0 ==> io_rx_pos == \old(io_rx_pos) + \result &&
      (\forall integer k; \old(io_rx_pos) <= k < io_rx_pos ==>
         io_rx_byte(k) == buf[k - \old(io_rx_pos)]);
*/
ssize_t	io_read(int fd, char *buf, size_t len);

/*
 * Write at most len (> 0) bytes to the blocking socket fd (SIGPIPE is
 * ignored, sig.h). Returns the count (> 0, possibly short: a send timeout
 * or a signal after some bytes) or -1 with errno: EAGAIN or EWOULDBLOCK
 * when the send timeout (SO_SNDTIMEO) expired, EINTR only once io_expired
 * is set.
 */
/*@ requires 0 <= fd < IO_FD_MAX;
    requires 0 < len && \valid_read(buf + (0 .. len - 1));
    requires io_tx_pos <= UINT64_MAX - len;
    assigns io_tx_pos, errno, __fc_sockfds[fd];
    ensures \result == -1 || 0 < \result <= len;
    ensures failed: \result == -1 ==> errno != 0 && io_tx_pos == \old(io_tx_pos);
    ensures errno_kept: \result >= 0 ==> errno == \old(errno);
    ensures sent: \result >= 0 ==> io_tx_pos == \old(io_tx_pos) + \result &&
      (\forall integer k; \old(io_tx_pos) <= k < io_tx_pos ==>
         io_tx_byte(k) == buf[k - \old(io_tx_pos)]);
*/
ssize_t	io_write(int fd, const char *buf, size_t len);

/*
 * Wait until fd reports one of events or the monotonic clock reaches
 * deadline (milliseconds, io_now(); -1 for none). Returns the revents
 * (> 0), 0 at the deadline, or -1 with errno.
 */
/*@ assigns errno, __fc_time, __fc_sockfds[fd];
    ensures failed: \result == -1 ==> errno != EINTR;
    ensures errno_kept: \result >= 0 ==> errno == \old(errno);
    ensures -1 <= \result;
    ensures polled: 0 <= fd < IO_FD_MAX && \result >= 0 ==>
      \result == io_polled(__fc_sockfds[fd]);
*/
int	io_wait(int fd, short events, int64_t deadline);

/* Monotonic clock in milliseconds. */
/*@ assigns __fc_time;
    ensures 0 <= \result <= IO_NOW_MAX;
*/
int64_t	io_now(void);

/*
 * Write all len bytes to fd (blocking), retrying EINTR and short writes.
 * Returns how many bytes were written: len on success, less with errno set.
 */
/*@ requires 0 <= fd < IO_FD_MAX;
    requires \valid_read(buf + (0 .. len - 1));
    assigns io_wr_pos, errno, __fc_fds[fd];
    ensures \result <= len;
    ensures written:
      io_wr_pos == (\old(io_wr_pos) + \result) % 18446744073709551616;
    ensures errno_kept: \result == len ==> errno == \old(errno);
    ensures failed: \result < len ==> errno != EINTR && errno != 0;
*/
size_t	io_write_all(int fd, const char *buf, size_t len);

#endif
