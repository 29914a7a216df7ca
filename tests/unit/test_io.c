/* SPDX-License-Identifier: ISC */
/* test_io.c: unit tests for the syscall seam over real sockets and pipes: timeouts, EOF, short writes, EINTR, deadlines. */
#define _DEFAULT_SOURCE	/* setitimer */
#include "echo/io.h"
#include "sys/sig.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;

static void
on_alarm(int signo)
{
	(void)signo;
	alarms++;
}

/* SIGALRM every ms milliseconds (0: off), handler without SA_RESTART. */
static void
ticker(long ms)
{
	struct sigaction sa;
	struct itimerval it;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = 0;
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGALRM, &sa, NULL);
	memset(&it, 0, sizeof(it));
	it.it_interval.tv_usec = ms * 1000;
	it.it_value.tv_usec = ms * 1000;
	(void)setitimer(ITIMER_REAL, &it, NULL);
}

/* A socket's receive and send timeouts, as the child sets them (fdflags.c does it there). */
static void
timeouts(int fd, long ms)
{
	struct timeval tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == 0);
}

/* One SIGALRM after ms milliseconds, handler without SA_RESTART. */
static void
one_tick(long ms)
{
	struct itimerval it;

	ticker(0);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = ms * 1000;
	(void)setitimer(ITIMER_REAL, &it, NULL);
}

static void
test_read(void)
{
	int s[2];
	char buf[64];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	timeouts(s[0], 100);
	/* Nothing yet: the receive timeout is EAGAIN. */
	errno = 0;
	CHECK(io_read(s[0], buf, sizeof(buf)) == -1 && errno == EAGAIN);
	CHECK(write(s[1], "hello", 5) == 5);
	/* A read of one byte takes one byte: partial reads are visible. */
	errno = 4242;
	CHECK(io_read(s[0], buf, 1) == 1 && buf[0] == 'h');
	CHECK(errno == 4242);
	CHECK(io_read(s[0], buf, sizeof(buf)) == 4 && memcmp(buf, "ello", 4) == 0);
	/*
	 * A signal before the lifetime is over is retried: the read waits on
	 * (one tick: each retry restarts the socket's timeout).
	 */
	alarms = 0;
	one_tick(20);
	errno = 0;
	CHECK(io_read(s[0], buf, sizeof(buf)) == -1 && errno == EAGAIN);
	CHECK(alarms == 1);
	/* EOF is 0, and stays 0. */
	CHECK(shutdown(s[1], SHUT_WR) == 0);
	CHECK(io_read(s[0], buf, sizeof(buf)) == 0);
	CHECK(io_read(s[0], buf, sizeof(buf)) == 0);
	(void)close(s[0]);
	(void)close(s[1]);
	/* A bad descriptor is an error, not EOF. */
	errno = 0;
	CHECK(io_read(-1, buf, sizeof(buf)) == -1 && errno == EBADF);
}

static void
test_write(void)
{
	static char data[1 << 20];
	static char back[1 << 20];
	int s[2];
	int small;
	size_t sent;
	size_t got;
	ssize_t n;
	size_t i;
	int shorts;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + i / 251);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	small = 1;	/* the kernel rounds it up to its minimum */
	CHECK(setsockopt(s[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)) == 0);
	CHECK(setsockopt(s[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)) == 0);
	timeouts(s[0], 100);
	/* Write until the socket is full: a short count, then the send timeout. */
	sent = 0;
	shorts = 0;
	for (i = 0; i < 4096; i++) {
		n = io_write(s[0], data + sent, sizeof(data) - sent);
		if (n < 0)
			break;
		CHECK(n > 0);
		if ((size_t)n < sizeof(data) - sent)
			shorts++;
		sent += (size_t)n;
	}
	CHECK(n == -1 && errno == EAGAIN);
	CHECK(shorts >= 1 && sent > 0 && sent < sizeof(data));
	/* Drain and compare: what was counted is what arrived, in order. */
	got = 0;
	while (got < sent) {
		n = io_read(s[1], back + got, sizeof(back) - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	CHECK(got == sent && memcmp(back, data, sent) == 0);
	/* Room again: the next write moves bytes. */
	CHECK(io_write(s[0], data + sent, 1) == 1);
	/* A peer that is gone: EPIPE (SIGPIPE ignored, as the server has it). */
	(void)signal(SIGPIPE, SIG_IGN);
	(void)close(s[1]);
	errno = 0;
	CHECK(io_write(s[0], data, 10) == -1 && errno == EPIPE);
	(void)signal(SIGPIPE, SIG_DFL);
	(void)close(s[0]);
	errno = 0;
	CHECK(io_write(-1, data, 1) == -1 && errno == EBADF);
}

/* Once the lifetime is over, a signal ends a blocked read or write with EINTR. */
static void
test_expiry(void)
{
	static char data[1 << 20];
	int s[2];
	int small;
	char buf[8];
	ssize_t n;
	pid_t pid;
	int st = 0;

	/* In a child: io_expired is never cleared. */
	pid = fork();
	if (pid == 0) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) != 0)
			_exit(2);
		/* The child's own timer: SIGALRM at 1 s, then every few ms. */
		if (sig_lifetime(1, io_on_expiry) != 0)
			_exit(5);
		errno = 0;
		if (io_read(s[0], buf, sizeof(buf)) != -1 || errno != EINTR ||
		    io_expired != 1)
			_exit(3);
		small = 1;
		(void)setsockopt(s[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
		do
			n = io_write(s[0], data, sizeof(data));
		while (n > 0);
		_exit(n == -1 && errno == EINTR ? 0 : 4);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void
test_wait(void)
{
	int s[2];
	int64_t t0;
	int64_t deadline;
	int r;
	pid_t pid;
	int st;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	/* Writable at once, whatever the deadline. */
	r = io_wait(s[0], POLLOUT, -1);
	CHECK(r > 0 && (r & POLLOUT));
	/* Nothing to read: 0 at the deadline, not before. */
	deadline = io_now() + 80;
	CHECK(io_wait(s[0], POLLIN, deadline) == 0);
	CHECK(io_now() >= deadline);
	/* A deadline already past: 0 at once. */
	CHECK(io_wait(s[0], POLLIN, io_now() - 1000) == 0);
	CHECK(io_wait(s[0], POLLIN, 0) == 0);
	/* Readable with no deadline. */
	CHECK(write(s[1], "x", 1) == 1);
	r = io_wait(s[0], POLLIN, -1);
	CHECK(r > 0 && (r & POLLIN));
	/* EINTR while waiting out a deadline: retried, still 0 at the deadline. */
	alarms = 0;
	{
		char c;

		CHECK(read(s[0], &c, 1) == 1);
	}
	ticker(15);
	deadline = io_now() + 200;
	r = io_wait(s[0], POLLIN, deadline);
	ticker(0);
	CHECK(r == 0);
	CHECK(io_now() >= deadline);
	CHECK(alarms >= 1);
	/* EINTR while blocked with no deadline: data arriving later is seen. */
	pid = fork();
	if (pid == 0) {
		unit_sleep_ms(150);
		_exit(write(s[1], "y", 1) == 1 ? 0 : 1);
	}
	CHECK(pid > 0);
	alarms = 0;
	ticker(10);
	t0 = io_now();
	r = io_wait(s[0], POLLIN, t0 + 20000);
	ticker(0);
	CHECK(r > 0 && (r & POLLIN));
	CHECK(alarms >= 1);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* EOF: the peer closing wakes a reader. */
	{
		char c;

		CHECK(read(s[0], &c, 1) == 1 && c == 'y');
	}
	(void)close(s[1]);
	r = io_wait(s[0], POLLIN, io_now() + 5000);
	CHECK(r > 0 && (r & (POLLIN | POLLHUP)));
	(void)close(s[0]);
	/* A closed descriptor: POLLNVAL, not a hang. */
	r = io_wait(s[0], POLLIN, io_now() + 5000);
	CHECK(r > 0 && (r & POLLNVAL));
}

static void
test_now(void)
{
	int64_t a;
	int64_t b;

	a = io_now();
	b = io_now();
	CHECK(a >= 0 && b >= a);
	unit_sleep_ms(20);
	CHECK(io_now() - b >= 20);
}

/* A child reading slowly from fd and checking n bytes of the pattern. */
static pid_t
slow_reader(int fd, int wfd, const char *want, size_t n)
{
	static char buf[4096];
	pid_t pid;
	size_t got;
	ssize_t r;

	pid = fork();
	if (pid != 0)
		return pid;
	(void)close(wfd);
	got = 0;
	while (got < n) {
		r = read(fd, buf, sizeof(buf));
		if (r <= 0)
			_exit(2);
		if (memcmp(buf, want + got, (size_t)r) != 0)
			_exit(3);
		got += (size_t)r;
		if (got % 65536 < 4096)
			unit_sleep_ms(2);
	}
	_exit(read(fd, buf, 1) == 0 ? 0 : 4);
}

static void
test_write_all(void)
{
	static char data[1 << 20];
	int p[2];
	int st;
	pid_t pid;
	size_t i;
	struct sigaction sa;
	int s[2];
	size_t n;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)(i ^ (i >> 8) ^ (i >> 16));
	/* Nothing to write. */
	CHECK(io_write_all(1, data, 0) == 0);
	/* 1 MiB into a pipe a child drains slowly, while SIGALRM interrupts. */
	CHECK(pipe(p) == 0);
	pid = slow_reader(p[0], p[1], data, sizeof(data));
	CHECK(pid > 0);
	(void)close(p[0]);
	alarms = 0;
	ticker(1);
	n = io_write_all(p[1], data, sizeof(data));
	ticker(0);
	CHECK(n == sizeof(data));
	(void)close(p[1]);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(alarms >= 1);
	/* A reader that is gone: EPIPE (SIGPIPE ignored), nothing counted. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
	CHECK(pipe(p) == 0);
	(void)close(p[0]);
	errno = 0;
	CHECK(io_write_all(p[1], data, 100) == 0 && errno == EPIPE);
	(void)close(p[1]);
	sa.sa_handler = SIG_DFL;
	(void)sigaction(SIGPIPE, &sa, NULL);
	/* A full non-blocking socket: the short count is returned with EAGAIN. */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	CHECK(fcntl(s[0], F_SETFL, O_NONBLOCK) == 0);
	errno = 0;
	n = io_write_all(s[0], data, sizeof(data));
	CHECK(n > 0 && n < sizeof(data) && errno == EAGAIN);
	(void)close(s[0]);
	(void)close(s[1]);
	/* A bad descriptor. */
	errno = 0;
	CHECK(io_write_all(-1, data, 1) == 0 && errno == EBADF);
}

int
main(void)
{
	test_read();
	test_write();
	test_expiry();
	test_wait();
	test_now();
	test_write_all();
	UNIT_DONE();
}
