#!/bin/sh
# Build a static libopenvswitch 3.1 from Debian's openvswitch-source package and
# stage it as a small SDK outside the source tree (Debian 12 has no
# libopenvswitch-dev).  The result is cached under $VNSWITCH_CACHE
# (default /var/cache/vnswitch) in a directory named after the tarball's and
# this script's checksums, and "$VNSWITCH_CACHE/libovs" points at the current
# one; configure looks there by default (--with-libovs=DIR to override).
# Facts behind the recipe: OVS needs its generated headers before the library
# target, its own config.h (ABI-relevant; staged as ovs-config.h without
# PACKAGE/VERSION) and its internal lib/*.h headers.
set -eu
CACHE=${VNSWITCH_CACHE:-/var/cache/vnswitch}
TARBALL=${OVS_TARBALL:-/usr/src/openvswitch/openvswitch.tar.gz}
[ -f "$TARBALL" ] || { echo "build-libovs: $TARBALL missing (apt-get install openvswitch-source)" >&2; exit 1; }

# Content only (not paths): any checkout of the same recipe reuses the cache.
key=$( (sha256sum <"$TARBALL"; sha256sum <"$0") | sha256sum | cut -c1-16)
PREFIX=$CACHE/libovs-$key
if [ -f "$PREFIX/.complete" ]; then
	ln -sfn "$PREFIX" "$CACHE/libovs"
	exit 0
fi

echo "build-libovs: building static libopenvswitch into $PREFIX (about a minute)"
mkdir -p "$CACHE"
W=$(mktemp -d "$CACHE/build.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM
rm -rf "$PREFIX"
cd "$W"
tar xzf "$TARBALL"
mkdir build
cd build
../openvswitch/configure --prefix="$PREFIX" --enable-static --disable-shared \
	--disable-ssl --disable-libcapng --disable-afxdp --disable-dependency-tracking \
	ac_cv_lib_unbound_ub_ctx_create=no ac_cv_lib_unwind_unw_backtrace=no \
	PYTHON3=/usr/bin/python3 CFLAGS="-O2 -g" >configure.log 2>&1 ||
	{ tail -n 30 configure.log >&2; exit 1; }
jobs=$(nproc 2>/dev/null || echo 2)
make -s -j"$jobs" include/odp-netlink.h include/odp-netlink-macros.h \
	lib/vswitch-idl.h lib/ovsdb-server-idl.h >make.log 2>&1 ||
	{ tail -n 30 make.log >&2; exit 1; }
make -s -j"$jobs" lib/libopenvswitch.la >>make.log 2>&1 ||
	{ tail -n 30 make.log >&2; exit 1; }
LTLIBS=lib/libopenvswitch.la
[ -f lib/libopenvswitchavx512.la ] && LTLIBS="$LTLIBS lib/libopenvswitchavx512.la"
make -s install-libLTLIBRARIES install-openvswitchincludeHEADERS \
	install-openflowincludeHEADERS install-pkgconfigDATA \
	lib_LTLIBRARIES="$LTLIBS" pkgconfig_DATA=lib/libopenvswitch.pc >>make.log 2>&1 ||
	{ tail -n 30 make.log >&2; exit 1; }
I=$PREFIX/include/ovs
mkdir -p "$I/lldp"
cp ../openvswitch/lib/*.h "$I/"
cp ../openvswitch/lib/lldp/*.h "$I/lldp/"
cp lib/vswitch-idl.h lib/ovsdb-server-idl.h include/odp-netlink.h \
	include/odp-netlink-macros.h "$I/"
sed -e '/^#define PACKAGE/d' -e '/^#define VERSION /d' -e '/^#define LT_OBJDIR/d' \
	config.h >"$I/ovs-config.h"
avx=""
[ -f "$PREFIX/lib/libopenvswitchavx512.a" ] && avx="-lopenvswitchavx512"
# Licence notices travel with the binary (Apache-2.0 section 4(d)).
mkdir -p "$PREFIX/share/doc/openvswitch"
cp ../openvswitch/LICENSE ../openvswitch/NOTICE "$PREFIX/share/doc/openvswitch/" 2>/dev/null || true
cat >"$PREFIX/lib/pkgconfig/libopenvswitch-internal.pc" <<PC
prefix=$PREFIX
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libopenvswitch-internal
Description: static libopenvswitch with its internal headers (vnswitch SDK)
Version: $(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"/\1/p' config.h)
Libs: -L\${libdir} -lopenvswitch $avx -latomic -lm
Cflags: -I\${includedir} -I\${includedir}/ovs
PC
touch "$PREFIX/.complete"
ln -sfn "$PREFIX" "$CACHE/libovs"
echo "build-libovs: done"
