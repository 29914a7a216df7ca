#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tests/cross/run.py: the embedded-target suite. Drives the static
musl build natively and the aarch64/armhf builds under qemu-user, over
loopback only; prints every skip with its reason and ends with
`cross: N passed, N failed, N skipped`.

Its own checks are the cross-specific ones (hardening of each build, the
pure core's purity, the seccomp filter or, under qemu, its allow-list
names, the size budget, the armhf replay of the fuzz corpora). Behaviour is
tested by the integration suite's own cases (INTEGRATION below), run on each
target the way integration runs its valgrind subset: qemu-user as the
wrapper, and --no-sandbox where qemu cannot load the filter.

Under qemu-user the server pid is the qemu process running the guest, and
each fork() of the guest is a host fork of qemu: /proc still shows the
server's children (as qemu processes), their states and the parent's
descriptors (qemu's own fds included, so fd checks compare before/after).
"""
import importlib.util
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import echodtest as et  # noqa: E402

ROOT = et.ROOT
_spec = importlib.util.spec_from_file_location(
    "integration", os.path.join(ROOT, "tests", "integration", "run.py"))
integration = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(integration)
# The integration cases run on every target: those that mean something for
# a cross build and stay short under qemu-user (one emulated process per
# session). Not: the 16 MiB and 200-client loads, the fd and timing
# measurements, the host tools (socat, nc, systemd-socket-activate, unshare).
INTEGRATION = [
    "echo_small", "half_close", "zero_byte", "client_reset", "max_clients_wait",
    "per_ip_refusal", "burst_no_zombies", "idle_timeout", "sigterm_idle",
    "sigterm_with_client", "stats_line", "bad_args", "help_version", "no_such_user",
    "inetd_eof", "socket_activation", "user_drop", "udp_echo", "udp_echo_sizes",
    "udp_child_restart",
]
TARGETS = [
    # name, binary, wrapper (argv prefix), emulated
    ("static", "build/static/echod", [], False),
    ("aarch64", "build/aarch64-linux-gnu/echod",
     ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"], True),
    ("armhf", "build/arm-linux-gnueabihf/echod",
     ["qemu-arm", "-L", "/usr/arm-linux-gnueabihf"], True),
]
SKIPS = []


class Target:
    def __init__(self, name, path, wrapper, emulated):
        self.name = name
        self.bin = os.path.join(ROOT, path)
        self.wrapper = wrapper
        self.emulated = emulated
        self.extra = []         # ["--no-sandbox"] when seccomp cannot run here

    def __str__(self):
        return self.name

    def build(self):
        """This target as an integration build (after sandbox() set extra)."""
        return integration.Build(self.name, self.bin, wrapper=self.wrapper or None,
                                 extra=self.extra, ready_timeout=30.0,
                                 libc="musl" if self.name == "static" else "glibc")


def skip(t, why):
    SKIPS.append("%s: %s" % (t, why))
    return ("skip", why)


# --- cases -------------------------------------------------------------------
def sandbox(t):
    """Children confined as configured, or, where they cannot be, no start at
    all; decides whether the rest needs --no-sandbox.

    Where qemu-user answers prctl(PR_SET_SECCOMP) with EINVAL (it has no
    seccomp(2)), echod must refuse to start: exit 71 before any listening
    line, one line on stderr that names --no-sandbox. That refusal is
    checked, and the filter itself counted as a skip on that target."""
    p = subprocess.Popen(t.wrapper + [t.bin, "-l", "127.0.0.1", "-p", "0"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = p.stderr.readline()         # its first line, or EOF as it exits
    if b"listening on" in first:
        p.kill()                        # it started: serve-and-echo below
        p.communicate(timeout=20)
    else:
        out, rest = p.communicate(timeout=20)
        err = (first + rest).decode(errors="replace")
        lines = err.splitlines()
        assert t.emulated, "refused to start natively: %r" % err
        assert p.returncode == 71 and len(lines) == 1 and out == b"", \
            "refusal: exit %s, stdout %r, stderr %r" % (p.returncode, out, err)
        assert re.match(r"^echod: sandbox: (Invalid argument|Function not implemented): "
                        r".*--no-sandbox", lines[0]), lines[0]
        assert "listening on" not in err, err
        t.extra = ["--no-sandbox"]
        return skip(t, "qemu-user does not emulate the seccomp filter (echod refused "
                    "to start, as it must: %s); the other cases run with --no-sandbox" % lines[0])
    with et.Server(binary_path=t.bin, wrapper=t.wrapper, ready_timeout=20.0) as srv:
        got = et.roundtrip(srv.port, b"sandbox", timeout=20)
        assert got == b"sandbox", "child did not echo: %r; log: %s" % (got[:60], srv.log())
    return None


def hardening(t):
    """The link-time hardening survived this target: PIE, RELRO, BIND_NOW, NX
    stack, stack protector; FORTIFY for the glibc cross builds; for musl,
    which has no FORTIFY, a static-PIE: no interpreter, no library needed
    (ldd: "statically linked")."""
    def out(*argv):
        return subprocess.run(argv, capture_output=True, timeout=30).stdout.decode()
    segs = out("readelf", "-lW", t.bin)
    assert "GNU_RELRO" in segs, "no RELRO"
    stack = [ln for ln in segs.splitlines() if "GNU_STACK" in ln]
    assert stack and stack[0].split()[-2] == "RW", "executable stack: %s" % stack
    syms = out("readelf", "-sW", t.bin)
    assert "__stack_chk_fail" in syms, "no stack protector"
    assert "DYN (Position-Independent Executable" in out("readelf", "-hW", t.bin), "not PIE"
    dyn = out("readelf", "-dW", t.bin)
    assert re.search(r"Flags: .*\bPIE\b", dyn), "no PIE flag"
    assert re.search(r"BIND_NOW|Flags: .*\bNOW\b", dyn), "no BIND_NOW"
    if t.emulated:
        assert re.search(r"__\w+_chk", syms), "no _FORTIFY_SOURCE calls"
    else:
        assert "INTERP" not in segs, "has an interpreter"
        assert "(NEEDED)" not in dyn, "needs shared libraries"
        r = subprocess.run(["ldd", t.bin], capture_output=True, timeout=30)
        assert b"statically linked" in r.stdout + r.stderr, r


# The pure core is the folder src/core/ (the Makefile globs the same folder).
CORE = sorted(f[:-2] for f in os.listdir(os.path.join(ROOT, "src", "core")) if f.endswith(".c"))


def core_purity(t):
    """The pure core stays pure on this target: its objects call nothing but
    each other, memcpy/memset, the stack protector and libgcc arithmetic
    (__aeabi_* 64-bit division on armhf, which has no divide instruction
    for 64-bit values)."""
    arch = os.path.basename(os.path.dirname(t.bin))
    objs = [os.path.join(os.path.dirname(t.bin), "core", c + ".o") for c in CORE]
    nm = arch + "-nm" if t.emulated else "nm"
    defined = set(subprocess.run([nm, "--defined-only"] + objs, capture_output=True,
                                 timeout=30).stdout.decode().split())
    undef = set(ln.split()[-1] for ln in subprocess.run(
        [nm, "-u"] + objs, capture_output=True, timeout=30).stdout.decode().splitlines()
        if ln.strip() and not ln.endswith(":"))
    ok = {"memcpy", "memset", "__stack_chk_fail", "__stack_chk_guard",
          "_GLOBAL_OFFSET_TABLE_"}
    bad = sorted(u for u in undef - ok - defined if not u.startswith("__aeabi_"))
    assert not bad, "the %s core calls: %s" % (arch, bad)


# What seccomp strict mode lets a session child call (sandbox.h).
STRICT_CALLS = {"read", "write", "exit", "rt_sigreturn", "sigreturn"}


def seccomp_allowlist(t):
    """Every syscall a child makes on this architecture is one its confinement allows.

    qemu-user cannot load seccomp, so this is the cross check of the
    aarch64/armhf confinement: qemu's -strace records the guest syscalls of
    children serving TCP (with a lifetime timer armed) and UDP, run with
    --no-sandbox; each one made after the child's signal set-up (where
    sandbox_child runs) must be one strict mode allows for a TCP child
    (read, write, exit, sigreturn), or be named by an __NR_... in
    udp_calls[] of src/sys/sandbox.c for the UDP child. Names only: the
    arch check, the search and the kill action are tests/unit/test_sandbox.c's
    and tests/sandbox's (on the build machine).
    """
    with open(os.path.join(ROOT, "src/sys/sandbox.c")) as f:
        text = f.read()
    lists = {"session": STRICT_CALLS}
    table = re.search(r"\budp_calls\[\] = \{(.*?)\n\};", text, re.S)
    lists["udp"] = set(re.findall(r"__NR_(\w+)", table.group(1))) if table else set()
    assert lists["udp"], "no udp_calls[] allow-list found in src/sys/sandbox.c"
    logpath = os.path.join(ROOT, "build/cross/strace-%s.log" % t.name)
    # The trace goes to standard error, not to a -D file: echod closes every
    # inherited descriptor above 2 at start, qemu's own log file among them.
    wrap = t.wrapper + ["-strace"]
    with et.Server("--no-sandbox", "--udp", "-v", "-T", "60", binary_path=t.bin, wrapper=wrap,
                   expect_ready=False) as srv:
        # The trace shares the log: a line of ours may start mid-line.
        rx = r"echod\[\d+\]: listening on 127\.0\.0\.1:(\d+)"
        assert srv.wait_log(rx, timeout=20.0), srv.log()[-2000:]
        srv.port = int(re.findall(rx, srv.log())[0])
        s = et.connect(srv.port)
        time.sleep(0.3)                  # the child waits in read first
        integration.echo_once(s, b"x" * 5000)
        s.shutdown(socket.SHUT_WR)
        s.settimeout(20)
        assert s.recv(10) == b""
        s.close()
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.settimeout(15)
        u.sendto(b"dgram", ("127.0.0.1", srv.port))
        assert u.recvfrom(100)[0] == b"dgram"
        u.close()
        assert srv.stop() == 0, srv.log()[-2000:]
        trace = srv.log()
    with open(logpath, "w") as f:
        f.write(trace)
    calls = {}
    if True:
        for line in trace.splitlines():
            m = re.match(r"^(\d+) (\w+)\(", line)
            if m:
                calls.setdefault(int(m.group(1)), []).append(m.group(2))
    kids = [p for p in calls if p != srv.pid]
    assert len(kids) >= 2, "expected a TCP and a UDP child in %s" % logpath
    bad = {}
    for pid in kids:
        seq = calls[pid]
        cut = max([i for i, c in enumerate(seq)
                   if c in ("rt_sigaction", "rt_sigprocmask", "setitimer")], default=-1)
        # The UDP child is the one that reads datagrams (recvmsg); each kind
        # of child is held to its own list (SANDBOX_SESSION, SANDBOX_UDP).
        allowed = lists["udp" if "recvmsg" in seq[cut + 1:] else "session"]
        for c in seq[cut + 1:]:
            if c not in allowed:
                bad.setdefault(c, pid)
    assert not bad, "syscalls outside the allow-list: %s (log %s)" % (bad, logpath)


def size_budget(t):
    """The stripped static musl binary fits in 128 KiB (make size)."""
    r = subprocess.run(["sh", os.path.join(ROOT, "tests/cross/size.sh")],
                       capture_output=True, cwd=ROOT, timeout=60)
    sys.stdout.write(r.stdout.decode())
    assert r.returncode == 0, r.stderr.decode()


def replay(name, seconds):
    """The armhf pure core replays the fuzz corpus of one harness under qemu-arm."""
    exe = os.path.join(ROOT, "build/cross/replay", name)
    corpus = os.path.join(ROOT, "fuzz/corpus", name)
    if not os.path.exists(os.path.join(ROOT, "fuzz", name + ".c")):
        return skip("armhf replay", "fuzz/%s.c (harness) not present" % name)
    if not os.path.isdir(corpus) or not os.listdir(corpus):
        return skip("armhf replay", "fuzz/corpus/%s/ absent or empty" % name)
    assert os.path.exists(exe), "%s not built" % exe
    r = subprocess.run(["qemu-arm", "-L", "/usr/arm-linux-gnueabihf", exe,
                        "%.2f" % seconds, corpus], capture_output=True,
                       timeout=seconds + 60)
    out = (r.stdout + r.stderr).decode("utf-8", "replace").strip()
    print("     %s: %s" % (name, out.splitlines()[-1] if out else ""))
    assert r.returncode == 0, "exit %d: %s" % (r.returncode, out[-500:])
    m = re.search(r"replay: (\d+) files", out)
    assert m and int(m.group(1)) > 0, out


def main():
    res = et.Results("cross")
    for name, path, wrapper, emulated in TARGETS:
        t = Target(name, path, wrapper, emulated)
        if not os.path.exists(t.bin):
            print("FAIL %s: %s not built" % (name, t.bin))
            res.failed += 1
            continue
        print("--- %s: %s%s" % (name, " ".join(wrapper) + " " if wrapper else "", path), flush=True)
        for case in (hardening, core_purity, sandbox):
            res.run(case, t)
        known = dict((name, (fn, args)) for name, fn, args, _ in integration.cases())
        for name in INTEGRATION:
            fn, args = known[name]
            res.run(integration.make_case(t.build(), name, fn, args))
        # Natively, sandbox() runs the real filter; under qemu only its list.
        res.run(seccomp_allowlist if emulated else size_budget, t)
    names = os.environ.get("CROSS_REPLAY", "numbers options address").split()
    total = float(os.environ.get("CROSS_REPLAY_SECONDS", "10"))
    print("--- armhf: fuzz corpus replay, %.0f s shared by %s" % (total, " ".join(names)), flush=True)
    for name in names:
        res.run(replay, name, total / len(names))
    if SKIPS:
        print("skipped (%d):" % len(SKIPS))
        for s in SKIPS:
            print("  " + s)
    return res.finish()


if __name__ == "__main__":
    sys.exit(main())
