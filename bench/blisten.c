/* SPDX-License-Identifier: ISC */
/* blisten.c: the benchmark servers' shared listener setup on 127.0.0.1; prints the real port. */
#include "blisten.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int
blisten(const char *name, const char *port)
{
	struct sockaddr_in sin = { 0 };
	socklen_t len = sizeof(sin);
	int one = 1;
	int fd;
	long p;
	char *end;

	p = strtol(port, &end, 10);
	if (*port == '\0' || *end != '\0' || p < 0 || p > 65535)
		return -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)p);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fd, 1024) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0) {
		(void)close(fd);
		return -1;
	}
	(void)fprintf(stderr, "%s: listening on 127.0.0.1:%u\n", name,
	    (unsigned)ntohs(sin.sin_port));
	(void)fflush(stderr);
	return fd;
}
