#!/usr/bin/env python3
"""tests/dist/run.py: deployment checks for `make dist-check`.

make install/uninstall into a temporary DESTDIR, man page lint and option
list, systemd units (systemd-analyze verify), the inetd.conf, xinetd and
systemd command lines run the way those managers run them, NOTIFY_SOCKET,
and UDP echo (--udp and passed datagram sockets). Loopback only; every
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
LOOP_PORTS = (7, 13, 17, 19, 37)
check, have_ipv6, udp_client, udp_roundtrip = et.check, et.ipv6_ok, et.udp_client, et.udp_roundtrip


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


def stats(srv, want=lambda e, d: True, timeout=5.0):
    """(udp_echoed, udp_dropped) of the stats line, asked again until want(echoed, dropped) holds."""
    st = et.stats(srv, lambda s: want(s["udp_echoed"], s["udp_dropped"]), timeout)
    return st["udp_echoed"], st["udp_dropped"]


def udp_port(srv):
    ports = [int(a.rsplit(":", 1)[1]) for u, a in srv.listening if u == "udp"]
    check(len(ports) == 1, "udp listening lines: %s" % srv.listening)
    return ports[0]


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
    longonly = {"--inetd", "--no-sandbox", "--udp"}
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
        check(f[0] == "echo" and f[1] == "stream" and f[3] == "nowait",
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


# -- UDP -----------------------------------------------------------------------
def test_udp_listening_same_port():
    with et.Server("--udp") as srv:
        tcp = [a for u, a in srv.listening if not u]
        check(len(tcp) == 1 and len(srv.listening) == 2, "lines %s" % srv.listening)
        check(udp_port(srv) == srv.port, "udp port %d, tcp %d" % (udp_port(srv), srv.port))
        check(re.search(r"^echod\[\d+\]: listening on udp 127\.0\.0\.1:%d$" % srv.port,
                        srv.log(), re.M), "udp line format")
    if have_ipv6():
        with et.Server("--udp", listen="::1") as srv:
            check(("udp", "[::1]:%d" % srv.port) in srv.listening, "v6 %s" % srv.listening)


def test_udp_echo_sizes():
    with et.Server("--udp") as srv, udp_client() as c:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        addr = ("127.0.0.1", udp_port(srv))
        sizes = [0, 1, 512, 1472, 1473, 9000, 32768, 65506, 65507]
        for n in sizes:
            data = os.urandom(n)
            got = udp_roundtrip(c, addr, data)
            check(got == data, "%d bytes: got %d, differ" % (n, len(got)))
        echoed, dropped = stats(srv, lambda e, d: e >= len(sizes))
        check(echoed >= len(sizes), "udp_echoed=%d" % echoed)
        check(not srv.sanitizer_reports(), srv.log())


def test_udp_oversize_counted():
    """A datagram too large to echo whole (IPv6 allows 65527) is dropped and counted."""
    if not have_ipv6():
        return ("skip", "no IPv6 loopback")
    with et.Server("--udp", listen="::1") as srv:
        c = udp_client(socket.AF_INET6, "::1")
        try:
            addr = ("::1", udp_port(srv))
            big = os.urandom(65527)
            c.sendto(big, addr)
            check(udp_roundtrip(c, addr, b"after") == b"after", "no echo after oversize")
            c.setblocking(False)
            try:
                stray = c.recv(70000)
            except BlockingIOError:
                stray = None
            check(stray is None, "got %d bytes back for an oversize datagram"
                  % len(stray or b""))
            echoed, dropped = stats(srv, lambda e, d: e == 1 and d == 1)
            check(dropped == 1 and echoed == 1, "echoed=%d dropped=%d" % (echoed, dropped))
        finally:
            c.close()


def test_udp_loop_guard():
    with et.Server("--udp") as srv, udp_client() as probe:
        addr = ("127.0.0.1", udp_port(srv))
        guarded = []
        for p in LOOP_PORTS:
            try:
                guarded.append(udp_client(port=p))
            except PermissionError:
                return ("skip", "binding source ports below 1024 needs root")
            except OSError as e:
                print("  note: source port %d unavailable: %s" % (p, e))
        try:
            check(len(guarded) >= 3, "could bind only %d loop-guard ports" % len(guarded))
            for g in guarded:
                g.sendto(b"loop?", addr)
            # One socket, served in order: once this echo is back, all were handled.
            check(udp_roundtrip(probe, addr, b"sentinel") == b"sentinel", "sentinel")
            for g in guarded:
                g.setblocking(False)
                try:
                    got = g.recv(100)
                except BlockingIOError:
                    got = None
                check(got is None, "echo to source port %d" % g.getsockname()[1])
            echoed, dropped = stats(srv, lambda e, d: e == 1 and d == len(guarded))
            check(dropped == len(guarded), "udp_dropped=%d, want %d" % (dropped, len(guarded)))
            check(echoed == 1, "udp_echoed=%d" % echoed)
        finally:
            for g in guarded:
                g.close()


def test_udp_rate_limit():
    """A flood from one source is cut to burst + rate x time; another source still served.

    The flood goes in rounds of 100 datagrams, each followed by a datagram
    from a second source address (127.0.0.2) whose echo shows that echod has
    taken the round off its socket: the kernel's queue never overflows, so
    every datagram sent is either echoed or counted as dropped by echod.
    """
    burst, rate = 1000, 1000  # UDP_RATE_SOURCE (src/udp.h)
    rounds, per_round = 30, 100
    with et.Server("--udp") as srv:
        addr = ("127.0.0.1", udp_port(srv))
        # Limits are per source address: the other source is 127.0.0.2.
        with udp_client() as c, udp_client(host="127.0.0.2") as other:
            start = time.monotonic()
            for r in range(rounds):
                for i in range(per_round):
                    c.sendto(b"%03d.%03d" % (r, i), addr)
                check(udp_roundtrip(other, addr, b"other %d" % r, tries=1) ==
                      b"other %d" % r, "second source starved")
            elapsed = time.monotonic() - start
            sent = rounds * per_round
            echoed, dropped = stats(srv, lambda e, d: e + d == sent + rounds)
            check(echoed + dropped == sent + rounds,
                  "echoed %d + dropped %d != sent %d" % (echoed, dropped, sent + rounds))
            # + rounds: the other source's echoes; + 1: the server's clock is in
            # whole ms, which can add one token over the whole run.
            bound = burst + rate * elapsed + rounds + 1
            check(echoed <= bound, "echoed %d > limit %.0f (%.2fs)" % (echoed, bound, elapsed))
            if sent + rounds > bound:
                check(dropped >= sent + rounds - bound, "dropped only %d" % dropped)
            print("  flood: %d sent in %.2fs, %d echoed, %d dropped"
                  % (sent, elapsed, echoed, dropped))
            check(not srv.sanitizer_reports(), srv.log())


def test_udp_child_restart():
    with et.Server("--udp") as srv, udp_client() as c:
        addr = ("127.0.0.1", udp_port(srv))
        check(udp_roundtrip(c, addr, b"one") == b"one", "first echo")
        kids = srv.children()
        check(len(kids) == 1, "children %s (want the UDP child only)" % kids)
        os.kill(kids[0], signal.SIGKILL)
        check(srv.wait_log(r"udp child %d killed by signal 9 \(SIGKILL\); restarting" % kids[0]),
              srv.log())
        check(et.wait_until(lambda: [k for k in srv.children() if k != kids[0]
                                     and et.proc_state(k) != "Z"], timeout=10),
              "no new UDP child")
        check(udp_roundtrip(c, addr, b"two", tries=5) == b"two", "echo after restart")
        check(srv.stop() == 0, "exit status")


def test_udp_child_dies_with_parent():
    """SIGKILL of the server must not leave the UDP child holding the port."""
    with et.Server("--udp") as srv, udp_client() as c:
        addr = ("127.0.0.1", udp_port(srv))
        check(udp_roundtrip(c, addr, b"x") == b"x", "echo")
        kids = srv.children()
        check(len(kids) == 1, "children %s" % kids)
        srv.proc.kill()
        srv.proc.wait(timeout=10)
        try:
            check(et.wait_until(lambda: et.proc_state(kids[0]) in (None, "Z"), timeout=5),
                  "UDP child %d outlived its parent" % kids[0])
        finally:
            try:
                os.kill(kids[0], signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_udp_activation_every_socket():
    """Every passed datagram socket is served (e.g. one IPv4, one IPv6)."""
    socks = []
    for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET, "127.0.0.1"),
                      (socket.AF_INET6, "::1")):
        if fam == socket.AF_INET6 and not have_ipv6():
            continue
        u = socket.socket(fam, socket.SOCK_DGRAM)
        u.bind((host, 0))
        socks.append(u)
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(4)
    socks.insert(1, tcp)
    addrs = [(s.family, s.getsockname()[:2]) for s in socks if s is not tcp]
    with activated([et.binary()], socks) as srv:
        for s in socks:
            s.close()
        check(len(srv.listening) == len(socks), "lines %s" % srv.listening)
        for fam, addr in addrs:
            with udp_client(fam, addr[0]) as c:
                check(udp_roundtrip(c, addr, b"to %s" % str(addr).encode()) ==
                      b"to %s" % str(addr).encode(), "no echo on %s" % (addr,))
        check(et.roundtrip(srv.port, b"tcp too") == b"tcp too", "TCP echo")
        check(srv.stop() == 0, "exit status")


def test_udp_inetd_usage():
    r = subprocess.run([et.binary(), "--udp", "--inetd"], capture_output=True,
                       text=True, timeout=10, env=et.base_env(), stdin=subprocess.DEVNULL)
    check(r.returncode == 64, "exit %d" % r.returncode)
    check(r.stderr.startswith("echod: ") and r.stderr.count("\n") == 1,
          "stderr %r" % r.stderr)


def test_ci_workflow_targets():
    """.github/workflows/ci.yml calls only make targets that make check runs."""
    r = subprocess.run(["make", "-s", "--no-print-directory", "print-CHECK_STEPS"], cwd=ROOT,
                       capture_output=True, text=True, timeout=30)
    steps = set(r.stdout.split())
    check(r.returncode == 0 and steps, "make print-CHECK_STEPS: %s %r" % (r.returncode, r.stderr))
    allowed = steps | {"check"}
    with open(os.path.join(ROOT, ".github", "workflows", "ci.yml")) as f:
        text = re.sub(r"\$\{\{[^}]*\}\}", "EXPR", f.read())  # ${{ matrix.cc }}
        runs = [m.group(1) for m in re.finditer(r"^\s*run:\s*(.+)$", text, re.M)]
    check(runs, "no run: steps")
    seen = set()
    for cmd in runs:
        for part in re.split(r"&&|;|\|", cmd):
            words = shlex.split(part)
            if not words:
                continue
            if words[0] == ".ci/run":
                seen.add("check")
                continue
            if words[0] == "apt-get":
                continue
            check(words[0] == "make", "ci.yml runs %r" % part.strip())
            targets = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
            for t in targets or ["all"]:
                check(t in allowed, "ci.yml: make %s is not a make check step" % t)
                seen.add(t)
            for w in words[1:]:
                check("=" not in w or w.split("=")[0] == "CC", "ci.yml: make %s" % w)
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
    res.run(test_udp_listening_same_port)
    res.run(test_udp_echo_sizes)
    res.run(test_udp_oversize_counted)
    res.run(test_udp_loop_guard)
    res.run(test_udp_rate_limit)
    res.run(test_udp_child_restart)
    res.run(test_udp_child_dies_with_parent)
    res.run(test_udp_activation_every_socket)
    res.run(test_udp_inetd_usage)
    res.run(test_ci_workflow_targets)
    return res.finish()


if __name__ == "__main__":
    sys.exit(main())
