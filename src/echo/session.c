/* session.c: the per-connection echo loop over the ebuf core and the io seam. Never logs client bytes. */
#include "echo/session.h"
#include "core/ebuf.h"
#include "echo/io.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>

/*
 * The echo invariant over the ghost stream model of io.h: everything sent is
 * the received stream's prefix, and the buffer holds exactly the received
 * bytes not yet sent, in order.
 */
/*@ predicate echo_inv{L}(struct ebuf *b, struct session_result *res) =
      ebuf_inv(b) && \separated(res, b, b->mem + (0 .. b->cap - 1)) &&
      io_rx_pos == res->received && io_tx_pos == res->sent &&
      res->sent + (b->tail - b->head) == res->received &&
      (\forall integer k; res->sent <= k < res->received ==>
         io_rx_byte(k) == b->mem[b->head + (k - res->sent)]) &&
      (\forall integer k; 0 <= k < res->sent ==> io_tx_byte(k) == io_rx_byte(k));
*/

/* Earliest of the idle and lifetime deadlines (ms, -1 none); *which tells. */
/*@ requires \valid_read(cfg) && \valid(which);
    requires 0 <= start <= IO_NOW_MAX && 0 <= last <= IO_NOW_MAX;
    assigns *which;
    ensures \result >= -1;
    ensures *which == SESSION_IDLE || *which == SESSION_LIFETIME;
*/
static int64_t
next_deadline(const struct session_limits *cfg, int64_t start, int64_t last,
    int *which)
{
	int64_t idle;
	int64_t life;

	idle = cfg->idle_timeout ? last + (int64_t)cfg->idle_timeout * 1000 : -1;
	life = cfg->max_lifetime ? start + (int64_t)cfg->max_lifetime * 1000 : -1;
	if (life >= 0 && (idle < 0 || life <= idle)) {
		*which = SESSION_LIFETIME;
		return life;
	}
	*which = SESSION_IDLE;
	return idle;
}

/* Try to send what is pending. Returns false on a fatal error. */
/*@ requires echo_inv(b, res) && \valid(moved) && \valid(res);
    requires \separated(moved, res, b, b->mem + (0 .. b->cap - 1));
    requires 0 <= fd < IO_FD_MAX;
    assigns b->head, b->tail, res->sent, res->errnum, *moved, io_tx_pos, errno,
      __fc_sockfds[fd];
    ensures echo_inv(b, res);
*/
static bool
pump_out(int fd, struct ebuf *b, struct session_result *res, bool *moved)
{
	ssize_t n;

	if (ebuf_pending(b) == 0)
		return true;
	n = io_send(fd, ebuf_out(b), ebuf_pending(b));
	if (n > 0) {
		/*@ assert sent_is_next: \forall integer k;
		      res->sent <= k < res->sent + n ==> io_tx_byte(k) == io_rx_byte(k); */
		ebuf_consume(b, (size_t)n);
		res->sent += (uint64_t)n;
		*moved = true;
		return true;
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return true;
	res->errnum = n < 0 ? errno : EIO;
	return false;
}

/* Try to read into free room. Returns false on a fatal error. */
/*@ requires echo_inv(b, res) && \valid(moved) && \valid(res);
    requires \separated(moved, res, b, b->mem + (0 .. b->cap - 1));
    requires 0 <= fd < IO_FD_MAX;
    assigns b->tail, b->eof, res->received, res->errnum, *moved,
      b->mem[0 .. b->cap - 1], io_rx_pos, errno, __fc_sockfds[fd];
    ensures echo_inv(b, res);
    ensures res->received >= \old(res->received);
*/
static bool
pump_in(int fd, struct ebuf *b, struct session_result *res, bool *moved)
{
	ssize_t n;

	if (ebuf_room(b) == 0)
		return true;
	if (ebuf_room(b) > UINT64_MAX - res->received) {
		/* Unreachable (2^64 bytes); keeps the byte counts exact. */
		res->errnum = EOVERFLOW;
		return false;
	}
	n = io_recv(fd, ebuf_in(b), ebuf_room(b));
	if (n > 0) {
		ebuf_ingest(b, (size_t)n);
		res->received += (uint64_t)n;
		*moved = true;
		return true;
	}
	if (n == 0) {
		ebuf_set_eof(b);
		*moved = true;
		return true;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return true;
	res->errnum = errno;
	return false;
}

void
echo_session(int fd, const struct session_limits *cfg, char *mem, size_t cap,
    struct session_result *res)
{
	struct ebuf b;
	int64_t start;
	int64_t last;
	int64_t deadline;
	uint64_t rx;
	size_t room;
	short events;
	bool moved;
	bool eof;
	bool drained;
	int which;
	int r;

	res->end = SESSION_EOF;
	res->errnum = 0;
	res->received = 0;
	res->sent = 0;
	ebuf_init(&b, mem, cap);
	start = io_now();
	last = start;
	moved = false;
	drained = false;
	/*
	 * Optimistic I/O: send what is pending, then read into the room that
	 * frees. Go round again at once only when the read brought something
	 * (bytes or EOF) to act on, or the session is done (the last bytes
	 * after EOF just went out); otherwise both directions wait on the
	 * peer, and poll says when. A read that did not fill the room emptied
	 * the socket, so the next read waits for poll instead of probing for
	 * EAGAIN right after our send: a round trip costs recv, send, poll.
	 */
	/*@ loop invariant echo_inv(&b, res) && b.mem == mem && b.cap == cap;
	    loop invariant res->end == SESSION_EOF && !moved;
	    loop invariant 0 <= last <= IO_NOW_MAX;
	    loop assigns b, mem[0 .. cap - 1], *res, moved, drained, last,
	      events, rx, room, eof, deadline, which, r, io_rx_pos, io_tx_pos,
	      errno, __fc_sockfds[fd], __fc_time;
	*/
	while (!ebuf_done(&b)) {
		rx = res->received;
		eof = b.eof;
		if (!pump_out(fd, &b, res, &moved)) {
			res->end = SESSION_ERROR;
			return;
		}
		if (!drained) {
			room = ebuf_room(&b);
			if (!pump_in(fd, &b, res, &moved)) {
				res->end = SESSION_ERROR;
				return;
			}
			drained = res->received - rx < room;
		}
		if (moved) {
			moved = false;
			last = io_now();	/* a byte moved: the idle clock restarts */
		}
		if (res->received != rx || b.eof != eof || ebuf_done(&b))
			continue;
		events = 0;
		if (ebuf_room(&b) > 0)
			events |= POLLIN;
		if (ebuf_pending(&b) > 0)
			events |= POLLOUT;
		deadline = next_deadline(cfg, start, last, &which);
		r = io_wait(fd, events, deadline);
		if (r == 0) {
			res->end = which;
			return;
		}
		if (r < 0) {
			res->errnum = errno;
			res->end = SESSION_ERROR;
			return;
		}
		drained = false;	/* ready, or a deadline moved: read again */
	}
}
