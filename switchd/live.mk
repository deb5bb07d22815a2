# Live mode of vnswitchd: AF_PACKET ports driven by the libevent loop, the
# namespace lab script and the namespace test.

# event.c is the only file that includes libevent: it gets its own little
# library so its flags stay off every other object (the control socket
# links it too).
noinst_LIBRARIES += switchd/libswevent.a
switchd_libswevent_a_SOURCES = switchd/event.c switchd/event.h
switchd_libswevent_a_CFLAGS = $(AM_CFLAGS) $(LIBEVENT_CFLAGS)

switchd_vnswitchd_SOURCES += switchd/port_afpacket.c
switchd_vnswitchd_LDADD += switchd/libswevent.a $(LIBEVENT_LIBS)

# Needs root, ip netns, tshark and tcpdump; exits 77 (skip) without them.
TESTS += tests/ns-live.sh
EXTRA_DIST += scripts/lab.sh tests/ns-live.sh tests/ns/send.py tests/ns/norm.py
# Interface faults under a live switch (issue 9): down/up, carrier loss,
# deletion and re-creation of a port's interface.  Root; 77 otherwise.
TESTS += tests/ns-ifaces.sh
EXTRA_DIST += tests/ns-ifaces.sh
