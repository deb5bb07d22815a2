/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-audit.c - the path audit (switchd/audit.c) on a switch driven through
 * the memory back-end and a virtual clock: the MAC index with MACs bound
 * twice, sightings and their eviction, the bypass share's threshold and
 * window, idle for static vEths, the log rate limit, traces recording
 * nothing, the verdict in the writer's output, and the settings' errors.
 * The VDP side (keep-alive windows, refused requests) is covered end to end
 * by the replay cases tests/replay/audit-*.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchd/audit.h"
#include "switchd/port_be.h"
#include "switchd/sw.h"
#include "switchd/sw_internal.h"
#include "switchd/swconf.h"
#include "switchd/trace.h"
#include "switchd/writer.h"
#include "tests/testutil.h"

#define SEC 1000000ull
#define T0  (1000 * SEC)

/* Ports: up0 (uplink, VLANs 10 20), hv (vntag), hp (vepa).  vEth 1: vif 5
 * VLAN 10; vEth 2: vif 6 VLAN 10; vEth 6: MAC M6 on hp VLAN 10; vEth 7:
 * the same MAC M6 on hp in VLAN 20 (a MAC bound twice). */
static const char conf_text[] =
	"switch = { name = \"t\"; mac = \"02:00:00:00:00:01\"; max_veths = 16;\n"
	"  lldp = { admin = \"disabled\"; };\n"
	"  audit = { window = 10; bypass_share = 50; idle = 20; log_rate = 2; }; };\n"
	"ports = (\n"
	"  { name = \"up0\"; role = \"uplink\"; vlans = [10, 20]; },\n"
	"  { name = \"hv\"; role = \"host\"; mode = \"vntag\"; },\n"
	"  { name = \"hp\"; role = \"host\"; mode = \"vepa\"; }\n"
	");\n"
	"veths = (\n"
	"  { id = 1; port = \"hv\"; vif = 5; vlan = 10; },\n"
	"  { id = 2; port = \"hv\"; vif = 6; vlan = 10; },\n"
	"  { id = 6; port = \"hp\"; mac = \"52:54:00:00:00:06\"; vlan = 10; }\n"
	");\n";

static const uint8_t M6[6] = { 0x52, 0x54, 0, 0, 0, 6 };
static const uint8_t U1[6] = { 0, 0, 0x5e, 0, 0x53, 1 };

static struct sw *sw;
static struct sw_mem_port mem[3];
static char lines[16][320];
static unsigned n_lines;

static void
log_cb(void *aux, const char *line)
{
	(void)aux;
	if (n_lines < 16)
		snprintf(lines[n_lines], sizeof(lines[0]), "%s", line);
	n_lines++;
}

static void
setup(void)
{
	struct sw_conf conf;
	char err[256];

	CU_ASSERT_FATAL(sw_conf_load_string(conf_text, "t.conf", &conf, err, sizeof(err)) == 0);
	sw = sw_create(&conf, err, sizeof(err));
	sw_conf_free(&conf);
	CU_ASSERT_FATAL(sw != NULL);
	memset(mem, 0, sizeof(mem));
	for (unsigned i = 0; i < 3; i++)
		sw_mem_attach(sw, i, &mem[i]);
	n_lines = 0;
	sw_set_log(sw, log_cb, NULL);
	sw_run_timers(sw, T0); /* the first call arms the 1 s tick */
}

static void
teardown(void)
{
	sw_destroy(sw);
	sw = NULL;
}

/* A 60-byte frame from 'src': VN-Tagged with svif (svif >= 0), C-tagged
 * with vid (vid > 0), or neither. */
static size_t
frame(uint8_t *b, const uint8_t *src, int svif, int vid)
{
	size_t n = 12;

	memcpy(b, U1, 6);
	memcpy(b + 6, src, 6);
	if (svif >= 0) {
		b[n++] = 0x89;
		b[n++] = 0x26;
		b[n++] = 0;
		b[n++] = 0;
		b[n++] = (uint8_t)(svif >> 8);
		b[n++] = (uint8_t)svif;
	}
	if (vid > 0) {
		b[n++] = 0x81;
		b[n++] = 0;
		b[n++] = (uint8_t)(vid >> 8);
		b[n++] = (uint8_t)vid;
	}
	b[n++] = 0x08;
	b[n++] = 0;
	memset(b + n, 0x55, 60 - n);
	return 60;
}

static void
send(unsigned port, const uint8_t *src, int svif, int vid, uint64_t t)
{
	uint8_t b[64];
	size_t n = frame(b, src, svif, vid);

	sw_input(sw, port, b, n, t, NULL);
}

/* Run the ticks up to time t (one a second). */
static void
run_to(uint64_t t)
{
	for (uint64_t x = T0 + SEC; x <= t; x += SEC)
		if (x > sw->now_us || x == t)
			sw_run_timers(sw, x);
}

static const struct sw_veth_audit *
va_of(uint32_t id)
{
	const struct sw_veth *v = sw_veth_by_id(sw, id);

	CU_ASSERT_FATAL(v != NULL);
	return &sw->audit.va[v - sw->veths];
}

static enum sw_verdict
verdict(uint32_t id)
{
	return sw_audit_verdict(sw, sw_veth_by_id(sw, id));
}

/* ---- tests ------------------------------------------------------------------------ */

static void
test_mac_index(void)
{
	struct sw_conf_veth cv = { .id = 7, .kind = SW_BIND_MAC, .has_vlan = true, .vlan = 20 };
	char err[160];

	setup();
	CU_ASSERT(sw_audit_mac_owner(&sw->audit, M6) == sw_veth_by_id(sw, 6) - sw->veths);
	/* The same MAC in VLAN 20: allowed (by_mac is per VLAN), counted twice. */
	snprintf(cv.port, sizeof(cv.port), "hp");
	memcpy(cv.mac, M6, 6);
	CU_ASSERT_FATAL(sw_veth_add(sw, &cv, SW_ORIGIN_CONFIG, T0, err, sizeof(err)) == 0);
	CU_ASSERT(sw_htab_find(&sw->audit.macs, sw_mac_u64(M6), 0)->aux == 2);
	run_to(T0 + SEC);
	CU_ASSERT(verdict(6) == SW_VERDICT_DUPLICATE);
	CU_ASSERT(verdict(7) == SW_VERDICT_DUPLICATE);
	CU_ASSERT(strstr(va_of(6)->why[SW_FIND_DUPLICATE], "vEth 7") != NULL);
	CU_ASSERT(sw->audit.opened[SW_FIND_DUPLICATE] == 2);
	/* The holder the index names goes: the index names the other one. */
	CU_ASSERT(sw_veth_remove(sw, 6, T0 + SEC, "test") == 0);
	CU_ASSERT(sw_audit_mac_owner(&sw->audit, M6) == sw_veth_by_id(sw, 7) - sw->veths);
	CU_ASSERT(sw_htab_find(&sw->audit.macs, sw_mac_u64(M6), 0)->aux == 1);
	run_to(T0 + 2 * SEC);
	CU_ASSERT(!(va_of(7)->open & 1u << SW_FIND_DUPLICATE));
	CU_ASSERT(sw->audit.closed[SW_FIND_DUPLICATE] == 1);
	CU_ASSERT(sw_veth_remove(sw, 7, T0 + 2 * SEC, "test") == 0);
	CU_ASSERT(!sw_audit_active(&sw->audit));
	teardown();
}

static void
test_bypass_share(void)
{
	const struct sw_veth_audit *va;

	setup();
	/* 6 frames on the vEth, 4 from its MAC on the uplink (VLAN 10,
	 * spoofed): 60 % on the vEth, not bypassed. */
	for (int i = 0; i < 6; i++)
		send(2, M6, -1, 10, T0 + 100000 + (uint64_t)i * 1000);
	for (int i = 0; i < 4; i++)
		send(0, M6, -1, 10, T0 + 200000 + (uint64_t)i * 1000);
	CU_ASSERT(sw->ports[0].ctr.drops[SW_DROP_SPOOFED_SOURCE] == 4);
	run_to(T0 + SEC);
	va = va_of(6);
	CU_ASSERT(va->n_seen == 1 && va->seen[0].kind == SW_SEEN_UPLINK &&
		va->seen[0].frames == 4 && va->seen[0].vlan == 10);
	CU_ASSERT(va->seen[0].first_us == T0 + 200000 && va->seen[0].last_us == T0 + 203000);
	CU_ASSERT(verdict(6) == SW_VERDICT_UNKNOWN); /* its MAC elsewhere: not direct */
	CU_ASSERT(!(va->open & 1u << SW_FIND_BYPASSED));
	/* 3 more elsewhere: 6 of 13 < 50 %: bypassed at the next tick. */
	for (int i = 0; i < 3; i++)
		send(0, M6, -1, 10, T0 + SEC + 100000 + (uint64_t)i * 1000);
	run_to(T0 + 2 * SEC);
	CU_ASSERT(verdict(6) == SW_VERDICT_BYPASSED);
	CU_ASSERT(va->opened_us[SW_FIND_BYPASSED] == T0 + 2 * SEC);
	CU_ASSERT(strstr(va->why[SW_FIND_BYPASSED], "7 of 13") != NULL);
	/* Two quiet windows later the sightings have left the window. */
	run_to(T0 + 25 * SEC);
	CU_ASSERT(!(va->open & 1u << SW_FIND_BYPASSED));
	CU_ASSERT(va->seen[0].frames == 7); /* kept as history */
	teardown();
}

static void
test_sightings(void)
{
	const struct sw_veth_audit *va;
	uint8_t b[64];
	struct sw_trace tr;

	setup();
	/* The MAC untagged on the VN-Tag port, on vif 6 (vEth 2, spoofed),
	 * on vif 9 (no vEth), on the uplink in VLAN 20 (not bound there),
	 * and finally on the uplink in VLAN 10: five places, four kept. */
	send(1, M6, -1, 0, T0 + 1000);
	send(1, M6, 6, 0, T0 + 2000);
	send(1, M6, 9, 0, T0 + 3000);
	send(0, M6, -1, 20, T0 + 4000);
	send(0, M6, -1, 10, T0 + 5000);
	va = va_of(6);
	CU_ASSERT(va->n_seen == SW_AUDIT_SEEN);
	CU_ASSERT(va->seen_replaced == 1);
	CU_ASSERT(sw->audit.sightings == 5);
	CU_ASSERT(sw->ports[1].ctr.drops[SW_DROP_MISSING_TAG] == 1);
	CU_ASSERT(sw->ports[1].ctr.drops[SW_DROP_UNKNOWN_VETH] == 1);
	/* The oldest (untagged) made room for the last one. */
	for (unsigned i = 0; i < va->n_seen; i++)
		CU_ASSERT(va->seen[i].kind != SW_SEEN_UNTAGGED);
	/* A trace changes nothing. */
	sw_trace_init(&tr);
	sw_input(sw, 1, b, frame(b, M6, -1, 0), T0 + 6000, &tr);
	CU_ASSERT(sw->audit.sightings == 5);
	/* A vEth whose own traffic is all there is: direct. */
	send(1, U1, 5, 0, T0 + 7000);
	run_to(T0 + SEC);
	CU_ASSERT(verdict(1) == SW_VERDICT_DIRECT);
	CU_ASSERT(verdict(6) == SW_VERDICT_BYPASSED);
	teardown();
}

static void
test_idle_and_log_rate(void)
{
	setup();
	send(1, U1, 5, 0, T0 + 500000); /* vEth 1 once; vEths 2 and 6 never */
	run_to(T0 + 20 * SEC);
	CU_ASSERT(n_lines == 0);
	run_to(T0 + 21 * SEC);
	/* Idle after 20 s: vEths 2 and 6 (watched since the first tick, T0+1)
	 * at T0+21; vEth 1 (last frame T0+0.5) at T0+21 too.  Three findings
	 * in one second, log_rate 2: two lines, one suppressed. */
	CU_ASSERT(verdict(1) == SW_VERDICT_IDLE);
	CU_ASSERT(verdict(2) == SW_VERDICT_IDLE);
	CU_ASSERT(verdict(6) == SW_VERDICT_IDLE);
	CU_ASSERT(n_lines == 2);
	CU_ASSERT(sw->audit.log_suppressed == 1);
	CU_ASSERT(strstr(lines[0], "idle") != NULL);
	/* vEth 1 sends again: closed at the next tick, and the suppressed
	 * line is reported before the next line. */
	send(1, U1, 5, 0, T0 + 21 * SEC + 1000);
	run_to(T0 + 22 * SEC);
	CU_ASSERT(verdict(1) == SW_VERDICT_DIRECT);
	CU_ASSERT(n_lines == 4);
	CU_ASSERT(strstr(lines[2], "1 log lines suppressed") != NULL);
	CU_ASSERT(strstr(lines[3], "no longer idle") != NULL);
	CU_ASSERT(sw->audit.closed[SW_FIND_IDLE] == 1);
	teardown();
}

static void
test_disabled_and_output(void)
{
	char *buf = NULL;
	size_t len = 0;
	struct sw_writer w;
	FILE *f;

	setup();
	send(1, M6, -1, 0, T0 + 1000);
	run_to(T0 + SEC);
	CU_ASSERT(verdict(6) == SW_VERDICT_BYPASSED);
	f = open_memstream(&buf, &len);
	sw_writer_init(&w, SW_FMT_JSON, f);
	CU_ASSERT(sw_audit_write(sw, 6, &w) == 0);
	sw_writer_finish(&w);
	fclose(f);
	CU_ASSERT(strstr(buf, "\"verdict\":\"bypassed\"") != NULL);
	CU_ASSERT(strstr(buf, "\"kind\":\"untagged\"") != NULL);
	CU_ASSERT(strstr(buf, "\"where\":\"untagged on hv\"") != NULL);
	free(buf);
	CU_ASSERT(sw_audit_write(sw, 99, &w) == -1);
	/* Disabled: every finding closes, verdicts are unknown. */
	sw->conf.audit.enabled = false;
	run_to(T0 + 2 * SEC);
	CU_ASSERT(verdict(6) == SW_VERDICT_UNKNOWN);
	CU_ASSERT(va_of(6)->open == 0);
	teardown();
}

static void
test_settings(void)
{
	static const char *const bad[] = {
		"audit = { window = 0; };",
		"audit = { window = 3601; };",
		"audit = { bypass_share = 0; };",
		"audit = { bypass_share = 101; };",
		"audit = { idle = -1; };",
		"audit = { log_rate = 1001; };",
		"audit = { enabled = 1; };",
		"audit = { windw = 10; };",
		"audit = 5;",
	};
	struct sw_conf conf;
	char text[512], err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			"switch = { name = \"t\"; mac = \"02:00:00:00:00:01\";\n  %s };\n"
			"ports = ( { name = \"up0\"; role = \"uplink\"; vlans = [10]; } );\n",
			bad[i]);
		err[0] = 0;
		CU_ASSERT(sw_conf_load_string(text, "t.conf", &conf, err, sizeof(err)) != 0);
		CU_ASSERT(strstr(err, "t.conf:2: switch.audit") != NULL);
	}
	CU_ASSERT(sw_conf_load_string(conf_text, "t.conf", &conf, err, sizeof(err)) == 0);
	CU_ASSERT(conf.audit.enabled && conf.audit.window_s == 10 && conf.audit.idle_s == 20 &&
		conf.audit.bypass_share == 50 && conf.audit.log_rate == 2);
	sw_conf_free(&conf);
}

static void
add_suites(void)
{
	static const struct tu_test tests[] = {
		{ "MACs bound twice: index counts, duplicate, holder handover",
			test_mac_index },
		{ "bypass share: below / above the threshold, window expiry",
			test_bypass_share },
		{ "sightings: every kind of place, eviction, traces record nothing",
			test_sightings },
		{ "idle for non-VDP vEths, closing, log rate limit", test_idle_and_log_rate },
		{ "diagnose output, audit disabled", test_disabled_and_output },
		{ "switch.audit settings refused with file:line", test_settings },
		{ NULL, NULL },
	};

	tu_add_suite("audit", tests);
}

int
main(void)
{
	return tu_run("test-audit", add_suites);
}
