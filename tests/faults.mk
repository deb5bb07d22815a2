# Faults (issue 9): the runtime state file across a restart (unit test), and,
# as root in network namespaces, kill -9 and restart of a live switch with
# static, vnctl-added and VDP vEths (tests/ns-restart.sh) and ECP/VDP with a
# real lldpad station over a lossy, reordering link (tests/ns-netem.sh).
# The namespace tests exit 77 (skip) without root or a tool they need.
check_PROGRAMS += tests/test-persist
TESTS += tests/test-persist
tests_test_persist_SOURCES = tests/test-persist.c tests/cptest.c tests/cptest.h
tests_test_persist_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(LIBCONFIG_CFLAGS) $(PCAP_CFLAGS)
tests_test_persist_LDADD = $(SWITCHD_LIBS) $(TEST_LIBS)
TESTS += tests/ns-restart.sh
EXTRA_DIST += tests/ns-restart.sh tests/ns/faults.py
TESTS += tests/ns-netem.sh
EXTRA_DIST += tests/ns-netem.sh tests/ns/lossy.py
