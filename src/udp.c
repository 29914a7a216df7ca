/* udp.c: UDP echo with a loop guard and rate limits. Never logs datagram contents. */
#include "udp.h"
#include "addr.h"
#include "io.h"
#include "listen.h"
#include "log.h"
#include "rate.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

struct source {
	uint8_t		key[ADDR_KEY_LEN];
	struct bucket	b;
	bool		used;
};

/* Key of a peer address; false for a family UDP echo does not serve. */
static bool
peer_key(const union sockaddr_any *sa, uint8_t key[ADDR_KEY_LEN],
    uint32_t *port)
{
	if (sa->sa.sa_family == AF_INET) {
		addr_key(key, (const uint8_t *)&sa->in.sin_addr, 4);
		*port = ntohs(sa->in.sin_port);
		return true;
	}
	if (sa->sa.sa_family == AF_INET6) {
		addr_key(key, sa->in6.sin6_addr.s6_addr, 16);
		*port = ntohs(sa->in6.sin6_port);
		return true;
	}
	return false;
}

static uint32_t
hash_key(const uint8_t key[ADDR_KEY_LEN])
{
	uint32_t h;
	int i;

	h = 2166136261u;	/* FNV-1a */
	for (i = 0; i < ADDR_KEY_LEN; i++) {
		h ^= key[i];
		h *= 16777619u;
	}
	return h % UDP_SOURCES;
}

/* The bucket of key; a colliding newcomer takes the slot over with a full bucket. */
static struct bucket *
source_bucket(struct source *tab, const uint8_t key[ADDR_KEY_LEN], int64_t now)
{
	struct source *s;

	s = &tab[hash_key(key)];
	if (!s->used || memcmp(s->key, key, ADDR_KEY_LEN) != 0) {
		memcpy(s->key, key, ADDR_KEY_LEN);
		s->used = true;
		rate_fill(&s->b, now, UDP_RATE_SOURCE);
	}
	return &s->b;
}

/* Handle one datagram of n bytes (flags from recvfrom) from ss. */
static void
echo_one(int fd, const char *buf, ssize_t n, int flags,
    const union sockaddr_any *sa, socklen_t len, struct source *tab,
    struct bucket *global, struct udp_counters *c)
{
	uint8_t key[ADDR_KEY_LEN];
	uint32_t port;
	int64_t now;
	ssize_t w;

	port = 0;
	memset(key, 0, sizeof(key));	/* defined on every path, as port is */
	if ((flags & MSG_TRUNC) != 0 || !peer_key(sa, key, &port) ||
	    !rate_source_ok(key, port)) {
		c->dropped++;
		return;
	}
	now = io_now();
	if (!rate_take(global, now, UDP_RATE_GLOBAL, UDP_RATE_GLOBAL) ||
	    !rate_take(source_bucket(tab, key, now), now, UDP_RATE_SOURCE,
	    UDP_RATE_SOURCE)) {
		c->dropped++;
		return;
	}
	do
		w = sendto(fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL,
		    &sa->sa, len);
	while (w < 0 && errno == EINTR);
	if (w == n)
		c->echoed++;
	else
		c->dropped++;	/* send buffer full: dropped, never queued */
}

/*
 * Receive and handle up to UDP_BATCH datagrams from fd. Returns how many
 * arrived (0: none waiting), or -1 on a fatal error.
 */
static int
udp_drain(int fd, char *buf, size_t size, struct source *tab,
    struct bucket *global, struct udp_counters *c)
{
	union sockaddr_any sa;
	struct msghdr mh;
	struct iovec iov;
	ssize_t n;
	int got;

	/* recvmsg fills it; zeroed once so no byte is ever indeterminate. */
	memset(&sa, 0, sizeof(sa));
	for (got = 0; got < UDP_BATCH; ) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = buf;
		iov.iov_len = size;
		mh.msg_name = &sa;
		mh.msg_namelen = sizeof(sa);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		n = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return got;
		if (n < 0) {
			/* ICMP errors surface here (ECONNREFUSED...): not fatal. */
			if (errno == ECONNREFUSED || errno == EHOSTUNREACH ||
			    errno == ENETUNREACH || errno == ENOBUFS ||
			    errno == ENOMEM)
				continue;
			return -1;
		}
		got++;
		echo_one(fd, buf, n, mh.msg_flags, &sa, mh.msg_namelen, tab,
		    global, c);
	}
	return got;
}

void
udp_serve(const int *fds, int nfds, struct udp_counters *c)
{
	static struct source tab[UDP_SOURCES];
	static char buf[UDP_MAX_DATAGRAM + 1];
	struct pollfd pfd[UDP_MAX_SOCKETS];
	struct bucket global;
	bool idle;
	int r;
	int i;

	if (nfds > UDP_MAX_SOCKETS)
		nfds = UDP_MAX_SOCKETS;
	rate_fill(&global, io_now(), UDP_RATE_GLOBAL);
	for (;;) {
		/* Take turns, a batch per socket, so one cannot starve another. */
		idle = true;
		for (i = 0; i < nfds; i++) {
			r = udp_drain(fds[i], buf, sizeof(buf), tab, &global, c);
			if (r < 0)
				goto out;
			if (r > 0)
				idle = false;
		}
		if (!idle)
			continue;
		for (i = 0; i < nfds; i++) {
			pfd[i].fd = fds[i];
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		if (poll(pfd, (nfds_t)nfds, -1) < 0 && errno != EINTR)
			goto out;
	}
out:
	log_err("udp", errno);
}
