#!/bin/sh
# Every seed (tests/fuzz/corpus/<target>/) and every crasher ever found
# (tests/fuzz/crashers/<target>/) through its fuzz target, built as a plain
# program (tests/fuzz/replay-<target>, see tests/fuzz.mk): in the normal
# build this checks the targets' own oracles, in the ASan + UBSan build the
# sanitizers too.  A crasher that crashes again fails the test and names
# the file.
top_srcdir=${top_srcdir:-$(dirname "$0")/..}
top_builddir=${top_builddir:-.}
targets="vntag lldp ecp vdp cdcp config ctl pipeline"
# libconfig 1.5's own leak on refused texts (see the file) is not ours.
LSAN_OPTIONS="suppressions=$top_srcdir/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
fail=0
for t in $targets; do
	prog="$top_builddir/tests/fuzz/replay-$t"
	if [ ! -x "$prog" ]; then
		echo "FAIL: $prog not built"
		fail=1
		continue
	fi
	set --
	for d in "$top_srcdir/tests/fuzz/corpus/$t" "$top_srcdir/tests/fuzz/crashers/$t"; do
		[ -d "$d" ] && set -- "$@" "$d"
	done
	if [ $# -eq 0 ]; then
		echo "FAIL: $t: no corpus in $top_srcdir/tests/fuzz/corpus/$t"
		fail=1
		continue
	fi
	# -v names each input on stderr first: the last one named is the
	# culprit if the program dies.
	if "$prog" -v "$@" 2>"replay-$t.err"; then
		echo "PASS: $t"
	else
		echo "FAIL: $t (exit $?), the input and the report:"
		tail -n 40 "replay-$t.err"
		fail=1
	fi
	rm -f "replay-$t.err"
done
exit $fail
