/* SPDX-License-Identifier: ISC */
/* proofs/libc/sys/prctl.h: prctl(2) for Frama-C EVA (its libc has none). A trusted model: proofs/README.md. */
#ifndef ECHOD_FC_PRCTL_H
#define ECHOD_FC_PRCTL_H
#include <errno.h>

#define PR_SET_PDEATHSIG	1
#define PR_SET_DUMPABLE		4
#define PR_SET_SECCOMP		22
#define PR_SET_NO_NEW_PRIVS	38

/*@ assigns \result, errno \from option;
    ensures \result == 0 || \result == -1;
*/
extern int prctl(int option, ...);
#endif
