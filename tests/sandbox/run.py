#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tests/sandbox/run.py: proves the children's confinement is active and harmless.

The release binary echoes confined (TCP and --inetd in seccomp strict mode,
UDP under its filter); its children show Seccomp: 1 (UDP: 2) and the lowered
limits in /proc; the test-only selftest build (-DECHOD_SANDBOX_SELFTEST: once
confined, the child makes the call ECHOD_SELFTEST_CALL names) is killed by
SIGKILL for every call but strict mode's four, and the parent logs it; the
sanitizer build echoes under its session filter and, without it, passes
LeakSanitizer's exit check over the whole session. Loopback only; kills only
the pids it started.
"""
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import echodtest as t  # noqa: E402

RELEASE = t.BINARIES["release"]
ASAN = t.BINARIES["asan"]
SELFTEST = os.environ.get("ECHOD_SELFTEST",
                          os.path.join(t.ROOT, "build", "lint", "echod-selftest"))
PREFILTER = os.environ.get("ECHOD_PREFILTER",
                           os.path.join(t.ROOT, "build", "lint", "prefilter"))
PAYLOAD = bytes(range(256)) * 1024  # 256 KiB: several buffer turns


# Calls a confined session child must not make (the selftest build's names):
# everything but read, write, exit and sigreturn; exit_group is what _exit uses.
ESCAPES = ("openat", "getpid", "close", "socket", "exit_group", "kill",
           "clock_gettime", "dup", "sendto", "recvfrom", "mmap")


def inetd(binary, data, *args, timeout=20.0, env=None, wrapper=()):
    """Run one --inetd session on a socketpair; (returncode, echo, stderr)."""
    ours, theirs = socket.socketpair()
    err = t.log_file()
    proc = subprocess.Popen(list(wrapper) + [binary, "--inetd", "-v"] + list(args), stdin=theirs,
                            stdout=theirs, stderr=err, env=t.base_env(env))
    theirs.close()
    try:
        got = t.exchange(ours, data, timeout)
    except OSError:
        got = b""  # a killed child may reset the socket
    finally:
        ours.close()
    try:
        rc = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
        raise
    return rc, got, t.read_log(err)


def proc_field(pid, name):
    """The fields of line `name:` of /proc/PID/status; fails when there is none."""
    fields = t.proc_status(pid, name)
    assert fields, "no %s: in /proc/%d/status" % (name, pid)
    return fields


def one_child(srv):
    assert t.wait_until(lambda: len(srv.children()) == 1), \
        "expected one child, have %s" % srv.children()
    return srv.children()[0]


def test_inetd_echo_confined():
    rc, got, err = inetd(RELEASE, PAYLOAD)
    assert got == PAYLOAD, "echo differs (%d of %d bytes)" % (len(got), len(PAYLOAD))
    assert rc == 0, "exit %s: %s" % (rc, err)
    assert "received=%d sent=%d end=eof" % (len(PAYLOAD), len(PAYLOAD)) in err, err


def test_inetd_escapes_killed():
    for call in ESCAPES:
        rc, got, err = inetd(SELFTEST, b"ping\n", env={"ECHOD_SELFTEST_CALL": call})
        assert rc == -signal.SIGKILL, "selftest --inetd after %s ended %s, not SIGKILL: %s" \
            % (call, rc, err)
        assert got == b"", "the confined process echoed %r after %s" % (got, call)


def test_inetd_selftest_without_sandbox_echoes():
    # Control: the selftest binary is otherwise a working echod; it dies
    # only on the confined path (the release binary, with the filter and
    # without the open(2), echoes: test_inetd_echo_confined).
    rc, got, err = inetd(SELFTEST, b"ping\n", "--no-sandbox")
    assert rc == 0 and got == b"ping\n", "rc %s got %r: %s" % (rc, got, err)
    assert "warning: sandbox disabled" in err, err


def echo_through_child(srv, check):
    """One client through srv: check(child pid) while the child serves it,
    then PAYLOAD echoed whole and the child's close line logged."""
    s = t.connect(srv.port)
    try:
        s.sendall(b"x")
        assert s.recv(1) == b"x"
        check(one_child(srv))
        got = t.exchange(s, PAYLOAD)
    finally:
        s.close()
    assert got == PAYLOAD, "echo differs (%d of %d bytes)" % (len(got), len(PAYLOAD))
    # The confined child still writes its close line and exits.
    assert srv.wait_log(r"close 127\.0\.0\.1:\d+ received=%d sent=%d end=eof"
                        % (len(PAYLOAD) + 1, len(PAYLOAD) + 1)), srv.log()


def test_tcp_child_confined_and_limited():
    def check(kid):
        assert proc_field(kid, "Seccomp") == ["1"], "child not in strict mode"
        assert proc_field(srv.pid, "Seccomp") == ["0"], "the parent is confined"
        lim = t.proc_limits(kid)
        # 3 + ECHOD_MAX_LISTENERS (16): the UDP child polls them all.
        assert lim.get("Max open files") == (19, 19), "RLIMIT_NOFILE %s" % (lim.get("Max open files"),)
        assert lim.get("Max core file size") == (0, 0), "RLIMIT_CORE %s" % (lim.get("Max core file size"),)

    with t.Server("-v", binary_path=RELEASE) as srv:
        echo_through_child(srv, check)
        assert t.wait_until(lambda: not srv.children()), "child left behind"
        assert srv.stop() == 0


def test_under_a_filter_confined():
    # systemd's SystemCallFilter= (the shipped units) or a container's
    # profile leaves a filter installed, and strict mode cannot follow one
    # (EINVAL): the child must load the same four calls as a filter instead.
    def check(kid):
        assert proc_field(kid, "Seccomp") == ["2"], "child not filtered"
        assert proc_field(kid, "Seccomp_filters") == ["2"], "child's own filter missing"

    rc, got, err = inetd(RELEASE, PAYLOAD, wrapper=[PREFILTER])
    assert got == PAYLOAD and rc == 0, "--inetd under a filter: rc %s, %d of %d bytes: %s" \
        % (rc, len(got), len(PAYLOAD), err)
    with t.Server("-v", binary_path=RELEASE, wrapper=[PREFILTER]) as srv:
        echo_through_child(srv, check)
        assert srv.stop() == 0
    for call in ESCAPES:
        rc, got, err = inetd(SELFTEST, b"ping\n", wrapper=[PREFILTER],
                             env={"ECHOD_SELFTEST_CALL": call})
        assert rc in (-signal.SIGSYS, -signal.SIGKILL), \
            "selftest --inetd under a filter after %s ended %s: %s" % (call, rc, err)
        assert got == b"", "the filtered process echoed %r after %s" % (got, call)


def test_tcp_no_sandbox_unconfined():
    with t.Server("--no-sandbox", binary_path=RELEASE) as srv:
        s = t.connect(srv.port)
        try:
            s.sendall(b"x")
            assert s.recv(1) == b"x"
            assert proc_field(one_child(srv), "Seccomp") == ["0"]
        finally:
            s.close()
        assert "warning: sandbox disabled" in srv.log()


def test_tcp_child_escape_killed_and_logged():
    # The start-up probe's child makes the call too and is killed the same
    # way: the server counts that as confinement working, and starts.
    for call in ("openat", "exit_group", "getpid", "socket"):
        with t.Server(binary_path=SELFTEST, env={"ECHOD_SELFTEST_CALL": call}) as srv:
            try:
                got = t.roundtrip(srv.port, b"ping\n", timeout=10)
            except OSError:
                got = b""
            assert got == b"", "the confined child echoed %r after %s" % (got, call)
            assert srv.wait_log(r"child \d+ killed by signal %d \(SIGKILL\)" % signal.SIGKILL), \
                "%s: %s" % (call, srv.log())
            assert srv.stop() == 0, srv.log()


def test_udp_child_confined():
    with t.Server("--udp", binary_path=RELEASE) as srv:
        udp = [a for u, a in srv.listening if u]
        assert udp, srv.log()
        port = int(udp[0].rsplit(":", 1)[1])
        kid = one_child(srv)
        assert proc_field(kid, "Seccomp") == ["2"], "udp child not confined"
        c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        c.settimeout(5)
        try:
            c.bind(("127.0.0.1", 0))
            for n in (1, 1000, 65507):
                data = os.urandom(n)
                c.sendto(data, ("127.0.0.1", port))
                got, _ = c.recvfrom(65536)
                assert got == data, "datagram of %d came back as %d" % (n, len(got))
        finally:
            c.close()
        assert srv.children() == [kid], "udp child restarted: %s" % srv.log()
        assert srv.stop() == 0


def as_unprivileged():
    """preexec_fn for a server run under a uid other than root, and that uid.

    The kernel makes a non-dumpable process's /proc/PID files root's;
    under root they are root's anyway, so the server runs as nobody then
    (ports 0 need no privilege). Without root, as ourselves.
    """
    if os.getuid() != 0:
        return None, os.getuid()
    import pwd
    pw = pwd.getpwnam("nobody")

    def drop():
        os.setgroups([])
        os.setgid(pw.pw_gid)
        os.setuid(pw.pw_uid)
    return drop, pw.pw_uid


@contextlib.contextmanager
def reachable_copy(path):
    """The binary copied where another uid can run it: a checkout may sit in a
    directory only its owner can enter (mktemp -d makes them 0700)."""
    d = tempfile.mkdtemp(prefix="echod-sandbox-")
    try:
        os.chmod(d, 0o755)
        yield t.copy_reachable(path, d)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def children_dumpable(*args):
    """{pid: owner uid of /proc/PID/status} for the TCP and UDP children, and the server's owner."""
    drop, uid = as_unprivileged()
    with reachable_copy(RELEASE) as binary, \
            t.Server("--udp", *args, binary_path=binary, preexec=drop) as srv:
        assert t.wait_until(lambda: len(srv.children()) == 1), srv.log()
        s = t.connect(srv.port)
        try:
            s.sendall(b"x")
            assert s.recv(1) == b"x"
            assert t.wait_until(lambda: len(srv.children()) == 2), srv.children()
            owners = {k: os.stat("/proc/%d/status" % k).st_uid for k in srv.children()}
            server_owner = os.stat("/proc/%d/status" % srv.pid).st_uid
        finally:
            s.close()
        assert srv.stop() == 0, srv.log()
    return uid, server_owner, owners


def test_children_not_dumpable():
    # PR_SET_DUMPABLE 0 in every confined child: a piped core_pattern ignores
    # RLIMIT_CORE, and a dumpable child could be read through /proc or ptrace.
    uid, server_owner, owners = children_dumpable()
    if uid == 0:
        return ("skip", "no unprivileged uid to run the server as")
    assert server_owner == uid, "the server itself: /proc owner %d, want %d" % (server_owner, uid)
    assert all(o == 0 for o in owners.values()), \
        "dumpable children (/proc owner is the uid, not root): %s" % owners
    # Control: unconfined children stay dumpable, so the check can tell.
    uid, _, owners = children_dumpable("--no-sandbox")
    assert all(o == uid for o in owners.values()), "--no-sandbox children: %s" % owners


def test_asan_confined_echo():
    rc, got, err = inetd(ASAN, PAYLOAD)
    assert got == PAYLOAD and rc == 0, "rc %s, %d bytes: %s" % (rc, len(got), err)
    with t.Server("-v", binary_path=ASAN) as srv:
        s = t.connect(srv.port)
        try:
            s.sendall(b"x")
            assert s.recv(1) == b"x"
            # The sanitizer build confines by its session filter instead (sandbox.h).
            assert proc_field(one_child(srv), "Seccomp") == ["2"], "asan child not filtered"
        finally:
            s.close()
        got = t.roundtrip(srv.port, PAYLOAD)
        assert got == PAYLOAD
        assert srv.wait_log(r"end=eof"), srv.log()
        assert srv.stop() == 0
        assert not srv.sanitizer_reports(), srv.log()


def test_asan_unconfined_session_leak_checked():
    # Under the filter LeakSanitizer checks at confinement; here it checks at
    # exit(), after the whole session and the close line.
    rc, got, err = inetd(ASAN, PAYLOAD, "--no-sandbox")
    assert got == PAYLOAD and rc == 0, "rc %s: %s" % (rc, err)
    assert not [m for m in t.SANITIZER_MARKS if m in err], err


def main():
    r = t.Results("sandbox")
    for b in (RELEASE, ASAN, SELFTEST, PREFILTER):
        if not os.access(b, os.X_OK):
            print("sandbox: missing %s (make sandbox-test builds it)" % b)
            print("sandbox: 0 passed, 1 failed")
            return 1
    r.run(test_inetd_echo_confined)
    r.run(test_inetd_escapes_killed)
    r.run(test_inetd_selftest_without_sandbox_echoes)
    r.run(test_tcp_child_confined_and_limited)
    r.run(test_under_a_filter_confined)
    r.run(test_tcp_no_sandbox_unconfined)
    r.run(test_tcp_child_escape_killed_and_logged)
    r.run(test_udp_child_confined)
    r.run(test_children_not_dumpable)
    r.run(test_asan_confined_echo)
    r.run(test_asan_unconfined_session_leak_checked)
    return r.finish()


if __name__ == "__main__":
    sys.exit(main())
