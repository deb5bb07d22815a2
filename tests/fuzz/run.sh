#!/bin/sh
# make fuzz: run libFuzzer targets on their corpora (see tests/fuzz.mk).
#
#   tests/fuzz/run.sh TARGET...
#   env: top_srcdir, top_builddir (set by make), FUZZ_SECONDS per target
#   (600), FUZZ_JOBS targets at a time (2), FUZZ_ARGS extra libFuzzer flags.
#
# Each target reads the committed seeds (tests/fuzz/corpus/T, read only)
# and a work corpus in the build tree (tests/fuzz/work/T, where new inputs
# go); a crash is saved as tests/fuzz/crashers/T/crash-<sha1> in the
# source tree, to be committed so that make check replays it forever.
# The log of each run is tests/fuzz/work/T.log; the last line printed per
# target sums it up: seconds, executions, coverage, features, corpus size
# and crashes.  Exit status 1 if any target crashed.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
secs=${FUZZ_SECONDS:-600}
jobs=${FUZZ_JOBS:-2}
[ $# -gt 0 ] || set -- vntag lldp ecp vdp cdcp config ctl pipeline

# Inputs bigger than this are not tried: frames and PDUs fit in a jumbo
# frame; configurations and control requests are text.
max_len() {
	case $1 in
	pipeline | ctl | config) echo 16384 ;;
	*) echo 9216 ;;
	esac
}

run_one() {
	t=$1
	bin="$top_builddir/tests/fuzz/fuzz-$t"
	work="$top_builddir/tests/fuzz/work/$t"
	crash="$top_srcdir/tests/fuzz/crashers/$t"
	log="$top_builddir/tests/fuzz/work/$t.log"
	dict=""
	mkdir -p "$work" "$crash"
	[ -f "$top_srcdir/tests/fuzz/$t.dict" ] && dict="-dict=$top_srcdir/tests/fuzz/$t.dict"
	start=$(date +%s)
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -max_len="$(max_len "$t")" -timeout=20 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crash/" \
		$dict ${FUZZ_ARGS:-} "$work" "$top_srcdir/tests/fuzz/corpus/$t" >"$log" 2>&1
	rc=$?
	end=$(date +%s)
	rmdir "$crash" 2>/dev/null # only kept when something was found
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.*corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p')
	crashes=$(grep -c '^artifact_prefix=.*Test unit written to' "$log")
	echo "fuzz-$t: $((end - start)) s, ${execs:-?} execs, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}, crashes $crashes, exit $rc (log $log)"
	[ "$rc" -eq 0 ]
}

# libconfig 1.5's own leak on refused texts (see the file) is not ours.
LSAN_OPTIONS="suppressions=$top_srcdir/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
status=0

running=0
tmp=$(mktemp -d)
for t in "$@"; do
	[ -x "$top_builddir/tests/fuzz/fuzz-$t" ] || {
		echo "no $top_builddir/tests/fuzz/fuzz-$t (CC=clang ./configure --enable-fuzzer)" >&2
		exit 2
	}
done
for t in "$@"; do
	(run_one "$t" >"$tmp/$t.sum"; echo $? >"$tmp/$t.rc") &

	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait
for t in "$@"; do
	cat "$tmp/$t.sum"
	[ "$(cat "$tmp/$t.rc")" = 0 ] || status=1
done
rm -rf "$tmp"
exit $status
