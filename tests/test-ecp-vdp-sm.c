/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test-ecp-vdp-sm.c - ECP state machine and VDP bridge role in virtual time:
 * ECP retransmission schedule, give-up, duplicates, sequence numbers, ACK
 * forms; every VDP mode, transition and status code, KEEP/HARD, keep-alive
 * refresh and expiry at exactly the formula, bridge-initiated de-associate,
 * malformed requests; and end to end with the frames real lldpad stations
 * sent (tests/data/lldpad_*.pcap), compared with what lldpad's own bridge
 * answered.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "common/codec.h"
#include "tests/testutil.h"
#include "vepa/ecp.h"
#include "vepa/ecp_sm.h"
#include "vepa/vdp.h"
#include "vepa/vdp_bridge.h"

/* ==== harness ============================================================ */

#define MAX_SENT 64

struct sent {
	uint8_t data[ECP_SM_MAX_FRAME];
	size_t len;
	uint64_t now;
};

/* Everything the callbacks saw; reset by each test. */
static struct {
	/* ECP */
	struct sent frames[MAX_SENT];
	size_t n_frames;
	uint64_t now; /* time of the current call, for tx */
	int tx_rc;
	struct {
		uint16_t subtype;
		uint8_t data[ECP_MAX_ULPDU_LEN];
		size_t len;
	} dl[16];
	size_t n_dl;
	struct {
		uint16_t subtype, seq;
		bool acked;
		uint64_t now;
	} done[16];
	size_t n_done;

	/* VDP */
	struct sent out[MAX_SENT]; /* ULPDUs sent by the bridge */
	size_t n_out;
	struct ecp_sm *ecp;    /* when set, bridge output goes into ECP */
	struct vdp_bridge *br; /* when set, ECP delivers into the bridge */
	int admit_rc;          /* what admit returns */
	uint16_t admit_vid;    /* non-zero: write into every resp filter */
	uint8_t admit_pcp;     /* with admit_vid */
	size_t n_admit;
	uint8_t admit_mode;
	bool admit_had_cur;
	size_t admit_n;
	size_t n_release;
	enum vdp_bridge_reason rel_reason;
	uint8_t rel_state;
	uint16_t rel_vid0; /* granted VID of the first filter */
} H;

static struct vdp_pdu g_req, g_rsp; /* ~20 KiB each: off the stack */

static void
h_reset(void)
{
	memset(&H, 0, sizeof(H));
}

static void
record(struct sent *s, size_t *n, const uint8_t *data, size_t len, uint64_t now)
{
	CU_ASSERT_FATAL(*n < MAX_SENT && len <= ECP_SM_MAX_FRAME);
	memcpy(s[*n].data, data, len);
	s[*n].len = len;
	s[(*n)++].now = now;
}

static int
cb_tx(void *aux, const uint8_t *frame, size_t len)
{
	record(H.frames, &H.n_frames, frame, len, H.now);
	return H.tx_rc;
}

static void
cb_deliver(void *aux, uint16_t subtype, const uint8_t *ulpdu, size_t len, uint64_t now)
{
	if (H.br) {
		(void)vdp_bridge_rx(H.br, ulpdu, len, now);
		return;
	}
	CU_ASSERT_FATAL(H.n_dl < 16);
	H.dl[H.n_dl].subtype = subtype;
	memcpy(H.dl[H.n_dl].data, ulpdu, len);
	H.dl[H.n_dl].len = len;
	H.n_dl++;
}

static void
cb_done(void *aux, uint16_t subtype, uint16_t seq, bool acked, uint64_t now)
{
	CU_ASSERT_FATAL(H.n_done < 16);
	H.done[H.n_done].subtype = subtype;
	H.done[H.n_done].seq = seq;
	H.done[H.n_done].acked = acked;
	H.done[H.n_done].now = now;
	H.n_done++;
}

static int
cb_send(void *aux, const uint8_t *ulpdu, size_t len, uint64_t now)
{
	record(H.out, &H.n_out, ulpdu, len, now);
	if (H.ecp)
		return ecp_sm_send(H.ecp, ECP_SUBTYPE_VDP, ulpdu, len, now);
	return 0;
}

static int
cb_admit(void *aux, const struct vdp_vsi *req, const struct vdp_filter *filters, size_t n,
	uint8_t mode, struct vdp_filter *resp, const uint8_t mgrid[VDP_MGRID_LEN],
	const struct vdp_bridge_vsi *cur)
{
	H.n_admit++;
	H.admit_mode = mode;
	H.admit_had_cur = cur != NULL;
	H.admit_n = n;
	if (H.admit_vid)
		for (size_t i = 0; i < n; i++) {
			resp[i].vid = H.admit_vid; /* the bridge restores non-zero VIDs */
			resp[i].pcp = H.admit_pcp;
		}
	return H.admit_rc;
}

static void
cb_release(void *aux, const struct vdp_bridge_vsi *vsi, enum vdp_bridge_reason reason)
{
	H.n_release++;
	H.rel_reason = reason;
	H.rel_state = vsi->state;
	H.rel_vid0 = vsi->n_filters ? vsi->filters[0].vid : 0;
}

static const uint8_t our_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0xb7, 0x01 };
static const uint8_t station_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x5a, 0x01 };
static const uint8_t ncb[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };

static struct ecp_sm *
mk_ecp(uint16_t seq, uint8_t r, uint8_t rte, uint16_t qlen)
{
	struct ecp_sm_config cfg;
	struct ecp_sm_callbacks cb = { .tx = cb_tx, .deliver = cb_deliver, .tx_done = cb_done };
	struct ecp_sm *e;

	ecp_sm_config_default(&cfg);
	memcpy(cfg.mac, our_mac, 6);
	cfg.initial_seq = seq;
	cfg.max_retries = r;
	cfg.rte = rte;
	cfg.queue_len = qlen;
	e = ecp_sm_create(&cfg, &cb, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	return e;
}

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

enum { BR_DEASSOC = 1, BR_NO_MGRID_KEY = 2 };

/* A bridge with defaults except table sizes, RTE and the BR_* flags. */
static struct vdp_bridge *
mk_br_x(uint16_t max_vsi, uint16_t max_filters, uint8_t rte, unsigned int flags)
{
	struct vdp_bridge_config cfg;
	struct vdp_bridge_callbacks cb = {
		.send = cb_send, .admit = cb_admit, .release = cb_release
	};
	struct vdp_bridge *br;

	vdp_bridge_config_default(&cfg);
	cfg.max_vsi = max_vsi;
	cfg.max_filters = max_filters;
	cfg.rte = rte;
	cfg.refuse_with_deassoc = (flags & BR_DEASSOC) != 0;
	cfg.key_mgrid = !(flags & BR_NO_MGRID_KEY);
	br = vdp_bridge_create(&cfg, &cb, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(br);
	return br;
}

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
	static const struct tu_test vdp[] = {
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
	tu_add_suite("vdp-bridge", vdp);
	tu_add_suite("end-to-end", e2e);
}

int
main(void)
{
	return tu_run("test-ecp-vdp-sm", add_suites);
}
