/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-lldp-agent.c - the LLDP agent state machines and the EVB bridge-role
 * negotiation, in virtual time (microseconds).
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
#include "tests/testutil.h"

/* The captures in tests/data. */
#define CAP_LLDPD   "lldpd-1.0.16_lldp_tx_with_custom_evb_tlv.pcap"
#define CAP_STATION "lldpad_station_evb22_lldp_and_unanswered_vdp_assoc.pcap"
#define CAP_BRIDGE                                                                             \
	"lldpad_station_vs_lldpad_bridge_evb_vdp_assoc_keepalive_deassoc_2filters.pcap"
#define CAP_CRAFTED "lldp_evb2012_cdcp_draft02evb_crafted.pcap"

#define S(x) ((uint64_t)(x)*LLDP_US_PER_S)
#define T0   S(1000) /* an arbitrary start time */

/* ---- a recording owner ---------------------------------------------------- */

#define MAX_SENT   64
#define MAX_EVENTS 64

struct sent {
	uint64_t t;
	size_t len;
	uint8_t buf[LLDP_FRAME_MAX];
};

struct event {
	enum lldp_nb_event ev;
	enum lldp_nb_reason why;
	uint8_t mac5; /* src_mac[4] of the neighbour */
	uint8_t chassis_last;
};

/* Test-program state: CUnit tests are single-threaded. */
static struct {
	uint64_t now; /* the time the test is driving the agent at */
	int fail_send;
	size_t n_sent;
	struct sent sent[MAX_SENT];
	size_t n_ev;
	struct event ev[MAX_EVENTS];
	/* EVB owner behaviour in the neighbour callback */
	const struct lldp_evb_local *evb_local;
	struct lldp_evb_oper evb_oper;
	int evb_rc;
} rec;

static struct lldp_pdu dec;  /* decode scratch (11 KB) */
static struct lldp_pdu peer; /* peer LLDPDU being built */

static void
rec_reset(void)
{
	memset(&rec, 0, sizeof(rec));
}

static int
rec_send(void *aux, const uint8_t *frame, size_t len)
{
	struct sent *s;

	CU_ASSERT_PTR_EQUAL(aux, &rec);
	if (rec.fail_send)
		return -1;
	CU_ASSERT_FATAL(rec.n_sent < MAX_SENT);
	CU_ASSERT_FATAL(len <= LLDP_FRAME_MAX);
	s = &rec.sent[rec.n_sent++];
	s->t = rec.now;
	s->len = len;
	memcpy(s->buf, frame, len);
	return 0;
}

static void
rec_nb(void *aux, struct lldp_agent_sm *a, enum lldp_nb_event ev, enum lldp_nb_reason why,
	const struct lldp_neighbor *nb)
{
	struct event *e;

	CU_ASSERT_PTR_EQUAL(aux, &rec);
	CU_ASSERT_FATAL(rec.n_ev < MAX_EVENTS);
	e = &rec.ev[rec.n_ev++];
	e->ev = ev;
	e->why = why;
	e->mac5 = nb->src_mac[4];
	e->chassis_last = nb->chassis.id[nb->chassis.len - 1];
	/* The owner may rebuild the EVB TLV from here (and nothing is sent
	 * until the next tick); rx and tick are refused while we run. */
	if (rec.evb_local)
		rec.evb_rc = lldp_evb_update(a, rec.evb_local, &rec.evb_oper);
	lldp_agent_tick(a, rec.now + S(100)); /* ignored: no ageing, no tx */
}

static const uint8_t my_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

static void
base_cfg(struct lldp_agent_cfg *cfg, enum lldp_agent group)
{
	lldp_agent_cfg_init(cfg);
	cfg->group = group;
	memcpy(cfg->local.mac, my_mac, 6);
	cfg->local.port_name = "eth1";
	cfg->local.port_desc = "uplink";
	cfg->local.sys_name = "vnswitch";
	cfg->local.sys_desc = "vn";
	cfg->neighbor_cb = rec_nb;
}

static struct lldp_agent_sm *
make_agent(const struct lldp_agent_cfg *cfg)
{
	struct lldp_agent_sm *a = lldp_agent_create(cfg, rec_send, &rec);

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	return a;
}

/* A fresh recorder and an agent with the base configuration. */
static struct lldp_agent_sm *
agent(enum lldp_agent group)
{
	struct lldp_agent_cfg cfg;

	rec_reset();
	base_cfg(&cfg, group);
	return make_agent(&cfg);
}

static void
tick(struct lldp_agent_sm *a, uint64_t t)
{
	rec.now = t;
	lldp_agent_tick(a, t);
}

static enum lldp_rx_result
rx(struct lldp_agent_sm *a, const uint8_t *f, size_t len, uint64_t t)
{
	rec.now = t;
	return lldp_agent_rx(a, f, len, t);
}

static void
assert_mac_id(const struct lldp_id *id, uint8_t subtype, const uint8_t mac[6])
{
	CU_ASSERT_EQUAL(id->subtype, subtype);
	CU_ASSERT_EQUAL_FATAL(id->len, 6);
	CU_ASSERT_EQUAL(memcmp(id->id, mac, 6), 0);
}

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

/* A peer's LLDPDU: chassis MAC 02:00:00:00:m5:cl, port "p<cl>", a TTL. */
static void
peer_pdu(uint8_t m5, uint8_t cl, uint16_t ttl)
{
	memset(&peer, 0, sizeof(peer));
	peer.chassis.subtype = LLDP_CHASSIS_MAC;
	peer.chassis.len = 6;
	memcpy(peer.chassis.id, (uint8_t[]) { 0x02, 0, 0, 0, m5, cl }, 6);
	peer.port.subtype = LLDP_PORT_IFNAME;
	peer.port.len = 2;
	peer.port.id[0] = 'p';
	peer.port.id[1] = (uint8_t)('0' + cl % 10);
	peer.ttl = ttl;
	peer.end = true;
}

/* Frame the peer LLDPDU: DA = group, SA = 02:00:00:00:m5:01, padded. */
static size_t
peer_frame(uint8_t *buf, size_t cap, enum lldp_agent group, uint8_t m5)
{
	size_t n = 0;
	struct vn_err err = { NULL, 0 };

	lldp_agent_mac(group, buf);
	memcpy(buf + 6, (uint8_t[]) { 0x02, 0, 0, 0, m5, 0x01 }, 6);
	vn_put_be16(buf + 12, 0x88CC);
	CU_ASSERT_EQUAL_FATAL(lldp_encode(&peer, buf + 14, cap - 14, &n, &err), 0);
	n += 14;
	while (n < 60)
		buf[n++] = 0;
	return n;
}

/* Receive at t an LLDPDU from 02:00:00:00:sa:01 for chassis 02:00:00:00:m5:cl. */
static enum lldp_rx_result
peer_rx(struct lldp_agent_sm *a, uint8_t sa, uint8_t m5, uint8_t cl, uint16_t ttl, uint64_t t)
{
	static uint8_t f[LLDP_FRAME_MAX];
	size_t n;

	peer_pdu(m5, cl, ttl);
	n = peer_frame(f, sizeof(f), lldp_agent_group(a), sa);
	return rx(a, f, n, t);
}

static bool
is_lldp(const struct tu_frame *f)
{
	return f->len >= 14 && vn_get_be16(f->data + 12) == 0x88CC;
}

/* All counters at once: tx, tx_err, rx, discarded, unrecognised, TLVs
 * discarded, ageouts, inserts, deletes, drops. */
static void
assert_stats(const struct lldp_agent_sm *a, const uint64_t w[10])
{
	const struct lldp_agent_stats *st = lldp_agent_stats(a);
	const uint64_t got[10] = { st->tx_frames, st->tx_errors, st->rx_frames,
		st->rx_discarded, st->rx_tlvs_unrecognized, st->rx_tlvs_discarded, st->ageouts,
		st->inserts, st->deletes, st->drops };

	for (int i = 0; i < 10; i++) {
		CU_ASSERT_EQUAL(got[i], w[i]);
		if (got[i] != w[i])
			fprintf(stderr, "counter %d: %llu, want %llu\n", i,
				(unsigned long long)got[i], (unsigned long long)w[i]);
	}
}
#define STATS(...) assert_stats(a, (const uint64_t[10]) { __VA_ARGS__ })

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

static void
assert_evb_hex(const struct lldp_evb *e, const char *hex, const char *row)
{
	uint8_t want[5], got[5];
	size_t n = 0;
	struct vn_err err;

	CU_ASSERT_EQUAL_FATAL(tu_hex(hex, want, sizeof(want)), 5);
	CU_ASSERT_EQUAL_FATAL(lldp_evb_pack(e, got, sizeof(got), &n, &err), 0);
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_EQUAL(memcmp(got, want, 5), 0);
	if (memcmp(got, want, 5))
		fprintf(stderr, "%s: EVB TLV %02x %02x %02x %02x %02x, want %s\n", row, got[0],
			got[1], got[2], got[3], got[4], hex);
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

/* ---- receive ---------------------------------------------------------------- */

static void
test_rx_lldpd(void)
{
	static const uint8_t lldpd_mac[6] = { 0x02, 0, 0, 0, 0x0a, 0x01 };
	static const uint8_t ll6[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0,
		0x0a, 0x01 };
	struct tu_pcap *pc = tu_pcap_load(CAP_LLDPD);
	struct lldp_agent_cfg cfg;
	struct lldp_agent_sm *a, *other;
	const struct lldp_neighbor *nb;
	const struct lldp_agent_stats *st;

	a = agent(LLDP_AGENT_NEAREST_BRIDGE);
	base_cfg(&cfg, LLDP_AGENT_NEAREST_CUSTOMER);
	other = make_agent(&cfg);
	CU_ASSERT_EQUAL_FATAL(pc->n, 7);
	for (size_t i = 0; i < pc->n; i++) {
		const struct tu_frame *f = &pc->frames[i];

		/* lldpd sends to the nearest bridge: not the customer agent's */
		CU_ASSERT_EQUAL(rx(other, f->data, f->len, f->ts_us), LLDP_RX_NOT_MINE);
		CU_ASSERT_EQUAL(rx(a, f->data, f->len, f->ts_us), LLDP_RX_OK);
		CU_ASSERT_EQUAL_FATAL(lldp_agent_neighbor_count(a), 1);
		nb = lldp_agent_neighbor(a, 0);
		assert_mac_id(&nb->chassis, LLDP_CHASSIS_MAC, lldpd_mac);
		assert_mac_id(&nb->port, LLDP_PORT_MAC, lldpd_mac);
		CU_ASSERT_EQUAL(memcmp(nb->src_mac, lldpd_mac, 6), 0);
		CU_ASSERT_EQUAL(nb->ttl, 8);
		CU_ASSERT_EQUAL(nb->last_update, f->ts_us);
		CU_ASSERT_EQUAL(nb->expires, f->ts_us + S(8));
		CU_ASSERT_TRUE(nb->has_sys_name);
		CU_ASSERT_STRING_EQUAL(nb->sys_name.str, "lldpd-peer-a");
		CU_ASSERT_STRING_EQUAL(nb->sys_desc.str, "lldpd test peer in netns pr-a");
		CU_ASSERT_STRING_EQUAL(nb->port_desc.str, "pa0");
		CU_ASSERT_TRUE(
			nb->sys_cap.cap == 0x009c && nb->sys_cap.enabled == LLDP_CAP_STATION);
		CU_ASSERT_TRUE(nb->has_mgmt && nb->mgmt.addr_subtype == LLDP_ADDR_IPV6);
		CU_ASSERT_TRUE(nb->mgmt.addr_len == 16 && memcmp(nb->mgmt.addr, ll6, 16) == 0);
		CU_ASSERT_EQUAL(nb->mgmt.if_number, 6);
		/* 802.3 link aggregation and MAC/PHY: not ours */
		CU_ASSERT_EQUAL(nb->tlvs_unrecognized, 2);
		/* Frames 3..6 carry lldpd's custom all-zero EVB TLV (mode 0). */
		CU_ASSERT_EQUAL(nb->has_evb, i >= 3);
		CU_ASSERT_FALSE(nb->has_cdcp || nb->has_evb_draft || nb->evb.mode != 0);
		CU_ASSERT_EQUAL(nb->first_seen, pc->frames[i >= 3 ? 3 : 0].ts_us);
	}
	/* Frame 3 came 12.4 s after frame 2, past the 8 s TTL: the entry had
	 * aged out (rx ages first) and was inserted again. */
	CU_ASSERT_EQUAL_FATAL(rec.n_ev, 3);
	CU_ASSERT_TRUE(rec.ev[0].ev == LLDP_NB_ADDED && rec.ev[2].ev == LLDP_NB_ADDED);
	CU_ASSERT_TRUE(rec.ev[1].ev == LLDP_NB_REMOVED && rec.ev[1].why == LLDP_NB_AGED);
	STATS(0, 0, 7, 0, 14, 0, 1, 2, 1, 0);
	CU_ASSERT_EQUAL(lldp_agent_neighbor(a, 0)->rx_frames, 4);
	/* lldpd's EVB TLV says "not supported": no station to negotiate with. */
	CU_ASSERT_PTR_NULL(lldp_evb_find_station(a));
	/* The other agent counted nothing. */
	st = lldp_agent_stats(other);
	CU_ASSERT_EQUAL(st->rx_frames + st->rx_discarded + st->inserts, 0);
	CU_ASSERT_EQUAL(lldp_agent_neighbor_count(other), 0);
	lldp_agent_destroy(other);
	lldp_agent_destroy(a);
	tu_pcap_free(pc);
}

/* lldpad station (02:..:5a:01) against an lldpad bridge (02:..:b7:01). */
static void
test_rx_lldpad(void)
{
	struct tu_pcap *pc = tu_pcap_load(CAP_BRIDGE);
	static const uint8_t st_mac[6] = { 0x02, 0, 0, 0, 0x5a, 0x01 };
	/* by capture frame index: what the neighbour table reports */
	static const struct event want[] = {
		{ LLDP_NB_ADDED, LLDP_NB_NEW, 0x5a, 0 },        /* 0 station 00 07 68 94 14 */
		{ LLDP_NB_ADDED, LLDP_NB_NEW, 0xb7, 0 },        /* 1 bridge  02 00 68 54 14 */
		{ LLDP_NB_UPDATED, LLDP_NB_NEW, 0x5a, 0 },      /* 2 station 02 04 68 b4 34 */
		{ LLDP_NB_UPDATED, LLDP_NB_NEW, 0xb7, 0 },      /* 3 bridge  03 04 6e 74 34 */
		{ LLDP_NB_UPDATED, LLDP_NB_NEW, 0x5a, 0 },      /* 4 station 03 05 6e b4 34 */
		{ LLDP_NB_UPDATED, LLDP_NB_NEW, 0xb7, 0 },      /* 5 bridge  03 05 6e 74 34 */
		{ LLDP_NB_REMOVED, LLDP_NB_SHUTDOWN, 0xb7, 0 }, /* 7 bridge TTL 0 */
		{ LLDP_NB_UPDATED, LLDP_NB_NEW, 0x5a, 0 },      /* 8 station restarted TLV */
		{ LLDP_NB_ADDED, LLDP_NB_NEW, 0xb7, 0 },        /* 11 bridge back */
		{ LLDP_NB_UPDATED, LLDP_NB_NEW, 0x5a, 0 },      /* 12 */
		{ LLDP_NB_UPDATED, LLDP_NB_NEW, 0xb7, 0 },      /* 13 */
	};
	struct lldp_agent_sm *a;
	const struct lldp_neighbor *nb;
	size_t n_lldp = 0, n_other = 0;

	a = agent(LLDP_AGENT_NEAREST_CUSTOMER);
	for (size_t i = 0; i < pc->n; i++) {
		const struct tu_frame *f = &pc->frames[i];
		enum lldp_rx_result r = rx(a, f->data, f->len, f->ts_us);

		if (is_lldp(f)) {
			n_lldp++;
			CU_ASSERT_EQUAL(r, LLDP_RX_OK);
		} else {
			n_other++; /* ECP/VDP to the same group MAC */
			CU_ASSERT_EQUAL(r, LLDP_RX_NOT_MINE);
		}
	}
	CU_ASSERT(n_other > 0);
	CU_ASSERT_EQUAL_FATAL(rec.n_ev, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < rec.n_ev; i++) {
		CU_ASSERT_EQUAL(rec.ev[i].ev, want[i].ev);
		CU_ASSERT_EQUAL(rec.ev[i].why, want[i].why);
		CU_ASSERT_EQUAL(rec.ev[i].mac5, want[i].mac5);
	}
	STATS(0, 0, n_lldp, 0, 0, 0, 0, 3, 1, 0);
	CU_ASSERT_EQUAL_FATAL(lldp_agent_neighbor_count(a), 2);
	nb = lldp_agent_neighbor(a, 0);
	assert_mac_id(&nb->chassis, LLDP_CHASSIS_MAC, st_mac);
	assert_mac_id(&nb->port, LLDP_PORT_MAC, st_mac);
	CU_ASSERT_EQUAL(nb->ttl, 120);
	CU_ASSERT_FALSE(nb->has_sys_name);
	CU_ASSERT_TRUE_FATAL(nb->has_evb);
	CU_ASSERT_EQUAL(nb->evb.mode, LLDP_EVB_MODE_STATION);
	assert_evb_hex(&nb->evb, "03 05 6e b4 34", "lldpad station");
	CU_ASSERT_PTR_EQUAL(lldp_evb_find_station(a), &nb->evb);
	CU_ASSERT_PTR_EQUAL(lldp_agent_find(a, &nb->chassis, &nb->port), nb);
	nb = lldp_agent_neighbor(a, 1);
	CU_ASSERT_EQUAL(nb->src_mac[4], 0xb7);
	CU_ASSERT_EQUAL(nb->evb.mode, LLDP_EVB_MODE_BRIDGE);
	CU_ASSERT_PTR_NULL(lldp_agent_neighbor(a, 2));
	lldp_agent_destroy(a);
	tu_pcap_free(pc);

	/* The station alone (its ECP frames go to the same group MAC): one
	 * neighbour, its initial TLV, identical frames are no updates. */
	pc = tu_pcap_load(CAP_STATION);
	a = agent(LLDP_AGENT_NEAREST_CUSTOMER);
	for (size_t i = 0; i < pc->n; i++)
		rx(a, pc->frames[i].data, pc->frames[i].len, pc->frames[i].ts_us);
	CU_ASSERT_EQUAL_FATAL(lldp_agent_neighbor_count(a), 1);
	nb = lldp_agent_neighbor(a, 0);
	CU_ASSERT_EQUAL(nb->rx_frames, 7);
	CU_ASSERT_EQUAL(lldp_agent_stats(a)->rx_frames, 7);
	CU_ASSERT_EQUAL(rec.n_ev, 1);
	assert_evb_hex(&nb->evb, "00 07 68 94 14", "lldpad station alone");
	CU_ASSERT_EQUAL(nb->evb.rrstat, LLDP_EVB_RRSTAT_UNKNOWN);
	lldp_agent_destroy(a);
	tu_pcap_free(pc);
}

/* The crafted capture: CDCP and draft EVB TLVs are kept; an update replaces
 * the whole entry (the station's EVB TLV goes when it stops sending it). */
static void
test_rx_crafted_org(void)
{
	struct tu_pcap *pc = tu_pcap_load(CAP_CRAFTED);
	static const uint8_t st_mac[6] = { 0x52, 0x54, 0, 0, 0, 0x01 };
	struct lldp_agent_sm *a;
	const struct lldp_neighbor *nb, *br;

	a = agent(LLDP_AGENT_NEAREST_CUSTOMER);
	CU_ASSERT_EQUAL_FATAL(pc->n, 5);
	for (size_t i = 0; i < pc->n; i++) {
		const struct tu_frame *f = &pc->frames[i];

		CU_ASSERT_EQUAL(rx(a, f->data, f->len, f->ts_us), LLDP_RX_OK);
		if (i == 1) {
			nb = lldp_agent_neighbor(a, 1);
			CU_ASSERT_TRUE(nb->has_evb);
			CU_ASSERT_PTR_EQUAL(lldp_evb_find_station(a), &nb->evb);
		}
	}
	CU_ASSERT_EQUAL_FATAL(lldp_agent_neighbor_count(a), 2);
	br = lldp_agent_neighbor(a, 0);
	nb = lldp_agent_neighbor(a, 1);
	assert_mac_id(&nb->chassis, LLDP_CHASSIS_MAC, st_mac);
	CU_ASSERT_TRUE(nb->port.subtype == LLDP_PORT_IFNAME && nb->port.len == 6 &&
		memcmp(nb->port.id, "Eth1/1", 6) == 0);
	/* last LLDPDU: draft EVB only */
	CU_ASSERT_FALSE(nb->has_evb || nb->has_cdcp);
	CU_ASSERT_TRUE(nb->has_evb_draft && nb->evb_draft.cfg_mode == 0x07);
	CU_ASSERT_EQUAL(nb->evb_draft.sup_vsis, 3852);
	CU_ASSERT_PTR_NULL(lldp_evb_find_station(a)); /* bridge TLV only now */
	/* the bridge's last LLDPDU: CDCP */
	CU_ASSERT_FALSE(br->has_evb);
	CU_ASSERT_TRUE_FATAL(br->has_cdcp);
	CU_ASSERT_TRUE(br->cdcp.role == LLDP_CDCP_ROLE_STATION && br->cdcp.scomp);
	CU_ASSERT_TRUE(br->cdcp.chncap == 4 && br->cdcp.n_chan == 2);
	CU_ASSERT_TRUE(br->cdcp.chan[1].scid == 2 && br->cdcp.chan[1].svid == 100);
	CU_ASSERT_EQUAL(rec.n_ev, 5); /* 2 added, 3 updated */
	lldp_agent_destroy(a);
	tu_pcap_free(pc);
}

static void
test_rx_ttl_expiry(void)
{
	struct lldp_agent_cfg cfg;
	struct lldp_agent_sm *a;

	rec_reset();
	base_cfg(&cfg, LLDP_AGENT_NEAREST_BRIDGE);
	cfg.admin = LLDP_ADMIN_RX_ONLY; /* only ageing sets the deadline */
	a = make_agent(&cfg);
	CU_ASSERT_EQUAL(peer_rx(a, 0x11, 0x11, 1, 10, T0 + S(5)), LLDP_RX_OK);
	CU_ASSERT_EQUAL(lldp_agent_next_deadline(a), T0 + S(15));
	tick(a, T0 + S(11));
	CU_ASSERT_EQUAL(lldp_agent_neighbor_count(a), 1);
	/* A refresh at 12 s restarts rxInfoTTL: now 22 s. */
	CU_ASSERT_EQUAL(peer_rx(a, 0x11, 0x11, 1, 10, T0 + S(12)), LLDP_RX_OK);
	CU_ASSERT_EQUAL(rec.n_ev, 1); /* same bytes: a refresh, no event */
	CU_ASSERT_EQUAL(lldp_agent_next_deadline(a), T0 + S(22));
	tick(a, T0 + S(22) - 1); /* not before */
	CU_ASSERT_EQUAL(lldp_agent_neighbor_count(a), 1);
	tick(a, T0 + S(22)); /* exactly rx time + TTL */
	CU_ASSERT_EQUAL(lldp_agent_neighbor_count(a), 0);
	CU_ASSERT_EQUAL_FATAL(rec.n_ev, 2);
	CU_ASSERT_TRUE(rec.ev[1].ev == LLDP_NB_REMOVED && rec.ev[1].why == LLDP_NB_AGED);
	CU_ASSERT_EQUAL(lldp_agent_next_deadline(a), UINT64_MAX);
	STATS(0, 0, 2, 0, 0, 0, 1, 1, 1, 0);

	/* A different TTL is a change: reported as an update. */
	CU_ASSERT_EQUAL(peer_rx(a, 0x11, 0x11, 1, 10, T0 + S(30)), LLDP_RX_OK);
	CU_ASSERT_EQUAL(peer_rx(a, 0x11, 0x11, 1, 50, T0 + S(31)), LLDP_RX_OK);
	CU_ASSERT_EQUAL_FATAL(rec.n_ev, 4);
	CU_ASSERT_EQUAL(rec.ev[3].ev, LLDP_NB_UPDATED);
	CU_ASSERT_EQUAL(lldp_agent_neighbor(a, 0)->expires, T0 + S(81));
	CU_ASSERT_EQUAL(lldp_agent_neighbor(a, 0)->first_seen, T0 + S(30));
	/* An rx after the expiry ages first, then inserts anew. */
	CU_ASSERT_EQUAL(peer_rx(a, 0x11, 0x11, 1, 50, T0 + S(81)), LLDP_RX_OK);
	CU_ASSERT_EQUAL_FATAL(rec.n_ev, 6);
	CU_ASSERT_TRUE(rec.ev[4].why == LLDP_NB_AGED && rec.ev[5].ev == LLDP_NB_ADDED);
	CU_ASSERT_EQUAL(lldp_agent_stats(a)->ageouts, 2);
	lldp_agent_destroy(a);
}

static void
test_rx_ttl0(void)
{
	struct lldp_agent_sm *a;

	a = agent(LLDP_AGENT_NEAREST_BRIDGE);
	CU_ASSERT_EQUAL(peer_rx(a, 0x22, 0x22, 1, 120, T0), LLDP_RX_OK);
	CU_ASSERT_EQUAL(peer_rx(a, 0x23, 0x22, 2, 120, T0), LLDP_RX_OK);
	CU_ASSERT_EQUAL(lldp_agent_neighbor_count(a), 2);

	/* TTL 0 removes that MSAP at once. */
	CU_ASSERT_EQUAL(peer_rx(a, 0x22, 0x22, 1, 0, T0 + S(1)), LLDP_RX_OK);
	CU_ASSERT_EQUAL_FATAL(lldp_agent_neighbor_count(a), 1);
	CU_ASSERT_EQUAL(lldp_agent_neighbor(a, 0)->chassis.id[5], 2);
	CU_ASSERT_EQUAL_FATAL(rec.n_ev, 3);
	CU_ASSERT_TRUE(rec.ev[2].ev == LLDP_NB_REMOVED && rec.ev[2].why == LLDP_NB_SHUTDOWN);
	CU_ASSERT_EQUAL(rec.ev[2].chassis_last, 1);
	/* TTL 0 for an unknown MSAP: accepted, nothing happens. */
	CU_ASSERT_EQUAL(peer_rx(a, 0x22, 0x22, 1, 0, T0 + S(2)), LLDP_RX_OK);
	CU_ASSERT_EQUAL(lldp_agent_neighbor_count(a), 1);
	CU_ASSERT_EQUAL(rec.n_ev, 3);
	STATS(0, 0, 4, 0, 0, 0, 0, 2, 1, 0);
	lldp_agent_destroy(a);
}

static void
test_rx_too_many(void)
{
	struct lldp_agent_cfg cfg;
	struct lldp_agent_sm *a;

	rec_reset();
	base_cfg(&cfg, LLDP_AGENT_NEAREST_BRIDGE);
	cfg.max_neighbors = 2;
	a = make_agent(&cfg);
	for (uint8_t i = 1; i <= 2; i++)
		CU_ASSERT_EQUAL(peer_rx(a, 0x30 + i, 0x30 + i, i, 120, T0), LLDP_RX_OK);
	CU_ASSERT_FALSE(lldp_agent_too_many_neighbors(a, T0));
	/* A third MSAP: dropped and counted (9.2.7.7), the table kept. */
	CU_ASSERT_EQUAL(peer_rx(a, 0x33, 0x33, 3, 60, T0 + S(1)), LLDP_RX_DROPPED);
	CU_ASSERT_EQUAL(peer_rx(a, 0x33, 0x33, 3, 60, T0 + S(2)), LLDP_RX_DROPPED);
	CU_ASSERT_EQUAL(lldp_agent_neighbor_count(a), 2);
	STATS(0, 0, 4, 0, 0, 0, 0, 2, 0, 2);
	CU_ASSERT_EQUAL(rec.n_ev, 2);
	CU_ASSERT_TRUE(lldp_agent_too_many_neighbors(a, T0 + S(62) - 1));
	CU_ASSERT_FALSE(lldp_agent_too_many_neighbors(a, T0 + S(62)));
	/* Known MSAPs still refresh. */
	CU_ASSERT_EQUAL(peer_rx(a, 0x31, 0x31, 1, 120, T0 + S(3)), LLDP_RX_OK);
	CU_ASSERT_EQUAL(lldp_agent_neighbor(a, 0)->expires, T0 + S(123));
	/* Room again once one leaves. */
	CU_ASSERT_EQUAL(peer_rx(a, 0x32, 0x32, 2, 0, T0 + S(4)), LLDP_RX_OK);
	CU_ASSERT_EQUAL(peer_rx(a, 0x33, 0x33, 3, 60, T0 + S(5)), LLDP_RX_OK);
	CU_ASSERT_EQUAL(lldp_agent_neighbor_count(a), 2);
	CU_ASSERT_EQUAL(lldp_agent_neighbor(a, 1)->chassis.id[5], 3);
	CU_ASSERT_EQUAL(lldp_agent_stats(a)->inserts, 3);
	lldp_agent_destroy(a);
}

static void
test_rx_replace(void)
{
	struct lldp_agent_cfg cfg;
	struct lldp_agent_sm *a;

	for (int replace = 0; replace <= 1; replace++) {
		rec_reset();
		base_cfg(&cfg, LLDP_AGENT_NEAREST_BRIDGE);
		cfg.replace_same_source = replace;
		a = make_agent(&cfg);
		CU_ASSERT_EQUAL(peer_rx(a, 0x40, 0x40, 1, 120, T0), LLDP_RX_OK);
		/* Same sender, new chassis ID (restarted with another ID). */
		CU_ASSERT_EQUAL(peer_rx(a, 0x40, 0x40, 2, 120, T0 + S(1)), LLDP_RX_OK);
		if (replace) {
			CU_ASSERT_EQUAL_FATAL(lldp_agent_neighbor_count(a), 1);
			CU_ASSERT_EQUAL(lldp_agent_neighbor(a, 0)->chassis.id[5], 2);
			CU_ASSERT_EQUAL_FATAL(rec.n_ev, 3);
			CU_ASSERT_TRUE(rec.ev[1].ev == LLDP_NB_REMOVED &&
				rec.ev[1].why == LLDP_NB_REPLACED &&
				rec.ev[1].chassis_last == 1);
			CU_ASSERT_EQUAL(rec.ev[2].ev, LLDP_NB_ADDED);
			CU_ASSERT_EQUAL(lldp_agent_stats(a)->deletes, 1);
		} else {
			CU_ASSERT_EQUAL(lldp_agent_neighbor_count(a), 2);
			CU_ASSERT_EQUAL(rec.n_ev, 2);
			CU_ASSERT_EQUAL(lldp_agent_stats(a)->deletes, 0);
		}
		CU_ASSERT_EQUAL(lldp_agent_stats(a)->inserts, 2);
		lldp_agent_destroy(a);
	}
}

static void
test_rx_fast_start(void)
{
	struct lldp_agent_sm *a;
	static const uint64_t want[] = { S(40), S(41), S(42), S(43), S(73) };
	size_t first;

	a = agent(LLDP_AGENT_NEAREST_BRIDGE);
	for (uint64_t t = T0; t < T0 + S(40); t += S(1))
		tick(a, t);
	first = rec.n_sent;
	CU_ASSERT_EQUAL(first, 5);
	/* A new neighbour: newNeighbor -> TX_FAST_START at once. */
	CU_ASSERT_EQUAL(peer_rx(a, 0x50, 0x50, 1, 120, T0 + S(40)), LLDP_RX_OK);
	CU_ASSERT_EQUAL(rec.n_sent, first); /* rx itself sends nothing */
	CU_ASSERT_EQUAL(lldp_agent_next_deadline(a), T0 + S(40));
	for (uint64_t t = T0 + S(40); t <= T0 + S(80); t += S(1) / 2) {
		tick(a, t);
		/* A known neighbour refreshing does not restart fast start. */
		if (t == T0 + S(45))
			CU_ASSERT_EQUAL(peer_rx(a, 0x50, 0x50, 1, 120, t), LLDP_RX_OK);
	}
	CU_ASSERT_EQUAL_FATAL(rec.n_sent - first, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CU_ASSERT_EQUAL(rec.sent[first + i].t, T0 + want[i]);
	lldp_agent_destroy(a);
}

/* Truncate real frames at every length: a prefix is either a valid
 * LLDPDU (cut at a TLV boundary after the TTL: lldp_decode accepts an
 * LLDPDU without End) or discarded and counted.  Never a crash. */
static void
truncate_all(const uint8_t *frame, size_t len, enum lldp_agent group)
{
	struct lldp_agent_cfg cfg;
	struct lldp_agent_sm *a;
	struct vn_err err;
	uint64_t want_discard = 0, want_rx = 0;

	rec_reset();
	base_cfg(&cfg, group);
	a = make_agent(&cfg);
	for (size_t cut = 0; cut < len; cut++) {
		enum lldp_rx_result r = rx(a, frame, cut, T0 + cut);

		if (cut < LLDP_ETH_HDR_LEN) {
			CU_ASSERT_EQUAL(r, LLDP_RX_NOT_MINE);
			continue;
		}
		want_rx++;
		if (lldp_decode(frame + 14, cut - 14, &dec, &err) != 0) {
			want_discard++;
			CU_ASSERT_EQUAL(r, LLDP_RX_DISCARDED);
			CU_ASSERT_PTR_NOT_NULL(lldp_agent_last_error(a).reason);
		} else {
			CU_ASSERT_EQUAL(r, LLDP_RX_OK);
		}
		CU_ASSERT_EQUAL(lldp_agent_stats(a)->rx_discarded, want_discard);
	}
	CU_ASSERT_EQUAL(lldp_agent_stats(a)->rx_frames, want_rx);
	/* Up to the end of the TTL TLV (14 + 9 + port + 4) nothing is valid. */
	CU_ASSERT(want_discard >= 20);
	CU_ASSERT(lldp_agent_neighbor_count(a) <= 1);
	lldp_agent_destroy(a);
}

static void
test_rx_malformed(void)
{
	struct tu_pcap *p1 = tu_pcap_load(CAP_LLDPD);
	struct tu_pcap *p2 = tu_pcap_load(CAP_STATION);
	struct tu_pcap *p3 = tu_pcap_load(CAP_CRAFTED);
	struct lldp_agent_sm *a;
	uint8_t f[LLDP_FRAME_MAX];
	const struct tu_frame *good = &p2->frames[0];
	/* Lies in an lldpad frame: offset (from the frame start) and new byte. */
	static const struct {
		size_t off;
		uint8_t val;
		const char *what;
		size_t off2; /* 0: none */
		uint8_t val2;
	} lies[] = {
		{ 14, 0x04, "first TLV is a Port ID", 0, 0 },
		{ 15, 0x08, "Chassis ID length past its value", 0, 0 },
		{ 15, 0x00, "Chassis ID length 0", 0, 0 },
		{ 16, 0x00, "Chassis ID subtype 0 (reserved)", 0, 0 },
		{ 23, 0x06, "second TLV is a TTL", 0, 0 },
		{ 32, 0x02, "TTL TLV is a Port ID", 0, 0 },
		{ 33, 0x03, "TTL length 3", 0, 0 },
		{ 37, 0x0b, "EVB TLV length 11 runs into the End TLV", 0, 0 },
		{ 37, 0x08, "EVB TLV length 8", 0, 0 },
		{ 45, 0xd4, "EVB mode 3 (reserved)", 0, 0 },
		{ 47, 0x13, "End -> type 9, length 511 past the frame", 48, 0xff },
		{ 36, 0xfe, "EVB TLV length 0", 37, 0x00 },
	};

	truncate_all(p1->frames[3].data, p1->frames[3].len, LLDP_AGENT_NEAREST_BRIDGE);
	truncate_all(good->data, good->len, LLDP_AGENT_NEAREST_CUSTOMER);
	truncate_all(p3->frames[2].data, p3->frames[2].len, LLDP_AGENT_NEAREST_CUSTOMER);
	truncate_all(p3->frames[4].data, p3->frames[4].len, LLDP_AGENT_NEAREST_CUSTOMER);

	a = agent(LLDP_AGENT_NEAREST_CUSTOMER);
	CU_ASSERT_EQUAL_FATAL(good->len, 60);
	for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
		struct vn_err e;

		memcpy(f, good->data, good->len);
		f[lies[i].off] = lies[i].val;
		if (lies[i].off2)
			f[lies[i].off2] = lies[i].val2;
		CU_ASSERT_EQUAL(rx(a, f, good->len, T0 + i), LLDP_RX_DISCARDED);
		e = lldp_agent_last_error(a);
		CU_ASSERT_PTR_NOT_NULL(e.reason);
		if (!e.reason)
			fprintf(stderr, "no reason for: %s\n", lies[i].what);
		CU_ASSERT_EQUAL(lldp_agent_stats(a)->rx_discarded, i + 1);
	}
	CU_ASSERT_EQUAL(lldp_agent_neighbor_count(a), 0);
	CU_ASSERT_EQUAL(lldp_agent_stats(a)->inserts, 0);
	CU_ASSERT_EQUAL(rec.n_ev, 0);
	/* The untouched frame still goes in. */
	CU_ASSERT_EQUAL(rx(a, good->data, good->len, T0 + S(1)), LLDP_RX_OK);
	CU_ASSERT_EQUAL(lldp_agent_neighbor_count(a), 1);
	lldp_agent_destroy(a);
	tu_pcap_free(p1);
	tu_pcap_free(p2);
	tu_pcap_free(p3);
}

static void
test_rx_not_mine(void)
{
	struct tu_pcap *pc = tu_pcap_load(CAP_STATION);
	const struct tu_frame *good = &pc->frames[0];
	struct lldp_agent_cfg cfg;
	struct lldp_agent_sm *ag[3], *a;
	uint8_t f[LLDP_FRAME_MAX];

	rec_reset();
	for (int g = 0; g < 3; g++) {
		base_cfg(&cfg, (enum lldp_agent)g);
		ag[g] = make_agent(&cfg);
		CU_ASSERT_EQUAL(lldp_agent_group(ag[g]), (enum lldp_agent)g);
	}
#define RX(g, fr, len) rx(ag[LLDP_AGENT_NEAREST_##g], fr, len, T0)
	/* To 01-80-C2-00-00-00: only the nearest customer bridge agent. */
	CU_ASSERT_EQUAL(RX(BRIDGE, good->data, good->len), LLDP_RX_NOT_MINE);
	CU_ASSERT_EQUAL(RX(NONTPMR, good->data, good->len), LLDP_RX_NOT_MINE);
	CU_ASSERT_EQUAL(RX(CUSTOMER, good->data, good->len), LLDP_RX_OK);
	/* Re-addressed to 01-80-C2-00-00-03. */
	memcpy(f, good->data, good->len);
	f[5] = 0x03;
	CU_ASSERT_EQUAL(RX(NONTPMR, f, good->len), LLDP_RX_OK);
	CU_ASSERT_EQUAL(RX(CUSTOMER, f, good->len), LLDP_RX_NOT_MINE);
	/* Unicast DA, another EtherType, a runt, nothing. */
	f[0] = 0x02;
	CU_ASSERT_EQUAL(RX(NONTPMR, f, good->len), LLDP_RX_NOT_MINE);
	memcpy(f, good->data, good->len);
	vn_put_be16(f + 12, VN_ETH_ECP);
	CU_ASSERT_EQUAL(RX(CUSTOMER, f, good->len), LLDP_RX_NOT_MINE);
	CU_ASSERT_EQUAL(RX(CUSTOMER, good->data, 13), LLDP_RX_NOT_MINE);
	CU_ASSERT_EQUAL(RX(CUSTOMER, NULL, 0), LLDP_RX_NOT_MINE);
#undef RX
	CU_ASSERT_EQUAL(lldp_agent_stats(ag[LLDP_AGENT_NEAREST_BRIDGE])->rx_frames, 0);
	CU_ASSERT_EQUAL(lldp_agent_stats(ag[LLDP_AGENT_NEAREST_CUSTOMER])->rx_frames, 1);
	CU_ASSERT_EQUAL(lldp_agent_stats(ag[LLDP_AGENT_NEAREST_NONTPMR])->rx_frames, 1);
	for (int g = 0; g < 3; g++)
		lldp_agent_destroy(ag[g]);

	/* Transmit-only: the frame is ours but ignored. */
	base_cfg(&cfg, LLDP_AGENT_NEAREST_CUSTOMER);
	cfg.admin = LLDP_ADMIN_TX_ONLY;
	a = make_agent(&cfg);
	CU_ASSERT_EQUAL(rx(a, good->data, good->len, T0), LLDP_RX_DISABLED);
	STATS(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	CU_ASSERT_EQUAL(lldp_agent_neighbor_count(a), 0);
	lldp_agent_destroy(a);
	CU_ASSERT_STRING_EQUAL(lldp_rx_result_name(LLDP_RX_NOT_MINE), "not mine");
	CU_ASSERT_STRING_EQUAL(lldp_nb_reason_name(LLDP_NB_AGED), "ttl expired");
	tu_pcap_free(pc);
}

static void
test_rx_unrecognized(void)
{
	/* A reserved type (9), an 802.3 MAC/PHY TLV, and five management
	 * addresses: one more than LLDP_MAX_MGMT (statsTLVsDiscardedTotal). */
	static const char frame[] =
		"01 80 c2 00 00 0e 02 00 00 00 60 01 88 cc 02 07 04 02 00 00 00 60 01 "
		"04 03 05 70 31 06 02 00 78 12 01 00 fe 09 00 12 0f 01 00 80 00 00 36 "
		"10 0c 05 01 0a 00 00 01 02 00 00 00 00 00 10 0c 05 01 0a 00 00 02 02 00 00 00 00 00 "
		"10 0c 05 01 0a 00 00 03 02 00 00 00 00 00 10 0c 05 01 0a 00 00 04 02 00 00 00 00 00 "
		"10 0c 05 01 0a 00 00 05 02 00 00 00 00 00 00 00";
	struct lldp_agent_sm *a = agent(LLDP_AGENT_NEAREST_BRIDGE);
	uint8_t f[LLDP_FRAME_MAX];
	int n = tu_hex(frame, f, sizeof(f));

	CU_ASSERT_FATAL(n > 60);
	CU_ASSERT_EQUAL(rx(a, f, (size_t)n, T0), LLDP_RX_OK);
	STATS(0, 0, 1, 0, 2, 1, 0, 1, 0, 0);
	CU_ASSERT_EQUAL(lldp_agent_neighbor(a, 0)->tlvs_unrecognized, 2);
	CU_ASSERT_EQUAL(lldp_agent_neighbor(a, 0)->mgmt.addr[3], 1); /* the first kept */
	CU_ASSERT_EQUAL(rx(a, f, (size_t)n, T0 + 1), LLDP_RX_OK);
	CU_ASSERT_EQUAL(lldp_agent_stats(a)->rx_tlvs_unrecognized, 4);
	lldp_agent_destroy(a);
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
	static const struct tu_test rx_tests[] = {
		{ "lldpd capture", test_rx_lldpd },
		{ "lldpad station vs lldpad bridge capture", test_rx_lldpad },
		{ "crafted EVB/CDCP/draft capture", test_rx_crafted_org },
		{ "TTL expiry at rx time + TTL", test_rx_ttl_expiry },
		{ "TTL 0 removes", test_rx_ttl0 },
		{ "too many neighbours", test_rx_too_many },
		{ "same source, new MSAP", test_rx_replace },
		{ "new neighbour fast start", test_rx_fast_start },
		{ "malformed: truncations and lies", test_rx_malformed },
		{ "not mine / disabled", test_rx_not_mine },
		{ "unrecognised and discarded TLVs", test_rx_unrecognized },
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
	tu_add_suite("lldp-agent-rx", rx_tests);
	tu_add_suite("lldp-evb", evb_tests);
}

int
main(void)
{
	return tu_run("test-lldp-agent", add_suites);
}
