/* SPDX-License-Identifier: ISC */
/* sandbox.h: confine a child before it touches client data. */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <stddef.h>
#include <stdint.h>

/* One classic BPF instruction: the kernel's struct sock_filter, written out. */
struct sb_insn {
	uint16_t	code;
	uint8_t		jt;
	uint8_t		jf;
	uint32_t	k;
};

/* Most system calls the child may make, and the longest filter for them. */
#define SANDBOX_CALLS_MAX	24
#define SANDBOX_FILTER_MAX	(8 + 4 * SANDBOX_CALLS_MAX)

/* Which child: each kind has its own confinement. */
enum sandbox_kind {
	SANDBOX_SESSION,	/* a TCP session child, and --inetd */
	SANDBOX_UDP		/* the UDP echo child */
};

/*
 * Write kind's seccomp program to out: check the architecture, then a
 * binary search over the allowed syscall numbers (allow, or kill the
 * process). Returns its length. Pure: sandbox_child() loads it.
 */
size_t	sandbox_filter(enum sandbox_kind kind, struct sb_insn out[SANDBOX_FILTER_MAX]);

/*
 * Lower the child's resource limits, make it non-dumpable, and confine it
 * to the syscalls its kind needs. 0, or -1 with errno; the child must not
 * serve on failure. How each kind is confined, the one place it differs
 * by build:
 *   SANDBOX_SESSION  seccomp strict mode: read, write, exit, sigreturn;
 *                    any other call, exit_group included, is SIGKILL.
 *                    Under a filter installed before echod started
 *                    (systemd's SystemCallFilter=, a container's
 *                    profile) strict mode fails with EINVAL: the child
 *                    loads those four calls as a filter then (SIGSYS).
 *                    Builds with AddressSanitizer load sandbox_filter's
 *                    session list instead (those four, exit_group,
 *                    restart_syscall, sigaltstack: the runtime's exit
 *                    needs them), so the tests run the same session code
 *                    under the sanitizers; a violation there is SIGSYS.
 *   SANDBOX_UDP      the filter's UDP list in every build (SIGSYS).
 */
int	sandbox_child(enum sandbox_kind kind);

#endif
