/* SPDX-License-Identifier: ISC */
/* notify.c: one datagram per state change to the service manager. Never blocks the server. */
#include "sys/notify.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
notify_send(const char *state)
{
	struct sockaddr_un sun;
	const char *path;
	socklen_t len;
	size_t plen;
	ssize_t n;
	int fd;

	path = getenv("NOTIFY_SOCKET");
	if (path == NULL || path[0] == '\0')
		return 0;
	plen = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || plen >= sizeof(sun.sun_path)) {
		errno = EINVAL;
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, plen);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';	/* abstract namespace */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	do
		n = sendto(fd, state, strlen(state), MSG_NOSIGNAL | MSG_DONTWAIT,
		    (struct sockaddr *)&sun, len);
	while (n < 0 && errno == EINTR);
	(void)close(fd);
	return n < 0 ? -1 : 0;
}
