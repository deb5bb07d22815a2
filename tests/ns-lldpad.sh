#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/ns-lldpad.sh - the control plane against real peers (issue 5): a live
# vnswitchd in a network namespace, Debian's lldpad as an 802.1Qbg-2012
# station (EVB, ECP, VDP) and lldpd as an LLDP neighbour.
#
# Topology (namespaces PREFIX-* with PREFIX = vnlp<PID>):
#   PREFIX-sw   vnswitchd live; ports h2 (VEPA host, reflective relay, one
#               static vEth 52:54:00:00:00:10 in VLAN 100), up0 (uplink,
#               trunk of VLAN 100), l1 (VEPA host)
#   PREFIX-st   lldpad, the station:      evst0 <-> h2
#   PREFIX-up   a station beyond the uplink: eth0 <-> up0
#   PREFIX-ld   lldpd:                     eth0 <-> l1
#
# What is checked, each by polling with a bound (no fixed sleeps):
#   1. lldpd lists the switch (chassis MAC, port ID = the port name, system
#      name) and discarded nothing; the switch lists lldpd.
#   2. lldpad sees the bridge's EVB TLV (RRCAP, RRCTR, mode bridge); the
#      switch shows the station's TLV and the negotiated values.
#   3. VDP: ASSOCIATE with VID 0 gets the profile's VLAN back; the vEth
#      (origin vdp) forwards as the static vEth does, to the uplink and back
#      to the station (reflective relay); an unknown VSI type gets status 4
#      (Other Failures), a port at max_veths status 2 (Insufficient
#      resources); keep-alives keep the vEth past the supervision timeout; a
#      DE-ASSOCIATE from the station and `vnctl veth del` both remove it (the
#      latter also from lldpad's list); stopping lldpad reaps it by keep-alive
#      expiry, and then its MAC is an unknown source.
#
# Timers: lldpad's default RKA 20 means a keep-alive every 10.5 s and a
# supervision timeout of 15.8 s.  Both sides take the larger of the two
# RKAs, so both are set to 18 here (switch.evb.rka and lldptool
# `-V evb -c vdprka=18`): a keep-alive every 2.6 s and a timeout of
# 1.5 x (2^18 + 7 x 2^8) x 10 us = 3.96 s.
#
# lldpad recipe (../shared/docs/peers.md): a private /dev/shm per instance
# (its single-instance lock is a POSIX shm object), lldptool/vdptool inside
# the namespace (abstract socket), and a restart after the EVB settings
# because lldpad reads its role only at start.
#
# Skipped (77) without root, a working 'ip netns', lldpad, lldptool,
# vdptool, lldpd, lldpcli, tcpdump or tshark.  Everything it starts is
# stopped by PID and every namespace deleted by name in the exit trap.  Set
# VNSW_KEEP=1 to keep the work directory (it is kept on failure anyway).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/ns/lib.sh"
PREFIX=vnlp$$
ns_require unshare stdbuf lldpad lldptool vdptool lldpd lldpcli tcpdump tshark
ns_binaries vnctl
SW=$PREFIX-sw ST=$PREFIX-st UP=$PREFIX-up LD=$PREFIX-ld
SW_PID="" LLDPAD_PID="" LLDPD_PID="" CAP_PIDS=""
ns_teardown() {
	stop $CAP_PIDS $LLDPD_PID $LLDPAD_PID $SW_PID
}
ns_diagnose() {
	ns_log_tail "$WORK/lldpad.log" 25 "lldpad's last EVB/ECP/VDP lines (all of it: $WORK/lldpad.log):" \
		'evb22\|ecp22\|vdp22\|terminating'
	[ ! -s "$WORK/h2-control.pcap" ] ||
		echo "--- the control frames on h2 (switch side): $WORK/h2-control.pcap" \
			"(vnctl decode -f json FILE)"
	ns_log_tail "$WORK/vnswitchd.log" 25 "vnswitchd's log:"
}
ns_init ns-lldpad
# lldpd runs lldpcli on its configuration as its unprivileged user, through
# the control socket here: the directory must be reachable.
chmod 755 "$WORK"
CTL=$WORK/ctl.sock

lldpcli() { ip netns exec "$LD" lldpcli -u "$WORK/lldpd.sock" "$@"; }

# ---- topology ------------------------------------------------------------------

ns_add $SW $ST $UP $LD
ns_veth "$SW" h2 "$ST" evst0 02:00:00:00:5a:01
ns_veth "$SW" up0 "$UP" eth0 02:00:00:00:0a:01
ns_veth "$SW" l1 "$LD" eth0 02:00:00:00:0b:01
# Frames go to the switch as they are (no checksum or segmentation offload).
if command -v ethtool >/dev/null 2>&1; then
	ip netns exec "$ST" ethtool -K evst0 tx off tso off gso off >/dev/null 2>&1
	ip netns exec "$UP" ethtool -K eth0 tx off tso off gso off >/dev/null 2>&1
fi

# ---- the switch ------------------------------------------------------------------

SWMAC=02:00:00:00:00:01
VMAC=52:54:00:11:22:33   # the VSI's MAC
SMAC=52:54:00:00:00:10   # the static vEth's MAC
UMAC=02:00:00:00:0a:01   # the station beyond the uplink
cat >"$WORK/sw.conf" <<EOF
# tests/ns-lldpad.sh: LLDP on every port, EVB keep-alive exponent 18.
switch = { name = "tor1"; mac = "$SWMAC"; lldp = { admin = "rxtx"; };
  evb = { rka = 18; }; };
ports = (
  { name = "h2";  role = "host"; mode = "vepa"; interface = "h2"; reflective_relay = true; },
  { name = "up0"; role = "uplink"; interface = "up0"; vlans = [100]; },
  { name = "l1";  role = "host"; mode = "vepa"; interface = "l1"; }
);
profiles = ( { name = "lab"; type_id = 5; type_version = 4; vlan = 100; } );
veths = ( { id = 10; port = "h2"; mac = "$SMAC"; vlan = 100; profile = "lab"; } );
EOF
"$VNSWITCHD" -c "$WORK/sw.conf" --check >/dev/null || fail "vnswitchd --check"
ns_start_switch --state "$WORK/state.json"
step "vnswitchd running (PID $SW_PID)"

# Every LLDP and ECP frame on h2, for the diagnosis of a failure.
ns_tcpdump "$SW" "$WORK/h2-control.pcap" "$WORK/tcpdump-h2.log" --immediate-mode -i h2 \
	ether proto 0x88cc or ether proto 0x8940
ns_wait_tcpdump "$WORK/tcpdump-h2.log"

# ---- lldpd ------------------------------------------------------------------------

cat >"$WORK/lldpd.conf" <<'EOF'
configure lldp tx-interval 1
configure system hostname lldpd-peer
configure system description "lldpd interop peer"
EOF
# -d: foreground, no pidfile; -u/-O: its own socket and configuration.
ip netns exec "$LD" lldpd -d -I eth0 -u "$WORK/lldpd.sock" -O "$WORK/lldpd.conf" \
	>"$WORK/lldpd.log" 2>&1 &
LLDPD_PID=$!

# ---- lldpad ----------------------------------------------------------------------------

ns_start_lldpad
ns_evb_station evst0 vdprka=18
lldptool -t -i evst0 -g ncb -V evb -c >"$WORK/lldpad-evb.txt"
grep -q "^evbmode=station" "$WORK/lldpad-evb.txt" && grep -q "^vdprka=18" "$WORK/lldpad-evb.txt" ||
	fail "lldpad's EVB settings: $(cat "$WORK/lldpad-evb.txt")"
# The role is read once, at start.
ns_stop_lldpad
ns_start_lldpad
step "lldpad running as an EVB station (PID $LLDPAD_PID)"

# ---- 1. LLDP with lldpd ------------------------------------------------------------------

lldpd_sees_switch() {
	lldpcli -f json show neighbors details | $H lldpd-neighbors >"$WORK/lldpd-nb.txt" &&
		grep -qx "eth0 chassis=$SWMAC chassis_type=mac port=l1 port_type=ifname sysname=tor1 ttl=[0-9]*" \
			"$WORK/lldpd-nb.txt"
}
wait_for 15 "lldpd lists the switch" -f "$WORK/lldpd-nb.txt" lldpd_sees_switch
lldpcli -f json show statistics | $H lldpd-stats >"$WORK/lldpd-stats.txt"
grep -q "^eth0 .*rx=[1-9]" "$WORK/lldpd-stats.txt" && grep -q " rx_discarded_cnt=0\( \|$\)" "$WORK/lldpd-stats.txt" ||
	fail "lldpd's statistics: $(cat "$WORK/lldpd-stats.txt")"
switch_sees_lldpd() {
	vnctl -f json show lldp neighbors >"$WORK/vn-nb.json" &&
		[ "$($H get "port=l1.system_name" "port=l1.chassis_id" "port=l1.agent" <"$WORK/vn-nb.json" |
			tr '\n' ' ')" = "lldpd-peer 02:00:00:00:0b:01 nearest_bridge " ]
}
wait_for 10 "the switch lists lldpd" -f "$WORK/vn-nb.json" switch_sees_lldpd
vnctl -f json show lldp statistics >"$WORK/vn-lldp-stats.json"
[ "$($H get "port=l1.rx_discarded" <"$WORK/vn-lldp-stats.json")" = 0 ] ||
	fail "the switch discarded LLDPDUs from lldpd: $(cat "$WORK/vn-lldp-stats.json")"
step "LLDP: lldpd lists tor1 port l1 ($(cat "$WORK/lldpd-stats.txt")); the switch lists lldpd-peer"

# ---- 2. EVB with lldpad --------------------------------------------------------------------

station_sees_bridge() {
	lldptool -t -n -i evst0 -g ncb -V evb >"$WORK/lldpad-peer-evb.txt" &&
		grep -q "bridge:rrcap,rrctr" "$WORK/lldpad-peer-evb.txt" &&
		grep -q "mode:bridge" "$WORK/lldpad-peer-evb.txt" &&
		grep -q "rka:18" "$WORK/lldpad-peer-evb.txt"
}
wait_for 15 "lldpad shows the bridge's EVB TLV" -f "$WORK/lldpad-peer-evb.txt" \
	station_sees_bridge
bridge_sees_station() {
	vnctl -f json show evb >"$WORK/evb.json" &&
		[ "$($H get port=h2.station_present port=h2.station.mode port=h2.station.rrreq \
			port=h2.oper.reflective_relay port=h2.oper.rka \
			port=h2.oper.vdp_keepalive_timeout_us <"$WORK/evb.json" | tr '\n' ' ')" = \
			"true station true true 18 3959040 " ]
}
wait_for 15 "the switch shows the station's EVB TLV" -f "$WORK/evb.json" \
	bridge_sees_station
step "EVB: lldpad sees $(tr '\n\t' '  ' <"$WORK/lldpad-peer-evb.txt"); the switch: station, RRCTR, RKA 18"

# ---- 3. VDP ---------------------------------------------------------------------------------

UUID=a1b2c3d4-0000-1111-2222-333344445555
# vsi_req MODE TYPEID UUID FILTER: one request; -W waits for the response.
vsi_req() {
	vdptool -i evst0 -T -W -V "$1" -c mode="$1" -c mgrid2=vnswtest -c typeid="$2" \
		-c uuid="$3" -c typeidver=4 -c hints=none -c filter="$4"
}
# The VDP vEth of $VMAC, if there is one: "ID VLAN PORT PROFILE ORIGIN VSIID".
vdp_veth() {
	vnctl -f json show veths >"$WORK/veths.json" || return 1
	$H get "mac=$VMAC.id" "mac=$VMAC.vlan" "mac=$VMAC.port" "mac=$VMAC.profile" \
		"mac=$VMAC.origin" "mac=$VMAC.vdp.vsiid" <"$WORK/veths.json" 2>/dev/null | tr '\n' ' '
}
has_vdp_veth() { [ -n "$(vdp_veth)" ]; }
no_vdp_veth() { vdp_veth >/dev/null && ! grep -q "\"$VMAC\"" "$WORK/veths.json"; }
assoc() { # -> VETH (its id)
	vsi_req assoc 5 $UUID "0-$VMAC" >"$WORK/assoc.txt" 2>&1
	grep -q "filter = 100-$VMAC" "$WORK/assoc.txt" && ! grep -q "Error" "$WORK/assoc.txt" ||
		fail "ASSOCIATE with VID 0: vdptool said: $(cat "$WORK/assoc.txt")"
	wait_for 5 "a VDP vEth for $VMAC" has_vdp_veth
	set -- $(vdp_veth)
	[ "$2 $3 $4 $5 $6" = "100 h2 lab vdp $UUID" ] || fail "the VDP vEth: $*"
	VETH=$1
}

assoc
vdptool -i evst0 -t -V assoc >"$WORK/vsis.txt"
grep -q "filter = 100-$VMAC" "$WORK/vsis.txt" || fail "vdptool's VSI list: $(cat "$WORK/vsis.txt")"
step "VDP: ASSOCIATE VID 0 -> vdptool 'filter = 100-$VMAC', vEth $VETH (origin vdp, VLAN 100)"

# -- The VDP vEth forwards as the static one does: to the uplink (flood in
# VLAN 100), from the uplink, and between the two vEths of h2 by reflective
# relay.  Markers: V* from/to the VDP vEth, S* the static one.
ns_tcpdump "$UP" "$WORK/up.pcap" "$WORK/tcpdump-up.log" -Q in --immediate-mode -i eth0
TRAFFIC_PIDS=$NS_PID
ns_tcpdump "$ST" "$WORK/st.pcap" "$WORK/tcpdump-st.log" -Q in --immediate-mode -i evst0
TRAFFIC_PIDS="$TRAFFIC_PIDS $NS_PID"
ns_wait_tcpdump "$WORK/tcpdump-up.log" "$WORK/tcpdump-st.log"
BC=ff:ff:ff:ff:ff:ff
$PY "$NSDIR/send.py" --gap 0.05 --port "st=$ST:evst0" --port "up=$UP:eth0" <<EOF || fail "send.py"
st ctag:vid=100 $BC   $VMAC V1
st ctag:vid=100 $BC   $SMAC S1
up ctag:vid=100 $VMAC $UMAC V2
up ctag:vid=100 $SMAC $UMAC S2
st ctag:vid=100 $SMAC $VMAC V3
st ctag:vid=100 $VMAC $SMAC S3
EOF
# frames PCAP: the marked frames in a capture, sorted.
frames() {
	$PY "$NSDIR/norm.py" frames "$1" | grep -v '^?' | sort
}
cat >"$WORK/expect-up.txt" <<EOF
S1 $SMAC>$BC vlan=100
V1 $VMAC>$BC vlan=100
EOF
cat >"$WORK/expect-st.txt" <<EOF
S1 $SMAC>$BC vlan=100
S2 $UMAC>$SMAC vlan=100
S3 $SMAC>$VMAC vlan=100
V1 $VMAC>$BC vlan=100
V2 $UMAC>$VMAC vlan=100
V3 $VMAC>$SMAC vlan=100
EOF
all_arrived() {
	frames "$WORK/up.pcap" >"$WORK/got-up.txt" && frames "$WORK/st.pcap" >"$WORK/got-st.txt" &&
		cmp -s "$WORK/expect-up.txt" "$WORK/got-up.txt" &&
		cmp -s "$WORK/expect-st.txt" "$WORK/got-st.txt"
}
if ! poll 5 all_arrived; then
	diff -u "$WORK/expect-up.txt" "$WORK/got-up.txt"
	diff -u "$WORK/expect-st.txt" "$WORK/got-st.txt"
	fail "the VDP and the static vEth do not forward alike (diffs above: uplink, station)"
fi
stop $TRAFFIC_PIDS
CAP_PIDS=${CAP_PIDS%" $TRAFFIC_PIDS"}
# Each vEth sent 2 frames (a broadcast, a unicast) and got 2 unicasts plus
# the other's broadcast: it went back out h2 as the port's one flood copy,
# which the station replicates, so it counts on every member vEth.
vnctl -f json show veths >"$WORK/veths.json"
for id in $VETH 10; do
	c=$($H get "id=$id.counters.rx_frames" "id=$id.counters.tx_frames" <"$WORK/veths.json" | tr '\n' ' ')
	[ "$c" = "2 3 " ] || fail "vEth $id: rx, tx frames are $c, expected 2 3"
done
step "forwarding: the VDP vEth and the static vEth alike (uplink, from the uplink, reflective relay)"

# -- The path audit, live: the VDP vEth carried its own frames (direct);
# then its MAC comes in through the uplink, more than it sends itself:
# bypassed, with the uplink as evidence.
verdict_is() {
	vnctl -f json diagnose veth "$VETH" >"$WORK/diag.json" &&
		[ "$($H get "id=$VETH.verdict" <"$WORK/diag.json")" = "$1" ]
}
wait_for 5 "vnctl diagnose: vEth $VETH direct" -f "$WORK/diag.json" verdict_is direct
$PY "$NSDIR/send.py" --gap 0.02 --port "up=$UP:eth0" <<EOF || fail "send.py"
up ctag:vid=100 $BC $VMAC B1
up ctag:vid=100 $BC $VMAC B2
up ctag:vid=100 $BC $VMAC B3
up ctag:vid=100 $BC $VMAC B4
up ctag:vid=100 $BC $VMAC B5
EOF
wait_for 5 "vnctl diagnose: vEth $VETH bypassed (its MAC on the uplink)" -f "$WORK/diag.json" \
	verdict_is bypassed
[ "$($H get "id=$VETH.elsewhere.kind=uplink.frames" \
	"id=$VETH.elsewhere.kind=uplink.port" <"$WORK/diag.json" | tr '\n' ' ')" = "5 up0 " ] ||
	fail "diagnose evidence: $(cat "$WORK/diag.json")"
vnctl -f json show veths >"$WORK/veths.json"
[ "$($H get "id=$VETH.verdict" "id=10.verdict" <"$WORK/veths.json" | tr '\n' ' ')" = "bypassed direct " ] ||
	fail "show veths verdicts: $(cat "$WORK/veths.json")"
step "path audit: vEth $VETH direct, then bypassed by its MAC on the uplink (vnctl diagnose)"

# -- Refusals.
vsi_req assoc 77 a1b2c3d4-0000-1111-2222-333344445566 "0-52:54:00:11:22:44" >"$WORK/type77.txt" 2>&1
grep -q "Error returned by Bridge: Other Failures" "$WORK/type77.txt" ||
	fail "unknown VSI type: vdptool said: $(cat "$WORK/type77.txt")"
vnctl -f json show vdp >"$WORK/vdp.json"
[ "$($H get "channels.port=h2.last_refusal.status" "channels.port=h2.last_refusal.type_id" \
	<"$WORK/vdp.json" | tr '\n' ' ')" = "4 77 " ] || fail "last refusal: $(cat "$WORK/vdp.json")"
step "unknown VSI type 77: 'Other Failures' (status 4)"

vnctl -f json show ports >"$WORK/ports.json"
MAXV=$($H get "name=h2.max_veths" <"$WORK/ports.json")
NV=$($H get "name=h2.veths" <"$WORK/ports.json")
[ "$NV" = 2 ] || fail "port h2 has $NV vEths, expected 2"
vnctl port set h2 max_veths "$NV" >/dev/null || fail "vnctl port set h2 max_veths $NV"
vsi_req assoc 5 a1b2c3d4-0000-1111-2222-333344445577 "0-52:54:00:11:22:55" >"$WORK/full.txt" 2>&1
grep -q "Error returned by Bridge: Insufficient resources" "$WORK/full.txt" ||
	fail "port at max_veths: vdptool said: $(cat "$WORK/full.txt")"
vnctl -f json show vdp >"$WORK/vdp.json"
[ "$($H get "channels.port=h2.last_refusal.status" <"$WORK/vdp.json")" = 2 ] ||
	fail "last refusal: $(cat "$WORK/vdp.json")"
vnctl port set h2 max_veths "$MAXV" >/dev/null || fail "vnctl port set h2 max_veths $MAXV"
vnctl -f json show veths >"$WORK/veths.json"
[ "$($H count . <"$WORK/veths.json")" = 2 ] || fail "refused VSIs made vEths: $(cat "$WORK/veths.json")"
step "port h2 at max_veths $NV: 'Insufficient resources' (status 2)"

# -- Keep-alives: the VSI lives on past the supervision timeout, refreshed.
kept_alive() {
	vnctl -f json show vdp >"$WORK/vdp.json" &&
		set -- $($H get "vsis.veth=$VETH.keepalives" "vsis.veth=$VETH.created_us" \
			"vsis.veth=$VETH.refreshed_us" "vsis.veth=$VETH.keepalive_timeout_us" \
			<"$WORK/vdp.json") && [ "$1" -ge 2 ] && [ $(($3 - $2)) -gt "$4" ]
}
wait_for 15 "keep-alives refresh the VSI of vEth $VETH past its timeout" -f "$WORK/vdp.json" \
	kept_alive
[ "$(vdp_veth | cut -d' ' -f1)" = "$VETH" ] || fail "vEth $VETH is gone: $(cat "$WORK/veths.json")"
step "keep-alives: vEth $VETH kept, $($H get "vsis.veth=$VETH.keepalives" <"$WORK/vdp.json") keep-alives"

# -- DE-ASSOCIATE from the station.
vsi_req deassoc 5 $UUID "100-$VMAC" >"$WORK/deassoc.txt" 2>&1
grep -q "mode = deassoc" "$WORK/deassoc.txt" && ! grep -q "Error" "$WORK/deassoc.txt" ||
	fail "DE-ASSOCIATE: vdptool said: $(cat "$WORK/deassoc.txt")"
wait_for 5 "vEth $VETH removed after the station's DE-ASSOCIATE" no_vdp_veth
vnctl -f json show events veth "$VETH" >"$WORK/events.json"
$H get "event=deassociated.reason" <"$WORK/events.json" | grep -q "by the station" ||
	fail "events of vEth $VETH: $(cat "$WORK/events.json")"
step "DE-ASSOCIATE from the station: vEth $VETH removed"

# -- DE-ASSOCIATE from the bridge (vnctl veth del).
assoc
n_log=$(wc -l <"$WORK/lldpad.log")
vnctl veth del "$VETH" >/dev/null || fail "vnctl veth del $VETH"
no_vdp_veth || fail "vEth $VETH still there after vnctl veth del"
station_has_no_vsi() {
	vdptool -i evst0 -t -V assoc >"$WORK/vsis.txt" && ! grep -q "VSI" "$WORK/vsis.txt"
}
wait_for 5 "lldpad drops the VSI the bridge de-associated" -f "$WORK/vsis.txt" \
	station_has_no_vsi
# lldpad took it as the bridge's DE-ASSOCIATE (its log line since veth del).
tail -n +$((n_log + 1)) "$WORK/lldpad.log" | grep -q "vdp22_bridge_info:.*deassoc:1" ||
	fail "lldpad's log shows no bridge de-associate"
step "vnctl veth del $VETH: DE-ASSOCIATE sent, lldpad's VSI list is empty"

# -- Stopping lldpad: keep-alive expiry reaps the vEth.
assoc
# So far every exchange with lldpad went through: nothing malformed either
# way, no ECP request of ours given up.
vnctl -f json show ecp >"$WORK/ecp.json"
vnctl -f json show vdp >"$WORK/vdp.json"
c=$($H get "channels.port=h2.stats.tx_errors" "channels.port=h2.stats.rx_malformed" \
	<"$WORK/ecp.json" | tr '\n' ' ')$($H get "channels.port=h2.stats.rx_malformed" <"$WORK/vdp.json")
[ "$c" = "0 0 0" ] || fail "ECP requests given up, ECP and VDP malformed: $c (ecp.json, vdp.json)"
TIMEOUT_US=$($H get "port=h2.oper.vdp_keepalive_timeout_us" <"$WORK/evb.json")
# The timeout runs from the last keep-alive before the stop; the bound is
# the timeout rounded down plus 3 s (lldpad's own shutdown, the poll).
t_kill=$(date +%s%N)
ns_stop_lldpad
wait_for $((TIMEOUT_US / 1000000 + 3)) "vEth $VETH reaped after lldpad stopped" no_vdp_veth
t_reap=$(date +%s%N)
vnctl -f json show events veth "$VETH" >"$WORK/events.json"
$H get "event=keepalive_expired.reason" <"$WORK/events.json" >/dev/null ||
	fail "events of vEth $VETH: $(cat "$WORK/events.json")"
step "lldpad stopped: vEth $VETH reaped by keep-alive expiry $(((t_reap - t_kill) / 1000000)) ms later (timeout $((TIMEOUT_US / 1000)) ms)"

# -- Its MAC is now an unknown source on h2; the static vEth stays.
drops() { vnctl -f json show ports | $H get "name=h2.counters.drops.unknown_veth"; }
d0=$(drops)
echo "st ctag:vid=100 $BC $VMAC V4" | $PY "$NSDIR/send.py" --port "st=$ST:evst0" || fail "send.py"
dropped() { [ "$(drops)" -gt "$d0" ]; }
wait_for 5 "a frame from the reaped vEth's MAC dropped as unknown_veth" dropped
vnctl -f json show veths >"$WORK/veths.json"
[ "$($H get id=10.origin <"$WORK/veths.json")" = static ] || fail "static vEth 10 is gone"

# ---- the end --------------------------------------------------------------------------------------

stop $CAP_PIDS "$LLDPD_PID"
CAP_PIDS="" LLDPD_PID=""
ns_stop_switch
[ -s "$WORK/state.json" ] || fail "vnswitchd wrote no state file"
step "PASS"
exit 0
