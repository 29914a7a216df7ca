#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tests/integration/run.py: the integration suite: drives the real echod binary over loopback.

Runs every case against the sanitizer build (build/asan/echod) and the
release build (build/echod), then a small subset under valgrind; on
request (make integration-static) every case against the static-PIE musl
build (build/static/echod), a release binary too. A case
fails on a wrong answer, on any sanitizer or valgrind report in the
server's stderr, or when a server it started does not exit 0 on SIGTERM.
Touches only 127.0.0.1 and ::1, bounds every wait, kills only its own pids.
tests/cross/run.py runs a subset of these cases (Build, make_case) on the
cross builds, with qemu-user as the wrapper the way valgrind is here.

    python3 tests/integration/run.py [-k SUBSTRING] [--builds asan,release,valgrind,static]
    ECHOD_BUILD=asan python3 tests/integration/run.py             (that build only)
    ECHOD_BUILD=static python3 tests/integration/run.py           (the musl build only)
    ECHOD_BIN=path/to/echod python3 tests/integration/run.py    (that binary only)
"""
import argparse
import contextlib
import errno
import fcntl
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
import echodtest as et  # noqa: E402

VALGRIND_RE = re.compile(r"^==\d+== ", re.M)
VALGRIND = ["valgrind", "--trace-children=yes", "--error-exitcode=1",
            "--track-fds=no", "-q"]


class Build:
    """A binary to test, maybe under a wrapper (valgrind); libc: the C
    library it is linked with ("musl" for the static build), whose words
    its error lines use."""

    def __init__(self, name, path, wrapper=None, extra=(), ready_timeout=15.0, libc="glibc"):
        self.name = name
        self.path = path
        self.wrapper = wrapper
        self.extra = list(extra)
        self.ready_timeout = ready_timeout
        self.libc = libc

    def strerror(self, code):
        return et.strerror(code, self.libc)

    def argv(self, args):
        return (self.wrapper or []) + [self.path] + self.extra + list(args)


def reports(text):
    """Sanitizer or valgrind reports found in a log."""
    found = [m for m in et.SANITIZER_MARKS if m in text]
    if VALGRIND_RE.search(text):
        found.append("valgrind")
    return found


class Ctx:
    """What one case started: servers and processes, checked and cleaned up after it."""

    def __init__(self, build):
        self.b = build
        self.servers = []
        self.procs = []   # (Popen, errfile)

    def server(self, *args, **kw):
        kw.setdefault("binary_path", self.b.path)
        kw.setdefault("ready_timeout", self.b.ready_timeout)
        if self.b.wrapper:     # a launcher (activation) runs the build's wrapper in turn
            kw["wrapper"] = kw.get("wrapper", []) + self.b.wrapper
        s = et.Server(*(self.b.extra + list(args)), **kw)
        self.servers.append(s)
        return s

    def spawn(self, args, **kw):
        """Start the binary (maybe wrapped) with args; stderr to a temp file."""
        err = et.log_file()
        kw.setdefault("stdin", subprocess.DEVNULL)
        kw.setdefault("stdout", subprocess.DEVNULL)
        p = subprocess.Popen(self.b.argv(args), stderr=err, env=et.base_env(kw.pop("env", None)), **kw)
        self.procs.append((p, err))
        return p, err

    def run(self, args, timeout=20.0):
        """Run to completion; returns (status, stdout bytes, stderr text)."""
        p = subprocess.run(self.b.argv(args), stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=timeout, env=et.base_env())
        text = p.stderr.decode("utf-8", "replace")
        bad = reports(text)
        if bad:
            raise AssertionError("reports %s in stderr: %s" % (bad, text[-2000:]))
        return p.returncode, p.stdout, text

    def teardown(self):
        problems = []
        for s in self.servers:
            if s.proc.poll() is None:
                s.signal(signal.SIGTERM)
                try:
                    rc = s.wait(15)
                except subprocess.TimeoutExpired:
                    s.kill()
                    problems.append("server %d ignored SIGTERM" % s.pid)
                    rc = 0
            else:
                rc = s.proc.returncode
            if rc != 0:
                problems.append("server %d exited %s" % (s.pid, rc))
            bad = reports(s.log())
            if bad:
                problems.append("reports %s: %s" % (bad, s.log()[-3000:]))
        for p, err in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait(5)
            text = et.read_log(err)
            bad = reports(text)
            if bad:
                problems.append("reports %s: %s" % (bad, text[-3000:]))
        if problems:
            raise AssertionError("; ".join(problems))


# --- small helpers -------------------------------------------------------------

check, stats, recv_eof, reset, ipv6_ok = et.check, et.stats, et.recv_eof, et.reset, et.ipv6_ok


def recv_exact(sock, n, timeout=20.0):
    sock.settimeout(timeout)
    got = bytearray()
    while len(got) < n:
        chunk = sock.recv(n - len(got))
        if not chunk:
            break
        got += chunk
    return bytes(got)


def echo_once(sock, data, timeout=20.0):
    sock.sendall(data)
    back = recv_exact(sock, len(data), timeout)
    check(back == data, "echo of %d bytes came back as %d bytes" % (len(data), len(back)))


def held(port, host="127.0.0.1"):
    """A connection known to be served: one byte echoed."""
    s = et.connect(port, host)
    echo_once(s, b"h")
    return s


def close_clean(sock):
    sock.shutdown(socket.SHUT_WR)
    recv_eof(sock)
    sock.close()


def wait_children(s, n, timeout=20.0):
    check(et.wait_until(lambda: len(s.children()) == n, timeout),
          "server has %d children, want %d" % (len(s.children()), n))


# --- echo ------------------------------------------------------------------------

def echo_small(c):
    s = c.server()
    for data in (b"hello\n", b"x", os.urandom(65535), os.urandom(65536),
                 os.urandom(65537), os.urandom(300000)):
        back = et.roundtrip(s.port, data)
        check(back == data, "%d bytes sent, %d back, equal=%s" % (len(data), len(back), back == data))


def echo_16mib(c):
    s = c.server()
    data = os.urandom(16 << 20)
    back = et.roundtrip(s.port, data, timeout=180)
    check(len(back) == len(data), "16 MiB: %d bytes back" % len(back))
    check(back == data, "16 MiB: bytes differ")


def half_close(c):
    s = c.server("-v")
    data = os.urandom(32768)
    k = et.connect(s.port)
    k.sendall(data)
    k.shutdown(socket.SHUT_WR)
    back, rst = recv_eof(k)
    k.close()
    check(not rst and back == data, "half-close: %d of %d bytes, reset=%s" % (len(back), len(data), rst))
    check(s.wait_log(r"close 127\.0\.0\.1:\d+ received=32768 sent=32768 end=eof$"),
          "no close line: " + s.log())


def zero_byte(c):
    s = c.server("-v")
    k = et.connect(s.port)
    k.shutdown(socket.SHUT_WR)
    back, rst = recv_eof(k, 10)
    k.close()
    check(back == b"" and not rst, "zero-byte session got %r reset=%s" % (back[:20], rst))
    check(s.wait_log(r"received=0 sent=0 end=eof$"), "no close line: " + s.log())
    wait_children(s, 0)


def concurrent_200(c):
    s = c.server("-c", "256")
    datas = [os.urandom(256 << 10) for _ in range(200)]
    res = et.run_parallel(lambda d: et.roundtrip(s.port, d, timeout=150), [(d,) for d in datas], timeout=200)
    bad = [i for i, (d, r) in enumerate(zip(datas, res)) if r != d]
    errs = [r for r in res if isinstance(r, Exception)]
    check(not bad, "%d of 200 clients got wrong echoes (%s)" % (len(bad), errs[:3]))
    wait_children(s, 0)
    check(not s.zombies(), "zombies left")


def max_clients_wait(c):
    s = c.server("-c", "2")
    a = held(s.port)
    b = held(s.port)
    wait_children(s, 2)
    datas = [os.urandom(1000 + i) for i in range(5)]
    res = [None] * 5

    def client(i):
        try:
            res[i] = et.roundtrip(s.port, datas[i], timeout=60)
        except Exception as e:  # reported below
            res[i] = e

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(5)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    check(all(r is None for r in res), "served while --max-clients 2 were busy: %s" % res)
    st = stats(s)
    check(st["accepted"] == 2 and st["active"] == 2, "stats at the limit: %s" % st)
    close_clean(a)
    close_clean(b)
    for t in threads:
        t.join(90)
    check(all(r == d for r, d in zip(res, datas)), "waiting clients not all served: %s"
          % [type(r).__name__ if not isinstance(r, bytes) else len(r) for r in res])
    wait_children(s, 0)
    st = stats(s)
    check(st["accepted"] == 7 and st["active"] == 0 and st["refused_per_ip"] == 0, "stats after: %s" % st)


def per_ip_refusal(c, quiet=False):
    s = c.server("-C", "1", "-c", "10", *(["-q"] if quiet else []))
    a = held(s.port)
    wait_children(s, 1)
    b = et.connect(s.port)
    back, _ = recv_eof(b, 10)     # closed at once, never served
    b.close()
    check(back == b"", "refused client got bytes")
    rx = r"^echod\[%d\]: refused 127\.0\.0\.1:\d+: over --max-per-ip 1$" % s.pid
    if quiet:
        time.sleep(0.3)
        check("refused" not in s.log(), "-q logged a per-IP refusal: " + s.log())
    else:
        check(s.wait_log(rx), "refusal not logged: " + s.log())
    st = stats(s)
    check(st["accepted"] == 2 and st["active"] == 1 and st["refused_per_ip"] == 1, "stats: %s" % st)
    echo_once(a, b"still served")
    close_clean(a)
    wait_children(s, 0)
    check(et.roundtrip(s.port, b"after") == b"after", "not served after the slot freed")


def per_ip_mapped(c):
    """On the dual-stack default, 127.0.0.1 arrives as ::ffff:127.0.0.1 and counts as 127.0.0.1."""
    if not ipv6_ok():
        return ("skip", "no IPv6 loopback")
    s = c.server("-C", "1", "-v", listen=None)
    a = held(s.port)
    b = et.connect(s.port)
    back, _ = recv_eof(b, 10)
    b.close()
    check(back == b"", "second 127.0.0.1 client served")
    check(s.wait_log(r"refused (127\.0\.0\.1|\[::ffff:127\.0\.0\.1\]):\d+: over --max-per-ip 1$"),
          "refusal not logged: " + s.log())
    six = held(s.port, "::1")       # another address: served
    close_clean(six)
    close_clean(a)
    st = stats(s)
    check(st["refused_per_ip"] == 1 and st["accepted"] == 3, "stats: %s" % st)


# --- timeouts ----------------------------------------------------------------------

def idle_timeout(c):
    s = c.server("-t", "1", "-v")
    k = et.connect(s.port)
    t0 = time.monotonic()
    back, _ = recv_eof(k, 20)
    k.close()
    check(back == b"" and time.monotonic() - t0 >= 1.0, "idle client not closed after -t 1")
    check(s.wait_log(r"end=idle-timeout$"), "no idle-timeout close line: " + s.log())
    wait_children(s, 0)
    # A client that keeps bytes moving is not idle (-t 3: room for a loaded machine).
    s = c.server("-t", "3")
    busy = et.connect(s.port)
    for i in range(30):
        echo_once(busy, b"%d" % i)
        time.sleep(0.2)
    close_clean(busy)


def max_lifetime(c, secs):
    s = c.server("-T", str(secs), "-t", "0", "-v")
    k = et.connect(s.port)
    t0 = time.monotonic()
    closed = False
    while time.monotonic() - t0 < secs + 15:
        try:
            k.sendall(b"d")
            if recv_exact(k, 1, 10) != b"d":
                closed = True
                break
        except (ConnectionResetError, BrokenPipeError):
            closed = True
            break
        time.sleep(0.2)
    took = time.monotonic() - t0
    k.close()
    check(closed, "a busy client was never closed by -T %d" % secs)
    check(took >= secs, "closed after %.2fs, before -T %d" % (took, secs))
    check(s.wait_log(r"end=max-lifetime$"), "no max-lifetime close line: " + s.log())
    wait_children(s, 0)


def client_reset(c):
    s = c.server("-v")
    k = et.connect(s.port)
    k.sendall(os.urandom(512 << 10))
    time.sleep(0.1)
    reset(k)
    wait_children(s, 0)
    check(s.wait_log(r"end=error error="), "no error close line: " + s.log())
    check(et.roundtrip(s.port, b"next") == b"next", "server did not survive a reset")


def never_reads(c):
    s = c.server("-t", "1", "-v")
    k = et.connect(s.port)
    k.setblocking(False)
    chunk = b"n" * 65536
    sent = 0
    stalled = 0
    while sent < (256 << 20) and stalled < 10:
        try:
            sent += k.send(chunk)
            stalled = 0
        except BlockingIOError:
            stalled += 1
            time.sleep(0.05)
        except (ConnectionResetError, BrokenPipeError):
            break               # the idle timeout already ended it
    wait_children(s, 0, timeout=30)
    k.close()
    check(s.wait_log(r"end=idle-timeout$"), "child not ended by the idle timeout: " + s.log())
    check(et.roundtrip(s.port, b"ok") == b"ok", "server not serving after")


# --- processes -----------------------------------------------------------------------

def burst_no_zombies(c):
    s = c.server("-c", "128")
    socks = [held(s.port) for _ in range(60)]
    wait_children(s, 60)
    for k in socks:
        k.close()
    wait_children(s, 0, timeout=30)
    check(not s.zombies(), "zombies: %s" % s.zombies())
    st = stats(s)
    check(st["active"] == 0 and st["accepted"] == 60, "stats: %s" % st)


def fd_baseline_500(c):
    s = c.server("-c", "64")
    check(et.roundtrip(s.port, b"warm") == b"warm", "warm-up echo")
    wait_children(s, 0)
    base = s.fd_count()

    def worker(n):
        for i in range(n):
            d = b"%d" % i
            if et.roundtrip(s.port, d, timeout=30) != d:
                return False
        return True

    res = et.run_parallel(worker, [(50,)] * 10, timeout=240)
    check(all(r is True for r in res), "not every connection echoed: %s" % res)
    wait_children(s, 0, timeout=30)
    check(et.wait_until(lambda: s.fd_count() == base, 5), "fd count %d after 500 connections, baseline %d"
          % (s.fd_count(), base))
    st = stats(s)
    check(st["accepted"] == 501, "accepted %d, want 501" % st["accepted"])


def stop_idle(c, signo):
    s = c.server()
    s.signal(signo)
    rc = s.wait(15)
    check(rc == 0, "exit %s on signal %d" % (rc, signo))
    check(s.wait_log(r"exiting$", 1), "no exiting line")


def stop_with_client(c, signo):
    """Children finish undisturbed; the server exits as soon as the last one is gone."""
    s = c.server("-g", "60", "-v")
    k = held(s.port)
    kids = s.children()
    check(len(kids) == 1, "one child expected: %s" % kids)
    s.signal(signo)
    check(s.wait_log(r"shutting down: 1 active, grace 60 s$"), "no shutting-down line: " + s.log())
    try:
        n = et.connect(s.port, timeout=5)
        n.close()
        raise AssertionError("listener still accepting after the signal")
    except (ConnectionRefusedError, ConnectionResetError):
        pass
    data = os.urandom(200000)
    back = et.exchange(k, data, timeout=30, shut=False)
    check(back == data, "session disturbed by the shutdown")
    check(s.proc.poll() is None, "server exited with a child alive")
    t0 = time.monotonic()
    close_clean(k)
    rc = s.wait(20)
    check(rc == 0, "exit %s" % rc)
    check(time.monotonic() - t0 < 30, "waited out the grace period")
    check(all(et.proc_state(p) is None for p in kids), "child left behind")


def sigint_group(c):
    """Ctrl-C reaches the whole process group: children ignore it and finish their sessions."""
    s = c.server("-g", "60", "-v", preexec=os.setsid)
    k = held(s.port)
    kids = s.children()
    os.killpg(s.pid, signal.SIGINT)
    check(s.wait_log(r"shutting down: 1 active"), "no shutting-down line: " + s.log())
    data = os.urandom(100000)
    check(et.exchange(k, data, timeout=30, shut=False) == data, "child disturbed by the group's SIGINT")
    close_clean(k)
    check(s.wait(20) == 0, "exit status")
    check(all(et.proc_state(p) is None for p in kids), "child left behind")


def stop_grace_kill(c, signo):
    s = c.server("-g", "5")
    k = held(s.port)
    kids = s.children()
    t0 = time.monotonic()
    s.signal(signo)
    check(s.wait_log(r"shutting down"), "no shutting-down line")
    echo_once(k, b"during grace")          # undisturbed during the grace period
    st = stats(s)                           # SIGUSR1 works during the grace period
    check(st["active"] == 1, "stats during grace: %s" % st)
    rc = s.wait(30)
    took = time.monotonic() - t0
    check(rc == 0, "exit %s" % rc)
    check(took >= 5.0, "grace not respected: exited after %.2fs of -g 5" % took)
    check(all(et.proc_state(p) is None for p in kids), "child left behind")
    check(s.wait_log(r"grace period over: killed 1 children$", 1), "no kill line: " + s.log())
    back, _ = recv_eof(k, 10)
    k.close()


def stats_line(c):
    s = c.server("-C", "1")
    a = held(s.port)
    b = et.connect(s.port)
    recv_eof(b, 10)
    b.close()
    st = stats(s)
    check(st == {"accepted": 2, "active": 1, "refused_per_ip": 1, "fork_failed": 0, "accept_errors": 0,
                 "refused_acl": 0, "refused_rate": 0},
          "stats: %s" % st)
    close_clean(a)
    wait_children(s, 0)
    check(et.roundtrip(s.port, b"more") == b"more", "echo after SIGUSR1")
    wait_children(s, 0)
    st = stats(s)
    check(st["accepted"] == 3 and st["active"] == 0, "stats: %s" % st)
    check(s.proc.poll() is None, "SIGUSR1 ended the server")
    lines = [ln for ln in s.log().splitlines() if " stats " in ln]
    check(all(re.match(et.STATS_PATTERN + r"\Z", ln) for ln in lines), "stats line format: %s" % lines)


# --- policy and start-up edges ---------------------------------------------------------------

def per_ip_sequential(c):
    """-C 1: strictly sequential sessions (each reads the server's EOF first) are never refused."""
    s = c.server("-C", "1", "-q")
    bad = 0
    for i in range(200):
        data = b"seq %d" % i
        try:
            ok = et.roundtrip(s.port, data, timeout=20) == data
        except OSError:     # refused: closed at once, maybe reset
            ok = False
        bad += not ok
    st = stats(s)
    check(bad == 0 and st["refused_per_ip"] == 0,
          "%d of 200 sequential sessions not echoed, stats %s" % (bad, st))


def per_ip_slot_reuse(c):
    """-C 1: a slot freed by an ended session and reused still counts its new client."""
    s = c.server("-C", "1")
    check(et.roundtrip(s.port, b"first") == b"first", "first session")
    wait_children(s, 0)
    a = held(s.port)            # takes the slot the first session left
    b = et.connect(s.port)      # the same address again, while a is served
    back, _ = recv_eof(b, 10)
    b.close()
    check(back == b"", "a second connection from one address echoed under -C 1")
    check(stats(s)["refused_per_ip"] == 1, "not counted as refused: " + s.log())
    close_clean(a)


SIG_LINE = r"^echod\[%d\]: child %d killed by signal %d \(%s\)$"


def child_killed_logged(c):
    """A child ended by a signal the parent did not send is logged, also under -q."""
    s = c.server("-q")
    k = held(s.port)
    kid = s.children()[0]
    os.kill(kid, signal.SIGUSR2)     # a sanitizer handles SIGSEGV itself; SIGUSR2 just ends it
    check(s.wait_log(SIG_LINE % (s.pid, kid, signal.SIGUSR2, "SIGUSR2")), "no kill line: " + s.log())
    k.close()
    # SIGTERM keeps its default in a child: an admin can end one session.
    k = held(s.port)
    kid = [p for p in s.children() if p != kid][0]
    os.kill(kid, signal.SIGTERM)
    check(s.wait_log(SIG_LINE % (s.pid, kid, signal.SIGTERM, "SIGTERM")), "SIGTERM did not end the child: " + s.log())
    k.close()
    # SIGKILLs the parent sends itself at the end of the grace period are not reported.
    s2 = c.server("-g", "0")
    k2 = held(s2.port)
    s2.signal(signal.SIGTERM)
    check(s2.wait(15) == 0, "exit status")
    k2.close()
    check("killed by signal" not in s2.log(), "logged its own SIGKILL: " + s2.log())


def udp_child_killed_logged(c):
    s = c.server("--udp", "-q")
    check(et.wait_until(lambda: len(s.children()) == 1, 5), "no udp child")
    kid = s.children()[0]
    os.kill(kid, signal.SIGKILL)
    rx = r"^echod\[%d\]: udp child %d killed by signal 9 \(SIGKILL\); restarting$" % (s.pid, kid)
    check(s.wait_log(rx), "udp restart line does not name the signal: " + s.log())
    # ... and it is restarted (UDP_RESTART_MS later): datagrams are echoed again.
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(0.5)
    back = None
    deadline = time.monotonic() + 15
    while back is None and time.monotonic() < deadline:
        u.sendto(b"again", ("127.0.0.1", s.port))
        try:
            back = u.recvfrom(100)[0]
        except socket.timeout:
            pass
    u.close()
    check(back == b"again", "no UDP echo after the child was restarted: " + s.log())


def stop_sighup(c):
    """SIGHUP is a graceful shutdown, exactly like SIGTERM."""
    with notify_listener() as (path, n):
        s = c.server("-g", "60", env={"NOTIFY_SOCKET": path})
        check(n.recv(256) == b"READY=1", "no READY=1")
        k = held(s.port)
        kids = s.children()
        s.signal(signal.SIGHUP)
        check(n.recv(256) == b"STOPPING=1", "no STOPPING=1 on SIGHUP")
        check(s.wait_log(r"shutting down: 1 active, grace 60 s$"), "no shutting-down line: " + s.log())
        data = os.urandom(100000)
        check(et.exchange(k, data, timeout=30, shut=False) == data, "session disturbed by SIGHUP")
        check(s.proc.poll() is None, "server exited with a child alive")
        close_clean(k)
        check(s.wait(20) == 0, "exit status")
        check(all(et.proc_state(p) is None for p in kids), "child left behind")

def sighup_group(c):
    """A hangup reaches the whole process group: children finish their sessions."""
    s = c.server("-g", "60", preexec=os.setsid)
    k = held(s.port)
    os.killpg(s.pid, signal.SIGHUP)
    check(s.wait_log(r"shutting down: 1 active"), "no shutting-down line: " + s.log())
    data = os.urandom(50000)
    check(et.exchange(k, data, timeout=30, shut=False) == data, "child disturbed by the group's SIGHUP")
    close_clean(k)
    check(s.wait(20) == 0, "exit status")


def bad_passed_socket(c):
    """A passed socket that is not a listening INET/INET6 stream or a bound INET/INET6 datagram socket: 71."""
    t = socket.socket()
    t.bind(("127.0.0.1", 0))
    t.listen(1)
    conn = socket.create_connection(t.getsockname())
    acc, _ = t.accept()
    d = tempfile.mkdtemp(prefix="echod-unix-")
    ul = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ul.bind(os.path.join(d, "l"))
    ul.listen(1)
    ud = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ud.bind(os.path.join(d, "d"))
    unbound = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    unlistened = socket.socket()
    unlistened.bind(("127.0.0.1", 0))
    wrong = []
    try:
        for name, sk in (("connected", conn), ("unix listener", ul), ("unix datagram", ud),
                         ("unbound udp", unbound), ("bound, not listening", unlistened)):
            act = et.activation([sk])
            r = subprocess.run(act["wrapper"] + c.b.argv([]), stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=20, env=et.base_env(), pass_fds=act["pass_fds"])
            text = r.stderr.decode("utf-8", "replace")
            if r.returncode != 71 or "listening on" in text or not re.match(r"^echod: [^\n]+\n\Z", text):
                wrong.append("%s: %s %r" % (name, r.returncode, text[-300:]))
    finally:
        for sk in (t, conn, acc, ul, ud, unbound, unlistened):
            sk.close()
        shutil.rmtree(d)
    check(not wrong, "; ".join(wrong))


def inherited_fds_closed(c):
    """A descriptor the invoker left open reaches neither the server nor its children."""
    f = tempfile.TemporaryFile()
    extra = fcntl.fcntl(f.fileno(), fcntl.F_DUPFD, 50)
    os.set_inheritable(extra, True)
    try:
        s = c.server(pass_fds=(extra,))
        k = held(s.port)
        kid = s.children()[0]
        for pid in (s.pid, kid):
            fds = [int(x) for x in os.listdir("/proc/%d/fd" % pid)]
            check(extra not in fds, "pid %d holds inherited fd %d: %s" % (pid, extra, fds))
        close_clean(k)
    finally:
        os.close(extra)
        f.close()


def urgent_echo(sock):
    """Send abc, ! as urgent (MSG_OOB), def; shut down; return what came back."""
    sock.sendall(b"abc")
    time.sleep(0.05)
    sock.send(b"!", socket.MSG_OOB)
    time.sleep(0.05)
    sock.sendall(b"def")
    sock.shutdown(socket.SHUT_WR)
    back, _ = recv_eof(sock, 10)
    sock.close()
    return back


def tcp_pair():
    """A connected loopback TCP pair: (client, server side)."""
    t = socket.socket()
    t.bind(("127.0.0.1", 0))
    t.listen(1)
    cl = et.connect(t.getsockname()[1])
    srv, _ = t.accept()
    t.close()
    return cl, srv


def oob_inline(c):
    """Urgent data is echoed in order like any other byte."""
    s = c.server()
    back = urgent_echo(et.connect(s.port))
    check(back == b"abc!def", "urgent byte: got %r" % back)
    # --inetd: the same on fd 0.
    cl, srv = tcp_pair()
    p, err = c.spawn(["--inetd"], stdin=srv, stdout=srv)
    srv.close()
    back = urgent_echo(cl)
    check(p.wait(20) == 0, "inetd exit")
    check(back == b"abc!def", "inetd urgent byte: got %r" % back)

def no_dev_null(c):
    """/dev/null is opened only for a missing standard descriptor, and its absence is one line."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return ("skip", "needs root and unshare(1) for a private /dev")
    hide = "mount -t tmpfs none /dev && exec \"$@\""
    base = ["unshare", "--mount", "--propagation", "private", "sh", "-c", hide, "sh"] + c.b.argv([])
    r = subprocess.run(base + ["-V"], stdin=subprocess.DEVNULL, capture_output=True, timeout=30,
                       env=et.base_env())
    check(r.returncode == 0 and r.stdout.startswith(b"echod "), "-V without /dev/null: %s %r %r"
          % (r.returncode, r.stdout, r.stderr[-300:]))
    r = subprocess.run(base + ["--bogus"], stdin=subprocess.DEVNULL, capture_output=True, timeout=30,
                       env=et.base_env())
    check(r.returncode == 64, "--bogus without /dev/null: %s %r" % (r.returncode, r.stderr[-300:]))
    # fd 0 closed and no /dev/null: one clear line, 71.
    r = subprocess.run(base + ["-V"], stdin=subprocess.DEVNULL, capture_output=True, timeout=30,
                       env=et.base_env(), preexec_fn=lambda: os.close(0))
    text = r.stderr.decode("utf-8", "replace")
    check(r.returncode == 71 and re.match(r"^echod: /dev/null: [^\n]+\n\Z", text),
          "missing fd 0, no /dev/null: %s %r" % (r.returncode, text))


def one_line_errors(c):
    """Control characters in quoted words are escaped; an empty --user is a usage error."""
    wrong = []
    for args, want in ((["--bad\nsecond line"], "echod: --bad\\nsecond line: unknown option\n"),
                       (["-p", "1", "x\ty"], "echod: x\\ty: unexpected argument\n"),
                       (["-\x1b"], "echod: -\\x1b: unknown option\n"),
                       (["--user="], "echod: --user: empty argument\n"),
                       (["-u", ""], "echod: --user: empty argument\n"),
                       (["--user", "a\nb"], "echod: a\\nb: no such user\n")):
        rc, out, err = c.run(args)
        wantrc = 67 if "no such user" in want else 64
        if rc != wantrc or err != want:
            wrong.append("%r -> %s %r, want %s %r" % (args, rc, err, wantrc, want))
    check(not wrong, "; ".join(wrong))


# --- command line -------------------------------------------------------------------------

BAD_ARGS = [
    ["-x"], ["--bogus"], ["-p"], ["--port"], ["-p", "65536"], ["-p", "-1"], ["-p", "+7"],
    ["-p", "0x10"], ["-p", "12x"], ["-p", ""], ["--port="], ["-p", " 7"], ["-p", "7 "],
    ["-p", "1e3"], ["-p", "000000000000000000007"], ["-p", "99999999999999999999"],
    ["-c", "0"], ["-c", "65536"], ["-C", "65536"], ["-t", "86401"], ["-T", "86401"],
    ["-g", "86401"], ["-b", "0"], ["-b", "65536"], ["--quiet=x"], ["--verbose=1"],
    ["--udp=1"], ["--inetd=1"], ["--no-sandbox=1"], ["--help=x"], ["--po", "7"],
    ["--verb"], ["--max-client", "3"], ["foo"], ["-v", "foo"], ["--", "foo"], ["-"],
    ["--udp", "--inetd"], ["-l", "localhost"], ["-l", "1.2.3.4.5"], ["-l", ""],
    ["-l", "::1::2"], ["-l", "127.0.0.1:80"], ["-qx"], ["-u"], ["--user"], ["-l"],
]


def bad_args(c):
    wrong = []
    for args in BAD_ARGS:
        rc, out, err = c.run(args)
        if rc != 64 or out != b"" or not re.match(r"^echod: [^\n]+: [^\n]+\n\Z", err):
            wrong.append("%s -> %s %r %r" % (args, rc, out[:40], err[:200]))
    check(not wrong, "; ".join(wrong))


def good_arg_forms(c):
    """Every option form of echod(8) starts the server (port 0 spelled many ways)."""
    forms = [["-p0"], ["-p", "0"], ["--port=0"], ["--port", "0"], ["-p", "00000000000000000000"],
             ["-vp0"], ["-qp", "0"], ["-p0", "--"], ["-c1", "-C0", "-t0", "-T0", "-g0", "-b1", "-p0"]]
    for f in forms:
        s = c.server("-l", "127.0.0.1", *f, listen=None, port=None)
        check(s.port and s.port > 0, "%s: no real port" % f)
        s.stop()
    for flags, verbose in ((["-qv"], True), (["-vq"], False), (["-q", "-v"], True), (["-v", "-q"], False)):
        s = c.server(*flags)
        check(et.roundtrip(s.port, b"v") == b"v", "echo")
        logged = s.wait_log(r"close 127\.0\.0\.1", 3 if verbose else 0.5)
        check(logged == verbose, "%s: connection logged=%s" % (flags, logged))
        s.stop()


def help_version(c):
    for a in (["--help"], ["-h"], ["-v", "-h"]):
        rc, out, err = c.run(a)
        check(rc == 0 and out.startswith(b"Usage: echod") and err == "", "%s: %s %r %r" % (a, rc, out[:30], err))
        for opt in (b"--listen", b"--port", b"--max-clients", b"--max-per-ip", b"--idle-timeout",
                    b"--max-lifetime", b"--grace", b"--backlog", b"--user", b"--udp", b"--no-sandbox",
                    b"--inetd", b"--quiet", b"--verbose", b"--help", b"--version"):
            check(opt in out, "help lacks %s" % opt)
    for a in (["--version"], ["-V"]):
        rc, out, err = c.run(a)
        check(rc == 0 and re.match(rb"^echod \d+\.\d+\.\d+\n\Z", out) and err == "",
              "%s: %s %r %r" % (a, rc, out, err))


def restart_same_port(c):
    """A restart binds the same port while the last sessions sit in TIME_WAIT (SO_REUSEADDR)."""
    s = c.server("-t", "1")
    port = s.port
    k = held(port)
    back, _ = recv_eof(k, 10)       # the server closes first: its side enters TIME_WAIT
    k.close()
    check(back == b"", "idle session echoed %r" % back)
    wait_children(s, 0)
    check(s.stop() == 0, "exit status")
    s2 = c.server(port=port)
    check(s2.port == port, "restart on port %d: %s" % (port, s2.log()))
    check(et.roundtrip(port, b"again") == b"again", "echo after the restart")


def bind_in_use(c):
    for host, fam, text in (("127.0.0.1", socket.AF_INET, "127.0.0.1:%d"),
                            ("::1", socket.AF_INET6, "[::1]:%d")):
        if fam == socket.AF_INET6 and not ipv6_ok():
            continue
        t = socket.socket(fam, socket.SOCK_STREAM)
        t.bind((host, 0))
        t.listen(1)
        port = t.getsockname()[1]
        try:
            rc, out, err = c.run(["-l", host, "-p", str(port)])
        finally:
            t.close()
        want = "echod: bind %s: %s\n" % (text % port, c.b.strerror(errno.EADDRINUSE))
        check(rc == 71 and err == want, "%s: %s %r, want 71 %r" % (host, rc, err, want))
    # An address that is not ours (TEST-NET-1): bind fails, 71, one line.
    rc, out, err = c.run(["-l", "192.0.2.1", "-p", "7007"])
    want = "echod: bind 192.0.2.1:7007: %s\n" % c.b.strerror(errno.EADDRNOTAVAIL)
    check(rc == 71 and err == want, "192.0.2.1: %s %r, want 71 %r" % (rc, err, want))


def setup_failure_line(c):
    """The server's tables cannot be mapped (RLIMIT_DATA of 1 MiB against
    --max-clients 65535: 1.3 MB of slots): a start-up failure, so one line
    'echod: setup: WHY' and exit 71, before any listening line."""
    if c.b.name not in ("release", "static"):
        return ("skip", "the sanitizer's own mappings need more than the limit")
    lim = 1 << 20

    def data_limit():
        resource.setrlimit(resource.RLIMIT_DATA, (lim, lim))
    p = subprocess.run(c.b.argv(["-l", "127.0.0.1", "-p", "0", "--max-clients", "65535"]),
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=20,
                       env=et.base_env(), preexec_fn=data_limit)
    err = p.stderr.decode("utf-8", "replace")
    want = "echod: setup: %s\n" % c.b.strerror(errno.ENOMEM)
    check(p.returncode == 71 and err == want and p.stdout == b"",
          "%s %r, want 71 %r" % (p.returncode, err, want))


def no_such_user(c):
    rc, out, err = c.run(["-l", "127.0.0.1", "-p", "0", "--user", "nosuchuser-echod"])
    check(rc == 67 and re.match(r"^echod: [^\n]+\n\Z", err), "%s %r" % (rc, err))
    rc, out, err = c.run(["--inetd", "--user", "nosuchuser-echod"])
    check(rc == 67 and re.match(r"^echod: [^\n]+\n\Z", err), "inetd: %s %r" % (rc, err))


# --- addresses ---------------------------------------------------------------------------

def ipv6_loopback(c):
    if not ipv6_ok():
        return ("skip", "no IPv6 loopback")
    s = c.server(listen="::1")
    check(s.listening == [("", "[::1]:%d" % s.port)], "listening: %s" % s.listening)
    data = os.urandom(100000)
    check(et.roundtrip(s.port, data, host="::1") == data, "echo over ::1")


def default_dual_stack(c):
    s = c.server(listen=None)
    check(len(s.listening) == 1, "listening: %s" % s.listening)
    addr = s.listening[0][1]
    if ipv6_ok():
        check(addr == "[::]:%d" % s.port, "default listen is %s" % addr)
        check(et.roundtrip(s.port, b"six", host="::1") == b"six", "echo over ::1")
    else:
        check(addr == "0.0.0.0:%d" % s.port, "fallback listen is %s" % addr)
    check(et.roundtrip(s.port, b"four") == b"four", "echo over 127.0.0.1 on the default listen")


# --- inetd and socket activation --------------------------------------------------------------

def inetd_eof(c):
    a, b = socket.socketpair()
    p, err = c.spawn(["--inetd"], stdin=b, stdout=b)
    b.close()
    data = os.urandom(1 << 20)
    back = et.exchange(a, data[:1000], timeout=60, shut=False)
    if c.b.name != "valgrind":
        p.send_signal(signal.SIGUSR1)      # ignored in --inetd mode
    back += et.exchange(a, data[1000:], timeout=60)
    a.close()
    rc = p.wait(20)
    check(back == data, "inetd echo: %d of %d bytes" % (len(back), len(data)))
    check(rc == 0, "inetd exit %s on EOF" % rc)


def inetd_reset(c):
    cl, srv = tcp_pair()
    p, err = c.spawn(["--inetd"], stdin=srv, stdout=srv)
    srv.close()
    echo_once(cl, b"before the reset")
    cl.sendall(b"x" * 100000)
    time.sleep(0.1)
    reset(cl)
    rc = p.wait(20)
    check(rc == 1, "inetd exit %s on reset, want 1" % rc)


def inetd_timeout(c):
    a, b = socket.socketpair()
    p, err = c.spawn(["--inetd", "-t", "1"], stdin=b, stdout=b)
    b.close()
    rc = p.wait(20)
    a.close()
    check(rc == 1, "inetd exit %s on idle timeout, want 1" % rc)
    a, b = socket.socketpair()
    p, err = c.spawn(["--inetd", "-T", "1", "-t", "0", "--no-sandbox", "-q"], stdin=b, stdout=b)
    b.close()
    echo_once(a, b"x")
    rc = p.wait(20)
    a.close()
    check(rc == 1, "inetd exit %s on max lifetime, want 1" % rc)
    text = et.read_log(err)
    check(re.search(r"^echod\[\d+\]: warning: sandbox disabled$", text, re.M), "inetd --no-sandbox -q: %r" % text)


def socket_activation(c):
    l4 = socket.socket()
    l4.bind(("127.0.0.1", 0))
    l4.listen(64)
    port4 = l4.getsockname()[1]
    s = c.server("-v", listen=None, port=None, **et.activation([l4]))
    l4.close()
    check(s.listening == [("", "127.0.0.1:%d" % port4)], "listening: %s" % s.listening)
    check(et.roundtrip(port4, b"activated") == b"activated", "echo on the passed socket")
    s.stop()
    if ipv6_ok():
        l4 = socket.socket()
        l4.bind(("127.0.0.1", 0))
        l4.listen(64)
        l6 = socket.socket(socket.AF_INET6)
        l6.bind(("::1", 0))
        l6.listen(64)
        p4, p6 = l4.getsockname()[1], l6.getsockname()[1]
        s = c.server(listen=None, port=None, **et.activation([l4, l6]))
        l4.close()
        l6.close()
        check(et.wait_until(lambda: len(et.LISTEN_RE.findall(s.log())) == 2, 5), "two listening lines: " + s.log())
        texts = [a for _, _, a in et.LISTEN_RE.findall(s.log())]
        check(texts == ["127.0.0.1:%d" % p4, "[::1]:%d" % p6], "listening: %s" % texts)
        check(et.roundtrip(p4, b"four") == b"four", "echo on passed IPv4 socket")
        check(et.roundtrip(p6, b"six", host="::1") == b"six", "echo on passed IPv6 socket")
        s.stop()
    # LISTEN_PID naming another process: ignored, --listen/--port used.
    l4 = socket.socket()
    l4.bind(("127.0.0.1", 0))
    l4.listen(1)
    s = c.server(env={"LISTEN_PID": "1", "LISTEN_FDS": "1"})
    check(s.port != l4.getsockname()[1], "used a socket not meant for it")
    check(et.roundtrip(s.port, b"own") == b"own", "echo on its own socket")
    l4.close()


def systemd_activate(c):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    s = c.server(listen=None, port=None, expect_ready=False,
                 wrapper=["systemd-socket-activate", "-l", "127.0.0.1:%d" % port])
    # systemd-socket-activate starts the program on the first connection.
    data = os.urandom(70000)
    k = None
    for _ in range(100):
        try:
            k = et.connect(port)
            break
        except ConnectionRefusedError:
            time.sleep(0.05)
    check(k is not None, "systemd-socket-activate not listening")
    k.sendall(data)
    k.shutdown(socket.SHUT_WR)
    s.wait_ready(c.b.ready_timeout)
    check(s.port == port, "listening: %s" % s.listening)
    back, _ = recv_eof(k)
    k.close()
    check(back == data, "echo under systemd-socket-activate")
    check(et.roundtrip(port, b"again") == b"again", "second connection")


def user_drop(c):
    """--user: the server serves as that user (we run as root here)."""
    if os.geteuid() != 0:
        return ("skip", "not root")
    import pwd
    try:
        pw = pwd.getpwnam("nobody")
    except KeyError:
        return ("skip", "no user nobody")
    s = c.server("--user", "nobody")
    k = held(s.port)
    kids = s.children()

    def ids(pid, field):
        return [int(x) for x in et.proc_status(pid, field.rstrip(":"))]

    for pid in [s.pid] + kids:
        check(ids(pid, "Uid:") == [pw.pw_uid] * 4, "uid of %d: %s" % (pid, ids(pid, "Uid:")))
        check(ids(pid, "Gid:") == [pw.pw_gid] * 4, "gid of %d: %s" % (pid, ids(pid, "Gid:")))
        want = sorted(set(os.getgrouplist("nobody", pw.pw_gid)))
        check(sorted(set(ids(pid, "Groups:"))) == want,
              "groups of %d: %s, want nobody's %s" % (pid, ids(pid, "Groups:"), want))
    close_clean(k)
    # --user applies in --inetd mode too.
    a, b = socket.socketpair()
    p, err = c.spawn(["--inetd", "--user", "nobody"], stdin=b, stdout=b)
    b.close()
    echo_once(a, b"inetd as nobody")
    uid = ids(p.pid, "Uid:")
    a.shutdown(socket.SHUT_WR)
    recv_eof(a)
    a.close()
    check(p.wait(20) == 0, "inetd --user exit status")
    check(uid == [pw.pw_uid] * 4, "inetd uid: %s" % uid)


def udp_echo(c):
    s = c.server("--udp")
    udp = [a for u, a in s.listening if u]
    if not udp:
        check(s.wait_log(r"listening on udp ", 5), "no udp listening line: " + s.log())
        s.listening = [(u.strip(), a) for _, u, a in et.LISTEN_RE.findall(s.log())]
        udp = [a for u, a in s.listening if u]
    check(udp == ["127.0.0.1:%d" % s.port], "udp listening line: %s (tcp port %d)" % (s.listening, s.port))
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(10)
    for data in (b"d", os.urandom(1000), os.urandom(65507)):
        u.sendto(data, ("127.0.0.1", s.port))
        back, src = u.recvfrom(70000)
        check(back == data and src == ("127.0.0.1", s.port), "udp echo of %d bytes: %d back" % (len(data), len(back)))
    u.close()
    check(et.roundtrip(s.port, b"tcp too") == b"tcp too", "tcp echo beside udp")
    dropped = 0
    g = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        g.bind(("127.0.0.1", 37))    # a "time" source: must be dropped (loop guard)
        g.settimeout(0.5)
        g.sendto(b"loop", ("127.0.0.1", s.port))
        try:
            g.recvfrom(100)
            raise AssertionError("echoed a datagram from source port 37")
        except socket.timeout:
            dropped = 1
    except OSError as e:
        if e.errno not in (errno.EADDRINUSE, errno.EACCES):   # port 37 taken, or not root: skip that part
            raise
    finally:
        g.close()
    want = {"udp_echoed": 3, "udp_dropped": dropped}
    check(et.wait_until(lambda: {k: stats(s).get(k) for k in want} == want, 5, 0.2),
          "stats: " + s.log()[-300:])


# --- UDP policy: per-source bound, global fairness, loop guard, reply address ---

UDP_BURST = 1000      # UDP_RATE_SOURCE: per-source rate (per second) and burst
UDP_SENDER = r"""
import socket, sys, time
# One datagram every 25 us (40 000/s, twice the global rate), evenly spaced:
# the global bucket gets no quiet gap to refill for another source.
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 0))
dst = ("127.0.0.1", int(sys.argv[2]))
now = time.monotonic()
end, t = now + float(sys.argv[3]), now
while t < end:
    try:
        s.sendto(b"flood", dst)
    except OSError:
        pass
    t += 25e-6
    while time.monotonic() < t:
        pass
"""


def udp_port(s):
    udp = [a for u, a in s.listening if u]
    if not udp:
        check(s.wait_log(r"listening on udp ", 5), "no udp listening line: " + s.log())
        s.listening = [(u.strip(), a) for _, u, a in et.LISTEN_RE.findall(s.log())]
        udp = [a for u, a in s.listening if u]
    return int(udp[0].rsplit(":", 1)[1])


def fnv1024(addr):
    """The old source table's index of an IPv4 source: FNV-1a of its addr_key, mod 1024."""
    h = 2166136261
    for b in bytes(10) + b"\xff\xff" + socket.inet_aton(addr):
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h % 1024


def udp_sock(addr, rcvbuf=1 << 22):
    u = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.setsockopt(socket.SOL_SOCKET, 33, rcvbuf)      # SO_RCVBUFFORCE (root)
    except OSError:
        u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    u.bind((addr, 0))
    return u


def drain(u, quiet=0.3):
    """Count the datagrams waiting on u until it has been quiet for `quiet` seconds."""
    n = 0
    u.settimeout(quiet)
    try:
        while True:
            u.recvfrom(100)
            n += 1
    except socket.timeout:
        return n


def udp_collision(c):
    """A source that collides with another in the table is never echoed more
    than its burst plus its rate times the time elapsed (the old table gave a
    colliding newcomer a full bucket, so alternating two sources reset it)."""
    victim = "127.0.0.2"
    hv = fnv1024(victim)
    other = next("127.0.%d.%d" % (x, y) for x in range(256) for y in range(1, 255)
                 if "127.0.%d.%d" % (x, y) != victim and fnv1024("127.0.%d.%d" % (x, y)) == hv)
    s = c.server("--udp")
    port = udp_port(s)
    v, o = udp_sock(victim), udp_sock(other)
    t0 = time.monotonic()
    n = 3 * UDP_BURST
    for i in range(n):
        v.sendto(b"v%d" % i, ("127.0.0.1", port))
        o.sendto(b"o%d" % i, ("127.0.0.1", port))
        if i % 25 == 24:    # let the server keep up: no kernel drops
            et.wait_until(lambda: udp_queue(port)[0] == 0, 5, 0.001)
    got = drain(v)
    elapsed = time.monotonic() - t0 - 0.3
    drain(o)
    v.close()
    o.close()
    bound = UDP_BURST + UDP_BURST * elapsed + 1
    check(got <= bound, "victim %s (colliding with %s) echoed %d of %d in %.2fs: over its bound %.0f"
          % (victim, other, got, n, elapsed, bound))
    check(got >= UDP_BURST // 3, "victim echoed only %d of %d" % (got, n))


def udp_global_fair(c):
    """One source flooding costs the global limit only what its own limit
    lets through: another source still gets every datagram echoed."""
    s = c.server("--udp")
    port = udp_port(s)
    flood = subprocess.Popen([sys.executable, "-c", UDP_SENDER, "127.0.0.3", str(port), "30"])
    c.procs.append((flood, et.log_file()))
    try:
        time.sleep(1.5)     # the flood is under way: its own limit refuses it now
        g = udp_sock("127.0.0.2")
        g.settimeout(0.2)
        got, tries = 0, 0
        for i in range(50):
            for _ in range(3):      # a retry covers a kernel drop under the flood
                tries += 1
                g.sendto(b"g%d" % i, ("127.0.0.1", port))
                try:
                    while g.recvfrom(100)[0] != b"g%d" % i:
                        pass
                    got += 1
                    break
                except socket.timeout:
                    pass
            time.sleep(0.01)
        g.close()
        alive = flood.poll() is None
    finally:
        flood.kill()
        flood.wait(5)
    check(got == 50 and tries <= 55, "well-behaved source echoed %d/50 in %d tries under a flood%s"
          % (got, tries, "" if alive else " (which had ended)"))


def udp_own_port(c):
    """A datagram from the server's own port (another echod?) or from port 11
    (systat) is dropped and counted: two servers cannot ping-pong."""
    s = c.server("--udp")
    port = udp_port(s)
    dropped = 0
    for src in (("127.0.0.2", port), ("127.0.0.1", 11)):
        g = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            g.bind(src)
        except OSError as e:
            if e.errno in (errno.EADDRINUSE, errno.EACCES):
                g.close()
                continue
            raise
        g.settimeout(0.5)
        g.sendto(b"loop", ("127.0.0.1", port))
        try:
            g.recvfrom(100)
            raise AssertionError("echoed a datagram from source %s:%d" % src)
        except socket.timeout:
            dropped += 1
        finally:
            g.close()
    check(dropped >= 1, "could bind neither test source")
    u = udp_sock("127.0.0.2")
    u.settimeout(5)
    u.sendto(b"ok", ("127.0.0.1", port))
    check(u.recvfrom(100)[0] == b"ok", "an ordinary source is not echoed")
    u.close()
    want = {"udp_echoed": 1, "udp_dropped": dropped}
    check(et.wait_until(lambda: {k: stats(s).get(k) for k in want} == want, 5, 0.2),
          "stats: %s, want %s" % (s.log()[-300:], want))


def udp_reply_address(c, listen):
    """On a wildcard socket the reply leaves from the address the datagram was
    sent to: a connected client socket (which accepts only that peer) gets it."""
    if ":" in listen and not ipv6_ok():
        return ("skip", "no IPv6")
    s = c.server("--udp", listen=listen)
    port = udp_port(s)
    dsts = ["127.0.0.5", "127.0.0.1"]
    if ":" in listen:
        dsts.append("::1")
    for dst in dsts:
        u = socket.socket(socket.AF_INET6 if ":" in dst else socket.AF_INET, socket.SOCK_DGRAM)
        u.settimeout(3)
        u.connect((dst, port))
        u.send(b"to " + dst.encode())
        try:
            back = u.recv(100)
        except socket.timeout:
            raise AssertionError("no reply from %s:%d (listening on %s)" % (dst, port, listen))
        finally:
            u.close()
        check(back == b"to " + dst.encode(), "reply from %s: %r" % (dst, back))


def udp_trunc6(c):
    """An IPv6 datagram over the 65507-byte limit (65527 fits in IPv6) is
    dropped, never echoed truncated, and counted; the next one is echoed.

    Order, not time, decides: the server reads and answers its datagrams in
    turn, so an echo of the big one (whole or partial) would arrive before
    the small one's, however slow the machine."""
    if not ipv6_ok():
        return ("skip", "no IPv6")
    s = c.server("--udp", listen="::1")
    port = udp_port(s)
    u = udp_sock("::1")
    try:
        u.sendto(os.urandom(65527), ("::1", port))
        u.sendto(b"small", ("::1", port))
        u.settimeout(20)
        first, src = u.recvfrom(70000)
    except socket.timeout:
        raise AssertionError("nothing came back for a 65527-byte and a 5-byte datagram: "
                             + s.log()[-300:])
    finally:
        u.close()
    check(first == b"small", "a 65527-byte datagram was echoed as %d bytes%s"
          % (len(first), " (partial)" if len(first) < 65527 else ""))
    check(src[:2] == ("::1", port), "reply from %s" % (src,))
    want = {"udp_echoed": 1, "udp_dropped": 1}
    check(et.wait_until(lambda: {k: stats(s).get(k) for k in want} == want, 5, 0.2),
          "stats: %s, want %s" % (s.log()[-300:], want))


def udp_queue(port):
    """(rx_queue bytes, drops) of the IPv4 UDP socket bound to port, from /proc/net/udp."""
    with open("/proc/net/udp") as f:
        for ln in f.readlines()[1:]:
            fields = ln.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                return int(fields[4].split(":")[1], 16), int(fields[-1])
    raise AssertionError("no UDP socket on port %d in /proc/net/udp" % port)


def udp_burst_bound(c):
    """One source's burst is held to its limit: of N datagrams sent at once,
    at most burst + rate x elapsed are echoed (the per-source limit of
    echod(8); UDP_RATE_SOURCE 1000/s, burst 1000), and every
    datagram the server read is counted once: udp_echoed + udp_dropped == sent
    (less any the kernel dropped before the server read them, from
    /proc/net/udp: the sender waits for the queue to empty every 50, so
    normally none)."""
    n, batch = 4000, 50
    s = c.server("--udp")
    port = udp_port(s)
    _, drops0 = udp_queue(port)
    u = udp_sock("127.0.0.2")
    t0 = time.monotonic()
    for i in range(n):
        u.sendto(b"b%d" % i, ("127.0.0.1", port))
        if i % batch == batch - 1:
            et.wait_until(lambda: udp_queue(port)[0] == 0, 5, 0.001)
    st = {}

    def all_counted():
        st.update(stats(s))
        return st["udp_echoed"] + st["udp_dropped"] >= n - (udp_queue(port)[1] - drops0)
    done = et.wait_until(all_counted, 20, 0.2)
    elapsed = time.monotonic() - t0         # >= the time the server refilled tokens
    kdrops = udp_queue(port)[1] - drops0
    got = drain(u)
    u.close()
    bound = UDP_BURST + UDP_BURST * elapsed + 2     # two clocks' millisecond rounding
    check(done and st["udp_echoed"] + st["udp_dropped"] == n - kdrops,
          "sent %d (kernel dropped %d): udp_echoed=%d + udp_dropped=%d"
          % (n, kdrops, st["udp_echoed"], st["udp_dropped"]))
    check(st["udp_echoed"] <= bound, "one source echoed %d of %d in %.2fs: over burst + rate x time = %.0f"
          % (st["udp_echoed"], n, elapsed, bound))
    check(got == st["udp_echoed"], "received %d echoes, udp_echoed=%d" % (got, st["udp_echoed"]))
    # Not a speed test: only that the limit is not zero (the first burst is
    # always granted: every bucket starts full).
    check(st["udp_echoed"] >= min(UDP_BURST, n - kdrops) // 2,
          "one source echoed only %d of %d" % (st["udp_echoed"], n))
    print("     %d sent in %.2fs: %d echoed (bound %.0f), %d dropped, %d kernel drops"
          % (n, elapsed, st["udp_echoed"], bound, st["udp_dropped"], kdrops), flush=True)


# --- UDP echo: listening lines, sizes, oversize, loop guard, rate, the child (from tests/dist) ---

LOOP_PORTS = (7, 13, 17, 19, 37)     # echo, daytime, qotd, chargen, time: never echoed to


def udp_listening_same_port(c):
    s = c.server("--udp")
    tcp = [a for u, a in s.listening if not u]
    check(len(tcp) == 1 and len(s.listening) == 2, "lines %s" % s.listening)
    check(udp_port(s) == s.port, "udp port %d, tcp %d" % (udp_port(s), s.port))
    check(re.search(r"^echod\[\d+\]: listening on udp 127\.0\.0\.1:%d$" % s.port, s.log(), re.M),
          "udp line format")
    if ipv6_ok():
        s = c.server("--udp", listen="::1")
        check(("udp", "[::1]:%d" % s.port) in s.listening, "v6 %s" % s.listening)


def udp_echo_sizes(c):
    s = c.server("--udp")
    with et.udp_client() as u:
        u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        addr = ("127.0.0.1", udp_port(s))
        sizes = [0, 1, 512, 1472, 1473, 9000, 32768, 65506, 65507]
        for n in sizes:
            data = os.urandom(n)
            got = et.udp_roundtrip(u, addr, data)
            check(got == data, "%d bytes: got %d, differ" % (len(data), len(got)))
    st = stats(s, lambda st: st["udp_echoed"] >= len(sizes))
    check(st["udp_echoed"] >= len(sizes), "stats: %s" % st)


def udp_oversize_counted(c):
    """A datagram too large to echo whole (IPv6 allows 65527) is dropped and counted."""
    if not ipv6_ok():
        return ("skip", "no IPv6 loopback")
    s = c.server("--udp", listen="::1")
    with et.udp_client(socket.AF_INET6, "::1") as u:
        addr = ("::1", udp_port(s))
        u.sendto(os.urandom(65527), addr)
        check(et.udp_roundtrip(u, addr, b"after") == b"after", "no echo after oversize")
        u.setblocking(False)
        try:
            stray = u.recv(70000)
        except BlockingIOError:
            stray = None
        check(stray is None, "got %d bytes back for an oversize datagram" % len(stray or b""))
    st = stats(s, lambda st: st["udp_echoed"] == 1 and st["udp_dropped"] == 1)
    check(st["udp_echoed"] == 1 and st["udp_dropped"] == 1, "stats: %s" % st)


def udp_loop_guard(c):
    s = c.server("--udp")
    addr = ("127.0.0.1", udp_port(s))
    guarded = []
    try:
        for p in LOOP_PORTS:
            try:
                guarded.append(et.udp_client(port=p))
            except PermissionError:
                return ("skip", "binding source ports below 1024 needs root")
            except OSError as e:
                print("     note: source port %d unavailable: %s" % (p, e))
        check(len(guarded) >= 3, "could bind only %d loop-guard ports" % len(guarded))
        for g in guarded:
            g.sendto(b"loop?", addr)
        # One socket, served in order: once this echo is back, all were handled.
        with et.udp_client() as probe:
            check(et.udp_roundtrip(probe, addr, b"sentinel") == b"sentinel", "sentinel")
        for g in guarded:
            g.setblocking(False)
            try:
                got = g.recv(100)
            except BlockingIOError:
                got = None
            check(got is None, "echo to source port %d" % g.getsockname()[1])
        st = stats(s, lambda st: st["udp_echoed"] == 1 and st["udp_dropped"] == len(guarded))
        check(st["udp_dropped"] == len(guarded) and st["udp_echoed"] == 1,
              "stats %s, want udp_dropped=%d udp_echoed=1" % (st, len(guarded)))
    finally:
        for g in guarded:
            g.close()


def udp_rate_limit(c):
    """A flood from one source is cut to burst + rate x time; another source still served.

    The flood goes in rounds of 100 datagrams, each followed by a datagram
    from a second source address (127.0.0.2) whose echo shows that echod has
    taken the round off its socket: the kernel's queue never overflows, so
    every datagram sent is either echoed or counted as dropped by echod.
    """
    burst, rate = UDP_BURST, 1000   # UDP_RATE_SOURCE (src/udp.h)
    rounds, per_round = 30, 100
    s = c.server("--udp")
    addr = ("127.0.0.1", udp_port(s))
    # Limits are per source address: the other source is 127.0.0.2.
    with et.udp_client() as u, et.udp_client(host="127.0.0.2") as other:
        start = time.monotonic()
        for r in range(rounds):
            for i in range(per_round):
                u.sendto(b"%03d.%03d" % (r, i), addr)
            check(et.udp_roundtrip(other, addr, b"other %d" % r, tries=1) == b"other %d" % r,
                  "second source starved")
        elapsed = time.monotonic() - start
    sent = rounds * per_round
    st = stats(s, lambda st: st["udp_echoed"] + st["udp_dropped"] == sent + rounds)
    echoed, dropped = st["udp_echoed"], st["udp_dropped"]
    check(echoed + dropped == sent + rounds,
          "echoed %d + dropped %d != sent %d" % (echoed, dropped, sent + rounds))
    # + rounds: the other source's echoes; + 1: the server's clock is in
    # whole ms, which can add one token over the whole run.
    bound = burst + rate * elapsed + rounds + 1
    check(echoed <= bound, "echoed %d > limit %.0f (%.2fs)" % (echoed, bound, elapsed))
    if sent + rounds > bound:
        check(dropped >= sent + rounds - bound, "dropped only %d" % dropped)
    print("     flood: %d sent in %.2fs, %d echoed, %d dropped" % (sent, elapsed, echoed, dropped))


def udp_child_restart(c):
    s = c.server("--udp")
    with et.udp_client() as u:
        addr = ("127.0.0.1", udp_port(s))
        check(et.udp_roundtrip(u, addr, b"one") == b"one", "first echo")
        kids = s.children()
        check(len(kids) == 1, "children %s (want the UDP child only)" % kids)
        os.kill(kids[0], signal.SIGKILL)
        check(s.wait_log(r"udp child %d killed by signal 9 \(SIGKILL\); restarting" % kids[0]), s.log())
        check(et.wait_until(lambda: [k for k in s.children() if k != kids[0]
                                     and et.proc_state(k) != "Z"], timeout=10),
              "no new UDP child")
        check(et.udp_roundtrip(u, addr, b"two", tries=5) == b"two", "echo after restart")


def udp_child_dies_with_parent(c):
    """SIGKILL of the server must not leave the UDP child holding the port."""
    s = c.server("--udp")
    with et.udp_client() as u:
        addr = ("127.0.0.1", udp_port(s))
        check(et.udp_roundtrip(u, addr, b"x") == b"x", "echo")
    kids = s.children()
    check(len(kids) == 1, "children %s" % kids)
    s.proc.kill()
    s.proc.wait(timeout=10)
    c.servers.remove(s)           # killed on purpose: no exit status to judge
    try:
        check(et.wait_until(lambda: et.proc_state(kids[0]) in (None, "Z"), timeout=5),
              "UDP child %d outlived its parent" % kids[0])
    finally:
        try:
            os.kill(kids[0], signal.SIGKILL)
        except ProcessLookupError:
            pass


def udp_activation_every_socket(c):
    """Every passed datagram socket is served (e.g. one IPv4, one IPv6)."""
    socks = []
    for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET, "127.0.0.1"),
                      (socket.AF_INET6, "::1")):
        if fam == socket.AF_INET6 and not ipv6_ok():
            continue
        u = socket.socket(fam, socket.SOCK_DGRAM)
        u.bind((host, 0))
        socks.append(u)
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(4)
    socks.insert(1, tcp)
    addrs = [(k.family, k.getsockname()[:2]) for k in socks if k is not tcp]
    try:
        s = c.server(listen=None, port=None, **et.activation(socks))
    finally:
        for k in socks:
            k.close()
    check(len(s.listening) == len(socks), "lines %s" % s.listening)
    for fam, addr in addrs:
        with et.udp_client(fam, addr[0]) as u:
            msg = b"to %s" % str(addr).encode()
            check(et.udp_roundtrip(u, addr, msg) == msg, "no echo on %s" % (addr,))
    check(et.roundtrip(s.port, b"tcp too") == b"tcp too", "TCP echo")



def child_limits(c):
    """Children run with RLIMIT_CORE 0 (soft and hard: a child cannot raise it
    back) and RLIMIT_NOFILE 19 (3 + ECHOD_MAX_LISTENERS: the UDP child polls
    them all); RLIMIT_FSIZE stays the server's (stderr may be a log file).
    The server starts with cores allowed, so a child that kept its parent's
    limits would show."""
    import resource

    def allow_core():
        resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    s = c.server("-v", "--udp", preexec=allow_core)
    wait_children(s, 1)                     # the UDP child
    udp_kid = s.children()[0]
    a = held(s.port)
    try:
        rx = r"accept 127\.0\.0\.1:%d pid=(\d+)$" % a.getsockname()[1]
        check(s.wait_log(rx, 10), "no accept line for port %d: %s" % (a.getsockname()[1], s.log()[-500:]))
        m = re.search(rx, s.log(), re.M)
        tcp_kid = int(m.group(1))
        check(tcp_kid in s.children(), "pid %d of the accept line is no child of the server" % tcp_kid)
        parent = et.proc_limits(s.pid)
        check(parent["Max core file size"][1] != 0, "control: the server itself has no core limit to lower: %s"
              % (parent["Max core file size"],))
        for what, kid in (("session child", tcp_kid), ("UDP child", udp_kid)):
            lim = et.proc_limits(kid)
            check(lim["Max core file size"] == (0, 0), "%s %d: RLIMIT_CORE %s, want (0, 0)"
                  % (what, kid, lim["Max core file size"]))
            hard = parent["Max open files"][1]      # only ever lowered
            want = (19, 19) if hard < 0 or hard >= 19 else (hard, hard)
            check(lim["Max open files"] == want, "%s %d: RLIMIT_NOFILE %s, want %s"
                  % (what, kid, lim["Max open files"], want))
            check(lim["Max file size"] == parent["Max file size"], "%s %d: RLIMIT_FSIZE %s, the server's %s"
                  % (what, kid, lim["Max file size"], parent["Max file size"]))
        echo_once(a, b"still served")
    finally:
        close_clean(a)


@contextlib.contextmanager
def notify_listener():
    """A NOTIFY_SOCKET for a server: yields (path, bound socket); removed after."""
    d = tempfile.mkdtemp(prefix="echod-notify-")
    path = os.path.join(d, "notify")
    n = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        n.bind(path)
        n.settimeout(10)
        yield path, n
    finally:
        n.close()
        shutil.rmtree(d)


def notify_abstract(c):
    """NOTIFY_SOCKET=@name: an abstract socket, as systemd may pass."""
    name = "echod-notify-%d-%d" % (os.getpid(), time.monotonic_ns())
    n = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        n.bind("\0" + name)
        n.settimeout(10)
        s = c.server(env={"NOTIFY_SOCKET": "@" + name})
        check(n.recv(256) == b"READY=1", "no READY=1 on an abstract socket")
        s.stop()
    finally:
        n.close()


def notify_socket(c):
    """NOTIFY_SOCKET: READY=1 once accepting, STOPPING=1 when shutdown begins."""
    with notify_listener() as (path, n):
        s = c.server(env={"NOTIFY_SOCKET": path})
        check(n.recv(256) == b"READY=1", "first notification is not READY=1")
        check(et.roundtrip(s.port, b"n") == b"n", "echo after READY=1")
        s.signal(signal.SIGTERM)
        check(n.recv(256) == b"STOPPING=1", "no STOPPING=1 on SIGTERM")
        check(s.wait(15) == 0, "exit status")
        n.settimeout(0.3)
        try:
            extra = n.recv(256)
        except socket.timeout:
            extra = None
        check(extra is None, "unexpected notification %r" % extra)

# --- logging ------------------------------------------------------------------------------

def log_injection(c):
    s = c.server("-v")
    evil = (b"\x1b[31mEVIL\x1b[0m %n%n%s%x %p\r\nechod[1]: stats accepted=999 FAKE\n"
            b"\x00\xff\xfe\x07\x08\x7f" + bytes(range(256)))
    check(et.roundtrip(s.port, evil) == evil, "echo of hostile bytes")
    check(s.wait_log(r"close 127\.0\.0\.1"), "no close line")
    text = s.log()
    for bad in ("\x1b", "%n", "EVIL", "FAKE", "\x00", "\r", "\x07"):
        check(bad not in text, "log holds %r: %r" % (bad, text))
    for ln in text.splitlines():
        check(re.match(r"^echod\[\d+\]: [ -~]*$", ln), "unexpected log line %r" % ln)


def readiness(c):
    s = c.server("-v")
    for _ in range(3):
        check(et.roundtrip(s.port, b"r") == b"r", "echo")
    check(s.wait_log(r"close ", count=3), "close lines")
    lines = s.log().splitlines()
    rx = re.compile(r"^echod\[%d\]: listening on 127\.0\.0\.1:%d$" % (s.pid, s.port))
    check(s.port > 0 and rx.match(lines[0]), "first line is not the readiness line: %s" % lines[:2])
    check(sum(1 for ln in lines if "listening on" in ln) == 1, "readiness line not printed once")
    first_accept = min(i for i, ln in enumerate(lines) if " accept " in ln)
    check(first_accept > 0, "accept before readiness")


def no_sandbox_warning(c):
    for flags in (["--no-sandbox", "-q"], ["--no-sandbox"]):
        s = c.server(*flags)
        check(s.wait_log(r"^echod\[%d\]: warning: sandbox disabled$" % s.pid, 2), "%s: no warning: %s"
              % (flags, s.log()))
        check(et.roundtrip(s.port, b"ns") == b"ns", "echo")
        s.stop()


def quiet_mode(c):
    s = c.server("-q")
    check(et.roundtrip(s.port, b"q") == b"q", "echo")
    stats(s)
    lines = s.log().splitlines()
    check(len(lines) == 2 and "listening on" in lines[0] and " stats " in lines[1], "-q log: %s" % lines)


# --- real clients ---------------------------------------------------------------------------

def real_socat(c):
    s = c.server()
    data = os.urandom(1 << 20)
    with tempfile.TemporaryFile() as f:
        f.write(data)
        f.seek(0)
        p = subprocess.run(["socat", "-t", "30", "-", "TCP:127.0.0.1:%d" % s.port], stdin=f,
                           capture_output=True, timeout=90)
    check(p.returncode == 0 and p.stdout == data, "socat: %s, %d bytes back" % (p.returncode, len(p.stdout)))


def real_nc(c):
    s = c.server()
    data = os.urandom(1 << 20)
    with tempfile.TemporaryFile() as f:
        f.write(data)
        f.seek(0)
        p = subprocess.run(["nc", "-N", "127.0.0.1", str(s.port)], stdin=f, capture_output=True, timeout=90)
    check(p.returncode == 0 and p.stdout == data, "nc -N: %s, %d bytes back" % (p.returncode, len(p.stdout)))


# --- --allow / --deny / --rate-per-ip / several --listen ------------------------------------

def conn_from(port, src, host="127.0.0.1", timeout=10.0):
    """A TCP connection to host:port from source address src."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    k = socket.socket(fam, socket.SOCK_STREAM)
    k.settimeout(timeout)
    k.bind((src, 0))
    k.connect((host, port))
    return k


def try_from(port, src, host="127.0.0.1"):
    """(socket, served?): one byte sent; served when it comes back, refused
    when the server closes (EOF or reset) without a byte. The socket of a
    served connection is still open."""
    k = conn_from(port, src, host)
    try:
        k.sendall(b"?")
    except (BrokenPipeError, ConnectionResetError):
        k.close()
        return None, False
    back, _ = recv_eof_or_byte(k)
    if back == b"?":
        return k, True
    check(back == b"", "from %s: got %r" % (src, back))
    k.close()
    return None, False


def recv_eof_or_byte(k, timeout=10.0):
    k.settimeout(timeout)
    try:
        return k.recv(1), False
    except ConnectionResetError:
        return b"", True


def served_from(port, src, host="127.0.0.1"):
    k, ok = try_from(port, src, host)
    if k is not None:
        close_clean(k)
    return ok


ACL_RX = r"^echod\[%d\]: refused (?:%s|\[::ffff:%s\]):\d+: --allow/--deny$"


def acl_allow_list(c):
    """With --allow rules only their sources are served; the rest are closed at once, logged and counted."""
    s = c.server("--allow", "127.0.0.2", "--allow", "127.0.0.4/31")
    verdict = dict((src, served_from(s.port, src))
                   for src in ("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"))
    want = {"127.0.0.1": False, "127.0.0.2": True, "127.0.0.3": False, "127.0.0.4": True,
            "127.0.0.5": True, "127.0.0.6": False}
    check(verdict == want, "served: %s, want %s" % (verdict, want))
    for src in ("127.0.0.1", "127.0.0.3", "127.0.0.6"):
        q = re.escape(src)
        check(s.wait_log(ACL_RX % (s.pid, q, q)), "refusal of %s not logged: %s" % (src, s.log()))
    check(len(re.findall(r"--allow/--deny$", s.log(), re.M)) == 3, "refusal lines: " + s.log())
    st = stats(s)
    check(st["refused_acl"] == 3 and st["refused_rate"] == 0 and st["accepted"] == 6 and
          st["refused_per_ip"] == 0, "stats: %s" % st)


def acl_deny_list(c):
    """--deny alone: every source but the denied one is served."""
    s = c.server("--deny", "127.0.0.3", "--deny=127.0.1.0/24")
    for src, want in (("127.0.0.1", True), ("127.0.0.2", True), ("127.0.0.3", False),
                      ("127.0.1.9", False), ("127.0.2.1", True)):
        check(served_from(s.port, src) == want, "%s: want served=%s" % (src, want))
    check(s.wait_log(ACL_RX % (s.pid, r"127\.0\.0\.3", r"127\.0\.0\.3")), "not logged: " + s.log())
    st = stats(s)
    check(st["refused_acl"] == 2, "stats: %s" % st)


def acl_deny_wins(c):
    """A source both allowed and denied is refused, whatever the order of the rules."""
    for args in (["--allow", "127.0.0.0/8", "--deny", "127.0.0.3"],
                 ["--deny", "127.0.0.3", "--allow", "127.0.0.0/8"],
                 ["--allow", "127.0.0.3", "--deny", "127.0.0.0/30"]):
        s = c.server(*args)
        got = [served_from(s.port, src) for src in ("127.0.0.2", "127.0.0.3", "127.0.0.5")]
        want = [True, False, True] if args[1] == "127.0.0.0/8" or args[3] == "127.0.0.0/8" else [False, False, False]
        check(got == want, "%s: served %s, want %s" % (args, got, want))
        s.stop()


def acl_mapped(c):
    """On a dual-stack ::, IPv4 clients arrive as ::ffff:a.b.c.d and match IPv4 rules."""
    if not ipv6_ok():
        return ("skip", "no IPv6 loopback")
    s = c.server("--allow", "127.0.0.2", "--deny", "127.0.0.3", "--allow", "::ffff:127.0.0.4/128",
                 listen="::")
    check(s.listening == [("", "[::]:%d" % s.port)], "listening: %s" % s.listening)
    got = dict((src, served_from(s.port, src)) for src in ("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"))
    check(got == {"127.0.0.1": False, "127.0.0.2": True, "127.0.0.3": False, "127.0.0.4": True},
          "served: %s" % got)
    check(not served_from(s.port, "::1", "::1"), "::1 served despite the --allow list")
    check(s.wait_log(ACL_RX % (s.pid, r"127\.0\.0\.3", r"127\.0\.0\.3")), "not logged: " + s.log())
    st = stats(s)
    check(st["refused_acl"] == 3, "stats: %s" % st)


def acl_udp(c):
    """--udp: datagrams from a refused source get no echo and count in udp_dropped."""
    s = c.server("--udp", "--deny", "127.0.0.3")
    check(s.wait_log(r"listening on udp ", 5), "no udp listening line: " + s.log())
    before = stats(s)
    ok = et.udp_client(host="127.0.0.2")
    check(et.udp_roundtrip(ok, ("127.0.0.1", s.port), b"allowed") == b"allowed", "allowed source echo")
    ok.close()
    bad = et.udp_client(host="127.0.0.3")
    bad.settimeout(0.5)
    for i in range(3):
        bad.sendto(b"denied %d" % i, ("127.0.0.1", s.port))
        try:
            data, _ = bad.recvfrom(100)
            raise AssertionError("denied source got %r" % data)
        except socket.timeout:
            pass
    bad.close()
    st = stats(s, want=lambda t: t["udp_dropped"] >= before["udp_dropped"] + 3)
    check(st["udp_dropped"] == before["udp_dropped"] + 3 and st["udp_echoed"] == before["udp_echoed"] + 1,
          "stats: %s (before %s)" % (st, before))
    check(served_from(s.port, "127.0.0.2") and not served_from(s.port, "127.0.0.3"), "tcp beside udp")


def acl_inetd(c):
    """--inetd with a refused peer on fd 0: nothing echoed, a log line, exit 1."""
    cl, srv = tcp_pair()
    p, err = c.spawn(["--inetd", "--deny", "127.0.0.1"], stdin=srv, stdout=srv)
    srv.close()
    try:
        cl.sendall(b"never echoed")
    except (BrokenPipeError, ConnectionResetError):
        pass
    back, _ = recv_eof(cl, 20)
    cl.close()
    rc = p.wait(20)
    text = et.read_log(err)
    check(back == b"", "refused inetd peer got %r" % back)
    check(rc == 1, "inetd exit %s for a refused peer, want 1" % rc)
    check(re.search(r"^echod\[%d\]: refused 127\.0\.0\.1:\d+: --allow/--deny$" % p.pid, text, re.M),
          "inetd refusal not logged: %r" % text)
    # A rule that does not match: served as usual.
    cl, srv = tcp_pair()
    p, err = c.spawn(["--inetd", "--deny", "127.0.0.2", "--allow", "127.0.0.0/8"], stdin=srv, stdout=srv)
    srv.close()
    echo_once(cl, b"allowed inetd")
    cl.shutdown(socket.SHUT_WR)
    recv_eof(cl)
    cl.close()
    check(p.wait(20) == 0, "inetd exit for an allowed peer")


def rate_per_ip(c):
    """--rate-per-ip 3: a burst of 3 new connections a source; more are refused, one log line a second; other sources unaffected."""
    s = c.server("--rate-per-ip", "3")
    start = time.monotonic()
    held_socks, refused = [], 0
    for _ in range(8):
        k, ok = try_from(s.port, "127.0.0.3")
        if ok:
            held_socks.append(k)
        else:
            refused += 1
    elapsed = time.monotonic() - start
    n = len(held_socks)
    check(n >= 3 and n <= 3 + int(elapsed * 3) + 1 and refused >= 1,
          "served %d, refused %d of 8 in %.2fs" % (n, refused, elapsed))
    # Another source has its own bucket.
    other = [served_from(s.port, "127.0.0.2") for _ in range(3)]
    check(other == [True] * 3, "127.0.0.2 under 127.0.0.3's burst: %s" % other)
    for k in held_socks:
        echo_once(k, b"still served")
        close_clean(k)
    rx = r"^echod\[%d\]: refused 127\.0\.0\.3:\d+: over --rate-per-ip 3 a second$" % s.pid
    check(s.wait_log(rx), "rate refusal not logged: " + s.log())
    lines = len(re.findall(rx, s.log(), re.M))
    check(1 <= lines <= int(time.monotonic() - start) + 2, "%d rate lines for %d refusals" % (lines, refused))
    check("127.0.0.2" not in s.log(), "the other source was logged: " + s.log())
    st = stats(s)
    check(st["refused_rate"] == refused and st["refused_acl"] == 0 and st["accepted"] == 11,
          "stats: %s (refused %d)" % (st, refused))
    # The bucket refills: after a second, new connections again.
    time.sleep(1.1)
    check(served_from(s.port, "127.0.0.3"), "not served after the bucket refilled")


def rate_per_ip_zero(c):
    """--rate-per-ip 0 is no limit."""
    s = c.server("--rate-per-ip", "0", "-q")
    got = [served_from(s.port, "127.0.0.3") for _ in range(10)]
    check(got == [True] * 10, "served: %s" % got)
    st = stats(s)
    check(st["refused_rate"] == 0, "stats: %s" % st)


def acl_stats_fields(c):
    """The stats line: refused_acl and refused_rate right after accept_errors, then the UDP counters."""
    s = c.server("--udp", "--deny", "127.0.0.3", "--rate-per-ip", "1")
    served_from(s.port, "127.0.0.3")
    served_from(s.port, "127.0.0.2")
    served_from(s.port, "127.0.0.2")
    st = stats(s)
    check(st["refused_acl"] == 1 and st["refused_rate"] == 1, "stats: %s" % st)
    line = [ln for ln in s.log().splitlines() if " stats " in ln][-1]
    check(re.match(r"^echod\[%d\]: stats accepted=3 active=\d+ refused_per_ip=0 fork_failed=0 accept_errors=0"
                   r" refused_acl=1 refused_rate=1 udp_echoed=0 udp_dropped=0\Z" % s.pid, line),
          "stats line: %r" % line)
    t = c.server()
    et.stats(t)
    line = [ln for ln in t.log().splitlines() if " stats " in ln][-1]
    check(line.endswith(" accept_errors=0 refused_acl=0 refused_rate=0"), "stats line without --udp: %r" % line)


def acl_usage_errors(c):
    """Bad rules, too many rules or addresses, a repeated address: exit 64, one line, nothing on stdout."""
    wrong = []
    cases_ = [
        (["--allow", "10.0.0.1/8"], "echod: --allow 10.0.0.1/8: host bits set beyond the prefix\n"),
        (["--deny", "10.0.0.0/33"], "echod: --deny 10.0.0.0/33: prefix over 32\n"),
        (["--deny=::/129"], "echod: --deny ::/129: prefix over 128\n"),
        (["--allow", "foo"], "echod: --allow foo: not a numeric IPv4 or IPv6 address\n"),
        (["--allow="], "echod: --allow: not a numeric IPv4 or IPv6 address\n"),
        (["--allow", "::1/127"], "echod: --allow ::1/127: host bits set beyond the prefix\n"),
        (["--allow", "10.0.0.0/x"], None), (["--allow", "localhost"], None),
        (["--allow", "10.0.0.0/8", "--deny", "1.2.3.4/99"], "echod: --deny 1.2.3.4/99: prefix over 32\n"),
        (["--allow"], None), (["--deny"], None),
        (["--rate-per-ip", "65536"], None), (["--rate-per-ip", "x"], None), (["--rate-per-ip"], None),
        (sum((["--deny", "10.0.%d.0/24" % i] for i in range(65)), []), None),
        (sum((["--allow" if i % 2 else "--deny", "10.0.%d.0/24" % i] for i in range(65)), []), None),
        (sum((["-l", "127.0.0.%d" % (i + 1)] for i in range(9)), []), None),
        (["-l", "127.0.0.1", "-l", "127.0.0.1"], "echod: --listen: 127.0.0.1 given twice\n"),
        (["-l", "::1", "-l", "127.0.0.1", "--listen=::1"], "echod: --listen: ::1 given twice\n"),
        (["-l", "::1", "-l", "0::1"], None),
    ]
    for args, want in cases_:
        rc, out, err = c.run(["-p", "0"] + args)
        ok = rc == 64 and out == b"" and re.match(r"^echod: [^\n]+\n\Z", err)
        if want is not None:
            ok = ok and err == want
        if not ok:
            wrong.append("%s -> %s %r %r, want 64 %r" % (args[:6], rc, out[:40], err[:200], want))
    # 64 rules and 8 addresses are fine: -h parses them all, then prints the usage.
    rc, out, err = c.run(sum((["--deny", "10.0.%d.0/24" % i] for i in range(64)), []) +
                         sum((["-l", "127.0.0.%d" % (i + 1)] for i in range(8)), []) + ["-h"])
    if rc != 0:
        wrong.append("64 rules and 8 addresses with -h: %s %r" % (rc, err[:200]))
    check(not wrong, "; ".join(wrong))


def listen_several(c):
    """Several --listen addresses over both families with --port 0: one port for all, each echoes, TCP and UDP."""
    if not ipv6_ok():
        return ("skip", "no IPv6 loopback")
    s = c.server("-l", "::1", "--udp", listen="127.0.0.1")
    check(s.wait_log(r"listening on ", 5, count=4), "listening lines: " + s.log())
    found = [(u.strip(), a) for _, u, a in et.LISTEN_RE.findall(s.log())]
    p = s.port
    want = [("", "127.0.0.1:%d" % p), ("udp", "127.0.0.1:%d" % p), ("", "[::1]:%d" % p), ("udp", "[::1]:%d" % p)]
    check(found == want, "listening: %s, want %s" % (found, want))
    check(et.roundtrip(p, b"four") == b"four", "tcp over 127.0.0.1")
    check(et.roundtrip(p, b"six", host="::1") == b"six", "tcp over ::1")
    u4 = et.udp_client()
    check(et.udp_roundtrip(u4, ("127.0.0.1", p), b"udp four") == b"udp four", "udp over 127.0.0.1")
    u4.close()
    u6 = et.udp_client(socket.AF_INET6, "::1")
    check(et.udp_roundtrip(u6, ("::1", p), b"udp six") == b"udp six", "udp over ::1")
    u6.close()
    # Not listening anywhere else: 127.0.0.2 is refused by the kernel.
    try:
        et.connect(p, "127.0.0.2", timeout=2).close()
        raise AssertionError("connected to 127.0.0.2:%d" % p)
    except ConnectionRefusedError:
        pass
    # :: among several sets IPV6_V6ONLY: it does not take 127.0.0.1's port, so both bind.
    t = c.server("-l", "::", "-l", "127.0.0.2", "-v", listen="127.0.0.1")
    check(t.wait_log(r"listening on ", 5, count=3), "listening lines: " + t.log())
    found = [(u.strip(), a) for _, u, a in et.LISTEN_RE.findall(t.log())]
    q = t.port
    check(found == [("", "127.0.0.1:%d" % q), ("", "[::]:%d" % q), ("", "127.0.0.2:%d" % q)],
          "listening: %s" % found)
    for host in ("127.0.0.1", "::1", "127.0.0.2"):
        check(et.roundtrip(q, host.encode(), host=host) == host.encode(), "echo over %s" % host)
    try:
        et.connect(q, "127.0.0.3", timeout=2).close()
        raise AssertionError("connected to 127.0.0.3: [::] is not IPV6_V6ONLY")
    except ConnectionRefusedError:
        pass
    st = stats(t)
    check(st["accepted"] == 3, "stats: %s" % st)


# --- the run --------------------------------------------------------------------------------------

def cases():
    """(name, fn, args, in the valgrind subset?)"""
    return [
        ("echo_small", echo_small, (), True),
        ("echo_16mib", echo_16mib, (), False),
        ("half_close", half_close, (), True),
        ("zero_byte", zero_byte, (), True),
        ("concurrent_200", concurrent_200, (), False),
        ("max_clients_wait", max_clients_wait, (), False),
        ("per_ip_refusal", per_ip_refusal, (), True),
        ("per_ip_refusal_quiet", per_ip_refusal, (True,), False),
        ("per_ip_mapped", per_ip_mapped, (), False),
        ("idle_timeout", idle_timeout, (), True),
        ("max_lifetime_1", max_lifetime, (1,), False),
        ("max_lifetime_2", max_lifetime, (2,), False),
        ("client_reset", client_reset, (), True),
        ("never_reads", never_reads, (), False),
        ("burst_no_zombies", burst_no_zombies, (), False),
        ("fd_baseline_500", fd_baseline_500, (), False),
        ("sigterm_idle", stop_idle, (signal.SIGTERM,), True),
        ("sigint_idle", stop_idle, (signal.SIGINT,), False),
        ("sigterm_with_client", stop_with_client, (signal.SIGTERM,), True),
        ("sigint_with_client", stop_with_client, (signal.SIGINT,), False),
        ("sigint_group", sigint_group, (), False),
        ("sigterm_grace_kill", stop_grace_kill, (signal.SIGTERM,), False),
        ("sigint_grace_kill", stop_grace_kill, (signal.SIGINT,), False),
        ("stats_line", stats_line, (), False),
        ("per_ip_sequential", per_ip_sequential, (), False),
        ("per_ip_slot_reuse", per_ip_slot_reuse, (), False),
        ("child_killed_logged", child_killed_logged, (), False),
        ("udp_child_killed_logged", udp_child_killed_logged, (), False),
        ("sighup_idle", stop_idle, (signal.SIGHUP,), False),
        ("sighup_with_client", stop_sighup, (), False),
        ("sighup_group", sighup_group, (), False),
        ("sighup_grace_kill", stop_grace_kill, (signal.SIGHUP,), False),
        ("bad_passed_socket", bad_passed_socket, (), False),
        ("inherited_fds_closed", inherited_fds_closed, (), True),
        ("oob_inline", oob_inline, (), True),
        ("no_dev_null", no_dev_null, (), False),
        ("one_line_errors", one_line_errors, (), False),
        ("bad_args", bad_args, (), False),
        ("setup_failure_line", setup_failure_line, (), False),
        ("good_arg_forms", good_arg_forms, (), False),
        ("help_version", help_version, (), False),
        ("bind_in_use", bind_in_use, (), False),
        ("restart_same_port", restart_same_port, (), False),
        ("no_such_user", no_such_user, (), False),
        ("ipv6_loopback", ipv6_loopback, (), False),
        ("default_dual_stack", default_dual_stack, (), False),
        ("inetd_eof", inetd_eof, (), True),
        ("inetd_reset", inetd_reset, (), False),
        ("inetd_timeout", inetd_timeout, (), False),
        ("socket_activation", socket_activation, (), False),
        ("systemd_activate", systemd_activate, (), False),
        ("user_drop", user_drop, (), False),
        ("udp_echo", udp_echo, (), False),
        ("udp_collision", udp_collision, (), False),
        ("udp_global_fair", udp_global_fair, (), False),
        ("udp_own_port", udp_own_port, (), False),
        ("udp_reply_address4", udp_reply_address, ("0.0.0.0",), False),
        ("udp_reply_address6", udp_reply_address, ("::",), False),
        ("udp_trunc6", udp_trunc6, (), False),
        ("udp_burst_bound", udp_burst_bound, (), False),
        ("udp_listening_same_port", udp_listening_same_port, (), False),
        ("udp_echo_sizes", udp_echo_sizes, (), False),
        ("udp_oversize_counted", udp_oversize_counted, (), False),
        ("udp_loop_guard", udp_loop_guard, (), False),
        ("udp_rate_limit", udp_rate_limit, (), False),
        ("udp_child_restart", udp_child_restart, (), False),
        ("udp_child_dies_with_parent", udp_child_dies_with_parent, (), False),
        ("udp_activation_every_socket", udp_activation_every_socket, (), False),
        ("child_limits", child_limits, (), False),
        ("notify_socket", notify_socket, (), False),
        ("notify_abstract", notify_abstract, (), False),
        ("log_injection", log_injection, (), False),
        ("readiness", readiness, (), False),
        ("no_sandbox_warning", no_sandbox_warning, (), False),
        ("quiet_mode", quiet_mode, (), False),
        ("real_socat", real_socat, (), False),
        ("real_nc", real_nc, (), False),
        ("acl_allow_list", acl_allow_list, (), True),
        ("acl_deny_list", acl_deny_list, (), False),
        ("acl_deny_wins", acl_deny_wins, (), False),
        ("acl_mapped", acl_mapped, (), False),
        ("acl_udp", acl_udp, (), False),
        ("acl_inetd", acl_inetd, (), True),
        ("acl_rate_per_ip", rate_per_ip, (), False),
        ("acl_rate_per_ip_zero", rate_per_ip_zero, (), False),
        ("acl_stats_fields", acl_stats_fields, (), False),
        ("acl_usage_errors", acl_usage_errors, (), False),
        ("listen_several", listen_several, (), False),
    ]


def make_case(build, name, fn, args):
    def case():
        c = Ctx(build)
        try:
            r = fn(c, *args)
        except BaseException:
            try:
                c.teardown()
            except AssertionError:
                pass
            raise
        c.teardown()
        return r
    case.__name__ = "%s[%s]" % (name, build.name)
    return case


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", default="", help="run only cases whose name contains this")
    ap.add_argument("--builds", default=os.environ.get("ECHOD_BUILD") or "asan,release,valgrind",
                    help="default: $ECHOD_BUILD if set, else all three")
    opt = ap.parse_args()
    builds = []
    if os.environ.get("ECHOD_BIN"):     # one given binary (e.g. a mutant), no valgrind
        builds.append(Build("custom", os.environ["ECHOD_BIN"]))
        opt.builds = ""
    for name in filter(None, opt.builds.split(",")):
        if name == "asan":
            builds.append(Build("asan", et.BINARIES["asan"]))
        elif name == "release":
            builds.append(Build("release", et.BINARIES["release"]))
        elif name == "static":
            builds.append(Build("static", et.BINARIES["static"], libc="musl"))
        elif name == "valgrind":
            # Valgrind cannot run a process under a seccomp filter (the
            # child's prctl fails with EPERM and it refuses to serve), so
            # this subset runs with --no-sandbox; the other builds keep it.
            builds.append(Build("valgrind", et.BINARIES["release"], wrapper=VALGRIND,
                                extra=["--no-sandbox"], ready_timeout=60.0))
    res = et.Results("integration")
    start = time.monotonic()
    for b in builds:
        if b.name != "custom":
            os.environ["ECHOD_BUILD"] = "release" if b.name == "valgrind" else b.name
        for name, fn, args, in_valgrind in cases():
            if opt.k and opt.k not in name:
                continue
            if b.name == "valgrind" and not in_valgrind:
                continue
            res.run(make_case(b, name, fn, args))
    print("integration: took %.0fs" % (time.monotonic() - start), flush=True)
    return res.finish()


if __name__ == "__main__":
    sys.exit(main())
