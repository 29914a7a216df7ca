/* SPDX-License-Identifier: ISC */
/* test_sig.c: the signal module: the handler keeps errno and loses no event, also when the self-pipe is full. */
#include "sys/sig.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The self-pipe's write end: the descriptor open on the same pipe as rfd, for writing. */
static int
write_end(int rfd)
{
	struct stat r;
	struct stat w;
	int fd;
	int fl;

	if (fstat(rfd, &r) < 0)
		return -1;
	for (fd = 0; fd < 1024; fd++) {
		if (fd == rfd || fstat(fd, &w) < 0)
			continue;
		fl = fcntl(fd, F_GETFL);
		if (fl >= 0 && S_ISFIFO(w.st_mode) && w.st_dev == r.st_dev &&
		    w.st_ino == r.st_ino && (fl & O_ACCMODE) == O_WRONLY)
			return fd;
	}
	return -1;
}

/* Write to the (non-blocking) pipe until it is full; true when it ended full. */
static int
fill(int wfd)
{
	static const char junk[4096];
	ssize_t n;

	do
		n = write(wfd, junk, sizeof(junk));
	while (n > 0);
	if (n < 0 && errno == EAGAIN) {
		do
			n = write(wfd, junk, 1);	/* the last odd bytes */
		while (n > 0);
	}
	return n < 0 && errno == EAGAIN;
}

/* True when the pipe has nothing to read (sig_take drained it). */
static int
empty(int rfd)
{
	struct pollfd p;

	p.fd = rfd;
	p.events = POLLIN;
	p.revents = 0;
	return poll(&p, 1, 0) == 0;
}

/* errno after the handler ran for signo (kill to itself: delivered before kill returns; raise() is noreturn to cppcheck). */
static int
errno_across(int signo, int before)
{
	int after;

	errno = before;
	(void)kill(getpid(), signo);
	after = errno;
	return after == before;
}

int
main(void)
{
	int rfd;
	int wfd;
	int ev;

	rfd = sig_install();
	CHECK(rfd >= 0);
	wfd = write_end(rfd);
	CHECK(wfd >= 0);
	if (rfd < 0 || wfd < 0)
		UNIT_DONE();

	/* Nothing recorded yet; a raised signal is recorded and wakes poll. */
	CHECK(sig_take(rfd) == 0);
	CHECK(empty(rfd));
	CHECK(errno_across(SIGUSR1, ERANGE));
	CHECK(!empty(rfd));
	CHECK(sig_take(rfd) == SIG_EV_USR1);
	CHECK(empty(rfd));
	CHECK(sig_take(rfd) == 0);

	/*
	 * A full pipe: the handler's write fails with EAGAIN, and the
	 * interrupted code must still see its own errno (a lost errno makes
	 * e.g. an accept loop mistake EINTR/EMFILE for EAGAIN).
	 */
	CHECK(fill(wfd));
	CHECK(errno_across(SIGCHLD, ERANGE));
	CHECK(errno_across(SIGUSR1, EDOM));
	CHECK(errno_across(SIGTERM, EILSEQ));
	CHECK(errno_across(SIGCHLD, 0));
	CHECK(errno_across(SIGUSR1, EINTR));
	/* ...and no event is lost although no byte could be written for it. */
	ev = sig_take(rfd);
	CHECK(ev == (SIG_EV_CHLD | SIG_EV_USR1 | SIG_EV_TERM));
	CHECK(empty(rfd));			/* drained all 64 KiB */
	CHECK(sig_take(rfd) == 0);		/* each event reported once */

	/* Each signal alone while the pipe is full, SIGINT and SIGHUP as SIGTERM. */
	CHECK(fill(wfd));
	CHECK(errno_across(SIGINT, ENOSPC));
	CHECK(sig_take(rfd) == SIG_EV_TERM);
	CHECK(fill(wfd));
	CHECK(errno_across(SIGHUP, ENOSPC));
	CHECK(sig_take(rfd) == SIG_EV_TERM);
	CHECK(fill(wfd));
	CHECK(errno_across(SIGCHLD, ENOSPC));
	CHECK(sig_take(rfd) == SIG_EV_CHLD);
	CHECK(fill(wfd));
	CHECK(errno_across(SIGUSR1, ENOSPC));
	CHECK(sig_take(rfd) == SIG_EV_USR1);

	/* After a drain the pipe takes a wake-up byte again. */
	CHECK(errno_across(SIGCHLD, ENOSPC));
	CHECK(!empty(rfd));
	CHECK(sig_take(rfd) == SIG_EV_CHLD);

	/* SIGPIPE is ignored: this process survives it, nothing is recorded. */
	CHECK(errno_across(SIGPIPE, ERANGE));
	CHECK(sig_take(rfd) == 0);

	/* Blocked signals wait (no flag, no byte) and arrive at unblocking. */
	CHECK(sig_block(true) == 0);
	(void)kill(getpid(), SIGUSR1);
	(void)kill(getpid(), SIGCHLD);
	CHECK(empty(rfd));
	CHECK(sig_take(rfd) == 0);
	CHECK(sig_block(false) == 0);
	CHECK(sig_take(rfd) == (SIG_EV_USR1 | SIG_EV_CHLD));

	/* The installed handler, called directly as the kernel would: the
	   event is recorded and the interrupted code's errno is kept. */
	errno = EBADF;
	sig_on(SIGUSR1);
	CHECK(errno == EBADF);
	CHECK(sig_take(rfd) == SIG_EV_USR1);
	CHECK(strcmp(sig_name(SIGSYS), "SIGSYS") == 0);
	CHECK(strcmp(sig_name(SIGKILL), "SIGKILL") == 0);
	CHECK(strcmp(sig_name(0), "unknown") == 0);

	/* In a child: pipe closed, SIGINT, SIGHUP and SIGUSR1 ignored. */
	CHECK(sig_child(rfd) == 0);
	CHECK(fcntl(rfd, F_GETFD) < 0 && errno == EBADF);
	CHECK(fcntl(wfd, F_GETFD) < 0 && errno == EBADF);
	CHECK(errno_across(SIGUSR1, ERANGE));
	CHECK(errno_across(SIGHUP, ERANGE));
	CHECK(errno_across(SIGINT, ERANGE));
	UNIT_DONE();
}
