/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-ecp-vdp-sm-bridge.c - the "vdp-bridge" suite of tests/test-ecp-vdp-sm:
 * the VDP bridge role in virtual time, every VDP mode, transition and status
 * code, KEEP/HARD, keep-alive refresh and expiry at exactly the formula,
 * bridge-initiated de-associate, resources, malformed requests.  The harness
 * is in ecpvdptest.c; test-ecp-vdp-sm.c registers ecp_vdp_bridge_tests.
 */
#include <config.h>

#include <string.h>

#include "common/codec.h"
#include "tests/ecpvdptest.h"
#include "tests/testutil.h"
#include "vepa/vdp.h"
#include "vepa/vdp_bridge.h"

/* ==== VDP helpers ========================================================= */

static const uint8_t mgr_blabla[16] = { 'b', 'l', 'a', 'b', 'l', 'a' };
static const uint8_t uuid1[16] = { 0xa1, 0xb2, 0xc3, 0xd4, 0x00, 0x00, 0x11, 0x11, 0x22, 0x22,
	0x33, 0x33, 0x44, 0x44, 0x55, 0x55 };
static const uint8_t uuid2[16] = { 0xde, 0xad, 0xbe, 0xef, 0x00, 0x00, 0x11, 0x11, 0x22, 0x22,
	0x33, 0x33, 0x44, 0x44, 0x55, 0x55 };
static const uint8_t mac1[6] = { 0x52, 0x54, 0x00, 0x11, 0x22, 0x33 };

struct req {
	uint8_t mode;
	uint8_t hints; /* 0x10 M, 0x20 S */
	uint32_t type_id;
	uint8_t ver;
	const uint8_t *id;
	uint8_t fif;
	struct vdp_filter f[4];
	size_t n;
};

static struct req
std_req(uint8_t mode)
{
	struct req r = { .mode = mode, .type_id = 5, .ver = 4, .id = uuid1, .fif = 2, .n = 1 };

	memcpy(r.f[0].mac, mac1, 6);
	return r;
}

static void
add_req(struct vdp_pdu *p, const struct req *r)
{
	struct vdp_vsi v = { 0 };

	v.mode = r->mode;
	v.status.keep_or_s = (r->hints & 0x20) != 0;
	v.status.hard_or_m = (r->hints & 0x10) != 0;
	v.type_id = r->type_id;
	v.type_version = r->ver;
	v.vsiid_format = VDP_VSIID_UUID;
	memcpy(v.vsiid, r->id, 16);
	v.fif = r->fif;
	CU_ASSERT_FATAL(vdp_pdu_add_vsi(p, &v, r->f, r->n) >= 0);
}

static size_t
mk_req(uint8_t *buf, const struct req *r)
{
	size_t len = 0;

	vdp_pdu_init(&g_req);
	g_req.has_mgrid = true;
	memcpy(g_req.mgrid, mgr_blabla, 16);
	add_req(&g_req, r);
	CU_ASSERT_EQUAL_FATAL(vdp_encode(&g_req, buf, VDP_MAX_PDU_LEN, &len, NULL), 0);
	return len;
}

/* Feed a request to the bridge; returns the number of responses sent. */
static size_t
feed(struct vdp_bridge *br, const struct req *r, uint64_t now)
{
	uint8_t buf[VDP_MAX_PDU_LEN];
	size_t before = H.n_out, len = mk_req(buf, r);

	CU_ASSERT_EQUAL(vdp_bridge_rx(br, buf, len, now), 0);
	return H.n_out - before;
}

/* Decode the last bridge output into g_rsp and return its first VSI TLV. */
static const struct vdp_vsi *
last_rsp(void)
{
	struct vn_err e = { 0 };

	CU_ASSERT_FATAL(H.n_out > 0);
	CU_ASSERT_EQUAL_FATAL(
		vdp_decode(H.out[H.n_out - 1].data, H.out[H.n_out - 1].len, &g_rsp, &e), 0);
	CU_ASSERT_FATAL(g_rsp.n_vsi >= 1);
	return &g_rsp.vsi[0];
}

/* Status octet of the first VSI TLV of the last output (byte 20). */
static uint8_t
last_octet(void)
{
	CU_ASSERT_FATAL(H.n_out > 0 && H.out[H.n_out - 1].len > 20);
	return H.out[H.n_out - 1].data[20];
}

/* Feed r; one response whose first VSI TLV has this type / status octet. */
#define EXPECT_OCT(br, r, now, octet)                                                          \
	do {                                                                                   \
		CU_ASSERT_EQUAL(feed(br, r, now), 1);                                          \
		CU_ASSERT_EQUAL(last_octet(), octet);                                          \
	} while (0)
#define EXPECT(br, r, now, mode_, octet)                                                       \
	do {                                                                                   \
		EXPECT_OCT(br, r, now, octet);                                                 \
		CU_ASSERT_EQUAL(last_rsp()->mode, mode_);                                      \
	} while (0)

static struct vdp_bridge *
mk_br(uint16_t max_vsi, uint16_t max_filters)
{
	return mk_br_x(max_vsi, max_filters, 8, 0);
}

static const struct vdp_bridge_vsi *
find1(const struct vdp_bridge *br)
{
	return vdp_bridge_find(br, mgr_blabla, VDP_VSIID_UUID, uuid1);
}

/* ==== VDP ================================================================= */

static void
test_vdp_assoc_vid0(void)
{
	struct vdp_bridge *br;
	struct req r = std_req(VDP_TLV_ASSOC);
	const struct vdp_vsi *v;
	const struct vdp_filter *f;
	const struct vdp_bridge_vsi *rec;

	h_reset();
	br = mk_br(4, 4);
	/* Two entries: VID 0 (bridge chooses) and VID 200 (must stay). */
	r.n = 2;
	memcpy(r.f[1].mac, mac1, 6);
	r.f[1].mac[5] = 0x34;
	r.f[1].vid = 200;
	H.admit_vid = 100;
	H.admit_pcp = 3;
	CU_ASSERT_EQUAL(feed(br, &r, 1000), 1);
	CU_ASSERT_EQUAL(H.n_admit, 1);
	CU_ASSERT_EQUAL(H.admit_mode, VDP_TLV_ASSOC);
	CU_ASSERT_FALSE(H.admit_had_cur);
	CU_ASSERT_EQUAL(H.admit_n, 2);
	v = last_rsp();
	CU_ASSERT(!memcmp(g_rsp.mgrid, mgr_blabla, 16));
	CU_ASSERT_EQUAL(g_rsp.n_vsi, 1);
	CU_ASSERT_EQUAL(v->mode, VDP_TLV_ASSOC);
	CU_ASSERT_EQUAL(last_octet(), 0x40);
	CU_ASSERT_EQUAL(v->type_id, 5);
	CU_ASSERT_EQUAL(v->type_version, 4);
	CU_ASSERT(!memcmp(v->vsiid, uuid1, 16));
	CU_ASSERT_EQUAL(v->fif, 2);
	CU_ASSERT_EQUAL_FATAL(v->n_filters, 2);
	/* Exact TLV length: 25 + 2 * 8. */
	CU_ASSERT_EQUAL(vn_get_be16(H.out[0].data + 18), (3 << 9) | 41);
	CU_ASSERT_EQUAL(H.out[0].len, 18 + 2 + 41);
	f = vdp_vsi_filters(&g_rsp, v);
	CU_ASSERT(!memcmp(f[0].mac, mac1, 6));
	CU_ASSERT_EQUAL(f[0].vid, 100); /* VID 0 -> profile VLAN */
	CU_ASSERT_EQUAL(f[0].pcp, 3);   /* PS clear: PCP may be set */
	CU_ASSERT_EQUAL(f[1].vid, 200); /* non-zero VID never rewritten */
	CU_ASSERT_EQUAL(f[1].mac[5], 0x34);
	rec = find1(br);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
	CU_ASSERT_EQUAL(rec->state, VDP_TLV_ASSOC);
	CU_ASSERT_EQUAL(rec->mode, VDP_TLV_ASSOC);
	CU_ASSERT_EQUAL(rec->created_us, 1000);
	CU_ASSERT_EQUAL(rec->refreshed_us, 1000);
	CU_ASSERT_EQUAL(rec->filters[0].vid, 100);
	CU_ASSERT_EQUAL(rec->req_filters[0].vid, 0);
	CU_ASSERT_EQUAL(rec->last_status, 0x40);
	CU_ASSERT_STRING_EQUAL(rec->last_reason, "admitted");
	CU_ASSERT(!memcmp(rec->mgrid, mgr_blabla, 16));
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->status[0], 1);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->n_vsi, 1);
	CU_ASSERT_PTR_EQUAL(vdp_bridge_next(br, NULL), rec);
	CU_ASSERT_PTR_NULL(vdp_bridge_next(br, rec));

	/* PS set in the request: the PCP is the station's. */
	r = std_req(VDP_TLV_ASSOC);
	r.id = uuid2;
	r.f[0].ps = true;
	r.f[0].pcp = 5;
	CU_ASSERT_EQUAL(feed(br, &r, 2000), 1);
	v = last_rsp();
	CU_ASSERT_EQUAL(vdp_vsi_filters(&g_rsp, v)[0].vid, 100);
	CU_ASSERT_EQUAL(vdp_vsi_filters(&g_rsp, v)[0].pcp, 5);
	CU_ASSERT(vdp_vsi_filters(&g_rsp, v)[0].ps);

	/* An owner producing VID 4095 is refused with status 4. */
	r.id = uuid1;
	r.type_id = 6; /* a change, so admit is asked */
	H.admit_vid = 4095;
	EXPECT_OCT(br, &r, 3000, 0x64); /* KEEP + other failure */
	CU_ASSERT_EQUAL(find1(br)->type_id, 5);
	vdp_bridge_destroy(br);
}

static void
test_vdp_modes_transitions(void)
{
	struct vdp_bridge *br;
	struct req r = std_req(VDP_TLV_PREASSOC);
	const struct vdp_bridge_vsi *rec;

	h_reset();
	br = mk_br(4, 4);
	/* none -> preassoc */
	EXPECT(br, &r, 10, VDP_TLV_PREASSOC, 0x40);
	rec = find1(br);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
	CU_ASSERT_EQUAL(rec->state, VDP_TLV_PREASSOC);
	/* preassoc -> preassoc-RR */
	r.mode = VDP_TLV_PREASSOC_RR;
	EXPECT(br, &r, 20, VDP_TLV_PREASSOC_RR, 0x40);
	CU_ASSERT_EQUAL(H.n_admit, 2);
	CU_ASSERT(H.admit_had_cur);
	CU_ASSERT_EQUAL(H.admit_mode, VDP_TLV_PREASSOC_RR);
	CU_ASSERT_EQUAL(rec->state, VDP_TLV_PREASSOC_RR);
	CU_ASSERT_EQUAL(rec->created_us, 10);
	/* preassoc-RR -> assoc */
	r.mode = VDP_TLV_ASSOC;
	EXPECT(br, &r, 30, VDP_TLV_ASSOC, 0x40);
	CU_ASSERT_EQUAL(H.n_admit, 3);
	CU_ASSERT_EQUAL(rec->state, VDP_TLV_ASSOC);
	/* assoc -> preassoc: refused, association kept (KEEP), admit not asked */
	r.mode = VDP_TLV_PREASSOC;
	EXPECT(br, &r, 40, VDP_TLV_PREASSOC, 0x40 | 0x20 | 4);
	CU_ASSERT_EQUAL(H.n_admit, 3);
	CU_ASSERT_EQUAL(rec->state, VDP_TLV_ASSOC);
	CU_ASSERT_EQUAL(rec->mode, VDP_TLV_PREASSOC);
	CU_ASSERT_EQUAL(rec->last_status, 0x64);
	r.mode = VDP_TLV_PREASSOC_RR;
	EXPECT_OCT(br, &r, 45, 0x64);
	/* assoc -> deassoc: released, answered with type 4 and 0x40 */
	r.mode = VDP_TLV_DEASSOC;
	EXPECT(br, &r, 50, VDP_TLV_DEASSOC, 0x40);
	CU_ASSERT_EQUAL(H.n_release, 1);
	CU_ASSERT_EQUAL(H.rel_reason, VDP_BRIDGE_REASON_STATION);
	CU_ASSERT_EQUAL(H.rel_state, VDP_TLV_ASSOC);
	CU_ASSERT_PTR_NULL(find1(br));
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->n_vsi, 0);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->station_deassocs, 1);
	CU_ASSERT_EQUAL(H.n_admit, 3);
	/* none -> preassoc-RR and none -> assoc directly, then preassoc -> deassoc */
	r.mode = VDP_TLV_PREASSOC_RR;
	EXPECT_OCT(br, &r, 60, 0x40);
	CU_ASSERT_EQUAL(find1(br)->state, VDP_TLV_PREASSOC_RR);
	r.mode = VDP_TLV_DEASSOC;
	CU_ASSERT_EQUAL(feed(br, &r, 70), 1);
	CU_ASSERT_EQUAL(H.n_release, 2);
	CU_ASSERT_EQUAL(H.rel_state, VDP_TLV_PREASSOC_RR);
	r.mode = VDP_TLV_ASSOC;
	CU_ASSERT_EQUAL(feed(br, &r, 80), 1);
	CU_ASSERT_EQUAL(find1(br)->state, VDP_TLV_ASSOC);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->status[0], 7);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->status[4], 2);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->resp_keep, 2);
	vdp_bridge_destroy(br);
}

static void
test_vdp_keepalive_refresh(void)
{
	struct vdp_bridge *br;
	struct req r = std_req(VDP_TLV_ASSOC);
	const struct vdp_bridge_vsi *rec;
	const uint64_t t = vdp_bridge_keepalive_us(3, 8, 20);

	h_reset();
	br = mk_br(4, 4);
	H.admit_vid = 100;
	CU_ASSERT_EQUAL(feed(br, &r, 1000), 1);
	rec = find1(br);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
	CU_ASSERT_EQUAL(vdp_bridge_next_deadline(br), 1000 + t);
	/* The station repeats the same ASSOC (VID 0 again): keep-alive. */
	CU_ASSERT_EQUAL(feed(br, &r, 1000 + t - 1), 1);
	CU_ASSERT_EQUAL(H.n_admit, 1);
	CU_ASSERT_EQUAL(last_octet(), 0x40);
	CU_ASSERT_EQUAL(vdp_vsi_filters(&g_rsp, last_rsp())[0].vid, 100);
	CU_ASSERT_EQUAL(rec->n_refresh, 1);
	CU_ASSERT_EQUAL(rec->refreshed_us, 1000 + t - 1);
	CU_ASSERT_EQUAL(rec->created_us, 1000);
	CU_ASSERT_STRING_EQUAL(rec->last_reason, "keep-alive");
	CU_ASSERT_EQUAL(vdp_bridge_next_deadline(br), 1000 + 2 * t - 1);
	vdp_bridge_tick(br, 1000 + t); /* the old deadline passes harmlessly */
	CU_ASSERT_EQUAL(H.n_release, 0);
	/* With the granted VID (lldpad adopts it): still a keep-alive. */
	r.f[0].vid = 100;
	CU_ASSERT_EQUAL(feed(br, &r, 2000 + t), 1);
	CU_ASSERT_EQUAL(H.n_admit, 1);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->keepalives, 2);
	/* Another VID is a change: admit is asked. */
	r.f[0].vid = 101;
	H.admit_vid = 0;
	CU_ASSERT_EQUAL(feed(br, &r, 3000 + t), 1);
	CU_ASSERT_EQUAL(H.n_admit, 2);
	CU_ASSERT(H.admit_had_cur);
	CU_ASSERT_EQUAL(rec->filters[0].vid, 101);
	vdp_bridge_destroy(br);
}

static void
test_vdp_keepalive_expiry(void)
{
	struct vdp_bridge *br;
	struct req r = std_req(VDP_TLV_ASSOC);
	const struct vdp_vsi *v;
	const uint64_t t0 = 1700000000000000ull;
	uint64_t t;

	/* The formula: 1.5 * (2^RKA + (2R + 1) * 2^RTE) * 10 us. */
	CU_ASSERT_EQUAL(vdp_bridge_keepalive_us(3, 8, 20), 15755520);  /* peers.md: 15.76 s */
	CU_ASSERT_EQUAL(vdp_bridge_keepalive_us(3, 14, 20), 17448960); /* 17.45 s */
	CU_ASSERT_EQUAL(vdp_bridge_keepalive_us(0, 0, 0), 30);
	h_reset();
	br = mk_br(4, 4);
	CU_ASSERT_EQUAL(vdp_bridge_set_timers(br, 3, 14, 20), 0);
	CU_ASSERT_EQUAL(vdp_bridge_set_timers(br, 8, 14, 20), VN_EINVAL);
	t = 17448960;
	H.admit_vid = 100;
	CU_ASSERT_EQUAL(vdp_bridge_next_deadline(br), VDP_BRIDGE_NEVER);
	CU_ASSERT_EQUAL(feed(br, &r, t0), 1);
	CU_ASSERT_EQUAL(vdp_bridge_next_deadline(br), t0 + t);
	CU_ASSERT_EQUAL(vdp_bridge_vsi_deadline(br, find1(br)), t0 + t);
	vdp_bridge_tick(br, t0 + t - 1); /* not before */
	CU_ASSERT_EQUAL(H.n_release, 0);
	CU_ASSERT_EQUAL(H.n_out, 1);
	CU_ASSERT_PTR_NOT_NULL(find1(br));
	vdp_bridge_tick(br, t0 + t); /* at the deadline: gone */
	CU_ASSERT_EQUAL(H.n_release, 1);
	CU_ASSERT_EQUAL(H.rel_reason, VDP_BRIDGE_REASON_KEEPALIVE);
	CU_ASSERT_EQUAL(H.rel_vid0, 100);
	CU_ASSERT_PTR_NULL(find1(br));
	CU_ASSERT_EQUAL_FATAL(H.n_out, 2);
	/* Unsolicited DE-ASSOCIATE: type 4, status 0x00, granted filters. */
	v = last_rsp();
	CU_ASSERT(!memcmp(g_rsp.mgrid, mgr_blabla, 16));
	CU_ASSERT_EQUAL(v->mode, VDP_TLV_DEASSOC);
	CU_ASSERT_EQUAL(last_octet(), 0x00);
	CU_ASSERT(!memcmp(v->vsiid, uuid1, 16));
	CU_ASSERT_EQUAL(v->type_id, 5);
	CU_ASSERT_EQUAL(vdp_vsi_filters(&g_rsp, v)[0].vid, 100);
	CU_ASSERT(!memcmp(vdp_vsi_filters(&g_rsp, v)[0].mac, mac1, 6));
	CU_ASSERT_EQUAL(H.out[1].now, t0 + t);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->keepalive_expiries, 1);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->tx_unsolicited, 1);
	CU_ASSERT_EQUAL(vdp_bridge_next_deadline(br), VDP_BRIDGE_NEVER);

	/* Pre-associations are supervised the same way; a timer change
	 * applies to running keep-alives. */
	r.mode = VDP_TLV_PREASSOC;
	CU_ASSERT_EQUAL(feed(br, &r, t0), 1);
	CU_ASSERT_EQUAL(vdp_bridge_set_timers(br, 0, 0, 0), 0);
	CU_ASSERT_EQUAL(vdp_bridge_next_deadline(br), t0 + 30);
	vdp_bridge_tick(br, t0 + 29);
	CU_ASSERT_EQUAL(H.n_release, 1);
	vdp_bridge_tick(br, t0 + 31); /* late tick: still removed */
	CU_ASSERT_EQUAL(H.n_release, 2);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->keepalive_expiries, 2);
	vdp_bridge_destroy(br);
}

static void
test_vdp_status_codes(void)
{
	struct vdp_bridge *br;
	struct req r = std_req(VDP_TLV_ASSOC);
	const struct vdp_vsi *v;

	h_reset();
	br = mk_br(4, 4);
	for (int code = 5; code >= 0; code--) {
		H.admit_rc = code;
		CU_ASSERT_EQUAL(feed(br, &r, 100), 1);
		v = last_rsp();
		CU_ASSERT(v->status.response);
		CU_ASSERT_EQUAL(v->status.error, code);
		CU_ASSERT_FALSE(vdp_status_keep(&v->status)); /* new VSI: nothing kept */
		CU_ASSERT_FALSE(vdp_status_hard(&v->status));
		CU_ASSERT_EQUAL(last_octet(), 0x40 | code);
		CU_ASSERT_EQUAL(v->mode, VDP_TLV_ASSOC);
		CU_ASSERT(!memcmp(v->vsiid, uuid1, 16));
		CU_ASSERT_EQUAL(vdp_bridge_stats(br)->status[code], 1);
		if (code)
			CU_ASSERT_PTR_NULL(find1(br));
	}
	CU_ASSERT_PTR_NOT_NULL(find1(br));
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->refused, 5);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->admitted, 1);
	CU_ASSERT_EQUAL(H.n_release, 0);

	/* HARD on a new VSI: 0x50 | code; a code out of range counts as 4. */
	r.id = uuid2;
	H.admit_rc = 2 | VDP_BRIDGE_ADMIT_HARD;
	EXPECT_OCT(br, &r, 200, 0x52);
	H.admit_rc = 9;
	EXPECT_OCT(br, &r, 200, 0x44);
	H.admit_rc = -1;
	EXPECT_OCT(br, &r, 200, 0x44);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->resp_hard, 1);
	vdp_bridge_destroy(br);

	/* refuse_with_deassoc: lldpad-bridge style TLV type 4 on refusal. */
	h_reset();
	br = mk_br_x(4, 4, 8, BR_DEASSOC);
	H.admit_rc = 2;
	EXPECT(br, &r, 1, VDP_TLV_DEASSOC, 0x42);
	vdp_bridge_destroy(br);
}

static void
test_vdp_keep_and_hard(void)
{
	struct vdp_bridge *br;
	struct req r = std_req(VDP_TLV_PREASSOC);
	const struct vdp_bridge_vsi *rec;

	h_reset();
	br = mk_br(4, 4);
	CU_ASSERT_EQUAL(feed(br, &r, 10), 1);
	rec = find1(br);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
	/* preassoc -> assoc refused (3, no VSI manager): KEEP, still preassoc. */
	r.mode = VDP_TLV_ASSOC;
	H.admit_rc = 3;
	EXPECT(br, &r, 20, VDP_TLV_ASSOC, 0x63);
	CU_ASSERT(vdp_status_keep(&last_rsp()->status));
	CU_ASSERT_EQUAL(rec->state, VDP_TLV_PREASSOC);
	CU_ASSERT_EQUAL(rec->last_status, 0x63);
	CU_ASSERT_STRING_EQUAL(rec->last_reason, "refused by admission");
	CU_ASSERT_EQUAL(rec->refreshed_us, 20);
	CU_ASSERT_EQUAL(H.n_release, 0);
	/* Now with the hard bit: released, 0x52, no KEEP. */
	H.admit_rc = 2 | VDP_BRIDGE_ADMIT_HARD;
	EXPECT_OCT(br, &r, 30, 0x52);
	CU_ASSERT(vdp_status_hard(&last_rsp()->status));
	CU_ASSERT_EQUAL(H.n_release, 1);
	CU_ASSERT_EQUAL(H.rel_reason, VDP_BRIDGE_REASON_HARD);
	CU_ASSERT_PTR_NULL(find1(br));
	vdp_bridge_destroy(br);
}

static void
test_vdp_deassoc_unknown(void)
{
	struct vdp_bridge *br;
	struct req r = std_req(VDP_TLV_DEASSOC);

	h_reset();
	br = mk_br(4, 4);
	r.f[0].vid = 7;
	EXPECT(br, &r, 10, VDP_TLV_DEASSOC, 0x40);
	CU_ASSERT_EQUAL(vdp_vsi_filters(&g_rsp, last_rsp())[0].vid, 7);
	CU_ASSERT_EQUAL(H.n_admit, 0);
	CU_ASSERT_EQUAL(H.n_release, 0);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->unknown_deassocs, 1);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->n_vsi, 0);
	vdp_bridge_destroy(br);
}

static void
test_vdp_bridge_deassoc(void)
{
	struct vdp_bridge *br;
	struct req r = std_req(VDP_TLV_ASSOC);
	struct vdp_bridge_vsi fake;

	h_reset();
	br = mk_br(4, 4);
	H.admit_vid = 300;
	CU_ASSERT_EQUAL(feed(br, &r, 10), 1);
	r.id = uuid2;
	CU_ASSERT_EQUAL(feed(br, &r, 10), 1);
	memset(&fake, 0, sizeof(fake));
	CU_ASSERT_EQUAL(vdp_bridge_deassoc(br, &fake, VDP_BRIDGE_REASON_ADMIN, 20), VN_EINVAL);
	CU_ASSERT_EQUAL(vdp_bridge_deassoc(br, find1(br), VDP_BRIDGE_REASON_ADMIN, 20), 0);
	CU_ASSERT_EQUAL(H.n_release, 1);
	CU_ASSERT_EQUAL(H.rel_reason, VDP_BRIDGE_REASON_ADMIN);
	CU_ASSERT_EQUAL(last_rsp()->mode, VDP_TLV_DEASSOC);
	CU_ASSERT_EQUAL(last_octet(), 0x00);
	CU_ASSERT(!memcmp(last_rsp()->vsiid, uuid1, 16));
	CU_ASSERT_EQUAL(vdp_vsi_filters(&g_rsp, last_rsp())[0].vid, 300);
	CU_ASSERT_PTR_NULL(find1(br));
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->bridge_deassocs, 1);
	/* Port down: release everything without sending. */
	vdp_bridge_release_all(br, VDP_BRIDGE_REASON_PORT_DOWN, false, 30);
	CU_ASSERT_EQUAL(H.n_release, 2);
	CU_ASSERT_EQUAL(H.rel_reason, VDP_BRIDGE_REASON_PORT_DOWN);
	CU_ASSERT_EQUAL(H.n_out, 3);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->n_vsi, 0);
	CU_ASSERT_STRING_EQUAL(
		vdp_bridge_reason_name(VDP_BRIDGE_REASON_KEEPALIVE), "keep-alive");
	CU_ASSERT_STRING_EQUAL(vdp_bridge_reason_name(99), "unknown");
	vdp_bridge_destroy(br);
}

static void
test_vdp_resources(void)
{
	struct vdp_bridge *br;
	struct req r = std_req(VDP_TLV_ASSOC);

	h_reset();
	br = mk_br(1, 1);
	EXPECT_OCT(br, &r, 10, 0x40);
	/* Table full: 2, admit not asked. */
	r.id = uuid2;
	EXPECT_OCT(br, &r, 10, 0x42);
	CU_ASSERT_EQUAL(H.n_admit, 1);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->table_full, 1);
	/* More entries than kept per VSI: 2, KEEP on the existing VSI. */
	r.id = uuid1;
	r.n = 2;
	memcpy(r.f[1].mac, mac1, 6);
	EXPECT_OCT(br, &r, 20, 0x62);
	CU_ASSERT_EQUAL(H.n_admit, 1);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->status[2], 2);
	vdp_bridge_destroy(br);
}

static void
test_vdp_group_and_hints(void)
{
	struct vdp_bridge *br;
	struct req r = std_req(VDP_TLV_ASSOC);
	const struct vdp_bridge_vsi *rec;

	h_reset();
	br = mk_br(4, 4);
	r.fif = VDP_FIF_GROUP_MAC_VID;
	r.f[0].group_id = 0x01020304;
	EXPECT_OCT(br, &r, 10, 0x41); /* not negotiated: invalid format */
	CU_ASSERT_EQUAL(H.n_admit, 0);
	vdp_bridge_set_group_ids(br, true);
	r.hints = 0x10;               /* M: migrate-to */
	EXPECT_OCT(br, &r, 20, 0x40); /* hints never echoed */
	CU_ASSERT_EQUAL(vdp_vsi_filters(&g_rsp, last_rsp())[0].group_id, 0x01020304);
	rec = find1(br);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
	CU_ASSERT(rec->hint_m);
	CU_ASSERT_FALSE(rec->hint_s);
	r.hints = 0x20; /* S: suspend / migrate-from, on a keep-alive */
	EXPECT_OCT(br, &r, 30, 0x40);
	CU_ASSERT_FALSE(rec->hint_m);
	CU_ASSERT(rec->hint_s);
	vdp_bridge_destroy(br);
}

static void
test_vdp_several_and_ignored(void)
{
	uint8_t buf[VDP_MAX_PDU_LEN];
	size_t len = 0;
	struct vdp_bridge *br;
	struct req a = std_req(VDP_TLV_ASSOC), b = std_req(VDP_TLV_PREASSOC), c;
	struct vdp_vsi resp = { 0 };

	h_reset();
	br = mk_br(4, 4);
	b.id = uuid2;
	b.fif = VDP_FIF_VID;
	b.f[0].vid = 400;
	memset(b.f[0].mac, 0, 6);
	vdp_pdu_init(&g_req);
	g_req.has_mgrid = true;
	memcpy(g_req.mgrid, mgr_blabla, 16);
	add_req(&g_req, &a);
	add_req(&g_req, &b);
	/* A TLV with the response bit is not a request: ignored. */
	c = std_req(VDP_TLV_ASSOC);
	resp.mode = VDP_TLV_ASSOC;
	resp.status.response = true;
	resp.type_id = 5;
	resp.vsiid_format = VDP_VSIID_UUID;
	memcpy(resp.vsiid, uuid2, 16);
	resp.fif = 2;
	CU_ASSERT_FATAL(vdp_pdu_add_vsi(&g_req, &resp, c.f, 1) >= 0);
	CU_ASSERT_EQUAL_FATAL(vdp_encode(&g_req, buf, sizeof(buf), &len, NULL), 0);
	CU_ASSERT_EQUAL(vdp_bridge_rx(br, buf, len, 5), 0);
	CU_ASSERT_EQUAL_FATAL(H.n_out, 1);
	(void)last_rsp();
	CU_ASSERT_EQUAL_FATAL(g_rsp.n_vsi, 2);
	CU_ASSERT_EQUAL(g_rsp.vsi[0].mode, VDP_TLV_ASSOC);
	CU_ASSERT(!memcmp(g_rsp.vsi[0].vsiid, uuid1, 16));
	CU_ASSERT_EQUAL(g_rsp.vsi[1].mode, VDP_TLV_PREASSOC);
	CU_ASSERT(!memcmp(g_rsp.vsi[1].vsiid, uuid2, 16));
	CU_ASSERT_EQUAL(g_rsp.vsi[1].fif, VDP_FIF_VID);
	CU_ASSERT_EQUAL(vdp_vsi_filters(&g_rsp, &g_rsp.vsi[1])[0].vid, 400);
	CU_ASSERT(g_rsp.vsi[1].status.response);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->rx_ignored, 1);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->rx_requests, 2);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->n_vsi, 2);
	/* Only responses: nothing sent. */
	vdp_pdu_init(&g_req);
	g_req.has_mgrid = true;
	CU_ASSERT_FATAL(vdp_pdu_add_vsi(&g_req, &resp, c.f, 1) >= 0);
	CU_ASSERT_EQUAL_FATAL(vdp_encode(&g_req, buf, sizeof(buf), &len, NULL), 0);
	CU_ASSERT_EQUAL(vdp_bridge_rx(br, buf, len, 6), 0);
	CU_ASSERT_EQUAL(H.n_out, 1);
	vdp_bridge_destroy(br);
}

static void
test_vdp_malformed(void)
{
	uint8_t buf[VDP_MAX_PDU_LEN];
	size_t len;
	struct vdp_bridge *br;
	struct req r = std_req(VDP_TLV_ASSOC);

	h_reset();
	br = mk_br(4, 4);
	len = mk_req(buf, &r);
	CU_ASSERT_EQUAL(len, 18 + 2 + 33);

	/* No Manager ID first: counted, not answered (lldpad drops it). */
	CU_ASSERT_EQUAL(vdp_bridge_rx(br, buf + 18, len - 18, 1), VN_EBADMSG);
	CU_ASSERT_EQUAL(H.n_out, 0);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->rx_malformed, 1);
	CU_ASSERT_PTR_NOT_NULL(vdp_bridge_stats(br)->last_malformed);

	/* Reserved filter format: answered with status 1, echoing the TLV. */
	buf[18 + 2 + 22] = 9;
	CU_ASSERT_EQUAL(vdp_bridge_rx(br, buf, len, 2), VN_EBADMSG);
	CU_ASSERT_EQUAL_FATAL(H.n_out, 1);
	CU_ASSERT_EQUAL(H.out[0].len, len);
	CU_ASSERT_EQUAL(H.out[0].data[20], 0x41);
	CU_ASSERT(!memcmp(H.out[0].data, buf, 20));
	CU_ASSERT(!memcmp(H.out[0].data + 21, buf + 21, len - 21));
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->status[1], 1);

	/* Truncated VSI TLV, VSI ID present: echo of what is there. */
	buf[18 + 2 + 22] = 2;
	CU_ASSERT_EQUAL(vdp_bridge_rx(br, buf, 18 + 2 + 24, 3), VN_EBADMSG);
	CU_ASSERT_EQUAL_FATAL(H.n_out, 2);
	CU_ASSERT_EQUAL(H.out[1].len, 18 + 2 + 24);
	CU_ASSERT_EQUAL(vn_get_be16(H.out[1].data + 18), (3 << 9) | 24);
	CU_ASSERT_EQUAL(H.out[1].data[20], 0x41);
	/* Too short to name the VSI: not answered. */
	CU_ASSERT_EQUAL(vdp_bridge_rx(br, buf, 18 + 2 + 21, 4), VN_EBADMSG);
	CU_ASSERT_EQUAL(H.n_out, 2);

	/* A malformed request for an existing VSI: KEEP + invalid format, the
	 * association stays and is refreshed. */
	EXPECT_OCT(br, &r, 5, 0x40);
	len = mk_req(buf, &r);
	buf[18 + 2 + 22] = 0; /* filter format 0: reserved */
	CU_ASSERT_EQUAL(vdp_bridge_rx(br, buf, len, 6), VN_EBADMSG);
	CU_ASSERT_EQUAL(H.out[H.n_out - 1].data[20], 0x61);
	CU_ASSERT_EQUAL(find1(br)->last_status, 0x61);
	CU_ASSERT_EQUAL(find1(br)->refreshed_us, 6);
	CU_ASSERT_STRING_EQUAL(find1(br)->last_reason, "malformed request");
	/* Reserved VSI ID format 0 names no VSI of ours: no KEEP. */
	len = mk_req(buf, &r);
	buf[18 + 2 + 5] = 0;
	CU_ASSERT_EQUAL(vdp_bridge_rx(br, buf, len, 6), VN_EBADMSG);
	CU_ASSERT_EQUAL(H.out[H.n_out - 1].data[20], 0x41);
	/* A malformed TLV that is itself a response is not answered. */
	len = mk_req(buf, &r);
	buf[18 + 2 + 22] = 0;
	buf[20] = 0x40;
	{
		size_t before = H.n_out;

		CU_ASSERT_EQUAL(vdp_bridge_rx(br, buf, len, 6), VN_EBADMSG);
		CU_ASSERT_EQUAL(H.n_out, before);
	}
	CU_ASSERT_EQUAL(H.n_release, 0);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->rx_malformed, 7);

	/* A VSI TLV with no entry decodes, lldpad would ignore it: status 1,
	 * written field by field with n = 0 (KEEP: the VSI exists). */
	len = mk_req(buf, &r);
	buf[18 + 1] = 25;     /* TLV length 25 */
	buf[18 + 2 + 23] = 0; /* n = 0 */
	buf[18 + 2 + 24] = 0;
	len = 18 + 2 + 25;
	CU_ASSERT_EQUAL(vdp_bridge_rx(br, buf, len, 7), 0);
	CU_ASSERT_EQUAL(H.out[H.n_out - 1].len, len);
	CU_ASSERT_EQUAL(H.out[H.n_out - 1].data[20], 0x61);
	CU_ASSERT(!memcmp(H.out[H.n_out - 1].data + 21, buf + 21, len - 21));
	CU_ASSERT_EQUAL(find1(br)->refreshed_us, 7);
	CU_ASSERT_EQUAL(find1(br)->state, VDP_TLV_ASSOC);
	vdp_bridge_destroy(br);

	/* Configuration limits. */
	{
		struct vdp_bridge_config cfg;
		struct vdp_bridge_callbacks cb = { .send = cb_send };

		for (int i = 0; i < 4; i++) {
			vdp_bridge_config_default(&cfg);
			cfg.max_filters = i == 0 ? VDP_MAX_FILTERS_PER_VSI + 1 : 1;
			cfg.max_vsi = i == 1 ? 0 : 1;
			cfg.rka = i == 2 ? 32 : 20;
			cb.send = i == 3 ? NULL : cb_send;
			CU_ASSERT_PTR_NULL(vdp_bridge_create(&cfg, &cb, NULL));
		}
		vdp_bridge_destroy(NULL);
	}
}

static void
test_vdp_key_mgrid(void)
{
	struct vdp_bridge *br;
	struct req r = std_req(VDP_TLV_ASSOC);
	uint8_t buf[VDP_MAX_PDU_LEN];
	size_t len;

	/* Default: the Manager ID is part of the key, so another manager's
	 * request for the same VSI ID is another VSI. */
	h_reset();
	br = mk_br(4, 4);
	CU_ASSERT_EQUAL(feed(br, &r, 1), 1);
	len = mk_req(buf, &r);
	buf[2] = 'X';
	CU_ASSERT_EQUAL(vdp_bridge_rx(br, buf, len, 2), 0);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->n_vsi, 2);
	CU_ASSERT_FALSE(H.admit_had_cur);
	vdp_bridge_destroy(br);

	/* Without: the same VSI, changed (admit asked with the record). */
	h_reset();
	br = mk_br_x(4, 4, 8, BR_NO_MGRID_KEY);
	CU_ASSERT_EQUAL(feed(br, &r, 1), 1);
	CU_ASSERT_EQUAL(vdp_bridge_rx(br, buf, len, 2), 0);
	CU_ASSERT_EQUAL(vdp_bridge_stats(br)->n_vsi, 1);
	CU_ASSERT(H.admit_had_cur);
	CU_ASSERT_EQUAL(vdp_bridge_next(br, NULL)->mgrid[0], 'X');
	vdp_bridge_destroy(br);
}

/* The VSI index (vdp_bridge.c): 64 records taken and released in a
 * scrambled order, several rounds; every VSI in use is found, none other
 * is, a new VSI takes the lowest free record, and the next deadline is the
 * earliest refresh's. */
static void
test_vdp_index_churn(void)
{
	enum { N = 64 };
	static uint8_t ids[N][VDP_VSIID_LEN];
	bool in[N] = { false };
	struct vdp_bridge *br;
	const uint64_t t = vdp_bridge_keepalive_us(3, 8, 20);
	uint32_t x = 7;
	uint64_t now = 1000;

	h_reset();
	br = mk_br(N, 4);
	for (unsigned i = 0; i < N; i++) {
		memcpy(ids[i], uuid1, VDP_VSIID_LEN);
		ids[i][15] = (uint8_t)i;
		ids[i][14] = (uint8_t)(i * 37); /* spread the hashes apart */
	}
	for (unsigned step = 0; step < 2000; step++) {
		unsigned i;
		struct req r;

		x = x * 1103515245u + 12345u;
		i = (x >> 8) % N;
		r = std_req(in[i] ? VDP_TLV_DEASSOC : VDP_TLV_ASSOC);
		r.id = ids[i];
		r.f[0].mac[5] = (uint8_t)i; /* a MAC of its own */
		now += 10;
		h_reset(); /* the recorder keeps a few frames only */
		feed(br, &r, now);
		in[i] = !in[i];
		if (step % 97)
			continue;
		for (unsigned k = 0; k < N; k++) {
			const struct vdp_bridge_vsi *v =
				vdp_bridge_find(br, mgr_blabla, VDP_VSIID_UUID, ids[k]);

			CU_ASSERT_EQUAL(v != NULL, in[k]);
		}
	}
	{
		uint64_t min = UINT64_MAX;
		size_t n = 0;

		for (const struct vdp_bridge_vsi *v = vdp_bridge_next(br, NULL); v;
			v = vdp_bridge_next(br, v), n++)
			if (v->refreshed_us < min)
				min = v->refreshed_us;
		CU_ASSERT_EQUAL(n, vdp_bridge_stats(br)->n_vsi);
		CU_ASSERT_EQUAL(vdp_bridge_next_deadline(br), n ? min + t : VDP_BRIDGE_NEVER);
	}
	vdp_bridge_destroy(br);
}

/* Registered as the "vdp-bridge" suite by test-ecp-vdp-sm.c, in this order. */
const struct tu_test ecp_vdp_bridge_tests[] = {
	{ "ASSOCIATE, VID 0 -> profile VLAN", test_vdp_assoc_vid0 },
	{ "every mode and transition", test_vdp_modes_transitions },
	{ "keep-alive refresh", test_vdp_keepalive_refresh },
	{ "keep-alive expiry at the formula", test_vdp_keepalive_expiry },
	{ "status codes 0-5 through admit", test_vdp_status_codes },
	{ "KEEP and HARD", test_vdp_keep_and_hard },
	{ "DE-ASSOCIATE of an unknown VSI", test_vdp_deassoc_unknown },
	{ "bridge-initiated de-associate, release all", test_vdp_bridge_deassoc },
	{ "table and filter limits", test_vdp_resources },
	{ "GroupID negotiation, M/S hints", test_vdp_group_and_hints },
	{ "several VSI TLVs, responses ignored", test_vdp_several_and_ignored },
	{ "malformed requests", test_vdp_malformed },
	{ "Manager ID in the key", test_vdp_key_mgrid },
	{ "VSI index under churn", test_vdp_index_churn },
	{ NULL, NULL },
};
