/* io.h: the thin syscall seam: retry EINTR and nothing else; errno set on failure, untouched on success. */
#ifndef IO_H
#define IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __FRAMAC__
/* Frama-C's libc models (errno, __fc_sockfds, __fc_fds, __fc_time) for the contracts. */
#include <errno.h>
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
 * io_recv, io_tx_byte(k) the k-th byte it sent through io_send; io_rx_pos and
 * io_tx_pos count them. Positions only grow, so each byte is fixed once.
 */
/*@ axiomatic io_stream {
      logic char io_rx_byte(integer k);
      logic char io_tx_byte(integer k);
    }
*/
//@ ghost extern uint64_t io_rx_pos;
//@ ghost extern uint64_t io_tx_pos;

/*@ ghost
  // TRUSTED (proofs/README.md): recv(2) just stored the next n bytes of the stream at buf.
  /@ requires io_rx_pos <= UINT64_MAX - n;
     assigns io_rx_pos;
     ensures io_rx_pos == \old(io_rx_pos) + n;
     ensures \forall integer k; \old(io_rx_pos) <= k < io_rx_pos ==>
       io_rx_byte(k) == buf[k - \old(io_rx_pos)];
  @/
  void io_trust_received(const char *buf, size_t n);
*/
/*@ ghost
  // TRUSTED (proofs/README.md): send(2) just put the n bytes at buf next on the stream.
  /@ requires io_tx_pos <= UINT64_MAX - n;
     assigns io_tx_pos;
     ensures io_tx_pos == \old(io_tx_pos) + n;
     ensures \forall integer k; \old(io_tx_pos) <= k < io_tx_pos ==>
       io_tx_byte(k) == buf[k - \old(io_tx_pos)];
  @/
  void io_trust_sent(const char *buf, size_t n);
*/

/*
 * Receive at most len (> 0) bytes from socket fd without blocking.
 * Returns the count (> 0), 0 at EOF, or -1 with errno (EAGAIN: nothing yet).
 */
/*@ requires 0 <= fd < IO_FD_MAX;
    requires 0 < len && \valid(buf + (0 .. len - 1));
    requires io_rx_pos <= UINT64_MAX - len;
    assigns buf[0 .. len - 1], io_rx_pos, errno, __fc_sockfds[fd];
    ensures -1 <= \result <= len;
    ensures \result > 0 ==> io_rx_pos == \old(io_rx_pos) + \result &&
      (\forall integer k; \old(io_rx_pos) <= k < io_rx_pos ==>
         io_rx_byte(k) == buf[k - \old(io_rx_pos)]);
    ensures \result <= 0 ==> io_rx_pos == \old(io_rx_pos);
*/
ssize_t	io_recv(int fd, char *buf, size_t len);

/*
 * Send at most len (> 0) bytes to socket fd without blocking and without
 * SIGPIPE. Returns the count (> 0, possibly short) or -1 with errno.
 */
/*@ requires 0 <= fd < IO_FD_MAX;
    requires 0 < len && \valid_read(buf + (0 .. len - 1));
    requires io_tx_pos <= UINT64_MAX - len;
    assigns io_tx_pos, errno, __fc_sockfds[fd];
    ensures -1 <= \result <= len;
    ensures \result > 0 ==> io_tx_pos == \old(io_tx_pos) + \result &&
      (\forall integer k; \old(io_tx_pos) <= k < io_tx_pos ==>
         io_tx_byte(k) == buf[k - \old(io_tx_pos)]);
    ensures \result <= 0 ==> io_tx_pos == \old(io_tx_pos);
*/
ssize_t	io_send(int fd, const char *buf, size_t len);

/*
 * Wait until fd reports one of events or the monotonic clock reaches
 * deadline (milliseconds, io_now(); -1 for none). Returns the revents
 * (> 0), 0 at the deadline, or -1 with errno.
 */
/*@ assigns errno, __fc_time;
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
    assigns errno, __fc_fds[fd];
    ensures \result <= len;
*/
size_t	io_write_all(int fd, const char *buf, size_t len);

#endif
