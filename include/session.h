/* session.h: the echo handler: moves bytes between one connected stream socket and itself. */
#ifndef SESSION_H
#define SESSION_H

#include <stddef.h>
#include <stdint.h>

struct session_cfg {
	uint32_t	idle_timeout;	/* seconds without a byte moving; 0 = none */
	uint32_t	max_lifetime;	/* seconds in total; 0 = none */
};

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
void	echo_session(int fd, const struct session_cfg *cfg, char *mem, size_t cap,
	    struct session_result *res);

#endif
