/* SPDX-License-Identifier: Apache-2.0 */
#include <config.h>

#include "vntag/etag.h"

void
etag_unpack(const uint8_t in[6], struct etag *t)
{
	uint16_t w0 = vn_get_be16(in), w1 = vn_get_be16(in + 2);

	t->pcp = (uint8_t)(w0 >> 13);
	t->dei = (w0 & 0x1000) != 0;
	t->ingress_ecid = (uint32_t)in[4] << 12 | (w0 & 0x0FFF);
	t->resv = (uint8_t)(w1 >> 14);
	t->grp = (uint8_t)((w1 >> 12) & 3);
	t->ecid = (uint32_t)in[5] << 12 | (w1 & 0x0FFF);
}

int
etag_pack(const struct etag *t, uint8_t out[6], struct vn_err *err)
{
	if (t->pcp > 7)
		return vn_fail(err, VN_EINVAL, "E-Tag E-PCP exceeds 3 bits", 0);
	if (t->grp > 3)
		return vn_fail(err, VN_EINVAL, "E-Tag GRP exceeds 2 bits", 0);
	if (t->ecid > ETAG_ECID_MAX || t->ingress_ecid > ETAG_ECID_MAX)
		return vn_fail(err, VN_EINVAL, "E-Tag E-CID exceeds 20 bits", 0);
	/* Reserved bits are always sent as 0, whatever t->resv holds. */
	vn_put_be16(out,
		(uint16_t)((unsigned)t->pcp << 13 | (t->dei ? 0x1000u : 0u) |
			(t->ingress_ecid & 0x0FFF)));
	vn_put_be16(out + 2, (uint16_t)((unsigned)t->grp << 12 | (t->ecid & 0x0FFF)));
	out[4] = (uint8_t)(t->ingress_ecid >> 12);
	out[5] = (uint8_t)(t->ecid >> 12);
	return 0;
}

int
etag_decode(const uint8_t *frame, size_t len, struct etag *t, uint16_t *next_type,
	size_t *next_off, struct vn_err *err)
{
	struct vn_rd r;
	const uint8_t *body;
	uint16_t tpid, next;

	vn_rd_init(&r, frame, len);
	if (!vn_rd_skip(&r, 2 * VN_ETH_ALEN))
		return vn_fail(err, VN_EBADMSG, "frame shorter than its MAC addresses", len);
	if (!vn_rd_be16(&r, &tpid))
		return vn_fail(err, VN_EBADMSG, "frame ends before its EtherType", len);
	if (tpid != ETAG_TPID)
		return vn_fail(err, VN_EBADMSG, "EtherType is not E-Tag (0x893F)", 12);
	body = vn_rd_ptr(&r, ETAG_HLEN - 2);
	if (!body)
		return vn_fail(err, VN_EBADMSG, "E-Tag truncated", len);
	if (!vn_rd_be16(&r, &next))
		return vn_fail(err, VN_EBADMSG,
			"frame ends after the E-Tag (no EtherType/length)", len);
	if (!vn_eth_type_or_len_ok(next))
		return vn_fail(err, VN_EBADMSG,
			"value after the E-Tag is neither an EtherType nor an 802.3 length",
			20);
	etag_unpack(body, t);
	if (next_type)
		*next_type = next;
	if (next_off)
		*next_off = 20;
	return 0;
}

int
etag_push(struct vn_pkt *pkt, const struct etag *t, struct vn_err *err)
{
	uint8_t body[6];
	uint8_t *gap;
	int rc = etag_pack(t, body, err);

	if (rc)
		return rc;
	gap = vn_pkt_open_tag(pkt, ETAG_HLEN);
	if (!gap)
		return vn_fail(
			err, VN_ENOSPC, "no headroom for an E-Tag or frame too short", 0);
	vn_put_be16(gap, ETAG_TPID);
	memcpy(gap + 2, body, sizeof(body));
	return 0;
}

int
etag_pop(struct vn_pkt *pkt, struct etag *t, struct vn_err *err)
{
	struct etag tmp;
	int rc = etag_decode(pkt->data, pkt->len, t ? t : &tmp, NULL, NULL, err);

	if (rc)
		return rc;
	vn_pkt_close_tag(pkt, ETAG_HLEN);
	return 0;
}
