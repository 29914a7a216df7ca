#!/usr/bin/env python3
"""tests/cross/run.py: the embedded-target suite (issue 9). Drives the static
musl build natively and the aarch64/armhf builds under qemu-user, over
loopback only; prints every skip with its reason and ends with
`cross: N passed, N failed, N skipped`.

Under qemu-user the server pid is the qemu process running the guest, and
each fork() of the guest is a host fork of qemu: /proc still shows the
server's children (as qemu processes), their states and the parent's
descriptors (qemu's own fds included, so fd checks compare before/after).
"""
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import echodtest as et  # noqa: E402

ROOT = et.ROOT
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

    def server(self, *args, **kw):
        return et.Server(*(list(args) + self.extra), binary_path=self.bin,
                         wrapper=self.wrapper, ready_timeout=20.0, **kw)

    def run(self, *args, timeout=30):
        return subprocess.run(self.wrapper + [self.bin] + list(args),
                              stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, env=et.base_env())


def skip(t, why):
    SKIPS.append("%s: %s" % (t, why))
    return ("skip", why)


def stats(srv, count):
    """Send SIGUSR1 and return the count-th stats line as a dict."""
    srv.signal(signal.SIGUSR1)
    assert srv.wait_log(r"stats accepted=", timeout=15, count=count), srv.log()
    line = re.findall(r"stats (.*)$", srv.log(), re.M)[count - 1]
    return dict(kv.split("=", 1) for kv in line.split())


def echo_ok(sock, data=b"x", timeout=15.0):
    sock.settimeout(timeout)
    sock.sendall(data)
    got = b""
    while len(got) < len(data):
        chunk = sock.recv(65536)
        assert chunk, "EOF before the echo"
        got += chunk
    assert got == data, "echo mismatch"


# --- cases -------------------------------------------------------------------
def sandbox(t):
    """Children confined as configured; decides whether the rest needs --no-sandbox."""
    with et.Server(binary_path=t.bin, wrapper=t.wrapper, ready_timeout=20.0) as srv:
        try:
            got = et.roundtrip(srv.port, b"sandbox", timeout=20)
        except OSError as e:
            got = repr(e).encode()
        if got == b"sandbox":
            return None
        log = srv.log()
    # qemu-user answers prctl(PR_SET_SECCOMP) with EINVAL (and has no
    # seccomp(2)): only that refusal is a skip; any other failure fails.
    if t.emulated and re.search(r"sandbox: (Invalid argument|Function not implemented)", log):
        t.extra = ["--no-sandbox"]
        first = [ln for ln in log.splitlines() if "sandbox" in ln][:1]
        return skip(t, "qemu-user does not emulate the seccomp filter (%s); "
                    "the other cases run with --no-sandbox" % "".join(first))
    raise AssertionError("child did not echo: %r; log: %s" % (got[:60], log))


def hardening(t):
    """The link-time hardening survived this target: RELRO, BIND_NOW, NX stack,
    stack protector; PIE and FORTIFY for the glibc cross builds; fully static
    (ldd: not a dynamic executable) for musl, which has no FORTIFY."""
    def out(*argv):
        return subprocess.run(argv, capture_output=True, timeout=30).stdout.decode()
    segs = out("readelf", "-lW", t.bin)
    assert "GNU_RELRO" in segs, "no RELRO"
    stack = [ln for ln in segs.splitlines() if "GNU_STACK" in ln]
    assert stack and stack[0].split()[-2] == "RW", "executable stack: %s" % stack
    syms = out("readelf", "-sW", t.bin)
    assert "__stack_chk_fail" in syms, "no stack protector"
    if t.emulated:
        assert "DYN (Position-Independent Executable" in out("readelf", "-hW", t.bin), "not PIE"
        dyn = out("readelf", "-dW", t.bin)
        assert re.search(r"BIND_NOW|Flags: .*\bNOW\b", dyn), "no BIND_NOW"
        assert re.search(r"__\w+_chk", syms), "no _FORTIFY_SOURCE calls"
    else:
        r = subprocess.run(["ldd", t.bin], capture_output=True, timeout=30)
        assert b"not a dynamic executable" in r.stdout + r.stderr, r
        assert "INTERP" not in segs and "DYNAMIC" not in segs, "has a dynamic segment"


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


def bad_arguments(t):
    for args in (["--port", "70000"], ["--bogus"], ["stray"], ["-p", "0x10"],
                 ["--max-clients", "0"], ["-p", "99999999999999999999"],
                 ["--port"], ["--udp", "--inetd"]):
        r = t.run(*args)
        err = r.stderr.decode("utf-8", "replace")
        assert r.returncode == 64, "%s: exit %d: %s" % (args, r.returncode, err)
        lines = err.strip().splitlines()
        assert len(lines) >= 1 and lines[0].startswith("echod: "), "%s: %r" % (args, err)
    r = t.run("--version")
    assert r.returncode == 0 and r.stdout.startswith(b"echod "), r


def echo(t):
    data = random.Random(1).randbytes(300000)
    with t.server() as srv:
        assert et.roundtrip(srv.port, data, timeout=60) == data
        assert et.roundtrip(srv.port, b"", timeout=20) == b""
        assert srv.stop() == 0, srv.log()


def half_close(t):
    """After our FIN, everything pending still comes back, then EOF."""
    data = random.Random(2).randbytes(200000)
    with t.server() as srv:
        s = et.connect(srv.port)
        s.sendall(data[:1000])
        s.shutdown(socket.SHUT_WR)   # half-close before reading anything
        got = b""
        s.settimeout(30)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        s.close()
        assert got == data[:1000], "got %d bytes" % len(got)
        s = et.connect(srv.port)
        got = et.exchange(s, data, timeout=60)
        s.close()
        assert got == data


def concurrent_50(t):
    """50 clients at once, distinct data each, every byte verified; no zombie, no fd leak."""
    with t.server() as srv:
        assert et.roundtrip(srv.port, b"warm") == b"warm"
        assert et.wait_until(lambda: not srv.children(), timeout=15)
        fds = srv.fd_count()
        blobs = [random.Random(100 + i).randbytes(40000 + 997 * i) for i in range(50)]
        socks = [et.connect(srv.port, timeout=30) for _ in blobs]
        res = et.run_parallel(lambda s, d: et.exchange(s, d, timeout=90),
                              list(zip(socks, blobs)), timeout=150)
        for s in socks:
            s.close()
        bad = [i for i, (r, d) in enumerate(zip(res, blobs)) if r != d]
        assert not bad, "clients %s wrong: %s" % (bad[:5], [str(res[i])[:80] for i in bad[:3]])
        assert et.wait_until(lambda: not srv.children(), timeout=30), \
            "children left: %s states %s" % (srv.children(), [et.proc_state(p) for p in srv.children()])
        assert srv.fd_count() == fds, "fds %d -> %d" % (fds, srv.fd_count())
        st = stats(srv, 1)
        assert st["accepted"] == "51" and st["active"] == "0", st


def zombies(t):
    """Many children ending together are all reaped."""
    with t.server() as srv:
        socks = [et.connect(srv.port) for _ in range(20)]
        for s in socks:
            echo_ok(s)
        assert et.wait_until(lambda: len(srv.children()) == 20, timeout=20), srv.children()
        for s in socks:
            s.shutdown(socket.SHUT_WR)
        for s in socks:
            s.settimeout(20)
            assert s.recv(10) == b""
            s.close()
        assert et.wait_until(lambda: not srv.children(), timeout=30), \
            "left: %s" % [(p, et.proc_state(p)) for p in srv.children()]


def signals(t):
    """SIGUSR1 logs stats and keeps serving; SIGTERM lets a session finish, exits 0."""
    with t.server("--grace", "30") as srv:
        s = et.connect(srv.port)
        echo_ok(s, b"before")
        st = stats(srv, 1)
        assert st["accepted"] == "1" and st["active"] == "1", st
        assert et.roundtrip(srv.port, b"after usr1") == b"after usr1"
        assert et.wait_until(lambda: len(srv.children()) == 1, timeout=15), srv.children()
        srv.signal(signal.SIGTERM)
        assert srv.wait_log(r"shutting down: 1 active", timeout=15), srv.log()
        echo_ok(s, b"during grace")    # the live session is left undisturbed
        st = stats(srv, 2)             # also during the grace period
        assert st["active"] == "1", st
        s.shutdown(socket.SHUT_WR)
        s.settimeout(20)
        assert s.recv(10) == b""
        s.close()
        assert srv.wait(30) == 0, srv.log()
        assert not srv.children()


def max_clients(t):
    """At the limit, a third client waits in the backlog and is served later."""
    with t.server("--max-clients", "2") as srv:
        a, b = et.connect(srv.port), et.connect(srv.port)
        echo_ok(a)
        echo_ok(b)
        c = et.connect(srv.port)
        c.sendall(b"waiting")
        time.sleep(1.0)
        st = stats(srv, 1)
        assert st["accepted"] == "2" and st["active"] == "2", st
        a.close()
        c.settimeout(30)
        got = b""
        while len(got) < 7:
            chunk = c.recv(64)
            assert chunk
            got += chunk
        assert got == b"waiting"
        for s in (b, c):
            s.close()


def per_ip(t):
    """Over --max-per-ip, the connection is closed at once and counted."""
    with t.server("--max-per-ip", "1") as srv:
        a = et.connect(srv.port)
        echo_ok(a)
        b = et.connect(srv.port)
        b.settimeout(20)
        try:
            b.sendall(b"refused?")
            got = b.recv(64)
        except (ConnectionResetError, BrokenPipeError):
            got = b""
        b.close()
        assert got == b"", "refused client got %r" % got
        st = stats(srv, 1)
        assert st["refused_per_ip"] == "1" and st["active"] == "1", st
        echo_ok(a, b"still served")
        a.close()


def user(t):
    """--user nobody: the server and its children run as nobody; an unknown user exits 67."""
    if os.geteuid() != 0:
        return skip(t, "--user needs root to test; not root")
    import pwd
    nobody = pwd.getpwnam("nobody").pw_uid
    r = t.run("--user", "no-such-user-echod", "--listen", "127.0.0.1", "--port", "0")
    assert r.returncode == 67, (r.returncode, r.stderr)
    with t.server("--user", "nobody") as srv:
        s = et.connect(srv.port)
        echo_ok(s)
        kids = srv.children()
        assert kids, "no child"
        for pid in [srv.pid] + kids:
            with open("/proc/%d/status" % pid) as f:
                uids = [ln for ln in f if ln.startswith("Uid:")][0].split()[1:]
            assert all(int(u) == nobody for u in uids), (pid, uids)
        s.close()
        assert srv.stop() == 0, srv.log()


def udp(t):
    """--udp echoes datagrams and counts them in the 64-bit shared counters."""
    with t.server("--udp") as srv:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.settimeout(15)
        u.bind(("127.0.0.1", 0))
        for i in range(5):
            msg = b"dgram %d " % i + bytes(range(256)) * 4
            u.sendto(msg, ("127.0.0.1", srv.port))
            got, _ = u.recvfrom(65536)
            assert got == msg
        u.close()
        # The child counts a datagram just after sending it back: ask again
        # (bounded) until the count has caught up with what we received.
        for n in range(1, 21):
            st = stats(srv, n)
            if st.get("udp_echoed") == "5":
                break
            time.sleep(0.2)
        assert st.get("udp_echoed") == "5" and st.get("udp_dropped") == "0", st


def seccomp_allowlist(t):
    """Every syscall a child makes on this architecture is in the filter's allow-list.

    qemu-user cannot load the filter, so this is the cross check of the
    aarch64/armhf allow-list: qemu's -strace records the guest syscalls of
    children serving TCP (with a poll wait) and UDP, run with --no-sandbox;
    each one made after the child's signal set-up (where sandbox_child
    runs) must be named by an __NR_... in its kind's table of src/sys/sandbox.c
    (session_calls[] for TCP children, udp_calls[] for the UDP child).
    Names only: the arch check, the search and the kill action are
    tests/unit/test_sandbox.c's (on the build machine).
    """
    with open(os.path.join(ROOT, "src/sys/sandbox.c")) as f:
        text = f.read()
    lists = {}
    for kind in ("session", "udp"):
        table = re.search(r"\b%s_calls\[\] = \{(.*?)\n\};" % kind, text, re.S)
        lists[kind] = set(re.findall(r"__NR_(\w+)", table.group(1))) if table else set()
        assert lists[kind], "no %s_calls[] allow-list found in src/sys/sandbox.c" % kind
    logpath = os.path.join(ROOT, "build/cross/strace-%s.log" % t.name)
    # The trace goes to standard error, not to a -D file: echod closes every
    # inherited descriptor above 2 at start, qemu's own log file among them.
    wrap = t.wrapper + ["-strace"]
    with et.Server("--no-sandbox", "--udp", "-v", binary_path=t.bin, wrapper=wrap,
                   expect_ready=False) as srv:
        # The trace shares the log: a line of ours may start mid-line.
        rx = r"echod\[\d+\]: listening on 127\.0\.0\.1:(\d+)"
        assert srv.wait_log(rx, timeout=20.0), srv.log()[-2000:]
        srv.port = int(re.findall(rx, srv.log())[0])
        s = et.connect(srv.port)
        time.sleep(0.3)                  # the child waits in poll first
        echo_ok(s, b"x" * 5000)
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
        cut = max([i for i, c in enumerate(seq) if c in ("rt_sigaction", "rt_sigprocmask")],
                  default=-1)
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
        cases = [hardening, core_purity, sandbox, bad_arguments, echo, half_close, concurrent_50, zombies,
                 signals, max_clients, per_ip, user, udp]
        # Natively, sandbox() runs the real filter; under qemu only its list.
        cases.append(seccomp_allowlist if emulated else size_budget)
        for case in cases:
            res.run(case, t)
    names = os.environ.get("CROSS_REPLAY", "numbers options address echobuf").split()
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
