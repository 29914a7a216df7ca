/* SPDX-License-Identifier: ISC */
/* listen.c: socket, bind, listen, socket activation. Never accepts; never touches client data. */
#include "sys/listen.h"
#include "sys/fdflags.h"
#include "echod.h"
#include "core/num.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LISTEN_FDS_START	3

/* Record the bound address of l->fd in l->text. */
static void
describe(struct listener *l)
{
	union sockaddr_any sa;
	socklen_t len;

	len = sizeof(sa);
	memset(&sa, 0, sizeof(sa));
	if (getsockname(l->fd, &sa.sa, &len) < 0)
		sa.sa.sa_family = AF_UNSPEC;
	sockaddr_text(&sa, l->text, sizeof(l->text));
}

/* The bound port of a socket. */
static unsigned int
bound_port(int fd)
{
	union sockaddr_any sa;
	socklen_t len;

	len = sizeof(sa);
	memset(&sa, 0, sizeof(sa));
	if (getsockname(fd, &sa.sa, &len) < 0)
		return 0;
	return sockaddr_port(&sa);
}

uint32_t
listen_activated(void)
{
	const char *pid;
	uint32_t v;

	const char *nfds;
	uint32_t n;

	v = 0;	/* num_parse leaves *out unset on failure */
	n = 0;
	pid = getenv("LISTEN_PID");
	nfds = getenv("LISTEN_FDS");
	if (pid == NULL || num_parse(pid, 0x7fffffffu, &v) != NUM_OK ||
	    v > 0x7fffffffu || (pid_t)v != getpid())	/* v > max: never (num_parse) */
		return 0;
	/* LISTEN_FDS must name at least one socket; otherwise bind as usual. */
	if (nfds == NULL || num_parse(nfds, LISTEN_FDS_MAX, &n) != NUM_OK)
		return 0;
	return n;
}

/* An int socket option of fd, or -1 with errno. */
static int
sockopt(int fd, int name)
{
	socklen_t len;
	int v;

	v = 0;
	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, name, &v, &len) < 0)
		return -1;
	return v;
}

/*
 * Is passed fd one echod can serve: a listening TCP socket or a bound UDP
 * socket, of family INET or INET6? Anything else would be accepted from in
 * vain (EINVAL for ever) or keyed by bytes no IP address fills. 0, or -1
 * with *f set.
 */
static int
check_passed(int fd, int *type, struct failure *f)
{
	char why[sizeof(f->why)];
	union sockaddr_any sa;
	socklen_t len;
	int fam;

	*type = sockopt(fd, SO_TYPE);
	if (*type < 0)
		return failure_set(f, EXIT_OSERR, errno, "LISTEN_FDS", NULL);
	len = sizeof(sa);
	memset(&sa, 0, sizeof(sa));
	fam = getsockname(fd, &sa.sa, &len) == 0 ? sa.sa.sa_family : AF_UNSPEC;
	if ((fam == AF_INET || fam == AF_INET6) &&
	    ((*type == SOCK_STREAM && sockopt(fd, SO_ACCEPTCONN) == 1) ||
	    (*type == SOCK_DGRAM && bound_port(fd) != 0)))
		return 0;
	(void)snprintf(why, sizeof(why), "fd %d is not a listening TCP socket "
	    "or a bound UDP socket of family INET or INET6", fd);
	return failure_set(f, EXIT_OSERR, 0, "LISTEN_FDS", why);
}

/* Take the sockets systemd passed (fds 3..3+LISTEN_FDS-1). */
static int
open_activated(struct listener *out, size_t max, struct failure *f)
{
	uint32_t n;
	uint32_t i;
	int type;

	n = listen_activated();
	if (n > max)
		return failure_set(f, EXIT_OSERR, 0, "LISTEN_FDS",
		    "too many passed sockets");
	for (i = 0; i < n; i++) {
		out[i].fd = LISTEN_FDS_START + (int)i;
		if (check_passed(out[i].fd, &type, f) < 0)
			return -1;
		if (fd_nonblock_cloexec(out[i].fd) < 0)
			return failure_set(f, EXIT_OSERR, errno, "LISTEN_FDS",
			    NULL);
		out[i].type = type;
		describe(&out[i]);
	}
	(void)unsetenv("LISTEN_PID");
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_FDNAMES");
	return (int)n;
}

/* socket, options, bind and (for streams) listen on one address. */
static int
open_one(const union sockaddr_any *sa, socklen_t len, int type,
    uint32_t backlog, bool v6only, struct listener *l, struct failure *f)
{
	char where[ADDR_TEXT_MAX + 16];
	char text[ADDR_TEXT_MAX];
	int on;
	int v6;
	int fd;

	sockaddr_text(sa, text, sizeof(text));
	fd = socket(sa->sa.sa_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		(void)snprintf(where, sizeof(where), "socket %s", text);
		return failure_set(f, EXIT_OSERR, errno, where, NULL);
	}
	on = 1;
	v6 = 0;
	if (v6only)
		v6 = 1;
	if (type == SOCK_STREAM &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0)
		goto bad;
	/*
	 * Dual stack: "::" alone also takes IPv4 clients as mapped addresses;
	 * among several addresses each socket takes only its own family.
	 */
	if (sa->sa.sa_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6, sizeof(v6)) < 0)
		goto bad;
	if (bind(fd, &sa->sa, len) < 0) {
		(void)snprintf(where, sizeof(where), "bind %s", text);
		failure_set(f, EXIT_OSERR, errno, where, NULL);
		(void)close(fd);
		return -1;
	}
	if (type == SOCK_STREAM && listen(fd, (int)backlog) < 0) {
		(void)snprintf(where, sizeof(where), "listen %s", text);
		failure_set(f, EXIT_OSERR, errno, where, NULL);
		(void)close(fd);
		return -1;
	}
	l->fd = fd;
	l->type = type;
	describe(l);
	return 0;
bad:
	(void)snprintf(where, sizeof(where), "setsockopt %s", text);
	failure_set(f, EXIT_OSERR, errno, where, NULL);
	(void)close(fd);
	return -1;
}

/*
 * TCP, then UDP on the port TCP got, on sa at port; with port 0, choose
 * again if UDP's is taken. Returns the sockets opened (1 or 2), or -1.
 */
static int
open_pair(union sockaddr_any *sa, socklen_t len, unsigned int port,
    const struct config *cfg, bool v6only, struct listener *out,
    struct failure *f)
{
	int tries;

	for (tries = 0; tries < 16; tries++) {
		sockaddr_set_port(sa, port);
		if (open_one(sa, len, SOCK_STREAM, cfg->backlog, v6only, &out[0], f) < 0)
			return -1;
		if (!cfg->udp)
			return 1;
		sockaddr_set_port(sa, bound_port(out[0].fd));
		if (open_one(sa, len, SOCK_DGRAM, 0, v6only, &out[1], f) == 0)
			return 2;
		(void)close(out[0].fd);
		if (port != 0 || f->errnum != EADDRINUSE)
			return -1;
	}
	return -1;
}

/*
 * Every --listen address, in order, each with open_pair. With port 0 the
 * others get the port the kernel chose for the first; if that port is
 * taken on one of them, all are closed and the kernel chooses again.
 */
static int
open_all(const struct config *cfg, struct listener *out, struct failure *f)
{
	union sockaddr_any sa;
	socklen_t len;
	unsigned int port;
	uint32_t i;
	int tries;
	int n;
	int k;

	for (tries = 0; tries < 16; tries++) {
		n = 0;
		port = cfg->port;
		for (i = 0; i < cfg->nlisten; i++) {
			if (!sockaddr_parse(cfg->listen[i], port, &sa, &len))
				return failure_set(f, EXIT_USAGE, 0, cfg->listen[i],
				    "not a numeric IPv4 or IPv6 address");
			k = open_pair(&sa, len, port, cfg, cfg->nlisten > 1,
			    &out[n], f);
			if (k < 0)
				break;
			if (i == 0)
				port = bound_port(out[0].fd);
			n += k;
		}
		if (i == cfg->nlisten)
			return n;
		for (k = 0; k < n; k++)
			(void)close(out[k].fd);
		if (cfg->port != 0 || f->errnum != EADDRINUSE || i == 0)
			return -1;
	}
	return -1;
}

int
listen_open(const struct config *cfg, struct listener *out, size_t max,
    struct failure *f)
{
	union sockaddr_any sa;
	socklen_t len;
	int n;

	if (listen_activated())
		return open_activated(out, max, f);
	if (max < 2 * (size_t)(cfg->nlisten > 0 ? cfg->nlisten : 1))
		return failure_set(f, EXIT_OSERR, 0, "listen", "no room");
	if (cfg->nlisten > 0)
		return open_all(cfg, out, f);
	/* Default: dual stack "::", or 0.0.0.0 where IPv6 is unavailable. */
	(void)sockaddr_parse("::", cfg->port, &sa, &len);
	n = open_pair(&sa, len, cfg->port, cfg, false, out, f);
	if (n > 0 || (f->errnum != EAFNOSUPPORT && f->errnum != EADDRNOTAVAIL &&
	    f->errnum != EPROTONOSUPPORT))
		return n;
	(void)sockaddr_parse("0.0.0.0", cfg->port, &sa, &len);
	return open_pair(&sa, len, cfg->port, cfg, false, out, f);
}
