/* SPDX-License-Identifier: ISC */
/* loadgen.c: poll-based load generator for echo servers (connrate, stream, pingpong); verifies every byte echoed. */
#define _DEFAULT_SOURCE
#include "pattern.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS	4096
#define MAX_MSG		65536
#define CHUNK		65536
#define MAX_REPORTS	10

struct opts {
	const char	*mode;
	struct sockaddr_in addr;
	unsigned	 conns;
	double		 secs;		/* duration: connrate, pingpong */
	uint64_t	 count;		/* most connections / round trips (0: no limit) */
	size_t		 msg;		/* bytes per connection / round trip */
	uint64_t	 mib;		/* stream: MiB per connection */
	uint64_t	 seed;
	double		 timeout;	/* per connection (connrate) or whole run, seconds */
	bool		 expect_close;	/* server closes without echoing (fork+close limit) */
};

struct lat {
	uint32_t	*v;
	size_t		 n;
	size_t		 cap;
};

static uint64_t errors;
static unsigned reports;

static int64_t
now_us(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Count one error; print the first few. */
static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
fail(const char *fmt, ...)
{
	va_list ap;

	errors++;
	if (reports++ >= MAX_REPORTS)
		return;
	(void)fputs("loadgen: ", stderr);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);
}

static void
lat_add(struct lat *l, int64_t us)
{
	uint32_t *nv;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 65536;
		nv = realloc(l->v, l->cap * sizeof(*nv));
		if (nv == NULL) {
			(void)fputs("loadgen: out of memory\n", stderr);
			exit(2);
		}
		l->v = nv;
	}
	l->v[l->n++] = us < 0 ? 0 : us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a;
	uint32_t y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Percentile p (0..100) in milliseconds; sorts l. */
static double
lat_pct(struct lat *l, double p)
{
	size_t i;

	if (l->n == 0)
		return 0;
	qsort(l->v, l->n, sizeof(*l->v), cmp_u32);
	i = (size_t)(p / 100.0 * (double)(l->n - 1) + 0.5);
	return l->v[i] / 1000.0;
}

static int
sock_open(const struct opts *o, bool nodelay)
{
	int fd;
	int one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (nodelay)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)&o->addr, sizeof(o->addr)) < 0 &&
	    errno != EINPROGRESS) {
		int e = errno;

		(void)close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* SO_ERROR after a non-blocking connect: 0 or the errno. */
static int
sock_error(int fd)
{
	int e = 0;
	socklen_t len = sizeof(e);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		return errno;
	return e;
}

/* Read what is there and verify it against stream key at *got; false on error/EOF. */
static bool
take(int fd, uint64_t key, uint64_t *got, uint64_t total, bool *eof,
    const char *who, uint64_t id)
{
	static uint8_t buf[CHUNK * 4];
	ssize_t n;
	long bad;
	uint8_t want;

	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return true;
		fail("%s %llu: recv after %llu of %llu bytes: %s", who,
		    (unsigned long long)id, (unsigned long long)*got,
		    (unsigned long long)total, strerror(errno));
		return false;
	}
	if (n == 0) {
		*eof = true;
		if (*got != total) {
			fail("%s %llu: truncated: EOF after %llu of %llu bytes", who,
			    (unsigned long long)id, (unsigned long long)*got,
			    (unsigned long long)total);
			return false;
		}
		return true;
	}
	if (*got + (uint64_t)n > total) {
		fail("%s %llu: %llu bytes more than sent (%llu)", who,
		    (unsigned long long)id,
		    (unsigned long long)(*got + (uint64_t)n - total),
		    (unsigned long long)total);
		return false;
	}
	bad = pattern_check(buf, key, *got, (size_t)n, &want);
	if (bad >= 0) {
		fail("%s %llu: mismatch at byte %llu: got 0x%02x, sent 0x%02x", who,
		    (unsigned long long)id, (unsigned long long)(*got + (uint64_t)bad),
		    buf[bad], want);
		return false;
	}
	*got += (uint64_t)n;
	return true;
}

/* ---- connrate --------------------------------------------------------- */

enum { C_IDLE, C_CONNECTING, C_READING };

struct cconn {
	int	 fd;
	int	 state;
	uint64_t id;
	uint64_t got;
	int64_t	 start;
};

static void
cr_close(struct cconn *c)
{
	if (c->fd >= 0)
		(void)close(c->fd);
	c->fd = -1;
	c->state = C_IDLE;
}

/* Connected: send the message, shut down writing. */
static void
cr_send(const struct opts *o, struct cconn *c, uint64_t key)
{
	uint8_t msg[MAX_MSG];
	ssize_t n;
	int e;

	e = sock_error(c->fd);
	if (e != 0) {
		fail("conn %llu: connect: %s", (unsigned long long)c->id, strerror(e));
		cr_close(c);
		return;
	}
	pattern_fill(msg, key, 0, o->msg);
	n = send(c->fd, msg, o->msg, MSG_NOSIGNAL);
	if ((n < 0 || (size_t)n != o->msg) && !o->expect_close) {
		/* 64 bytes always fit a fresh socket's buffer. */
		fail("conn %llu: send: %s", (unsigned long long)c->id,
		    n < 0 ? strerror(errno) : "short");
		cr_close(c);
		return;
	}
	(void)shutdown(c->fd, SHUT_WR);
	c->state = C_READING;
}

static int
connrate(const struct opts *o)
{
	struct cconn *cs;
	struct pollfd *pfd;
	struct lat lat = { 0 };
	uint64_t next_id = 0;
	uint64_t done = 0;
	int64_t t0, end, now, tmo;
	unsigned i;
	bool eof;
	bool more;
	int active;

	cs = calloc(o->conns, sizeof(*cs));
	pfd = calloc(o->conns, sizeof(*pfd));
	if (cs == NULL || pfd == NULL)
		return 2;
	for (i = 0; i < o->conns; i++) {
		cs[i].fd = -1;
		cs[i].state = C_IDLE;
	}
	tmo = (int64_t)(o->timeout * 1e6);
	t0 = now_us();
	end = t0 + (int64_t)(o->secs * 1e6);
	for (;;) {
		now = now_us();
		more = now < end && (o->count == 0 || next_id < o->count) &&
		    errors < 100;
		active = 0;
		for (i = 0; i < o->conns; i++) {
			struct cconn *c = &cs[i];

			if (c->state == C_IDLE && more) {
				c->id = next_id++;
				c->got = 0;
				c->start = now_us();
				c->fd = sock_open(o, false);
				if (c->fd < 0) {
					fail("conn %llu: connect: %s",
					    (unsigned long long)c->id, strerror(errno));
					c->state = C_IDLE;
					continue;
				}
				c->state = C_CONNECTING;
				more = now < end && (o->count == 0 || next_id < o->count);
			}
			if (c->state != C_IDLE && now - c->start > tmo) {
				fail("conn %llu: timeout after %lld ms (state %d, %llu bytes)",
				    (unsigned long long)c->id,
				    (long long)((now - c->start) / 1000), c->state,
				    (unsigned long long)c->got);
				cr_close(c);
			}
			pfd[i].fd = c->fd;
			pfd[i].events = c->state == C_CONNECTING ? POLLOUT : POLLIN;
			pfd[i].revents = 0;
			if (c->state != C_IDLE)
				active++;
		}
		if (active == 0 && !more)
			break;
		if (poll(pfd, o->conns, 100) < 0 && errno != EINTR) {
			perror("loadgen: poll");
			return 2;
		}
		for (i = 0; i < o->conns; i++) {
			struct cconn *c = &cs[i];
			uint64_t key = o->seed * 1000003ULL + c->id;

			if (pfd[i].revents == 0 || c->state == C_IDLE)
				continue;
			if (c->state == C_CONNECTING) {
				cr_send(o, c, key);
				continue;
			}
			eof = false;
			if (o->expect_close) {
				uint8_t b[256];
				ssize_t n = recv(c->fd, b, sizeof(b), MSG_DONTWAIT);

				if (n > 0) {
					fail("conn %llu: %zd unexpected bytes",
					    (unsigned long long)c->id, n);
					cr_close(c);
					continue;
				}
				if (n < 0 && (errno == EAGAIN || errno == EINTR))
					continue;
				if (n < 0 && errno != ECONNRESET) {
					fail("conn %llu: recv: %s",
					    (unsigned long long)c->id, strerror(errno));
					cr_close(c);
					continue;
				}
				eof = true;
			} else if (!take(c->fd, key, &c->got, o->msg, &eof, "conn",
			    c->id)) {
				cr_close(c);
				continue;
			}
			if (eof) {
				lat_add(&lat, now_us() - c->start);
				done++;
				cr_close(c);
			}
		}
	}
	now = now_us();
	(void)printf("RESULT mode=connrate conns=%u ok=%llu errors=%llu secs=%.3f "
	    "rate=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n", o->conns,
	    (unsigned long long)done, (unsigned long long)errors,
	    (double)(now - t0) / 1e6, (double)done * 1e6 / (double)(now - t0),
	    lat_pct(&lat, 50), lat_pct(&lat, 99), lat_pct(&lat, 100));
	free(lat.v);
	free(cs);
	free(pfd);
	return errors ? 1 : 0;
}

/* ---- stream ----------------------------------------------------------- */

struct sconn {
	int	 fd;
	uint64_t sent;
	uint64_t got;
	bool	 shut;
	bool	 done;
	uint8_t	*sbuf;
	size_t	 soff;
	size_t	 slen;
};

static int
stream(const struct opts *o)
{
	struct sconn *cs;
	struct pollfd *pfd;
	uint64_t total = o->mib << 20;
	uint64_t bytes = 0;
	int64_t t0, end, now;
	unsigned i, left;
	ssize_t n;
	bool eof;

	cs = calloc(o->conns, sizeof(*cs));
	pfd = calloc(o->conns, sizeof(*pfd));
	if (cs == NULL || pfd == NULL)
		return 2;
	t0 = now_us();
	end = t0 + (int64_t)(o->timeout * 1e6);
	left = 0;
	for (i = 0; i < o->conns; i++) {
		cs[i].sbuf = malloc(CHUNK);
		if (cs[i].sbuf == NULL)
			return 2;
		cs[i].fd = sock_open(o, false);
		if (cs[i].fd < 0) {
			fail("stream %u: connect: %s", i, strerror(errno));
			cs[i].done = true;
			continue;
		}
		left++;
	}
	while (left > 0) {
		now = now_us();
		if (now > end) {
			for (i = 0; i < o->conns; i++)
				if (!cs[i].done)
					fail("stream %u: timeout: sent %llu, got %llu of %llu",
					    i, (unsigned long long)cs[i].sent,
					    (unsigned long long)cs[i].got,
					    (unsigned long long)total);
			break;
		}
		for (i = 0; i < o->conns; i++) {
			pfd[i].fd = cs[i].done ? -1 : cs[i].fd;
			pfd[i].events = POLLIN;
			if (cs[i].sent < total)
				pfd[i].events |= POLLOUT;
			pfd[i].revents = 0;
		}
		if (poll(pfd, o->conns, 100) < 0 && errno != EINTR) {
			perror("loadgen: poll");
			return 2;
		}
		for (i = 0; i < o->conns; i++) {
			struct sconn *c = &cs[i];
			uint64_t key = o->seed * 1000003ULL + i;

			if (c->done || pfd[i].revents == 0)
				continue;
			if ((pfd[i].revents & POLLOUT) && c->sent < total) {
				if (c->soff == c->slen) {
					c->slen = total - c->sent < CHUNK ?
					    (size_t)(total - c->sent) : CHUNK;
					pattern_fill(c->sbuf, key, c->sent, c->slen);
					c->soff = 0;
				}
				n = send(c->fd, c->sbuf + c->soff, c->slen - c->soff,
				    MSG_DONTWAIT | MSG_NOSIGNAL);
				if (n > 0) {
					c->soff += (size_t)n;
					c->sent += (uint64_t)n;
				} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
					fail("stream %u: send: %s", i, strerror(errno));
					c->done = true;
					left--;
					continue;
				}
			}
			if (c->sent == total && !c->shut) {
				(void)shutdown(c->fd, SHUT_WR);
				c->shut = true;
			}
			eof = false;
			if (!take(c->fd, key, &c->got, c->sent, &eof, "stream", i)) {
				c->done = true;
				left--;
				continue;
			}
			if (eof) {
				if (c->got != total)
					fail("stream %u: truncated: EOF after %llu of %llu "
					    "bytes", i, (unsigned long long)c->got,
					    (unsigned long long)total);
				bytes += c->got;
				c->done = true;
				left--;
			}
		}
	}
	now = now_us();
	for (i = 0; i < o->conns; i++) {
		if (cs[i].fd >= 0)
			(void)close(cs[i].fd);
		free(cs[i].sbuf);
	}
	(void)printf("RESULT mode=stream conns=%u bytes=%llu errors=%llu secs=%.3f "
	    "rate=%.1f\n", o->conns, (unsigned long long)bytes,
	    (unsigned long long)errors, (double)(now - t0) / 1e6,
	    (double)bytes / (double)(now - t0));
	free(cs);
	free(pfd);
	return errors ? 1 : 0;
}

/* ---- pingpong --------------------------------------------------------- */

/* Wait for events on fd until the run's hard deadline; false on timeout. */
static bool
wait_fd(int fd, short ev, int64_t hard)
{
	struct pollfd p;
	int64_t left;

	for (;;) {
		left = (hard - now_us()) / 1000;
		if (left <= 0)
			return false;
		p.fd = fd;
		p.events = ev;
		p.revents = 0;
		if (poll(&p, 1, (int)(left > 1000 ? 1000 : left)) > 0)
			return true;
	}
}

static int
pingpong(const struct opts *o)
{
	uint8_t msg[MAX_MSG];
	struct lat lat = { 0 };
	uint64_t key = o->seed * 1000003ULL;
	uint64_t off = 0, got = 0, rounds = 0;
	int64_t t0, end, hard, start;
	size_t sent;
	ssize_t n;
	bool eof = false;
	int fd;

	fd = sock_open(o, true);
	t0 = now_us();
	end = t0 + (int64_t)(o->secs * 1e6);
	hard = end + (int64_t)(o->timeout * 1e6);
	if (fd < 0 || !wait_fd(fd, POLLOUT, hard) || sock_error(fd) != 0) {
		fail("pingpong: connect failed");
		goto out;
	}
	t0 = now_us();
	end = t0 + (int64_t)(o->secs * 1e6);
	while (now_us() < end && (o->count == 0 || rounds < o->count)) {
		start = now_us();
		pattern_fill(msg, key, off, o->msg);
		for (sent = 0; sent < o->msg; ) {
			n = send(fd, msg + sent, o->msg - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n > 0)
				sent += (size_t)n;
			else if (n < 0 && errno != EAGAIN && errno != EINTR) {
				fail("pingpong: send: %s", strerror(errno));
				goto out;
			} else if (!wait_fd(fd, POLLOUT, hard)) {
				fail("pingpong: send timeout");
				goto out;
			}
		}
		off += o->msg;
		while (got < off) {
			if (!take(fd, key, &got, off, &eof, "pingpong round", rounds))
				goto out;
			if (eof) {
				fail("pingpong: EOF from server");	/* got < off here */
				goto out;
			}
			if (got < off && !wait_fd(fd, POLLIN, hard)) {
				fail("pingpong: reply timeout at round %llu",
				    (unsigned long long)rounds);
				goto out;
			}
		}
		lat_add(&lat, now_us() - start);
		rounds++;
	}
	/* Close cleanly: the server must send nothing more, then EOF. */
	(void)shutdown(fd, SHUT_WR);
	while (!eof) {
		if (!wait_fd(fd, POLLIN, hard)) {
			fail("pingpong: no EOF after shutdown");
			break;
		}
		if (!take(fd, key, &got, off, &eof, "pingpong close", rounds))
			break;
	}
out:
	n = now_us() - t0;
	if (fd >= 0)
		(void)close(fd);
	(void)printf("RESULT mode=pingpong msg=%zu rounds=%llu errors=%llu secs=%.3f "
	    "rate=%.1f p50_ms=%.4f p99_ms=%.4f\n", o->msg,
	    (unsigned long long)rounds, (unsigned long long)errors, (double)n / 1e6,
	    (double)rounds * 1e6 / (double)(n > 0 ? n : 1), lat_pct(&lat, 50),
	    lat_pct(&lat, 99));
	free(lat.v);
	return errors ? 1 : 0;
}

/* ---- main ------------------------------------------------------------- */

static void
usage(void)
{
	(void)fputs("usage: loadgen connrate|stream|pingpong -p PORT [-a ADDR] "
	    "[-c CONNS] [-d MS] [-n COUNT]\n"
	    "               [-m MSGBYTES] [-M MIB] [-s SEED] [-t TIMEOUT_MS] [-x]\n"
	    "  -d  run time (connrate, pingpong); -t  per-connection (connrate) or\n"
	    "      whole-run (stream) or extra (pingpong) time limit\n"
	    "  -x  expect the server to close without echoing (fork+close limit)\n",
	    stderr);
	exit(2);
}

/* Strict unsigned decimal in [lo, hi]. */
static uint64_t
num(const char *s, uint64_t lo, uint64_t hi)
{
	uint64_t v = 0;
	const char *p;

	if (*s == '\0')
		usage();
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > (hi - (uint64_t)(*p - '0')) / 10)
			usage();
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v < lo)
		usage();
	return v;
}

int
main(int argc, char *argv[])
{
	struct opts o;
	int c;

	memset(&o, 0, sizeof(o));
	o.addr.sin_family = AF_INET;
	o.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	o.conns = 1;
	o.secs = 3;
	o.msg = 64;
	o.mib = 16;
	o.seed = 1;
	o.timeout = 10;
	if (argc < 2)
		usage();
	o.mode = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "a:c:d:m:M:n:p:s:t:x")) != -1) {
		switch (c) {
		case 'a':
			if (inet_pton(AF_INET, optarg, &o.addr.sin_addr) != 1)
				usage();
			break;
		case 'c': o.conns = (unsigned)num(optarg, 1, MAX_CONNS); break;
		case 'd': o.secs = (double)num(optarg, 0, 3600000) / 1000; break;
		case 'm': o.msg = (size_t)num(optarg, 1, MAX_MSG); break;
		case 'M': o.mib = num(optarg, 1, 1 << 20); break;
		case 'n': o.count = num(optarg, 0, UINT64_MAX / 2); break;
		case 'p': o.addr.sin_port = htons((uint16_t)num(optarg, 1, 65535)); break;
		case 's': o.seed = num(optarg, 0, UINT64_MAX / 2); break;
		case 't': o.timeout = (double)num(optarg, 1, 3600000) / 1000; break;
		case 'x': o.expect_close = true; break;
		default: usage();
		}
	}
	if (optind != argc || o.addr.sin_port == 0)
		usage();
	(void)signal(SIGPIPE, SIG_IGN);
	if (strcmp(o.mode, "connrate") == 0)
		return connrate(&o);
	if (strcmp(o.mode, "stream") == 0)
		return stream(&o);
	if (strcmp(o.mode, "pingpong") == 0)
		return pingpong(&o);
	usage();
	return 2;
}
