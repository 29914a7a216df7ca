/* SPDX-License-Identifier: ISC */
/* forkclose.c: the design's limit: accept, fork a child that only exits, close. Echoes nothing (benchmark peer). */
#include "blisten.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct timespec pause = { 0, 100000000 };
	int lfd, fd;

	if (argc != 2) {
		(void)fputs("usage: forkclose PORT\n", stderr);
		return 64;
	}
	if (signal(SIGCHLD, SIG_IGN) == SIG_ERR)
		return 71;
	lfd = blisten("forkclose", argv[1]);
	if (lfd < 0) {
		perror("forkclose: listen");
		return 71;
	}
	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				(void)nanosleep(&pause, NULL);
			continue;
		}
		if (fork() == 0)
			_exit(0);
		(void)close(fd);
	}
}
