/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-lldp-agent.c - the LLDP agent state machines and the EVB bridge-role
 * negotiation, in virtual time (microseconds): the "lldp-agent-tx" and
 * "lldp-evb" suites; the "lldp-agent-rx" suite is in test-lldp-agent-rx.c
 * and the recording owner shared by both in lldpagenttest.c, one program.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "common/codec.h"
#include "lldp/agent.h"
#include "lldp/evb.h"
#include "lldp/lldpdu.h"
#include "tests/lldpagenttest.h"
#include "tests/testutil.h"

/* ---- helpers of the transmit and EVB tests --------------------------------- */

/* Decode a frame we sent (after checking its Ethernet header). */
static void
decode_sent(const struct sent *s, enum lldp_agent group)
{
	uint8_t da[6];
	struct vn_err err = { NULL, 0 };

	lldp_agent_mac(group, da);
	CU_ASSERT_FATAL(s->len >= LLDP_FRAME_MIN);
	CU_ASSERT_EQUAL(memcmp(s->buf, da, 6), 0);
	CU_ASSERT_EQUAL(memcmp(s->buf + 6, my_mac, 6), 0);
	CU_ASSERT_EQUAL(vn_get_be16(s->buf + 12), 0x88CC);
	CU_ASSERT_EQUAL_FATAL(lldp_decode(s->buf + 14, s->len - 14, &dec, &err), 0);
}

/* Compare bytes with hex ("01 80 c2 ..."). */
static void
assert_hex(const uint8_t *got, size_t len, const char *hex)
{
	uint8_t want[LLDP_FRAME_MAX];
	int n = tu_hex(hex, want, sizeof(want));

	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(len, (size_t)n);
	CU_ASSERT(len == (size_t)n && memcmp(got, want, len) == 0);
}

static void
evb_from_hex(const char *hex, struct lldp_evb *e)
{
	uint8_t b[5];
	struct vn_err err;

	CU_ASSERT_EQUAL_FATAL(tu_hex(hex, b, sizeof(b)), 5);
	CU_ASSERT_EQUAL_FATAL(lldp_evb_unpack(b, 5, e, &err), 0);
}

/* The EVB TLV of an LLDP frame, packed, is hex. */
static void
assert_evb_in(const uint8_t *frame, size_t len, const char *hex)
{
	struct vn_err err;

	CU_ASSERT_EQUAL_FATAL(lldp_decode(frame + 14, len - 14, &dec, &err), 0);
	CU_ASSERT_TRUE_FATAL(dec.has_evb);
	assert_evb_hex(&dec.evb, hex, "frame");
}

/* Ethernet header of our frames, our Chassis ID + Port ID, 60-byte padding. */
#define ETH_NB  "01 80 c2 00 00 0e 02 00 00 00 00 01 88 cc "
#define ETH_NCB "01 80 c2 00 00 00 02 00 00 00 00 01 88 cc "
#define MY_IDS  "02 07 04 02 00 00 00 00 01 04 05 05 65 74 68 31 " /* MAC, "eth1" */
#define PAD24   "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"

/* ---- transmit --------------------------------------------------------------- */

static void
test_tx_schedule(void)
{
	struct lldp_agent_sm *a;
	static const uint64_t want[] = { 0, S(1), S(2), S(3), S(33), S(63), S(93) };

	a = agent(LLDP_AGENT_NEAREST_BRIDGE);
	CU_ASSERT_EQUAL(lldp_agent_next_deadline(a), 0); /* not started: now */
	CU_ASSERT_EQUAL(rec.n_sent, 0);                  /* create sends nothing */

	/* Fast start: txFastInit (4) frames msgFastTx (1 s) apart, then one
	 * every msgTxInterval (30 s). */
	tick(a, T0);
	CU_ASSERT_EQUAL(rec.n_sent, 1);
	for (;;) {
		/* Event-driven: the deadline is exact, a tick 1 us before it
		 * sends nothing, a tick at it sends one frame. */
		uint64_t d = lldp_agent_next_deadline(a);
		size_t before = rec.n_sent;

		CU_ASSERT_FATAL(d > rec.now);
		if (d > T0 + S(100))
			break;
		tick(a, d - 1);
		CU_ASSERT_EQUAL(rec.n_sent, before);
		tick(a, d);
		CU_ASSERT_EQUAL(rec.n_sent, before + 1);
	}
	CU_ASSERT_EQUAL_FATAL(rec.n_sent, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < rec.n_sent; i++) {
		CU_ASSERT_EQUAL(rec.sent[i].t, T0 + want[i]);
		/* unchanged local info: every frame is the same */
		CU_ASSERT_EQUAL(rec.sent[i].len, rec.sent[0].len);
		CU_ASSERT_EQUAL(memcmp(rec.sent[i].buf, rec.sent[0].buf, rec.sent[0].len), 0);
	}
	CU_ASSERT_EQUAL(lldp_agent_next_deadline(a), T0 + S(123));
	CU_ASSERT_EQUAL(lldp_agent_stats(a)->tx_frames, rec.n_sent);
	CU_ASSERT_EQUAL(lldp_agent_stats(a)->tx_errors, 0);
	lldp_agent_destroy(a);

	/* Polled every 250 ms instead: the same schedule. */
	a = agent(LLDP_AGENT_NEAREST_BRIDGE);
	for (uint64_t t = T0; t <= T0 + S(100); t += S(1) / 4)
		tick(a, t);
	CU_ASSERT_EQUAL_FATAL(rec.n_sent, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < rec.n_sent; i++)
		CU_ASSERT_EQUAL(rec.sent[i].t, T0 + want[i]);
	lldp_agent_destroy(a);
}

static void
test_tx_ttl(void)
{
	static const struct {
		uint16_t interval;
		uint8_t hold;
		uint16_t ttl;
	} cases[] = {
		{ 30, 4, 121 },       /* defaults: 30 * 4 + 1 */
		{ 2, 4, 9 },          /* lldpd's test setting (it sends 8) */
		{ 1, 1, 2 },          /* smallest */
		{ 3600, 18, 64801 },  /* still below the cap */
		{ 3600, 100, 65535 }, /* 360001 capped */
	};
	struct lldp_agent_cfg cfg;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lldp_agent_sm *a;

		rec_reset();
		base_cfg(&cfg, LLDP_AGENT_NEAREST_BRIDGE);
		cfg.tx_interval = cases[i].interval;
		cfg.tx_hold = cases[i].hold;
		a = make_agent(&cfg);
		CU_ASSERT_EQUAL(lldp_agent_ttl(a), cases[i].ttl);
		tick(a, T0);
		CU_ASSERT_EQUAL_FATAL(rec.n_sent, 1);
		decode_sent(&rec.sent[0], LLDP_AGENT_NEAREST_BRIDGE);
		CU_ASSERT_EQUAL(dec.ttl, cases[i].ttl);
		lldp_agent_destroy(a);
	}
}

static void
set_name(struct lldp_agent_sm *a, const char *name)
{
	struct lldp_agent_local l;
	struct vn_err err = { NULL, 0 };

	memset(&l, 0, sizeof(l));
	memcpy(l.mac, my_mac, 6);
	l.port_name = "eth1";
	l.sys_name = name;
	l.sys_cap = l.sys_cap_enabled = LLDP_CAP_BRIDGE;
	CU_ASSERT_EQUAL(lldp_agent_set_local(a, &l, &err), 0);
}

static void
test_tx_credit(void)
{
	struct lldp_agent_sm *a;
	char name[16];
	size_t n;

	a = agent(LLDP_AGENT_NEAREST_BRIDGE);
	tick(a, T0); /* frame 1, credit 5 -> 4 */
	CU_ASSERT_EQUAL(rec.n_sent, 1);

	/* Ten local changes at T0 + 0.1 s: only the 4 credits left go out. */
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "a%d", i);
		set_name(a, name);
		CU_ASSERT(lldp_agent_next_deadline(a) <= T0 + S(1) / 10); /* "now" */
		tick(a, T0 + S(1) / 10);
	}
	CU_ASSERT_EQUAL(rec.n_sent, 5); /* txCreditMax frames back to back */
	/* Waiting for a credit: the deadline is the next txTick. */
	CU_ASSERT_EQUAL(lldp_agent_next_deadline(a), T0 + S(1));
	tick(a, T0 + S(1) - 1);
	CU_ASSERT_EQUAL(rec.n_sent, 5);
	tick(a, T0 + S(1));
	CU_ASSERT_EQUAL_FATAL(rec.n_sent, 6);
	decode_sent(&rec.sent[5], LLDP_AGENT_NEAREST_BRIDGE);
	CU_ASSERT_STRING_EQUAL(dec.sys_name.str, "a9"); /* the latest info */

	/* A change every 100 ms for 10 s: one frame per second at most. */
	n = rec.n_sent;
	for (int i = 0; i < 100; i++) {
		uint64_t t = T0 + S(2) + (uint64_t)i * S(1) / 10;

		snprintf(name, sizeof(name), "b%d", i);
		set_name(a, name);
		tick(a, t);
		while (lldp_agent_next_deadline(a) <= t)
			tick(a, t);
	}
	CU_ASSERT(rec.n_sent - n <= 11);
	CU_ASSERT(rec.n_sent - n >= 10);
	for (size_t i = n + 1; i < rec.n_sent; i++)
		CU_ASSERT(rec.sent[i].t - rec.sent[i - 1].t >= S(1) / 2);
	lldp_agent_destroy(a);
}

static void
test_tx_frame_bytes(void)
{
	static const char want_full[] =
		ETH_NB MY_IDS                   /* Chassis ID: MAC; Port ID: ifname "eth1" */
		"06 02 00 79"                   /* TTL 121 */
		"08 06 75 70 6c 69 6e 6b"       /* Port Description "uplink" */
		"0a 08 76 6e 73 77 69 74 63 68" /* System Name "vnswitch" */
		"0c 02 76 6e"                   /* System Description "vn" */
		"0e 04 00 04 00 04"             /* Capabilities: bridge/bridge */
		"10 0c 05 01 c0 00 02 01 02 00 00 00 03 00" /* Mgmt 192.0.2.1 ifIndex 3 */
		"00 00";                                    /* End */
	static const char want_min[] = ETH_NCB MY_IDS "06 02 00 79 00 00 " PAD24;
	/* lldpad's bridge TLV with nothing heard (capture frame 1), then the
	 * bridge CDCP example of protocols.md 5.5. */
	static const char want_org[] =
		ETH_NCB MY_IDS "06 02 00 79"
			       "fe 09 00 80 c2 0d 02 00 68 54 14"
			       "fe 0e 00 80 c2 0e 00 00 00 04 00 10 01 00 20 64"
			       "00 00";
	struct lldp_mgmt mgmt = { LLDP_ADDR_IPV4, 4, { 192, 0, 2, 1 }, LLDP_IFNUM_IFINDEX, 3, 0,
		{ 0 } };
	/* bgid rrcap rrctr sgid rrreq rrstat r rte mode rwd_rol rwd rka_rol rka */
	struct lldp_evb evb = { 0, 1, 0, 0, 0, 0, 3, 8, LLDP_EVB_MODE_BRIDGE, 0, 20, 0, 20 };
	static struct lldp_cdcp cdcp;
	struct lldp_agent_cfg cfg;
	struct lldp_agent_sm *a;
	struct vn_err err = { NULL, 0 };
	const uint8_t *cur;
	size_t cur_len;

	/* Every TLV the config can ask for, in lldp_encode's canonical order. */
	rec_reset();
	base_cfg(&cfg, LLDP_AGENT_NEAREST_BRIDGE);
	cfg.local.mgmt = &mgmt;
	a = make_agent(&cfg);
	tick(a, T0);
	CU_ASSERT_EQUAL_FATAL(rec.n_sent, 1);
	assert_hex(rec.sent[0].buf, rec.sent[0].len, want_full);
	cur = lldp_agent_frame(a, &cur_len);
	assert_hex(cur, cur_len, want_full);
	CU_ASSERT_EQUAL(cur_len, 78);
	decode_sent(&rec.sent[0], LLDP_AGENT_NEAREST_BRIDGE);
	assert_mac_id(&dec.chassis, LLDP_CHASSIS_MAC, my_mac);
	CU_ASSERT_TRUE(dec.port.subtype == LLDP_PORT_IFNAME && dec.port.len == 4 &&
		memcmp(dec.port.id, "eth1", 4) == 0);
	CU_ASSERT_EQUAL(dec.ttl, 121);
	CU_ASSERT_STRING_EQUAL(dec.port_desc.str, "uplink");
	CU_ASSERT_STRING_EQUAL(dec.sys_name.str, "vnswitch");
	CU_ASSERT_STRING_EQUAL(dec.sys_desc.str, "vn");
	CU_ASSERT_TRUE(
		dec.sys_cap.cap == LLDP_CAP_BRIDGE && dec.sys_cap.enabled == LLDP_CAP_BRIDGE);
	CU_ASSERT_TRUE(dec.n_mgmt == 1 && dec.mgmt[0].if_number == 3 && dec.end);
	CU_ASSERT_FALSE(dec.has_evb || dec.has_cdcp || dec.has_evb_draft);
	CU_ASSERT_EQUAL(lldp_tlvs_unrecognized(&dec), 0);
	lldp_agent_destroy(a);

	/* Only the mandatory TLVs: padded to 60 bytes with zeros. */
	rec_reset();
	base_cfg(&cfg, LLDP_AGENT_NEAREST_CUSTOMER);
	cfg.local.port_desc = cfg.local.sys_name = cfg.local.sys_desc = NULL;
	cfg.local.sys_cap = cfg.local.sys_cap_enabled = 0;
	a = make_agent(&cfg);
	tick(a, T0);
	CU_ASSERT_EQUAL_FATAL(rec.n_sent, 1);
	assert_hex(rec.sent[0].buf, rec.sent[0].len, want_min);
	CU_ASSERT_EQUAL(rec.sent[0].len, 60);

	/* The owner's EVB and CDCP TLVs (set before the agent started: no
	 * extra frame); NULL takes them out again. */
	lldp_agent_destroy(a);
	rec_reset();
	a = make_agent(&cfg);
	CU_ASSERT_EQUAL(lldp_agent_set_evb(a, &evb, &err), 0);
	memset(&cdcp, 0, sizeof(cdcp));
	cdcp.role = LLDP_CDCP_ROLE_BRIDGE;
	cdcp.chncap = 4;
	cdcp.n_chan = 2;
	cdcp.chan[0] = (struct lldp_cdcp_chan) { 1, 1 };
	cdcp.chan[1] = (struct lldp_cdcp_chan) { 2, 100 };
	CU_ASSERT_EQUAL(lldp_agent_set_cdcp(a, &cdcp, &err), 0);
	tick(a, T0);
	CU_ASSERT_EQUAL_FATAL(rec.n_sent, 1);
	assert_hex(rec.sent[0].buf, rec.sent[0].len, want_org);
	CU_ASSERT_EQUAL(lldp_agent_set_evb(a, NULL, &err), 0);
	CU_ASSERT_EQUAL(lldp_agent_set_cdcp(a, NULL, &err), 0);
	cur = lldp_agent_frame(a, &cur_len);
	assert_hex(cur, cur_len, want_min);
	lldp_agent_destroy(a);
}

static void
test_tx_local_change(void)
{
	struct lldp_agent_sm *a;
	struct lldp_evb evb = { .mode = LLDP_EVB_MODE_BRIDGE, .r = 3, .rte = 8 };
	struct vn_err err = { NULL, 0 };

	a = agent(LLDP_AGENT_NEAREST_CUSTOMER);
	for (uint64_t t = T0; t <= T0 + S(40); t += S(1))
		tick(a, t);
	CU_ASSERT_EQUAL(rec.n_sent, 5); /* 0, 1, 2, 3, 33 */
	CU_ASSERT_EQUAL(lldp_agent_next_deadline(a), T0 + S(63));

	/* A change is signalled at once and restarts txTTR. */
	set_name(a, "renamed");
	CU_ASSERT_EQUAL(lldp_agent_next_deadline(a), T0 + S(40));
	tick(a, T0 + S(40) + 5);
	CU_ASSERT_EQUAL_FATAL(rec.n_sent, 6);
	decode_sent(&rec.sent[5], LLDP_AGENT_NEAREST_CUSTOMER);
	CU_ASSERT_STRING_EQUAL(dec.sys_name.str, "renamed");
	CU_ASSERT_EQUAL(lldp_agent_next_deadline(a), T0 + S(70) + 5);

	/* The same information again is not a change. */
	set_name(a, "renamed");
	CU_ASSERT_EQUAL(lldp_agent_next_deadline(a), T0 + S(70) + 5);
	CU_ASSERT_EQUAL(lldp_agent_set_evb(a, &evb, &err), 0);
	CU_ASSERT_EQUAL(lldp_agent_next_deadline(a), T0 + S(40) + 5);
	tick(a, T0 + S(41));
	CU_ASSERT_EQUAL(rec.n_sent, 7);
	CU_ASSERT_EQUAL(lldp_agent_set_evb(a, &evb, &err), 0);
	CU_ASSERT_EQUAL(lldp_agent_next_deadline(a), T0 + S(71));
	tick(a, T0 + S(42));
	CU_ASSERT_EQUAL(rec.n_sent, 7);
	lldp_agent_destroy(a);
}

static void
test_tx_shutdown(void)
{
	static const char want_shut[] = ETH_NB MY_IDS "06 02 00 00 00 00 " PAD24; /* TTL 0 */
	struct lldp_agent_cfg cfg;
	struct lldp_agent_sm *a;

	rec_reset();
	base_cfg(&cfg, LLDP_AGENT_NEAREST_BRIDGE);
	cfg.tx_credit_max = 1;
	a = make_agent(&cfg);
	tick(a, T0);
	set_name(a, "x"); /* no credit left: pending */
	tick(a, T0 + 1);
	CU_ASSERT_EQUAL(rec.n_sent, 1);
	/* The shutdown frame needs no credit; nothing is sent after it. */
	rec.now = T0 + 2;
	CU_ASSERT_EQUAL(lldp_agent_shutdown(a, T0 + 2), 0);
	CU_ASSERT_EQUAL_FATAL(rec.n_sent, 2);
	assert_hex(rec.sent[1].buf, rec.sent[1].len, want_shut);
	decode_sent(&rec.sent[1], LLDP_AGENT_NEAREST_BRIDGE);
	CU_ASSERT_EQUAL(dec.ttl, 0);
	CU_ASSERT_FALSE(dec.has_sys_name || dec.has_port_desc || dec.has_sys_cap);
	CU_ASSERT_TRUE(lldp_agent_is_shut(a));
	CU_ASSERT_EQUAL(lldp_agent_next_deadline(a), UINT64_MAX);
	for (uint64_t t = T0 + S(1); t < T0 + S(200); t += S(1))
		tick(a, t);
	set_name(a, "y");
	tick(a, T0 + S(201));
	CU_ASSERT_EQUAL(rec.n_sent, 2);
	CU_ASSERT_EQUAL(lldp_agent_shutdown(a, T0 + S(202)), VN_EINVAL);
	CU_ASSERT_EQUAL(rec.n_sent, 2);
	CU_ASSERT_EQUAL(lldp_agent_stats(a)->tx_frames, 2);
	lldp_agent_destroy(a);

	/* Receive-only: never transmits, not even a shutdown frame. */
	rec_reset();
	base_cfg(&cfg, LLDP_AGENT_NEAREST_BRIDGE);
	cfg.admin = LLDP_ADMIN_RX_ONLY;
	a = make_agent(&cfg);
	CU_ASSERT_EQUAL(lldp_agent_next_deadline(a), UINT64_MAX);
	tick(a, T0);
	tick(a, T0 + S(100));
	CU_ASSERT_EQUAL(lldp_agent_shutdown(a, T0 + S(101)), VN_EINVAL);
	CU_ASSERT_EQUAL(rec.n_sent, 0);
	lldp_agent_destroy(a);

	/* A failing send is counted, not retried at once. */
	a = agent(LLDP_AGENT_NEAREST_BRIDGE);
	rec.fail_send = 1;
	tick(a, T0);
	CU_ASSERT_EQUAL(lldp_agent_stats(a)->tx_errors, 1);
	CU_ASSERT_EQUAL(lldp_agent_stats(a)->tx_frames, 0);
	CU_ASSERT_EQUAL(lldp_agent_next_deadline(a), T0 + S(1));
	CU_ASSERT_EQUAL(lldp_agent_shutdown(a, T0 + 1), -1);
	CU_ASSERT_TRUE(lldp_agent_is_shut(a));
	CU_ASSERT_EQUAL(lldp_agent_stats(a)->tx_errors, 2);
	lldp_agent_destroy(a);
}

static void
test_cfg_validate(void)
{
	struct lldp_agent_cfg cfg;
	struct lldp_agent_sm *a;
	struct vn_err err;
	char long_name[300];
	struct lldp_mgmt bad_mgmt = { .addr_subtype = 1, .addr_len = 0, .if_subtype = 2 };
	struct lldp_evb bad_evb = { .mode = 3 };
	static struct lldp_cdcp big;
	const uint8_t *frame;
	uint8_t before[LLDP_FRAME_MAX];
	size_t len, before_len;

	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	rec_reset();
	base_cfg(&cfg, LLDP_AGENT_NEAREST_BRIDGE);
	CU_ASSERT_EQUAL(lldp_agent_cfg_validate(&cfg, &err), 0);
	/* 802.1AB-2016 9.2.5 ranges and the local strings. */
#define LIE(stmt)                                                                              \
	do {                                                                                   \
		base_cfg(&cfg, LLDP_AGENT_NEAREST_BRIDGE);                                     \
		stmt;                                                                          \
		err.reason = NULL;                                                             \
		CU_ASSERT_EQUAL(lldp_agent_cfg_validate(&cfg, &err), VN_EINVAL);               \
		CU_ASSERT_PTR_NOT_NULL(err.reason);                                            \
		CU_ASSERT_PTR_NULL(lldp_agent_create(&cfg, rec_send, &rec));                   \
	} while (0)
	LIE(cfg.group = (enum lldp_agent)3);
	LIE(cfg.admin = (enum lldp_admin)4);
	LIE(cfg.tx_interval = 0);
	LIE(cfg.tx_interval = 3601);
	LIE(cfg.tx_hold = 0);
	LIE(cfg.tx_hold = 101);
	LIE(cfg.fast_tx = 0);
	LIE(cfg.fast_tx = 3601);
	LIE(cfg.tx_fast_init = 0);
	LIE(cfg.tx_fast_init = 9);
	LIE(cfg.tx_credit_max = 0);
	LIE(cfg.tx_credit_max = 11);
	LIE(cfg.max_neighbors = 0);
	LIE(cfg.max_neighbors = LLDP_NEIGHBORS_LIMIT + 1);
	LIE(cfg.local.port_name = NULL);
	LIE(cfg.local.port_name = "");
	LIE(cfg.local.port_name = long_name);
	LIE(cfg.local.sys_desc = long_name);
	LIE(cfg.local.sys_name = long_name);
	LIE(cfg.local.port_desc = long_name);
#undef LIE
	/* A management address the encoder rejects fails create(). */
	base_cfg(&cfg, LLDP_AGENT_NEAREST_BRIDGE);
	cfg.local.mgmt = &bad_mgmt;
	CU_ASSERT_PTR_NULL(lldp_agent_create(&cfg, rec_send, &rec));
	base_cfg(&cfg, LLDP_AGENT_NEAREST_BRIDGE);
	CU_ASSERT_PTR_NULL(lldp_agent_create(&cfg, NULL, &rec));

	/* Rejected changes leave the local MIB and the frame alone. */
	a = make_agent(&cfg);
	tick(a, T0);
	frame = lldp_agent_frame(a, &len);
	before_len = len;
	memcpy(before, frame, len);
	err.reason = NULL;
	CU_ASSERT_EQUAL(lldp_agent_set_evb(a, &bad_evb, &err), VN_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(err.reason);
	memset(&big, 0, sizeof(big));
	big.n_chan = LLDP_CDCP_MAX_CHAN + 1;
	err.reason = NULL;
	CU_ASSERT_EQUAL(lldp_agent_set_cdcp(a, &big, &err), VN_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(err.reason);
	{
		struct lldp_agent_local l = cfg.local;

		l.sys_name = long_name;
		err.reason = NULL;
		CU_ASSERT_EQUAL(lldp_agent_set_local(a, &l, &err), VN_EINVAL);
		CU_ASSERT_PTR_NOT_NULL(err.reason);
		/* A full CDCP TLV (513 bytes) fits with short strings ... */
		big.n_chan = LLDP_CDCP_MAX_CHAN;
		CU_ASSERT_EQUAL(lldp_agent_set_cdcp(a, &big, &err), 0);
		frame = lldp_agent_frame(a, &len);
		before_len = len;
		memcpy(before, frame, len);
		/* ... but not with a 255-byte port name and three 255-byte
		 * strings on top: over 1500 bytes. */
		l.port_name = long_name + 44;
		l.sys_name = long_name + 44;
		l.sys_desc = long_name + 44;
		l.port_desc = long_name + 44;
		err.reason = NULL;
		CU_ASSERT_EQUAL(lldp_agent_set_local(a, &l, &err), VN_ENOSPC);
		CU_ASSERT_PTR_NOT_NULL(err.reason);
	}
	frame = lldp_agent_frame(a, &len);
	CU_ASSERT_EQUAL(len, before_len);
	CU_ASSERT_EQUAL(memcmp(frame, before, len), 0);
	/* and the kept MIB still builds the same frame */
	CU_ASSERT_EQUAL(lldp_agent_set_evb(a, NULL, &err), 0);
	frame = lldp_agent_frame(a, &len);
	CU_ASSERT_EQUAL(len, before_len);
	CU_ASSERT_EQUAL(memcmp(frame, before, len), 0);
	lldp_agent_destroy(a);
	lldp_agent_destroy(NULL);
}

/* ---- EVB negotiation ------------------------------------------------------- */

static void
test_evb_table(void)
{
	static const struct {
		const char *name;
		bool rrcap, bgid;
		uint8_t r, rte, rwd, rka;
		const char *station, *send; /* station NULL: none heard */
		bool rr, gid, have_station; /* expected oper */
	} t[] = {
		/* nothing heard: local values, station byte 0, ROL 0 */
		{ "alone", 1, 1, 3, 8, 20, 20, NULL, "0600685414", 0, 0, 0 },
		/* station asks for RR (RRREQ, rrstat unknown), bridge can */
		{ "rr granted", 1, 0, 3, 8, 20, 20, "0007689414", "0307687434", 1, 0, 1 },
		/* ... bridge cannot: RRCTR stays 0, the request is still echoed */
		{ "rr refused", 0, 0, 3, 8, 20, 20, "0007689414", "0007687434", 0, 0, 1 },
		/* station does not ask, bridge could */
		{ "rr not asked", 1, 0, 3, 8, 20, 20, "0000689414", "0200687434", 0, 0, 1 },
		/* max of each; ROL only where the station's value won or tied */
		{ "max", 1, 0, 2, 10, 15, 25, "0000a8940a", "0200aa7419", 0, 0, 1 },
		{ "local wins", 1, 0, 7, 31, 31, 31, "0000008000", "0200ff5f1f", 0, 0, 1 },
		{ "zero tie", 1, 0, 0, 0, 0, 0, "0000008000", "0200006020", 0, 0, 1 },
		/* group IDs: BGID && SGID */
		{ "gid both", 1, 1, 3, 8, 20, 20, "0008689414", "0608687434", 0, 1, 1 },
		{ "gid bridge", 1, 1, 3, 8, 20, 20, "0000689414", "0600687434", 0, 0, 1 },
		{ "gid station", 1, 0, 3, 8, 20, 20, "0008689414", "0208687434", 0, 0, 1 },
		/* not a station: mode 0 (lldpd's all-zero custom TLV), mode bridge */
		{ "mode none", 1, 0, 3, 8, 20, 20, "0000000000", "0200685414", 0, 0, 0 },
		{ "mode bridge", 1, 0, 3, 8, 20, 20, "07056e5414", "0200685414", 0, 0, 0 },
		/* lldpad's station TLVs (peers.md 3.2) against lldpad's bridge
		 * config of the capture (rrcap, R 3, RTE 14, RWD 20, RKA 20) */
		{ "lldpad initial", 1, 0, 3, 14, 20, 20, "0007689414", "03076e7434", 1, 0, 1 },
		{ "lldpad settled", 1, 0, 3, 14, 20, 20, "03056eb434", "03056e7434", 1, 0, 1 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct lldp_evb_local l = { .rrcap = t[i].rrcap,
			.bgid = t[i].bgid,
			.r = t[i].r,
			.rte = t[i].rte,
			.rwd = t[i].rwd,
			.rka = t[i].rka };
		struct lldp_evb st, out;
		struct lldp_evb_oper o;

		if (t[i].station)
			evb_from_hex(t[i].station, &st);
		CU_ASSERT_EQUAL_FATAL(
			lldp_evb_negotiate(&l, t[i].station ? &st : NULL, &out, &o), 0);
		assert_evb_hex(&out, t[i].send, t[i].name);
		CU_ASSERT_EQUAL(out.mode, LLDP_EVB_MODE_BRIDGE);
		CU_ASSERT_EQUAL(o.station, t[i].have_station);
		CU_ASSERT_EQUAL(o.reflective_relay, t[i].rr);
		CU_ASSERT_EQUAL(o.group_ids, t[i].gid);
		/* the operational values are those sent (checked as bytes above) */
		CU_ASSERT_TRUE(o.rwd_remote == out.rwd_rol && o.rka_remote == out.rka_rol);
		CU_ASSERT_TRUE(o.r == out.r && o.rte == out.rte && o.rwd == out.rwd &&
			o.rka == out.rka);
		CU_ASSERT_EQUAL(o.ecp_ack_us, 10ULL << out.rte);
		CU_ASSERT_EQUAL(o.vdp_resource_wait_us, 10ULL << out.rwd);
		CU_ASSERT_EQUAL(o.vdp_keepalive_us, 10ULL << out.rka);
		CU_ASSERT_EQUAL(o.vdp_keepalive_timeout_us,
			lldp_evb_keepalive_timeout_us(out.r, out.rte, out.rka));
	}
}

static void
test_evb_invalid(void)
{
	struct lldp_evb_local l;
	struct lldp_evb st, out;
	struct lldp_evb_oper o;

	memset(&out, 0xa5, sizeof(out));
	memset(&o, 0xa5, sizeof(o));
	memset(&st, 0, sizeof(st));
	st.mode = LLDP_EVB_MODE_STATION;
	lldp_evb_local_init(&l);
	CU_ASSERT_TRUE(
		l.rrcap && !l.bgid && l.r == 3 && l.rte == 8 && l.rwd == 20 && l.rka == 20);
	l.r = 8; /* 3 bits */
	CU_ASSERT_EQUAL(lldp_evb_negotiate(&l, NULL, &out, &o), VN_EINVAL);
	l.r = 7;
	l.rka = 32; /* 5 bits */
	CU_ASSERT_EQUAL(lldp_evb_negotiate(&l, &st, &out, &o), VN_EINVAL);
	l.rka = 31;
	st.rte = 40;
	CU_ASSERT_EQUAL(lldp_evb_negotiate(&l, &st, &out, &o), VN_EINVAL);
	st.rte = 0;
	st.rrstat = 4;
	CU_ASSERT_EQUAL(lldp_evb_negotiate(&l, &st, &out, &o), VN_EINVAL);
	/* outputs untouched on error */
	CU_ASSERT_EQUAL(((uint8_t *)&out)[0], 0xa5);
	CU_ASSERT_EQUAL(((uint8_t *)&o)[0], 0xa5);
}

static void
test_evb_timers(void)
{
	struct lldp_evb_local l = { .rrcap = true, .r = 3, .rte = 14, .rwd = 20, .rka = 20 };
	struct lldp_evb st, out;
	struct lldp_evb_oper o;

	CU_ASSERT_EQUAL(lldp_evb_exp_us(0), 10);
	CU_ASSERT_EQUAL(lldp_evb_exp_us(8), 2560);      /* ECP ack, RTE 8 */
	CU_ASSERT_EQUAL(lldp_evb_exp_us(14), 163840);   /* RTE 14 */
	CU_ASSERT_EQUAL(lldp_evb_exp_us(20), 10485760); /* RKA 20: 10.48576 s */
	CU_ASSERT_EQUAL(lldp_evb_exp_us(31), 21474836480ULL);
	/* 1.5 * (2^20 + 7 * 2^14) * 10 us = 1.5 * 1163264 * 10 = 17448960 us */
	CU_ASSERT_EQUAL(lldp_evb_keepalive_timeout_us(3, 14, 20), 17448960);
	/* R 0, RTE 0, RKA 0: 1.5 * (1 + 1) * 10 = 30 us */
	CU_ASSERT_EQUAL(lldp_evb_keepalive_timeout_us(0, 0, 0), 30);
	/* the largest: 15 * (2^31 + 15 * 2^31) */
	CU_ASSERT_EQUAL(lldp_evb_keepalive_timeout_us(7, 31, 31), 15ULL * 16 * (1ULL << 31));

	/* Through a negotiation: lldpad station (RTE 8) vs our RTE 14. */
	evb_from_hex("00 07 68 94 14", &st);
	CU_ASSERT_EQUAL_FATAL(lldp_evb_negotiate(&l, &st, &out, &o), 0);
	CU_ASSERT_EQUAL(o.ecp_ack_us, 163840);
	CU_ASSERT_EQUAL(o.vdp_resource_wait_us, 10485760);
	CU_ASSERT_EQUAL(o.vdp_keepalive_us, 10485760);
	CU_ASSERT_EQUAL(o.vdp_keepalive_timeout_us, 17448960);
	l.rte = 8;
	CU_ASSERT_EQUAL_FATAL(lldp_evb_negotiate(&l, &st, &out, &o), 0);
	CU_ASSERT_EQUAL(o.ecp_ack_us, 2560);
	/* 1.5 * (2^20 + 7 * 2^8) * 10 = 15 * 1050368 */
	CU_ASSERT_EQUAL(o.vdp_keepalive_timeout_us, 15755520);
}

/* Every EVB TLV lldpad's bridge sent in the capture, after its
 * reconfiguration to RTE 14, is what we compute from the station TLV it
 * had last received. */
static void
test_evb_vs_lldpad_bridge(void)
{
	struct tu_pcap *pc = tu_pcap_load(CAP_BRIDGE);
	struct lldp_evb_local l = { .rrcap = true, .r = 3, .rte = 14, .rwd = 20, .rka = 20 };
	struct lldp_evb station, out;
	struct lldp_evb_oper o;
	struct vn_err err;
	uint8_t got[5], want[5];
	size_t n, compared = 0;

	memset(&station, 0, sizeof(station));
	for (size_t i = 0; i < pc->n; i++) {
		const struct tu_frame *f = &pc->frames[i];

		if (!is_lldp(f) || lldp_decode(f->data + 14, f->len - 14, &dec, &err) != 0 ||
			!dec.has_evb)
			continue; /* ECP/VDP, and the bridge's shutdown LLDPDU */
		if (dec.evb.mode == LLDP_EVB_MODE_STATION) {
			station = dec.evb;
			continue;
		}
		if (i < 3)
			continue; /* frame 1: sent before lldpad's bridge was set to RTE 14 */
		CU_ASSERT_EQUAL_FATAL(lldp_evb_negotiate(&l, &station, &out, &o), 0);
		CU_ASSERT_EQUAL_FATAL(lldp_evb_pack(&out, got, sizeof(got), &n, &err), 0);
		CU_ASSERT_EQUAL_FATAL(lldp_evb_pack(&dec.evb, want, sizeof(want), &n, &err), 0);
		CU_ASSERT_EQUAL(memcmp(got, want, 5), 0);
		CU_ASSERT_TRUE(o.reflective_relay);
		compared++;
	}
	CU_ASSERT(compared >= 8);
	tu_pcap_free(pc);
}

/* The owner pattern: the neighbour callback renegotiates, the agent sends
 * the new EVB TLV at the next tick, and only when it changed. */
static void
test_evb_agent(void)
{
	struct tu_pcap *pc = tu_pcap_load(CAP_BRIDGE);
	struct lldp_evb_local l = { .rrcap = true, .r = 3, .rte = 14, .rwd = 20, .rka = 20 };
	struct lldp_agent_cfg cfg;
	struct lldp_agent_sm *a;
	const struct tu_frame *st0 = &pc->frames[0];   /* station 00 07 68 94 14 */
	const struct tu_frame *st4 = &pc->frames[4];   /* station 03 05 6e b4 34 */
	const struct tu_frame *br11 = &pc->frames[11]; /* lldpad bridge 03 07 6e 74 34 */
	const struct tu_frame *br13 = &pc->frames[13]; /* lldpad bridge 03 05 6e 74 34 */
	size_t n;

	rec_reset();
	rec.evb_local = &l;
	base_cfg(&cfg, LLDP_AGENT_NEAREST_CUSTOMER);
	a = make_agent(&cfg);
	CU_ASSERT_EQUAL(lldp_evb_update(a, &l, &rec.evb_oper), 0); /* start-up */
	CU_ASSERT_FALSE(rec.evb_oper.station);
	tick(a, T0);
	CU_ASSERT_EQUAL_FATAL(rec.n_sent, 1);
	assert_evb_in(rec.sent[0].buf, rec.sent[0].len, "02 00 6e 54 14");

	/* The station appears: ADDED -> renegotiated in the callback. */
	CU_ASSERT_EQUAL(rx(a, st0->data, st0->len, T0 + S(1) / 2), LLDP_RX_OK);
	CU_ASSERT_EQUAL(rec.evb_rc, 0);
	CU_ASSERT_TRUE(rec.evb_oper.station);
	CU_ASSERT_TRUE(rec.evb_oper.reflective_relay);
	CU_ASSERT_EQUAL(rec.evb_oper.vdp_keepalive_timeout_us, 17448960);
	CU_ASSERT_EQUAL(rec.n_sent, 1);
	CU_ASSERT_EQUAL(lldp_agent_next_deadline(a), T0 + S(1) / 2);
	tick(a, T0 + S(1) / 2);
	CU_ASSERT_EQUAL_FATAL(rec.n_sent, 2);
	/* byte for byte what lldpad's bridge sent in the same situation */
	assert_evb_in(br11->data, br11->len, "03 07 6e 74 34");
	assert_evb_in(rec.sent[1].buf, rec.sent[1].len, "03 07 6e 74 34");

	/* The station settles (rrstat 1): UPDATED, a new TLV goes out. */
	CU_ASSERT_EQUAL(rx(a, st4->data, st4->len, T0 + S(10)), LLDP_RX_OK);
	tick(a, T0 + S(10));
	n = rec.n_sent;
	CU_ASSERT_EQUAL_FATAL(n, 3);
	assert_evb_in(br13->data, br13->len, "03 05 6e 74 34");
	assert_evb_in(rec.sent[2].buf, rec.sent[2].len, "03 05 6e 74 34");
	CU_ASSERT_EQUAL(rec.sent[2].t, T0 + S(10));

	/* The fast start begun by the new neighbour runs out (T0 + 11, 12 s);
	 * after that the same station TLV every second changes nothing: no
	 * ping-pong (two lldpads answer each other every second). */
	for (uint64_t t = T0 + S(11); t <= T0 + S(40); t += S(1)) {
		CU_ASSERT_EQUAL(rx(a, st4->data, st4->len, t), LLDP_RX_OK);
		tick(a, t);
	}
	CU_ASSERT_EQUAL_FATAL(rec.n_sent, n + 2);
	CU_ASSERT_EQUAL(rec.sent[n].t, T0 + S(11));
	CU_ASSERT_EQUAL(rec.sent[n + 1].t, T0 + S(12));
	n += 2;
	CU_ASSERT_EQUAL(lldp_agent_next_deadline(a), T0 + S(42));

	/* The station shuts down: REMOVED -> back to "alone". */
	{
		uint8_t f[LLDP_FRAME_MAX];

		memcpy(f, st4->data, st4->len);
		f[34] = 0; /* TTL 120 -> 0 */
		f[35] = 0;
		CU_ASSERT_EQUAL(rx(a, f, st4->len, T0 + S(41)), LLDP_RX_OK);
	}
	CU_ASSERT_EQUAL(lldp_agent_neighbor_count(a), 0);
	CU_ASSERT_FALSE(rec.evb_oper.station);
	CU_ASSERT_FALSE(rec.evb_oper.reflective_relay);
	tick(a, T0 + S(41));
	CU_ASSERT_EQUAL_FATAL(rec.n_sent, n + 1);
	assert_evb_in(rec.sent[n].buf, rec.sent[n].len, "02 00 6e 54 14");
	lldp_agent_destroy(a);
	tu_pcap_free(pc);
}

static void
add_suites(void)
{
	static const struct tu_test tx_tests[] = {
		{ "fast start then msgTxInterval", test_tx_schedule },
		{ "TTL = msgTxHold x interval + 1, capped", test_tx_ttl },
		{ "txCreditMax rate limit", test_tx_credit },
		{ "frame bytes (all TLVs, minimal + padding, EVB/CDCP)", test_tx_frame_bytes },
		{ "local change sends at once, same info does not", test_tx_local_change },
		{ "shutdown LLDPDU, rx-only, send errors", test_tx_shutdown },
		{ "configuration and setter validation", test_cfg_validate },
		{ NULL, NULL },
	};
	static const struct tu_test evb_tests[] = {
		{ "negotiation table", test_evb_table },
		{ "invalid values", test_evb_invalid },
		{ "timer formulas", test_evb_timers },
		{ "matches lldpad's bridge in the capture", test_evb_vs_lldpad_bridge },
		{ "agent + neighbour callback", test_evb_agent },
		{ NULL, NULL },
	};

	tu_add_suite("lldp-agent-tx", tx_tests);
	tu_add_suite("lldp-agent-rx", lldp_agent_rx_tests);
	tu_add_suite("lldp-evb", evb_tests);
}

int
main(void)
{
	return tu_run("test-lldp-agent", add_suites);
}
