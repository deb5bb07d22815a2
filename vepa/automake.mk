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
