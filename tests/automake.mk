# Shared test helpers; each module's automake.mk adds its own test programs.
noinst_LIBRARIES += tests/libtestutil.a
tests_libtestutil_a_SOURCES = tests/testutil.c tests/testutil.h
tests_libtestutil_a_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(PCAP_CFLAGS)
TEST_LIBS = tests/libtestutil.a $(CUNIT_LIBS) $(PCAP_LIBS)
EXTRA_DIST += tests/data
# What the namespace tests (tests/ns-*.sh) share, sourced by each.
EXTRA_DIST += tests/ns/lib.sh

# vnctl decode against independent decoders (tshark, tcpdump -vv).
TESTS += tests/compare-decoders.sh
EXTRA_DIST += tests/compare-decoders.sh tests/compare_decoders.py
