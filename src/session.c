/* session.c: the per-connection echo loop over the ebuf core and the io seam. Never logs client bytes. */
#include "session.h"
#include "ebuf.h"
#include "io.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>

/* Earliest of the idle and lifetime deadlines (ms, -1 none); *which tells. */
static int64_t
next_deadline(const struct session_cfg *cfg, int64_t start, int64_t last,
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
static bool
pump_out(int fd, struct ebuf *b, struct session_result *res, bool *moved)
{
	ssize_t n;

	if (ebuf_pending(b) == 0)
		return true;
	n = io_send(fd, ebuf_out(b), ebuf_pending(b));
	if (n > 0) {
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
static bool
pump_in(int fd, struct ebuf *b, struct session_result *res, bool *moved)
{
	ssize_t n;

	if (ebuf_room(b) == 0)
		return true;
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
echo_session(int fd, const struct session_cfg *cfg, char *mem, size_t cap,
    struct session_result *res)
{
	struct ebuf b;
	int64_t start;
	int64_t last;
	int64_t deadline;
	short events;
	bool moved;
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
	/* Optimistic I/O: try both directions, and poll only when neither moved. */
	while (!ebuf_done(&b)) {
		if (!pump_out(fd, &b, res, &moved) || !pump_in(fd, &b, res, &moved)) {
			res->end = SESSION_ERROR;
			return;
		}
		if (moved) {
			moved = false;
			last = io_now();
			continue;
		}
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
	}
}
