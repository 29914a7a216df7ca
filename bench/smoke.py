#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""smoke.py: `make bench-smoke`: the benchmark builds, catches wrong echoes, and a 5-second run against echod is correct.

Never judges speed. Checks that the load generator exits non-zero and names
the fault against bench/badecho (flipped byte, truncated echo, extra byte),
exits zero against a correct server, and that every mode runs clean against
the release echod, the reference server and the fork+close limit, and
connrate and stream against the fast build (build/static/echod, --static).
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402
# Deliberately the tests' library (peers puts it on the path): its Results
# counts and prints these checks, so make bench-smoke ends with the same
# "bench: N passed, N failed" line as every suite of make check.
import echodtest as et  # noqa: E402

RESULTS = et.Results("bench")
check = RESULTS.record


# (mode, args): short runs, each bounded by count or time.
MODES = [
    ("connrate", ["-c", 2, "-n", 20, "-t", 3000]),
    ("stream", ["-c", 2, "-M", 1, "-t", 5000]),
    ("pingpong", ["-m", 64, "-n", 5, "-t", 1000]),
]

# What the load generator must say about each wrong server, per mode.
EXPECT = {
    "flip": {"connrate": "mismatch at byte 10", "stream": "mismatch at byte 10",
             "pingpong": "mismatch at byte 10"},
    "trunc": {"connrate": "truncated: EOF after 10 of 64",
              "stream": "truncated: EOF after 10 of",
              "pingpong": "reply timeout"},
    "extra": {"connrate": "1 bytes more than sent", "stream": "1 bytes more than sent",
              "pingpong": "1 bytes more than sent"},
}


def detection(build):
    """The load generator catches every kind of wrong echo, in every mode."""
    for kind in ("good", "flip", "trunc", "extra"):
        srv = peers.start("bad-" + kind, build)
        try:
            for mode, args in MODES:
                rc, res, err = peers.loadgen(build, srv.port, mode, args, timeout=30)
                name = "loadgen %s vs %s echo" % (mode, kind)
                if kind == "good":
                    check(name + ": exit 0, no errors",
                          rc == 0 and res.get("errors") == 0, err)
                else:
                    want = EXPECT[kind][mode]
                    check(name + ": exit 1, reports '%s'" % want,
                          rc == 1 and res.get("errors", 0) > 0 and want in err,
                          "rc=%d stderr=%r" % (rc, err[:300]))
        finally:
            srv.stop()


def smoke(build, static):
    """About five seconds of every mode against real servers: all correct."""
    plan = [
        ("echod", "connrate", ["-c", 8, "-d", 1000]),
        ("echod", "connrate", ["-c", 64, "-d", 500]),
        ("echod", "stream", ["-c", 1, "-M", 16, "-t", 30000]),
        ("echod", "stream", ["-c", 8, "-M", 2, "-t", 30000]),
        ("echod", "pingpong", ["-m", 1, "-d", 500]),
        ("echod", "pingpong", ["-m", 64, "-d", 500]),
        ("ref", "connrate", ["-c", 8, "-d", 500]),
        ("ref", "stream", ["-c", 2, "-M", 4, "-t", 30000]),
        ("limit", "connrate", ["-c", 8, "-d", 500, "-x"]),
        ("echod-static", "connrate", ["-c", 8, "-d", 500]),
        ("echod-static", "stream", ["-c", 2, "-M", 4, "-t", 30000]),
    ]
    for peer, mode, args in plan:
        if peer == "echod-static":
            srv = peers.start("echod", build, ["--max-clients", "1000"], binary=static)
        else:
            srv = peers.start(peer, build, ["--max-clients", "1000"])
        try:
            rc, res, err = peers.loadgen(build, srv.port, mode, args, timeout=60)
        finally:
            srv.stop()
        count = res.get("ok", res.get("bytes", res.get("rounds", 0)))
        check("smoke %s %s %s: clean (%s)" % (
            peer, mode, " ".join(str(a) for a in args), res.get("rate")),
            rc == 0 and res.get("errors") == 0 and count > 0, err[:300])
    # The limit server echoes nothing: without -x that is a truncation, and
    # with -x an echo is an error, so -x cannot hide a wrong echo.
    srv = peers.start("limit", build)
    try:
        rc, res, err = peers.loadgen(build, srv.port, "connrate", ["-c", 1, "-n", 3])
        check("loadgen connrate vs fork+close without -x: fails", rc == 1, err[:200])
    finally:
        srv.stop()
    srv = peers.start("echod", build)
    try:
        rc, res, err = peers.loadgen(build, srv.port, "connrate", ["-c", 1, "-n", 3, "-x"])
        check("loadgen connrate -x vs a real echo: fails (unexpected bytes)",
              rc == 1 and "unexpected bytes" in err, err[:200])
    finally:
        srv.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--static", default=os.path.join("build", "static", "echod"))
    a = ap.parse_args()
    try:
        t = subprocess.run([os.path.join(peers.ROOT, a.build, "bench", "test_pattern")],
                           capture_output=True, text=True, timeout=60)
        check("test_pattern: %s" % t.stdout.strip().splitlines()[-1], t.returncode == 0,
              t.stdout)
    except subprocess.TimeoutExpired:
        check("test_pattern", False, "(timeout: no result after 60s)")
    for name, part in (("detection", lambda: detection(a.build)),
                       ("smoke", lambda: smoke(a.build, a.static))):
        try:
            part()
        except subprocess.TimeoutExpired as e:  # every loadgen run is bounded: a hang fails, named
            check(name, False, "(timeout: %s)" % e)
    return RESULTS.finish()


if __name__ == "__main__":
    sys.exit(main())
