/* SPDX-License-Identifier: ISC */
/* test_session.c: echo_session over a real socketpair, set up as a child sets it up: zero bytes, half-close, idle timeout, lifetime, resets. */
#include "echo/io.h"
#include "echo/session.h"
#include "sys/fdflags.h"
#include "sys/sig.h"
#include "unit.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char mem[1024];

/*
 * Run one session on s[0] against peer(s[1]), each in a child: the session
 * set up as a child of the server sets it up (blocking socket with the idle
 * timeout, the lifetime timer, SIGPIPE ignored), its result back through a
 * pipe. *st gets the peer's status.
 */
static void
run(void (*peer)(int), uint32_t idle, uint32_t life, struct session_result *res,
    int *st)
{
	int s[2];
	int p[2];
	pid_t pid;
	pid_t sid;

	*st = -1;
	memset(res, 0, sizeof(*res));
	res->end = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) < 0 || pipe(p) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		(void)close(s[0]);
		peer(s[1]);
		_exit(0);
	}
	(void)close(s[1]);
	sid = fork();
	if (sid == 0) {
		(void)signal(SIGPIPE, SIG_IGN);
		if (fd_blocking_timeout(s[0], idle) < 0 ||
		    sig_lifetime(life, io_on_expiry) < 0)
			_exit(2);
		echo_session(s[0], mem, sizeof(mem), res);
		_exit(io_write_all(p[1], (const char *)res, sizeof(*res)) ==
		    sizeof(*res) ? 0 : 3);
	}
	(void)close(s[0]);
	(void)close(p[1]);
	if (sid > 0 && read(p[0], res, sizeof(*res)) != (ssize_t)sizeof(*res))
		res->end = -1;
	(void)close(p[0]);
	if (sid > 0)
		(void)waitpid(sid, NULL, 0);
	if (pid > 0)
		(void)waitpid(pid, st, 0);
}

static int
exited0(int st)
{
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Connects and shuts down at once; expects EOF back. */
static void
peer_zero(int fd)
{
	char c;

	(void)shutdown(fd, SHUT_WR);
	_exit(read(fd, &c, 1) == 0 ? 0 : 1);
}

/* Sends 64 KiB (more than the 1 KiB buffer) all at once, then half-closes, then reads. */
static void
peer_halfclose(int fd)
{
	static char data[65536];
	static char back[65536];
	size_t got;
	ssize_t r;
	size_t i;
	pid_t w;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)(i % 253);
	/* A writer child, so the reader below drains concurrently. */
	w = fork();
	if (w == 0) {
		_exit(io_write_all(fd, data, sizeof(data)) == sizeof(data) &&
		    shutdown(fd, SHUT_WR) == 0 ? 0 : 1);
	}
	got = 0;
	while ((r = read(fd, back + got, sizeof(back) - got)) > 0)
		got += (size_t)r;
	_exit(got == sizeof(data) && memcmp(back, data, got) == 0 &&
	    r == 0 ? 0 : 1);
}

/* Sends nothing and keeps the connection open past the idle timeout. */
static void
peer_idle(int fd)
{
	char c;

	/* The session ends by closing: we see EOF. */
	_exit(read(fd, &c, 1) == 0 ? 0 : 1);
}

/* Drips a byte every 200 ms (never idle) and reads the echo. */
static void
peer_drip(int fd)
{
	char c;
	int i;

	(void)signal(SIGPIPE, SIG_IGN);	/* writing after the session closed */
	for (i = 0; i < 40; i++) {
		if (write(fd, "d", 1) != 1)
			_exit(0);	/* the session ended: fine */
		if (read(fd, &c, 1) != 1)
			_exit(0);
		unit_sleep_ms(200);
	}
	_exit(1);	/* 8 s and still open: the lifetime did not work */
}

/* Sends data and closes without reading: the session sees a reset or EPIPE. */
static void
peer_reset(int fd)
{
	static char data[8192];
	struct linger lg;

	memset(data, 'r', sizeof(data));
	if (write(fd, data, sizeof(data)) != (ssize_t)sizeof(data))
		_exit(1);
	lg.l_onoff = 1;
	lg.l_linger = 0;
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	_exit(0);
}

int
main(void)
{
	struct session_result res;
	int64_t t0;
	int st;

	run(peer_zero, 5, 0, &res, &st);
	CHECK(res.end == SESSION_EOF && res.received == 0 && res.sent == 0);
	CHECK(res.errnum == 0);
	CHECK(exited0(st));

	run(peer_halfclose, 10, 0, &res, &st);
	CHECK(res.end == SESSION_EOF && res.received == 65536 && res.sent == 65536);
	CHECK(exited0(st));

	t0 = io_now();
	run(peer_idle, 1, 0, &res, &st);
	CHECK(res.end == SESSION_IDLE && res.received == 0 && res.errnum == EAGAIN);
	CHECK(io_now() - t0 >= 1000);
	CHECK(exited0(st));

	t0 = io_now();
	run(peer_drip, 3, 1, &res, &st);
	CHECK(res.end == SESSION_LIFETIME && res.received >= 1 &&
	    res.sent == res.received && res.errnum == EINTR);
	CHECK(io_now() - t0 >= 1000);
	CHECK(exited0(st));

	run(peer_reset, 0, 0, &res, &st);
	CHECK(res.end == SESSION_ERROR);
	CHECK(res.errnum == ECONNRESET || res.errnum == EPIPE);
	CHECK(exited0(st));

	UNIT_DONE();
}
