# SPDX-License-Identifier: ISC
"""faultlib: what only the fault suite and the soak share: the C load driver, rlimits, /proc sampling of children (the rest is tests/lib)."""
import os
import re
import resource
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
import echodtest as et  # noqa: E402

ROOT = et.ROOT
check, stats, children, proc_stat = et.check, et.stats, et.child_stats, et.proc_stat
LOAD_RE = re.compile(r"^echoload: (.*)$", re.M)


def raise_nofile():
    """Room for a thousand client sockets in this process."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > 65536:
        hard = 65536
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def echoload_path():
    path = os.environ.get("ECHOLOAD") or os.path.join(ROOT, "build", "faults", "echoload")
    check(os.access(path, os.X_OK), "load driver %s not built (make %s)" % (path, path))
    return path


def echoload(port, *args):
    """Start the C load driver; returns the Popen (stdout piped)."""
    return et.track(subprocess.Popen([echoload_path(), "-p", str(port)] + [str(a) for a in args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     preexec_fn=raise_nofile))


def load_result(proc, timeout):
    """Wait for a load driver; return its figures as a dict (+ 'rc', 'stderr')."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate(timeout=10)
        raise AssertionError("load driver still running after %.0fs" % timeout)
    m = LOAD_RE.findall(out.decode())
    check(m, "load driver printed no figures: %s" % err.decode()[-500:])
    res = {}
    for kv in m[-1].split():
        k, v = kv.split("=", 1)
        res[k] = v if k == "mode" else float(v) if "." in v else int(v)
    res["rc"] = proc.returncode
    res["stderr"] = err.decode()
    return res


def sleeps(pid):
    """How many times pid has blocked (voluntary_ctxt_switches), or -1."""
    return int((et.proc_status(pid, "voluntary_ctxt_switches") or [-1])[0])


class Sampler(threading.Thread):
    """Samples a server's children every `period` s: peak count, zombies.

    The parent reaps on every turn of its loop, and a turn that finds the
    signal pipe readable does not sleep in poll(2). So once the parent has
    blocked twice after a zombie was seen, it has been through at least one
    full turn (drain the pipe, reap) after that child's SIGCHLD: a zombie
    still there then is *unreaped*, a server bug whatever the machine load.
    A zombie still there a second later although the parent did not get to
    run is only *slow* (the parent was starved of CPU); one seen once is
    *transient* (between exit(2) and waitpid). Peak counts live and zombie
    children.
    """

    def __init__(self, pid, period=0.5):
        super().__init__(daemon=True)
        self.pid = pid
        self.period = period
        self.peak = 0
        self.samples = 0
        self.transient = set()
        self.unreaped = set()
        self.slow = set()
        self.seen = set()           # (pid, starttime) of every child seen
        self._first_z = {}          # key -> (monotonic, parent sleeps) after first sight
        self._halt = threading.Event()

    def run(self):
        while not self._halt.is_set():
            before = sleeps(self.pid)
            kids = children(self.pid)
            after = sleeps(self.pid)
            now = time.monotonic()
            self.samples += 1
            self.peak = max(self.peak, len(kids))
            for p, (state, start) in kids.items():
                self.seen.add((p, start))
                if state != "Z":
                    continue
                key = (p, start)
                self.transient.add(key)
                if key not in self._first_z:
                    self._first_z[key] = (now, after)
                    continue
                t_first, s_first = self._first_z[key]
                if before >= 0 and s_first >= 0 and before - s_first >= 2:
                    self.unreaped.add(key)
                elif now - t_first >= 1.0:
                    self.slow.add(key)
            self._halt.wait(self.period)

    def stop(self):
        self._halt.set()
        self.join(10)


def still_alive(seen):
    """Processes from `seen` ((pid, starttime) pairs) that still exist."""
    left = []
    for p, start in seen:
        st = proc_stat(p)
        if st and st[2] == start and st[0] != "Z":
            left.append(p)
    return left
