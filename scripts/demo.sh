#!/bin/sh
# README command (1): set up a fresh Debian 12 machine (as root), build
# vnswitch and run the demo:
#   1. vnswitchd switches bundled captures in replay (a VN-Tag host, a VEPA
#      host with reflective relay, an 802.1BR host and an 802.1Q uplink),
#      stays up, and vnctl shows what happened: vEths, counters with drops by
#      reason, the FDB, and a trace of one frame;
#   2. the path audit: a VSI kept alive while its VM's frames go another
#      way, and what vnctl diagnose says of it;
#   3. the output captures it wrote, decoded by vnctl decode;
#   4. vnctl decode on a real lldpad capture (EVB, ECP, VDP).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
"$top/scripts/build.sh" build
vnswitchd=$top/build/switchd/vnswitchd
vnctl=$top/build/switchd/vnctl
case=$top/tests/replay/learning
out=$(mktemp -d /tmp/vnswitch-demo.XXXXXX)
ctl=$out/vnswitchd.ctl
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

banner() {
	echo
	echo "=== $* ==="
}

# Wait for the daemon ($pid) to serve $ctl.
wait_daemon() {
	i=0
	until "$vnctl" --ctl "$ctl" version >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
			cat "$out/vnswitchd.log" >&2
			echo "demo: vnswitchd did not start" >&2
			exit 1
		fi
		sleep 0.1
	done
}

banner "vnswitchd in replay: $(basename "$case")"
sed -n '1,/^Proves/p' "$case/README"
"$vnswitchd" -c "$case/switch.conf" --replay h1="$case/in-h1.pcap" \
	--replay h2="$case/in-h2.pcap" --replay h3="$case/in-h3.pcap" \
	--replay up0="$case/in-up0.pcap" --out-dir "$out" --stay --ctl "$ctl" \
	2>"$out/vnswitchd.log" &
pid=$!
wait_daemon

banner "vnctl show veths"
"$vnctl" --ctl "$ctl" show veths
banner "vnctl show counters port h1 (drops by reason)"
"$vnctl" --ctl "$ctl" show counters port h1
banner "vnctl show fdb"
"$vnctl" --ctl "$ctl" show fdb
banner "vnctl trace h1 (a broadcast from vif 5, not sent)"
"$vnctl" --ctl "$ctl" trace h1 \
	"ffffffffffff5254000001058926000000050800450000140000000040110000"
banner "vnctl show events veth 100"
"$vnctl" --ctl "$ctl" show events veth 100
kill -TERM "$pid"
wait "$pid" || true
pid=

# The path audit: a VSI kept alive on vif 7 while its VM's frames arrive
# untagged on the same port (tests/replay/audit-untagged).
audit=$top/tests/replay/audit-untagged
mkdir -p "$out/audit"
banner "path audit: $(head -1 "$audit/README")"
"$vnswitchd" -c "$audit/switch.conf" --replay h1="$audit/in-h1.pcap" --until 35 \
	--out-dir "$out/audit" --stay --ctl "$ctl" 2>"$out/vnswitchd-audit.log" &
pid=$!
wait_daemon
banner "vnctl diagnose"
"$vnctl" --ctl "$ctl" diagnose
kill -TERM "$pid"
wait "$pid" || true
pid=

banner "output captures in $out"
ls -l "$out"
banner "vnctl decode $out/h3.pcap (what the E-Tag host received)"
"$vnctl" decode "$out/h3.pcap"

banner "vnctl decode tests/data/lldpad_station_vs_lldpad_bridge_... (first ECP/VDP exchange)"
"$vnctl" -f keyvalue decode \
	"$top/tests/data/lldpad_station_vs_lldpad_bridge_evb_vdp_assoc_keepalive_deassoc_2filters.pcap" |
	grep -E '^frames\.(19|21)\.(ecp|vdp)' || true
echo
echo "demo: done (outputs kept in $out)"
