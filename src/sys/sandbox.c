/* SPDX-License-Identifier: ISC */
/* sandbox.c: per-child resource limits and a hand-written seccomp filter. Runs after fork, before any client byte; never widens what the child may do. */
#define _DEFAULT_SOURCE	/* syscall(2), for the test-only build */
#include "sys/sandbox.h"
#include "echod.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

/*
 * The kernel ABI of a seccomp filter (linux/filter.h, linux/seccomp.h,
 * linux/audit.h), written out: musl-gcc has no kernel headers. glibc cannot
 * be installed without them, so glibc builds check every value below
 * against the kernel's own definitions.
 */
struct sb_prog {		/* struct sock_fprog */
	unsigned short	 len;
	struct sb_insn	*filter;
};
_Static_assert(offsetof(struct sb_insn, code) == 0 &&
    offsetof(struct sb_insn, jt) == 2 && offsetof(struct sb_insn, jf) == 3 &&
    offsetof(struct sb_insn, k) == 4 && sizeof(struct sb_insn) == 8,
    "struct sock_filter is 8 bytes: code, jt, jf, k");
#define SB_LD_W_ABS	0x20u		/* BPF_LD | BPF_W | BPF_ABS */
#define SB_JEQ_K	0x15u		/* BPF_JMP | BPF_JEQ | BPF_K */
#define SB_JGE_K	0x35u		/* BPF_JMP | BPF_JGE | BPF_K */
#define SB_RET_K	0x06u		/* BPF_RET | BPF_K */
#define SB_OFF_NR	0u		/* offsetof(struct seccomp_data, nr) */
#define SB_OFF_ARCH	4u		/* offsetof(struct seccomp_data, arch) */
#define SB_MODE_STRICT	1		/* SECCOMP_MODE_STRICT */
#define SB_MODE_FILTER	2		/* SECCOMP_MODE_FILTER */
#define SB_RET_ALLOW	0x7fff0000u	/* SECCOMP_RET_ALLOW */
#define SB_RET_KILL	0x80000000u	/* SECCOMP_RET_KILL_PROCESS */
#define SB_ARCH_X86_64	0xc000003eu	/* AUDIT_ARCH_X86_64: EM_X86_64 | 64BIT | LE */
#define SB_ARCH_AARCH64	0xc00000b7u	/* AUDIT_ARCH_AARCH64: EM_AARCH64 | 64BIT | LE */
#define SB_ARCH_ARM	0x40000028u	/* AUDIT_ARCH_ARM: EM_ARM | LE */

#ifdef __GLIBC__
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
_Static_assert(sizeof(struct sb_insn) == sizeof(struct sock_filter) &&
    offsetof(struct sb_insn, k) == offsetof(struct sock_filter, k) &&
    offsetof(struct sb_insn, jt) == offsetof(struct sock_filter, jt) &&
    offsetof(struct sb_insn, jf) == offsetof(struct sock_filter, jf),
    "struct sock_filter layout");
_Static_assert(sizeof(struct sb_prog) == sizeof(struct sock_fprog) &&
    offsetof(struct sb_prog, filter) == offsetof(struct sock_fprog, filter),
    "struct sock_fprog layout");
_Static_assert(SB_LD_W_ABS == (BPF_LD | BPF_W | BPF_ABS) &&
    SB_JEQ_K == (BPF_JMP | BPF_JEQ | BPF_K) &&
    SB_JGE_K == (BPF_JMP | BPF_JGE | BPF_K) && SB_RET_K == (BPF_RET | BPF_K),
    "BPF opcodes");
_Static_assert(SB_OFF_NR == offsetof(struct seccomp_data, nr) &&
    SB_OFF_ARCH == offsetof(struct seccomp_data, arch), "seccomp_data");
_Static_assert(SB_MODE_STRICT == SECCOMP_MODE_STRICT &&
    SB_MODE_FILTER == SECCOMP_MODE_FILTER &&
    SB_RET_ALLOW == SECCOMP_RET_ALLOW &&
    SB_RET_KILL == SECCOMP_RET_KILL_PROCESS, "seccomp constants");
_Static_assert(SB_ARCH_X86_64 == AUDIT_ARCH_X86_64 &&
    SB_ARCH_AARCH64 == AUDIT_ARCH_AARCH64 && SB_ARCH_ARM == AUDIT_ARCH_ARM,
    "audit arch values");
#endif

/*
 * Sanitizer builds: LeakSanitizer's exit-time check needs clone, ptrace
 * and /proc, which the filter denies, so it runs at the last moment it
 * can: just before the filter is loaded (later exits skip it). See
 * docs/sandbox.md for what that leaves unchecked and how the tests cover it.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_LSAN 1
#endif
#endif
#ifdef SANDBOX_LSAN
#include <sanitizer/lsan_interface.h>
#endif

/*
 * Test-only build (tests/sandbox): once confined, the child makes the call
 * ECHOD_SELFTEST_CALL names (default openat), which the confinement must
 * punish: SIGKILL in strict mode, SIGSYS under the filter.
 */
#ifdef ECHOD_SANDBOX_SELFTEST
#include <stdlib.h>
#include <unistd.h>

static const struct {
	const char	*name;
	long		 nr;
} escapes[] = {
	{ "openat", SYS_openat }, { "getpid", SYS_getpid }, { "close", SYS_close },
	{ "socket", SYS_socket }, { "exit_group", SYS_exit_group },
	{ "kill", SYS_kill }, { "clock_gettime", SYS_clock_gettime },
	{ "dup", SYS_dup }, { "sendto", SYS_sendto }, { "recvfrom", SYS_recvfrom },
#ifdef SYS_mmap
	{ "mmap", SYS_mmap },
#endif
};

/* The number of the call to try, looked up before the child is confined. */
static long
selftest_escape(void)
{
	const char *want;
	size_t i;

	want = getenv("ECHOD_SELFTEST_CALL");
	for (i = 0; want != NULL && i < sizeof(escapes) / sizeof(escapes[0]); i++)
		if (strcmp(want, escapes[i].name) == 0)
			return escapes[i].nr;
	return SYS_openat;
}
/* Every argument 0: harmless wherever the call is allowed (kill(0, 0) checks only). */
#define SELFTEST_ESCAPE()	do {					\
		(void)syscall(escape, 0L, 0L, 0L, 0L, 0L, 0L);		\
		errno = 0;						\
	} while (0)
#else
#define SELFTEST_ESCAPE()	do { } while (0)
#endif

/*
 * The filter is compiled for one architecture and checks it first: a
 * syscall made through another ABI (i386 int 0x80 on x86_64, x32) would
 * carry other numbers and is killed. A port must review the allow-list.
 */
#if defined(__x86_64__) && !defined(__ILP32__)
#define SANDBOX_ARCH	SB_ARCH_X86_64
#elif defined(__aarch64__) && !defined(__ILP32__)
#define SANDBOX_ARCH	SB_ARCH_AARCH64
#elif defined(__arm__) && defined(__ARMEL__)
#define SANDBOX_ARCH	SB_ARCH_ARM
#else
#error "sandbox.c: no reviewed seccomp filter for this architecture"
#endif

/*
 * Descriptors a child may hold: 0-2 and its sockets. The UDP child polls up
 * to ECHOD_MAX_LISTENERS sockets at once, and poll(2) fails with EINVAL when
 * nfds exceeds RLIMIT_NOFILE. (The filter lets no descriptor be created.)
 */
#define SANDBOX_NOFILE	(3 + ECHOD_MAX_LISTENERS)

#define STMT(code, k)		{ (uint16_t)(code), 0, 0, (uint32_t)(k) }
#define JUMP(code, k, t, f)	{ (uint16_t)(code), (t), (f), (uint32_t)(k) }

/*
 * A session child's calls under a filter: strict mode's four (read,
 * write, exit, sigreturn), loaded where strict mode cannot be (below);
 * sanitizer builds always load it, with what their runtime adds.
 */
static const uint32_t session_calls[] = {
	/* The session and the close line, then the end of the child. */
	__NR_read, __NR_write, __NR_exit,
	/* The lifetime timer's handler returns. */
	__NR_rt_sigreturn,
#ifdef __NR_sigreturn
	__NR_sigreturn,
#endif
#ifdef SANDBOX_LSAN
	/* The sanitizer runtime's exit, a read it resumes, its signal stack. */
	__NR_exit_group, __NR_restart_syscall, __NR_sigaltstack,
#endif
};

/*
 * What the UDP child (udp_serve after udp_prepare, the log lines, exit)
 * needs: datagrams in and out with their addresses and control messages
 * (recvmsg, sendmsg), no stream calls (recvfrom, sendto, recv, send).
 */
static const uint32_t udp_calls[] = {
	/* Datagrams with their source and destination addresses. */
	__NR_recvmsg, __NR_sendmsg,
	/* Waiting for the next datagram on any socket. */
#ifdef __NR_poll
	__NR_poll,
#endif
	__NR_ppoll,
#ifdef __NR_ppoll_time64
	__NR_ppoll_time64,
#endif
	/* Clock reads, where the vDSO falls back to the kernel. */
	__NR_clock_gettime,
#ifdef __NR_clock_gettime64
	__NR_clock_gettime64,
#endif
	/* Log lines, and the end of the child. */
	__NR_getpid, __NR_write, __NR_close, __NR_exit, __NR_exit_group,
	/* Signal returns, and a poll resumed after SIGSTOP/SIGCONT. */
	__NR_rt_sigreturn,
#ifdef __NR_sigreturn
	__NR_sigreturn,
#endif
	__NR_restart_syscall,
};
#define NSESSION	(sizeof(session_calls) / sizeof(session_calls[0]))
#define NUDP		(sizeof(udp_calls) / sizeof(udp_calls[0]))
#define NCALLS_MAX	(NSESSION > NUDP ? NSESSION : NUDP)
_Static_assert(NSESSION <= SANDBOX_CALLS_MAX && NUDP <= SANDBOX_CALLS_MAX,
    "SANDBOX_CALLS_MAX too small");

/* A range nr[lo..hi) still to emit, and the JGE whose jump target it is. */
struct span {
	size_t	lo;
	size_t	hi;
	size_t	from;	/* index of that JGE, or NO_JGE */
};
#define NO_JGE	SIZE_MAX
#define DEPTH	8	/* pending spans: one per tree level, and more */

/*
 * Emit at out[len..] a binary search for the number in A over the sorted
 * nr[0..n): a JGE per inner node; at each leaf (one or two numbers) JEQ
 * tests, then RET KILL, RET ALLOW. The kernel runs a filter once per
 * syscall number when it loads it (to cache the always-allowed ones), so
 * a search costs each fork a few steps per number where a linear list
 * cost up to 33. Pre-order with an explicit stack of DEPTH spans, no
 * recursion, so the stack it needs is fixed: a left subtree follows its
 * JGE, and the JGE's jump is patched when the right one starts. Jumps are
 * forward and short (< 4 * n). Returns the new length.
 */
static size_t
emit_search(struct sb_insn *out, size_t len, const uint32_t *nr, size_t n)
{
	struct span st[DEPTH];
	struct span sp;
	size_t top;
	size_t i;
	size_t mid;

	top = 0;
	st[top++] = (struct span){ 0, n, NO_JGE };
	while (top > 0) {
		sp = st[--top];
		if (sp.from != NO_JGE)	/* nr >= nr[mid]: jump over the left subtree */
			out[sp.from].jt = (uint8_t)(len - sp.from - 1);
		if (sp.hi - sp.lo <= 2) {
			for (i = sp.lo; i < sp.hi; i++)	/* a match jumps to ALLOW */
				out[len++] = (struct sb_insn)JUMP(SB_JEQ_K, nr[i],
				    (uint8_t)(sp.hi - i), 0);
			out[len++] = (struct sb_insn)STMT(SB_RET_K, SB_RET_KILL);
			out[len++] = (struct sb_insn)STMT(SB_RET_K, SB_RET_ALLOW);
			continue;
		}
		mid = sp.lo + (sp.hi - sp.lo) / 2;
		out[len] = (struct sb_insn)JUMP(SB_JGE_K, nr[mid], 0, 0);
		st[top++] = (struct span){ mid, sp.hi, len };	/* popped second */
		st[top++] = (struct span){ sp.lo, mid, NO_JGE };
		len++;
	}
	return len;
}

size_t
sandbox_filter(enum sandbox_kind kind, struct sb_insn out[SANDBOX_FILTER_MAX])
{
	uint32_t nr[NCALLS_MAX];
	size_t n;
	size_t i;
	size_t j;
	size_t len;
	uint32_t v;

	/* Insertion sort. An alias (two names, one number) may stay twice: harmless. */
	if (kind == SANDBOX_UDP) {
		n = NUDP;
		memcpy(nr, udp_calls, sizeof(udp_calls));
	} else {
		n = NSESSION;
		memcpy(nr, session_calls, sizeof(session_calls));
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && nr[j - 1] > nr[j]; j--) {
			v = nr[j];
			nr[j] = nr[j - 1];
			nr[j - 1] = v;
		}
	len = 0;
	out[len++] = (struct sb_insn)STMT(SB_LD_W_ABS, SB_OFF_ARCH);
	out[len++] = (struct sb_insn)JUMP(SB_JEQ_K, SANDBOX_ARCH, 1, 0);
	out[len++] = (struct sb_insn)STMT(SB_RET_K, SB_RET_KILL);
	out[len++] = (struct sb_insn)STMT(SB_LD_W_ABS, SB_OFF_NR);
#if defined(__x86_64__)
	/* x32 numbers carry this bit on the x86_64 arch: not ours. */
	out[len++] = (struct sb_insn)JUMP(SB_JGE_K, 0x40000000u, 0, 1);
	out[len++] = (struct sb_insn)STMT(SB_RET_K, SB_RET_KILL);
#endif
	return emit_search(out, len, nr, n);
}

static int
limit(int resource, rlim_t value)
{
	struct rlimit rl;

	/*
	 * Only ever lower: under a hard limit below `value` (ulimit -Hn 16),
	 * asking for `value` fails with EPERM and no child could serve.
	 */
	if (getrlimit(resource, &rl) < 0)
		return -1;
	if (value > rl.rlim_max)
		value = rl.rlim_max;
	rl.rlim_cur = value;
	rl.rlim_max = value;
	return setrlimit(resource, &rl);
}

int
sandbox_child(enum sandbox_kind kind)
{
	struct sb_insn filter[SANDBOX_FILTER_MAX];	/* the kernel copies it */
	struct sb_prog prog;
#ifdef ECHOD_SANDBOX_SELFTEST
	long escape;
#endif

#ifdef SANDBOX_LSAN
	__lsan_do_leak_check();
#endif
	/*
	 * No core files: a dump could hold client bytes. RLIMIT_FSIZE stays
	 * as it is: stderr may be a log file, and a zero limit would kill
	 * the child with SIGXFSZ at its close line; the filter below already
	 * forbids opening or creating any file, so the child can write only
	 * to the descriptors it inherited.
	 */
	if (limit(RLIMIT_CORE, 0) < 0 || limit(RLIMIT_NOFILE, SANDBOX_NOFILE) < 0)
		return -1;
	/*
	 * Not dumpable either: a piped core_pattern (systemd-coredump, apport)
	 * ignores RLIMIT_CORE, and a dumpable child's memory could be read
	 * through ptrace or /proc/PID/mem by any process of the same uid.
	 */
	if (prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L) < 0)
		return -1;
#ifdef ECHOD_SANDBOX_SELFTEST
	escape = selftest_escape();
#endif
#ifndef SANDBOX_LSAN
	/*
	 * Strict mode: read, write, exit and sigreturn, nothing else (not
	 * exit_group: child_exit ends with exit). No program to build and
	 * load, and the tightest confinement Linux has.
	 */
	if (kind == SANDBOX_SESSION) {
		if (prctl(PR_SET_SECCOMP, SB_MODE_STRICT, 0L, 0L, 0L) == 0) {
			SELFTEST_ESCAPE();
			return 0;
		}
		/*
		 * EINVAL: a filter is installed already (systemd's
		 * SystemCallFilter=, a container's profile), and strict mode
		 * cannot follow one. The same four calls as a filter, then.
		 */
		if (errno != EINVAL)
			return -1;
	}
#endif
	prog.len = (unsigned short)sandbox_filter(kind, filter);
	prog.filter = filter;
	/* Needed to load a filter without privilege; the parent set it too. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0 ||
	    prctl(PR_SET_SECCOMP, SB_MODE_FILTER, &prog, 0L, 0L) < 0)
		return -1;
	SELFTEST_ESCAPE();
	return 0;
}
