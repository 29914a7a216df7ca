/* SPDX-License-Identifier: ISC */
/* session.c: the per-connection echo loop: blocking read, write all, over the io seam. Never logs client bytes. */
#include "echo/session.h"
#include "echo/io.h"

#include <errno.h>

/* How a session ends on errno e from io_read or io_write (io.h says which means what). */
/*@ requires \valid(res) && e != 0;
    assigns res->end, res->errnum;
    ensures res->errnum == e;
    ensures SESSION_ERROR <= res->end <= SESSION_LIFETIME;
    ensures res->end == SESSION_IDLE <==> (e == EAGAIN || e == EWOULDBLOCK);
    ensures res->end == SESSION_LIFETIME <==> e == EINTR;
*/
static void
session_fail(struct session_result *res, int e)
{
	res->errnum = e;
	if (e == EAGAIN || e == EWOULDBLOCK)
		res->end = SESSION_IDLE;
	else if (e == EINTR)
		res->end = SESSION_LIFETIME;
	else
		res->end = SESSION_ERROR;
}

/*
 * Write mem[0..n-1], which holds the last n bytes received, all of it.
 * True when every byte went out; false with *res ended otherwise.
 */
/*@ requires 0 <= fd < IO_FD_MAX;
    requires \valid(res) && 0 < n && \valid_read(mem + (0 .. n - 1));
    requires \separated(res, mem + (0 .. n - 1));
    requires n <= res->received && res->sent == res->received - n;
    requires io_rx_pos == res->received && io_tx_pos == res->sent;
    requires \forall integer j; 0 <= j < n ==>
      mem[j] == io_rx_byte(res->received - n + j);
    requires \forall integer k; 0 <= k < res->sent ==> io_tx_byte(k) == io_rx_byte(k);
    assigns res->sent, res->end, res->errnum, io_tx_pos, errno, __fc_sockfds[fd];
    ensures io_tx_pos == res->sent && res->sent <= res->received;
    ensures \forall integer k; 0 <= k < res->sent ==> io_tx_byte(k) == io_rx_byte(k);
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> res->sent == res->received &&
      res->end == \old(res->end) && res->errnum == \old(res->errnum);
    ensures \result == 0 ==> SESSION_ERROR <= res->end <= SESSION_LIFETIME &&
      res->errnum != 0 &&
      (res->end == SESSION_IDLE <==>
        (res->errnum == EAGAIN || res->errnum == EWOULDBLOCK)) &&
      (res->end == SESSION_LIFETIME <==> res->errnum == EINTR);
*/
static int
write_all(int fd, const char *mem, size_t n, struct session_result *res)
{
	size_t off;
	ssize_t m;

	off = 0;
	/*@ loop invariant 0 <= off <= n;
	    loop invariant res->sent == res->received - n + off;
	    loop invariant io_tx_pos == res->sent;
	    loop invariant \forall integer k; 0 <= k < res->sent ==>
	      io_tx_byte(k) == io_rx_byte(k);
	    loop assigns off, m, res->sent, io_tx_pos, errno, __fc_sockfds[fd];
	    loop variant n - off;
	*/
	while (off < n) {
		m = io_write(fd, mem + off, n - off);
		if (m < 0) {
			session_fail(res, errno);
			return 0;
		}
		/*@ assert sent_is_next: \forall integer k;
		      res->sent <= k < res->sent + m ==> io_tx_byte(k) == io_rx_byte(k); */
		off += (size_t)m;
		res->sent += (uint64_t)m;
	}
	return 1;
}

void
echo_session(int fd, char *mem, size_t cap, struct session_result *res)
{
	ssize_t n;

	res->end = SESSION_EOF;
	res->errnum = 0;
	res->received = 0;
	res->sent = 0;
	/*
	 * Half duplex, as the fastest confinement needs (read and write are
	 * all a strict-mode child may call): nothing more is read until every
	 * byte read has gone back, so the buffer is never more than one read.
	 */
	/*@ loop invariant io_rx_pos == res->received && io_tx_pos == res->sent;
	    loop invariant res->sent == res->received;
	    loop invariant res->end == SESSION_EOF && res->errnum == 0;
	    loop invariant \forall integer k; 0 <= k < res->sent ==>
	      io_tx_byte(k) == io_rx_byte(k);
	    loop assigns n, *res, mem[0 .. cap - 1], io_rx_pos, io_tx_pos, errno,
	      __fc_sockfds[fd];
	*/
	for (;;) {
		if (cap > UINT64_MAX - res->received) {
			/* Unreachable (2^64 bytes); keeps the byte counts exact. */
			res->end = SESSION_ERROR;
			res->errnum = EOVERFLOW;
			return;
		}
		n = io_read(fd, mem, cap);
		if (n == 0)
			return;	/* EOF: every byte read has been written */
		if (n < 0) {
			session_fail(res, errno);
			return;
		}
		res->received += (uint64_t)n;
		if (!write_all(fd, mem, (size_t)n, res))
			return;
	}
}
