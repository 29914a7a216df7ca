/* SPDX-License-Identifier: ISC */
/* badecho.c: a deliberately wrong echo server, so tests can show the load generator catches every kind of wrong echo. */
#include "blisten.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { FLIP, TRUNC, EXTRA, GOOD };

static int
write_all(int fd, const char *b, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Echo, but: FLIP inverts byte k, TRUNC sends only k bytes, EXTRA adds one at EOF. */
static int
serve(int fd, int mode, unsigned long long k)
{
	char buf[65536];
	unsigned long long off = 0;
	ssize_t n;
	size_t len;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 1;
		if (n == 0)
			return mode == EXTRA ? write_all(fd, "!", 1) : 0;
		len = (size_t)n;
		if (mode == FLIP && k >= off && k < off + len)
			buf[k - off] = (char)~buf[k - off];
		if (mode == TRUNC)
			len = off >= k ? 0 : k - off < len ? (size_t)(k - off) : len;
		off += (unsigned long long)n;
		if (write_all(fd, buf, len) < 0)
			return 1;
	}
}

int
main(int argc, char *argv[])
{
	unsigned long long k;
	int lfd, fd, mode, st;

	if (argc != 4) {
		(void)fputs("usage: badecho flip|trunc|extra|good OFFSET PORT\n", stderr);
		return 64;
	}
	mode = strcmp(argv[1], "flip") == 0 ? FLIP : strcmp(argv[1], "trunc") == 0 ?
	    TRUNC : strcmp(argv[1], "extra") == 0 ? EXTRA :
	    strcmp(argv[1], "good") == 0 ? GOOD : -1;
	k = strtoull(argv[2], NULL, 10);
	if (mode < 0 || signal(SIGCHLD, SIG_IGN) == SIG_ERR ||
	    signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return 64;
	lfd = blisten("badecho", argv[3]);
	if (lfd < 0)
		return 71;
	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		if (fork() == 0) {
			(void)close(lfd);
			st = serve(fd, mode, k);
			(void)close(fd);
			_exit(st);
		}
		(void)close(fd);
	}
}
