# LLDP agent (802.1AB clause 9 state machines) and the EVB bridge-role
# negotiation (802.1Qbg-2012), built on the LLDPDU codec in lldp/liblldp.a.
noinst_LIBRARIES += lldp/liblldpagent.a
lldp_liblldpagent_a_SOURCES = \
	lldp/agent.c lldp/agent.h \
	lldp/evb.c lldp/evb.h

check_PROGRAMS += tests/test-lldp-agent
TESTS += tests/test-lldp-agent
# One program in three files: the tx and EVB suites (test-lldp-agent.c), the
# rx suite (test-lldp-agent-rx.c) and their recording owner (lldpagenttest.c).
tests_test_lldp_agent_SOURCES = tests/test-lldp-agent.c tests/test-lldp-agent-rx.c \
	tests/lldpagenttest.c tests/lldpagenttest.h
tests_test_lldp_agent_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_lldp_agent_LDADD = lldp/liblldpagent.a lldp/liblldp.a $(TEST_LIBS)
