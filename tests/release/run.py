#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tests/release/run.py: `make release-check`, the release's own checks.

make dist for one commit (HEAD, named once, so a commit made meanwhile
changes nothing): twice the same bytes; what the tarball holds (everything
under echod-VERSION/, names sorted, exactly the commit's files, so no build/
and no .git, LICENSE NEWS AUTHORS VERSION among them, owner root 0/0, modes
0644/0755 as git has them, every mtime the commit's date, gzip without name
or time); SOURCE_DATE_EPOCH sets the dates instead. The unpacked tarball
builds (make: the release binary only) and that binary's --version is
VERSION's. debian/changelog, when there is one, has VERSION as its upstream
version. ci/spdx: every source file carries the licence line, in the tree
and in the tarball. Touches nothing but build/echod-VERSION.tar.gz and a
temporary directory.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import echodtest as et  # noqa: E402

ROOT = et.ROOT
REQUIRED = ("LICENSE", "NEWS", "AUTHORS", "VERSION")


def read_version(top):
    with open(os.path.join(top, "VERSION")) as f:
        return f.read().strip()


VERSION = read_version(ROOT)
NAME = "echod-" + VERSION
TARBALL = os.path.join(ROOT, "build", NAME + ".tar.gz")


def env(**extra):
    """The environment for a sub-make: none of the calling make's own
    variables (its jobserver descriptors are not passed on)."""
    e = {k: v for k, v in os.environ.items()
         if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "SOURCE_DATE_EPOCH")}
    e.update(extra)
    return e


# safe.directory: in a CI container the checkout may belong to another uid.
GIT = ["git", "-c", "safe.directory=" + ROOT]


def git(*args):
    r = subprocess.run([*GIT, *args], cwd=ROOT, capture_output=True, text=True, timeout=30)
    et.check(r.returncode == 0, "git %s: %s" % (" ".join(args), r.stderr.strip()))
    return r.stdout


def in_git():
    r = subprocess.run([*GIT, "rev-parse", "--show-toplevel"], cwd=ROOT,
                       capture_output=True, text=True, timeout=30)
    return r.returncode == 0 and os.path.realpath(r.stdout.strip()) == os.path.realpath(ROOT)


class Release:
    """What the cases share: the commit, its date and file modes, and the
    tarball's copy in a temporary directory."""
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="echod-release.")
        self.rev = git("rev-parse", "HEAD").strip()
        self.when = int(git("log", "-1", "--format=%ct", self.rev))
        self.modes = {}
        for line in git("ls-tree", "-r", "--full-tree", self.rev).splitlines():
            meta, path = line.split("\t", 1)
            self.modes[path] = meta.split()[0]
        self.tar = None

    def __str__(self):
        return self.rev[:12]

    def dist(self, **extra):
        """make dist for the commit; returns the tarball's bytes."""
        r = subprocess.run(["make", "-s", "--no-print-directory", "dist", "DIST_REV=" + self.rev],
                           cwd=ROOT, env=env(**extra), capture_output=True, text=True, timeout=60)
        et.check(r.returncode == 0, "make dist: exit %d: %s" % (r.returncode, r.stderr + r.stdout))
        with open(TARBALL, "rb") as f:
            return f.read()


def members(data):
    path = os.path.join(tempfile.mkdtemp(prefix="echod-release-t."), "t.tar.gz")
    with open(path, "wb") as f:
        f.write(data)
    with tarfile.open(path, "r:gz") as t:
        ms = t.getmembers()
    shutil.rmtree(os.path.dirname(path))
    return ms


def test_source_date_epoch(rel):
    ms = members(rel.dist(SOURCE_DATE_EPOCH="1000000000"))
    bad = [m.name for m in ms if m.mtime != 1000000000]
    et.check(ms and not bad, "SOURCE_DATE_EPOCH=1000000000: other mtimes: %s" % bad[:5])


def test_reproducible(rel):
    a = rel.dist()
    b = rel.dist()
    ha, hb = hashlib.sha256(a).hexdigest(), hashlib.sha256(b).hexdigest()
    et.check(ha == hb, "two make dist runs for %s differ: %s %s" % (rel.rev[:12], ha, hb))
    rel.tar = os.path.join(rel.tmp, NAME + ".tar.gz")
    with open(rel.tar, "wb") as f:
        f.write(a)
    print("     %s sha256 %s (%d bytes)" % (os.path.relpath(TARBALL, ROOT), ha, len(a)))


def test_gzip_header(rel):
    with open(rel.tar, "rb") as f:
        head = f.read(10)
    et.check(head[:3] == b"\x1f\x8b\x08", "not gzip: %r" % head)
    et.check(not head[3] & 0x08, "gzip header keeps a file name (gzip -n?)")
    et.check(head[4:8] == b"\0\0\0\0", "gzip header keeps a time (gzip -n?)")


def test_contents(rel):
    with tarfile.open(rel.tar, "r:gz") as t:
        ms = t.getmembers()
    names = [m.name for m in ms]
    outside = [n for n in names if n != NAME and not n.startswith(NAME + "/")]
    et.check(not outside, "outside %s/: %s" % (NAME, outside[:5]))
    parts = [n.split("/") for n in names]
    et.check(not [n for n, p in zip(names, parts) if ".git" in p or p[1:2] == ["build"]],
             "build/ or .git entries")
    et.check(parts == sorted(parts), "names not sorted (tar --sort=name)")
    files = {n[len(NAME) + 1:]: m for n, m in zip(names, ms) if m.isfile()}
    et.check(set(files) == set(rel.modes),
             "tarball vs the commit's files: only in the tarball %s, only in git %s"
             % (sorted(set(files) - set(rel.modes))[:5], sorted(set(rel.modes) - set(files))[:5]))
    missing = [f for f in REQUIRED if f not in files]
    et.check(not missing, "missing: %s" % missing)
    for m in ms:
        et.check(m.isfile() or m.isdir(), "%s: neither file nor directory" % m.name)
        et.check((m.uid, m.gid, m.uname, m.gname) == (0, 0, "root", "root"),
                 "%s: owner %d/%d %s/%s" % (m.name, m.uid, m.gid, m.uname, m.gname))
        et.check(m.mtime == rel.when, "%s: mtime %d, the commit's is %d" % (m.name, m.mtime, rel.when))
        want = 0o755 if m.isdir() or rel.modes.get(m.name[len(NAME) + 1:]) == "100755" else 0o644
        et.check(m.mode == want, "%s: mode %o, want %o" % (m.name, m.mode, want))
    with tarfile.open(rel.tar, "r:gz") as t:
        v = t.extractfile(NAME + "/VERSION").read().decode().strip()
    et.check(v == VERSION, "the tarball's VERSION is %r, the tree's %r" % (v, VERSION))


def test_unpacked_builds(rel):
    top = os.path.join(rel.tmp, "unpack")
    os.mkdir(top)
    r = subprocess.run(["tar", "-xzf", rel.tar, "-C", top], capture_output=True, text=True, timeout=60)
    et.check(r.returncode == 0, "tar -x: %s" % r.stderr)
    src = os.path.join(top, NAME)
    r = subprocess.run(["make", "-s", "-j2"], cwd=src, env=env(), capture_output=True, text=True,
                       timeout=120)
    et.check(r.returncode == 0, "make in the unpacked tarball: exit %d: %s"
             % (r.returncode, (r.stderr + r.stdout)[-2000:]))
    r = subprocess.run(["./build/echod", "--version"], cwd=src, capture_output=True, text=True,
                       timeout=10)
    want = "echod %s\n" % read_version(src)
    et.check(r.returncode == 0 and r.stdout == want, "--version: exit %d, %r, want %r"
             % (r.returncode, r.stdout, want))


def test_spdx_unpacked(rel):
    src = os.path.join(rel.tmp, "unpack", NAME)
    et.check(os.path.isdir(src), "no unpacked tree (test_unpacked_builds failed)")
    spdx(src)


def test_debian_changelog():
    path = os.path.join(ROOT, "debian", "changelog")
    if not os.path.exists(path):
        return ("skip", "no debian/changelog: nothing to compare VERSION with")
    if shutil.which("dpkg-parsechangelog") is None:
        return ("skip", "dpkg-parsechangelog (dpkg-dev) not installed")
    r = subprocess.run(["dpkg-parsechangelog", "-l", path, "-S", "Version"],
                       capture_output=True, text=True, timeout=30)
    et.check(r.returncode == 0, "dpkg-parsechangelog: %s" % r.stderr)
    full = r.stdout.strip()
    upstream = full.split(":", 1)[-1].rsplit("-", 1)[0]    # [epoch:]upstream[-revision]
    et.check(upstream == VERSION, "debian/changelog's version %s: upstream %s, VERSION %s"
             % (full, upstream, VERSION))


def spdx(top):
    r = subprocess.run(["sh", "ci/spdx"], cwd=top, capture_output=True, text=True, timeout=60)
    lines = (r.stdout + r.stderr).splitlines()
    bad = [ln for ln in lines if not ln.startswith("spdx: ") or " passed, " not in ln]
    et.check(r.returncode == 0, "ci/spdx in %s: exit %d:\n%s" % (top, r.returncode, "\n".join(bad)))
    print("     " + (lines[-1] if lines else "ci/spdx: no output"))


def test_spdx_tree():
    spdx(ROOT)


def main():
    res = et.Results("release", case_timeout=120)
    if in_git():
        rel = Release()
        try:
            res.run(test_source_date_epoch, rel)
            res.run(test_reproducible, rel)
            if rel.tar:
                res.run(test_gzip_header, rel)
                res.run(test_contents, rel)
                res.run(test_unpacked_builds, rel)
                res.run(test_spdx_unpacked, rel)
        finally:
            shutil.rmtree(rel.tmp, ignore_errors=True)
    else:
        res.skipped += 1
        print("SKIP make dist: %s is not a git work tree (an unpacked tarball?)" % ROOT)
    res.run(test_debian_changelog)
    res.run(test_spdx_tree)
    return res.finish()


if __name__ == "__main__":
    sys.exit(main())
