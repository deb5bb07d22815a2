#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/ns-restart.sh - kill -9 and restart (issue 9, "Faults"): a live
# vnswitchd with static, vnctl-added and VDP vEths (a real lldpad station)
# and policy changed at runtime is killed with SIGKILL while traffic flows,
# and started again with the same --state-file.  The vEths and their policy
# must be back, traffic must flow again, lldpad's keep-alives must keep the
# restored association, and no frame may reach a host the running switch
# would not have sent it to -- before, during or after the restart.
#
# Topology (namespaces PREFIX-* with PREFIX = vnrs<PID>):
#   PREFIX-sw   vnswitchd live; ports up0 (uplink, VLANs 100, 200),
#               ha, hb (VEPA hosts), hs (VEPA host, reflective relay)
#   PREFIX-up   beyond the uplink      eth0  <-> up0
#   PREFIX-a    host A                 eth0  <-> ha
#   PREFIX-b    host B                 eth0  <-> hb
#   PREFIX-st   lldpad, the station    evst0 <-> hs
#
# The configuration: vEth 10 (A1 on ha, VLAN 100, profile web) and vEth 20
# (B1 on hb, VLAN 100).  At runtime, through vnctl and VDP:
#   vnctl veth add 11 port ha mac A2 vlan 200         (a vnctl vEth)
#   vnctl veth set 20 vlan 200                        (B1 leaves VLAN 100)
#   vnctl acl add web in priority 100 match dl_dst=DENY action deny
#   lldpad: ASSOCIATE type 5 v4, MAC VM, VID 0        (a VDP vEth, VLAN 100)
# So VLAN 100 is A1, VM and the uplink; VLAN 200 is A2, B1 and the uplink;
# frames from A1 to DENY are dropped (acl_in).  Marked frames (send.py):
#   A1b  A1 broadcast, VLAN 100    -> up, hs
#   A1x  A1 to DENY                -> nowhere (the runtime ACL)
#   A2b  A2 broadcast, VLAN 200    -> up, hb
#   B1b  B1 broadcast, VLAN 200    -> up, ha
#   Vb   VM broadcast, VLAN 100    -> up, ha
# A switch that came back with the configuration alone would send A1b and
# Vb to hb (B1 back in VLAN 100) and A1x everywhere in VLAN 100: the test
# shows that it would notice, by restarting once without the state file
# (the control), and then once more with a damaged state file (reported,
# kept as .bad, the configuration alone).
#
# Timers: EVB RKA 19 on both sides (a keep-alive every 5.2 s, supervision
# 7.9 s); the kill comes right after a keep-alive, so lldpad's next one
# finds the restarted switch even when a loaded machine makes the restart
# take seconds.  (One lost during the restart would leave lldpad waiting
# for its answer for 15 s, and the switch would rightly reap the restored
# VSI one supervision time after the restart.)
#
# Skipped (77) without root, a working 'ip netns', lldpad, lldptool,
# vdptool, tcpdump or tshark.  Everything it starts is stopped by PID and
# every namespace deleted by name in the exit trap.  Set VNSW_KEEP=1 to
# keep the work directory (it is kept on failure anyway).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/ns/lib.sh"
PREFIX=vnrs$$
ns_require unshare stdbuf lldpad lldptool vdptool tcpdump tshark
ns_binaries vnctl
F="$PY $NSDIR/faults.py"
SW=$PREFIX-sw UP=$PREFIX-up NA=$PREFIX-a NB=$PREFIX-b ST=$PREFIX-st
SW_PID="" LLDPAD_PID="" CAP_PIDS="" GEN_PID=""
ns_teardown() {
	stop $GEN_PID $CAP_PIDS $LLDPAD_PID $SW_PID
}
ns_diagnose() {
	ns_log_tail "$WORK/vnswitchd.log" 30 "vnswitchd's log:"
	ns_log_tail "$WORK/lldpad.log" 15 "lldpad's last VDP lines ($WORK/lldpad.log):" 'vdp22\|ecp22'
}
ns_init ns-restart
CTL=$WORK/ctl.sock
STATE=$WORK/state/vnswitchd.state

# ---- topology ------------------------------------------------------------------

ns_add $SW $UP $NA $NB $ST
ns_veth "$SW" up0 "$UP" eth0
ns_veth "$SW" ha "$NA" eth0
ns_veth "$SW" hb "$NB" eth0
ns_veth "$SW" hs "$ST" evst0 02:00:00:00:5a:01

# ---- the switch ------------------------------------------------------------------

SWMAC=02:00:00:00:00:01
A1=52:54:00:00:0a:01 A2=52:54:00:00:0a:02 B1=52:54:00:00:0b:01
VM=52:54:00:11:22:33 DENY=02:00:00:00:0d:0d BC=ff:ff:ff:ff:ff:ff
cat >"$WORK/sw.conf" <<EOF
# tests/ns-restart.sh
switch = { name = "tor1"; mac = "$SWMAC"; lldp = { admin = "rxtx"; };
  evb = { rka = 19; }; };
ports = (
  { name = "up0"; role = "uplink"; interface = "up0"; vlans = [100, 200]; },
  { name = "ha"; role = "host"; mode = "vepa"; interface = "ha"; auto_create = false; },
  { name = "hb"; role = "host"; mode = "vepa"; interface = "hb"; auto_create = false; },
  { name = "hs"; role = "host"; mode = "vepa"; interface = "hs"; reflective_relay = true;
    auto_create = false; }
);
profiles = ( { name = "web"; type_id = 5; type_version = 4; vlan = 100; } );
veths = (
  { id = 10; port = "ha"; mac = "$A1"; vlan = 100; profile = "web"; },
  { id = 20; port = "hb"; mac = "$B1"; vlan = 100; }
);
EOF
"$VNSWITCHD" -c "$WORK/sw.conf" --check >/dev/null || fail "vnswitchd --check"
mkdir -p "$WORK/state"

kill9_switch() {
	kill -KILL "$SW_PID"
	wait "$SW_PID" 2>/dev/null
	SW_PID=""
}

ns_start_switch --state-file "$STATE"
step "vnswitchd running (PID $SW_PID), state file $STATE"

# Every host's inbound frames, for the whole test.
set --
for h in up:$UP:eth0 a:$NA:eth0 b:$NB:eth0 st:$ST:evst0; do
	name=${h%%:*} rest=${h#*:}
	ns_tcpdump "${rest%%:*}" "$WORK/$name.pcap" "$WORK/tcpdump-$name.log" \
		-Q in --immediate-mode -i "${rest#*:}"
	set -- "$@" "$WORK/tcpdump-$name.log"
done
ns_wait_tcpdump "$@"

# ---- lldpad, the station ----------------------------------------------------------

ns_start_lldpad
ns_evb_station evst0 vdprka=19
ns_stop_lldpad # the role is read at start
ns_start_lldpad
bridge_sees_station() {
	vnctl -f json show evb >"$WORK/evb.json" &&
		[ "$($H get port=hs.station_present port=hs.oper.rka <"$WORK/evb.json" |
			tr '\n' ' ')" = "true 19 " ]
}
wait_for 20 "the switch sees lldpad's EVB TLV on hs" -f "$WORK/evb.json" bridge_sees_station
step "lldpad running as an EVB station (PID $LLDPAD_PID), RKA 19 negotiated"

UUID=a1b2c3d4-0000-1111-2222-333344445555
vdptool -i evst0 -T -W -V assoc -c mode=assoc -c mgrid2=vnswtest -c typeid=5 \
	-c uuid=$UUID -c typeidver=4 -c hints=none -c filter="0-$VM" >"$WORK/assoc.txt" 2>&1
grep -q "filter = 100-$VM" "$WORK/assoc.txt" ||
	fail "ASSOCIATE: vdptool said: $(cat "$WORK/assoc.txt")"
vnctl -f json show veths >"$WORK/veths.json"
VETH=$($H get "mac=$VM.id" <"$WORK/veths.json") || fail "no VDP vEth: $(cat "$WORK/veths.json")"
step "VDP: $VM associated, vEth $VETH"

# ---- runtime changes -----------------------------------------------------------------

vnctl veth add 11 port ha mac $A2 vlan 200 >/dev/null || fail "vnctl veth add 11"
vnctl veth set 20 vlan 200 >/dev/null || fail "vnctl veth set 20 vlan 200"
vnctl acl add web in priority 100 match dl_dst=$DENY action deny >/dev/null ||
	fail "vnctl acl add"
vnctl -f json show veths | $F veths >"$WORK/veths-before.txt"
vnctl -f json show acl | $F acl >"$WORK/acl-before.txt"
cat >"$WORK/veths-expect.txt" <<EOF
10 ha mac $A1 100 web static
11 ha mac $A2 200 - static
20 hb mac $B1 200 - static
$VETH hs mac $VM 100 web vdp
EOF
cmp -s "$WORK/veths-expect.txt" "$WORK/veths-before.txt" ||
	fail "vEths before the restart: $(cat "$WORK/veths-before.txt")"
grep -qx "10 in 100 dl_dst=$DENY deny" "$WORK/acl-before.txt" ||
	fail "ACL of vEth 10: $(cat "$WORK/acl-before.txt")"
# The state file holds all of it (written within a poll period).
state_complete() {
	grep -q "$A2" "$STATE" && grep -q "dl_dst=$DENY" "$STATE" &&
		grep -q "veth = $VETH;" "$STATE" && grep -A6 "\"$B1\"" "$STATE" | grep -q "vlan = 200"
}
wait_for 5 "the state file has the runtime changes" state_complete
step "runtime: vEth 11 added, vEth 20 moved to VLAN 200, ACL on profile web; state file written"

# ---- traffic: what goes where ------------------------------------------------------------

SEND="$PY $NSDIR/send.py --port a=$NA:eth0 --port b=$NB:eth0 --port st=$ST:evst0"
SPECS="a/ctag:vid=100/$BC/$A1/A1b a/ctag:vid=100/$DENY/$A1/A1x a/ctag:vid=200/$BC/$A2/A2b
b/ctag:vid=200/$BC/$B1/B1b st/ctag:vid=100/$BC/$VM/Vb"
ALLOWED="up:A1b:100 st:A1b:100 up:A2b:200 b:A2b:200 up:B1b:200 a:B1b:200 up:Vb:100 a:Vb:100"
# round NAME: one frame of each class, marked CLASS.NAME.
round() {
	for s in $SPECS; do
		echo "$s" | awk -F/ -v n="$1" '{ print $1, $2, $3, $4, $5 "." n }'
	done | $SEND --gap 0.02 || fail "send.py"
}
# frames: the marked frames every host received so far.
frames() {
	for h in up a b st; do
		$PY "$NSDIR/norm.py" frames "$WORK/$h.pcap" >"$WORK/$h.txt" 2>/dev/null || return 1
	done
}
caps() { echo "up=$WORK/up.txt a=$WORK/a.txt b=$WORK/b.txt st=$WORK/st.txt"; }
# expect NAME: every class of round NAME arrived where it should.
expect_round() {
	frames && $F arrived $(caps) -- up:A1b.$1 st:A1b.$1 up:A2b.$1 b:A2b.$1 up:B1b.$1 \
		a:B1b.$1 up:Vb.$1 a:Vb.$1 >"$WORK/missing.txt"
}
no_misforward() {
	frames || fail "norm.py frames"
	$F misforwarded $(caps) -- $ALLOWED >"$WORK/misforwarded.txt"
}

round before
wait_for 5 "round 'before' delivered" -f "$WORK/missing.txt" expect_round before
no_misforward || fail "before the restart, misforwarded: $(cat "$WORK/misforwarded.txt")"
step "traffic before the restart: every class where it belongs, nowhere else"

# ---- kill -9 while traffic flows, restart with the state file -----------------------------

# Right after one of lldpad's keep-alives: the next one, 5.2 s later, meets
# the restarted switch.
keepalives() { vnctl -f json show vdp | $H get "vsis.veth=$VETH.keepalives"; }
k0=$(keepalives) || fail "show vdp: no VSI for vEth $VETH"
kept_alive() { [ "$(keepalives)" -gt "$1" ]; }
wait_for 8 "a keep-alive from lldpad" kept_alive "$k0"
# 30 rounds of every class, 0.02 s apart: about 3.3 s of traffic.
$F plan 30 $SPECS >"$WORK/plan.txt"
$SEND --gap 0.02 <"$WORK/plan.txt" >"$WORK/gen.log" 2>&1 &
GEN_PID=$!
sleep 0.5
t_kill=$(date +%s%N)
kill9_switch
step "vnswitchd killed (SIGKILL) with traffic flowing"
ns_start_switch --state-file "$STATE"
t_up=$(date +%s%N)
step "vnswitchd restarted with the state file in $(((t_up - t_kill) / 1000000)) ms (PID $SW_PID)"
grep -q "saved configuration applied" "$WORK/vnswitchd.log" ||
	fail "the saved configuration was not applied"
grep -q "1 of 1 VDP associations restored" "$WORK/vnswitchd.log" ||
	fail "the VDP association was not restored"

vnctl -f json show veths | $F veths >"$WORK/veths-after.txt"
cmp -s "$WORK/veths-before.txt" "$WORK/veths-after.txt" ||
	fail "vEths after the restart differ: $(diff "$WORK/veths-before.txt" "$WORK/veths-after.txt")"
vnctl -f json show acl | $F acl >"$WORK/acl-after.txt"
cmp -s "$WORK/acl-before.txt" "$WORK/acl-after.txt" ||
	fail "ACLs after the restart differ: $(diff "$WORK/acl-before.txt" "$WORK/acl-after.txt")"
vnctl -f json show events veth "$VETH" >"$WORK/events.json"
grep -q "restored from the state file" "$WORK/events.json" ||
	fail "vEth $VETH has no 'restored' event: $(cat "$WORK/events.json")"
step "after the restart: the same vEths ($(wc -l <"$WORK/veths-after.txt")), the same ACL, vEth $VETH restored"

wait "$GEN_PID" || fail "send.py (traffic during the restart): $(cat "$WORK/gen.log")"
GEN_PID=""
round after
wait_for 5 "round 'after' delivered" -f "$WORK/missing.txt" expect_round after
no_misforward ||
	fail "misforwarded around the restart: $(cat "$WORK/misforwarded.txt")"
n_frames=$(cat "$WORK"/up.txt "$WORK"/a.txt "$WORK"/b.txt "$WORK"/st.txt | grep -vc '^?')
step "traffic after the restart flows; no frame misforwarded ($n_frames marked frames checked on 4 hosts)"

# The restored association lives on lldpad's keep-alives, past its
# supervision time, and lldpad never noticed the restart.
TIMEOUT_US=$($H get "port=hs.oper.vdp_keepalive_timeout_us" <"$WORK/evb.json")
restored_kept() {
	vnctl -f json show vdp >"$WORK/vdp.json" &&
		set -- $($H get "vsis.veth=$VETH.keepalives" "vsis.veth=$VETH.created_us" \
			"vsis.veth=$VETH.refreshed_us" <"$WORK/vdp.json") &&
		[ "$1" -ge 1 ] && [ $(($3 - $2)) -ge 0 ] &&
		[ $(($(date +%s%N) / 1000 - $2)) -gt "$TIMEOUT_US" ]
}
wait_for $((TIMEOUT_US / 1000000 + 5)) "lldpad's keep-alives keep the restored VSI past its timeout" \
	-f "$WORK/vdp.json" restored_kept
vnctl -f json show veths >"$WORK/veths.json"
[ "$($H get "mac=$VM.id" <"$WORK/veths.json")" = "$VETH" ] || fail "vEth $VETH is gone"
vdptool -i evst0 -t -V assoc >"$WORK/vsis.txt"
grep -q "filter = 100-$VM" "$WORK/vsis.txt" || fail "lldpad lost its VSI: $(cat "$WORK/vsis.txt")"
step "lldpad's keep-alives refresh the restored VSI past its supervision time ($((TIMEOUT_US / 1000)) ms)"

# ---- the control: a restart with the configuration alone misforwards ------------------------

kill9_switch
ns_start_switch
round control
sleep 1
frames
if $F misforwarded $(caps) -- $ALLOWED >"$WORK/misforwarded-control.txt"; then
	fail "the control restart (no state file) misforwarded nothing: the check cannot fail"
fi
grep -q "^b A1b.control vlan=100" "$WORK/misforwarded-control.txt" ||
	fail "control: A1b not seen at host B: $(cat "$WORK/misforwarded-control.txt")"
step "control (configuration alone): $(wc -l <"$WORK/misforwarded-control.txt") frames misforwarded, as expected"

# ---- a damaged state file: reported, kept, the configuration alone ---------------------------

kill9_switch
# A truncated state file (the last 40 bytes cut).
size=$(stat -c %s "$STATE")
head -c $((size - 40)) "$STATE" >"$STATE.cut" && mv "$STATE.cut" "$STATE"
ns_start_switch --state-file "$STATE"
grep -q "corrupt state file (truncated or extended" "$WORK/vnswitchd.log" ||
	fail "no message about the truncated state file"
[ -s "$STATE.bad" ] || fail "the truncated state file was not kept as $STATE.bad"
vnctl -f json show veths | $F veths >"$WORK/veths-bad.txt"
[ "$(grep ' static$' "$WORK/veths-bad.txt" | cut -d' ' -f1,5 | tr '\n' ' ')" = "10 100 20 100 " ] ||
	fail "after a truncated state file: $(cat "$WORK/veths-bad.txt")"
[ -s "$STATE" ] && head -c 17 "$STATE" | grep -q '# vnswitchd-state' ||
	fail "no fresh state file after the truncated one"
step "truncated state file: reported, kept as .bad, the configuration alone, a fresh file written"

# ---- the end --------------------------------------------------------------------------------------

stop $CAP_PIDS
CAP_PIDS=""
ns_stop_switch
step "PASS"
exit 0
