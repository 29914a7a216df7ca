/* SPDX-License-Identifier: ISC */
/* refserver.c: the design's reference, a minimal correct fork-per-connection echo server (benchmark peer). */
#include "blisten.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Blocking read/write echo until EOF; 0 on a clean end. */
static int
echo(int fd)
{
	char buf[65536];
	ssize_t n, w, off;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? 0 : 1;
		for (off = 0; off < n; off += w) {
			w = write(fd, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR) {
				w = 0;
				continue;
			}
			if (w <= 0)
				return 1;
		}
	}
}

int
main(int argc, char *argv[])
{
	struct timespec pause = { 0, 100000000 };
	int lfd, fd, st;
	pid_t pid;

	if (argc != 2) {
		(void)fputs("usage: refserver PORT\n", stderr);
		return 64;
	}
	/* The kernel reaps children: no zombies, no SIGCHLD wake-ups. */
	if (signal(SIGCHLD, SIG_IGN) == SIG_ERR || signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return 71;
	lfd = blisten("refserver", argv[1]);
	if (lfd < 0) {
		perror("refserver: listen");
		return 71;
	}
	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				(void)nanosleep(&pause, NULL);	/* EMFILE etc.: no spin */
			continue;
		}
		pid = fork();
		if (pid == 0) {
			(void)close(lfd);
			st = echo(fd);
			(void)close(fd);
			_exit(st);
		}
		(void)close(fd);
	}
}
