# SPDX-License-Identifier: ISC
"""echodtest: the one test library of echod's suites (integration, faults, soak, dist, sandbox, cross; bench by choice).

Starts the real binary on port 0 (or behind passed sockets, as socket
activation does), reads the port from its readiness line with a deadline,
drives clients over loopback only, reads the stats line, inspects the
server's processes through /proc, counts results, and kills only the pids
it started. A helper lives here once; a suite keeps only what is its own.
"""
import contextlib
import errno
import fcntl
import itertools
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARIES = {
    "asan": os.path.join(ROOT, "build", "asan", "echod"),
    "release": os.path.join(ROOT, "build", "echod"),
    # The fast build (make STATIC=1): static-PIE against musl.
    "static": os.path.join(ROOT, "build", "static", "echod"),
}
# Where musl's strerror(3) text differs from glibc's (os.strerror here), for
# the cases that compare a whole error line against the static build;
# measured with musl 1.2.3 (Debian 12).
MUSL_STRERROR = {
    errno.EADDRINUSE: "Address in use",
    errno.EADDRNOTAVAIL: "Address not available",
    errno.ENOMEM: "Out of memory",
}
SANITIZER_ENV = {
    "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=1:halt_on_error=1",
    "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1",
    "LSAN_OPTIONS": "exitcode=23",
}
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:",
                   "UndefinedBehaviorSanitizer")
LISTEN_RE = re.compile(r"^echod\[(\d+)\]: listening on (udp )?(\S+)$", re.M)
# The SIGUSR1 stats line; the UDP counters only with --udp or passed datagram sockets.
STATS_PATTERN = (r"^echod\[(\d+)\]: stats accepted=(\d+) active=(\d+) refused_per_ip=(\d+)"
                 r" fork_failed=(\d+) accept_errors=(\d+) refused_acl=(\d+) refused_rate=(\d+)"
                 r"(?: udp_echoed=(\d+) udp_dropped=(\d+))?$")
STATS_RE = re.compile(STATS_PATTERN, re.M)
STATS_KEYS = ("accepted", "active", "refused_per_ip", "fork_failed", "accept_errors",
              "refused_acl", "refused_rate", "udp_echoed", "udp_dropped")
# Every Server this process started (weakly: a finished one is not kept
# open), so that a case cut by its deadline leaves no server behind.
_SERVERS = weakref.WeakSet()
_SERIAL = itertools.count(1)
_PROCS = weakref.WeakSet()


def track(proc):
    """Register another Popen (a load driver) to be killed if the case it
    was started in runs out of time; returns proc."""
    proc.echod_serial = next(_SERIAL)
    _PROCS.add(proc)
    return proc


def check(cond, what):
    """Raise AssertionError(what) unless cond: how every case fails."""
    if not cond:
        raise AssertionError(what)


# Seconds one case may take in Results.run unless the suite says otherwise;
# $ECHOD_CASE_TIMEOUT overrides every suite's value (0: no deadline).
CASE_TIMEOUT = 300.0


def log_file():
    """A temp file for a child's stderr.

    The child shares this open file description, and so its offset: a
    seek(0) here while the server runs would make its next line overwrite
    the start of the log.  O_APPEND makes every write land at the end, and
    read_log() reads with pread, leaving the offset alone.
    """
    f = tempfile.TemporaryFile()
    fl = fcntl.fcntl(f.fileno(), fcntl.F_GETFL)
    fcntl.fcntl(f.fileno(), fcntl.F_SETFL, fl | os.O_APPEND)
    return f


def read_log(f):
    """The whole of a log_file() as text, without moving its offset."""
    chunks, off = [], 0
    while True:
        b = os.pread(f.fileno(), 1 << 16, off)
        if not b:
            return b"".join(chunks).decode("utf-8", "replace")
        chunks.append(b)
        off += len(b)


def strerror(code, libc="glibc"):
    """strerror(code) as the binary's C library words it ("glibc" or "musl")."""
    if libc == "musl" and code in MUSL_STRERROR:
        return MUSL_STRERROR[code]
    return os.strerror(code)


def binary():
    """The binary under test: $ECHOD_BIN, or the one named by $ECHOD_BUILD."""
    if os.environ.get("ECHOD_BIN"):
        return os.environ["ECHOD_BIN"]
    return BINARIES[os.environ.get("ECHOD_BUILD", "asan")]


def base_env(extra=None):
    env = dict(os.environ)
    env.update(SANITIZER_ENV)
    for k in ("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "NOTIFY_SOCKET"):
        env.pop(k, None)
    if extra:
        env.update(extra)
    return env


class Server:
    """One echod process started by a test. Use as a context manager."""

    def __init__(self, *args, listen="127.0.0.1", port=0, env=None,
                 preexec=None, wrapper=None, ready_timeout=10.0, binary_path=None,
                 expect_ready=True, pass_fds=()):
        self.args = list(args)
        argv = [binary_path or binary()]
        if listen is not None:
            argv += ["--listen", listen]
        if port is not None:
            argv += ["--port", str(port)]
        argv += self.args
        if wrapper:
            argv = list(wrapper) + argv
        self.argv = argv
        self.errfile = log_file()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=self.errfile,
                                     env=base_env(env), preexec_fn=preexec,
                                     pass_fds=pass_fds)
        self.pid = self.proc.pid
        self.serial = next(_SERIAL)
        _SERVERS.add(self)
        self.port = None
        self.listening = []
        if expect_ready:
            self.wait_ready(ready_timeout)

    # -- logs ---------------------------------------------------------------
    def log(self):
        return read_log(self.errfile)

    def wait_log(self, pattern, timeout=5.0, count=1):
        """Wait until pattern (regex) matches count times in the log."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern, re.M)
        while time.monotonic() < deadline:
            if len(rx.findall(self.log())) >= count:
                return True
            time.sleep(0.02)
        return False

    def wait_ready(self, timeout):
        found = wait_ready_line(self.proc, self.log, LISTEN_RE, timeout)
        if not found:
            self.kill()
            raise AssertionError("echod not listening after %.1fs: %s" % (timeout, self.log()))
        self.listening = [(udp.strip(), addr) for _, udp, addr in found]
        tcp = [a for u, a in self.listening if not u]
        if tcp:
            self.port = int(tcp[0].rsplit(":", 1)[1])

    def sanitizer_reports(self):
        text = self.log()
        return [m for m in SANITIZER_MARKS if m in text]

    # -- processes -----------------------------------------------------------
    def children(self):
        """pids whose parent is the server (live or zombie)."""
        return children_of(self.pid)

    def zombies(self):
        return [p for p in self.children() if proc_state(p) == "Z"]

    def fd_count(self):
        return len(os.listdir("/proc/%d/fd" % self.pid))

    def rss_kib(self):
        return int((proc_status(self.pid, "VmRSS") or [0])[0])

    def cpu_seconds(self):
        """utime + stime of the server process, from /proc/PID/stat."""
        with open("/proc/%d/stat" % self.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks

    def signal(self, signo):
        if self.proc.poll() is None:
            os.kill(self.pid, signo)

    def wait(self, timeout=10.0):
        """Wait for exit; returns the status (raises on timeout)."""
        return self.proc.wait(timeout=timeout)

    def stop(self, timeout=15.0):
        """SIGTERM, wait; returns the exit status."""
        self.signal(signal.SIGTERM)
        return self.wait(timeout)

    def kill(self):
        """SIGKILL the server and any child it left (by pid), then reap."""
        kill_with(self.proc, self.children() if self.proc.poll() is None else [])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        return False


def copy_reachable(path, d):
    """path copied into directory d with mode 0755, for another uid to run:
    a checkout may sit in a directory only its owner can enter (mktemp -d)."""
    copy = os.path.join(d, os.path.basename(path))
    shutil.copy2(path, copy)
    os.chmod(copy, 0o755)
    return copy


def kill_with(proc, kids):
    """SIGKILL proc (a Popen) and the pids in kids, then reap proc (5 s at most)."""
    if proc.poll() is None:
        proc.kill()
    for k in kids:
        try:
            os.kill(k, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def wait_ready_line(proc, read, rx, timeout):
    """Poll read() (a log's text) until the compiled regex rx matches; its
    findall(). [] after timeout seconds; raises if proc exits first. Any
    server's readiness line (echod's, or a benchmark peer's)."""
    deadline = time.monotonic() + timeout
    while True:
        found = rx.findall(read())
        if found:
            return found
        if proc.poll() is not None:
            raise AssertionError("%s exited %s before listening: %s"
                                 % (os.path.basename(str(proc.args[0])), proc.returncode, read()))
        if time.monotonic() >= deadline:
            return []
        time.sleep(0.01)


# --- processes, from /proc --------------------------------------------------

def proc_stat(pid):
    """(state, ppid, starttime) of pid, or None when it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], int(fields[1]), int(fields[19])


def proc_status(pid, name):
    """The fields of line `name:` of /proc/PID/status (e.g. "Uid"), or []."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(name + ":"):
                    return line.split()[1:]
    except OSError:
        pass
    return []


def proc_limits(pid):
    """{"Max core file size": (soft, hard), ...} from /proc/PID/limits ("unlimited" as -1)."""
    out = {}
    with open("/proc/%d/limits" % pid) as f:
        for ln in f.readlines()[1:]:
            m = re.match(r"^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)", ln)
            if m:
                out[m.group(1)] = tuple(-1 if v == "unlimited" else int(v) for v in m.group(2, 3))
    return out


def child_stats(pid):
    """{child pid: (state, starttime)} of pid's children (live or zombie)."""
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        st = proc_stat(int(d))
        if st and st[1] == pid:
            kids[int(d)] = (st[0], st[2])
    return kids


def children_of(pid):
    return list(child_stats(pid))


def proc_state(pid):
    st = proc_stat(pid)
    return st[0] if st else None


# --- the stats line ----------------------------------------------------------

def stats_lines(text):
    """Every stats line of a log, in order, as (pid, {counter: value}); the
    UDP counters are there only when the line has them."""
    return [(int(m[0]), dict((k, int(v)) for k, v in zip(STATS_KEYS, m[1:]) if v != ""))
            for m in STATS_RE.findall(text)]


def stats(srv, want=None, timeout=5.0):
    """SIGUSR1, then the new stats line as a dict (its format and pid checked).

    A child counts its work just after doing it, so a client can see an
    echo a moment before the count: with want (a predicate on the dict),
    ask again, a new line each time, until it holds or timeout seconds have
    passed; return the last line either way.
    """
    end = time.monotonic() + timeout
    while True:
        n = len(STATS_RE.findall(srv.log()))
        srv.signal(signal.SIGUSR1)
        check(srv.wait_log(STATS_PATTERN, timeout=max(10.0, timeout), count=n + 1),
              "no stats line after SIGUSR1: " + srv.log()[-500:])
        pid, st = stats_lines(srv.log())[n]
        check(pid == srv.pid, "stats line pid %d is not the server's %d" % (pid, srv.pid))
        if want is None or want(st) or time.monotonic() > end:
            return st
        time.sleep(0.05)


# --- socket activation -------------------------------------------------------

# The launcher systemd would be (Accept=no): the passed sockets become fds
# 3.. (moved out of the way first, so that no dup2 clobbers another), then
# LISTEN_PID (its own pid: the program is exec'd in place) and LISTEN_FDS.
ACTIVATE = ("import fcntl, os, sys\n"
            "fds = [int(x) for x in sys.argv[1].split(',')]\n"
            "tmp = [fcntl.fcntl(f, fcntl.F_DUPFD, 100) for f in fds]\n"
            "for i, f in enumerate(tmp):\n"
            "    os.dup2(f, 3 + i)\n"
            "    os.set_inheritable(3 + i, True)\n"
            "for f in tmp + [f for f in fds if not 3 <= f < 3 + len(fds)]:\n"
            "    os.close(f)\n"
            "os.environ['LISTEN_PID'] = str(os.getpid())\n"
            "os.environ['LISTEN_FDS'] = str(len(fds))\n"
            "os.execvp(sys.argv[2], sys.argv[2:])\n")


def activation(socks):
    """Keywords for Server (or Popen: argv = wrapper + argv) that start the
    program behind socks, socket-activated: {"wrapper": ..., "pass_fds": ...}."""
    fds = [k.fileno() for k in socks]
    return {"wrapper": [sys.executable, "-c", ACTIVATE, ",".join(map(str, fds))],
            "pass_fds": tuple(fds)}


def wait_until(cond, timeout=5.0, step=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(step)
    return cond()


def connect(port, host="127.0.0.1", timeout=10.0):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((host, port))
    return s


def exchange(sock, data, timeout=30.0, shut=True):
    """Send data while reading the echo; shut down writing; read to EOF.

    Returns the bytes received. Raises on timeout.
    """
    sock.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
    view = memoryview(data)
    sent = 0
    got = bytearray()
    wr_open = True
    deadline = time.monotonic() + timeout
    if not data and shut:
        sock.shutdown(socket.SHUT_WR)
        wr_open = False
        sel.modify(sock, selectors.EVENT_READ)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("exchange: sent %d/%d, got %d" % (sent, len(data), len(got)))
        for key, ev in sel.select(min(left, 1.0)):
            if ev & selectors.EVENT_WRITE and wr_open:
                try:
                    n = sock.send(view[sent:sent + 65536])
                except BlockingIOError:
                    n = 0
                sent += n
                if sent == len(data):
                    if shut:
                        sock.shutdown(socket.SHUT_WR)
                    wr_open = False
                    sel.modify(sock, selectors.EVENT_READ)
            if ev & selectors.EVENT_READ:
                try:
                    chunk = sock.recv(262144)
                except BlockingIOError:
                    continue
                if not chunk:
                    sel.close()
                    return bytes(got)
                got += chunk
                if not shut and not wr_open and len(got) >= len(data):
                    sel.close()
                    return bytes(got)


def recv_eof(sock, timeout=20.0):
    """Read until EOF (or a reset); returns (bytes, reset?)."""
    sock.settimeout(timeout)
    got = bytearray()
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return bytes(got), False
            got += chunk
    except ConnectionResetError:
        return bytes(got), True


def reset(sock):
    """Close with SO_LINGER 0: the peer gets a RST."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()


def ipv6_ok():
    """True when ::1 can be bound here."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as t:
            t.bind(("::1", 0))
        return True
    except OSError:
        return False


def udp_client(family=socket.AF_INET, host="127.0.0.1", port=0):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind((host, port))
    s.settimeout(5.0)
    return s


def udp_roundtrip(sock, addr, data, tries=2):
    """Send data, return the first reply (retry on timeout: UDP may drop)."""
    for _ in range(tries):
        sock.sendto(data, addr)
        try:
            reply, frm = sock.recvfrom(70000)
            check(frm[1] == addr[1], "reply from port %d" % frm[1])
            return reply
        except socket.timeout:
            continue
    raise AssertionError("no UDP echo of %d bytes after %d tries" % (len(data), tries))


def roundtrip(port, data, host="127.0.0.1", timeout=30.0):
    """Connect, echo data, return what came back (then closed)."""
    s = connect(port, host)
    try:
        return exchange(s, data, timeout)
    finally:
        s.close()


def run_parallel(fn, args_list, timeout=120.0):
    """Run fn(*args) in threads; return list of (result or exception)."""
    results = [None] * len(args_list)

    def work(i, a):
        try:
            results[i] = fn(*a)
        except Exception as e:  # reported by the caller
            results[i] = e

    threads = [threading.Thread(target=work, args=(i, a), daemon=True)
               for i, a in enumerate(args_list)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    return results


class CaseTimeout(BaseException):
    """A case (or a deadline() block) ran past its limit. Not an Exception,
    so a case's own `except Exception` cannot swallow it."""


@contextlib.contextmanager
def deadline(seconds, what="case"):
    """Raise CaseTimeout in the block once it has run `seconds` (SIGALRM;
    main thread only, elsewhere or for seconds <= 0 no limit). A blocked
    wait, sleep, recv or subprocess wait is interrupted too. Servers the
    block started and left running, and processes it track()ed, are killed
    (by pid) on a timeout."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    first = next(_SERIAL)      # servers started in the block have a later serial
    armed = [True]

    def on_alarm(signo, frame):
        if armed[0]:
            armed[0] = False
            raise CaseTimeout("%s: no result after %.0fs (hung?)" % (what, seconds))
    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        try:
            yield
        finally:
            armed[0] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    except CaseTimeout:
        for srv in list(_SERVERS):
            if srv.serial > first:
                srv.kill()
        for p in list(_PROCS):
            if p.echod_serial > first and p.poll() is None:
                p.kill()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    pass
        raise


class Results:
    """Counts test cases and prints the closing 'N passed, N failed' line.

    Each case runs under a deadline (case_timeout seconds, or
    $ECHOD_CASE_TIMEOUT): one that hangs fails with its name
    ("FAIL NAME: CaseTimeout: ...") and the suite goes on."""

    def __init__(self, name, case_timeout=None):
        self.name = name
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        env = os.environ.get("ECHOD_CASE_TIMEOUT")
        if env:
            self.case_timeout = float(env)
        else:
            self.case_timeout = CASE_TIMEOUT if case_timeout is None else case_timeout

    def run(self, fn, *args):
        label = fn.__name__ + ("" if not args else "(%s)" % ", ".join(map(str, args)))
        start = time.monotonic()
        try:
            with deadline(self.case_timeout, label):
                r = fn(*args)
        except (Exception, CaseTimeout) as e:  # a failing case must not stop the suite
            self.record(label, False, "%s: %s" % (type(e).__name__, e))
            return
        if r == "skip" or (isinstance(r, tuple) and r and r[0] == "skip"):
            self.skipped += 1
            print("SKIP %s: %s" % (label, r[1] if isinstance(r, tuple) else ""), flush=True)
            return
        self.record("%s (%.1fs)" % (label, time.monotonic() - start), True)

    def record(self, label, ok, detail=""):
        """Count one result judged by the caller (run() judges a case's own);
        detail is printed on a failure."""
        if ok:
            self.passed += 1
            print("ok   %s" % label, flush=True)
        else:
            self.failed += 1
            print("FAIL %s: %s" % (label, detail), flush=True)

    def finish(self):
        line = "%d passed, %d failed" % (self.passed, self.failed)
        if self.skipped:
            line += ", %d skipped" % self.skipped
        print("%s: %s" % (self.name, line))
        return 0 if self.failed == 0 else 1
