#!/bin/sh
# vnctl decode against tshark and tcpdump -vv on every bundled capture
# (skipped, exit 77, when neither is installed or python3 is missing).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
top_srcdir=${top_srcdir:-$(dirname "$0")/..}
top_builddir=${top_builddir:-.}
# tshark warns when run as root; its warning goes to stderr and is harmless.
exec python3 "$top_srcdir/tests/compare_decoders.py" "$top_builddir/switchd/vnctl" \
	"$top_srcdir/tests/data"
