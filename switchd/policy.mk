# Per-vEth policy (issue 6): the ACL engine (OVS match syntax and classifier
# behind an exact-match flow cache) and the policers (token bucket, RFC 2698
# trTCM).  Standalone modules in libswitchd; the pipeline wires them in.
#   tests/test-acl       ACL parsing, classification, remarking, cache, live update
#   tests/test-acl-cache the header cache against the classifier, split frames
#   tests/test-policer   buckets against an exact rational reference
#   tests/bench-acl      frames/s of sw_acl_eval (built on request, never by make check)
switchd_libswitchd_a_SOURCES += \
	switchd/acl.c switchd/acl.h \
	switchd/policer.c switchd/policer.h \
	switchd/policy.c switchd/policy.h

check_PROGRAMS += tests/test-acl tests/test-acl-cache tests/test-policer
TESTS += tests/test-acl tests/test-acl-cache tests/test-policer

tests_test_acl_SOURCES = tests/test-acl.c
tests_test_acl_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(PCAP_CFLAGS) $(OVS_CFLAGS)
tests_test_acl_LDADD = $(SWITCHD_LIBS) $(TEST_LIBS)

tests_test_acl_cache_SOURCES = tests/test-acl-cache.c
tests_test_acl_cache_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(PCAP_CFLAGS) $(OVS_CFLAGS)
tests_test_acl_cache_LDADD = $(SWITCHD_LIBS) $(TEST_LIBS)

tests_test_policer_SOURCES = tests/test-policer.c
tests_test_policer_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(PCAP_CFLAGS)
tests_test_policer_LDADD = $(SWITCHD_LIBS) $(TEST_LIBS)

# Never part of make check: `make tests/bench-acl && tests/bench-acl [SECONDS]`.
EXTRA_PROGRAMS += tests/bench-acl
tests_bench_acl_SOURCES = tests/bench-acl.c
tests_bench_acl_LDADD = $(SWITCHD_LIBS)
CLEANFILES += tests/bench-acl
