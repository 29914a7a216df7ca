/* SPDX-License-Identifier: ISC */
/* udpsup.c: the UDP child's life, as the parent sees it: fork, restart after a pause, stop. */
#define _DEFAULT_SOURCE	/* MAP_ANONYMOUS */
#include "udpsup.h"
#include "child.h"
#include "echod.h"
#include "echo/io.h"
#include "sys/log.h"
#include "sys/sandbox.h"
#include "sys/sig.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Wait before restarting a UDP child that died, so a crash cannot spin. */
#define UDP_RESTART_MS	1000

int
udpsup_setup(struct udpsup *u, const struct listener *lis, int nlis,
    const struct acl *acl)
{
	int i;

	memset(u, 0, sizeof(*u));
	u->restart = -1;
	u->acl = acl;
	for (i = 0; i < nlis; i++)
		if (lis[i].type == SOCK_DGRAM)
			u->on = true;
	if (!u->on)
		return 0;
	u->counters = mmap(NULL, sizeof(*u->counters), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (u->counters == MAP_FAILED)
		return -1;
	u->restart = 0;	/* start it on the first turn */
	return 0;
}

/* The child: keep the datagram sockets, confine, serve. Never returns. */
static _Noreturn void
udp_child(struct udpsup *u, pid_t parent, const struct listener *lis, int nlis,
    int sigfd, bool confine)
{
	int fds[ECHOD_MAX_LISTENERS];
	struct udp_state *st;
	int nfds;
	int i;

	/*
	 * Unlike a session, UDP echo never ends on its own: if the parent
	 * dies (SIGKILL), die too rather than hold the port forever.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0L, 0L, 0L) < 0 ||
	    getppid() != parent)
		exit(EXIT_SESSION);
	/* Every datagram socket (socket activation may pass several). */
	memset(fds, 0, sizeof(fds));	/* only fds[0..nfds-1] is read */
	nfds = 0;
	for (i = 0; i < nlis; i++) {
		if (lis[i].type == SOCK_DGRAM && nfds < ECHOD_MAX_LISTENERS)
			fds[nfds++] = lis[i].fd;
		else
			(void)close(lis[i].fd);
	}
	/* The hash seed, own ports and socket options: before the sandbox. */
	st = udp_prepare(fds, nfds, u->acl);
	if (st == NULL || sig_child(sigfd) < 0 ||
	    (confine && sandbox_child(SANDBOX_UDP) < 0)) {
		log_err("udp child", errno);
		exit(EXIT_SESSION);
	}
	udp_serve(st, u->counters);
	exit(EXIT_SESSION);
}

void
udpsup_tick(struct udpsup *u, int64_t now, const struct listener *lis,
    int nlis, int sigfd, bool confine)
{
	pid_t parent;
	pid_t pid;

	if (!u->on || u->pid != 0 || u->restart < 0 || now < u->restart)
		return;
	if (sig_block(true) < 0) {
		log_err("sigprocmask", errno);
		return;
	}
	parent = getpid();
	pid = fork();
	if (pid == 0)
		udp_child(u, parent, lis, nlis, sigfd, confine);
	if (pid < 0) {
		log_err("fork udp", errno);
		u->restart = io_now() + UDP_RESTART_MS;
	} else {
		u->pid = pid;
		u->restart = -1;
	}
	(void)sig_block(false);
}

bool
udpsup_reaped(struct udpsup *u, pid_t pid, int status, bool stopping,
    bool killing)
{
	char why[64];
	bool ours;

	if (u->pid == 0 || pid != u->pid)
		return false;
	u->pid = 0;
	child_status_text(status, why, sizeof(why));
	ours = WIFSIGNALED(status) && (WTERMSIG(status) == SIGKILL ? killing :
	    stopping && WTERMSIG(status) == SIGTERM);
	if (!stopping) {
		log_msg(VERB_QUIET, "udp child %ld %s; restarting", (long)pid, why);
		u->restart = io_now() + UDP_RESTART_MS;
	} else if (WIFSIGNALED(status) && !ours) {
		log_msg(VERB_QUIET, "udp child %ld %s", (long)pid, why);
	}
	return true;
}

void
udpsup_signal(const struct udpsup *u, int signo)
{
	if (u->pid > 0)
		(void)kill(u->pid, signo);
}

void
udpsup_stats(const struct udpsup *u, char *out, size_t size)
{
	out[0] = '\0';
	if (u->on)
		(void)snprintf(out, size, " udp_echoed=%llu udp_dropped=%llu",
		    (unsigned long long)u->counters->echoed,
		    (unsigned long long)u->counters->dropped);
}
