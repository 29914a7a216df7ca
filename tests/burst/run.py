#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tests/burst/run.py: the shipped super-server configs survive a burst (make burst).

BURST quick connections, as fast as THREADS clients make them, against the
real xinetd and the real openbsd-inetd (from its unpacked .deb: it
conflicts with xinetd as a package), each running a private config built
from the shipped one (dist/xinetd.echod, dist/inetd.conf) on a loopback
port: every connection must be echoed, and the service must still answer
afterwards. systemd-socket-activate has no trigger limit, so
dist/echod-inetd.socket's TriggerLimit*= are checked against the burst and
against dist/README.md instead. Never touches /etc, never installs a
service; every process started here is killed by pid.

--dist DIR reads the configs from DIR instead of dist/ (to measure older
ones by hand).
"""
import argparse
import os
import pwd
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import echodtest as et  # noqa: E402

check = et.check
ROOT = et.ROOT
WORK = os.path.join(ROOT, "build", "burst")
BURST = 300             # connections, as in the tester's report
THREADS = 30            # clients at a time
# The clients' source addresses: 10 loopback addresses, 3 clients each, so
# that per_source = 8 (a per-client limit, not a rate) is never what refuses.
SOURCES = ["127.0.0.%d" % (10 + i) for i in range(10)]
CONN_TIMEOUT = 5.0      # seconds per connection
BURST_DEADLINE = 15.0   # no new connection after this; the step stays under 60 s
XINETD = "/usr/sbin/xinetd"
SMALL_HOST = 1024       # echod --inetd processes a small host holds (dist/README.md)
DIST = os.path.join(ROOT, "dist")   # --dist
# What another uid (xinetd's user, inetd run as nobody) must reach: echod,
# inetd and the private configs, copied into a 0755 directory of /tmp; a
# checkout may sit in a directory only its owner can enter (mktemp -d).
RUN = None
ECHOD = None


# -- the burst ------------------------------------------------------------------
def one(src, port, i):
    """One connection from src: a short message, read back, closed."""
    msg = b"burst %03d\n" % i
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.settimeout(CONN_TIMEOUT)
        s.bind((src, 0))
        s.connect(("127.0.0.1", port))
        got = et.exchange(s, msg, timeout=CONN_TIMEOUT)
    finally:
        s.close()
    return "ok" if got == msg else "echo %r" % got[:20]


def burst(port, n=BURST):
    """n connections from THREADS clients; (echoed, {failure: count}, seconds)."""
    todo = iter(range(n))
    lock = threading.Lock()
    results = []
    end = time.monotonic() + BURST_DEADLINE

    def client(k):
        src = SOURCES[k % len(SOURCES)]
        while True:
            with lock:
                i = next(todo, None)
            if i is None:
                return
            if time.monotonic() > end:
                r = "not tried (deadline)"
            else:
                try:
                    r = one(src, port, i)
                except Exception as e:  # counted: the burst reports what failed
                    r = type(e).__name__
            with lock:
                results.append(r)

    start = time.monotonic()
    threads = [threading.Thread(target=client, args=(k,), daemon=True)
               for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(BURST_DEADLINE + 2 * CONN_TIMEOUT)
    secs = time.monotonic() - start
    fails = {}
    for r in results:
        if r != "ok":
            fails[r] = fails.get(r, 0) + 1
    fails_missing = n - len(results)
    if fails_missing:
        fails["no result"] = fails_missing
    return results.count("ok"), fails, secs


def judge(name, port, log):
    """The burst, then one more connection: all echoed, service still on."""
    ok, fails, secs = burst(port)
    print("     %s: %d of %d echoed in %.2f s (%.0f connections/s)%s"
          % (name, ok, BURST, secs, BURST / secs,
             "" if not fails else ", failed: %s" % fails), flush=True)
    after = burst(port, 1)[0]
    check(ok == BURST, "%s: %d of %d echoed, failed: %s; log: %s"
          % (name, ok, BURST, fails, log()[-600:]))
    check(after == 1, "%s: off after the burst; log: %s" % (name, log()[-600:]))


# -- processes and ports --------------------------------------------------------
def free_port():
    """A free loopback port below the ephemeral range (the server needs it
    fixed before it starts; the clients' own ports never take it)."""
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        lo = int(f.read().split()[0])
    for _ in range(100):
        port = random.randrange(10000, max(lo, 10001))
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise AssertionError("no free port")


def listening(port):
    """True when something listens on 127.0.0.1:port (from /proc, without
    connecting: a probe would count against the limits under test)."""
    want = "0100007F:%04X" % port
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[1] == want and fields[3] == "0A":
                return True
    return False


class Super:
    """A super-server started here (argv), its output in a log file."""

    def __init__(self, argv, port, logpath=None):
        self.err = et.log_file()
        self.logpath = logpath
        self.proc = et.track(subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                              stdout=self.err, stderr=self.err,
                                              env=et.base_env()))
        if not et.wait_until(lambda: listening(port) or self.proc.poll() is not None, 10):
            self.stop()
            raise AssertionError("%s not listening on %d: %s" % (argv[0], port, self.log()))
        check(self.proc.poll() is None, "%s exited %s: %s"
              % (argv[0], self.proc.returncode, self.log()))

    def log(self):
        text = et.read_log(self.err)
        if self.logpath and os.path.exists(self.logpath):
            with open(self.logpath, errors="replace") as f:
                text += f.read()
        return text

    def stop(self):
        """SIGKILL it and the echod children it left, each by pid."""
        et.kill_with(self.proc, et.children_of(self.proc.pid) if self.proc.poll() is None else [])
        self.err.close()


def current_user():
    return pwd.getpwuid(os.getuid()).pw_name


def drop_to_nobody():
    """argv prefix that runs a program as nobody when we are root: what
    openbsd-inetd writes as root (/run/inetd.pid) is then never written."""
    if os.getuid() != 0:
        return []
    nobody = pwd.getpwnam("nobody")
    return ["setpriv", "--reuid=%d" % nobody.pw_uid,
            "--regid=%d" % nobody.pw_gid, "--clear-groups"]


# -- the shipped configs --------------------------------------------------------
def inetd_lines(DIST):
    with open(os.path.join(DIST, "inetd.conf")) as f:
        return [ln.split() for ln in f if ln.strip() and not ln.startswith("#")]


def inetd_max(fields):
    """N of nowait.N (256, inetd's default, when absent)."""
    m = re.match(r"^nowait(?:\.(\d+))?$", fields[3])
    check(m, "inetd.conf: %s is not nowait[.N]" % fields[3])
    return int(m.group(1) or 256)


def arg_value(args, opt):
    check(opt in args, "%s not in %s" % (opt, args))
    return int(args[args.index(opt) + 1])


def xinetd_stanza(DIST):
    """[(key, op, value)] of dist/xinetd.echod's service block."""
    out = []
    with open(os.path.join(DIST, "xinetd.echod")) as f:
        for line in f:
            m = re.match(r"^\s*(\w+)\s*(\+?=|-=)\s*(.*?)\s*$", line)
            if m:
                out.append(m.groups())
    return out


def unit_values(DIST, name):
    vals = {}
    with open(os.path.join(DIST, name)) as f:
        for line in f:
            m = re.match(r"^(\w+)=(.*)$", line.strip())
            if m:
                vals[m.group(1)] = m.group(2)
    return vals


def seconds(v):
    """A systemd time span of the forms used here: 10s, 1min, 500ms, 2."""
    m = re.match(r"^(\d+)\s*(ms|s|sec|min|m)?$", v)
    check(m, "time span %r" % v)
    return int(m.group(1)) * {"ms": 0.001, None: 1, "s": 1, "sec": 1,
                              "min": 60, "m": 60}[m.group(2)]


def readme():
    with open(os.path.join(DIST, "README.md")) as f:
        return f.read()


# -- cases ------------------------------------------------------------------------
def test_xinetd():
    """dist/xinetd.echod under the real xinetd: the burst, all echoed."""
    if not os.access(XINETD, os.X_OK):
        return ("skip", "%s not installed (ci/deps.d/bench.list)" % XINETD)
    port = free_port()
    conf = os.path.join(RUN, "xinetd.conf")
    logpath = os.path.join(RUN, "xinetd.log")
    svclog = os.path.join(RUN, "xinetd-service.log")
    for p in (logpath, svclog):
        if os.path.exists(p):
            os.unlink(p)
    # The shipped stanza's values, made private: loopback, a free port,
    # unlisted (no /etc/services entry), this build, a log of its own.
    private = {"bind": "127.0.0.1", "port": str(port), "type": "UNLISTED",
               "server": ECHOD,
               "log_type": "FILE %s" % svclog}
    shipped = xinetd_stanza(DIST)
    if os.getuid() != 0:    # root runs it as the shipped user
        private["user"] = current_user()
    lines = ["service echo", "{"]
    for k, op, v in shipped:
        if k == "flags":    # IPv6 would ask for a dual-stack socket; bind decides
            continue
        if k in private:
            v = private.pop(k)
        lines.append("\t%s %s %s" % (k, op, v))
    lines += ["\t%s = %s" % kv for kv in private.items()] + ["}", ""]
    with open(conf, "w") as f:
        f.write("\n".join(lines))
    os.chmod(conf, 0o644)
    # -dontfork: stay in the foreground (implies -stayalive); -filelog: no syslog.
    srv = Super([XINETD, "-dontfork", "-f", conf, "-filelog", logpath,
                        "-pidfile", os.path.join(RUN, "xinetd.pid")], port, logpath)
    try:
        judge("xinetd", port, srv.log)
    finally:
        srv.stop()


def inetd_binary():
    """openbsd-inetd's usr/sbin/inetd, unpacked from its .deb under build/burst
    (downloaded once; apt-get download needs no root). None when impossible."""
    exe = os.path.join(WORK, "openbsd-inetd", "usr", "sbin", "inetd")
    if os.access(exe, os.X_OK):
        return exe, None

    def debs():
        return sorted(f for f in os.listdir(WORK)
                      if f.startswith("openbsd-inetd_") and f.endswith(".deb"))
    if not debs():
        if shutil.which("apt-get") is None:
            return None, "no apt-get"
        try:
            r = subprocess.run(["apt-get", "download", "-q", "openbsd-inetd"], cwd=WORK,
                               capture_output=True, text=True, timeout=30)
        except subprocess.TimeoutExpired:
            return None, "apt-get download openbsd-inetd: no answer in 30 s"
        if r.returncode != 0 or not debs():
            return None, "apt-get download openbsd-inetd failed: %s" % (
                (r.stdout + r.stderr).strip().splitlines() or ["?"])[-1]
    r = subprocess.run(["dpkg-deb", "-x", os.path.join(WORK, debs()[-1]),
                        os.path.join(WORK, "openbsd-inetd")],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, "dpkg-deb -x: %s" % r.stderr)
    return exe, None


def test_openbsd_inetd():
    """dist/inetd.conf's line under the real openbsd-inetd: the burst, all echoed."""
    exe, why = inetd_binary()
    if exe is None:
        return ("skip", "openbsd-inetd unavailable (%s)" % why)
    drop = drop_to_nobody()
    user = "nobody" if drop else current_user()
    port = free_port()
    conf = os.path.join(RUN, "inetd.conf")
    exe = et.copy_reachable(exe, RUN)
    # The shipped IPv4 line, made private: a loopback address and numeric
    # port for the service name, this user, this build.
    f = [ln for ln in inetd_lines(DIST) if ln[2] in ("tcp", "tcp4")]
    check(f, "inetd.conf: no tcp line")
    f = f[0]
    line = ["127.0.0.1:%d" % port, f[1], f[2], f[3], user, ECHOD] + f[6:]
    with open(conf, "w") as out:
        out.write("\t".join(line) + "\n")
    os.chmod(conf, 0o644)
    # -d: debug, in the foreground, messages on standard error.
    srv = Super(drop + [exe, "-d", conf], port)
    try:
        judge("openbsd-inetd", port, srv.log)
    finally:
        srv.stop()


def test_inetd_arithmetic():
    """nowait.N: inetd stops the N-th invocation in a minute, so N > BURST + 1;
    each child lives at most --max-lifetime T, so at most N*T/60 at a time."""
    lines = inetd_lines(DIST)
    check(lines, "inetd.conf: no line")
    ns = {inetd_max(f) for f in lines}
    ts = {arg_value(f[7:], "--max-lifetime") for f in lines}
    check(len(ns) == 1 and len(ts) == 1, "inetd.conf lines differ: N %s, T %s" % (ns, ts))
    n, t = ns.pop(), ts.pop()
    check(n >= BURST + 2, "nowait.%d: a burst of %d (and one more) is refused" % (n, BURST))
    check(0 < t and n * t // 60 <= SMALL_HOST,
          "nowait.%d x --max-lifetime %d / 60 = %d processes > %d"
          % (n, t, n * t // 60, SMALL_HOST))
    text = readme()
    for s in ("nowait.%d" % n, "--max-lifetime %d" % t, "%d processes" % (n * t // 60)):
        check(s in text, "dist/README.md does not say %r" % s)


def test_xinetd_values():
    """cps R W: a burst of at most R connections never trips it."""
    conf = {k: v for k, _, v in xinetd_stanza(DIST)}
    check("cps" in conf, "xinetd.echod: no cps (xinetd's default, 50 10, is off at 51)")
    r, w = (int(x) for x in conf["cps"].split())
    check(r >= BURST, "cps %d < a burst of %d" % (r, BURST))
    inst, per = int(conf["instances"]), int(conf["per_source"])
    check(0 < per <= inst, "instances %d, per_source %d" % (inst, per))
    text = readme()
    for s in ("cps = %d %d" % (r, w), "instances = %d" % inst, "per_source = %d" % per):
        check(s in text, "dist/README.md does not say %r" % s)


def test_systemd_trigger_limit():
    """echod-inetd.socket: Accept=yes makes each connection a trigger;
    systemd-socket-activate cannot emulate the limit, so the values are
    checked: set, above the burst, a real limit, and as dist/README.md says."""
    u = unit_values(DIST, "echod-inetd.socket")
    check(u.get("Accept") == "yes", "Accept=%s" % u.get("Accept"))
    for k in ("TriggerLimitIntervalSec", "TriggerLimitBurst", "MaxConnections"):
        check(k in u, "echod-inetd.socket: no %s= (systemd's default is 200 per 2 s)" % k)
    secs, b = seconds(u["TriggerLimitIntervalSec"]), int(u["TriggerLimitBurst"])
    check(b > BURST, "TriggerLimitBurst=%d: a burst of %d fails the socket" % (b, BURST))
    check(0 < secs and b / secs <= 100,
          "TriggerLimitBurst=%d per %gs: above systemd's own default rate, 200 per 2 s"
          % (b, secs))
    check(int(u["MaxConnections"]) > 0, "MaxConnections=%s" % u["MaxConnections"])
    text = readme()
    for k in ("TriggerLimitIntervalSec", "TriggerLimitBurst", "MaxConnections"):
        check("%s=%s" % (k, u[k]) in text, "dist/README.md does not say %s=%s" % (k, u[k]))


def main():
    global DIST
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dist", default=DIST,
                    help="where the configs are (default: dist/)")
    args = ap.parse_args()
    DIST = os.path.abspath(args.dist)
    global RUN, ECHOD
    os.makedirs(WORK, exist_ok=True)
    RUN = tempfile.mkdtemp(prefix="echod-burst-")
    try:
        os.chmod(RUN, 0o755)
        ECHOD = et.copy_reachable(et.binary(), RUN)
        res = et.Results("burst", case_timeout=40)
        for case in (test_inetd_arithmetic, test_xinetd_values, test_systemd_trigger_limit,
                     test_xinetd, test_openbsd_inetd):
            res.run(case)
        return res.finish()
    finally:
        shutil.rmtree(RUN, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
