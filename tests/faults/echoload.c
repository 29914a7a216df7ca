/* SPDX-License-Identifier: ISC */
/* echoload.c: test load driver for echod: many echo connections from one poll loop, every byte checked. Loopback only. */
#define _GNU_SOURCE	/* IP_BIND_ADDRESS_NO_PORT */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

/*
 * Usage: echoload -p PORT [-m short|stream] [-n TOTAL] [-c CONCURRENT]
 *        [-s BYTES] [-D SECONDS] [-r BYTES_PER_SEC] [-a NSRC] [-T SECONDS]
 *
 * short:  TOTAL connections, at most CONCURRENT at once; each sends BYTES,
 *         shuts down its sending side and reads the echo to EOF.
 *         -D stops launching new connections after SECONDS.
 * stream: CONCURRENT connections that send without end (at most -r bytes
 *         per second each) until -D SECONDS pass or SIGTERM/SIGUSR2 comes;
 *         then each shuts down, and reads the rest of its echo to EOF.
 * A connection passes when it got back exactly what it sent, then EOF.
 * -a NSRC spreads client source addresses over 127.0.0.2..NSRC+1 so that
 * 100 000 short connections do not run out of ephemeral ports.
 * The last line on stdout is the figures; the exit status is 0 iff none failed.
 */

#define PATLEN	65536u
#define CHUNK	65536u
#define MAXFAIL_SHOWN	5

struct conn {
	int		 fd;
	int		 connecting;
	int		 wr_open;
	uint64_t	 seed;		/* offset into the pattern */
	uint64_t	 target;	/* bytes to send; UINT64_MAX: stream */
	uint64_t	 sent;
	uint64_t	 got;
	int64_t		 start;		/* ms */
	int64_t		 last;		/* ms of last progress */
};

static unsigned char pattern[PATLEN * 2];
static volatile sig_atomic_t stop_flag;

static int64_t
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
on_stop(int signo)
{
	(void)signo;
	stop_flag = 1;
}

static unsigned long long
num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0') {
		fprintf(stderr, "echoload: bad number: %s\n", s);
		exit(2);
	}
	return v;
}

struct opts {
	int		 port;
	int		 stream;
	uint64_t	 total;
	unsigned	 conc;
	uint64_t	 size;
	int64_t		 duration_ms;	/* -1: none */
	uint64_t	 rate;		/* 0: unlimited */
	unsigned	 nsrc;
	int64_t		 timeout_ms;
};

struct tally {
	uint64_t	 launched;
	uint64_t	 ok;
	uint64_t	 failed;
	uint64_t	 corrupt;
	uint64_t	 sent;
	uint64_t	 echoed;
	uint64_t	 lost;
};

static void
fail(struct tally *t, struct conn *c, const char *why, int e)
{
	if (t->failed < MAXFAIL_SHOWN)
		fprintf(stderr, "echoload: connection failed: %s%s%s (sent %llu, got %llu)\n",
		    why, e ? ": " : "", e ? strerror(e) : "",
		    (unsigned long long)c->sent, (unsigned long long)c->got);
	t->failed++;
}

/* Close c and count it. */
static void
finish(struct tally *t, struct conn *c, int ok, const char *why, int e)
{
	t->sent += c->sent;
	t->echoed += c->got;
	t->lost += c->sent > c->got ? c->sent - c->got : 0;
	if (ok)
		t->ok++;
	else
		fail(t, c, why, e);
	if (c->fd >= 0) {
		struct linger lg = { 1, 0 };

		/* A failed connection may still hold data: do not linger. */
		if (!ok)
			(void)setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		(void)close(c->fd);
	}
	c->fd = -1;
}

static int
start(const struct opts *o, struct conn *c, uint64_t idx, struct tally *t)
{
	struct sockaddr_in sa;
	struct sockaddr_in src;
	int one = 1;
	int fd;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->seed = (idx * 7919u) % PATLEN;
	c->target = o->stream ? UINT64_MAX : o->size;
	c->start = c->last = now_ms();
	c->wr_open = 1;
	t->launched++;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		finish(t, c, 0, "socket", errno);
		return -1;
	}
	c->fd = fd;
	if (o->nsrc > 0) {
		memset(&src, 0, sizeof(src));
		src.sin_family = AF_INET;
		src.sin_addr.s_addr = htonl(0x7f000002u + (uint32_t)(idx % o->nsrc));
		(void)setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0) {
			finish(t, c, 0, "bind", errno);
			return -1;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)o->port);
	sa.sin_addr.s_addr = htonl(0x7f000001u);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EINPROGRESS) {
			finish(t, c, 0, "connect", errno);
			return -1;
		}
		c->connecting = 1;
	}
	if (c->target == 0) {
		(void)shutdown(fd, SHUT_WR);
		c->wr_open = 0;
	}
	return 0;
}

/* Bytes c may send now under the rate limit. */
static uint64_t
allowance(const struct opts *o, const struct conn *c, int64_t now)
{
	uint64_t may;

	if (o->rate == 0)
		return UINT64_MAX;
	may = (uint64_t)(now - c->start) * o->rate / 1000 + o->rate / 10;
	return may > c->sent ? may - c->sent : 0;
}

/* Handle events on c. Returns 1 when it is finished. */
static int
step(const struct opts *o, struct conn *c, short rev, struct tally *t, int64_t now)
{
	unsigned char buf[CHUNK];
	ssize_t n;
	size_t len;
	uint64_t may;
	int err;
	socklen_t elen;

	if (c->connecting) {
		if (!(rev & (POLLOUT | POLLERR | POLLHUP)))
			return 0;
		elen = sizeof(err);
		err = 0;
		(void)getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &elen);
		if (err != 0) {
			finish(t, c, 0, "connect", err);
			return 1;
		}
		c->connecting = 0;
		c->last = now;
	}
	if (c->wr_open && (rev & (POLLOUT | POLLERR | POLLHUP))) {
		may = allowance(o, c, now);
		len = CHUNK;
		if (c->target - c->sent < len)
			len = (size_t)(c->target - c->sent);
		if (may < len)
			len = (size_t)may;
		if (len > 0) {
			n = send(c->fd, pattern + (c->seed + c->sent) % PATLEN, len,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				finish(t, c, 0, "send", errno);
				return 1;
			}
			if (n > 0) {
				c->sent += (uint64_t)n;
				c->last = now;
			}
		}
		if (c->sent == c->target) {
			(void)shutdown(c->fd, SHUT_WR);
			c->wr_open = 0;
		}
	}
	if (rev & (POLLIN | POLLERR | POLLHUP)) {
		n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			finish(t, c, 0, "recv", errno);
			return 1;
		}
		if (n == 0) {
			if (c->wr_open || c->got != c->sent) {
				finish(t, c, 0, "early EOF", 0);
				return 1;
			}
			finish(t, c, 1, NULL, 0);
			return 1;
		}
		if (n > 0) {
			if (c->got + (uint64_t)n > c->sent ||
			    memcmp(buf, pattern + (c->seed + c->got) % PATLEN,
			    (size_t)n) != 0) {
				t->corrupt++;
				finish(t, c, 0, "echo differs from what was sent", 0);
				return 1;
			}
			c->got += (uint64_t)n;
			c->last = now;
		}
	}
	if (now - c->last > o->timeout_ms) {
		finish(t, c, 0, "no progress (timeout)", 0);
		return 1;
	}
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: echoload -p PORT [-m short|stream] [-n TOTAL] [-c CONC] "
	    "[-s BYTES] [-D SECONDS] [-r BPS] [-a NSRC] [-T SECONDS]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct opts o = { 0, 0, 1, 1, 1024, -1, 0, 0, 60000 };
	struct tally t;
	struct conn *cs;
	struct pollfd *pfd;
	struct rlimit rl;
	int64_t t0, now;
	unsigned live, i;
	uint32_t x;
	int ch;

	while ((ch = getopt(argc, argv, "p:m:n:c:s:D:r:a:T:")) != -1) {
		switch (ch) {
		case 'p': o.port = (int)num(optarg); break;
		case 'm':
			if (strcmp(optarg, "stream") == 0)
				o.stream = 1;
			else if (strcmp(optarg, "short") != 0)
				usage();
			break;
		case 'n': o.total = num(optarg); break;
		case 'c': o.conc = (unsigned)num(optarg); break;
		case 's': o.size = num(optarg); break;
		case 'D': o.duration_ms = (int64_t)num(optarg) * 1000; break;
		case 'r': o.rate = num(optarg); break;
		case 'a': o.nsrc = (unsigned)num(optarg); break;
		case 'T': o.timeout_ms = (int64_t)num(optarg) * 1000; break;
		default: usage();
		}
	}
	if (o.port <= 0 || o.port > 65535 || o.conc == 0 || o.nsrc > 250)
		usage();
	if (o.stream)
		o.total = o.conc;
	/* Room for every connection. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < o.conc + 64u) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_stop);
	signal(SIGUSR2, on_stop);
	x = 2463534242u;
	for (i = 0; i < PATLEN; i++) {
		x ^= x << 13; x ^= x >> 17; x ^= x << 5;
		pattern[i] = (unsigned char)x;
	}
	memcpy(pattern + PATLEN, pattern, PATLEN);

	cs = calloc(o.conc, sizeof(*cs));
	pfd = calloc(o.conc, sizeof(*pfd));
	if (cs == NULL || pfd == NULL)
		return 2;
	memset(&t, 0, sizeof(t));
	for (i = 0; i < o.conc; i++)
		cs[i].fd = -1;
	t0 = now_ms();
	live = 0;
	for (;;) {
		int stopping;

		now = now_ms();
		stopping = stop_flag || (o.duration_ms >= 0 && now - t0 >= o.duration_ms);
		/* Fill free slots with new connections. */
		for (i = 0; i < o.conc; i++) {
			if (cs[i].fd >= 0)
				continue;
			if (t.launched >= o.total || (stopping && t.launched > 0))
				break;
			if (start(&o, &cs[i], t.launched, &t) == 0)
				live++;
		}
		if (o.stream && stopping) {
			for (i = 0; i < o.conc; i++) {
				if (cs[i].fd >= 0 && cs[i].wr_open && !cs[i].connecting) {
					cs[i].target = cs[i].sent;
					(void)shutdown(cs[i].fd, SHUT_WR);
					cs[i].wr_open = 0;
				}
			}
		}
		if (live == 0 && (t.launched >= o.total || stopping))
			break;
		for (i = 0; i < o.conc; i++) {
			pfd[i].fd = cs[i].fd;
			pfd[i].events = 0;
			pfd[i].revents = 0;
			if (cs[i].fd < 0)
				continue;
			if (cs[i].connecting)
				pfd[i].events = POLLOUT;
			else {
				pfd[i].events = POLLIN;
				if (cs[i].wr_open && allowance(&o, &cs[i], now) > 0)
					pfd[i].events |= POLLOUT;
			}
		}
		if (poll(pfd, o.conc, o.rate ? 20 : 200) < 0 && errno != EINTR) {
			perror("echoload: poll");
			return 2;
		}
		now = now_ms();
		for (i = 0; i < o.conc; i++) {
			if (cs[i].fd < 0)
				continue;
			if (step(&o, &cs[i], pfd[i].revents, &t, now))
				live--;
		}
	}
	printf("echoload: mode=%s connections=%llu ok=%llu failed=%llu corrupt=%llu "
	    "bytes_sent=%llu bytes_echoed=%llu bytes_lost=%llu seconds=%.1f\n",
	    o.stream ? "stream" : "short",
	    (unsigned long long)t.launched, (unsigned long long)t.ok,
	    (unsigned long long)t.failed, (unsigned long long)t.corrupt,
	    (unsigned long long)t.sent, (unsigned long long)t.echoed,
	    (unsigned long long)t.lost, (double)(now_ms() - t0) / 1000.0);
	free(cs);
	free(pfd);
	return t.failed == 0 ? 0 : 1;
}
