/* SPDX-License-Identifier: ISC */
/* udp.c: UDP echo with a loop guard and rate limits (srctab_verdict), replying from the address each datagram was sent to. Never logs datagram contents. */
#define _GNU_SOURCE	/* struct in_pktinfo, in6_pktinfo (glibc and musl) */
#include "udp.h"
#include "core/addr.h"
#include "echo/io.h"
#include "sys/sockaddr.h"
#include "sys/log.h"
#include "sys/seed.h"
#include "core/rate.h"
#include "core/srctab.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

/* Room for the one destination-address message a datagram carries, of either family. */
#define UDP_CMSG_SPACE	(CMSG_SPACE(sizeof(struct in_pktinfo)) + \
			 CMSG_SPACE(sizeof(struct in6_pktinfo)))

union udp_cmsg {
	struct cmsghdr	h;	/* aligns the buffer for the CMSG_* macros */
	char		buf[UDP_CMSG_SPACE];
};

struct udp_sock {
	int		fd;
	uint32_t	port;	/* its own port: a datagram from that port is dropped */
};

/* The UDP child's state, its own alone: set up by udp_prepare before the sandbox. */
struct udp_state {
	struct srctab	tab;
	const struct acl *acl;		/* --allow/--deny: refused sources dropped */
	struct udp_sock	socks[UDP_MAX_SOCKETS];
	int		n;
};

static struct udp_state udp_state;

/* Learn fd's own port and ask for each datagram's destination address. */
static int
sock_prepare(int fd, struct udp_sock *s)
{
	union sockaddr_any sa;
	socklen_t len;
	int on;

	memset(&sa, 0, sizeof(sa));
	len = sizeof(sa);
	on = 1;
	if (getsockname(fd, &sa.sa, &len) < 0)
		return -1;
	s->fd = fd;
	s->port = sockaddr_port(&sa);
	if (sa.sa.sa_family == AF_INET)
		return setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
	if (sa.sa.sa_family == AF_INET6) {
		/* A dual-stack socket receives IPv4 datagrams with IP_PKTINFO. */
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
		    sizeof(on)) < 0)
			return -1;
		return setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
	}
	errno = EAFNOSUPPORT;
	return -1;
}

struct udp_state *
udp_prepare(const int *fds, int nfds, const struct acl *acl)
{
	struct udp_state *u;
	int i;

	u = &udp_state;
	u->acl = acl;
	if (seed_fill(u->tab.seed, sizeof(u->tab.seed)) < 0)
		return NULL;
	srctab_init(&u->tab, io_now(), UDP_RATE_SOURCE, UDP_RATE_SOURCE,
	    UDP_RATE_GLOBAL);
	u->n = 0;
	for (i = 0; i < nfds && i < UDP_MAX_SOCKETS; i++) {
		if (sock_prepare(fds[i], &u->socks[i]) < 0)
			return NULL;
		u->n = i + 1;
	}
	return u;
}

/* CMSG_NXTHDR as a function: musl's macro mixes long and size_t. */
static struct cmsghdr *
next_cmsg(struct msghdr *mh, struct cmsghdr *cm)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-conversion"	/* musl's CMSG_NXTHDR: a size_t minus a long, in range */
	return CMSG_NXTHDR(mh, cm);
#pragma GCC diagnostic pop
}

/* Write the one control message of a reply (level, type, len bytes of data) and point mh at it. */
static void
put_cmsg(union udp_cmsg *out, struct msghdr *mh, int level, int type,
    const void *data, size_t len)
{
	struct cmsghdr *o;

	o = &out->h;	/* the union aligns the buffer for a header */
	o->cmsg_level = level;
	o->cmsg_type = type;
	o->cmsg_len = (socklen_t)CMSG_LEN(len);
	memcpy(CMSG_DATA(o), data, len);
	mh->msg_controllen = (socklen_t)CMSG_SPACE(len);
	mh->msg_control = out->buf;
}

/*
 * The control message that makes a reply leave from the address the
 * datagram in was sent to (and, for IPv6, through its interface), in out;
 * false when in carries none.
 */
static bool
reply_from(struct msghdr *in, union udp_cmsg *out, struct msghdr *mh)
{
	struct in_pktinfo pi;
	struct in6_pktinfo pi6;
	struct cmsghdr *cm;

	memset(out, 0, sizeof(*out));
	for (cm = CMSG_FIRSTHDR(in); cm != NULL; cm = next_cmsg(in, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(pi))) {
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			pi.ipi_spec_dst = pi.ipi_addr;
			pi.ipi_ifindex = 0;
			put_cmsg(out, mh, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
			return true;
		}
		if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(pi6))) {
			memcpy(&pi6, CMSG_DATA(cm), sizeof(pi6));
			put_cmsg(out, mh, IPPROTO_IPV6, IPV6_PKTINFO, &pi6,
			    sizeof(pi6));
			return true;
		}
	}
	return false;
}

/* Handle one datagram of n bytes, received on s as described by in. */
static void
echo_one(const struct udp_sock *s, struct udp_state *u, char *buf, ssize_t n,
    struct msghdr *in, struct udp_counters *c)
{
	union udp_cmsg out;
	struct msghdr mh;
	struct iovec iov;
	const union sockaddr_any *from;
	uint8_t key[ADDR_KEY_LEN];
	ssize_t w;

	from = in->msg_name;
	memset(key, 0, sizeof(key));	/* defined on every path */
	if (!sockaddr_key(from, key) || !acl_allows(u->acl, key) ||
	    srctab_verdict(&u->tab, key, sockaddr_port(from), s->port,
	    (in->msg_flags & MSG_TRUNC) != 0, io_now()) != UDP_ECHO) {
		c->dropped++;
		return;
	}
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = buf;
	iov.iov_len = (size_t)n;
	mh.msg_name = in->msg_name;
	mh.msg_namelen = in->msg_namelen;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	(void)reply_from(in, &out, &mh);	/* none: the kernel picks the source */
	do
		w = sendmsg(s->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (w < 0 && errno == EINTR);
	if (w == n)
		c->echoed++;
	else
		c->dropped++;	/* send buffer full: dropped, never queued */
}

/*
 * Receive and handle up to UDP_BATCH datagrams from s. Returns how many
 * arrived (0: none waiting), or -1 on a fatal error.
 */
static int
udp_drain(const struct udp_sock *s, struct udp_state *u, char *buf, size_t size,
    struct udp_counters *c)
{
	union sockaddr_any sa;
	union udp_cmsg cm;
	struct msghdr mh;
	struct iovec iov;
	ssize_t n;
	int got;

	/* recvmsg fills them; zeroed once so no byte is ever indeterminate. */
	memset(&sa, 0, sizeof(sa));
	memset(&cm, 0, sizeof(cm));
	for (got = 0; got < UDP_BATCH; ) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = buf;
		iov.iov_len = size;
		mh.msg_name = &sa;
		mh.msg_namelen = sizeof(sa);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof(cm.buf);
		n = recvmsg(s->fd, &mh, MSG_DONTWAIT);
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
		/* The kernel never reports more control data than it was given. */
		if (mh.msg_controllen > sizeof(cm.buf))
			mh.msg_controllen = 0;
		echo_one(s, u, buf, n, &mh, c);
	}
	return got;
}

void
udp_serve(struct udp_state *u, struct udp_counters *c)
{
	static char buf[UDP_MAX_DATAGRAM + 1];
	struct pollfd pfd[UDP_MAX_SOCKETS];
	bool idle;
	int r;
	int i;

	for (;;) {
		/* Take turns, a batch per socket, so one cannot starve another. */
		idle = true;
		for (i = 0; i < u->n; i++) {
			r = udp_drain(&u->socks[i], u, buf, sizeof(buf), c);
			if (r < 0)
				goto out;
			if (r > 0)
				idle = false;
		}
		if (!idle)
			continue;
		for (i = 0; i < u->n; i++) {
			pfd[i].fd = u->socks[i].fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		if (poll(pfd, (nfds_t)u->n, -1) < 0 && errno != EINTR)
			goto out;
	}
out:
	log_err("udp", errno);
}
