/* SPDX-License-Identifier: ISC */
/* udp.h: the UDP echo process for --udp: one non-forking child of the server. */
#ifndef UDP_H
#define UDP_H

#include <stdint.h>

#include "core/acl.h"

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

/* Most datagram sockets served (socket activation may pass several). */
#define UDP_MAX_SOCKETS	16
/* Most datagrams taken from one socket before the next gets its turn. */
#define UDP_BATCH	64

/* Largest UDP payload over IPv4; larger datagrams cannot arrive untruncated. */
#define UDP_MAX_DATAGRAM	65507u

struct udp_state;

/*
 * In the UDP child, before the sandbox: seed the per-source table's hash
 * from getrandom(2), learn each socket's own port (getsockname), and ask
 * for each datagram's destination address (IP_PKTINFO, IPV6_RECVPKTINFO).
 * Serves fds[0..nfds), at most UDP_MAX_SOCKETS. Returns the child's state,
 * or NULL with errno.
 */
struct udp_state	*udp_prepare(const int *fds, int nfds, const struct acl *acl);

/* Echo datagrams on u's sockets until a fatal error. Returns only on failure. */
void	udp_serve(struct udp_state *u, struct udp_counters *c);

#endif
