#!/usr/bin/env python3
"""run.py: `make bench` / `make bench-quick`: echod against its peers on 127.0.0.1, interleaved, medians with min-max.

Every run gets a fresh server; rounds go A B C ... A B C ..., so slow drifts
of a shared machine hit every server alike. Prints a table with ratios to
echod, then the performance targets (bench/README.md), met or not. Never pass/fail on speed: the
exit status is non-zero only when a load generator found a wrong echo from
echod or the reference server (or could not run).
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

ALL = ["echod", "echod-nosb", "ref", "limit", "socat-exec", "socat-pipe",
       "tcpserver", "xinetd"]
ECHOERS = [p for p in ALL if p not in ("limit", "echod-nosb")]

# name: (mode, loadgen args, peers, unit, full-mode args override)
TESTS_FULL = [
    ("connrate32", "connrate", ["-c", 32, "-d", 3000, "-t", 5000], ALL, "conn/s"),
    ("connrate256", "connrate", ["-c", 256, "-d", 3000, "-t", 5000], ALL, "conn/s"),
    ("stream1", "stream", ["-c", 1, "-M", 384, "-t", 60000], ECHOERS, "MB/s"),
    ("stream8", "stream", ["-c", 8, "-M", 48, "-t", 60000], ECHOERS, "MB/s"),
    ("pingpong1", "pingpong", ["-m", 1, "-d", 2000], ECHOERS, "rt/s"),
    ("pingpong64", "pingpong", ["-m", 64, "-d", 2000], ECHOERS, "rt/s"),
]
TESTS_QUICK = [
    ("connrate32", "connrate", ["-c", 32, "-d", 1000, "-t", 5000], ALL, "conn/s"),
    ("stream1", "stream", ["-c", 1, "-M", 64, "-t", 60000], ECHOERS, "MB/s"),
    ("stream8", "stream", ["-c", 8, "-M", 8, "-t", 60000], ECHOERS, "MB/s"),
    ("pingpong1", "pingpong", ["-m", 1, "-d", 700], ECHOERS, "rt/s"),
]


def start(name, build):
    if name == "echod":
        return peers.start("echod", build, ["--max-clients", "1000"])
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
    out.append("%-12s %-11s %10s %19s %9s %7s %10s" % (
        "test", "server", "median", "min-max", "p99 ms", "errors",
        "echod/peer"))
    for t in tests:
        name, unit = t[0], t[4]
        e = rows[name].get("echod", {}).get("median", 0.0)
        for p in t[3]:
            r = rows[name].get(p)
            if r is None:
                continue
            ratio = e / r["median"] if r["median"] > 0 else float("inf")
            out.append("%-12s %-11s %10.0f %19s %9s %7d %10.2f" % (
                name, p, r["median"], "%.0f-%.0f" % (r["min"], r["max"]),
                "-" if r["p99"] is None else "%.1f" % r["p99"], r["errors"],
                ratio))
        out.append("%-12s (%s)" % ("", unit))
    return "\n".join(out)


def targets(rows, mem):
    """The performance targets (bench/README.md): list of (text, measured, met)."""
    got = []

    def ratio(test, peer):
        r = rows.get(test, {})
        if "echod" not in r or peer not in r or r[peer]["median"] <= 0:
            return None
        return r["echod"]["median"] / r[peer]["median"]

    for peer, want in (("xinetd", 2.5), ("socat-exec", 3.0), ("socat-pipe", 3.0),
                       ("tcpserver", 4.0), ("ref", 1.0), ("limit", 0.85)):
        x = ratio("connrate32", peer)
        if x is not None:
            got.append(("connrate 32 clients: echod >= %.2fx %s" % (want, peer),
                        "%.2fx" % x, x >= want))
    r = rows.get("connrate256", {}).get("echod")
    if r:
        got.append(("connrate 256 clients (--max-clients 1000): p99 < 100 ms",
                    "median p99 %.1f ms (worst round %.1f)" % (r["p99"], r["p99max"]),
                    r["p99"] < 100))
        got.append(("connrate 256 clients: zero errors", "%d errors" % r["errors"],
                    r["errors"] == 0))
    for test in ("stream1", "stream8"):
        rr = rows.get(test, {})
        others = [(v["median"], p) for p, v in rr.items()
                  if not p.startswith("echod")]
        if "echod" in rr and others:
            best, bp = max(others)
            x = rr["echod"]["median"] / best
            got.append(("%s: echod >= 1.0x best peer (%s)" % (test, bp),
                        "%.2fx" % x, x >= 1.0))
    x = ratio("pingpong1", "ref")
    if x is not None:
        got.append(("pingpong 1 byte: echod >= 1.0x ref", "%.2fx" % x, x >= 1.0))
    if mem:
        got.append(("Pss per idle connection <= 40 KiB (256 idle)",
                    "%.1f KiB (ref server %.1f KiB)" % (mem["pss_kib"],
                                                         mem["ref_pss_kib"]),
                    mem["pss_kib"] <= 40))
        got.append(("parent RSS flat after %d connections" % mem["conns"],
                    "%d KiB -> %d KiB" % (mem["rss_before"], mem["rss_after"]),
                    mem["rss_after"] - mem["rss_before"] <= 16))
    return got


def kib(path, field):
    with open(path) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def pss_per_conn(build, name, n=256):
    """Sum of the children's Pss over n idle connections, KiB per connection."""
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
        return total / max(len(kids), 1), len(kids)
    finally:
        for s in socks:
            s.close()
        srv.stop()


def memory(build, conns):
    pss, nk = pss_per_conn(build, "echod")
    ref_pss, _ = pss_per_conn(build, "ref")
    srv = start("echod", build)
    try:
        peers.loadgen(build, srv.port, "connrate", ["-c", 32, "-n", 2000, "-d", 60000])
        before = kib("/proc/%d/status" % srv.pid, "VmRSS")
        rc, res, err = peers.loadgen(build, srv.port, "connrate",
                                     ["-c", 32, "-n", conns, "-d", 600000])
        time.sleep(0.3)
        after = kib("/proc/%d/status" % srv.pid, "VmRSS")
    finally:
        srv.stop()
    return {"pss_kib": pss, "children": nk, "ref_pss_kib": ref_pss,
            "conns": int(res.get("ok", 0)), "errors": int(res.get("errors", 0)),
            "rss_before": before, "rss_after": after, "rc": rc}


def main():
    ap = argparse.ArgumentParser()
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--full", action="store_true")
    g.add_argument("--quick", action="store_true")
    ap.add_argument("--build", default="build")
    ap.add_argument("--rounds", type=int, default=0)
    ap.add_argument("--only", default="", help="comma-separated peers")
    ap.add_argument("--tests", default="", help="comma-separated tests")
    a = ap.parse_args()
    quick = not a.full
    tests = TESTS_QUICK if quick else TESTS_FULL
    rounds = a.rounds or (3 if quick else 5)
    # Seconds for the rounds, leaving room for the memory test: make bench
    # must end within 15 minutes, make bench-quick within 2.
    budget = 75 if quick else 690
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
    if missing:
        print("bench: not installed (make deps), skipped: %s" % ", ".join(missing))
        tests = [(t[0], t[1], t[2], [p for p in t[3] if p not in missing], t[4])
                 for t in tests]
    t0 = time.monotonic()
    results = {t[0]: {p: [] for p in t[3]} for t in tests}
    print("bench: %s, %d rounds, %s, %d cpus" % (
        "quick" if quick else "full", rounds, os.uname().release, os.cpu_count()))
    for rnd in range(rounds):
        for t in tests:
            for p in t[3]:
                r = one_run(a.build, t, p)
                results[t[0]][p].append(r)
                if r["rc"] != 0:
                    print("  round %d %s %s: errors=%d %s" % (
                        rnd + 1, t[0], p, int(r.get("errors", -1)),
                        "; ".join(r.get("err", []))), flush=True)
        took = time.monotonic() - t0
        print("round %d done (%.0f s)" % (rnd + 1, took), flush=True)
        # A loaded machine slows every round: past the minimum of 3 rounds,
        # stop when another round would break the time budget.
        if rnd + 1 >= 3 and rnd + 1 < rounds and \
                took + took / (rnd + 1) > budget:
            print("bench: stopping after %d rounds (time budget %d s)" % (
                rnd + 1, budget))
            rounds = rnd + 1
            break
    rows = summarize(results, tests)
    mem = None
    if not a.tests and not a.only:
        mem = memory(a.build, 10000 if quick else 100000)
    print()
    print(table(rows, tests))
    if mem:
        print()
        print("memory: children's Pss over %d idle connections: %.1f KiB each "
              "(reference server %.1f KiB); parent VmRSS %d KiB before, %d KiB "
              "after %d more connections (%d errors)" % (
                  mem["children"], mem["pss_kib"], mem["ref_pss_kib"],
                  mem["rss_before"], mem["rss_after"], mem["conns"], mem["errors"]))
    print()
    print("targets:")
    for text, val, ok in targets(rows, mem):
        print("  %-58s %-34s %s" % (text, val, "met" if ok else "NOT met"))
    out = os.path.join(peers.ROOT, a.build, "bench",
                       "results-%s.json" % ("subset" if a.tests or a.only else
                                            "quick" if quick else "full"))
    with open(out, "w") as f:
        json.dump({"date": datetime.date.today().isoformat(), "rows": rows,
                   "mem": mem, "rounds": rounds}, f, indent=1)
    print("\nbench: %.0f s; raw results in %s" % (time.monotonic() - t0, out))
    bad = [(t, p) for t in rows for p in ("echod", "ref")
           if p in rows[t] and rows[t][p]["errors"] > 0 and t != "connrate256"]
    if mem and mem["errors"]:
        bad.append(("memory", "echod"))
    if bad:
        print("bench: wrong echoes or errors from %s" % bad)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
