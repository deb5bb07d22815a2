#!/bin/sh
# README command (1): set up a fresh Debian 12 machine (as root), build
# vnswitch and run the demo: the offline decoder over the bundled captures
# of lldpd, lldpad and crafted VN-Tag / E-Tag / ECP / VDP / CDCP frames.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
"$top/scripts/build.sh" build
vnctl=$top/build/switchd/vnctl
for f in "$top"/tests/data/*.pcap; do
	echo "=================================================================="
	echo "vnctl decode $(basename "$f")"
	echo "=================================================================="
	"$vnctl" decode "$f"
done
echo
echo "The same as JSON (one object per frame):"
echo "  $vnctl decode -f json $top/tests/data/vntag_crafted_5variants.pcap"
"$vnctl" decode -f json "$top/tests/data/vntag_crafted_5variants.pcap"
