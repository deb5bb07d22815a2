# make bench: performance figures as ratios measured in the same run.
# Never part of make check.
EXTRA_PROGRAMS += tests/bench-pipeline
tests_bench_pipeline_SOURCES = tests/bench-pipeline.c
tests_bench_pipeline_LDADD = $(SWITCHD_LIBS)
CLEANFILES += tests/bench-pipeline

# bench-pipeline: the pipeline (with per-vEth policy) against the I/O floor,
# and vEth scaling; bench-acl (switchd/policy.mk): the ACL engine with and
# without its flow cache as rules and masks grow.
bench: tests/bench-pipeline tests/bench-acl
	tests/bench-pipeline $(BENCH_SECONDS)
	tests/bench-acl $(BENCH_ACL_SECONDS)
.PHONY: bench
