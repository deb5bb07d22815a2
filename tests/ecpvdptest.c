/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ecpvdptest.c - the harness of the ECP state machine and VDP bridge tests
 * (see ecpvdptest.h): recording callbacks and constructors.
 */
#include <config.h>

#include <string.h>

#include "tests/ecpvdptest.h"

struct harness H;

struct vdp_pdu g_req, g_rsp;

void
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

int
cb_tx(void *aux, const uint8_t *frame, size_t len)
{
	record(H.frames, &H.n_frames, frame, len, H.now);
	return H.tx_rc;
}

void
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

int
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

const uint8_t our_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0xb7, 0x01 };
const uint8_t station_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x5a, 0x01 };
const uint8_t ncb[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };

struct ecp_sm *
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

struct vdp_bridge *
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
