/* SPDX-License-Identifier: ISC */
/* accept.c: the parent's accept path: take a connection, admit it (--allow/--deny, --rate-per-ip, --max-clients, --max-per-ip), fork its child or refuse it. */
#include "parent.h"
#include "core/addr.h"
#include "core/backoff.h"
#include "echod.h"
#include "echo/io.h"
#include "sys/log.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Close a connection the admission rule refused, and count it. */
static void
refuse(struct server *s, int fd, const union sockaddr_any *sa, enum admit a)
{
	char peer[ADDR_TEXT_MAX];

	(void)close(fd);
	if (a == ADMIT_PER_IP)
		s->st.refused_per_ip++;
	if (!log_wants(VERB_NORMAL))
		return;
	sockaddr_text(sa, peer, sizeof(peer));
	if (a == ADMIT_PER_IP)
		log_msg(VERB_NORMAL, "refused %s: over --max-per-ip %u", peer,
		    (unsigned int)s->cfg->max_per_ip);
	else	/* not reached: the listeners are not polled when full */
		log_msg(VERB_NORMAL, "refused %s: no free slot", peer);
}

/* Free the slots of children that said their session is over. */
static void
vacate_done(struct server *s)
{
	uint32_t i;

	for (i = 0; i < slots_cap(&s->slots); i++)
		if (slots_pid(&s->slots, i) > 0 && s->done[i] != 0) {
			slots_vacate(&s->slots, i);
			s->finishing++;
		}
}

/* In the forked child: close the listeners, then serve as any child. */
static _Noreturn void
child_start(const struct server *s, int fd, const union sockaddr_any *sa,
    uint32_t idx)
{
	struct child c;
	int i;

	for (i = 0; i < s->nlis; i++)
		(void)close(s->lis[i].fd);
	c.fd = fd;
	c.sigfd = s->sigfd;
	c.peer = sa;
	c.limits = &s->cfg->session;
	c.confine = !s->cfg->no_sandbox;
	c.buf = s->buf;
	c.done = &s->done[idx];
	child_serve(&c);
}

/* A connection the source policy refused: closed at once, counted, logged. */
static void
refuse_source(struct server *s, int fd, const union sockaddr_any *sa,
    enum source_verdict v, bool log)
{
	char peer[ADDR_TEXT_MAX];

	(void)close(fd);
	if (v == SOURCE_ACL)
		s->st.refused_acl++;
	else
		s->st.refused_rate++;
	if ((v == SOURCE_RATE && !log) || !log_wants(VERB_NORMAL))
		return;
	sockaddr_text(sa, peer, sizeof(peer));
	if (v == SOURCE_ACL)
		log_msg(VERB_NORMAL, "refused %s: --allow/--deny", peer);
	else
		log_msg(VERB_NORMAL, "refused %s: over --rate-per-ip %u a second",
		    peer, (unsigned int)s->cfg->rate_per_ip);
}

/* Fork a child for accepted socket fd, or close it. */
static void
serve(struct server *s, int fd, const union sockaddr_any *sa)
{
	uint8_t key[ADDR_KEY_LEN];
	char peer[ADDR_TEXT_MAX];
	enum source_verdict v;
	enum admit a;
	uint32_t idx;
	bool log;
	pid_t pid;
	int e;

	memset(key, 0, sizeof(key));	/* accept(2) gives IPv4 or IPv6 only */
	(void)sockaddr_key(sa, key);
	v = policy_source(&s->policy, key, io_now(), &log);
	if (v != SOURCE_OK) {
		refuse_source(s, fd, sa, v, log);
		return;
	}
	idx = 0;
	a = slots_admit(&s->slots, key, &idx);
	if (a == ADMIT_PER_IP) {
		/* A child may have ended its session and not be reaped yet. */
		parent_reap(s);
		vacate_done(s);
		a = slots_admit(&s->slots, key, &idx);
	}
	if (a != ADMIT_OK) {
		refuse(s, fd, sa, a);
		return;
	}
	s->done[idx] = 0;
	/* turn() holds signals blocked: the child resets them in sig_child(). */
	pid = fork();
	if (pid == 0)
		child_start(s, fd, sa, idx);
	e = errno;
	(void)close(fd);
	if (pid < 0) {
		slots_vacate(&s->slots, idx);
		s->st.fork_failed++;
		log_err("fork", e);
		return;
	}
	slots_bind(&s->slots, idx, (int32_t)pid);
	if (log_wants(VERB_VERBOSE)) {
		sockaddr_text(sa, peer, sizeof(peer));
		log_msg(VERB_VERBOSE, "accept %s pid=%ld", peer, (long)pid);
	}
}

/*
 * An accept(2) failure. Returns true when accepting may go on at once.
 * Resource exhaustion takes the listeners out of poll for a back-off.
 */
static bool
accept_failed(struct server *s, int e)
{
	if (e == EAGAIN || e == EWOULDBLOCK)
		return false;
	if (e == EINTR)
		return true;
	s->st.accept_errors++;
	if (e == ECONNABORTED || e == EPROTO || e == ENETDOWN ||
	    e == ENOPROTOOPT || e == EHOSTDOWN || e == EHOSTUNREACH ||
	    e == EOPNOTSUPP || e == ENETUNREACH || e == ETIMEDOUT) {
		/* The client's problem, not ours. */
		log_err("accept", e);
		return true;
	}
	/* EMFILE, ENFILE, ENOBUFS, ENOMEM and the unexpected: back off. */
	s->backoff_ms = backoff_next(s->backoff_ms);
	s->backoff_until = io_now() + s->backoff_ms;
	log_msg(VERB_QUIET, "accept: %s; pausing %u ms", strerror(e),
	    (unsigned)s->backoff_ms);
	return false;
}

void
parent_accept(struct server *s, int lfd)
{
	union sockaddr_any sa;
	socklen_t len;
	int fd;
	int i;

	for (i = 0; i < ECHOD_ACCEPT_BATCH; i++) {
		if (s->stopping || slots_full(&s->slots) || s->backoff_until >= 0)
			return;
		len = sizeof(sa);
		fd = accept(lfd, &sa.sa, &len);
		if (fd < 0) {
			if (!accept_failed(s, errno))
				return;
			continue;
		}
		s->backoff_ms = 0;
		s->st.accepted++;
		serve(s, fd, &sa);
	}
}
