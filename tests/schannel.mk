# S-channels on VEPA ports (issue 5): CDCP in the control plane and the
# S-tagged datapath, with memory back-ends (tests/test-schannel.c).
check_PROGRAMS += tests/test-schannel
TESTS += tests/test-schannel
tests_test_schannel_SOURCES = tests/test-schannel.c tests/cptest.c tests/cptest.h
tests_test_schannel_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(LIBCONFIG_CFLAGS) $(PCAP_CFLAGS)
tests_test_schannel_LDADD = $(SWITCHD_LIBS) $(TEST_LIBS)
