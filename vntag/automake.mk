# VN-Tag (0x8926) and IEEE 802.1BR E-Tag (0x893F) codecs, plus the generic
# Ethernet layer walk the decoder and the pipeline share.
noinst_LIBRARIES += vntag/libvntag.a
vntag_libvntag_a_SOURCES = \
	vntag/vntag.c vntag/vntag.h \
	vntag/etag.c vntag/etag.h \
	vntag/eth.c vntag/eth.h

check_PROGRAMS += tests/test-vntag
TESTS += tests/test-vntag
tests_test_vntag_SOURCES = tests/test-vntag.c
tests_test_vntag_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_vntag_LDADD = vntag/libvntag.a $(TEST_LIBS)
