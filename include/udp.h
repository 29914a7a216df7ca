/* udp.h: the UDP echo process for --udp: one non-forking child of the server. */
#ifndef UDP_H
#define UDP_H

#include <stdint.h>

/* Counters shared with the parent (MAP_SHARED), written only by the UDP child. */
struct udp_counters {
	volatile uint64_t	echoed;
	volatile uint64_t	dropped;
};

/* Per-source and global limits, datagrams per second (bursts of the same size). */
#define UDP_RATE_SOURCE	1000u
#define UDP_RATE_GLOBAL	20000u
#define UDP_SOURCES	1024u

/* Largest UDP payload over IPv4; larger datagrams cannot arrive untruncated. */
#define UDP_MAX_DATAGRAM	65507u

/* Echo datagrams on fd until a fatal error. Returns only on failure. */
void	udp_serve(int fd, struct udp_counters *c);

#endif
