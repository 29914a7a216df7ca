#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# tests/deb/boot.sh DEB: the package under a real systemd, end to end.
#
# Boots systemd as PID 1 of throw-away namespaces (pid, mount, network,
# uts, ipc, cgroup) over an overlay of / whose writes go to a tmpfs, the
# way systemd-nspawn runs a container: /proc/sys read-only, container= set,
# a cgroup2 subtree of its own. Installs DEB there with dpkg, then checks
# echod.socket (TCP and UDP on port 7 of the namespace's loopback), and
# echod-inetd.socket in its place. Nothing of the host changes but a
# cgroup directory, removed at the end; the namespaces die with PID 1.
# Needs root (CAP_SYS_ADMIN). Not a make check step: make deb-boot.
# About 20 s.
set -u
DEB=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/echod-boot.XXXXXX)
M=$T/merged
# A cgroup2 directory of its own: the hybrid layout's, or the unified one.
CG2=/sys/fs/cgroup/unified
[ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ] && CG2=/sys/fs/cgroup
CG=$CG2/echod-boot-$$
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
finish() {
	echo "deb-boot: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}

# Without root, a cgroup2 hierarchy or namespaces (an unprivileged
# container), this cannot boot anything: skipped, and said so.
if [ "$(id -u)" -ne 0 ] || [ "$(stat -fc %T $CG2 2>/dev/null)" != cgroup2fs ] ||
    ! unshare --mount --pid --fork true 2>/dev/null; then
	echo "skip: needs root, a cgroup2 hierarchy (/sys/fs/cgroup or its unified/) and namespaces"
	rm -rf "$T"
	echo "deb-boot: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
mkdir -p "$M" "$T/rw" && mkdir "$CG" || { bad "setup"; rm -rf "$T"; finish; }

# Stage 2 runs as PID 1 of the new namespaces, then becomes systemd. It
# pivots into the overlay rather than chroot: a chrooted process may not
# create user namespaces, which PrivateUsers= needs. /dev is a tmpfs with
# the few nodes a service needs and a file as the console (systemd logs to
# it), so nothing reaches the host's console.
cat > "$T/stage2" <<STAGE2
set -e
mount -t tmpfs tmpfs $T/rw
mkdir $T/rw/upper $T/rw/work
mount -t overlay overlay -o lowerdir=/,upperdir=$T/rw/upper,workdir=$T/rw/work $M
mount -t proc proc $M/proc
mount --bind $M/proc/sys $M/proc/sys
mount -o remount,bind,ro $M/proc/sys
mount -t sysfs -o ro sysfs $M/sys
mount -t cgroup2 cgroup2 $M/sys/fs/cgroup
mount -t tmpfs -o mode=755 tmpfs $M/dev
for n in null zero full random urandom tty; do
	touch $M/dev/\$n && mount --bind /dev/\$n $M/dev/\$n
done
mkdir $M/dev/pts $M/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts $M/dev/pts
ln -s pts/ptmx $M/dev/ptmx
touch $M/dev/console $T/console.log && mount --bind $T/console.log $M/dev/console
mount -t tmpfs tmpfs $M/run
mount -t tmpfs tmpfs $M/tmp
mkdir $M/echod-boot && cp $DEB $M/echod-boot/echod.deb
cp $HERE/echo-client.py $M/echod-boot/
echo echod-boot > $M/etc/hostname
mkdir -p $M/.oldroot
cd $M
pivot_root . .oldroot
umount -l /.oldroot
dpkg -i /echod-boot/echod.deb > /echod-boot/dpkg.log 2>&1
export container=echod-boot
exec /lib/systemd/systemd --unit=sockets.target --log-target=console
STAGE2
( echo $BASHPID > "$CG/cgroup.procs" &&
  exec unshare --cgroup --mount --propagation private --pid --net --uts --ipc \
	--fork sh "$T/stage2" ) > "$T/stage2.log" 2>&1 &
outer=$!

cleanup() {
	[ -n "${pid1:-}" ] && kill -KILL "$pid1" 2>/dev/null
	wait "$outer" 2>/dev/null
	# Depth first: systemd made cgroups under ours.
	[ -d "$CG" ] && find "$CG" -depth -type d -exec rmdir {} + 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

pid1=
for _ in $(seq 100); do
	pid1=$(pgrep -P "$outer" 2>/dev/null | head -n 1)
	[ -n "$pid1" ] && [ "$(cat /proc/$pid1/comm 2>/dev/null)" = systemd ] && break
	pid1=
	sleep 0.1
done
if [ -z "$pid1" ]; then
	bad "systemd did not start: $(tail -n 5 "$T/stage2.log" 2>&1)"
	finish
fi
in_ns() { timeout 30 nsenter -t "$pid1" -a -r -w "$@"; }
for _ in $(seq 100); do
	in_ns systemctl is-active --quiet sockets.target 2>/dev/null && break
	sleep 0.2
done
in_ns systemctl is-active --quiet sockets.target && ok "systemd booted to sockets.target" ||
	bad "boot: $(in_ns systemctl is-system-running 2>&1; tail -n 5 "$T/console.log")"

state() { in_ns systemctl "$1" "$2" 2>/dev/null; }
[ "$(state is-enabled echod.socket)" = enabled ] && ok "echod.socket enabled" ||
	bad "echod.socket: $(state is-enabled echod.socket)"
[ "$(state is-enabled echod-inetd.socket)" = disabled ] && ok "echod-inetd.socket disabled" ||
	bad "echod-inetd.socket: $(state is-enabled echod-inetd.socket)"
[ "$(state is-active echod.socket)" = active ] && ok "echod.socket active" ||
	bad "echod.socket: $(state is-active echod.socket)"

# One TCP echo over each address and one UDP datagram, inside the namespace.
echo_test() {	# what, tcp|udp, host
	if in_ns python3 /echod-boot/echo-client.py "$2" "$3"; then ok "$1"; else bad "$1"; fi
}
echo_test "echod.socket: TCP 127.0.0.1:7" tcp 127.0.0.1
echo_test "echod.socket: TCP [::1]:7" tcp ::1
echo_test "echod.socket: UDP 127.0.0.1:7" udp 127.0.0.1
[ "$(state is-active echod.service)" = active ] && ok "echod.service started by its socket" ||
	bad "echod.service: $(state is-active echod.service)"
echo "     $(in_ns systemd-analyze security echod.service 2>&1 | grep 'Overall')"

in_ns systemctl stop echod.socket echod.service
in_ns systemctl start echod-inetd.socket && ok "echod-inetd.socket started" ||
	bad "echod-inetd.socket: $(in_ns systemctl status echod-inetd.socket 2>&1 | tail -n 5)"
echo_test "echod-inetd.socket: TCP 127.0.0.1:7" tcp 127.0.0.1
echo_test "echod-inetd.socket: TCP [::1]:7" tcp ::1
n=$(in_ns systemctl show -p NAccepted --value echod-inetd.socket)
[ "$n" = 2 ] && ok "echod-inetd.socket accepted 2" || bad "NAccepted=$n"
in_ns journalctl --no-pager -q -u 'echod*' 2>/dev/null | tail -n 8 | sed 's/^/     /'
# The echo cases above mean something for IPAddressDeny=any only if this
# systemd can enforce it (a BPF program on the cgroup): a transient unit
# with it set must fail to reach the same socket, one without it succeed.
client() { in_ns systemd-run -q --wait -p DynamicUser=yes "$@" \
	/usr/bin/python3 /echod-boot/echo-client.py tcp 127.0.0.1 > /dev/null 2>&1; }
if ! client; then
	bad "a transient unit cannot connect even without IPAddressDeny="
elif client -p IPAddressDeny=any; then
	bad "IPAddressDeny=any not enforced here (no BPF firewall): proves nothing"
else
	ok "IPAddressDeny=any enforced here (a transient unit cannot connect)"
fi
finish
