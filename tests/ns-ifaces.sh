#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/ns-ifaces.sh - a live vnswitchd rides out interface faults (issue 9,
# "an interface going down, up, or away while vEths are active").
#
# Topology: scripts/lab.sh (namespaces vnswi<PID>-*, LLDP off).  The flow
# under test is known unicast from the uplink to station A behind vif 5
# (vEth 100, VLAN 10) of the VN-Tag port h1: tests/ns/send.py sends
# C-tagged frames from up0's namespace, and what reaches h1's namespace is
# read from its eth0's rx_packets.  The faults hit the switch's end of the
# h1 veth:
#   1. before any fault: every frame is delivered;
#   2. 'ip link set h1 down': none is delivered, each is counted as tx_full
#      on port h1 and on vEth 100 (the back-end refuses copies for a port
#      whose link is down; port_down is the administrative state);
#   3. 'ip link set h1 up': every frame is delivered again;
#   4. the host's end down (the switch's end loses carrier): tx_full again;
#      host's end up: delivered again;
#   5. 'ip link del h1' (the pair goes): tx_full; a new veth pair of the
#      same names (a new ifindex): the port reopens on it, every frame is
#      delivered, and frames from the vEth to the uplink go through too.
# After each change the test waits for the daemon's log line for it (the
# daemon hears of link changes through rtnetlink).  Throughout: the daemon
# stays alive, vEth 100 and its profile stay, the per-port and per-vEth
# counters (vnctl -f json) move exactly as the frames say, and an idle
# daemon does not spin (CPU time over one idle second).
#
# Skipped (77) without root, working 'ip netns' or python3.  Everything it
# starts is stopped by PID and every namespace deleted by name in the exit
# trap.  VNSW_KEEP=1 keeps the work directory.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/ns/lib.sh"
PREFIX=vnswi$$
ns_require
ns_binaries vnctl
ns_teardown() {
	lab down >/dev/null 2>&1
}
ns_diagnose() {
	[ ! -f "$LOG" ] || sed 's/^/  log: /' "$LOG"
}
ns_init ns-ifaces
LOG=$WORK/lab/vnswitchd.log
CTL=$WORK/lab/vnswitchd.ctl
MTU=1600 # as lab.sh

ns_lab_up
PID=$(cat "$WORK/lab/vnswitchd.pid")

A=02:00:00:00:05:05 U=02:00:00:00:0a:01
SEQ=0

# send N PORT TAGS DST SRC MARK: N frames from the namespace of the lab's
# PORT, 2 ms apart, marked MARK and a number.
send() {
	i=0
	while [ $i -lt "$1" ]; do
		SEQ=$((SEQ + 1))
		echo "$2 $3 $4 $5 $6$SEQ"
		i=$((i + 1))
	done | $PY "$NSDIR/send.py" --gap 0.002 --port "$2=$PREFIX-$2:eth0" || fail "send.py"
}

# N frames up0 -> A (C-tag 10).
send_down() {
	send "$1" up0 ctag:vid=10 $A $U D
}

# N frames A (vif 5) -> U (learned on up0 from the frames above).
send_up() {
	send "$1" h1 vntag:svif=5 $U $A U
}

rx_of() { # NS-SUFFIX: eth0's rx_packets there
	ip netns exec "$PREFIX-$1" cat /sys/class/net/eth0/statistics/rx_packets
}

# "rx tx tx_full port_down" of a port or a vEth, from vnctl -f json.
ctr() { # port NAME | veth ID
	"$VNCTL" --ctl "$CTL" -f json show counters "$1" "$2" >"$WORK/ctr.json" 2>&1 ||
		fail "vnctl show counters $1 $2: $(cat "$WORK/ctr.json")"
	$PY -c 'import json, sys
c = json.load(open(sys.argv[1]))
print(c["rx_frames"], c["tx_frames"], c["drops"]["tx_full"], c["drops"]["port_down"])' "$WORK/ctr.json"
}

# The link state vnctl show ports gives port h1.
link_is() { # WANT WHAT
	"$VNCTL" --ctl "$CTL" -f json show ports >"$WORK/ports.json" 2>&1 ||
		fail "vnctl show ports: $(cat "$WORK/ports.json")"
	got=$($PY -c 'import json, sys
print([p for p in json.load(open(sys.argv[1])) if p["name"] == "h1"][0].get("link"))' "$WORK/ports.json")
	[ "$got" = "$1" ] || fail "$2: show ports says link $got for h1, want $1"
}

alive() {
	kill -0 "$PID" 2>/dev/null || fail "vnswitchd (PID $PID) died ($1)"
}

# Wait (5 s at most) until the log has COUNT lines matching PATTERN.
wait_log() { # PATTERN COUNT WHAT
	i=0
	while [ "$(grep -c -- "$1" "$LOG")" -lt "$2" ]; do
		alive "$3"
		i=$((i + 1))
		[ $i -lt 50 ] || fail "$3: no '$1' in the log within 5 s"
		sleep 0.1
	done
}

# Send N frames up0 -> A (vEth 100) and check where they went: DELIVERED of
# them reach h1's namespace, the others are tx_full on port h1 and vEth
# 100, every one is counted as received on up0, none as port_down.
phase() { # WHAT N DELIVERED
	what=$1 n=$2 want=$3
	alive "$what"
	set -- $(ctr port h1)
	p_tx=$2 p_full=$3 p_down=$4
	set -- $(ctr veth 100)
	v_tx=$2 v_full=$3
	set -- $(ctr port up0)
	u_rx=$1
	r0=0
	if [ "$want" -gt 0 ]; then
		r0=$(rx_of h1)
	fi
	send_down "$n"
	sleep 0.3
	r1=$r0
	if [ "$want" -gt 0 ]; then
		r1=$(rx_of h1)
	elif ip netns exec "$PREFIX-h1" test -e /sys/class/net/eth0; then
		r1=$(rx_of h1)
		r0=$r1
	fi
	set -- $(ctr port h1)
	[ $(($2 - p_tx)) = "$want" ] || fail "$what: port h1 sent $(($2 - p_tx)) frames, want $want"
	[ $(($3 - p_full)) = $((n - want)) ] ||
		fail "$what: port h1 tx_full +$(($3 - p_full)), want +$((n - want))"
	[ "$4" = "$p_down" ] || fail "$what: port h1 port_down moved ($p_down -> $4)"
	set -- $(ctr veth 100)
	[ $(($2 - v_tx)) = "$want" ] || fail "$what: vEth 100 sent $(($2 - v_tx)), want $want"
	[ $(($3 - v_full)) = $((n - want)) ] ||
		fail "$what: vEth 100 tx_full +$(($3 - v_full)), want +$((n - want))"
	set -- $(ctr port up0)
	[ $(($1 - u_rx)) = "$n" ] || fail "$what: port up0 received $(($1 - u_rx)), want $n"
	[ $((r1 - r0)) = "$want" ] ||
		fail "$what: h1's namespace received $((r1 - r0)) frames, want $want"
	echo "ok: $what: $n sent, $want delivered, $((n - want)) tx_full"
}

# A's MAC is learned on vEth 100 (its one frame is flooded: U is unknown).
send_up 1
sleep 0.2

# 1. No fault.
phase "before any fault" 20 20
link_is up "before any fault"

# 2./3. Administratively down, then up.
ip -n "$PREFIX-sw" link set h1 down
wait_log "port h1: link down on h1 (administratively down)" 1 "h1 down"
link_is down "h1 down"
phase "h1 down" 20 0
ip -n "$PREFIX-sw" link set h1 up
wait_log "port h1: link up on h1" 1 "h1 up"
phase "h1 up again" 20 20

# 4. No carrier: the host's end goes down.
ip -n "$PREFIX-h1" link set eth0 down
wait_log "port h1: link down on h1 (no carrier)" 1 "carrier lost"
phase "h1 without carrier" 10 0
ip -n "$PREFIX-h1" link set eth0 up
wait_log "port h1: link up on h1" 2 "carrier back"
phase "h1 with carrier again" 10 10

# 5. Deleted (with its peer), then a new pair of the same names.
old=$(ip netns exec "$PREFIX-sw" cat /sys/class/net/h1/ifindex)
ip -n "$PREFIX-sw" link del h1
wait_log "port h1: interface h1 is gone" 1 "h1 deleted"
link_is absent "h1 deleted"
phase "h1 deleted" 20 0
ip link add h1 netns "$PREFIX-sw" mtu $MTU type veth peer name eth0 netns "$PREFIX-h1" mtu $MTU ||
	fail "cannot re-create the h1 veth pair"
for w in "$PREFIX-sw h1" "$PREFIX-h1 eth0"; do
	set -- $w
	if command -v ethtool >/dev/null 2>&1; then
		ip netns exec "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1
	fi
	ip -n "$1" link set "$2" up
done
new=$(ip netns exec "$PREFIX-sw" cat /sys/class/net/h1/ifindex)
[ "$new" != "$old" ] || fail "the new h1 has the old ifindex $old: the test proves nothing"
wait_log "port h1: interface h1 is back (ifindex $new)" 1 "h1 re-created"
wait_log "port h1: link up on h1" 3 "new h1 up"
phase "h1 re-created (ifindex $old -> $new)" 20 20
link_is up "h1 re-created"

# The other direction on the new interface: vEth 100 -> the uplink.
set -- $(ctr port h1)
h_rx=$1
set -- $(ctr veth 100)
v_rx=$1
r0=$(rx_of up0)
send_up 20
sleep 0.3
set -- $(ctr port h1)
[ $(($1 - h_rx)) = 20 ] || fail "new h1: port h1 received $(($1 - h_rx)) frames, want 20"
set -- $(ctr veth 100)
[ $(($1 - v_rx)) = 20 ] || fail "new h1: vEth 100 received $(($1 - v_rx)) frames, want 20"
[ $(($(rx_of up0) - r0)) = 20 ] || fail "new h1: up0's namespace received $(($(rx_of up0) - r0)), want 20"
echo "ok: vEth 100 -> uplink on the new h1: 20 sent, 20 delivered"

# The vEth and its profile are still there.
"$VNCTL" --ctl "$CTL" -f json show veths >"$WORK/veths.json" || fail "vnctl show veths"
$PY -c 'import json, sys
v = [x for x in json.load(open(sys.argv[1])) if x["id"] == 100]
sys.exit(not (len(v) == 1 and v[0]["port"] == "h1" and v[0]["profile"] == "web"))' "$WORK/veths.json" ||
	fail "vEth 100 (port h1, profile web) is not in show veths: $(cat "$WORK/veths.json")"

# Idle: the daemon must not spin (a socket error it never clears would
# wake it up forever).
t0=$(sed 's/^.*) //' "/proc/$PID/stat" | awk '{ print $12 + $13 }')
sleep 1
t1=$(sed 's/^.*) //' "/proc/$PID/stat" | awk '{ print $12 + $13 }')
hz=$(getconf CLK_TCK)
[ $((t1 - t0)) -le $((hz / 5)) ] ||
	fail "vnswitchd used $((t1 - t0)) of $hz ticks in an idle second: it spins"
echo "ok: idle: $((t1 - t0)) ticks of CPU in one second"

alive "the end"
ns_lab_down
ns_check_sanitizer "$LOG"
echo "PASS: forwarding resumed after down/up, carrier loss and re-creation of h1"
exit 0
