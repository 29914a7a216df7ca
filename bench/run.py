#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""run.py: `make bench` / `make bench-quick`: echod against its peers on 127.0.0.1, interleaved, medians with min-max.

Every run gets a fresh server; rounds go A B C ... A B C ..., so slow drifts
of a shared machine hit every server alike. Both builds of echod are rows:
the default (glibc) and the fast build (static-PIE against musl). Prints a
table with the ratios of each build to every peer, the memory test (Pss per
idle connection, the children's seccomp mode, the parent's RSS), then the
performance targets (bench/README.md): target, build, measured, met or not.
Never pass/fail on speed: the exit status is non-zero only when a load
generator found a wrong echo from either echod or the reference server (or
could not run).
"""
import argparse
import datetime
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402

# The two builds of echod are the subjects: "echod" is the default build
# (glibc, dynamic PIE, build/echod), "echod-static" the fast build (static-PIE
# against musl, build/static/echod, `make static`). Both are measured in the
# same interleaved rounds as every peer.
BUILDS = ["echod", "echod-static"]
ALL = ["echod", "echod-static", "echod-nosb", "ref", "limit", "socat-exec",
       "socat-pipe", "tcpserver", "xinetd"]
ECHOERS = [p for p in ALL if p not in ("limit", "echod-nosb")]
# echod with the policy switched on and admitting every benchmark client:
# 64 rules (62 --deny of other networks, --allow of loopback for each
# family) and a --rate-per-ip far above the load. In connrate32 only: its
# target is to cost under 3% of plain echod there.
ACL_ARGS = sum([["--deny", "10.%d.0.0/16" % k] for k in range(31)] +
               [["--deny", "2001:db8:%x::/48" % k] for k in range(31)] +
               [["--allow", "127.0.0.0/8"], ["--allow", "::1"]], []) + \
    ["--rate-per-ip", "65535"]
CONNRATE32 = ALL + ["echod-acl"]
# Where the fast build is, relative to the tree (--static overrides).
STATIC = os.path.join("build", "static", "echod")
# Rounds of connrate32 in full mode: its targets are judged on medians of at
# least 7 interleaved rounds. The extra rounds after the others' last one run
# connrate32 alone, still over every server in turn.
CONNRATE32_ROUNDS = 7

# name: (mode, loadgen args, peers, unit)
TESTS_FULL = [
    ("connrate32", "connrate", ["-c", 32, "-d", 3000, "-t", 5000], CONNRATE32, "conn/s"),
    ("connrate256", "connrate", ["-c", 256, "-d", 3000, "-t", 5000], ALL, "conn/s"),
    ("stream1", "stream", ["-c", 1, "-M", 384, "-t", 60000], ECHOERS, "MB/s"),
    ("stream8", "stream", ["-c", 8, "-M", 48, "-t", 60000], ECHOERS, "MB/s"),
    ("pingpong1", "pingpong", ["-m", 1, "-d", 2000], ECHOERS, "rt/s"),
    ("pingpong64", "pingpong", ["-m", 64, "-d", 2000], ECHOERS, "rt/s"),
]
TESTS_QUICK = [
    ("connrate32", "connrate", ["-c", 32, "-d", 1000, "-t", 5000], CONNRATE32, "conn/s"),
    ("stream1", "stream", ["-c", 1, "-M", 64, "-t", 60000], ECHOERS, "MB/s"),
    ("stream8", "stream", ["-c", 8, "-M", 8, "-t", 60000], ECHOERS, "MB/s"),
    ("pingpong1", "pingpong", ["-m", 1, "-d", 700], ECHOERS, "rt/s"),
]


def start(name, build):
    if name == "echod":
        return peers.start("echod", build, ["--max-clients", "1000"])
    if name == "echod-static":
        return peers.start("echod", build, ["--max-clients", "1000"], binary=STATIC)
    if name == "echod-acl":
        return peers.start("echod", build, ["--max-clients", "1000"] + ACL_ARGS)
    if name == "echod-nosb":
        return peers.start("echod", build, ["--max-clients", "1000", "--no-sandbox"])
    if name.startswith("echod-"):	# a variant built by hand as build/bench/NAME
        return peers.start("echod", build, ["--max-clients", "1000"],
                           binary=os.path.join(build, "bench", name))
    return peers.start(name, build)


def one_run(build, test, name):
    _, mode, args, _, _ = test
    try:
        srv = start(name, build)
    except (RuntimeError, OSError) as e:
        return {"rc": -1, "rate": 0.0, "errors": 1, "err": [str(e)]}
    try:
        a = list(args) + (["-x"] if name == "limit" else [])
        rc, res, err = peers.loadgen(build, srv.port, mode, a)
    finally:
        srv.stop()
    res["rc"] = rc
    if rc != 0:
        res["err"] = err.strip().splitlines()[:3]
    return res


def med(xs):
    return statistics.median(xs) if xs else 0.0


def summarize(results, tests):
    """results[test][peer] = list of RESULT dicts -> rows."""
    rows = {}
    for t in tests:
        name = t[0]
        rows[name] = {}
        for p, runs in results[name].items():
            rates = [r.get("rate", 0.0) for r in runs]
            p99 = [r["p99_ms"] for r in runs if "p99_ms" in r]
            rows[name][p] = {
                "median": med(rates), "min": min(rates), "max": max(rates),
                "p99": med(p99) if p99 else None,
                "p99max": max(p99) if p99 else None,
                "errors": int(sum(r.get("errors", 0) for r in runs)),
                "failed_runs": sum(1 for r in runs if r["rc"] != 0),
                "n": len(runs),
            }
    return rows


def table(rows, tests):
    out = []
    out.append("%-12s %-12s %10s %19s %9s %7s %3s %10s %10s" % (
        "test", "server", "median", "min-max", "p99 ms", "errors", "n",
        "echod/peer", "static/peer"))
    for t in tests:
        name, unit = t[0], t[4]
        subj = [rows[name].get(b, {}).get("median") for b in BUILDS]
        for p in t[3]:
            r = rows[name].get(p)
            if r is None:
                continue
            cells = []
            for e in subj:
                if e is None:
                    cells.append("-")
                elif r["median"] > 0:
                    cells.append("%.2f" % (e / r["median"]))
                else:
                    cells.append("inf")
            out.append("%-12s %-12s %10.0f %19s %9s %7d %3d %10s %10s" % (
                name, p, r["median"], "%.0f-%.0f" % (r["min"], r["max"]),
                "-" if r["p99"] is None else "%.1f" % r["p99"], r["errors"],
                r["n"], cells[0], cells[1]))
        out.append("%-12s (%s)" % ("", unit))
    return "\n".join(out)


def targets(rows, mem):
    """The performance targets (bench/README.md): list of (target, build,
    measured, met). Each ratio is of medians from the same interleaved rounds."""
    got = []
    label = {"echod": "glibc", "echod-static": "static", "echod-acl": "glibc"}

    def ratio(test, build, peer):
        r = rows.get(test, {})
        if build not in r or peer not in r or r[peer]["median"] <= 0:
            return None
        return r[build]["median"] / r[peer]["median"]

    def vs(test, build, peer, want, text=None):
        x = ratio(test, build, peer)
        if x is not None:
            got.append((text or "connrate 32: >= %.2fx %s" % (want, peer),
                        label[build], "%.2fx" % x, x >= want))

    vs("connrate32", "echod-static", "ref", 1.25)
    vs("connrate32", "echod-static", "limit", 1.0)
    vs("connrate32", "echod-static", "xinetd", 3.0)
    vs("connrate32", "echod", "ref", 1.0)
    vs("connrate32", "echod-acl", "echod", 0.97,
       "connrate 32: 64-rule ACL + --rate-per-ip 65535 >= 0.97x plain echod")
    for b in BUILDS:
        r = rows.get("connrate256", {}).get(b)
        if r and r["p99"] is not None:
            got.append(("connrate 256: p99 < 100 ms, zero errors", label[b],
                        "p99 %.1f ms (worst %.1f), %d errors" % (
                            r["p99"], r["p99max"], r["errors"]),
                        r["p99"] < 100 and r["errors"] == 0))
    for b in BUILDS:
        for test in ("stream1", "stream8", "pingpong1", "pingpong64"):
            rr = rows.get(test, {})
            others = [(v["median"], p) for p, v in rr.items()
                      if not p.startswith("echod")]
            if b in rr and others:
                best, bp = max(others)
                x = rr[b]["median"] / best if best > 0 else float("inf")
                got.append(("%s: >= 1.0x best peer (%s)" % (test, bp), label[b],
                            "%.2fx" % x, x >= 1.0))
    for b in BUILDS:
        m = (mem or {}).get(b)
        if not m:
            continue
        got.append(("Pss per idle connection <= 32 KiB (%d idle)" % m["children"],
                    label[b], "%.1f KiB" % m["pss_kib"], m["pss_kib"] <= 32))
        n = m["syscalls"]
        got.append(("system calls a confined child may make <= 4", label[b],
                    "%s (Seccomp: %s)" % ("?" if n is None else n, m["seccomp"]),
                    n is not None and n <= 4))
    # Earlier targets, still standing (bench/README.md, older runs).
    for b in BUILDS:
        for peer, want in (("socat-exec", 3.0), ("socat-pipe", 3.0),
                           ("tcpserver", 4.0)):
            vs("connrate32", b, peer, want,
               "earlier: connrate 32: >= %.2fx %s" % (want, peer))
    vs("connrate32", "echod", "xinetd", 2.5, "earlier: connrate 32: >= 2.50x xinetd")
    vs("connrate32", "echod", "limit", 0.85, "earlier: connrate 32: >= 0.85x limit")
    for b in BUILDS:
        m = (mem or {}).get(b)
        if m and "rss_before" in m:
            got.append(("earlier: parent RSS flat after %d connections" % m["conns"],
                        label[b], "%d -> %d KiB, %d errors" % (
                            m["rss_before"], m["rss_after"], m["errors"]),
                        m["rss_after"] - m["rss_before"] <= 16 and m["errors"] == 0))
    return got


def kib(path, field):
    with open(path) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


# Seccomp: field of /proc/PID/status -> system calls the process may make:
# 1 (strict) allows read, write, exit and rt_sigreturn, nothing else; 0 is
# unconfined, and a filter's allow-list (2) is not readable from /proc.
SECCOMP_CALLS = {"1": 4}


def status_field(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return line.split(":", 1)[1].strip()
    return None


def idle_children(build, name, n):
    """n idle connections to server `name` (each echoed one byte first).
    Returns (children's Pss sum KiB / children, children, their Seccomp: values)."""
    srv = start(name, build)
    socks = []
    try:
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
            s.sendall(b"x")
            if s.recv(1) != b"x":
                raise RuntimeError("%s: no echo" % name)
            socks.append(s)
        kids = []
        end = time.monotonic() + 10
        while time.monotonic() < end:
            kids = peers.children(srv.pid)
            if len(kids) >= n:
                break
            time.sleep(0.05)
        total = sum(kib("/proc/%d/smaps_rollup" % k, "Pss") for k in kids)
        modes = sorted({status_field(k, "Seccomp") for k in kids})
        return total / max(len(kids), 1), len(kids), modes
    finally:
        for s in socks:
            s.close()
        srv.stop()


def parent_rss(build, name, conns):
    """The server's VmRSS after 2 000 warm-up connections and after conns more."""
    srv = start(name, build)
    try:
        peers.loadgen(build, srv.port, "connrate", ["-c", 32, "-n", 2000, "-d", 60000])
        before = kib("/proc/%d/status" % srv.pid, "VmRSS")
        rc, res, err = peers.loadgen(build, srv.port, "connrate",
                                     ["-c", 32, "-n", conns, "-d", 600000])
        time.sleep(0.3)
        after = kib("/proc/%d/status" % srv.pid, "VmRSS")
    finally:
        srv.stop()
    return {"conns": int(res.get("ok", 0)), "errors": int(res.get("errors", 0)),
            "rss_before": before, "rss_after": after, "rc": rc}


def memory(build, conns, idle=50, builds=BUILDS):
    """Per build: Pss per idle connection, what a confined child may call, and
    (conns > 0) the parent's RSS over many connections; and the reference
    server's Pss per idle connection."""
    out = {}
    for b in builds:
        pss, nk, modes = idle_children(build, b, idle)
        m = {"pss_kib": pss, "children": nk, "seccomp": "/".join(
            str(x) for x in modes), "syscalls": None}
        if len(modes) == 1 and modes[0] in SECCOMP_CALLS:
            m["syscalls"] = SECCOMP_CALLS[modes[0]]
        if conns:
            m.update(parent_rss(build, b, conns))
        out[b] = m
    out["ref"] = {"pss_kib": idle_children(build, "ref", idle)[0]}
    return out


# `--tests perf`: what a connection costs the server, counted by perf stat
# (software events and syscall tracepoints only, so counts, not samples).
PERF_ALL = "task-clock,page-faults"
PERF_PARENT = PERF_ALL + ",context-switches," + ",".join(
    "syscalls:sys_enter_" + c for c in ("accept", "accept4", "poll", "ppoll",
                                        "clone", "fork", "wait4"))


def perf_read(path):
    got = {}
    with open(path) as f:
        for line in f:
            fields = line.strip().split(",")
            if len(fields) > 2 and not line.startswith("#"):
                try:
                    got[fields[2].replace("syscalls:sys_enter_", "")] = float(fields[0])
                except ValueError:
                    pass
    return got


def perf_costs(build, name, conns):
    """perf stat attached to a server over conns connections at 32 clients:
    the server with every child it forks, and the parent alone (its syscalls:
    how many accepts one poll wake-up takes)."""
    import signal
    import tempfile
    srv = start(name, build)
    tmp = tempfile.TemporaryDirectory(prefix="bench-perf-")
    outs = [os.path.join(tmp.name, x) for x in ("all", "parent")]
    procs = []
    try:
        for out, extra, evs in ((outs[0], [], PERF_ALL),
                                (outs[1], ["--no-inherit"], PERF_PARENT)):
            procs.append(subprocess.Popen(
                ["perf", "stat", "-x,", "-o", out] + extra + ["-e", evs, "-p",
                                                             str(srv.pid)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(0.5)
        rc, res, _ = peers.loadgen(build, srv.port, "connrate",
                                   ["-c", 32, "-n", conns, "-d", 600000])
        time.sleep(0.3)
    finally:
        for p in procs:
            p.send_signal(signal.SIGINT)
        for p in procs:
            p.wait(timeout=10)
        srv.stop()
    a, b = perf_read(outs[0]), perf_read(outs[1])
    tmp.cleanup()
    n = max(res.get("ok", 0), 1)
    accepts = b.get("accept", 0) + b.get("accept4", 0)
    wakes = b.get("poll", 0) + b.get("ppoll", 0)
    return {"conns": int(n), "errors": int(res.get("errors", 0)),
            "rate": res.get("rate", 0.0),
            "cpu_us": a.get("task-clock", 0) * 1000 / n,
            "faults": a.get("page-faults", 0) / n,
            "parent_cpu_us": b.get("task-clock", 0) * 1000 / n,
            "parent_faults": b.get("page-faults", 0) / n,
            "child_faults": (a.get("page-faults", 0) - b.get("page-faults", 0)) / n,
            "accepts_per_wake": accepts / wakes if wakes else None,
            "parent_cs": b.get("context-switches", 0) / n,
            "forks": (b.get("clone", 0) + b.get("fork", 0)) / n}


def perf_table(perf):
    out = ["%-12s %8s %9s %8s %12s %9s %9s %8s %10s" % (
        "server", "conns", "cpu us/c", "faults/c", "child flt/c", "par us/c",
        "par flt/c", "par cs/c", "accepts/wake")]
    for name, m in perf.items():
        out.append("%-12s %8d %9.0f %8.1f %12.1f %9.0f %9.2f %8.2f %10s" % (
            name, m["conns"], m["cpu_us"], m["faults"], m["child_faults"],
            m["parent_cpu_us"], m["parent_faults"], m["parent_cs"],
            "-" if m["accepts_per_wake"] is None else "%.1f" % m["accepts_per_wake"]))
    return "\n".join(out)


def main():
    global STATIC
    ap = argparse.ArgumentParser()
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--full", action="store_true")
    g.add_argument("--quick", action="store_true")
    ap.add_argument("--build", default="build")
    ap.add_argument("--static", default=STATIC,
                    help="the fast build's binary (default %s)" % STATIC)
    ap.add_argument("--rounds", type=int, default=0,
                    help="rounds of every test (default: quick 3; full 5, "
                    "connrate32 %d)" % CONNRATE32_ROUNDS)
    ap.add_argument("--only", default="", help="comma-separated peers")
    ap.add_argument("--tests", default="",
                    help="comma-separated tests; 'memory' is the memory test, "
                    "'perf' (never by default) perf stat of a connection's cost")
    a = ap.parse_args()
    STATIC = a.static
    quick = not a.full
    tests = TESTS_QUICK if quick else TESTS_FULL
    rounds = a.rounds or (3 if quick else 5)
    want = {t[0]: rounds for t in tests}
    if not quick and not a.rounds:
        want["connrate32"] = max(rounds, CONNRATE32_ROUNDS)
    # Seconds for the rounds, leaving room for the memory test: make bench
    # must end within 17 minutes, make bench-quick within 2.
    budget = 75 if quick else 870
    if a.tests:
        tests = [t for t in tests if t[0] in a.tests.split(",")]
    if a.only:
        keep = a.only.split(",")
        tests = [(t[0], t[1], t[2], [p for p in keep if p in t[3] or
                                     p.startswith("echod-")], t[4])
                 for t in tests]
    missing = [p for p, tool in (("socat-exec", "socat"), ("socat-pipe", "socat"),
                                 ("tcpserver", "tcpserver"), ("xinetd", "xinetd"))
               if shutil.which(tool) is None]
    if not os.path.exists(os.path.join(peers.ROOT, STATIC)):
        print("bench: no %s (make static), echod-static skipped" % STATIC)
        missing.append("echod-static")
    elif missing:
        print("bench: not installed (make deps), skipped: %s" % ", ".join(missing))
    if missing:
        tests = [(t[0], t[1], t[2], [p for p in t[3] if p not in missing], t[4])
                 for t in tests]
    t0 = time.monotonic()
    results = {t[0]: {p: [] for p in t[3]} for t in tests}
    spent = {t[0]: [] for t in tests}	# seconds per round, per test
    most = max([want[t[0]] for t in tests] or [0])
    print("bench: %s, %s rounds, %s, %d cpus, load %.2f" % (
        "quick" if quick else "full",
        ", ".join(sorted({"%s %d" % (t[0], want[t[0]]) for t in tests})) or "no",
        os.uname().release, os.cpu_count(), os.getloadavg()[0]))
    done = 0
    for rnd in range(most):
        for t in tests:
            if rnd >= want[t[0]]:
                continue
            t1 = time.monotonic()
            for p in t[3]:
                r = one_run(a.build, t, p)
                results[t[0]][p].append(r)
                if r["rc"] != 0:
                    print("  round %d %s %s: errors=%d %s" % (
                        rnd + 1, t[0], p, int(r.get("errors", -1)),
                        "; ".join(r.get("err", []))), flush=True)
            spent[t[0]].append(time.monotonic() - t1)
        done = rnd + 1
        took = time.monotonic() - t0
        print("round %d done (%.0f s, load %.2f)" % (done, took, os.getloadavg()[0]),
              flush=True)
        # A loaded machine slows every round: past the minimum of 3 rounds,
        # stop when another round would break the time budget.
        nxt = sum(statistics.mean(spent[t[0]]) for t in tests
                  if done < want[t[0]] and spent[t[0]])
        if done >= 3 and done < most and took + nxt > budget:
            print("bench: stopping after %d rounds (time budget %d s)" % (
                done, budget))
            break
    rows = summarize(results, tests)
    mem = None
    if (not a.tests or "memory" in a.tests.split(",")) and not a.only:
        mem = memory(a.build, 10000 if quick else 100000,
                     builds=[b for b in BUILDS if b not in missing])
    print()
    print(table(rows, tests))
    if mem:
        print()
        for b in BUILDS:
            m = mem.get(b)
            if not m:
                continue
            line = ("memory %s: children's Pss over %d idle connections: %.1f KiB "
                    "each; children's Seccomp: %s" % (
                        b, m["children"], m["pss_kib"], m["seccomp"]))
            if "rss_before" in m:
                line += ("; parent VmRSS %d KiB before, %d KiB after %d more "
                         "connections (%d errors)" % (
                             m["rss_before"], m["rss_after"], m["conns"], m["errors"]))
            print(line)
        print("memory ref: children's Pss: %.1f KiB each" % mem["ref"]["pss_kib"])
    perf = None
    if "perf" in a.tests.split(",") and shutil.which("perf"):
        perf = {p: perf_costs(a.build, p, 2000 if quick else 10000)
                for p in BUILDS + ["ref"] if p not in missing}
        print()
        print("perf stat, connrate 32 clients (per connection; par = the parent alone):")
        print(perf_table(perf))
    got = targets(rows, mem)
    print()
    print("targets:")
    print("  %-48s %-6s %-40s %s" % ("target", "build", "measured", "met?"))
    for text, build, val, ok in got:
        print("  %-48s %-6s %-40s %s" % (text, build, val, "met" if ok else "NOT met"))
    out = os.path.join(peers.ROOT, a.build, "bench",
                       "results-%s.json" % ("subset" if a.tests or a.only else
                                            "quick" if quick else "full"))
    with open(out, "w") as f:
        json.dump({"date": datetime.datetime.now().isoformat(timespec="seconds"),
                   "rows": rows, "mem": mem,
                   "raw": {t: {p: [r.get("rate", 0.0) for r in rs]
                               for p, rs in results[t].items()} for t in results},
                   "rounds": {t[0]: len(next(iter(results[t[0]].values()), []))
                              for t in tests},
                   "targets": got, "perf": perf, "static": STATIC}, f, indent=1)
    print("\nbench: %.0f s; raw results in %s" % (time.monotonic() - t0, out))
    bad = [(t, p) for t in rows for p in ("echod", "echod-static", "ref")
           if p in rows[t] and rows[t][p]["errors"] > 0 and t != "connrate256"]
    if mem:
        bad += [("memory", b) for b in BUILDS if mem.get(b, {}).get("errors")]
    if bad:
        print("bench: wrong echoes or errors from %s" % bad)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
