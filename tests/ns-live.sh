#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/ns-live.sh - vnswitchd live in network namespaces, checked with
# tshark; then the frames it received go through vnswitchd --replay with the
# same configuration and must give the same output and the same counters.
#
# Topology: scripts/lab.sh with namespaces named vnswt<PID>-* (uplink up0,
# VN-Tag host h1, VEPA host h2 with reflective relay, E-Tag host h3; two
# vEths per host port).  tests/ns/send.py sends crafted frames from the
# host namespaces, tcpdump records what the switch sent to every host
# (host side, inbound) and what it received on every port (switch side,
# inbound: the replay input), tests/ns/norm.py turns captures into text
# through tshark's vntag.* / etag.* / vlan.* fields.
#
# Skipped (77) without root, working 'ip netns', tshark or tcpdump.
# Everything it starts is stopped by PID and every namespace deleted by
# name in the exit trap.  Set VNSW_KEEP=1 to keep the work directory.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/ns/lib.sh"
PREFIX=vnswt$$
ns_require tshark tcpdump
ns_binaries
CAP_PIDS=""
ns_teardown() {
	stop $CAP_PIDS
	lab down >/dev/null 2>&1
}
ns_init ns-live

# ---- topology and captures -------------------------------------------------------

ns_lab_up
# What the switch sent every host (host side) and received on every port
# (switch side: the replay input).
set --
for p in $PORTS; do
	ns_tcpdump "$PREFIX-$p" "$WORK/live-$p.pcap" "$WORK/tcpdump-host-$p.log" \
		-Q in --immediate-mode -i eth0
	ns_tcpdump "$PREFIX-sw" "$WORK/in-$p.pcap" "$WORK/tcpdump-sw-$p.log" \
		-Q in --immediate-mode -i "$p"
	set -- "$@" "$WORK/tcpdump-host-$p.log" "$WORK/tcpdump-sw-$p.log"
done
ns_wait_tcpdump "$@"

# ---- traffic -----------------------------------------------------------------
# MACs: V1/V2 the VEPA vEths 101/104, A/B stations behind vifs 5/6 of h1,
# E1/E2 behind E-CIDs 300/301 of h3, U a station beyond the uplink.
BC=ff:ff:ff:ff:ff:ff V1=52:54:00:00:00:01 V2=52:54:00:00:00:02
A=02:00:00:00:05:05 B=02:00:00:00:06:06 C=02:00:00:00:07:07
E1=02:00:00:00:30:00 E2=02:00:00:00:30:01 U=02:00:00:00:0a:01
cat >"$WORK/plan" <<EOF
h2  ctag:vid=10              $BC $V1 F01  # VEPA vEth 101 broadcasts: flood VLAN 10
h1  vntag:svif=5             $V1 $A  F02  # vif 5 -> the VEPA vEth's MAC: h2 only, C-tag 10
h1  vntag:svif=5             $BC $A  F03  # vif 5 broadcasts: looped to vif 6, h2 once, h3, up0
h1  vntag:svif=7             $BC $C  F04  # unknown vif: dropped
h2  ctag:vid=10              $V1 $V2 F05  # vEth 104 -> 101: reflective relay back out h2
h2  ctag:vid=10              $V1 $V1 F06  # addressed to its own sender: dropped
h3  etag:ecid=300            $A  $E1 F07  # E-CID 300 -> vif 5
h3  etag:ecid=301            $BC $E2 F08  # E-CID 301 broadcasts: 300 gets it with ingress E-CID 301
up0 ctag:vid=10              $A  $U  F09  # uplink, VLAN 10 -> vif 5
up0 ctag:vid=30              $A  $U  F10  # VLAN 30 is not on the trunk: dropped
up0 none                     $A  $U  F11  # untagged on the trunk: dropped
h1  vntag:svif=6+ctag:vid=10 $U  $B  F12  # inner tag of vif 6's own VLAN: removed; U is on up0
EOF
$PY "$NSDIR/send.py" --gap 0.1 --port "up0=$PREFIX-up0:eth0" --port "h1=$PREFIX-h1:eth0" \
	--port "h2=$PREFIX-h2:eth0" --port "h3=$PREFIX-h3:eth0" <"$WORK/plan" ||
	fail "send.py"
sleep 0.5

# Stop the captures (by PID), then the switch: SIGTERM writes the state file.
stop $CAP_PIDS
CAP_PIDS=""
ns_lab_down
LOG=$WORK/lab/vnswitchd.log
STATE=$WORK/lab/state.json
ns_check_sanitizer "$LOG"
[ -s "$STATE" ] || {
	cat "$LOG"
	fail "vnswitchd wrote no state file on SIGTERM"
}

# ---- what arrived where (live) ---------------------------------------------------------

check_port() { # PORT: sorted decoded frames vs the expectation on stdin
	$PY "$NSDIR/norm.py" frames "$WORK/live-$1.pcap" >"$WORK/live-$1.txt" ||
		fail "tshark on live-$1.pcap"
	sort "$WORK/live-$1.txt" >"$WORK/live-$1.sorted"
	sort >"$WORK/expect-$1.sorted"
	if ! diff -u "$WORK/expect-$1.sorted" "$WORK/live-$1.sorted"; then
		echo "FAIL: port $1 (live): frames differ from the expectation (diff above)"
		failed=1
	fi
}
VT="vntag d=1 p=0"
check_port h1 <<EOF
F01 $V1>$BC $VT dvif=5 looped=0 svif=0 ver=0
F01 $V1>$BC $VT dvif=6 looped=0 svif=0 ver=0
F03 $A>$BC $VT dvif=6 looped=1 svif=5 ver=0
F07 $E1>$A $VT dvif=5 looped=0 svif=0 ver=0
F08 $E2>$BC $VT dvif=5 looped=0 svif=0 ver=0
F08 $E2>$BC $VT dvif=6 looped=0 svif=0 ver=0
F09 $U>$A $VT dvif=5 looped=0 svif=0 ver=0
EOF
check_port h2 <<EOF
F01 $V1>$BC vlan=10
F02 $A>$V1 vlan=10
F03 $A>$BC vlan=10
F05 $V2>$V1 vlan=10
F08 $E2>$BC vlan=10
EOF
check_port h3 <<EOF
F01 $V1>$BC etag grp=0 ecid=300 iecid=0
F01 $V1>$BC etag grp=0 ecid=301 iecid=0
F03 $A>$BC etag grp=0 ecid=300 iecid=0
F03 $A>$BC etag grp=0 ecid=301 iecid=0
F08 $E2>$BC etag grp=0 ecid=300 iecid=301
EOF
check_port up0 <<EOF
F01 $V1>$BC vlan=10
F03 $A>$BC vlan=10
F08 $E2>$BC vlan=10
F12 $B>$U vlan=10
EOF

# Drops, from the state file written on SIGTERM.
$PY "$NSDIR/norm.py" drops "$STATE" >"$WORK/drops.txt" || fail "cannot read $STATE"
cat >"$WORK/drops.expect" <<EOF
up0 missing_tag 1
up0 vlan_not_allowed 1
h1 unknown_veth 1
h2 self_reflection 1
EOF
if ! diff -u "$WORK/drops.expect" "$WORK/drops.txt"; then
	echo "FAIL: drop counters differ from the expectation (diff above)"
	failed=1
fi

# ---- the same frames through --replay ------------------------------------------------

# The replay input is what the switch received, so it holds every frame sent
# (and would hold anything else that reached the switch).
for p in $PORTS; do
	$PY "$NSDIR/norm.py" frames "$WORK/in-$p.pcap" >"$WORK/in-$p.txt" || fail "tshark on in-$p.pcap"
done
n_in=$(cat "$WORK"/in-*.txt | wc -l)
n_plan=$(grep -c . "$WORK/plan")
[ "$n_in" = "$n_plan" ] || fail "the switch side captured $n_in frames, $n_plan were sent"

"$VNSWITCHD" -c "$WORK/lab/vnswitch.conf" --replay "up0=$WORK/in-up0.pcap" \
	--replay "h1=$WORK/in-h1.pcap" --replay "h2=$WORK/in-h2.pcap" \
	--replay "h3=$WORK/in-h3.pcap" --out-dir "$WORK/replay" || fail "vnswitchd --replay"
for p in $PORTS; do
	$PY "$NSDIR/norm.py" frames "$WORK/replay/$p.pcap" >"$WORK/replay-$p.txt" ||
		fail "tshark on replay/$p.pcap"
	# Same frames in the same order on the same port.
	if ! diff -u "$WORK/live-$p.txt" "$WORK/replay-$p.txt"; then
		echo "FAIL: port $p: live and replay outputs differ (diff above)"
		failed=1
	fi
done
if ! $PY "$NSDIR/norm.py" same-state "$STATE" "$WORK/replay/state.json"; then
	echo "FAIL: live and replay states differ (above)"
	failed=1
fi

[ "$failed" = 0 ] || exit 1
echo "PASS: $(cat "$WORK"/live-*.txt | wc -l) frames out of $n_plan in, the same live and in replay"
exit 0
