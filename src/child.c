/* SPDX-License-Identifier: ISC */
/* child.c: one connection's process: the same path for a forked child and for --inetd. */
#define _DEFAULT_SOURCE	/* MAP_ANONYMOUS */
#include "child.h"
#include "core/args.h"
#include "echod.h"
#include "echo/session.h"
#include "sys/fdflags.h"
#include "sys/log.h"
#include "sys/sandbox.h"
#include "sys/sig.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

char *
child_buffer(void)
{
	void *p;

	p = mmap(NULL, ECHOD_BUFSIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* The end= field of the close line. */
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
 * Sanitizer builds need exit(): LeakSanitizer checks only there. Release
 * children end with the exit system call, not exit(): libc's exit
 * handlers would touch (and so copy) pages shared with the parent, for
 * nothing: the log writes straight to fd 2 and no stdio stream holds data.
 */
#if defined(__SANITIZE_ADDRESS__)
#define CHILD_EXIT_FULL	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHILD_EXIT_FULL	1
#endif
#endif
void
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
	/*
	 * Strict mode allows exit, not exit_group (what _exit calls): the
	 * thread's exit ends the process, single-threaded as it is. The same
	 * call confined or not, so the path --no-sandbox runs is the one a
	 * confined child takes.
	 */
	(void)confined;
	(void)syscall(SYS_exit, status);
#endif
	_exit(status);
}

/* Fail a child before its first client byte. */
static _Noreturn void
setup_failed(const char *what)
{
	log_err(what, errno);
	child_exit(false, EXIT_SESSION);
}

void
child_serve(struct child *c)
{
	char peer[ADDR_TEXT_MAX];
	struct session_result res;

	/*
	 * Everything the session needs from the kernel, before confinement
	 * leaves it read and write: the pid for the log, the socket's mode
	 * and timeouts (--idle-timeout), the lifetime timer (--max-lifetime).
	 */
	log_own_pid();
	if (fd_oobinline(c->fd) < 0)
		setup_failed("setsockopt SO_OOBINLINE");
	if (fd_blocking_timeout(c->fd, c->limits->idle_timeout) < 0)
		setup_failed("socket timeouts");
	if (c->sigfd >= 0 && sig_child(c->sigfd) < 0)
		setup_failed("child signals");
	if (sig_lifetime(c->limits->max_lifetime, io_on_expiry) < 0)
		setup_failed("lifetime timer");
	if (c->confine && sandbox_child(SANDBOX_SESSION) < 0)
		setup_failed("sandbox");
	/* Every field defined before it is read, whatever path the session took. */
	memset(&res, 0, sizeof(res));
	echo_session(c->fd, c->buf, ECHOD_BUFSIZE, &res);
	if (log_wants(VERB_VERBOSE)) {
		if (c->peer != NULL)
			sockaddr_text(c->peer, peer, sizeof(peer));
		else
			(void)snprintf(peer, sizeof(peer), "stdin");
		log_msg(VERB_VERBOSE, "close %s received=%llu sent=%llu "
		    "end=%s%s%s", peer, (unsigned long long)res.received,
		    (unsigned long long)res.sent, end_name(res.end),
		    res.end == SESSION_ERROR ? " error=" : "",
		    res.end == SESSION_ERROR ? strerror(res.errnum) : "");
	}
	/*
	 * The socket closes as the process ends, its very last act, after
	 * the flag: a client that has read our EOF may reconnect at once,
	 * and --max-per-ip must not count this session by then.
	 */
	if (c->done != NULL)
		*c->done = 1;
	child_exit(c->confine, res.end == SESSION_EOF ? EXIT_OK : EXIT_SESSION);
}

int
child_probe(void)
{
	pid_t pid;
	int status;
	int e;

	pid = fork();
	/*
	 * No child to ask (a process quota, say): nothing says confinement
	 * fails, and the server's own forks fail alike, each counted as
	 * fork_failed, until the quota frees. Not a reason to refuse.
	 */
	if (pid < 0)
		return 0;
	if (pid == 0) {
		e = sandbox_child(SANDBOX_SESSION) < 0 ? errno : 0;
		child_exit(e == 0, e > 0 && e < 256 ? e : e != 0);
	}
	status = 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	/*
	 * Killed by SIGSYS (the filter) or SIGKILL (strict mode): confined,
	 * and punished for a call (a test build makes one on purpose).
	 */
	if ((WIFEXITED(status) && WEXITSTATUS(status) == 0) ||
	    (WIFSIGNALED(status) && (WTERMSIG(status) == SIGSYS ||
	    WTERMSIG(status) == SIGKILL)))
		return 0;
	errno = WIFEXITED(status) && WEXITSTATUS(status) > 1 ?
	    WEXITSTATUS(status) : ENOSYS;
	return -1;
}

void
child_status_text(int status, char *out, size_t size)
{
	if (WIFSIGNALED(status))
		(void)snprintf(out, size, "killed by signal %d (%s)",
		    WTERMSIG(status), sig_name(WTERMSIG(status)));
	else
		(void)snprintf(out, size, "exited with status %d",
		    WEXITSTATUS(status));
}
