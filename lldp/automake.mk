# LLDP (802.1AB) LLDPDU codec with the 802.1Qbg EVB, CDCP and draft EVB TLVs.
noinst_LIBRARIES += lldp/liblldp.a
lldp_liblldp_a_SOURCES = \
	lldp/lldpdu.c lldp/lldpdu.h \
	lldp/lldp_org.c

check_PROGRAMS += tests/test-lldp
TESTS += tests/test-lldp
tests_test_lldp_SOURCES = tests/test-lldp.c
tests_test_lldp_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_lldp_LDADD = lldp/liblldp.a $(TEST_LIBS)
