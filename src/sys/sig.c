/* SPDX-License-Identifier: ISC */
/* sig.c: signal handlers that only set a flag and write one byte. No logging, no waitpid, no malloc. */
#include "sys/sig.h"
#include "sys/fdflags.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/time.h>
#include <unistd.h>

/* The only file-scope state the handlers touch. */
static volatile sig_atomic_t got_chld;
static volatile sig_atomic_t got_term;
static volatile sig_atomic_t got_usr1;
static int pipe_wfd = -1;

void
sig_on(int signo)
{
	ssize_t n = 0;
	int saved;

	saved = errno;
	if (signo == SIGCHLD)
		got_chld = 1;
	else if (signo == SIGUSR1)
		got_usr1 = 1;
	else
		got_term = 1;
	/* Full pipe: a wake-up is already pending, so EAGAIN is fine. */
	if (pipe_wfd >= 0)
		n = write(pipe_wfd, "", 1);
	(void)n;
	errno = saved;
}

static int
handle(int signo, void (*fn)(int))
{
	struct sigaction sa;

	sa.sa_handler = fn;
	sa.sa_flags = signo == SIGCHLD ? SA_NOCLDSTOP : 0;
	/* No SA_RESTART: poll(2) must return so the loop sees the flag. */
	if (sigfillset(&sa.sa_mask) < 0)
		return -1;
	return sigaction(signo, &sa, NULL);
}

int
sig_install(void)
{
	int p[2];

	if (pipe(p) < 0)
		return -1;
	if (fd_nonblock_cloexec(p[0]) < 0 || fd_nonblock_cloexec(p[1]) < 0) {
		(void)close(p[0]);
		(void)close(p[1]);
		return -1;
	}
	pipe_wfd = p[1];
	if (handle(SIGPIPE, SIG_IGN) < 0 || handle(SIGCHLD, sig_on) < 0 ||
	    handle(SIGTERM, sig_on) < 0 || handle(SIGINT, sig_on) < 0 ||
	    handle(SIGHUP, sig_on) < 0 || handle(SIGUSR1, sig_on) < 0)
		return -1;
	return p[0];
}

int
sig_ignore_inetd(void)
{
	if (handle(SIGPIPE, SIG_IGN) < 0 || handle(SIGUSR1, SIG_IGN) < 0)
		return -1;
	return 0;
}

int
sig_take(int rfd)
{
	char buf[64];
	ssize_t n;
	int ev;

	/* Empty the pipe: the flags, not the bytes, say which signals came. */
	do
		n = read(rfd, buf, sizeof(buf));
	while (n > 0);
	ev = 0;
	if (got_chld) {
		got_chld = 0;
		ev |= SIG_EV_CHLD;
	}
	if (got_term) {
		got_term = 0;
		ev |= SIG_EV_TERM;
	}
	if (got_usr1) {
		got_usr1 = 0;
		ev |= SIG_EV_USR1;
	}
	return ev;
}

int
sig_block(bool block)
{
	sigset_t set;

	if (sigemptyset(&set) < 0 || sigaddset(&set, SIGCHLD) < 0 ||
	    sigaddset(&set, SIGTERM) < 0 || sigaddset(&set, SIGINT) < 0 ||
	    sigaddset(&set, SIGHUP) < 0 || sigaddset(&set, SIGUSR1) < 0)
		return -1;
	return sigprocmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

int
sig_child(int rfd)
{
	/*
	 * A child serves its session undisturbed through the grace period:
	 * a terminal's SIGINT or hangup to the process group and stray
	 * SIGUSR1s are ignored; SIGTERM keeps its default so an admin can
	 * still end one.
	 */
	(void)close(rfd);
	(void)close(pipe_wfd);
	pipe_wfd = -1;
	if (handle(SIGCHLD, SIG_DFL) < 0 || handle(SIGTERM, SIG_DFL) < 0 ||
	    handle(SIGINT, SIG_IGN) < 0 || handle(SIGHUP, SIG_IGN) < 0 ||
	    handle(SIGUSR1, SIG_IGN) < 0)
		return -1;
	return sig_block(false);
}

/* After the lifetime, how often the signal repeats until the child is gone. */
#define SIG_LIFETIME_REPEAT_US	10000

int
sig_lifetime(unsigned int seconds, void (*on)(int))
{
	struct itimerval it;

	if (seconds == 0)
		return 0;
	if (handle(SIGALRM, on) < 0)
		return -1;
	it.it_value.tv_sec = (time_t)seconds;
	it.it_value.tv_usec = 0;
	it.it_interval.tv_sec = 0;
	it.it_interval.tv_usec = SIG_LIFETIME_REPEAT_US;
	return setitimer(ITIMER_REAL, &it, NULL);
}

const char *
sig_name(int signo)
{
	/* A switch, not a table: the numbers differ between architectures. */
	switch (signo) {
	case SIGHUP:	return "SIGHUP";
	case SIGINT:	return "SIGINT";
	case SIGQUIT:	return "SIGQUIT";
	case SIGILL:	return "SIGILL";
	case SIGTRAP:	return "SIGTRAP";
	case SIGABRT:	return "SIGABRT";
	case SIGBUS:	return "SIGBUS";
	case SIGFPE:	return "SIGFPE";
	case SIGKILL:	return "SIGKILL";
	case SIGUSR1:	return "SIGUSR1";
	case SIGSEGV:	return "SIGSEGV";
	case SIGUSR2:	return "SIGUSR2";
	case SIGPIPE:	return "SIGPIPE";
	case SIGALRM:	return "SIGALRM";
	case SIGTERM:	return "SIGTERM";
	case SIGCHLD:	return "SIGCHLD";
	case SIGCONT:	return "SIGCONT";
	case SIGSTOP:	return "SIGSTOP";
	case SIGTSTP:	return "SIGTSTP";
	case SIGTTIN:	return "SIGTTIN";
	case SIGTTOU:	return "SIGTTOU";
	case SIGURG:	return "SIGURG";
	case SIGXCPU:	return "SIGXCPU";
	case SIGXFSZ:	return "SIGXFSZ";
	case SIGVTALRM:	return "SIGVTALRM";
	case SIGPROF:	return "SIGPROF";
	case SIGSYS:	return "SIGSYS";
	default:	return "unknown";
	}
}
