/* udp.h: the UDP echo process for --udp: one non-forking child of the server. */
#ifndef UDP_H
#define UDP_H

#include <stdint.h>

/*
 * Counters shared with the parent (MAP_SHARED), written only by the UDP child.
 * Atomic: on 32-bit targets (armhf) a plain 64-bit store is two stores, and
 * the parent's SIGUSR1 read could see a torn value when the low word carries.
 * Frama-C 25 cannot parse _Atomic; its analyses see the volatile form.
 */
#ifdef __FRAMAC__
typedef volatile uint64_t	udp_count;
#else
typedef _Atomic uint64_t	udp_count;
#endif
struct udp_counters {
	udp_count	echoed;
	udp_count	dropped;
};

/* Per-source and global limits, datagrams per second (bursts of the same size). */
#define UDP_RATE_SOURCE	1000u
#define UDP_RATE_GLOBAL	20000u
#define UDP_SOURCES	1024u

/* Most datagram sockets served (socket activation may pass several). */
#define UDP_MAX_SOCKETS	16
/* Most datagrams taken from one socket before the next gets its turn. */
#define UDP_BATCH	64

/* Largest UDP payload over IPv4; larger datagrams cannot arrive untruncated. */
#define UDP_MAX_DATAGRAM	65507u

/* Echo datagrams on fds[0..nfds) until a fatal error. Returns only on failure. */
void	udp_serve(const int *fds, int nfds, struct udp_counters *c);

#endif
