/* SPDX-License-Identifier: ISC */
/* proofs/libc/echod_fc_extra.h: Linux names Frama-C's libc lacks, force-included for EVA only. Trusted models: proofs/README.md. */
#ifndef ECHOD_FC_EXTRA_H
#define ECHOD_FC_EXTRA_H

/*
 * udp.c's ancillary data (IP_PKTINFO, IPV6_PKTINFO). Frama-C 25's libc
 * declares the CMSG_* macros as functions without bodies (so no buffer can
 * be sized with CMSG_SPACE), and has no struct in_pktinfo / in6_pktinfo.
 * Defined before <sys/socket.h> (which then keeps its own out), as glibc
 * defines them (bits/socket.h), on Frama-C's 12-byte struct cmsghdr: the
 * data starts at the header's aligned size. CMSG_NXTHDR is glibc's
 * __cmsg_nxthdr, written with offsets from msg_control.
 */
#define CMSG_ALIGN(len)	(((len) + sizeof(size_t) - 1) & \
			 (size_t)~(sizeof(size_t) - 1))
#define CMSG_SPACE(len)	(CMSG_ALIGN(len) + CMSG_ALIGN(sizeof(struct cmsghdr)))
#define CMSG_LEN(len)	(CMSG_ALIGN(sizeof(struct cmsghdr)) + (len))
#define CMSG_DATA(c)	((unsigned char *)(c) + CMSG_ALIGN(sizeof(struct cmsghdr)))
#define CMSG_FIRSTHDR(m) ((size_t)(m)->msg_controllen >= sizeof(struct cmsghdr) ? \
			 (struct cmsghdr *)(m)->msg_control : (struct cmsghdr *)0)
#define CMSG_NXTHDR(m, c) echod_fc_cmsg_nxthdr((m), (c))
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

/*
 * mmap(2)'s MAP_FAILED is one pointer no mapping can equal; glibc's is
 * ((void *) -1). A distinct object's address is such a pointer that EVA can
 * compare exactly (an absolute address is not \pointer_comparable).
 */
extern char echod_fc_map_failed;
#undef MAP_FAILED
#define MAP_FAILED	((void *)&echod_fc_map_failed)

#define SOCK_NONBLOCK	04000
#define SOCK_CLOEXEC	02000000
#define MADV_DONTFORK	10

/*@ assigns \result \from addr, len, advice;
    ensures \result == 0 || \result == -1;
*/
extern int madvise(void *addr, size_t len, int advice);

/* Frama-C 25 declares initgroups without a contract. */
#include <grp.h>
#include <string.h>
/*@ requires valid_read_string(user);
    assigns \result \from indirect:user[0..], group;
    ensures \result == 0 || \result == -1;
*/
extern int initgroups(const char *user, gid_t group);

/*
 * Frama-C 25's getsockopt requires \valid(optval + (0..)), an unbounded
 * range no object satisfies, so EVA would call every getsockopt dead. echod
 * calls getsockopt only for SO_TYPE into an int; this contract bounds the
 * buffer by *optlen, as getsockopt(2) does.
 */
#include <sys/socket.h>
/*@ requires \valid(optlen) && \valid((char *)optval + (0 .. *optlen - 1));
    assigns \result, ((char *)optval)[0 .. *optlen - 1], *optlen
        \from indirect:sockfd, indirect:level, indirect:optname, *optlen;
    ensures \result == 0 || \result == -1;
    ensures *optlen <= \old(*optlen);
*/
extern int echod_fc_getsockopt(int sockfd, int level, int optname,
    void *optval, socklen_t *optlen);
#define getsockopt	echod_fc_getsockopt
/* The CMSG_NXTHDR above (glibc's __cmsg_nxthdr), for udp.c's loop. */
static inline struct cmsghdr *
echod_fc_cmsg_nxthdr(struct msghdr *m, struct cmsghdr *c)
{
	size_t off;
	struct cmsghdr *n;

	if ((size_t)c->cmsg_len < sizeof(struct cmsghdr))
		return (struct cmsghdr *)0;
	off = (size_t)((unsigned char *)c - (unsigned char *)m->msg_control) +
	    CMSG_ALIGN((size_t)c->cmsg_len);
	if (off + sizeof(struct cmsghdr) > (size_t)m->msg_controllen)
		return (struct cmsghdr *)0;
	n = (struct cmsghdr *)((unsigned char *)m->msg_control + off);
	if (off + CMSG_ALIGN((size_t)n->cmsg_len) > (size_t)m->msg_controllen)
		return (struct cmsghdr *)0;
	return n;
}

/*
 * struct in_pktinfo and IP_PKTINFO: Frama-C's libc has them only under
 * __USE_MISC, which this header (included before udp.c defines
 * _GNU_SOURCE) leaves off; in6_pktinfo and the IPV6_ names it always has.
 */
#include <netinet/in.h>
#if !defined(__USE_MISC) && !defined(__USE_GNU)
#define IP_PKTINFO	8
struct in_pktinfo {
	int		ipi_ifindex;
	struct in_addr	ipi_spec_dst;
	struct in_addr	ipi_addr;
};
#endif

/* Frama-C 25 declares getrandom without a contract (udp.c's hash seed). */
#include <sys/random.h>
/*@ requires \valid((char *)buf + (0 .. len - 1));
    assigns ((char *)buf)[0 .. len - 1] \from flags;
    assigns \result \from len, flags;
    ensures \result == -1 || 0 <= \result <= len;
*/
extern ssize_t getrandom(void *buf, size_t len, unsigned int flags);

/*
 * syscall(2): Frama-C 25's unistd.h does not declare it (fdflags.c's
 * close_range, child.c's exit). Trusted: it changes no memory of ours;
 * SYS_exit does not return (child_exit calls _exit after it anyway).
 */
/*@ assigns \result \from number; */
extern long syscall(long number, ...);

#endif
