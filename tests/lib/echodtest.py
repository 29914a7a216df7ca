"""echodtest: shared helpers for echod's integration, fault and soak tests.

Starts the real binary on port 0, reads the port from its readiness line
with a deadline, drives clients over loopback only, inspects the server's
processes through /proc, and kills only the pids it started.
"""
import contextlib
import fcntl
import itertools
import os
import re
import selectors
import signal
import socket
import subprocess
import tempfile
import threading
import time
import weakref

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARIES = {
    "asan": os.path.join(ROOT, "build", "asan", "echod"),
    "release": os.path.join(ROOT, "build", "echod"),
}
SANITIZER_ENV = {
    "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=1:halt_on_error=1",
    "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1",
    "LSAN_OPTIONS": "exitcode=23",
}
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:",
                   "UndefinedBehaviorSanitizer")
LISTEN_RE = re.compile(r"^echod\[(\d+)\]: listening on (udp )?(\S+)$", re.M)
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
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = LISTEN_RE.findall(self.log())
            if found:
                self.listening = [(udp.strip(), addr) for _, udp, addr in found]
                tcp = [a for u, a in self.listening if not u]
                if tcp:
                    self.port = int(tcp[0].rsplit(":", 1)[1])
                return
            if self.proc.poll() is not None:
                raise AssertionError("echod exited %s before listening: %s"
                                     % (self.proc.returncode, self.log()))
            time.sleep(0.01)
        self.kill()
        raise AssertionError("echod not listening after %.1fs: %s" % (timeout, self.log()))

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
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

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
        kids = self.children() if self.proc.poll() is None else []
        if self.proc.poll() is None:
            self.proc.kill()
        for k in kids:
            try:
                os.kill(k, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        return False


def children_of(pid):
    kids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(d))
    return kids


def proc_state(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


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
            self.failed += 1
            print("FAIL %s: %s: %s" % (label, type(e).__name__, e), flush=True)
            return
        if r == "skip" or (isinstance(r, tuple) and r and r[0] == "skip"):
            self.skipped += 1
            print("SKIP %s: %s" % (label, r[1] if isinstance(r, tuple) else ""), flush=True)
            return
        self.passed += 1
        print("ok   %s (%.1fs)" % (label, time.monotonic() - start), flush=True)

    def finish(self):
        line = "%d passed, %d failed" % (self.passed, self.failed)
        if self.skipped:
            line += ", %d skipped" % self.skipped
        print("%s: %s" % (self.name, line))
        return 0 if self.failed == 0 else 1
