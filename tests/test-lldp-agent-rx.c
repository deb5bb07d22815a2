/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-lldp-agent-rx.c - the "lldp-agent-rx" suite of tests/test-lldp-agent:
 * the LLDP agent receiving, in virtual time: the lldpd and lldpad captures,
 * TTL expiry and TTL 0, too many neighbours, MSAP replacement, fast start,
 * malformed frames, unrecognised TLVs.  The recording owner is in
 * lldpagenttest.c; test-lldp-agent.c registers lldp_agent_rx_tests.
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

/* ---- peers -------------------------------------------------------------------- */

static struct lldp_pdu peer; /* peer LLDPDU being built */

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

/* Registered as the "lldp-agent-rx" suite by test-lldp-agent.c, in this order. */
const struct tu_test lldp_agent_rx_tests[] = {
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
