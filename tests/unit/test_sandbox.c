/* SPDX-License-Identifier: ISC */
/* test_sandbox.c: run the child's seccomp program in a small classic-BPF interpreter, for every syscall number. */
#include "child.h"
#include "sys/sandbox.h"
#include "unit.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>

#define LD_W_ABS	0x20u
#define JEQ_K		0x15u
#define JGE_K		0x35u
#define RET_K		0x06u
#define RET_ALLOW	0x7fff0000u
#define RET_KILL	0x80000000u
#define BAD		0xffffffffu	/* the interpreter's own verdict: malformed */

#if defined(__x86_64__)
#define ARCH		0xc000003eu
#elif defined(__aarch64__)
#define ARCH		0xc00000b7u
#else
#define ARCH		0x40000028u
#endif

/*
 * The oracles, written out again per architecture: the calls docs/sandbox.md
 * lists for each kind of child. If a filter grows, its list must be changed
 * on purpose.
 */
/* The filter only sanitizer builds load for a session child (strict mode elsewhere). */
static const long session_expected[] = {
	__NR_read, __NR_write, __NR_exit, __NR_exit_group, __NR_rt_sigreturn,
	__NR_restart_syscall, __NR_sigaltstack,
#if defined(__arm__)
	__NR_sigreturn,
#endif
};

/* The UDP child: recvmsg and sendmsg (replies carry IP_PKTINFO), no stream calls. */
static const long udp_expected[] = {
	__NR_recvmsg, __NR_sendmsg, __NR_ppoll, __NR_clock_gettime,
	__NR_getpid, __NR_write, __NR_close, __NR_exit, __NR_exit_group,
	__NR_rt_sigreturn, __NR_restart_syscall,
#if defined(__x86_64__)
	__NR_poll,
#elif defined(__arm__)
	__NR_poll, __NR_ppoll_time64, __NR_clock_gettime64, __NR_sigreturn,
#endif
};

static unsigned steps;	/* instructions run by the last run() */

/* Run prog[0..len) on (arch, nr); every jump must stay inside, every path end in RET. */
static uint32_t
run(const struct sb_insn *prog, size_t len, uint32_t arch, uint32_t nr)
{
	uint32_t a = 0;
	size_t pc = 0;

	steps = 0;
	while (pc < len) {
		const struct sb_insn *in = &prog[pc];

		steps++;
		switch (in->code) {
		case LD_W_ABS:
			if (in->k == 0)
				a = nr;
			else if (in->k == 4)
				a = arch;
			else
				return BAD;
			pc++;
			break;
		case JEQ_K:
			pc += 1u + (size_t)(a == in->k ? in->jt : in->jf);
			break;
		case JGE_K:
			pc += 1u + (size_t)(a >= in->k ? in->jt : in->jf);
			break;
		case RET_K:
			return in->k;
		default:
			return BAD;
		}
	}
	return BAD;	/* fell off the end */
}

static bool
is_in(const long *list, size_t n, uint32_t nr)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((uint32_t)list[i] == nr)
			return true;
	return false;
}

/* kind's program allows exactly list[0..n) and kills every other call and ABI. */
static void
check_program(enum sandbox_kind kind, const long *list, size_t n)
{
	struct sb_insn prog[SANDBOX_FILTER_MAX];
	unsigned worst = 0;
	size_t len;
	uint32_t nr;
	int wrong = 0, allowed = 0;

	len = sandbox_filter(kind, prog);
	CHECK(len > 6 && len <= SANDBOX_FILTER_MAX);
	/* Every number the kernel could see, and the x32 range on x86_64. */
	for (nr = 0; nr < 4096; nr++) {
		uint32_t v = run(prog, len, ARCH, nr);

		if (v != (is_in(list, n, nr) ? RET_ALLOW : RET_KILL))
			wrong++;
		if (v == RET_ALLOW)
			allowed++;
		if (steps > worst)
			worst = steps;
	}
	CHECK(wrong == 0);
	CHECK(allowed == (int)n);
	/* A search, not a list: a handful of steps for any number. */
	CHECK(worst <= 16);
	/* Another ABI, or x32 numbers, are killed even for allowed numbers. */
	CHECK(run(prog, len, ARCH ^ 1u, (uint32_t)__NR_write) == RET_KILL);
	CHECK(run(prog, len, 0x40000003u, (uint32_t)__NR_write) == RET_KILL);
#if defined(__x86_64__)
	CHECK(run(prog, len, ARCH, 0x40000000u | (uint32_t)__NR_write) == RET_KILL);
#endif
	CHECK(run(prog, len, ARCH, UINT32_MAX) == RET_KILL);
	(void)printf("sandbox filter %s: %zu instructions, %d allowed, at most %u steps\n",
	    kind == SANDBOX_UDP ? "udp" : "session", len, allowed, worst);
}

int
main(void)
{
	check_program(SANDBOX_SESSION, session_expected,
	    sizeof(session_expected) / sizeof(session_expected[0]));
	check_program(SANDBOX_UDP, udp_expected,
	    sizeof(udp_expected) / sizeof(udp_expected[0]));
	/* The UDP child may reply with sendmsg; a session child may not. */
	CHECK(!is_in(session_expected, sizeof(session_expected) / sizeof(session_expected[0]),
	    (uint32_t)__NR_sendmsg));
	CHECK(!is_in(udp_expected, sizeof(udp_expected) / sizeof(udp_expected[0]),
	    (uint32_t)__NR_sendto));
	/* This kernel loads filters: a child confines itself, the probe says so. */
	CHECK(child_probe() == 0);
	UNIT_DONE();
}
