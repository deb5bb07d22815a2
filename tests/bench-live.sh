#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/bench-live.sh - live forwarding of 64-byte frames through vnswitchd,
# Open vSwitch's userspace datapath and the Linux bridge, one after the other
# on the same topology, measured the same way (make bench-live; issue 8,
# item 3).  Never part of make check.
#
# Topology (rebuilt for every switch; namespaces PREFIX-sw, -tx, -rx, -dc):
#
#   PREFIX-tx  eth0 52:54:00:00:00:01 <-> h1  \
#   PREFIX-rx  eth0 02:00:00:00:00:02 <-> up0  > PREFIX-sw: the switch
#   PREFIX-dc  eth0 02:00:00:00:00:03 <-> up1 /  (the decoy: gets nothing
#                                                 unless frames are flooded)
#
# The frame (the same bytes for all three switches): 60 bytes + FCS = 64 on
# the wire, 52:54:00:00:00:01 -> 02:00:00:00:00:02, C-tag VLAN 10, IPv4/UDP.
#   vnswitchd: h1 is a VEPA host port with vEth 100 bound to the sender's MAC
#     in VLAN 10; up0 and up1 are uplinks trunking VLAN 10.  The frame is
#     the vEth's (the C-tag is its own VLAN: accepted, removed), switched in
#     VLAN 10 and leaves up0 C-tagged 10: the same bytes it came in with.
#   Open vSwitch: a bridge with datapath_type=netdev and the NORMAL action
#     (MAC learning per VLAN; the ports are trunks), h1, up0, up1 as system
#     ports, private run/db/log/etc directories under the work directory.
#   Linux bridge: br0 without VLAN filtering, h1, up0, up1 enslaved.
# Before the run the receiver sends three VLAN-10 broadcasts from its MAC, so
# every switch has learned it on up0 and the run is known unicast; the FDB is
# checked, and the decoy's counter must not move during the measurement.
#
# Generator: tests/bench/txgen (PACKET_MMAP transmit ring, qdisc bypassed,
# -L: the frame copied whole into the socket buffer, ~1.45x the frames per
# second of the default page-fragment path into a veth), or with
# BENCH_LIVE_GEN=trafgen Debian's trafgen (one worker, same frame; it quits
# on EAGAIN, so it cannot drive bridge-rps: see tests/bench/txgen.c).
#
# CPUs: the generator is pinned to BENCH_LIVE_GEN_CPU (0), vnswitchd and
# ovs-vswitchd (all its threads) to BENCH_LIVE_SW_CPU (1).  The Linux bridge
# has no process: it forwards in the softirq that the sender's transmission
# raises, on the generator's CPU ("bridge", the kernel's default); with RPS
# on h1 ("bridge-rps") that work is queued to the switch CPU instead, so it
# gets a core of its own as the daemons do.
#
# Scheduling: the generator, a busy loop, runs at nice -20 in a session of
# its own (a 99% share of its CPU against anything else at nice 0; see
# boost_autogroup).  The daemons sleep and wake up:
# BENCH_LIVE_SCHED "fifo" (default) runs them SCHED_FIFO 1, so that a daemon
# is woken the moment frames arrive, as on a core of its own, whatever else
# runs on a shared machine (the kernel's RT throttling leaves others 5%).
# "nice" runs them at nice -20 instead: then a busy machine delays wake-ups
# by up to a time slice, the receive rings overflow and the daemons lose
# frames the bridge does not (its softirq work is not scheduled).  "none"
# changes nothing.  The load average before and after is printed.
#
# Measured over BENCH_LIVE_SECONDS (10) after BENCH_LIVE_WARMUP (2) seconds
# of traffic, from counters only (no capture):
#   offered    frames the sender's veth accepted (tx_packets + tx_dropped)
#   delivered  the receiver's rx_packets (frames the switch got through)
#   proc CPU   utime + stime of the switch process (/proc/PID/stat, all
#              threads; includes softirq work that ran in its context)
#   core CPU   non-idle time of the switch CPU from /proc/stat (for the
#              bridge: the only way to see its cost)
#   gen CPU    utime + stime of the generator's processes, per offered
#              frame: what it costs the sender's core to hand each switch a
#              frame, the sender's veth and the softirq work that runs in
#              its context included (for the default bridge: the whole
#              forwarding; other processes on that CPU are not counted)
#   softirq    softirq time of all CPUs from /proc/stat
# CPU figures are per delivered frame.  This kernel may lack
# CONFIG_IRQ_TIME_ACCOUNTING: then softirq time is sampled at the tick.
#
# Rounds: BENCH_LIVE_ROUNDS (2) passes over the switches, interleaved; each
# switch's figures come from its round with the highest delivered rate (the
# least disturbed by anything else on the machine); every round is printed.
#
# Other settings: BENCH_LIVE_SWITCHES ("vnswitchd ovs bridge bridge-rps"),
# VNSWITCHD (another vnswitchd binary, to compare builds),
# BENCH_LIVE_GEN (txgen, the default, or trafgen; see tests/bench/txgen.c),
# BENCH_LIVE_PREFIX (namespace prefix, default vnswb<PID>), VNSW_KEEP=1 keeps
# the work directory (logs, configurations, counters).
# BENCH_LIVE_PROFILE=1 adds a vnswitchd run under perf stat, strace -c and
# perf record (where installed), written to the work directory.
#
# Exit: 0 when every switch ran (a missed target is reported, not an error),
# 77 without root or a required tool, 1 when a switch could not be set up or
# did not forward the frames as known unicast, 2 for a bad setting.
# Everything started is stopped by PID (ovs-* by their pid files, checked
# against /proc/PID/comm) and every namespace deleted by exact name in the
# exit trap.

skip() {
	echo "SKIP: bench-live: $*"
	exit 77
}
bad() {
	echo "bench-live: $*" >&2
	exit 2
}
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, AF_PACKET)"
GEN=${BENCH_LIVE_GEN:-txgen}
case $GEN in
txgen) gen_tool= ;;
trafgen) gen_tool=trafgen ;;
*) bad "BENCH_LIVE_GEN=$GEN: want txgen or trafgen" ;;
esac
for t in ip bridge taskset timeout ethtool getconf chrt nice setsid $gen_tool; do
	command -v "$t" >/dev/null 2>&1 || skip "no $t (scripts/setup.sh installs it)"
done
PREFIX=${BENCH_LIVE_PREFIX:-vnswb$$}
ip netns add "$PREFIX-probe" 2>/dev/null || skip "ip netns does not work here"
ip netns del "$PREFIX-probe"

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir/build}
top_builddir=$(cd "$top_builddir" && pwd)
SECONDS_RUN=${BENCH_LIVE_SECONDS:-10}
WARMUP=${BENCH_LIVE_WARMUP:-2}
ROUNDS=${BENCH_LIVE_ROUNDS:-2}
GEN_CPU=${BENCH_LIVE_GEN_CPU:-0}
SW_CPU=${BENCH_LIVE_SW_CPU:-1}
case ${BENCH_LIVE_SCHED:-fifo} in
fifo) SCHED="chrt -f 1" SNAP_SCHED="chrt -f 2" ;;
nice) SCHED="nice -n -20" SNAP_SCHED="nice -n -20" ;;
none) SCHED="" SNAP_SCHED="" ;;
*) bad "BENCH_LIVE_SCHED=$BENCH_LIVE_SCHED: want fifo, nice or none" ;;
esac
SWITCHES=${BENCH_LIVE_SWITCHES:-vnswitchd ovs bridge bridge-rps}
NCPU=$(getconf _NPROCESSORS_ONLN)
HZ=$(getconf CLK_TCK)
if [ "$NCPU" -le "$SW_CPU" ] || [ "$NCPU" -le "$GEN_CPU" ]; then
	skip "needs CPUs $GEN_CPU and $SW_CPU ($NCPU online)"
fi
for f in switchd/vnswitchd switchd/vnctl tests/bench/txgen; do
	[ -x "$top_builddir/$f" ] || {
		echo "FAIL: bench-live: $top_builddir/$f not built (make bench-live builds it)" >&2
		exit 1
	}
done

TX_MAC=52:54:00:00:00:01
RX_MAC=02:00:00:00:00:02
DC_MAC=02:00:00:00:00:03
NSS="sw tx rx dc"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vnsw-bench-live.XXXXXX")
failed=0
GEN_PID=""   # timeout(1) around the generator: it signals its process group
VNSW_PID=""  # vnswitchd
OVS_DIR=""   # the running OVS instance's private directories
PROF_PID=""  # perf / strace during the profile run

log() {
	echo "bench-live: $*" >&2
}

# ---- cleanup -------------------------------------------------------------------

pid_is() { # PID COMM: PID is alive and its comm is COMM (guards against reuse)
	[ -n "$1" ] && [ -r "/proc/$1/comm" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]
}

stop_pid() { # PID: TERM, up to 5 s, then KILL
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null || return 0
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$1" 2>/dev/null || true
}

stop_gen() {
	[ -n "$GEN_PID" ] || return 0
	kill -INT "$GEN_PID" 2>/dev/null
	wait "$GEN_PID" 2>/dev/null
	GEN_PID=""
}

stop_vnsw() {
	[ -n "$VNSW_PID" ] || return 0
	stop_pid "$VNSW_PID"
	wait "$VNSW_PID" 2>/dev/null
	VNSW_PID=""
}

stop_ovs() {
	[ -n "$OVS_DIR" ] || return 0
	for d in ovs-vswitchd ovsdb-server; do
		f=$OVS_DIR/run/$d.pid
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		# comm is cut at 15 characters: "ovs-vswitchd", "ovsdb-server" fit.
		if pid_is "$pid" "$d"; then
			stop_pid "$pid"
		fi
	done
	OVS_DIR=""
}

del_ns() {
	for n in $NSS; do
		ip netns del "$PREFIX-$n" 2>/dev/null
	done
}

cleanup() {
	[ -z "$PROF_PID" ] || stop_pid "$PROF_PID"
	stop_gen
	stop_vnsw
	stop_ovs
	del_ns
	if [ "$failed" = 0 ] && [ -z "${VNSW_KEEP:-}" ]; then
		rm -rf "$WORK"
	else
		echo "bench-live: work directory kept: $WORK" >&2
	fi
}
trap cleanup EXIT
trap 'failed=1; exit 1' INT TERM HUP

fail() {
	echo "FAIL: bench-live: $*" >&2
	failed=1
	exit 1
}

# ---- frames --------------------------------------------------------------------

# Private copies: another build in the same tree must not swap a binary
# under a running benchmark.
cp "${VNSWITCHD:-$top_builddir/switchd/vnswitchd}" "$WORK/vnswitchd" &&
	cp "$top_builddir/switchd/vnctl" "$top_builddir/tests/bench/txgen" "$WORK/" ||
	fail "cannot copy the binaries"
FRAME=0200000000025254000000018100000a08004500002a000040004011\
12c10a000a010a000a020400040000160000\
0000000000000000000000000000
LEARN=ffffffffffff0200000000028100000a88b5\
000000000000000000000000000000000000000000\
000000000000000000000000000000000000000000

# The same frames for trafgen (BENCH_LIVE_GEN=trafgen).
# 60 bytes: DA, SA, C-tag VLAN 10, IPv4 (checksum precomputed, so trafgen
# sends a static frame) 10.0.10.1 -> 10.0.10.2, UDP 1024 -> 1024, 14 bytes.
cat >"$WORK/frame.cfg" <<'EOF'
{
  0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
  0x52, 0x54, 0x00, 0x00, 0x00, 0x01,
  0x81, 0x00, 0x00, 0x0a,
  0x08, 0x00,
  0x45, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x12, 0xc1,
  10, 0, 10, 1, 10, 0, 10, 2,
  0x04, 0x00, 0x04, 0x00, 0x00, 0x16, 0x00, 0x00,
  fill(0x00, 14)
}
EOF
# The receiver announces its MAC in VLAN 10 (local experimental EtherType).
cat >"$WORK/learn.cfg" <<'EOF'
{
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
  0x81, 0x00, 0x00, 0x0a,
  0x88, 0xb5,
  fill(0x00, 42)
}
EOF

# ---- topology ------------------------------------------------------------------

ns_quiet() {
	ip netns exec "$1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null
	ip -n "$1" link set lo up
}

offloads_off() { # NS DEV: as scripts/lab.sh (the same for every switch)
	ip netns exec "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1 || true
}

topology_up() {
	for n in $NSS; do
		ip netns add "$PREFIX-$n" || fail "cannot create namespace $PREFIX-$n"
		ns_quiet "$PREFIX-$n"
	done
	for pair in tx:h1:$TX_MAC rx:up0:$RX_MAC dc:up1:$DC_MAC; do
		host=${pair%%:*}
		rest=${pair#*:}
		port=${rest%%:*}
		mac=${rest#*:}
		ip link add "$port" netns "$PREFIX-sw" type veth peer name eth0 netns "$PREFIX-$host" ||
			fail "cannot create veth $port"
		ip -n "$PREFIX-$host" link set eth0 address "$mac"
		offloads_off "$PREFIX-$host" eth0
		offloads_off "$PREFIX-sw" "$port"
		ip -n "$PREFIX-sw" link set "$port" up
		ip -n "$PREFIX-$host" link set eth0 up
	done
}

send_learn() {
	if [ "$GEN" = trafgen ]; then
		ip netns exec "$PREFIX-rx" trafgen -P 1 --no-sock-mem -Q -C -n 3 -t 10ms \
			-i "$WORK/learn.cfg" -o eth0 >"$WORK/learn.log" 2>&1
	else
		ip netns exec "$PREFIX-rx" "$WORK/txgen" -i eth0 -n 3 -g 10000 -f "$LEARN" \
			>"$WORK/learn.log" 2>&1
	fi || {
		cat "$WORK/learn.log" >&2
		fail "$GEN could not send the learning frames"
	}
	sleep 0.3
}

# With autogroup scheduling (kernel.sched_autogroup_enabled, the default on
# Debian) nice only orders the tasks of one session: against another
# session's busy processes a nice -20 task still gets only its session's
# share.  So the generator (and the daemons under BENCH_LIVE_SCHED=nice)
# get a session of their own (setsid; ovs-vswitchd makes its own when it
# detaches) and that session's autogroup gets nice -20.
boost_autogroup() { # PID: its session's autogroup to nice -20
	[ "${BENCH_LIVE_SCHED:-fifo}" != none ] || return 0
	# Only once PID leads its own session (setsid may not have run yet):
	# never this script's session.  Field 6 of /proc/PID/stat is the session.
	i=0
	while [ "$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f4)" != "$1" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || {
			log "warning: PID $1 has no session of its own; not boosted"
			return 0
		}
		sleep 0.02
	done
	echo -20 >"/proc/$1/autogroup" 2>/dev/null || log "warning: cannot renice the autogroup of PID $1"
}

# The generator in the sender's namespace, pinned, in the background.
# 'ip netns exec', setsid, timeout, nice and taskset exec: $! is timeout's PID; timeout makes its
# own process group and signals all of it (trafgen forks a worker), and it
# bounds the generator's life should this script die without its trap.
gen_start() { # LOGFILE
	if [ "$GEN" = trafgen ]; then
		ip netns exec "$PREFIX-tx" setsid timeout -s INT 300 nice -n -20 taskset -c "$GEN_CPU" \
			trafgen -P 1 --no-sock-mem -Q -C -i "$WORK/frame.cfg" -o eth0 >"$1" 2>&1 &
	else
		ip netns exec "$PREFIX-tx" setsid timeout -s INT 300 nice -n -20 taskset -c "$GEN_CPU" \
			"$WORK/txgen" -i eth0 -L -f "$FRAME" >"$1" 2>&1 &
	fi
	GEN_PID=$!
	boost_autogroup "$GEN_PID"
}

# ---- the switches ------------------------------------------------------------------

# Each start_X sets SW_PID ("" for the bridge) and checks the FDB afterwards
# in fdb_X.

start_vnswitchd() {
	cat >"$WORK/vnsw.conf" <<EOF
# Generated by tests/bench-live.sh: a VEPA host port with one vEth (the
# sender) and two uplinks trunking VLAN 10 (the receiver and the decoy).
switch = { name = "bench"; mac = "02:00:00:00:00:01"; fdb_aging = 300;
  lldp = { admin = "disabled"; }; };
ports = (
  { name = "h1";  role = "host"; mode = "vepa"; interface = "h1"; auto_create = false; },
  { name = "up0"; role = "uplink"; interface = "up0"; vlans = [10]; },
  { name = "up1"; role = "uplink"; interface = "up1"; vlans = [10]; }
);
profiles = ( { name = "p10"; vlan = 10; } );
veths = ( { id = 100; port = "h1"; mac = "$TX_MAC"; vlan = 10; profile = "p10"; } );
EOF
	"$WORK/vnswitchd" -c "$WORK/vnsw.conf" --check >/dev/null || fail "vnswitchd --check"
	# 'ip netns exec', setsid, chrt / nice and taskset exec: $! is vnswitchd's
	# PID (setsid does not fork: a background job leads no process group).
	ip netns exec "$PREFIX-sw" setsid $SCHED taskset -c "$SW_CPU" "$WORK/vnswitchd" -c "$WORK/vnsw.conf" \
		--ctl "$WORK/vnsw.ctl" </dev/null >"$WORK/vnswitchd.$ROUND.log" 2>&1 &
	VNSW_PID=$!
	SW_PID=$VNSW_PID
	boost_autogroup "$SW_PID"
	i=0
	until grep -q 'vnswitchd: running live' "$WORK/vnswitchd.$ROUND.log" 2>/dev/null; do
		kill -0 "$VNSW_PID" 2>/dev/null || {
			cat "$WORK/vnswitchd.$ROUND.log" >&2
			fail "vnswitchd did not start"
		}
		i=$((i + 1))
		[ $i -lt 100 ] || fail "vnswitchd did not report running within 10 s"
		sleep 0.1
	done
}

fdb_vnswitchd() {
	"$WORK/vnctl" --ctl "$WORK/vnsw.ctl" show fdb >"$WORK/fdb.vnswitchd" 2>&1
	# Plain output: one block per entry, "MAC: ..." then "Port: ...".
	awk -v m="$RX_MAC" '$1 == "MAC:" { mac = tolower($2) }
		$1 == "Port:" && mac == m && $2 == "up0" { ok = 1 }
		END { exit !ok }' "$WORK/fdb.vnswitchd"
}

stop_vnswitchd() {
	"$WORK/vnctl" --ctl "$WORK/vnsw.ctl" show counters >"$WORK/counters.vnswitchd.$ROUND" 2>&1
	stop_vnsw
	# The back-end's totals at close: ring drops and transmit errors.
	NOTE=$(grep -E 'in total|stopped:' "$WORK/vnswitchd.$ROUND.log" |
		sed 's/^vnswitchd: //' | tr '\n' ';' | sed 's/;$//')
}

start_ovs() {
	command -v ovs-vswitchd >/dev/null 2>&1 && command -v ovsdb-server >/dev/null 2>&1 &&
		command -v ovs-vsctl >/dev/null 2>&1 && command -v ovsdb-tool >/dev/null 2>&1 ||
		return 2
	schema=/usr/share/openvswitch/vswitch.ovsschema
	[ -r "$schema" ] || return 2
	OVS_DIR=$WORK/ovs.$ROUND
	mkdir -p "$OVS_DIR/run" "$OVS_DIR/db" "$OVS_DIR/log" "$OVS_DIR/etc"
	ovsenv="OVS_RUNDIR=$OVS_DIR/run OVS_DBDIR=$OVS_DIR/db OVS_LOGDIR=$OVS_DIR/log OVS_SYSCONFDIR=$OVS_DIR/etc"
	DB=unix:$OVS_DIR/run/db.sock
	env $ovsenv ovsdb-tool create "$OVS_DIR/db/conf.db" "$schema" || fail "ovsdb-tool create"
	env $ovsenv ovsdb-server "$OVS_DIR/db/conf.db" --remote="punix:$OVS_DIR/run/db.sock" \
		--pidfile="$OVS_DIR/run/ovsdb-server.pid" --log-file="$OVS_DIR/log/ovsdb-server.log" \
		--detach --no-chdir >>"$OVS_DIR/log/start.log" 2>&1 || fail "ovsdb-server did not start"
	env $ovsenv ovs-vsctl --db="$DB" --no-wait init || fail "ovs-vsctl init"
	# In the switch namespace, pinned (threads inherit the affinity and the
	# niceness).
	ip netns exec "$PREFIX-sw" env $ovsenv $SCHED taskset -c "$SW_CPU" ovs-vswitchd "$DB" \
		--pidfile="$OVS_DIR/run/ovs-vswitchd.pid" --log-file="$OVS_DIR/log/ovs-vswitchd.log" \
		--detach --no-chdir >>"$OVS_DIR/log/start.log" 2>&1 || fail "ovs-vswitchd did not start"
	env $ovsenv ovs-vsctl --db="$DB" --timeout=30 add-br br0 -- set bridge br0 datapath_type=netdev \
		-- add-port br0 h1 -- add-port br0 up0 -- add-port br0 up1 ||
		fail "ovs-vsctl add-br"
	SW_PID=$(cat "$OVS_DIR/run/ovs-vswitchd.pid")
	boost_autogroup "$SW_PID"
	# Let the ports come up in the datapath.
	sleep 0.5
	return 0
}

ovs_appctl() {
	env OVS_RUNDIR="$OVS_DIR/run" ovs-appctl --target="$OVS_DIR/run/ovs-vswitchd.$SW_PID.ctl" "$@"
}

fdb_ovs() {
	ovs_appctl fdb/show br0 >"$WORK/fdb.ovs" 2>&1
	# " port  VLAN  MAC  Age": the port as its OpenFlow number.
	ofport=$(env OVS_RUNDIR="$OVS_DIR/run" ovs-vsctl --db="$DB" get Interface up0 ofport)
	awk -v m="$RX_MAC" -v p="$ofport" 'tolower($3) == m && ($1 == p || $1 == "up0") { ok = 1 }
		END { exit !ok }' "$WORK/fdb.ovs"
}

stop_ovs_phase() {
	ovs_appctl dpif-netdev/pmd-stats-show >"$WORK/ovs-pmd-stats.$ROUND" 2>&1
	ovs_appctl dpctl/show -s >"$WORK/ovs-dpctl.$ROUND" 2>&1
	NOTE=$(awk '/packets received|emc hits|megaflow hits|miss with failed|avg processing cycles per packet/ {
		sub(/^[ \t]+/, ""); printf "%s%s", sep, $0; sep = "; " }' "$WORK/ovs-pmd-stats.$ROUND")
	stop_ovs
}

start_bridge() { # rps: steer the bridge's work to the switch CPU
	ip -n "$PREFIX-sw" link add br0 type bridge || fail "cannot create the bridge"
	ip -n "$PREFIX-sw" link set br0 up
	for p in h1 up0 up1; do
		ip -n "$PREFIX-sw" link set "$p" master br0 || fail "cannot enslave $p"
	done
	# Without RPS the bridge forwards in the softirq that the sender's
	# transmission raises, on the generator's CPU (the kernel's default).
	# With RPS on h1 that work is queued to the switch CPU's backlog
	# instead: the bridge gets a core of its own, as the daemons do.
	if [ "${1:-}" = rps ]; then
		mask=$(printf '%x' $((1 << SW_CPU)))
		ip netns exec "$PREFIX-sw" sh -c "echo $mask >/sys/class/net/h1/queues/rx-0/rps_cpus" ||
			fail "cannot set RPS on h1"
	fi
	SW_PID=""
}

fdb_bridge_rps() {
	fdb_bridge
}

fdb_bridge() {
	bridge -n "$PREFIX-sw" fdb show br br0 >"$WORK/fdb.bridge" 2>&1
	grep -i "^$RX_MAC dev up0" "$WORK/fdb.bridge" | grep -qv permanent
	cp "$WORK/fdb.bridge" "$WORK/fdb.bridge-rps"
}

stop_bridge() {
	NOTE=""
}

# ---- measurement ---------------------------------------------------------------

# One snapshot as key=value lines, read by one shell that runs above the
# daemons (SCHED_FIFO 2, or nice -20) so that a loaded machine cannot
# stretch it: every 'ip netns exec' still takes a few milliseconds, so the
# offered and the delivered rate each have their own timestamp, and the CPU
# times are read right after the delivered count.
snapshot() {
	$SNAP_SCHED sh -c '
		p=$1 pid=$2 cpu=$3 gpid=$4
		st=/sys/class/net/eth0/statistics
		echo "t=$(date +%s%N)"
		ip netns exec "$p-tx" cat $st/tx_packets $st/tx_dropped | {
			read -r a && read -r b && echo "tx_pk=$a" && echo "tx_dr=$b"
		}
		echo "t_rx=$(date +%s%N)"
		echo "rx_pk=$(ip netns exec "$p-rx" cat $st/rx_packets)"
		if [ -n "$pid" ] && [ -r "/proc/$pid/stat" ]; then
			# After "(comm) ": 12 utime, 13 stime (clock ticks, all threads).
			sed "s/^.*) //" "/proc/$pid/stat" | awk "{ print \"proc=\" \$12 + \$13 }"
		else
			echo "proc=-1"
		fi
		# The generator: timeout(1) and its descendants (trafgen forks).
		all= new=$gpid
		for _ in 1 2 3; do
			all="$all $new"
			kids=
			for q in $new; do
				kids="$kids $(cat /proc/$q/task/*/children 2>/dev/null)"
			done
			new=$kids
		done
		for q in $all; do
			sed "s/^.*) //" "/proc/$q/stat" 2>/dev/null
		done | awk "{ t += \$12 + \$13 } END { print \"gen=\" t + 0 }"
		# cpuN user nice system idle iowait irq softirq steal
		awk -v c="cpu$cpu" "
			\$1 == c { print \"core=\" \$2 + \$3 + \$4 + \$7 + \$8 }
			\$1 ~ /^cpu[0-9]+\$/ { si += \$8 }
			END { print \"softirq=\" si }" /proc/stat
		echo "dc_pk=$(ip netns exec "$p-dc" cat $st/rx_packets)"
	' sh "$PREFIX" "$SW_PID" "$SW_CPU" "$GEN_PID"
}

# ROUND SWITCH: bring the topology and the switch up, offer traffic, measure,
# take everything down; appends one line to $WORK/results.
run_one() {
	sw=$1
	log "round $ROUND: $sw"
	topology_up
	SW_PID=""
	NOTE=""
	case $sw in
	vnswitchd) start_vnswitchd ;;
	bridge-rps)
		if [ "$GEN" = trafgen ]; then
			# trafgen quits on EAGAIN, which back-pressure from another
			# CPU's backlog gives it (see tests/bench/txgen.c).
			log "bridge-rps needs txgen (trafgen quits on EAGAIN): skipped"
			echo "$ROUND bridge-rps n/a" >>"$WORK/results"
			del_ns
			return 0
		fi
		start_bridge rps
		;;
	ovs)
		start_ovs
		rc=$?
		if [ $rc = 2 ]; then
			log "Open vSwitch is not installed (scripts/setup.sh installs it): skipped"
			echo "$ROUND ovs n/a" >>"$WORK/results"
			del_ns
			return 0
		fi
		;;
	bridge) start_bridge ;;
	esac
	send_learn
	"fdb_$(echo "$sw" | tr - _)" || {
		cat "$WORK/fdb.$sw" >&2
		fail "$sw: the receiver's MAC $RX_MAC was not learned on up0 (FDB above)"
	}

	gen_start "$WORK/gen.$sw.$ROUND.log"
	sleep "$WARMUP"
	kill -0 "$GEN_PID" 2>/dev/null || {
		cat "$WORK/gen.$sw.$ROUND.log" >&2
		fail "$GEN stopped early"
	}
	snapshot >"$WORK/snap.$sw.$ROUND.a"
	sleep "$SECONDS_RUN"
	snapshot >"$WORK/snap.$sw.$ROUND.b"
	stop_gen
	if [ -n "$SW_PID" ] && ! kill -0 "$SW_PID" 2>/dev/null; then
		fail "$sw (PID $SW_PID) died during the run"
	fi
	sleep 0.2
	case $sw in
	vnswitchd) stop_vnswitchd ;;
	ovs) stop_ovs_phase ;;
	bridge | bridge-rps) stop_bridge ;;
	esac
	del_ns

	# One result line: round switch seconds offered_pps delivered_pps
	# decoy_frames proc_ns_per_frame proc_%_of_core core_ns_per_frame
	# softirq_ns_per_frame gen_core_ns_per_offered_frame
	awk -v r="$ROUND" -v sw="$sw" -v hz="$HZ" -v note="$NOTE" '
		FNR == 1 { f++ }
		{ split($0, kv, "="); v[f, kv[1]] = kv[2] }
		END {
			dt = (v[2, "t"] - v[1, "t"]) / 1e9
			dtr = (v[2, "t_rx"] - v[1, "t_rx"]) / 1e9
			off = (v[2, "tx_pk"] + v[2, "tx_dr"] - v[1, "tx_pk"] - v[1, "tx_dr"]) / dt
			del = v[2, "rx_pk"] - v[1, "rx_pk"]
			dc = v[2, "dc_pk"] - v[1, "dc_pk"]
			tick = 1e9 / hz
			if (del <= 0) del = 1e-9
			proc = v[1, "proc"] < 0 ? -1 : (v[2, "proc"] - v[1, "proc"]) * tick / del
			procpct = v[1, "proc"] < 0 ? -1 : (v[2, "proc"] - v[1, "proc"]) * tick / 1e9 / dt * 100
			core = (v[2, "core"] - v[1, "core"]) * tick / del
			si = (v[2, "softirq"] - v[1, "softirq"]) * tick / del
			noff = off * dt
			gen = noff > 0 ? (v[2, "gen"] - v[1, "gen"]) * tick / noff : 0
			printf "%s %s %.3f %.0f %.0f %d %.1f %.0f %.1f %.1f %.1f\t%s\n", r, sw, dt, off,
				del / dtr, dc, proc, procpct, core, si, gen, note
		}' "$WORK/snap.$sw.$ROUND.a" "$WORK/snap.$sw.$ROUND.b" >>"$WORK/results"
	# shellcheck disable=SC2046
	set -- $(tail -n 1 "$WORK/results" | cut -f1)
	log "  offered $4 pps, delivered $5 pps, decoy $6 frames"
	[ "$6" -le $(($5 / 100 + 100)) ] ||
		fail "$sw: $6 frames reached the decoy port: not forwarded as known unicast"
}

# ---- profile (optional) --------------------------------------------------------------

profile_vnswitchd() {
	ROUND=profile
	log "profile: vnswitchd under perf stat / strace -c / perf record"
	topology_up
	start_vnswitchd
	send_learn
	fdb_vnswitchd || fail "profile: FDB"
	gen_start "$WORK/gen.profile.log"
	sleep "$WARMUP"
	if command -v perf >/dev/null 2>&1; then
		perf stat -p "$VNSW_PID" -o "$WORK/perf-stat.txt" -- sleep 5 >/dev/null 2>&1
		if perf record -g -p "$VNSW_PID" -o "$WORK/perf.data" -- sleep 5 >/dev/null 2>&1; then
			# Flat by object and by symbol, then the call chains.
			{
				perf report -i "$WORK/perf.data" --no-children --stdio -g none \
					--sort dso
				perf report -i "$WORK/perf.data" --no-children --stdio -g none \
					--sort sym --percent-limit 0.5
				perf report -i "$WORK/perf.data" --no-children --stdio -G \
					--percent-limit 2
			} >"$WORK/perf-report.txt" 2>/dev/null
		fi
	fi
	if command -v strace >/dev/null 2>&1; then
		strace -c -f -p "$VNSW_PID" -o "$WORK/strace-c.txt" &
		PROF_PID=$!
		sleep 1
		snapshot >"$WORK/snap.strace.a"
		sleep 4
		snapshot >"$WORK/snap.strace.b"
		kill -INT "$PROF_PID" 2>/dev/null
		wait "$PROF_PID" 2>/dev/null
		PROF_PID=""
		# Frames per system call: strace slows the daemon, but not the batching.
		awk -F= 'FNR == 1 { f++ } $1 == "rx_pk" { v[f] = $2 }
			END { printf "frames delivered in the 4 s of the window: %d\n", v[2] - v[1] }' \
			"$WORK/snap.strace.a" "$WORK/snap.strace.b" >>"$WORK/strace-c.txt"
	fi
	stop_gen
	stop_vnswitchd
	del_ns
	log "profile written to $WORK (perf-stat.txt, perf-report.txt, strace-c.txt)"
	VNSW_KEEP=1
}

# ---- main ----------------------------------------------------------------------

: >"$WORK/results"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
date_run=$(date -u '+%Y-%m-%d %H:%M UTC')
ROUND=1
while [ "$ROUND" -le "$ROUNDS" ]; do
	for sw in $SWITCHES; do
		run_one "$sw"
	done
	ROUND=$((ROUND + 1))
done
[ -z "${BENCH_LIVE_PROFILE:-}" ] || profile_vnswitchd
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report --------------------------------------------------------------------

cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
echo
echo "Live forwarding: 64-byte frames (60 B + FCS, C-tag VLAN 10), known unicast, one sender"
echo "  $date_run; $(uname -r); $NCPU x $cpu_model; $GEN on CPU $GEN_CPU, switch on CPU $SW_CPU"
echo "  ${SECONDS_RUN} s per run after ${WARMUP} s warm-up, $ROUNDS round(s), best round shown, ${BENCH_LIVE_SCHED:-fifo};" \
	"load average $load_before before, $load_after after"
echo
# Per switch, the round with the most delivered frames per second.
awk -F'\t' '
	function name(x) {
		if (x == "ovs")
			return "OVS netdev"
		if (x == "bridge")
			return "Linux bridge"
		if (x == "bridge-rps")
			return "bridge+RPS"
		return x
	}
	{ split($1, a, " ") }
	a[3] == "n/a" { na[a[2]] = 1; next }
	{
		all[++n] = $1
		if (!(a[2] in best) || a[5] + 0 > bestdel[a[2]]) {
			best[a[2]] = $1; bestdel[a[2]] = a[5] + 0; note[a[2]] = $2
		}
	}
	END {
		k = split("vnswitchd ovs bridge bridge-rps", order, " ")
		printf "%-13s %12s %14s %6s %9s %12s %10s %10s\n", "switch", "offered pps",
			"delivered pps", "loss", "CPU/core", "CPU ns/frame", "sirq ns/f", "gen ns/f"
		for (i = 1; i <= k; i++) {
			x = order[i]
			if (x in na) {
				printf "%-13s %12s\n", name(x), "n/a"
				continue
			}
			if (!(x in best))
				continue
			split(best[x], b, " ")
			loss = b[4] > 0 ? (1 - b[5] / b[4]) * 100 : 0
			if (loss < 0)
				loss = 0
			if (b[7] < 0) {
				# No process: the bridge works in softirq.
				cpu = "softirq"
				ns = sprintf("%.0f *", b[10])
			} else {
				cpu = sprintf("%.0f%%", b[8])
				ns = sprintf("%.0f", b[7])
			}
			printf "%-13s %12d %14d %5.1f%% %9s %12s %10.0f %10.0f\n", name(x), b[4], b[5],
				loss, cpu, ns, b[10], b[11]
		}
		printf "\n"
		v = bestdel["vnswitchd"]
		if (v > 0 && bestdel["ovs"] > 0) {
			r = v / bestdel["ovs"]
			printf "vnswitchd / OVS netdev   = %.2f x  (target >= 3: %s)\n", r,
				(r >= 3 ? "met" : "MISSED")
		}
		lb = 0
		for (i = 3; i <= 4; i++) {
			x = order[i]
			if (v > 0 && bestdel[x] > 0) {
				printf "vnswitchd / %-12s = %.2f x\n", name(x), v / bestdel[x]
				if (bestdel[x] > lb)
					lb = bestdel[x]
			}
		}
		if (v > 0 && lb > 0)
			printf "vnswitchd / the faster Linux bridge = %.2f x  (target >= 1: %s)\n",
				v / lb, (v >= lb ? "met" : "MISSED")
		printf "\nrounds: round switch seconds offered-pps delivered-pps decoy-frames proc-ns/f\n"
		printf "        proc-%%-of-core switch-core-ns/f softirq-ns/f gen-core-ns/offered-f\n"
		for (i = 1; i <= n; i++)
			printf "  %s\n", all[i]
		for (i = 1; i <= k; i++)
			if ((order[i] in note) && note[order[i]] != "")
				printf "%s (best round): %s\n", name(order[i]), note[order[i]]
		printf "\nbench-live:"
		for (i = 1; i <= k; i++)
			if (order[i] in best)
				printf " %s_pps=%d", order[i], bestdel[order[i]]
		if (v > 0 && bestdel["ovs"] > 0)
			printf " ratio_ovs=%.2f", v / bestdel["ovs"]
		if (v > 0 && lb > 0)
			printf " ratio_bridge=%.2f", v / lb
		printf "\n"
	}' "$WORK/results"
echo
echo "CPU/core: the switch process's share of one core (utime+stime, all threads);"
echo "CPU ns/frame: that time per delivered frame; * the bridges have no process: their"
echo "softirq time on all CPUs instead. sirq: softirq time of all CPUs per delivered"
echo "frame (tick-sampled without CONFIG_IRQ_TIME_ACCOUNTING). Linux bridge: softirq on"
echo "the sender's CPU (kernel default); bridge+RPS: steered to CPU $SW_CPU. gen: the"
echo "generator's CPU time (its softirq work included) per offered frame: the sender's"
echo "cost to hand the switch a frame (for the Linux bridge, the forwarding too)."
exit 0
