/* SPDX-License-Identifier: ISC */
/* inetd.c: --inetd (inetd nowait, systemd Accept=yes): check fd 0, then serve it as any child does. Never logs into the client's socket. */
#include "inetd.h"
#include "child.h"
#include "echod.h"
#include "sys/log.h"
#include "sys/sig.h"
#include "sys/sockaddr.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* Under inetd, stderr is often the client's socket: never log into it. */
static bool
stderr_is_client(void)
{
	struct stat in;
	struct stat err;

	if (fstat(STDIN_FILENO, &in) < 0 || fstat(STDERR_FILENO, &err) < 0)
		return true;
	return in.st_dev == err.st_dev && in.st_ino == err.st_ino;
}

int
inetd_run(const struct config *cfg, const struct acl *acl)
{
	union sockaddr_any peer;
	uint8_t key[ADDR_KEY_LEN];
	char text[ADDR_TEXT_MAX];
	struct child c;
	socklen_t len;
	int type;

	log_init(cfg->verbosity, !stderr_is_client());
	if (cfg->no_sandbox)
		log_msg(VERB_QUIET, "warning: sandbox disabled");
	if (sig_ignore_inetd() < 0) {
		log_err("sigaction", errno);
		return EXIT_SESSION;
	}
	len = sizeof(type);
	if (getsockopt(STDIN_FILENO, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    type != SOCK_STREAM) {
		log_msg(VERB_QUIET, "--inetd: standard input is not a stream socket");
		return EXIT_SESSION;
	}
	memset(&c, 0, sizeof(c));
	c.buf = child_buffer();
	if (c.buf == NULL) {
		log_err("mmap", errno);
		return EXIT_SESSION;
	}
	/* The close line names the peer, as the server's children do. */
	memset(&peer, 0, sizeof(peer));
	len = sizeof(peer);
	if (getpeername(STDIN_FILENO, &peer.sa, &len) == 0 &&
	    (peer.sa.sa_family == AF_INET || peer.sa.sa_family == AF_INET6))
		c.peer = &peer;
	/* --allow/--deny: a refused peer gets nothing (an unknown one: rules apply only to IP peers). */
	memset(key, 0, sizeof(key));
	if (c.peer != NULL && sockaddr_key(c.peer, key) && !acl_allows(acl, key)) {
		sockaddr_text(c.peer, text, sizeof(text));
		log_msg(VERB_NORMAL, "refused %s: --allow/--deny", text);
		return EXIT_SESSION;
	}
	c.fd = STDIN_FILENO;
	c.sigfd = -1;	/* signals set above, as --inetd needs them */
	c.limits = &cfg->session;
	c.confine = !cfg->no_sandbox;
	child_serve(&c);
}
