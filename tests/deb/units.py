#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tests/deb/units.py [DIR]: `make units-check`, the services' exposure scores.

systemd-analyze security --offline=yes scores each service from its unit
file alone (no running manager); a score above MAX fails. The scores are
printed so a weakened unit shows by how much. DIR: the units (dist/).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DIST = os.path.join(ROOT, "dist")
MAX = 1.0
SERVICES = ["echod.service", "echod-inetd@.service"]
# The sockets too: the services name them (Requires=, the template's pair).
UNITS = SERVICES + ["echod.socket", "echod-inetd.socket"]
OVERALL = re.compile(r"Overall exposure level for (\S+): ([0-9.]+)")


def main():
    dist = sys.argv[1] if len(sys.argv) > 1 else DIST
    if shutil.which("systemd-analyze") is None:
        print("units: systemd-analyze not installed (package systemd)")
        print("units: 0 passed, 1 failed")
        return 1
    passed = failed = 0
    with tempfile.TemporaryDirectory() as d:
        for u in UNITS:
            shutil.copy(os.path.join(dist, u), d)
        for u in SERVICES:
            r = subprocess.run(["systemd-analyze", "security", "--offline=yes",
                                "--no-pager", "./" + u], cwd=d, capture_output=True,
                               text=True, timeout=60)
            m = OVERALL.search(r.stdout + r.stderr)
            if m is None:
                failed += 1
                print("FAIL %s: no score (exit %d): %s" % (u, r.returncode,
                                                           (r.stdout + r.stderr).strip()[-400:]))
                continue
            score = float(m.group(2))
            bad = [ln.rstrip() for ln in r.stdout.splitlines() if ln.startswith("\u2717")]
            if score <= MAX:
                passed += 1
                print("ok   %s: exposure %.1f (max %.1f)" % (u, score, MAX))
            else:
                failed += 1
                print("FAIL %s: exposure %.1f > %.1f" % (u, score, MAX))
            for ln in bad:
                print("     " + re.sub(r"\s{2,}", "  ", ln))
    print("units: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
