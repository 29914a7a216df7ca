/* proofs/libc/echod_fc_extra.h: Linux names Frama-C's libc lacks, force-included for EVA only. Trusted models: proofs/README.md. */
#ifndef ECHOD_FC_EXTRA_H
#define ECHOD_FC_EXTRA_H
#include <stddef.h>

#define SOCK_NONBLOCK	04000
#define SOCK_CLOEXEC	02000000
#define MADV_DONTFORK	10

/*@ assigns \result \from addr, len, advice;
    ensures \result == 0 || \result == -1;
*/
extern int madvise(void *addr, size_t len, int advice);
#endif
