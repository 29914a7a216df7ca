#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tests/deb/run.py DIR VERSION: checks of the package make deb built in DIR.

lintian (no error, no warning), the files (dpkg-deb -c), the maintainer
scripts (dpkg-deb -e: only echod.socket is enabled and started), and an
install, run and purge with dpkg into a throw-away root (--root, a fresh
admin directory, maintainer scripts run chrootless with DPKG_ROOT, which
deb-systemd-helper honours and the systemctl calls are guarded by). The
host's systemd state and dpkg database are compared before and after.
Never installs onto this machine.
"""
import glob
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import echodtest as et  # noqa: E402

check = et.check
UNITS = ["echod.socket", "echod.service", "echod-inetd.socket", "echod-inetd@.service"]
# Host state the maintainer scripts could touch if DPKG_ROOT were ignored.
HOST_STATE = ["/etc/systemd/system", "/var/lib/systemd/deb-systemd-helper-enabled",
              "/var/lib/systemd/deb-systemd-helper-masked"]


def run(argv, **kw):
    kw.setdefault("timeout", 120)
    return subprocess.run(argv, capture_output=True, text=True, **kw)


class Pkg:
    def __init__(self, d, version):
        self.dir, self.upstream = d, version
        self.debian_version = version + "-1"
        arch = run(["dpkg", "--print-architecture"]).stdout.strip()
        self.deb = os.path.join(d, "echod_%s_%s.deb" % (self.debian_version, arch))
        self.changes = os.path.join(d, "echod_%s_%s.changes" % (self.debian_version, arch))

    def __str__(self):
        return os.path.basename(self.deb)


def test_version(pkg):
    """The package's upstream version is the project's, and echod's own."""
    check(os.path.exists(pkg.deb), "no %s (is debian/changelog's version %s?): %s"
          % (pkg.deb, pkg.debian_version, sorted(os.listdir(pkg.dir))))
    r = run(["dpkg-deb", "-f", pkg.deb, "Package", "Version", "Section", "Priority"])
    check(r.stdout.split() == ["Package:", "echod", "Version:", pkg.debian_version,
                               "Section:", "net", "Priority:", "optional"],
          "control fields: %r" % r.stdout)


def test_lintian(pkg):
    r = run(["lintian", "--pedantic", "--info", "--display-experimental", pkg.changes],
            timeout=180)
    tags = [ln for ln in r.stdout.splitlines() if re.match(r"^[EWIPXO]: ", ln)]
    for ln in tags:
        print("     lintian " + ln)
    bad = [ln for ln in tags if ln[0] in "EW"]
    check(not bad, "lintian errors or warnings:\n" + "\n".join(bad))
    check(r.returncode == 0, "lintian exit %d: %s" % (r.returncode, r.stderr[-500:]))
    print("     lintian: %d tags, none E: or W:" % len(tags))


def contents(deb):
    """{path: (mode string, owner)} from dpkg-deb -c."""
    out = {}
    for ln in run(["dpkg-deb", "-c", deb]).stdout.splitlines():
        f = ln.split()
        out[f[5].lstrip(".")] = (f[0], f[1])
    return out


def test_contents(pkg):
    files = contents(pkg.deb)
    check(files.get("/usr/sbin/echod") == ("-rwxr-xr-x", "root/root"),
          "/usr/sbin/echod: %s" % (files.get("/usr/sbin/echod"),))
    check("/usr/share/man/man8/echod.8.gz" in files, "no man page")
    for u in UNITS:
        check(files.get("/lib/systemd/system/" + u, ("",))[0] == "-rw-r--r--",
              "unit %s: %s" % (u, files.get("/lib/systemd/system/" + u)))
    check("/usr/share/doc/echod/copyright" in files, "no copyright")
    for p in files:
        check(not p.startswith("/usr/local"), "file under /usr/local: " + p)
        check(not p.startswith("/usr/lib/systemd"), "unit under /usr/lib: " + p)


def blocks(script):
    """The dh_installsystemd snippets of a maintainer script: (kind, units)."""
    out = []
    for m in re.finditer(r"# Automatically added by dh_installsystemd.*?\n(.*?)"
                         r"# End automatically added section", script, re.S):
        body = m.group(1)
        units = set(re.findall(r"'?([\w@.-]+\.(?:socket|service))'?", body))
        if "deb-systemd-invoke" in body:
            kind = "start"
        elif "debian-installed" in body:
            kind = "dont-enable"
        elif "deb-systemd-helper enable" in body:
            kind = "enable"
        else:
            kind = "other"
        out.append((kind, units))
    return out


def test_maintainer_scripts(pkg):
    with tempfile.TemporaryDirectory() as d:
        r = run(["dpkg-deb", "-e", pkg.deb, d])
        check(r.returncode == 0, "dpkg-deb -e: " + r.stderr)
        with open(os.path.join(d, "postinst")) as f:
            post = blocks(f.read())
        for name in ("prerm", "postrm"):
            check(os.path.exists(os.path.join(d, name)), "no " + name)
    kinds = {}
    for kind, units in post:
        kinds.setdefault(kind, set()).update(units)
    check(kinds.get("enable") == {"echod.socket"}, "enabled: %s" % kinds.get("enable"))
    check(kinds.get("start") == {"echod.socket"}, "started: %s" % kinds.get("start"))
    # Installed disabled: re-enabled only if the admin had enabled it
    # (echod.socket comes along through echod.service's Also=).
    dont = kinds.get("dont-enable", set())
    check({"echod-inetd.socket", "echod.service"} <= dont <= {
        "echod-inetd.socket", "echod.service", "echod.socket"}, "installed disabled: %s" % dont)
    check(not {k for k, us in post if "echod-inetd@.service" in us}, "the template is handled")


def snapshot():
    """The host state a wrong DPKG_ROOT would change: links, files, dpkg's view."""
    out = []
    for top in HOST_STATE:
        for d, dirs, fs in os.walk(top):
            for n in sorted(dirs + fs):
                p = os.path.join(d, n)
                out.append((p, os.readlink(p) if os.path.islink(p) else None))
    out.append(run(["dpkg-query", "-W", "-f", "${Status}", "echod"]).stdout)
    return sorted(map(str, out))


def dpkg_root(root, env, *args):
    # --force-script-chrootless: the root has no shell or perl to chroot
    # into; dpkg then runs the scripts here with DPKG_ROOT=root.
    # --force-depends: the fresh root has no libc6 package to satisfy it.
    argv = ["dpkg", "--root=" + root, "--force-script-chrootless", "--force-depends",
            "--log=" + os.path.join(root, "dpkg.log")] + list(args)
    if os.getuid() != 0:
        argv.insert(1, "--force-not-root")
    return run(argv, env=env)


def test_install_in_throwaway_root(pkg):
    before = snapshot()
    with tempfile.TemporaryDirectory() as root:
        admin = os.path.join(root, "var", "lib", "dpkg")
        for sub in ("info", "updates", "triggers"):
            os.makedirs(os.path.join(admin, sub))
        for f in ("status", "available"):
            open(os.path.join(admin, f), "w").close()
        # Stand-ins for systemctl and deb-systemd-invoke first in PATH: the
        # start snippet (postinst-systemd-restart) and postrm's daemon-reload
        # test only /run/systemd/system, not DPKG_ROOT, so on a host running
        # systemd they would reach its manager. The stand-ins log the calls.
        shim = os.path.join(root, "shim")
        os.makedirs(shim)
        calls = os.path.join(root, "shim-calls")
        for tool in ("systemctl", "deb-systemd-invoke"):
            with open(os.path.join(shim, tool), "w") as f:
                f.write("#!/bin/sh\necho \"%s $*\" >> '%s'\nexit 0\n" % (tool, calls))
            os.chmod(os.path.join(shim, tool), 0o755)
        env = dict(os.environ, PATH=shim + ":" + os.environ.get("PATH", "/usr/bin:/bin"))
        try:
            r = dpkg_root(root, env, "-i", pkg.deb)
            check(r.returncode == 0, "dpkg -i: %s%s" % (r.stdout, r.stderr))
            q = run(["dpkg-query", "--root=" + root, "-W", "-f", "${Status} ${Version}",
                     "echod"])
            check(q.stdout == "install ok installed " + pkg.debian_version, "status %r" % q.stdout)
            sbin = os.path.join(root, "usr", "sbin", "echod")
            check(stat.S_IMODE(os.stat(sbin).st_mode) == 0o755, "mode of usr/sbin/echod")
            v = run([sbin, "--version"], timeout=10)
            check(v.returncode == 0 and v.stdout == "echod %s\n" % pkg.upstream,
                  "--version: %r" % v.stdout)
            for u in ("echod.service", "echod-inetd@.service"):
                with open(os.path.join(root, "lib", "systemd", "system", u)) as f:
                    check("\nExecStart=/usr/sbin/echod " in f.read(), u + ": ExecStart")
            # What the postinst enabled, as links in the root's /etc.
            links = sorted(os.path.relpath(p, root) for p in
                           glob.glob(os.path.join(root, "etc", "systemd", "system", "**"),
                                     recursive=True) if os.path.islink(p))
            check(links == ["etc/systemd/system/sockets.target.wants/echod.socket"],
                  "enabled links: %s" % links)
            target = os.readlink(os.path.join(root, links[0]))
            check(target == "/lib/systemd/system/echod.socket", "link to %s" % target)
            r = dpkg_root(root, env, "--purge", "echod")
            check(r.returncode == 0, "dpkg --purge: %s%s" % (r.stdout, r.stderr))
            check(not os.path.exists(sbin), "purge left usr/sbin/echod")
            left = [p for p in glob.glob(os.path.join(root, "etc", "systemd", "**"),
                                         recursive=True) if os.path.islink(p)]
            check(not left, "purge left links %s" % left)
            called = []
            if os.path.exists(calls):
                with open(calls) as f:
                    called = f.read().splitlines()
            ok = {"systemctl --system daemon-reload", "deb-systemd-invoke start echod.socket",
                  "deb-systemd-invoke restart echod.socket"}
            check(set(called) <= ok, "systemd calls: %s" % called)
            if called:
                print("     intercepted (host runs systemd): %s" % called)
        finally:
            after = snapshot()
            check(before == after, "the host's systemd or dpkg state changed: %s"
                  % sorted(set(before) ^ set(after)))


def main():
    if len(sys.argv) != 3:
        print("usage: run.py DIR VERSION")
        print("deb: 0 passed, 1 failed")
        return 1
    pkg = Pkg(sys.argv[1], sys.argv[2])
    res = et.Results("deb")
    res.run(test_version, pkg)
    res.run(test_lintian, pkg)
    res.run(test_contents, pkg)
    res.run(test_maintainer_scripts, pkg)
    res.run(test_install_in_throwaway_root, pkg)
    return res.finish()


if __name__ == "__main__":
    sys.exit(main())
