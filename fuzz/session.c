/* SPDX-License-Identifier: ISC */
/* fuzz/session.c: drives the real echo_session over a socketpair with a fault schedule injected beneath io.c; aborts on any echo violation. */
/*
 * Link with -Wl,--wrap=read,--wrap=write so that the unmodified
 * src/echo/io.c and src/echo/session.c call the __wrap_* seam below.
 *
 * The session's socket is blocking in a real child, with the idle timeout
 * as its SO_RCVTIMEO/SO_SNDTIMEO and the lifetime as a timer that sets
 * io_expired. Here it is non-blocking, and the seam plays the kernel: a
 * read or write that would block runs the client (same thread) until it
 * can go on; when the client can do nothing more, it is the idle timeout
 * (EAGAIN) if there is one, else the lifetime (io_expired, EINTR) if there
 * is one, else a hang.
 *
 * Input layout (every part optional; missing bytes read as 0):
 *   byte 0   bits 0-3: buffer capacity (caps[]), bit 4: an idle timeout,
 *            bit 5: a lifetime
 *   byte 1   bits 0-2: client write chunk (chunks[])
 *   byte 2   n: length of the fault schedule
 *   n bytes  the fault schedule, one byte per wrapped call, then no faults
 *   rest     the bytes the client sends
 * A fault byte is op = b >> 5, param = b & 31 (meaning per call, see below).
 *
 * Oracle: every byte the client reads back equals the byte it sent at that
 * offset and was sent before; a session that ends with EOF echoed all of
 * it; an error end needs an injected error; an idle end needs a timeout,
 * a lifetime end an expiry, each only where the limit is set; a session
 * that waits while the client can do nothing more is a hang. Any
 * violation is abort().
 */
#include "echo/session.h"
#include "echo/io.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

ssize_t	__real_read(int fd, void *buf, size_t len);
ssize_t	__real_write(int fd, const void *buf, size_t len);
ssize_t	__wrap_read(int fd, void *buf, size_t len);
ssize_t	__wrap_write(int fd, const void *buf, size_t len);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const size_t caps[16] = {
	1, 2, 3, 4, 5, 7, 8, 13, 16, 31, 64, 100, 257, 1024, 4096, 65536
};
static const size_t chunks[8] = { 0, 1, 2, 7, 64, 513, 4096, 1 };	/* 0: all */

/* The one test in flight: the fault schedule, the client, the limits. */
static struct {
	int		 active;	/* wrappers inject only while set */
	int		 sfd;		/* the session's end */
	int		 cfd;		/* the client's end (non-blocking) */
	const uint8_t	*fault;
	size_t		 nfault;
	size_t		 at;		/* next fault byte */
	const uint8_t	*msg;		/* what the client sends */
	size_t		 len;
	size_t		 chunk;		/* most bytes per client write, 0: all */
	size_t		 written;	/* bytes the client has written */
	size_t		 echoed;	/* bytes the client has read back */
	int		 shut;		/* client has shut down its sending side */
	int		 eof;		/* client has read EOF */
	int		 reset;		/* client read ECONNRESET after the session */
	int		 idle;		/* the socket has a timeout (--idle-timeout) */
	int		 life;		/* there is a lifetime timer (--max-lifetime) */
	int		 injected;	/* last error injected into read/write, 0 none */
	int		 timed_out;	/* a call failed with the socket's timeout */
	int		 expired;	/* the lifetime timer went off */
} t;

static void
fail(const char *why)
{
	fprintf(stderr, "session oracle: %s (written %zu echoed %zu len %zu)\n",
	    why, t.written, t.echoed, t.len);
	abort();
}

/* Next fault byte, or 0 (no fault) once the schedule is spent. */
static uint8_t
next_fault(void)
{
	if (t.at >= t.nfault)
		return 0;
	return t.fault[t.at++];
}

/*
 * The client: write the next chunk through io_write_all (faults apply),
 * shut down once everything is written, read back whatever arrived and
 * check it against what was sent. Returns nonzero when anything moved.
 */
static int
client_pump(int may_write)
{
	char buf[4096];
	size_t want;
	size_t n;
	ssize_t r;
	int moved;

	moved = 0;
	if (may_write && t.written < t.len) {
		want = t.len - t.written;
		if (t.chunk != 0 && want > t.chunk)
			want = t.chunk;
		errno = 0;
		n = io_write_all(t.cfd, (const char *)t.msg + t.written, want);
		if (n > want || (n < want && errno == 0))
			fail("io_write_all miscounted");
		t.written += n;
		moved |= n > 0;
	}
	if (may_write && t.written == t.len && !t.shut) {
		if (shutdown(t.cfd, SHUT_WR) != 0)
			fail("client shutdown failed");
		t.shut = 1;
		moved = 1;
	}
	while (!t.eof) {
		r = recv(t.cfd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r == 0) {
			t.eof = 1;
			moved = 1;
			break;
		}
		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			/* A closed socket with unread input resets its peer. */
			if (errno == ECONNRESET && t.sfd < 0) {
				t.reset = 1;
				break;
			}
			fail("client read failed");
		}
		if (t.echoed + (size_t)r > t.written)
			fail("echoed a byte the client never sent");
		if (memcmp(buf, t.msg + t.echoed, (size_t)r) != 0)
			fail("echoed bytes differ from those sent");
		t.echoed += (size_t)r;
		moved = 1;
	}
	return moved;
}

/* The socket's timeout, where it has one: the call fails with EAGAIN. */
static int
time_out(void)
{
	if (!t.idle)
		return 0;
	t.timed_out = 1;
	errno = EAGAIN;
	return 1;
}

/* The lifetime timer, where there is one: its handler runs, the call is interrupted. */
static int
expire(void)
{
	if (!t.life)
		return 0;
	t.expired = 1;
	io_on_expiry(SIGALRM);
	errno = EINTR;
	return 1;
}

/*
 * The faults read and write share, from fault byte f: 1 short (param+1
 * bytes, by shrinking *len), 2 EINTR (a signal, not the lifetime's),
 * 3 the timeout (only with one), 5 the client runs first, 7 the lifetime
 * expires (only with one). Returns -1 with errno set when the call is to
 * fail, 0 to go on.
 */
static int
io_fault(uint8_t f, size_t *len)
{
	switch (f >> 5) {
	case 1:
		if (*len > (size_t)(f & 31) + 1)
			*len = (size_t)(f & 31) + 1;
		return 0;
	case 2:
		errno = EINTR;
		return -1;
	case 3:
		return time_out() ? -1 : 0;
	case 5:
		(void)client_pump(1);
		return 0;
	case 7:
		return expire() ? -1 : 0;
	default:
		return 0;
	}
}

/* The session blocks: the client runs until it can go on, or nothing can. */
static int
blocked(void)
{
	size_t at;

	at = t.at;
	/* Faults spent on the client's writes are progress too. */
	if (client_pump(1) || t.at != at)
		return 0;
	if (time_out() || expire())
		return -1;
	fail("session waits for what can never come (hang)");
	return -1;
}

/* The client's writes (io_write_all): 1 short, 2 EINTR, 3 EAGAIN, 4 returns 0. */
static ssize_t
client_write(const void *buf, size_t len)
{
	uint8_t f;

	f = next_fault();
	switch (f >> 5) {
	case 1:
		if (len > (size_t)(f & 31) + 1)
			len = (size_t)(f & 31) + 1;
		break;
	case 2:
		errno = EINTR;
		return -1;
	case 3:
		errno = EAGAIN;
		return -1;
	case 4:
		return 0;	/* impossible for len > 0: io_write_all must stop */
	default:
		break;
	}
	return __real_write(t.cfd, buf, len);
}

/* read: io_fault's, and 4 ECONNRESET. */
ssize_t
/* cppcheck-suppress unusedFunction ; called by io.c through ld --wrap (see the note at the top of this file) */
__wrap_read(int fd, void *buf, size_t len)
{
	ssize_t r;
	uint8_t f;

	if (!t.active || fd != t.sfd)
		return __real_read(fd, buf, len);
	f = next_fault();
	if ((f >> 5) == 4) {
		t.injected = errno = ECONNRESET;
		return -1;
	}
	if (io_fault(f, &len) < 0)
		return -1;
	for (;;) {
		r = __real_read(fd, buf, len);
		if (r >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			return r;
		if (blocked() < 0)
			return -1;
	}
}

/* write: the client's, or the session's: io_fault's, 4 ECONNRESET/EPIPE, 6 returns 0. */
ssize_t
/* cppcheck-suppress unusedFunction ; called by io.c through ld --wrap (see the note at the top of this file) */
__wrap_write(int fd, const void *buf, size_t len)
{
	ssize_t r;
	uint8_t f;

	if (t.active && fd == t.cfd)
		return client_write(buf, len);
	if (!t.active || fd != t.sfd)
		return __real_write(fd, buf, len);
	f = next_fault();
	if ((f >> 5) == 4) {
		t.injected = errno = (f & 1) ? EPIPE : ECONNRESET;
		return -1;
	}
	if ((f >> 5) == 6) {
		/* Impossible for len > 0, but the session must not spin on it. */
		t.injected = EIO;
		return 0;
	}
	if (io_fault(f, &len) < 0)
		return -1;
	for (;;) {
		r = __real_write(fd, buf, len);
		if (r >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			return r;
		if (blocked() < 0)
			return -1;
	}
}

static uint8_t
byte_at(const uint8_t *data, size_t size, size_t i)
{
	return i < size ? data[i] : 0;
}

/* The end the session reported must be one the schedule made possible. */
static void
check_result(const struct session_result *res)
{
	if (res->sent != t.echoed)
		fail("res->sent differs from what the client read back");
	if (res->received > t.written || res->sent > res->received)
		fail("res->received out of range");
	switch (res->end) {
	case SESSION_EOF:
		if (!t.shut || res->received != t.len || t.echoed != t.len ||
		    res->errnum != 0)
			fail("EOF end without the whole message echoed");
		break;
	case SESSION_ERROR:
		if (t.injected == 0 || res->errnum != t.injected)
			fail("error end without an injected error");
		break;
	case SESSION_IDLE:
		if (!t.idle || !t.timed_out || res->errnum != EAGAIN)
			fail("idle end without an idle timeout");
		break;
	case SESSION_LIFETIME:
		if (!t.life || !t.expired || res->errnum != EINTR)
			fail("lifetime end before the lifetime");
		break;
	default:
		fail("unknown end");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session_result res;
	size_t cap;
	size_t skip;
	char *mem;
	int sv[2];
	uint8_t h;

	static int once;

	if (!once) {
		(void)signal(SIGPIPE, SIG_IGN);
		once = 1;
	}
	h = byte_at(data, size, 0);
	cap = caps[h & 15];
	memset(&t, 0, sizeof(t));
	t.idle = (h >> 4) & 1;
	t.life = (h >> 5) & 1;
	t.chunk = chunks[byte_at(data, size, 1) & 7];
	t.nfault = byte_at(data, size, 2);
	skip = size < 3 ? size : 3;
	t.fault = data + skip;
	if (t.nfault > size - skip)
		t.nfault = size - skip;
	t.msg = data + skip + t.nfault;
	t.len = size - skip - t.nfault;
	io_expired = 0;	/* a new child: the timer has not gone off */

	/* Exactly cap bytes, so that ASan sees any access past the buffer. */
	mem = malloc(cap);
	if (mem == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		fail("setup failed");
	t.sfd = sv[0];
	t.cfd = sv[1];
	if (fcntl(t.cfd, F_SETFL, O_NONBLOCK) != 0 ||
	    fcntl(t.sfd, F_SETFL, O_NONBLOCK) != 0)
		fail("setup failed");
	t.active = 1;
	echo_session(t.sfd, mem, cap, &res);

	/* After the session: close its end, read the rest, then EOF. */
	if (close(t.sfd) != 0)
		fail("close failed");
	t.sfd = -1;
	while (!t.eof && !t.reset && client_pump(0))
		;
	if (!t.eof && !t.reset)
		fail("neither EOF nor reset after the session closed");
	if (t.reset && res.end == SESSION_EOF)
		fail("reset after a session that read everything");
	check_result(&res);
	t.active = 0;
	(void)close(t.cfd);
	free(mem);
	return 0;
}
