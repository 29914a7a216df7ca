/* session.h: the echo handler: moves bytes between one connected stream socket and itself. */
#ifndef SESSION_H
#define SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "core/limits.h"
#include "echo/io.h"

enum session_end {
	SESSION_EOF = 0,	/* client's EOF read and every byte sent back */
	SESSION_ERROR,		/* I/O error or reset; errnum says which */
	SESSION_IDLE,		/* --idle-timeout expired */
	SESSION_LIFETIME	/* --max-lifetime expired */
};

struct session_result {
	int		end;		/* enum session_end */
	int		errnum;		/* for SESSION_ERROR */
	uint64_t	received;	/* bytes read from the client */
	uint64_t	sent;		/* bytes written back */
};

/*
 * Echo everything read from fd back to fd, in order, exactly once, until the
 * client's EOF has been read and every byte written back, or an error or a
 * timeout ends it. mem[0..cap-1] is the only buffer used. Does not close fd.
 */
/*@ requires 0 <= fd < IO_FD_MAX;
    requires \valid_read(cfg) && \valid(res) && 0 < cap && \valid(mem + (0 .. cap - 1));
    requires \separated(res, cfg, mem + (0 .. cap - 1));
    requires io_rx_pos == 0 && io_tx_pos == 0;
    assigns *res, mem[0 .. cap - 1], io_rx_pos, io_tx_pos, errno,
      __fc_sockfds[fd], __fc_time;
    ensures ended: SESSION_EOF <= res->end <= SESSION_LIFETIME;
    ensures received: io_rx_pos == res->received;
    ensures sent: io_tx_pos == res->sent && res->sent <= res->received;
    ensures echo_prefix: \forall integer k; 0 <= k < res->sent ==>
      io_tx_byte(k) == io_rx_byte(k);
    ensures echo_complete: res->end == SESSION_EOF ==> res->sent == res->received;
*/
void	echo_session(int fd, const struct session_limits *cfg, char *mem, size_t cap,
	    struct session_result *res);

#endif
