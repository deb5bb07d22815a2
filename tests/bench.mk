# make bench: performance figures as ratios measured in the same run, or
# next to their targets.  Never part of make check.
EXTRA_PROGRAMS += tests/bench-pipeline tests/bench-cplane
tests_bench_pipeline_SOURCES = tests/bench-pipeline.c
tests_bench_pipeline_LDADD = $(SWITCHD_LIBS)
tests_bench_cplane_SOURCES = tests/bench-cplane.c
tests_bench_cplane_LDADD = $(SWITCHD_LIBS)
CLEANFILES += tests/bench-pipeline tests/bench-cplane

# bench-pipeline: figures 1 and 2 (the pipeline through the replay path
# against the I/O floor, and in memory; scaling by vEths and by rules);
# bench-acl (switchd/policy.mk): the ACL engine with and without its flow
# cache as rules and masks grow; bench-cplane: figure 4 (VDP associations
# per second, memory per vEth, start-up with 10k vEths).
# Then figure 3, live forwarding against Open vSwitch and the Linux bridge
# (make bench-live: as root; skipped otherwise), so that make bench prints
# every figure of issue 8.
bench: tests/bench-pipeline tests/bench-acl tests/bench-cplane
	tests/bench-pipeline $(BENCH_SECONDS)
	tests/bench-acl $(BENCH_ACL_SECONDS)
	tests/bench-cplane $(BENCH_SECONDS)
	@$(MAKE) $(AM_MAKEFLAGS) bench-live
.PHONY: bench
