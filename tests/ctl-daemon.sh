#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The control socket and vnctl against a running vnswitchd (replay clock, no
# root needed): every command with -f json, a table of bad requests and bad
# arguments that must leave the state unchanged, raw-socket abuse of the
# framing.  See tests/ctl_daemon.py.  Skipped (exit 77) without python3.
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
if [ -z "$top_builddir" ]; then
	if [ -x "$top_srcdir/build/switchd/vnswitchd" ]; then
		top_builddir=$top_srcdir/build
	else
		top_builddir=.
	fi
fi
exec python3 -B "$top_srcdir/tests/ctl_daemon.py" \
	"$top_builddir/switchd/vnswitchd" "$top_builddir/switchd/vnctl" "$@"
