# Interop with real peers (issue 5): the control plane against Debian's
# lldpad (an 802.1Qbg-2012 station: EVB, ECP, VDP) and lldpd (LLDP), live in
# network namespaces.  Needs root, ip netns, lldpad, lldptool, vdptool,
# lldpd, lldpcli, tcpdump and tshark; exits 77 (skip) without them.
TESTS += tests/ns-lldpad.sh
EXTRA_DIST += tests/ns-lldpad.sh tests/ns/interop.py
