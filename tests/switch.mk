# Unit tests of the switch core: the configuration loader and the pipeline
# (driven through the memory port back-end).
check_PROGRAMS += tests/test-swconf tests/test-switch tests/test-audit tests/test-burst
TESTS += tests/test-swconf tests/test-switch tests/test-audit tests/test-burst

tests_test_swconf_SOURCES = tests/test-swconf.c
tests_test_swconf_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(LIBCONFIG_CFLAGS) $(PCAP_CFLAGS)
tests_test_swconf_LDADD = $(SWITCHD_LIBS) $(TEST_LIBS)

# One program in three files: the pipeline and fdb suites (test-switch.c),
# the model suite (test-switch-model.c), and their fixture (switchtest.c).
tests_test_switch_SOURCES = tests/test-switch.c tests/test-switch-model.c \
	tests/switchtest.c tests/switchtest.h
tests_test_switch_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(LIBCONFIG_CFLAGS) $(PCAP_CFLAGS)
tests_test_switch_LDADD = $(SWITCHD_LIBS) $(TEST_LIBS)

tests_test_audit_SOURCES = tests/test-audit.c
tests_test_audit_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(LIBCONFIG_CFLAGS) $(PCAP_CFLAGS)
tests_test_audit_LDADD = $(SWITCHD_LIBS) $(TEST_LIBS)

tests_test_burst_SOURCES = tests/test-burst.c
tests_test_burst_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(LIBCONFIG_CFLAGS) $(PCAP_CFLAGS)
tests_test_burst_LDADD = $(SWITCHD_LIBS) $(TEST_LIBS)
