/* SPDX-License-Identifier: ISC */
/*
 * test_io_seam.c: the wrappers and echo_session under a scripted kernel.
 * This test defines write/read itself, so io.o calls these (the
 * executable's definitions win over libc's): each call can be cut to one
 * byte, fail with EINTR or another errno, or pass to the real syscall.
 */
#define _DEFAULT_SOURCE	/* syscall(2) */
#include "echo/io.h"
#include "echo/session.h"
#include "unit.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum act { A_PASS = 0, A_ONE, A_EINTR, A_FAIL, A_ZERO };

/* The script for the next calls of each wrapped function, then a default. */
struct seam {
	int	script[32];
	int	n;
	int	at;
	int	dflt;		/* after the script: A_PASS or A_ONE */
	int	eintr_every;	/* after the script: every k-th call EINTR (0: never) */
	int	fail_errno;
	int	calls;
};

static struct seam sw, sr;	/* write, read */
static int seam_on;

static void
seam_reset(void)
{
	memset(&sw, 0, sizeof(sw));
	memset(&sr, 0, sizeof(sr));
}

static int
next_act(struct seam *s)
{
	s->calls++;
	if (!seam_on)
		return A_PASS;
	if (s->at < s->n)
		return s->script[s->at++];
	if (s->eintr_every > 0 && s->calls % s->eintr_every == 0)
		return A_EINTR;
	return s->dflt;
}

/* Apply act; returns 1 when the caller should return -1/0 now (*ret set). */
static int
apply(struct seam *s, int act, size_t *len, ssize_t *ret)
{
	switch (act) {
	case A_EINTR:
		errno = EINTR;
		*ret = -1;
		return 1;
	case A_FAIL:
		errno = s->fail_errno;
		*ret = -1;
		return 1;
	case A_ZERO:
		*ret = 0;
		return 1;
	case A_ONE:
		if (*len > 1)
			*len = 1;
		return 0;
	default:
		return 0;
	}
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	ssize_t ret;

	if (apply(&sw, next_act(&sw), &len, &ret))
		return ret;
	return (ssize_t)syscall(SYS_write, fd, buf, len);
}

ssize_t
read(int fd, void *buf, size_t len)
{
	ssize_t ret;

	if (apply(&sr, next_act(&sr), &len, &ret))
		return ret;
	return (ssize_t)syscall(SYS_read, fd, buf, len);
}

static void
script(struct seam *s, const int *acts, int n)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->script, acts, (size_t)n * sizeof(*acts));
	s->n = n;
}

/* Read exactly n bytes from fd with the real syscall; the count read. */
static size_t
read_n(int fd, char *buf, size_t n)
{
	size_t got;
	ssize_t r;

	got = 0;
	while (got < n) {
		r = (ssize_t)syscall(SYS_read, fd, buf + got, n - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

static void
test_write_all(void)
{
	static const int mix[] = { A_ONE, A_EINTR, A_ONE, A_ONE, A_EINTR, A_EINTR };
	static const int fail2[] = { A_ONE, A_ONE, A_FAIL };
	static const int zero[] = { A_ONE, A_ONE, A_ONE, A_ZERO };
	char back[32];
	int p[2];

	CHECK(pipe(p) == 0);
	seam_on = 1;
	/* Partial writes of 1 byte and EINTR: all written, errno untouched. */
	script(&sw, mix, 6);
	errno = 777;
	CHECK(io_write_all(p[1], "hello world", 11) == 11);
	CHECK(errno == 777);
	CHECK(sw.calls == 7);
	CHECK(read_n(p[0], back, 11) == 11 && memcmp(back, "hello world", 11) == 0);
	/* Every write 1 byte: one call per byte. */
	seam_reset();
	sw.dflt = A_ONE;
	CHECK(io_write_all(p[1], "abcdefgh", 8) == 8 && sw.calls == 8);
	CHECK(read_n(p[0], back, 8) == 8 && memcmp(back, "abcdefgh", 8) == 0);
	/* An error after 2 bytes: 2 returned, errno the error's. */
	script(&sw, fail2, 3);
	sw.fail_errno = ENOSPC;
	errno = 0;
	CHECK(io_write_all(p[1], "0123456789", 10) == 2 && errno == ENOSPC);
	CHECK(read_n(p[0], back, 2) == 2 && memcmp(back, "01", 2) == 0);
	/* write() returning 0 ends the loop (no spin) with a short count. */
	script(&sw, zero, 4);
	errno = 0;
	CHECK(io_write_all(p[1], "0123456789", 10) == 3 && sw.calls == 4);
	CHECK(errno == EIO);
	CHECK(read_n(p[0], back, 3) == 3);
	seam_on = 0;
	seam_reset();
	(void)close(p[0]);
	(void)close(p[1]);
}

static void
test_read_write(void)
{
	static const int eintr3[] = { A_EINTR, A_EINTR, A_EINTR };
	static const int again[] = { A_FAIL };
	char buf[16];
	int s[2];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	CHECK(syscall(SYS_write, s[1], "abc", 3) == 3);
	seam_on = 1;
	/* read: EINTR retried (the lifetime is not over), errno untouched on success. */
	script(&sr, eintr3, 3);
	errno = 555;
	CHECK(io_read(s[0], buf, sizeof(buf)) == 3 && memcmp(buf, "abc", 3) == 0);
	CHECK(errno == 555 && sr.calls == 4);
	/* read: a timeout (EAGAIN) and resets are returned, not retried. */
	script(&sr, again, 1);
	sr.fail_errno = EAGAIN;
	CHECK(io_read(s[0], buf, sizeof(buf)) == -1 && errno == EAGAIN &&
	    sr.calls == 1);
	script(&sr, again, 1);
	sr.fail_errno = ECONNRESET;
	CHECK(io_read(s[0], buf, sizeof(buf)) == -1 && errno == ECONNRESET &&
	    sr.calls == 1);
	/* write: EINTR retried; a 1-byte partial write is returned as 1. */
	script(&sw, eintr3, 3);
	sw.dflt = A_ONE;
	errno = 556;
	CHECK(io_write(s[0], "xyz", 3) == 1 && errno == 556 && sw.calls == 4);
	CHECK(read_n(s[1], buf, 1) == 1 && buf[0] == 'x');
	script(&sw, again, 1);
	sw.fail_errno = EPIPE;
	CHECK(io_write(s[0], "xyz", 3) == -1 && errno == EPIPE && sw.calls == 1);
	/* write() returning 0 is an error (EIO), never a spin. */
	script(&sw, (const int[]){ A_ZERO }, 1);
	errno = 0;
	CHECK(io_write(s[0], "xyz", 3) == -1 && errno == EIO && sw.calls == 1);
	seam_on = 0;
	seam_reset();
	(void)close(s[0]);
	(void)close(s[1]);
}

/*
 * echo_session with every write cut to 1 byte and every 3rd read/write
 * interrupted: a child peer sends n bytes, shuts down, and checks the echo.
 */
static void
test_session_trickle(size_t n)
{
	struct session_result res;
	char mem[4096];
	char *data;
	int s[2];
	pid_t pid;
	int st;
	size_t i;

	data = malloc(n);
	CHECK(data != NULL);
	if (data == NULL)
		return;
	for (i = 0; i < n; i++)
		data[i] = (char)(i * 31 + (i >> 9));
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
	pid = fork();
	if (pid == 0) {
		char *back;
		size_t off;
		ssize_t w;

		seam_on = 0;
		(void)close(s[0]);
		back = malloc(n + 1);
		if (back == NULL)
			_exit(5);
		/* Write all first: the session's buffer keeps us from deadlocking
		 * only if we also read, so write in chunks and read in between. */
		off = 0;
		i = 0;
		while (off < n) {
			w = (ssize_t)syscall(SYS_write, s[1], data + off,
			    n - off < 2048 ? n - off : 2048);
			if (w <= 0)
				_exit(2);
			off += (size_t)w;
			i += read_n(s[1], back + i, off - i);
		}
		(void)shutdown(s[1], SHUT_WR);
		i += read_n(s[1], back + i, n - i);
		if (i != n || memcmp(back, data, n) != 0)
			_exit(3);
		/* Nothing more, then EOF: not one byte was sent twice. */
		_exit(read_n(s[1], back, 1) == 0 ? 0 : 4);
	}
	CHECK(pid > 0);
	(void)close(s[1]);
	seam_reset();
	sw.dflt = A_ONE;
	sw.eintr_every = 3;
	sr.eintr_every = 3;
	seam_on = 1;
	echo_session(s[0], mem, sizeof(mem), &res);
	seam_on = 0;
	CHECK(res.end == SESSION_EOF);
	CHECK(res.received == n && res.sent == n);
	CHECK(sw.calls >= (int)n);	/* one byte per write, at least */
	(void)close(s[0]);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	seam_reset();
	free(data);
}

int
main(void)
{
	test_write_all();
	test_read_write();
	test_session_trickle(1);
	test_session_trickle(100000);
	UNIT_DONE();
}
