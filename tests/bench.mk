# make bench: performance figures as ratios measured in the same run.
# Never part of make check.
EXTRA_PROGRAMS += tests/bench-pipeline
tests_bench_pipeline_SOURCES = tests/bench-pipeline.c
tests_bench_pipeline_LDADD = $(SWITCHD_LIBS)
CLEANFILES += tests/bench-pipeline

bench: tests/bench-pipeline
	tests/bench-pipeline $(BENCH_SECONDS)
.PHONY: bench
