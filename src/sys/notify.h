/* SPDX-License-Identifier: ISC */
/* notify.h: the sd_notify protocol: READY=1 and STOPPING=1 to $NOTIFY_SOCKET. */
#ifndef NOTIFY_H
#define NOTIFY_H

/* Send state (e.g. "READY=1") when NOTIFY_SOCKET is set. 0, or -1 with errno. */
int	notify_send(const char *state);

#endif
