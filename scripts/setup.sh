#!/bin/sh
# Set up a Debian 12 machine for vnswitch: every package the build, the tests
# and the real peers need, then a cached static libopenvswitch.
# Non-interactive and idempotent: quiet when everything is already there.
# Must run as root (apt-get).  Usage: scripts/setup.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)

PKGS="build-essential autoconf automake libtool pkg-config git python3
libevent-dev libconfig-dev libcunit1-dev libpcap-dev openvswitch-source
clang libclang-rt-14-dev clang-format
tshark tcpdump lldpd lldpad tcpreplay iproute2 ethtool
openvswitch-switch netsniff-ng"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	"install ok installed") ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "setup: missing packages:$missing (run as root)" >&2
		exit 1
	fi
	echo "setup: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# tshark asks whether non-root users may capture; answer for it.
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		debconf-set-selections
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

"$here/build-libovs.sh"
