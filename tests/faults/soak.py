#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""soak.py: echod under sustained load: many short connections plus long streams at once, every byte checked, figures printed.

--full  (make soak): 100 000 short connections + 1 000 concurrent long streams, release binary.
--quick (make soak-quick, in make check): the same for ~30 s with 100 streams, sanitizer build.
The last line is "soak: N passed, N failed" over the checks listed above it.
"""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from faultlib import (children, echoload, et, load_result, raise_nofile,  # noqa: E402
                      stats, still_alive, Sampler)

PROFILES = {
    # streams, stream rate (B/s each), short total, short concurrency, short size, short duration (s)
    "full": dict(streams=1000, rate=16384, total=100000, conc=64, size=2048, duration=None,
                 max_clients=2000, limit=900),
    "quick": dict(streams=100, rate=16384, total=10 ** 7, conc=16, size=2048, duration=28,
                  max_clients=400, limit=120),
}


def soak_run(p):
    """Drive the load; return the measurements."""
    m = {"warm_ok": True, "started": time.monotonic()}
    procs = []
    sampler = None
    with et.Server("-q", "--max-clients", str(p["max_clients"])) as srv:
        try:
            # Warm up (first stats line, first children) before the baseline.
            data = bytes(range(256)) * 64
            for _ in range(20):
                m["warm_ok"] &= et.roundtrip(srv.port, data) == data
            stats(srv)
            m["fd0"], m["rss0"] = srv.fd_count(), srv.rss_kib()
            sampler = Sampler(srv.pid, 0.5)
            sampler.start()
            streams = echoload(srv.port, "-m", "stream", "-c", p["streams"], "-r", p["rate"],
                               "-T", 120)
            procs.append(streams)
            et.wait_until(lambda: len(children(srv.pid)) >= p["streams"], 60, 0.2)
            args = ["-n", p["total"], "-c", p["conc"], "-s", p["size"], "-a", 200, "-T", 60]
            if p["duration"]:
                args += ["-D", p["duration"]]
            short = echoload(srv.port, *args)
            procs.append(short)
            m["short"] = load_result(short, p["limit"])
            streams.send_signal(signal.SIGUSR2)     # end the streams: shut down, drain, verify
            m["stream"] = load_result(streams, 120)
            m["drained"] = et.wait_until(lambda: not children(srv.pid), 30, 0.2)
            sampler.stop()
            m["st"] = stats(srv)
            m["fd1"], m["rss1"] = srv.fd_count(), srv.rss_kib()
            m["zombies_end"] = len(srv.zombies())
            m["sampler"] = sampler
            try:
                m["rc"] = srv.stop(30)
            except subprocess.TimeoutExpired:
                m["rc"] = "no exit 30 s after SIGTERM"
            m["left"] = still_alive(set(sampler.seen))
            m["reports"] = srv.sanitizer_reports()
        finally:
            if sampler:
                sampler.stop()
            for pr in procs:
                if pr.poll() is None:
                    pr.kill()
                    pr.wait(10)
    return m


def main(argv):
    mode = "full" if "--full" in argv else "quick"
    p = PROFILES[mode]
    raise_nofile()
    res = et.Results("soak", case_timeout=60)   # the checks only read figures
    checks = []

    def record(name, ok, detail=""):
        checks.append((name, ok, detail))

    try:
        # soak_run bounds each of its waits; this bounds them all together.
        with et.deadline(p["limit"] + 600, "soak_run"):
            m = soak_run(p)
    except (Exception, et.CaseTimeout) as e:  # reported as one failed check, with the figures missing
        def soak_run_completes(e=e):
            raise e
        res.run(soak_run_completes)
        return res.finish()
    short_res, stream_res, st, sampler = m["short"], m["stream"], m["st"], m["sampler"]
    fd0, fd1, rss0, rss1 = m["fd0"], m["fd1"], m["rss0"], m["rss1"]
    zombies_end, rc, left, reports = m["zombies_end"], m["rc"], m["left"], m["reports"]
    drained, started = m["drained"], m["started"]
    record("warm-up echo", m["warm_ok"])
    served = short_res["ok"] + stream_res["ok"]
    launched = short_res["connections"] + stream_res["connections"]
    fig = [
        ("binary", et.binary()),
        ("duration", "%.0f s" % (time.monotonic() - started)),
        ("short connections", "%d launched, %d ok, %d failed (%.0f s)"
         % (short_res["connections"], short_res["ok"], short_res["failed"], short_res["seconds"])),
        ("long streams", "%d launched, %d ok, %d failed (%.0f s)"
         % (stream_res["connections"], stream_res["ok"], stream_res["failed"],
            stream_res["seconds"])),
        ("connections served", "%d (server accepted %d incl. 20 warm-up)" % (served, st["accepted"])),
        ("bytes echoed", "%d" % (short_res["bytes_echoed"] + stream_res["bytes_echoed"])),
        ("bytes lost", "%d" % (short_res["bytes_lost"] + stream_res["bytes_lost"])),
        ("corrupt connections", "%d" % (short_res["corrupt"] + stream_res["corrupt"])),
        ("parent RSS", "%d KiB -> %d KiB" % (rss0, rss1)),
        ("parent fds", "%d -> %d" % (fd0, fd1)),
        ("zombies seen", "%d unreaped (parent ran 2 turns, zombie stayed), %d slow (> 1 s, "
         "parent starved), %d transient (exit to waitpid) in %d samples, %d at end"
         % (len(sampler.unreaped), len(sampler.slow), len(sampler.transient), sampler.samples,
            zombies_end)),
        ("peak children", "%d" % sampler.peak),
        ("fork_failed / accept_errors", "%d / %d" % (st["fork_failed"], st["accept_errors"])),
    ]
    for k, v in fig:
        print("soak: %-28s %s" % (k, v))
    if mode == "full":
        record("100 000 short connections", short_res["connections"] == 100000)
    else:
        record("short connections ran", short_res["connections"] >= 500)
    record("every short connection ok", short_res["failed"] == 0 and short_res["ok"] ==
           short_res["connections"], short_res["stderr"][-500:])
    record("every stream ok", stream_res["connections"] == p["streams"] and
           stream_res["failed"] == 0, stream_res["stderr"][-500:])
    record("0 bytes lost", short_res["bytes_lost"] + stream_res["bytes_lost"] == 0)
    record("every byte echoed", short_res["bytes_echoed"] == short_res["bytes_sent"] and
           stream_res["bytes_echoed"] == stream_res["bytes_sent"])
    record("server accepted every connection", st["accepted"] == launched + 20,
           "accepted %d, launched %d + 20" % (st["accepted"], launched))
    record("all streams concurrent", sampler.peak >= p["streams"], "peak %d" % sampler.peak)
    record("children drained", drained and st["active"] == 0)
    record("parent fd count flat", fd1 == fd0)
    record("parent RSS flat (+<=1 MiB)", rss1 <= rss0 + 1024)
    record("no unreaped zombie", not sampler.unreaped and zombies_end == 0,
           "%d unreaped, %d at end" % (len(sampler.unreaped), zombies_end))
    record("no fork or accept failure", st["fork_failed"] == 0 and st["accept_errors"] == 0)
    record("clean exit", rc == 0 and not left and not reports, "rc %s left %s %s" % (rc, left, reports))
    for name, ok, detail in checks:      # after the figures
        res.record(name.replace(" ", "_"), ok, detail or "failed")
    return res.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
