# switchd: the daemon vnswitchd (later issues) and the operator CLI vnctl.

# The writer and the offline decoder, shared by vnctl and the tests.
noinst_LIBRARIES += switchd/libvncli.a
switchd_libvncli_a_SOURCES = \
	switchd/writer.c switchd/writer.h \
	switchd/decode.c switchd/decode.h \
	switchd/decode_layers.c switchd/decode_layers.h
switchd_libvncli_a_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS)

bin_PROGRAMS += switchd/vnctl
switchd_vnctl_SOURCES = switchd/vnctl.c
switchd_vnctl_LDADD = switchd/libvncli.a lldp/liblldp.a vepa/libvepa.a vntag/libvntag.a \
	$(PCAP_LIBS)
