#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tests/dist/run.py: deployment checks for `make dist-check`.

make install/uninstall into a temporary DESTDIR, man page lint and option
list, systemd units (systemd-analyze verify), the inetd.conf, xinetd and
systemd command lines run the way those managers run them (echod.service
behind passed TCP and UDP sockets), NOTIFY_SOCKET. The server's behaviour,
UDP echo included, is the integration suite's. Loopback only; every
process started here is killed by pid.
"""
import os
import random
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import echodtest as et  # noqa: E402

ROOT = et.ROOT
DIST = os.path.join(ROOT, "dist")
MAN = os.path.join(ROOT, "man", "echod.8")
UNITS = ["echod.socket", "echod.service", "echod-inetd.socket",
         "echod-inetd@.service"]
DOCS = ["inetd.conf", "xinetd.echod", "README.md"]
check, udp_client, udp_roundtrip = et.check, et.udp_client, et.udp_roundtrip


# -- helpers ---------------------------------------------------------------
def unit_get(name, key):
    """Values of key= in dist/name (all occurrences)."""
    vals = []
    with open(os.path.join(DIST, name)) as f:
        for line in f:
            if line.startswith(key + "="):
                vals.append(line.rstrip("\n").split("=", 1)[1])
    return vals


def exec_argv(name):
    """The argv of the unit's ExecStart=, binary replaced by the one under test."""
    argv = shlex.split(unit_get(name, "ExecStart")[0])
    check(argv[0] == "/usr/local/sbin/echod", "%s: ExecStart %s" % (name, argv[0]))
    return [et.binary()] + argv[1:]


def activated(argv, socks, env=None):
    """Start argv with socks as fds 3.. and LISTEN_PID/LISTEN_FDS set (Accept=no)."""
    return et.Server(*argv[1:], listen=None, port=None, env=env, binary_path=argv[0],
                     **et.activation(socks))


def serve_as_inetd(argv, stderr_is_socket, data):
    """Accept one loopback connection and run argv on it, as inetd/systemd do."""
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    cli = et.connect(lst.getsockname()[1])
    conn, _ = lst.accept()
    lst.close()
    err = et.log_file()
    try:
        proc = subprocess.Popen(argv, stdin=conn, stdout=conn,
                                stderr=conn if stderr_is_socket else err,
                                env=et.base_env())
        conn.close()
        try:
            got = et.exchange(cli, data, timeout=30)
            rc = proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        return got, rc, et.read_log(err)
    finally:
        cli.close()
        err.close()


# -- install -----------------------------------------------------------------
def expected_tree(prefix):
    p = prefix.lstrip("/")
    files = {p + "/sbin/echod", p + "/share/man/man8/echod.8"}
    files |= {p + "/lib/systemd/system/" + u for u in UNITS}
    files |= {p + "/share/doc/echod/" + d for d in DOCS}
    return files


def tree(root):
    out = set()
    for d, _, fs in os.walk(root):
        for f in fs:
            out.add(os.path.relpath(os.path.join(d, f), root))
    return out


def test_install_uninstall(prefix):
    with tempfile.TemporaryDirectory() as dest:
        args = ["make", "-s", "--no-print-directory", "-C", ROOT, "DESTDIR=" + dest]
        if prefix is not None:
            args.append("PREFIX=" + prefix)
        prefix = prefix or "/usr/local"
        r = subprocess.run(args + ["install"], capture_output=True, text=True, timeout=300)
        check(r.returncode == 0, "install: %s%s" % (r.stdout, r.stderr))
        got = tree(dest)
        want = expected_tree(prefix)
        check(got == want, "installed tree differs: extra %s, missing %s"
              % (sorted(got - want), sorted(want - got)))
        sbin = os.path.join(dest, prefix.lstrip("/"), "sbin", "echod")
        check(os.access(sbin, os.X_OK), "sbin/echod not executable")
        v = subprocess.run([sbin, "--version"], capture_output=True, text=True, timeout=10)
        check(v.returncode == 0 and v.stdout.startswith("echod "), "--version: %r" % v.stdout)
        unitdir = os.path.join(dest, prefix.lstrip("/"), "lib/systemd/system")
        for u in ("echod.service", "echod-inetd@.service"):
            with open(os.path.join(unitdir, u)) as f:
                text = f.read()
            check("ExecStart=%s/sbin/echod " % prefix in text, "%s: ExecStart path" % u)
        for f in got:
            mode = os.stat(os.path.join(dest, f)).st_mode & 0o777
            check(mode == (0o755 if f.endswith("sbin/echod") else 0o644),
                  "%s: mode %o" % (f, mode))
        r = subprocess.run(args + ["uninstall"], capture_output=True, text=True, timeout=60)
        check(r.returncode == 0, "uninstall: %s%s" % (r.stdout, r.stderr))
        left = tree(dest)
        check(not left, "uninstall left %s" % sorted(left))
        check(not os.path.exists(os.path.join(dest, prefix.lstrip("/"), "share/doc/echod")),
              "uninstall left share/doc/echod")


# -- man page ------------------------------------------------------------------
# Messages that depend on which other manuals this machine has installed.
MANDOC_ENV_NOISE = ("referenced manual not found", "outdated mandoc.db")


def test_mandoc_lint():
    if shutil.which("mandoc") is None:
        return ("skip", "mandoc not installed (ci/deps.d/dist.list)")
    r = subprocess.run(["mandoc", "-Tlint", "-Wstyle", MAN], capture_output=True,
                       text=True, timeout=30)
    lines = [ln for ln in (r.stdout + r.stderr).splitlines()
             if ln and not any(n in ln for n in MANDOC_ENV_NOISE)]
    check(not lines, "mandoc -Tlint:\n" + "\n".join(lines))


def test_groff_lint():
    if shutil.which("groff") is None:
        return ("skip", "groff not installed")
    r = subprocess.run(["groff", "-ww", "-z", "-mandoc", MAN], capture_output=True,
                       text=True, timeout=30)
    check(r.returncode == 0 and not r.stderr.strip(), "groff -ww: %s" % r.stderr)


def help_options():
    r = subprocess.run([et.binary(), "--help"], capture_output=True, text=True,
                       timeout=10, env=et.base_env())
    check(r.returncode == 0, "--help exit %d" % r.returncode)
    opts = set()
    for line in r.stdout.splitlines():
        m = re.match(r"^\s+(-[A-Za-z])?(?:, )?\s*(--[a-z][a-z-]*)?", line)
        if m and (m.group(1) or m.group(2)):
            opts |= {o for o in m.groups() if o}
    return opts


def man_options():
    """Options of the OPTIONS list (.It Fl ...) and of the SYNOPSIS."""
    with open(MAN) as f:
        text = f.read()
    listed, synopsis = set(), set()
    section = None
    for line in text.splitlines():
        if line.startswith(".Sh "):
            section = line[4:]
        if section == "DESCRIPTION" and line.startswith(".It Fl "):
            for m in re.finditer(r"Fl (Fl )?([A-Za-z][a-z-]*)", line):
                listed.add(("--" if m.group(1) else "-") + m.group(2))
        if section == "SYNOPSIS" and line.startswith(".Op Fl "):
            m = re.match(r"\.Op Fl (Fl )?([A-Za-z-]+)", line)
            if m.group(1):
                synopsis.add("--" + m.group(2))
            elif " Ar " in line:
                synopsis.add("-" + m.group(2))
            else:
                synopsis |= {"-" + c for c in m.group(2)}
    return listed, synopsis


def test_help_matches_man():
    helped = help_options()
    listed, synopsis = man_options()
    check(len(helped) >= 20, "too few options parsed from --help: %s" % sorted(helped))
    check(helped == listed, "--help vs man OPTIONS: only in help %s, only in man %s"
          % (sorted(helped - listed), sorted(listed - helped)))
    shorts = {o for o in helped if not o.startswith("--")}
    longonly = {"--allow", "--deny", "--inetd", "--no-sandbox", "--rate-per-ip", "--udp"}
    check(synopsis == shorts | longonly, "SYNOPSIS options %s" % sorted(synopsis))


# -- systemd units ---------------------------------------------------------------
def test_systemd_verify():
    if shutil.which("systemd-analyze") is None:
        return ("skip", "systemd-analyze not installed")
    with tempfile.TemporaryDirectory() as d:
        for u in UNITS:
            with open(os.path.join(DIST, u)) as f:
                text = f.read().replace("/usr/local/sbin/echod",
                                        os.path.join(ROOT, "build", "echod"))
            with open(os.path.join(d, u), "w") as f:
                f.write(text)
        mandir = os.path.join(d, "man", "man8")
        os.makedirs(mandir)
        shutil.copy(MAN, mandir)
        env = dict(os.environ, MANPATH=os.path.join(d, "man") + ":")
        r = subprocess.run(["systemd-analyze", "verify"] + ["./" + u for u in UNITS],
                           cwd=d, capture_output=True, text=True, timeout=120, env=env)
        out = (r.stdout + r.stderr).strip()
        if r.returncode != 0 and ("Failed to initialize manager" in out or
                                  "Failed to connect" in out):
            return ("skip", "systemd-analyze cannot run here: " + out.splitlines()[-1])
        check(r.returncode == 0 and not out, "systemd-analyze verify:\n" + out)


def test_unit_settings():
    """The settings the echod behaviour depends on, unit by unit."""
    check(unit_get("echod.service", "Type") == ["notify"], "echod.service Type")
    check(unit_get("echod.service", "KillMode") == ["mixed"], "KillMode=mixed")
    argv = exec_argv("echod.service")
    maxc = int(argv[argv.index("--max-clients") + 1])
    grace = int(argv[argv.index("--grace") + 1])
    tasks = int(unit_get("echod.service", "TasksMax")[0])
    check(tasks == maxc + 2, "TasksMax %d != --max-clients %d + parent + udp child"
          % (tasks, maxc))
    check(int(unit_get("echod.service", "TimeoutStopSec")[0]) > grace,
          "TimeoutStopSec must exceed --grace")
    check(unit_get("echod.socket", "Accept") == ["no"], "echod.socket Accept=no")
    check(unit_get("echod-inetd.socket", "Accept") == ["yes"], "Accept=yes")
    check("--inetd" in exec_argv("echod-inetd@.service"), "--inetd")
    check(unit_get("echod-inetd@.service", "StandardInput") == ["socket"], "stdin")
    check(unit_get("echod-inetd@.service", "StandardError") == ["journal"], "stderr")
    for u in ("echod.service", "echod-inetd@.service"):
        for k, v in (("DynamicUser", "yes"), ("ProtectSystem", "strict"),
                     ("PrivateTmp", "yes"), ("NoNewPrivileges", "yes")):
            check(unit_get(u, k) == [v], "%s: %s=%s" % (u, k, v))
        for k in ("RestrictAddressFamilies", "SystemCallFilter", "MemoryMax", "TasksMax"):
            check(unit_get(u, k), "%s: no %s" % (u, k))
        check("seccomp" in unit_get(u, "SystemCallFilter")[0],
              "%s: children need seccomp(2) for their own filter" % u)


def test_service_socket_activation():
    """echod.service's command line behind passed TCP+UDP sockets (Accept=no)."""
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(16)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    tport, uport = tcp.getsockname()[1], udp.getsockname()[1]
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "notify")
        ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        ns.bind(path)
        ns.settimeout(10)
        try:
            with activated(exec_argv("echod.service"), [tcp, udp],
                           env={"NOTIFY_SOCKET": path}) as srv:
                tcp.close()
                udp.close()
                check(sorted(srv.listening) == sorted(
                    [("", "127.0.0.1:%d" % tport), ("udp", "127.0.0.1:%d" % uport)]),
                    "listening lines %s" % srv.listening)
                check(ns.recv(256) == b"READY=1", "no READY=1")
                data = os.urandom(100000)
                check(et.roundtrip(tport, data) == data, "TCP echo differs")
                with udp_client() as c:
                    check(udp_roundtrip(c, ("127.0.0.1", uport), b"ping") == b"ping",
                          "UDP echo differs")
                check(srv.stop() == 0, "exit status")
                check(ns.recv(256) == b"STOPPING=1", "no STOPPING=1")
                check(not srv.sanitizer_reports(), srv.log())
        finally:
            ns.close()


def test_systemd_socket_activate():
    """The same through systemd's own systemd-socket-activate (TCP, Accept=no)."""
    tool = shutil.which("systemd-socket-activate")
    if tool is None:
        return ("skip", "systemd-socket-activate not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    argv = exec_argv("echod.service")
    with et.Server(*argv[1:], listen=None, port=None, binary_path=argv[0],
                   wrapper=[tool, "-l", "127.0.0.1:%d" % port],
                   expect_ready=False) as srv:
        # It starts echod when the first connection arrives.
        first = None
        for _ in range(100):
            try:
                first = et.connect(port)
                break
            except ConnectionRefusedError:
                time.sleep(0.05)
        check(first is not None, "systemd-socket-activate not listening")
        try:
            srv.wait_ready(10)
            check(srv.port == port, "listening %s" % srv.listening)
            check(et.exchange(first, b"first") == b"first", "first echo differs")
        finally:
            first.close()
        check(et.roundtrip(port, b"x" * 5000) == b"x" * 5000, "echo differs")
        check(srv.stop() == 0, "exit status")


def test_service_inetd_accept_yes():
    """echod-inetd@.service's command line on an accepted socket, stderr apart."""
    data = os.urandom(300000)
    got, rc, err = serve_as_inetd(exec_argv("echod-inetd@.service"), False, data)
    check(got == data, "echo differs (%d of %d bytes)" % (len(got), len(data)))
    check(rc == 0, "exit %d: %s" % (rc, err))


def inetd_lines():
    out = []
    with open(os.path.join(DIST, "inetd.conf")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                out.append(line.split())
    return out


def test_inetd_conf():
    """Each inetd.conf line run as inetd runs it: the socket on fds 0, 1 and 2."""
    lines = inetd_lines()
    check(len(lines) >= 1, "no inetd.conf line")
    for f in lines:
        check(f[0] == "echo" and f[1] == "stream" and f[3].split(".")[0] == "nowait",
              "inetd.conf fields %s" % f[:4])
        check(f[5] == "/usr/local/sbin/echod" and f[6] == "echod", "program %s" % f[5:7])
        data = os.urandom(70000) + b"\n"
        got, rc, _ = serve_as_inetd([et.binary()] + f[7:], True, data)
        check(got == data, "%s: echo differs or log in socket (%d vs %d bytes)"
              % (f[2], len(got), len(data)))
        check(rc == 0, "exit %d" % rc)


def test_xinetd_stanza():
    conf = {}
    with open(os.path.join(DIST, "xinetd.echod")) as f:
        for line in f:
            m = re.match(r"^\s*(\w+)\s*\+?=\s*(.*?)\s*$", line)
            if m:
                conf[m.group(1)] = m.group(2)
    check(conf.get("socket_type") == "stream" and conf.get("wait") == "no",
          "xinetd: socket_type/wait %s" % conf)
    check(conf.get("server") == "/usr/local/sbin/echod", "server %s" % conf.get("server"))
    argv = [et.binary()] + conf.get("server_args", "").split()
    data = b"hello from xinetd\n" * 1000
    got, rc, _ = serve_as_inetd(argv, True, data)
    check(got == data and rc == 0, "echo %d/%d bytes, exit %d" % (len(got), len(data), rc))


# -- NOTIFY_SOCKET ---------------------------------------------------------------
def test_notify(form):
    with tempfile.TemporaryDirectory() as d:
        if form == "path":
            addr = name = os.path.join(d, "notify")
        else:
            name = "@echod-dist-test-%d-%d" % (os.getpid(), random.randrange(1 << 30))
            addr = "\0" + name[1:]
        ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        ns.bind(addr)
        ns.settimeout(10)
        try:
            with et.Server(env={"NOTIFY_SOCKET": name}) as srv:
                check(ns.recv(256) == b"READY=1", "no READY=1")
                # READY=1 means accepting: a connection works now.
                check(et.roundtrip(srv.port, b"ready?") == b"ready?", "echo")
                ns.setblocking(False)
                try:
                    extra = ns.recv(256)
                except BlockingIOError:
                    extra = None
                check(extra is None, "unexpected notification %r" % extra)
                ns.setblocking(True)
                ns.settimeout(10)
                srv.signal(signal.SIGTERM)
                check(ns.recv(256) == b"STOPPING=1", "no STOPPING=1")
                check(srv.wait() == 0, "exit status")
                check(not srv.sanitizer_reports(), srv.log())
        finally:
            ns.close()


def test_ci_workflow_targets():
    """.github/workflows/ci.yml runs make check (.ci/run) and otherwise only
    make targets that make check runs, or the two reports it uploads."""
    import yaml  # python3-yaml: ci/deps.d/ci.list
    r = subprocess.run(["make", "-s", "--no-print-directory", "print-CHECK_STEPS"], cwd=ROOT,
                       capture_output=True, text=True, timeout=30)
    steps = set(r.stdout.split())
    check(r.returncode == 0 and steps, "make print-CHECK_STEPS: %s %r" % (r.returncode, r.stderr))
    # Reports, not gates: SARIF for code scanning, fuzz coverage.
    allowed = steps | {"check", "lint-sarif", "coverage"}
    with open(os.path.join(ROOT, ".github", "workflows", "ci.yml")) as f:
        wf = yaml.safe_load(f)
    runs = [st["run"] for job in wf["jobs"].values() for st in job.get("steps", [])
            if "run" in st]
    check(runs, "no run: steps")
    seen = set()
    for block in runs:
        text = re.sub(r"\$\{\{[^}]*\}\}", "EXPR", block)  # ${{ matrix.cc }}
        for line in text.splitlines():
            for part in re.split(r"&&|;|\|", line):
                first = part.split()[:1]
                if first == [".ci/run"]:
                    seen.add("check")
                if first != ["make"]:
                    continue
                words = shlex.split(part)
                targets = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
                for t in targets or ["all"]:
                    check(t in allowed, "ci.yml: make %s is not a make check step" % t)
                    seen.add(t)
                for w in words[1:]:
                    check("=" not in w or w.split("=")[0] in ("CC", "CFLAGS"), "ci.yml: make %s" % w)
    check("check" in seen and "all" in seen, "ci.yml must build and run make check")
    with open(os.path.join(ROOT, "ci", "check")) as f:
        check('build/logs/$step.log' in f.read(), "ci/check no longer keeps step logs")


def main():
    res = et.Results("dist")
    res.run(test_install_uninstall, None)
    res.run(test_install_uninstall, "/usr")
    res.run(test_mandoc_lint)
    res.run(test_groff_lint)
    res.run(test_help_matches_man)
    res.run(test_systemd_verify)
    res.run(test_unit_settings)
    res.run(test_service_socket_activation)
    res.run(test_systemd_socket_activate)
    res.run(test_service_inetd_accept_yes)
    res.run(test_inetd_conf)
    res.run(test_xinetd_stanza)
    res.run(test_notify, "path")
    res.run(test_notify, "abstract")
    res.run(test_ci_workflow_targets)
    return res.finish()


if __name__ == "__main__":
    sys.exit(main())
