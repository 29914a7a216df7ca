/* SPDX-License-Identifier: ISC */
/* proofs/libc/sys/syscall.h: syscall numbers for Frama-C (its libc has none); constants only. */
#ifndef ECHOD_FC_SYSCALL_H
#define ECHOD_FC_SYSCALL_H
#include "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"
/* The SYS_ names glibc's <sys/syscall.h> gives the numbers echod uses. */
#define SYS_exit	__NR_exit
#define SYS_exit_group	__NR_exit_group
#endif
