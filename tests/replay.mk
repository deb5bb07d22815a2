# Replay test cases: tests/replay/<case>/{switch.conf,args,in-*.pcap,checks,
# README,expected/}, run by tests/replay/run.sh (see tests/replay/README).
TESTS += tests/replay/run.sh

# Every case directory, each listed here so that it is distributed (run.sh
# fails on a case directory missing from this list).  The cases are listed
# one by one rather than tests/replay as a whole, which would also ship the
# test logs make check leaves in the build tree's tests/replay/.
REPLAY_CASES = \
	tests/replay/aging \
	tests/replay/audit-duplicate \
	tests/replay/audit-healthy \
	tests/replay/audit-untagged \
	tests/replay/audit-uplink \
	tests/replay/auto-create \
	tests/replay/drops \
	tests/replay/etag-forwarding \
	tests/replay/learning \
	tests/replay/lldpad-assoc \
	tests/replay/lldpad-keepalive-expiry \
	tests/replay/oversize \
	tests/replay/policy-acl \
	tests/replay/policy-police \
	tests/replay/real-lldpad-control \
	tests/replay/real-vntag-5variants \
	tests/replay/schannel-cdcp \
	tests/replay/uplink-trunk \
	tests/replay/vdp-vntag-etag \
	tests/replay/vepa-relay-off \
	tests/replay/vepa-relay-on \
	tests/replay/vntag-forwarding
EXTRA_DIST += tests/replay/README tests/replay/run.sh tests/replay/replay.py \
	tests/replay/gen.py tests/replay/TSHARK_VERSION tests/replay.mk $(REPLAY_CASES)

# After an intended change of behaviour: rewrite the inputs and every case's
# expected/ from this build (needs tshark), then review with git diff.
replay-regen: switchd/vnswitchd$(EXEEXT)
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
		$(SHELL) '$(srcdir)/tests/replay/run.sh' --regen
.PHONY: replay-regen
