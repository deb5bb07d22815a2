# make bench-live: live forwarding of 64-byte frames through vnswitchd, Open
# vSwitch's userspace datapath and the Linux bridge in network namespaces
# (tests/bench-live.sh; issue 8, item 3).  Needs root; never part of make
# check.  A skip (exit 77: no root, no tool) does not fail the target.
EXTRA_PROGRAMS += tests/bench/txgen
tests_bench_txgen_SOURCES = tests/bench/txgen.c
CLEANFILES += tests/bench/txgen
EXTRA_DIST += tests/bench-live.sh

bench-live: switchd/vnswitchd$(EXEEXT) switchd/vnctl$(EXEEXT) tests/bench/txgen$(EXEEXT)
	@rc=0; top_srcdir=$(abs_top_srcdir) top_builddir=$(abs_top_builddir) \
	  $(SHELL) $(srcdir)/tests/bench-live.sh || rc=$$?; \
	if test $$rc = 77; then echo "bench-live: skipped"; rc=0; fi; exit $$rc
.PHONY: bench-live
