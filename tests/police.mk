# Per-vEth policy in the switch (issue 6).
#   tests/test-policy    the pipeline with ACLs and policers, vnctl's acl / qos
#                        commands, live changes, reload, save, bad input (CUnit)
#   tests/ns-police.sh   a live vnswitchd in namespaces: a policed vEth's
#                        throughput held at its rate while its neighbour's is
#                        not (root; skips with 77 otherwise)
# The replay cases of policy are in tests/replay.mk (policy-*).
check_PROGRAMS += tests/test-policy
TESTS += tests/test-policy tests/ns-police.sh
EXTRA_DIST += tests/ns-police.sh tests/ns/stream.py

tests_test_policy_SOURCES = tests/test-policy.c
tests_test_policy_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(LIBCONFIG_CFLAGS) $(PCAP_CFLAGS) \
	$(OVS_CFLAGS)
tests_test_policy_LDADD = $(SWITCHD_LIBS) $(TEST_LIBS)
