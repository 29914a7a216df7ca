/* io.c: one-screen wrappers over recv/send/poll/write. Retries EINTR only; never interprets bytes. */
#include "io.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

ssize_t
io_recv(int fd, char *buf, size_t len)
{
	ssize_t n;

	do
		n = recv(fd, buf, len, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	return n;
}

ssize_t
io_send(int fd, const char *buf, size_t len)
{
	ssize_t n;

	do
		n = send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n;
}

int64_t
io_now(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail with a valid pointer. */
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds from now to deadline for poll(2): -1 forever, 0 if past. */
static int
remaining(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = deadline - io_now();
	if (left <= 0)
		return 0;
	if (left > INT_MAX)
		return INT_MAX;
	return (int)left;
}

int
io_wait(int fd, short events, int64_t deadline)
{
	struct pollfd p;
	int n;

	p.fd = fd;
	p.events = events;
	p.revents = 0;
	do
		n = poll(&p, 1, remaining(deadline));
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n;
	return p.revents;
}

size_t
io_write_all(int fd, const char *buf, size_t len)
{
	size_t done;
	ssize_t n;

	done = 0;
	while (done < len) {
		n = write(fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	return done;
}
