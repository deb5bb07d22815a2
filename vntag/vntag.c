/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "vntag/vntag.h"

#define VNTAG_D    0x80000000u
#define VNTAG_P    0x40000000u
#define VNTAG_DVIF 0x3FFF0000u
#define VNTAG_L    0x00008000u
#define VNTAG_R    0x00004000u
#define VNTAG_VER  0x00003000u
#define VNTAG_SVIF 0x00000FFFu

void
vntag_unpack(uint32_t word, struct vntag *t)
{
	t->d = (word & VNTAG_D) != 0;
	t->p = (word & VNTAG_P) != 0;
	t->dvif = (uint16_t)((word & VNTAG_DVIF) >> 16);
	t->looped = (word & VNTAG_L) != 0;
	t->r = (word & VNTAG_R) != 0;
	t->version = (uint8_t)((word & VNTAG_VER) >> 12);
	t->svif = (uint16_t)(word & VNTAG_SVIF);
}

int
vntag_pack(const struct vntag *t, uint32_t *word, struct vn_err *err)
{
	if (t->dvif > VNTAG_VIF_MAX)
		return vn_fail(err, VN_EINVAL, "VN-Tag dvif exceeds 14 bits", 0);
	if (t->svif > VNTAG_SVIF_MAX)
		return vn_fail(err, VN_EINVAL, "VN-Tag svif exceeds 12 bits", 0);
	if (t->version > 3)
		return vn_fail(err, VN_EINVAL, "VN-Tag version exceeds 2 bits", 0);
	*word = (t->d ? VNTAG_D : 0) | (t->p ? VNTAG_P : 0) | (uint32_t)t->dvif << 16 |
		(t->looped ? VNTAG_L : 0) | (t->r ? VNTAG_R : 0) | (uint32_t)t->version << 12 |
		t->svif;
	return 0;
}

int
vntag_decode(const uint8_t *frame, size_t len, struct vntag *t, uint16_t *next_type,
	size_t *next_off, struct vn_err *err)
{
	struct vn_rd r;
	uint16_t tpid, next;
	uint32_t word;

	vn_rd_init(&r, frame, len);
	if (!vn_rd_skip(&r, 2 * VN_ETH_ALEN))
		return vn_fail(err, VN_EBADMSG, "frame shorter than its MAC addresses", len);
	if (!vn_rd_be16(&r, &tpid))
		return vn_fail(err, VN_EBADMSG, "frame ends before its EtherType", len);
	if (tpid != VNTAG_TPID)
		return vn_fail(err, VN_EBADMSG, "EtherType is not VN-Tag (0x8926)", 12);
	if (!vn_rd_be32(&r, &word))
		return vn_fail(err, VN_EBADMSG, "VN-Tag truncated", len);
	if (!vn_rd_be16(&r, &next))
		return vn_fail(err, VN_EBADMSG,
			"frame ends after the VN-Tag (no EtherType/length)", len);
	if (!vn_eth_type_or_len_ok(next))
		return vn_fail(err, VN_EBADMSG,
			"value after the VN-Tag is neither an EtherType nor an 802.3 length",
			18);
	vntag_unpack(word, t);
	if (next_type)
		*next_type = next;
	if (next_off)
		*next_off = 18;
	return 0;
}

int
vntag_push(struct vn_pkt *pkt, const struct vntag *t, struct vn_err *err)
{
	uint32_t word;
	uint8_t *gap;
	int rc = vntag_pack(t, &word, err);

	if (rc)
		return rc;
	gap = vn_pkt_open_tag(pkt, VNTAG_HLEN);
	if (!gap)
		return vn_fail(
			err, VN_ENOSPC, "no headroom for a VN-Tag or frame too short", 0);
	vn_put_be16(gap, VNTAG_TPID);
	vn_put_be32(gap + 2, word);
	return 0;
}

int
vntag_pop(struct vn_pkt *pkt, struct vntag *t, struct vn_err *err)
{
	struct vntag tmp;
	int rc = vntag_decode(pkt->data, pkt->len, t ? t : &tmp, NULL, NULL, err);

	if (rc)
		return rc;
	vn_pkt_close_tag(pkt, VNTAG_HLEN); /* cannot fail: decode saw 20 bytes */
	return 0;
}
