#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The replay test cases (tests/replay/*/): run vnswitchd over each case's
# captures and compare with expected/ byte for byte; see tests/replay/README.
#
#   tests/replay/run.sh               check every case (make check runs this)
#   tests/replay/run.sh CASE...       check these cases only
#   tests/replay/run.sh --regen [CASE...]
#                                     after an intended change: rewrite the
#                                     inputs (gen.py) and expected/ (needs tshark),
#                                     then review them with git diff
#   tests/replay/run.sh --keep ...    keep the output directories
#
# Skipped (exit 77) without python3.  Finds the sources through $top_srcdir
# and vnswitchd through $top_builddir (make check exports both).
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ -z "$top_builddir" ]; then
	if [ -x "$top_srcdir/build/switchd/vnswitchd" ]; then
		top_builddir=$top_srcdir/build
	else
		top_builddir=.
	fi
fi
exec python3 -B "$top_srcdir/tests/replay/replay.py" \
	--vnswitchd "$top_builddir/switchd/vnswitchd" --cases "$top_srcdir/tests/replay" "$@"
