# SPDX-License-Identifier: ISC
"""peers: start and stop the benchmarked servers (echod and its peers) on 127.0.0.1, by pid.

Each start() returns a Running with the port it listens on; stop() ends the
server and every process it forked (read from /proc), by pid only.
"""
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
# Deliberately the tests' library: a benchmark peer is started, waited for
# and logged the way the suites start echod (log_file/read_log: see there
# why; wait_ready_line; base_env: no inherited LISTEN_*/NOTIFY_SOCKET), so
# the two cannot drift apart. Nothing here judges an echo: bench/loadgen does.
import echodtest as et  # noqa: E402
READY_RE = re.compile(r"listening on 127\.0\.0\.1:(\d+)")

# name -> human label, in table order; the first is the subject.
PEERS = [
    ("echod", "echod"),
    ("ref", "reference fork server (bench/refserver.c)"),
    ("limit", "accept+fork+close limit (bench/forkclose.c)"),
    ("socat-exec", "socat TCP-LISTEN,fork,reuseaddr EXEC:cat"),
    ("socat-pipe", "socat TCP-LISTEN,fork,reuseaddr PIPE"),
    ("tcpserver", "tcpserver -HRl0 -c 1000 cat"),
    ("xinetd", "xinetd internal echo (cps lifted)"),
]

XINETD_CONF = """defaults
{{
}}
service echo
{{
	type		= INTERNAL UNLISTED
	id		= echo-stream
	socket_type	= stream
	protocol	= tcp
	wait		= no
	user		= root
	bind		= 127.0.0.1
	port		= {port}
	instances	= UNLIMITED
	per_source	= UNLIMITED
	cps		= 1000000 1
}}
"""


def free_port():
    """A free port on 127.0.0.1 below the ephemeral range (peers need a fixed
    one; a port the clients' connections may also use could not be bound)."""
    lo, _ = (int(x) for x in open("/proc/sys/net/ipv4/ip_local_port_range").read().split())
    for _ in range(100):
        port = random.randrange(10000, max(lo, 10001))
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    raise RuntimeError("no free port")


def listening(port):
    """True when something listens on 127.0.0.1:port (read from /proc, no connection)."""
    want = "0100007F:%04X" % port
    with open("/proc/net/tcp") as f:
        for line in f:
            fields = line.split()
            if len(fields) > 3 and fields[1] == want and fields[3] == "0A":
                return True
    return False


def children(pid):
    """Every descendant of pid, deepest last."""
    out = []
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            tasks = os.listdir("/proc/%d/task" % p)
        except OSError:
            continue
        for t in tasks:
            try:
                with open("/proc/%d/task/%s/children" % (p, t)) as f:
                    kids = [int(x) for x in f.read().split()]
            except OSError:
                continue
            out += kids
            todo += kids
    return out


class Running:
    def __init__(self, name, proc, port, tmpdir=None, log=None):
        self.name = name
        self.proc = proc
        self.pid = proc.pid
        self.port = port
        self.tmpdir = tmpdir
        self.log = log

    def stop(self):
        """SIGTERM the server and its children by pid; SIGKILL what is left."""
        kids = children(self.pid)
        for p in [self.pid] + kids:
            try:
                os.kill(p, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for p in children(self.pid) + kids:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.log:
            self.log.close()
        if self.tmpdir:
            self.tmpdir.cleanup()


def _wait_ready_line(proc, log, timeout=10.0):
    try:
        found = et.wait_ready_line(proc, lambda: et.read_log(log), READY_RE, timeout)
    except AssertionError:      # it exited first
        found = []
    if found:
        return int(found[0])
    proc.kill()
    proc.wait()
    raise RuntimeError("server did not become ready: %r" % (proc.args,))


def _wait_listening(proc, port, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if listening(port):
            return port
        if proc.poll() is not None:
            break
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    raise RuntimeError("server did not listen on %d: %r" % (port, proc.args))


def start(name, build="build", echod_args=(), binary=None, tries=5):
    """Start peer `name` on 127.0.0.1; returns a Running. A peer on a fixed
    port that fails to listen (the port was taken meanwhile) is retried."""
    for i in range(tries):
        try:
            return _start(name, build, echod_args, binary)
        except RuntimeError:
            if i == tries - 1:
                raise
            time.sleep(0.2)


def _start(name, build, echod_args, binary):
    bench = os.path.join(ROOT, build, "bench")
    log = et.log_file()
    kw = dict(stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
              cwd=ROOT)
    if name in ("echod", "ref", "limit", "bad-flip", "bad-trunc", "bad-extra",
                "bad-good"):
        if name == "echod":
            argv = [os.path.join(ROOT, binary or os.path.join(build, "echod")),
                    "--listen", "127.0.0.1",
                    "--port", "0"] + list(echod_args)
        elif name == "ref":
            argv = [os.path.join(bench, "refserver"), "0"]
        elif name == "limit":
            argv = [os.path.join(bench, "forkclose"), "0"]
        else:
            argv = [os.path.join(bench, "badecho"), name[4:], "10", "0"]
        proc = subprocess.Popen(argv, env=et.base_env(), **kw)
        return Running(name, proc, _wait_ready_line(proc, log), log=log)
    port = free_port()
    tmpdir = None
    if name == "socat-exec":
        argv = ["socat", "TCP-LISTEN:%d,bind=127.0.0.1,fork,reuseaddr" % port,
                "EXEC:cat"]
    elif name == "socat-pipe":
        argv = ["socat", "TCP-LISTEN:%d,bind=127.0.0.1,fork,reuseaddr" % port,
                "PIPE"]
    elif name == "tcpserver":
        argv = ["tcpserver", "-HRl0", "-c", "1000", "127.0.0.1", str(port), "cat"]
    elif name == "xinetd":
        tmpdir = tempfile.TemporaryDirectory(prefix="bench-xinetd-")
        conf = os.path.join(tmpdir.name, "xinetd.conf")
        with open(conf, "w") as f:
            f.write(XINETD_CONF.format(port=port))
        argv = ["xinetd", "-dontfork", "-f", conf,
                "-pidfile", os.path.join(tmpdir.name, "pid")]
    else:
        raise ValueError(name)
    proc = subprocess.Popen(argv, **kw)
    return Running(name, proc, _wait_listening(proc, port), tmpdir, log)


def loadgen(build, port, mode, args, timeout=600):
    """Run the load generator; returns (exit status, dict of RESULT fields, stderr)."""
    argv = [os.path.join(ROOT, build, "bench", "loadgen"), mode, "-p", str(port)]
    argv += [str(a) for a in args]
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=timeout, text=True)
    res = {}
    for line in r.stdout.splitlines():
        if line.startswith("RESULT "):
            for kv in line.split()[1:]:
                k, _, v = kv.partition("=")
                try:
                    res[k] = float(v)
                except ValueError:
                    res[k] = v
    return r.returncode, res, r.stderr
