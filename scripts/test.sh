#!/bin/sh
# README command (2), also run by .ci/run: set up a fresh Debian 12 machine
# (as root), then build and run every test:
#   1. the unit and replay tests (make check), printing CUnit's summaries;
#   2. the same suite in the ASan + UBSan build with leak detection;
#   3. make distcheck (the release tarball builds and passes too);
#   4. the clang-format check.
# Tests that need root or a real peer skip themselves (exit 77) without it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"

total_pass=0
total_fail=0
total_skip=0
status=0

run_suite() { # name builddir [configure args]
	name=$1
	shift
	echo "=== $name ==="
	"$top/scripts/build.sh" "$@"
	bdir=$top/$1
	rc=0
	(cd "$bdir" && make -s -j"$(nproc 2>/dev/null || echo 2)" check >check.out 2>&1) || rc=$?
	for log in "$bdir"/tests/*.log; do
		[ -f "$log" ] || continue
		case "$log" in */test-suite.log) continue ;; esac
		sed -n '/^Run Summary/,/^Elapsed/p' "$log"
	done
	grep -E '^(PASS|FAIL|SKIP|ERROR|XFAIL|XPASS):' "$bdir/check.out" || true
	p=$(sed -n 's/^# PASS: *//p' "$bdir/check.out" | tail -n 1)
	f=$(sed -n 's/^# FAIL: *//p' "$bdir/check.out" | tail -n 1)
	e=$(sed -n 's/^# ERROR: *//p' "$bdir/check.out" | tail -n 1)
	s=$(sed -n 's/^# SKIP: *//p' "$bdir/check.out" | tail -n 1)
	total_pass=$((total_pass + ${p:-0}))
	total_fail=$((total_fail + ${f:-0} + ${e:-0}))
	total_skip=$((total_skip + ${s:-0}))
	if [ "$rc" != 0 ]; then
		status=1
		cat "$bdir/tests/test-suite.log" 2>/dev/null || cat "$bdir/check.out"
	fi
}

run_suite "unit and replay tests" build
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	run_suite "ASan + UBSan build" build-asan --enable-sanitizers

echo "=== make distcheck ==="
if (cd "$top/build" && make -s distcheck >distcheck.out 2>&1); then
	echo "distcheck: ok"
	total_pass=$((total_pass + 1))
else
	tail -n 40 "$top/build/distcheck.out"
	total_fail=$((total_fail + 1))
	status=1
fi

echo "=== clang-format ==="
if command -v clang-format >/dev/null 2>&1; then
	if (cd "$top/build" && make -s check-format); then
		total_pass=$((total_pass + 1))
	else
		total_fail=$((total_fail + 1))
		status=1
	fi
fi

echo
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
exit $status
