/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-ecp-vdp-sm.c - ECP state machine and VDP bridge role in virtual time:
 * ECP retransmission schedule, give-up, duplicates, sequence numbers, ACK
 * forms (suite "ecp-sm", here); every VDP mode, transition and status code,
 * KEEP/HARD, keep-alive refresh and expiry at exactly the formula,
 * bridge-initiated de-associate, malformed requests (suite "vdp-bridge", in
 * test-ecp-vdp-sm-bridge.c); and end to end with the frames real lldpad
 * stations sent (tests/data/lldpad_*.pcap), compared with what lldpad's own
 * bridge answered (suite "end-to-end", here).  The harness shared by both
 * files is ecpvdptest.c; all three make one program.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "common/codec.h"
#include "tests/ecpvdptest.h"
#include "tests/testutil.h"
#include "vepa/ecp.h"
#include "vepa/ecp_sm.h"
#include "vepa/vdp.h"
#include "vepa/vdp_bridge.h"

/* An ECP frame from the station: request (ulpdu) or ACK (ulpdu NULL). */
static size_t
mk_frame(uint8_t *f, bool ack, uint16_t seq, const uint8_t *ulpdu, size_t len, bool pad)
{
	size_t n = 18 + len;

	memcpy(f, ncb, 6);
	memcpy(f + 6, station_mac, 6);
	vn_put_be16(f + 12, 0x8940);
	vn_put_be16(f + 14, ack ? 0x1401 : 0x1001);
	vn_put_be16(f + 16, seq);
	if (len)
		memcpy(f + 18, ulpdu, len);
	if (pad && n < 60) {
		memset(f + n, 0, 60 - n);
		n = 60;
	}
	return n;
}

static uint16_t
frame_seq(const struct sent *s)
{
	return vn_get_be16(s->data + 16);
}

/* ==== ECP ================================================================ */

static void
test_ecp_first_request(void)
{
	const uint8_t u[5] = { 1, 2, 3, 4, 5 };
	struct ecp_sm *e;
	const struct sent *s;

	h_reset();
	e = mk_ecp(0x1234, 3, 8, 4);
	CU_ASSERT_EQUAL(ecp_sm_next_deadline(e), ECP_SM_NEVER);
	H.now = 1000;
	CU_ASSERT_EQUAL(ecp_sm_send(e, ECP_SUBTYPE_VDP, u, sizeof(u), 1000), 0);
	CU_ASSERT_EQUAL_FATAL(H.n_frames, 1);
	s = &H.frames[0];
	CU_ASSERT_EQUAL(s->len, 60); /* padded */
	CU_ASSERT(!memcmp(s->data, ncb, 6));
	CU_ASSERT(!memcmp(s->data + 6, our_mac, 6));
	CU_ASSERT_EQUAL(vn_get_be16(s->data + 12), 0x8940);
	CU_ASSERT_EQUAL(vn_get_be16(s->data + 14), 0x1001); /* v1, request, VDP */
	CU_ASSERT_EQUAL(frame_seq(s), 0x1234);              /* random initial seq honoured */
	CU_ASSERT(!memcmp(s->data + 18, u, 5));
	for (size_t i = 23; i < 60; i++)
		CU_ASSERT_EQUAL(s->data[i], 0);
	CU_ASSERT_EQUAL(ecp_sm_next_deadline(e), 1000 + 2560); /* 10 us * 2^8 */
	CU_ASSERT_EQUAL(ecp_sm_stats(e)->tx_requests, 1);
	ecp_sm_destroy(e);
}

static void
test_ecp_retransmit_schedule(void)
{
	const uint8_t u[3] = { 9, 9, 9 }, u2[2] = { 7, 7 };
	const uint64_t t0 = 5000000, p = 10u << 8;
	struct ecp_sm *e;
	struct ecp_sm_info info;

	h_reset();
	e = mk_ecp(77, 3, 8, 4);
	H.now = t0;
	CU_ASSERT_EQUAL(ecp_sm_send(e, ECP_SUBTYPE_VDP, u, sizeof(u), t0), 0);
	CU_ASSERT_EQUAL(ecp_sm_send(e, ECP_SUBTYPE_VDP, u2, sizeof(u2), t0), 0); /* queued */
	CU_ASSERT_EQUAL(H.n_frames, 1);
	for (unsigned int k = 1; k <= 3; k++) {
		H.now = t0 + k * p - 1;
		ecp_sm_tick(e, H.now); /* not yet */
		CU_ASSERT_EQUAL(H.n_frames, k);
		H.now = t0 + k * p;
		CU_ASSERT_EQUAL(ecp_sm_next_deadline(e), H.now);
		ecp_sm_tick(e, H.now);
		CU_ASSERT_EQUAL_FATAL(H.n_frames, k + 1);
		/* The same frame again, at exactly 10 us * 2^RTE intervals. */
		CU_ASSERT_EQUAL(H.frames[k].len, H.frames[0].len);
		CU_ASSERT(!memcmp(H.frames[k].data, H.frames[0].data, H.frames[0].len));
		CU_ASSERT_EQUAL(H.frames[k].now, t0 + k * p);
	}
	ecp_sm_get_info(e, &info);
	CU_ASSERT(info.outstanding);
	CU_ASSERT_EQUAL(info.retries, 3);
	CU_ASSERT_EQUAL(info.queued, 1);
	/* R = 3 retransmissions done: the 4th expiry gives up. */
	ecp_sm_tick(e, t0 + 4 * p - 1);
	CU_ASSERT_EQUAL(H.n_frames, 4);
	CU_ASSERT_EQUAL(H.n_done, 0);
	H.now = t0 + 4 * p;
	ecp_sm_tick(e, H.now);
	CU_ASSERT_EQUAL_FATAL(H.n_done, 1);
	CU_ASSERT_FALSE(H.done[0].acked);
	CU_ASSERT_EQUAL(H.done[0].seq, 77);
	CU_ASSERT_EQUAL(H.done[0].now, t0 + 4 * p);
	/* ... and moves to the next ULPDU at once, with the next seq. */
	CU_ASSERT_EQUAL_FATAL(H.n_frames, 5);
	CU_ASSERT_EQUAL(frame_seq(&H.frames[4]), 78);
	CU_ASSERT(!memcmp(H.frames[4].data + 18, u2, 2));
	CU_ASSERT_EQUAL(ecp_sm_next_deadline(e), t0 + 5 * p);
	CU_ASSERT_EQUAL(ecp_sm_stats(e)->tx_requests, 2);
	CU_ASSERT_EQUAL(ecp_sm_stats(e)->tx_retransmissions, 3);
	CU_ASSERT_EQUAL(ecp_sm_stats(e)->ack_timeouts, 4);
	CU_ASSERT_EQUAL(ecp_sm_stats(e)->tx_errors, 1);

	/* New timers from EVB negotiation: R = 1, RTE = 2 (40 us), used from
	 * the next timer start on. */
	CU_ASSERT_EQUAL(ecp_sm_set_timers(e, 1, 2), 0);
	CU_ASSERT_EQUAL(ecp_sm_set_timers(e, 8, 2), VN_EINVAL);
	CU_ASSERT_EQUAL(ecp_sm_set_timers(e, 1, 32), VN_EINVAL);
	H.now = t0 + 5 * p;
	ecp_sm_tick(e, H.now); /* first retransmission of seq 78 */
	CU_ASSERT_EQUAL(H.n_frames, 6);
	CU_ASSERT_EQUAL(ecp_sm_next_deadline(e), H.now + 40);
	ecp_sm_tick(e, H.now + 39);
	CU_ASSERT_EQUAL(H.n_done, 1);
	ecp_sm_tick(e, H.now + 40); /* R = 1 reached: give up */
	CU_ASSERT_EQUAL(H.n_done, 2);
	CU_ASSERT_EQUAL(H.n_frames, 6);
	CU_ASSERT_EQUAL(ecp_sm_next_deadline(e), ECP_SM_NEVER);

	/* R = 0: one frame, no retransmission. */
	CU_ASSERT_EQUAL(ecp_sm_set_timers(e, 0, 0), 0);
	H.now = 1;
	CU_ASSERT_EQUAL(ecp_sm_send(e, ECP_SUBTYPE_VDP, u, sizeof(u), 1), 0);
	CU_ASSERT_EQUAL(ecp_sm_next_deadline(e), 11);
	ecp_sm_tick(e, 11);
	CU_ASSERT_EQUAL(H.n_frames, 7);
	CU_ASSERT_EQUAL(H.n_done, 3);
	ecp_sm_destroy(e);
}

static void
test_ecp_ack(void)
{
	const uint8_t u[4] = { 0xa, 0xb, 0xc, 0xd };
	uint8_t f[64];
	size_t n;
	struct ecp_sm *e;

	h_reset();
	e = mk_ecp(0x0100, 3, 8, 4);
	CU_ASSERT_EQUAL(ecp_sm_send(e, ECP_SUBTYPE_VDP, u, 4, 10), 0);
	CU_ASSERT_EQUAL(ecp_sm_send(e, ECP_SUBTYPE_VDP, u, 4, 10), 0);
	/* An ACK for another seq is counted and ignored. */
	n = mk_frame(f, true, 0x00ff, NULL, 0, false);
	CU_ASSERT_EQUAL(ecp_sm_rx(e, f, n, 20), 0);
	CU_ASSERT_EQUAL(ecp_sm_stats(e)->rx_acks_ignored, 1);
	CU_ASSERT_EQUAL(H.n_done, 0);
	/* lldpad's unpadded 18-byte ACK completes it. */
	n = mk_frame(f, true, 0x0100, NULL, 0, false);
	CU_ASSERT_EQUAL(n, 18);
	CU_ASSERT_EQUAL(ecp_sm_rx(e, f, n, 30), 0);
	CU_ASSERT_EQUAL_FATAL(H.n_done, 1);
	CU_ASSERT(H.done[0].acked);
	CU_ASSERT_EQUAL(H.done[0].seq, 0x0100);
	CU_ASSERT_EQUAL(H.done[0].subtype, ECP_SUBTYPE_VDP);
	CU_ASSERT_EQUAL_FATAL(H.n_frames, 2); /* the queued one went out */
	CU_ASSERT_EQUAL(frame_seq(&H.frames[1]), 0x0101);
	CU_ASSERT_EQUAL(ecp_sm_next_deadline(e), 30 + 2560);
	/* A padded 60-byte ACK works too; a repeated ACK is then ignored. */
	n = mk_frame(f, true, 0x0101, NULL, 0, true);
	CU_ASSERT_EQUAL(n, 60);
	CU_ASSERT_EQUAL(ecp_sm_rx(e, f, n, 40), 0);
	CU_ASSERT_EQUAL(H.n_done, 2);
	CU_ASSERT_EQUAL(ecp_sm_rx(e, f, n, 41), 0);
	CU_ASSERT_EQUAL(ecp_sm_stats(e)->rx_acks, 2);
	CU_ASSERT_EQUAL(ecp_sm_stats(e)->rx_acks_ignored, 2);
	CU_ASSERT_EQUAL(ecp_sm_stats(e)->tx_completed, 2);
	CU_ASSERT_EQUAL(ecp_sm_stats(e)->tx_retransmissions, 0);
	CU_ASSERT_EQUAL(ecp_sm_next_deadline(e), ECP_SM_NEVER);
	/* A tx callback failure is counted; the timer retries. */
	H.tx_rc = -1;
	CU_ASSERT_EQUAL(ecp_sm_send(e, ECP_SUBTYPE_PECSP, u, 4, 50), 0);
	CU_ASSERT_EQUAL(ecp_sm_stats(e)->tx_failures, 1);
	CU_ASSERT_EQUAL(vn_get_be16(H.frames[2].data + 14), 0x1002); /* PE-CSP */
	ecp_sm_destroy(e);
}

static void
test_ecp_rx_duplicates(void)
{
	const uint8_t u[6] = { 0x0a, 0x10, 1, 2, 3, 4 };
	uint8_t f[64];
	size_t n;
	struct ecp_sm *e;
	const struct sent *a;

	h_reset();
	e = mk_ecp(1, 3, 8, 4);
	/* First request after create is always new, even with seq 0. */
	n = mk_frame(f, false, 0, u, sizeof(u), false);
	CU_ASSERT_EQUAL(ecp_sm_rx(e, f, n, 100), 0);
	CU_ASSERT_EQUAL(H.n_dl, 1);
	n = mk_frame(f, false, 5, u, sizeof(u), true);
	CU_ASSERT_EQUAL(ecp_sm_rx(e, f, n, 200), 0);
	CU_ASSERT_EQUAL_FATAL(H.n_dl, 2);
	CU_ASSERT_EQUAL(H.dl[1].subtype, ECP_SUBTYPE_VDP);
	CU_ASSERT_EQUAL(H.dl[1].len, 60 - 18); /* padding included */
	CU_ASSERT(!memcmp(H.dl[1].data, u, sizeof(u)));
	CU_ASSERT_EQUAL_FATAL(H.n_frames, 2);
	a = &H.frames[1];
	CU_ASSERT_EQUAL(a->len, 60);
	CU_ASSERT(!memcmp(a->data, ncb, 6)); /* ACK DA: nearest customer bridge */
	CU_ASSERT(!memcmp(a->data + 6, our_mac, 6));
	CU_ASSERT_EQUAL(vn_get_be16(a->data + 12), 0x8940);
	CU_ASSERT_EQUAL(vn_get_be16(a->data + 14), 0x1401); /* ACK, VDP */
	CU_ASSERT_EQUAL(vn_get_be16(a->data + 16), 5);
	for (size_t i = 18; i < 60; i++)
		CU_ASSERT_EQUAL(a->data[i], 0);
	/* The same seq again: re-ACKed, not delivered. */
	CU_ASSERT_EQUAL(ecp_sm_rx(e, f, n, 300), 0);
	CU_ASSERT_EQUAL(H.n_dl, 2);
	CU_ASSERT_EQUAL_FATAL(H.n_frames, 3);
	CU_ASSERT(!memcmp(H.frames[2].data, a->data, 60));
	CU_ASSERT_EQUAL(ecp_sm_stats(e)->rx_duplicates, 1);
	/* A new seq is delivered again; so is an older one (only the last
	 * seq counts, as in lldpad). */
	n = mk_frame(f, false, 6, u, sizeof(u), true);
	CU_ASSERT_EQUAL(ecp_sm_rx(e, f, n, 400), 0);
	n = mk_frame(f, false, 5, u, sizeof(u), true);
	CU_ASSERT_EQUAL(ecp_sm_rx(e, f, n, 500), 0);
	CU_ASSERT_EQUAL(H.n_dl, 4);
	CU_ASSERT_EQUAL(ecp_sm_stats(e)->rx_requests, 5);
	CU_ASSERT_EQUAL(ecp_sm_stats(e)->tx_acks, 5);
	CU_ASSERT_EQUAL(ecp_sm_stats(e)->rx_duplicates, 1);
	/* After a reset the next request is new again. */
	ecp_sm_reset(e, 9);
	CU_ASSERT_EQUAL(ecp_sm_rx(e, f, n, 600), 0);
	CU_ASSERT_EQUAL(H.n_dl, 5);
	ecp_sm_destroy(e);

	/* The ACK DA is configurable. */
	{
		struct ecp_sm_config cfg;
		struct ecp_sm_callbacks cb = { .tx = cb_tx, .deliver = cb_deliver };
		const uint8_t uni[6] = { 0x02, 0, 0, 0, 0x5a, 0x01 };

		h_reset();
		ecp_sm_config_default(&cfg);
		memcpy(cfg.mac, our_mac, 6);
		memcpy(cfg.ack_da, uni, 6);
		e = ecp_sm_create(&cfg, &cb, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		CU_ASSERT_EQUAL(ecp_sm_rx(e, f, n, 1), 0);
		CU_ASSERT_EQUAL_FATAL(H.n_frames, 1);
		CU_ASSERT(!memcmp(H.frames[0].data, uni, 6));
		ecp_sm_destroy(e);
	}
}

static void
ack_last(struct ecp_sm *e, uint64_t now)
{
	uint8_t f[64];
	size_t n = mk_frame(f, true, frame_seq(&H.frames[H.n_frames - 1]), NULL, 0, false);

	CU_ASSERT_EQUAL(ecp_sm_rx(e, f, n, now), 0);
}

static void
test_ecp_seq_wrap(void)
{
	const uint8_t u[1] = { 1 };
	struct ecp_sm *e;
	struct ecp_sm_info info;

	h_reset();
	e = mk_ecp(0xfffe, 3, 8, 4);
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(ecp_sm_send(e, ECP_SUBTYPE_VDP, u, 1, (uint64_t)i), 0);
		ack_last(e, (uint64_t)i);
	}
	CU_ASSERT_EQUAL_FATAL(H.n_frames, 3);
	CU_ASSERT_EQUAL(frame_seq(&H.frames[0]), 0xfffe);
	CU_ASSERT_EQUAL(frame_seq(&H.frames[1]), 0xffff);
	CU_ASSERT_EQUAL(frame_seq(&H.frames[2]), 0x0001); /* 0 skipped */
	CU_ASSERT_EQUAL(ecp_sm_stats(e)->tx_completed, 3);
	ecp_sm_get_info(e, &info);
	CU_ASSERT_EQUAL(info.next_seq, 2);
	ecp_sm_destroy(e);

	/* initial_seq 0 means 1 (0 is never sent). */
	h_reset();
	e = mk_ecp(0, 3, 8, 4);
	CU_ASSERT_EQUAL(ecp_sm_send(e, ECP_SUBTYPE_VDP, u, 1, 0), 0);
	CU_ASSERT_EQUAL(frame_seq(&H.frames[0]), 1);
	ecp_sm_destroy(e);
}

static void
test_ecp_queue_and_limits(void)
{
	static uint8_t big[ECP_MAX_ULPDU_LEN + 1];
	const uint8_t u[1] = { 1 };
	struct ecp_sm *e;
	struct ecp_sm_config cfg;
	struct ecp_sm_callbacks cb = { .tx = cb_tx, .deliver = cb_deliver };

	h_reset();
	e = mk_ecp(1, 3, 8, 2);
	CU_ASSERT_EQUAL(ecp_sm_send(e, ECP_SUBTYPE_VDP, u, 1, 0), 0); /* outstanding */
	CU_ASSERT_EQUAL(ecp_sm_send(e, ECP_SUBTYPE_VDP, u, 1, 0), 0);
	CU_ASSERT_EQUAL(ecp_sm_send(e, ECP_SUBTYPE_VDP, u, 1, 0), 0);
	CU_ASSERT_EQUAL(ecp_sm_send(e, ECP_SUBTYPE_VDP, u, 1, 0), VN_ENOSPC);
	CU_ASSERT_EQUAL(ecp_sm_stats(e)->queue_overflows, 1);
	CU_ASSERT_EQUAL(ecp_sm_send(e, ECP_SUBTYPE_VDP, big, sizeof(big), 0), VN_EINVAL);
	CU_ASSERT_EQUAL(ecp_sm_send(e, ECP_SUBTYPE_VDP, u, 0, 0), VN_EINVAL);
	CU_ASSERT_EQUAL(ecp_sm_send(e, 3, u, 1, 0), VN_EINVAL);
	/* A full-size ULPDU goes out unpadded as a 1514-byte frame. */
	ecp_sm_reset(e, 1);
	CU_ASSERT_EQUAL(ecp_sm_send(e, ECP_SUBTYPE_VDP, big, ECP_MAX_ULPDU_LEN, 0), 0);
	CU_ASSERT_EQUAL(H.frames[H.n_frames - 1].len, 1514);
	ecp_sm_destroy(e);

	for (int i = 0; i < 5; i++) {
		ecp_sm_config_default(&cfg);
		cfg.max_retries = i == 0 ? 8 : 3;
		cfg.rte = i == 1 ? 32 : 8;
		cfg.queue_len = i == 2 ? 0 : 1;
		cfg.max_ulpdu = i == 3 ? ECP_MAX_ULPDU_LEN + 1 : 10;
		cb.deliver = i == 4 ? NULL : cb_deliver;
		CU_ASSERT_PTR_NULL(ecp_sm_create(&cfg, &cb, NULL));
	}
	ecp_sm_destroy(NULL);
}

static void
test_ecp_malformed(void)
{
	uint8_t f[64];
	size_t n;
	struct ecp_sm *e;

	h_reset();
	e = mk_ecp(1, 3, 8, 4);
	n = mk_frame(f, false, 1, NULL, 0, false);
	CU_ASSERT_EQUAL(ecp_sm_rx(e, f, 13, 0), VN_EBADMSG);
	CU_ASSERT_PTR_NOT_NULL(ecp_sm_stats(e)->last_malformed);
	CU_ASSERT_EQUAL(ecp_sm_rx(e, f, 16, 0), VN_EBADMSG); /* truncated header */
	f[12] = 0x88;
	CU_ASSERT_EQUAL(ecp_sm_rx(e, f, n, 0), VN_EBADMSG); /* EtherType */
	f[12] = 0x89;
	f[14] = 0x20; /* version 2 */
	CU_ASSERT_EQUAL(ecp_sm_rx(e, f, n, 0), VN_EBADMSG);
	f[14] = 0x18; /* op 2, reserved */
	CU_ASSERT_EQUAL(ecp_sm_rx(e, f, n, 0), VN_EBADMSG);
	f[14] = 0x10;
	f[15] = 0x03; /* subtype 3 */
	CU_ASSERT_EQUAL(ecp_sm_rx(e, f, n, 0), VN_EBADMSG);
	CU_ASSERT_EQUAL(ecp_sm_stats(e)->rx_malformed, 6);
	CU_ASSERT_EQUAL(H.n_frames, 0); /* nothing ACKed */
	CU_ASSERT_EQUAL(H.n_dl, 0);
	ecp_sm_destroy(e);
}

/* ==== end to end with lldpad's frames ====================================== */

static bool
is_station_ecp(const struct tu_frame *f)
{
	return f->len >= 18 && vn_get_be16(f->data + 12) == 0x8940 &&
		!memcmp(f->data + 6, station_mac, 6);
}

static bool
is_bridge_ecp(const struct tu_frame *f)
{
	return f->len >= 18 && vn_get_be16(f->data + 12) == 0x8940 &&
		!memcmp(f->data + 6, our_mac, 6);
}

/* Admission like the switch's: VID 0 -> the profile's VLAN (100). */
static void
e2e_setup(uint16_t seq, uint8_t rte, uint16_t vid)
{
	h_reset();
	H.ecp = mk_ecp(seq, 3, rte, 8);
	H.br = mk_br_x(64, 32, rte, 0);
	H.admit_vid = vid;
}

static void
e2e_teardown(void)
{
	ecp_sm_destroy(H.ecp);
	vdp_bridge_destroy(H.br);
	H.ecp = NULL;
	H.br = NULL;
}

static void
e2e_feed(const struct tu_frame *f)
{
	H.now = f->ts_us;
	ecp_sm_tick(H.ecp, H.now);
	vdp_bridge_tick(H.br, H.now);
	CU_ASSERT_EQUAL(ecp_sm_rx(H.ecp, f->data, f->len, H.now), 0);
}

/* Check a response frame we sent against the station's request frame:
 * Manager ID first, exact TLV length, 0x40 set, same identity and filters,
 * VID rewritten only where the station sent 0. */
static void
check_response(const struct sent *rsp, const struct tu_frame *req, uint8_t want_mode,
	uint8_t want_octet, uint16_t vid0)
{
	static struct vdp_pdu q;
	struct vn_err e = { 0 };
	const struct vdp_vsi *rv, *qv;
	size_t tlv;

	CU_ASSERT_EQUAL_FATAL(vdp_decode(req->data + 18, req->len - 18, &q, &e), 0);
	CU_ASSERT_EQUAL_FATAL(vdp_decode(rsp->data + 18, rsp->len - 18, &g_rsp, &e), 0);
	CU_ASSERT_EQUAL(vn_get_be16(rsp->data + 14), 0x1001);
	CU_ASSERT_EQUAL(rsp->data[18] >> 1, VDP_TLV_MGRID); /* Manager ID TLV first */
	CU_ASSERT(!memcmp(g_rsp.mgrid, q.mgrid, 16));
	CU_ASSERT_EQUAL_FATAL(g_rsp.n_vsi, 1);
	rv = &g_rsp.vsi[0];
	qv = &q.vsi[0];
	tlv = vn_get_be16(rsp->data + 18 + 18) & 0x1ff;
	CU_ASSERT_EQUAL(tlv, 25 + rv->n_filters * vdp_fif_entry_size(rv->fif));
	CU_ASSERT_EQUAL(rv->mode, want_mode);
	CU_ASSERT_EQUAL(rsp->data[18 + 20], want_octet);
	CU_ASSERT(rv->status.response || want_mode == VDP_TLV_DEASSOC);
	CU_ASSERT_EQUAL(rv->type_id, qv->type_id);
	CU_ASSERT_EQUAL(rv->type_version, qv->type_version);
	CU_ASSERT_EQUAL(rv->vsiid_format, qv->vsiid_format);
	CU_ASSERT(!memcmp(rv->vsiid, qv->vsiid, 16));
	CU_ASSERT_EQUAL(rv->fif, qv->fif);
	CU_ASSERT_EQUAL_FATAL(rv->n_filters, qv->n_filters);
	for (size_t i = 0; i < rv->n_filters; i++) {
		const struct vdp_filter *a = &vdp_vsi_filters(&g_rsp, rv)[i];
		const struct vdp_filter *b = &vdp_vsi_filters(&q, qv)[i];

		CU_ASSERT(!memcmp(a->mac, b->mac, 6));
		CU_ASSERT_EQUAL(a->group_id, b->group_id);
		CU_ASSERT_EQUAL(a->vid, b->vid ? b->vid : vid0);
	}
}

static void
test_e2e_unanswered(void)
{
	struct tu_pcap *p =
		tu_pcap_load("lldpad_station_evb22_lldp_and_unanswered_vdp_assoc.pcap");
	const struct tu_frame *req = NULL;
	const struct ecp_sm_stats *es;
	const struct sent *rsp = NULL;
	size_t n_req = 0, n_acks = 0;
	uint64_t t;

	e2e_setup(0x4321, 8, 100);
	for (size_t i = 0; i < p->n; i++) {
		if (!is_station_ecp(&p->frames[i]))
			continue;
		if (!req)
			req = &p->frames[i];
		n_req++;
		e2e_feed(&p->frames[i]);
	}
	CU_ASSERT_EQUAL_FATAL(n_req, 4); /* seq 1, sent 4 times */
	es = ecp_sm_stats(H.ecp);
	CU_ASSERT_EQUAL(es->rx_requests, 4);
	CU_ASSERT_EQUAL(es->rx_duplicates, 3);
	CU_ASSERT_EQUAL(es->tx_acks, 4);
	CU_ASSERT_EQUAL(vdp_bridge_stats(H.br)->rx_pdus, 1);
	CU_ASSERT_EQUAL(H.n_out, 1);
	for (size_t i = 0; i < H.n_frames; i++) {
		const struct sent *s = &H.frames[i];

		if (vn_get_be16(s->data + 14) == 0x1401) {
			/* our ACK: 14 01 00 01, to 01-80-C2-00-00-00, padded */
			CU_ASSERT_EQUAL(vn_get_be16(s->data + 16), 1);
			CU_ASSERT(!memcmp(s->data, ncb, 6));
			CU_ASSERT_EQUAL(s->len, 60);
			n_acks++;
		} else if (!rsp) {
			rsp = s;
		}
	}
	CU_ASSERT_EQUAL(n_acks, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rsp);
	CU_ASSERT_EQUAL(vn_get_be16(rsp->data + 16), 0x4321);
	check_response(rsp, req, VDP_TLV_ASSOC, 0x40, 100);
	/* Byte for byte: the station's ULPDU with status 0x40 and VID 100. */
	{
		uint8_t want[64];
		size_t ul = req->len - 18;

		CU_ASSERT_FATAL(ul <= sizeof(want));
		memcpy(want, req->data + 18, ul);
		want[20] = 0x40;
		want[ul - 2] = 0x00;
		want[ul - 1] = 0x64;
		CU_ASSERT(!memcmp(rsp->data + 18, want, ul));
	}
	CU_ASSERT_PTR_NOT_NULL(vdp_bridge_next(H.br, NULL));

	/* The station never ACKs: R = 3 retransmissions, then an error. */
	for (int k = 0; k < 10 && ecp_sm_next_deadline(H.ecp) != ECP_SM_NEVER; k++) {
		H.now = ecp_sm_next_deadline(H.ecp);
		ecp_sm_tick(H.ecp, H.now);
	}
	CU_ASSERT_EQUAL(es->tx_retransmissions, 3);
	CU_ASSERT_EQUAL(es->tx_errors, 1);
	/* And never refreshes: the VSI expires at exactly the keep-alive time
	 * after the first request, with release and unsolicited DE-ASSOCIATE. */
	t = req->ts_us + vdp_bridge_keepalive_us(3, 8, 20);
	CU_ASSERT_EQUAL(vdp_bridge_next_deadline(H.br), t);
	H.now = t - 1;
	vdp_bridge_tick(H.br, H.now);
	CU_ASSERT_EQUAL(H.n_release, 0);
	H.now = t;
	vdp_bridge_tick(H.br, H.now);
	CU_ASSERT_EQUAL(H.n_release, 1);
	CU_ASSERT_EQUAL(H.rel_reason, VDP_BRIDGE_REASON_KEEPALIVE);
	CU_ASSERT_EQUAL_FATAL(H.n_out, 2);
	rsp = &H.frames[H.n_frames - 1];
	CU_ASSERT_EQUAL(vn_get_be16(rsp->data + 14), 0x1001);
	CU_ASSERT_EQUAL(vn_get_be16(rsp->data + 16), 0x4322);
	check_response(rsp, req, VDP_TLV_DEASSOC, 0x00, 100);
	e2e_teardown();
	tu_pcap_free(p);
}

/*
 * lldpad station vs lldpad bridge: feed the station's frames (ASSOC seq 0x0b,
 * its ACK of the bridge's seq 1, keep-alive ASSOC 0x0c, ACK 2, DEASSOC 0x0d,
 * ACK 3) and compare what we send with what lldpad's bridge sent.  With our
 * MAC = lldpad bridge's, initial seq 1 and an admit that assigns nothing,
 * every frame must be identical to lldpad's, except that we pad ACKs to 60
 * bytes where lldpad sends 18-byte runts.  With VID 0 -> 100 only the VIDs
 * differ.
 */
static void
run_e2e_bridge(uint16_t vid)
{
	struct tu_pcap *p = tu_pcap_load(
		"lldpad_station_vs_lldpad_bridge_evb_vdp_assoc_keepalive_deassoc_2filters.pcap");
	const struct tu_frame *lldpad[16], *reqs[4];
	size_t n_lldpad = 0, n_reqs = 0, n_fed = 0;
	const struct ecp_sm_stats *es;
	const struct vdp_bridge_stats *bs;
	const uint8_t want_mode[3] = { VDP_TLV_ASSOC, VDP_TLV_ASSOC, VDP_TLV_DEASSOC };

	e2e_setup(1, 14, vid); /* the lldpad bridge ran with ecprte=14 */
	for (size_t i = 0; i < p->n; i++) {
		const struct tu_frame *f = &p->frames[i];

		if (is_bridge_ecp(f) && n_lldpad < 16)
			lldpad[n_lldpad++] = f;
		if (!is_station_ecp(f))
			continue;
		if (f->data[14] == 0x10 && n_reqs < 4)
			reqs[n_reqs++] = f;
		e2e_feed(f);
		n_fed++;
	}
	CU_ASSERT_EQUAL_FATAL(n_fed, 6);
	CU_ASSERT_EQUAL_FATAL(n_reqs, 3);
	CU_ASSERT_EQUAL_FATAL(n_lldpad, 6);
	/* We sent, in order: ACK, response, ACK, response, ACK, response. */
	CU_ASSERT_EQUAL_FATAL(H.n_frames, 6);
	for (size_t i = 0; i < 6; i++) {
		const struct sent *s = &H.frames[i];
		const struct tu_frame *l = lldpad[i];

		CU_ASSERT_EQUAL(s->data[14], l->data[14]);
		if (l->data[14] == 0x14) {
			CU_ASSERT_EQUAL(l->len, 18);
			CU_ASSERT_EQUAL(s->len, 60);
			CU_ASSERT(!memcmp(s->data, l->data, 18));
			continue;
		}
		CU_ASSERT_EQUAL(s->len, l->len);
		check_response(s, reqs[i / 2], want_mode[i / 2], 0x40, vid);
		if (!vid) {
			CU_ASSERT(!memcmp(s->data, l->data, l->len));
		} else {
			uint8_t want[128];

			CU_ASSERT_FATAL(l->len <= sizeof(want));
			memcpy(want, l->data, l->len);
			/* the two entries' PS/PCP/VID words end the frame */
			want[l->len - 9] = 0x64;
			want[l->len - 1] = 0x64;
			CU_ASSERT(!memcmp(s->data, want, l->len));
		}
	}
	es = ecp_sm_stats(H.ecp);
	bs = vdp_bridge_stats(H.br);
	CU_ASSERT_EQUAL(es->rx_requests, 3);
	CU_ASSERT_EQUAL(es->rx_duplicates, 0);
	CU_ASSERT_EQUAL(es->rx_acks, 3); /* the station's ACKs match our seqs 1..3 */
	CU_ASSERT_EQUAL(es->rx_acks_ignored, 0);
	CU_ASSERT_EQUAL(es->tx_retransmissions, 0);
	CU_ASSERT_EQUAL(es->tx_errors, 0);
	CU_ASSERT_EQUAL(bs->admitted, 1);
	CU_ASSERT_EQUAL(bs->keepalives, 1);
	CU_ASSERT_EQUAL(bs->station_deassocs, 1);
	CU_ASSERT_EQUAL(bs->status[0], 3);
	CU_ASSERT_EQUAL(bs->n_vsi, 0);
	CU_ASSERT_EQUAL(H.n_admit, 1);
	CU_ASSERT_EQUAL(H.n_release, 1);
	CU_ASSERT_EQUAL(H.rel_reason, VDP_BRIDGE_REASON_STATION);
	CU_ASSERT_EQUAL(ecp_sm_next_deadline(H.ecp), ECP_SM_NEVER);
	CU_ASSERT_EQUAL(vdp_bridge_next_deadline(H.br), VDP_BRIDGE_NEVER);
	e2e_teardown();
	tu_pcap_free(p);
}

static void
test_e2e_lldpad_bridge_identical(void)
{
	run_e2e_bridge(0);
}

static void
test_e2e_lldpad_bridge_vid(void)
{
	run_e2e_bridge(100);
}

/* ==== suites =============================================================== */

static void
add_suites(void)
{
	static const struct tu_test ecp[] = {
		{ "first request: random initial seq, padding, DA", test_ecp_first_request },
		{ "retransmission schedule, R retries, give-up, new timers",
			test_ecp_retransmit_schedule },
		{ "ACKs: 18-byte, padded, stale", test_ecp_ack },
		{ "receive: ACK, deliver, duplicates", test_ecp_rx_duplicates },
		{ "sequence wrap skips 0", test_ecp_seq_wrap },
		{ "queue overflow and limits", test_ecp_queue_and_limits },
		{ "malformed frames", test_ecp_malformed },
		{ NULL, NULL },
	};
	static const struct tu_test e2e[] = {
		{ "lldpad station, unanswered associate", test_e2e_unanswered },
		{ "lldpad station vs lldpad bridge: identical frames",
			test_e2e_lldpad_bridge_identical },
		{ "lldpad station vs lldpad bridge: VID 0 -> 100", test_e2e_lldpad_bridge_vid },
		{ NULL, NULL },
	};

	tu_add_suite("ecp-sm", ecp);
	tu_add_suite("vdp-bridge", ecp_vdp_bridge_tests);
	tu_add_suite("end-to-end", e2e);
}

int
main(void)
{
	return tu_run("test-ecp-vdp-sm", add_suites);
}
