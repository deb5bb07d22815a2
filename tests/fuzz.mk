# Fuzzing (issue 9): one libFuzzer target per input the switch reads, in
# tests/fuzz/fuzz-<target>.c, each linked two ways:
#
#   tests/fuzz/replay-<target>  with tests/fuzz/replay-main.c, in every
#       build: make check runs it over the seed corpus and the kept crashers
#       (tests/fuzz-replay.sh), so no crash found once comes back;
#   tests/fuzz/fuzz-<target>    with libFuzzer, only when configured with
#       `CC=clang ./configure --enable-fuzzer` (ASan + UBSan, coverage):
#       `make fuzz [FUZZ_SECONDS=600] [FUZZ_TARGETS="lldp vdp"] [FUZZ_JOBS=2]`
#       runs each for FUZZ_SECONDS on its corpus and saves what crashes in
#       tests/fuzz/crashers/<target>/ of the source tree (commit them).
#
# tests/fuzz/corpus/<target>/ holds the seeds, written by tests/fuzz/seed.py
# from tests/data/*.pcap and the replay cases' inputs (committed).  New
# corpus entries a run finds go to the build tree (tests/fuzz/work/).
# Results of the runs so far: tests/fuzz/RESULTS.md.

FUZZ_TARGETS = vntag lldp ecp vdp cdcp config ctl pipeline
FUZZ_SECONDS = 600
FUZZ_JOBS = 2

FUZZ_VNTAG_LIBS = vntag/libvntag.a
FUZZ_LLDP_LIBS = lldp/liblldpagent.a lldp/liblldp.a
FUZZ_VEPA_LIBS = vepa/libvepa.a lldp/liblldp.a
FUZZ_SW_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS) $(PCAP_CFLAGS) $(OVS_CFLAGS)

noinst_HEADERS += tests/fuzz/fuzz.h tests/fuzz/fuzzsw.h

# ---- replay programs (every build, make check) ----------------------------

check_PROGRAMS += tests/fuzz/replay-vntag tests/fuzz/replay-lldp tests/fuzz/replay-ecp \
	tests/fuzz/replay-vdp tests/fuzz/replay-cdcp tests/fuzz/replay-config \
	tests/fuzz/replay-ctl tests/fuzz/replay-pipeline
TESTS += tests/fuzz-replay.sh

tests_fuzz_replay_vntag_SOURCES = tests/fuzz/fuzz-vntag.c tests/fuzz/replay-main.c
tests_fuzz_replay_vntag_LDADD = $(FUZZ_VNTAG_LIBS)
tests_fuzz_replay_lldp_SOURCES = tests/fuzz/fuzz-lldp.c tests/fuzz/replay-main.c
tests_fuzz_replay_lldp_LDADD = $(FUZZ_LLDP_LIBS)
tests_fuzz_replay_ecp_SOURCES = tests/fuzz/fuzz-ecp.c tests/fuzz/replay-main.c
tests_fuzz_replay_ecp_LDADD = $(FUZZ_VEPA_LIBS)
tests_fuzz_replay_vdp_SOURCES = tests/fuzz/fuzz-vdp.c tests/fuzz/replay-main.c
tests_fuzz_replay_vdp_LDADD = $(FUZZ_VEPA_LIBS)
tests_fuzz_replay_cdcp_SOURCES = tests/fuzz/fuzz-cdcp.c tests/fuzz/replay-main.c
tests_fuzz_replay_cdcp_LDADD = $(FUZZ_VEPA_LIBS)
tests_fuzz_replay_config_SOURCES = tests/fuzz/fuzz-config.c tests/fuzz/replay-main.c
tests_fuzz_replay_config_CFLAGS = $(FUZZ_SW_CFLAGS)
tests_fuzz_replay_config_LDADD = $(SWITCHD_LIBS)
tests_fuzz_replay_ctl_SOURCES = tests/fuzz/fuzz-ctl.c tests/fuzz/fuzzsw.c \
	tests/fuzz/replay-main.c
tests_fuzz_replay_ctl_CFLAGS = $(FUZZ_SW_CFLAGS)
tests_fuzz_replay_ctl_LDADD = $(SWITCHD_LIBS)
tests_fuzz_replay_pipeline_SOURCES = tests/fuzz/fuzz-pipeline.c tests/fuzz/fuzzsw.c \
	tests/fuzz/replay-main.c
tests_fuzz_replay_pipeline_CFLAGS = $(FUZZ_SW_CFLAGS)
tests_fuzz_replay_pipeline_LDADD = $(SWITCHD_LIBS)

# ---- libFuzzer binaries (CC=clang ./configure --enable-fuzzer) ------------

if ENABLE_FUZZER
noinst_PROGRAMS = tests/fuzz/fuzz-vntag tests/fuzz/fuzz-lldp tests/fuzz/fuzz-ecp \
	tests/fuzz/fuzz-vdp tests/fuzz/fuzz-cdcp tests/fuzz/fuzz-config \
	tests/fuzz/fuzz-ctl tests/fuzz/fuzz-pipeline
endif

tests_fuzz_fuzz_vntag_SOURCES = tests/fuzz/fuzz-vntag.c
tests_fuzz_fuzz_vntag_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_vntag_LDADD = $(FUZZ_VNTAG_LIBS)
tests_fuzz_fuzz_lldp_SOURCES = tests/fuzz/fuzz-lldp.c
tests_fuzz_fuzz_lldp_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_lldp_LDADD = $(FUZZ_LLDP_LIBS)
tests_fuzz_fuzz_ecp_SOURCES = tests/fuzz/fuzz-ecp.c
tests_fuzz_fuzz_ecp_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_ecp_LDADD = $(FUZZ_VEPA_LIBS)
tests_fuzz_fuzz_vdp_SOURCES = tests/fuzz/fuzz-vdp.c
tests_fuzz_fuzz_vdp_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_vdp_LDADD = $(FUZZ_VEPA_LIBS)
tests_fuzz_fuzz_cdcp_SOURCES = tests/fuzz/fuzz-cdcp.c
tests_fuzz_fuzz_cdcp_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_cdcp_LDADD = $(FUZZ_VEPA_LIBS)
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz-config.c
tests_fuzz_fuzz_config_CFLAGS = $(FUZZ_SW_CFLAGS)
tests_fuzz_fuzz_config_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_config_LDADD = $(SWITCHD_LIBS)
tests_fuzz_fuzz_ctl_SOURCES = tests/fuzz/fuzz-ctl.c tests/fuzz/fuzzsw.c
tests_fuzz_fuzz_ctl_CFLAGS = $(FUZZ_SW_CFLAGS)
tests_fuzz_fuzz_ctl_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_ctl_LDADD = $(SWITCHD_LIBS)
tests_fuzz_fuzz_pipeline_SOURCES = tests/fuzz/fuzz-pipeline.c tests/fuzz/fuzzsw.c
tests_fuzz_fuzz_pipeline_CFLAGS = $(FUZZ_SW_CFLAGS)
tests_fuzz_fuzz_pipeline_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_pipeline_LDADD = $(SWITCHD_LIBS)

# ---- make fuzz --------------------------------------------------------------

if ENABLE_FUZZER
fuzz: $(noinst_PROGRAMS)
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	FUZZ_SECONDS='$(FUZZ_SECONDS)' FUZZ_JOBS='$(FUZZ_JOBS)' \
		$(SHELL) '$(srcdir)/tests/fuzz/run.sh' $(FUZZ_TARGETS)
else
fuzz:
	@echo "make fuzz needs the libFuzzer build: CC=clang ./configure --enable-fuzzer" >&2
	@exit 1
endif
.PHONY: fuzz

# Rewrite the seed corpus from tests/data and the replay cases (then
# review and commit tests/fuzz/corpus).
fuzz-seed:
	cd '$(srcdir)' && python3 tests/fuzz/seed.py
.PHONY: fuzz-seed

clean-local: clean-fuzz-work
clean-fuzz-work:
	rm -rf tests/fuzz/work
.PHONY: clean-fuzz-work

EXTRA_DIST += tests/fuzz-replay.sh tests/fuzz/run.sh tests/fuzz/seed.py \
	tests/fuzz/README.md tests/fuzz/RESULTS.md tests/fuzz/ctl.dict tests/fuzz/config.dict \
	tests/fuzz/lsan.supp \
	tests/fuzz/corpus tests/fuzz/crashers
