/* proofs/libc/echod_fc_extra.h: Linux names Frama-C's libc lacks, force-included for EVA only. Trusted models: proofs/README.md. */
#ifndef ECHOD_FC_EXTRA_H
#define ECHOD_FC_EXTRA_H
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
#endif
