/* SPDX-License-Identifier: ISC */
/* server.c: the parent process: the loop, reaping, shutdown. Accepts and forks in accept.c; never reads or writes client data. */
#define _DEFAULT_SOURCE	/* MAP_ANONYMOUS */
#include "server.h"
#include "parent.h"
#include "echod.h"
#include "echo/io.h"
#include "sys/log.h"
#include "sys/notify.h"
#include "sys/sig.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * A child killed by a signal the parent did not send (a sandbox violation's
 * SIGSYS, a crash) is the loudest event there is: logged whatever -q says.
 */
void
parent_reap(struct server *s)
{
	char why[64];
	pid_t pid;
	int status;
	int saved;

	saved = errno;
	for (;;) {
		status = 0;
		pid = waitpid(-1, &status, WNOHANG);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			break;
		if (udpsup_reaped(&s->udp, pid, status, s->stopping, s->killing))
			continue;
		if (!slots_release(&s->slots, (int32_t)pid) && s->finishing > 0)
			s->finishing--;
		/* The parent sends children SIGKILL only, after the grace period. */
		if (WIFSIGNALED(status) &&
		    !(WTERMSIG(status) == SIGKILL && s->killing)) {
			child_status_text(status, why, sizeof(why));
			log_msg(VERB_QUIET, "child %ld %s", (long)pid, why);
		}
	}
	errno = saved;
}

static void
log_stats(const struct server *s)
{
	char udp[96];

	udpsup_stats(&s->udp, udp, sizeof(udp));
	log_msg(VERB_QUIET, "stats accepted=%llu active=%u refused_per_ip=%llu "
	    "fork_failed=%llu accept_errors=%llu refused_acl=%llu "
	    "refused_rate=%llu%s",
	    (unsigned long long)s->st.accepted, (unsigned int)slots_active(&s->slots),
	    (unsigned long long)s->st.refused_per_ip,
	    (unsigned long long)s->st.fork_failed,
	    (unsigned long long)s->st.accept_errors,
	    (unsigned long long)s->st.refused_acl,
	    (unsigned long long)s->st.refused_rate, udp);
}

/* SIGTERM/SIGINT/SIGHUP: stop accepting, close the listeners, start the grace period. */
static void
begin_shutdown(struct server *s)
{
	int i;

	s->stopping = true;
	s->grace_end = io_now() + (int64_t)s->cfg->grace * 1000;
	for (i = 0; i < s->nlis; i++) {
		(void)close(s->lis[i].fd);
		s->lis[i].fd = -1;
	}
	udpsup_signal(&s->udp, SIGTERM);
	(void)notify_send("STOPPING=1");
	log_msg(VERB_NORMAL, "shutting down: %u active, grace %u s",
	    (unsigned int)slots_active(&s->slots), (unsigned int)s->cfg->grace);
}

/* Grace is over: SIGKILL the rest and reap them all. */
static void
kill_rest(struct server *s)
{
	uint32_t i;
	uint32_t n;
	int32_t pid;

	s->killing = true;
	n = 0;
	for (i = 0; i < slots_cap(&s->slots); i++) {
		pid = slots_pid(&s->slots, i);
		if (pid > 0) {
			(void)kill((pid_t)pid, SIGKILL);
			n++;
		}
	}
	udpsup_signal(&s->udp, SIGKILL);
	if (n > 0)
		log_msg(VERB_NORMAL, "grace period over: killed %u children",
		    (unsigned int)n);
	while (slots_active(&s->slots) > 0 || s->finishing > 0 ||
	    s->udp.pid > 0) {
		if (io_wait(s->sigfd, POLLIN, io_now() + 100) > 0)
			(void)sig_take(s->sigfd);
		parent_reap(s);
	}
}

/* The poll timeout, in ms, until the next timed event (-1: none). */
static int
next_timeout(const struct server *s)
{
	int64_t t;
	int64_t d;

	t = -1;
	if (s->backoff_until >= 0)
		t = s->backoff_until;
	if (s->udp.restart >= 0 && (t < 0 || s->udp.restart < t))
		t = s->udp.restart;
	if (s->stopping && (t < 0 || s->grace_end < t))
		t = s->grace_end;
	if (t < 0)
		return -1;
	d = t - io_now();
	if (d <= 0)
		return 0;
	return d > 60000 ? 60000 : (int)d;
}

/* One turn of the loop: wait, then handle signals, timers and listeners. */
static void
turn(struct server *s, struct pollfd *pfd, int *map)
{
	int n;
	int i;
	int ev;
	int64_t now;

	n = 0;
	pfd[n].fd = s->sigfd;
	pfd[n].events = POLLIN;
	pfd[n].revents = 0;
	n++;
	if (!s->stopping && !slots_full(&s->slots) && s->backoff_until < 0) {
		/* n stays within pfd[] even if nlis were over the limit. */
		for (i = 0; i < s->nlis && n <= ECHOD_MAX_LISTENERS; i++) {
			if (s->lis[i].type != SOCK_STREAM)
				continue;
			pfd[n].fd = s->lis[i].fd;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			map[n] = i;
			n++;
		}
	}
	if (poll(pfd, (nfds_t)n, next_timeout(s)) < 0 && errno != EINTR) {
		log_err("poll", errno);
		(void)io_wait(-1, 0, io_now() + 100);	/* no spin on a poll failure */
	}
	ev = sig_take(s->sigfd);
	parent_reap(s);
	if (ev & SIG_EV_USR1)
		log_stats(s);
	if ((ev & SIG_EV_TERM) && !s->stopping)
		begin_shutdown(s);
	now = io_now();
	if (s->backoff_until >= 0 && now >= s->backoff_until)
		s->backoff_until = -1;
	if (!s->stopping)
		udpsup_tick(&s->udp, now, s->lis, s->nlis, s->sigfd,
		    !s->cfg->no_sandbox);
	/*
	 * Signals stay blocked through the whole batch of accepts and forks, not
	 * around each fork: a child still never runs the parent's handlers, and
	 * the SIGCHLDs of children ending meanwhile coalesce into one wake-up
	 * instead of interrupting the parent once per connection.
	 */
	for (i = 1; i < n; i++)
		if (pfd[i].revents != 0)
			break;
	if (i == n || s->stopping)
		return;
	if (sig_block(true) < 0) {
		log_err("sigprocmask", errno);
		return;
	}
	for (i = 1; i < n; i++)
		if (pfd[i].revents != 0 && !s->stopping)
			parent_accept(s, s->lis[map[i]].fd);
	(void)sig_block(false);
}

static size_t
slots_bytes(uint32_t cap)
{
	return (size_t)cap * sizeof(struct slot);
}

static int
setup(struct server *s, const struct config *cfg, const struct acl *acl,
    struct listener *lis, int nlis, int sigfd)
{
	struct slot *mem;

	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	if (policy_setup(&s->policy, acl, cfg->rate_per_ip, io_now()) < 0)
		return -1;
	s->lis = lis;
	s->nlis = nlis;
	s->sigfd = sigfd;
	s->backoff_until = -1;
	/*
	 * The slot table is the parent's alone: MADV_DONTFORK keeps it out of
	 * the children (no client addresses in them), so fork copies no page
	 * table for it and the parent's writes to it never fault copy-on-write.
	 */
	mem = mmap(NULL, slots_bytes(cfg->max_clients), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return -1;
	s->buf = NULL;
	if (madvise(mem, slots_bytes(cfg->max_clients), MADV_DONTFORK) == 0)
		s->buf = child_buffer();
	if (s->buf == NULL) {
		(void)munmap(mem, slots_bytes(cfg->max_clients));	/* mmap'd, not malloc'd */
		return -1;
	}
	s->slot_mem = mem;
	slots_init(&s->slots, mem, cfg->max_clients, cfg->max_per_ip);
	s->done = mmap(NULL, cfg->max_clients, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->done == MAP_FAILED)
		return -1;
	return udpsup_setup(&s->udp, lis, nlis, acl);
}

int
server_run(const struct config *cfg, const struct acl *acl,
    struct listener *lis, int nlis, int sigfd)
{
	struct pollfd pfd[ECHOD_MAX_LISTENERS + 1];
	int map[ECHOD_MAX_LISTENERS + 1];
	struct server s;
	int i;

	memset(pfd, 0, sizeof(pfd));	/* turn() fills what poll reads */
	memset(map, 0, sizeof(map));
	/* Before the listening line: a start-up failure, said as one. */
	if (setup(&s, cfg, acl, lis, nlis, sigfd) < 0) {
		log_fatal("setup", strerror(errno));
		return EXIT_OSERR;
	}
	for (i = 0; i < nlis; i++)
		log_msg(VERB_QUIET, "listening on %s%s",
		    lis[i].type == SOCK_DGRAM ? "udp " : "", lis[i].text);
	if (notify_send("READY=1") < 0)
		log_err("NOTIFY_SOCKET", errno);
	for (;;) {
		turn(&s, pfd, map);
		if (!s.stopping)
			continue;
		if (slots_active(&s.slots) == 0 && s.finishing == 0 &&
		    s.udp.pid == 0)
			break;
		if (io_now() >= s.grace_end) {
			kill_rest(&s);
			break;
		}
	}
	log_msg(VERB_NORMAL, "exiting");
	(void)munmap(s.buf, ECHOD_BUFSIZE);
	(void)munmap(s.slot_mem, slots_bytes(cfg->max_clients));
	(void)munmap((void *)s.done, cfg->max_clients);
	return EXIT_OK;
}
