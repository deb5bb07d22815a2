# vepa: IEEE 802.1Qbg-2012 ECP (EtherType 0x8940) and VDP codecs.
noinst_LIBRARIES += vepa/libvepa.a
vepa_libvepa_a_SOURCES = \
	vepa/ecp.c vepa/ecp.h \
	vepa/vdp.c vepa/vdp.h

check_PROGRAMS += tests/test-vepa
TESTS += tests/test-vepa
tests_test_vepa_SOURCES = tests/test-vepa.c
tests_test_vepa_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_vepa_LDADD = vepa/libvepa.a $(TEST_LIBS)

# CDCP bridge role (S-channels); builds on the LLDP CDCP TLV codec.
vepa_libvepa_a_SOURCES += vepa/cdcp.c vepa/cdcp.h
check_PROGRAMS += tests/test-cdcp
TESTS += tests/test-cdcp
tests_test_cdcp_SOURCES = tests/test-cdcp.c
tests_test_cdcp_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_cdcp_LDADD = vepa/libvepa.a lldp/liblldp.a $(TEST_LIBS)
