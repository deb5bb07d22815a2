#!/bin/sh
# Configure (once) and build vnswitch out of tree.
#   scripts/build.sh [BUILDDIR [configure options...]]   (default: build)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bdir=${1:-build}
[ $# -gt 0 ] && shift
case "$bdir" in /*) ;; *) bdir=$top/$bdir ;; esac
cd "$top"
[ -x configure ] && [ configure -nt configure.ac ] || ./autogen.sh >/dev/null 2>&1 ||
	{ echo "autogen.sh failed" >&2; ./autogen.sh; exit 1; }
mkdir -p "$bdir"
cd "$bdir"
if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ]; then
	"$top/configure" -q "$@"
fi
make -s -j"$(nproc 2>/dev/null || echo 2)" >make.out 2>&1 || { cat make.out >&2; exit 1; }
