/* server.c: the parent process. Accepts, forks, reaps, counts; never reads or writes client data. */
#define _DEFAULT_SOURCE	/* MAP_ANONYMOUS */
#include "server.h"
#include "core/addr.h"
#include "core/backoff.h"
#include "echod.h"
#include "sys/fdflags.h"
#include "echo/io.h"
#include "sys/log.h"
#include "sys/notify.h"
#include "sys/sandbox.h"
#include "echo/session.h"
#include "sys/sig.h"
#include "core/slots.h"
#include "udp.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Wait before restarting a UDP child that died, so a crash cannot spin. */
#define UDP_RESTART_MS	1000

/*
 * One flag per slot, shared with the children (MAP_SHARED): a child sets
 * its own just before it exits, the parent reads them only before refusing
 * a connection under --max-per-ip. The client sees the session end when
 * the socket closes as the child exits, and may reconnect before the
 * parent can reap that child; the flag says the session is over sooner.
 * Frama-C 25 cannot parse _Atomic; its analyses see the volatile form.
 */
#ifdef __FRAMAC__
typedef volatile unsigned char	done_flag;
#else
typedef _Atomic unsigned char	done_flag;
#endif

struct stats {
	uint64_t	accepted;
	uint64_t	refused_per_ip;
	uint64_t	fork_failed;
	uint64_t	accept_errors;
};

/* All of the parent's state, owned here and passed explicitly. */
struct server {
	const struct config	*cfg;
	struct listener		*lis;
	int			 nlis;
	int			 sigfd;
	struct slots		 slots;
	struct slot		*slot_mem;	/* the table's memory (mmap) */
	done_flag		*done;		/* per slot: session over (shared) */
	uint32_t		 finishing;	/* vacated, exiting, not yet reaped */
	bool			 killing;	/* SIGKILLs sent: not worth a line */
	struct stats		 st;
	struct session_cfg	 scfg;
	int64_t			 backoff_until;	/* -1: accepting */
	uint32_t		 backoff_ms;	/* 0: none since the last accept */
	bool			 stopping;
	int64_t			 grace_end;
	int			 udp_idx;	/* index of the first UDP socket, -1 */
	pid_t			 udp_pid;	/* 0: not running */
	int64_t			 udp_restart;	/* -1: none due */
	struct udp_counters	*udpc;
	char			*buf;	/* children's echo buffer; the parent never touches it */
};

/* Peer text for logs. */
static void
peer_text(const union sockaddr_any *sa, char *out, size_t size)
{
	listen_format(sa, out, size);
}

static void
peer_key(const union sockaddr_any *sa, uint8_t key[ADDR_KEY_LEN])
{
	if (sa->sa.sa_family == AF_INET)
		addr_key(key, (const uint8_t *)&sa->in.sin_addr, 4);
	else
		addr_key(key, sa->in6.sin6_addr.s6_addr, 16);
}

static const char *
end_name(int end)
{
	switch (end) {
	case SESSION_EOF:
		return "eof";
	case SESSION_IDLE:
		return "idle-timeout";
	case SESSION_LIFETIME:
		return "max-lifetime";
	default:
		return "error";
	}
}

/*
 * A child's exit. Sanitizer builds need exit(): LeakSanitizer checks only
 * there. Release children use _exit(): libc's exit handlers would touch (and
 * so copy) pages shared with the parent, for nothing: the log writes straight
 * to fd 2 and no stdio stream holds data.
 */
#if defined(__SANITIZE_ADDRESS__)
#define CHILD_EXIT_FULL	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHILD_EXIT_FULL	1
#endif
#endif
static _Noreturn void
child_exit(bool confined, int status)
{
#ifdef CHILD_EXIT_FULL
	/*
	 * Confined, LeakSanitizer has checked already (sandbox_child), and
	 * the sanitizer's exit paths, _exit's interceptor included, make
	 * calls the filter kills (sigaltstack): end with the system call.
	 */
	if (!confined)
		exit(status);
	(void)syscall(SYS_exit_group, status);
#else
	(void)confined;
#endif
	_exit(status);
}

/*
 * The child: drop what belongs to the parent, confine, serve, exit. The echo
 * buffer was mapped once by the parent and never touched there, so a child
 * faults in only the pages its client fills (a stack array would be probed
 * page by page by -fstack-clash-protection: 16 page faults per connection).
 */
static void
child_run(struct server *s, int fd, const union sockaddr_any *sa, uint32_t idx)
{
	char peer[ADDR_TEXT_MAX];
	struct session_result res;
	int i;

	for (i = 0; i < s->nlis; i++)
		(void)close(s->lis[i].fd);
	if (fd_oobinline(fd) < 0) {
		log_err("setsockopt SO_OOBINLINE", errno);
		child_exit(false, EXIT_SESSION);
	}
	if (sig_child(s->sigfd) < 0) {
		log_err("child signals", errno);
		child_exit(false, EXIT_SESSION);
	}
	if (!s->cfg->no_sandbox && sandbox_child(SANDBOX_SESSION) < 0) {
		log_err("sandbox", errno);
		child_exit(false, EXIT_SESSION);
	}
	/* Set by echo_session; zeroed first for EVA (no \from in its spec). */
	memset(&res, 0, sizeof(res));
	echo_session(fd, &s->scfg, s->buf, ECHOD_BUFSIZE, &res);
	if (s->cfg->verbosity >= VERB_VERBOSE) {
		peer_text(sa, peer, sizeof(peer));
		log_msg(VERB_VERBOSE, "close %s received=%llu sent=%llu end=%s%s%s",
		    peer, (unsigned long long)res.received,
		    (unsigned long long)res.sent, end_name(res.end),
		    res.end == SESSION_ERROR ? " error=" : "",
		    res.end == SESSION_ERROR ? strerror(res.errnum) : "");
	}
	/*
	 * The socket closes as the process ends, its very last act, after
	 * the flag: a client that has read our EOF may reconnect at once,
	 * and --max-per-ip must not count this session by then.
	 */
	s->done[idx] = 1;
	child_exit(!s->cfg->no_sandbox,
	    res.end == SESSION_EOF ? EXIT_OK : EXIT_SESSION);
}

/* Start the UDP echo child. */
static void
udp_start(struct server *s)
{
	int fds[ECHOD_MAX_LISTENERS];
	struct udp_state *u;
	pid_t parent;
	pid_t pid;
	int nfds;
	int i;

	if (sig_block(true) < 0) {
		log_err("sigprocmask", errno);
		return;
	}
	parent = getpid();
	pid = fork();
	if (pid == 0) {
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
		for (i = 0; i < s->nlis; i++) {
			if (s->lis[i].type == SOCK_DGRAM && nfds < ECHOD_MAX_LISTENERS)
				fds[nfds++] = s->lis[i].fd;
			else
				(void)close(s->lis[i].fd);
		}
		/* The hash seed, own ports and socket options: before the sandbox. */
		u = udp_prepare(fds, nfds);
		if (u == NULL || sig_child(s->sigfd) < 0 ||
		    (!s->cfg->no_sandbox && sandbox_child(SANDBOX_UDP) < 0)) {
			log_err("udp child", errno);
			exit(EXIT_SESSION);
		}
		udp_serve(u, s->udpc);
		exit(EXIT_SESSION);
	}
	if (pid < 0) {
		log_err("fork udp", errno);
		s->udp_restart = io_now() + UDP_RESTART_MS;
	} else {
		s->udp_pid = pid;
		s->udp_restart = -1;
	}
	(void)sig_block(false);
}

/* "killed by signal N (NAME)" or "exited with status N", for a log line. */
static void
end_text(int status, char *out, size_t size)
{
	if (WIFSIGNALED(status))
		(void)snprintf(out, size, "killed by signal %d (%s)",
		    WTERMSIG(status), sig_name(WTERMSIG(status)));
	else
		(void)snprintf(out, size, "exited with status %d",
		    WEXITSTATUS(status));
}

/* Did the parent itself send the signal that ended a child? */
static bool
sent_by_us(const struct server *s, int status, bool udp)
{
	if (!WIFSIGNALED(status))
		return false;
	if (WTERMSIG(status) == SIGKILL)
		return s->killing;
	return udp && s->stopping && WTERMSIG(status) == SIGTERM;
}

/* The UDP child ended: say why, and restart it unless shutting down. */
static void
udp_ended(struct server *s, pid_t pid, int status)
{
	char why[64];

	s->udp_pid = 0;
	end_text(status, why, sizeof(why));
	if (!s->stopping) {
		log_msg(VERB_QUIET, "udp child %ld %s; restarting", (long)pid, why);
		s->udp_restart = io_now() + UDP_RESTART_MS;
	} else if (WIFSIGNALED(status) && !sent_by_us(s, status, true)) {
		log_msg(VERB_QUIET, "udp child %ld %s", (long)pid, why);
	}
}

/*
 * Reap every child that has exited; SIGCHLDs coalesce, so loop until none.
 * A child killed by a signal the parent did not send (a sandbox violation's
 * SIGSYS, a crash) is the loudest event there is: logged whatever -q says.
 */
static void
reap(struct server *s)
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
		if (pid == s->udp_pid) {
			udp_ended(s, pid, status);
			continue;
		}
		if (!slots_release(&s->slots, (int32_t)pid) && s->finishing > 0)
			s->finishing--;
		if (WIFSIGNALED(status) && !sent_by_us(s, status, false)) {
			end_text(status, why, sizeof(why));
			log_msg(VERB_QUIET, "child %ld %s", (long)pid, why);
		}
	}
	errno = saved;
}

/* Close a connection the admission rule refused, and count it. */
static void
refuse(struct server *s, int fd, const union sockaddr_any *sa, enum admit a)
{
	char peer[ADDR_TEXT_MAX];

	(void)close(fd);
	if (a == ADMIT_PER_IP)
		s->st.refused_per_ip++;
	if (s->cfg->verbosity < VERB_NORMAL)
		return;
	peer_text(sa, peer, sizeof(peer));
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

/* Fork a child for accepted socket fd, or close it. */
static void
serve(struct server *s, int fd, const union sockaddr_any *sa)
{
	uint8_t key[ADDR_KEY_LEN];
	char peer[ADDR_TEXT_MAX];
	enum admit a;
	uint32_t idx;
	pid_t pid;
	int e;

	peer_key(sa, key);
	idx = 0;
	a = slots_admit(&s->slots, key, &idx);
	if (a == ADMIT_PER_IP) {
		/* A child may have ended its session and not be reaped yet. */
		reap(s);
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
		child_run(s, fd, sa, idx);
	e = errno;
	(void)close(fd);
	if (pid < 0) {
		slots_vacate(&s->slots, idx);
		s->st.fork_failed++;
		log_err("fork", e);
		return;
	}
	slots_bind(&s->slots, idx, (int32_t)pid);
	if (s->cfg->verbosity >= VERB_VERBOSE) {
		peer_text(sa, peer, sizeof(peer));
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

static void
accept_some(struct server *s, int lfd)
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

static void
log_stats(const struct server *s)
{
	char udp[96];

	udp[0] = '\0';
	if (s->udp_idx >= 0)
		(void)snprintf(udp, sizeof(udp), " udp_echoed=%llu udp_dropped=%llu",
		    (unsigned long long)s->udpc->echoed,
		    (unsigned long long)s->udpc->dropped);
	log_msg(VERB_QUIET, "stats accepted=%llu active=%u refused_per_ip=%llu "
	    "fork_failed=%llu accept_errors=%llu%s",
	    (unsigned long long)s->st.accepted, (unsigned int)slots_active(&s->slots),
	    (unsigned long long)s->st.refused_per_ip,
	    (unsigned long long)s->st.fork_failed,
	    (unsigned long long)s->st.accept_errors, udp);
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
	if (s->udp_pid > 0)
		(void)kill(s->udp_pid, SIGTERM);
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
	if (s->udp_pid > 0)
		(void)kill(s->udp_pid, SIGKILL);
	if (n > 0)
		log_msg(VERB_NORMAL, "grace period over: killed %u children",
		    (unsigned int)n);
	while (slots_active(&s->slots) > 0 || s->finishing > 0 ||
	    s->udp_pid > 0) {
		if (io_wait(s->sigfd, POLLIN, io_now() + 100) > 0)
			(void)sig_take(s->sigfd);
		reap(s);
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
	if (s->udp_restart >= 0 && (t < 0 || s->udp_restart < t))
		t = s->udp_restart;
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
	reap(s);
	if (ev & SIG_EV_USR1)
		log_stats(s);
	if ((ev & SIG_EV_TERM) && !s->stopping)
		begin_shutdown(s);
	now = io_now();
	if (s->backoff_until >= 0 && now >= s->backoff_until)
		s->backoff_until = -1;
	if (!s->stopping && s->udp_idx >= 0 && s->udp_pid == 0 &&
	    s->udp_restart >= 0 && now >= s->udp_restart)
		udp_start(s);
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
			accept_some(s, s->lis[map[i]].fd);
	(void)sig_block(false);
}

static size_t
slots_bytes(uint32_t cap)
{
	return (size_t)cap * sizeof(struct slot);
}

static int
setup(struct server *s, const struct config *cfg, struct listener *lis,
    int nlis, int sigfd)
{
	struct slot *mem;
	int i;

	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->lis = lis;
	s->nlis = nlis;
	s->sigfd = sigfd;
	s->scfg.idle_timeout = cfg->idle_timeout;
	s->scfg.max_lifetime = cfg->max_lifetime;
	s->backoff_until = -1;
	s->udp_idx = -1;
	s->udp_restart = -1;
	/*
	 * The slot table is the parent's alone: MADV_DONTFORK keeps it out of
	 * the children (no client addresses in them), so fork copies no page
	 * table for it and the parent's writes to it never fault copy-on-write.
	 */
	mem = mmap(NULL, slots_bytes(cfg->max_clients), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return -1;
	s->buf = MAP_FAILED;
	if (madvise(mem, slots_bytes(cfg->max_clients), MADV_DONTFORK) == 0)
		s->buf = mmap(NULL, ECHOD_BUFSIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->buf == MAP_FAILED) {
		(void)munmap(mem, slots_bytes(cfg->max_clients));	/* mmap'd, not malloc'd */
		return -1;
	}
	s->slot_mem = mem;
	slots_init(&s->slots, mem, cfg->max_clients, cfg->max_per_ip);
	s->done = mmap(NULL, cfg->max_clients, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->done == MAP_FAILED)
		return -1;
	for (i = 0; i < nlis; i++)
		if (lis[i].type == SOCK_DGRAM && s->udp_idx < 0)
			s->udp_idx = i;
	if (s->udp_idx >= 0) {
		s->udpc = mmap(NULL, sizeof(*s->udpc), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (s->udpc == MAP_FAILED)
			return -1;
		s->udp_restart = 0;	/* start it on the first turn */
	}
	return 0;
}

int
server_run(const struct config *cfg, struct listener *lis, int nlis, int sigfd)
{
	struct pollfd pfd[ECHOD_MAX_LISTENERS + 1];
	int map[ECHOD_MAX_LISTENERS + 1];
	struct server s;
	int i;

	memset(pfd, 0, sizeof(pfd));	/* turn() fills what poll reads */
	memset(map, 0, sizeof(map));
	if (setup(&s, cfg, lis, nlis, sigfd) < 0) {
		log_err("setup", errno);
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
		    s.udp_pid == 0)
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
