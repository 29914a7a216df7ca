/* fuzz/session.c: drives the real echo_session over a socketpair with a fault schedule injected beneath io.c; aborts on any echo violation. */
/*
 * Link with -Wl,--wrap=recv,--wrap=send,--wrap=poll,--wrap=write,--wrap=clock_gettime
 * so that the unmodified src/echo/io.c and src/echo/session.c call the __wrap_* seam below.
 *
 * Input layout (every part optional; missing bytes read as 0):
 *   byte 0   bits 0-3: buffer capacity (caps[]), bits 4-5: idle timeout,
 *            bits 6-7: lifetime (secs[])
 *   byte 1   bits 0-2: client write chunk (chunks[]), bits 3-5: clock mode
 *   byte 2   n: length of the fault schedule
 *   n bytes  the fault schedule, one byte per wrapped call, then no faults
 *   rest     the bytes the client sends
 * A fault byte is op = b >> 5, param = b & 31 (meaning per call, see below).
 *
 * Oracle: every byte the client reads back equals the byte it sent at that
 * offset and was sent before; a session that ends with EOF echoed all of
 * it; an error end needs an injected error; a timeout end needs the
 * (virtual) clock past the deadline; a session that waits while the client
 * can do nothing more is a hang. Any violation is abort().
 */
#include "echo/session.h"
#include "echo/io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

ssize_t	__real_recv(int fd, void *buf, size_t len, int flags);
ssize_t	__real_send(int fd, const void *buf, size_t len, int flags);
int	__real_poll(struct pollfd *fds, nfds_t nfds, int timeout);
ssize_t	__real_write(int fd, const void *buf, size_t len);
int	__real_clock_gettime(clockid_t clk, struct timespec *ts);
ssize_t	__wrap_recv(int fd, void *buf, size_t len, int flags);
ssize_t	__wrap_send(int fd, const void *buf, size_t len, int flags);
int	__wrap_poll(struct pollfd *fds, nfds_t nfds, int timeout);
ssize_t	__wrap_write(int fd, const void *buf, size_t len);
int	__wrap_clock_gettime(clockid_t clk, struct timespec *ts);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const size_t caps[16] = {
	1, 2, 3, 4, 5, 7, 8, 13, 16, 31, 64, 100, 257, 1024, 4096, 65536
};
static const uint32_t secs[4] = { 0, 1, 300, 86400 };
static const size_t chunks[8] = { 0, 1, 2, 7, 64, 513, 4096, 1 };	/* 0: all */

/* Where io_now() stops counting (io.h); the clock modes run past it. */
#ifdef IO_NOW_SEC_MAX
#define CLOCK_SEC_MAX	IO_NOW_SEC_MAX
#else
#define CLOCK_SEC_MAX	1000000000000LL
#endif

/* The one test in flight: the fault schedule, the client, the virtual clock. */
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
	int		 injected;	/* last error injected into recv/send, 0 none */
	int		 timed_out;	/* poll returned 0 at a reached deadline */
	int64_t		 now;		/* virtual CLOCK_MONOTONIC, ms */
	int		 clock;		/* how the clock reads it (see the wrapper) */
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
		r = __real_recv(t.cfd, buf, sizeof(buf), MSG_DONTWAIT);
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

/*
 * The faults recv and send share, from fault byte f: 1 short (param+1
 * bytes, by shrinking *len), 2 EINTR, 3 EAGAIN, 5 the client runs first.
 * Returns -1 with errno set when the call is to fail, 0 to go on.
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
		errno = EAGAIN;
		return -1;
	case 5:
		(void)client_pump(1);
		return 0;
	default:
		return 0;
	}
}

/* recv: io_fault's, and 4 ECONNRESET. */
ssize_t
/* cppcheck-suppress unusedFunction ; called by io.c through ld --wrap (see the note at the top of this file) */
__wrap_recv(int fd, void *buf, size_t len, int flags)
{
	uint8_t f;

	if (!t.active || fd != t.sfd)
		return __real_recv(fd, buf, len, flags);
	f = next_fault();
	if ((f >> 5) == 4) {
		t.injected = errno = ECONNRESET;
		return -1;
	}
	if (io_fault(f, &len) < 0)
		return -1;
	return __real_recv(fd, buf, len, flags);
}

/* send: io_fault's, 4 ECONNRESET/EPIPE, and 6 returns 0. */
ssize_t
/* cppcheck-suppress unusedFunction ; called by io.c through ld --wrap (see the note at the top of this file) */
__wrap_send(int fd, const void *buf, size_t len, int flags)
{
	uint8_t f;

	if (!t.active || fd != t.sfd)
		return __real_send(fd, buf, len, flags);
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
	return __real_send(fd, buf, len, flags);
}

/* The client's writes (io_write_all): 1 short, 2 EINTR, 3 EAGAIN, 4 returns 0. */
ssize_t
/* cppcheck-suppress unusedFunction ; called by io.c through ld --wrap (see the note at the top of this file) */
__wrap_write(int fd, const void *buf, size_t len)
{
	uint8_t f;

	if (!t.active || fd != t.cfd)
		return __real_write(fd, buf, len);
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
	return __real_write(fd, buf, len);
}

/*
 * poll: 1 EINTR, 2 the deadline passes (when there is one), 3 a spurious
 * wake-up, 4 the clock jumps by param*50 ms, 5 ENOMEM; otherwise the client runs
 * until the session's socket is ready. Never blocks.
 */
int
/* cppcheck-suppress unusedFunction ; called by io.c through ld --wrap (see the note at the top of this file) */
__wrap_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	uint8_t f;
	size_t at;
	int r;

	if (!t.active || nfds != 1 || fds[0].fd != t.sfd)
		return __real_poll(fds, nfds, timeout);
	f = next_fault();
	switch (f >> 5) {
	case 1:
		errno = EINTR;
		return -1;
	case 2:
		if (timeout < 0)
			break;
		t.now += timeout;
		t.timed_out = 1;
		fds[0].revents = 0;
		return 0;
	case 3:
		fds[0].revents = fds[0].events;
		return 1;
	case 4:
		t.now += (int64_t)(f & 31) * 50;
		break;
	case 5:
		t.injected = errno = ENOMEM;
		return -1;
	default:
		break;
	}
	for (;;) {
		r = __real_poll(fds, 1, 0);
		if (r != 0)
			return r;
		if (timeout == 0) {
			t.timed_out = 1;
			return 0;
		}
		/* Faults spent on the client's writes are progress too. */
		at = t.at;
		if (!client_pump(1) && t.at == at)
			fail("session waits for what can never come (hang)");
	}
}

/*
 * The virtual clock, as the kernel would give it, or (clock modes 1-4) as
 * it never does but io_now() must clamp: seconds running past
 * IO_NOW_SEC_MAX, negative seconds, nanoseconds out of [0, 1e9). In every
 * mode the session's view of elapsed time never runs ahead of t.now.
 */
int
/* cppcheck-suppress unusedFunction ; called by io.c through ld --wrap (see the note at the top of this file) */
__wrap_clock_gettime(clockid_t clk, struct timespec *ts)
{
	if (!t.active || clk != CLOCK_MONOTONIC)
		return __real_clock_gettime(clk, ts);
	ts->tv_sec = (time_t)(t.now / 1000);
	ts->tv_nsec = (long)(t.now % 1000) * 1000000L;
	switch (t.clock) {
	case 1:
		ts->tv_sec += (time_t)(CLOCK_SEC_MAX - 1001);
		break;
	case 2:
		ts->tv_sec = -1 - ts->tv_sec;
		break;
	case 3:
		ts->tv_nsec = -1;
		break;
	case 4:
		ts->tv_nsec = 1000000000L;
		break;
	default:
		break;
	}
	return 0;
}

static uint8_t
byte_at(const uint8_t *data, size_t size, size_t i)
{
	return i < size ? data[i] : 0;
}

/* The end the session reported must be one the schedule made possible. */
static void
check_result(const struct session_limits *cfg, const struct session_result *res,
    int64_t start)
{
	if (res->sent != t.echoed)
		fail("res->sent differs from what the client read back");
	if (res->received > t.written || res->sent > res->received)
		fail("res->received out of range");
	switch (res->end) {
	case SESSION_EOF:
		if (!t.shut || res->received != t.len || t.echoed != t.len)
			fail("EOF end without the whole message echoed");
		break;
	case SESSION_ERROR:
		if (t.injected == 0 || res->errnum != t.injected)
			fail("error end without an injected error");
		break;
	case SESSION_IDLE:
		if (cfg->idle_timeout == 0 || !t.timed_out)
			fail("idle end without an idle timeout");
		break;
	case SESSION_LIFETIME:
		if (cfg->max_lifetime == 0 || !t.timed_out ||
		    t.now - start < (int64_t)cfg->max_lifetime * 1000)
			fail("lifetime end before the lifetime");
		break;
	default:
		fail("unknown end");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session_limits cfg;
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
	cfg.idle_timeout = secs[(h >> 4) & 3];
	cfg.max_lifetime = secs[(h >> 6) & 3];
	memset(&t, 0, sizeof(t));
	t.chunk = chunks[byte_at(data, size, 1) & 7];
	t.clock = (byte_at(data, size, 1) >> 3) & 7;
	t.nfault = byte_at(data, size, 2);
	skip = size < 3 ? size : 3;
	t.fault = data + skip;
	if (t.nfault > size - skip)
		t.nfault = size - skip;
	t.msg = data + skip + t.nfault;
	t.len = size - skip - t.nfault;
	t.now = 1000000;

	/* Exactly cap bytes, so that ASan sees any access past the buffer. */
	mem = malloc(cap);
	if (mem == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		fail("setup failed");
	t.sfd = sv[0];
	t.cfd = sv[1];
	if (fcntl(t.cfd, F_SETFL, O_NONBLOCK) != 0)
		fail("setup failed");
	t.active = 1;
	echo_session(t.sfd, &cfg, mem, cap, &res);

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
	check_result(&cfg, &res, 1000000);
	t.active = 0;
	(void)close(t.cfd);
	free(mem);
	return 0;
}
