# VDP PRE-ASSOCIATE with resource reservation (802.1Qbg-2012 clause 41) in
# the control plane: what a reservation holds, who it keeps out, when it
# goes (tests/test-vdp-rr.c, on the control plane tests' shared fixture
# tests/cptest.c; switchd/cp_vdp.c, cplane.h).
check_PROGRAMS += tests/test-vdp-rr
TESTS += tests/test-vdp-rr
tests_test_vdp_rr_SOURCES = tests/test-vdp-rr.c tests/cptest.c tests/cptest.h
tests_test_vdp_rr_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(LIBCONFIG_CFLAGS) $(PCAP_CFLAGS)
tests_test_vdp_rr_LDADD = $(SWITCHD_LIBS) $(TEST_LIBS)
