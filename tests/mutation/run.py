#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tests/mutation/run.py: `make mutation`: do the checks fail when the code is wrong?

Applies each single-change mutant of tests/mutation/mutants.txt, one at a
time, to a scratch copy of the tree (never the tree itself), and runs the
mutant's checks in order, cheapest first (WP on the file, then a unit
test, then the suites): the first check that fails kills the mutant. Every
check is first run on the unmutated copy, and must pass there, so a kill
means the mutation was seen, not that the check was broken. Prints each
result, the score, the survivors with the reason kept for them, and for
the WP-proven files whether WP itself killed each of their mutants.

    python3 tests/mutation/run.py [-k SUBSTRING] [--keep]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
CHECK_TIMEOUT = int(os.environ.get("MUTATION_TIMEOUT", "900"))
TARGET = 95.0
CHECK = "sh tests/mutation/check.sh "


class Mutant:
    def __init__(self, name, line):
        self.name = name
        self.line = line
        self.file = None
        self.find = None
        self.replace = None
        self.checks = []
        self.why = ""
        self.survives = None   # the reason, for a mutant no check can see


def unescape(val):
    """\\t, \\n and \\\\ as in C; any other backslash stays as it is."""
    return re.sub(r"\\([tn\\])", lambda g: {"t": "\t", "n": "\n", "\\": "\\"}[g.group(1)], val)


def parse(path):
    """The mutant list: [name] blocks of key = value lines (see its header)."""
    mutants, m = [], None
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            hdr = re.fullmatch(r"\[([a-z0-9_.-]+)\]", line.strip())
            if hdr:
                m = Mutant(hdr.group(1), n)
                mutants.append(m)
                continue
            key, sep, val = line.partition("=")
            key, val = key.strip(), val.strip()
            if m is None or not sep or key not in ("file", "find", "replace", "check", "why", "survives"):
                sys.exit("%s:%d: not a mutant line: %s" % (path, n, line))
            if key == "check":
                m.checks.append(val)
            elif key in ("find", "replace"):
                # Quotes keep leading or trailing blanks; \t and \n as in C.
                if len(val) >= 2 and val[0] == val[-1] == '"':
                    val = val[1:-1]
                setattr(m, key, unescape(val))
            else:
                setattr(m, key, val)
    names = [m.name for m in mutants]
    for m in mutants:
        if names.count(m.name) > 1:
            sys.exit("%s:%d: mutant %s listed twice" % (path, m.line, m.name))
        if not (m.file and m.find is not None and m.replace is not None and m.checks and m.why):
            sys.exit("%s:%d: mutant %s needs file, find, replace, check and why" % (path, m.line, m.name))
        if m.find == m.replace:
            sys.exit("%s:%d: mutant %s changes nothing" % (path, m.line, m.name))
    return mutants


def wp_files():
    """The WP-proven files, as the Makefile derives them."""
    out = subprocess.run(["make", "-s", "--no-print-directory", "print-proof-wp-src"],
                         cwd=TOP, capture_output=True, text=True, timeout=60)
    return set(out.stdout.split())


def copy_tree(dst):
    """The working tree without .git and build output."""
    shutil.copytree(TOP, dst, symlinks=True,
                    ignore=shutil.ignore_patterns(".git", "build", "__pycache__"))


def run_check(cmd, cwd, log):
    """Run one check; True if it passed. A timeout is a failure (a hang was seen)."""
    t0 = time.monotonic()
    try:
        p = subprocess.run(["sh", "-c", cmd], cwd=cwd, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=CHECK_TIMEOUT, start_new_session=True)
        out, ok = p.stdout.decode(errors="replace"), p.returncode == 0
    except subprocess.TimeoutExpired as e:
        out, ok = (e.stdout or b"").decode(errors="replace") + "\n(timeout)\n", False
    with open(log, "a", encoding="utf-8") as f:
        f.write("$ %s\n%s\n" % (cmd, out))
    return ok, time.monotonic() - t0, out


def mutate(path, m):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    n = text.count(m.find)
    if n != 1:
        return "the text to change occurs %d times in %s (stale mutant?)" % (n, m.file)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.replace(m.find, m.replace))
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", default="", help="only mutants whose name contains one of these (comma-separated)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory")
    opt = ap.parse_args()
    pick = [k for k in opt.k.split(",") if k]
    mutants = [m for m in parse(os.path.join(HERE, "mutants.txt"))
               if not pick or any(k in m.name for k in pick)]
    proven = wp_files()
    listed = {m.file for m in mutants}
    if not opt.k:
        src = {os.path.relpath(os.path.join(d, f), TOP)
               for d, _, fs in os.walk(os.path.join(TOP, "src")) for f in fs if f.endswith(".c")}
        missing = sorted(src - listed)
        if missing:
            sys.exit("mutation: no mutant of %s (every file in src/ needs some)" % ", ".join(missing))
    work = tempfile.mkdtemp(prefix="echod-mutation.")
    os.chmod(work, 0o755)   # the sandbox suite runs the binary as another user
    base = os.path.join(work, "base")
    log = os.path.join(work, "mutation.log")
    copy_tree(base)
    print("mutation: %d mutants, scratch %s, log %s" % (len(mutants), work, log), flush=True)

    # Every check must pass on the unmutated copy first (it also builds there,
    # so each mutant's copy rebuilds only what its change touches).
    # A check that fails unmutated (twice: the machine may be loaded) says
    # nothing about a mutant: those mutants are not run, and the run fails.
    broken = set()
    for cmd in sorted({c for m in mutants for c in m.checks}, key=lambda c: (c.startswith("wp "), c)):
        for _ in range(2):
            ok, secs, out = run_check(CHECK + cmd, base, log)
            if ok:
                break
        print("baseline %-4s %s (%.0fs)" % ("ok" if ok else "FAIL", cmd, secs), flush=True)
        if not ok:
            broken.add(cmd)
            print("    " + "\n    ".join(out.strip().splitlines()[-5:]), flush=True)

    killed, survived, stale, wp_missed = [], [], [], []
    for m in mutants:
        if broken & set(m.checks):
            stale.append((m, "a check fails unmutated"))
            print("NO BASE  %-28s a check fails unmutated" % m.name, flush=True)
            continue
        d = os.path.join(work, m.name)
        shutil.copytree(base, d, symlinks=True)
        err = mutate(os.path.join(d, m.file), m)
        if err:
            stale.append((m, err))
            print("STALE    %-28s %s" % (m.name, err), flush=True)
            shutil.rmtree(d, ignore_errors=True)
            continue
        by, t = None, 0.0
        for cmd in m.checks:
            ok, secs, _ = run_check(CHECK + cmd, d, log)
            t += secs
            if not ok:
                by = cmd
                break
        shutil.rmtree(d, ignore_errors=True)
        if by:
            killed.append(m)
            print("killed   %-28s by %s (%.0fs)" % (m.name, by, t), flush=True)
        else:
            survived.append(m)
            print("SURVIVED %-28s %s (%.0fs)" % (m.name, m.why, t), flush=True)
        if m.file in proven and not (by or "").startswith("wp "):
            wp_missed.append(m)

    total = len(killed) + len(survived)
    score = 100.0 * len(killed) / total if total else 0.0
    print()
    for m in survived:
        print("survivor %s (%s): %s" % (m.name, m.file, m.why))
        print("    %s" % (m.survives or "NOT EXPLAINED: add a check that sees it, or say why none can"))
    for m in wp_missed:
        print("proven file, not killed by WP: %s (%s)" % (m.name, m.file))
    n_proven = sum(1 for m in mutants if m.file in proven)
    print("mutation: %d of %d killed (%.1f%%, target %.0f%%); proven files: %d of %d killed by WP; %d not run"
          % (len(killed), total, score, TARGET, n_proven - len(wp_missed), n_proven, len(stale)))
    for m, why in stale:
        print("not run: %s: %s" % (m.name, why))
    if not opt.keep:
        shutil.rmtree(base, ignore_errors=True)
    bad = (score < TARGET) + len(stale) + sum(1 for m in survived if not m.survives)
    print("%d passed, %d failed" % (len(killed), len(survived) + len(stale)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
