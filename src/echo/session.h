/* SPDX-License-Identifier: ISC */
/* session.h: the echo handler: moves bytes between one connected stream socket and itself. */
#ifndef SESSION_H
#define SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "echo/io.h"

enum session_end {
	SESSION_EOF = 0,	/* client's EOF read and every byte sent back */
	SESSION_ERROR,		/* I/O error or reset; errnum says which */
	SESSION_IDLE,		/* --idle-timeout expired: a socket timeout */
	SESSION_LIFETIME	/* --max-lifetime expired: the timer's signal */
};

struct session_result {
	int		end;		/* enum session_end */
	int		errnum;		/* the errno that ended it; 0 at EOF */
	uint64_t	received;	/* bytes read from the client */
	uint64_t	sent;		/* bytes written back */
};

/*
 * Echo everything read from the blocking socket fd back to it, in order,
 * exactly once: read, write all of it, read again, until the client's EOF
 * (everything read has been written by then), an error, or a timeout. The
 * limits are the caller's: the socket's SO_RCVTIMEO and SO_SNDTIMEO
 * (--idle-timeout: every read and write waits at most that long for a
 * byte to move) and the lifetime timer (io_expired). mem[0..cap-1] is the
 * only buffer used. Does not close fd.
 */
/*@ requires 0 <= fd < IO_FD_MAX;
    requires \valid(res) && 0 < cap && \valid(mem + (0 .. cap - 1));
    requires \separated(res, mem + (0 .. cap - 1));
    requires io_rx_pos == 0 && io_tx_pos == 0;
    assigns *res, mem[0 .. cap - 1], io_rx_pos, io_tx_pos, errno,
      __fc_sockfds[fd];
    ensures ended: SESSION_EOF <= res->end <= SESSION_LIFETIME;
    ensures received: io_rx_pos == res->received;
    ensures sent: io_tx_pos == res->sent && res->sent <= res->received;
    ensures echo_prefix: \forall integer k; 0 <= k < res->sent ==>
      io_tx_byte(k) == io_rx_byte(k);
    ensures echo_complete: res->end == SESSION_EOF ==> res->sent == res->received;
    ensures eof: res->end == SESSION_EOF <==> res->errnum == 0;
    ensures idle: res->end == SESSION_IDLE <==>
      (res->errnum == EAGAIN || res->errnum == EWOULDBLOCK);
    ensures lifetime: res->end == SESSION_LIFETIME <==> res->errnum == EINTR;
*/
void	echo_session(int fd, char *mem, size_t cap, struct session_result *res);

#endif
