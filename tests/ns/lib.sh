# SPDX-License-Identifier: Apache-2.0
#
# tests/ns/lib.sh - what the namespace tests (tests/ns-*.sh) share.  Sourced,
# never run; POSIX sh.  A test starts like this:
#
#   top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
#   . "$top_srcdir/tests/ns/lib.sh"
#   PREFIX=vnxx$$            every namespace of the test is PREFIX-*
#   ns_require TOOL...       root, ip, TOOLs, python3, 'ip netns': else 77
#   ns_binaries vnctl        vnswitchd (and vnctl) built: else FAIL (1)
#   SW_PID="" ...            the PIDs the test's ns_teardown stops
#   ns_teardown() { stop $SW_PID; }
#   ns_init NAME             WORK, failed, T0 and the exit trap
#
# The exit trap (ns_cleanup) runs the test's ns_teardown (its processes,
# stopped by PID), deletes by exact name every namespace given to ns_add or
# ns_own (made or not: a half-built topology goes too), and removes WORK
# unless the test failed or VNSW_KEEP is set.  A test sets its PID
# variables before ns_init so that the trap never sees inherited ones.
#
# Names it defines for the tests: skip, fail, step, poll, wait_for,
# exited, stop, vnctl, lldptool, vdptool and ns_*; variables PY, NSDIR, H,
# VNSWITCHD, VNCTL, WORK, failed, T0, NS_NAMES, PORTS (ns_lab_up),
# NS_PID (ns_tcpdump).  Hooks a test may define: ns_teardown (the exit
# trap), ns_diagnose (fail, after the FAIL line); NS_FAIL_NOTE is appended
# to every FAIL line in parentheses.
#
# Helpers for a test's own topology read these of its variables: SW (the
# switch's namespace), ST (lldpad's), CTL (the control socket), SW_PID,
# LLDPAD_PID and CAP_PIDS.

PY=/usr/bin/python3
NSDIR=$top_srcdir/tests/ns
# The JSON reader of tests/ns/interop.py: $H get PATH... <FILE.
H="$PY $NSDIR/interop.py"

skip() {
	echo "SKIP: $*"
	exit 77
}

# ns_require TOOL...: skip (77) without root, ip, one of TOOLs, python3 or
# a working 'ip netns' (probed with the namespace PREFIX-probe).
ns_require() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	command -v ip >/dev/null 2>&1 || skip "no ip (iproute2)"
	for t; do
		command -v "$t" >/dev/null 2>&1 || skip "no $t"
	done
	[ -x "$PY" ] || skip "no $PY"
	ip netns add "$PREFIX-probe" 2>/dev/null || skip "ip netns does not work here"
	ip netns del "$PREFIX-probe"
}

# ns_binaries [vnctl]: VNSWITCHD and VNCTL from top_builddir (make check's
# environment; . otherwise).  A missing one is a failure, not a skip:
# make check builds them first.
ns_binaries() {
	top_builddir=${top_builddir:-.}
	bindir=$(cd "$top_builddir" && pwd)/switchd
	VNSWITCHD=$bindir/vnswitchd
	VNCTL=$bindir/vnctl
	for b in vnswitchd "$@"; do
		[ -x "$bindir/$b" ] || {
			echo "FAIL: $bindir/$b not built"
			exit 1
		}
	done
}

# ns_init NAME: the work directory ${TMPDIR:-/tmp}/vnsw-NAME.XXXXXX and the
# exit trap.
ns_init() {
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/vnsw-$1.XXXXXX") || {
		echo "FAIL: cannot make a work directory"
		exit 1
	}
	failed=0
	T0=$(date +%s)
	NS_NAMES=""
	trap ns_cleanup EXIT
	trap 'failed=1; exit 1' INT TERM HUP
}

# The test's processes: it defines its own (stop $X_PID ..., lab down).
ns_teardown() {
	:
}

# Diagnosis after a FAIL line: the test's own (logs, captures).
ns_diagnose() {
	:
}

ns_cleanup() {
	ns_teardown
	for n in $NS_NAMES; do
		ip netns del "$n" 2>/dev/null
	done
	if [ "$failed" = 0 ] && [ -z "${VNSW_KEEP:-}" ]; then
		rm -rf "$WORK"
	else
		echo "work directory kept: $WORK"
	fi
}

fail() {
	echo "FAIL: $*${NS_FAIL_NOTE:+ ($NS_FAIL_NOTE)}"
	failed=1
	ns_diagnose
	exit 1
}

# ns_log_tail FILE LINES TITLE [PATTERN]: for a diagnosis, the last LINES
# lines of FILE (of those matching the grep PATTERN) under "--- TITLE", if
# FILE has anything.
ns_log_tail() {
	[ -s "$1" ] || return 0
	echo "--- $3"
	if [ -n "${4:-}" ]; then
		grep -- "$4" "$1" | tail -n "$2"
	else
		tail -n "$2" "$1"
	fi
}

# ns_check_sanitizer LOG: fail, with the whole log, if it has a sanitizer
# report (the daemon is built with them in some builds).
ns_check_sanitizer() {
	if grep -q 'Sanitizer\|runtime error' "$1"; then
		cat "$1"
		fail "vnswitchd: sanitizer report (log above)"
	fi
}

# step TEXT: a progress line with the seconds since ns_init.
step() {
	echo "[$(($(date +%s) - T0))s] $*"
}

# poll SECONDS COMMAND...: run COMMAND every 0.1 s until it succeeds (0),
# at most SECONDS (1).
poll() {
	end=$(($(date +%s%N) / 1000000 + $1 * 1000))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $(($(date +%s%N) / 1000000)) -le "$end" ] || return 1
		sleep 0.1
	done
}

# wait_for SECONDS WHAT [-f FILE] COMMAND...: poll, else fail with WHAT and
# what FILE held last (what COMMAND saw).
wait_for() {
	limit=$1 what=$2 show=""
	shift 2
	if [ "$1" = -f ]; then
		show=$2
		shift 2
	fi
	poll "$limit" "$@" && return 0
	[ -z "$show" ] || what="$what; last seen ($show): $(cat "$show" 2>/dev/null)"
	fail "not within $limit s: $what"
}

# ---- processes -------------------------------------------------------------------

# exited PID: true once our child PID has exited (gone, or a zombie).
exited() {
	[ ! -e "/proc/$1" ] || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null
}

# stop PID...: SIGTERM, at most 10 s, then SIGKILL; reaps them.  Returns
# the exit status of the last one.
stop() {
	for pid; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid; do
		n=0
		until exited "$pid"; do
			n=$((n + 1))
			if [ $n -gt 100 ]; then
				echo "PID $pid did not stop on SIGTERM within 10 s: SIGKILL"
				kill -KILL "$pid" 2>/dev/null
				break
			fi
			sleep 0.1
		done
	done
	st=0
	for pid; do
		wait "$pid" 2>/dev/null
		st=$?
	done
	return $st
}

# ns_tcpdump NS PCAP LOG TCPDUMP-ARG...: tcpdump -U -n in NS writing PCAP,
# its messages in LOG, in the background ('ip netns exec' execs it: the PID
# is tcpdump's); the PID is NS_PID and is added to CAP_PIDS.
ns_tcpdump() {
	ns=$1 pcap=$2 log=$3
	shift 3
	ip netns exec "$ns" tcpdump -U -n -w "$pcap" "$@" 2>"$log" &
	NS_PID=$!
	CAP_PIDS="$CAP_PIDS $NS_PID"
}

# ns_wait_tcpdump LOG...: every tcpdump writing to a LOG listens (10 s at
# most).
ns_wait_tcpdump() {
	poll 10 ns_listening "$@" ||
		fail "tcpdump did not start within 10 s: $(cat "$@" 2>/dev/null)"
}
ns_listening() {
	[ "$(cat "$@" 2>/dev/null | grep -c 'listening on')" -ge $# ]
}

# ---- topology --------------------------------------------------------------------

# ns_own NAME...: namespaces the exit trap deletes (made by someone else:
# scripts/lab.sh).
ns_own() {
	NS_NAMES="$NS_NAMES $*"
}

# ns_add NAME...: new namespaces with lo up and without IPv6 (the stacks'
# own solicitations would wander through the switch); the exit trap
# deletes them.
ns_add() {
	for n; do
		ns_own "$n"
		ip netns add "$n" || fail "ip netns add $n"
		ip -n "$n" link set lo up
		ip netns exec "$n" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 >/dev/null
	done
}

# ns_veth NS1 IF1 NS2 IF2 [MAC2]: a veth pair, IF1 in NS1 and IF2 in NS2
# (with the address MAC2), both up.  Deleting a namespace deletes it.
ns_veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" || fail "ip link add $2"
	ip -n "$1" link set "$2" up
	if [ -n "${5:-}" ]; then
		ip -n "$3" link set "$4" address "$5" up
	else
		ip -n "$3" link set "$4" up
	fi
}

# ---- the switch ------------------------------------------------------------------

# vnctl ARG...: vnctl on the test's control socket $CTL, 5 s at most.
vnctl() {
	"$VNCTL" --ctl "$CTL" -t 5 "$@"
}

# ns_start_switch [ARG...]: vnswitchd live in $SW with $WORK/sw.conf and
# the control socket $CTL ('ip netns exec' execs it: SW_PID is the daemon);
# "=== start ARGS" then its messages are appended to $WORK/vnswitchd.log.
# Waits (10 s at most) for this run's "running live".
ns_start_switch() {
	echo "=== start${*:+ $*}" >>"$WORK/vnswitchd.log"
	runs=$(grep -c '^=== start' "$WORK/vnswitchd.log")
	ip netns exec "$SW" "$VNSWITCHD" -c "$WORK/sw.conf" --ctl "$CTL" "$@" \
		>>"$WORK/vnswitchd.log" 2>&1 &
	SW_PID=$!
	wait_for 10 "vnswitchd running live (run $runs)" ns_switch_running "$runs"
}
ns_switch_running() {
	[ "$(grep -c 'running live' "$WORK/vnswitchd.log")" -ge "$1" ]
}

# ns_stop_switch: SIGTERM to SW_PID; fails on a sanitizer report or an exit
# status other than 0.
ns_stop_switch() {
	stop "$SW_PID"
	rc=$?
	SW_PID=""
	ns_check_sanitizer "$WORK/vnswitchd.log"
	[ "$rc" = 0 ] || fail "vnswitchd exited with $rc on SIGTERM"
}

# ---- scripts/lab.sh (namespaces PREFIX-sw, PREFIX-up0, PREFIX-h1..h3) -----------

# lab up|down: scripts/lab.sh for this test: its PREFIX, $WORK/lab, this
# build's vnswitchd, LLDP off (the tests assert the exact frames every port
# receives; VNSW_LAB_CONF, where a test exports one, replaces it all).
lab() {
	VNSW_LAB_PREFIX="$PREFIX" VNSW_LAB_DIR="$WORK/lab" VNSWITCHD="$VNSWITCHD" \
		VNSW_LAB_LLDP=disabled sh "$top_srcdir/scripts/lab.sh" "$@"
}

# ns_lab_up: the lab, its output in $WORK/lab.out; the exit trap deletes
# its namespaces by name should lab.sh down leave any.
ns_lab_up() {
	PORTS="up0 h1 h2 h3"
	for n in sw $PORTS; do
		ns_own "$PREFIX-$n"
	done
	lab up >"$WORK/lab.out" 2>&1 || {
		cat "$WORK/lab.out"
		fail "lab.sh up"
	}
}

# ns_lab_down: lab.sh down (SIGTERM to the daemon: it writes its state).
ns_lab_down() {
	lab down >>"$WORK/lab.out" 2>&1 || fail "lab.sh down: $(cat "$WORK/lab.out")"
}

# ---- lldpad (tests/ns-lldpad.sh, peers.md) ---------------------------------------

lldptool() {
	ip netns exec "$ST" lldptool "$@"
}
vdptool() {
	ip netns exec "$ST" vdptool "$@"
}

# ns_start_lldpad: lldpad in $ST with its configuration in $WORK/lldpad,
# its messages appended to $WORK/lldpad.log (after "=== start");
# LLDPAD_PID.  A private /dev/shm: lldpad's lock is /dev/shm/lldpad.state,
# shared by every namespace otherwise.  Every step execs: $! is lldpad.
ns_start_lldpad() {
	mkdir -p "$WORK/lldpad"
	echo "=== start" >>"$WORK/lldpad.log"
	ip netns exec "$ST" unshare --mount --propagation private sh -c \
		"mount -t tmpfs -o size=1m tmpfs /dev/shm && exec stdbuf -oL lldpad -p -V 7 -f '$WORK/lldpad/lldpad.conf'" \
		>>"$WORK/lldpad.log" 2>&1 &
	LLDPAD_PID=$!
	wait_for 10 "lldpad answers lldptool" lldptool -p
}

ns_stop_lldpad() {
	stop "$LLDPAD_PID"
	LLDPAD_PID=""
}

# ns_evb_station IFNAME SETTING...: lldpad's LLDP on IFNAME (rx and tx) with
# its EVB TLV as a station asking for reflective relay, plus the EVB
# SETTINGs (vdprka=18 ...).  lldpad reads the role at start only: restart
# it (ns_stop_lldpad, ns_start_lldpad) afterwards.
ns_evb_station() {
	ifc=$1
	shift
	lldptool -L -i "$ifc" -g ncb adminStatus=rxtx >/dev/null ||
		fail "lldptool could not configure the station"
	for s in enabletx=yes evbmode=station evbrrreq=yes "$@"; do
		lldptool -T -i "$ifc" -g ncb -V evb -c "$s" >/dev/null ||
			fail "lldptool could not configure the station"
	done
}
