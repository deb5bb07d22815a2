/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "lldp/lldpdu.h"

/*
 * lldp_org.c - information strings of the organizationally specific TLVs
 * that EVB needs: the 802.1Qbg-2012 EVB TLV, the CDCP TLV and the
 * pre-standard (draft 0.2) EVB TLV.  Each function handles only what follows
 * the OUI and subtype; lldpdu.c frames them as type-127 TLVs.
 *
 * Bit layouts follow lldpad (include/lldp_evb22.h, include/lldp_evb.h) and
 * tcpdump (print-lldp.c, EVB and CDCP cases), which agree bit for bit; the
 * draft EVB layout also matches Wireshark (packet-lldp.c).  All fields are
 * taken apart with explicit shifts and masks: vendor CDCP code that used C
 * bit-fields put Role in the wrong bit on little-endian hosts.
 */

/* ---- 802.1Qbg-2012 EVB TLV --------------------------------------------- */

int
lldp_evb_unpack(const uint8_t *buf, size_t len, struct lldp_evb *out, struct vn_err *err)
{
	struct vn_rd r;
	uint8_t b[LLDP_EVB_INFO_LEN];

	vn_rd_init(&r, buf, len);
	if (len != LLDP_EVB_INFO_LEN)
		return vn_fail(err, VN_EBADMSG, "EVB info is not 5 bytes", 0);
	if (!vn_rd_bytes(&r, b, sizeof(b)))
		return vn_fail(err, VN_EBADMSG, "EVB info truncated", vn_rd_pos(&r));

	memset(out, 0, sizeof(*out));
	/* Reserved bits (byte 0 bits 7-3, byte 1 bits 7-4, byte 4 bits 7-6) are
	 * ignored on receipt, as 802.1Q requires of reserved fields. */
	out->bgid = b[0] & 0x04;
	out->rrcap = b[0] & 0x02;
	out->rrctr = b[0] & 0x01;
	out->sgid = b[1] & 0x08;
	out->rrreq = b[1] & 0x04;
	out->rrstat = b[1] & 0x03;
	out->r = b[2] >> 5;
	out->rte = b[2] & 0x1F;
	out->mode = b[3] >> 6;
	out->rwd_rol = b[3] & 0x20;
	out->rwd = b[3] & 0x1F;
	out->rka_rol = b[4] & 0x20;
	out->rka = b[4] & 0x1F;
	/* EVB mode 3 is reserved (802.1Q-2014 EVB TLV; lldpad evb22 and tcpdump
	 * name only 0..2).  A peer sending it is not speaking this protocol. */
	if (out->mode == 3)
		return vn_fail(err, VN_EBADMSG, "EVB mode 3 is reserved", 3);
	return 0;
}

int
lldp_evb_pack(const struct lldp_evb *in, uint8_t *buf, size_t cap, size_t *len_out,
	struct vn_err *err)
{
	struct vn_wr w;

	if (in->rrstat > 3)
		return vn_fail(err, VN_EINVAL, "EVB RRSTAT over 3", 0);
	if (in->r > 7)
		return vn_fail(err, VN_EINVAL, "EVB R (ECP retries) over 7", 0);
	if (in->rte > 31)
		return vn_fail(err, VN_EINVAL, "EVB RTE over 31", 0);
	if (in->mode > LLDP_EVB_MODE_STATION)
		return vn_fail(err, VN_EINVAL, "EVB mode not 0..2 (3 is reserved)", 0);
	if (in->rwd > 31)
		return vn_fail(err, VN_EINVAL, "EVB RWD over 31", 0);
	if (in->rka > 31)
		return vn_fail(err, VN_EINVAL, "EVB RKA over 31", 0);

	vn_wr_init(&w, buf, cap);
	vn_wr_u8(&w,
		(uint8_t)((in->bgid ? 0x04 : 0) | (in->rrcap ? 0x02 : 0) |
			(in->rrctr ? 0x01 : 0)));
	vn_wr_u8(&w, (uint8_t)((in->sgid ? 0x08 : 0) | (in->rrreq ? 0x04 : 0) | in->rrstat));
	vn_wr_u8(&w, (uint8_t)(in->r << 5 | in->rte));
	vn_wr_u8(&w, (uint8_t)(in->mode << 6 | (in->rwd_rol ? 0x20 : 0) | in->rwd));
	vn_wr_u8(&w, (uint8_t)((in->rka_rol ? 0x20 : 0) | in->rka));
	if (w.overflow)
		return vn_fail(err, VN_ENOSPC, "EVB info does not fit in the buffer", 0);
	*len_out = w.off;
	return 0;
}

/* ---- CDCP TLV ----------------------------------------------------------- */

int
lldp_cdcp_unpack(const uint8_t *buf, size_t len, struct lldp_cdcp *out, struct vn_err *err)
{
	struct vn_rd r;
	uint32_t word, pair;

	vn_rd_init(&r, buf, len);
	if (len < LLDP_CDCP_FIXED_LEN)
		return vn_fail(err, VN_EBADMSG, "CDCP info shorter than 4 bytes", 0);
	/* n (SCID, SVID) pairs of 3 bytes each follow the fixed word; the
	 * pair count is implied by the length, so it must divide evenly. */
	if ((len - LLDP_CDCP_FIXED_LEN) % 3 != 0)
		return vn_fail(err, VN_EBADMSG, "CDCP info length is not 4+3n", 0);
	if ((len - LLDP_CDCP_FIXED_LEN) / 3 > LLDP_CDCP_MAX_CHAN)
		return vn_fail(err, VN_EBADMSG, "CDCP info has more than 167 pairs", 0);

	memset(out, 0, sizeof(*out));
	if (!vn_rd_be32(&r, &word))
		return vn_fail(err, VN_EBADMSG, "CDCP info truncated", vn_rd_pos(&r));
	/* Bits 30-28 and 26-12 are reserved: ignored on receipt. */
	out->role = (uint8_t)(word >> 31);
	out->scomp = (word >> 27) & 1;
	out->chncap = (uint16_t)(word & 0x0FFF);
	while (vn_rd_left(&r) > 0) {
		if (!vn_rd_be24(&r, &pair))
			return vn_fail(err, VN_EBADMSG, "CDCP pair truncated", vn_rd_pos(&r));
		out->chan[out->n_chan].scid = (uint16_t)(pair >> 12);
		out->chan[out->n_chan].svid = (uint16_t)(pair & 0x0FFF);
		out->n_chan++;
	}
	return 0;
}

int
lldp_cdcp_pack(const struct lldp_cdcp *in, uint8_t *buf, size_t cap, size_t *len_out,
	struct vn_err *err)
{
	struct vn_wr w;

	if (in->role > LLDP_CDCP_ROLE_STATION)
		return vn_fail(err, VN_EINVAL, "CDCP role not 0 (bridge) or 1 (station)", 0);
	if (in->chncap > 0x0FFF)
		return vn_fail(err, VN_EINVAL, "CDCP ChnCap over 4095", 0);
	if (in->n_chan > LLDP_CDCP_MAX_CHAN)
		return vn_fail(err, VN_EINVAL, "CDCP has more than 167 pairs", 0);
	for (size_t i = 0; i < in->n_chan; i++) {
		if (in->chan[i].scid > 0x0FFF)
			return vn_fail(err, VN_EINVAL, "CDCP SCID over 4095", 0);
		if (in->chan[i].svid > 0x0FFF)
			return vn_fail(err, VN_EINVAL, "CDCP SVID over 4095", 0);
	}

	vn_wr_init(&w, buf, cap);
	vn_wr_be32(&w, (uint32_t)in->role << 31 | (in->scomp ? 1u << 27 : 0) | in->chncap);
	for (size_t i = 0; i < in->n_chan; i++)
		vn_wr_be24(&w, (uint32_t)in->chan[i].scid << 12 | in->chan[i].svid);
	if (w.overflow)
		return vn_fail(err, VN_ENOSPC, "CDCP info does not fit in the buffer", 0);
	*len_out = w.off;
	return 0;
}

/* ---- pre-standard EVB TLV (draft 0.2) ---------------------------------- */

int
lldp_evb_draft_unpack(
	const uint8_t *buf, size_t len, struct lldp_evb_draft *out, struct vn_err *err)
{
	struct vn_rd r;

	vn_rd_init(&r, buf, len);
	if (len != LLDP_EVBD_INFO_LEN)
		return vn_fail(err, VN_EBADMSG, "draft EVB info is not 9 bytes", 0);
	memset(out, 0, sizeof(*out));
	/* Every byte is kept as is: the draft defines no reserved values that
	 * lldpad or Wireshark reject, and undefined bits must round-trip. */
	if (!vn_rd_u8(&r, &out->sup_mode) || !vn_rd_u8(&r, &out->sup_cap) ||
		!vn_rd_u8(&r, &out->cfg_mode) || !vn_rd_u8(&r, &out->cfg_cap) ||
		!vn_rd_be16(&r, &out->sup_vsis) || !vn_rd_be16(&r, &out->cfg_vsis) ||
		!vn_rd_u8(&r, &out->rte))
		return vn_fail(err, VN_EBADMSG, "draft EVB info truncated", vn_rd_pos(&r));
	return 0;
}

int
lldp_evb_draft_pack(const struct lldp_evb_draft *in, uint8_t *buf, size_t cap, size_t *len_out,
	struct vn_err *err)
{
	struct vn_wr w;

	vn_wr_init(&w, buf, cap);
	vn_wr_u8(&w, in->sup_mode);
	vn_wr_u8(&w, in->sup_cap);
	vn_wr_u8(&w, in->cfg_mode);
	vn_wr_u8(&w, in->cfg_cap);
	vn_wr_be16(&w, in->sup_vsis);
	vn_wr_be16(&w, in->cfg_vsis);
	vn_wr_u8(&w, in->rte);
	if (w.overflow)
		return vn_fail(err, VN_ENOSPC, "draft EVB info does not fit in the buffer", 0);
	*len_out = w.off;
	return 0;
}
