/* SPDX-License-Identifier: ISC */
/* sig.h: signal handlers that only record: flags plus a self-pipe byte to wake poll(2). */
#ifndef SIG_H
#define SIG_H

#include <stdbool.h>

/*
 * Why a self-pipe and not flags with ppoll or a signalfd: poll(2) on a pipe
 * is plain POSIX, has no FD_SETSIZE limit (pselect), needs no signal mask
 * juggling in the accept loop, and unlike signalfd it cannot lose a SIGCHLD
 * to a mask a child inherits. Several SIGCHLDs may coalesce into one wake-up;
 * the server therefore reaps in a loop until waitpid(2) finds nothing.
 */

enum sig_event {
	SIG_EV_CHLD = 1,
	SIG_EV_TERM = 2,
	SIG_EV_USR1 = 4
};

/*
 * Create the self-pipe and install handlers for SIGCHLD, SIGTERM, SIGINT,
 * SIGHUP (the last three: graceful shutdown) and SIGUSR1 (SIGPIPE ignored). Returns the pipe's read end, or -1 with errno.
 */
int	sig_install(void);

/* Handle only SIGCHLD, SIGTERM and SIGINT as the --inetd session needs: SIGPIPE and SIGUSR1 ignored. */
int	sig_ignore_inetd(void);

/* Drain the self-pipe and return the events recorded since the last call. */
int	sig_take(int rfd);

/* Block (true) or unblock (false) the handled signals, e.g. around fork(2). */
int	sig_block(bool block);

/* In a new child: close the pipe, restore the default handlers, unblock. */
int	sig_child(int rfd);

/*
 * Call on (without SA_RESTART, so a blocked read or write fails with
 * EINTR) when seconds have passed, and again every few milliseconds
 * after, until the process ends: a signal that lands just before a call
 * blocks is followed by one that interrupts it. 0 seconds: no timer.
 * 0, or -1 with errno.
 */
int	sig_lifetime(unsigned int seconds, void (*on)(int));

/*
 * The handler sig_install installs: record signo, write one byte to the
 * pipe. External so that an analysis or a test can deliver a signal
 * exactly as the kernel would (proofs/eva_main.c, tests/unit/test_sig.c).
 */
void	sig_on(int signo);

/* The signal's name ("SIGSYS"), or "unknown". */
const char	*sig_name(int signo);

#endif
