# switchd: the daemon vnswitchd (later issues) and the operator CLI vnctl.

# The writer and the offline decoder, shared by vnctl and the tests.
noinst_LIBRARIES += switchd/libvncli.a
switchd_libvncli_a_SOURCES = \
	switchd/writer.c switchd/writer.h \
	switchd/decode.c switchd/decode.h \
	switchd/decode_layers.c switchd/decode_layers.h \
	switchd/ctlproto.c switchd/ctlproto.h \
	switchd/ctlclient.c switchd/ctlclient.h
switchd_libvncli_a_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS) $(OVS_CFLAGS)

bin_PROGRAMS += switchd/vnctl
switchd_vnctl_SOURCES = switchd/vnctl.c
switchd_vnctl_LDADD = switchd/libvncli.a lldp/liblldp.a vepa/libvepa.a vntag/libvntag.a \
	$(PCAP_LIBS) $(OVS_LIBS)

# The switch core as a library: the daemon, the tests and the fuzzers link it.
noinst_LIBRARIES += switchd/libswitchd.a
switchd_libswitchd_a_SOURCES = \
	switchd/swconf.c switchd/swconf.h switchd/swconf_int.h switchd/swconf_policy.c \
	switchd/sw.c switchd/sw.h switchd/sw_internal.h \
	switchd/audit.c switchd/audit.h switchd/cp_audit.c switchd/burst.c \
	switchd/htab.c switchd/htab.h \
	switchd/pipeline.c \
	switchd/trace.c switchd/trace.h \
	switchd/port_be.h switchd/port_pcap.c \
	switchd/replay.c switchd/replay.h \
	switchd/state.c switchd/state.h \
	switchd/admin.c switchd/admin.h \
	switchd/runconf.c \
	switchd/ctl.c switchd/ctl.h
switchd_libswitchd_a_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS) $(PCAP_CFLAGS) $(OVS_CFLAGS)
SWITCHD_LIBS = switchd/libswitchd.a switchd/libvncli.a lldp/liblldp.a vepa/libvepa.a \
	vntag/libvntag.a $(LIBCONFIG_LIBS) $(PCAP_LIBS) $(OVS_LIBS)

sbin_PROGRAMS += switchd/vnswitchd
switchd_vnswitchd_SOURCES = switchd/vnswitchd.c switchd/live.c switchd/live.h \
	switchd/ctlserver.c switchd/ctlserver.h
switchd_vnswitchd_LDADD = $(SWITCHD_LIBS)
EXTRA_DIST += conf/example.conf

dist_man_MANS = doc/vnctl.8 doc/vnswitchd.8 doc/vnswitch.conf.5
bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = contrib/vnctl
