/* SPDX-License-Identifier: ISC */
/* prefilter.c: run a command under an allow-everything seccomp filter, as systemd's SystemCallFilter= or a container runtime leaves a process. Test-only. */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sock_filter allow[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { 1, allow };

	if (argc < 2) {
		(void)fprintf(stderr, "usage: prefilter COMMAND [ARG...]\n");
		return 64;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0L, 0L) < 0) {
		perror("prefilter: seccomp");
		return 71;
	}
	(void)execv(argv[1], argv + 1);
	perror("prefilter: execv");
	return 127;
}
