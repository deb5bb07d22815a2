# The control socket and vnctl (issue 4).
#   tests/test-ctl      the framing and sw_ctl_handle() without a socket (CUnit)
#   tests/ctl-daemon.sh vnswitchd --stay driven by vnctl -f json and raw
#                       sockets (python3; no root needed)
check_PROGRAMS += tests/test-ctl
TESTS += tests/test-ctl tests/ctl-daemon.sh
EXTRA_DIST += tests/ctl-daemon.sh tests/ctl_daemon.py tests/ctl_abuse.py

tests_test_ctl_SOURCES = tests/test-ctl.c
tests_test_ctl_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(LIBCONFIG_CFLAGS) $(PCAP_CFLAGS) \
	$(OVS_CFLAGS)
tests_test_ctl_LDADD = $(SWITCHD_LIBS) $(TEST_LIBS)
