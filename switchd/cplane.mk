# The switch's control plane (issue 5): LLDP agents, EVB, ECP and the VDP
# bridge role on every port, in the switch library; its unit test.
switchd_libswitchd_a_SOURCES += \
	switchd/cplane.c switchd/cplane.h \
	switchd/cp_vdp.c switchd/cp_show.c switchd/cp_schan.c switchd/cp_internal.h

# The LLDP agent library sits on the LLDPDU codec: list the codec again after
# it (static libraries are searched once, in order).
SWITCHD_LIBS += lldp/liblldpagent.a lldp/liblldp.a vepa/libvepa.a vntag/libvntag.a

# The control plane tests (here, tests/schannel.mk, tests/faults.mk) share
# one fixture, tests/cptest.c, compiled into each program.
check_PROGRAMS += tests/test-cplane
TESTS += tests/test-cplane
tests_test_cplane_SOURCES = tests/test-cplane.c tests/cptest.c tests/cptest.h
tests_test_cplane_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(LIBCONFIG_CFLAGS) $(PCAP_CFLAGS)
tests_test_cplane_LDADD = $(SWITCHD_LIBS) $(TEST_LIBS)

# Abuse (issue 9): VDP migration rules, limits, 100k-request floods.
check_PROGRAMS += tests/test-abuse
TESTS += tests/test-abuse
tests_test_abuse_SOURCES = tests/test-abuse.c tests/cptest.c tests/cptest.h
tests_test_abuse_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(LIBCONFIG_CFLAGS) $(PCAP_CFLAGS)
tests_test_abuse_LDADD = $(SWITCHD_LIBS) $(TEST_LIBS)

# The runtime state file (vnswitchd --state-file, persist.h) and its control
# plane part: the VDP associations saved and restored (cp_persist.c).
switchd_libswitchd_a_SOURCES += switchd/persist.c switchd/persist.h switchd/cp_persist.c
