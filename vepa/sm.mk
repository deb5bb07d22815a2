# vepa: ECP state machine and VDP bridge role (pure state machines, virtual
# time), on top of the ECP/VDP codecs of vepa/automake.mk.
vepa_libvepa_a_SOURCES += \
	vepa/ecp_sm.c vepa/ecp_sm.h \
	vepa/vdp_bridge.c vepa/vdp_bridge.h

check_PROGRAMS += tests/test-ecp-vdp-sm
TESTS += tests/test-ecp-vdp-sm
# One program in three files: the ecp-sm and end-to-end suites
# (test-ecp-vdp-sm.c), the vdp-bridge suite (test-ecp-vdp-sm-bridge.c) and
# their harness (ecpvdptest.c).
tests_test_ecp_vdp_sm_SOURCES = tests/test-ecp-vdp-sm.c tests/test-ecp-vdp-sm-bridge.c \
	tests/ecpvdptest.c tests/ecpvdptest.h
tests_test_ecp_vdp_sm_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_ecp_vdp_sm_LDADD = vepa/libvepa.a $(TEST_LIBS)
